"""The personal-identifier guard and field checks the schemas cannot express.

No patient's or staff member's identity number may ever land in this repository. The guard
reads what readers read: the raw text of every file the checks read and the Markdown under
docs/ (digits with single spaces or dots between them, and on lines with other characters
also no-break and thin spaces, format characters and other digit forms), every loaded key
and value after Unicode normalisation with every space and format character removed (so a
YAML escape, a folded line or a no-break space cannot hide a number), and the file names.
A number is valid by its check digits (`checks.model.identifiers`); the message shows only
the first six digits, and every output masks the rest (`checks.model.masking`).
"""

from __future__ import annotations

import bisect
import functools
import re
from pathlib import Path

from ..model.findings import ERROR, WARNING, Finding, rule
from ..model.identifiers import CANDIDATE, CANDIDATE_SLOW, check_digit, find, identity_kind, show_masked  # noqa: F401
from ..model.loader import iter_nodes
from ..model.masking import find_escaped

R_PERSONAL_ID = rule("privacy.personal-id", ERROR, "Personnummer i depotet",
    """Teksten inneholder et tall som er et gyldig fødselsnummer, D-nummer, H-nummer eller
    FH-nummer (kontrollsifrene stemmer), slik en leser leser det: også skrevet med mellomrom,
    punktum, hardt eller smalt mellomrom, usynlige tegn, andre sifferformer, YAML-escape
    (`"\\x33..."`) eller brettet over to linjer. Ingen personopplysninger om pasienter eller
    ansatte skal inn i depotet. Fjern tallet; meldingen viser bare de seks første sifrene, og
    alt verktøyet skriver (funn, endringsrapporter, nettstedet) maskerer resten.""")
R_ORGNR = rule("field.organisation-number", ERROR, "Ugyldig organisasjonsnummer",
    """Organisasjonsnummeret har feil kontrollsiffer (modulus 11 med vektene 3, 2, 7, 6, 5, 4, 3, 2).""")
R_EMAIL = rule("field.email", ERROR, "Ugyldig e-postadresse",
    """E-postadressen er ikke velformet.""")
R_PERSONAL_EMAIL = rule("field.personal-email", WARNING, "E-postadresse som ser personlig ut",
    """Kontaktpunkter skal være funksjonelle (for eksempel `meldingsansvarlig@...`), ikke en
    persons adresse (`fornavn.etternavn@...`), så de ikke avhenger av én person.""")

_CANDIDATE_SLOW = CANDIDATE_SLOW  # the pattern before #14's speed fix, kept for the equivalence test
_CANDIDATE = CANDIDATE
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PERSONAL_LOCAL = re.compile(r"^[a-zæøå]{2,}\.[a-zæøå]{2,}(\.[a-zæøå]{2,})?$", re.IGNORECASE)
_FUNCTIONAL_WORDS = ("post", "melding", "ikt", "support", "kundesenter", "service", "kontakt", "varsel",
                     "avvik", "samhandling", "sentral", "vakt", "drift", "hjelp")
_HINT = "Fjern nummeret. Personopplysninger om pasienter eller ansatte skal aldri inn i depotet."


def _finding(file: str, pos: tuple, number: str, kind: str, how: str = "", path: tuple = ()) -> Finding:
    return R_PERSONAL_ID.at(file, pos, f"Teksten inneholder et gyldig {kind}{how} ({show_masked(number)}).",
                            _HINT, path)


@functools.lru_cache(maxsize=4096)
def _scan_cached(file: str, text: str) -> tuple:
    """((finding, ASCII digits), ...) for the raw text of one file."""
    out = []
    line_starts = None
    found = list(find(text))
    if "\\" in text:  # a separator or a digit written as an escape, which a file that does not load still shows
        seen = {number for _, number, _ in found}
        decoded, where = _digits_unescaped(text)
        found += sorted((where[offset], number, kind) for offset, number, kind in find_escaped(decoded)
                        if number not in seen)
    for offset, number, kind in found:
        if line_starts is None:
            line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        line = bisect.bisect_right(line_starts, offset)
        out.append((_finding(file, (line, offset - line_starts[line - 1] + 1), number, kind), number))
    return tuple(out)


