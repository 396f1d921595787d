"""Schema validation fails closed: both validators read every pattern the same way, and a
document the fast validator rejects is never counted as valid.

Python's `$` also matches before a final newline, the fast validator's (ECMA-262, as JSON
Schema specifies) does not; `\\s` differs between the engines too. Every pattern in the
schemas is tried with edge strings against both validators (and against an ECMA-262 engine,
what editors use, when `regress` is installed)."""

import json
from pathlib import Path

import jsonschema
import jsonschema_rs
import pytest

from checks.model.loader import load_text
from checks.model.schema import SchemaSet

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "schemas"


def _patterns(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


PATTERNS = sorted({p for f in SCHEMAS.glob("*.schema.json") for p in _patterns(json.loads(f.read_text("utf-8")))})
SAMPLES = ["", "a", "abc", "0301", "1234", "123456789", "5.1.d.3", "2026-01-01", "PT24H", "P5D", "P", "PT",
           "P99999D", "P100000D", "0.1.0", "https://x.no/a", "a@b.no", "+47 12345678", "FYLL INN: tittel"]
EDGES = ["\n", "\r", "\r\n", "\n\n", "\u2028", "\u2029", "\x85", "\u00a0", "\u202f", "\u2009", "\ufeff", "\u200b",
         "\u202e", "\t", " ", "\v", "\f", "\u1680", "\u180e", "\u3000", "\x00"]
DIGITS = ["\u0663", "\uff13", "\U0001d7d1"]  # Arabic-Indic, fullwidth and mathematical digits


def _edge_strings():
    out = set()
    for s in SAMPLES:
        out.add(s)
        for e in EDGES:
            out |= {s + e, e + s, s[:1] + e + s[1:]}
        for d in DIGITS:
            out |= {s.replace("1", d), s.replace("0", d), d + s}
    return sorted(out)


def test_the_schemas_have_patterns():
    assert len(PATTERNS) >= 5


@pytest.mark.parametrize("pattern", PATTERNS)
def test_both_validators_agree_on_every_pattern(pattern):
    schema = {"type": "string", "pattern": pattern}
    fast = jsonschema_rs.validator_for(schema)
    reference = jsonschema.Draft202012Validator(schema)
    ecma = None
    try:
        import regress
        ecma = regress.Regex(pattern)
    except ImportError:  # pragma: no cover - regress comes with check-jsonschema
        pass
    for s in _edge_strings():
        assert fast.is_valid(s) == reference.is_valid(s), (pattern, s)
        if ecma is not None:
            assert (ecma.find(s) is not None) == reference.is_valid(s), (pattern, s)


@pytest.mark.parametrize("pattern", PATTERNS)
def test_no_pattern_accepts_a_trailing_line_break(pattern):
    reference = jsonschema.Draft202012Validator({"type": "string", "pattern": pattern})
    for s in SAMPLES:
        if reference.is_valid(s):
            assert not reference.is_valid(s + "\n"), (pattern, s)


def test_a_document_the_fast_validator_rejects_is_invalid_even_if_the_reference_accepts_it():
    # the old, unanchored pattern: jsonschema-rs rejects "x\n", Python's re accepts it
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
              "properties": {"title": {"type": "string", "pattern": "^[^\\n]*$"}}}
    schemas = SchemaSet.from_texts({"setting.schema.json": json.dumps(schema)})
    doc = load_text("procedures/settings/x.yaml", 'id: x\ntitle: "Hastedialog\\n"\n')
    (finding,) = schemas.validate("setting", doc)
    assert finding.rule == "schema.validators-disagree"
    assert (finding.line, finding.column, finding.path) == (2, 8, ("title",))
    assert schemas.validate("setting", load_text("procedures/settings/x.yaml", "id: x\ntitle: Hastedialog\n")) == []


@pytest.mark.parametrize("field,value", [("title", '"Hastedialog\\n"'), ("version", '"0.1.0\\n"'),
                                         ("id", '"hastedialog\\n"'), ("status", "draft")])
def test_trailing_newlines_in_the_real_schemas_are_findings(field, value):
    base = {"id": "hastedialog", "title": "Hastedialog", "summary": "S", "version": "0.1.0", "status": "draft",
            "owner": "O", "fulfils": ["1"], "category": "urgent-dialogue"}
    text = "".join(f"{k}: {value if k == field else json.dumps(v, ensure_ascii=False)}\n" for k, v in base.items())
    doc = load_text("procedures/routines/hastedialog.yaml", text)
    rules = {(f.rule, f.path[:1]) for f in SchemaSet(SCHEMAS).validate("routine", doc)}
    if field != "status":  # the control: the same document without a trailing newline
        assert ("schema.format", (field,)) in rules
    assert not any(r == "schema.validators-disagree" for r, _ in rules)
