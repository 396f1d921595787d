"""Input generators and property checks shared by the fuzz tests and scripts/fuzz.py.

Three kinds of input: random bytes, random YAML documents, and structured mutations of the
shipped content (keys deleted, duplicated, renamed or retyped; values swapped between
fields; lists truncated or reordered; files truncated mid-token). Each input replaces one
file of the shipped repository and goes through the whole pipeline in memory.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from checks.review import changereport, diff
from checks.site import diagram, render
from checks.review.gate import analyse
from checks.model.vocabulary import procedures
from checks.model.loader import git_lines, iter_nodes
from checks.model.gitsource import Side
from checks.model.repository import load_repository

ROOT = Path(__file__).resolve().parent.parent


class MemoryReader:
    """The `reader` seam of load_repository, over a dict of path -> bytes."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files

    def paths(self) -> list[str]:
        return sorted(self.files)

    def __call__(self, rel: str) -> bytes:
        return self.files[rel]


def shipped_files() -> dict[str, bytes]:
    base = ROOT / "procedures"
    return {p.relative_to(ROOT).as_posix(): p.read_bytes() for p in sorted(base.rglob("*.yaml"))}


SCALARS = ["", "no", "yes", "on", "off", "12:30", "2026-02-30", "0301", "~", "null", "true", "1e3", ".inf",
           "- x", "a: b", "&a", "*a", "!!python/object:os.system", "'", '"', "{", "[", "#", "%", "@", "`",
           "<script>alert(1)</script>", "æøå ÆØÅ ᚠ", "\t", "311299 56715", "x" * 300]


def random_bytes(rng: random.Random) -> bytes:
    n = rng.choice([0, 1, 2, 8, 64, 512, 4096])
    return bytes(rng.randrange(256) for _ in range(n))


def random_value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if depth > 4 or roll < 0.4:
        return rng.choice([rng.choice(SCALARS), rng.randint(-10, 10 ** 6), rng.random(), True, False, None])
    if roll < 0.7:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(["id", "title", "steps", "next", "type", "from", "to", "deadline", "x", "sources"]
                       + [rng.choice(SCALARS)]): random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def random_yaml(rng: random.Random) -> bytes:
    text = yaml.safe_dump(random_value(rng), allow_unicode=True, sort_keys=False)
    if rng.random() < 0.3:  # sprinkle YAML syntax the dumper would never write
        lines = text.splitlines()
        i = rng.randrange(len(lines) + 1)
        lines.insert(i, rng.choice(["---", "key: &a [1, 2]", "other: *a", "? [x]\n: y", "a: !!str b",
                                    "dup: 1\ndup: 2", "\tbad: tab", "k: 'open", "- - - x", "...", "%YAML 1.1"]))
        text = "\n".join(lines) + "\n"
    return text.encode("utf-8")


def yaml_lines(raw: bytes) -> list[str]:
    """The file's lines as git and GitHub count them (findings point at these)."""
    return git_lines(raw.decode("utf-8", "replace"))


def _get(data, path):
    for p in path:
        data = data[p]
    return data


