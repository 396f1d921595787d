"""Describers for decision records (vedtak): meeting, case number, what they adopt."""

from __future__ import annotations

from ..changes import EDITORIAL, MAJOR
from ..context import _dict, _index
from ..sentence import c, p, q, S
from .common import collection, scalar, _setting_of, _source_of, text_field


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
