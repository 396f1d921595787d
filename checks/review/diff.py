"""The semantic difference between two loaded repositories, in Norwegian.

`compare(base, head)` pairs the documents of two repositories by kind and id (finding
renames by content), walks each pair with a structural differ that knows which lists are
sets and which are keyed (steps by id, sources by url, ...), and turns every difference into
a `Change`: a Norwegian sentence, how much it matters (`level`) and which version bump it
needs (`bump`). Specific describers give the sentences OSO reads ("Fristen for
Helseopplysninger endres fra innen 24 timer til innen 12 timer etter ..."); whatever no
describer claims still gets a sentence from a generic one, so no difference goes unreported.

Text from the YAML never becomes Markdown by itself: a sentence is a sequence of our own
words and `Val` pieces, and only the renderer decides how a value is quoted.

Whitespace inside text, key order, comments and the order of set-like lists are not content:
two documents that differ only there compare equal.
"""

from __future__ import annotations

import difflib
from collections import Counter
import html
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..model.repository import Entry, Repository
from ..model.vocabulary import ADDRESS_NB, PROCEDURE_KINDS, REGULATION_NB, STATUS_NB
from ..rules.graph import CATEGORY_NB, STEP_NB, duration_nb, reference_graph

MAJOR, MEDIUM, EDITORIAL = 3, 2, 1
KIND_ORDER = ("chain", "routine", "setting", "decision", "message-type", "agreement", "party", "situation", "role", "glossary")
SECTION = {"chain": 0, "routine": 0, "setting": 1, "decision": 2, "message-type": 3, "agreement": 4, "party": 5,
           "situation": 6, "role": 6, "glossary": 6}
SECTION_NB = ("Prosedyrer", "Innstillinger", "Vedtak", "Meldingskatalogen", "Avtalen", "Parter",
              "Situasjoner, roller og ordliste på nettstedet")
KIND_DEFINITE_NB = {"chain": "meldingskjeden", "routine": "rutinen"}
KIND_NB = {"chain": "meldingskjede", "routine": "rutine", "setting": "innstilling", "decision": "vedtak",
           "message-type": "meldingstype", "agreement": "avtalen", "party": "part", "situation": "situasjon",
           "role": "rolle på vakt", "glossary": "ordlisten"}
PARTY_ROLE_NB = {"municipality": "kommunen", "health-trust": "UNN", "both": "begge parter",
                 "external": "ekstern"}
EVIDENCE_NB = {"procedure": "en prosedyre", "plan": "en plan", "party-data": "partsopplysninger",
               "principle": "et prinsipp"}
CONTACT_FIELD_NB = {"title": "navn", "email": "e-post", "phone": "telefon", "hours": "åpningstid",
                    "note": "merknad", "source": "kilde"}


# -- safe text ------------------------------------------------------------------------------

_CONTROL = re.compile("[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~$])")
_AUTOLINK = re.compile(r"(?i)(://|www\.)")
_CODE_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,119}$")


def flat(value, limit: int | None = None) -> str:
    """One line of plain text: control, bidi and line-break characters become spaces."""
    text = value if isinstance(value, str) else _show(value)
    text = " ".join(_CONTROL.sub(" ", text).split())
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _show(value) -> str:
    if value is None:
        return "(tom)"
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def md_inline(value, limit: int | None = None) -> str:
    """Text from the data as inert inline Markdown: no markup, no HTML, no line break, no
    mention and no link (a value never starts a line, so block syntax cannot start either)."""
    return md_escape(flat(value, limit))


def md_escape(text: str) -> str:
    """Escape one line of text for inline Markdown, keeping its spaces."""
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: m.group(1).replace(":", "&#58;").replace(".", "&#46;"), text)
    return text.replace("@", "&#64;")


@dataclass(frozen=True)
class Val:
    """A value from the data inside a sentence: `quote` «…», `code` `…` or `plain`."""

    value: object
    style: str = "quote"
    limit: int | None = 300

    def __hash__(self) -> int:
        value = self.value
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        return hash((value, self.style, self.limit))

    def md(self) -> str:
        if self.style == "code" and isinstance(self.value, str) and _CODE_SAFE.match(self.value):
            return f"`{self.value}`"
        text = md_inline(self.value, self.limit)
        return f"«{text}»" if self.style in ("quote", "code") else text

    def text(self) -> str:
        if self.style == "code" and isinstance(self.value, str) and _CODE_SAFE.match(self.value):
            return f"`{self.value}`"
        text = flat(self.value, self.limit)
        return f"«{text}»" if self.style in ("quote", "code") else text


def q(value, limit: int | None = 300) -> Val:
    return Val(value, "quote", limit)


def c(value) -> Val:
    return Val(value, "code")


def p(value, limit: int | None = 300) -> Val:
    return Val(value, "plain", limit)


class S:
    """A sentence: our own words (str) and values from the data (Val), rendered safely."""

    __slots__ = ("parts",)

    def __init__(self, *parts):
        flat_parts = []
        for part in parts:
            if isinstance(part, S):
                flat_parts.extend(part.parts)
            elif part is not None and part != "":
                flat_parts.append(part)
        self.parts = tuple(flat_parts)

    def md(self) -> str:
        return "".join(part.md() if isinstance(part, Val) else part for part in self.parts)

    def text(self) -> str:
        return "".join(part.text() if isinstance(part, Val) else part for part in self.parts)

    def __add__(self, other) -> "S":
        return S(self, other)

    def __eq__(self, other) -> bool:
        return isinstance(other, S) and self.parts == other.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def __repr__(self) -> str:
        return f"S({self.text()!r})"


def join(items: list, sep: str = ", ", last: str = " og ") -> S:
    items = [i for i in items if i is not None]
    if not items:
        return S("ingen")
    out: list = []
    for i, item in enumerate(items):
        if i:
            out.append(last if i == len(items) - 1 else sep)
        out.append(item)
    return S(*out)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- the structural differ -----------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """A list element in a semantic path, named by its key (a step id, a url, ...)."""

    key: object

    def __str__(self) -> str:
        key = self.key
        if isinstance(key, tuple) and len(key) == 2 and key[0] in ("#", "="):
            return str(key[1])
        if isinstance(key, tuple):
            return "/".join(str(k) for k in key)
        return str(key)


LIST_KEYS = {
    "steps": ("id",), "roles": ("id",), "pathways": ("id",), "obligations": ("id",),
    "service_addresses": ("role",), "sources": ("url",), "contacts": ("title",),
    "branches": ("condition",), "directions": ("from", "to"), "adopts": ("procedure",),
    "substitutions": ("address",),
}


