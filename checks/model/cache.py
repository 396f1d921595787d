"""A content-addressed cache of per-file results, so `samhandling check` in a pre-commit hook
does not parse and schema-check the files that did not change.

What is cached is only what depends on one file alone: the strict YAML load (data, positions,
text, loading findings), the schema validation of that file, and the guard's scan of one text
for personal identifiers (`FileCache.scan`, keyed by the path and the text). Each entry is keyed
by the SHA-256 of everything the result depends on: the file's bytes, its path (the kind follows
from it, and findings name it), the schema files, and the code version (`code_version`: this
package's modules by content, the Python version, and the installed libraries by pip's record
of their files). Everything that reads more than one file (references, graph
rules, the guard's checks across files, governance, scenarios) runs on every check, cache or
not: a cache can only save the work of reading a text it has seen exactly as it is.

Where: `$SAMHANDLING_CACHE` when set (`off` turns the cache off), else
`$XDG_CACHE_HOME/samhandling`, else `~/.cache/samhandling`: outside the repository, so a
change under review can never bring cache entries with it. One file per repository folder,
written atomically (a temporary file renamed into place) and only when something changed,
holding only the entries the last check used. Each entry's values are kept as marshal bytes of
their own, so a run that changed one file rewrites the file without encoding every entry again,
and a document's positions are decoded only when a finding asks for one (`_CachedDocument`).

Safe: the file starts with a SHA-256 of its contents; a file that is truncated, corrupt, from
another format or unreadable is ignored (and replaced), and an entry whose shape is not what
this code writes is a miss. Nothing in the file is ever executed (marshal of plain values).
`samhandling check --no-cache` bypasses it.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import sys
from pathlib import Path

from .findings import RULES, Finding
from .loader import Document

FORMAT = b"samhandling-cache 2\n"
_PACKAGE = Path(__file__).resolve().parent.parent
# where these are installed and what pip installed there are part of the code version (the
# site's compiled templates depend on Jinja2, MkDocs and the theme as well)
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
    """A digest of the code that produces a cached result: this package's modules by content,
    the Python version, and each library by where it is installed and the record pip keeps of
    every file it installed (the `RECORD` of every distribution in the library's folder, with
    each file's SHA-256), so the same code installed again (a new virtual environment, a CI
    runner) has the same version, and any other code has another.

    Reading all that costs a hook a few milliseconds, so the digest is kept in the cache folder
    under a key of every file's path, size and modification time (the test Python itself makes
    before it trusts cached bytecode): only a changed stat reads the files again. Computed once
    per process (a site build asked six times): the code a process runs does not change under it."""
    return _code_version(str(_PACKAGE))


def _code_files(package: str) -> tuple[list, list, list]:
    """This package's modules; each library as (name, where its module is, whether pip's
    RECORD of that folder identifies it); and those RECORD files. Paths, sorted."""
    from importlib.machinery import PathFinder  # finds a module without importing it
    modules = []
    for folder, dirs, names in sorted(os.walk(package)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        modules += [os.path.join(folder, name) for name in sorted(names) if name.endswith((".py", ".json"))]
    found = []
    for name in _LIBRARIES:
        spec = PathFinder.find_spec(name)
        origin = spec.origin if spec is not None and spec.origin else ""
        folder = os.path.dirname(origin) if origin else ""
        if spec is not None and spec.submodule_search_locations:  # a package: the folder it lies in
            folder = os.path.dirname(folder)
        found.append((name, origin, folder))
    records: dict = {}
    for folder in sorted({f for _, _, f in found if f}):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            names = []
        records[folder] = [os.path.join(folder, n, "RECORD") for n in names if n.endswith(".dist-info")]
    libraries = [(name, origin, bool(records.get(folder))) for name, origin, folder in found]
    return modules, libraries, [r for folder in sorted(records) for r in records[folder]]


@functools.lru_cache(maxsize=None)
def _code_version(package: str) -> str:
    modules, libraries, records = _code_files(package)
    stats = hashlib.sha256(FORMAT + sys.version.encode() + b"\0" + package.encode("utf-8", "surrogateescape"))
    for path in modules + records:
        stats.update(_stamp(path) + b"\0")
    for name, origin, _ in libraries:
        stats.update(name.encode() + b"=" + _stamp(origin) + b"\0")
    folder = cache_dir()
    memo = folder / "kode" / (stats.hexdigest()[:40] + ".bin") if folder is not None else None
    known = read_sealed(memo) if memo is not None else None
    if isinstance(known, str) and len(known) == 64:
        return known
    h = hashlib.sha256(FORMAT + sys.version.encode() + b"\0")
    for path in modules:
        h.update(b"\1" + path[len(package):].encode("utf-8", "surrogateescape") + b"\0" + _content(path))
    for path in records:
        h.update(b"\2" + path.encode("utf-8", "surrogateescape") + b"\0" + _content(path))
    for name, origin, recorded in libraries:  # a library pip did not install (a system package): by its stat
        h.update(b"\3" + name.encode() + b"=" + origin.encode("utf-8", "surrogateescape") + b"\0"
                 + (b"" if recorded else _stamp(origin)))
    version = h.hexdigest()
    if memo is not None and write_sealed(memo, version):
        _prune(memo.parent, keep=memo)
    return version


def _content(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return b"F" + handle.read()
    except OSError:
        return b"-"


def _prune(folder: Path, keep: Path, most: int = 8) -> None:
    """Keep the newest few digests of the code version (one per code that ran here)."""
    try:
        found = sorted(folder.glob("*.bin"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for old in found[most:]:
        if old != keep:
            try:
                old.unlink()
            except OSError:
                pass


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
        self._entries: dict | None = None
        self._scans: dict = {}
        self._used: dict = {}
        self._scans_used: dict = {}
        self.hits = 0
        self.misses = 0

    # -- keys --------------------------------------------------------------------------------
    def key(self, kind: str, rel: str, raw: bytes, schema_digest: str) -> str:
        h = hashlib.sha256(FORMAT)
        for part in (code_version(), schema_digest, kind, rel):
            h.update(part.encode("utf-8", "surrogatepass") + b"\0")
        h.update(raw)
        return h.hexdigest()

    # -- the file ----------------------------------------------------------------------------
    def _read(self) -> dict:
        if self._entries is None:
            self._entries = {}
            value = read_sealed(self.path) if self.path is not None else None
            if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict) \
                    and isinstance(value[1], dict):
                self._entries, self._scans = value
        return self._entries

    def save(self) -> None:
        """Write the entries this run used, if they differ from what was read. Never fails
        the check: a cache that cannot be written is simply not written."""
        if self.path is None or self._entries is None:
            return
        if self._used.keys() == self._entries.keys() and self._scans_used.keys() == self._scans.keys():
            return
        write_sealed(self.path, (self._used, self._scans_used))

    def next_run(self) -> None:
        """Start another run in the same process (`mkdocs serve`): the entries the last run
        used stay in memory, the rest are dropped."""
        self._read()
        self._entries, self._used = self._used, {}
        self._scans, self._scans_used = self._scans_used, {}
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

    # -- the guard's scans -------------------------------------------------------------------
    def scan(self, file: str, text: str, compute) -> list:
        """`compute()`'s findings for one file's text, kept between runs: the scan reads only
        this path and text, so it is keyed by them (and the code version). Only the findings are
        kept, whose messages show a number masked, not the digits the scan found."""
        h = hashlib.sha256(FORMAT + b"scan\0")
        for part in (code_version(), file, text):
            h.update(part.encode("utf-8", "surrogatepass") + b"\0")
        key = h.hexdigest()
        self._read()
        stored = self._scans.get(key)
        found = _findings(stored)
        if found is not None:
            self._scans_used[key] = stored
            return found
        found = list(compute())
        record = tuple(map(_finding_tuple, found))
        if _marshals(record):
            self._scans_used[key] = record
        return found


def _finding_tuple(f) -> tuple:
    return (f.file, f.line, f.column, f.rule, f.severity, f.message, f.hint, tuple(f.path))


def _marshals(value) -> bool:
    try:
        marshal.dumps(value)
    except ValueError:
        return False
    return True


def _record(doc, more=()):
    """A Document as plain values (None if it holds something marshal must not carry): its data
    and text, and its positions, each as marshal bytes of their own."""
    try:
        body = marshal.dumps((doc.data, doc.text))
        places = marshal.dumps((doc.positions, doc.key_positions))
    except ValueError:
        return None
    record = (doc.file, body, places, tuple(map(_finding_tuple, doc.findings)), tuple(map(_finding_tuple, more)))
    return record if _marshals(record) else None


def _findings(items):
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
    if not (isinstance(record, tuple) and len(record) == 5):
        return None
    file, body, places, findings, more = record
    if not (isinstance(file, str) and isinstance(body, bytes) and isinstance(places, bytes)):
        return None
    try:
        body = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    if not (isinstance(body, tuple) and len(body) == 2 and isinstance(body[1], str)):
        return None
    findings, more = _findings(findings), _findings(more)
    if findings is None or more is None:
        return None
    return _CachedDocument(file, body[0], body[1], places, findings), more


class _CachedDocument(Document):
    """A Document from the cache whose positions are decoded when first read: most documents of
    a check never report a finding, so their positions are never needed."""

    def __init__(self, file: str, data, text: str, places: bytes, findings: list):
        self.file, self.data, self.text, self.findings = file, data, text, findings
        self._places = places

    def __getattr__(self, name):  # only for attributes not yet set: the two position maps
        places = self.__dict__.get("_places")
        if name not in ("positions", "key_positions") or places is None:
            raise AttributeError(name)
        try:
            positions, key_positions = marshal.loads(places)
        except (EOFError, ValueError, TypeError):
            positions = key_positions = None
        ok = isinstance(positions, dict) and isinstance(key_positions, dict)
        self.positions = positions if ok else {}  # another shape: every node at (1, 1), as an unknown path
        self.key_positions = key_positions if ok else {}
        del self._places
        return getattr(self, name)
