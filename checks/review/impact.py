"""What else refers to a change: the procedures, steps, obligations and decisions that use a
changed message type, setting, procedure, party address or obligation."""

from __future__ import annotations

from ..model.repository import Entry, Repository
from ..model.vocabulary import ADDRESS_NB, PROCEDURE_KINDS, STATUS_NB
from .changes import Comparison, DocChange, KIND_DEFINITE_NB
from .context import Ctx, _dict, _graph, _list
from .describers.common import _capital
from .sentence import c, join, p, q, S


# -- impact ----------------------------------------------------------------------------------------

def _procedure_label(entry: Entry) -> S:
    status = STATUS_NB.get(entry.data.get("status"), entry.data.get("status") or "?")
    return S(p(KIND_DEFINITE_NB.get(entry.kind, entry.kind)), " ", q(entry.data.get("title") or entry.id, 120),
             " (", p(status), ")")


def _str(value) -> bool:
    return isinstance(value, str)


class _Uses:
    """Who refers to what in one repository, indexed once per repository. A comparison asks
    for every changed document; scanning every step of every procedure each time made a large
    comparison (hundreds of renamed documents) quadratic. Every list keeps the repository's
    order (`order`), so the sentences come out as they did from a full scan."""

    def __init__(self, repo: Repository):
        self.steps: dict = {}     # (what, key) -> [(order, entry, step)]: what is message-type, setting, address
        self.entries: dict = {}   # (what, key) -> [(order, entry)]
        order = 0
        for entry in (e for e in repo.entries if e.valid):
            data = entry.data
            order += 1
            if entry.kind in PROCEDURE_KINDS:
                for step in _list(data.get("steps")):
                    if not isinstance(step, dict):
                        continue
                    order += 1
                    keys = [("message-type", step.get("message_type"))]
                    keys += [("setting", x) for x in _list(step.get("settings"))]
                    keys += [("setting", _dict(step.get(k)).get("setting")) for k in ("deadline", "escalation")]
                    keys += [("address", (_dict(step.get(k)).get("party"), _dict(step.get(k)).get("address")))
                             for k in ("from", "to")]
                    for key in dict.fromkeys(k for k in keys if _hashable(k[1])):
                        self.steps.setdefault(key, []).append((order, entry, step))
                keys = [("procedure-setting", x) for x in _list(data.get("settings"))]
                keys += [("fulfils", x) for x in _list(data.get("fulfils"))]
            elif entry.kind == "message-type":
                keys = [("answered-with", _dict(data.get("answer")).get("message_type"))]
            elif entry.kind == "decision":
                keys = [("decision-setting", x) for x in _list(data.get("settings"))]
            else:
                keys = []
            if entry.kind in PROCEDURE_KINDS + ("setting",):
                keys.append(("decision", data.get("decision")))
            for key in dict.fromkeys(k for k in keys if _hashable(k[1])):
                self.entries.setdefault(key, []).append((order, entry))

    def step_users(self, what: str, keys) -> list:
        """(procedure entry, step) for every step that refers to any of keys, in order."""
        found = {o: (entry, step) for k in keys for o, entry, step in self.steps.get((what, k), ())}
        return [found[o] for o in sorted(found)]

    def users(self, what: str, keys) -> list:
        found = {o: entry for k in keys for o, entry in self.entries.get((what, k), ())}
        return [found[o] for o in sorted(found)]


def _hashable(value) -> bool:
    return value is not None and (isinstance(value, str) or (
        isinstance(value, tuple) and all(isinstance(v, str) for v in value)))


def _uses(repo: Repository) -> _Uses:
    cache = repo.__dict__.setdefault("_diff_index", {})
    if "uses" not in cache:
        cache["uses"] = _Uses(repo)
    return cache["uses"]


