"""Versions in force: a decision adopts a version, which stays in force until a later decision
adopts another or repeals it, also while a revision is drafted or submitted.

Real git repositories built from the fixture (tests/golden/repo: `kjede` 1.0.0 adopted by
`oso-2026-01`, deadline PT12H for helseopplysninger, in force from 2026-04-01).
"""

import shutil

import pytest

import scenarios
from checks.model.lifecycle import lifecycles
from checks.model.repository import load_repository
from checks.review.revision import pending_changes, summary_nb
from gitrepos import FIXTURE, TODAY, make_repo

K = scenarios.K
DECISION_2 = scenarios.decision_record("oso-2026-02", "9/26", "2026-05-10", "Ny frist for helseopplysninger", "kjede",
                                      "1.1.0")


def state(repo, today=TODAY):
    loaded = load_repository(repo.path)
    return loaded, lifecycles(loaded, today=today)


def revise(repo):
    """The documented way to revise: a new version, back to submitted, without the old decision."""
    repo.edit(K, "      within: PT12H\n", "      within: PT6H\n")
    repo.edit(K, 'version: "1.0.0"\nstatus: adopted\n', 'version: "1.1.0"\nstatus: submitted\n')
    repo.edit(K, "decision: oso-2026-01\n", "")
    repo.commit("Ny frist til behandling")


def adopt_revision(repo, effective="2026-05-15"):
    repo.edit(K, 'version: "1.1.0"\nstatus: submitted\n', 'version: "1.1.0"\nstatus: adopted\ndecision: oso-2026-02\n')
    repo.edit(K, 'effective: "2026-04-01"', f'effective: "{effective}"')
    repo.write("procedures/decisions/oso-2026-02.yaml", DECISION_2)
    repo.commit("Ny frist vedtatt")


def deadline(entry) -> str:
    return next(s["deadline"]["within"] for s in entry.data["steps"] if s["id"] == "helseopplysninger")


def test_an_adopted_procedure_is_in_force_with_its_decision_read_from_git(tmp_path):
    repo = make_repo(tmp_path)
    _, lcs = state(repo)
    lc = lcs["kjede"]
    assert lc.state == "in-force" and lc.pending is None
    force = lc.in_force
    assert (force.version, force.decision.id, force.decision.case_number, force.decision.meeting_date,
            force.valid_from) == ("1.0.0", "oso-2026-01", "3/26", "2026-03-01", "2026-04-01")
    assert force.source == "git" and force.commit == repo.git("rev-parse", "HEAD")
    assert [(e.action, e.version, e.decision.id) for e in lc.history] == [("adopted", "1.0.0", "oso-2026-01")]
    # a procedure nothing has adopted is not in force, and its draft is pending
    kvittering = lcs["kvittering"]
    assert kvittering.state == "not-in-force" and kvittering.in_force is None
    assert kvittering.pending.status == "submitted" and kvittering.history == []


def test_a_submitted_revision_leaves_the_adopted_version_in_force(tmp_path):
    repo = make_repo(tmp_path)
    adopted_at = repo.git("rev-parse", "HEAD")
    revise(repo)
    head, lcs = state(repo)
    lc = lcs["kjede"]
    assert lc.state == "in-force"
    assert lc.in_force.version == "1.0.0" and lc.in_force.commit == adopted_at
    assert deadline(lc.in_force.entry) == "PT12H"  # the rule staff follow, not the draft's PT6H
    assert lc.pending.version == "1.1.0" and lc.pending.status_nb == "til behandling"
    assert deadline(lc.pending.entry) == "PT6H"
    changes = pending_changes(lc, head)
    assert [c.substantive for c in changes] == [True]
    assert "12 timer" in changes[0].text and "6 timer" in changes[0].text
    assert summary_nb(changes) == "1 endring, alle i hvordan prosedyren utføres."


