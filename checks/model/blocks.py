"""A procedure graph as nested blocks, for diagrams that keep its branching (the site's
sequence diagram, and any other drawing of a chain).

A decision becomes an `alt` block with one section per branch, labelled with the branch's
condition. The steps only that branch reaches (those its first step dominates) sit inside the
section; where the branches meet again, the drawing goes on after the block. What does not
nest (a merge of two branches from different blocks, a loop back) becomes a jump: «go on at
step N» or «back to step N». Every step comes exactly once, in step order as far as the
nesting allows; steps no start reaches come last.
"""

from __future__ import annotations

from . import digraph as nx
from .procgraph import ProcedureGraph

_ROOT, _EXIT = object(), object()
MAX_DEPTH = 40  # deeper nesting is drawn as jumps (no drawing nests that far and stays readable)


def branches(pg: ProcedureGraph, sid: str) -> list[tuple[str, str]]:
    """A decision's ways on as (condition, target step), in step order, «Ellers» (the default) last.
    A default that is also one of the branches adds nothing and is left out."""
    step = pg.steps[sid][1]
    ways = [(b.get("condition") or "", b.get("next")) for b in step.get("branches") or [] if isinstance(b, dict)]
    if step.get("default") and step["default"] not in {target for _, target in ways}:
        ways.append(("Ellers", step["default"]))
    seen, out = set(), []
    for condition, target in ways:
        if isinstance(target, str) and target in pg.steps and (condition, target) not in seen:
            seen.add((condition, target))
            out.append((condition, target))
    return sorted(out, key=lambda w: (w[0] == "Ellers", pg.steps[w[1]][0]))


def blocks(pg: ProcedureGraph) -> list[tuple]:
    """The steps as a flat list of block items:

    ("step", sid)                      a step;
    ("alt" | "else", condition, target, back)
                                       a section of a decision's block; target is None when the
                                       section's steps follow, else the step the branch leads
                                       to (drawn elsewhere; back: drawn above already);
    ("jump", target, back)             the path goes on at a step drawn elsewhere;
    ("end",)                           the end of a decision's block.
    """
    g = pg.graph
    order = {sid: pg.steps[sid][0] for sid in pg.steps}
    if not order:
        return []

    def ranked(nodes):
        return sorted(nodes, key=order.__getitem__)

    forward = nx.DiGraph()
    forward.add_nodes_from([_ROOT, *order])
    forward.add_edges_from((a, b) for a, b in g.edges())
    entries = [s for s in order if pg.steps[s][1].get("type") == "start"] or \
        [s for s in order if not list(g.predecessors(s))] or ranked(order)[:1]
    for sid in entries:
        forward.add_edge(_ROOT, sid)
    idom = nx.immediate_dominators(forward, _ROOT)
    backward = nx.DiGraph()
    backward.add_nodes_from([_EXIT, *order])
    backward.add_edges_from((b, a) for a, b in g.edges())
    for sid in order:
        if not list(g.successors(sid)):
            backward.add_edge(_EXIT, sid)
    ipdom = nx.immediate_dominators(backward, _EXIT)
    children: dict = {}
    for node, parent in idom.items():
        children.setdefault(parent, []).append(node)

    out: list = []
    drawn: set = set()

    def draw(sid: str, depth: int, after: str | None = None) -> None:
        """Draw sid and what it dominates; `after` is the step drawn right after the enclosing
        block (where its branches meet): a path that reaches it needs no jump."""
        while sid is not None:
            drawn.add(sid)
            out.append(("step", sid))
            nxt = None
            ways = branches(pg, sid) if pg.steps[sid][1].get("type") == "decision" else []
            if ways:
                meet = ipdom.get(sid)
                for i, (condition, target) in enumerate(ways):
                    section = "alt" if i == 0 else "else"
                    if target not in drawn and idom.get(target) == sid and target != meet and depth < MAX_DEPTH:
                        out.append((section, condition, None, False))
                        draw(target, depth + 1, meet if idom.get(meet) == sid else None)
                    else:  # a branch that only leads on: said in its label
                        out.append((section, condition, target, target in drawn))
                out.append(("end",))
            else:
                for target in ranked(g.successors(sid)):
                    if nxt is None and target not in drawn and idom.get(target) == sid:
                        nxt = target
                    elif target == after and target not in drawn:
                        pass  # drawn right after the block this step is in
                    else:
                        out.append(("jump", target, target in drawn))
            if nxt is None and depth < 5 * MAX_DEPTH:  # deeper: drawn by the last loop below
                # The steps this one dominates that no branch drew (where its branches meet).
                for child in ranked(children.get(sid, [])):
                    if child not in drawn:
                        draw(child, depth + 1, after)
            sid = nxt

    for first in ranked(children.get(_ROOT, [])):
        if first not in drawn:
            draw(first, 0)
    for sid in ranked(order):  # what no start reaches
        if sid not in drawn:
            draw(sid, 0)

    # A jump to the step that comes right after it (past the ends of blocks) says nothing.
    kept = []
    for i, item in enumerate(out):
        if item[0] == "jump":
            later = next((x for x in out[i + 1:] if x[0] != "end"), None)
            if later == ("step", item[1]):
                continue
        kept.append(item)
    return kept


def edges(pg: ProcedureGraph) -> list[tuple[str, str, str | None]]:
    """Every arrow with its label, in step order. Two branches of one decision that lead to the
    same step are one arrow with both conditions («… eller …»), so neither is lost (the site's
    diagrams and the change report's flowcharts draw the same arrows)."""
    out = []
    for a, b, data in sorted(pg.graph.edges(data=True), key=lambda e: (pg.steps[e[0]][0], pg.steps[e[1]][0])):
        condition = data.get("condition")
        if condition and pg.steps[a][1].get("type") == "decision":
            same = [c for c, target in branches(pg, a) if target == b and c]
            condition = " eller ".join(same) if same else condition
        out.append((a, b, condition))
    return out
