"""The site as Markdown pages, rendered from the checked model.

`render(repo, findings)` returns a `Site`: every page as Markdown text keyed by its path
(`kjeder/standard-plo-kjede.md`), the navigation, and files to publish as they are (the JSON
Schemas). Nothing here knows about MkDocs; a thin hook (`checks/site/mkdocs_hook.py`) hands the
pages to MkDocs, and another generator could take the same dict.

Rules the pages keep:

- Every text from YAML goes through `esc` (Markdown) or `h` (raw HTML): it is shown as
  text, never interpreted as HTML or Markdown, so a title `<script>` is only a title.
- Every procedure page starts with its status; anything but `vedtatt` says plainly that
  the procedure does not apply yet.
- Facts the sources do not confirm are marked «ikke bekreftet»; missing party data is
  marked «mangler».
- The output depends on the input alone (no clock, no environment, sorted everywhere), so
  the same repository gives byte-identical pages.
"""

from __future__ import annotations

import html
import functools
import json
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field

from ..model.findings import RULES, SEVERITY_NB, Finding
from ..model.repository import FOLDERS, SINGLE_FILES, Entry, Repository, schemas_for
from ..model import marks
from ..model.vocabulary import ADDRESS_NB, PARTY_FIELD_NB, REGULATION_NB, STATUS_NB
from ..rules.content import missing_party_data, required_party_fields
from ..rules.graph import CATEGORY_NB, STEP_NB, build, coverage_matrix, duration_nb
from . import diagram, viewmodel
from .templating import render_template
from .text import (  # noqa: F401  (re-exported: tests and other modules use render.esc etc.)
    PARTY_NB, ROLE_PARTY_NB, STATUS_TITLE, FAMILY_NB, EVIDENCE_NB, SETTING_STATUS_NB,
    SOURCE_STATUS_NB, MONTHS_NB, KIND_TITLE, CATEGORY_ORDER, _MD_SPECIAL, _LEADING,
    _NUMBERED, _collapse, esc, h, code, rich,
    _esc_inner, paragraphs, slug, sort_key_nb, date_nb, table,
    badge, UNCONFIRMED, MISSING, status_badge, external_link, sources_list,
    contact_cells, contact_block, esc_sentence, _anchor, step_anchor, mtype_anchor,
    setting_anchor, decision_anchor, obligation_anchor, rule_anchor, print_anchor,
)


# -- pages -----------------------------------------------------------------------------------

INDEX = "index.md"
COLLAPSE_AFTER = 3  # findings of one rule shown one by one up to this many, then as one line
# Editor pages (rules, findings, schemas) stay out of search, so everyday words («frist»,
# «vedtatt») find the staff pages; editors reach them from the editor section.
EDITOR_FRONT = "---\nsearch:\n  exclude: true\n---\n\n"
STATUS = "status.md"
CONTACTS = "kontakter.md"
GLOSSARY = "ordliste.md"
CHANGES = "endringer.md"
CATALOGUE = "meldingstyper.md"
AGREEMENT = "avtalen.md"
SETTINGS = "innstillinger.md"
DECISIONS = "vedtak.md"
PRINT = "utskrift.md"
FINDINGS = "funn.md"
RULES_PAGE = "regler.md"
PARTIES = "parter/index.md"
SCHEMAS = "skjemaer/index.md"


def chain_page(pid: str) -> str:
    return f"kjeder/{pid}.md"


def routine_page(pid: str) -> str:
    return f"rutiner/{pid}.md"


def party_page(pid: str) -> str:
    return f"parter/{pid}.md"


def schema_page(kind: str) -> str:
    return f"skjemaer/{kind}.md"


def procedure_page(entry: Entry) -> str:
    return chain_page(entry.id) if entry.kind == "chain" else routine_page(entry.id)


@dataclass
class Site:
    """Everything the site needs: Markdown pages, files published as they are, and the nav.

    `nav` is a list of `(title, target)`, where the target is a page path or a list of
    the same; a title of None means "the page's own heading"."""

    pages: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    nav: list = field(default_factory=list)



# -- the renderer ----------------------------------------------------------------------------


