"""Input generators and property checks shared by the fuzz tests and scripts/fuzz.py.

Kinds of input: random bytes, random YAML documents, structured mutations of the shipped
content (keys deleted, duplicated, renamed or retyped; values swapped between fields; lists
truncated or reordered; files truncated mid-token), and the classes #13 found: a valid
personal identity number planted in a value or key in every spelling (YAML escapes, folded
lines, no-break, thin and zero-width spaces, other digit forms), hidden line breaks (NEL, LS,
PS, lone CR), numbers beyond the limits (4 300+ digits, `1e999`, huge durations), control
characters and bidi controls in keys and values, and hostile file names (Windows-reserved,
not UTF-8, with line breaks or ESC, holding a number). Each input replaces or adds one file
of the shipped repository and goes through the whole pipeline in memory; every output
(findings in all four formats, both change reports, the diagrams, the site pages) is checked
at its boundary: strict JSON, valid UTF-8, no control character in a text line, and no
planted number once masked.
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

import html
import json
import re
import unicodedata

from checks.model.identifiers import identity_kind
from checks.model.masking import mask, safe_unicode
from checks.report import REPORTERS
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


def valid_number(rng: random.Random) -> str:
    """A random valid fødselsnummer, D-nummer, H-nummer or FH-nummer."""
    while True:
        first = rng.choice(["date", "d", "h", "fh"])
        day, month = rng.randint(1, 28) + (40 if first == "d" else 0), rng.randint(1, 12) + (40 if first == "h" else 0)
        nine = f"{day:02d}{month:02d}{rng.randint(0, 99):02d}{rng.randint(0, 999):03d}"
        if first == "fh":
            nine = str(rng.choice((8, 9))) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        for tail in (f"{a}{b}" for a in range(10) for b in range(10)):
            if identity_kind(nine + tail):
                return nine + tail


# spellings of a number as YAML source: (name, function of the number -> scalar text)
SPELLINGS = [
    ("plain", lambda n: n),
    ("spaced", lambda n: f"{n[:6]} {n[6:]}"),
    ("dotted", lambda n: f"{n[:2]}.{n[2:4]}.{n[4:6]} {n[6:]}"),
    ("escape", lambda n: '"' + "".join(f"\\x3{c}" if i % 3 == 0 else c for i, c in enumerate(n)) + '"'),
    ("unicode-escape", lambda n: f'"\\u003{n[0]}{n[1:]}"'),
    ("nbsp-escape", lambda n: f'"{n[:6]}\\_{n[6:]}"'),
    ("tab-escape", lambda n: f'"{n[:6]}\\t{n[6:]}"'),
    ("line-escape", lambda n: f'"{n[:6]}\\n{n[6:]}"'),
    ("nbsp", lambda n: f"{n[:6]}\u00a0{n[6:]}"),
    ("thin", lambda n: f"{n[:6]}\u2009{n[6:]}"),
    ("narrow-nbsp", lambda n: f"{n[:6]}\u202f{n[6:]}"),
    ("zero-width", lambda n: f"{n[:3]}\u200b{n[3:6]}\u2060{n[6:]}"),
    ("soft-hyphen", lambda n: f"{n[:6]}\u00ad{n[6:]}"),
    ("fullwidth", lambda n: "".join(chr(0xFF10 + int(c)) for c in n)),
    ("arabic-indic", lambda n: "".join(chr(0x0660 + int(c)) for c in n)),
    ("folded", lambda n: f">-\n      {n[:6]}\n      {n[6:]}"),
    ("quoted-fold", lambda n: f'"{n[:6]}\n      {n[6:]}"'),
]
HIDDEN_BREAKS = ["\x85", "\u2028", "\u2029", "\r"]
HUGE_NUMBERS = ["9" * 4301, "-" + "1" * 5000, "1e999", "-1e999", "9007199254740993", "P" + "9" * 4400 + "D",
                "PT" + "9" * 30 + "H", "P99999W", "0x" + "f" * 5000, "1" + "0" * 400 + ".5"]
CONTROL_TEXTS = ['"a\\nprocedures/x.yaml:1:1: feil [falsk] melding"', '"\\e[2J\\e[31mrød"', '"::error::falsk"',
                 '"høyre\\u202evenstre"', '"\\x00\\x07\\x1b\\x7f"', '"\\u2028linje\\u2029"', "'%0A::warning::x'"]
HOSTILE_NAMES = ["con.yaml", "nul.yaml", "aux.yaml", "x\udcff.yaml", "a\nb.yaml", "\x1b[31m.yaml", "a:b.yaml",
                 "trailing .yaml", "slutt..yaml"]


def _scalar_lines(text: str) -> list[int]:
    lines = text.split("\n")
    return [i for i, line in enumerate(lines) if re.match(r"^\s*(- )?[A-Za-z_][\w-]*: \S", line)
            and not line.rstrip().endswith((">-", "|", ">", "|-"))]


def plant(rng: random.Random, raw: bytes, value: str, as_key: bool = False) -> bytes:
    """Put `value` (YAML scalar source) in place of a value, or as a new key, on a random line."""
    text = raw.decode("utf-8", "replace")
    lines = text.split("\n")
    candidates = _scalar_lines(text)
    if not candidates:
        return (text + ("\n" if not text.endswith("\n") else "") + f"notat: {value}\n").encode("utf-8")
    i = rng.choice(candidates)
    line = lines[i]
    head = line[: line.index(": ") + 2]
    indent = " " * (len(head) - len(head.lstrip(" -")))
    if as_key and "\n" not in value:
        lines.insert(i + 1, f"{indent}{value}: x")
    else:
        lines[i] = head + value.replace("\n      ", "\n" + indent + "      ")
    return "\n".join(lines).encode("utf-8")


def make_input(rng: random.Random, base: dict[str, bytes]) -> tuple[str, str, bytes, str | None]:
    """(input kind, file path, new content, planted number or None): one file replaced or added."""
    path = rng.choice(sorted(base))
    roll = rng.random()
    if roll < 0.15:
        return "bytes", path, random_bytes(rng), None
    if roll < 0.33:
        return "yaml", path, random_yaml(rng), None
    if roll < 0.6:
        return "mutation", path, mutate_structure(rng, base[path]), None
    if roll < 0.75:
        number = valid_number(rng)
        name, spell = rng.choice(SPELLINGS)
        return f"identifier-{name}", path, plant(rng, base[path], spell(number), rng.random() < 0.3), number
    if roll < 0.83:
        text = base[path].decode("utf-8")
        at = rng.randrange(len(text) + 1)
        return "line-break", path, (text[:at] + rng.choice(HIDDEN_BREAKS) + text[at:]).encode("utf-8"), None
    if roll < 0.9:
        return "number", path, plant(rng, base[path], rng.choice(HUGE_NUMBERS), rng.random() < 0.2), None
    if roll < 0.96:
        return "control", path, plant(rng, base[path], rng.choice(CONTROL_TEXTS), rng.random() < 0.5), None
    folder = path.rsplit("/", 1)[0]
    name = rng.choice(HOSTILE_NAMES + [f"{valid_number(rng)}.yaml"])
    number = name[:-5] if name[:-5].isdigit() else None
    return "file-name", f"{folder}/{name}", base[path], number


def readable(text: str) -> str:
    """What a reader reads in an output: entities and escapes decoded, tags dropped, NFKC,
    no spaces, format characters, combining marks or dots (the oracle for planted numbers)."""
    text = html.unescape(html.unescape(text))
    # escapes of separators are decoded; an escaped digit stays text (`\\x31` reads as text)
    text = re.sub(r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})", _unescape, text)
    text = re.sub(r"\\[nrtvfb]", " ", text)
    text = re.sub(r"<[^<>]*>", "", text)
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


# every space, dot, format character (Cf) and combining mark (Mn, Me), from this Python's own
# Unicode tables (independent of the lists in checks.model.identifiers)
_INVISIBLE = re.compile("[\\s." + "".join(
    re.escape(chr(cp)) for cp in range(0x110000)
    if unicodedata.category(chr(cp)) in ("Cf", "Mn", "Me")) + "]")


def _unescape(match) -> str:
    char = chr(int(match.group(1) or match.group(2), 16))
    return match.group() if unicodedata.normalize("NFKC", char).isdigit() else char


_TEXT_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _strict_json(text: str) -> None:
    def refuse(name):
        raise ValueError(f"{name} i JSON")
    json.loads(text, parse_constant=refuse)


def at_boundary(text: str) -> str:
    """What leaves the program: the CLI's writer (checks.report.write) and the MkDocs hook."""
    return mask(safe_unicode(text))


