"""The command line as users and CI run it: exit codes, formats, no tracebacks."""

import json

import jsonschema
import pytest

from conftest import CASES, ROOT

BROKEN = CASES / "schema-format"
VALID = CASES / "valid-minimal"


def test_clean_repository_exits_0(cli):
    result = cli("-C", str(VALID), "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Ingen funn" in result.stdout


def test_findings_exit_1_with_file_line_column(cli):
    result = cli("-C", str(BROKEN), "check")
    assert result.returncode == 1
    assert "procedures/decisions/oso-2026-01.yaml:4:15: feil [schema.format]" in result.stdout
    assert "2 feil og 0 advarsler" in result.stdout


@pytest.mark.parametrize("args", [["check", "--format", "xml"], ["ukjent"], [], ["explain", "ingen.slik-regel"],
                                  ["-C", "/finnes/ikke", "check"]])
def test_usage_errors_exit_2_with_one_norwegian_line(cli, args):
    result = cli(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("samhandling: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_paths_limit_the_report(cli, tmp_path):
    result = cli("-C", str(CASES / "file-unknown-kind"), "check",
                 str(CASES / "file-unknown-kind" / "procedures" / "notater"))
    assert result.returncode == 1
    assert "ide.yaml" in result.stdout and "les-meg.txt" not in result.stdout


def test_text_colour_only_on_a_terminal_and_never_with_no_color(cli):
    result = cli("-C", str(BROKEN), "check")  # a pipe, not a terminal
    assert "\033[" not in result.stdout


def test_github_format_one_annotation_per_finding(cli):
    result = cli("-C", str(BROKEN), "check", "--format", "github")
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 2
    assert annotations[0].startswith("::error file=procedures/decisions/oso-2026-01.yaml,line=4,col=15,title=schema.format::")


def test_github_format_is_chosen_in_github_actions(cli):
    result = cli("-C", str(BROKEN), "check", env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::error ")


def test_json_format_is_a_stable_object(cli):
    result = cli("-C", str(BROKEN), "check", "--format", "json")
    data = json.loads(result.stdout)
    assert data["format"] == 1
    assert data["summary"] == {"files": 2, "errors": 2, "warnings": 0}
    first = data["findings"][0]
    assert set(first) == {"file", "line", "column", "rule", "severity", "message", "hint", "path"}
    assert first["path"] == "meeting_date"


@pytest.mark.parametrize("case", ["schema-format", "valid-minimal", "yaml-alias-bomb"])
def test_sarif_validates_against_the_official_schema(cli, case):
    result = cli("-C", str(CASES / case), "check", "--format", "sarif")
    sarif = json.loads(result.stdout)
    schema = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = [e.message for e in validator.iter_errors(sarif)]
    assert errors == []


def test_explain_prints_the_rule_documentation(cli):
    result = cli("explain", "yaml.duplicate-key")
    assert result.returncode == 0
    assert result.stdout.startswith("yaml.duplicate-key (feil): Duplikat nøkkel")
    assert "beholder" in result.stdout


def test_explain_suggests_a_close_rule(cli):
    result = cli("explain", "yaml.duplicat-key")
    assert result.returncode == 2 and "yaml.duplicate-key" in result.stderr


def test_rules_lists_every_registered_rule(cli):
    result = cli("rules")
    assert "yaml.alias" in result.stdout and "coverage.uncovered" in result.stdout


def test_internal_failure_is_one_line_and_traceback_only_on_request(cli, tmp_path):
    repo = tmp_path / "repo"
    (repo / "procedures").mkdir(parents=True)
    (repo / "schemas").mkdir()
    (repo / "schemas" / "common.schema.json").write_text("{ not json")
    result = cli("-C", str(repo), "check")
    assert result.returncode == 2
    assert result.stderr.startswith("samhandling: intern feil:") and "Traceback" not in result.stderr
    result = cli("--traceback", "-C", str(repo), "check")
    assert result.returncode == 2 and "Traceback" in result.stderr


def test_files_over_one_mebibyte_are_refused_unread(cli, tmp_path):
    repo = tmp_path / "repo"
    (repo / "procedures" / "settings").mkdir(parents=True)
    (repo / "procedures" / "agreement.yaml").write_text((VALID / "procedures" / "agreement.yaml").read_text())
    (repo / "procedures" / "settings" / "stor.yaml").write_text("id: stor\n# " + "x" * (1024 * 1024) + "\n")
    result = cli("-C", str(repo), "check")
    assert result.returncode == 1
    assert "procedures/settings/stor.yaml:1:1: feil [yaml.too-large]" in result.stdout


def test_check_never_writes_to_the_repository(cli, tmp_path):
    import shutil
    repo = tmp_path / "repo"
    shutil.copytree(CASES / "yaml-alias-bomb", repo)
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    cli("-C", str(repo), "check")
    after = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file()}
    assert before == after
