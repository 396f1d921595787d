"""Describers for parties (kommuner and UNN): service addresses, HER-id, contacts, numbers."""

from __future__ import annotations

from ...model.vocabulary import ADDRESS_NB
from ..changes import Change, EDITORIAL, MAJOR, MEDIUM
from ..context import Ctx, _dict, value_phrase
from ..sentence import p, q, S
from ..structure import path_text
from .common import collection, contact_changes, scalar, _source_of, text_field, _text_of, _whole


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
