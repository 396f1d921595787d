"""The rule runner: every check over a loaded repository, in one place.

`run_checks` is what `check`, the site build and the tests call, so nothing is valid in one
place and invalid in another. With a base (the repository at another git revision) the
governance rules that compare two revisions run too.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from . import content, governance, graph, privacy, scaffold
from .findings import Finding
from .repository import Repository, load_repository, sort_findings


def analyse(repo: Repository, base: Repository | None = None,
            today: datetime.date | None = None) -> list[Finding]:
    """All findings for a loaded repository: loading, schema, content, graph and governance
    rules; with `base`, also the rules that compare with it."""
    findings = list(repo.findings)
    findings.extend(content.check(repo, today))
    findings.extend(graph.check(repo))
    findings.extend(privacy.check(repo))
    findings.extend(scaffold.placeholders(repo))
    findings.extend(governance.check(repo, base=base, today=today))
    return sort_findings(findings)


def run_checks(root: Path, reader=None, base: Repository | None = None,
               today: datetime.date | None = None) -> tuple[Repository, list[Finding]]:
    repo = load_repository(Path(root), reader=reader)
    return repo, analyse(repo, base=base, today=today)
