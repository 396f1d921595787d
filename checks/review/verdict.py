"""Does the change need a decision by OSO, and why: every rule for the verdict in one place."""

from __future__ import annotations

from dataclasses import dataclass

from ..model.repository import Entry
from ..model.vocabulary import PROCEDURE_KINDS, STATUS_NB
from .changes import Comparison, MEDIUM
from .context import _list
from .parties import Party, mergers
from .sentence import c, join, p, q, S


# -- does it need a decision? --------------------------------------------------------------------

@dataclass
class Verdict:
    required: bool
    reasons: list


def verdict(comparison: Comparison) -> Verdict:
    """Whether the change needs a decision by OSO, and why (Norwegian sentences)."""
    yes: list = []
    adopted_users: dict = {}
    for repo in (comparison.base, comparison.head):
        for entry in repo.entries:
            if entry.kind in PROCEDURE_KINDS and entry.data.get("status") == "adopted":
                for step in _list(entry.data.get("steps")):
                    if isinstance(step, dict) and step.get("message_type"):
                        adopted_users.setdefault(step["message_type"], set()).add(entry.data.get("title") or entry.id)
    for doc in comparison.docs:
        b, a = (doc.before.data if doc.before else {}), (doc.after.data if doc.after else {})
        name = q(doc.title, 120)
        if doc.kind in PROCEDURE_KINDS:
            if b.get("status") == "adopted" and doc.status == "removed":
                yes.append(S("Den vedtatte prosedyren ", name, " fjernes."))
            elif b.get("status") == "adopted" and a.get("status") == "repealed":
                yes.append(S("Den vedtatte prosedyren ", name, " oppheves."))
            elif b.get("status") == "adopted" and doc.status == "renamed":
                yes.append(S("Den vedtatte prosedyren ", name, " får ny id (", c(doc.old_id), " → ", c(doc.id), ")."))
            elif b.get("status") == "adopted" and doc.content_changes:
                yes.append(S("Innholdet i den vedtatte prosedyren ", name, " endres; den nye versjonen må vedtas."))
            elif (b.get("status") == "adopted" and a.get("status") in ("draft", "submitted")
                  and b.get("version") == a.get("version")):
                yes.append(S("Den vedtatte prosedyren ", name, " settes tilbake til ", STATUS_NB.get(a["status"], "?"),
                             " uten ny versjon. Bare et vedtak i OSO kan oppheve en vedtatt versjon; til det "
                             "foreligger, gjelder den (se Funn)."))
            elif a.get("status") == "adopted" and b.get("status") != "adopted" and doc.content_changes:
                yes.append(S(name, " registreres som vedtatt, og innholdet endres i samme endring; OSO vedtok "
                             "teksten som lå til behandling (se Funn)."))
            elif a.get("status") == "adopted" and b.get("status") != "adopted":
                yes.append(S(name, " registreres som vedtatt; det må bygge på et vedtak i OSO."))
            if (b.get("status") == "adopted" and a.get("status") == "adopted"
                    and a.get("decision") == b.get("decision")):
                for key, label in (("effective", "Startdatoen (gjelder fra)"), ("review_by", "Revisjonsdatoen")):
                    if b.get(key) != a.get(key):
                        yes.append(S(label, " for den vedtatte prosedyren ", name, " endres fra ",
                                     p(b.get(key) or "ingen"), " til ", p(a.get(key) or "ingen"),
                                     "; datoen er en del av vedtaket."))
        elif doc.kind == "setting":
            if a.get("status") == "adopted" and b.get("status") != "adopted":
                yes.append(S("Innstillingen ", name, " registreres som vedtatt; det må bygge på et vedtak i OSO."))
            elif b.get("status") == "adopted" and doc.changes:
                yes.append(S("Den vedtatte innstillingen ", name, " endres."))
        elif doc.kind == "decision":
            verb = {"added": " registreres", "removed": " fjernes", "renamed": " får ny id"}.get(doc.status, " endres")
            yes.append(S("Vedtaket ", c(doc.id), verb, "; vedtaksprotokollen må stemme med møteboken til OSO."))
        elif doc.kind == "agreement":
            if doc.status == "added":
                yes.append(S("Avtalens forpliktelser registreres; de må stemme med avtalen partene har signert."))
            elif any(ch.level >= MEDIUM for ch in doc.changes):
                yes.append(S("Avtalens forpliktelser eller vedtaksorgan endres."))
        elif doc.kind == "message-type":
            users = sorted(adopted_users.get(doc.id, set()) | adopted_users.get(doc.old_id or "", set()))
            if users and any(ch.level >= MEDIUM for ch in doc.changes):
                yes.append(S("Meldingstypen ", name, " endres, og den brukes i den vedtatte prosedyren ",
                             join([q(u, 120) for u in users]), "."))
    yes += _party_reasons(comparison)
    if yes:
        return Verdict(True, yes)
    no: list = []
    if comparison.empty:
        no.append(S("Ingen innholdsmessige endringer."))
    else:
        kinds = {d.kind for d in comparison.docs}
        repealed = [d for d in comparison.of(*PROCEDURE_KINDS) if d.before and d.before.data.get("status") == "repealed"]
        for doc in repealed:
            no.append(S("Prosedyren ", q(doc.title, 120), " er opphevet; en endring i den er en feil (se Funn), "
                        "ikke noe OSO skal vedta."))
        if any(d not in repealed for d in comparison.of(*PROCEDURE_KINDS)):
            no.append(S("Endringene gjelder bare prosedyrer som ikke er vedtatt (utkast eller til behandling); "
                        "OSO tar stilling når de legges fram for vedtak."))
        if kinds & {"setting"}:
            no.append(S("Innstillingene som endres, er ikke vedtatt ennå."))
        if "message-type" in kinds:
            no.append(S("Meldingskatalogen endres, men ingen vedtatt prosedyre bruker de endrede meldingstypene."))
        if "party" in kinds:
            no.append(S("Partsopplysninger forvaltes av partene selv og krever ikke vedtak i OSO; ingen part "
                        "legges til eller fjernes."))
        if "agreement" in kinds:
            no.append(S("Endringene i avtalen er redaksjonelle."))
    return Verdict(False, no)