def mutate_structure(rng: random.Random, text: bytes) -> bytes:
    """One structured mutation of a shipped YAML file."""
    kind = rng.choice(["delete-key", "duplicate-key", "rename-key", "retype", "swap", "truncate-list",
                       "reorder-list", "truncate-file", "delete-line", "duplicate-line"])
    if kind == "truncate-file":
        return text[: rng.randrange(len(text) + 1)]
    if kind in ("delete-line", "duplicate-line"):
        lines = text.splitlines(keepends=True)
        i = rng.randrange(len(lines))
        if kind == "delete-line":
            del lines[i]
        else:
            lines.insert(i, lines[i])
        return b"".join(lines)
    try:
        data = yaml.load(text.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (UnicodeDecodeError, yaml.YAMLError):  # an earlier input already broke this file
        return text[: rng.randrange(len(text) + 1)]
    nodes = list(iter_nodes(data))
    maps = [(p, v) for p, v in nodes if isinstance(v, dict) and v]
    lists = [(p, v) for p, v in nodes if isinstance(v, list) and v]
    leaves = [(p, v) for p, v in nodes if p and not isinstance(v, (dict, list))]
    if kind in ("delete-key", "rename-key", "duplicate-key") and maps:
        path, mapping = rng.choice(maps)
        key = rng.choice(list(mapping))
        if kind == "delete-key":
            del mapping[key]
        elif kind == "rename-key":
            mapping[key + rng.choice(["x", "_", "s"])] = mapping.pop(key)
        else:
            dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
            line = next((ln for ln in dumped.splitlines() if ln.lstrip().startswith(f"{key}:")), None)
            if line:
                dumped = dumped.replace(line, line + "\n" + line, 1)
            return dumped.encode("utf-8")
    elif kind == "retype" and leaves:
        path, _ = rng.choice(leaves)
        _get(data, path[:-1])[path[-1]] = random_value(rng, 3)
    elif kind == "swap" and len(leaves) > 1:
        (a, va), (b, vb) = rng.sample(leaves, 2)
        _get(data, a[:-1])[a[-1]], _get(data, b[:-1])[b[-1]] = vb, va
    elif kind == "truncate-list" and lists:
        path, values = rng.choice(lists)
        del values[rng.randrange(len(values)):]
    elif kind == "reorder-list" and lists:
        path, values = rng.choice(lists)
        rng.shuffle(values)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def make_input(rng: random.Random, base: dict[str, bytes]) -> tuple[str, str, bytes]:
    """(input kind, file path, new content) replacing one file of the base repository."""
    path = rng.choice(sorted(base))
    roll = rng.random()
    if roll < 0.2:
        return "bytes", path, random_bytes(rng)
    if roll < 0.45:
        return "yaml", path, random_yaml(rng)
    return "mutation", path, mutate_structure(rng, base[path])


def downstream(base_repo, base_findings, repo, findings, site: bool = True, report: bool = True) -> None:
    """The graph, the renderer and the change report over a (possibly damaged) repository."""
    types = {e.id: e for e in repo.of("message-type")}
    for entry in procedures(repo):
        diagram.mermaid(entry, types)
        diagram.dot(entry, types)
    if site:
        render.render_pages(repo, findings)
    if not report:
        return
    comparison = diff.compare(base_repo, repo)
    for report in changereport.REPORTS.values():
        report(comparison, Side(base_repo, "main", None), Side(repo, "arbeidskopien", None),
               base_findings, findings, diff.verdict(comparison))


def check_properties(files: dict[str, bytes], base: tuple | None = None) -> list[str]:
    """Run the pipeline over the files; return the properties that failed (empty: all held).

    Never an exception; every finding's line and column inside its file; the same input gives
    the same findings; the graph, the site and the change report against `base` (the shipped
    repository and its findings) are produced without an error."""
    problems = []
    repo = load_repository(ROOT, reader=MemoryReader(files))
    findings = analyse(repo)
    again = analyse(load_repository(ROOT, reader=MemoryReader(files)))
    if findings != again:
        problems.append("ulike funn for samme inndata")
    for f in findings:
        raw = files.get(f.file)
        if raw is None:
            if not f.file.startswith(("procedures/", "schemas/", "docs/")):
                problems.append(f"funn i ukjent fil {f.file}")
            continue
        lines = yaml_lines(raw)
        if not (1 <= f.line <= max(len(lines), 1)) or not (1 <= f.column <= len(lines[f.line - 1]) + 1):
            problems.append(f"posisjon utenfor filen: {f.location()} {f.rule}")
    if base is None:
        base_repo = load_repository(ROOT, reader=MemoryReader(shipped_files()))
        base = (base_repo, analyse(base_repo))
    downstream(*base, repo, findings)
    return problems
