"""`samhandling export`: the whole resolved model as one JSON document with its own schema."""

import json
import os
import subprocess
import sys

import jsonschema
import pytest

from checks.export import model as export
from checks.model.vocabulary import procedures
from checks.rules.analysis import run_checks
from conftest import CASES, ROOT

GOLDEN = ROOT / "tests" / "golden" / "export-graph-valid.json"
EXAMPLE = CASES / "graph-valid"


def validator():
    schema = json.loads(export.schema_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("root", [ROOT, EXAMPLE, CASES / "paths-hold", ROOT / "tests" / "site-fixture"],
                         ids=["real", "graph-valid", "paths-hold", "site-fixture"])
def test_export_validates_against_its_schema_and_round_trips_the_counts(root):
    repo, findings = run_checks(root)
    data = json.loads(export.dumps(export.build_export(repo, findings)))
    assert [e.message for e in validator().iter_errors(data)] == []
    assert data["format"] == export.FORMAT
    assert len(data["procedures"]) == len(procedures(repo))
    assert len(data["parties"]) == len(repo.of("party"))
    assert len(data["message_types"]) == len(repo.of("message-type"))
    assert len(data["settings"]) == len(repo.of("setting"))
    assert len(data["decisions"]) == len(repo.of("decision"))
    assert data["summary"]["documents"] == len(repo.entries)
    assert data["summary"]["errors"] + data["summary"]["warnings"] == len(findings) == len(data["findings"])
    by_id = {e.id: e for e in procedures(repo)}
    for proc in data["procedures"]:
        assert proc["data"] == by_id[proc["id"]].data  # the document as written, nothing lost
        assert [s["id"] for s in proc["steps"]] == [s["id"] for s in by_id[proc["id"]].data["steps"]]
    if repo.agreement is not None:
        assert len(data["agreement"]["obligations"]) == len(repo.agreement.data["obligations"])


def test_references_are_resolved():
    repo, findings = run_checks(EXAMPLE)
    data = export.build_export(repo, findings)
    names = {m["id"]: m["name"] for m in data["message_types"]}
    routines = {p["id"] for p in data["procedures"] if p["kind"] == "routine"}
    messages = [s for p in data["procedures"] for s in p["steps"] if "message" in s]
    assert messages
    for step in messages:
        assert step["message"]["name"] == names[step["message"]["message_type"]]
        for side in ("from", "to"):
            assert step["message"][side]["address_nb"]
        for failure in step.get("on_failure", {}).values():
            assert failure["routine"] in routines and failure["title"]
    covered = [o for o in data["agreement"]["obligations"] if o["covered_by"]]
    assert covered and all(c["procedure"] in {p["id"] for p in data["procedures"]}
                           for o in covered for c in o["covered_by"])


def test_path_obligations_are_exported_with_whether_they_hold():
    repo, findings = run_checks(CASES / "paths-hold")
    data = export.build_export(repo, findings)
    rows = [r for p in data["procedures"] for r in p["path_obligations"]]
    assert rows and all(r["holds"] and r["counterexample"] == [] for r in rows)


def test_export_is_byte_identical_across_runs_and_hash_seeds(tmp_path):
    outputs = []
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-m", "checks", "-C", str(ROOT), "export"], cwd=ROOT, env=env,
                             capture_output=True, timeout=120)
        assert out.returncode == 0, out.stderr
        outputs.append(out.stdout)
    assert outputs[0] == outputs[1] == outputs[2]


def test_golden_export_of_a_small_example():
    repo, findings = run_checks(EXAMPLE)
    text = export.dumps(export.build_export(repo, findings))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), "UPDATE_GOLDEN=1 skriver gullfilen på nytt"


def test_cli_export_writes_a_file_and_the_schema(cli, tmp_path):
    target = tmp_path / "samhandling.json"
    result = cli("-C", str(EXAMPLE), "export", "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == export.FORMAT
    schema = cli("export", "--schema")
    assert schema.returncode == 0 and json.loads(schema.stdout)["title"].startswith("Samhandlingsprosedyrene")


def test_export_of_a_model_with_errors_says_so_and_exits_1(cli):
    result = cli("-C", str(CASES / "schema-format"), "export")
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["errors"] > 0
    assert result.stderr.startswith("samhandling: ") and "feil" in result.stderr


def test_the_site_publishes_the_export_and_its_schema_side_by_side():
    repo, findings = run_checks(ROOT)
    files = export.site_files(repo, findings)
    assert set(files) == {export.PUBLISHED, export.PUBLISHED_SCHEMA}
    assert export.PUBLISHED.rsplit("/", 1)[0] == export.PUBLISHED_SCHEMA.rsplit("/", 1)[0]
    assert json.loads(files[export.PUBLISHED])["$schema"] == export.PUBLISHED_SCHEMA.rsplit("/", 1)[1]


def test_the_version_in_force_is_exported_with_its_steps_as_adopted(tmp_path):
    """A vendor reads the steps in force, not the draft on main (lifecycle, read from git)."""
    from gitrepos import TODAY, make_repo
    from test_lifecycle import revise

    repo = make_repo(tmp_path)
    revise(repo)  # 1.1.0 submitted with a new deadline; 1.0.0 stays in force
    loaded, findings = run_checks(repo.path)
    data = json.loads(export.dumps(export.build_export(loaded, findings, today=TODAY)))
    assert [e.message for e in validator().iter_errors(data)] == []
    chain = next(p for p in data["procedures"] if p["id"] == "kjede")
    life = chain["lifecycle"]
    assert chain["in_force"] and life["state"] == "in-force"
    assert life["in_force"]["version"] == "1.0.0" and life["in_force"]["decision"]["case_number"]
    adopted = {s["id"]: s for s in life["in_force"]["steps"]}
    current = {s["id"]: s for s in chain["steps"]}
    assert adopted["helseopplysninger"]["deadline"]["within"] == "PT12H"
    assert current["helseopplysninger"]["deadline"]["within"] == "PT6H"
    assert life["pending"]["version"] == "1.1.0" and life["pending"]["changes"]
    assert life["history"][0]["action"] == "adopted"
