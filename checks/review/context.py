"""The two documents being compared and the repositories around them (`Ctx`), with the
lookups and phrases every describer shares (a step's title, a message type's name, a deadline)."""

from __future__ import annotations

from ..model.repository import Entry, Repository
from ..model.vocabulary import ADDRESS_NB
from ..rules.graph import duration_nb, reference_graph
from .changes import PARTY_ROLE_NB
from .sentence import c, p, q, S, Val


# -- looking things up on either side --------------------------------------------------------

class Ctx:
    """The two documents being compared and the repositories around them."""

    def __init__(self, kind: str, before: Entry | None, after: Entry | None, base: Repository, head: Repository):
        self.kind, self.before, self.after, self.base, self.head = kind, before, after, base, head
        self.b = before.data if before else {}
        self.a = after.data if after else {}

    # steps
    def step(self, sid, side: str = "a") -> dict:
        for data in ((self.a, self.b) if side == "a" else (self.b, self.a)):
            for s in _list(data.get("steps")):
                if isinstance(s, dict) and s.get("id") == sid:
                    return s
        return {}

    def step_index(self, sid) -> int:
        for data, offset in ((self.a, 0), (self.b, 1000)):
            for i, s in enumerate(_list(data.get("steps"))):
                if isinstance(s, dict) and s.get("id") == sid:
                    return i + offset
        return 9999

    def step_ref(self, sid, side: str = "a") -> Val:
        step = self.step(sid, side)
        return q(step.get("title") or sid, 120)

    def role(self, rid, side: str = "a") -> Val:
        for data in ((self.a, self.b) if side == "a" else (self.b, self.a)):
            for r in _list(data.get("roles")):
                if isinstance(r, dict) and r.get("id") == rid:
                    return q(r.get("title") or rid, 120)
        if rid in PARTY_ROLE_NB:
            return p(PARTY_ROLE_NB[rid])
        return c(rid)

    def message_name(self, mid, side: str = "a") -> Val:
        repos = (self.head, self.base) if side == "a" else (self.base, self.head)
        for repo in repos:
            entry = _index(repo, "message-type").get(mid)
            if entry is not None and entry.data.get("name"):
                return p(entry.data["name"], 120)
        return c(mid)

    def doc_title(self, kind: str, did, side: str = "a") -> Val:
        repos = (self.head, self.base) if side == "a" else (self.base, self.head)
        for repo in repos:
            entry = _index(repo, kind).get(did)
            if entry is not None:
                return q(entry.data.get("title") or entry.data.get("name") or did, 120)
        return c(did)

    def obligation(self, oid) -> S:
        for repo in (self.head, self.base):
            if repo.agreement is not None:
                for ob in _list(repo.agreement.data.get("obligations")):
                    if isinstance(ob, dict) and ob.get("id") == oid:
                        return S(c(oid), " (", p(ob.get("clause") or "", 80), ")")
        return S(c(oid))


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _graph(repo: Repository):
    """The reference graph of a repository, built once per comparison."""
    cache = repo.__dict__.setdefault("_diff_index", {})
    if "graph" not in cache:
        cache["graph"] = reference_graph(repo)
    return cache["graph"]


def _index(repo: Repository, kind: str) -> dict:
    cache = repo.__dict__.setdefault("_diff_index", {})
    if kind not in cache:
        cache[kind] = repo.index(kind)
    return cache[kind]


def endpoint(value) -> S:
    value = _dict(value)
    party = PARTY_ROLE_NB.get(value.get("party"), value.get("party"))
    address = ADDRESS_NB.get(value.get("address"), value.get("address"))
    return S(p(party), " (", p(address), ")")


def deadline_phrase(ctx: Ctx, deadline, side: str) -> S:
    """«innen 24 timer etter «Pasienten legges inn»» from a deadline mapping."""
    d = _dict(deadline)
    if d.get("same_day"):
        amount = S("samme dag som")
    elif d.get("within"):
        amount = S("innen ", p(duration_nb(d["within"]) if isinstance(d["within"], str) else d["within"]), " etter")
    elif d.get("setting"):
        amount = S("innen fristen i innstillingen ", ctx.doc_title("setting", d["setting"], side), ", regnet fra")
    else:
        amount = S("uten frist, regnet fra")
    return S(amount, " ", ctx.step_ref(d.get("from"), side))


def value_phrase(value) -> Val:
    if isinstance(value, bool):
        return p("ja" if value else "nei")
    if isinstance(value, str) and len(value) <= 60:
        return q(value)
    return q(value, 200)


def text_change(before, after) -> S:
    """fra «…» til «…», showing only the words around what changed in long text."""
    if not isinstance(before, str) or not isinstance(after, str):
        return S("fra ", value_phrase(before), " til ", value_phrase(after))
    bw, aw = before.split(), after.split()
    if len(bw) + len(aw) <= 40:
        return S("fra ", q(before, None), " til ", q(after, None))
    start = 0
    while start < min(len(bw), len(aw)) and bw[start] == aw[start]:
        start += 1
    end = 0
    while end < min(len(bw), len(aw)) - start and bw[-1 - end] == aw[-1 - end]:
        end += 1
    context = 6

    def excerpt(words):
        lo, hi = max(0, start - context), min(len(words), len(words) - end + context)
        text = " ".join(words[lo:hi])
        return ("… " if lo > 0 else "") + text + (" …" if hi < len(words) else "")

    return S("fra ", q(excerpt(bw), 400), " til ", q(excerpt(aw), 400))
