"""A content-addressed cache of per-file results, so `samhandling check` in a pre-commit hook
does not parse and schema-check the files that did not change.

What is cached is only what depends on one file alone: the strict YAML load (data, positions,
text, loading findings) and the schema validation of that file. Each entry is keyed by the
SHA-256 of everything the result depends on: the file's bytes, its path (the kind follows from
it, and findings name it), the schemas' contents, and the code version (the bytes of every
module of this package, the Python version and the installed PyYAML, jsonschema-rs and
jsonschema). Everything that reads more than one file (references, graph rules, privacy scans,
governance, scenarios) runs on every check, cache or not: a cache can only save the work of
reading a file it has seen with exactly these bytes.

Where: `$SAMHANDLING_CACHE` when set (`off` turns the cache off), else
`$XDG_CACHE_HOME/samhandling`, else `~/.cache/samhandling`: outside the repository, so a
change under review can never bring cache entries with it. One file per repository folder,
written atomically (a temporary file renamed into place) and only when something changed,
holding only the entries the last check used.

Safe: the file starts with a SHA-256 of its contents; a file that is truncated, corrupt, from
another format or unreadable is ignored (and replaced), and an entry whose shape is not what
this code writes is a miss. Nothing in the file is ever executed (marshal of plain values).
`samhandling check --no-cache` bypasses it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path

FORMAT = b"samhandling-cache 1\n"
_PACKAGE = Path(__file__).resolve().parent.parent
# where and when these were installed is part of the code version (the site's compiled templates
# depend on Jinja2, MkDocs and the theme as well)
_LIBRARIES = ("yaml", "_yaml", "jsonschema_rs", "jsonschema", "referencing", "jinja2", "markupsafe", "mkdocs",
              "material", "holidays")


def cache_dir() -> Path | None:
    """The folder the cache lives in, or None when it is turned off."""
    value = os.environ.get("SAMHANDLING_CACHE", "")
    if value.lower() in ("off", "0", "no", "false", "av", "nei"):
        return None
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "samhandling"


def _stamp(path: str) -> bytes:
    try:
        st = os.stat(path)
    except OSError:
        return b"-"
    return f"{path}:{st.st_size}:{st.st_mtime_ns}".encode()


def code_version() -> str:
    """A digest of the code that produces a cached result: this package's modules (read, not
    imported), the Python version and where and when the libraries were installed."""
    from importlib.machinery import PathFinder  # finds a module without importing it
    h = hashlib.sha256(sys.version.encode())
    for folder, dirs, names in sorted(os.walk(_PACKAGE)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith((".py", ".json")):
                path = os.path.join(folder, name)
                h.update(path[len(str(_PACKAGE)):].encode() + b"\0")
                try:
                    with open(path, "rb") as handle:
                        h.update(handle.read())
                except OSError:
                    h.update(b"-")
    for name in _LIBRARIES:
        spec = PathFinder.find_spec(name)
        origin = spec.origin if spec is not None and spec.origin else ""
        h.update(name.encode() + b"=" + _stamp(origin) + _stamp(os.path.dirname(origin) if origin else ""))
    return h.hexdigest()


def read_sealed(path, form: bytes = FORMAT):
    """The value in a file `write_sealed` wrote with this format line, or None: missing,
    unreadable, truncated, corrupt (its SHA-256 does not match) or of another format."""
    try:
        blob = Path(path).read_bytes()
    except OSError:
        return None
    head = len(form) + 32
    if not (blob.startswith(form) and len(blob) > head and hashlib.sha256(blob[head:]).digest() == blob[len(form):head]):
        return None
    try:
        return marshal.loads(blob[head:])
    except (EOFError, ValueError, TypeError):
        return None


def write_sealed(path, value, form: bytes = FORMAT) -> bool:
    """Write plain values (marshal) after a format line and their SHA-256, atomically (a
    temporary file renamed into place). False when it cannot be written: a cache that cannot
    be written is simply not written."""
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        payload = marshal.dumps(value)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(form + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, path)
        return True
    except (OSError, ValueError):
        try:
            tmp.unlink()
        except OSError:
            pass
        return False


def remembered(name: str, compute):
    """`compute()`'s value (plain values marshal writes), kept in the cache folder under `name`
    for this code version (libraries included): for data a library computes slowly, such as
    the year's public holidays (`holidays` imports every country first). Computed afresh when
    the cache is off, missing, corrupt or of another code version."""
    folder = cache_dir()
    if folder is None:
        return compute()
    path = folder / "verdier" / (hashlib.sha256(f"{code_version()}\0{name}".encode()).hexdigest()[:40] + ".bin")
    value = read_sealed(path)
    if value is None:
        value = compute()
        write_sealed(path, value)
    return value


class FileCache:
    """Per-file load and schema results of one repository, keyed by content."""

    def __init__(self, root: Path, folder: Path | None = None):
        self.root = Path(root)
        self.folder = folder
        self.path = None
        if folder is not None:
            name = hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:32]
            self.path = Path(folder) / f"{name}.bin"
        self._version = None
        self._entries: dict | None = None
        self._used: dict = {}
        self.hits = 0
        self.misses = 0

    # -- keys --------------------------------------------------------------------------------
    def key(self, kind: str, rel: str, raw: bytes, schema_digest: str) -> str:
        if self._version is None:
            self._version = code_version()
        h = hashlib.sha256(FORMAT)
        for part in (self._version, schema_digest, kind, rel):
            h.update(part.encode("utf-8", "surrogatepass") + b"\0")
        h.update(raw)
        return h.hexdigest()

    # -- the file ----------------------------------------------------------------------------
    def _read(self) -> dict:
        if self._entries is None:
            self._entries = {}
            entries = read_sealed(self.path) if self.path is not None else None
            if isinstance(entries, dict):
                self._entries = entries
        return self._entries

    def save(self) -> None:
        """Write the entries this run used, if they differ from what was read. Never fails
        the check: a cache that cannot be written is simply not written."""
        if self.path is None or self._entries is None:
            return
        if self._used.keys() == self._entries.keys():
            return
        write_sealed(self.path, self._used)

    def next_run(self) -> None:
        """Start another run in the same process (`mkdocs serve`): the entries the last run
        used stay in memory, the rest are dropped."""
        self._read()
        self._entries, self._used = self._used, {}
        self.hits = self.misses = 0

    # -- entries -----------------------------------------------------------------------------
    def get(self, key: str):
        """(Document, further findings) stored under `key`, or None (missing, or not of the
        shape this code writes)."""
        record = self._read().get(key)
        found = _document(record)
        if found is None:
            self.misses += 1
            return None
        self._used[key] = record
        self.hits += 1
        return found

    def put(self, key: str, doc, more: list = ()) -> None:
        """Keep a document (with its findings) and, optionally, findings of a later per-file
        step (a scenario's schema findings, kept apart from its loading findings)."""
        self._read()
        record = _record(doc, more)
        if record is not None:
            self._used[key] = record


def _finding_tuple(f) -> tuple:
    return (f.file, f.line, f.column, f.rule, f.severity, f.message, f.hint, tuple(f.path))


def _record(doc, more=()):
    """A Document as plain values (None if it holds something marshal must not carry)."""
    record = (doc.file, doc.data, doc.text, doc.positions, doc.key_positions,
              tuple(map(_finding_tuple, doc.findings)), tuple(map(_finding_tuple, more)))
    try:
        marshal.dumps(record)
    except ValueError:
        return None
    return record


def _findings(items):
    from .findings import RULES, Finding
    if not isinstance(items, tuple):
        return None
    out = []
    for f in items:
        if not (isinstance(f, tuple) and len(f) == 8 and f[3] in RULES and isinstance(f[1], int)
                and isinstance(f[2], int) and all(isinstance(x, str) for x in (f[0], f[4], f[5], f[6]))
                and isinstance(f[7], tuple)):
            return None
        out.append(Finding(*f))
    return out


def _document(record):
    """(Document, further findings) from a record, or None if it is not what _record writes."""
    from .loader import Document
    if not (isinstance(record, tuple) and len(record) == 7):
        return None
    file, data, text, positions, key_positions, findings, more = record
    if not (isinstance(file, str) and isinstance(text, str) and isinstance(positions, dict)
            and isinstance(key_positions, dict)):
        return None
    findings, more = _findings(findings), _findings(more)
    if findings is None or more is None:
        return None
    return Document(file, data, text, positions, key_positions, findings), more
