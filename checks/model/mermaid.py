"""Safe text for Mermaid diagrams, shared by the site's diagrams and the change report's
(both levels above the model use it; neither may import the other).

A label from the data never ends its quotes, opens markup or a link, or breaks its line:
control, format (bidi overrides) and separator characters go, and the characters Mermaid
reads as syntax become its entity codes (`#35;`)."""

from __future__ import annotations

import json
import re
import unicodedata

UNSAFE = re.compile(r"[\"<>#;%`{}\[\]|\\]")


def plain(value) -> str:
    """One line of text without control, format (bidi overrides) or separator characters."""
    text = "".join(c for c in str(value or "") if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp")
                   or c in "\t\n")
    return " ".join(text.split())


def text(value) -> str:
    """Text for inside a quoted mermaid label: no markup, no quote, no line break."""
    return UNSAFE.sub(lambda m: f"#{ord(m.group())};", plain(value))


def title(value) -> str:
    """A diagram title for mermaid's YAML front matter: a quoted string. Mermaid strips
    anything that looks like a tag from it and decodes no entity codes there, so angle
    brackets become the look-alikes ‹ and ›."""
    out = plain(value).replace("<", "‹").replace(">", "›")
    return json.dumps(out, ensure_ascii=False)


def node_id(sid: str) -> str:
    """A node id Mermaid accepts for a step id (ids are lower-case slugs; anything else is _)."""
    return "s_" + re.sub(r"[^a-z0-9]", "_", str(sid))
