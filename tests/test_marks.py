"""Marks per fact (checks/model/marks.py) and how the chain page shows them: the mark sits on
the fact it qualifies, a deadline says where it comes from, and what no source says is a plain
note, never «ikke bekreftet». Example repository: tests/cases/marks-per-fact."""

import pytest

from checks.model import marks
from checks.rules.analysis import run_checks
from checks.site import render

from conftest import CASES
from test_cases import materialise


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    repo, findings = run_checks(materialise(CASES / "marks-per-fact", tmp_path_factory.mktemp("m")))
    step = next(s for s in repo.of("chain")[0].data["steps"] if s["id"] == "helseopplysninger")
    return step, render.render(repo, findings).pages["kjeder/kjede.md"]


def test_a_confirmed_deadline_with_an_unconfirmed_legal_reference_is_not_marked(page):
    step, _ = page
    assert marks.fact_mark(step, "deadline") is None
    assert marks.fact_mark(step, "legal_reference")["status"] == "unconfirmed"
    assert marks.fact_mark(step, "to")["status"] == "secondary"
    assert marks.deadline_label(step["deadline"]) == "Frist (praksis)"


def test_not_found_notes_are_not_counted_as_unconfirmed(page):
    step, _ = page
    data = {"steps": [step]}
    assert marks.count_unconfirmed(data) == 1  # the legal reference; not the not-found note


def test_the_page_marks_the_fact_not_the_step(page):
    _, text = page
    row = next(line for line in text.splitlines() if line.startswith("| 3 | [helseopplysninger](#steg-helseopplysninger)"))
    title_cell = row.split(" | ")[1]
    assert "ikke bekreftet" not in title_cell  # the step itself is not soft
    assert "sekundærkilde" in row  # the address is
    assert "(praksis)" in row and "ikke bekreftet" not in row.split("(praksis)")[1].split("|")[0]
    assert "Frist (praksis): innen 12 timer" in text
    hjemmel = next(line for line in text.splitlines() if line.startswith("- Hjemmel:"))
    assert "ikke bekreftet" in hjemmel
    assert "Ikke funnet i kildene:" in text and "- Ingen nasjonal frist er funnet for svaret." in text
    assert "Helg og helligdager: Kildene sier ikke noe om helg." in text
