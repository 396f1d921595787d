"""The published site without a browser: the renderer's Markdown (golden files, escaping,
determinism) and the MkDocs build (strict, fails on error findings, nothing off-host,
Norwegian, status on every procedure page).

Golden files: `UPDATE_GOLDEN=1 pytest tests/test_site.py` rewrites tests/golden/site/ from
the fixture repository; review the diff before committing it.
"""

from __future__ import annotations

import hashlib
import html.parser
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest
import yaml

from checks.site import render as r
from checks.site import text as t
from checks.rules.analysis import run_checks
from checks.rules.content import missing_party_data
from checks.model.findings import RULES

from sitebuild import FIXTURE, ROOT, build, run_build

GOLDEN = ROOT / "tests" / "golden" / "site"
GOLDEN_PAGES = {"kjeder/kjede.md": "kjeder-kjede.md", "rutiner/kvittering.md": "rutiner-kvittering.md"}
CONFIG = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fixture_site():
    repo, findings = run_checks(FIXTURE)
    assert not [f for f in findings if f.severity == "error"], findings
    return repo, findings, r.render(repo, findings)


@pytest.fixture(scope="module")
def real_site():
    repo, findings = run_checks(ROOT)
    return repo, findings, r.render(repo, findings)


def markdown_html(text: str) -> str:
    """Markdown -> HTML with the extensions mkdocs.yml configures."""
    names, configs = [], {}
    for item in CONFIG["markdown_extensions"]:
        if isinstance(item, dict):
            (name, options), = item.items()
            names.append(name)
            configs[name] = options
        else:
            names.append(item)
    return markdown.markdown(text, extensions=names, extension_configs=configs)


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html_text: str) -> _Text:
    parser = _Text()
    parser.feed(html_text)
    return parser


# -- golden files --------------------------------------------------------------------------

@pytest.mark.parametrize("page", sorted(GOLDEN_PAGES))
def test_golden_markdown(fixture_site, page):
    got = fixture_site[2].pages[page]
    path = GOLDEN / GOLDEN_PAGES[page]
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8")
    assert path.is_file(), f"{path} mangler: kjør med UPDATE_GOLDEN=1"
    assert got == path.read_text(encoding="utf-8"), f"{page} er ulik {path}; kjør med UPDATE_GOLDEN=1 og se på diffen"


# -- escaping ------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    '<img src="x" onerror="alert(2)">',
    "[lenke](javascript:alert(3))",
    "![bilde](https://example.org/x.png)",
    "**fet** _kursiv_ *stjerne* __under__",
    "`kode` ``dobbel``",
    "# overskrift",
    "## overskrift ##",
    "- liste",
    "+ liste",
    "* liste",
    "1. nummerert",
    "5) nummerert",
    "> sitat",
    "---",
    "===",
    "~~~",
    "```",
    "| a | b |",
    "a | b",
    "{: .klasse #id }",
    "tekst {#id}",
    "!!! note",
    ":: definisjon",
    "&lt;allerede escapet&gt; &amp; &#60;",
    "backslash \\* \\\\",
    "<http://example.org>",
    "<!-- kommentar -->",
    "linje  \nbrudd",
    "    innrykket kode",
    "[[ferdig]] {slutt}",
    "Kommunen: Sykepleietjeneste → UNN (samme dag)",
    "PLO-meldinger – 5.1 d, første strekpunkt",
]


def _expected(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("context", ["paragraph", "heading", "cell", "item", "link"])
def test_esc_shows_the_text_and_nothing_else(text, context):
    """A hostile text where a template shows it (`{{ x }}` is escaped by default)."""
    from checks.site.templating import environment

    template = {"paragraph": "{{ x }}", "heading": "## {{ x }} {#x}", "cell": "| A | B |\n|---|---|\n| {{ x }} | {{ x }} |",
                "item": "- {{ x }}\n- {{ x }}", "link": '{{ link(x, "side.md") }}'}[context]
    source = environment().from_string(template).render(x=text)
    parsed = parse(markdown_html(source))
    expected = _expected(text)
    text_seen = "".join(parsed.text).replace("¶", "")
    assert expected in text_seen
    allowed = {"paragraph": {"p"}, "heading": {"h2", "a"}, "cell": {"table", "thead", "tbody", "tr", "th", "td"},
               "item": {"ul", "li"}, "link": {"p", "a"}}[context]
    tags = {tag for tag, _ in parsed.tags}
    assert tags <= allowed, (source, tags)
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), attrs
        if tag == "a" and context == "link":
            assert attrs.get("href") == "side.md"


