"""The generated site kept between `mkdocs build` runs, so a build of an unchanged repository
does not check, render and export it again (the hook's own share of a build).

What is kept: what the hook's `on_config` computes (the checked model rendered to pages, the
export files, the scenario pages, the navigation, the glossary's word groups for search), only
for a build without findings at error level, already masked. The generated pages and files
are kept as files, and MkDocs reads them by path (no copy of them is held in memory).

The key is a SHA-256 of everything that output depends on:
- the code: check's code version (`checks/model/cache.py`: every module, the Python version and
  the installed libraries) and every other file of the package (the page templates);
- today's date (`datetime.date.today()`, as the checks and the lifecycle read it) and `TZ`;
- every `SAMHANDLING_*` environment variable (but the cache's own folder and the repository's,
  which is in the key as a path);
- the repository folder, and every file (path, bytes, or a link's target) under its
  `procedures/`, `schemas/`, `scenarios/` and `docs/`, its `mkdocs.yml`, the MkDocs
  configuration file in use, the schemas a `SAMHANDLING_SCHEMAS` folder holds and the package's
  own schemas; a change not committed yet is covered by the bytes;
- git: the commit HEAD names, the repository's path prefix and whether it is shallow (the
  change log and «Sist endret» come from `git log` from HEAD, the lifecycle from `git log HEAD`
  and `git cat-file` at commits of that history), a shallow clone's boundary and grafts, every
  ref with its object (`git for-each-ref`: branches, tags and replace refs) and git's settings.
A build that reads a conformance report (`SAMHANDLING_SAMSVAR_RAPPORT`) is not cached.

Where: the folder `nettsted/` of check's cache (`cache_dir()`: `$SAMHANDLING_CACHE`, else
`$XDG_CACHE_HOME/samhandling`, else `~/.cache/samhandling`; `SAMHANDLING_CACHE=off` turns it
off). One folder per repository, holding the entries of the last few keys; an entry is written
into a folder of its own and renamed into place. Safe: an entry's list (`innhold.bin`) starts
with a SHA-256 of itself and names each file's SHA-256 and size; an entry that is incomplete,
corrupt or of another shape is ignored (the site is computed afresh and the entry replaced).

When the site must be computed afresh (something changed), two memos of the last build keep it
cheap, both exact: `PageMemo` (a page whose template and view model are the same is the same
text) and `CleanTexts` (a text `mask` left unchanged is not scanned again).
"""

from __future__ import annotations

import datetime
import hashlib
import marshal
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = b"samhandling-nettsted 1\n"
LIST = "innhold.bin"
FILES = "filer"
KEEP = 3  # entries kept per repository (the newest)
_PACKAGE = Path(__file__).resolve().parent.parent
_FOLDERS = ("procedures", "schemas", "scenarios", "docs")
# the repository's folder is in the key as a path; where the cache lives is not an input
_NOT_INPUTS = ("SAMHANDLING_ROOT", "SAMHANDLING_CACHE")


@dataclass
class Entry:
    """Generated pages and files, in build order: (path, where) where `where` is a file to
    read (a str path) or the content itself (kept in memory)."""

    items: list
    nav: list
    groups: list
    folder: Path | None = None
    temporary: bool = False
    memory: dict = field(default_factory=dict)


def _git(root: Path, *args: str) -> bytes:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return b"no git"
    return b"%d\0%s" % (result.returncode, result.stdout)


def _tree(h, folder: Path, label: str) -> None:
    """Every file under a folder (path, bytes; a link by its target), sorted."""
    h.update(b"\1folder\0" + label.encode("utf-8", "surrogateescape") + b"\0")
    if not folder.exists():
        h.update(b"-")
        return
    if folder.is_file():
        h.update(b"F" + folder.read_bytes())
        return
    for base, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names + [d for d in dirs if os.path.islink(os.path.join(base, d))]):
            path = os.path.join(base, name)
            h.update(b"\1" + os.path.relpath(path, folder).encode("utf-8", "surrogateescape") + b"\0")
            if os.path.islink(path):
                h.update(b"L" + os.readlink(path).encode("utf-8", "surrogateescape"))
            else:
                try:
                    with open(path, "rb") as handle:
                        h.update(b"F" + handle.read())
                except OSError:
                    h.update(b"?")


