"""One sentence for a whole document that is added or removed, per document kind."""

from __future__ import annotations

from ...model.repository import Entry
from ...model.vocabulary import PROCEDURE_KINDS, STATUS_NB
from ...rules.graph import duration_nb
from ..changes import KIND_NB, PARTY_ROLE_NB
from ..context import Ctx, _index, _list
from ..sentence import cap, join, p, q, S


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
