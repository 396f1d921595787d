"""The repository at a git revision, read straight from git objects (nothing is checked out).

`GitTree` lists and reads the files of one commit with two git processes (`ls-tree` and one
`cat-file --batch`), so the cost grows linearly with the number of files. `load_at` feeds it
through the loader's `reader` seam, so a revision is loaded and checked exactly like the
working tree. Every problem with git itself is a `GitError` with one Norwegian sentence;
the command line turns it into exit code 2.

Revisions come from users and CI. They are never passed to git where git could read them
as an option: a value starting with `-` is refused, and everything after the first
`rev-parse --verify --end-of-options` uses the commit id git answered with.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .repository import Repository, load_repository, schemas_for, schemas_override
from .schema import SchemaSet

DEFAULT_BRANCHES = ("main", "origin/main")
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


class SourceError(Exception):
    """A side of a comparison cannot be loaded at all (one Norwegian sentence)."""


class GitError(SourceError):
    """Git could not answer: no repository, an unknown revision, missing history."""


def _env() -> dict:
    """Read-only git: no optional locks, no prompts, and no index a commit hook may point at."""
    env = {k: v for k, v in os.environ.items() if k != "GIT_INDEX_FILE"}
    env.update({"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    return env


def git(root: Path, *args: str, data: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Run one git command in `root` and return the completed process (bytes)."""
    try:
        result = subprocess.run(["git", "-C", str(root), *args], input=data, capture_output=True,
                                env=_env(), timeout=120)
    except FileNotFoundError:
        raise GitError("fant ikke programmet `git`; installer git for å sammenligne revisjoner") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git brukte for lang tid på `git {args[0]}`") from None
    if check and result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} feilet" + (f": {detail[-1]}" if detail else ""))
    return result


def _out(result: subprocess.CompletedProcess) -> str:
    return result.stdout.decode("utf-8", "replace").strip()


def ensure_repository(root: Path) -> None:
    result = git(root, "rev-parse", "--is-inside-work-tree", check=False)
    if result.returncode != 0 or _out(result) != "true":
        raise GitError(f"`{root}` er ikke et git-depot; sammenligning trenger git-historikken")


def is_shallow(root: Path) -> bool:
    return _out(git(root, "rev-parse", "--is-shallow-repository", check=False)) == "true"


def check_revision_text(rev: str) -> str:
    """Refuse what git could read as an option or what cannot be a revision at all."""
    if not isinstance(rev, str) or not rev.strip():
        raise GitError("revisjonen er tom")
    if rev.startswith("-"):
        raise GitError(f"ugyldig revisjon `{rev}`: en revisjon kan ikke begynne med `-`")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in rev):
        raise GitError("ugyldig revisjon: den inneholder kontrolltegn")
    return rev


def resolve(root: Path, rev: str) -> str:
    """The full commit id a revision names, or a GitError that says why not."""
    check_revision_text(rev)
    result = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}", check=False)
    sha = _out(result)
    if result.returncode == 0 and _SHA.match(sha):
        return sha
    if is_shallow(root):
        raise GitError(f"fant ikke revisjonen `{rev}`: depotet er en grunn kopi (shallow clone) uten den "
                       "historikken. Hent hele historikken med `git fetch --unshallow` (i GitHub Actions: "
                       "`fetch-depth: 0` i actions/checkout)")
    raise GitError(f"fant ikke revisjonen `{rev}` i git-depotet; sjekk navnet med `git log --oneline`")


def default_base(root: Path, head: str = "HEAD") -> tuple[str, str]:
    """(branch, commit) for the merge base of `main` (or `origin/main`) and `head`."""
    for branch in DEFAULT_BRANCHES:
        result = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{branch}^{{commit}}",
                     check=False)
        if result.returncode == 0:
            head_sha = resolve(root, head)
            return branch, merge_base(root, _out(result), head_sha, branch)
    if is_shallow(root):
        raise GitError("fant ikke grenen `main` (heller ikke `origin/main`) i den grunne kopien; "
                       "hent den med `git fetch origin main`, eller oppgi BASE")
    raise GitError("fant ikke grenen `main` (heller ikke `origin/main`); oppgi BASE, for eksempel "
                   "`samhandling diff HEAD~1`")


