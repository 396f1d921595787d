"""The rule runner: every check over one loaded repository, in one place.

`run_checks` is what `check`, the site build and the tests call, so nothing is valid in one
place and invalid in another. The rules that compare with a base revision need the semantic
comparison of the review layer; `checks.review.gate.analyse` adds them on top of this.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from ..model import procgraph
from ..model.findings import Finding
from ..model.repository import Repository, load_repository, sort_findings
from . import content, governance, graph, paths, privacy, situations


def analyse(repo: Repository, today: datetime.date | None = None) -> list[Finding]:
    """All findings for a loaded repository: loading, schema, content, graph, privacy and the
    governance rules that read one revision."""
    procgraph.forget(repo.entries)  # built again from the data as it is now, once for every rule
    findings = list(repo.findings)
    findings.extend(content.check(repo, today))
    findings.extend(graph.check(repo))
    findings.extend(paths.check(repo))
    findings.extend(privacy.check(repo))
    findings.extend(situations.check(repo))
    marked = content.placeholders(repo)
    findings.extend(marked)
    findings.extend(governance.check(repo, today=today))
    findings = _placeholders_first(findings, marked)
    return sort_findings(findings)


def _placeholders_first(findings: list[Finding], marked: list[Finding]) -> list[Finding]:
    """A value still marked `FYLL INN` (a draft from `samhandling new`) is reported once, as a
    placeholder: not also as a wrong form, a wrong value or an unknown reference at the same node."""
    if not marked:
        return findings
    at = {(f.file, f.path) for f in marked}
    return [f for f in findings
            if (f.file, f.path) not in at or not (f.rule.startswith("schema.") or f.rule == "ref.unknown")]


def run_checks(root: Path, reader=None, today: datetime.date | None = None,
               store=None) -> tuple[Repository, list[Finding]]:
    repo = load_repository(Path(root), reader=reader, store=store)
    return repo, analyse(repo, today=today)
