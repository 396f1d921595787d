"""The structural differ: walks two documents and yields the leaves that differ, knowing which
lists are sets and which are keyed (steps by id, sources by url, ...). Whitespace inside text,
key order and the order of set-like lists are not content."""

from __future__ import annotations

from dataclasses import dataclass



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
