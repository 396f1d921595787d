"""An installed copy of the package carries every module, template and schema the source tree
has: an EPJ vendor or a CI job that runs `pip install .` (not `-e`) gets the same commands.
Builds the wheel from a copy of the sources (so nothing is written into the repository) and
compares its files with the source tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# what the package needs at run time, by file ending
CARRIED = (".py", ".j2", ".schema.json")


def _source_files() -> set[str]:
    out = set()
    for path in (ROOT / "checks").rglob("*"):
        if "__pycache__" in path.parts or not path.is_file() or not path.name.endswith(CARRIED):
            continue
        out.add(path.relative_to(ROOT).as_posix())
    return out


@pytest.mark.slow
def test_wheel_carries_every_module_template_and_schema(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "schemas", src / "schemas")
    shutil.copytree(ROOT / "checks", src / "checks", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "wheel"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--quiet", "--wheel-dir", str(out), str(src)],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    wheel = next(out.glob("samhandling-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        carried = {name for name in archive.namelist() if name.startswith("checks/")}
    missing = sorted(_source_files() - carried)
    assert not missing, f"the wheel lacks: {missing}"
