"""The files that run the review workflow on the hosting platform: GitHub Actions workflows,
CODEOWNERS, the pull-request template and the pre-commit hooks.

GitHub Actions cannot run here, so the workflows are validated against check-jsonschema's
built-in GitHub workflow schema and checked for the jobs and the security properties the
review process depends on. The pre-commit hook is run the way pre-commit runs it.
"""

import re
import shlex
import subprocess
import sys
import tomllib

import pytest

from checks.model.loader import load_bytes
from conftest import CASES, ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def load(path):
    doc = load_bytes(path.name, path.read_bytes())  # the strict loader: `on` stays a string
    assert doc.findings == [], doc.findings
    return doc.data


def workflow(name):
    return load(ROOT / ".github" / "workflows" / name)


def steps(job):
    return job.get("steps", [])


def runs(job) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def uses(job) -> list[str]:
    return [step["uses"] for step in steps(job) if "uses" in step]


def test_there_are_workflows_for_pull_requests_and_main():
    assert [p.name for p in WORKFLOWS] == ["publish.yml", "pull-request.yml"]


@pytest.mark.parametrize("schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"])
def test_workflows_validate_against_the_builtin_schema(schema):
    try:
        import check_jsonschema  # noqa: F401
    except ImportError:  # pragma: no cover - a missing test dependency must fail, not skip
        pytest.fail("check-jsonschema mangler; installer testavhengighetene (`pip install -e '.[test]'`)")
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema,
                             *map(str, WORKFLOWS)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependabot_keeps_the_pinned_actions_current():
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.dependabot",
                             str(ROOT / ".github" / "dependabot.yml")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    updates = load(ROOT / ".github" / "dependabot.yml")["updates"]
    assert [u["package-ecosystem"] for u in updates] == ["github-actions"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_are_least_privilege_and_pinned(path):
    text = path.read_text(encoding="utf-8")
    data = load(path)
    code = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert "pull_request_target" not in data["on"] and not any("pull_request_target" in line for line in code)
    assert data["permissions"] == {"contents": "read"}
    for name, job in data["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), name
        granted = job.get("permissions", {})
        writes = {k for k, v in granted.items() if v == "write"}
        assert writes <= {"security-events", "pages", "id-token"} | ({"pull-requests"} if name == "kommentar" else set()), \
            (name, writes)
        for step in steps(job):
            if "uses" in step:
                assert PINNED.match(step["uses"]), step["uses"]
                if step["uses"].startswith("actions/checkout@"):
                    assert step.get("with", {}).get("persist-credentials") is False, name
            # event data never goes straight into a shell script (script injection)
            assert "${{" not in step.get("run", ""), (name, step.get("name"))
    for line in text.splitlines():
        if "uses:" in line:
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_pull_request_workflow_has_the_required_jobs():
    data = workflow("pull-request.yml")
    assert set(data["on"]) == {"pull_request"}
    assert data["on"]["pull_request"]["branches"] == ["main"]
    jobs = data["jobs"]

    check = jobs["sjekk"]
    checkout = next(s for s in steps(check) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the base must be in the history
    # the verdict runs with the base's code (tests/test_verdict.py runs these steps)
    assert 'git show "$BASE:scripts/with-base-code.sh"' in runs(check)
    assert '"$BASE" check --base "$BASE" --format github' in runs(check)
    assert '"$BASE" diff "$BASE" > endringsrapport.md' in runs(check) and "$GITHUB_STEP_SUMMARY" in runs(check)
    assert ".venv/bin/samhandling check" not in runs(check) and ".venv/bin/samhandling diff" not in runs(check)
    summary = next(s for s in steps(check) if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    assert "always()" in summary["if"]  # the report is written even when the check fails

    sarif = jobs["kodeskanning"]
    assert sarif["permissions"] == {"contents": "read", "security-events": "write"}
    assert "--format sarif" in runs(sarif)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses(sarif))
    upload_sarif = next(s for s in steps(sarif) if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload_sarif["continue-on-error"] is True  # code scanning off must not fail the workflow
    assert "head.repo.full_name == github.repository" in sarif["if"]

    assert "make test" in runs(jobs["tester"])
    site = jobs["nettsted"]
    assert "make site" in runs(site)
    upload = next(s for s in steps(site) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "site/"
    for name, job in jobs.items():
        assert "permissions" not in job or name in ("kodeskanning", "kommentar"), name


def test_main_workflow_publishes_the_site():
    data = workflow("publish.yml")
    assert data["on"]["push"] == {"branches": ["main"]}
    jobs = data["jobs"]
    assert "make site" in runs(jobs["bygg"]) and "make test" in runs(jobs["tester"])
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses(jobs["bygg"]))
    deploy = jobs["publiser"]
    assert deploy["needs"] == ["tester", "bygg"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert any(u.startswith("actions/deploy-pages@") for u in uses(deploy))


def test_only_the_build_on_main_keeps_the_cache_between_runs():
    """The site build on main keeps samhandling's cache folder between runs (a warm check and
    compiled templates); no pull-request job reads or writes a cache, so a change under review
    can never leave entries that a later verdict reads."""
    build = workflow("publish.yml")["jobs"]["bygg"]
    names = [s.get("uses", "").split("@")[0] or s.get("run", "") for s in steps(build)]
    cached = next(s for s in steps(build) if s.get("uses", "").startswith("actions/cache@"))
    assert cached["with"]["path"] == "~/.cache/samhandling"
    assert "github.sha" in cached["with"]["key"] and cached["with"]["key"].startswith(cached["with"]["restore-keys"])
    assert names.index("actions/cache") < names.index("make site")
    for path in WORKFLOWS:
        for name, job in workflow(path.name)["jobs"].items():
            if path.name != "publish.yml" or name != "bygg":
                assert not any(u.startswith("actions/cache@") for u in uses(job)), (path.name, name)


def test_the_make_target_the_workflows_install_with_exists():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "VENV := .venv" in makefile and "BIN := $(VENV)/bin" in makefile
    assert re.search(r"^\$\(BIN\)/samhandling:", makefile, re.M)
    for path in WORKFLOWS:
        for job in load(path)["jobs"].values():
            for target in re.findall(r"make (\S+)", runs(job)):
                assert target in (".venv/bin/samhandling", "test", "site", "check"), target


def codeowners() -> list[tuple[str, list[str]]]:
    rules = []
    for line in (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            pattern, *owners = line.split()
            rules.append((pattern, owners))
    return rules


def owners_of(path: str) -> list[str]:
    """GitHub's rule: the last matching pattern wins (only the patterns used here)."""
    found = []
    for pattern, owners in codeowners():
        if pattern == "*" or (pattern.startswith("/") and pattern.endswith("/") and path.startswith(pattern[1:])):
            found = owners
    return found


def test_codeowners_routes_procedures_to_oso_and_code_to_maintainers():
    assert owners_of("procedures/chains/standard-plo-kjede.yaml") == ["@PLASSHOLDER-ORG/oso-anmeldere"]
    assert owners_of("procedures/parties/5501.yaml") == ["@PLASSHOLDER-ORG/oso-anmeldere"]
    for code in ("checks/review/diff.py", "schemas/chain.schema.json", "tests/test_diff.py", ".github/CODEOWNERS",
                 "mkdocs.yml", "docs/index.md"):
        assert owners_of(code) == ["@PLASSHOLDER-ORG/vedlikeholdere"], code
    text = (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    assert "PLASSHOLDERE" in text
    for _, owners in codeowners():  # teams, never people
        assert all(re.match(r"^@PLASSHOLDER-ORG/[a-z-]+$", o) for o in owners), owners


def test_pull_request_template_is_norwegian_with_the_reviewers_checklist():
    text = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    assert "## Sjekkliste for anmelderen (OSO)" in text
    assert text.count("- [ ]") >= 12
    for phrase in ("endringsrapporten", "Krever OSO-vedtak", "Berører også", "versjonsnummer", "repealed",
                   "personopplysninger", "nettsted"):
        assert phrase in text, phrase


def test_pre_commit_hook_manifest():
    hooks = load(ROOT / ".pre-commit-hooks.yaml")
    assert [h["id"] for h in hooks] == ["samhandling-check"]
    hook = hooks[0]
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert shlex.split(hook["entry"])[0] in scripts  # the console script the package installs
    files = re.compile(hook["files"])
    assert files.search("procedures/chains/x.yaml") and files.search("schemas/chain.schema.json")
    assert files.search("scenarios/x.yaml")  # check reads the scenarios too
    assert not files.search("checks/cli.py") and not files.search("docs/procedures/x.md")


def test_this_repositorys_pre_commit_config():
    config = load(ROOT / ".pre-commit-config.yaml")
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert set(hooks) == {"samhandling-check", "samhandling-check-base", "github-workflows"}
    for hook in hooks.values():
        assert hook["language"] == "system" and re.compile(hook["files"])
        assert shlex.split(hook["entry"])[0].startswith(".venv/bin/")
    assert hooks["samhandling-check-base"]["stages"] == ["pre-push"]
    assert re.compile(hooks["github-workflows"]["files"]).search(".github/workflows/publish.yml")


@pytest.mark.parametrize("case, code", [("valid-minimal", 0), ("schema-format", 1)])
def test_the_hook_runs_as_pre_commit_runs_it(case, code):
    """pre-commit runs `entry` (plus `args`) in the repository root, without file names."""
    hook = load(ROOT / ".pre-commit-hooks.yaml")[0]
    entry = shlex.split(hook["entry"])
    command = [sys.executable, "-m", "checks", *entry[1:]]  # `samhandling` is `python -m checks`
    result = subprocess.run(command, cwd=CASES / case, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "PYTHONPATH": str(ROOT)})
    assert result.returncode == code, result.stdout + result.stderr


def test_the_change_report_is_one_pull_request_comment_from_the_base_code():
    """scripts/pr-comment.py (tests/test_changereport_board.py runs it) posts the report once and
    updates it; the job that may write to the pull request runs no code from the pull request
    and is skipped for a fork, whose token cannot write."""
    jobs = workflow("pull-request.yml")["jobs"]
    job = jobs["kommentar"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert "head.repo.full_name == github.repository" in job["if"] and "always()" in job["if"]
    assert set(job["needs"]) == {"sjekk", "nettsted"}
    checkout = next(s for s in steps(job) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    assert "make " not in runs(job) and ".venv" not in runs(job)  # nothing of the pull request is installed or run
    download = next(s for s in steps(job) if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"]["name"] == "endringsrapport" and download["continue-on-error"] is True
    post = next(s for s in steps(job) if "pr-comment.py post" in s.get("run", ""))
    assert post["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert post["env"]["RUN_URL"] == "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}"
    assert post["env"]["SITE_URL"] == "${{ needs.nettsted.outputs.url }}"
    assert "pr-comment.py body" in post["run"] and '--run-url "$RUN_URL"' in post["run"]
    # the preview's download link comes from the upload step of the site job
    site = jobs["nettsted"]
    upload = next(s for s in steps(site) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert site["outputs"]["url"] == f"${{{{ steps.{upload['id']}.outputs.artifact-url }}}}"
    # the report the comment carries is the artifact the check job uploads
    check_upload = next(s for s in steps(jobs["sjekk"]) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert check_upload["with"]["name"] == "endringsrapport" and "endringsrapport.md" in check_upload["with"]["path"]