def test_a_new_decision_puts_the_revision_in_force_and_the_history_keeps_both(tmp_path):
    repo = make_repo(tmp_path)
    revise(repo)
    adopt_revision(repo)
    _, lcs = state(repo)
    lc = lcs["kjede"]
    assert lc.in_force.version == "1.1.0" and lc.in_force.decision.id == "oso-2026-02"
    assert lc.in_force.valid_from == "2026-05-15" and lc.pending is None
    assert [(e.action, e.version, e.decision.case_number, e.valid_from, e.valid_until) for e in lc.history] == [
        ("adopted", "1.0.0", "3/26", "2026-04-01", "2026-05-15"),
        ("adopted", "1.1.0", "9/26", "2026-05-15", None)]


def test_a_version_adopted_from_a_later_date_is_upcoming_and_the_old_one_stays(tmp_path):
    repo = make_repo(tmp_path)
    revise(repo)
    adopt_revision(repo, effective="2026-09-01")
    _, lcs = state(repo)  # today is 2026-06-01
    lc = lcs["kjede"]
    assert lc.in_force.version == "1.0.0" and deadline(lc.in_force.entry) == "PT12H"
    assert lc.upcoming.version == "1.1.0" and lc.upcoming.valid_from == "2026-09-01"
    _, later = state(repo, today=TODAY.replace(month=9))
    assert later["kjede"].in_force.version == "1.1.0" and later["kjede"].upcoming is None


def test_a_repeal_decision_ends_the_version_in_force(tmp_path):
    repo = make_repo(tmp_path)
    repo.edit(scenarios.F, "status: adopted\n", "status: repealed\n")
    repo.write("procedures/decisions/oso-2026-03.yaml", DECISION_2.replace("oso-2026-02", "oso-2026-03").replace(
        "adopts:\n  - procedure: kjede\n    version: \"1.1.0\"\n", "repeals:\n  - feilsendt\n"))
    repo.commit("Opphevet")
    _, lcs = state(repo)
    lc = lcs["feilsendt"]
    assert lc.state == "repealed" and lc.in_force is None and lc.repealed.id == "oso-2026-03"
    assert [(e.action, e.version) for e in lc.history] == [("adopted", "1.0.0"), ("repealed", None)]


def test_status_set_back_without_a_new_version_does_not_end_the_rule(tmp_path):
    repo = make_repo(tmp_path)
    repo.edit(K, "status: adopted\n", "status: draft\n")
    repo.commit("Tilbake til utkast")
    _, lcs = state(repo)
    lc = lcs["kjede"]
    assert lc.in_force.version == "1.0.0" and lc.pending is None


def test_without_git_the_working_tree_is_used_only_when_it_is_the_adopted_version(tmp_path):
    plain = tmp_path / "kopi"
    shutil.copytree(FIXTURE, plain)
    lcs = lifecycles(load_repository(plain), today=TODAY)
    assert lcs["kjede"].in_force.source == "working-tree" and lcs["kjede"].in_force.commit is None
    text = (plain / K).read_text(encoding="utf-8")
    text = text.replace('version: "1.0.0"\nstatus: adopted\n', 'version: "1.1.0"\nstatus: submitted\n')
    (plain / K).write_text(text.replace("decision: oso-2026-01\n", ""), encoding="utf-8")
    lc = lifecycles(load_repository(plain), today=TODAY)["kjede"]
    # the version in force is known from the decision, its text is not: never the draft's
    assert lc.in_force.version == "1.0.0" and lc.in_force.source == "missing" and lc.in_force.entry is None
    assert lc.pending.version == "1.1.0"


@pytest.mark.parametrize("uncommitted", [True, False])
def test_a_decision_not_yet_committed_reads_the_working_tree(tmp_path, uncommitted):
    repo = make_repo(tmp_path)
    revise(repo)
    repo.edit(K, 'version: "1.1.0"\nstatus: submitted\n', 'version: "1.1.0"\nstatus: adopted\ndecision: oso-2026-02\n')
    repo.write("procedures/decisions/oso-2026-02.yaml", DECISION_2)
    if not uncommitted:
        repo.commit("Vedtatt")
    _, lcs = state(repo)
    force = lcs["kjede"].in_force
    assert force.version == "1.1.0" and force.source == ("working-tree" if uncommitted else "git")
