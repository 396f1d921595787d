"""The published site in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium,
never a downloaded browser) against the built site served on 127.0.0.1, and opened from disk.

Skip with `pytest -m "not browser"`. Artifacts (a screenshot of the standard chain page and a
PDF of the print page) go to test-output/ in the repository, or to SAMHANDLING_TEST_OUTPUT.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from checks.rules.analysis import run_checks
from checks.model.vocabulary import ADDRESS_NB
from checks.site.render import PARTY_NB

from sitebuild import FIXTURE, ROOT, Server, build

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("SAMHANDLING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions", "--disable-renderer-backgrounding",
                 "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows"]
OUTPUT = Path(os.environ.get("SAMHANDLING_TEST_OUTPUT", ROOT / "test-output"))
STANDARD_CHAIN = "kjeder/standard-plo-kjede.html"
TABS = 4
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def _missing(message: str):
    """In CI a missing browser is a failure; on a developer's machine a skip that says why."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright import sync_api
    except ImportError:
        _missing("Python-pakken playwright mangler: installer testavhengighetene (pip install -e '.[test]')")
    if not Path(CHROMIUM).is_file():
        _missing(f"Chromium finnes ikke på {CHROMIUM}: installer Debians pakke `chromium` "
                 "(apt-get install chromium), eller hopp over med -m 'not browser'")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def real():
    server = Server(build())
    yield server
    server.close()


@pytest.fixture(scope="module")
def fixture_server():
    server = Server(build(FIXTURE))
    yield server
    server.close()


class Recorder:
    """Every request, failed request, console error, page error and dialog of one page."""

    def __init__(self, page):
        self.requests, self.failed, self.errors, self.dialogs = [], [], [], []
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("requestfailed", lambda req: self.failed.append(f"{req.url} ({req.failure})"))
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)

    def off_host(self, origin: str) -> list:
        return [u for u in self.requests if not (u.startswith(origin + "/") or u.startswith(("data:", "blob:", "about:")))]


def new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    return page, Recorder(page)


def wait_for_diagrams(page):
    page.wait_for_function(
        "Array.from(document.querySelectorAll('[data-sh-diagram]'))"
        ".every(el => el.getAttribute('data-sh-rendered'))", timeout=30000)


def site_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if "assets" not in p.parts and p.name != "404.html")


# -- every page ----------------------------------------------------------------------------

def test_every_page_loads_clean_and_stays_on_localhost(browser, real):
    pages = site_pages(build())
    assert len(pages) > 40
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    tabs = [context.new_page() for _ in range(TABS)]
    recorders = [Recorder(tab) for tab in tabs]
    problems = []

    def check(tab, rec, path, response):
        wait_for_diagrams(tab)
        tab.wait_for_load_state("networkidle")  # the search worker's late requests belong to this page
        if response is None or response.status != 200:
            problems.append(f"{path}: status {response and response.status}")
        if rec.failed or rec.errors:
            problems.append(f"{path}: feilede forespørsler {rec.failed}, konsollfeil {rec.errors}")
        rendered = tab.eval_on_selector_all("[data-sh-diagram]", "els => els.map(e => e.dataset.shRendered)")
        if any(state != "true" for state in rendered):
            problems.append(f"{path}: diagram {rendered}")

    requests, dialogs = [], []
    for start in range(0, len(pages), TABS):
        batch = list(zip(tabs, recorders, pages[start:start + TABS], strict=False))
        responses = []
        for tab, rec, path in batch:  # start every load, then wait for each: the tabs load in parallel
            rec.failed.clear()
            rec.errors.clear()
            responses.append(tab.goto(real.url(path), wait_until="commit"))
        for (tab, rec, path), response in zip(batch, responses, strict=True):
            tab.wait_for_load_state("load")
            check(tab, rec, path, response)
    for rec in recorders:
        requests += rec.requests
        dialogs += rec.dialogs
    context.close()
    assert not problems, "\n".join(problems)
    assert len(requests) > len(pages)
    assert [u for u in requests if not u.startswith(real.origin + "/")] == []
    assert dialogs == []


# -- diagrams ------------------------------------------------------------------------------