def canon(value):
    """The value compared: text with its whitespace collapsed, empty keys dropped."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        return {k: canon(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [canon(v) for v in value]
    return value


def _hashable(value) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _keyed(items: list, name) -> dict:
    """Key -> element for a list: a set of scalars, or dicts keyed as LIST_KEYS says."""
    if all(not isinstance(i, (dict, list)) for i in items):
        out = {}
        for i in items:
            key = ("=", canon(i))
            if key in out:
                break
            out[key] = i
        else:
            return out
    spec = LIST_KEYS.get(name)
    if spec:
        out = {}
        for item in items:
            if not isinstance(item, dict):
                break
            key = tuple(canon(item.get(s)) for s in spec)
            key = key[0] if len(key) == 1 else key
            if key is None or not _hashable(key) or key in out:
                break
            out[key] = item
        else:
            return out
    return {("#", i): item for i, item in enumerate(items)}


def _positional(keyed: dict) -> bool:
    return any(isinstance(k, tuple) and len(k) == 2 and k[0] == "#" for k in keyed)


@dataclass(frozen=True)
class Leaf:
    path: tuple
    op: str  # add | remove | change
    before: object = None
    after: object = None


def walk(before, after, path: tuple = ()) -> list[Leaf]:
    if canon(before) == canon(after):
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        out = []
        keys = [k for k in after if after[k] is not None] + [k for k in before if k not in after or after[k] is None]
        for key in dict.fromkeys(keys):
            b, a = before.get(key), after.get(key)
            if b is None and a is not None:
                out.append(Leaf(path + (key,), "add", None, a))
            elif a is None and b is not None:
                out.append(Leaf(path + (key,), "remove", b, None))
            else:
                out.extend(walk(b, a, path + (key,)))
        return out
    if isinstance(before, list) and isinstance(after, list):
        name = next((x for x in reversed(path) if isinstance(x, str)), None)
        kb, ka = _keyed(before, name), _keyed(after, name)
        if _positional(kb) or _positional(ka):
            if _positional(kb) and _positional(ka) and len(before) == len(after):
                out = []
                for i, (b, a) in enumerate(zip(before, after)):
                    out.extend(walk(b, a, path + (Item(("#", i)),)))
                return out
            return [Leaf(path, "change", before, after)]
        out = []
        for key, item in ka.items():
            if key not in kb:
                out.append(Leaf(path + (Item(key),), "add", None, item))
            else:
                out.extend(walk(kb[key], item, path + (Item(key),)))
        for key, item in kb.items():
            if key not in ka:
                out.append(Leaf(path + (Item(key),), "remove", item, None))
        return out
    return [Leaf(path, "change", before, after)]


def path_text(path: tuple) -> str:
    out = ""
    for part in path:
        if isinstance(part, Item):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# -- changes and documents -------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """One difference, as OSO reads it."""

    code: str
    level: int
    bump: str  # minor | patch | none: what it asks of a procedure's version
    sentence: S
    path: str = ""
    order: tuple = ()
    merge: tuple = ()

    def as_dict(self) -> dict:
        return {"code": self.code, "level": self.level, "bump": self.bump, "text": self.sentence.text(),
                "path": self.path}


@dataclass
class DocChange:
    """Everything that changed in one document."""

    kind: str
    id: str
    status: str  # added | removed | renamed | changed | unreadable
    before: Entry | None
    after: Entry | None
    changes: list = field(default_factory=list)
    impact: list = field(default_factory=list)
    old_id: str | None = None

    @property
    def level(self) -> int:
        return max((c.level for c in self.changes), default=0)

    @property
    def entry(self) -> Entry:
        return self.after or self.before

    @property
    def title(self) -> str:
        data = self.entry.data
        value = data.get("title") or data.get("name") or data.get("short_name") or self.id
        return value if isinstance(value, str) else self.id

    @property
    def file(self) -> str:
        return self.entry.file

    @property
    def content_changes(self) -> list:
        return [c for c in self.changes if c.bump != "none"]

    @property
    def needed_bump(self) -> str:
        bumps = {c.bump for c in self.changes}
        return "minor" if "minor" in bumps else "patch" if "patch" in bumps else "none"

    def as_dict(self) -> dict:
        before = self.before.data if self.before else {}
        after = self.after.data if self.after else {}
        return {
            "kind": self.kind, "id": self.id, "previous_id": self.old_id, "status": self.status,
            "title": flat(self.title), "file": self.file, "level": self.level,
            "version": {"before": before.get("version"), "after": after.get("version")},
            "procedure_status": {"before": before.get("status"), "after": after.get("status")},
            "changes": [c.as_dict() for c in self.changes],
            "impact": [s.text() for s in self.impact],
        }


@dataclass
class Comparison:
    base: Repository
    head: Repository
    docs: list = field(default_factory=list)

    def of(self, *kinds) -> list:
        return [d for d in self.docs if d.kind in kinds]

    @property
    def empty(self) -> bool:
        return not self.docs


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


# -- describers ------------------------------------------------------------------------------

def _sid(prefix: tuple):
    return prefix[1].key if len(prefix) > 1 and isinstance(prefix[1], Item) else None


def _whole(ctx: Ctx, prefix: tuple, side: str):
    data = ctx.b if side == "b" else ctx.a
    for i, part in enumerate(prefix):
        if isinstance(part, Item):
            items = _list(data)
            if isinstance(part.key, tuple) and len(part.key) == 2 and part.key[0] == "#":
                data = items[part.key[1]] if part.key[1] < len(items) else None
            else:
                data = next((item for item in items if _item_key(item, prefix[:i], part) == part.key), None)
        else:
            data = _dict(data).get(part)
        if data is None:
            return None
    return data


def _item_key(item, parents: tuple, part: Item):
    if isinstance(part.key, tuple) and len(part.key) == 2 and part.key[0] == "=":
        return ("=", canon(item)) if not isinstance(item, (dict, list)) else None
    if not isinstance(item, dict):
        return None
    name = next((x for x in reversed(parents) if isinstance(x, str)), None)
    spec = LIST_KEYS.get(name, ("id",))
    key = tuple(canon(item.get(s)) for s in spec)
    return key[0] if len(key) == 1 else key


def scalar(label, level: int, bump: str, show=value_phrase, code: str = ""):
    """`label` endres fra X til Y (label: S, or a function of ctx and prefix)."""
    def handler(ctx: Ctx, prefix: tuple, leaves: list) -> list:
        name = label(ctx, prefix) if callable(label) else S(label)
        b, a = _whole(ctx, prefix, "b"), _whole(ctx, prefix, "a")
        if b is None:
            sentence = S(name, " settes til ", show(a), ".")
        elif a is None:
            sentence = S(name, " fjernes (var ", show(b), ").")
        elif isinstance(b, str) and isinstance(a, str) and (len(b) > 60 or len(a) > 60):
            sentence = S(name, " endres ", text_change(b, a), ".")
        else:
            sentence = S(name, " endres fra ", show(b), " til ", show(a), ".")
        return [Change(code or _code(prefix), level, bump, _capital(sentence), path_text(prefix))]
    return handler


def _capital(sentence: S) -> S:
    parts = list(sentence.parts)
    if parts and isinstance(parts[0], str):
        parts[0] = cap(parts[0])
    elif parts and isinstance(parts[0], Val) and parts[0].style == "plain" and isinstance(parts[0].value, str):
        parts[0] = Val(cap(parts[0].value), "plain", parts[0].limit)
    return S(*parts)


def _code(prefix: tuple) -> str:
    return ".".join(x for x in prefix if isinstance(x, str)) or "document"


def collection(label: str, name_of, level: int, bump: str, code: str = ""):
    """Items added to, removed from or changed in a list (a set or keyed list)."""
    def handler(ctx: Ctx, prefix: tuple, leaves: list) -> list:
        where = label(ctx, prefix) if callable(label) else S(label)
        added, removed, changed = [], [], []
        for leaf in leaves:
            rest = leaf.path[len(prefix):]
            if not rest:  # the whole list appeared, disappeared or changed shape
                for item in _list(leaf.before):
                    removed.append(name_of(ctx, item))
                for item in _list(leaf.after):
                    added.append(name_of(ctx, item))
                continue
            if leaf.op == "add" and len(rest) == 1:
                added.append(name_of(ctx, leaf.after))
            elif leaf.op == "remove" and len(rest) == 1:
                removed.append(name_of(ctx, leaf.before))
            else:
                item = _whole(ctx, prefix + rest[:1], "a") or _whole(ctx, prefix + rest[:1], "b")
                name = name_of(ctx, item) if item is not None else p(str(rest[0]))
                if name not in changed:
                    changed.append(name)
        out = []
        path = path_text(prefix)
        code_ = code or _code(prefix)
        if added:
            out.append(Change(code_ + ".added", level, bump, _capital(S(where, ": ny ", join(added), ".")), path))
        if removed:
            out.append(Change(code_ + ".removed", level, bump,
                              _capital(S(where, ": fjernet ", join(removed), ".")), path))
        if changed:
            out.append(Change(code_ + ".changed", level, bump,
                              _capital(S(where, ": endret ", join(changed), ".")), path))
        return out
    return handler


def _title_of(ctx, item) -> Val:
    item = _dict(item)
    return q(item.get("title") or item.get("name") or item.get("url") or item.get("id") or "?", 120)


def _source_of(ctx, item) -> Val:
    item = _dict(item)
    return q(item.get("title") or item.get("url") or "?", 120)


def _text_of(ctx, item) -> Val:
    return q(item, 160)


def _setting_of(ctx, item) -> S:
    return S(ctx.doc_title("setting", item))


# steps -------------------------------------------------------------------------------------

def step_added_removed(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    leaf = leaves[0]
    if leaf.op == "change":
        return [_generic(ctx, leaf)]
    sid = _sid(prefix)
    step = _dict(leaf.after if leaf.op == "add" else leaf.before)
    side = "a" if leaf.op == "add" else "b"
    kind = S(" (", p(STEP_NB.get(step.get("type"), step.get("type") or "steg")), ") ")
    title = q(step.get("title") or sid, 120)
    details = []
    if step.get("type") == "message":
        message = S(ctx.message_name(step.get("message_type"), side), " fra ", endpoint(step.get("from")), " til ",
                    endpoint(step.get("to")))
        if step.get("deadline"):
            message = S(message, ", ", deadline_phrase(ctx, step["deadline"], side))
        if step.get("answers"):
            message = S(message, ", som svar på ", ctx.step_ref(step["answers"], side))
        details.append(message)
    if step.get("type") == "decision":
        conditions = [q(b.get("condition"), 100) for b in _list(step.get("branches")) if isinstance(b, dict)]
        details.append(S("grenene ", join(conditions)))
    if step.get("actor") and step.get("type") != "message":
        details.append(S("utføres av ", ctx.role(step["actor"], side)))
    if leaf.op == "add":
        detail = S(": ", join(details, "; ", "; ")) if details else S()
        after = _predecessors(ctx.a, sid)
        where = S(" Kommer etter ", join([ctx.step_ref(x) for x in after]), ".") if after else S()
        sentence = S("Nytt steg", kind, title, detail, ".", where)
        code = "step.added"
    elif step.get("type") == "message":
        sentence = S("Steget", kind, title, " fjernes: ", join(details, "; ", "; "), " sendes ikke lenger.")
        code = "step.removed"
    else:
        detail = S(" (", join(details, "; ", "; "), ")") if details else S()
        sentence = S("Steget", kind, title, detail, " fjernes.")
        code = "step.removed"
    return [Change(code, MAJOR, "minor", sentence, path_text(prefix), (ctx.step_index(sid),))]


def _predecessors(data: dict, sid) -> list:
    out = []
    for s in _list(data.get("steps")):
        if not isinstance(s, dict):
            continue
        targets = [s.get("next"), s.get("default")] + [b.get("next") for b in _list(s.get("branches"))
                                                        if isinstance(b, dict)]
        if sid in targets and s.get("id") not in out:
            out.append(s.get("id"))
    return out


def step_deadline(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    sid = _sid(prefix)
    b, a = _whole(ctx, prefix, "b"), _whole(ctx, prefix, "a")
    subject = _deadline_subject(ctx, sid)
    if b is None:
        sentence = S(subject, " får frist: ", deadline_phrase(ctx, a, "a"), ".")
    elif a is None:
        sentence = S(subject, " har ikke lenger frist (var ", deadline_phrase(ctx, b, "b"), ").")
    else:
        sentence = S(subject, " endres fra ", deadline_phrase(ctx, b, "b"), " til ", deadline_phrase(ctx, a, "a"), ".")
        bd, ad = _dict(b), _dict(a)
        if ({k: bd.get(k) for k in ("from", "within", "same_day", "setting")}
                == {k: ad.get(k) for k in ("from", "within", "same_day", "setting")}):
            return []  # only rule or note changed: their own describers report it
    return [Change("step.deadline", MAJOR, "minor", _capital(sentence), path_text(prefix), (ctx.step_index(sid),))]


def _deadline_subject(ctx: Ctx, sid) -> S:
    step = ctx.step(sid)
    if step.get("type") == "message" and step.get("message_type"):
        return S("fristen for ", ctx.message_name(step["message_type"]), " (steget ", ctx.step_ref(sid), ")")
    return S("fristen for steget ", ctx.step_ref(sid))


def step_flow(key: str):
    def handler(ctx: Ctx, prefix: tuple, leaves: list) -> list:
        sid = _sid(prefix)
        b, a = _whole(ctx, prefix, "b"), _whole(ctx, prefix, "a")
        name = {"next": "Neste steg etter ", "default": "Standardgrenen i valget ",
                "answers": "Svaret i "}[key]
        if key == "answers":
            if a is None:
                sentence = S("Steget ", ctx.step_ref(sid), " svarer ikke lenger på ", ctx.step_ref(b, "b"), ".")
            elif b is None:
                sentence = S("Steget ", ctx.step_ref(sid), " svarer nå på ", ctx.step_ref(a), ".")
            else:
                sentence = S("Steget ", ctx.step_ref(sid), " svarer nå på ", ctx.step_ref(a), " (før ",
                             ctx.step_ref(b, "b"), ").")
        elif a is None:
            sentence = S(name, ctx.step_ref(sid), " fjernes (var ", ctx.step_ref(b, "b"), ").")
        elif b is None:
            sentence = S(name, ctx.step_ref(sid), " blir ", ctx.step_ref(a), ".")
        else:
            sentence = S(name, ctx.step_ref(sid), " endres fra ", ctx.step_ref(b, "b"), " til ",
                         ctx.step_ref(a), ".")
        return [Change(f"step.{key}", MAJOR, "minor", sentence, path_text(prefix), (ctx.step_index(sid),))]
    return handler


def step_branches(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    sid = _sid(prefix)
    out = []
    for leaf in leaves:
        rest = leaf.path[len(prefix):]
        if not rest:
            b = [x for x in _list(leaf.before) if isinstance(x, dict)]
            a = [x for x in _list(leaf.after) if isinstance(x, dict)]
            sentence = S("Grenene i valget ", ctx.step_ref(sid), " endres fra ",
                         join([S(q(x.get("condition"), 100), " → ", ctx.step_ref(x.get("next"), "b")) for x in b]),
                         " til ",
                         join([S(q(x.get("condition"), 100), " → ", ctx.step_ref(x.get("next"))) for x in a]), ".")
        elif leaf.op == "add" and len(rest) == 1:
            branch = _dict(leaf.after)
            sentence = S("Valget ", ctx.step_ref(sid), " får en ny gren: ", q(branch.get("condition"), 120),
                         " fører til ", ctx.step_ref(branch.get("next")), ".")
        elif leaf.op == "remove" and len(rest) == 1:
            branch = _dict(leaf.before)
            sentence = S("Valget ", ctx.step_ref(sid), " mister grenen ", q(branch.get("condition"), 120),
                         " (førte til ", ctx.step_ref(branch.get("next"), "b"), ").")
        else:
            condition = rest[0].key if isinstance(rest[0], Item) else rest[0]
            sentence = S("I valget ", ctx.step_ref(sid), " fører grenen ", q(condition, 120), " nå til ",
                         ctx.step_ref(leaf.after), " (før ", ctx.step_ref(leaf.before, "b"), ").")
        out.append(Change("step.branches", MAJOR, "minor", sentence, path_text(leaf.path), (ctx.step_index(sid),)))
    return out


def step_message_type(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    sid = _sid(prefix)
    b, a = _whole(ctx, prefix, "b"), _whole(ctx, prefix, "a")
    sentence = S("Steget ", ctx.step_ref(sid), " sender nå ", ctx.message_name(a) if a else p("ingen melding"),
                 " i stedet for ", ctx.message_name(b, "b") if b else p("ingen melding"), ".")
    return [Change("step.message_type", MAJOR, "minor", sentence, path_text(prefix), (ctx.step_index(sid),))]


def step_endpoint(which: str):
    def handler(ctx: Ctx, prefix: tuple, leaves: list) -> list:
        sid = _sid(prefix)
        step = ctx.step(sid)
        b, a = _whole(ctx, prefix, "b"), _whole(ctx, prefix, "a")
        role = "Mottakeren av " if which == "to" else "Avsenderen av "
        subject = ctx.message_name(step.get("message_type")) if step.get("message_type") else ctx.step_ref(sid)
        sentence = S(role, subject, " (steget ", ctx.step_ref(sid), ") endres fra ",
                     endpoint(b) if b else p("ingen"), " til ", endpoint(a) if a else p("ingen"), ".")
        return [Change(f"step.{which}", MAJOR, "minor", sentence, path_text(prefix), (ctx.step_index(sid),))]
    return handler


def step_on_failure(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    sid = _sid(prefix)
    out = []
    names = {"apprec": "negativ eller manglende kvittering", "misdirected": "feilsendt melding"}
    b, a = _dict(_whole(ctx, prefix, "b")), _dict(_whole(ctx, prefix, "a"))
    for key in ("apprec", "misdirected"):
        if canon(b.get(key)) == canon(a.get(key)):
            continue
        before = S(ctx.doc_title("routine", b.get(key), "b"), " (", c(b.get(key)), ")") if b.get(key) else S(
            "ingen rutine")
        after = S(ctx.doc_title("routine", a.get(key)), " (", c(a.get(key)), ")") if a.get(key) else S("ingen rutine")
        out.append(Change("step.on_failure", MEDIUM, "minor",
                          S("Ved ", names[key], " i steget ", ctx.step_ref(sid), " følges nå ", after, " (før ",
                            before, ")."), path_text(prefix + (key,)), (ctx.step_index(sid),),
                          merge=(key, b.get(key), a.get(key), ctx.step_ref(sid), S("Ved ", names[key], " i stegene "),
                                 S(" følges nå ", after, " (før ", before, ")."))))
    return out


def _merge(changes: list) -> list:
    """One sentence for the same change made in several steps (a routine renamed, say)."""
    groups: dict = {}
    for ch in changes:
        if ch.merge:
            groups.setdefault(ch.merge[:3], []).append(ch)
    out = []
    for ch in changes:
        if not ch.merge:
            out.append(ch)
            continue
        group = groups.get(ch.merge[:3])
        if group is None:
            continue
        if len(group) == 1:
            out.append(ch)
        else:
            head, tail = ch.merge[4], ch.merge[5]
            out.append(Change(ch.code, ch.level, ch.bump, S(head, join([g.merge[3] for g in group]), tail),
                              ", ".join(g.path for g in group), ch.order))
        groups[ch.merge[:3]] = None
    return out


def step_label(text: str):
    def label(ctx: Ctx, prefix: tuple) -> S:
        return S(text, " i steget ", ctx.step_ref(_sid(prefix)))
    return label


def step_actor(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    sid = _sid(prefix)
    b, a = _whole(ctx, prefix, "b"), _whole(ctx, prefix, "a")
    sentence = S("Steget ", ctx.step_ref(sid), " utføres nå av ", ctx.role(a) if a else p("ingen bestemt rolle"),
                 " (før ", ctx.role(b, "b") if b else p("ingen bestemt rolle"), ").")
    return [Change("step.actor", MEDIUM, "minor", sentence, path_text(prefix), (ctx.step_index(sid),))]


def step_title(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    sid = _sid(prefix)
    b, a = _whole(ctx, prefix, "b"), _whole(ctx, prefix, "a")
    sentence = S("Steget ", q(b, 120), " heter nå ", q(a, 120), ".")
    return [Change("step.title", EDITORIAL, "patch", sentence, path_text(prefix), (ctx.step_index(sid),))]


def step_type(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    sid = _sid(prefix)
    b, a = _whole(ctx, prefix, "b"), _whole(ctx, prefix, "a")
    sentence = S("Steget ", ctx.step_ref(sid), " endres fra ", p(STEP_NB.get(b, b)), " til ", p(STEP_NB.get(a, a)),
                 ".")
    return [Change("step.type", MAJOR, "minor", sentence, path_text(prefix), (ctx.step_index(sid),))]


def step_procedure(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    sid = _sid(prefix)
    b, a = _whole(ctx, prefix, "b"), _whole(ctx, prefix, "a")
    sentence = S("Delprosedyren i steget ", ctx.step_ref(sid), " endres fra ",
                 ctx.doc_title("routine", b, "b") if b else p("ingen"), " til ",
                 ctx.doc_title("routine", a) if a else p("ingen"), ".")
    return [Change("step.procedure", MAJOR, "minor", sentence, path_text(prefix), (ctx.step_index(sid),))]


def step_escalation(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    sid = _sid(prefix)
    b, a = _whole(ctx, prefix, "b"), _whole(ctx, prefix, "a")

    def show(value, side):
        if not value:
            return p("ingen eskalering")
        value = _dict(value)
        out = S("til ", ctx.role(value.get("to"), side))
        if value.get("after"):
            out = S(out, " etter ", p(duration_nb(value["after"]) if isinstance(value["after"], str) else value["after"]))
        if value.get("setting"):
            out = S(out, " etter ventetiden i ", ctx.doc_title("setting", value["setting"], side))
        return out

    bd, ad = _dict(b), _dict(a)
    essential = ("to", "after", "setting")
    if b and a and all(canon(bd.get(k)) == canon(ad.get(k)) for k in essential):
        return [Change("step.escalation.note", EDITORIAL, "patch",
                       S("Merknaden om eskalering i steget ", ctx.step_ref(sid), " er endret ",
                         text_change(bd.get("note"), ad.get("note")), "."), path_text(prefix),
                       (ctx.step_index(sid),))]
    sentence = S("Eskaleringen i steget ", ctx.step_ref(sid), " endres fra ", show(b, "b"), " til ", show(a, "a"), ".")
    return [Change("step.escalation", MEDIUM, "minor", sentence, path_text(prefix), (ctx.step_index(sid),))]


def contact_changes(label):
    """Contact points: a list of contacts keyed by title, or one contact (party fields)."""
    def describe(ctx: Ctx, prefix: tuple, leaves: list) -> list:
        where = label(ctx, prefix) if callable(label) else S(label)
        out = []
        for leaf in leaves:
            rest = leaf.path[len(prefix):]
            item = rest[0] if rest and isinstance(rest[0], Item) else None
            name_path = prefix + ((item,) if item else ())
            contact_b, contact_a = _dict(_whole(ctx, name_path, "b")), _dict(_whole(ctx, name_path, "a"))
            name = q(contact_a.get("title") or contact_b.get("title") or "?", 120)
            field_path = rest[1:] if item else rest
            if leaf.op in ("add", "remove") and not field_path:
                if item is not None:
                    sentence = (S(where, ": nytt kontaktpunkt ", name, ".") if leaf.op == "add"
                                else S(where, ": kontaktpunktet ", name, " fjernes."))
                else:
                    sentence = (S(where, " settes: ", name, ".") if leaf.op == "add"
                                else S(where, " fjernes (var ", name, ")."))
                out.append(Change(_code(prefix) + "." + leaf.op, MEDIUM, "minor", _capital(sentence),
                                  path_text(leaf.path)))
                continue
            fname = field_path[0] if field_path else ""
            label_nb = CONTACT_FIELD_NB.get(fname, fname)
            level, bump = (EDITORIAL, "patch") if fname in ("note", "source") else (MEDIUM, "minor")
            b = _whole(ctx, name_path + ((fname,) if fname else ()), "b")
            a = _whole(ctx, name_path + ((fname,) if fname else ()), "a")
            if fname == "source":
                detail = S(" (kilden er endret)")
            elif b is None:
                detail = S(": ", p(label_nb), " settes til ", value_phrase(a))
            elif a is None:
                detail = S(": ", p(label_nb), " fjernes (var ", value_phrase(b), ")")
            else:
                detail = S(": ", p(label_nb), " endres ", text_change(b, a))
            subject = S(where, ", ", name) if item is not None else S(where, " (", name, ")")
            change = Change(_code(prefix) + ".changed", level, bump, _capital(S(subject, detail, ".")),
                            path_text(name_path + ((fname,) if fname else ())))
            if change not in out:
                out.append(change)
        return out
    return describe


def role_changes(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    out = []
    for leaf in leaves:
        rest = leaf.path[len(prefix):]
        if not rest:
            out.extend(collection("Rollene", _title_of, MEDIUM, "minor", "roles")(ctx, prefix, [leaf]))
            continue
        role_b, role_a = _dict(_whole(ctx, prefix + rest[:1], "b")), _dict(_whole(ctx, prefix + rest[:1], "a"))
        name = q(role_a.get("title") or role_b.get("title") or str(rest[0]), 120)
        if leaf.op == "add" and len(rest) == 1:
            out.append(Change("roles.added", MEDIUM, "minor",
                              S("Ny rolle: ", name, " (", p(PARTY_ROLE_NB.get(role_a.get("party"), "?")), ")."),
                              path_text(leaf.path)))
        elif leaf.op == "remove" and len(rest) == 1:
            out.append(Change("roles.removed", MEDIUM, "minor", S("Rollen ", name, " fjernes."), path_text(leaf.path)))
        elif rest[1:2] == ("party",):
            out.append(Change("roles.party", MEDIUM, "minor",
                              S("Rollen ", name, " hører nå til ", p(PARTY_ROLE_NB.get(leaf.after, leaf.after)),
                                " (før ", p(PARTY_ROLE_NB.get(leaf.before, leaf.before)), ")."), path_text(leaf.path)))
        elif rest[1:2] == ("title",):
            out.append(Change("roles.title", EDITORIAL, "patch",
                              S("Rollen ", q(leaf.before, 120), " heter nå ", q(leaf.after, 120), "."),
                              path_text(leaf.path)))
        else:
            out.append(Change("roles.description", EDITORIAL, "patch",
                              S("Beskrivelsen av rollen ", name, " er endret ", text_change(leaf.before, leaf.after),
                                "."), path_text(leaf.path)))
    return out


def status_change(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    b, a = ctx.b.get("status"), ctx.a.get("status")
    level = MAJOR if "adopted" in (a, b) or "repealed" in (a, b) else MEDIUM
    sentence = S("Status: ", p(STATUS_NB.get(b, b) if b else "ingen"), " → ",
                 p(STATUS_NB.get(a, a) if a else "ingen"), ".")
    return [Change("status", level, "none", sentence, "status", (-1,))]


def version_change(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    b, a = ctx.b.get("version"), ctx.a.get("version")
    sentence = S("Versjon: ", p(b or "ingen"), " → ", p(a or "ingen"), ".")
    return [Change("version", EDITORIAL, "none", sentence, "version", (-1,))]


def decision_ref(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    b, a = ctx.b.get("decision"), ctx.a.get("decision")

    def show(did, side):
        if not did:
            return p("ingen")
        repos = (ctx.head, ctx.base) if side == "a" else (ctx.base, ctx.head)
        for repo in repos:
            entry = _index(repo, "decision").get(did)
            if entry is not None:
                return S(c(did), " (sak ", p(entry.data.get("case_number") or "?", 40), ", møte ",
                         p(entry.data.get("meeting_date") or "?", 20), ")")
        return S(c(did))

    sentence = S("Vedtaket prosedyren viser til, endres fra ", show(b, "b"), " til ", show(a, "a"), ".")
    return [Change("decision", MEDIUM, "none", sentence, "decision", (-1,))]


def fulfils_change(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    added = [ctx.obligation(leaf.after) for leaf in leaves if leaf.op == "add" and len(leaf.path) == 2]
    removed = [ctx.obligation(leaf.before) for leaf in leaves if leaf.op == "remove" and len(leaf.path) == 2]
    for leaf in leaves:
        if len(leaf.path) == 1:
            removed += [ctx.obligation(x) for x in _list(leaf.before)]
            added += [ctx.obligation(x) for x in _list(leaf.after)]
    out = []
    if added:
        out.append(Change("fulfils.added", MEDIUM, "minor", S("Oppfyller nå også forpliktelse ", join(added), "."),
                          "fulfils", (-1,)))
    if removed:
        out.append(Change("fulfils.removed", MAJOR, "minor", S("Oppfyller ikke lenger forpliktelse ", join(removed),
                                                                "."), "fulfils", (-1,)))
    return out


def pathway_changes(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    out = []
    for leaf in leaves:
        rest = leaf.path[len(prefix):]
        pw = _dict(_whole(ctx, prefix + rest[:1], "a")) or _dict(_whole(ctx, prefix + rest[:1], "b"))
        name = q(pw.get("title") or (str(rest[0]) if rest else "?"), 120)
        if leaf.op == "add" and len(rest) == 1:
            sentence = S("Nytt forløp: ", name, ".")
        elif leaf.op == "remove" and len(rest) == 1:
            sentence = S("Forløpet ", name, " fjernes.")
        elif "substitutions" in rest:
            sb = _list(_dict(_whole(ctx, prefix + rest[:1], "b")).get("substitutions"))
            sa = _list(_dict(_whole(ctx, prefix + rest[:1], "a")).get("substitutions"))

            def subst(items):
                return join([S(p(ADDRESS_NB.get(s.get("address"), s.get("address"))), " → ",
                               p(ADDRESS_NB.get(s.get("with"), s.get("with")))) for s in items if isinstance(s, dict)])
            sentence = S("Adressebyttene i forløpet ", name, " endres fra ", subst(sb), " til ", subst(sa), ".")
        else:
            sentence = S("Forløpet ", name, " er endret (", p(path_text(rest[1:]) or "tekst"), ").")
        level = EDITORIAL if rest[1:2] in (("description",), ("sources",)) else MAJOR
        change = Change("pathways", level, "patch" if level == EDITORIAL else "minor", sentence,
                        path_text(prefix + rest[:2]))
        if change not in out:
            out.append(change)
    return out


def text_field(label: str, code: str, level: int = EDITORIAL, bump: str = "patch"):
    def handler(ctx: Ctx, prefix: tuple, leaves: list) -> list:
        where = label(ctx, prefix) if callable(label) else S(label)
        b, a = _whole(ctx, prefix, "b"), _whole(ctx, prefix, "a")
        if b is None:
            sentence = S(where, " er lagt til: ", q(a, 300), ".")
        elif a is None:
            sentence = S(where, " er fjernet.")
        else:
            sentence = S(where, " er endret ", text_change(b, a), ".")
        return [Change(code, level, bump, _capital(sentence), path_text(prefix),
                       (ctx.step_index(_sid(prefix)),) if prefix[:1] == ("steps",) else (-1,))]
    return handler


def added_removed_summary(kind: str, entry: Entry, op: str, ctx: Ctx) -> S:
    if not entry.valid:
        return S(cap(KIND_NB[kind]), " legges til" if op == "add" else " fjernes",
                 " (dokumentet har feil; se Funn).")
    data = entry.data
    side = "a" if op == "add" else "b"
    if kind in PROCEDURE_KINDS:
        steps = [s for s in _list(data.get("steps")) if isinstance(s, dict)]
        messages = [ctx.message_name(s.get("message_type"), side) for s in steps
                    if s.get("type") == "message" and s.get("message_type")]
        status = STATUS_NB.get(data.get("status"), data.get("status"))
        if op == "add":
            out = S("Ny ", p(KIND_NB[kind]), " med ", p(str(len(steps))), " steg, status ", p(status or "?"),
                    ", versjon ", p(data.get("version") or "?"))
        else:
            out = S(cap(KIND_NB[kind]), " fjernes (status ", p(status or "?"), ", versjon ", p(data.get("version") or "?"),
                    ", ", p(str(len(steps))), " steg)")
        if messages:
            out = S(out, "; meldinger: ", join(list(dict.fromkeys(messages))))
        if data.get("fulfils") and op == "add":
            out = S(out, "; oppfyller ", join([ctx.obligation(o) for o in _list(data.get("fulfils"))]))
        return S(out, ".")
    if kind == "message-type":
        directions = [S(p(PARTY_ROLE_NB.get(d.get("from"), d.get("from"))), " → ",
                        p(PARTY_ROLE_NB.get(d.get("to"), d.get("to")))) for d in _list(data.get("directions"))
                      if isinstance(d, dict)]
        verb = "Ny meldingstype" if op == "add" else "Meldingstypen fjernes fra katalogen"
        return S(verb, ": ", q(data.get("name") or entry.id, 120), " (", p(data.get("standard") or "?", 80), " ",
                 p(data.get("version") or "", 20), "), ", join(directions), ".")
    if kind == "decision":
        adopts = [S(ctx.doc_title("routine" if _index(ctx.head, "routine").get(x.get("procedure")) else "chain",
                                  x.get("procedure"), side), " versjon ", p(x.get("version") or "?"))
                  for x in _list(data.get("adopts")) if isinstance(x, dict)]
        verb = "Nytt vedtak" if op == "add" else "Vedtaket fjernes"
        out = S(verb, ": sak ", p(data.get("case_number") or "?", 40), ", møte ", p(data.get("meeting_date") or "?", 20),
                ", ", q(data.get("title") or entry.id, 160))
        if adopts:
            out = S(out, "; vedtar ", join(adopts))
        return S(out, ".")
    if kind == "setting":
        value = data.get("value") or data.get("proposed")
        if data.get("kind") == "duration" and isinstance(value, str):
            value = duration_nb(value)
        verb = "Ny innstilling" if op == "add" else "Innstillingen fjernes"
        out = S(verb, ": ", q(data.get("title") or entry.id, 160), ", status ",
                p(STATUS_NB.get(data.get("status"), data.get("status") or "?")))
        if value:
            out = S(out, ", verdi ", q(value, 120))
        return S(out, ".")
    if kind == "party":
        verb = "Ny part" if op == "add" else "Parten fjernes"
        return S(verb, ": ", q(data.get("name") or entry.id, 160), ".")
    verb = "Nytt dokument" if op == "add" else "Dokumentet fjernes"
    return S(verb, ": ", q(data.get("title") or entry.id, 160), ".")


# -- rule tables per kind -----------------------------------------------------------------------

_S = ("steps", "*")


def _rules_procedure():
    return [
        (_S, step_added_removed, True),
        (_S + ("deadline", "rule"), text_field(step_label("Regelgrunnlaget for fristen"), "step.deadline.rule"), False),
        (_S + ("deadline", "note"), text_field(step_label("Merknaden til fristen"), "step.deadline.note"), False),
        (_S + ("deadline",), step_deadline, False),
        (_S + ("type",), step_type, False),
        (_S + ("title",), step_title, False),
        (_S + ("description",), text_field(step_label("Beskrivelsen"), "step.description"), False),
        (_S + ("actor",), step_actor, False),
        (_S + ("next",), step_flow("next"), False),
        (_S + ("default",), step_flow("default"), False),
        (_S + ("answers",), step_flow("answers"), False),
        (_S + ("branches",), step_branches, False),
        (_S + ("message_type",), step_message_type, False),
        (_S + ("from",), step_endpoint("from"), False),
        (_S + ("to",), step_endpoint("to"), False),
        (_S + ("on_failure",), step_on_failure, False),
        (_S + ("procedure",), step_procedure, False),
        (_S + ("settings",), collection(step_label("Innstillinger"), _setting_of, MEDIUM, "minor", "step.settings"), False),
        (_S + ("contacts",), contact_changes(step_label("Kontaktpunkter")), False),
        (_S + ("escalation",), step_escalation, False),
        (_S + ("sources",), collection(step_label("Kilder"), _source_of, EDITORIAL, "patch", "step.sources"), False),
        (_S + ("unconfirmed",), collection(step_label("Ikke bekreftet"), _text_of, EDITORIAL, "patch",
                                           "step.unconfirmed"), False),
        (("status",), status_change, False),
        (("version",), version_change, False),
        (("decision",), decision_ref, False),
        (("effective",), scalar("gjelder fra-datoen", MEDIUM, "none", p), False),
        (("review_by",), scalar("revisjonsdatoen", MEDIUM, "none", p), False),
        (("title",), scalar("tittelen", EDITORIAL, "patch", q), False),
        (("summary",), text_field("Sammendraget", "summary"), False),
        (("owner",), scalar("eieren", MEDIUM, "minor", q), False),
        (("fulfils",), fulfils_change, False),
        (("settings",), collection("Innstillinger", _setting_of, MEDIUM, "minor", "settings"), False),
        (("category",), scalar("kategorien", MAJOR, "minor", lambda v: p(CATEGORY_NB.get(v, v))), False),
        (("roles",), role_changes, False),
        (("contacts",), contact_changes("Kontaktpunkter"), False),
        (("pathways",), pathway_changes, False),
        (("sources",), collection("Kilder", _source_of, EDITORIAL, "patch", "sources"), False),
        (("unconfirmed",), collection("Ikke bekreftet", _text_of, EDITORIAL, "patch", "unconfirmed"), False),
    ]


def _direction_name(ctx, item) -> S:
    item = _dict(item)
    out = S(p(PARTY_ROLE_NB.get(item.get("from"), item.get("from"))), " → ",
            p(PARTY_ROLE_NB.get(item.get("to"), item.get("to"))))
    if item.get("addressed_to"):
        out = S(out, " (", join([p(ADDRESS_NB.get(a, a)) for a in _list(item["addressed_to"])]), ")")
    return out


def _mt_deadline(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    b, a = _dict(_whole(ctx, prefix, "b")), _dict(_whole(ctx, prefix, "a"))
    essential = ("within", "same_day", "counted_from")
    if b and a and all(canon(b.get(k)) == canon(a.get(k)) for k in essential):
        return [Change("deadline.rule", EDITORIAL, "none", S("Kilden for fristen etter regelverket er endret."),
                       "deadline")]

    def show(d):
        if not d:
            return p("ingen frist")
        if d.get("same_day"):
            amount = S("samme dag")
        else:
            amount = S("innen ", p(duration_nb(d.get("within")) if isinstance(d.get("within"), str) else "?"))
        return S(amount, " etter ", q(d.get("counted_from") or "?", 120))

    return [Change("deadline", MAJOR, "none", S("Fristen etter regelverket endres fra ", show(b), " til ", show(a), "."),
                   "deadline")]


def _mt_directions(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    out = []
    for leaf in leaves:
        rest = leaf.path[len(prefix):]
        if leaf.op == "add" and len(rest) == 1:
            out.append(Change("directions.added", MAJOR, "none", S("Kan nå sendes ", _direction_name(ctx, leaf.after), "."),
                              path_text(leaf.path)))
        elif leaf.op == "remove" and len(rest) == 1:
            out.append(Change("directions.removed", MAJOR, "none",
                              S("Kan ikke lenger sendes ", _direction_name(ctx, leaf.before), "."), path_text(leaf.path)))
        else:
            item = rest[:1]
            b, a = _whole(ctx, prefix + item, "b"), _whole(ctx, prefix + item, "a")
            change = Change("directions.changed", MAJOR, "none",
                            S("Retningen endres fra ", _direction_name(ctx, b), " til ", _direction_name(ctx, a), "."),
                            path_text(prefix + item))
            if change not in out:
                out.append(change)
    return out


def _mt_answer(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    b, a = _dict(_whole(ctx, prefix, "b")), _dict(_whole(ctx, prefix, "a"))

    def show(d, side):
        if not d or not d.get("message_type"):
            return p("ikke noe svar")
        out = S(ctx.message_name(d.get("message_type"), side))
        return S(out, " (påkrevd)" if d.get("required") else " (ikke påkrevd)")

    if canon({k: b.get(k) for k in ("message_type", "required")}) == canon({k: a.get(k) for k in ("message_type", "required")}):
        return [Change("answer.note", EDITORIAL, "none", S("Merknaden om forventet svar er endret ",
                                                           text_change(b.get("note"), a.get("note")), "."), "answer")]
    return [Change("answer", MAJOR, "none", S("Forventet svar endres fra ", show(b, "b"), " til ", show(a, "a"), "."),
                   "answer")]


def _rules_message_type():
    return [
        (("name",), scalar("navnet", MEDIUM, "none", q), False),
        (("standard",), scalar("standarden", MEDIUM, "none", q), False),
        (("version",), scalar("versjonen av standarden", MEDIUM, "none", q), False),
        (("family",), scalar("meldingsfamilien", EDITORIAL, "none", p), False),
        (("directions",), _mt_directions, False),
        (("answer",), _mt_answer, False),
        (("apprec",), scalar("applikasjonskvittering", MEDIUM, "none", value_phrase), False),
        (("deadline",), _mt_deadline, False),
        (("regulation_status",), scalar("status etter forskriften", MAJOR, "none",
                                        lambda v: p(REGULATION_NB.get(v, v))), False),
        (("regulation_ref",), scalar("forskriftshjemmelen", EDITORIAL, "none", q), False),
        (("description",), text_field("Beskrivelsen", "description", EDITORIAL, "none"), False),
        (("sources",), collection("Kilder", _source_of, EDITORIAL, "none", "sources"), False),
        (("unconfirmed",), collection("Ikke bekreftet", _text_of, EDITORIAL, "none", "unconfirmed"), False),
    ]


def _address_changes(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    out = []
    for leaf in leaves:
        rest = leaf.path[len(prefix):]
        item = _dict(_whole(ctx, prefix + rest[:1], "a")) or _dict(_whole(ctx, prefix + rest[:1], "b"))
        role = item.get("role")
        name = p(ADDRESS_NB.get(role, role or "?"))
        if leaf.op == "add" and len(rest) == 1:
            sentence = S("Ny tjenesteadresse: ", name, " (", q(item.get("name") or "?", 120), ").")
        elif leaf.op == "remove" and len(rest) == 1:
            sentence = S("Tjenesteadressen ", name, " fjernes.")
        elif not rest:
            sentence = S("Tjenesteadressene er endret.")
        else:
            fname = rest[1] if len(rest) > 1 else ""
            label = {"name": "navnet i Adresseregisteret", "her_id": "HER-id"}.get(fname, str(fname))
            b = _whole(ctx, prefix + rest[:2], "b")
            a = _whole(ctx, prefix + rest[:2], "a")
            sentence = S("Tjenesteadressen ", name, ": ", p(label), " endres fra ", value_phrase(b) if b else p("ingen"),
                         " til ", value_phrase(a) if a else p("ingen"), ".")
        change = Change("service_addresses", MAJOR, "none", sentence, path_text(prefix + rest[:2]))
        if change not in out:
            out.append(change)
    return out


def _rules_party():
    return [
        (("service_addresses",), _address_changes, False),
        (("her_id",), scalar("HER-id", MAJOR, "none", value_phrase), False),
        (("message_responsible",), contact_changes("Meldingsansvarligadressen"), False),
        (("emergency_contact",), contact_changes("Nødkontakten ved nedetid"), False),
        (("video_support",), contact_changes("Lokal brukerstøtte for video"), False),
        (("agreement_signed",), scalar("datoen avtalen ble signert", MEDIUM, "none", p), False),
        (("name",), scalar("navnet", MEDIUM, "none", q), False),
        (("short_name",), scalar("kortnavnet", EDITORIAL, "none", q), False),
        (("municipality_number",), scalar("kommunenummeret", MAJOR, "none", p), False),
        (("previous_numbers",), collection("Tidligere kommunenummer", _text_of, EDITORIAL, "none"), False),
        (("county",), scalar("fylket", EDITORIAL, "none", q), False),
        (("organisation_number",), scalar("organisasjonsnummeret", MEDIUM, "none", p), False),
        (("note",), text_field("Merknaden", "note", EDITORIAL, "none"), False),
        (("sources",), collection("Kilder", _source_of, EDITORIAL, "none", "sources"), False),
    ]


def _setting_value():
    def handler(ctx: Ctx, prefix: tuple, leaves: list) -> list:
        key = prefix[0]
        label = {"proposed": "foreslått verdi", "value": "vedtatt verdi"}[key]

        def show(value, side):
            data = ctx.b if side == "b" else ctx.a
            if value is None:
                return p("ingen")
            if data.get("kind") == "duration" and isinstance(value, str):
                return p(duration_nb(value))
            return q(value, 200)

        b, a = ctx.b.get(key), ctx.a.get(key)
        if b is None:
            sentence = S(cap(label), " settes til ", show(a, "a"), ".")
        elif a is None:
            sentence = S(cap(label), " fjernes (var ", show(b, "b"), ").")
        else:
            sentence = S(cap(label), " endres fra ", show(b, "b"), " til ", show(a, "a"), ".")
        return [Change(key, MAJOR, "none", sentence, key)]
    return handler


def _rules_setting():
    return [
        (("proposed",), _setting_value(), False),
        (("value",), _setting_value(), False),
        (("status",), status_change, False),
        (("decision",), decision_ref, False),
        (("kind",), scalar("verditypen", MEDIUM, "none", p), False),
        (("title",), scalar("tittelen", EDITORIAL, "none", q), False),
        (("description",), text_field("Beskrivelsen", "description", EDITORIAL, "none"), False),
        (("sources",), collection("Kilder", _source_of, EDITORIAL, "none", "sources"), False),
        (("unconfirmed",), collection("Ikke bekreftet", _text_of, EDITORIAL, "none", "unconfirmed"), False),
    ]


def _adopted_name(ctx, item) -> S:
    item = _dict(item)
    pid = item.get("procedure")
    kind = "routine" if (_index(ctx.head, "routine").get(pid) or _index(ctx.base, "routine").get(pid)) else "chain"
    return S(ctx.doc_title(kind, pid), " (", c(pid), ") versjon ", p(item.get("version") or "?"))


def _rules_decision():
    return [
        (("meeting_date",), scalar("møtedatoen", MAJOR, "none", p), False),
        (("case_number",), scalar("saksnummeret", MAJOR, "none", q), False),
        (("body",), scalar("organet", MAJOR, "none", q), False),
        (("adopts",), collection("Vedtar", _adopted_name, MAJOR, "none", "adopts"), False),
        (("settings",), collection("Setter innstillingene", _setting_of, MAJOR, "none", "settings"), False),
        (("title",), scalar("tittelen", EDITORIAL, "none", q), False),
        (("summary",), text_field("Sammendraget", "summary", EDITORIAL, "none"), False),
        (("sources",), collection("Kilder", _source_of, EDITORIAL, "none", "sources"), False),
    ]


def _obligation_changes(ctx: Ctx, prefix: tuple, leaves: list) -> list:
    out = []
    for leaf in leaves:
        rest = leaf.path[len(prefix):]
        if not rest:
            out.append(Change("obligations", MAJOR, "none", S("Forpliktelsene er endret."), "obligations"))
            continue
        ob = _dict(_whole(ctx, prefix + rest[:1], "a")) or _dict(_whole(ctx, prefix + rest[:1], "b"))
        name = S(c(ob.get("id") or str(rest[0])), " (", p(ob.get("clause") or "?", 80), ")")
        if leaf.op == "add" and len(rest) == 1:
            change = Change("obligations.added", MAJOR, "none",
                            S("Ny forpliktelse ", name, ": ", q(ob.get("summary") or "", 300), "."), path_text(leaf.path))
        elif leaf.op == "remove" and len(rest) == 1:
            change = Change("obligations.removed", MAJOR, "none", S("Forpliktelse ", name, " fjernes."),
                            path_text(leaf.path))
        else:
            fname = rest[1] if len(rest) > 1 else ""
            b = _whole(ctx, prefix + rest[:2], "b")
            a = _whole(ctx, prefix + rest[:2], "a")
            if fname == "evidence":
                change = Change("obligations.evidence", MAJOR, "none",
                                S("Forpliktelse ", name, " oppfylles nå av ", p(EVIDENCE_NB.get(a, a) if a else "?"),
                                  " (før ", p(EVIDENCE_NB.get(b, b) if b else "?"), ")."), path_text(prefix + rest[:2]))
            elif fname == "requires_routine":
                change = Change("obligations.requires_routine", MAJOR, "none",
                                S("Forpliktelse ", name, " krever nå rutinen for ",
                                  p(CATEGORY_NB.get(a, a) if a else "ingenting"), " (før ",
                                  p(CATEGORY_NB.get(b, b) if b else "ingenting"), ")."), path_text(prefix + rest[:2]))
            elif fname in ("summary", "note", "clause"):
                label = {"summary": "Sammendraget av", "note": "Merknaden til", "clause": "Punkthenvisningen for"}[fname]
                change = Change(f"obligations.{fname}", EDITORIAL if fname != "clause" else MEDIUM, "none",
                                S(label, " forpliktelse ", name, " er endret ", text_change(b, a), "."),
                                path_text(prefix + rest[:2]))
            else:
                change = Change("obligations.changed", MAJOR, "none",
                                S("Forpliktelse ", name, ": ", p(_field_title("agreement", ("obligations", "*", fname))),
                                  " endres fra ", value_phrase(b), " til ", value_phrase(a), "."),
                                path_text(prefix + rest[:2]))
        if change not in out:
            out.append(change)
    return out


def _rules_agreement():
    return [
        (("obligations",), _obligation_changes, False),
        (("approving_body",), scalar("vedtaksorganet", MEDIUM, "none", lambda v: q(_dict(v).get("name") or v)), False),
        (("legal_basis",), scalar("hjemmelen", MEDIUM, "none", q), False),
        (("title",), scalar("tittelen", EDITORIAL, "none", q), False),
        (("summary",), text_field("Sammendraget", "summary", EDITORIAL, "none"), False),
        (("sources",), collection("Kilder", _source_of, EDITORIAL, "none", "sources"), False),
    ]


RULES = {
    "chain": _rules_procedure(), "routine": _rules_procedure(), "message-type": _rules_message_type(),
    "party": _rules_party(), "setting": _rules_setting(), "decision": _rules_decision(),
    "agreement": _rules_agreement(),
}


@lru_cache(maxsize=None)
def _schema_raw() -> dict:
    from ..model.repository import PACKAGE_SCHEMAS
    out = {}
    for path in sorted(PACKAGE_SCHEMAS.glob("*.schema.json")):
        out[path.name] = json.loads(path.read_text(encoding="utf-8"))
    return out


def _field_title(kind: str, path: tuple) -> str:
    """The Norwegian title the schema gives a field (for the generic describer)."""
    raw = _schema_raw()
    current = f"{kind}.schema.json"
    node = raw.get(current, {})
    title = ""

    def resolve(node, current):
        own = node.get("title") if isinstance(node, dict) else None
        for _ in range(10):
            if not isinstance(node, dict) or "$ref" not in node:
                break
            file, _, pointer = node["$ref"].partition("#")
            current = file or current
            node = raw.get(current, {})
            for token in (t for t in pointer.split("/") if t):
                node = node.get(token, {}) if isinstance(node, dict) else {}
        if own and isinstance(node, dict):
            node = {**node, "title": own}
        return node, current

    for part in path:
        node, current = resolve(node, current)
        if not isinstance(node, dict):
            break
        node = node.get("items", {}) if part == "*" else node.get("properties", {}).get(part, {})
        node, current = resolve(node, current)
        if isinstance(node, dict) and node.get("title") and part != "*":
            title = node["title"]
    return title or str(path[-1] if path else "")


def _generic(ctx: Ctx, leaf: Leaf) -> Change:
    title = _field_title(ctx.kind, tuple("*" if isinstance(x, Item) else x for x in leaf.path)) or "feltet"
    where = S(" i steget ", ctx.step_ref(_sid(leaf.path))) if leaf.path[:1] == ("steps",) and len(leaf.path) > 1 else S()
    if leaf.op == "add":
        sentence = S(p(cap(title)), where, " (", c(path_text(leaf.path)), ") er lagt til: ", value_phrase(leaf.after), ".")
    elif leaf.op == "remove":
        sentence = S(p(cap(title)), where, " (", c(path_text(leaf.path)), ") er fjernet (var ", value_phrase(leaf.before),
                     ").")
    else:
        sentence = S(p(cap(title)), where, " (", c(path_text(leaf.path)), ") endres ",
                     text_change(leaf.before, leaf.after), ".")
    order = (ctx.step_index(_sid(leaf.path)),) if leaf.path[:1] == ("steps",) else (-1,)
    return Change("field", MEDIUM, "minor" if ctx.kind in PROCEDURE_KINDS else "none", sentence,
                  path_text(leaf.path), order)


def _matches(pattern: tuple, path: tuple, exact: bool) -> bool:
    if len(path) < len(pattern) or (exact and len(path) != len(pattern)):
        return False
    return all(pat == "*" or pat == part for pat, part in zip(pattern, path))


def describe(ctx: Ctx, leaves: list) -> list:
    """Norwegian changes for the leaves of one document pair."""
    groups: dict = {}
    generic = []
    # The specific describers read typed fields; a side that fails its schema can hold anything
    # there, so its changes are described field by field instead.
    specific = RULES.get(ctx.kind, []) if all(e.valid for e in (ctx.before, ctx.after) if e is not None) else []
    for leaf in leaves:
        for i, (pattern, handler, exact) in enumerate(specific):
            if _matches(pattern, leaf.path, exact):
                key = (i, leaf.path[: len(pattern)])
                groups.setdefault(key, (handler, []))[1].append(leaf)
                break
        else:
            generic.append(leaf)
    out = []
    for (_, prefix), (handler, group) in groups.items():
        out.extend(handler(ctx, prefix, group))
    out.extend(_generic(ctx, leaf) for leaf in generic)
    unique = sorted(dict.fromkeys(out), key=lambda ch: (-ch.level, ch.order, ch.path, ch.code))
    return _merge(unique)


# -- pairing documents ---------------------------------------------------------------------------

def _key(entry: Entry) -> tuple:
    if entry.kind == "agreement":
        return ("agreement", "")
    return (entry.kind, entry.id or entry.file)


def _entries(repo: Repository) -> dict:
    out = {}
    for entry in repo.entries:
        out.setdefault(_key(entry), entry)
    return out


RENAME_THRESHOLD = 0.75
RENAME_CAP = 1500        # words and signs of each document's canonical text the similarity reads
RENAME_CANDIDATES = 20   # documents each removed one is compared with, at most
RARE_TOKENS = 12         # a document's rarest words, to find its candidates


class _Shape:
    """What rename detection reads of a document: its canonical text without the id (capped),
    a hash of the whole, its normalised title and its words."""

    __slots__ = ("tokens", "digest", "title", "words", "pairs", "size")

    def __init__(self, entry: Entry):
        data = {k: v for k, v in canon(entry.data).items() if k != "id"}
        full = json.dumps(data, ensure_ascii=False, sort_keys=True)
        self.digest = hash(full)
        self.tokens = [t.casefold() for t in _TOKEN.findall(full[:RENAME_CAP * 12])[:RENAME_CAP]]
        title = entry.data.get("title") or entry.data.get("name")
        self.title = " ".join(title.split()).casefold() if isinstance(title, str) else None
        self.words = frozenset(t for t in self.tokens if len(t) > 2)
        self.pairs = Counter(zip(self.tokens, self.tokens[1:]))
        self.size = max(len(self.tokens) - 1, 0)


_TOKEN = re.compile(r"\w+")


def _ratio(a: _Shape, b: _Shape) -> float:
    """Similarity of the capped texts in linear time: the share of word pairs (bigrams) the
    two have in common (Dice), after a cheaper bound on the words alone."""
    union = len(a.words | b.words)
    if union and len(a.words & b.words) / union < RENAME_THRESHOLD / 2:
        return 0.0
    if a.size + b.size == 0:
        return 1.0 if a.tokens == b.tokens else 0.0
    if 2 * min(a.size, b.size) / (a.size + b.size) < RENAME_THRESHOLD:
        return 0.0  # lengths too different
    return 2 * sum((a.pairs & b.pairs).values()) / (a.size + b.size)


def _similarity(a: Entry, b: Entry) -> float:
    return _ratio(_Shape(a), _Shape(b))


def find_renames(before: dict, after: dict, removed: list, added: list) -> dict:
    """added key -> removed key, for documents that were renamed (same kind, new id).

    Bounded, so 1,000 renamed documents take seconds: (1) identical content (a hash of the
    canonical text without the id), (2) the same title, unique on both sides, (3) for the rest,
    each removed document is compared with at most RENAME_CANDIDATES added ones that share
    its rarest words, by word overlap and then a text similarity on the first RENAME_CAP
    words and signs. Pairs are taken best first; every choice is deterministic."""
    renames: dict = {}
    kinds = sorted({k[0] for k in removed} & {k[0] for k in added} - {"agreement"})
    for kind in kinds:
        gone = sorted(k for k in removed if k[0] == kind)
        new = sorted(k for k in added if k[0] == kind)
        shape = {k: _Shape(before[k]) for k in gone}
        shape.update({k: _Shape(after[k]) for k in new})
        used: set = set()

        def pair(rk, ak):
            used.update((rk, ak))
            renames[ak] = rk

        by_digest: dict = {}
        for ak in new:
            by_digest.setdefault(shape[ak].digest, []).append(ak)
        for rk in gone:
            for ak in by_digest.get(shape[rk].digest, []):
                if ak not in used:
                    pair(rk, ak)
                    break
        titles_gone, titles_new = {}, {}
        for keys, titles in ((gone, titles_gone), (new, titles_new)):
            for k in keys:
                if k not in used and shape[k].title:
                    titles.setdefault(shape[k].title, []).append(k)
        for title, rks in titles_gone.items():
            aks = titles_new.get(title, [])
            if len(rks) == 1 and len(aks) == 1 and _ratio(shape[rks[0]], shape[aks[0]]) >= RENAME_THRESHOLD / 2:
                pair(rks[0], aks[0])
        rest_gone = [k for k in gone if k not in used]
        rest_new = [k for k in new if k not in used]
        if not rest_gone or not rest_new:
            continue
        frequency: dict = {}
        for k in rest_gone + rest_new:
            for word in shape[k].words:
                frequency[word] = frequency.get(word, 0) + 1
        index: dict = {}
        for ak in rest_new:
            for word in sorted(shape[ak].words, key=lambda w: (frequency[w], w))[:RARE_TOKENS]:
                index.setdefault(word, []).append(ak)
        candidates = []
        for rk in rest_gone:
            votes: dict = {}
            for word in sorted(shape[rk].words, key=lambda w: (frequency[w], w))[:RARE_TOKENS]:
                for ak in index.get(word, ())[:RENAME_CANDIDATES * 4]:
                    votes[ak] = votes.get(ak, 0) + 1
            ranked = sorted(votes, key=lambda ak: (-votes[ak], ak))[:RENAME_CANDIDATES]
            for ak in ranked:
                score = _ratio(shape[rk], shape[ak])
                if score >= RENAME_THRESHOLD:
                    candidates.append((-score, rk, ak))
        for _, rk, ak in sorted(candidates):
            if rk not in used and ak not in used:
                pair(rk, ak)
    return renames


def compare(base: Repository, head: Repository, with_impact: bool = True) -> Comparison:
    """Every document that differs between two repositories, most consequential first.
    `with_impact` also lists what refers to each change (the report needs it, the rules do not)."""
    before, after = _entries(base), _entries(head)
    unreadable_after = {d.file for d in getattr(head, "documents", []) if not isinstance(d.data, dict)}
    removed = [k for k in before if k not in after and before[k].file not in unreadable_after]
    added = [k for k in after if k not in before]
    renames = find_renames(before, after, removed, added)
    docs = []
    for key in sorted(set(before) | set(after), key=lambda k: (KIND_ORDER.index(k[0]) if k[0] in KIND_ORDER else 99, k)):
        b, a = before.get(key), after.get(key)
        kind = key[0]
        if a is not None and key in renames:
            b = before[renames[key]]
            ctx = Ctx(kind, b, a, base, head)
            data_b = {k: v for k, v in b.data.items() if k != "id"}
            data_a = {k: v for k, v in a.data.items() if k != "id"}
            changes = describe(ctx, walk(data_b, data_a))
            changes.insert(0, Change("renamed", MAJOR, "minor" if kind in PROCEDURE_KINDS else "none",
                                     S("Id-en endres fra ", c(b.id), " til ", c(a.id), " (filen ", c(b.file),
                                       " heter nå ", c(a.file), ")."), "id", (-2,)))
            docs.append(DocChange(kind, a.id, "renamed", b, a, changes, old_id=b.id))
        elif a is not None and b is None:
            ctx = Ctx(kind, None, a, base, head)
            docs.append(DocChange(kind, a.id, "added", None, a,
                                  [Change("added", MAJOR, "minor" if kind in PROCEDURE_KINDS else "none",
                                          added_removed_summary(kind, a, "add", ctx), "", (-2,))]))
        elif b is not None and a is None:
            if key in renames.values():
                continue
            if b.file in unreadable_after:
                docs.append(DocChange(kind, b.id, "unreadable", b, None,
                                      [Change("unreadable", MAJOR, "minor" if kind in PROCEDURE_KINDS else "none",
                                              S("Filen kan ikke leses etter endringen (se Funn), så innholdet er ikke "
                                                "sammenlignet."), "", (-2,))]))
                continue
            ctx = Ctx(kind, b, None, base, head)
            docs.append(DocChange(kind, b.id, "removed", b, None,
                                  [Change("removed", MAJOR, "minor" if kind in PROCEDURE_KINDS else "none",
                                          added_removed_summary(kind, b, "remove", ctx), "", (-2,))]))
        else:
            leaves = walk(b.data, a.data)
            if leaves:
                ctx = Ctx(kind, b, a, base, head)
                changes = describe(ctx, leaves)
                docs.append(DocChange(kind, a.id, "changed", b, a, changes))
    comparison = Comparison(base, head, docs)
    if with_impact:
        for doc in docs:
            doc.impact = impact(doc, comparison)
    comparison.docs.sort(key=lambda d: (SECTION.get(d.kind, 99), -d.level,
                                        -sum(1 for ch in d.changes if ch.level == MAJOR), d.kind, d.id))
    return comparison


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


# -- does it need a decision? --------------------------------------------------------------------

@dataclass
class Verdict:
    required: bool
    reasons: list


def verdict(comparison: Comparison) -> Verdict:
    """Whether the change needs a decision by OSO, and why (Norwegian sentences)."""
    yes: list = []
    adopted_users: dict = {}
    for repo in (comparison.base, comparison.head):
        for entry in repo.entries:
            if entry.kind in PROCEDURE_KINDS and entry.data.get("status") == "adopted":
                for step in _list(entry.data.get("steps")):
                    if isinstance(step, dict) and step.get("message_type"):
                        adopted_users.setdefault(step["message_type"], set()).add(entry.data.get("title") or entry.id)
    for doc in comparison.docs:
        b, a = (doc.before.data if doc.before else {}), (doc.after.data if doc.after else {})
        name = q(doc.title, 120)
        if doc.kind in PROCEDURE_KINDS:
            if b.get("status") == "adopted" and doc.status == "removed":
                yes.append(S("Den vedtatte prosedyren ", name, " fjernes."))
            elif b.get("status") == "adopted" and a.get("status") == "repealed":
                yes.append(S("Den vedtatte prosedyren ", name, " oppheves."))
            elif b.get("status") == "adopted" and doc.status == "renamed":
                yes.append(S("Den vedtatte prosedyren ", name, " får ny id (", c(doc.old_id), " → ", c(doc.id), ")."))
            elif b.get("status") == "adopted" and doc.content_changes:
                yes.append(S("Innholdet i den vedtatte prosedyren ", name, " endres; den nye versjonen må vedtas."))
            elif (b.get("status") == "adopted" and a.get("status") in ("draft", "submitted")
                  and b.get("version") == a.get("version")):
                yes.append(S("Den vedtatte prosedyren ", name, " settes tilbake til ", STATUS_NB.get(a["status"], "?"),
                             " uten ny versjon. Bare et vedtak i OSO kan oppheve en vedtatt versjon; til det "
                             "foreligger, gjelder den (se Funn)."))
            elif a.get("status") == "adopted" and b.get("status") != "adopted" and doc.content_changes:
                yes.append(S(name, " registreres som vedtatt, og innholdet endres i samme endring; OSO vedtok "
                             "teksten som lå til behandling (se Funn)."))
            elif a.get("status") == "adopted" and b.get("status") != "adopted":
                yes.append(S(name, " registreres som vedtatt; det må bygge på et vedtak i OSO."))
            if (b.get("status") == "adopted" and a.get("status") == "adopted"
                    and a.get("decision") == b.get("decision")):
                for key, label in (("effective", "Startdatoen (gjelder fra)"), ("review_by", "Revisjonsdatoen")):
                    if b.get(key) != a.get(key):
                        yes.append(S(label, " for den vedtatte prosedyren ", name, " endres fra ",
                                     p(b.get(key) or "ingen"), " til ", p(a.get(key) or "ingen"),
                                     "; datoen er en del av vedtaket."))
        elif doc.kind == "setting":
            if a.get("status") == "adopted" and b.get("status") != "adopted":
                yes.append(S("Innstillingen ", name, " registreres som vedtatt; det må bygge på et vedtak i OSO."))
            elif b.get("status") == "adopted" and doc.changes:
                yes.append(S("Den vedtatte innstillingen ", name, " endres."))
        elif doc.kind == "decision":
            verb = {"added": " registreres", "removed": " fjernes", "renamed": " får ny id"}.get(doc.status, " endres")
            yes.append(S("Vedtaket ", c(doc.id), verb, "; vedtaksprotokollen må stemme med møteboken til OSO."))
        elif doc.kind == "agreement":
            if doc.status == "added":
                yes.append(S("Avtalens forpliktelser registreres; de må stemme med avtalen partene har signert."))
            elif any(ch.level >= MEDIUM for ch in doc.changes):
                yes.append(S("Avtalens forpliktelser eller vedtaksorgan endres."))
        elif doc.kind == "message-type":
            users = sorted(adopted_users.get(doc.id, set()) | adopted_users.get(doc.old_id or "", set()))
            if users and any(ch.level >= MEDIUM for ch in doc.changes):
                yes.append(S("Meldingstypen ", name, " endres, og den brukes i den vedtatte prosedyren ",
                             join([q(u, 120) for u in users]), "."))
    yes += _party_reasons(comparison)
    if yes:
        return Verdict(True, yes)
    no: list = []
    if comparison.empty:
        no.append(S("Ingen innholdsmessige endringer."))
    else:
        kinds = {d.kind for d in comparison.docs}
        repealed = [d for d in comparison.of(*PROCEDURE_KINDS) if d.before and d.before.data.get("status") == "repealed"]
        for doc in repealed:
            no.append(S("Prosedyren ", q(doc.title, 120), " er opphevet; en endring i den er en feil (se Funn), "
                        "ikke noe OSO skal vedta."))
        if any(d not in repealed for d in comparison.of(*PROCEDURE_KINDS)):
            no.append(S("Endringene gjelder bare prosedyrer som ikke er vedtatt (utkast eller til behandling); "
                        "OSO tar stilling når de legges fram for vedtak."))
        if kinds & {"setting"}:
            no.append(S("Innstillingene som endres, er ikke vedtatt ennå."))
        if "message-type" in kinds:
            no.append(S("Meldingskatalogen endres, men ingen vedtatt prosedyre bruker de endrede meldingstypene."))
        if "party" in kinds:
            no.append(S("Partsopplysninger forvaltes av partene selv og krever ikke vedtak i OSO; ingen part "
                        "legges til eller fjernes."))
        if "agreement" in kinds:
            no.append(S("Endringene i avtalen er redaksjonelle."))
    return Verdict(False, no)


def _party_name_s(entry: Entry) -> S:
    name = entry.data.get("name")
    return S(q(name, 120), " (", c(entry.id), ")") if isinstance(name, str) else S(c(entry.id))


def _party_reasons(comparison: Comparison) -> list:
    """A party added, removed or renumbered changes whom the agreement binds; a merger is
    recognised from the new kommune's `previous_numbers`."""
    added = [d for d in comparison.of("party") if d.status in ("added", "renamed") and d.after]
    removed = {d.before.id: d.before for d in comparison.of("party") if d.status == "removed" and d.before}
    old_of = {d.old_id: d.before for d in added if d.status == "renamed" and d.old_id and d.before}
    out, explained = [], set()
    for doc in added:
        previous = [n for n in _list(doc.after.data.get("previous_numbers")) if isinstance(n, str)]
        merged = [n for n in previous if n in removed or n in old_of]
        if merged:
            explained |= set(merged)
            olds = join([_party_name_s(removed.get(n) or old_of[n]) for n in merged])
            out.append(S("Kommunesammenslåing: ", olds, " blir ", _party_name_s(doc.after),
                         " (kjent igjen på tidligere kommunenummer). Det endrer hvem avtalen binder."))
        elif doc.status == "renamed":
            explained.add(doc.old_id)
            out.append(S("Parten ", c(doc.old_id), " får nytt nummer ", _party_name_s(doc.after),
                         ". Det endrer hvem avtalen binder."))
        else:
            out.append(S(_party_name_s(doc.after), " blir part i avtalen. Det endrer hvem avtalen binder."))
    for number, entry in removed.items():
        if number not in explained:
            out.append(S(_party_name_s(entry), " er ikke lenger part i avtalen. Det endrer hvem avtalen binder."))
    return out
