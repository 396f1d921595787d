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


def pdf_text(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """Per page of a PDF, its pieces of text as (x, y, text) in points from the page's lower
    left corner (pypdf's reading of the text operators)."""
    import io

    import pypdf
    pages = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        pieces: list = []

        def visit(text, cm, tm, font, size, pieces=pieces):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                pieces.append((x, y, " ".join(text.split())))

        page.extract_text(visitor_text=visit)
        pages.append(pieces)
    return pages


def pdf_width(pdf: bytes) -> float:
    import io

    import pypdf
    return float(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width)


def stranded_headings(pdf: bytes, headings: list[str], columns: int = 1) -> list[str]:
    """The headings that are the last text in their column of a page: printed apart from the
    content under them (which went on to the next column or page)."""
    width = pdf_width(pdf)
    out = []
    pages = pdf_text(pdf)
    for heading in headings:
        start = " ".join(heading.split())[:30]
        for pieces in pages:
            found = [(x, y) for x, y, t in pieces if t.startswith(start) or start.startswith(t) and len(t) > 8]
            if not found:
                continue
            hx, hy = found[0]
            column = (lambda x: int(x // (width / 2))) if columns == 2 else (lambda x: 0)
            below = [t for x, y, t in pieces if y < hy - 2 and column(x) == column(hx) and not t.startswith(start)]
            # a heading wrapped over lines: its own continuation is not the content under it
            rest = [t for t in below if t not in heading]
            if not rest:
                out.append(heading)
            break
    return out
