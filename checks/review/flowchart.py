"""Diagrams of a changed chain or routine for the change report.

One Mermaid flowchart of the procedure after the change (GitHub draws ```mermaid in pull-request
comments and Markdown files): new steps and changed steps are highlighted (a class, a colour
and a frame OSO can tell apart in print, and the words «ny»/«endret» in the label), every
branch of a decision stays with its condition on the edge, and the steps the change removes
are named below the diagram. A chain is drawn as a flowchart here (the site draws it as a
sequence diagram): the report is about which steps and branches change, and a flowchart
shows both.

A large procedure is not drawn whole: past DIAGRAM_LIMIT steps a diagram is too small to read
in a comment, so the report shows the changed steps and their neighbours, with a node marked «ikke tegnet» where the
flow goes on to a step left out (the edge keeps its condition), and says how many steps are
shown. The whole procedure is on the preview site.

Every label goes through `checks.model.mermaid.text` (the site's escaping): text from the
YAML never ends a label, opens markup or a link, or breaks a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.blocks import edges as _edges
from ..model.mermaid import node_id, text, title
from ..model.procgraph import build
from ..model.repository import Entry
from ..model.vocabulary import PROCEDURE_KINDS
from ..rules.graph import deadline_nb
from .structure import canon

DIAGRAM_LIMIT = 25  # steps drawn in full; a larger procedure shows its changed steps and their neighbours
SHAPES = {
    "start": ('(["', '"])'), "end": ('(["', '"])'), "decision": ('{"', '"}'),
    "subprocess": ('[["', '"]]'), "message": ('[/"', '"/]'), "event": ('>"', '"]'),
}
CLASSES = {
    "ny": "fill:#dff3e4,stroke:#1a7f37,stroke-width:4px,color:#000",
    "endret": "fill:#fff1c2,stroke:#9a6700,stroke-width:4px,stroke-dasharray:6 3,color:#000",
    "utenfor": "fill:#ffffff,stroke:#8c959f,stroke-dasharray:2 2,color:#57606a",
}
LEGEND_NB = {
    "ny": "Nye steg er grønne med tykk ramme og merket «ny».",
    "endret": "Endrede steg er gule med tykk, stiplet ramme og merket «endret».",
    "utenfor": "Steg merket «ikke tegnet» står utenfor utsnittet; den stiplede pilen dit beholder betingelsen sin.",
    "branches": "Hver gren står med sin betingelse på pilen.",
}


@dataclass
class ChangeDiagram:
    body: str                     # the flowchart (Mermaid, without the fence)
    added: list = field(default_factory=list)     # step ids new in the procedure
    changed: list = field(default_factory=list)   # step ids whose content changed
    removed: list = field(default_factory=list)   # (number, title, id) of the steps removed, as in the base
    shown: int = 0                # steps drawn
    total: int = 0                # steps in the procedure after the change
    legend: str = ""              # what the colours and marks mean (Norwegian), for what is drawn


def _steps(entry: Entry | None) -> dict:
    out = {}
    for step in (entry.data.get("steps") or []) if entry is not None else []:
        if isinstance(step, dict) and isinstance(step.get("id"), str) and step["id"] not in out:
            out[step["id"]] = step
    return out


def marked_steps(before: Entry | None, after: Entry | None) -> tuple[list, list, list]:
    """(added, changed, removed) step ids between two versions of a procedure."""
    b, a = _steps(before), _steps(after)
    added = [sid for sid in a if sid not in b]
    changed = [sid for sid in a if sid in b and canon(a[sid]) != canon(b[sid])]
    removed = [sid for sid in b if sid not in a]
    return added, changed, removed


def _label(pg, sid: str, message_types: dict, mark: str) -> str:
    step = pg.steps[sid][1]
    name = step.get("title") or sid
    if step.get("type") == "message":
        mtype = message_types.get(step.get("message_type"))
        mname = mtype.data.get("name") if mtype is not None else None
        if isinstance(mname, str) and mname.casefold() not in str(name).casefold():
            name = f"{name}: {mname}"
        if isinstance(step.get("deadline"), dict):
            name = f"{name} ({deadline_nb(step['deadline'])})"
    label = f"{pg.steps[sid][0] + 1}. {name}"
    return label + (f" ({mark})" if mark else "")


def change_diagram(before: Entry | None, after: Entry | None, message_types: dict,
                   limit: int = DIAGRAM_LIMIT) -> ChangeDiagram | None:
    """The flowchart of `after` with the changed steps highlighted; None when there is nothing
    to draw (not a procedure, a side with errors, or no step changed)."""
    if after is None or after.kind not in PROCEDURE_KINDS or not after.valid:
        return None
    if before is not None and not before.valid:
        before = None
    added, changed, removed = marked_steps(before, after) if before is not None else ([], [], [])
    if before is not None and not (added or changed or removed):
        return None
    pg = build(after)
    order = sorted(pg.steps, key=lambda s: pg.steps[s][0])
    marks = {**{s: "endret" for s in changed}, **{s: "ny" for s in added}}
    shown = set(order)
    if len(order) > limit and marks:
        shown = set(marks)
        for sid in marks:
            shown |= set(pg.graph.predecessors(sid)) | set(pg.graph.successors(sid))
        for sid in removed:  # where the flow went into a removed step
            for old in _steps(before).values():
                if sid in (old.get("next"), old.get("default")) or any(
                        isinstance(br, dict) and br.get("next") == sid for br in old.get("branches") or []):
                    if old.get("id") in pg.steps:
                        shown.add(old["id"])
    lines = ["---", f"title: {title(after.data.get('title'))}", "---", "flowchart TD"]
    for sid in order:
        if sid not in shown:
            continue
        left, right = SHAPES.get(pg.steps[sid][1].get("type"), ('["', '"]'))
        lines.append(f"    {node_id(sid)}{left}{text(_label(pg, sid, message_types, marks.get(sid, '')))}{right}")
    stubs: dict = {}  # a step left out -> its «ikke tegnet» node (one per step, however many arrows lead to it)
    edges = _edges(pg)
    for a, b, condition in edges:
        label = f'|"{text(condition)}"|' if condition else ""
        if a in shown and b in shown:
            lines.append(f"    {node_id(a)} -->{label} {node_id(b)}")
        elif a in shown or b in shown:
            hidden = b if a in shown else a
            stub = f"u_{node_id(hidden)}"
            node = stub if hidden in stubs else f'{stub}(["{_number(pg, hidden)} (ikke tegnet)"])'
            stubs.setdefault(hidden, stub)
            if a in shown:
                lines.append(f"    {node_id(a)} -.->{label} {node}")
            else:
                lines.append(f"    {node} -.->{label} {node_id(b)}")
    used = {}
    for mark in ("ny", "endret"):
        ids = [node_id(s) for s in order if marks.get(s) == mark and s in shown]
        if ids:
            used[mark] = ids
    if stubs:
        used["utenfor"] = list(stubs.values())
    lines += [f"    classDef {name} {CLASSES[name]}" for name in used]
    lines += [f"    class {','.join(ids)} {name}" for name, ids in used.items()]
    conditions = any(condition for a, b, condition in edges if a in shown or b in shown)
    legend = " ".join(LEGEND_NB[k] for k in [*used, *(["branches"] if conditions else [])])
    gone = []
    for i, step in enumerate((before.data.get("steps") or []) if before is not None else []):
        if isinstance(step, dict) and step.get("id") in removed:
            gone.append((i + 1, step.get("title") or step["id"], step["id"]))
    return ChangeDiagram("\n".join(lines) + "\n", added, changed, gone, len(shown), len(order), legend)


def _number(pg, sid: str) -> str:
    """A step left out, by number and the start of its title (escaped: it goes in a label)."""
    name = " ".join(str(pg.steps[sid][1].get("title") or sid).split())
    if len(name) > 40:
        name = name[:39].rstrip() + "…"
    return text(f"{pg.steps[sid][0] + 1}. {name}")
