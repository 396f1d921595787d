"""What a comparison is made of: one `Change` (a Norwegian sentence, how much it matters and
which version bump it asks for), the changes of one document (`DocChange`) and of two revisions
(`Comparison`), and the words the report uses for kinds and sections."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.repository import Entry, Repository
from ..model.vocabulary import Words
from .sentence import flat, S


MAJOR, MEDIUM, EDITORIAL = 3, 2, 1
KIND_ORDER = ("chain", "routine", "setting", "decision", "message-type", "agreement", "party", "situation", "role", "glossary")
SECTION = {"chain": 0, "routine": 0, "setting": 1, "decision": 2, "message-type": 3, "agreement": 4, "party": 5,
           "situation": 6, "role": 6, "glossary": 6}
SECTION_NB = ("Prosedyrer", "Innstillinger", "Vedtak", "Meldingskatalogen", "Avtalen", "Parter",
              "Situasjoner, roller og ordliste på nettstedet")
KIND_DEFINITE_NB = {"chain": "meldingskjeden", "routine": "rutinen"}
KIND_NB = {"chain": "meldingskjede", "routine": "rutine", "setting": "innstilling", "decision": "vedtak",
           "message-type": "meldingstype", "agreement": "avtalen", "party": "part", "situation": "situasjon",
           "role": "rolle på vakt", "glossary": "ordlisten"}
PARTY_ROLE_NB = Words({"municipality": "kommunen", "health-trust": "UNN", "both": "begge parter",
                       "external": "ekstern"})
EVIDENCE_NB = Words({"procedure": "en prosedyre", "plan": "en plan", "party-data": "partsopplysninger",
                     "principle": "et prinsipp"})
CONTACT_FIELD_NB = {"title": "navn", "email": "e-post", "phone": "telefon", "hours": "åpningstid",
                    "note": "merknad", "source": "kilde"}


# -- changes and documents -------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """One difference, as OSO reads it."""

    code: str
    level: int
    bump: str  # minor | patch | none: what it asks of a procedure's version
    sentence: S
    path: str = ""
    order: tuple = ()
    merge: tuple = ()

    def as_dict(self) -> dict:
        return {"code": self.code, "level": self.level, "bump": self.bump, "text": self.sentence.text(),
                "path": self.path}


@dataclass
class DocChange:
    """Everything that changed in one document."""

    kind: str
    id: str
    status: str  # added | removed | renamed | changed | unreadable
    before: Entry | None
    after: Entry | None
    changes: list = field(default_factory=list)
    impact: list = field(default_factory=list)
    old_id: str | None = None

    @property
    def level(self) -> int:
        return max((c.level for c in self.changes), default=0)

    @property
    def entry(self) -> Entry:
        return self.after or self.before

    @property
    def title(self) -> str:
        data = self.entry.data
        value = data.get("title") or data.get("name") or data.get("short_name") or self.id
        return value if isinstance(value, str) else self.id

    @property
    def file(self) -> str:
        return self.entry.file

    @property
    def content_changes(self) -> list:
        return [c for c in self.changes if c.bump != "none"]

    @property
    def needed_bump(self) -> str:
        bumps = {c.bump for c in self.changes}
        return "minor" if "minor" in bumps else "patch" if "patch" in bumps else "none"

    def as_dict(self) -> dict:
        before = self.before.data if self.before else {}
        after = self.after.data if self.after else {}
        return {
            "kind": self.kind, "id": self.id, "previous_id": self.old_id, "status": self.status,
            "title": flat(self.title), "file": self.file, "level": self.level,
            "version": {"before": before.get("version"), "after": after.get("version")},
            "procedure_status": {"before": before.get("status"), "after": after.get("status")},
            "changes": [c.as_dict() for c in self.changes],
            "impact": [s.text() for s in self.impact],
        }


@dataclass
class Comparison:
    base: Repository
    head: Repository
    docs: list = field(default_factory=list)

    def of(self, *kinds) -> list:
        return [d for d in self.docs if d.kind in kinds]

    @property
    def empty(self) -> bool:
        return not self.docs