class _Renderer:
    def __init__(self, repo: Repository, findings: list[Finding], last_changed: dict | None = None,
                 history: list | None = None):
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
        self.views = viewmodel.Views(self)

    # -- helpers --------------------------------------------------------------------------

    procedure_path = staticmethod(procedure_page)

    def link(self, here: str, target: str, anchor: str | None = None) -> str:
        rel = posixpath.relpath(target, posixpath.dirname(here) or ".")
        return rel + (f"#{anchor}" if anchor else "")

    def a(self, here: str, target: str, text: str, anchor: str | None = None) -> str:
        """A Markdown link; `text` is Markdown already."""
        return f"[{text}]({self.link(here, target, anchor)})"

    def proc_link(self, here: str, entry: Entry, with_status: bool = True) -> str:
        text = self.a(here, procedure_page(entry), esc(entry.data.get("title") or entry.id))
        return text + (" " + status_badge(entry.data.get("status")) if with_status else "")

    def step_link(self, here: str, entry: Entry, sid: str) -> str:
        pg = self.graphs[entry.id]
        if sid not in pg.steps:
            return code(sid)
        index, step = pg.steps[sid]
        return self.a(here, procedure_page(entry), f"{index + 1}. {esc(step.get('title') or sid)}",
                      step_anchor(sid))

    def setting_link(self, here: str, sid: str) -> str:
        setting = self.settings.get(sid)
        title = esc(setting.data.get("title")) if setting else code(sid)
        return self.a(here, SETTINGS, title, setting_anchor(sid))

    def mtype_link(self, here: str, mid: str) -> str:
        mtype = self.message_types.get(mid)
        title = esc(mtype.data.get("name")) if mtype else code(mid)
        return self.a(here, CATALOGUE, title, mtype_anchor(mid))

    def obligation_link(self, here: str, oid: str) -> str:
        return self.a(here, AGREEMENT, esc(oid), obligation_anchor(oid))

    def party_name(self, party: Entry) -> str:
        return party.data.get("short_name") or party.data.get("name") or party.id

    def findings_for(self, file: str) -> list[Finding]:
        return [f for f in self.findings if f.file == file]

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

    def procedure_settings(self, entry: Entry) -> list[str]:
        """Every setting a procedure uses, in first-use order."""
        found: list = []
        for sid in entry.data.get("settings", []) or []:
            found.append(sid)
        for step in entry.data.get("steps", []) or []:
            for sid in step.get("settings", []) or []:
                found.append(sid)
            for holder in (step.get("deadline") or {}, step.get("escalation") or {}):
                if holder.get("setting"):
                    found.append(holder["setting"])
        return list(dict.fromkeys(found))

    def setting_value(self, setting: Entry) -> str:
        data = setting.data

        def show(value):
            return esc(duration_nb(value)) if data.get("kind") == "duration" else esc(value)

        if data.get("status") == "adopted" and data.get("value"):
            return f"{show(data['value'])}, vedtatt"
        if data.get("proposed"):
            return f"{show(data['proposed'])}, foreslått og ikke vedtatt"
        return "ikke fastsatt"

    # -- the status banner ----------------------------------------------------------------

    def status_banner(self, here: str, entry: Entry) -> list[str]:
        data = entry.data
        status = data.get("status")
        version = data.get("version") or "?"
        what = "meldingskjeden" if entry.kind == "chain" else "rutinen"
        decision = self.decisions.get(data.get("decision")) if data.get("decision") else None
        if status == "adopted":
            text = f"Versjon {h(version)} av {what} er vedtatt av {h(self.body)}"
            if decision:
                text += (f" i sak {h(decision.data.get('case_number'))}, "
                         f"{h(date_nb(decision.data.get('meeting_date')))}")
            else:
                text += ", men vedtaket er ikke registrert"
            text += "."
            if data.get("effective"):
                text += f" Gjelder fra {h(date_nb(data['effective']))}."
        elif status == "repealed":
            text = f"Versjon {h(version)} av {what} er opphevet og gjelder ikke lenger. Ikke bruk den."
        elif status == "submitted":
            text = (f"Versjon {h(version)} av {what} er sendt til {h(self.body)}, men er ikke vedtatt. "
                    "Den gjelder ikke før den er vedtatt.")
        else:
            text = (f"Versjon {h(version)} av {what} er et utkast. Den er ikke vedtatt av "
                    f"{h(self.body)} og gjelder ikke.")
        if data.get("review_by"):
            text += f" Revisjonsdato: {h(date_nb(data['review_by']))}."
        label = STATUS_TITLE.get(status, "Ukjent status")
        if status in ("draft", "submitted"):
            label += " – ikke vedtatt"
        return [
            f'<div class="sh-status sh-status--{h(status)}" data-status="{h(status)}" role="note" '
            f'aria-label="Status">',
            f'<p class="sh-status__label">Status: {h(label)}</p>',
            f"<p>{text}</p>",
            "</div>",
            "",
        ]

    def unconfirmed_block(self, items: list, title: str = "Ikke bekreftet") -> list[str]:
        items = [i for i in items or [] if i]
        if not items:
            return []
        out = [f'<div class="sh-unconfirmed" role="note" aria-label="{h(title)}">',
               f'<p class="sh-unconfirmed__label">{h(title)}</p>', "<ul>"]
        out += [f"<li>{h(item)}</li>" for item in items]
        out += ["</ul>", "</div>", ""]
        return out

    def facts(self, rows: list[tuple[str, str]]) -> list[str]:
        return table(["Opplysning", "Verdi"], [[label, value] for label, value in rows if value])

    # -- front page -----------------------------------------------------------------------

    def page_status(self) -> str:
        """OSO's overview: every procedure with its status and decision, coverage, the
        parties' data and the checks."""
        here = STATUS
        adopted = [e for e in self.procedures if e.data.get("status") == "adopted"]
        out = ["# Status for prosedyrene", ""]
        out += [
            "Her står standardprosedyrene for elektronisk samhandling mellom kommunene i UNNs område "
            "og Universitetssykehuset Nord-Norge HF (UNN), slik tjenesteavtalen om IKT krever: "
            "meldingskjeden ved innleggelse og utskrivning og rutinene for nedetid, manuell reserve, "
            "avvik, feilsendte meldinger, hastedialog, nye meldingstyper, video og tilgang på tvers. "
            f"Prosedyrene er like for alle kommunene og UNN og vedtas av {esc(self.body)}.",
            "",
        ]
        if not adopted:
            out += ['<div class="sh-status sh-status--draft" data-status="none-adopted" role="note" '
                    'aria-label="Status">',
                    '<p class="sh-status__label">Ingenting er vedtatt ennå</p>',
                    f"<p>Ingen av prosedyrene er vedtatt av {h(self.body)}. Alle er utkast eller til "
                    "behandling, og ingen av dem gjelder ennå.</p>",
                    "</div>", ""]
        out += [
            "## Slik leser du sidene {#slik-leser-du-sidene}",
            "",
            "- Hver prosedyre begynner med **status**. Bare en prosedyre med status "
            f"{status_badge('adopted')} gjelder. {status_badge('draft')} og {status_badge('submitted')} "
            f"er forslag som {esc(self.body)} ikke har vedtatt, og {status_badge('repealed')} gjelder ikke lenger.",
            "- Diagrammet på hver prosedyreside viser de samme stegene som tabellen under det. "
            "Tabellen og stegbeskrivelsene er det fullstendige innholdet.",
            f"- {UNCONFIRMED} betyr at kildene ikke bekrefter opplysningen. Den står der fordi den er "
            "vanlig praksis eller det beste som er kjent, men må kontrolleres.",
            f"- {MISSING} betyr at en part ikke har registrert en opplysning avtalen krever.",
            f"- {self.a(here, PRINT, 'Utskriftsversjonen')} samler alle prosedyrene og kontaktpunktene "
            "på én side til bruk når systemene står.",
            "",
            "## Prosedyrene {#prosedyrene}",
            "",
        ]
        rows = []
        for entry in self.procedures:
            data = entry.data
            decision = self.decisions.get(data.get("decision"))
            rows.append([
                self.a(here, procedure_page(entry), esc(data.get("title") or entry.id)),
                "meldingskjede" if entry.kind == "chain" else esc(CATEGORY_NB.get(data.get("category"), "rutine")),
                esc(data.get("version")),
                status_badge(data.get("status")),
                self.a(here, DECISIONS, esc(decision.data.get("case_number")), decision_anchor(decision.id))
                if decision else "ingen",
            ])
        out += table(["Prosedyre", "Type", "Versjon", "Status", "Vedtak"], rows)
        counts = {s: sum(1 for e in self.procedures if e.data.get("status") == s) for s in STATUS_TITLE}
        out += [f"{len(self.procedures)} prosedyrer: " + ", ".join(
            f"{n} {STATUS_NB[s]}" for s, n in counts.items() if n) + ".", ""]
        out += self.coverage_summary(here)
        out += ["## Partenes opplysninger {#partenes-opplysninger}", "",
                "Opplysningene avtalen krever at hver part registrerer. Detaljene står på "
                + self.a(here, PARTIES, "sidene for partene") + ".", ""]
        out += self.party_matrix(here)
        warnings = [f for f in self.findings if f.severity == "warning"]
        errors = [f for f in self.findings if f.severity == "error"]
        out += ["## Sjekkene {#sjekkene}", ""]
        if errors or warnings:
            out += [f"Sjekkene fant {len(errors)} feil og {len(warnings)} advarsler. "
                    + self.a(here, FINDINGS, "Se alle funn") + ".", ""]
        else:
            out += ["Sjekkene fant ingen feil eller advarsler.", ""]
        return "\n".join(out)

    def coverage_summary(self, here: str) -> list[str]:
        states = self.coverage_states()
        uncovered = [o for o in self.obligations if states[o.get("id")][0] == "uncovered"]
        draft_only = [o for o in self.obligations if states[o.get("id")][0] == "draft-only"]
        covered = [o for o in self.obligations if states[o.get("id")][0] == "adopted"]
        needs = [o for o in self.obligations if o.get("evidence") in ("procedure", "plan")]
        out = ["## Dekning av avtalen {#dekning}", "",
               f"Av {len(needs)} forpliktelser som skal oppfylles av en prosedyre eller plan, er "
               f"{len(covered)} dekket av en vedtatt prosedyre, {len(draft_only)} bare av utkast og "
               f"{len(uncovered)} ikke dekket. "
               + self.a(here, AGREEMENT, "Se dekningen punkt for punkt", "dekning") + ".", ""]
        return out

    def party_matrix(self, here: str) -> list[str]:
        header = ["Part"] + [PARTY_FIELD_NB.get(f, f)[:1].upper() + PARTY_FIELD_NB.get(f, f)[1:]
                             for f in self.required_fields]
        rows = []
        for party in self.parties:
            missing = set(missing_party_data(self.repo, party, self.required_fields))
            rows.append([self.a(here, party_page(party.id), esc(self.party_name(party)))]
                        + [MISSING if f in missing else "registrert" for f in self.required_fields])
        return table(header, rows) if rows else ["Ingen parter er registrert.", ""]

    # -- procedures -----------------------------------------------------------------------

    def page_procedure(self, entry: Entry) -> str:
        """A chain's or routine's page: the template `procedure.md.j2` over the view model;
        the sections not yet moved into templates come in as Markdown blocks."""
        here = procedure_page(entry)
        current = entry
        # The version in force when there is one (read from git), else the file as it is.
        entry = self.views.shown_entry(current)
        data = entry.data
        pg = self.views.graph(entry)
        summary = paragraphs(data.get("summary"))
        unconfirmed_count = self.count_unconfirmed(entry)
        if unconfirmed_count:
            summary += [f"{UNCONFIRMED} Siden har {unconfirmed_count} "
                        f"{'opplysning' if unconfirmed_count == 1 else 'opplysninger'} som kildene ikke bekrefter. "
                        "De er merket slik der de står.", ""]
        decision = self.decisions.get(data.get("decision"))
        facts = [
            ("Type", "meldingskjede" if entry.kind == "chain"
             else "rutine for " + esc(CATEGORY_NB.get(data.get("category"), data.get("category")))),
            ("Versjon", esc(data.get("version"))),
            ("Status", status_badge(data.get("status"))),
            ("Vedtak", self.a(here, DECISIONS, f"sak {esc(decision.data.get('case_number'))}, "
                              f"{esc(date_nb(decision.data.get('meeting_date')))}", decision_anchor(decision.id))
             if decision else "ikke vedtatt"),
            ("Gjelder fra", esc(date_nb(data["effective"])) if data.get("effective") else "ikke fastsatt"),
            ("Revisjonsdato", esc(date_nb(data["review_by"])) if data.get("review_by") else "ikke fastsatt"),
            ("Eier", esc(data.get("owner"))),
            ("Oppfyller", ", ".join(self.obligation_link(here, o) for o in data.get("fulfils", []) or [])),
        ]
        middle: list = []
        if entry.kind == "chain":
            middle += self.addressing_section(here, entry, pg)
            middle += self.failure_section(here, entry, pg)
        else:
            middle += self.roles_section(entry)
            middle += self.contacts_section(entry)
        middle += self.settings_section(here, entry)
        end: list = []
        end += self.obligations_section(here, entry)
        end += self.used_by_section(here, entry)
        end += self.unconfirmed_section(entry)
        if data.get("sources"):
            end += ["## Kilder {#kilder}", ""] + sources_list(data["sources"])
        blocks = {"status": self.status_banner(here, entry), "summary": summary,
                  "facts": ["## Om prosedyren {#om}", ""] + self.facts(facts), "diagram": self.diagram_figure(entry),
                  "middle": middle, "end": end}
        view = self.views.procedure_view(current, {k: "\n".join(v) for k, v in blocks.items()})
        return render_template("procedure.md.j2", p=view)

    def count_unconfirmed(self, entry: Entry) -> int:
        data = entry.data
        count = len(data.get("unconfirmed") or [])
        for step in data.get("steps", []) or []:
            count += len(step.get("unconfirmed") or [])
            count += sum(1 for m in marks.marked_facts(step).values() if m.get("status") == "unconfirmed")
            count += sum(1 for s in step.get("sources") or [] if s.get("status") == "unconfirmed")
        count += sum(1 for s in data.get("sources") or [] if s.get("status") == "unconfirmed")
        return count

    def diagram_figure(self, entry: Entry) -> list[str]:
        source = diagram.mermaid(entry, self.message_types)
        kind = "sekvensdiagram" if entry.kind == "chain" else "flytskjema"
        title = entry.data.get("title") or entry.id
        return [
            "## Diagram {#diagram}",
            "",
            '<figure class="sh-diagram" aria-labelledby="diagram-tittel">',
            f'<figcaption id="diagram-tittel">{h(kind[:1].upper() + kind[1:])}: {h(title)}</figcaption>',
            f'<div class="sh-diagram__canvas" data-sh-diagram="{"sequence" if entry.kind == "chain" else "flowchart"}" '
            f'data-sh-label="{h(kind[:1].upper() + kind[1:])}: {h(title)}" '
            f'data-sh-describedby="diagram-tekst">',
            f'<pre class="sh-diagram__source" hidden>{html.escape(source, quote=False)}</pre>',
            '<p class="sh-diagram__fallback">Diagrammet tegnes i nettleseren og trenger JavaScript.</p>',
            "</div>",
            '<p id="diagram-tekst" class="sh-diagram__text">Diagrammet viser de samme stegene som listen '
            '«Steg» under, med de samme numrene. Listen er tekstversjonen av diagrammet.</p>',
            "</figure>",
            "",
        ]

    def who(self, entry: Entry, step: dict) -> str:
        actor = step.get("actor")
        if not actor:
            return ""
        if entry.kind == "chain":
            return esc(PARTY_NB.get(actor, actor))
        roles = {r.get("id"): r for r in entry.data.get("roles", []) or []}
        role = roles.get(actor)
        return esc(role.get("title")) if role else code(actor)

    def endpoint(self, endpoint: dict | None, substitutions: dict | None = None) -> str:
        if not endpoint:
            return ""
        address = endpoint.get("address")
        address = (substitutions or {}).get(address, address)
        return esc(f"{PARTY_NB.get(endpoint.get('party'), endpoint.get('party'))}: "
                   f"{ADDRESS_NB.get(address, address)}")

    def next_cell(self, here: str, entry: Entry, step: dict) -> str:
        parts = []
        if step.get("next"):
            parts.append(self.step_ref(entry, step["next"]))
        for branch in step.get("branches", []) or []:
            parts.append(f"«{esc(branch.get('condition'))}» → {self.step_ref(entry, branch.get('next'))}")
        if step.get("default"):
            parts.append(f"Ellers → {self.step_ref(entry, step['default'])}")
        if step.get("type") == "end":
            parts.append("slutt")
        return "<br>".join(parts)

    def step_ref(self, entry: Entry, sid: str) -> str:
        """A link to a step on the same page: «→ 5. Tittel»."""
        pg = self.graphs[entry.id]
        if sid not in pg.steps:
            return code(sid)
        index, step = pg.steps[sid]
        return f"[{index + 1}. {esc(step.get('title') or sid)}](#{step_anchor(sid)})"

    def deadline_text(self, here: str, entry: Entry, deadline: dict, step: dict | None = None,
                      with_origin: bool = True) -> str:
        if not deadline:
            return ""
        pg = self.graphs[entry.id]
        start = pg.steps.get(deadline.get("from"))
        start_text = (f"«{esc(start[1].get('title'))}» ({self.step_ref(entry, deadline['from'])})"
                      if start else code(deadline.get("from")))
        if deadline.get("same_day"):
            text = f"samme dag som {start_text}"
        elif deadline.get("within"):
            text = f"innen {esc(duration_nb(deadline['within']))} etter {start_text}"
        elif deadline.get("setting"):
            setting = self.settings.get(deadline["setting"])
            text = f"innen fristen i innstillingen {self.setting_link(here, deadline['setting'])}"
            if setting:
                text += f" ({self.setting_value(setting)})"
            text += f", regnet fra {start_text}"
        else:
            text = "uten frist"
        origin = marks.deadline_origin(deadline)
        if origin and with_origin:
            text += f" ({esc(marks.DEADLINE_ORIGIN_NB[origin])})"
        mark = marks.fact_mark(step if step is not None else {"deadline": deadline}, "deadline")
        if mark:
            text += " " + mark_badge(mark)
        return text

    def steps_table(self, here: str, entry: Entry, pg) -> list[str]:
        out = ["## Steg {#steg}", ""]
        rows = []
        for sid, (index, step) in sorted(pg.steps.items(), key=lambda item: item[1][0]):
            title = f"[{esc(step.get('title') or sid)}](#{step_anchor(sid)})"
            if step.get("unconfirmed"):
                title += " " + UNCONFIRMED
            kind = esc(STEP_NB.get(step.get("type"), step.get("type")))
            if entry.kind == "chain":
                if step.get("type") == "message":
                    who = (f"{self.mtype_link(here, step.get('message_type'))}{fact_badge(step, 'message_type')} fra "
                           f"{self.endpoint(step.get('from'))}{fact_badge(step, 'from')} "
                           f"til {self.endpoint(step.get('to'))}{fact_badge(step, 'to')}")
                else:
                    who = self.who(entry, step)
                rows.append([str(index + 1), title, kind, who, self.deadline_text(here, entry, step.get("deadline"), step),
                             self.next_cell(here, entry, step)])
            else:
                who = self.who(entry, step)
                if step.get("type") == "subprocess" and step.get("procedure") in self.routine_ids:
                    who = (who + "<br>" if who else "") + "følg " + self.proc_link(
                        here, self.routine_ids[step["procedure"]], with_status=False)
                rows.append([str(index + 1), title, kind, who, self.next_cell(here, entry, step)])
        if entry.kind == "chain":
            out += table(["Nr.", "Steg", "Type", "Utføres av, eller melding og adressering", "Frist", "Neste"], rows)
        else:
            out += table(["Nr.", "Steg", "Type", "Utføres av", "Neste"], rows)
        return out

    def addressing_section(self, here: str, entry: Entry, pg) -> list[str]:
        pathways = entry.data.get("pathways") or []
        if not pathways:
            return []
        out = ["## Adressering i hvert forløp {#forlop}", "",
               "Flyten er den samme i alle forløpene; bare tjenesteadressene byttes. "
               "Et svar går alltid til avsenderadressen i meldingen det svarer på.", ""]
        for pathway in pathways:
            out += [f"- **{esc(pathway.get('title'))}**: {esc(pathway.get('description'))}"]
            for sub in pathway.get("substitutions", []) or []:
                out += [f"    - {esc(ADDRESS_NB.get(sub.get('address'), sub.get('address')))} byttes med "
                        f"{esc(ADDRESS_NB.get(sub.get('with'), sub.get('with')))}"]
        out.append("")
        header = ["Nr.", "Melding"] + [esc(p.get("title")) for p in pathways]
        rows = []
        subs = [{s.get("address"): s.get("with") for s in p.get("substitutions", []) or []} for p in pathways]
        for _sid, (index, step) in sorted(pg.steps.items(), key=lambda item: item[1][0]):
            if step.get("type") != "message":
                continue
            cells = [f"{self.endpoint(step.get('from'), sub)} → {self.endpoint(step.get('to'), sub)}" for sub in subs]
            rows.append([str(index + 1), self.mtype_link(here, step.get("message_type"))] + cells)
        out += table(header, rows)
        for pathway in pathways:
            if pathway.get("sources"):
                out += [f"Kilder for forløpet {esc(pathway.get('title'))}:", ""] + sources_list(pathway["sources"])
        return out

    def failure_section(self, here: str, entry: Entry, pg) -> list[str]:
        groups: dict = {}
        for sid, (_index, step) in sorted(pg.steps.items(), key=lambda item: item[1][0]):
            if step.get("type") != "message":
                continue
            failure = step.get("on_failure") or {}
            groups.setdefault((failure.get("apprec"), failure.get("misdirected")), []).append(sid)
        if not groups:
            return []
        out = ["## Ved feil {#ved-feil}", "",
               "Er applikasjonskvitteringen for en melding negativ eller kommer den ikke, eller er meldingen "
               "sendt til feil mottaker, følges rutinene under.", ""]

        def routine(rid):
            if not rid:
                return MISSING
            target = self.routine_ids.get(rid)
            return self.proc_link(here, target) if target else code(rid)

        if len(groups) == 1:
            (apprec, misdirected), _ = next(iter(groups.items()))
            out += [f"- Negativ eller manglende applikasjonskvittering: {routine(apprec)}",
                    f"- Feilsendt eller ukjent melding: {routine(misdirected)}", "",
                    "Det gjelder alle meldingene i kjeden.", ""]
            return out
        rows = []
        for (apprec, misdirected), sids in groups.items():
            rows.append([", ".join(self.step_ref(entry, s) for s in sids), routine(apprec), routine(misdirected)])
        out += table(["Meldinger", "Negativ eller manglende kvittering", "Feilsendt melding"], rows)
        return out

    def roles_section(self, entry: Entry) -> list[str]:
        roles = entry.data.get("roles") or []
        if not roles:
            return []
        out = ["## Roller {#roller}", ""]
        out += table(["Rolle", "Part", "Hva rollen gjør"],
                     [[esc(r.get("title")), esc(ROLE_PARTY_NB.get(r.get("party"), r.get("party"))),
                       esc(r.get("description"))] for r in roles])
        return out

    def contacts_section(self, entry: Entry) -> list[str]:
        contacts = list(entry.data.get("contacts") or [])
        for step in entry.data.get("steps", []) or []:
            for contact in step.get("contacts") or []:
                if contact not in contacts:
                    contacts.append(contact)
        if not contacts:
            return []
        out = ["## Kontaktpunkter {#kontaktpunkter}", ""]
        for contact in contacts:
            out += contact_block(contact)
        out.append("")
        return out

    def settings_section(self, here: str, entry: Entry) -> list[str]:
        used = self.procedure_settings(entry)
        if not used:
            return []
        out = ["## Innstillinger {#innstillinger}", "",
               f"Verdier avtalen overlater til {esc(self.body)}, som prosedyren bruker.", ""]
        rows = []
        for sid in used:
            setting = self.settings.get(sid)
            rows.append([self.setting_link(here, sid),
                         self.setting_value(setting) if setting else MISSING,
                         esc(SETTING_STATUS_NB.get(setting.data.get("status"), "")) if setting else ""])
        out += table(["Innstilling", "Verdi", "Status"], rows)
        return out

    def steps_detail(self, here: str, entry: Entry, pg) -> list[str]:
        out = ["## Stegene i detalj {#stegene-i-detalj}", ""]
        for sid, (index, step) in sorted(pg.steps.items(), key=lambda item: item[1][0]):
            out += [f"### {index + 1}. {esc(step.get('title') or sid)} {{#{step_anchor(sid)}}}", ""]
            out += paragraphs(step.get("description"))
            items = [f"Type: {esc(STEP_NB.get(step.get('type'), step.get('type')))}"]
            if step.get("actor"):
                items.append(f"Utføres av: {self.who(entry, step)}")
            if step.get("type") == "message":
                mtype = self.message_types.get(step.get("message_type"))
                line = f"Melding: {self.mtype_link(here, step.get('message_type'))}"
                if mtype:
                    line += f" ({esc(mtype.data.get('standard'))}, versjon {esc(mtype.data.get('version'))})"
                items.append(line + fact_badge(step, "message_type"))
                items.append(f"Fra: {self.endpoint(step.get('from'))}{fact_badge(step, 'from')}")
                items.append(f"Til: {self.endpoint(step.get('to'))}{fact_badge(step, 'to')}")
                if mtype and mtype.data.get("apprec"):
                    items.append("Mottakeren sender applikasjonskvittering.")
            if step.get("answers"):
                items.append(f"Svar på: {self.step_ref(entry, step['answers'])}. Svaret går til avsenderadressen "
                             "i meldingen det svarer på.")
            if step.get("deadline"):
                deadline = step["deadline"]
                items.append(f"{marks.deadline_label(deadline)}: {self.deadline_text(here, entry, deadline, step, False)}")
                if deadline.get("rule"):
                    rule = f"Kilde for fristen: {external_link(deadline['rule'])}"
                    if deadline["rule"].get("note"):
                        rule += ". " + _esc_inner(" " + deadline["rule"]["note"]).strip()
                    items.append(rule)
                if deadline.get("legal_reference"):
                    ref = deadline["legal_reference"]
                    line = f"Hjemmel: {external_link(ref)}"
                    if ref.get("note"):
                        line += ". " + _esc_inner(" " + ref["note"]).strip()
                    items.append(line)
                off = deadline.get("off_hours") or {}
                if off:
                    badge_text = (" " + mark_badge(off)) if off.get("status") in marks.MARK_NB else ""
                    items.append("Helg og helligdager: " + _esc_inner(" " + off.get("weekends_and_holidays", "")).strip()
                                 + badge_text)
                    items.append("Utenom arbeidstid: " + _esc_inner(" " + off.get("out_of_hours", "")).strip()
                                 + badge_text)
                if deadline.get("note"):
                    items.append("Om fristen: " + _esc_inner(" " + deadline["note"]).strip())
            failure = step.get("on_failure") or {}
            if failure:
                for key, label in (("apprec", "Ved negativ eller manglende kvittering"),
                                   ("misdirected", "Ved feilsendt melding")):
                    target = self.routine_ids.get(failure.get(key))
                    if failure.get(key):
                        items.append(f"{label}: " + (self.proc_link(here, target) if target else code(failure[key])))
            if step.get("procedure"):
                target = self.routine_ids.get(step["procedure"])
                items.append("Følg rutinen: " + (self.proc_link(here, target) if target else code(step["procedure"])))
            escalation = step.get("escalation") or {}
            if escalation:
                roles = {r.get("id"): r for r in entry.data.get("roles", []) or []}
                role = roles.get(escalation.get("to"))
                line = "Eskaleres til " + (esc(role.get("title")) if role else code(escalation.get("to")))
                if escalation.get("after"):
                    line += f" etter {esc(duration_nb(escalation['after']))}"
                if escalation.get("setting"):
                    line += f" etter tiden i innstillingen {self.setting_link(here, escalation['setting'])}"
                    setting = self.settings.get(escalation["setting"])
                    if setting:
                        line += f" ({self.setting_value(setting)})"
                if escalation.get("note"):
                    line += ". " + _esc_inner(" " + escalation["note"]).strip()
                items.append(line)
            if step.get("settings"):
                items.append("Innstillinger: " + ", ".join(self.setting_link(here, s) for s in step["settings"]))
            nxt = self.next_cell(here, entry, step)
            if nxt and step.get("type") != "end":
                items.append("Neste: " + nxt.replace("<br>", "; "))
            out += [f"- {item}" for item in items] + [""]
            if step.get("contacts"):
                out += ["Kontaktpunkter:", ""]
                for contact in step["contacts"]:
                    out += contact_block(contact)
                out.append("")
            facts = [f"{marks.FACT_NB[fact].capitalize()}: {mark_badge(mark)} "
                     + _esc_inner(" " + mark.get("note", "")).strip()
                     for fact, mark in (step.get("marks") or {}).items()
                     if fact in marks.FACT_NB and mark.get("status") in marks.MARK_NB and mark.get("note")]
            if facts:
                out += [f"- {line}" for line in facts] + [""]
            out += self.unconfirmed_block(step.get("unconfirmed"))
            if step.get("not_found"):
                out += ["Ikke funnet i kildene:", ""] + [f"- {esc(t)}" for t in step["not_found"]] + [""]
            if step.get("sources"):
                out += ["Kilder:", ""] + sources_list(step["sources"])
        return out

    def obligations_section(self, here: str, entry: Entry) -> list[str]:
        fulfils = entry.data.get("fulfils") or []
        if not fulfils:
            return []
        out = ["## Forpliktelser prosedyren oppfyller {#forpliktelser}", ""]
        rows = []
        for oid in fulfils:
            ob = self.obligation_by_id.get(oid, {})
            rows.append([self.obligation_link(here, oid), esc(ob.get("clause")), esc(ob.get("summary"))])
        out += table(["Id", "Punkt i avtalen", "Forpliktelse"], rows)
        return out

    def used_by_section(self, here: str, entry: Entry) -> list[str]:
        if entry.kind != "routine":
            return []
        users = self.uses.get(("routine", entry.id), [])
        if not users:
            return []
        how_nb = {"apprec": "ved negativ eller manglende kvittering", "misdirected": "ved feilsendt melding",
                  "subprocess": "som delprosedyre"}
        grouped: dict = {}
        for user, sid, how in users:
            grouped.setdefault((user.id, how), (user, []))[1].append(sid)
        out = ["## Brukes av {#brukes-av}", ""]
        for (_, how), (user, sids) in sorted(grouped.items(), key=lambda item: item[0]):
            out.append(f"- {self.proc_link(here, user, with_status=False)} {how_nb.get(how, '')}: "
                       + ", ".join(self.step_link(here, user, s) for s in sids))
        out.append("")
        return out

    def unconfirmed_section(self, entry: Entry) -> list[str]:
        items = entry.data.get("unconfirmed") or []
        if not items:
            return []
        return ["## Ikke bekreftet {#ikke-bekreftet}", "",
                "Opplysninger i prosedyren som kildene ikke bekrefter:", ""] + self.unconfirmed_block(items)

    # -- message catalogue ----------------------------------------------------------------

    def page_catalogue(self) -> str:
        here = CATALOGUE
        out = ["# Meldingskatalogen", "",
               "Meldingstypene prosedyrene kan bruke, med retning, adressering, svar og status etter "
               "forskriften, og hvor hver type brukes.", ""]
        rows = []
        for mid, mtype in self.message_types.items():
            data = mtype.data
            used = self.uses.get(("message-type", mid), [])
            rows.append([self.a(here, CATALOGUE, esc(data.get("name")), mtype_anchor(mid)),
                         f"{esc(data.get('standard'))}, v{esc(data.get('version'))}",
                         "<br>".join(self.direction_text(d) for d in data.get("directions", []) or []),
                         esc(REGULATION_NB.get(data.get("regulation_status"), data.get("regulation_status"))),
                         str(len(used)) if used else "ikke brukt"])
        out += table(["Meldingstype", "Standard", "Retning", "Etter forskriften", "Brukes i steg"], rows)
        for mtype in self.message_types.values():
            out += self.catalogue_entry(here, mtype)
        return "\n".join(out)

    def direction_text(self, direction: dict) -> str:
        text = esc(f"{PARTY_NB.get(direction.get('from'), direction.get('from'))} → "
                   f"{PARTY_NB.get(direction.get('to'), direction.get('to'))}")
        if direction.get("addressed_to"):
            text += " (" + ", ".join(esc(ADDRESS_NB.get(a, a)) for a in direction["addressed_to"]) + ")"
        return text

    def catalogue_entry(self, here: str, mtype: Entry) -> list[str]:
        data = mtype.data
        out = [f"## {esc(data.get('name'))} {{#{mtype_anchor(mtype.id)}}}", ""]
        out += paragraphs(data.get("description"))
        answer = data.get("answer") or {}
        answer_text = ""
        if answer:
            answer_text = self.mtype_link(here, answer.get("message_type"))
            answer_text += " (påkrevd)" if answer.get("required") else " (ikke påkrevd)"
            if answer.get("note"):
                answer_text += ". " + _esc_inner(" " + answer["note"]).strip()
        deadline = data.get("deadline") or {}
        deadline_text = ""
        if deadline:
            deadline_text = ("samme dag" if deadline.get("same_day") else f"innen {esc(duration_nb(deadline.get('within')))}")
            deadline_text += f" etter {esc(deadline.get('counted_from'))}"
            if deadline.get("rule"):
                deadline_text += f" ({external_link(deadline['rule'])})"
        out += self.facts([
            ("Id", code(mtype.id)),
            ("Standard", esc(data.get("standard"))),
            ("Versjon", esc(data.get("version"))),
            ("Meldingsfamilie", esc(FAMILY_NB.get(data.get("family"), data.get("family") or ""))),
            ("Retning og adressering", "<br>".join(self.direction_text(d) for d in data.get("directions", []) or [])),
            ("Svar", answer_text or "ingen"),
            ("Applikasjonskvittering", "ja" if data.get("apprec") else "nei"),
            ("Frist etter regelverket", deadline_text),
            ("Status etter forskriften",
             esc(REGULATION_NB.get(data.get("regulation_status"), data.get("regulation_status")))
             + (f" ({esc(data['regulation_ref'])})" if data.get("regulation_ref") else "")),
        ])
        used = self.uses.get(("message-type", mtype.id), [])
        if used:
            out += ["Brukes i:", ""]
            for user, sid, _ in used:
                out.append(f"- {self.proc_link(here, user, with_status=False)}: {self.step_link(here, user, sid)}")
            out.append("")
        else:
            out += ["Ingen prosedyre bruker meldingstypen ennå.", ""]
        out += self.unconfirmed_block(data.get("unconfirmed"))
        if data.get("sources"):
            out += ["Kilder:", ""] + sources_list(data["sources"])
        return out

    # -- parties --------------------------------------------------------------------------

    def page_parties(self) -> str:
        """The party index: one row per party (its page, kommunenummer, what is missing), with
        a filter box; the party pages themselves are not in the navigation (one list here
        instead of a long menu on every page)."""
        here = PARTIES
        out = ["# Partene", "",
               "UNN og kommunene som har inngått tjenesteavtalen. Skriv i feltet for å finne din kommune "
               "(navn eller kommunenummer); tabellen viser om parten har registrert opplysningene avtalen krever.", "",
               '<p class="sh-filter" hidden><label for="sh-filter-parter">Finn part</label> '
               '<input type="search" id="sh-filter-parter" data-sh-filter="sh-parter" autocomplete="off"></p>', ""]
        header = ["Part", "Kommunenummer", "Tjenesteadresser"] + [
            PARTY_FIELD_NB.get(f, f)[:1].upper() + PARTY_FIELD_NB.get(f, f)[1:] for f in self.required_fields
            if f != "service_addresses"]
        rows = []
        for party in self.parties:
            data = party.data
            missing = set(missing_party_data(self.repo, party, self.required_fields))
            rows.append([self.a(here, party_page(party.id), esc(self.party_name(party))),
                         esc(data.get("municipality_number") or ""),
                         ", ".join(esc(ADDRESS_NB.get(a.get("role"), a.get("role")))
                                   for a in data.get("service_addresses", []) or [])]
                        + [MISSING if f in missing else "registrert" for f in self.required_fields
                           if f != "service_addresses"])
        out += ['<div class="sh-parter" markdown>', ""] + table(header, rows) + ["</div>", ""]
        return "\n".join(out)

    def page_party(self, party: Entry) -> str:
        """One party's page (template party.md.j2)."""
        missing = set(missing_party_data(self.repo, party, self.required_fields))
        return render_template("party.md.j2", p=self.views.party_view(party, missing, list(self.required_fields)))

    # -- agreement and coverage -----------------------------------------------------------

    def coverage_states(self) -> dict:
        """Obligation id -> (state, text) for the coverage matrix."""
        states = {}
        for ob in self.obligations:
            oid = ob.get("id")
            covering = self.coverage.get(oid, [])
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
                lacking = [p for p in self.parties if any(not p.data.get(f) for f in fields)]
                if lacking:
                    states[oid] = ("party-missing", f"{len(lacking)} av {len(self.parties)} parter mangler opplysninger")
                else:
                    states[oid] = ("party-complete", "alle parter har registrert")
            else:
                states[oid] = ("principle", "prinsipp for hele samlingen")
        return states

    def page_agreement(self) -> str:
        here = AGREEMENT
        if self.agreement is None:
            return "# Tjenesteavtalen\n\nAvtalen er ikke registrert.\n"
        data = self.agreement.data
        out = [f"# {esc(data.get('title'))}", ""]
        out += paragraphs(data.get("summary"))
        body = data.get("approving_body") or {}
        out += self.facts([("Hjemmel", esc(data.get("legal_basis"))),
                           ("Vedtaksorgan", f"{esc(body.get('name'))} ({esc(body.get('short_name'))})")])
        if body.get("note"):
            out += ["## Om vedtaksorganet {#vedtaksorganet}", ""] + paragraphs(body["note"])
            out += sources_list(body.get("sources"))
        states = self.coverage_states()
        out += ["## Dekning {#dekning}", ""]
        summary = []
        for state, label in (("uncovered", "Ikke dekket"), ("draft-only", "Bare dekket av utkast"),
                             ("adopted", "Dekket av vedtatt prosedyre"),
                             ("party-missing", "Partsopplysninger mangler"),
                             ("party-complete", "Partsopplysninger registrert"), ("principle", "Prinsipp")):
            ids = [o.get("id") for o in self.obligations if states[o.get("id")][0] == state]
            if ids or state in ("uncovered", "draft-only", "adopted"):
                summary.append([badge(label, "coverage-" + state), str(len(ids)),
                                ", ".join(self.a(here, AGREEMENT, esc(i), obligation_anchor(i)) for i in ids) or "ingen"])
        out += table(["Dekning", "Antall", "Forpliktelser"], summary)
        out += ["Tabellen viser hver forpliktelse og prosedyrene som oppfyller den. En forpliktelse er "
                f"oppfylt først når {esc(self.body)} har vedtatt en prosedyre som dekker den.", ""]
        rows = []
        for ob in self.obligations:
            oid = ob.get("id")
            state, text = states[oid]
            covering = self.coverage.get(oid, [])
            procs = "<br>".join(self.proc_link(here, e) for e in covering) or (
                "ingen" if ob.get("evidence") in ("procedure", "plan") else "")
            if ob.get("evidence") == "party-data":
                procs = (procs + "<br>" if procs else "") + ", ".join(
                    esc(PARTY_FIELD_NB.get(f, f)) for f in ob.get("party_fields", []) or [])
            rows.append([f'<span id="{h(obligation_anchor(oid))}"></span>{esc(oid)}', esc(ob.get("clause")),
                         esc(ob.get("summary")), esc(EVIDENCE_NB.get(ob.get("evidence"), ob.get("evidence"))),
                         procs, badge(text, "coverage-" + state)])
        out += table(["Id", "Punkt", "Forpliktelse", "Oppfylles av", "Prosedyrer", "Dekning"], rows)
        notes = [ob for ob in self.obligations if ob.get("note") or ob.get("requires_routine")]
        if notes:
            out += ["## Merknader til forpliktelsene {#merknader}", ""]
            for ob in notes:
                line = f"- **{esc(ob.get('id'))}** ({esc(ob.get('clause'))}): "
                parts = []
                if ob.get("note"):
                    parts.append(_esc_inner(" " + ob["note"]).strip())
                if ob.get("requires_routine"):
                    parts.append(f"Krever én rutine for {esc(CATEGORY_NB.get(ob['requires_routine'], ob['requires_routine']))}.")
                out.append(line + " ".join(parts))
            out.append("")
        if data.get("sources"):
            out += ["## Kilder {#kilder}", ""] + sources_list(data["sources"])
        return "\n".join(out)

    # -- settings and decisions -----------------------------------------------------------

    def page_settings(self) -> str:
        here = SETTINGS
        out = ["# Innstillinger", "",
               f"Verdier avtalen overlater til {esc(self.body)}. En innstilling står som «til behandling» "
               "til et vedtak setter den.", ""]
        if not self.settings:
            return "\n".join(out + ["Ingen innstillinger er registrert.", ""])
        out += table(["Innstilling", "Verdi", "Status"],
                     [[self.a(here, SETTINGS, esc(s.data.get("title")), setting_anchor(s.id)), self.setting_value(s),
                       esc(SETTING_STATUS_NB.get(s.data.get("status"), s.data.get("status")))]
                      for s in self.settings.values()])
        for sid, setting in self.settings.items():
            data = setting.data
            decision = self.decisions.get(data.get("decision"))
            out += [f"## {esc(data.get('title'))} {{#{setting_anchor(sid)}}}", ""]
            out += paragraphs(data.get("description"))
            out += self.facts([
                ("Id", code(sid)),
                ("Verditype", "varighet" if data.get("kind") == "duration" else "tekst"),
                ("Status", esc(SETTING_STATUS_NB.get(data.get("status"), data.get("status")))),
                ("Foreslått verdi", self.show_setting(data, data.get("proposed")) if data.get("proposed") else "ingen"),
                ("Vedtatt verdi", self.show_setting(data, data.get("value")) if data.get("value") else "ikke vedtatt"),
                ("Vedtak", self.a(here, DECISIONS, f"sak {esc(decision.data.get('case_number'))}",
                                  decision_anchor(decision.id)) if decision else "ingen"),
            ])
            users = [(u, s, how) for u, s, how in self.uses.get(("setting", sid), []) if u.kind in ("chain", "routine")]
            if users:
                out += ["Brukes i:", ""]
                seen = set()
                for user, step_id, _ in users:
                    key = (user.id, step_id)
                    if key in seen:
                        continue
                    seen.add(key)
                    where = self.step_link(here, user, step_id) if step_id else "hele prosedyren"
                    out.append(f"- {self.proc_link(here, user, with_status=False)}: {where}")
                out.append("")
            out += self.unconfirmed_block(data.get("unconfirmed"))
            if data.get("sources"):
                out += ["Kilder:", ""] + sources_list(data["sources"])
        return "\n".join(out)

    def show_setting(self, data: dict, value) -> str:
        if data.get("kind") == "duration":
            return f"{esc(duration_nb(value))} ({code(value)})"
        return esc(value)

    def page_decisions(self) -> str:
        here = DECISIONS
        out = ["# Vedtak", "",
               f"{esc(self.body)}s vedtak om prosedyrene og innstillingene, nyeste først.", ""]
        decisions = sorted(self.decisions.values(),
                           key=lambda d: (str(d.data.get("meeting_date") or ""), d.id), reverse=True)
        if not decisions:
            out += ['<div class="sh-status sh-status--draft" data-status="none-adopted" role="note" aria-label="Status">',
                    '<p class="sh-status__label">Ingen vedtak er registrert</p>',
                    f"<p>{h(self.body)} har ikke vedtatt noen av prosedyrene eller innstillingene ennå. "
                    "Alle prosedyrene er derfor utkast eller til behandling, og ingen av dem gjelder.</p>",
                    "</div>", ""]
            return "\n".join(out)
        out += table(["Møtedato", "Sak", "Organ", "Vedtak"],
                     [[esc(date_nb(d.data.get("meeting_date"))), esc(d.data.get("case_number")), esc(d.data.get("body")),
                       self.a(here, DECISIONS, esc(d.data.get("title")), decision_anchor(d.id))] for d in decisions])
        by_id = {e.id: e for e in self.procedures}
        for decision in decisions:
            data = decision.data
            out += [f"## {esc(data.get('title'))} {{#{decision_anchor(decision.id)}}}", ""]
            out += self.facts([("Organ", esc(data.get("body"))), ("Saksnummer", esc(data.get("case_number"))),
                               ("Møtedato", esc(date_nb(data.get("meeting_date")))), ("Id", code(decision.id))])
            out += paragraphs(data.get("summary"))
            adopts = data.get("adopts") or []
            if adopts:
                out += ["Vedtar:", ""]
                for item in adopts:
                    proc = by_id.get(item.get("procedure"))
                    name = self.proc_link(here, proc) if proc else code(item.get("procedure"))
                    line = f"- {name}, versjon {esc(item.get('version'))}"
                    if proc and proc.data.get("version") != item.get("version"):
                        line += f" (gjeldende versjon på siden er {esc(proc.data.get('version'))})"
                    out.append(line)
                out.append("")
            if data.get("settings"):
                out += ["Setter innstillingene:", ""]
                out += [f"- {self.setting_link(here, s)}" for s in data["settings"]] + [""]
            if data.get("sources"):
                out += ["Kilder:", ""] + sources_list(data["sources"])
        return "\n".join(out)

    # -- findings and rules ---------------------------------------------------------------

    def page_findings(self) -> str:
        """Every finding, one section per rule; a rule with more than a few findings is one
        line (how many, the message of the first, and where), so a warning every party shares
        does not fill the page once per party."""
        here = FINDINGS
        out = ["# Funn fra sjekkene", "",
               "Det `samhandling check` melder om innholdet. Nettstedet bygges ikke når sjekkene finner feil, "
               "så her står bare advarsler: ting som må følges opp, men som ikke stopper publiseringen.", ""]
        if not self.findings:
            return "\n".join(out + ["Sjekkene fant ingenting.", ""])
        by_rule: dict = {}
        for f in self.findings:
            by_rule.setdefault(f.rule, []).append(f)
        for rule_id, found in sorted(by_rule.items(), key=lambda item: (-len(item[1]), item[0])):
            rule = RULES.get(rule_id)
            title = f"{rule_id}: {rule.title}" if rule else rule_id
            out += [f"## {esc(title)} ({len(found)}) {{#{'regel-' + slug(rule_id)}}}", "",
                    f"{badge(SEVERITY_NB.get(found[0].severity, found[0].severity), 'severity-' + found[0].severity)} "
                    + self.a(here, RULES_PAGE, "Om regelen", rule_anchor(rule_id)) + ".", ""]
            if len(found) > COLLAPSE_AFTER:
                out += [f"{len(found)} funn, for eksempel: {rich(found[0].message)}", ""]
                if found[0].hint:
                    out += [f"Tips: {rich(found[0].hint)}", ""]
                out += ["Hvor: " + ", ".join(code(f.location()) for f in found) + ".", ""]
                continue
            out += [f"- {code(f.location())}: {rich(f.message)}" + (f" Tips: {rich(f.hint)}" if f.hint else "")
                    for f in found] + [""]
        return "\n".join(out)

    def page_rules(self) -> str:
        here = RULES_PAGE
        out = ["# Reglene", "",
               "Alle reglene `samhandling check` sjekker. Et funn på feilnivå stopper publiseringen; "
               "en advarsel gjør det ikke. `samhandling explain REGEL` viser det samme i terminalen.", ""]
        groups: dict = {}
        for rid in sorted(RULES):
            groups.setdefault(rid.split(".")[0], []).append(RULES[rid])
        counts: dict = {}
        for f in self.findings:
            counts[f.rule] = counts.get(f.rule, 0) + 1
        out += table(["Regel", "Alvor", "Tittel"],
                     [[self.a(here, RULES_PAGE, code(r.id), rule_anchor(r.id)),
                       esc(SEVERITY_NB.get(r.severity, r.severity)), esc(r.title)]
                      for rid in sorted(RULES) for r in [RULES[rid]]])
        for prefix, rules in groups.items():
            out += [f"## {esc(GROUP_NB.get(prefix, prefix))} {{#gruppe-{slug(prefix)}}}", ""]
            for r in rules:
                out += [f"### {esc(r.id)}: {esc(r.title)} {{#{rule_anchor(r.id)}}}", "",
                        f"Alvor: {esc(SEVERITY_NB.get(r.severity, r.severity))}."
                        + (f" Gjeldende funn: {self.a(here, FINDINGS, str(counts[r.id]))}." if counts.get(r.id) else ""),
                        ""]
                for block in re.split(r"\n\s*\n", r.doc):
                    out += [rich(block), ""]
        return "\n".join(out)

    # -- schemas --------------------------------------------------------------------------

    def schema_docs(self) -> dict:
        """File name -> parsed schema, as the repository's checks use them."""
        directory = schemas_for(self.repo.root).directory
        out = {}
        for path in sorted(directory.glob("*.schema.json")):
            out[path.name] = (path.read_text(encoding="utf-8"), json.loads(path.read_text(encoding="utf-8")))
        return out

    def page_schemas(self, docs: dict) -> str:
        here = SCHEMAS
        out = ["# Skjemaene", "",
               "Hver YAML-fil under `procedures/` må følge JSON-skjemaet (draft 2020-12) for sin "
               "dokumenttype. Typen bestemmes av hvor filen ligger. Hvert felt har norsk tittel og "
               "beskrivelse, så et redigeringsverktøy med YAML-støtte viser hjelp og fanger feil mens "
               "du skriver.", ""]
        rows = []
        for kind, pattern in kind_patterns():
            name = f"{kind}.schema.json"
            if name not in docs:
                continue
            rows.append([self.a(here, schema_page(kind), esc(KIND_TITLE.get(kind, kind))), code(pattern),
                         self.a(here, f"skjemaer/{name}", code(name))])
        out += table(["Dokumenttype", "Filer", "Skjema"], rows)
        if "common.schema.json" in docs:
            out += [f"Byggeklossene de andre skjemaene viser til, står i "
                    f"{self.a(here, 'skjemaer/common.schema.json', code('common.schema.json'))}.", ""]
        out += ["## Oppsett i Visual Studio Code {#vscode}", "",
                "Med utvidelsen YAML (Red Hat) kobles skjemaene til filene i `.vscode/settings.json` i depotet:", ""]
        mapping = {f"schemas/{kind}.schema.json": pattern for kind, pattern in kind_patterns()
                   if f"{kind}.schema.json" in docs}
        out += ["    " + line for line in json.dumps({"yaml.schemas": mapping}, indent=2, ensure_ascii=False).splitlines()]
        out += ["", "Eller øverst i én fil (stien er relativ til filen):", "",
                "    # yaml-language-server: $schema=../../schemas/chain.schema.json", "",
                "Kjør `samhandling check` før du sender endringen: den sjekker også alt skjemaene ikke kan "
                "uttrykke, som referanser, grafer og dekning.", ""]
        return "\n".join(out)

    def page_schema(self, kind: str, docs: dict) -> str:
        here = schema_page(kind)
        name = f"{kind}.schema.json"
        schema = docs[name][1]
        pattern = dict(kind_patterns()).get(kind, "")
        out = [f"# Skjema: {esc(KIND_TITLE.get(kind, kind))}", "",
               rich(schema.get("description", "")), "",
               f"Filer: {code(pattern)}. Skjemafil: {self.a(here, f'skjemaer/{name}', code(name))}.", ""]
        rows = []
        for row in schema_fields(schema, name, docs):
            rows.append([code(row["path"]), esc(row["title"]), row["type"], "ja" if row["required"] else "nei",
                         rich(row["description"])])
        out += ["## Feltene {#feltene}", "",
                "Et felt med `[]` er en liste; feltene under det gjelder hvert element. Ukjente felt er feil.", ""]
        out += table(["Felt", "Tittel", "Verdi", "Påkrevd", "Beskrivelse"], rows)
        return "\n".join(out)

    # -- the printable page ---------------------------------------------------------------

    def page_print(self) -> str:
        """Every procedure and the contacts on one page for paper (template print.md.j2)."""
        return render_template("print.md.j2", p=self.views.print_view(PRINT))

    # -- everything -----------------------------------------------------------------------

    def site(self) -> Site:
        site = Site()
        pages = site.pages
        views = self.views
        pages[INDEX] = render_template("index.md.j2", f=views.front_view(INDEX))
        for situation in views.situations:
            pages[viewmodel.situation_page(situation.id)] = render_template(
                "situation.md.j2", s=views.situation_view(situation))
        for role in views.roles:
            pages[viewmodel.role_page(role.id)] = render_template("role.md.j2", r=views.role_view(role))
        pages[CONTACTS] = render_template("contacts.md.j2", c=views.contacts_view(CONTACTS))
        pages[GLOSSARY] = render_template("glossary.md.j2", g=views.glossary_view(GLOSSARY))
        pages[CHANGES] = render_template("changes.md.j2", c=views.changes_view(CHANGES))
        pages[STATUS] = self.page_status()
        for entry in self.chains + self.routines:
            pages[procedure_page(entry)] = self.page_procedure(entry)
        pages[CATALOGUE] = self.page_catalogue()
        pages[PARTIES] = self.page_parties()
        for party in self.parties:
            pages[party_page(party.id)] = self.page_party(party)
        pages[AGREEMENT] = self.page_agreement()
        pages[SETTINGS] = self.page_settings()
        pages[DECISIONS] = self.page_decisions()
        pages[PRINT] = self.page_print()
        pages[FINDINGS] = EDITOR_FRONT + self.page_findings()
        pages[RULES_PAGE] = EDITOR_FRONT + self.page_rules()
        docs = self.schema_docs()
        pages[SCHEMAS] = EDITOR_FRONT + self.page_schemas(docs)
        kinds = [kind for kind, _ in kind_patterns() if f"{kind}.schema.json" in docs]
        for kind in kinds:
            pages[schema_page(kind)] = EDITOR_FRONT + self.page_schema(kind, docs)
        for name, (text, _) in docs.items():
            site.files[f"skjemaer/{name}"] = text
        for path in list(pages):
            pages[path] = pages[path].rstrip("\n") + "\n"
        site.nav = [
            ("Forside", INDEX),
            ("Hva gjør jeg når …", [(e.data.get("title") or e.id, viewmodel.situation_page(e.id))
                                    for e in views.situations]),
            ("Roller", [(None, viewmodel.role_page(e.id)) for e in views.roles]),
            ("Kontaktpunkter ved nedetid", CONTACTS),
            ("Ordliste", GLOSSARY),
            ("Meldingskjeder", [(None, procedure_page(e)) for e in self.chains]),
            ("Rutiner", [(None, procedure_page(e)) for e in self.routines]),
            ("Alle prosedyrer for utskrift", PRINT),
            ("Meldingskatalogen", CATALOGUE),
            # The party pages are reached from the party index (mkdocs.yml: not_in_nav), not
            # from a menu of every party on every page.
            ("Partene", PARTIES),
            ("Avtalen og dekning", AGREEMENT),
            ("Innstillinger", SETTINGS),
            ("Vedtak", DECISIONS),
            ("Endringer", CHANGES),
            ("For OSO og redaktører", [("Status for prosedyrene", STATUS), ("Funn fra sjekkene", FINDINGS), ("Reglene", RULES_PAGE),
                                ("Skjemaene", SCHEMAS)] + [(None, schema_page(k)) for k in kinds]),
        ]
        site.nav = [(title, target) for title, target in site.nav if target != []]
        return site


