"""Diagrams and paper in a real browser (Playwright driving Debian's Chromium, never a
downloaded one): the chain diagram shows every branch's condition, its text is readable on a
phone in the full-size view, and the printed pages fit A4 with nothing cut, headings kept
with what follows them. Page counts are reported (scripts/sitemeasure.py), never pinned."""

from __future__ import annotations

import pytest

from checks.rules.analysis import run_checks

from printlib import DIAGRAM_TEXT, TEXT_SIZES, pdf_pages, pdf_text, stranded_headings
from sitebuild import ROOT
from test_browser import REPO_KINDS, WIDTHS, browser, real, wait_for_diagrams, width_page  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

READABLE_PX = 12  # the smallest text a phone user reads without zooming (CSS px)


def _conditions(entry) -> list[str]:
    return [" ".join(b["condition"].split()) for step in entry.data.get("steps") or []
            if step.get("type") == "decision" for b in step.get("branches") or [] if b.get("condition")]


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_branch_of_the_chain_is_in_its_diagram(browser, real, width):  # noqa: F811
    repo, _ = run_checks(ROOT)
    for chain in repo.of("chain"):
        page, rec = width_page(browser, width)
        page.goto(real.url(f"kjeder/{chain.id}.html"))
        wait_for_diagrams(page)
        assert page.locator("[data-sh-diagram]").first.get_attribute("data-sh-rendered") == "true"
        text = " ".join(" ".join(page.evaluate(DIAGRAM_TEXT)).replace("\u00a0", " ").split())
        missing = [c for c in _conditions(chain) if c not in text]
        page.context.close()
        assert missing == []
        assert rec.errors == []


def test_the_full_size_view_gives_readable_text_on_a_phone(browser, real):  # noqa: F811
    for kind in ("kjede", "rutine"):
        page, _ = width_page(browser, "phone")
        page.goto(real.url(REPO_KINDS[kind]))
        wait_for_diagrams(page)
        page.locator(".sh-diagram__zoom").first.click()
        sizes = page.evaluate(TEXT_SIZES)
        assert sizes and min(sizes) >= READABLE_PX, (kind, min(sizes))
        # and it goes back to the fitted view
        page.locator(".sh-diagram__zoom").first.click()
        assert page.locator("[data-sh-diagram] svg").first.bounding_box()["width"] <= WIDTHS["phone"][0]
        page.context.close()


# -- paper --------------------------------------------------------------------------------

A4_PX = {"width": 794, "height": 1123}  # A4 at 96 px per inch, as Chromium lays out a print
MIN_PRINT_PX = 12  # 9 pt

HEADINGS = "() => Array.from(document.querySelectorAll('article h2, article h3')).map(h => h.textContent.replace('¶', '').trim())"

SMALL_TEXT = """(min) => Array.from(document.querySelectorAll('article *')).filter(el => {
  if (el.closest('svg')) return false;  // the diagrams are pictures: their text is checked apart
  const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
  if (!own || !el.getClientRects().length) return false;
  return parseFloat(getComputedStyle(el).fontSize) < min - 0.01;
}).map(el => el.tagName + '.' + el.className + ': ' + el.textContent.trim().slice(0, 40))"""


def printed(browser, real, path):  # noqa: F811
    context = browser.new_context(viewport=A4_PX, service_workers="block")
    page = context.new_page()
    page.goto(real.url(path))
    wait_for_diagrams(page)
    page.emulate_media(media="print")
    return page


def test_the_print_page_on_paper(browser, real, record_property):  # noqa: F811
    page = printed(browser, real, "utskrift.html")
    assert page.evaluate(SMALL_TEXT, MIN_PRINT_PX) == []
    # no empty contact rows: each says how to reach someone
    rows = page.locator(".sh-print-contacts li")
    for i in range(rows.count()):
        row = rows.nth(i)
        assert row.locator("a[href^='tel:'], a[href^='mailto:']").count() or any(c.isdigit() for c in row.inner_text())
    # each party without registered contacts is named once
    missing = [p.inner_text() for p in page.locator("article p").all() if p.inner_text().startswith("Ikke registrert")]
    names = [n.strip(" .") for text in missing for n in text.split(":", 1)[1].split(",")]
    assert len(names) == len(set(names))
    headings = page.evaluate(HEADINGS)
    pdf = page.pdf(format="A4", print_background=True)
    page.context.close()
    pages = pdf_text(pdf)
    record_property("print_pages", len(pages))
    print(f"utskrift.html: {len(pages)} A4-sider")
    assert stranded_headings(pdf, headings, columns=2) == []
    text = " ".join(t for p in pages for _, _, t in p)
    assert "Bygget" in text  # build date and commit on paper
    repo, _ = run_checks(ROOT)
    for entry in repo.of("chain") + repo.of("routine"):
        if entry.data.get("status") != "repealed":
            assert " ".join(entry.data["title"].split())[:25] in text


