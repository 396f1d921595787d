"""In a browser: a procedure with a version in force and a pending revision. Staff read the
adopted rule (its deadline, its decision, «gjelder fra»), and the draft only in its own box
that says it does not apply yet."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gitrepos import make_repo
from sitebuild import Server, run_build
from test_lifecycle import revise

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = os.environ.get("SAMHANDLING_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium finnes ikke på {CHROMIUM}")
    folder = tmp_path_factory.mktemp("livslop")
    repo = make_repo(folder)
    revise(repo)  # kjede 1.0.0 adopted (PT12H) stays in force; 1.1.0 (PT6H) is submitted
    result = run_build(repo.path, folder / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    server = Server(folder / "site")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless=new"])
        tab = browser.new_page()
        tab.goto(server.url("kjeder/kjede.html"))
        yield tab
        browser.close()
    server.close()


def test_the_version_in_force_is_shown_with_its_decision(page):
    in_force = page.locator(".sh-lifecycle__in-force").inner_text()
    assert "Gjeldende versjon 1.0.0" in in_force and "sak 3/26" in in_force and "gjelder fra 1. april 2026" in in_force


def test_the_pending_revision_is_apart_and_says_it_does_not_apply(page):
    box = page.locator(".sh-pending")
    assert box.get_attribute("role") == "note"
    text = box.inner_text()
    assert "Forslag til ny versjon 1.1.0 (til behandling). Gjelder ikke ennå." in text
    assert "12 timer" in text and "6 timer" in text  # what changes, in Norwegian


def test_the_steps_are_the_adopted_rule_not_the_draft(page):
    steps = page.locator("#steg ~ .sh-steps").first.inner_text()
    assert "12 timer" in steps and "6 timer" not in steps