def _svg_text(page) -> str:
    """The diagram's text without whitespace: mermaid wraps labels into lines (tspans)."""
    return page.eval_on_selector("[data-sh-diagram] svg", "svg => svg.textContent.replace(/\\s+/g, '')")


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_chain_diagram_has_kommune_unn_and_their_addresses(browser, real):
    repo, _ = run_checks(ROOT)
    page, rec = new_page(browser)
    for chain in repo.of("chain"):
        page.goto(real.url(f"kjeder/{chain.id}.html"))
        wait_for_diagrams(page)
        host = page.locator("[data-sh-diagram]")
        assert host.get_attribute("data-sh-rendered") == "true"
        svg = page.locator("[data-sh-diagram] svg")
        box = svg.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 300
        assert svg.get_attribute("role") == "img"
        assert "Sekvensdiagram" in svg.get_attribute("aria-label")
        text = _svg_text(page)
        for box_title in ("UNN", "Kommunen"):
            assert box_title in text
        steps = chain.data["steps"]
        endpoints = {(s[k]["party"], s[k]["address"]) for s in steps if s.get("type") == "message" for k in ("from", "to")}
        for party, address in endpoints:
            assert _bare(f"{PARTY_NB[party]}: {ADDRESS_NB[address]}") in text, (party, address)
        for number in range(1, len(steps) + 1):
            assert f"{number}." in text
        assert page.locator("table").first.is_visible()  # the text equivalent
    page.context.close()
    assert rec.errors == []


def test_routine_diagrams_have_every_step(browser, real):
    repo, _ = run_checks(ROOT)
    page, rec = new_page(browser)
    for routine in repo.of("routine"):
        page.goto(real.url(f"rutiner/{routine.id}.html"))
        wait_for_diagrams(page)
        assert page.locator("[data-sh-diagram]").get_attribute("data-sh-rendered") == "true"
        text = _svg_text(page)
        for number, step in enumerate(routine.data["steps"], 1):
            title = " ".join(step["title"].split())
            assert _bare(f"{number}. {title}") in text, (routine.id, title)
        assert page.locator("figure.sh-diagram figcaption").inner_text().startswith("Flytskjema: ")
    page.context.close()
    assert rec.errors == []


def test_screenshot_of_the_standard_chain(browser, real):
    """Artifacts: the sequence diagram, and the top of the page with its status."""
    page, rec = new_page(browser)
    page.goto(real.url(STANDARD_CHAIN))
    wait_for_diagrams(page)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "standard-plo-kjede-topp.png"))
    # A window taller than the diagram, so the sticky header never scrolls over it.
    height = int(page.locator("figure.sh-diagram").bounding_box()["height"]) + 400
    page.set_viewport_size({"width": 1280, "height": max(height, 900)})
    target = OUTPUT / "standard-plo-kjede.png"
    page.locator("figure.sh-diagram").screenshot(path=str(target))
    assert target.stat().st_size > 20000
    assert page.locator("[data-sh-diagram] svg .actor").count() >= 2
    page.context.close()


# -- search --------------------------------------------------------------------------------

def _search(page, term: str) -> list[str]:
    page.locator("label.md-header__button[for='__search']").first.click() if page.locator(
        ".md-search__input").is_hidden() else None
    box = page.locator(".md-search__input")
    box.click()
    box.fill("")
    box.type(term, delay=20)
    page.wait_for_function(
        "document.querySelectorAll('.md-search-result__item').length > 0 || "
        "/Ingen|ingen/.test(document.querySelector('.md-search-result__meta').textContent)", timeout=20000)
    return page.eval_on_selector_all(".md-search-result__item a", "as => as.map(a => a.getAttribute('href'))")


@pytest.mark.parametrize("term", ["utskrivningsklar", "utskrivningsklare", "Utskrivningsklar pasient"])
def test_search_finds_the_standard_chain(browser, real, term):
    page, rec = new_page(browser)
    page.goto(real.url("index.html"))
    hrefs = _search(page, term)
    assert any("kjeder/standard-plo-kjede.html" in h for h in hrefs), hrefs
    page.context.close()
    assert rec.errors == [] and rec.off_host(real.origin) == []


# -- escaping ------------------------------------------------------------------------------