@pytest.mark.parametrize("text", HOSTILE + ["", "0", "1) a", "> b", "'quoted' \"twice\"", "&amp; <x>"])
def test_template_escaping_is_esc_with_quoted_quotes(text):
    from checks.site.templating import _md

    assert str(_md(text)) == t.esc(text).replace('"', "&quot;").replace("'", "&#39;")


def test_esc_roundtrips_arbitrary_text():
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    alphabet = st.sampled_from(list("abcæøå ÆØÅ 012.-+*_`#[](){}<>|!&;:=~\\\"'/\n\t") + ["&amp;", "<b>", "](", "**"])

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(st.lists(alphabet, min_size=1, max_size=30).map("".join))
    def check(text):
        parsed = parse(markdown_html(f"- {t.esc(text)}"))
        assert "".join(parsed.text).strip() == _expected(text)
        assert {tag for tag, _ in parsed.tags} <= {"ul", "li"}

    check()


def test_paragraphs_keep_blank_line_breaks_and_escape_each():
    from checks.site.templating import environment
    from checks.site.viewmodel import paragraphs_view

    paragraphs = paragraphs_view("# første\n\n- andre\n  fortsetter\n\n\n<b>tredje</b>")
    assert paragraphs == ["# første", "- andre fortsetter", "<b>tredje</b>"]
    out = environment().from_string('{% import "partials/blocks.md.j2" as b %}{{ b.paragraphs(x) }}').render(x=paragraphs)
    assert out.rstrip("\n").split("\n") == ["\\# første", "", "&#45; andre fortsetter", "", "&lt;b&gt;tredje&lt;/b&gt;"]


def test_rich_text_keeps_code_and_escapes_the_rest():
    assert t.rich("Skriv `id: x` og *ikke* <b>") == "Skriv <code>id: x</code> og \\*ikke\\* &lt;b&gt;"
    assert t.rich("en ` alene") == t.esc("en ` alene")


def test_external_links_only_for_https_and_quoted():
    from checks.site.templating import environment
    from checks.site.viewmodel import source_view

    template = environment().from_string('{% import "partials/blocks.md.j2" as b %}{{ b.source(x) }}')
    link = template.render(x=source_view({"title": "<i>t</i>", "url": 'https://example.org/"onmouseover="x"',
                                          "status": "unconfirmed"}))
    assert link.startswith('<a href="https://example.org/&quot;onmouseover=&quot;x&quot;">&lt;i&gt;t&lt;/i&gt;</a>')
    assert "ikke bekreftet" in link
    assert "<a" not in template.render(x=source_view({"title": "t", "url": "javascript:alert(1)"}))


# -- small helpers -------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("2026-05-01", "1. mai 2026"), ("2025-12-31", "31. desember 2025"), ("2024-01-10", "10. januar 2024"),
    ("ikke en dato", "ikke en dato"), ("2026-13-01", "2026-13-01"),
])
def test_dates_in_norwegian(value, expected):
    assert t.date_nb(value) == expected


def test_norwegian_sort_order():
    names = ["Åfjord", "Ørland", "Ærøy", "Zeta", "Aukra", "Gáivuotna", "Bø"]
    assert sorted(names, key=t.sort_key_nb) == ["Aukra", "Bø", "Gáivuotna", "Zeta", "Ærøy", "Ørland", "Åfjord"]


def test_slugs_are_ascii_and_stable():
    assert t.slug("5.1.d.3") == "5-1-d-3"
    assert t.slug("Kåfjord – Gáivuotna") == "kafjord-gaivuotna"
    assert t.step_anchor("svar-utskrivningsklar") == "steg-svar-utskrivningsklar"