def code_key() -> str:
    """check's code version and every other file of the package (the page templates)."""
    from checks.model.cache import code_version
    h = hashlib.sha256(FORMAT)
    h.update(code_version().encode() + b"\0")
    for base, dirs, names in os.walk(_PACKAGE):  # what code_version does not read (templates)
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if not name.endswith((".py", ".json", ".pyc")):
                path = os.path.join(base, name)
                h.update(b"\1" + path.encode("utf-8", "surrogateescape") + b"\0")
                try:
                    with open(path, "rb") as handle:
                        h.update(handle.read())
                except OSError:
                    h.update(b"?")
    return h.hexdigest()


def key(root: Path, config_file: str | None = None, today: datetime.date | None = None) -> str | None:
    """The key of what the hook computes for `root` now, or None when it must not be cached."""
    if os.environ.get("SAMHANDLING_SAMSVAR_RAPPORT"):
        return None
    h = hashlib.sha256(FORMAT)
    h.update(code_key().encode() + b"\0")
    h.update((today or datetime.date.today()).isoformat().encode() + b"\0")
    for name in sorted(os.environ):
        if (name.startswith("SAMHANDLING_") or name == "TZ") and name not in _NOT_INPUTS:
            h.update(f"{name}={os.environ[name]}\0".encode("utf-8", "surrogateescape"))
    root = Path(root).resolve()
    h.update(str(root).encode("utf-8", "surrogateescape") + b"\0")
    for name in _FOLDERS:
        _tree(h, root / name, name)
    _tree(h, root / "mkdocs.yml", "mkdocs.yml")
    if config_file:
        _tree(h, Path(config_file), "config")
    if os.environ.get("SAMHANDLING_SCHEMAS"):
        _tree(h, Path(os.environ["SAMHANDLING_SCHEMAS"]), "SAMHANDLING_SCHEMAS")
    _tree(h, (_PACKAGE / "schemas").resolve(), "package schemas")
    found = _git(root, "rev-parse", "--show-prefix", "--is-shallow-repository", "--git-path", "shallow",
                 "--git-path", "info/grafts", "HEAD")
    h.update(found)
    if found.startswith(b"0\0"):  # the boundary of a shallow clone and old-style grafts shape the history
        lines = found[2:].decode("utf-8", "surrogateescape").splitlines()
        for name in lines[2:4]:
            _tree(h, Path(name) if os.path.isabs(name) else root / name, "git")
    h.update(_git(root, "for-each-ref", "--format=%(objectname) %(refname)"))
    h.update(_git(root, "config", "--list"))  # how git writes what the pages read (core.quotepath, …)
    return h.hexdigest()


def _folder(root: Path) -> Path | None:
    from checks.model.cache import cache_dir
    base = cache_dir()
    if base is None:
        return None
    return base / "nettsted" / hashlib.sha256(str(Path(root).resolve()).encode()).hexdigest()[:32]


def _safe(path) -> bool:
    return (isinstance(path, str) and path and not path.startswith("/") and "\\" not in path
            and all(part not in ("", ".", "..") for part in path.split("/")))


def load(root: Path, key_: str) -> Entry | None:
    """The entry stored under this key, or None (missing, incomplete, corrupt, other shape)."""
    folder = _folder(root)
    if folder is None:
        return None
    from checks.model.cache import read_sealed
    entry = folder / key_[:40]
    record = read_sealed(entry / LIST, FORMAT)
    if not (isinstance(record, tuple) and len(record) == 4 and record[0] == key_
            and isinstance(record[1], list) and isinstance(record[2], list) and isinstance(record[3], list)):
        return None
    _, nav, groups, listing = record
    items, memory = [], {}
    for item in listing:
        if not (isinstance(item, tuple) and len(item) == 4 and _safe(item[0]) and item[1] in ("path", "text", "bytes")
                and isinstance(item[2], bytes) and isinstance(item[3], int)):
            return None
        path, how, digest, size = item
        try:
            data = (entry / FILES / path).read_bytes()
        except OSError:
            return None
        if len(data) != size or hashlib.sha256(data).digest() != digest:
            return None
        if how == "path":
            items.append((path, str(entry / FILES / path)))
        else:
            try:
                memory[path] = data.decode("utf-8") if how == "text" else data
            except UnicodeDecodeError:
                return None
            items.append((path, None))
    try:
        os.utime(entry)  # in use: the newest entries are the ones kept
    except OSError:
        pass
    return Entry(items, nav, groups, entry, memory=memory)


