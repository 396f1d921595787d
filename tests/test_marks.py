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
    item = next(line for line in text.splitlines() if 'id="steg-helseopplysninger"' in line)
    head, _, rest = item.partition("<br>")
    assert "ikke bekreftet" not in head  # the step itself is not soft
    receiver = rest.split("<br>")[0]
    assert receiver.endswith('<span class="sh-badge sh-badge--secondary">sekundærkilde</span>')  # the address is
    deadline = next(part for part in rest.split("<br>") if part.startswith("Frist:"))
    assert deadline.endswith("(praksis)") and "ikke bekreftet" not in deadline
    hjemmel = next(part for part in rest.split("<br>") if part.startswith("Hjemmel:"))
    assert "ikke bekreftet" in hjemmel
    assert "<br>Ikke funnet i kildene: Ingen nasjonal frist er funnet for svaret." in item
    assert "<br>Helg og helligdager: Kildene sier ikke noe om helg." in item
