"""One chain of the model, read for compliance: its graph (`model.procgraph.build`), the pathway's
address substitutions, the parties and their service addresses, and what the graph says is
obligated when an event has happened.

An obligated message is derived from the graph, not typed here: a message step is due before
an event when it lies on every path from the start to that event (it dominates the event), and
due after it when every path from the event to an end, or to the next logged event, passes it.
"""

from __future__ import annotations

from functools import cached_property

from ..model import digraph as nx  # networkx's API for what the rules use, without its 90 ms import
from ..model.repository import Entry, Repository
from ..model.vocabulary import ADDRESS_NB
from ..model import procgraph

# The events a message log carries, the model's event names (a step's `event:`, see
# vocabulary.EVENT_NB) and, for chains whose steps do not carry `event:` yet, the step ids used
# (the start step is the admission).
LOG_EVENTS = {"admitted": None, "ready_for_discharge": "utskrivningsklar", "discharged": "utskrivningsdag"}
MODEL_EVENTS = {"admitted": "admission", "ready_for_discharge": "ready-for-discharge", "discharged": "discharge"}
LOG_EVENT_NB = {"admitted": "innlagt", "ready_for_discharge": "utskrivningsklar", "discharged": "utskrevet"}
ROLE_NB = {"municipality": "kommunen", "health-trust": "sykehuset"}


class Chain:
    def __init__(self, repo: Repository, entry: Entry, pathway: str | None = None):
        self.repo = repo
        self.entry = entry
        self.pathway = pathway

    def __repr__(self) -> str:
        return f"Chain({self.entry.id!r}, pathway={self.pathway!r})"

    @cached_property
    def pg(self):
        return procgraph.build(self.entry)

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def title(self) -> str:
        return self.entry.data.get("title", self.id)

    @property
    def g(self) -> nx.DiGraph:
        return self.pg.graph

    @property
    def start(self) -> str | None:
        return self.pg.start

    def step(self, sid: str) -> dict:
        return self.pg.steps[sid][1]

    def has(self, sid: str) -> bool:
        return sid in self.pg.steps

    @cached_property
    def pathways(self) -> dict:
        return {p.get("id"): p for p in self.entry.data.get("pathways", []) or [] if isinstance(p, dict)}

    def substitutions(self, pathway: str | None = None) -> dict:
        p = self.pathways.get(pathway or self.pathway) or {}
        return {s.get("address"): s.get("with") for s in p.get("substitutions", []) or []}

    def endpoint(self, step: dict, side: str, pathway: str | None = None) -> tuple[str, str]:
        """(party role, address role) of a message step's `from` or `to`, after substitutions."""
        ep = step.get(side) or {}
        address = ep.get("address")
        return ep.get("party"), self.substitutions(pathway).get(address, address)

    @cached_property
    def message_steps(self) -> list[str]:
        return [sid for sid, (_, s) in self.pg.steps.items() if s.get("type") == "message"]

    @cached_property
    def message_types(self) -> dict:
        return {e.id: e.data for e in self.repo.of("message-type")}

    def event_step(self, log_event: str) -> str | None:
        marked = [sid for sid, (_, st) in self.pg.steps.items() if st.get("event") == MODEL_EVENTS.get(log_event)]
        if marked:
            return marked[0]
        sid = LOG_EVENTS.get(log_event, "")
        sid = self.start if sid is None else sid
        return sid if sid and self.has(sid) else None

    @cached_property
    def _dominators(self) -> dict:
        if self.start is None:
            return {}
        return nx.immediate_dominators(self.g, self.start)

    def dominates(self, a: str, b: str) -> bool:
        """Every path from the start to `b` passes `a`."""
        idom = self._dominators
        if b not in idom:
            return False
        node = b
        while True:
            if node == a:
                return True
            parent = idom.get(node)
            if parent is None or parent == node:
                return False
            node = parent

    def due_before(self, event_sid: str) -> list[str]:
        """Message steps on every path from the start to the event."""
        return [m for m in self.message_steps if m != event_sid and self.dominates(m, event_sid)]

    def due_after(self, event_sid: str, stops: set) -> list[str]:
        """Message steps every path from the event to an end or to one of `stops` passes."""
        targets = (set(self.pg.ends) | set(stops)) - {event_sid}
        out = []
        reach = nx.descendants(self.g, event_sid)
        for m in self.message_steps:
            if m not in reach:
                continue
            h = self.g.copy()
            h.remove_node(m)
            if not (nx.descendants(h, event_sid) & targets):
                out.append(m)
        return out

    def obligations(self) -> dict:
        """For each log event, the message steps due before and after it."""
        events = {ev: self.event_step(ev) for ev in LOG_EVENTS}
        sids = {s for s in events.values() if s}
        out = {}
        for ev, sid in events.items():
            if sid:
                out[ev] = {"before": self.due_before(sid), "after": self.due_after(sid, sids - {sid})}
        return out

    def deadlines(self) -> list[dict]:
        """Every message step with a deadline: step, message type, anchor step, kind and rule."""
        out = []
        for sid in self.message_steps:
            d = self.step(sid).get("deadline")
            if not isinstance(d, dict):
                continue
            kind = "same_day" if d.get("same_day") else "within" if d.get("within") else "setting"
            out.append({"step": sid, "message_type": self.step(sid).get("message_type"), "from": d.get("from"),
                        "kind": kind, "within": d.get("within"), "setting": d.get("setting"),
                        "rule": d.get("rule") or {}, "note": d.get("note")})
        return out

    def allowed_routes(self) -> set:
        """(pathway, message type, sender role, sender address, receiver role, receiver address)
        for every message step in every pathway (no pathway: the steps as written)."""
        out = set()
        for pathway in (list(self.pathways) or [None]):
            for sid in self.message_steps:
                s = self.step(sid)
                fp, fa = self.endpoint(s, "from", pathway)
                tp, ta = self.endpoint(s, "to", pathway)
                out.add((pathway or "", s.get("message_type"), fp, fa, tp, ta))
        return out


def load_chain(repo: Repository, chain_id: str, pathway: str | None = None) -> Chain | None:
    for e in repo.of("chain"):
        if e.id == chain_id:
            return Chain(repo, e, pathway)
    return None


def parties(repo: Repository) -> dict:
    """Party id -> {role, name, addresses: {role: name}} for every valid party."""
    out = {}
    for e in repo.of("party"):
        d = e.data
        out[e.id] = {"role": d.get("role"), "name": d.get("short_name") or d.get("name") or e.id,
                     "addresses": {a.get("role"): a.get("name") for a in d.get("service_addresses", []) or []
                                   if isinstance(a, dict)}}
    return out


def address_nb(role: str | None) -> str:
    return ADDRESS_NB.get(role or "", role or "")
