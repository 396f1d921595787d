"""Describers for the message catalogue (meldingstyper): directions, answers, deadlines by
regulation, status under the regulation."""

from __future__ import annotations

from ...model.vocabulary import ADDRESS_NB, REGULATION_NB
from ...rules.graph import duration_nb
from ..changes import Change, EDITORIAL, MAJOR, MEDIUM, PARTY_ROLE_NB
from ..context import Ctx, _dict, _list, text_change, value_phrase
from ..sentence import join, p, q, S
from ..structure import canon, path_text
from .common import collection, scalar, _source_of, text_field, _text_of, _whole


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