_DIGIT_ESCAPE = re.compile(r"\\(?:x3([0-9])|u003([0-9])|U0000003([0-9]))")


def _digits_unescaped(text: str) -> tuple[str, list[int]]:
    """The text with every digit written as a YAML escape (`\\x33`, `\\u0033`) as the digit it
    loads as, and for each character of that text its offset in the original."""
    if _DIGIT_ESCAPE.search(text) is None:
        return text, range(len(text))
    out, where, last = [], [], 0
    for m in _DIGIT_ESCAPE.finditer(text):
        out.append(text[last:m.start()])
        where.extend(range(last, m.start()))
        out.append(m.group(1) or m.group(2) or m.group(3))
        where.append(m.start())
        last = m.end()
    out.append(text[last:])
    where.extend(range(last, len(text)))
    return "".join(out), where


def scan_text(file: str, text: str) -> list[Finding]:
    """Findings for every valid personal identifier in the text (cached by file and text)."""
    return [finding for finding, _ in _scan_cached(file, text)]


def scan_values(doc) -> list[Finding]:
    """Every loaded key and value, for the numbers the raw text does not show. The raw scan
    already reads spaces of every kind, format characters, other digit forms and folded
    lines; only an escape in a double-quoted scalar (`"\\x33..."`, `"...\\_..."`) makes a
    loaded value differ from its source in a way that can hide a number, so only files with
    a backslash are walked. Reported at the value (or the key)."""
    if doc.data is None or "\\" not in doc.text:
        return []
    shown = {number for _, number in _scan_cached(doc.file, doc.text)}
    out = []
    for path, value in iter_nodes(doc.data):
        items = [(path + (key,), True, key) for key in value if isinstance(key, str)] \
            if isinstance(value, dict) else [(path, False, value)] if isinstance(value, str) else []
        for where, is_key, text in items:
            for _, number, kind in find(text):
                if number in shown:
                    continue
                shown.add(number)
                pos = doc.key_position(where) if is_key else doc.position(where)
                out.append(_finding(doc.file, pos, number, kind, " (i en nøkkel)" if is_key else "", where))
    return out


def scan_names(paths) -> list[Finding]:
    """File names are read by every reviewer (and shown on the site as addresses)."""
    out = []
    for rel in paths:
        for _, number, kind in find(rel):
            out.append(_finding(rel, (1, 1), number, kind, " i filnavnet"))
    return out


def scan_docs(root: Path, scan=None) -> list[Finding]:
    """The Markdown under docs/ (not generated pages, which come from the checked YAML)."""
    scan = scan or scan_text
    out = []
    docs = root / "docs"
    if docs.is_dir():
        for path in sorted(docs.rglob("*.md")):
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            out += scan(path.relative_to(root).as_posix(), text)
    return out


def orgnr_valid(number: str) -> bool:
    if len(number) != 9 or not number.isdigit():
        return False
    k = check_digit([int(c) for c in number[:8]], (3, 2, 7, 6, 5, 4, 3, 2))
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
    store = repo.store  # check's per-file cache keeps each text's scan between runs
    scan = scan_text if store is None else (
        lambda file, text: store.scan(file, text, lambda: scan_text(file, text)))
    out = []
    for doc in repo.documents:
        out += scan(doc.file, doc.text)
        out += scan_values(doc)
    out += scan_names(sorted({d.file for d in repo.documents} | {f.file for f in repo.findings}))
    schemas = repo.root / "schemas"
    if schemas.is_dir():
        for path in sorted(schemas.glob("*.json")):
            out += scan(path.relative_to(repo.root).as_posix(), path.read_text(encoding="utf-8", errors="replace"))
    out += scan_docs(repo.root, scan)
    out += field_checks(repo)
    return out