def _how(content) -> str:
    if isinstance(content, bytes):
        return "bytes"
    # MkDocs reads a page from a file with universal newlines: a page with a carriage return
    # is handed over as text, so the built page is the same either way
    return "text" if "\r" in content else "path"


def _write(target: Path, site, nav, groups, key_: str) -> list:
    listing = []
    for path, content in [*site.pages.items(), *site.files.items()]:
        if not _safe(path):
            raise ValueError(path)
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        out = target / FILES / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        listing.append((path, _how(content), hashlib.sha256(data).digest(), len(data)))
    from checks.model.cache import write_sealed
    if not write_sealed(target / LIST, (key_, nav, groups, listing), FORMAT):
        raise OSError(f"{target / LIST} kan ikke skrives")
    return listing


def _entry(folder: Path, site, nav, groups, listing, temporary: bool) -> Entry:
    items, memory = [], {}
    contents = {**site.pages, **site.files}
    for path, how, _, _ in listing:
        if how == "path":
            items.append((path, str(folder / FILES / path)))
        else:
            memory[path] = contents[path]
            items.append((path, None))
    return Entry(items, nav, groups, folder, temporary, memory)


def store(root: Path, key_: str | None, site, nav, groups) -> Entry | None:
    """Keep the site under `key_` (when caching is on) and return it as an entry MkDocs reads
    from files; with the cache off or not writable, a temporary folder (removed after the
    build, `discard`). None when neither can be written (the caller keeps the site in memory)."""
    import tempfile
    folder = _folder(root) if key_ else None
    if folder is not None:
        staging = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".neste-", dir=folder))
            listing = _write(staging, site, nav, groups, key_)
            final = folder / key_[:40]
            try:
                os.rename(staging, final)
            except OSError:  # another build stored the same key meanwhile, or an old one is there
                shutil.rmtree(final, ignore_errors=True)
                try:
                    os.rename(staging, final)
                except OSError:
                    return _entry(staging, site, nav, groups, listing, True)
            _prune(folder, final)
            return _entry(final, site, nav, groups, listing, False)
        except (OSError, ValueError):
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
    try:
        staging = Path(tempfile.mkdtemp(prefix="samhandling-nettsted-"))
    except OSError:
        return None
    try:
        listing = _write(staging, site, nav, groups, key_ or "")
    except (OSError, ValueError):
        shutil.rmtree(staging, ignore_errors=True)
        return None
    return _entry(staging, site, nav, groups, listing, True)


def _prune(folder: Path, keep: Path) -> None:
    """Keep the newest entries of this repository (KEEP), and no leftovers of failed writes."""
    try:
        entries = [p for p in folder.iterdir() if p != keep and p.is_dir()]
    except OSError:
        return
    now = datetime.datetime.now().timestamp()
    old = []
    for path in entries:
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue
        if path.name.startswith(".neste-"):
            if now - mtime > 3600:
                shutil.rmtree(path, ignore_errors=True)
        else:
            old.append((mtime, path))
    for _, path in sorted(old, reverse=True)[KEEP - 1:]:
        shutil.rmtree(path, ignore_errors=True)


def discard(entry: Entry | None) -> None:
    """After the build: remove a temporary entry's folder."""
    if entry is not None and entry.temporary and entry.folder is not None:
        shutil.rmtree(entry.folder, ignore_errors=True)


