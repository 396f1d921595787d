"""`samhandling list`: the files `check` reads, and what each one is.

The kind of a file under `procedures/` is decided by where it lies (the same `kind_of` the
loader uses), so the list is exactly what `check` would load. The check also scans the
schemas and the Markdown under `docs/` for personal identifiers; those are listed too, with
what is checked in them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .model import masking
from .model.repository import discover, kind_of, link_problem
from .model.schema import KIND_NB, KINDS

# what `check` does with files outside procedures/ (see checks/rules/privacy.py)
EXTRA_NB = {"schema": "JSON-skjema (personnummer)", "docs": "Markdown under docs/ (personnummer)"}
LIST_FORMAT_VERSION = 1


def inventory(root: Path) -> list[dict]:
    """One row per file: `file` (relative, POSIX), `kind` (document kind, `schema`, `docs`, or
    None for a file under procedures/ that has no kind), `schema` (the schema that validates it)
    and `note` (why it is not read, if it is not)."""
    root = Path(root)
    rows = []
    for path in discover(root):
        rel = path.relative_to(root).as_posix()
        row = {"file": rel, "kind": kind_of(Path(rel).relative_to("procedures")), "schema": None, "note": ""}
        link = link_problem(path, root)
        if link is not None:
            row.update(kind=None, note=f"lenke som ikke følges, leses ikke ({link[0].id})")
        elif row["kind"] is None:
            row["note"] = "ingen dokumenttype ut fra plasseringen (file.unknown-kind)"
        else:
            row["schema"] = f"schemas/{row['kind']}.schema.json"
        rows.append(row)
    schemas = root / "schemas"
    if schemas.is_dir():
        for path in sorted(schemas.glob("*.json")):
            rows.append({"file": path.relative_to(root).as_posix(), "kind": "schema", "schema": None, "note": ""})
    scenarios = root / "scenarios"  # read by check (checks/compliance/scenario.py)
    if scenarios.is_dir():
        for path in sorted(scenarios.glob("*.yaml")):
            rows.append({"file": path.relative_to(root).as_posix(), "kind": "scenario",
                         "schema": "schemas/scenario.schema.json", "note": ""})
    docs = root / "docs"
    if docs.is_dir():
        for path in sorted(docs.rglob("*.md")):
            rows.append({"file": path.relative_to(root).as_posix(), "kind": "docs", "schema": None, "note": ""})
    return rows


def kind_nb(kind: str | None) -> str:
    if kind is None:
        return "ukjent"
    return KIND_NB.get(kind) or EXTRA_NB.get(kind, kind)


def as_text(rows: list[dict]) -> str:
    width = max((len(r["file"]) for r in rows), default=0) + 2
    lines = []
    for row in rows:
        shown = kind_nb(row["kind"])
        if row["note"]:
            shown += f": {row['note']}"
        lines.append(f"{row['file']:{width}}{shown}")
    counts = Counter(r["kind"] for r in rows)
    order = [*KINDS, "schema", "docs", None]
    short = {"schema": "JSON-skjema", "docs": "Markdown"}
    parts = [f"{short.get(k) or kind_nb(k)}: {counts[k]}" for k in order if counts.get(k)]
    lines.append(f"{len(rows)} filer (" + ", ".join(parts) + ").")
    return "\n".join(lines) + "\n"


def as_json(rows: list[dict]) -> str:
    data = {"format": LIST_FORMAT_VERSION, "files": rows}
    return masking.dumps(data, indent=2, sort_keys=True) + "\n"  # strict, masked JSON (checks.model.masking)
