"""Which parties a change affects, and kommune mergers (kommunesammenslåinger).

Read from the model, not from the wording of a change: a procedure, the message catalogue, a
setting, a decision and the agreement are common to every party of the agreement (the
procedures bind all kommuner and UNN alike; nothing in a procedure names a single kommune), so a
change there affects all parties. A party's own file (its addresses, contacts, numbers) affects
that party. A merger is recognised from the new kommune's `previous_numbers`: the old kommuner
leave the agreement and the new one joins, and the report reads it as one merger.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.repository import Entry
from .changes import Comparison, DocChange
from .context import _list
from .sentence import S, join, p, q

EVERYONE_NB = {
    "chain": "meldingskjeden gjelder alle parter i avtalen",
    "routine": "rutinen gjelder alle parter i avtalen",
    "setting": "innstillingen brukes i de felles prosedyrene",
    "decision": "vedtak i OSO gjelder alle parter",
    "message-type": "meldingskatalogen er felles for alle parter",
    "agreement": "avtalen binder alle parter",
    "situation": "situasjonene på nettstedet gjelder alle parter",
    "role": "rollene på vakt gjelder alle parter",
    "glossary": "ordlisten er felles",
}


@dataclass(frozen=True)
class Party:
    id: str
    name: str
    number: str | None   # the kommunenummer; None for the health trust

    @classmethod
    def of(cls, entry: Entry) -> "Party":
        data = entry.data if isinstance(entry.data, dict) else {}
        name = data.get("name") if isinstance(data.get("name"), str) else str(entry.id)
        number = data.get("municipality_number")
        if data.get("role") == "municipality" and not isinstance(number, str):
            number = str(entry.id)
        return cls(str(entry.id), name, number if isinstance(number, str) else None)

    def s(self) -> S:
        """«Tromsø» (5501), or the health trust by name."""
        return S(q(self.name, 120), " (", p(self.number, 20), ")") if self.number else S(q(self.name, 120))

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "municipality_number": self.number}


@dataclass
class Affected:
    everyone: bool = False
    reasons: list = field(default_factory=list)   # why all parties (Norwegian phrases, distinct)
    parties: list = field(default_factory=list)   # named parties, in order, distinct

    def add(self, other: "Affected") -> None:
        self.everyone |= other.everyone
        self.reasons += [r for r in other.reasons if r not in self.reasons]
        self.parties += [x for x in other.parties if x not in self.parties]

    def sentence(self) -> S:
        """For one change: «alle parter (meldingskjeden gjelder alle parter i avtalen)» or the
        named parties."""
        named = join([x.s() for x in self.parties])
        if self.everyone and self.parties:
            return S("alle parter (", "; ".join(self.reasons), "), og særskilt ", named)
        if self.everyone:
            return S("alle parter (", "; ".join(self.reasons), ")")
        return named if self.parties else S("ingen parter")

    def summary(self) -> S:
        """For the whole change (the verdict section): all parties, the named ones, or both."""
        named = join([x.s() for x in self.parties])
        if self.everyone and self.parties:
            return S("alle parter i avtalen (alle kommunene og UNN), og særskilt ", named)
        if self.everyone:
            return S("alle parter i avtalen (alle kommunene og UNN)")
        return named if self.parties else S("ingen parter")

    def as_dict(self) -> dict:
        return {"all": self.everyone, "parties": [x.as_dict() for x in self.parties]}


@dataclass
class Merger:
    """Kommuner merged into a new one: `into` (added, or renamed from one of them) and the
    documents of the old kommuner (removed, or the one `into` was renamed from)."""

    into: DocChange
    merged: list          # [Entry] of the old kommuner, in previous_numbers order
    removed: list         # [DocChange] of the old kommuner that were removed

    @property
    def parties(self) -> list:
        return [Party.of(e) for e in self.merged] + [Party.of(self.into.after)]

    @property
    def into_party(self) -> Party:
        return Party.of(self.into.after)

    def sentence(self) -> S:
        """«Tromsø» (5501) og «Karlsøy» (5534) slås sammen til «Nye Tromsø» (5599)"""
        return S(join([Party.of(e).s() for e in self.merged]), " slås sammen til ", self.into_party.s())

    def parties_sentence(self) -> S:
        return join([x.s() for x in self.parties])


def mergers(comparison: Comparison) -> list[Merger]:
    """Every merger in the comparison: a new or renumbered kommune whose `previous_numbers`
    name kommuner that leave the agreement in the same change."""
    docs = comparison.of("party")
    added = [d for d in docs if d.status in ("added", "renamed") and d.after is not None]
    removed = {d.before.id: d for d in docs if d.status == "removed" and d.before is not None}
    renamed_from = {d.old_id: d for d in added if d.status == "renamed" and d.old_id and d.before is not None}
    out = []
    for doc in added:
        previous = [n for n in _list(doc.after.data.get("previous_numbers")) if isinstance(n, str)]
        merged = [n for n in previous if n in removed or n in renamed_from]
        if not merged:
            continue
        entries = [removed[n].before if n in removed else renamed_from[n].before for n in merged]
        out.append(Merger(doc, entries, [removed[n] for n in merged if n in removed]))
    return out


def affected(doc: DocChange, comparison: Comparison) -> Affected:
    """The parties one changed document affects."""
    if doc.kind != "party":
        reason = EVERYONE_NB.get(doc.kind, "dokumentet er felles for alle parter")
        return Affected(True, [reason], [])
    parties = []
    for entry in (doc.before, doc.after):
        if entry is not None and Party.of(entry) not in parties:
            parties.append(Party.of(entry))
    return Affected(False, [], parties)


def affected_all(comparison: Comparison) -> Affected:
    """The parties the whole change affects (the verdict section's summary)."""
    out = Affected()
    for merger in mergers(comparison):  # the kommuner that merge, then the new one
        out.add(Affected(False, [], merger.parties))
    for doc in comparison.docs:
        out.add(affected(doc, comparison))
    return out
