"""The site as Markdown pages, rendered from the checked model.

`render(repo, findings)` returns a `Site`: every page as Markdown text keyed by its path
(`kjeder/standard-plo-kjede.md`), the navigation, and files to publish as they are (the JSON
Schemas). Nothing here knows about MkDocs; a thin hook (`checks/site/mkdocs_hook.py`) hands the
pages to MkDocs, and another generator could take the same dict.

This module only decides which pages there are: for each, a template in
`checks/site/templates/` (what the page says and how it looks, Markdown with some HTML) and a
view model from `checks/site/viewmodel.py` (plain values from the checked repository). The
README («Nettstedet: maler») says which template makes which page.

Rules the pages keep:

- Every text from YAML is escaped where a template shows it (`templating.py`): it is shown as
  text, never interpreted as HTML or Markdown, so a title `<script>` is only a title.
- Every procedure page starts with its status; anything but `vedtatt` says plainly that
  the procedure does not apply yet.
- Facts the sources do not confirm are marked «ikke bekreftet»; missing party data is
  marked «mangler».
- The output depends on the input alone (no clock, no environment, sorted everywhere), so
  the same repository gives byte-identical pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.findings import Finding
from ..model.repository import Entry, Repository
from ..rules.content import missing_party_data
from . import schemadoc, viewmodel
from .templating import render_template
from .text import PARTY_NB, esc  # noqa: F401  (re-exported: the browser tests use render.PARTY_NB)

INDEX = "index.md"
COLLAPSE_AFTER = 3  # findings of one rule shown one by one up to this many, then as one line
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


def procedure_page(entry: Entry) -> str:
    return viewmodel.Index.procedure_path(entry)


def party_page(pid: str) -> str:
    return f"parter/{pid}.md"


def schema_page(kind: str) -> str:
    return f"skjemaer/{kind}.md"


@dataclass
class Site:
    """Everything the site needs: Markdown pages, files published as they are, and the nav.

    `nav` is a list of `(title, target)`, where the target is a page path or a list of
    the same; a title of None means "the page's own heading"."""

    pages: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    nav: list = field(default_factory=list)


def render(repo: Repository, findings: list[Finding], last_changed: dict | None = None,
           history: list | None = None) -> Site:
    """The whole site for a checked repository (its entries and the findings of run_checks).
    `last_changed`: file -> date (ÅÅÅÅ-MM-DD) of its last commit, when known (the hook reads it
    from git), shown as «Sist endret»; `history`: [(date, [files])] for the change log."""
    index = viewmodel.Index(repo, findings, last_changed, history)
    views = viewmodel.Views(index)
    site = Site()
    pages = site.pages

    # staff pages: by situation and role first
    pages[INDEX] = render_template("index.md.j2", f=views.front_view(INDEX))
    for situation in views.situations:
        pages[viewmodel.situation_page(situation.id)] = render_template("situation.md.j2", s=views.situation_view(situation))
    for role in views.roles:
        pages[viewmodel.role_page(role.id)] = render_template("role.md.j2", r=views.role_view(role))
    pages[CONTACTS] = render_template("contacts.md.j2", c=views.contacts_view(CONTACTS))
    pages[GLOSSARY] = render_template("glossary.md.j2", g=views.glossary_view(GLOSSARY))
    pages[CHANGES] = render_template("changes.md.j2", c=views.changes_view(CHANGES))
    for entry in index.procedures:
        pages[procedure_page(entry)] = render_template("procedure.md.j2", p=views.procedure_view(entry))
    pages[PRINT] = render_template("print.md.j2", p=views.print_view(PRINT))

    # reference pages
    pages[STATUS] = render_template("status.md.j2", v=views.dashboard_view(STATUS))
    pages[CATALOGUE] = render_template("catalogue.md.j2", v=views.catalogue_view(CATALOGUE))
    pages[PARTIES] = render_template("parties.md.j2", v=views.parties_view(PARTIES))
    for party in index.parties:
        missing = set(missing_party_data(repo, party, index.required_fields))
        pages[party_page(party.id)] = render_template(
            "party.md.j2", p=views.party_view(party, missing, list(index.required_fields)))
    pages[AGREEMENT] = render_template("agreement.md.j2", v=views.agreement_view(AGREEMENT))
    pages[SETTINGS] = render_template("settings.md.j2", v=views.settings_page_view(SETTINGS))
    pages[DECISIONS] = render_template("decisions.md.j2", v=views.decisions_view(DECISIONS))

    # editor pages (out of search: everyday words find the staff pages)
    pages[FINDINGS] = render_template("findings.md.j2", v=views.findings_view(FINDINGS, COLLAPSE_AFTER))
    pages[RULES_PAGE] = render_template("rules.md.j2", v=views.rules_view(RULES_PAGE))
    docs = schemadoc.schema_docs(repo.root)
    pages[SCHEMAS] = render_template("schemas.md.j2", v=views.schemas_view(SCHEMAS, docs))
    kinds = [kind for kind, _ in schemadoc.kind_patterns() if f"{kind}.schema.json" in docs]
    for kind in kinds:
        pages[schema_page(kind)] = render_template("schema.md.j2", v=views.schema_view(schema_page(kind), kind, docs))
    for name, (text, _) in docs.items():
        site.files[f"skjemaer/{name}"] = text

    site.nav = [
        ("Forside", INDEX),
        ("Hva gjør jeg når …", [(e.data.get("title") or e.id, viewmodel.situation_page(e.id))
                                for e in views.situations]),
        ("Roller", [(None, viewmodel.role_page(e.id)) for e in views.roles]),
        ("Kontaktpunkter ved nedetid", CONTACTS),
        ("Ordliste", GLOSSARY),
        ("Meldingskjeder", [(None, procedure_page(e)) for e in index.chains]),
        ("Rutiner", [(None, procedure_page(e)) for e in index.routines]),
        ("Alle prosedyrer for utskrift", PRINT),
        ("Meldingskatalogen", CATALOGUE),
        # The party pages are reached from the party index (mkdocs.yml: not_in_nav), not
        # from a menu of every party on every page.
        ("Partene", PARTIES),
        ("Avtalen og dekning", AGREEMENT),
        ("Innstillinger", SETTINGS),
        ("Vedtak", DECISIONS),
        ("Endringer", CHANGES),
        ("For OSO og redaktører", [("Status for prosedyrene", STATUS), ("Funn fra sjekkene", FINDINGS),
                                   ("Reglene", RULES_PAGE), ("Skjemaene", SCHEMAS)]
         + [(None, schema_page(k)) for k in kinds]),
    ]
    site.nav = [(title, target) for title, target in site.nav if target != []]
    return site


def render_pages(repo: Repository, findings: list[Finding]) -> dict[str, str]:
    """Path -> Markdown for every page."""
    return render(repo, findings).pages