def test_escaping_fixture_shows_the_script_and_runs_nothing(browser, fixture_server):
    page, rec = new_page(browser)
    page.goto(fixture_server.url("rutiner/fiendtlig.html"))
    wait_for_diagrams(page)
    assert page.locator("h1").inner_text().replace("¶", "").strip() == "<script>alert(1)</script>"
    assert "<script>alert(1)</script>" in page.title()
    body = page.locator("article").inner_text()
    for shown in ('<img src="x" onerror="window.__xss=2;alert(2)">', "[lenke](javascript:alert(3))", "**fet**",
                  "</title></figcaption><script>window.__xss=5</script>", "# Ikke en overskrift",
                  "<b onmouseover=\"window.__xss=4\">eier</b>"):
        assert shown in body, shown
    svg = _svg_text(page)
    assert _bare("</title></figcaption><script>window.__xss=5</script>") in svg
    assert page.locator("article script, article img, article iframe").count() == 0
    page.hover("h1")
    for link in page.locator("article a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().startswith("javascript:")
    # Search results show the hostile titles as text too.
    _search(page, "alert")
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert rec.dialogs == []
    assert rec.errors == []
    assert rec.off_host(fixture_server.origin) == []
    page.context.close()


# -- accessibility -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["index.html", STANDARD_CHAIN, "rutiner/nedetid-og-meldingsovervaking.html",
                                  "avtalen.html", "utskrift.html"])
def test_no_serious_or_critical_accessibility_violations(browser, real, path):
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    page, rec = new_page(browser)
    page.goto(real.url(path))
    wait_for_diagrams(page)
    results = axe_module.Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    bad = [f"{v['impact']} {v['id']}: {v['help']} ({[n['target'] for n in v['nodes'][:3]]})"
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    page.context.close()
    assert bad == []


def test_status_is_said_in_words_and_keyboard_reachable(browser, real):
    repo, _ = run_checks(ROOT)
    page, _ = new_page(browser)
    for entry in repo.of("routine")[:3] + repo.of("chain"):
        folder = "kjeder" if entry.kind == "chain" else "rutiner"
        page.goto(real.url(f"{folder}/{entry.id}.html"))
        banner = page.locator(".sh-status").first
        assert banner.get_attribute("data-status") == entry.data["status"]
        text = banner.inner_text()
        if entry.data["status"] != "adopted":
            assert "ikke vedtatt" in text or "opphevet" in text
        # The banner is the first thing after the heading.
        assert page.evaluate("document.querySelector('article h1').nextElementSibling.classList.contains('sh-status')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('md-skip')")
    page.context.close()


# -- print and offline ---------------------------------------------------------------------

def test_print_page_prints_without_navigation(browser, real):
    page, rec = new_page(browser)
    page.goto(real.url("utskrift.html"))
    assert page.locator("[data-sh-print]").is_visible()
    page.emulate_media(media="print")
    assert page.locator(".md-sidebar--primary").is_hidden()
    assert page.locator(".md-header").is_hidden()
    assert page.locator("[data-sh-print]").is_hidden()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    pdf = OUTPUT / "utskrift.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 50000
    page.context.close()
    assert rec.errors == []


def test_site_opened_from_disk_shows_the_chain_with_its_diagram(browser):
    site = build()
    page, rec = new_page(browser)
    page.goto((site / STANDARD_CHAIN).as_uri())
    wait_for_diagrams(page)
    assert page.locator("[data-sh-diagram]").get_attribute("data-sh-rendered") == "true"
    assert page.locator("[data-sh-diagram] svg").bounding_box()["height"] > 300
    assert "Standard meldingskjede" in page.locator("h1").inner_text()
    # Links between pages work from disk too.
    page.locator("nav.md-nav--primary a[href$='avtalen.html']").first.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://") and page.url.endswith("avtalen.html")
    # Search works from disk through the iframe-worker shim.
    hrefs = _search(page, "utskrivningsklar")
    assert any("standard-plo-kjede.html" in h for h in hrefs), hrefs
    other = [u for u in rec.requests if not u.startswith(("file://", "data:", "blob:", "about:"))]
    assert other == []
    assert rec.errors == []
    page.context.close()
