"""The change report as one pull-request comment: scripts/pr-comment.py builds the body (a hidden
marker, the report, a link to the preview site; cut to GitHub's limit) and posts it with `gh api`,
updating the same comment on later pushes. A fake `gh` on PATH stands in for GitHub.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from checks.model.identifiers import identity_kind
from checks.review import prcomment
from conftest import ROOT
from test_diff import history, report  # noqa: F401  (the fixture of tests/test_diff.py)

SCRIPT = ROOT / "scripts" / "pr-comment.py"


RUN = "https://github.com/eksempel/samhandling/actions/runs/123"


def _valid_number() -> str:
    for n in range(10_000_000, 10_100_000):
        nine = f"0101{n % 100_000:05d}"
        for k in range(100):
            if identity_kind(nine + f"{k:02d}") == "fødselsnummer":
                return nine + f"{k:02d}"
    raise AssertionError("no number")


def test_the_comment_has_the_marker_the_report_and_the_links(history):
    repo, revisions = history
    text = report(repo, *revisions["frist-endret"])
    body = prcomment.body(text, RUN, RUN + "/artifacts/9")
    assert body.startswith(prcomment.MARKER + "\n## Endringsrapport\n")
    assert text.strip() in body
    assert f"[last ned artefakten `nettsted`]({RUN}/artifacts/9)" in body and f"[kjøringen]({RUN})" in body


def test_links_that_are_not_plain_https_urls_are_left_out():
    body = prcomment.body("## Endringsrapport\n", "javascript:alert(1)", "https://x.example/a)(b")
    assert "javascript" not in body and "a)(b" not in body and "](" not in body


def test_a_long_report_is_cut_to_the_limit_with_open_blocks_closed():
    report_ = "## Endringsrapport\n\n" + "".join(
        f"- Endring {i} med «æøå» og 😀.\n<details><summary>Diagram</summary>\n\n```mermaid\nflowchart TD\n"
        + "    a --> b\n" * 50 + "```\n\n</details>\n" for i in range(200))
    body = prcomment.body(report_, RUN)
    assert prcomment.size(body) <= prcomment.LIMIT
    assert "**Rapporten er forkortet:**" in body and "[kjøringen](" in body
    assert body.count("<details>") == body.count("</details>")
    fences = [line for line in body.splitlines() if line.startswith("```")]
    assert len(fences) % 2 == 0
    short = prcomment.body("## Endringsrapport\n\nKort.\n", RUN)
    assert "forkortet" not in short


def test_the_comment_is_masked():
    number = _valid_number()
    body = prcomment.body(f"## Endringsrapport\n\nTekst {number}.\n", RUN)
    assert number not in body and number[:6] in body


def _fake_gh(tmp_path: Path, existing: list[dict]) -> dict:
    """A `gh` on PATH that answers the comment listing and records every call."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    log = tmp_path / "gh.log"
    state = tmp_path / "comments.json"
    state.write_text(json.dumps(existing), encoding="utf-8")
    (bin_ / "gh").write_text(f"""#!{sys.executable}
import json, sys
args = sys.argv[1:]
with open({str(log)!r}, "a", encoding="utf-8") as f:
    f.write(json.dumps(args) + "\\n")
if "--jq" in args:
    comments = json.load(open({str(state)!r}, encoding="utf-8"))
    for c in comments:
        if c["user"]["login"] == "github-actions[bot]" and {prcomment.MARKER!r} in c["body"]:
            print(c["id"])
elif "--fail" in open({str(state)!r}).read():
    sys.exit(1)
""", encoding="utf-8")
    (bin_ / "gh").chmod(0o755)
    return {"PATH": f"{bin_}{os.pathsep}{os.environ['PATH']}", "log": log}


def _post(tmp_path, env, token="x"):
    comment = tmp_path / "kommentar.md"
    comment.write_text(prcomment.MARKER + "\nrapport\n", encoding="utf-8")
    run_env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN")}
    run_env["PATH"] = env["PATH"]
    if token:
        run_env["GH_TOKEN"] = token
    return subprocess.run([sys.executable, str(SCRIPT), "post", str(comment), "--repo", "eksempel/samhandling",
                           "--pr", "7"], capture_output=True, text=True, env=run_env, timeout=60)


def _calls(env) -> list:
    return [json.loads(line) for line in env["log"].read_text().splitlines()] if env["log"].exists() else []


def test_the_first_push_writes_a_comment(tmp_path):
    env = _fake_gh(tmp_path, [])
    result = _post(tmp_path, env)
    assert result.returncode == 0, result.stderr
    calls = _calls(env)
    assert calls[-1][:4] == ["api", "-X", "POST", "repos/eksempel/samhandling/issues/7/comments"]
    assert calls[-1][-2:] == ["-F", f"body=@{tmp_path / 'kommentar.md'}"]


def test_a_later_push_updates_the_same_comment(tmp_path):
    env = _fake_gh(tmp_path, [
        {"id": 11, "user": {"login": "en-person"}, "body": "sitat: " + prcomment.MARKER},
        {"id": 12, "user": {"login": "github-actions[bot]"}, "body": prcomment.MARKER + "\ngammel"}])
    result = _post(tmp_path, env)
    assert result.returncode == 0, result.stderr
    calls = _calls(env)
    assert calls[-1][:4] == ["api", "-X", "PATCH", "repos/eksempel/samhandling/issues/comments/12"]
    assert not any("POST" in c for c in calls)


def test_without_a_token_or_when_github_refuses_it_skips_without_failing(tmp_path):
    env = _fake_gh(tmp_path, [])
    result = _post(tmp_path, env, token="")
    assert result.returncode == 0 and "hopper over" in result.stderr and _calls(env) == []
    (tmp_path / "comments.json").write_text('["--fail"]', encoding="utf-8")
    result = _post(tmp_path, env)
    assert result.returncode == 0 and "::warning::" in result.stderr


def test_the_body_command_writes_the_comment(tmp_path):
    source = tmp_path / "endringsrapport.md"
    source.write_text("## Endringsrapport\n\nKort.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCRIPT), "body", str(source), "--run-url", RUN],
                            capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(prcomment.MARKER) and f"[kjøringen]({RUN})" in result.stdout


def test_the_workflow_step_posts_the_report_it_downloaded(tmp_path):
    """The `kommentar` job's step, run with bash as GitHub runs it, in this checkout (the base)."""
    import yaml
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pull-request.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in workflow["jobs"]["kommentar"]["steps"] if "pr-comment.py post" in s.get("run", "")]
    downloaded = tmp_path / "endringsrapport"
    downloaded.mkdir()
    (downloaded / "endringsrapport.md").write_text("## Endringsrapport\n\n**Krever OSO-vedtak: nei**\n", encoding="utf-8")
    gh = _fake_gh(tmp_path, [])
    env = {"PATH": gh["PATH"], "RUNNER_TEMP": str(tmp_path), "GH_TOKEN": "x", "REPO": "eksempel/samhandling",
           "PR": "7", "RUN_URL": RUN, "SITE_URL": "", "HOME": str(tmp_path)}
    result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert _calls(gh)[-1][:4] == ["api", "-X", "POST", "repos/eksempel/samhandling/issues/7/comments"]
    body = (tmp_path / "kommentar.md").read_text(encoding="utf-8")
    assert body.startswith(prcomment.MARKER + "\n## Endringsrapport\n") and "**Krever OSO-vedtak: nei**" in body
    assert f"artefakten `nettsted` under «Artifacts» i [kjøringen]({RUN})" in body  # no artifact link: the run
