"""The view model: what each staff page needs, already resolved, for the templates.

Built from the checked repository through its `Index` (`ctx`: the procedures in order, the
graphs, settings, message types, routines, decisions, parties, obligations, what refers to
what, and `link`, the relative address of one page from another). Values are plain text,
numbers, flags, lists and dicts, never markup: the templates escape and format them (a
deadline, a badge, a source link are partials). The golden tests in tests/test_site.py
compare these dicts, not the HTML.

- `step_view`: one step as staff read it: who, what, from which address to which, the
  deadline with its value, the settings it uses with their values, whom to contact, what
  comes next.
- `situation_view`, `role_view`, `front_view`: the «Hva gjør jeg når …» pages, the page
  per role and the front page.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re

from ..model import marks
from ..model.vocabulary import ADDRESS_NB, PARTY_FIELD_NB, REGULATION_NB, STATUS_NB
from ..model.lifecycle import lifecycles
from ..model.procgraph import build
from ..review.revision import pending_changes, summary_nb
from ..rules import paths
from ..model.findings import RULES, SEVERITY_NB
from ..rules.content import missing_party_data, required_party_fields
from ..rules.graph import CATEGORY_NB, STEP_NB, coverage_matrix, duration_nb
from . import diagram, schemadoc
from .text import (CATEGORY_ORDER, EVIDENCE_NB, FAMILY_NB, KIND_TITLE, PARTY_NB, ROLE_PARTY_NB, SETTING_STATUS_NB, SOURCE_STATUS_NB, STATUS_TITLE,
                   decision_anchor, mtype_anchor, obligation_anchor, print_anchor,
                   rule_anchor, setting_anchor, step_anchor)
from .text import date_nb as date_text
from .text import slug as _slug
from .text import sort_key_nb

WALK_LIMIT = 8
SHOWN_TYPES = ("action", "message", "decision", "event", "subprocess")


def situation_page(sid: str) -> str:
    return f"situasjoner/{sid}.md"


def role_page(rid: str) -> str:
    return f"roller/{rid}.md"


def status_view(entry) -> dict:
    status = entry.data.get("status") or ""
    return {
        "status": status,
        "word": STATUS_NB.get(status, status or "ukjent"),
        "label": STATUS_TITLE.get(status, "Ukjent status") + (" – ikke vedtatt" if status in ("draft", "submitted") else ""),
        "in_force": status == "adopted",
        "version": entry.data.get("version") or "",
    }


def endpoint_text(endpoint: dict | None, substitutions: dict | None = None) -> str:
    if not isinstance(endpoint, dict):
        return ""
    address = endpoint.get("address")
    address = (substitutions or {}).get(address, address)
    return f"{PARTY_NB.get(endpoint.get('party'), endpoint.get('party'))}: {ADDRESS_NB.get(address, address)}"


def contact_view(contact: dict) -> dict:
    phone = contact.get("phone") or ""
    return {
        "title": contact.get("title") or "",
        "phone": phone,
        "tel": re.sub(r"[^0-9+]", "", phone),
        "email": contact.get("email") or "",
        "hours": contact.get("hours") or "",
        "note": contact.get("note") or "",
    }


@functools.lru_cache(maxsize=8192)
def _relpath(target: str, start: str) -> str:
    return posixpath.relpath(target, start)


class Index:
    """The checked repository indexed for the pages: procedures in their order, message
    types, settings, decisions, parties, the agreement's obligations and what refers to
    what. Pure data; the view models below read it."""

    def __init__(self, repo, findings: list, last_changed: dict | None = None, history: list | None = None):
        self.repo = repo
        self.findings = sorted(findings)
        self.agreement = repo.agreement
        self.body = "OSO"
        if self.agreement is not None:
            self.body = (self.agreement.data.get("approving_body") or {}).get("short_name") or "OSO"
        self.chains = sorted(repo.of("chain"), key=lambda e: e.id)
        self.routines = sorted(repo.of("routine"), key=lambda e: (
            CATEGORY_ORDER.index(e.data.get("category")) if e.data.get("category") in CATEGORY_ORDER
            else len(CATEGORY_ORDER), e.id))
        self.procedures = self.chains + self.routines
        self.message_types = {e.id: e for e in sorted(repo.of("message-type"), key=lambda e: e.id)}
        self.settings = {e.id: e for e in sorted(repo.of("setting"), key=lambda e: e.id)}
        self.decisions = {e.id: e for e in sorted(repo.of("decision"), key=lambda e: e.id)}
        self.routine_ids = {e.id: e for e in self.routines}
        self.parties = sorted(repo.of("party"), key=lambda e: (
            0 if e.data.get("role") == "health-trust" else 1,
            sort_key_nb(e.data.get("short_name") or e.data.get("name") or e.id)))
        self.obligations = [o for o in (self.agreement.data.get("obligations", []) if self.agreement else [])
                            if isinstance(o, dict)]
        self.obligation_by_id = {o.get("id"): o for o in self.obligations}
        self.coverage = coverage_matrix(repo)
        self.required_fields = required_party_fields(repo)
        self.graphs = {e.id: build(e) for e in self.procedures}
        self.uses = self._reverse_index()
        self.last_changed = dict(last_changed or {})
        self.history = list(history or [])

    @staticmethod
    def procedure_path(entry) -> str:
        return f"kjeder/{entry.id}.md" if entry.kind == "chain" else f"rutiner/{entry.id}.md"

    @staticmethod
    def link(here: str, target: str, anchor: str | None = None) -> str:
        """The relative address of `target` (a page path) from the page `here`."""
        rel = _relpath(target, posixpath.dirname(here) or ".")
        return rel + (f"#{anchor}" if anchor else "")

    @staticmethod
    def party_name(party) -> str:
        return party.data.get("short_name") or party.data.get("name") or party.id

    def _reverse_index(self) -> dict:
        """What refers to message types, settings and routines: (kind, id) -> [(entry, step id|None, how)]."""
        uses: dict = {}

        def add(key, entry, sid, how):
            uses.setdefault(key, []).append((entry, sid, how))

        for entry in self.procedures:
            for sid in entry.data.get("settings", []) or []:
                add(("setting", sid), entry, None, "settings")
            for step in entry.data.get("steps", []) or []:
                sid = step.get("id")
                if step.get("message_type"):
                    add(("message-type", step["message_type"]), entry, sid, "message")
                for key in ("apprec", "misdirected"):
                    target = (step.get("on_failure") or {}).get(key)
                    if target:
                        add(("routine", target), entry, sid, key)
                if step.get("procedure"):
                    add(("routine", step["procedure"]), entry, sid, "subprocess")
                for setting in step.get("settings", []) or []:
                    add(("setting", setting), entry, sid, "settings")
                for holder, how in ((step.get("deadline") or {}, "deadline"), (step.get("escalation") or {}, "escalation")):
                    if holder.get("setting"):
                        add(("setting", holder["setting"]), entry, sid, how)
        for decision in self.decisions.values():
            for sid in decision.data.get("settings", []) or []:
                add(("setting", sid), decision, None, "decision")
        return uses


class Views:
    """View models for the pages, over the repository's `Index`."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.situations = sorted(ctx.repo.of("situation"), key=lambda e: (e.data.get("order", 99), e.id))
        self.roles = sorted(ctx.repo.of("role"), key=lambda e: (e.data.get("order", 99), e.id))
        self.procedures = {e.id: e for e in ctx.procedures}
        # versions in force, pending revisions and history (checks/model/lifecycle.py)
        self.lifecycles = lifecycles(ctx.repo)
        self._revision_cache: dict = {}
        self._graphs: dict = {}
        # path obligations (checks/rules/paths.py): shown on each procedure's page
        self.path_results = paths.results(ctx.repo)
        self.path_kind_nb = dict(paths.KIND_NB)

    # -- versions ---------------------------------------------------------------------------

    def graph(self, entry):
        """The procedure graph of an entry: the checked one for the working tree, built on
        demand for a version read from git (the version in force)."""
        pg = self.ctx.graphs.get(entry.id)
        if pg is not None and pg.entry is entry:
            return pg
        key = id(entry)
        if key not in self._graphs:
            self._graphs[key] = (entry, build(entry))
        return self._graphs[key][1]

    def shown_entry(self, entry):
        """What a procedure's page shows: the version in force when one is, and its text could
        be read; otherwise the file as it is (with its «ikke vedtatt» banner)."""
        lc = self.lifecycles.get(entry.id)
        if lc is not None and lc.in_force is not None and lc.in_force.entry is not None:
            return lc.in_force.entry
        return entry

    def lifecycle_view(self, here: str, entry) -> dict | None:
        lc = self.lifecycles.get(entry.id)
        if lc is None:
            return None
        ctx = self.ctx

        def decision(ref):
            if ref is None:
                return None
            return {"id": ref.id, "case": ref.case_number or "", "date": ref.meeting_date or "",
                    "body": ref.body or ctx.body, "href": ctx.link(here, "vedtak.md", f"vedtak-{_slug(ref.id)}")}

        def in_force(value):
            if value is None:
                return None
            return {"version": value.version, "decision": decision(value.decision), "valid_from": value.valid_from or "",
                    "commit": (value.commit or "")[:10], "missing": value.source == "missing"}

        pending = None
        if lc.pending is not None and lc.in_force is not None:
            changes = pending_changes(lc, ctx.repo, self._revision_cache)
            pending = {"version": lc.pending.version or "", "status": lc.pending.status_nb,
                       "summary": summary_nb(changes) if changes is not None else "",
                       "changes": [c.text for c in changes or []]}
        history = [{"action": "vedtatt" if e.action == "adopted" else "opphevet", "version": e.version or "",
                    "decision": decision(e.decision), "valid_from": e.valid_from or "", "valid_until": e.valid_until or ""}
                   for e in lc.history]
        return {"state": lc.state, "in_force": in_force(lc.in_force), "upcoming": in_force(lc.upcoming),
                "pending": pending, "repealed": decision(lc.repealed), "history": history}

    # -- steps ------------------------------------------------------------------------------

    def setting_view(self, here: str, sid: str) -> dict:
        """A setting with its value split for display: the amount («4 timer») and its state
        («foreslått, ikke vedtatt»), so a page can say «over 4 timer (foreslått, ikke vedtatt)»."""
        setting = self.ctx.settings.get(sid)
        if setting is None:
            return {"title": sid, "amount": "", "state": "ikke registrert", "href": None, "adopted": False,
                    "value_state": "unknown"}
        data = setting.data

        def show(value):
            return duration_nb(value) if data.get("kind") == "duration" else " ".join(str(value).split())

        if data.get("status") == "adopted" and data.get("value"):
            amount, state, value_state = show(data["value"]), "vedtatt", "adopted"
        elif data.get("proposed"):
            amount, state, value_state = show(data["proposed"]), "foreslått, ikke vedtatt", "proposed"
        else:
            amount, state, value_state = "", "ikke fastsatt", "none"
        return {"title": data.get("title") or sid, "amount": amount, "state": state,
                "href": self.ctx.link(here, "innstillinger.md", f"innstilling-{_slug(sid)}"),
                "adopted": data.get("status") == "adopted", "value_state": value_state}

    def step_ref(self, here: str, entry, sid: str, shown: set | None = None) -> dict | None:
        """A reference to another step: its number, title and where it is (on this page when
        it is shown here, else on the procedure's page)."""
        pg = self.graph(entry)
        if sid not in pg.steps:
            return None
        index, step = pg.steps[sid]
        if shown is not None and sid in shown:
            href = f"#{step_anchor(sid)}"
        else:
            href = self.ctx.link(here, self.ctx.procedure_path(entry), step_anchor(sid))
        return {"number": index + 1, "title": step.get("title") or sid, "href": href}

    def deadline(self, here: str, entry, deadline: dict, shown: set | None = None,
                 step: dict | None = None) -> dict | None:
        """A step's deadline (partials/macros.md.j2 `deadline`): same day as, within a duration
        of, or within a setting's value of the step it counts from (`since`, a step reference,
        or None and `from` when that step is unknown); where the deadline comes from
        (`origin`: forskrift, anbefalt standard, ...) and a mark on its value."""
        if not deadline:
            return None
        view = {"since": self.step_ref(here, entry, deadline.get("from"), shown), "from": _one_line(deadline.get("from")),
                "same_day": False, "within": "", "setting": None, "origin": "", "mark": None}
        if deadline.get("same_day"):
            view["same_day"] = True
        elif deadline.get("within"):
            view["within"] = duration_nb(deadline["within"])
        elif deadline.get("setting"):
            view["setting"] = self.setting_view(here, deadline["setting"])
        else:
            return None
        origin = marks.deadline_origin(deadline)
        if origin:
            view["origin"] = marks.DEADLINE_ORIGIN_NB[origin]
        mark = marks.fact_mark(step if step is not None else {"deadline": deadline}, "deadline")
        if mark:  # the mark sits on the deadline's value, not on the step
            view["mark"] = mark_view(mark)
        return view

    def deadline_short(self, entry, deadline: dict) -> dict | None:
        """A deadline in a few words, with its value (partials/macros.md.j2 `deadline_short`):
        «**samme dag** som «Pasienten er vurdert utskrivningsklar»», «**innen 24 timer** etter …»."""
        if not deadline:
            return None
        start = self.graph(entry).steps.get(deadline.get("from"))
        view = {"since": _one_line((start[1].get("title") if start else None) or deadline.get("from")),
                "known": start is not None, "same_day": False, "within": "", "setting": None}
        if deadline.get("same_day"):
            view["same_day"] = True
        elif deadline.get("within"):
            view["within"] = duration_nb(deadline["within"])
        elif deadline.get("setting"):
            view["setting"] = self.setting_view("", deadline["setting"])
        else:
            return None
        return view

    def step_view(self, here: str, entry, sid: str, shown: set | None = None) -> dict:
        ctx = self.ctx
        pg = self.graph(entry)
        index, step = pg.steps[sid]
        kind = step.get("type")
        roles = {r.get("id"): r for r in entry.data.get("roles") or []}
        actor = step.get("actor")
        if entry.kind == "chain":
            who = PARTY_NB.get(actor, actor) if actor else ""
        else:
            who = (roles.get(actor) or {}).get("title") or actor or ""
        view = {
            "id": sid, "number": index + 1, "anchor": step_anchor(sid), "title": step.get("title") or sid,
            "type": kind, "type_nb": STEP_NB.get(kind, kind or ""), "who": who,
            "description": " ".join(str(step.get("description") or "").split()),
            "message": None, "sender": "", "receiver": "", "alternatives": [], "deadline": None,
            "settings": [], "escalation": None, "contacts": [], "branches": [], "default": None,
            "next": None, "procedure": None, "answers": None,
            "unconfirmed": bool(step.get("unconfirmed")),
            "end": kind == "end",
        }
        if kind == "message":
            mtype = ctx.message_types.get(step.get("message_type"))
            view["message"] = {"name": (mtype.data.get("name") if mtype else None) or step.get("message_type"),
                               "href": ctx.link(here, "meldingstyper.md", f"meldingstype-{_slug(step.get('message_type'))}")}
            view["sender"] = endpoint_text(step.get("from"))
            view["receiver"] = endpoint_text(step.get("to"))
            for pathway in entry.data.get("pathways") or []:
                subs = {s.get("address"): s.get("with") for s in pathway.get("substitutions") or []}
                sender, receiver = endpoint_text(step.get("from"), subs), endpoint_text(step.get("to"), subs)
                if subs and receiver != view["receiver"]:
                    view["alternatives"].append({"pathway": pathway.get("title") or "", "sender": sender,
                                                 "receiver": receiver})
        if step.get("answers"):
            view["answers"] = self.step_ref(here, entry, step["answers"], shown)
        view["deadline"] = self.deadline(here, entry, step.get("deadline") or {}, shown, step)
        view["marks"] = {fact: mark_view(mark) for fact, mark in (step.get("marks") or {}).items()
                         if fact in ("message_type", "from", "to", "actor") and mark.get("status") in marks.MARK_NB}
        view["deadline_short"] = self.deadline_short(entry, step.get("deadline") or {})
        used = list(step.get("settings") or [])
        escalation = step.get("escalation") or {}
        if escalation.get("setting"):
            used.append(escalation["setting"])
        if escalation:
            role = roles.get(escalation.get("to"))
            view["escalation"] = {
                "to": _one_line((role or {}).get("title") or escalation.get("to")),
                "after": duration_nb(escalation["after"]) if escalation.get("after") else "",
                "setting": self.setting_view(here, escalation["setting"]) if escalation.get("setting") else None}
        # Every setting the step uses (for the page's key values); `inline`: not already said
        # in the escalation line.
        view["settings"] = [{**self.setting_view(here, s), "inline": s != escalation.get("setting")}
                            for s in dict.fromkeys(used)]
        view["contacts"] = [contact_view(c) for c in step.get("contacts") or [] if isinstance(c, dict)]
        for branch in step.get("branches") or []:
            view["branches"].append({"condition": branch.get("condition") or "",
                                     "target": self.step_ref(here, entry, branch.get("next"), shown)})
        if step.get("default"):
            view["default"] = self.step_ref(here, entry, step["default"], shown)
        # A default that is one of the branches needs no «Ellers» line of its own.
        view["default_is_branch"] = step.get("default") in [b.get("next") for b in step.get("branches") or []]
        if step.get("next"):
            view["next"] = self.step_ref(here, entry, step["next"], shown)
        if step.get("procedure"):
            target = ctx.routine_ids.get(step["procedure"])
            if target is not None:
                view["procedure"] = {"title": target.data.get("title") or target.id,
                                     "href": ctx.link(here, ctx.procedure_path(target))}
        return view

    # -- situations -------------------------------------------------------------------------

    def situation_steps(self, situation) -> list[str]:
        """The steps a situation's page shows: the listed ones, or the walk from its entry
        along the default way (start and end left out)."""
        proc = self.procedures.get(situation.data.get("procedure"))
        if proc is None:
            return []
        pg = self.graph(proc)
        listed = situation.data.get("steps")
        if listed:
            return [s for s in listed if s in pg.steps]
        out, sid, seen = [], situation.data.get("entry"), set()
        while sid in pg.steps and sid not in seen and len(out) < WALK_LIMIT:
            seen.add(sid)
            step = pg.steps[sid][1]
            if step.get("type") in SHOWN_TYPES:
                out.append(sid)
            sid = step.get("next") or step.get("default")
        return out

    def situation_view(self, situation) -> dict:
        here = situation_page(situation.id)
        ctx = self.ctx
        data = situation.data
        proc = self.procedures.get(data.get("procedure"))
        steps = self.situation_steps(situation)
        shown = set(steps)
        views = [self.step_view(here, proc, s, shown) for s in steps] if proc else []
        contacts, seen = [], set()
        for view in views:
            for contact in view["contacts"]:
                key = (contact["title"], contact["phone"], contact["email"])
                if key not in seen:
                    seen.add(key)
                    contacts.append(contact)
        if proc is not None:
            for contact in proc.data.get("contacts") or []:
                view = contact_view(contact)
                key = (view["title"], view["phone"], view["email"])
                if key not in seen:
                    seen.add(key)
                    contacts.append(view)
        facts, seen_settings = [], set()
        for view in views:
            if view["deadline_short"]:
                facts.append({"label": view["title"], "number": view["number"], "href": f"#{view['anchor']}",
                              "deadline": view["deadline_short"], "setting": None,
                              "to": view["receiver"], "alternatives": view["alternatives"]})
            for setting in view["settings"]:
                if setting["title"] not in seen_settings:
                    seen_settings.add(setting["title"])
                    facts.append({"label": setting["title"], "number": None, "href": setting["href"],
                                  "deadline": None, "setting": setting, "to": "", "alternatives": []})
        related = []
        for rid in data.get("related") or []:
            other = self.procedures.get(rid)
            if other is not None:
                related.append({"title": other.data.get("title") or rid,
                                "href": ctx.link(here, ctx.procedure_path(other)), **status_view(other)})
        roles = [{"title": r.data.get("title"), "href": ctx.link(here, role_page(r.id))}
                 for r in self.roles if situation.id in (r.data.get("situations") or [])]
        return {
            "id": situation.id,
            "title": data.get("title") or situation.id,
            "question": data.get("question") or data.get("title") or situation.id,
            "keywords": list(data.get("keywords") or []),
            "procedure": ({"title": proc.data.get("title") or proc.id, "href": ctx.link(here, ctx.procedure_path(proc)),
                           "kind": "meldingskjede" if proc.kind == "chain" else "rutine",
                           "category": CATEGORY_NB.get(proc.data.get("category"), ""),
                           **status_view(proc)} if proc else None),
            "steps": views,
            "facts": facts,
            "contacts": contacts,
            "contacts_page": ctx.link(here, "kontakter.md"),
            "related": related,
            "roles": roles,
            "body": ctx.body,
        }

    # -- roles ------------------------------------------------------------------------------

    def role_view(self, role) -> dict:
        here = role_page(role.id)
        ctx = self.ctx
        data = role.data
        by_id = {s.id: s for s in self.situations}
        situations = [{"title": by_id[s].data.get("title"), "question": by_id[s].data.get("question"),
                       "href": ctx.link(here, situation_page(s))}
                      for s in data.get("situations") or [] if s in by_id]
        addresses = set(data.get("addresses") or [])
        messages = []
        for chain in ctx.chains:
            pg = self.graph(chain)
            subs_all = [{}] + [{s.get("address"): s.get("with") for s in p.get("substitutions") or []}
                               for p in chain.data.get("pathways") or []]
            for sid in sorted(pg.steps, key=lambda s: pg.steps[s][0]):
                step = pg.steps[sid][1]
                if step.get("type") != "message":
                    continue
                frm, to = step.get("from") or {}, step.get("to") or {}

                def mine(endpoint):
                    return any(subs.get(endpoint.get("address"), endpoint.get("address")) in addresses
                               for subs in subs_all)

                if mine(frm) or mine(to):
                    view = self.step_view(here, chain, sid)
                    view["direction"] = "send" if mine(frm) else "receive"
                    view["chain"] = {"title": chain.data.get("title"), "href": ctx.link(here, ctx.procedure_path(chain))}
                    messages.append(view)
        tasks = []
        wanted = set(data.get("routine_roles") or [])
        for routine in ctx.routines:
            pg = self.graph(routine)
            steps = [self.step_view(here, routine, sid) for sid in sorted(pg.steps, key=lambda s: pg.steps[s][0])
                     if pg.steps[sid][1].get("actor") in wanted]
            for step in steps:  # several routines on one page: anchors by routine and step
                step["anchor"] = f"steg-{routine.id}-{step['id']}"
            if steps:
                tasks.append({"title": routine.data.get("title") or routine.id,
                              "href": ctx.link(here, ctx.procedure_path(routine)), "steps": steps,
                              **status_view(routine)})
        return {"id": role.id, "title": data.get("title") or role.id, "party": data.get("party"),
                "situations": situations, "messages": messages, "tasks": tasks,
                "addresses": [ADDRESS_NB.get(a, a) for a in data.get("addresses") or []]}

    # -- the front page ---------------------------------------------------------------------

    def front_view(self, here: str) -> dict:
        ctx = self.ctx
        return {
            "situations": [{"title": s.data.get("title"), "href": ctx.link(here, situation_page(s.id))}
                           for s in self.situations],
            "roles": [{"title": r.data.get("title"), "href": ctx.link(here, role_page(r.id))} for r in self.roles],
            "chains": [{"title": e.data.get("title"), "href": ctx.link(here, ctx.procedure_path(e)), **status_view(e)}
                       for e in ctx.chains],
            "routines": [{"title": e.data.get("title"), "href": ctx.link(here, ctx.procedure_path(e)),
                          "category": CATEGORY_NB.get(e.data.get("category"), ""), **status_view(e)}
                         for e in ctx.routines],
            "none_adopted": not any(e.data.get("status") == "adopted" for e in ctx.procedures),
            "body": ctx.body,
            "links": {"print": ctx.link(here, "utskrift.md"), "contacts": ctx.link(here, "kontakter.md"),
                      "status": ctx.link(here, "status.md"), "catalogue": ctx.link(here, "meldingstyper.md"),
                      "parties": ctx.link(here, "parter/index.md")},
        }


    # -- contacts ---------------------------------------------------------------------------

    def contacts_view(self, here: str) -> dict:
        """Whom to reach when messages stop: the contact points of the routines, and each
        party's message-responsible address and downtime contact where registered; the
        parties that have not registered them are named once."""
        ctx = self.ctx
        routine_contacts: dict = {}
        for entry in ctx.routines:
            found = list(entry.data.get("contacts") or [])
            for step in entry.data.get("steps") or []:
                found += [c for c in step.get("contacts") or [] if isinstance(c, dict)]
            for contact in found:
                view = contact_view(contact)
                key = (view["title"], view["phone"], view["email"])
                item = routine_contacts.setdefault(key, {**view, "procedures": []})
                ref = {"title": entry.data.get("title") or entry.id, "href": ctx.link(here, ctx.procedure_path(entry))}
                if ref not in item["procedures"]:
                    item["procedures"].append(ref)
        parties, missing = [], {"message_responsible": [], "emergency_contact": []}
        for party in ctx.parties:
            name = ctx.party_name(party)
            row = {"name": name, "href": ctx.link(here, f"parter/{party.id}.md")}
            for key in missing:
                value = party.data.get(key)
                row[key] = contact_view(value) if isinstance(value, dict) else None
                if row[key] is None:
                    missing[key].append(name)
            if row["message_responsible"] or row["emergency_contact"]:
                parties.append(row)
        return {"routine_contacts": list(routine_contacts.values()), "parties": parties,
                "missing_message_responsible": missing["message_responsible"],
                "missing_emergency": missing["emergency_contact"], "party_count": len(ctx.parties),
                "parties_href": ctx.link(here, "parter/index.md")}

    # -- procedure pages --------------------------------------------------------------------

    def full_step_view(self, here: str, entry, sid: str) -> dict:
        """A step for its procedure's page: the stacked view plus the description, the rule a
        deadline implements, what is unconfirmed and the sources."""
        ctx = self.ctx
        view = self.step_view(here, entry, sid, shown=set(self.graph(entry).steps))
        step = self.graph(entry).steps[sid][1]
        deadline = step.get("deadline") or {}
        view["rule"] = source_view(deadline.get("rule"))
        view["rule_note"] = " ".join(str((deadline.get("rule") or {}).get("note") or "").split())
        view["deadline_note"] = " ".join(str(deadline.get("note") or "").split())
        view["unconfirmed_items"] = [" ".join(str(u).split()) for u in step.get("unconfirmed") or [] if u]
        view["not_found"] = [" ".join(str(u).split()) for u in step.get("not_found") or [] if u]
        view["fact_notes"] = [{"fact": marks.FACT_NB[fact].capitalize(), "mark": mark_view(mark),
                               "note": " ".join(str(mark.get("note") or "").split())}
                              for fact, mark in (step.get("marks") or {}).items()
                              if fact in marks.FACT_NB and mark.get("status") in marks.MARK_NB and mark.get("note")]
        ref = deadline.get("legal_reference")
        view["legal_reference"] = source_view(ref)
        view["legal_reference_note"] = " ".join(str((ref or {}).get("note") or "").split())
        off = deadline.get("off_hours") or {}
        view["off_hours"] = ({"weekends": " ".join(str(off.get("weekends_and_holidays") or "").split()),
                              "out_of_hours": " ".join(str(off.get("out_of_hours") or "").split()),
                              "mark": mark_view(off) if off.get("status") in marks.MARK_NB else None}
                             if off else None)
        view["sources"] = _sources(step.get("sources"))
        view["mtype_version"] = ""
        if step.get("type") == "message":
            mtype = ctx.message_types.get(step.get("message_type"))
            if mtype is not None:
                view["mtype_version"] = f"{mtype.data.get('standard')}, versjon {mtype.data.get('version')}"
        return view

    def obligations_view(self, here: str, entry) -> list[dict]:
        """The path obligations that apply to a procedure, each with whether it holds and, if
        not, the way through the procedure where it fails."""
        results = self.path_results.get(entry.id, [])
        out = []
        for result in results:
            if not getattr(result, "applies", True):
                continue
            constraint = result.constraint
            source = getattr(constraint, "source", None) or {}
            out.append({
                "title": constraint.title or constraint.id,
                "kind": self.path_kind_nb.get(constraint.kind, constraint.kind),
                "holds": bool(result.holds),
                "message": result.message or "",
                "source": source_view(source) if source else None,
                "way": [self.step_ref(here, entry, sid, set(self.graph(entry).steps))
                        for sid in result.counterexample or []] if not result.holds else [],
            })
        return out

    def banner_view(self, entry) -> dict:
        """The status box every procedure page starts with."""
        data = entry.data
        status = data.get("status") or ""
        decision = self.ctx.decisions.get(data.get("decision")) if data.get("decision") else None
        return {**status_view(entry), "version": data.get("version") or "?",
                "what": "meldingskjeden" if entry.kind == "chain" else "rutinen", "body": self.ctx.body,
                "decision": ({"case": decision.data.get("case_number") or "", "date": decision.data.get("meeting_date") or ""}
                             if decision else None),
                "effective": data.get("effective") or "", "review_by": data.get("review_by") or "",
                "label": STATUS_TITLE.get(status, "Ukjent status") + (" – ikke vedtatt" if status in ("draft", "submitted") else "")}

    def count_unconfirmed(self, entry) -> int:
        data = entry.data
        count = len(data.get("unconfirmed") or [])
        for step in data.get("steps", []) or []:
            count += len(step.get("unconfirmed") or [])
            count += sum(1 for m in marks.marked_facts(step).values() if m.get("status") == "unconfirmed")
            count += sum(1 for s in step.get("sources") or [] if s.get("status") == "unconfirmed")
        count += sum(1 for s in data.get("sources") or [] if s.get("status") == "unconfirmed")
        return count

    def procedure_settings(self, entry) -> list[str]:
        """Every setting a procedure uses, in first-use order."""
        found: list = list(entry.data.get("settings", []) or [])
        for step in entry.data.get("steps", []) or []:
            found += list(step.get("settings", []) or [])
            for holder in (step.get("deadline") or {}, step.get("escalation") or {}):
                if holder.get("setting"):
                    found.append(holder["setting"])
        return list(dict.fromkeys(found))

    def addressing_view(self, here: str, entry) -> dict | None:
        """A chain's pathways: what each one changes and every message's addresses in each."""
        pathways = [p for p in entry.data.get("pathways") or [] if isinstance(p, dict)]
        if not pathways:
            return None
        pg = self.graph(entry)
        subs = [{s.get("address"): s.get("with") for s in p.get("substitutions") or []} for p in pathways]
        rows = []
        for sid in sorted(pg.steps, key=lambda s: pg.steps[s][0]):
            step = pg.steps[sid][1]
            if step.get("type") != "message":
                continue
            rows.append({"number": pg.steps[sid][0] + 1, "message": self.mtype_ref(here, step.get("message_type")),
                         "cells": [{"sender": endpoint_text(step.get("from"), sub), "receiver": endpoint_text(step.get("to"), sub)}
                                   for sub in subs]})
        return {"pathways": [{"title": _one_line(p.get("title")), "description": _one_line(p.get("description")),
                              "substitutions": [{"address": ADDRESS_NB.get(s.get("address"), s.get("address")) or "",
                                                 "with": ADDRESS_NB.get(s.get("with"), s.get("with")) or ""}
                                                for s in p.get("substitutions") or []],
                              "sources": _sources(p.get("sources"))} for p in pathways],
                "rows": rows}

    def failure_view(self, here: str, entry) -> list[dict]:
        """Which routine follows a negative or missing receipt and a misdirected message,
        grouped: one group when every message of the chain has the same routines."""
        pg = self.graph(entry)
        groups: dict = {}
        for sid in sorted(pg.steps, key=lambda s: pg.steps[s][0]):
            step = pg.steps[sid][1]
            if step.get("type") != "message":
                continue
            failure = step.get("on_failure") or {}
            groups.setdefault((failure.get("apprec"), failure.get("misdirected")), []).append(sid)
        shown = set(pg.steps)
        return [{"steps": [self.step_ref(here, entry, s, shown) for s in sids],
                 "apprec": self.routine_ref(here, apprec), "misdirected": self.routine_ref(here, misdirected)}
                for (apprec, misdirected), sids in groups.items()]

    def used_by_view(self, here: str, entry) -> list[dict]:
        how_nb = {"apprec": "ved negativ eller manglende kvittering", "misdirected": "ved feilsendt melding",
                  "subprocess": "som delprosedyre"}
        grouped: dict = {}
        for user, sid, how in self.ctx.uses.get(("routine", entry.id), []):
            grouped.setdefault((user.id, how), (user, []))[1].append(sid)
        return [{"procedure": self.proc_ref(here, user), "how": how_nb.get(how, ""),
                 "steps": [self.step_link(here, user, s) for s in sids]}
                for (_, how), (user, sids) in sorted(grouped.items(), key=lambda item: item[0])]

    def sections_view(self, here: str, entry) -> dict:
        """The parts of a procedure page around its steps: status, facts, diagram, addressing,
        failures, roles, contacts, settings, obligations, who uses it, what is unconfirmed, sources."""
        ctx = self.ctx
        data = entry.data
        contacts = [c for c in data.get("contacts") or [] if isinstance(c, dict)]
        for step in data.get("steps", []) or []:
            for contact in step.get("contacts") or []:
                if isinstance(contact, dict) and contact not in contacts:
                    contacts.append(contact)
        settings = []
        for sid in self.procedure_settings(entry):
            setting = ctx.settings.get(sid)
            settings.append({**self.setting_view(here, sid), "ref": self.setting_ref(here, sid),
                             "status": SETTING_STATUS_NB.get(setting.data.get("status"), "") if setting else ""})
        diagram_kind = "sekvensdiagram" if entry.kind == "chain" else "flytskjema"
        return {
            "banner": self.banner_view(entry),
            "summary": paragraphs_view(data.get("summary")),
            "unconfirmed_count": self.count_unconfirmed(entry),
            "type": "meldingskjede" if entry.kind == "chain"
            else "rutine for " + _one_line(CATEGORY_NB.get(data.get("category"), data.get("category"))),
            "version": data.get("version") or "", "owner": _one_line(data.get("owner")),
            "decision": self.decision_ref(here, ctx.decisions.get(data.get("decision"))),
            "effective": data.get("effective") or "", "review_by": data.get("review_by") or "",
            "diagram": {"kind": diagram_kind, "shape": "sequence" if entry.kind == "chain" else "flowchart",
                        "label": f"{_sentence_case(diagram_kind)}: {_one_line(data.get('title') or entry.id)}",
                        "source": diagram.mermaid(entry, ctx.message_types)},
            "addressing": self.addressing_view(here, entry) if entry.kind == "chain" else None,
            "failures": self.failure_view(here, entry) if entry.kind == "chain" else [],
            "roles": [{"title": _one_line(r.get("title")), "party": ROLE_PARTY_NB.get(r.get("party"), r.get("party")) or "",
                       "description": _one_line(r.get("description"))}
                      for r in data.get("roles") or [] if isinstance(r, dict)] if entry.kind != "chain" else [],
            "contacts": [{**contact_view(c), "source": source_view(c.get("source"))} for c in contacts]
            if entry.kind != "chain" else [],
            "settings": settings,
            "fulfils": [{"id": oid, "href": ctx.link(here, "avtalen.md", obligation_anchor(oid)),
                         "clause": _one_line(ctx.obligation_by_id.get(oid, {}).get("clause")),
                         "summary": _one_line(ctx.obligation_by_id.get(oid, {}).get("summary"))}
                        for oid in data.get("fulfils") or []],
            "used_by": self.used_by_view(here, entry) if entry.kind == "routine" else [],
            "unconfirmed": _lines(data.get("unconfirmed")),
            "sources": _sources(data.get("sources")),
        }

    def procedure_view(self, entry) -> dict:
        """A chain's or routine's page: the version in force when there is one (read from
        git), its steps in full, and the sections around them (`sections_view`)."""
        here = self.ctx.procedure_path(entry)
        shown = self.shown_entry(entry)
        pg = self.graph(shown)
        steps = [self.full_step_view(here, shown, sid) for sid in sorted(pg.steps, key=lambda s: pg.steps[s][0])]
        situations = [{"title": s.data.get("title"), "href": self.ctx.link(here, situation_page(s.id))}
                      for s in self.situations if s.data.get("procedure") == entry.id]
        return {"id": entry.id, "title": entry.data.get("title") or entry.id, "kind": entry.kind,
                "steps": steps, "situations": situations, "obligations": self.obligations_view(here, entry),
                "lifecycle": self.lifecycle_view(here, entry), "shows_in_force": shown is not entry,
                "last_changed": self.ctx.last_changed.get(entry.file, ""),
                **self.sections_view(here, shown)}

    # -- the print page ---------------------------------------------------------------------

    def print_view(self, here: str) -> dict:
        """Everything for use on paper during an outage: contacts once, then every procedure
        in force or proposed (repealed ones named only), each step with its values."""
        ctx = self.ctx
        order = ctx.routines + ctx.chains
        printed, repealed = [], []
        for entry in order:
            if entry.data.get("status") == "repealed":
                repealed.append({"title": entry.data.get("title") or entry.id, "version": entry.data.get("version")})
                continue
            pg = self.graph(entry)
            steps = []
            for sid in sorted(pg.steps, key=lambda s: pg.steps[s][0]):
                view = self.step_view(here, entry, sid, shown=set(pg.steps))
                # on paper, a step refers to the others by number on the same procedure
                for ref in [view["next"], view["default"], view["answers"]] + [b["target"] for b in view["branches"]]:
                    if ref:
                        ref["href"] = f"#{print_step_anchor(entry.id, sid_of(ref))}" if sid_of(ref) else ref["href"]
                view["anchor"] = print_step_anchor(entry.id, sid)
                # the step a deadline counts from is linked on the procedure's own page (the print
                # page names its steps with print anchors, so a same-page link would dangle)
                view["deadline"] = self.deadline(here, entry, pg.steps[sid][1].get("deadline") or {}, None,
                                                 pg.steps[sid][1])
                steps.append(view)
            roles = [{"title": r.get("title") or r.get("id"), "party": r.get("party")}
                     for r in entry.data.get("roles") or [] if isinstance(r, dict)]
            contacts = [contact_view(c) for c in entry.data.get("contacts") or [] if isinstance(c, dict)]
            printed.append({"id": entry.id, "anchor": print_anchor(entry.id), "title": entry.data.get("title") or entry.id,
                            "summary": " ".join(str(entry.data.get("summary") or "").split()),
                            "href": ctx.link(here, ctx.procedure_path(entry)), "roles": roles, "contacts": contacts,
                            "steps": steps, "last_changed": ctx.last_changed.get(entry.file, ""),
                            **status_view(entry)})
        return {"procedures": printed, "repealed": repealed, "contacts": self.contacts_view(here),
                "none_adopted": not any(e.data.get("status") == "adopted" for e in ctx.procedures),
                "body": ctx.body}

    # -- glossary and change log ------------------------------------------------------------

    def glossary_view(self, here: str) -> dict:
        entries = self.ctx.repo.of("glossary")
        terms = []
        for term in (entries[0].data.get("terms") if entries else []) or []:
            if not isinstance(term, dict):
                continue
            source = term.get("source")
            terms.append({"term": term.get("term") or "", "anchor": _glossary_anchor(term.get("term") or ""),
                          "expansion": term.get("expansion") or "",
                          "definition": " ".join(str(term.get("definition") or "").split()),
                          "also": list(term.get("also") or []),
                          "source": source_view(source)})
        terms.sort(key=lambda t: _sort_nb(t["term"]))
        return {"terms": terms}

    def changes_view(self, here: str) -> dict:
        """The change log: OSO's decisions, newest first, and what changed in the content per
        day (from git), named by the documents' titles."""
        ctx = self.ctx
        by_file = {e.file: e for e in ctx.repo.entries}
        kind_nb = {"chain": "meldingskjede", "routine": "rutine", "setting": "innstilling", "decision": "vedtak",
                   "message-type": "meldingstype", "agreement": "avtalen", "party": "part",
                   "situation": "situasjon", "role": "rolle", "glossary": "ordlisten"}
        days = []
        for date, files in ctx.history:
            items = []
            for rel in files:
                entry = by_file.get(rel)
                if entry is None:
                    items.append({"title": rel.rsplit("/", 1)[-1].removesuffix(".yaml"), "kind": "fjernet", "href": None})
                    continue
                data = entry.data
                title = data.get("title") or data.get("short_name") or data.get("name") or entry.id or rel
                href = None
                if entry.kind in ("chain", "routine"):
                    href = ctx.link(here, ctx.procedure_path(entry))
                elif entry.kind == "situation":
                    href = ctx.link(here, situation_page(entry.id))
                elif entry.kind == "party":
                    href = ctx.link(here, f"parter/{entry.id}.md")
                items.append({"title": title, "kind": kind_nb.get(entry.kind, entry.kind), "href": href})
            items.sort(key=lambda i: (i["kind"], _sort_nb(i["title"])))
            days.append({"date": date, "entries": items})
        decisions = sorted(ctx.decisions.values(), key=lambda d: (str(d.data.get("meeting_date") or ""), d.id),
                           reverse=True)
        return {"days": days, "decisions": [{"title": d.data.get("title") or d.id,
                                             "date": d.data.get("meeting_date") or "",
                                             "case": d.data.get("case_number") or "",
                                             "href": ctx.link(here, "vedtak.md", f"vedtak-{_slug(d.id)}")}
                                            for d in decisions],
                "body": ctx.body, "decisions_href": ctx.link(here, "vedtak.md")}

    # -- parties ----------------------------------------------------------------------------

    def party_view(self, party, missing: set, required: list) -> dict:
        """One party's page: what it has registered, what the agreement requires and is
        missing, its service addresses and its contact points."""
        data = party.data
        name = self.ctx.party_name(party)

        def value(key, shown):
            if data.get(key):
                return {"text": shown, "missing": False}
            return {"text": "", "missing": key in required}

        facts = [("Offisielt navn", value("name", data.get("name") or "")),
                 ("Rolle", {"text": "kommune" if data.get("role") == "municipality" else "helseforetak", "missing": False})]
        if data.get("role") == "municipality":
            facts += [("Kommunenummer", value("municipality_number", data.get("municipality_number") or "")),
                      ("Tidligere kommunenummer", {"text": ", ".join(data.get("previous_numbers") or []), "missing": False}),
                      ("Fylke", {"text": data.get("county") or "", "missing": False})]
        facts += [("Organisasjonsnummer", value("organisation_number", data.get("organisation_number") or "")),
                  ("HER-id", value("her_id", data.get("her_id") or "")),
                  ("Avtalen signert", value("agreement_signed", date_text(data.get("agreement_signed"))))]
        contacts = []
        for key in ("message_responsible", "emergency_contact", "video_support"):
            label = PARTY_FIELD_NB.get(key, key)
            contact = data.get(key)
            view = contact_view(contact) if isinstance(contact, dict) else None
            if view is not None:
                source = contact.get("source")
                view["source"] = source_view(source)
            contacts.append({"label": label[:1].upper() + label[1:], "contact": view, "missing": key in required})
        return {
            "name": name,
            "missing": [PARTY_FIELD_NB.get(m, m) for m in required if m in missing],
            "facts": [{"label": label, **v} for label, v in facts],
            "addresses": [{"role": ADDRESS_NB.get(a.get("role"), a.get("role")), "name": a.get("name") or "",
                           "her_id": a.get("her_id") or ""} for a in data.get("service_addresses") or []
                          if isinstance(a, dict)],
            "contacts": contacts,
            "note": " ".join(str(data.get("note") or "").split()),
            "sources": _sources(data.get("sources")),
        }

    # -- references a page makes to other pages ----------------------------------------------

    def proc_ref(self, here: str, entry) -> dict:
        """A procedure as a link target with its status."""
        return {"id": entry.id, "title": entry.data.get("title") or entry.id,
                "href": self.ctx.link(here, self.ctx.procedure_path(entry)), **status_view(entry)}

    def step_link(self, here: str, entry, sid) -> dict:
        """A step of a procedure, on that procedure's page (`number` is None when unknown)."""
        pg = self.graph(entry)
        if sid not in pg.steps:
            return {"id": sid or "", "number": None, "title": "", "href": ""}
        index, step = pg.steps[sid]
        return {"id": sid, "number": index + 1, "title": step.get("title") or sid,
                "href": self.ctx.link(here, self.ctx.procedure_path(entry), step_anchor(sid))}

    def mtype_ref(self, here: str, mid) -> dict:
        mtype = self.ctx.message_types.get(mid)
        return {"id": mid or "", "known": mtype is not None, "title": (mtype.data.get("name") if mtype else "") or "",
                "href": self.ctx.link(here, "meldingstyper.md", mtype_anchor(mid or ""))}

    def setting_ref(self, here: str, sid) -> dict:
        setting = self.ctx.settings.get(sid)
        return {"id": sid or "", "known": setting is not None,
                "title": (setting.data.get("title") if setting else "") or "",
                "href": self.ctx.link(here, "innstillinger.md", setting_anchor(sid or ""))}

    def decision_ref(self, here: str, decision) -> dict | None:
        if decision is None:
            return None
        return {"id": decision.id, "case": decision.data.get("case_number") or "",
                "date": decision.data.get("meeting_date") or "", "title": decision.data.get("title") or decision.id,
                "href": self.ctx.link(here, "vedtak.md", decision_anchor(decision.id))}

    def routine_ref(self, here: str, rid) -> dict | None:
        """A routine a step refers to: the routine with its status, or its bare id when unknown."""
        if not rid:
            return None
        target = self.ctx.routine_ids.get(rid)
        return self.proc_ref(here, target) if target is not None else {"id": rid, "href": "", "title": ""}

    # -- the status page (OSO's dashboard) ---------------------------------------------------

    def coverage_states(self) -> dict:
        """Obligation id -> (state, text) for the coverage matrix."""
        ctx = self.ctx
        states = {}
        for ob in ctx.obligations:
            oid = ob.get("id")
            covering = ctx.coverage.get(oid, [])
            evidence = ob.get("evidence")
            if evidence in ("procedure", "plan"):
                if not covering:
                    states[oid] = ("uncovered", "ikke dekket")
                elif any(e.data.get("status") == "adopted" for e in covering):
                    states[oid] = ("adopted", "dekket av vedtatt prosedyre")
                else:
                    states[oid] = ("draft-only", "bare dekket av utkast")
            elif evidence == "party-data":
                fields = [f for f in ob.get("party_fields", []) or [] if f != "service_addresses"]
                lacking = [p for p in ctx.parties if any(not p.data.get(f) for f in fields)]
                if lacking:
                    states[oid] = ("party-missing", f"{len(lacking)} av {len(ctx.parties)} parter mangler opplysninger")
                else:
                    states[oid] = ("party-complete", "alle parter har registrert")
            else:
                states[oid] = ("principle", "prinsipp for hele samlingen")
        return states

    def party_matrix(self, here: str, skip: tuple = ()) -> dict:
        """The agreement's required party fields as columns, one row per party."""
        ctx = self.ctx
        fields = [f for f in ctx.required_fields if f not in skip]
        rows = []
        for party in ctx.parties:
            missing = set(missing_party_data(ctx.repo, party, ctx.required_fields))
            rows.append({"name": ctx.party_name(party), "href": ctx.link(here, f"parter/{party.id}.md"),
                         "municipality_number": party.data.get("municipality_number") or "",
                         "addresses": [ADDRESS_NB.get(a.get("role"), a.get("role")) or ""
                                       for a in party.data.get("service_addresses") or [] if isinstance(a, dict)],
                         "missing": [f in missing for f in fields]})
        return {"fields": [_sentence_case(PARTY_FIELD_NB.get(f, f)) for f in fields], "rows": rows}

    def dashboard_view(self, here: str) -> dict:
        """OSO's overview: every procedure with its status and decision, coverage, the
        parties' data and the checks."""
        ctx = self.ctx
        states = self.coverage_states()
        procedures = []
        for entry in ctx.procedures:
            data = entry.data
            procedures.append({**self.proc_ref(here, entry),
                               "type": "meldingskjede" if entry.kind == "chain"
                               else CATEGORY_NB.get(data.get("category"), "rutine"),
                               "decision": self.decision_ref(here, ctx.decisions.get(data.get("decision")))})
        counts = [{"count": sum(1 for e in ctx.procedures if e.data.get("status") == s), "word": STATUS_NB[s]}
                  for s in STATUS_TITLE]

        def count(state):
            return sum(1 for o in ctx.obligations if states[o.get("id")][0] == state)

        return {
            "body": ctx.body,
            "none_adopted": not any(e.data.get("status") == "adopted" for e in ctx.procedures),
            "procedures": procedures,
            "counts": [c for c in counts if c["count"]],
            "coverage": {"needs": sum(1 for o in ctx.obligations if o.get("evidence") in ("procedure", "plan")),
                         "adopted": count("adopted"), "draft_only": count("draft-only"), "uncovered": count("uncovered"),
                         "href": ctx.link(here, "avtalen.md", "dekning")},
            "parties": self.party_matrix(here),
            "errors": sum(1 for f in ctx.findings if f.severity == "error"),
            "warnings": sum(1 for f in ctx.findings if f.severity == "warning"),
            "links": {"print": ctx.link(here, "utskrift.md"), "parties": ctx.link(here, "parter/index.md"),
                      "findings": ctx.link(here, "funn.md")},
        }

    # -- the message catalogue ---------------------------------------------------------------

    def catalogue_view(self, here: str) -> dict:
        ctx = self.ctx
        types = []
        for mid, mtype in ctx.message_types.items():
            data = mtype.data
            answer = data.get("answer") or {}
            deadline = data.get("deadline") or {}
            types.append({
                "id": mid, "anchor": mtype_anchor(mid), "name": data.get("name") or "",
                "href": ctx.link(here, "meldingstyper.md", mtype_anchor(mid)),
                "description": paragraphs_view(data.get("description")),
                "standard": data.get("standard") or "", "version": data.get("version") or "",
                "family": FAMILY_NB.get(data.get("family"), data.get("family") or ""),
                "directions": [{"from": PARTY_NB.get(d.get("from"), d.get("from")) or "",
                                "to": PARTY_NB.get(d.get("to"), d.get("to")) or "",
                                "addresses": [ADDRESS_NB.get(a, a) for a in d.get("addressed_to") or []]}
                               for d in data.get("directions") or [] if isinstance(d, dict)],
                "answer": ({"type": self.mtype_ref(here, answer.get("message_type")), "required": bool(answer.get("required")),
                            "note": _one_line(answer.get("note"))} if answer else None),
                "apprec": bool(data.get("apprec")),
                "deadline": ({"same_day": bool(deadline.get("same_day")),
                              "within": duration_nb(deadline.get("within")) if deadline.get("within") else "",
                              "counted_from": _one_line(deadline.get("counted_from")),
                              "rule": source_view(deadline.get("rule"))} if deadline else None),
                "regulation": REGULATION_NB.get(data.get("regulation_status"), data.get("regulation_status")) or "",
                "regulation_ref": _one_line(data.get("regulation_ref")),
                "used": [{"procedure": self.proc_ref(here, user), "step": self.step_link(here, user, sid)}
                         for user, sid, _ in ctx.uses.get(("message-type", mid), [])],
                "unconfirmed": _lines(data.get("unconfirmed")),
                "sources": _sources(data.get("sources")),
            })
        return {"types": types}

    # -- the party index ---------------------------------------------------------------------

    def parties_view(self, here: str) -> dict:
        return self.party_matrix(here, skip=("service_addresses",))

    # -- the agreement and its coverage ------------------------------------------------------

    def agreement_view(self, here: str) -> dict | None:
        ctx = self.ctx
        if ctx.agreement is None:
            return None
        data = ctx.agreement.data
        body = data.get("approving_body") or {}
        states = self.coverage_states()
        summary = []
        for state, label in (("uncovered", "Ikke dekket"), ("draft-only", "Bare dekket av utkast"),
                             ("adopted", "Dekket av vedtatt prosedyre"),
                             ("party-missing", "Partsopplysninger mangler"),
                             ("party-complete", "Partsopplysninger registrert"), ("principle", "Prinsipp")):
            ids = [o.get("id") for o in ctx.obligations if states[o.get("id")][0] == state]
            if ids or state in ("uncovered", "draft-only", "adopted"):
                summary.append({"state": state, "label": label, "count": len(ids),
                                "obligations": [{"id": i, "href": f"#{obligation_anchor(i)}"} for i in ids]})
        obligations = []
        for ob in ctx.obligations:
            oid = ob.get("id")
            state, text = states[oid]
            obligations.append({
                "id": oid, "anchor": obligation_anchor(oid), "clause": ob.get("clause") or "",
                "summary": _one_line(ob.get("summary")),
                "evidence": EVIDENCE_NB.get(ob.get("evidence"), ob.get("evidence")) or "",
                "procedures": [self.proc_ref(here, e) for e in ctx.coverage.get(oid, [])],
                "needs_procedure": ob.get("evidence") in ("procedure", "plan"),
                "party_fields": [PARTY_FIELD_NB.get(f, f) for f in ob.get("party_fields") or []]
                if ob.get("evidence") == "party-data" else [],
                "state": state, "state_text": text,
                "note": _one_line(ob.get("note")),
                "requires_routine": CATEGORY_NB.get(ob["requires_routine"], ob["requires_routine"])
                if ob.get("requires_routine") else "",
            })
        return {"title": data.get("title") or "", "summary": paragraphs_view(data.get("summary")),
                "legal_basis": _one_line(data.get("legal_basis")),
                "approving_body": {"name": body.get("name") or "", "short_name": body.get("short_name") or "",
                                   "note": paragraphs_view(body.get("note")), "sources": _sources(body.get("sources"))},
                "body": ctx.body, "coverage": summary, "obligations": obligations,
                "sources": _sources(data.get("sources"))}

    # -- settings and decisions --------------------------------------------------------------

    def settings_page_view(self, here: str) -> dict:
        ctx = self.ctx
        settings = []
        for sid, setting in ctx.settings.items():
            data = setting.data
            users, seen = [], set()
            for user, step_id, _ in ctx.uses.get(("setting", sid), []):
                if user.kind not in ("chain", "routine") or (user.id, step_id) in seen:
                    continue
                seen.add((user.id, step_id))
                users.append({"procedure": self.proc_ref(here, user),
                              "step": self.step_link(here, user, step_id) if step_id else None})

            def shown(value):
                if not value:
                    return None
                if data.get("kind") == "duration":
                    return {"text": duration_nb(value), "code": str(value)}
                return {"text": _one_line(value), "code": ""}

            settings.append({
                **self.setting_view(here, sid), "id": sid, "anchor": setting_anchor(sid),
                "description": paragraphs_view(data.get("description")),
                "kind": "varighet" if data.get("kind") == "duration" else "tekst",
                "status": SETTING_STATUS_NB.get(data.get("status"), data.get("status")) or "",
                "proposed": shown(data.get("proposed")), "value": shown(data.get("value")),
                "decision": self.decision_ref(here, ctx.decisions.get(data.get("decision"))),
                "used": users, "unconfirmed": _lines(data.get("unconfirmed")), "sources": _sources(data.get("sources")),
            })
        return {"body": ctx.body, "settings": settings}

    def decisions_view(self, here: str) -> dict:
        ctx = self.ctx
        by_id = {e.id: e for e in ctx.procedures}
        out = []
        for decision in sorted(ctx.decisions.values(), key=lambda d: (str(d.data.get("meeting_date") or ""), d.id),
                               reverse=True):
            data = decision.data
            adopts = []
            for item in data.get("adopts") or []:
                proc = by_id.get(item.get("procedure"))
                adopts.append({"procedure": self.proc_ref(here, proc) if proc else None,
                               "id": item.get("procedure") or "", "version": item.get("version") or "",
                               "page_version": proc.data.get("version") or ""
                               if proc and proc.data.get("version") != item.get("version") else ""})
            out.append({**self.decision_ref(here, decision), "anchor": decision_anchor(decision.id),
                        "body": data.get("body") or "", "summary": paragraphs_view(data.get("summary")),
                        "adopts": adopts, "settings": [self.setting_ref(here, s) for s in data.get("settings") or []],
                        "sources": _sources(data.get("sources"))})
        return {"body": ctx.body, "decisions": out}

    # -- findings, rules and schemas (editor pages) ------------------------------------------

    def findings_view(self, here: str, collapse_after: int = 3) -> dict:
        """Every finding, one group per rule, most frequent first; a rule with more than
        `collapse_after` findings is shown as one line (count, first message, where)."""
        by_rule: dict = {}
        for f in self.ctx.findings:
            by_rule.setdefault(f.rule, []).append(f)
        groups = []
        for rule_id, found in sorted(by_rule.items(), key=lambda item: (-len(item[1]), item[0])):
            rule = RULES.get(rule_id)
            groups.append({"id": rule_id, "title": rule.title if rule else "", "anchor": "regel-" + _slug(rule_id),
                           "count": len(found), "severity": found[0].severity,
                           "severity_nb": SEVERITY_NB.get(found[0].severity, found[0].severity),
                           "rule_href": self.ctx.link(here, "regler.md", rule_anchor(rule_id)),
                           "collapsed": len(found) > collapse_after,
                           "findings": [{"location": f.location(), "message": f.message, "hint": f.hint or ""}
                                        for f in found]})
        return {"groups": groups}

    def rules_view(self, here: str) -> dict:
        counts: dict = {}
        for f in self.ctx.findings:
            counts[f.rule] = counts.get(f.rule, 0) + 1
        groups: dict = {}
        rules = []
        for rid in sorted(RULES):
            rule = RULES[rid]
            view = {"id": rule.id, "anchor": rule_anchor(rule.id), "title": rule.title,
                    "severity_nb": SEVERITY_NB.get(rule.severity, rule.severity), "findings": counts.get(rule.id, 0),
                    "doc": [block for block in re.split(r"\n\s*\n", rule.doc)]}
            rules.append(view)
            prefix = rid.split(".")[0]
            groups.setdefault(prefix, {"title": RULE_GROUP_NB.get(prefix, prefix), "anchor": f"gruppe-{_slug(prefix)}",
                                       "rules": []})["rules"].append(view)
        return {"rules": rules, "groups": list(groups.values()), "findings_href": self.ctx.link(here, "funn.md")}
    def schemas_view(self, here: str, docs: dict) -> dict:
        """The editor page on the schemas: each document kind with its files and schema."""
        kinds = [{"kind": kind, "title": KIND_TITLE.get(kind, kind), "href": self.ctx.link(here, f"skjemaer/{kind}.md"),
                  "pattern": pattern, "file": f"{kind}.schema.json",
                  "file_href": self.ctx.link(here, f"skjemaer/{kind}.schema.json")}
                 for kind, pattern in schemadoc.kind_patterns() if f"{kind}.schema.json" in docs]
        mapping = {f"schemas/{k['file']}": k["pattern"] for k in kinds}
        return {"kinds": kinds,
                "common_href": self.ctx.link(here, "skjemaer/common.schema.json") if "common.schema.json" in docs else "",
                "vscode_settings": json.dumps({"yaml.schemas": mapping}, indent=2, ensure_ascii=False)}

    def schema_view(self, here: str, kind: str, docs: dict) -> dict:
        """One schema's page: every field with its title, value type, whether it is required."""
        name = f"{kind}.schema.json"
        schema = docs[name][1]
        return {"kind": kind, "title": KIND_TITLE.get(kind, kind), "description": schema.get("description", ""),
                "pattern": dict(schemadoc.kind_patterns()).get(kind, ""), "file": name,
                "file_href": self.ctx.link(here, f"skjemaer/{name}"),
                "fields": schemadoc.schema_fields(schema, name, docs)}

