"""Real git repositories in temporary folders, for the diff and governance tests.

Every commit has the same author, committer and date, and git reads no user or system
configuration, so commit ids (and the reports that show them) are the same on every machine.
Edits are exact text replacements in the YAML, so each scenario reads like the change a
person would make, with its formatting.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
FIXTURE = GOLDEN / "repo"
TODAY = datetime.date(2026, 6, 1)
DATE = "2026-05-01T12:00:00+00:00"


def git_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({
        "GIT_AUTHOR_NAME": "Testperson", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_AUTHOR_DATE": DATE,
        "GIT_COMMITTER_NAME": "Testperson", "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_COMMITTER_DATE": DATE,
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(home), "LC_ALL": "C",
    })
    return env


class Repo:
    """A git repository holding a copy of the fixture, with a `main` branch."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.env = git_env(self.path.parent)

    def git(self, *args: str, check: bool = True) -> str:
        result = subprocess.run(["git", *args], cwd=self.path, env=self.env, capture_output=True, text=True,
                                timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
        return result.stdout.strip()

    # editing the working tree
    def read(self, rel: str) -> str:
        return (self.path / rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def edit(self, rel: str, old: str, new: str, count: int = 1) -> None:
        text = self.read(rel)
        found = text.count(old)
        if found != count:
            raise AssertionError(f"{rel}: expected {count} occurrence(s) of {old!r}, found {found}")
        self.write(rel, text.replace(old, new))

    def remove(self, rel: str) -> None:
        (self.path / rel).unlink()

    def move(self, old: str, new: str) -> None:
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        (self.path / old).rename(self.path / new)

    # history
    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def branch(self, name: str, start: str = "main") -> None:
        self.git("checkout", "-q", "-B", name, start)


def make_repo(folder: Path, fixture: Path = FIXTURE) -> Repo:
    """A repository whose `main` holds the fixture in one commit."""
    path = Path(folder) / "depot"
    shutil.copytree(fixture, path)
    repo = Repo(path)
    repo.git("init", "-q", "-b", "main")
    repo.commit("Utgangspunkt")
    return repo


def golden(relative: str, actual: str) -> None:
    """Compare with tests/golden/RELATIVE; with UPDATE_GOLDEN=1, write it instead."""
    path = GOLDEN / relative
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        raise AssertionError(f"{path} finnes ikke; kjør med UPDATE_GOLDEN=1 for å lage den")
    expected = path.read_text(encoding="utf-8")
    if expected != actual:
        import difflib
        delta = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                             f"golden/{relative}", "faktisk"))
        raise AssertionError(f"{relative} avviker fra fasiten (UPDATE_GOLDEN=1 oppdaterer):\n{delta}")
