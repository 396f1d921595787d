"""A verdict the pull request cannot write for itself.

A copy of this repository, with the procedures adopted on `main`, gets a pull request that
edits adopted content without a new version AND adds four lines to `checks/` that silence the
governance rules. Run with the pull request's own code, the check passes: the edit works. Run
as the workflow runs it (the steps of .github/workflows/pull-request.yml, executed with bash),
the check and the report use the base's code: the governance errors stand, the report says
"Endrer også sjekkene" at the top and still answers "Krever OSO-vedtak: ja".
"""

import os
import subprocess
import sys

import pytest
import yaml

import test_replay as replay
from conftest import ROOT

pytestmark = pytest.mark.slow

SILENCER = '''

def against_base(comparison):  # the pull request decides its own verdict
    return []
'''


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory):
    folder = tmp_path_factory.mktemp("verdikt")
    repo = replay.copy_repository(folder / "depot")
    replay.first_adoption(repo)
    base = repo.commit("Prosedyrene vedtas")
    repo.branch("endring")
    chain = replay._chain(repo)
    text = repo.read(chain)
    repo.write(chain, replay.set_top(text, "title", f"{replay.top(text, 'title')} (revidert)"))
    with open(repo.path / "checks" / "rules" / "governance.py", "a", encoding="utf-8") as handle:
        handle.write(SILENCER)
    repo.commit("Ny tittel, og sjekkene tier")
    return repo, base, folder


def step(name: str) -> str:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pull-request.yml").read_text(encoding="utf-8"))
    (found,) = [s for s in workflow["jobs"]["sjekk"]["steps"] if s.get("name", "").startswith(name)]
    return found["run"]


def run_step(repo, base, folder, name):
    """One workflow step, with bash, in the checkout, with the environment GitHub gives it."""
    env = {**repo.env, "BASE": base, "RUNNER_TEMP": str(folder), "GITHUB_STEP_SUMMARY": str(folder / "summary.md"),
           "SAMHANDLING_PYTHON": sys.executable, "NO_COLOR": "1", "GITHUB_ACTIONS": "true",
           "PATH": os.environ["PATH"]}
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step(name)], cwd=repo.path, env=env,
                          capture_output=True, text=True, timeout=600)


def test_the_pull_requests_own_code_would_pass_it(pull_request):
    repo, base, _ = pull_request
    env = {**repo.env, "NO_COLOR": "1", "PYTHONPATH": str(repo.path)}
    own = subprocess.run([sys.executable, "-m", "checks", "check", "--base", base, "--format", "text"], cwd=repo.path,
                         env=env, capture_output=True, text=True, timeout=300)
    assert own.returncode == 0, own.stdout  # the silencer works on the pull request's own code ...


def test_the_workflow_checks_with_the_base_code(pull_request):
    repo, base, folder = pull_request
    result = run_step(repo, base, folder, "Sjekk med merknader")
    assert result.returncode == 1, result.stdout + result.stderr  # ... but not on the base's
    assert "title=governance.version-not-raised::" in result.stdout
    assert "title=governance.decision-not-renewed::" in result.stdout


def test_the_workflow_report_names_the_changed_checks_and_keeps_the_verdict(pull_request):
    repo, base, folder = pull_request
    result = run_step(repo, base, folder, "Endringsrapport")
    assert result.returncode == 0, result.stderr
    report = (repo.path / "endringsrapport.md").read_text(encoding="utf-8")
    top = report.split("\n\n")[1]
    assert top.startswith("> **Endrer også sjekkene**") and "`checks/rules/governance.py`" in top
    assert "**Krever OSO-vedtak: ja**" in report
    assert "governance.version-not-raised" in report
    assert (folder / "summary.md").read_text(encoding="utf-8") == report
    import json
    data = json.loads((repo.path / "endringsrapport.json").read_text(encoding="utf-8"))
    assert data["checks_changed"] == ["checks/rules/governance.py"] and data["requires_decision"] is True


def test_a_pull_request_that_edits_the_script_still_runs_the_base_script(pull_request):
    repo, base, folder = pull_request
    script = repo.path / "scripts" / "with-base-code.sh"
    original = script.read_text(encoding="utf-8")
    script.write_text(original.replace('"$python" -m checks -C "$root" "$@"', "exit 0"), encoding="utf-8")
    try:
        result = run_step(repo, base, folder, "Sjekk med merknader")
    finally:
        script.write_text(original, encoding="utf-8")
    assert result.returncode == 1 and "governance.version-not-raised" in result.stdout
