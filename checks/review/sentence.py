"""Safe text for the change report: a sentence (`S`) is a sequence of our own words and values
from the data (`Val`); only the renderer decides how a value is quoted, so text from the YAML
never becomes Markdown, HTML, a link or a line of its own."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass



# -- safe text ------------------------------------------------------------------------------

_CONTROL = re.compile("[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~$])")
_AUTOLINK = re.compile(r"(?i)(://|www\.)")
_CODE_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,119}$")


def flat(value, limit: int | None = None) -> str:
    """One line of plain text: control, bidi and line-break characters become spaces."""
    text = value if isinstance(value, str) else _show(value)
    text = " ".join(_CONTROL.sub(" ", text).split())
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _show(value) -> str:
    if value is None:
        return "(tom)"
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def md_inline(value, limit: int | None = None) -> str:
    """Text from the data as inert inline Markdown: no markup, no HTML, no line break, no
    mention and no link (a value never starts a line, so block syntax cannot start either)."""
    return md_escape(flat(value, limit))


def md_escape(text: str) -> str:
    """Escape one line of text for inline Markdown, keeping its spaces."""
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: m.group(1).replace(":", "&#58;").replace(".", "&#46;"), text)
    return text.replace("@", "&#64;")


@dataclass(frozen=True)
class Val:
    """A value from the data inside a sentence: `quote` «…», `code` `…` or `plain`."""

    value: object
    style: str = "quote"
    limit: int | None = 300

    def __hash__(self) -> int:
        value = self.value
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        return hash((value, self.style, self.limit))

    def md(self) -> str:
        if self.style == "code" and isinstance(self.value, str) and _CODE_SAFE.match(self.value):
            return f"`{self.value}`"
        text = md_inline(self.value, self.limit)
        return f"«{text}»" if self.style in ("quote", "code") else text

    def text(self) -> str:
        if self.style == "code" and isinstance(self.value, str) and _CODE_SAFE.match(self.value):
            return f"`{self.value}`"
        text = flat(self.value, self.limit)
        return f"«{text}»" if self.style in ("quote", "code") else text


def q(value, limit: int | None = 300) -> Val:
    return Val(value, "quote", limit)


def c(value) -> Val:
    return Val(value, "code")


def p(value, limit: int | None = 300) -> Val:
    return Val(value, "plain", limit)


class S:
    """A sentence: our own words (str) and values from the data (Val), rendered safely."""

    __slots__ = ("parts",)

    def __init__(self, *parts):
        flat_parts = []
        for part in parts:
            if isinstance(part, S):
                flat_parts.extend(part.parts)
            elif part is not None and part != "":
                flat_parts.append(part)
        self.parts = tuple(flat_parts)

    def md(self) -> str:
        return "".join(part.md() if isinstance(part, Val) else part for part in self.parts)

    def text(self) -> str:
        return "".join(part.text() if isinstance(part, Val) else part for part in self.parts)

    def __add__(self, other) -> "S":
        return S(self, other)

    def __eq__(self, other) -> bool:
        return isinstance(other, S) and self.parts == other.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def __repr__(self) -> str:
        return f"S({self.text()!r})"


def join(items: list, sep: str = ", ", last: str = " og ") -> S:
    items = [i for i in items if i is not None]
    if not items:
        return S("ingen")
    out: list = []
    for i, item in enumerate(items):
        if i:
            out.append(last if i == len(items) - 1 else sep)
        out.append(item)
    return S(*out)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]