@pytest.mark.parametrize("kind", ["kjede", "rutine"])
def test_a_procedure_page_prints_cleanly_on_a4(browser, real, kind, record_property):  # noqa: F811
    page = printed(browser, real, REPO_KINDS[kind])
    assert page.evaluate(SMALL_TEXT, MIN_PRINT_PX) == []
    headings = page.evaluate(HEADINGS)
    pdf = page.pdf(format="A4", print_background=True)
    page.context.close()
    record_property("print_pages", pdf_pages(pdf))
    print(f"{REPO_KINDS[kind]}: {pdf_pages(pdf)} A4-sider")
    assert stranded_headings(pdf, headings) == []


# A diagram's parts on paper: (the height each part prints at, whether a text of the drawing
# is cut by a part's edge, the caption of each part).
PARTS = """() => Array.from(document.querySelectorAll('figure.sh-diagram--parts')).map(fig => {
  const svg = fig.querySelector('.sh-diagram__svg svg');
  const vb = svg.viewBox.baseVal, rect = svg.getBoundingClientRect(), unit = vb.height / rect.height;
  const texts = Array.from(svg.querySelectorAll('text')).map(t => { const r = t.getBoundingClientRect();
    return [vb.y + (r.top - rect.top) * unit, vb.y + (r.bottom - rect.top) * unit]; }).filter(r => r[1] > r[0]);
  const parts = Array.from(fig.querySelectorAll('.sh-diagram__part svg')).map(s => s.viewBox.baseVal);
  return {
    heights: Array.from(fig.querySelectorAll('.sh-diagram__part')).map(p => p.getBoundingClientRect().height),
    cut: texts.filter(([a, b]) => parts.some(p => a < p.y - 0.5 && b > p.y + 0.5)).length,
    covered: Math.abs(parts[0].y - vb.y) < 1 && Math.abs(parts[parts.length - 1].y + parts[parts.length - 1].height - vb.y - vb.height) < 1,
    captions: Array.from(fig.querySelectorAll('.sh-diagram__partcaption')).map(c => c.textContent),
  };
})"""


def test_a_diagram_taller_than_a_page_prints_in_parts_that_each_fit_a_page(browser, real):  # noqa: F811
    page = printed(browser, real, REPO_KINDS["kjede"])
    tall = page.evaluate("() => Array.from(document.querySelectorAll('.sh-diagram__svg svg')).map(s => s.viewBox.baseVal.height"
                         " * Math.min(1, 718 / s.viewBox.baseVal.width))")
    figures = page.evaluate(PARTS)
    page.context.close()
    page_px = (297 - 20) / 25.4 * 96  # A4 less the margins
    assert len(figures) == sum(1 for h in tall if h > page_px * 0.9)
    for fig in figures:
        assert len(fig["heights"]) >= 2
        assert all(h <= page_px for h in fig["heights"]), fig["heights"]
        assert fig["cut"] == 0  # cut between rows, never through a text
        assert fig["covered"]
        n = len(fig["captions"])
        assert all(c.endswith(f"(del {i + 1} av {n})") for i, c in enumerate(fig["captions"]))


def test_every_branch_of_every_routine_is_in_its_flowchart(browser, real):  # noqa: F811
    repo, _ = run_checks(ROOT)
    page, rec = width_page(browser, "desktop")
    for routine in repo.of("routine"):
        page.goto(real.url(f"rutiner/{routine.id}.html"))
        wait_for_diagrams(page)
        text = " ".join(" ".join(page.evaluate(DIAGRAM_TEXT)).replace("\u00a0", " ").split())
        assert [c for c in _conditions(routine) if c not in text] == [], routine.id
    page.context.close()
    assert rec.errors == []
