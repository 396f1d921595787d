"""The site at 400 % zoom (WCAG 1.4.10 reflow): a 1366 x 768 screen zoomed to 400 % lays the
page out 341 CSS px wide and 192 high, at four device pixels per CSS pixel. On every page
kind: nothing scrolls or is cut sideways (a wide table or diagram scrolls in its own region,
which the keyboard reaches), no invisible element takes the keyboard focus, and axe finds
nothing serious or critical. Playwright drives Debian's Chromium, never a downloaded one."""

from __future__ import annotations

import pytest

from test_browser import REPO_KINDS, Recorder, browser, real, serious_violations, tab_through, wait_for_diagrams  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREEN = (1366, 768)
ZOOM = 4
VIEWPORT = {"width": SCREEN[0] // ZOOM + 1, "height": SCREEN[1] // ZOOM}  # 342 x 192 CSS px


def zoomed(browser):  # noqa: F811
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=ZOOM, service_workers="block")
    page = context.new_page()
    return page, Recorder(page)


# Content cut sideways: the page itself scrolls sideways, or an element hides what overflows
# it (overflow hidden or clip) by more than a pixel. A region that scrolls on its own and that
# the keyboard reaches (samhandling.js gives it tabindex=0) is not cut.
CLIPPED = """() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) out.push('siden ruller sideveis: ' + doc.scrollWidth);
  for (const el of document.querySelectorAll('article *')) {
    if (!el.getClientRects().length || el.closest('svg')) continue;
    const s = getComputedStyle(el);
    const over = el.scrollWidth > el.clientWidth + 1;
    if (!over) continue;
    if (['hidden', 'clip'].includes(s.overflowX)) out.push('skjult: ' + el.tagName + '.' + el.className);
    else if (['auto', 'scroll'].includes(s.overflowX) && el.getAttribute('tabindex') !== '0')
      out.push('ruller uten tastatur: ' + el.tagName + '.' + el.className);
  }
  // and nothing in the article reaches past the screen's right edge
  const right = doc.clientWidth;
  for (const el of document.querySelectorAll('article p, article li, article h1, article h2, article h3, article table, article figure')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > right + 1 && !el.closest('[tabindex="0"]')) out.push('utenfor: ' + el.tagName + ' ' + el.textContent.trim().slice(0, 30));
  }
  return out;
}"""


@pytest.mark.parametrize("kind", sorted(REPO_KINDS))
def test_nothing_is_cut_sideways_at_400_percent(browser, real, kind):  # noqa: F811
    page, rec = zoomed(browser)
    page.goto(real.url(REPO_KINDS[kind]))
    wait_for_diagrams(page)
    found = page.evaluate(CLIPPED)
    page.context.close()
    assert found == []
    assert rec.errors == []


@pytest.mark.parametrize("kind", sorted(REPO_KINDS))
def test_every_page_kind_is_accessible_at_400_percent(browser, real, kind):  # noqa: F811
    page, rec = zoomed(browser)
    page.goto(real.url(REPO_KINDS[kind]))
    wait_for_diagrams(page)
    bad = serious_violations(page)
    page.context.close()
    assert bad == []


@pytest.mark.parametrize("kind", ["forside", "situasjon", "kjede"])
def test_no_invisible_element_in_the_tab_order_at_400_percent(browser, real, kind):  # noqa: F811
    page, _ = zoomed(browser)
    page.goto(real.url(REPO_KINDS[kind]))
    wait_for_diagrams(page)
    hidden, seen = tab_through(page, VIEWPORT["width"])
    page.context.close()
    assert seen > 0
    assert hidden == []
