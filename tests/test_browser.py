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
        page.on("requestfailed", self._failed)
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)

    def _failed(self, req):
        # A request the browser cancels (the previous page's search worker when a tab moves on)
        # is not a failure of the page; a missing or broken file fails with another error.
        if "ERR_ABORTED" not in (req.failure or ""):
            self.failed.append(f"{req.url} ({req.failure})")

    def off_host(self, origin: str) -> list:
        return [u for u in self.requests if not (u.startswith(origin + "/") or u.startswith(("data:", "blob:", "about:")))]


def new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    return page, Recorder(page)


def wait_for_diagrams(page):
    page.wait_for_function("document.documentElement.getAttribute('data-sh-ready') === 'true'", timeout=30000)
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


# -- the site for the people on shift: phone and desktop ------------------------------------

WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}
EDITOR = ("regler.html", "funn.html", "skjemaer/")


def _kinds(repo) -> dict:
    """One page of every kind, from the model (no page named by today's content)."""
    chain = repo.of("chain")[0].id
    routine = repo.of("routine")[0].id
    situation = sorted(repo.of("situation"), key=lambda e: e.data["order"])[0].id
    role = repo.of("role")[0].id
    party = repo.of("party")[0].id
    return {"forside": "index.html", "situasjon": f"situasjoner/{situation}.html", "rolle": f"roller/{role}.html",
            "kjede": f"kjeder/{chain}.html", "rutine": f"rutiner/{routine}.html", "kontakter": "kontakter.html",
            "ordliste": "ordliste.html", "utskrift": "utskrift.html", "avtalen": "avtalen.html", "status": "status.html",
            "endringer": "endringer.html", "part": f"parter/{party}.html", "meldingstyper": "meldingstyper.html"}


def width_page(browser, width: str):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, service_workers="block")
    page = context.new_page()
    return page, Recorder(page)


REPO_KINDS = _kinds(run_checks(ROOT)[0])