# -- the rendered model --------------------------------------------------------------------

def test_render_is_deterministic_across_processes():
    """Same input, byte-identical output, whatever the hash seed."""
    script = ("import hashlib, json, sys; from pathlib import Path; from checks.rules.analysis import run_checks; "
              "from checks.site.render import render; repo, f = run_checks(Path(sys.argv[1])); s = render(repo, f); "
              "print(hashlib.sha256(json.dumps([s.pages, s.files, s.nav], sort_keys=True).encode()).hexdigest())")
    digests = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        for root in (FIXTURE, ROOT):
            result = subprocess.run([sys.executable, "-c", script, str(root)], cwd=ROOT, env=env,
                                    capture_output=True, text=True, timeout=120, check=True)
            digests.add((str(root), result.stdout.strip()))
    assert len(digests) == 2


def test_every_page_is_in_the_nav_once(real_site):
    """Every page is in the navigation once; the party pages are reached from the party
    index instead (a menu of every kommune on every page does not scale to 357)."""
    site = real_site[2]
    listed = []

    def walk(items):
        for _, target in items:
            if isinstance(target, list):
                walk(target)
            else:
                listed.append(target)

    walk(site.nav)
    parties = [p for p in site.pages if p.startswith("parter/") and p != "parter/index.md"]
    assert sorted(listed) == sorted(p for p in site.pages if p not in parties)
    for party in parties:
        assert f"({party.split('/', 1)[1]})" in site.pages["parter/index.md"], party


def test_every_procedure_has_a_page_with_its_status_first(real_site):
    """The first block says the status of what the page shows: the version in force when
    there is one (a revision then sits apart in its own box), else the file's own status."""
    from checks.model.lifecycle import lifecycles

    repo, _, site = real_site
    lcs = lifecycles(repo)
    for entry in repo.of("chain") + repo.of("routine"):
        page = site.pages[r.procedure_page(entry)]
        lc = lcs.get(entry.id)
        in_force = lc is not None and lc.in_force is not None and lc.in_force.entry is not None
        status = lc.in_force.entry.data["status"] if in_force else entry.data["status"]
        first_block = page.split("\n\n")[1]
        assert f'data-status="{status}"' in first_block, entry.id
        if in_force and entry.data["status"] in ("draft", "submitted"):
            assert 'class="sh-pending"' in page, entry.id
        if status != "adopted":
            assert "ikke vedtatt" in first_block or "opphevet" in first_block
            assert "sh-status--adopted" not in page


def test_adopted_draft_and_submitted_banners(fixture_site):
    pages = fixture_site[2].pages
    chain = pages["kjeder/kjede.md"]
    assert 'data-status="adopted"' in chain
    assert "er vedtatt av OSO i sak 07/2025, 12. juni 2025" in chain
    assert "Gjelder fra 1. juli 2025." in chain and "Revisjonsdato: 30. juni 2030." in chain
    assert "Status: Utkast – ikke vedtatt" in pages["rutiner/kvittering.md"]
    assert "Status: Til behandling – ikke vedtatt" in pages["rutiner/feilsendt.md"]


def test_chain_page_has_everything_the_issue_names(fixture_site):
    page = fixture_site[2].pages["kjeder/kjede.md"]
    for text in ("## Diagram", 'data-sh-diagram="sequence"', "## Steg", "innen 24 timer etter «Pasienten legges inn»",
                 "samme dag som «Pasienten skrives ut»", "## Adressering i hvert forløp",
                 "UNN: Psykiatri PLO meldingsmottak", "## Ved feil", "## Forpliktelser prosedyren oppfyller",
                 "## Kilder", "ikke bekreftet", "innen **1 dag** (foreslått, ikke vedtatt) etter «Forespørsel fra kommunen»",
                 "(innstillingen [Svarfrist for forespørsel](../innstillinger.md#innstilling-svarfrist))",
                 "Svar på [4\\. Forespørsel fra kommunen](#steg-sporsmal)",
                 "Versjon", "1.0.0"):
        assert text in page, text