def print_step_anchor(pid: str, sid: str) -> str:
    return f"p-{_slug(pid)}-{_slug(sid)}"


def sid_of(ref: dict) -> str:
    """The step id of a reference made by Views.step_ref (its anchor after `#steg-`)."""
    href = ref.get("href") or ""
    return href.split("#steg-", 1)[1] if "#steg-" in href else ""


def _glossary_anchor(term: str) -> str:
    return f"ord-{_slug(term)}"


def _sort_nb(value: str):
    from .text import sort_key_nb

    return sort_key_nb(value)


def mark_view(mark: dict) -> dict:
    """A marked fact's mark (partials/blocks.md.j2 `mark_after`): «ikke bekreftet» or «sekundærkilde»."""
    status = mark.get("status")
    return {"status": status, "word": marks.MARK_NB.get(status, status)}


# -- plain values for the templates ----------------------------------------------------------

RULE_GROUP_NB = {
    "yaml": "Streng YAML", "file": "Filer og id-er", "schema": "Skjemaene", "ref": "Referanser",
    "procedure": "Prosedyrer", "coverage": "Dekning av avtalen", "party": "Partene",
    "graph": "Prosedyregrafen", "message": "Meldinger", "deadline": "Frister",
    "failure": "Feilhåndtering", "repo": "Hele depotet", "privacy": "Personvern",
    "governance": "Styring og vedtak",
}


