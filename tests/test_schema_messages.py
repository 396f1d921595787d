"""Schema errors in Norwegian at the right node, with the most relevant alternative chosen."""

import json

from checks.model.loader import load_bytes
from checks.model.schema import SchemaSet


def _schemas(tmp_path, schema):
    (tmp_path / "common.schema.json").write_text('{"$schema": "https://json-schema.org/draft/2020-12/schema"}')
    (tmp_path / "setting.schema.json").write_text(json.dumps(schema))
    return SchemaSet(tmp_path)


def test_one_of_shows_the_best_alternative_and_counts_the_rest(tmp_path):
    schemas = _schemas(tmp_path, {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"value": {"oneOf": [
            {"type": "object", "required": ["within"], "properties": {"within": {"type": "string"}}},
            {"type": "string", "pattern": "^P"},
            {"type": "integer"},
        ]}},
    })
    doc = load_bytes("procedures/settings/x.yaml", b"id: x\nvalue:\n  within: 12\n")
    (finding,) = schemas.validate("setting", doc)
    assert (finding.line, finding.column, finding.rule) == (3, 11, "schema.type")
    assert finding.message == ("Feil type i `value.within`: forventet tekst, fant heltall `12`. "
                               "(2 andre mulige feil er skjult.)")
    assert finding.hint == 'Sett verdien i anførselstegn: `"12"`.'


def test_a_missing_key_points_at_its_parent_mapping(tmp_path):
    schemas = _schemas(tmp_path, {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"a": {"type": "object", "required": ["b"],
                                                                        "properties": {"b": {"title": "Bee"}}}}})
    doc = load_bytes("procedures/settings/x.yaml", b"id: x\na:\n  c: 1\n")
    (finding,) = schemas.validate("setting", doc)
    assert (finding.line, finding.column, finding.rule) == (3, 3, "schema.required")
    assert finding.message == "Påkrevd felt `b` (Bee) mangler i `a`."
