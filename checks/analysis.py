"""The rule runner: every check over a loaded repository, in one place.

`run_checks` is what `check`, the site build and the tests call, so nothing is valid in one
place and invalid in another.
"""

from __future__ import annotations

from pathlib import Path

from . import content, graph, privacy
from .findings import Finding
from .repository import Repository, load_repository, sort_findings


def analyse(repo: Repository) -> list[Finding]:
    """All findings for a loaded repository: loading, schema and content rules."""
    findings = list(repo.findings)
    findings.extend(content.check(repo))
    findings.extend(graph.check(repo))
    findings.extend(privacy.check(repo))
    return sort_findings(findings)


def run_checks(root: Path, reader=None) -> tuple[Repository, list[Finding]]:
    repo = load_repository(Path(root), reader=reader)
    return repo, analyse(repo)