def _one_line(value) -> str:
    """A text from YAML on one line (whitespace and line breaks as single spaces)."""
    return " ".join(str("" if value is None else value).split())


def _sentence_case(value: str) -> str:
    return value[:1].upper() + value[1:]


def _lines(values) -> list[str]:
    return [_one_line(v) for v in values or [] if v]


def paragraphs_view(value) -> list[str]:
    """A free text's paragraphs (blank lines in the YAML separate them), each on one line."""
    text = str(value or "").strip()
    return [_one_line(block) for block in re.split(r"\n\s*\n", text) if block.strip()] if text else []


def source_view(source) -> dict | None:
    """A source as the templates show it (partials/blocks.md.j2 `source`): a link only for an
    https address, and whether it is unconfirmed or a secondary source."""
    if not isinstance(source, dict):
        return None
    url = str(source.get("url") or "")
    status = source.get("status")
    return {"title": _one_line(source.get("title") or source.get("url")), "url": url if url.startswith("https://") else "",
            "unconfirmed": status == "unconfirmed",
            "status": SOURCE_STATUS_NB.get(status, "") if status != "unconfirmed" else "",
            "note": _one_line(source.get("note"))}


def _sources(sources) -> list[dict]:
    return [v for v in (source_view(s) for s in sources or []) if v is not None]
