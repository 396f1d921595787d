"""Text helpers the view model and the templates share: Norwegian words, escaping for
Markdown and HTML, dates, badges, slugs and anchors.

Every text from YAML goes through `esc` (Markdown) or `h` (raw HTML) before it reaches a page:
the templates do it (`checks/site/templating.py`), the view model hands them plain text.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata

from ..rules.graph import CATEGORY_NB

# -- words -----------------------------------------------------------------------------------

PARTY_NB = {"municipality": "Kommunen", "health-trust": "UNN"}
ROLE_PARTY_NB = {"municipality": "Kommunen", "health-trust": "UNN", "both": "Begge parter",
                 "external": "Ekstern"}
STATUS_TITLE = {"draft": "Utkast", "submitted": "Til behandling", "adopted": "Vedtatt",
                "repealed": "Opphevet"}
FAMILY_NB = {"plo": "pleie- og omsorgsmeldinger", "logistics": "pasientlogistikkmeldinger",
             "dialog": "dialogmeldinger", "receipt": "kvitteringer", "clinical": "kliniske dokumenter"}
EVIDENCE_NB = {"procedure": "prosedyre", "plan": "plan", "party-data": "partsopplysninger",
               "principle": "prinsipp"}
SETTING_STATUS_NB = {"submitted": "til behandling", "adopted": "vedtatt"}
SOURCE_STATUS_NB = {"unconfirmed": "ikke bekreftet", "secondary": "sekundærkilde"}
MONTHS_NB = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september",
             "oktober", "november", "desember")
KIND_TITLE = {"agreement": "Tjenesteavtalen", "party": "Part", "message-type": "Meldingstype",
              "chain": "Meldingskjede", "routine": "Rutine", "decision": "Vedtak",
              "setting": "Innstilling"}
# The order routines are listed in: the order of the agreement's 5.1 d, then 5.2 and 5.3.
CATEGORY_ORDER = list(CATEGORY_NB)

# -- escaping --------------------------------------------------------------------------------

_MD_SPECIAL = {c: "\\" + c for c in "\\`*_{}[]#|"}
_MD_TABLE = str.maketrans(_MD_SPECIAL)  # one C-level pass instead of a generator per character
_LEADING = re.compile(r"^[-+=~:!>]")
_NUMBERED = re.compile(r"^(\d+)([.)])(?=\s|$)")


def _collapse(value) -> str:
    return " ".join(str("" if value is None else value).split())


def esc(value) -> str:
    """Text as inline Markdown that shows exactly the text: HTML and Markdown syntax are
    neutralised, whitespace (line breaks included) becomes single spaces, and a line
    start that Markdown would read as a list, heading, quote or rule is escaped."""
    text = html.escape(_collapse(value), quote=False)
    text = text.translate(_MD_TABLE)
    if _LEADING.match(text):
        text = f"&#{ord(text[0])};" + text[1:]
    match = _NUMBERED.match(text)
    if match:
        text = match.group(1) + "\\" + match.group(2) + text[match.end():]
    return text


def h(value) -> str:
    """Text for raw HTML (element content or a quoted attribute)."""
    return html.escape(_collapse(value), quote=True)


def code(value) -> str:
    """A value shown as code (an id, a key, a file name)."""
    return f"<code>{esc(value)}</code>"


def rich(value) -> str:
    """Developer-written text from the rule registry and the schemas: `backticks` become
    code, everything else is escaped like YAML text."""
    parts = _collapse(value).split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: show them as they are
        return esc(value)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(code(part))
        elif i == 0:
            out.append(esc(part) + (" " if part.endswith(" ") else ""))
        else:
            out.append(_esc_inner(part))
    return "".join(out)


def _esc_inner(value: str) -> str:
    """Like esc, for text that does not start a line (keeps a leading space)."""
    lead = " " if value[:1].isspace() else ""
    tail = " " if value[-1:].isspace() and value.strip() else ""
    body = html.escape(_collapse(value), quote=False)
    return lead + body.translate(_MD_TABLE) + tail


@functools.lru_cache(maxsize=8192)
def slug(value: str) -> str:
    folded = unicodedata.normalize("NFKD", str(value).lower())
    folded = folded.replace("ø", "o").replace("æ", "ae")
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "x"


def sort_key_nb(value: str) -> tuple:
    """Norwegian alphabetical order: æ, ø, å after z; other accents ignored."""
    out = []
    for c in unicodedata.normalize("NFC", str(value).lower()):
        if c in "æøå":
            out.append(chr(ord("z") + 1 + "æøå".index(c)))
        else:
            out.append("".join(x for x in unicodedata.normalize("NFKD", c) if not unicodedata.combining(x)))
    return ("".join(out), value)


def date_nb(value) -> str:
    """`2026-05-01` as «1. mai 2026»."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    if not match:
        return _collapse(value)
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        return _collapse(value)
    return f"{day}. {MONTHS_NB[month - 1]} {year}"


def badge(text: str, kind: str) -> str:
    return f'<span class="sh-badge sh-badge--{h(kind)}">{h(text)}</span>'


UNCONFIRMED = badge("ikke bekreftet", "unconfirmed")
MISSING = badge("mangler", "missing")


def esc_sentence(text: str) -> str:
    """The first letter of an already escaped sentence in upper case."""
    return text[:1].upper() + text[1:] if text else text


def _anchor(prefix: str, ident: str) -> str:
    """An in-page anchor: a Norwegian prefix and the slug of the id."""
    return f"{prefix}-{slug(ident)}"


step_anchor = functools.partial(_anchor, "steg")
mtype_anchor = functools.partial(_anchor, "meldingstype")
setting_anchor = functools.partial(_anchor, "innstilling")
decision_anchor = functools.partial(_anchor, "vedtak")
obligation_anchor = functools.partial(_anchor, "forpliktelse")
rule_anchor = functools.partial(_anchor, "regel")
print_anchor = functools.partial(_anchor, "prosedyre")
