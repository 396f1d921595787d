"""What a pending revision changes, compared with the version in force, in Norwegian.

`checks.model.lifecycle` finds the version in force (read from git where it was adopted)
and the pending revision on this revision; this module describes the difference with the
same describers as `samhandling diff`, so the site and the change report say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.lifecycle import Lifecycle
from ..model.repository import Repository
from .changes import EDITORIAL
from .matching import compare


@dataclass(frozen=True)
class RevisionChange:
    text: str            # one Norwegian sentence, plain text (escape it where it is shown)
    substantive: bool    # more than editorial: changes how the procedure is carried out


def pending_changes(lc: Lifecycle, head: Repository, cache: dict | None = None) -> list[RevisionChange] | None:
    """The changes from the version in force to the pending revision; None when there is no
    pending revision of a version in force, or the text in force could not be read."""
    if lc.pending is None or lc.in_force is None or lc.in_force.repository is None:
        return None
    cache = cache if cache is not None else {}
    key = (id(lc.in_force.repository), id(head))
    if key not in cache:
        comparison = compare(lc.in_force.repository, head, with_impact=False)
        cache[key] = {(d.kind, d.id): d for d in comparison.docs}
    doc = cache[key].get((lc.kind, lc.id))
    if doc is None:
        return []
    return [RevisionChange(ch.sentence.text(), ch.level > EDITORIAL) for ch in doc.content_changes]


def summary_nb(changes: list[RevisionChange] | None) -> str:
    """One line for a list or a banner: «3 endringer, 2 av dem i innholdet»."""
    if not changes:
        return "Ingen endringer i innholdet sammenlignet med versjonen som gjelder."
    substantive = sum(1 for c in changes if c.substantive)
    total = f"{len(changes)} endring" + ("er" if len(changes) != 1 else "")
    if substantive == 0:
        return f"{total}, bare redaksjonelle."
    if substantive == len(changes):
        return f"{total}, alle i hvordan prosedyren utføres."
    return f"{total}, {substantive} av dem i hvordan prosedyren utføres."


__all__ = ["RevisionChange", "pending_changes", "summary_nb"]
