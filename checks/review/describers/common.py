"""Describer building blocks every document kind uses: a scalar that changed, a list that
gained or lost items, a text field, contact points, status/version/decision references, and
the generic describer that gives any unclaimed difference a sentence from the schema's title."""

from __future__ import annotations

import json
from functools import lru_cache

from ...model.vocabulary import PROCEDURE_KINDS, STATUS_NB
from ..changes import Change, CONTACT_FIELD_NB, EDITORIAL, MAJOR, MEDIUM
from ..context import Ctx, _dict, _index, _list, text_change, value_phrase
from ..sentence import c, cap, join, p, q, S, Val
from ..structure import canon, Item, Leaf, LIST_KEYS, path_text


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


@lru_cache(maxsize=None)
def _schema_raw() -> dict:
    from ...model.repository import PACKAGE_SCHEMAS
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
