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


def _valid(repo: Repository) -> list:
    """The documents that passed their schema: only they are read field by field for impact."""
    return [e for e in repo.entries if e.valid]


def _step_users(repo: Repository, predicate) -> list:
    """(procedure entry, step) for every step in every procedure where predicate(step)."""
    out = []
    for entry in _valid(repo):
        if entry.kind not in PROCEDURE_KINDS:
            continue
        for step in _list(entry.data.get("steps")):
            if isinstance(step, dict) and predicate(entry, step):
                out.append((entry, step))
    return out


def _uses_setting(sid):
    def pred(entry, step):
        return (sid in _list(step.get("settings")) or _dict(step.get("deadline")).get("setting") == sid
                or _dict(step.get("escalation")).get("setting") == sid)
    return pred


def impact(doc: DocChange, comparison: Comparison) -> list:
    """What else, in the repository after the change (and before, for removals), refers to
    what changed: procedures, steps, obligations, decisions."""
    head, base = comparison.head, comparison.base
    repo = head if doc.after is not None else base
    out: list = []
    kind, did = doc.kind, doc.id
    ids = {did} | ({doc.old_id} if doc.old_id else set())

    if kind == "message-type":
        for entry, step in _step_users(repo, lambda e, s: s.get("message_type") in ids):
            out.append(S("Steget ", q(step.get("title") or step.get("id"), 120), " i ", _procedure_label(entry),
                         " sender denne meldingstypen."))
        for entry in _valid(repo):
            if entry.kind == "message-type" and _dict(entry.data.get("answer")).get("message_type") in ids \
                    and entry.id not in ids:
                out.append(S("Meldingstypen ", q(entry.data.get("name") or entry.id, 120), " besvares med denne."))
    elif kind == "setting":
        users = _step_users(repo, _uses_setting(did))
        for entry, step in users:
            out.append(S("Steget ", q(step.get("title") or step.get("id"), 120), " i ", _procedure_label(entry),
                         " bruker innstillingen."))
        listed = {entry.file for entry, _ in users}
        for entry in _valid(repo):
            if entry.kind in PROCEDURE_KINDS and did in _list(entry.data.get("settings")) and entry.file not in listed:
                out.append(S(_procedure_label(entry), " bruker innstillingen."))
        for entry in _valid(repo):
            if entry.kind == "decision" and did in _list(entry.data.get("settings")):
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
        for entry in _valid(repo):
            if entry.data.get("decision") in ids and entry.kind in PROCEDURE_KINDS + ("setting",):
                label = _procedure_label(entry) if entry.kind in PROCEDURE_KINDS else S(
                    "innstillingen ", q(entry.data.get("title") or entry.id, 120))
                out.append(S(_capital(label), " viser til dette vedtaket."))
    elif kind == "party":
        role = (doc.after or doc.before).data.get("role")
        addresses = sorted({str(ch.path).split("[")[1].split("]")[0] for ch in doc.changes
                            if ch.code == "service_addresses" and "[" in ch.path})
        for address in addresses:
            def uses(e, s, address=address):
                return any(_dict(s.get(k)).get("party") == role and _dict(s.get(k)).get("address") == address
                           for k in ("from", "to"))
            for entry, step in _step_users(repo, uses):
                out.append(S("Steget ", q(step.get("title") or step.get("id"), 120), " i ", _procedure_label(entry),
                             " bruker tjenesteadressen ", p(ADDRESS_NB.get(address, address)), "."))
    elif kind == "agreement":
        changed = sorted({ch.path.split("[")[1].split("]")[0] for ch in doc.changes
                          if ch.path.startswith("obligations[")})
        for oid in changed:
            for entry in _valid(repo):
                if entry.kind in PROCEDURE_KINDS and oid in _list(entry.data.get("fulfils")):
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
    for sid in changed:
        for s in steps:
            if s.get("id") == sid:
                continue
            ref_title = None
            for old in _list(doc.before.data.get("steps")) + steps:
                if isinstance(old, dict) and old.get("id") == sid:
                    ref_title = old.get("title") or sid
            if s.get("answers") == sid and changed[sid] & ANSWER_RELEVANT:
                out.append(S("Svaret ", q(s.get("title") or s.get("id"), 120), " går til avsenderadressen i ",
                             q(ref_title, 120), "."))
            if _dict(s.get("deadline")).get("from") == sid and changed[sid] & DEADLINE_RELEVANT:
                out.append(S("Fristen i steget ", q(s.get("title") or s.get("id"), 120), " regnes fra ",
                             q(ref_title, 120), "."))
    return out