def test_routine_page_has_roles_contacts_settings_and_subprocess(fixture_site):
    pages = fixture_site[2].pages
    routine = pages["rutiner/kvittering.md"]
    for text in ('data-sh-diagram="flowchart"', "## Roller", "Avsenderen av meldingen", "## Innstillinger",
                 "| 2 timer, vedtatt |", "Følg rutinen [Nedetid og overvåking]",
                 "Eskaleres til Meldingsansvarlig hos avsenderen etter **2 timer** (vedtatt)", "## Brukes av"):
        assert text in routine, text
    downtime = pages["rutiner/nedetid.md"]
    assert "## Kontaktpunkter" in downtime and "Helse Nord IKT, meldingsansvarlig" in downtime
    assert "Eskaleres til Helse Nord IKT etter 4 timer" in downtime
    assert "Kildefil" not in downtime and "procedures/" not in downtime  # no file paths on staff pages


def test_missing_party_data_is_shown_as_missing(fixture_site):
    repo, _, site = fixture_site
    party = next(p for p in repo.of("party") if p.id == "5501")
    assert missing_party_data(repo, party) == ["her_id", "message_responsible", "agreement_signed"]
    page = site.pages["parter/5501.md"]
    assert "Opplysninger mangler" in page
    assert "har ikke registrert: HER-id, meldingsansvarligadresse, dato for signering" in page
    assert page.count(t.MISSING) >= 3
    unn = site.pages["parter/unn.md"]
    assert "Parten har registrert alle opplysningene avtalen krever." in unn
    matrix = site.pages["status.md"]
    assert "## Partenes opplysninger" in matrix and t.MISSING in matrix


def test_coverage_matrix_shows_each_state(fixture_site):
    page = fixture_site[2].pages["avtalen.md"]
    assert "sh-badge--coverage-adopted" in page  # 5.1.d.1 by the adopted chain
    assert "sh-badge--coverage-draft-only" in page  # 5.1.d.2 only by a draft
    assert "2 av 3 parter mangler opplysninger" in page  # 5.1.e party data
    assert "prinsipp for hele samlingen" in page
    summary = page.split("## Dekning", 1)[1].split("\n\n", 2)[1]
    assert "Ikke dekket" in summary and "Bare dekket av utkast" in summary


def test_catalogue_has_a_reverse_index(fixture_site):
    page = fixture_site[2].pages["meldingstyper.md"]
    section = page.split("{#meldingstype-foresporsel}", 1)[1].split("\n## ", 1)[0]
    assert "[4\\. Forespørsel fra kommunen](kjeder/kjede.md#steg-sporsmal)" in section


def test_decision_log_and_settings(fixture_site, real_site):
    pages = fixture_site[2].pages
    assert "07/2025" in pages["vedtak.md"] and "12\\. juni 2025" in pages["vedtak.md"]
    assert "{#innstilling-svarfrist}" in pages["innstillinger.md"]
    if not real_site[0].of("decision"):
        assert "Ingen vedtak er registrert" in real_site[2].pages["vedtak.md"]


def test_rule_reference_lists_every_rule(real_site):
    page = real_site[2].pages["regler.md"]
    for rule_id in RULES:
        assert f"{{#{t.rule_anchor(rule_id)}}}" in page, rule_id


def test_schema_pages_list_every_field(real_site):
    site = real_site[2]
    chain = site.pages["skjemaer/chain.md"]
    for field in ("steps[].deadline.within", "steps[].on_failure.apprec", "pathways[].substitutions[].with",
                  "sources[].url", "status"):
        assert f"<code>{t.esc(field)}</code>" in chain, field
    assert "skjemaer/chain.schema.json" in site.files
    assert json.loads(site.files["skjemaer/chain.schema.json"])["title"] == "Meldingskjede"


def test_print_page_has_every_procedure_and_its_status(real_site):
    repo, _, site = real_site
    page = site.pages["utskrift.md"]
    for entry in repo.of("chain") + repo.of("routine"):
        if entry.data["status"] == "repealed":
            assert f"{{#{t.print_anchor(entry.id)} " not in page
            continue
        assert f"{{#{t.print_anchor(entry.id)} .sh-print-break}}" in page
        assert f'data-status="{entry.data["status"]}"' in page
    assert "## Kontaktpunkter ved nedetid" in page


