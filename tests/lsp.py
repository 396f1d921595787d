"""A small Language Server Protocol client over stdio, for tests/test_editor.py.

Starts the real `yaml-language-server` (the npm package VS Code's YAML extension runs,
installed from tools/yaml-language-server/package-lock.json), configures it with the
project's `.vscode/settings.json`, and speaks JSON-RPC to it as an editor does.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools" / "yaml-language-server"
SERVER = TOOLS / "node_modules" / ".bin" / "yaml-language-server"


def install() -> Path | None:
    """The server, installed with `npm ci` from the lock file when missing; None without npm."""
    if SERVER.exists():
        return SERVER
    if shutil.which("npm") is None:
        return None
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=TOOLS, check=True, capture_output=True,
                   timeout=600)
    return SERVER


def settings_from_vscode(root: Path) -> dict:
    """The `yaml.*` settings of .vscode/settings.json as the server's `yaml` section, with the
    schema paths made absolute file URIs (VS Code does the same for workspace-relative paths)."""
    raw = json.loads((root / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    yaml: dict = {}
    for key, value in raw.items():
        if key.startswith("yaml."):
            yaml[key[len("yaml."):]] = value
    yaml["schemas"] = {(root / path).resolve().as_uri(): globs for path, globs in yaml.get("schemas", {}).items()}
    return {"yaml": yaml}


class Client:
    def __init__(self, server: Path, root: Path, settings: dict):
        self.root = root
        self.settings = settings
        self.proc = subprocess.Popen([str(server), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=root, env={**os.environ})
        self._next = 0
        self._responses: dict = {}
        self._notes: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- wire ------------------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message = json.loads(stream.read(length))
            if "method" in message and "id" in message:  # a request from the server
                self._answer(message)
            elif "id" in message:
                with self._cond:
                    self._responses[message["id"]] = message
                    self._cond.notify_all()
            else:
                self._notes.put(message)

    def _answer(self, request: dict) -> None:
        method = request["method"]
        if method == "workspace/configuration":
            result = [self.settings.get(item.get("section", ""), self.settings)
                      if item.get("section") else self.settings for item in request["params"]["items"]]
        else:
            result = None
        self._send({"id": request["id"], "result": result})

    def request(self, method: str, params: dict, timeout: float = 60) -> dict:
        with self._lock:
            self._next += 1
            rid = self._next
        self._send({"id": rid, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        with self._cond:
            while rid not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no answer to {method}")
                self._cond.wait(left)
            message = self._responses.pop(rid)
        if "error" in message:
            raise RuntimeError(f"{method}: {message['error']}")
        return message.get("result")

    def notify(self, method: str, params: dict) -> None:
        self._send({"method": method, "params": params})

    # -- the editor's side -----------------------------------------------------------------
    def start(self) -> None:
        self.request("initialize", {
            "processId": os.getpid(),
            "rootUri": self.root.as_uri(),
            "workspaceFolders": [{"uri": self.root.as_uri(), "name": self.root.name}],
            "capabilities": {
                "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}},
                "textDocument": {
                    "publishDiagnostics": {"relatedInformation": True},
                    "completion": {"completionItem": {"snippetSupport": True,
                                                      "documentationFormat": ["markdown", "plaintext"]}},
                    "hover": {"contentFormat": ["markdown", "plaintext"]},
                },
            },
            "initializationOptions": {},
        })
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": self.settings})

    def open(self, path: Path, text: str) -> str:
        uri = path.resolve().as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                               "text": text}})
        return uri

    def diagnostics(self, uri: str, timeout: float = 60, want=lambda d: bool(d)) -> list:
        """The diagnostics the server publishes for `uri` (the first set `want` accepts)."""
        deadline = time.monotonic() + timeout
        last = []
        while time.monotonic() < deadline:
            try:
                note = self._notes.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                break
            if note.get("method") == "textDocument/publishDiagnostics" and note["params"]["uri"] == uri:
                last = note["params"]["diagnostics"]
                if want(last):
                    return last
        return last

    def completion(self, uri: str, line: int, character: int) -> list:
        result = self.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                          "position": {"line": line, "character": character}})
        return result.get("items", []) if isinstance(result, dict) else (result or [])

    def hover(self, uri: str, line: int, character: int) -> dict | None:
        return self.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                   "position": {"line": line, "character": character}})

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - a server that does not stop is killed
            self.proc.kill()
            self.proc.wait(timeout=10)
