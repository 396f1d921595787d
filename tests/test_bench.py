"""The benchmark measures the real work: its generated repositories pass `check` (exit 0), so
every rule runs on every file, and the synthetic kommuner cannot be mistaken for real ones.
(Speed targets live in scripts/bench.py, never in tests.)"""

import importlib.util
import json

import pytest

from conftest import ROOT

spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def _check(cli, repo):
    result = cli("-C", str(repo), "check", "--format", "json")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    return json.loads(result.stdout)


def test_a_scaled_repository_passes_check_with_every_file_valid(cli, tmp_path):
    files = bench.generate(tmp_path / "x2", 2)
    real = sum(1 for _ in (ROOT / "procedures").rglob("*.yaml"))
    assert real < files <= 2 * real
    data = _check(cli, tmp_path / "x2")
    assert data["summary"]["files"] == files and data["summary"]["errors"] == 0
    # the copies are whole models: a copied chain uses the copied message types
    copies = list((tmp_path / "x2" / "procedures" / "chains").glob("*-k1.yaml"))
    assert copies and "-k1" in copies[0].read_text(encoding="utf-8").split("steps:", 1)[1]
    # the floor script does its work on the same files
    import subprocess
    import sys
    floor = subprocess.run([sys.executable, str(ROOT / "scripts" / "floor.py"), str(tmp_path / "x2")],
                           capture_output=True, text=True, timeout=120)
    assert floor.returncode == 0, floor.stderr


def test_synthetic_kommuner_are_obviously_synthetic(tmp_path):
    bench.generate(tmp_path / "x2", 2)
    real = {p.name for p in (ROOT / "procedures" / "parties").glob("*.yaml")}
    for path in (tmp_path / "x2" / "procedures" / "parties").glob("*.yaml"):
        if path.name in real:
            continue
        text = path.read_text(encoding="utf-8")
        assert int(path.stem) >= bench.SYNTHETIC_FIRST
        assert "Syntetisk kommune" in text and ".invalid/" in text


@pytest.mark.slow
def test_the_national_repository_has_357_kommuner_and_passes_check(cli, tmp_path):
    bench.national(tmp_path / "nasjonal", site=True)
    parties = list((tmp_path / "nasjonal" / "procedures" / "parties").glob("*.yaml"))
    assert sum(1 for p in parties if p.stem.isdigit()) == bench.NATIONAL_MUNICIPALITIES
    assert (tmp_path / "nasjonal" / "mkdocs.yml").is_file()
    _check(cli, tmp_path / "nasjonal")