# -- the MkDocs build ----------------------------------------------------------------------

def test_config_is_norwegian_private_and_offline():
    assert CONFIG["theme"]["language"] == "nb"
    assert CONFIG["theme"]["font"] is False
    search = next(p["search"] for p in CONFIG["plugins"] if isinstance(p, dict) and "search" in p)
    assert search["lang"] == ["no"]
    assert "offline" in CONFIG["plugins"]
    assert CONFIG["hooks"] == ["checks/site/mkdocs_hook.py"]
    scripts = [s["path"] if isinstance(s, dict) else s for s in CONFIG["extra_javascript"]]
    for url in CONFIG["extra"]["polyfills"] + scripts + CONFIG["extra_css"]:
        assert not re.match(r"^[a-z]+:", url) and (ROOT / "docs" / url).is_file(), url
    assert any("iframe-worker" in url for url in CONFIG["extra"]["polyfills"])


def test_vendored_files_match_their_manifest():
    vendor = ROOT / "docs" / "assets" / "vendor"
    manifest = json.loads((vendor / "vendor.json").read_text(encoding="utf-8"))
    listed = set()
    for package in manifest["packages"]:
        for rel, meta in package["files"].items():
            listed.add(rel)
            data = (vendor / rel).read_bytes()
            assert hashlib.sha256(data).hexdigest() == meta["sha256"], rel
            assert f"{package['name']}-{package['version']}/" in rel
    on_disk = {p.relative_to(vendor).as_posix() for p in vendor.rglob("*") if p.is_file() and p.name != "vendor.json"}
    assert on_disk == listed
    scripts = [s["path"] if isinstance(s, dict) else s for s in CONFIG["extra_javascript"]]
    for url in scripts + CONFIG["extra"]["polyfills"]:
        if "vendor/" in url:
            assert url.split("vendor/", 1)[1] in listed
    # samhandling.js loads the pinned mermaid by a path relative to itself.
    js = (ROOT / "docs" / "assets" / "javascripts" / "samhandling.js").read_text(encoding="utf-8")
    mermaid = re.search(r'var MERMAID = "\.\./vendor/([^"]+)";', js).group(1)
    assert mermaid in listed and mermaid.startswith("mermaid-")


def test_the_real_site_builds_strict():
    site = build()
    for page in ("index.html", "kjeder/standard-plo-kjede.html", "utskrift.html", "avtalen.html",
                 "meldingstyper.html", "vedtak.html", "regler.html", "skjemaer/index.html", "om-nettstedet.html",
                 "search/search_index.js"):
        assert (site / page).is_file(), page


def _html_pages(site: Path):
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.parts)


@pytest.mark.parametrize("which", ["real", "fixture"])
def test_built_pages_load_nothing_from_other_hosts(which):
    site = build() if which == "real" else build(FIXTURE)
    for page in _html_pages(site):
        parsed = parse(page.read_text(encoding="utf-8"))
        for tag, attrs in parsed.tags:
            for name in ("src", "srcset", "data", "poster"):
                if attrs.get(name):
                    assert not re.match(r"^(https?:)?//", attrs[name]), (page, tag, attrs)
            if tag == "link" and attrs.get("rel") not in ("canonical", "alternate"):
                assert not re.match(r"^(https?:)?//", attrs.get("href", "")), (page, attrs)
            if tag in ("iframe", "embed", "object"):
                raise AssertionError(f"{page}: <{tag}>")
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text, page
        # The theme's mermaid integration (which loads mermaid from a CDN) is never triggered.
        assert 'class="mermaid"' not in text, page
        # Every link between pages was resolved by MkDocs (none left pointing at Markdown).
        assert not re.search(r'href="(?![a-z]+:)[^"]*\.md(#[^"]*)?"', text), page


