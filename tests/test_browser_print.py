"""Diagrams and paper in a real browser (Playwright driving Debian's Chromium, never a
downloaded one): the chain diagram shows every branch's condition, its text is readable on a
phone in the full-size view, and the printed pages fit A4 with nothing cut, headings kept
with what follows them. Page counts are reported (scripts/sitemeasure.py), never pinned."""

from __future__ import annotations

import pytest

from checks.rules.analysis import run_checks

from printlib import DIAGRAM_TEXT, TEXT_SIZES
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