class CleanTexts:
    """`mask` for the pages MkDocs writes, remembering which texts it leaves as they are.

    `mask(text)` is a function of the text alone (for one code version). The final HTML of a
    page is mostly the same from one build to the next, and masking it means scanning every
    digit of the theme's icons. So the SHA-256 of each text that `mask` returned unchanged is
    kept (in the repository's folder, for this code version); a text with such a digest is
    returned as it is without scanning it again: exactly what `mask` would return. Every other
    text goes through `mask`. The digests the last build used are what is kept; a file that is
    damaged, from another code version or of another shape is ignored."""

    NAME = "uendret-av-maskering.bin"

    def __init__(self, root: Path):
        from checks.model.cache import code_version, read_sealed
        self.version = code_version()
        folder = _folder(root)
        self.path = folder / self.NAME if folder is not None else None
        self.known: set = set()
        self.used: set = set()
        record = read_sealed(self.path, FORMAT) if self.path is not None else None
        if (isinstance(record, tuple) and len(record) == 2 and record[0] == self.version
                and isinstance(record[1], (set, frozenset)) and all(isinstance(d, bytes) for d in record[1])):
            self.known = set(record[1])

    def mask(self, text):
        from checks.model.masking import mask
        if not isinstance(text, str):
            return mask(text)
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
        if digest in self.known:
            self.used.add(digest)
            return text
        out = mask(text)
        if out == text:
            self.used.add(digest)
        return out

    def save(self) -> None:
        if self.path is None or self.used == self.known:
            return
        from checks.model.cache import write_sealed
        write_sealed(self.path, (self.version, frozenset(self.used)), FORMAT)


class PageMemo:
    """Pages rendered in the last build, by template name and context (`templating.render_template`).

    A page's text is a function of its template (part of the code) and the plain values of its
    view model. So a page whose template name and context, written with marshal (version 2: plain
    values only, no references), have the same SHA-256 as in the last build is the same text,
    and is taken from here instead of being rendered again. A context marshal cannot write
    (markup, objects) is always rendered. Kept in the repository's folder for this code version
    (templates included); the pages the last build used are what is kept; a file that is damaged,
    of another code version or of another shape is ignored."""

    NAME = "sider.bin"

    def __init__(self, root: Path):
        self.version = code_key()
        folder = _folder(root)
        self.path = folder / self.NAME if folder is not None else None
        self.known: dict = {}
        self.used: dict = {}
        self.hits = 0
        if self.path is not None:
            self.known = self._read(self.path, self.version)

    @staticmethod
    def _read(path: Path, version: str) -> dict:
        """The file: FORMAT, SHA-256 of the rest, then records (4-byte length, marshal): the
        version, then (key, page) each; read and written one record at a time, so no second
        copy of every page is made on the way."""
        try:
            blob = path.read_bytes()
        except OSError:
            return {}
        head = len(FORMAT) + 32
        view = memoryview(blob)
        if not (blob.startswith(FORMAT) and len(blob) > head
                and hashlib.sha256(view[head:]).digest() == blob[len(FORMAT):head]):
            return {}
        out: dict = {}
        pos, first = head, True
        try:
            while pos < len(blob):
                size = int.from_bytes(view[pos:pos + 4], "big")
                if size <= 0 or pos + 4 + size > len(blob):
                    return {}
                record = marshal.loads(view[pos + 4:pos + 4 + size])
                pos += 4 + size
                if first:
                    if record != version:
                        return {}
                    first = False
                    continue
                if not (isinstance(record, tuple) and len(record) == 2 and isinstance(record[0], bytes)
                        and isinstance(record[1], str)):
                    return {}
                out[record[0]] = record[1]
        except (EOFError, ValueError, TypeError):
            return {}
        return {} if first else out

    @staticmethod
    def key(name: str, context: dict) -> bytes | None:
        try:
            return hashlib.sha256(marshal.dumps((name, context), 2)).digest()
        except ValueError:
            return None

    def get(self, key: bytes) -> str | None:
        found = self.known.get(key)
        if found is not None:
            self.used[key] = found
            self.hits += 1
        return found

    def put(self, key: bytes, text: str) -> None:
        self.used[key] = text

    def save(self) -> None:
        if self.path is None or self.used.keys() == self.known.keys():
            return
        tmp = self.path.with_name(f"{self.NAME}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            h = hashlib.sha256()
            with open(tmp, "wb") as handle:
                handle.write(FORMAT + bytes(32))
                for record in [self.version, *self.used.items()]:
                    chunk = marshal.dumps(record)
                    chunk = len(chunk).to_bytes(4, "big") + chunk
                    h.update(chunk)
                    handle.write(chunk)
                handle.seek(len(FORMAT))
                handle.write(h.digest())
            os.replace(tmp, self.path)
        except (OSError, ValueError):
            try:
                tmp.unlink()
            except OSError:
                pass
