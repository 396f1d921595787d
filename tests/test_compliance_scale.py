"""The synthetic log generator: deterministic, and its planted violations are exactly what
`samhandling samsvar` finds (nothing missed, nothing else), over the frozen fixture repository."""

import csv
import hashlib
import importlib.util
import json

import pytest

from conftest import ROOT, run_cli

FIXTURE = ROOT / "tests" / "compliance-fixture"
spec = importlib.util.spec_from_file_location("gen_logs", ROOT / "scripts" / "gen_logs.py")
gen_logs = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen_logs)


def _expected(path) -> set:
    with path.open(encoding="utf-8") as fh:
        return {(r["case_id"], r["rule"], r["message_type"]) for r in csv.DictReader(fh)}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_samsvar_finds_exactly_the_planted_violations(tmp_path, suffix):
    log, fasit = tmp_path / f"logg{suffix}", tmp_path / "fasit.csv"
    facts = gen_logs.generate(FIXTURE, log, cases=8000, seed=3, expected=fasit, threads=1)
    expected = _expected(fasit)
    assert facts["planted"] == len(expected) > 0
    assert {rule for _, rule, _ in expected} == {f"samsvar.{k}" for k in ("missing", "deadline", "path", "address",
                                                                         "apprec-missing", "apprec-negative", "unknown")}
    result = run_cli("-C", str(FIXTURE), "samsvar", str(log), "--format", "json", "--threads", "1")
    assert result.returncode == 1, result.stderr
    found = {(v["case_id"], v["rule"], v["message_type"]) for v in json.loads(result.stdout)["violations"]}
    assert found == expected


def test_the_generator_is_deterministic(tmp_path):
    digests = []
    for name in ("a.csv", "b.csv"):
        gen_logs.generate(FIXTURE, tmp_path / name, cases=500, seed=9, threads=1)
        digests.append(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    gen_logs.generate(FIXTURE, tmp_path / "c.csv", cases=500, seed=10, threads=1)
    assert digests[0] == digests[1] != hashlib.sha256((tmp_path / "c.csv").read_bytes()).hexdigest()


def test_generated_logs_hold_no_personal_numbers(tmp_path):
    gen_logs.generate(FIXTURE, tmp_path / "l.csv", cases=2000, seed=1, threads=1)
    from checks.rules.privacy import scan_text
    assert scan_text("l.csv", (tmp_path / "l.csv").read_text(encoding="utf-8")) == []
