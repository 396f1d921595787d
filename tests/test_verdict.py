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


# -- the schemas are the base's too ------------------------------------------------------------------

@pytest.fixture(scope="module")
def schema_pull_request(tmp_path_factory):
    """A pull request that adds a field the schema does not allow to a party file, and loosens
    the party schema so that its own check accepts it."""
    folder = tmp_path_factory.mktemp("skjema")
    repo = replay.copy_repository(folder / "depot")
    base = repo.git("rev-parse", "HEAD").strip()
    repo.branch("skjema")
    party = sorted(p.relative_to(repo.path).as_posix() for p in (repo.path / "procedures" / "parties").glob("*.yaml"))[0]
    repo.write(party, repo.read(party) + "ukjent_felt: en verdi skjemaet i basen ikke tillater\n")
    schema = repo.path / "schemas" / "party.schema.json"
    text = schema.read_text(encoding="utf-8")
    assert '"additionalProperties": false' in text
    schema.write_text(text.replace('"additionalProperties": false', '"additionalProperties": true', 1),
                      encoding="utf-8")
    repo.commit("Nytt felt, og skjemaet godtar det")
    return repo, base, folder, party


def test_the_pull_requests_own_schemas_would_accept_it(schema_pull_request):
    repo, base, _, party = schema_pull_request
    env = {**repo.env, "NO_COLOR": "1", "PYTHONPATH": str(repo.path)}
    env.pop("SAMHANDLING_SCHEMAS", None)
    own = subprocess.run([sys.executable, "-m", "checks", "check", "--base", base, "--format", "text"], cwd=repo.path,
                         env=env, capture_output=True, text=True, timeout=300)
    assert "ukjent_felt" not in own.stdout, own.stdout


def test_the_workflow_validates_with_the_base_schemas(schema_pull_request):
    repo, base, folder, party = schema_pull_request
    result = run_step(repo, base, folder, "Sjekk med merknader")
    assert result.returncode == 1, result.stdout + result.stderr
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error ") and party in line]
    assert errors and any("ukjent_felt" in line for line in errors), result.stdout
    report = run_step(repo, base, folder, "Endringsrapport")
    assert report.returncode == 0, report.stderr
    text = (repo.path / "endringsrapport.md").read_text(encoding="utf-8")
    assert "`schemas/party.schema.json`" in text.split("\n\n")[1]  # «Endrer også sjekkene …»
    assert "ukjent_felt" in text


def test_a_schema_folder_without_schemas_is_one_norwegian_line(tmp_path):
    env = {**os.environ, "SAMHANDLING_SCHEMAS": str(tmp_path), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "checks", "-C", str(ROOT), "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("samhandling: `SAMHANDLING_SCHEMAS` peker på") and result.stderr.count("\n") == 1