def merge_base(root: Path, a: str, b: str, label: str = "main") -> str:
    result = git(root, "merge-base", "--end-of-options", a, b, check=False)
    sha = _out(result)
    if result.returncode == 0 and _SHA.match(sha):
        return sha
    if is_shallow(root):
        raise GitError(f"fant ikke felles historikk med `{label}`: depotet er en grunn kopi (shallow clone). "
                       "Hent hele historikken med `git fetch --unshallow` (i GitHub Actions: `fetch-depth: 0`)")
    raise GitError(f"`{label}` og HEAD har ingen felles historikk; oppgi BASE")


@dataclass(frozen=True)
class _Blob:
    path: str
    oid: str
    mode: str


def _walk_order(path: str) -> tuple:
    """The order `repository.discover` walks the working tree in: in each folder its files
    first, then its subfolders, each sorted by name."""
    parts = PurePosixPath(path).parts
    return tuple((1, p) for p in parts[:-1]) + ((0, parts[-1]),)


class GitTree:
    """The files of one commit below a few folders, read in one batch."""

    def __init__(self, root: Path, commit: str, folders: tuple[str, ...] = ("procedures", "schemas")):
        if not _SHA.match(commit):
            raise GitError(f"ugyldig commit-id `{commit}`")
        self.root = Path(root)
        self.commit = commit
        listing = git(self.root, "ls-tree", "-r", "-z", commit, "--", *folders).stdout
        blobs = []
        for record in listing.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, oid = meta.decode("ascii").split()
            path = raw_path.decode("utf-8", "surrogateescape")
            if kind == "blob":
                blobs.append(_Blob(path, oid, mode))
        self._blobs = {b.path: b for b in blobs}
        self._data = self._read_all([b.oid for b in blobs if b.mode != "120000"])

    def _read_all(self, oids: list[str]) -> dict[str, bytes]:
        unique = sorted(set(oids))
        if not unique:
            return {}
        out = git(self.root, "cat-file", "--batch", data=("\n".join(unique) + "\n").encode()).stdout
        data, pos = {}, 0
        for _ in unique:
            end = out.index(b"\n", pos)
            header = out[pos:end].decode("ascii").split()
            if len(header) != 3:
                raise GitError(f"git cat-file svarte uventet: {' '.join(header)}")
            oid, _, size = header
            start = end + 1
            data[oid] = out[start:start + int(size)]
            pos = start + int(size) + 1
        return data

    def files(self, folder: str) -> list[str]:
        prefix = folder.rstrip("/") + "/"
        return [p for p in self._blobs if p.startswith(prefix)]

    def read(self, path: str) -> bytes:
        blob = self._blobs.get(path)
        if blob is None:
            raise FileNotFoundError(2, "finnes ikke i revisjonen", path)
        if blob.mode == "120000":
            raise OSError(f"symbolsk lenke i {self.commit[:7]}")
        return self._data[blob.oid]


class GitReader:
    """The loader's `reader`: `reader(rel) -> bytes` and `reader.paths()`, for procedures/."""

    def __init__(self, tree: GitTree):
        self.tree = tree

    def paths(self) -> list[str]:
        keep = [p for p in self.tree.files("procedures")
                if not PurePosixPath(p).name.startswith(".") and PurePosixPath(p).name != "README.md"]
        return sorted(keep, key=_walk_order)

    def __call__(self, rel: str) -> bytes:
        return self.tree.read(rel)


