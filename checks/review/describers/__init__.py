"""Describers: from the leaves that differ in one document pair to Norwegian `Change`s.

Each document kind has its own module with a rule table (`RULES`): a path pattern and the
describer that claims the leaves under it. Whatever no describer claims gets a sentence from
the generic describer (`common._generic`), so no difference goes unreported."""

from __future__ import annotations

from ..context import Ctx
from .agreement import _rules_agreement
from .common import _generic, _merge
from .decision import _rules_decision
from .message_type import _rules_message_type
from .party import _rules_party
from .procedure import _rules_procedure
from .setting import _rules_setting


RULES = {
    "chain": _rules_procedure(), "routine": _rules_procedure(), "message-type": _rules_message_type(),
    "party": _rules_party(), "setting": _rules_setting(), "decision": _rules_decision(),
    "agreement": _rules_agreement(),
}


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