GROUP_NB = {
    "yaml": "Streng YAML", "file": "Filer og id-er", "schema": "Skjemaene", "ref": "Referanser",
    "procedure": "Prosedyrer", "coverage": "Dekning av avtalen", "party": "Partene",
    "graph": "Prosedyregrafen", "message": "Meldinger", "deadline": "Frister",
    "failure": "Feilhåndtering", "repo": "Hele depotet", "privacy": "Personvern",
    "governance": "Styring og vedtak",
}




def kind_patterns() -> list[tuple[str, str]]:
    """(kind, file pattern) for every document kind, in the README's order."""
    out = [(kind, f"procedures/{name}") for name, kind in SINGLE_FILES.items()]
    out += [(kind, f"procedures/{folder}/*.yaml") for folder, kind in FOLDERS.items()]
    return out


# -- schema walking --------------------------------------------------------------------------


def schema_fields(schema: dict, name: str, docs: dict, limit: int = 12) -> list[dict]:
    """Every field of a schema as rows (path, title, type text, required, description),
    with `$ref`s to the same or another schema file resolved."""
    rows: list = []

    def resolve(node: dict, current: str) -> tuple[dict, str, str]:
        """The node with its `$ref` followed (sibling keys win), the file it came from,
        and the name of the definition it refers to."""
        ref = node.get("$ref")
        if not ref:
            return node, current, ""
        file, _, pointer = ref.partition("#")
        file = file or current
        target = docs.get(file, (None, {}))[1]
        for part in [p for p in pointer.split("/") if p]:
            target = target.get(part, {}) if isinstance(target, dict) else {}
        merged_target, file, _ = resolve(target, file)
        merged = {**merged_target, **{k: v for k, v in node.items() if k != "$ref"}}
        return merged, file, pointer.rsplit("/", 1)[-1]

    def walk(node: dict, current: str, path: str, required: bool, depth: int, def_name: str = ""):
        node, current, ref_name = resolve(node, current)
        def_name = ref_name or def_name
        if path:
            rows.append({"path": path, "title": node.get("title", ""), "type": type_text(node, docs, current),
                         "required": required, "description": node.get("description", "")})
        if depth >= limit:
            return
        if node.get("type") == "object" or "properties" in node:
            needed = set(node.get("required", []))
            for key, child in node.get("properties", {}).items():
                walk(child, current, f"{path}.{key}" if path else key, key in needed, depth + 1)
        items = node.get("items")
        if isinstance(items, dict):
            item, item_file, _ = resolve(items, current)
            if item.get("type") == "object" or "properties" in item:
                needed = set(item.get("required", []))
                for key, child in item.get("properties", {}).items():
                    walk(child, item_file, f"{path}[].{key}", key in needed, depth + 1)

    walk(schema, name, "", True, 0)
    return rows


