"""The semantic difference between two loaded repositories, in Norwegian.

`compare(base, head)` pairs the documents of two repositories by kind and id (finding
renames by content), walks each pair with a structural differ that knows which lists are
sets and which are keyed (steps by id, sources by url, ...), and turns every difference into
a `Change`: a Norwegian sentence, how much it matters (`level`) and which version bump it
needs (`bump`). Specific describers give the sentences OSO reads ("Fristen for
Helseopplysninger endres fra innen 24 timer til innen 12 timer etter ..."); whatever no
describer claims still gets a sentence from a generic one, so no difference goes unreported.
`verdict(comparison)` says whether the change needs a decision by OSO, and why.

This module is the entry point; the parts live where a reader looks for them:

- `sentence`: safe text (`S`, `Val`): text from the YAML never becomes Markdown by itself;
- `structure`: the structural differ (`walk`);
- `changes`: `Change`, `DocChange`, `Comparison` and the report's words for kinds;
- `context`: `Ctx`, the two documents and the lookups describers share;
- `describers/`: one module per document kind (`procedure`, `message_type`, `party`,
  `setting`, `decision`, `agreement`), the shared building blocks (`common`), whole documents
  added or removed (`whole`), and the dispatch (`describe`);
- `matching`: pairing documents, bounded rename detection, `compare`;
- `impact`: what else refers to a change;
- `verdict`: what needs a decision by OSO, and why.
"""

from __future__ import annotations

from .changes import (EDITORIAL, KIND_NB, KIND_ORDER, MAJOR, MEDIUM, SECTION, SECTION_NB, Change, Comparison,
                      DocChange)
from .context import Ctx
from .describers import RULES, describe
from .impact import impact
from .matching import RENAME_THRESHOLD, compare, find_renames
from .sentence import S, Val, c, cap, flat, join, md_escape, md_inline, p, q
from .structure import Item, Leaf, canon, path_text, walk
from .verdict import Verdict, verdict

__all__ = [
    "EDITORIAL", "KIND_NB", "KIND_ORDER", "MAJOR", "MEDIUM", "RENAME_THRESHOLD", "RULES", "SECTION", "SECTION_NB",
    "Change", "Comparison", "Ctx", "DocChange", "Item", "Leaf", "S", "Val", "Verdict", "c", "canon", "cap",
    "compare", "describe", "find_renames", "flat", "impact", "join", "md_escape", "md_inline", "p", "path_text",
    "q", "verdict", "walk",
]
