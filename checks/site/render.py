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


class _Renderer(viewmodel.Index):
    def __init__(self, repo: Repository, findings: list[Finding], last_changed: dict | None = None,
                 history: list | None = None):
        super().__init__(repo, findings, last_changed, history)
        self.views = viewmodel.Views(self)

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

    def page_party(self, party: Entry) -> str:
        """One party's page (template party.md.j2)."""
        missing = set(missing_party_data(self.repo, party, self.required_fields))
        return render_template("party.md.j2", p=self.views.party_view(party, missing, list(self.required_fields)))

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
        pages[STATUS] = render_template("status.md.j2", v=views.dashboard_view(STATUS))
        for entry in self.chains + self.routines:
            pages[procedure_page(entry)] = self.page_procedure(entry)
        pages[CATALOGUE] = render_template("catalogue.md.j2", v=views.catalogue_view(CATALOGUE))
        pages[PARTIES] = render_template("parties.md.j2", v=views.parties_view(PARTIES))
        for party in self.parties:
            pages[party_page(party.id)] = self.page_party(party)
        pages[AGREEMENT] = render_template("agreement.md.j2", v=views.agreement_view(AGREEMENT))
        pages[SETTINGS] = render_template("settings.md.j2", v=views.settings_page_view(SETTINGS))
        pages[DECISIONS] = render_template("decisions.md.j2", v=views.decisions_view(DECISIONS))
        pages[PRINT] = self.page_print()
        pages[FINDINGS] = render_template("findings.md.j2", v=views.findings_view(FINDINGS, COLLAPSE_AFTER))
        pages[RULES_PAGE] = render_template("rules.md.j2", v=views.rules_view(RULES_PAGE))
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
