"""The shared words of the model: address roles, party fields, regulation and status words,
procedure kinds, and the small lookups every rule family needs.

Rule modules, the site and the change report import these from here, never from each other.
"""

from __future__ import annotations

import datetime
import re

from .repository import Entry, Repository


class Words(dict):
    """A Norwegian word per value of the model. A document that is not valid can hold a list or
    a mapping where a word is looked up (`status: []`); it has no word, and the lookup never
    raises (the change report describes invalid documents too)."""

    __slots__ = ()

    def get(self, key, default=None):
        try:
            return super().get(key, default)
        except TypeError:  # an unhashable value
            return default

    def __contains__(self, key) -> bool:
        try:
            return super().__contains__(key)
        except TypeError:
            return False


REQUIRED_ADDRESSES = {
    "municipality": ("sykepleietjeneste", "legetjeneste", "saksbehandler"),
    "health-trust": ("somatikk-plo-meldingsmottak", "psykiatri-plo-meldingsmottak"),
}
ALLOWED_ADDRESSES = {
    "municipality": {"sykepleietjeneste", "legetjeneste", "saksbehandler", "psykisk-helsetjeneste"},
    "health-trust": {"somatikk-plo-meldingsmottak", "psykiatri-plo-meldingsmottak"},
}
ADDRESS_NB = Words({
    "sykepleietjeneste": "Sykepleietjeneste", "legetjeneste": "Legetjeneste",
    "saksbehandler": "Saksbehandler", "psykisk-helsetjeneste": "Psykisk helsetjeneste",
    "somatikk-plo-meldingsmottak": "Somatikk PLO meldingsmottak",
    "psykiatri-plo-meldingsmottak": "Psykiatri PLO meldingsmottak",
})
PARTY_FIELD_NB = Words({
    "her_id": "HER-id",
    "message_responsible": "meldingsansvarligadresse",
    "video_support": "lokal brukerstøtte for video",
    "emergency_contact": "nødkontakt ved nedetid",
    "agreement_signed": "dato for signering",
    "service_addresses": "tjenesteadresser",
})
REGULATION_NB = Words({"mandatory": "påbudt", "recommended": "anbefalt", "phasing-out": "utfases",
                       "withdrawn": "trukket tilbake"})
STATUS_NB = Words({"draft": "utkast", "submitted": "til behandling", "adopted": "vedtatt", "repealed": "opphevet"})
PROCEDURE_KINDS = ("chain", "routine")


def procedures(repo: Repository) -> list[Entry]:
    return [e for e in repo.entries if e.kind in PROCEDURE_KINDS and e.valid]


def obligation_ids(repo: Repository) -> set:
    agreement = repo.agreement
    if not agreement:
        return set()
    return {o.get("id") for o in agreement.data.get("obligations", []) if isinstance(o, dict)}


def parse_date(value) -> datetime.date | None:
    """An ISO date string as a date, or None."""
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


# Events a step can carry (`event:`), so path constraints, scenarios and message logs can name
# what happens without knowing a chain's step ids.
EVENT_NB = Words({
    "admission": "innleggelse",
    "ready-for-discharge": "vurdert utskrivningsklar",
    "discharge": "utskrivning (pasienten forlater sykehuset)",
    "death": "dødsfall i sykehuset",
})
SOURCE_STATUS_NB = Words({"confirmed": "bekreftet", "secondary": "sekundærkilde", "unconfirmed": "ikke bekreftet"})


# ISO 8601 durations as the schemas allow them (weeks, days, hours, minutes), at most five
# digits a part so no value can grow without bound.
_DURATION = re.compile(r"^P(?:([0-9]{1,5})W)?(?:([0-9]{1,5})D)?(?:T(?:([0-9]{1,5})H)?(?:([0-9]{1,5})M)?)?\Z")


def parse_duration(text) -> tuple[int, int, int, int] | None:
    """(weeks, days, hours, minutes) of an ISO 8601 duration such as `PT24H`, or None."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if not match or text in ("P", "PT"):
        return None
    return tuple(int(x or 0) for x in match.groups())
