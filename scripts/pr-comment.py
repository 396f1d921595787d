#!/usr/bin/env python3
"""Post the change report as ONE pull-request comment, and update that comment on later pushes.

    python3 scripts/pr-comment.py body REPORT.md [--run-url URL] [--site-url URL] > comment.md
    python3 scripts/pr-comment.py post comment.md --repo OWNER/NAME --pr NUMBER

`body` builds the comment (checks.review.prcomment: a hidden marker, the report, a link to the
preview site; cut to GitHub's limit with a note). `post` finds the workflow's earlier comment
by the marker (written by github-actions[bot]) and updates it, or writes a new one, with the
GitHub CLI (`gh api`, token in GH_TOKEN). Without a token, or when GitHub refuses (a fork's
read-only token), it says so and exits 0: the report is still in the job summary.
Needs only the standard library and this repository's `checks` package.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from checks.review.prcomment import MARKER, body  # noqa: E402

BOT = "github-actions[bot]"


def gh(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["gh", "api", *args], capture_output=True, text=True, timeout=120)


def existing(repo: str, pr: str) -> str | None:
    """The id of the workflow's comment with the marker, if there is one."""
    result = gh("--paginate", f"repos/{repo}/issues/{pr}/comments",
                "--jq", f'.[] | select(.user.login == "{BOT}") | select(.body | contains("{MARKER}")) | .id')
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip() or "gh api feilet")
    ids = result.stdout.split()
    return ids[0] if ids else None


def post(path: Path, repo: str, pr: str) -> int:
    if not os.environ.get("GH_TOKEN") and not os.environ.get("GITHUB_TOKEN"):
        print("pr-comment: ingen token (GH_TOKEN); hopper over kommentaren.", file=sys.stderr)
        return 0
    if not repo or "/" not in repo or not pr.isdigit():
        print(f"pr-comment: ugyldig repo eller nummer ({repo!r}, {pr!r})", file=sys.stderr)
        return 2
    try:
        found = existing(repo, pr)
        if found:
            result = gh("-X", "PATCH", f"repos/{repo}/issues/comments/{found}", "-F", f"body=@{path}")
        else:
            result = gh("-X", "POST", f"repos/{repo}/issues/{pr}/comments", "-F", f"body=@{path}")
        if result.returncode != 0:
            raise RuntimeError(result.stderr.strip() or "gh api feilet")
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        # A fork's token is read-only; the report is in the job summary anyway.
        print(f"::warning::Kunne ikke skrive endringsrapporten som kommentar: {exc}", file=sys.stderr)
        return 0
    print(f"pr-comment: {'oppdaterte' if found else 'skrev'} kommentaren.", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("body")
    b.add_argument("report", type=Path)
    b.add_argument("--run-url")
    b.add_argument("--site-url")
    p = sub.add_parser("post")
    p.add_argument("comment", type=Path)
    p.add_argument("--repo", required=True)
    p.add_argument("--pr", required=True)
    args = parser.parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    if args.command == "body":
        report = args.report.read_text(encoding="utf-8", errors="replace")
        sys.stdout.write(body(report, args.run_url or None, args.site_url or None))
        return 0
    return post(args.comment, args.repo, args.pr)


if __name__ == "__main__":
    sys.exit(main())
