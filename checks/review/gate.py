"""The gate: every rule over the head revision, and with a base also the governance rules
that compare the two revisions, over the same semantic comparison as `samhandling diff`."""

from __future__ import annotations

import datetime

from ..model.findings import Finding
from ..model.repository import Repository, sort_findings
from ..rules import analysis, governance
from .matching import compare


def analyse(repo: Repository, base: Repository | None = None,
            today: datetime.date | None = None) -> list[Finding]:
    findings = analysis.analyse(repo, today=today)
    if base is None:
        return findings
    return sort_findings(findings + governance.against_base(compare(base, repo, with_impact=False)))


def standing(base: Repository, today: datetime.date | None = None) -> list[Finding]:
    """The findings the base revision already had (the one-revision rules), so `check --base`
    can tell the findings a change brings from those that stood before it."""
    return analysis.analyse(base, today=today)