def output_problems(outputs: list[tuple[str, str]], planted: str | None) -> list[str]:
    """The boundary properties of every output (see the module docstring)."""
    problems = []
    for name, text in outputs:
        text = at_boundary(text)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # pragma: no cover - the boundary makes it valid
            problems.append(f"{name}: ikke gyldig UTF-8")
        if name.startswith(("check json", "check sarif", "diff json")):
            try:
                _strict_json(text)
            except ValueError as exc:
                problems.append(f"{name}: ikke streng JSON ({exc})")
        if name in ("check text", "check github") and _TEXT_UNSAFE.search(text):
            problems.append(f"{name}: kontrolltegn i en tekstlinje")
        if planted is not None and planted in readable(text):
            problems.append(f"{name}: umaskert personnummer ({planted[:6]}*****)")
    return problems


def downstream(base_repo, base_findings, repo, findings, site: bool = True,
               report: bool = True) -> list[tuple[str, str]]:
    """The findings in every format, the graph, the renderer and the change report over a
    (possibly damaged) repository; returns (output name, text) for the boundary checks."""
    # text and json always; the github and sarif formats (sarif carries every rule) with the site
    outputs = [(f"check {fmt}", reporter(findings, 1)) for fmt, reporter in REPORTERS.items()
               if site or fmt in ("text", "json")]
    types = {e.id: e for e in repo.of("message-type")}
    for entry in procedures(repo):
        outputs.append((f"graph mermaid {entry.id}", diagram.mermaid(entry, types)))
        outputs.append((f"graph dot {entry.id}", diagram.dot(entry, types)))
    if site:
        pages = render.render_pages(repo, findings)
        if isinstance(pages, dict):
            outputs += [(f"site {path}", text) for path, text in pages.items() if isinstance(text, str)]
    if not report:
        return outputs
    comparison = diff.compare(base_repo, repo)
    for fmt, report in changereport.REPORTS.items():
        outputs.append((f"diff {fmt}", report(comparison, Side(base_repo, "main", None),
                                               Side(repo, "arbeidskopien", None), base_findings, findings,
                                               diff.verdict(comparison))))
    return outputs


def check_properties(files: dict[str, bytes], base: tuple | None = None, planted: str | None = None) -> list[str]:
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
    problems += output_problems(downstream(*base, repo, findings), planted)
    problems += guard_problems(repo, findings, planted)
    return problems


def guard_problems(repo, findings, planted: str | None) -> list[str]:
    """A planted number a reader can read (in the raw text, a loaded value or a file name)
    is reported by the guard."""
    if planted is None or "privacy.personal-id" in {f.rule for f in findings}:
        return []
    for doc in repo.documents:
        seen = readable(doc.file) + readable(doc.text)
        if doc.data is not None:
            seen += readable(json.dumps(doc.data, ensure_ascii=False, default=str))
        if planted in seen:
            return [f"vakten fant ikke nummeret i {doc.file} ({planted[:6]}*****)"]
    return []