def schemas_at(tree: GitTree, root: Path) -> SchemaSet:
    """The schemas as they were at the revision; the package's when it has none; the folder
    `SAMHANDLING_SCHEMAS` names when it is set (CI reads both sides with the base's schemas)."""
    if schemas_override() is not None:
        return schemas_for(root)
    names = {PurePosixPath(p).name: p for p in tree.files("schemas") if p.endswith(".schema.json")
             and PurePosixPath(p).parent.as_posix() == "schemas"}
    if "common.schema.json" not in names:
        return schemas_for(root)
    try:
        return SchemaSet.from_texts({name: tree.read(path) for name, path in names.items()})
    except (ValueError, OSError) as exc:
        raise GitError(f"skjemaene i {tree.commit[:7]} kan ikke leses: {exc}") from None


@dataclass
class Side:
    """One side of a comparison: a loaded repository and where it came from."""

    repo: Repository
    label: str              # the revision as the user gave it (or the branch of a merge base)
    commit: str | None      # None for the working tree
    merge_base: bool = False  # the commit is the merge base of `label` and HEAD

    @property
    def short(self) -> str:
        return self.commit[:7] if self.commit else "arbeidskopien"


def load_at(root: Path, commit: str, label: str, merge_base: bool = False, cache: dict | None = None) -> Side:
    """The repository at a commit. `cache` (a dict shared between loads) parses each file
    content once, so the two sides of a comparison cost little more than one."""
    tree = GitTree(root, commit)
    schemas = schemas_at(tree, root)
    repo = load_repository(Path(root), schemas=schemas, reader=GitReader(tree), cache=cache)
    return Side(repo, label, commit, merge_base)


def load_working_tree(root: Path, cache: dict | None = None) -> Side:
    try:
        schemas = schemas_for(Path(root))
    except (ValueError, OSError) as exc:
        raise SourceError(f"skjemaene i arbeidskopien kan ikke leses: {exc}") from None
    return Side(load_repository(Path(root), schemas=schemas, cache=cache), "arbeidskopien", None)


def load_revision(root: Path, rev: str, cache: dict | None = None) -> Side:
    ensure_repository(root)
    return load_at(root, resolve(root, rev), rev, cache=cache)


def sides(root: Path, base: str | None, head: str | None) -> tuple[Side, Side]:
    """The two sides `samhandling diff [BASE [HEAD]]` compares."""
    ensure_repository(root)
    cache: dict = {}
    if base is None:
        label, base_sha = default_base(root, head or "HEAD")
    else:
        label, base_sha = base, resolve(root, base)
    head_sha = None if head is None else resolve(root, head)
    base_side = load_at(root, base_sha, label, merge_base=base is None, cache=cache)
    head_side = (load_working_tree(root, cache) if head_sha is None
                 else load_at(root, head_sha, head, cache=cache))
    return base_side, head_side


# What decides the verdict rather than what it is about: the code, the schemas, the workflows
# and CODEOWNERS, the tests, the scripts CI runs and the installation.
CHECK_PATHS = ("checks", "schemas", ".github", "tests", "scripts", "pyproject.toml", "Makefile")


def changed_paths(root: Path, base: str, head: str | None, paths: tuple = CHECK_PATHS) -> list[str]:
    """Files under `paths` that differ between the commit `base` and `head` (None: the working
    tree, untracked files included), sorted."""
    spec = ["--", *paths]
    if head is None:
        out = git(root, "diff", "--name-only", "-z", "--no-renames", base, *spec).stdout
        out += git(root, "ls-files", "-z", "--others", "--exclude-standard", *spec).stdout
    else:
        out = git(root, "diff", "--name-only", "-z", "--no-renames", base, head, *spec).stdout
    return sorted({p for p in out.decode("utf-8", "surrogateescape").split("\0") if p})


def describe(side: Side) -> dict:
    return {"revision": side.label if side.commit else None, "commit": side.commit,
            "merge_base": side.merge_base, "working_tree": side.commit is None}


__all__ = ["SourceError", "GitError", "GitTree", "GitReader", "Side", "load_at", "load_revision", "load_working_tree",
           "sides", "resolve", "default_base", "describe", "changed_paths", "CHECK_PATHS"]