def test_built_pages_are_norwegian():
    site = build()
    for page in _html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert '<html lang="nb"' in text, page
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "Søk" in index
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', index, re.S).group(1))
    assert config["search"]
    assert '"lang":["no"]' in (site / "search" / "search_index.json").read_text(encoding="utf-8").replace(" ", "")


def test_fixture_build_escapes_every_hostile_field():
    site = build(FIXTURE)
    text = (site / "rutiner" / "fiendtlig.html").read_text(encoding="utf-8")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; - " in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    for page in _html_pages(site):
        parsed = parse(page.read_text(encoding="utf-8"))
        for tag, attrs in parsed.tags:
            assert not [a for a in attrs if a.startswith("on")], (page, tag, attrs)
            if tag == "script":
                assert attrs.get("src") or attrs.get("type") == "application/json" or attrs == {}, (page, attrs)
            if tag == "a":
                assert not (attrs.get("href") or "").lower().startswith("javascript:"), (page, attrs)
            assert tag not in ("img",) or (attrs.get("src") or "").startswith(("../assets", "assets")), (page, attrs)
        for bad in ("<script>window.__xss", "<script>alert", '<img src="x"', "<b onmouseover"):
            assert bad not in page.read_text(encoding="utf-8"), (page, bad)


def test_build_fails_on_error_findings(tmp_path):
    result = run_build(ROOT / "tests" / "cases" / "schema-format", tmp_path / "site")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "samhandling check fant 2 feil" in output
    assert "procedures/decisions/oso-2026-01.yaml:4:15: [schema.format]" in output
    assert not (tmp_path / "site" / "index.html").exists()


def test_serve_watches_procedures_and_schemas():
    import types

    from checks.site import mkdocs_hook

    watched = []
    server = types.SimpleNamespace(watch=watched.append)
    config = types.SimpleNamespace(config_file_path=str(ROOT / "mkdocs.yml"))
    assert mkdocs_hook.on_serve(server, config, builder=None) is server
    assert {Path(p).name for p in watched} == {"procedures", "schemas", "scenarios"}


CASES = sorted(p for p in (ROOT / "tests" / "cases").iterdir() if (p / "procedures").is_dir())


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_renderer_survives_every_broken_case(case):
    """The hook never renders a repository with errors, but the renderer itself must not
    fall over on one (another tool may call it): it shows what is valid."""
    repo, findings = run_checks(case)
    site = r.render(repo, findings)
    assert "index.md" in site.pages
    for path, text in site.pages.items():
        assert text.endswith("\n") and not text.endswith("\n\n"), path
        if path != "regler.md" and not path.startswith("skjemaer/"):  # the same for every case
            markdown_html(text)


# -- staff pages: situations, roles, front page (view model) --------------------------------

GOLDEN_VIEWS = {"situasjon-stans.json": ("situation", "stans"), "situasjon-utskrivning.json": ("situation", "utskrivning"),
                "rolle-kommunen.json": ("role", "kommunen"),
                # the reference pages (page path: the view is built for that page)
                "side-status.json": ("dashboard_view", "status.md"),
                "side-meldingstyper.json": ("catalogue_view", "meldingstyper.md"),
                "side-parter.json": ("parties_view", "parter/index.md"),
                "side-avtalen.json": ("agreement_view", "avtalen.md"),
                "side-innstillinger.json": ("settings_page_view", "innstillinger.md"),
                "side-vedtak.json": ("decisions_view", "vedtak.md"),
                "side-funn.json": ("findings_view", "funn.md"),
                # a chain's and a routine's page (the diagram's source is diagram.py's, tested there)
                "prosedyre-kjede.json": ("procedure", "kjede"), "prosedyre-kvittering.json": ("procedure", "kvittering")}


def _views(repo, findings):
    from checks.site import viewmodel

    return viewmodel.Views(viewmodel.Index(repo, findings))


