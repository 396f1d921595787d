"""Building and serving the site for the tests (tests/test_site.py, tests/test_browser.py).

`build(root)` runs `mkdocs build --strict` with the project's own mkdocs.yml, as the README's
command does, for the real repository or a fixture repository (through SAMHANDLING_ROOT),
once per test session. `serve(folder)` serves a built site on 127.0.0.1 from a thread.
"""

from __future__ import annotations

import atexit
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "site-fixture"
MKDOCS = [sys.executable, "-m", "mkdocs"]

_BUILDS: dict = {}
_TMP = Path(tempfile.mkdtemp(prefix="samhandling-site-"))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)


def run_build(root: Path | None, site_dir: Path) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of `root` (None: the real repository) into `site_dir`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SAMHANDLING_ROOT", None)
    if root is not None:
        env["SAMHANDLING_ROOT"] = str(root)
    return subprocess.run([*MKDOCS, "build", "--strict", "--quiet", "--site-dir", str(site_dir)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def build(root: Path | None = None) -> Path:
    """The built site of `root`, built once per session; fails the test if the build fails."""
    key = str(root) if root else "<real>"
    if key not in _BUILDS:
        site_dir = _TMP / f"site-{len(_BUILDS)}"
        result = run_build(root, site_dir)
        if result.returncode != 0:
            raise AssertionError(f"mkdocs build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        _BUILDS[key] = site_dir
    return _BUILDS[key]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Server:
    """A built site served on 127.0.0.1 (a free port) from a daemon thread."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "") -> str:
        return f"{self.origin}/{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
