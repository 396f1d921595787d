"""Helpers for the print, diagram and zoom tests (tests/test_browser_print.py,
tests/test_browser_zoom.py) and for scripts/sitemeasure.py: Debian's Chromium through
Playwright (never a downloaded browser), the text size a diagram is drawn at, and the pages
of a PDF Chromium printed."""

from __future__ import annotations

import contextlib
import os
import re
import zlib

CHROMIUM = os.environ.get("SAMHANDLING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions", "--disable-renderer-backgrounding",
                 "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows"]


@contextlib.contextmanager
def open_browser():
    from playwright import sync_api
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_ready(page):
    """Until samhandling.js has settled and every diagram is drawn (or has failed)."""
    page.wait_for_function("document.documentElement.getAttribute('data-sh-ready') === 'true'", timeout=30000)
    page.wait_for_function(
        "Array.from(document.querySelectorAll('[data-sh-diagram]'))"
        ".every(el => el.getAttribute('data-sh-rendered'))", timeout=30000)


# The size in CSS px at which each piece of text in the drawn diagrams appears on screen:
# the font size times the scale the SVG is drawn at (its viewBox fitted to its box).
TEXT_SIZES = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('.sh-diagram__svg svg')) {
    for (const el of svg.querySelectorAll('text, tspan, foreignObject *')) {
      const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
      if (!own) continue;
      const holder = el.closest('foreignObject') || el;
      const ctm = holder.getScreenCTM && holder.getScreenCTM();
      if (!ctm) continue;
      const scale = Math.hypot(ctm.a, ctm.b);
      const size = parseFloat(getComputedStyle(el).fontSize) * scale;
      if (size > 0) out.push(size);
    }
  }
  return out;
}"""


# The text of the drawn diagrams, one string per piece of text (a wrapped line is a piece of its
# own, so pieces are joined with spaces, not run together as textContent would).
DIAGRAM_TEXT = """() => Array.from(document.querySelectorAll('.sh-diagram__svg svg text, .sh-diagram__svg svg tspan, '
  + '.sh-diagram__svg svg foreignObject *'))
  .flatMap(el => Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent.trim()))
  .filter(t => t)"""


def pdf_pages(pdf: bytes) -> int:
    """How many pages a PDF has (the page objects Chromium writes, one per sheet)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
