"""Procedure graphs as text diagrams: mermaid (sequence diagram for a chain, flowchart for a
routine) and Graphviz DOT. The site and `samhandling graph` print the same output."""

from __future__ import annotations

import re

from ..model.blocks import blocks
from ..model.blocks import edges as _edges
from ..model.mermaid import node_id as _node_id
from ..model.mermaid import plain as _plain
from ..model.mermaid import text as _text
from ..model.mermaid import title as _title
from ..model.repository import Entry
from ..model.vocabulary import ADDRESS_NB
from ..rules.graph import ProcedureGraph, build, deadline_nb

PARTY_NB = {"municipality": "Kommunen", "health-trust": "UNN"}


def _numbered(pg: ProcedureGraph, sid: str, text: str) -> str:
    """A step's label with its number, the same as in the step table on the site."""
    return f"{pg.steps[sid][0] + 1}. {text}"


def mermaid(entry: Entry, message_types: dict) -> str:
    pg = build(entry)
    return _sequence(pg, message_types) if entry.kind == "chain" else _flowchart(pg)


def _participant(endpoint: dict) -> tuple[str, str]:
    party, address = endpoint.get("party", ""), endpoint.get("address", "")
    pid = re.sub(r"[^a-z0-9]", "_", f"{party}_{address}")
    return pid, f"{PARTY_NB.get(party, party)}: {ADDRESS_NB.get(address, address)}"


def _ordered(pg: ProcedureGraph) -> list[str]:
    return sorted(pg.steps, key=lambda s: pg.steps[s][0])


def _sequence(pg: ProcedureGraph, message_types: dict) -> str:
    lines = ["sequenceDiagram", f"    title {_text(pg.entry.data.get('title'))}"]
    boxes: dict = {"health-trust": {}, "municipality": {}}
    for sid in _ordered(pg):
        step = pg.steps[sid][1]
        for key in ("from", "to"):
            if isinstance(step.get(key), dict) and step[key].get("party") in boxes:
                pid, label = _participant(step[key])
                boxes[step[key]["party"]][pid] = label
    for party, members in boxes.items():
        if not members:
            continue
        lines.append(f"    box {PARTY_NB[party]}")
        for pid, label in members.items():
            lines.append(f"        participant {pid} as {_text(label)}")
        lines.append("    end")
    everyone = [pid for members in boxes.values() for pid in members]
    span = f"{everyone[0]},{everyone[-1]}" if len(everyone) > 1 else (everyone[0] if everyone else "")
    if not span:  # no message, so no one to draw a note over: the steps as a flowchart
        return _flowchart(pg)

    def step_line(sid: str) -> str:
        step = pg.steps[sid][1]
        kind = step.get("type")
        if kind == "message" and isinstance(step.get("from"), dict) and isinstance(step.get("to"), dict):
            source, _ = _participant(step["from"])
            target, _ = _participant(step["to"])
            mtype = message_types.get(step.get("message_type"))
            name = (mtype.data.get("name") if mtype else None) or step.get("message_type") or step.get("title", sid)
            label = str(name) + (f" ({deadline_nb(step['deadline'])})" if step.get("deadline") else "")
            arrow = "-->>" if step.get("answers") else "->>"
            return f"{source}{arrow}{target}: {_text(_numbered(pg, sid, label))}"
        prefix = {"decision": "Valg: ", "end": "Slutt: ", "start": "Start: "}.get(kind, "")
        return f"Note over {span}: {_text(_numbered(pg, sid, prefix + step.get('title', sid)))}"

    def jump_line(there: str, back: bool) -> str:
        return f"Note over {span}: {'↻ Tilbake til' if back else '→ Videre til'} steg {pg.steps[there][0] + 1}"

    items = blocks(pg)
    # Mermaid cannot draw a block with nothing inside (its sections only labels): there each
    # section says where it leads in a note of its own.
    empty: set = set()
    for i, item in enumerate(items):
        if item[0] == "alt":
            level, j = 0, i
            for j in range(i, len(items)):
                level += items[j][0] == "alt"
                level -= items[j][0] == "end"
                if level == 0:
                    break
            if not any(x[0] in ("step", "jump") for x in items[i:j]):
                empty.update(range(i, j))
    depth = 1
    for i, item in enumerate(items):
        kind = item[0]
        if kind in ("else", "end"):
            depth -= 1
        pad = "    " * depth
        if kind == "step":
            lines.append(pad + step_line(item[1]))
        elif kind == "jump":
            lines.append(pad + jump_line(item[1], item[2]))
        elif kind == "end":
            lines.append(pad + "end")
        else:  # a section of an alt block, labelled with its condition (and where it leads)
            label = item[1] or "Ellers"
            if item[2] and i not in empty:
                label += f" {'↻ tilbake til' if item[3] else '→'} steg {pg.steps[item[2]][0] + 1}"
            lines.append(f"{pad}{kind} {_text(label)}")
            depth += 1
            if item[2] and i in empty:
                lines.append("    " * depth + jump_line(item[2], item[3]))
    return "\n".join(lines) + "\n"


_SHAPES = {
    "start": ('(["', '"])'), "end": ('(["', '"])'), "decision": ('{"', '"}'),
    "subprocess": ('[["', '"]]'), "message": ('[/"', '"/]'), "event": ('>"', '"]'),
}


def _flowchart(pg: ProcedureGraph) -> str:
    lines = ["---", f"title: {_title(pg.entry.data.get('title'))}", "---", "flowchart TD"]
    for sid in _ordered(pg):
        step = pg.steps[sid][1]
        left, right = _SHAPES.get(step.get("type"), ('["', '"]'))
        lines.append(f"    {_node_id(sid)}{left}{_text(_numbered(pg, sid, step.get('title', sid)))}{right}")
    for a, b, condition in _edges(pg):
        link = f' -->|"{_text(condition)}"| ' if condition else " --> "
        lines.append(f"    {_node_id(a)}{link}{_node_id(b)}")
    return "\n".join(lines) + "\n"


def _dot_text(value) -> str:
    return _plain(value).replace("\\", "\\\\").replace('"', '\\"')


def dot(entry: Entry, message_types: dict) -> str:
    pg = build(entry)
    shapes = {"start": "oval", "end": "doublecircle", "decision": "diamond", "subprocess": "box3d",
              "message": "parallelogram", "event": "cds"}
    lines = [f'digraph "{_dot_text(entry.id)}" {{', f'    label="{_dot_text(entry.data.get("title"))}";',
             "    node [shape=box];"]
    for sid in _ordered(pg):
        step = pg.steps[sid][1]
        label = step.get("title", sid)
        if step.get("type") == "message":
            mtype = message_types.get(step.get("message_type"))
            frm, to = step.get("from") or {}, step.get("to") or {}
            label = (f"{(mtype.data.get('name') if mtype else None) or step.get('message_type') or step.get('title', sid)}\\n"
                     f"{PARTY_NB.get(frm.get('party'), '')} → {PARTY_NB.get(to.get('party'), '')}")
            if step.get("deadline"):
                label += f"\\n{deadline_nb(step['deadline'])}"
            label = _dot_text(label).replace("\\\\n", "\\n")
        else:
            label = _dot_text(label)
        lines.append(f'    "{sid}" [label="{label}", shape={shapes.get(step.get("type"), "box")}];')
    for a, b, condition in _edges(pg):
        attrs = f' [label="{_dot_text(condition)}"]' if condition else ""
        lines.append(f'    "{a}" -> "{b}"{attrs};')
    lines.append("}")
    return "\n".join(lines) + "\n"
