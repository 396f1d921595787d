"""Every folder under tests/cases is a small repository with an `expected` file listing the
exact findings (`file:line:col rule-id`). A new case needs no Python.

A case with a file `base` names another case to start from: the base is copied, the case's
own files are laid over it, and the paths listed in an optional file `delete` are removed.
"""

import shutil
from pathlib import Path

import pytest

from checks.rules.analysis import run_checks

from conftest import CASES, ROOT

CASE_DIRS = sorted(p for p in CASES.iterdir() if (p / "expected").is_file())


def expected_findings(case: Path) -> list[str]:
    lines = (case / "expected").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def materialise(case: Path, tmp_path: Path) -> Path:
    """The case as a repository on disk: itself, or its base with the case laid over it."""
    if not (case / "base").is_file():
        return case
    repo = tmp_path / case.name
    shutil.copytree(CASES / (case / "base").read_text().strip(), repo,
                    ignore=shutil.ignore_patterns("expected", "base", "delete"))
    shutil.copytree(case, repo, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected", "base", "delete"))
    if (case / "delete").is_file():
        for rel in (case / "delete").read_text().split():
            (repo / rel).unlink()
    return repo


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_case_gives_exactly_its_expected_findings(case, tmp_path):
    _, findings = run_checks(materialise(case, tmp_path))
    got = [f"{f.file}:{f.line}:{f.column} {f.rule}" for f in findings]
    assert got == expected_findings(case)


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_every_finding_is_explained_in_norwegian(case, tmp_path):
    _, findings = run_checks(materialise(case, tmp_path))
    for f in findings:
        assert f.message and f.message[0].isupper() or f.message.startswith("`"), f
        assert "Traceback" not in f.message
        assert f.line >= 1 and f.column >= 1


def test_the_real_repository_is_a_case_that_passes():
    _, findings = run_checks(ROOT)
    errors = [f"{f.location()} {f.rule} {f.message}" for f in findings if f.severity == "error"]
    assert errors == []


def test_missing_party_data_is_a_warning_until_signed_and_an_error_after():
    _, findings = run_checks(CASES / "party-rules")
    severity = {f.file: f.severity for f in findings if f.rule == "party.missing-data"}
    assert severity == {"procedures/parties/5501.yaml": "warning", "procedures/parties/5502.yaml": "error"}
