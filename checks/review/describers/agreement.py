"""Describers for the agreement: obligations, approving body, legal basis."""

from __future__ import annotations

from ...rules.graph import CATEGORY_NB
from ..changes import Change, EDITORIAL, EVIDENCE_NB, MAJOR, MEDIUM
from ..context import Ctx, _dict, text_change, value_phrase
from ..sentence import c, p, q, S
from ..structure import path_text
from .common import collection, _field_title, scalar, _source_of, text_field, _whole


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