def impact(doc: DocChange, comparison: Comparison) -> list:
    """What else, in the repository after the change (and before, for removals), refers to
    what changed: procedures, steps, obligations, decisions."""
    head, base = comparison.head, comparison.base
    repo = head if doc.after is not None else base
    uses = _uses(repo)
    out: list = []
    kind, did = doc.kind, doc.id
    ids = [did] + ([doc.old_id] if doc.old_id else [])

    if kind == "message-type":
        for entry, step in uses.step_users("message-type", ids):
            out.append(S("Steget ", q(step.get("title") or step.get("id"), 120), " i ", _procedure_label(entry),
                         " sender denne meldingstypen."))
        for entry in uses.users("answered-with", ids):
            if entry.id not in ids:
                out.append(S("Meldingstypen ", q(entry.data.get("name") or entry.id, 120), " besvares med denne."))
    elif kind == "setting":
        users = uses.step_users("setting", [did])
        for entry, step in users:
            out.append(S("Steget ", q(step.get("title") or step.get("id"), 120), " i ", _procedure_label(entry),
                         " bruker innstillingen."))
        listed = {entry.file for entry, _ in users}
        for entry in uses.users("procedure-setting", [did]):
            if entry.file not in listed:
                out.append(S(_procedure_label(entry), " bruker innstillingen."))
        for entry in uses.users("decision-setting", [did]):
            out.append(S("Vedtaket ", c(entry.id), " setter innstillingen."))
    elif kind in PROCEDURE_KINDS:
        graph = _graph(repo)
        node = (kind, did)
        if node in graph:
            for user in sorted(graph.predecessors(node), key=str):
                entry = graph.nodes[user].get("entry")
                if entry is None or user == node:
                    continue
                if user[0] in PROCEDURE_KINDS:
                    steps = [s for s in _list(entry.data.get("steps")) if isinstance(s, dict)
                             and (s.get("procedure") == did or did in _dict(s.get("on_failure")).values())]
                    names = join([q(s.get("title") or s.get("id"), 120) for s in steps]) if steps else S("ukjent steg")
                    out.append(S(_procedure_label(entry), " fører hit fra ", names, "."))
                elif user[0] == "decision":
                    versions = [a.get("version") for a in _list(entry.data.get("adopts"))
                                if isinstance(a, dict) and a.get("procedure") == did]
                    out.append(S("Vedtaket ", c(entry.id), " (sak ", p(entry.data.get("case_number") or "?", 40),
                                 ", møte ", p(entry.data.get("meeting_date") or "?", 20), ") gjelder versjon ",
                                 join([p(v or "?") for v in versions]), "."))
            obligations = sorted(o[1] for o in graph.successors(node) if o[0] == "obligation")
            if obligations and doc.status != "added":
                ctx = Ctx(kind, doc.before, doc.after, base, head)
                out.append(S("Prosedyren oppfyller forpliktelse ", join([ctx.obligation(o) for o in obligations]), "."))
        out.extend(_step_impact(doc, comparison))
    elif kind == "decision":
        for entry in uses.users("decision", ids):
            label = _procedure_label(entry) if entry.kind in PROCEDURE_KINDS else S(
                "innstillingen ", q(entry.data.get("title") or entry.id, 120))
            out.append(S(_capital(label), " viser til dette vedtaket."))
    elif kind == "party":
        role = (doc.after or doc.before).data.get("role")
        addresses = sorted({str(ch.path).split("[")[1].split("]")[0] for ch in doc.changes
                            if ch.code == "service_addresses" and "[" in ch.path})
        for address in addresses:
            for entry, step in uses.step_users("address", [(role, address)]):
                out.append(S("Steget ", q(step.get("title") or step.get("id"), 120), " i ", _procedure_label(entry),
                             " bruker tjenesteadressen ", p(ADDRESS_NB.get(address, address)), "."))
    elif kind == "agreement":
        changed = sorted({ch.path.split("[")[1].split("]")[0] for ch in doc.changes
                          if ch.path.startswith("obligations[")})
        for oid in changed:
            for entry in uses.users("fulfils", [oid]):
                out.append(S(_capital(_procedure_label(entry)), " oppfyller forpliktelse ", c(oid), "."))
    return [_capital(s) for s in dict.fromkeys(out)]


ANSWER_RELEVANT = {"step.from", "step.to", "step.message_type", "step.removed", "step.type"}
DEADLINE_RELEVANT = {"step.removed", "step.type", "step.next", "step.branches", "step.default", "step.added"}


def _step_impact(doc: DocChange, comparison: Comparison) -> list:
    """Steps elsewhere in the same procedure that refer to a changed or removed step."""
    if doc.status not in ("changed", "renamed") or doc.after is None:
        return []
    changed: dict = {}
    for ch in doc.changes:
        for path in ch.path.split(", "):
            if path.startswith("steps["):
                changed.setdefault(path[len("steps["):].split("]")[0], set()).add(ch.code)
    out = []
    steps = [s for s in _list(doc.after.data.get("steps")) if isinstance(s, dict)]
    titles: dict = {}  # step id -> title, the head's over the base's (as the scan read them)
    for old in _list(doc.before.data.get("steps")) + steps:
        if isinstance(old, dict) and _hashable(old.get("id")):
            titles[old["id"]] = old.get("title") or old["id"]
    for sid in changed:
        ref_title = titles.get(sid)
        for s in steps:
            if s.get("id") == sid:
                continue
            if s.get("answers") == sid and changed[sid] & ANSWER_RELEVANT:
                out.append(S("Svaret ", q(s.get("title") or s.get("id"), 120), " går til avsenderadressen i ",
                             q(ref_title, 120), "."))
            if _dict(s.get("deadline")).get("from") == sid and changed[sid] & DEADLINE_RELEVANT:
                out.append(S("Fristen i steget ", q(s.get("title") or s.get("id"), 120), " regnes fra ",
                             q(ref_title, 120), "."))
    return out