def type_text(node: dict, docs: dict, current: str) -> str:
    """What kind of value a field takes, in Norwegian (Markdown)."""
    if "enum" in node:
        return "én av " + ", ".join(code(v) for v in node["enum"])
    if "const" in node:
        return f"alltid {code(json.dumps(node['const']))}"
    kind = node.get("type")
    if kind == "array":
        items = node.get("items") or {}
        if "$ref" in items:
            file, _, pointer = items["$ref"].partition("#")
            target = docs.get(file or current, (None, {}))[1]
            for part in [p for p in pointer.split("/") if p]:
                target = target.get(part, {}) if isinstance(target, dict) else {}
            items = {**target, **{k: v for k, v in items.items() if k != "$ref"}}
        inner = items.get("title") or ""
        text = "liste" + (f" av {esc(inner.lower())}" if inner else "")
        if "enum" in items:
            text += " (" + ", ".join(code(v) for v in items["enum"]) + ")"
        return text
    if kind == "object":
        return "tabell"
    if kind == "boolean":
        return f"{code('true')} eller {code('false')}"
    if kind == "string":
        if node.get("format") == "date":
            return "dato (ÅÅÅÅ-MM-DD)"
        text = "tekst"
        if node.get("maxLength"):
            text += f", høyst {node['maxLength']} tegn"
        if node.get("pattern"):
            text += f", mønster {code(node['pattern'])}"
        return text
    if kind in ("integer", "number"):
        return "tall"
    return ""


# -- public entry points ---------------------------------------------------------------------


def render(repo: Repository, findings: list[Finding], last_changed: dict | None = None,
           history: list | None = None) -> Site:
    """The whole site for a checked repository (its entries and the findings of run_checks).
    `last_changed`: file -> date (ÅÅÅÅ-MM-DD) of its last commit, when known (the hook reads it
    from git), shown as «Sist endret»."""
    return _Renderer(repo, findings, last_changed, history).site()


def render_pages(repo: Repository, findings: list[Finding]) -> dict[str, str]:
    """Path -> Markdown for every page."""
    return render(repo, findings).pages


def mark_badge(mark: dict) -> str:
    """The badge for one marked fact: «ikke bekreftet» or «sekundærkilde»."""
    status = mark.get("status")
    return UNCONFIRMED if status == "unconfirmed" else badge(marks.MARK_NB.get(status, status), status)


def fact_badge(step: dict, fact: str) -> str:
    """A badge right after the fact a step's `marks` qualify (empty when it is confirmed)."""
    mark = (step.get("marks") or {}).get(fact)
    return (" " + mark_badge(mark)) if mark and mark.get("status") in marks.MARK_NB else ""