@pytest.mark.parametrize("name", sorted(GOLDEN_VIEWS))
def test_golden_view_models(fixture_site, name):
    """The view model of the staff pages, compared whole: what the templates get."""
    repo, findings, _ = fixture_site
    views = _views(repo, findings)
    kind, ident = GOLDEN_VIEWS[name]
    if kind == "situation":
        got = views.situation_view(next(s for s in views.situations if s.id == ident))
    elif kind == "role":
        got = views.role_view(next(x for x in views.roles if x.id == ident))
    elif kind == "procedure":
        got = views.procedure_view(next(e for e in repo.of("chain") + repo.of("routine") if e.id == ident))
        got["diagram"]["source"] = "(diagram.mermaid)"
    else:
        got = getattr(views, kind)(ident)
    text = json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True, default=str) + "\n"
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} mangler: kjør med UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} er ulik; kjør med UPDATE_GOLDEN=1 og se på diffen"


def test_situation_pages_carry_values_addresses_and_contacts(fixture_site):
    pages = fixture_site[2].pages
    stans = pages["situasjoner/stans.md"]
    assert stans.startswith("---\nsearch:")  # staff pages rank first in search
    assert "telefon <a href=\"tel:07022\">07022</a>" in stans
    assert "Eskaleres til Helse Nord IKT etter 4 timer" in stans
    assert "[Kontaktpunkter](../kontakter.md)" in stans
    ut = pages["situasjoner/utskrivning.md"]
    top = ut.split("## Dette gjør du", 1)[0]  # the first screen: the deadline, its value and the address
    assert "**samme dag** som «Pasienten skrives ut»" in top
    assert "til **Kommunen: Sykepleietjeneste**" in top
    assert "(../kjeder/kjede.md)" in ut


def test_front_page_leads_with_situations_and_roles(real_site):
    repo, _, site = real_site
    front = site.pages["index.md"]
    first = front.split("## For deg som er", 1)[0]
    for situation in repo.of("situation"):
        assert f"(situasjoner/{situation.id}.md)" in first, situation.id
    for role in repo.of("role"):
        assert f"(roller/{role.id}.md)" in front, role.id
    assert "status.md" in front  # OSO's dashboard has its own page
    assert "# Status for prosedyrene" in site.pages["status.md"]


def test_every_situation_and_role_has_a_page_from_the_model(real_site):
    repo, _, site = real_site
    for situation in repo.of("situation"):
        page = site.pages[f"situasjoner/{situation.id}.md"]
        assert situation.data["question"].split()[0] in page
        procedure = situation.data["procedure"]
        assert f"/{procedure}.md)" in page, situation.id  # the link to the full procedure
    for role in repo.of("role"):
        assert f"roller/{role.id}.md" in site.pages


def test_templates_escape_by_default():
    from checks.site.templating import environment

    out = environment().from_string("{{ x }} <a title=\"{{ x }}\">{{ x | h }}</a>").render(x='<b>"*x*"</b>')
    assert "<b>" not in out and '"*' not in out
    assert "&lt;b&gt;" in out


def test_join_escapes_every_item_for_markdown():
    from markupsafe import Markup

    from checks.site.templating import environment

    template = environment().from_string('{{ xs|join(", ") }}')
    assert template.render(xs=["**a**", "[b](javascript:x)"]) == "\\*\\*a\\*\\*, \\[b\\](javascript:x)"
    mixed = template.render(xs=[Markup("<code>k</code>"), "**a**"])
    assert mixed == "<code>k</code>, \\*\\*a\\*\\*"


def test_concatenation_escapes_plain_text_next_to_markup():
    from checks.site.templating import environment

    env = environment()
    out = env.from_string('{{ link("sak " ~ x ~ ", " ~ (d|code), "v.md") }}').render(x="**1**", d="07")
    assert out == "[sak \\*\\*1\\*\\*, <code>07</code>](v.md)"
    assert env.from_string('{{ "a" ~ x }}').render(x="[b](javascript:x)") == "a\\[b\\](javascript:x)"
    assert env.from_string('{{ x ~ ("k"|code) }}').render(x="- 1. <i>") == "&#45; 1. &lt;i&gt;<code>k</code>"


def test_readme_names_every_page_template():
    """README «Malene» tells a Markdown/HTML editor which template makes which page."""
    from checks.site.templating import TEMPLATES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in sorted(TEMPLATES.rglob("*.j2")):
        assert f"`{path.name}`" in readme, path.name


