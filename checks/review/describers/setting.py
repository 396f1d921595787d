"""Describers for settings (innstillinger): proposed and adopted values, status, decision."""

from __future__ import annotations

from ...rules.graph import duration_nb
from ..changes import Change, EDITORIAL, MAJOR, MEDIUM
from ..context import Ctx
from ..sentence import cap, p, q, S
from .common import collection, decision_ref, scalar, _source_of, status_change, text_field, _text_of


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
