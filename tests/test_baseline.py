"""Findings that reach the reviewer: with a base, the findings a change brings come first and
alone become line annotations; those that stood before are summarised in one line; SARIF
carries `baselineState` (new / unchanged / absent)."""

import json

import jsonschema
import pytest

from conftest import ROOT, run_cli
import scenarios
from gitrepos import TODAY, make_repo

AGREEMENT = "procedures/agreement.yaml"
CHAIN = "procedures/chains/kjede.yaml"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """main: the fixture plus many standing warnings (obligations covered only by drafts);
    `ny-feil`: one new error on a changed line and the standing warnings moved down a line;
    `retter`: the change adopts the procedure that had the standing warning."""
    r = make_repo(tmp_path_factory.mktemp("grunnlinje"))
    agreement = r.read(AGREEMENT)
    extra = "".join(f"""  - id: "9.{i}"
    clause: punkt 9.{i}
    summary: En forpliktelse som bare en prosedyre til behandling dekker.
    evidence: procedure
""" for i in range(1, 41))
    r.write(AGREEMENT, agreement.replace("obligations:\n", "obligations:\n" + extra, 1))
    r.edit("procedures/routines/kvittering.yaml", 'fulfils: ["5.1.a"]',
           'fulfils: ["5.1.a", ' + ", ".join(f'"9.{i}"' for i in range(1, 41)) + "]")
    r.commit("Mange stående advarsler")
    r.branch("ny-feil")
    r.write(AGREEMENT, "# Avtalen\n" + r.read(AGREEMENT))
    r.edit(CHAIN, "      within: PT12H\n", "      within: PT8H\n")
    r.commit("Ny frist uten ny versjon")
    r.branch("main")
    return r


def check(r, branch, fmt):
    r.git("checkout", "-q", branch)
    try:
        return run_cli("-C", str(r.path), "check", "--base", "main", "--today", TODAY.isoformat(), "--format", fmt)
    finally:
        r.git("checkout", "-q", "main")


def test_the_fixture_has_many_standing_warnings(repo):
    result = run_cli("-C", str(repo.path), "check", "--today", TODAY.isoformat(), "--format", "json")
    assert json.loads(result.stdout)["summary"]["warnings"] >= 40


def test_only_new_findings_become_annotations_and_the_rest_is_one_line(repo):
    result = check(repo, "ny-feil", "github")
    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith(("::error", "::warning"))]
    assert [a.split("title=")[1].split("::")[0] for a in annotations] == [
        "governance.version-not-raised", "governance.decision-not-renewed"]
    assert all("file=procedures/chains/kjede.yaml" in a for a in annotations)
    notices = [line for line in result.stdout.splitlines() if line.startswith("::notice")]
    assert len(notices) == 1 and "fantes fra før endringen: 0 feil og 4" in notices[0]


def test_text_lists_the_new_findings_first(repo):
    lines = check(repo, "ny-feil", "text").stdout.splitlines()
    assert lines[0] == "Nye funn i endringen: 2 feil og 0 advarsler."
    assert "governance.version-not-raised" in lines[1]
    assert not any("coverage.not-adopted" in line for line in lines)
    assert lines[-2].startswith("Funn som fantes fra før endringen: 0 feil og 4")


def test_json_marks_each_finding_new_or_unchanged(repo):
    data = json.loads(check(repo, "ny-feil", "json").stdout)
    states = {(f["rule"], f["baseline_state"]) for f in data["findings"]}
    assert states == {("governance.version-not-raised", "new"), ("governance.decision-not-renewed", "new"),
                      ("coverage.not-adopted", "unchanged")}
    assert data["summary"]["new"] == 2 and data["absent"] == []


def test_a_finding_whose_line_moved_is_not_new(repo):
    data = json.loads(check(repo, "ny-feil", "json").stdout)
    moved = [f for f in data["findings"] if f["rule"] == "coverage.not-adopted"]
    assert moved and all(f["baseline_state"] == "unchanged" for f in moved)


def test_sarif_has_baseline_states_and_validates(tmp_path):
    r = make_repo(tmp_path)
    r.branch("retter")
    r.edit("procedures/routines/kvittering.yaml", "status: submitted\n", "status: adopted\ndecision: oso-2026-05\n")
    r.write("procedures/decisions/oso-2026-05.yaml", scenarios.decision_record(
        "oso-2026-05", "12/26", "2026-05-20", "Rutinen for manglende kvittering vedtas", "kvittering", "0.1.0"))
    r.edit(CHAIN, "      within: PT12H\n", "      within: PT8H\n")
    r.commit("Vedtak og en ny feil")
    result = run_cli("-C", str(r.path), "check", "--base", "main", "--today", TODAY.isoformat(), "--format", "sarif")
    sarif = json.loads(result.stdout)
    schema = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(sarif)] == []
    results = sarif["runs"][0]["results"]
    states = sorted((r["ruleId"], r["baselineState"]) for r in results)
    assert ("coverage.not-adopted", "absent") in states  # the adoption fixed the standing warning
    assert ("governance.version-not-raised", "new") in states
    absent = [r for r in results if r["baselineState"] == "absent"]
    assert all(r["kind"] == "pass" and r["level"] == "none" for r in absent)
    assert all(len(r["partialFingerprints"]["samhandlingFinding/v1"]) == 32 for r in results)


def test_without_a_base_nothing_changes(repo):
    result = run_cli("-C", str(repo.path), "check", "--today", TODAY.isoformat(), "--format", "json")
    data = json.loads(result.stdout)
    assert "absent" not in data and all("baseline_state" not in f for f in data["findings"])