def _party_name_s(entry: Entry) -> S:
    """«Tromsø» (5501): by name and kommunenummer, as everywhere in the report."""
    return Party.of(entry).s()


def _party_reasons(comparison: Comparison) -> list:
    """A party added, removed or renumbered changes whom the agreement binds; a merger is
    recognised from the new kommune's `previous_numbers` (`parties.mergers`)."""
    out, explained, merged_into = [], set(), set()
    for merger in mergers(comparison):
        explained |= {e.id for e in merger.merged}
        merged_into.add(id(merger.into))
        out.append(S("Kommunesammenslåing: ", join([_party_name_s(e) for e in merger.merged]), " blir ",
                     _party_name_s(merger.into.after), " (kjent igjen på tidligere kommunenummer). Det endrer hvem "
                     "avtalen binder."))
    for doc in comparison.of("party"):
        if id(doc) in merged_into or doc.after is None or doc.status not in ("added", "renamed"):
            continue
        if doc.status == "renamed":
            explained.add(doc.old_id)
            out.append(S("Parten ", c(doc.old_id), " får nytt nummer ", _party_name_s(doc.after),
                         ". Det endrer hvem avtalen binder."))
        else:
            out.append(S(_party_name_s(doc.after), " blir part i avtalen. Det endrer hvem avtalen binder."))
    for doc in comparison.of("party"):
        if doc.status == "removed" and doc.before is not None and doc.before.id not in explained:
            out.append(S(_party_name_s(doc.before), " er ikke lenger part i avtalen. Det endrer hvem avtalen binder."))
    return out
