"""The personal-identifier guard and field checks the schemas cannot express.

No patient's or staff member's identity number may ever land in this repository. The guard
scans the raw text of every file the checks read, and the Markdown under docs/, for numbers
that are valid Norwegian fødselsnummer, D-numbers, H-numbers or FH-numbers by their check
digits, also when written with spaces or dots. The message masks the number.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from ..model.findings import ERROR, WARNING, Finding, rule
from ..model.loader import iter_nodes

R_PERSONAL_ID = rule("privacy.personal-id", ERROR, "Personnummer i depotet",
    """Teksten inneholder et tall som er et gyldig fødselsnummer, D-nummer, H-nummer eller
    FH-nummer (kontrollsifrene stemmer). Ingen personopplysninger om pasienter eller ansatte
    skal inn i depotet. Fjern tallet; meldingen viser bare de seks første sifrene.""")
R_ORGNR = rule("field.organisation-number", ERROR, "Ugyldig organisasjonsnummer",
    """Organisasjonsnummeret har feil kontrollsiffer (modulus 11 med vektene 3, 2, 7, 6, 5, 4, 3, 2).""")
R_EMAIL = rule("field.email", ERROR, "Ugyldig e-postadresse",
    """E-postadressen er ikke velformet.""")
R_PERSONAL_EMAIL = rule("field.personal-email", WARNING, "E-postadresse som ser personlig ut",
    """Kontaktpunkter skal være funksjonelle (for eksempel `meldingsansvarlig@...`), ikke en
    persons adresse (`fornavn.etternavn@...`), så de ikke avhenger av én person.""")

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# 11 digits, optionally broken up by single spaces or dots, not part of a longer number
# The look-behind stands after the first digit, not before it: a pattern that starts with a
# digit lets the engine skip ahead to the next digit, a leading look-behind is tried at every
# character (same matches, about three times faster; tests/test_privacy.py proves the former).
_CANDIDATE_SLOW = r"(?<![\d.])\d(?:[ .]?\d){10}(?![\d]|\.\d)"
_CANDIDATE = re.compile(r"\d(?<![\d.]\d)(?:[ .]?\d){10}(?![\d]|\.\d)")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PERSONAL_LOCAL = re.compile(r"^[a-zæøå]{2,}\.[a-zæøå]{2,}(\.[a-zæøå]{2,})?$", re.IGNORECASE)
_FUNCTIONAL_WORDS = ("post", "melding", "ikt", "support", "kundesenter", "service", "kontakt", "varsel",
                     "avvik", "samhandling", "sentral", "vakt", "drift", "hjelp")


def _check_digit(digits: list[int], weights: tuple) -> int | None:
    k = 11 - sum(d * w for d, w in zip(digits, weights)) % 11
    if k == 11:
        return 0
    return None if k == 10 else k


def _check_digits_ok(digits: list[int]) -> bool:
    k1 = _check_digit(digits[:9], _W1)
    if k1 is None or k1 != digits[9]:
        return False
    k2 = _check_digit(digits[:10], _W2)
    return k2 is not None and k2 == digits[10]


def identity_kind(number: str) -> str | None:
    """'fødselsnummer', 'D-nummer', 'H-nummer', 'FH-nummer' or None for an 11-digit string."""
    if len(number) != 11 or not number.isdigit():
        return None
    digits = [int(c) for c in number]
    if not _check_digits_ok(digits):
        return None
    if digits[0] in (8, 9):
        return "FH-nummer"
    day, month = int(number[:2]), int(number[2:4])
    kind = "fødselsnummer"
    if day > 40:
        day, kind = day - 40, "D-nummer"
    if month > 40:
        month, kind = month - 40, "H-nummer" if kind == "fødselsnummer" else None
    if kind is None or not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return kind


@functools.lru_cache(maxsize=4096)
def _scan_cached(file: str, text: str) -> tuple:
    return tuple(_scan(file, text))


def scan_text(file: str, text: str) -> list[Finding]:
    """Findings for every valid personal identifier in the text (cached by file and text)."""
    return list(_scan_cached(file, text))


def _scan(file: str, text: str) -> list[Finding]:
    out = []
    line_starts = None
    for match in _CANDIDATE.finditer(text):
        number = re.sub(r"[ .]", "", match.group())
        kind = identity_kind(number)
        if kind is None:
            continue
        if line_starts is None:
            line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        offset = match.start()
        line = _bisect(line_starts, offset)
        column = offset - line_starts[line - 1] + 1
        out.append(R_PERSONAL_ID.at(file, (line, column),
            f"Teksten inneholder et gyldig {kind} ({number[:6]}*****).",
            "Fjern nummeret. Personopplysninger om pasienter eller ansatte skal aldri inn i depotet."))
    return out


def _bisect(starts: list[int], offset: int) -> int:
    import bisect
    return bisect.bisect_right(starts, offset)


def scan_docs(root: Path) -> list[Finding]:
    """The Markdown under docs/ (not generated pages, which come from the checked YAML)."""
    out = []
    docs = root / "docs"
    if docs.is_dir():
        for path in sorted(docs.rglob("*.md")):
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            out += scan_text(path.relative_to(root).as_posix(), text)
    return out


def orgnr_valid(number: str) -> bool:
    if len(number) != 9 or not number.isdigit():
        return False
    k = _check_digit([int(c) for c in number[:8]], (3, 2, 7, 6, 5, 4, 3, 2))
    return k is not None and k == int(number[8])


def field_checks(repo) -> list[Finding]:
    out = []
    for entry in repo.entries:
        if not entry.valid:
            continue
        number = entry.data.get("organisation_number")
        if entry.kind == "party" and isinstance(number, str) and not orgnr_valid(number):
            out.append(R_ORGNR.at(entry.file, entry.doc.position(("organisation_number",)),
                f"Organisasjonsnummeret `{number}` har feil kontrollsiffer.",
                "Sjekk nummeret i Enhetsregisteret; gjett aldri.", ("organisation_number",)))
        if "@" not in entry.doc.text:
            continue  # no e-mail address in the file: nothing to walk
        for path, contact in iter_nodes(entry.data):
            if not isinstance(contact, dict) or not isinstance(contact.get("email"), str):
                continue
            email = contact["email"]
            where = path + ("email",)
            if not _EMAIL.match(email):
                out.append(R_EMAIL.at(entry.file, entry.doc.position(where),
                    f"E-postadressen `{email}` er ikke velformet.", "Skriv den som `navn@domene.no`.", where))
                continue
            local = email.split("@")[0].lower()
            if _PERSONAL_LOCAL.match(local) and not any(w in local for w in _FUNCTIONAL_WORDS):
                out.append(R_PERSONAL_EMAIL.at(entry.file, entry.doc.position(where),
                    f"E-postadressen `{email}` ser ut som en persons adresse.",
                    "Bruk en funksjonell adresse som ikke avhenger av én person.", where))
    return out


def check(repo) -> list[Finding]:
    out = []
    for doc in repo.documents:
        out += scan_text(doc.file, doc.text)
    schemas = repo.root / "schemas"
    if schemas.is_dir():
        for path in sorted(schemas.glob("*.json")):
            out += scan_text(path.relative_to(repo.root).as_posix(), path.read_text(encoding="utf-8", errors="replace"))
    out += scan_docs(repo.root)
    out += field_checks(repo)
    return out
