"""Every folder under tests/cases is a small repository with an `expected` file listing the
exact findings (`file:line:col rule-id`). A new case needs no Python."""

from pathlib import Path

import pytest

from checks.analysis import run_checks

from conftest import CASES, ROOT

CASE_DIRS = sorted(p for p in CASES.iterdir() if (p / "expected").is_file())


def expected_findings(case: Path) -> list[str]:
    lines = (case / "expected").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_case_gives_exactly_its_expected_findings(case):
    _, findings = run_checks(case)
    got = [f"{f.file}:{f.line}:{f.column} {f.rule}" for f in findings]
    assert got == expected_findings(case)


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_every_finding_is_explained_in_norwegian(case):
    _, findings = run_checks(case)
    for f in findings:
        assert f.message and f.message[0].isupper() or f.message.startswith("`"), f
        assert "Traceback" not in f.message
        assert f.line >= 1 and f.column >= 1


def test_the_real_repository_is_a_case_that_passes():
    _, findings = run_checks(ROOT)
    errors = [f"{f.location()} {f.rule} {f.message}" for f in findings if f.severity == "error"]
    assert errors == []
