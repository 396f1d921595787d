"""Describers for procedures (meldingskjeder and rutiner): steps added, removed, rerouted,
their deadlines, branches, message types, endpoints, roles, pathways and what they fulfil."""

from __future__ import annotations

from ...model.vocabulary import ADDRESS_NB
from ...rules.graph import CATEGORY_NB, duration_nb, STEP_NB
from ..changes import Change, EDITORIAL, MAJOR, MEDIUM, PARTY_ROLE_NB
from ..context import Ctx, deadline_phrase, _dict, endpoint, _list, text_change
from ..sentence import c, join, p, q, S
from ..structure import canon, Item, path_text
from .common import (_capital, collection, contact_changes, decision_ref, _generic, scalar, _setting_of, _sid,
    _source_of, status_change, text_field, _text_of, _title_of, version_change, _whole)


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