def serious_violations(page) -> list[str]:
    """axe's serious and critical violations on the page, one line each."""
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    results = axe_module.Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [f"{v['impact']} {v['id']}: {v['help']} ({[n['target'] for n in v['nodes'][:3]]})"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("kind", sorted(REPO_KINDS))
def test_every_page_kind_is_accessible_at_phone_and_desktop_width(browser, real, kind, width):
    page, rec = width_page(browser, width)
    page.goto(real.url(REPO_KINDS[kind]))
    wait_for_diagrams(page)
    bad = serious_violations(page)
    page.context.close()
    assert bad == []
    assert rec.errors == []


CLIPPED = """() => Array.from(document.querySelectorAll('article table')).filter(t => {
  const wrap = t.closest('.md-typeset__scrollwrap') || t.parentElement;
  const overflows = t.getBoundingClientRect().width > wrap.clientWidth + 1;
  // A table wider than its place is clipped unless its region scrolls and the keyboard reaches it.
  return overflows && !(wrap.getAttribute('tabindex') === '0' && getComputedStyle(wrap).overflowX !== 'visible');
}).map(t => t.textContent.slice(0, 60))"""


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("kind", ["forside", "situasjon", "rolle", "kjede", "rutine", "kontakter", "avtalen", "status"])
def test_no_table_is_clipped(browser, real, kind, width):
    page, _ = width_page(browser, width)
    page.goto(real.url(REPO_KINDS[kind]))
    wait_for_diagrams(page)
    assert page.evaluate(CLIPPED) == []
    # the steps never sit in a table: the stacked list fits the width
    wide = page.evaluate("() => Array.from(document.querySelectorAll('.sh-actions li'))"
                         ".filter(li => li.scrollWidth > li.clientWidth + 1).length")
    assert wide == 0
    page.context.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_situation_is_on_the_front_pages_first_screen_and_answers_on_its_own(browser, real, width):
    repo, _ = run_checks(ROOT)
    page, rec = width_page(browser, width)
    page.goto(real.url("index.html"))
    height = WIDTHS[width][1]
    for situation in repo.of("situation"):
        link = page.locator(f"article a[href$='situasjoner/{situation.id}.html']").first
        box = link.bounding_box()
        assert box and box["y"] + box["height"] <= height, (situation.id, box)
    for situation in repo.of("situation"):
        page.goto(real.url(f"situasjoner/{situation.id}.html"))
        # The answer is on the first screen: the deadlines and values (if any), whom to call,
        # and the first action.
        for selector in (".sh-facts", ".sh-call"):
            if page.locator(selector).count():
                box = page.locator(selector).first.bounding_box()
                assert box["y"] < height, (situation.id, selector, box)
        first = page.locator(".sh-actions li").first.bounding_box()
        assert first["y"] < height * 1.15, (situation.id, first)
        # and the full procedure is one tap away
        assert page.locator("article .sh-situation__status a").count() >= 1
    page.context.close()
    assert rec.errors == []


def test_the_downtime_answer_names_whom_to_call_on_the_first_phone_screen(browser, real):
    repo, _ = run_checks(ROOT)
    page, _ = width_page(browser, "phone")
    downtime = [s for s in repo.of("situation")
                if next(e for e in repo.of("routine") + repo.of("chain") if e.id == s.data["procedure"]).data.get("category")
                == "downtime-monitoring"]
    assert downtime
    for situation in downtime:
        page.goto(real.url(f"situasjoner/{situation.id}.html"))
        tel = page.locator(".sh-call a[href^='tel:']").first
        assert tel.bounding_box()["y"] + tel.bounding_box()["height"] <= WIDTHS["phone"][1]
    page.context.close()


FOCUSED = """() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
  return {tag: e.tagName, text: (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 40),
          w: r.width, h: r.height, x: r.x, visible: s.visibility !== 'hidden' && s.display !== 'none'
          && parseFloat(s.opacity) > 0}; }"""


def tab_through(page, width: int, steps: int = 40) -> tuple[list, int]:
    """Press Tab `steps` times: (the focused elements a reader cannot see, how many were focused)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    shown = f"""() => {{ const i = ({FOCUSED})(); return i === null || (i.visible && i.w > 0 && i.h > 0
        && i.x >= -1 && i.x < {width}); }}"""
    hidden, seen = [], 0
    for _ in range(steps):
        page.keyboard.press("Tab")
        try:  # an element that opens on focus (the search field) moves in with a transition
            page.wait_for_function(shown, timeout=3000)
        except PlaywrightTimeout:
            pass
        info = page.evaluate(FOCUSED)
        if info is None:
            continue
        seen += 1
        if not info["visible"] or info["w"] == 0 or info["h"] == 0 or info["x"] < -1 or info["x"] >= width:
            hidden.append(info)
        if info["tag"] == "INPUT":  # the search opened on focus: close it and go on through the page
            page.keyboard.press("Escape")
    return hidden, seen


def test_no_invisible_link_in_the_tab_order_on_a_phone(browser, real):
    page, _ = width_page(browser, "phone")
    page.goto(real.url(REPO_KINDS["kjede"]))
    wait_for_diagrams(page)
    hidden, seen = tab_through(page, WIDTHS["phone"][0])
    page.context.close()
    assert seen > 0
    assert hidden == []


def test_a_diagram_opens_at_full_size_and_scrolls_with_the_keyboard(browser, real):
    page, _ = width_page(browser, "phone")
    page.goto(real.url(REPO_KINDS["kjede"]))
    wait_for_diagrams(page)
    before = page.locator("[data-sh-diagram] svg").bounding_box()["width"]
    page.locator(".sh-diagram__zoom").click()
    after = page.locator("[data-sh-diagram] svg").bounding_box()["width"]
    assert after > before * 1.5 and after > WIDTHS["phone"][0]
    canvas = page.locator(".sh-diagram__canvas")
    assert canvas.get_attribute("tabindex") == "0" and canvas.get_attribute("role") == "region"
    assert page.locator(".sh-diagram__zoom").get_attribute("aria-pressed") == "true"
    page.context.close()


def _search_top(page, term):
    hrefs = _search(page, term)
    return [h for h in hrefs if h]


@pytest.mark.parametrize("term", ["frist", "vedtatt", "07022"])
def test_staff_pages_come_before_editor_pages_in_search(browser, real, term):
    page, rec = new_page(browser)
    page.goto(real.url("index.html"))
    hrefs = [h.split("?")[0] for h in _search_top(page, term)]
    page.context.close()
    assert hrefs, term
    assert not any(e in hrefs[0] for e in EDITOR), hrefs[:5]
    first_editor = next((i for i, h in enumerate(hrefs) if any(e in h for e in EDITOR)), len(hrefs))
    staff = [i for i, h in enumerate(hrefs) if not any(e in h for e in EDITOR)]
    assert staff and staff[0] < first_editor


def test_search_folds_norwegian_letters_and_plural_forms(browser, real):
    repo, _ = run_checks(ROOT)
    party = next(p for p in repo.of("party") if any(c in p.data.get("short_name", p.data.get("name", "")) for c in "æøå"))
    name = party.data.get("short_name") or party.data["name"]
    folded = name.translate(str.maketrans({"ø": "o", "æ": "ae", "å": "a", "Ø": "O", "Æ": "Ae", "Å": "A"})).lower()
    page, rec = new_page(browser)
    page.goto(real.url("index.html"))
    assert any(f"parter/{party.id}.html" in h for h in _search_top(page, folded)), folded
    singular = _search_top(page, "utskrivningsklar")
    plural = _search_top(page, "utskrivningsklare")
    page.context.close()
    pages = lambda hs: [h.split("#")[0].split("?")[0] for h in hs]  # noqa: E731
    assert pages(singular)[:1] == pages(plural)[:1]  # both forms lead to the same page first


PRINT_TOO_WIDE = """() => { const width = document.querySelector('article').getBoundingClientRect().width;
  return Array.from(document.querySelectorAll('article table, article .sh-actions li, article svg'))
    .filter(t => t.getBoundingClientRect().width > width + 1).map(t => t.tagName + ' ' + t.textContent.slice(0, 40)); }"""


@pytest.mark.parametrize("kind", ["kjede", "rutine", "utskrift", "avtalen"])
def test_printed_pages_fit_the_paper(browser, real, kind):
    """Under print media on an A4-wide page no table, step or diagram is wider than the page;
    and the PDF prints (its page count is reported, not pinned)."""
    context = browser.new_context(viewport={"width": 794, "height": 1123}, service_workers="block")
    page = context.new_page()
    page.goto(real.url(REPO_KINDS[kind]))
    wait_for_diagrams(page)
    page.emulate_media(media="print")
    assert page.evaluate(PRINT_TOO_WIDE) == []
    assert page.locator(".md-sidebar--primary").is_hidden()
    text = page.locator("article").inner_text()
    assert "Bygget " in text  # the build date and commit are on paper too
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    context.close()
