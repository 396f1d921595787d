"""The same repository gives byte-identical reports: across runs, across the order in which
files are enumerated, and across PYTHONHASHSEED values."""

import random

import pytest

import checks.model.repository as repository
from checks.rules.analysis import run_checks
from checks.report import REPORTERS

from conftest import ROOT, run_cli


@pytest.mark.parametrize("fmt", ["text", "sarif"])
def test_reports_are_identical_across_hash_seeds(fmt):
    outputs = {run_cli("check", "--format", fmt, env={"PYTHONHASHSEED": seed}).stdout for seed in ("0", "4242")}
    assert len(outputs) == 1


def test_findings_do_not_depend_on_file_enumeration_order(monkeypatch):
    original = repository.discover
    _, expected = run_checks(ROOT)
    reports = {REPORTERS["json"](expected, 57)}
    for seed in range(5):
        def shuffled(root, *args, seed=seed, **kwargs):
            files = original(root, *args, **kwargs)
            random.Random(seed).shuffle(files)
            return files
        monkeypatch.setattr(repository, "discover", shuffled)
        _, findings = run_checks(ROOT)
        assert findings == expected
        reports.add(REPORTERS["json"](findings, 57))
    assert len(reports) == 1


def test_change_reports_are_identical_across_hash_seeds(tmp_path):
    from gitrepos import TODAY, git_env, make_repo
    repo = make_repo(tmp_path)
    repo.git("checkout", "-q", "-b", "endring")
    chain = next((repo.path / "procedures" / "chains").glob("*.yaml")).relative_to(repo.path).as_posix()
    repo.write(chain, repo.read(chain).replace('version: "', 'version: "9', 1) + "\n# kommentar\n")
    repo.commit("Endring")
    outputs = set()
    for seed in ("0", "4242"):
        for fmt in ("markdown", "json"):
            result = run_cli("-C", str(repo.path), "diff", "main", "endring", "--format", fmt,
                             "--today", TODAY.isoformat(), env={**git_env(tmp_path), "PYTHONHASHSEED": seed})
            assert result.returncode == 0, result.stderr
            outputs.add((fmt, result.stdout))
    assert len(outputs) == 2
