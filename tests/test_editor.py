"""Help where people edit: the schemas in VS Code through the YAML language server.

The slow test starts the real `yaml-language-server` (npm, pinned in
tools/yaml-language-server/package-lock.json, installed with `npm ci` when missing) over stdio,
configured with the project's .vscode/settings.json, opens a procedure with an error and one with
a half-typed key, and checks that what the editor shows carries the schemas' Norwegian words.
"""

import json
import re

import pytest

from checks.model.repository import FOLDERS, SINGLE_FILES
from conftest import ROOT

SCHEMAS = ROOT / "schemas"


def _nodes(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _nodes(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _nodes(value, path + (i,))


def test_vscode_maps_every_document_folder_to_its_schema():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    wanted = {f"procedures/{folder}/*.yaml": f"./schemas/{kind}.schema.json" for folder, kind in FOLDERS.items()}
    wanted.update({f"procedures/{name}": f"./schemas/{kind}.schema.json" for name, kind in SINGLE_FILES.items()})
    got = {glob: schema for schema, globs in mapping.items() for glob in globs}
    for glob, schema in wanted.items():
        assert got.get(glob) == schema, glob
    for schema in mapping:
        assert (ROOT / schema).is_file(), schema


def test_every_enum_and_pattern_explains_itself_in_norwegian_in_the_editor():
    """The language server shows `errorMessage` (enum) and `patternErrorMessage` (pattern) instead of
    its English «Value is not accepted» or a regular expression. Add one beside each new enum/pattern."""
    missing = []
    for path in sorted(SCHEMAS.glob("*.schema.json")):
        for where, node in _nodes(json.loads(path.read_text(encoding="utf-8"))):
            if "enum" in node and isinstance(node["enum"], list) and not node.get("errorMessage"):
                missing.append(f"{path.name}:{'/'.join(map(str, where))} (enum: errorMessage)")
            if isinstance(node.get("pattern"), str) and not node.get("patternErrorMessage"):
                missing.append(f"{path.name}:{'/'.join(map(str, where))} (pattern: patternErrorMessage)")
    assert missing == []


@pytest.fixture(scope="module")
def server():
    import lsp
    binary = lsp.install()
    if binary is None:
        pytest.skip("npm finnes ikke her (CI har npm)")
    client = lsp.Client(binary, ROOT, lsp.settings_from_vscode(ROOT))
    client.start()
    yield client
    client.close()


def _schema(kind: str) -> dict:
    return json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))


def _common(name: str) -> dict:
    return _schema("common")["$defs"][name]


@pytest.mark.slow
def test_an_error_is_shown_with_the_schemas_norwegian_message(server, tmp_path):
    source = next((ROOT / "procedures" / "routines").glob("*.yaml"))
    text = source.read_text(encoding="utf-8")
    broken = re.sub(r"(?m)^status: \w+$", "status: vedtatt", text, count=1)
    assert broken != text
    uri = server.open(source, broken)
    diagnostics = server.diagnostics(uri, want=lambda ds: any("status" in json.dumps(d) or "Status" in d.get(
        "source", "") for d in ds))
    line = broken.splitlines().index("status: vedtatt")
    here = [d for d in diagnostics if d["range"]["start"]["line"] == line]
    assert here, diagnostics
    status = _common("status")
    assert here[0]["message"] == status["errorMessage"]
    assert "Prosedyrens status" in here[0]["message"] and "`adopted`" in here[0]["message"]
    assert here[0]["source"].endswith(status["title"])
    print("\n".join(f"{d['range']['start']['line'] + 1}:{d['range']['start']['character'] + 1} "
                    f"[{d.get('source')}] {d['message']}" for d in diagnostics))

    # a wrong form shows what the form is, not the regular expression
    bad_version = re.sub(r'(?m)^version: .*$', 'version: "1.0"', text, count=1)
    uri = server.open(source.with_name("versjon.yaml"), bad_version)
    diagnostics = server.diagnostics(uri, want=lambda ds: bool(ds))
    assert any(d["message"] == _common("version")["patternErrorMessage"] for d in diagnostics), diagnostics


@pytest.mark.slow
def test_completing_a_half_typed_key_offers_the_fields_with_their_norwegian_help(server):
    source = next((ROOT / "procedures" / "routines").glob("*.yaml"))
    lines = source.read_text(encoding="utf-8").splitlines()
    lines = [l for l in lines if not l.startswith("category:")]
    lines.insert(2, "categ")
    uri = server.open(source.with_name("halvskrevet.yaml"), "\n".join(lines) + "\n")
    items = server.completion(uri, 2, len("categ"))
    by_label = {i["label"]: i for i in items}
    assert "category" in by_label, sorted(by_label)
    category = _schema("routine")["properties"]["category"]
    doc = by_label["category"].get("documentation")
    doc = doc.get("value") if isinstance(doc, dict) else doc
    assert category["description"] in (doc or "")
    hover = server.hover(uri, 0, 1)  # `id:` on the first line
    assert hover and _common("id")["title"] in json.dumps(hover, ensure_ascii=False)
