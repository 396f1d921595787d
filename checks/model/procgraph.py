"""A chain or routine as a directed graph (networkx's API, checks.model.digraph): steps are nodes; `next`, branches and
`default` are edges. The graph rules, the path obligations, the diagrams and the site all read
procedures through this one builder."""

from __future__ import annotations

from . import digraph as nx  # networkx's API for what the rules use, without its 90 ms import

from .repository import Entry


class ProcedureGraph:
    def __init__(self, entry: Entry, graph: nx.DiGraph, steps: dict, start: str | None = None,
                 ends: list | None = None):
        self.entry = entry
        self.graph = graph
        self.steps = steps  # step id -> (index, step dict)
        self.start = start
        self.ends = [] if ends is None else ends

    def pos(self, sid: str, key: str | None = None) -> tuple[int, int]:
        i = self.steps[sid][0]
        path = ("steps", i) + ((key,) if key else ())
        return self.entry.doc.position(path)

    def path(self, sid: str, *keys) -> tuple:
        return ("steps", self.steps[sid][0]) + keys

    def label(self, sid: str) -> str:
        return f"`{sid}`"


def build(entry: Entry) -> ProcedureGraph:
    """The procedure's steps as a DiGraph; edges are next, branches and default.

    Built once per entry and analysis: the graph rules, the path obligations, the scenarios
    and the site all ask for it (three times per procedure in one check). Callers only read
    it (and copy the graph before changing it). `rules.analysis.analyse` forgets the graphs
    when it starts, so code that edits a loaded entry's data in place (the mutation tests)
    gets fresh graphs by analysing again."""
    built = entry.__dict__.get(_MEMO)
    if built is None:
        built = entry.__dict__[_MEMO] = _build(entry)
    return built


_MEMO = "_procgraph"


def forget(entries) -> None:
    """Drop the graphs built for these entries (see `build`)."""
    for entry in entries:
        entry.__dict__.pop(_MEMO, None)


def _build(entry: Entry) -> ProcedureGraph:
    g = nx.DiGraph()
    steps: dict = {}
    for i, step in enumerate(entry.data.get("steps", []) or []):
        sid = step.get("id")
        if not isinstance(sid, str) or sid in steps:
            continue
        steps[sid] = (i, step)
        g.add_node(sid, index=i, type=step.get("type"), title=step.get("title", ""))
    for sid, (_, step) in steps.items():
        targets = []
        if step.get("next"):
            targets.append((step["next"], None))
        for branch in step.get("branches", []) or []:
            targets.append((branch.get("next"), branch.get("condition")))
        if step.get("default"):
            targets.append((step["default"], "ellers"))
        for target, condition in targets:
            if target in steps and not g.has_edge(sid, target):
                g.add_edge(sid, target, condition=condition)
    starts = [sid for sid, (_, s) in steps.items() if s.get("type") == "start"]
    ends = [sid for sid, (_, s) in steps.items() if s.get("type") == "end"]
    return ProcedureGraph(entry, g, steps, starts[0] if len(starts) == 1 else None, ends)