def test_view_models_hold_no_markup(fixture_site):
    """Every page's view model is plain data (text, numbers, flags, lists, dicts): what a page
    shows and how is the template's, so it can be changed without Python."""
    from checks.site import schemadoc

    repo, findings, _ = fixture_site
    views = _views(repo, findings)
    docs = schemadoc.schema_docs(repo.root)
    got = [views.front_view("index.md"), views.contacts_view("kontakter.md"), views.glossary_view("ordliste.md"),
           views.changes_view("endringer.md"), views.print_view("utskrift.md"), views.dashboard_view("status.md"),
           views.catalogue_view("meldingstyper.md"), views.parties_view("parter/index.md"),
           views.agreement_view("avtalen.md"), views.settings_page_view("innstillinger.md"),
           views.decisions_view("vedtak.md"), views.findings_view("funn.md"), views.rules_view("regler.md"),
           views.schemas_view("skjemaer/index.md", docs), views.schema_view("skjemaer/chain.md", "chain", docs)]
    got += [views.situation_view(s) for s in views.situations] + [views.role_view(x) for x in views.roles]
    got += [views.procedure_view(e) for e in repo.of("chain") + repo.of("routine")]

    def walk(value, where):
        assert not hasattr(value, "__html__"), where
        assert isinstance(value, (str, int, float, bool, type(None), list, tuple, dict)), (where, type(value))
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]")

    for i, view in enumerate(got):
        walk(view, f"view {i}")


def test_glossary_and_change_log_come_from_the_model(real_site, tmp_path):
    repo, findings, site = real_site
    glossary = site.pages["ordliste.md"]
    for term in repo.of("glossary")[0].data["terms"]:
        assert f"## {t.esc(term['term'])} {{#ord-" in glossary, term["term"]
    history = [("2026-01-02", [repo.of("chain")[0].file, "procedures/routines/borte.yaml"])]
    changes = r.render(repo, findings, history=history).pages["endringer.md"]
    assert "### 2\\. januar 2026" in changes or "2. januar 2026" in changes
    assert repo.of("chain")[0].data["title"].split()[0] in changes
    assert "borte (fjernet)" in changes


def test_hook_reads_dates_and_build_from_git(tmp_path):
    from checks.site import mkdocs_hook

    history = mkdocs_hook.git_history(ROOT)
    dates = mkdocs_hook.git_dates(history)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d, _ in history)
    assert all(f.startswith("procedures/") for f in dates)
    info = mkdocs_hook.build_info(ROOT)
    assert re.fullmatch(r"\d+\. [a-zæøå]+ \d{4}", info["date"])
    assert mkdocs_hook.git_history(tmp_path) == []  # no git: no dates, still a site


def test_every_built_page_says_when_and_from_what_it_was_built():
    site = build()
    for page in _html_pages(site):
        text = page.read_text(encoding="utf-8")
        if page.name == "404.html":
            continue
        assert 'class="sh-build"' in text and "Bygget " in text, page
        assert "Meld fra om feil" in text, page


def test_procedure_page_shows_the_version_in_force_and_the_pending_revision_apart(tmp_path):
    """A submitted revision of an adopted chain: the page shows the steps as adopted (read
    from git) and the revision in its own box, never the draft's values as the rule."""
    from gitrepos import make_repo
    from test_lifecycle import revise

    git = make_repo(tmp_path)
    revise(git)  # the deadline goes from 12 to 6 hours in version 1.1.0, submitted
    repo, findings = run_checks(git.path)
    page = r.render(repo, findings).pages["kjeder/kjede.md"]
    top, pending = page.split('<div class="sh-pending"', 1)
    assert "Gjeldende versjon 1.0.0" in top
    steps = page.split("## Steg {#steg}", 1)[1]
    assert "innen 12 timer etter" in steps and "innen 6 timer" not in steps
    box = pending.split("</div>", 1)[0]
    assert "Forslag til ny versjon 1.1.0 (til behandling). Gjelder ikke ennå." in box
    assert "6 timer" in box and "12 timer" in box
    assert "## Versjoner" in page
