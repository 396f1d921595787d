"""The JSON Schemas as data for the editor pages (`skjemaer/`): which document kinds there are,
where their files live, and every field of a schema with its `$ref`s resolved. Plain values;
the templates `schemas.md.j2` and `schema.md.j2` write the pages."""

from __future__ import annotations

import json

from ..model.repository import FOLDERS, SINGLE_FILES, schemas_for


def schema_docs(root) -> dict:
    """File name -> (text, parsed schema), as the repository's checks use them."""
    directory = schemas_for(root).directory
    out = {}
    for path in sorted(directory.glob("*.schema.json")):
        text = path.read_text(encoding="utf-8")
        out[path.name] = (text, json.loads(text))
    return out


def kind_patterns() -> list[tuple[str, str]]:
    """(kind, file pattern) for every document kind, in the README's order."""
    out = [(kind, f"procedures/{name}") for name, kind in SINGLE_FILES.items()]
    out += [(kind, f"procedures/{folder}/*.yaml") for folder, kind in FOLDERS.items()]
    return out


def _follow(node: dict, docs: dict, current: str) -> tuple[dict, str, str]:
    """The node with its `$ref` followed (sibling keys win), the file it came from, and the
    name of the definition it refers to."""
    ref = node.get("$ref")
    if not ref:
        return node, current, ""
    file, _, pointer = ref.partition("#")
    file = file or current
    target = docs.get(file, (None, {}))[1]
    for part in [p for p in pointer.split("/") if p]:
        target = target.get(part, {}) if isinstance(target, dict) else {}
    merged_target, file, _ = _follow(target, docs, file)
    merged = {**merged_target, **{k: v for k, v in node.items() if k != "$ref"}}
    return merged, file, pointer.rsplit("/", 1)[-1]


def schema_fields(schema: dict, name: str, docs: dict, limit: int = 12) -> list[dict]:
    """Every field of a schema as rows (path, title, type, required, description), with
    `$ref`s to the same or another schema file resolved."""
    rows: list = []

    def walk(node: dict, current: str, path: str, required: bool, depth: int):
        node, current, _ = _follow(node, docs, current)
        if path:
            rows.append({"path": path, "title": node.get("title", ""), "type": type_view(node, docs, current),
                         "required": required, "description": node.get("description", "")})
        if depth >= limit:
            return
        if node.get("type") == "object" or "properties" in node:
            needed = set(node.get("required", []))
            for key, child in node.get("properties", {}).items():
                walk(child, current, f"{path}.{key}" if path else key, key in needed, depth + 1)
        items = node.get("items")
        if isinstance(items, dict):
            item, item_file, _ = _follow(items, docs, current)
            if item.get("type") == "object" or "properties" in item:
                needed = set(item.get("required", []))
                for key, child in item.get("properties", {}).items():
                    walk(child, item_file, f"{path}[].{key}", key in needed, depth + 1)

    walk(schema, name, "", True, 0)
    return rows


def type_view(node: dict, docs: dict, current: str) -> dict:
    """What kind of value a field takes: `kind` (enum, const, array, object, boolean, date,
    string, number or "") and what the template needs to say it in Norwegian."""
    if "enum" in node:
        return {"kind": "enum", "options": [str(v) for v in node["enum"]]}
    if "const" in node:
        return {"kind": "const", "value": json.dumps(node["const"])}
    kind = node.get("type")
    if kind == "array":
        items = node.get("items") or {}
        if "$ref" in items:
            file, _, pointer = items["$ref"].partition("#")
            target = docs.get(file or current, (None, {}))[1]
            for part in [p for p in pointer.split("/") if p]:
                target = target.get(part, {}) if isinstance(target, dict) else {}
            items = {**target, **{k: v for k, v in items.items() if k != "$ref"}}
        return {"kind": "array", "of": str(items.get("title") or "").lower(),
                "options": [str(v) for v in items.get("enum") or []]}
    if kind == "string":
        if node.get("format") == "date":
            return {"kind": "date"}
        return {"kind": "string", "max": node.get("maxLength") or 0, "pattern": node.get("pattern") or ""}
    if kind in ("integer", "number"):
        return {"kind": "number"}
    if kind in ("object", "boolean"):
        return {"kind": kind}
    return {"kind": ""}
