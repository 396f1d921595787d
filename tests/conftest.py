import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"

# `samhandling check` keeps a per-file cache (checks/model/cache.py); the tests use their own,
# shared by the whole run (so every CLI test also exercises it), never the user's
os.environ.setdefault("SAMHANDLING_CACHE", tempfile.mkdtemp(prefix="samhandling-test-cache-"))


def run_cli(*args, cwd=None, env=None):
    """Run `samhandling` as a separate process, as CI and users do."""
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full_env.pop("GITHUB_ACTIONS", None) if "GITHUB_ACTIONS" not in (env or {}) else None
    return subprocess.run([sys.executable, "-m", "checks", *args], cwd=cwd or ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def cli():
    return run_cli
