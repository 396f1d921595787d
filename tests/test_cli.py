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


@pytest.mark.parametrize("kind,doc_id,folder", [
    ("part", "5501", "parties"), ("meldingstype", "ny-melding", "message-types"),
    ("meldingskjede", "ny-kjede", "chains"), ("rutine", "ny-rutine", "routines"),
    ("vedtak", "oso-2027-01", "decisions"), ("innstilling", "ny-frist", "settings")])
def test_new_writes_a_draft_whose_only_errors_are_its_placeholders(cli, tmp_path, kind, doc_id, folder):
    """A newcomer's draft: no default passes if forgotten, and nothing but the placeholders is
    reported (no schema error, no unknown reference, no colliding routine category), also in a
    repository where every routine category is taken."""
    import shutil
    for name, source in (("minimal", VALID), ("real", ROOT)):
        repo = tmp_path / name
        shutil.copytree(source / "procedures", repo / "procedures")
        shutil.copytree(ROOT / "schemas", repo / "schemas")
        path = repo / "procedures" / folder / f"{doc_id}.yaml"
        if path.exists():
            continue  # (a kommune the real repository already has)
        result = cli("-C", str(repo), "new", kind, doc_id)
        assert result.returncode == 0, result.stderr
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        assert (path.parent / first.split("=", 1)[1]).resolve().is_file()
        report = json.loads(cli("-C", str(repo), "check", "--format", "json").stdout)
        rel = path.relative_to(repo).as_posix()
        errors = {f["rule"] for f in report["findings"] if f["file"] == rel and f["severity"] == "error"}
        assert errors == {"content.placeholder"}, (name, errors)
        others = {f["rule"] for f in report["findings"] if f["file"] != rel and f["severity"] == "error"}
        assert not others, (name, others)


def test_new_never_overwrites_an_existing_file(cli, tmp_path):
    import shutil
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo)
    target = repo / "procedures" / "settings" / "apprec-ventetid.yaml"
    target.parent.mkdir(parents=True)
    target.write_text("id: apprec-ventetid\n# mitt arbeid\n")
    result = cli("-C", str(repo), "new", "innstilling", "apprec-ventetid")
    assert result.returncode == 2 and "finnes allerede" in result.stderr
    assert target.read_text() == "id: apprec-ventetid\n# mitt arbeid\n"
    assert cli("-C", str(repo), "new", "ukjent-type", "x").returncode == 2
    assert cli("-C", str(repo), "new", "rutine", "Stor_Bokstav").returncode == 2


def test_version_answers_before_any_heavy_import(cli):
    import subprocess
    import sys
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("samhandling ")
    probe = ("import sys; from checks.cli import main; main(['--version']); "
             "print(sorted(m for m in ('yaml', 'jsonschema', 'jsonschema_rs', 'networkx', 'referencing') "
             "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.splitlines()[-1] == "[]", out.stdout + out.stderr


def test_list_shows_every_file_check_reads_with_its_kind(cli):
    case = CASES / "file-unknown-kind"
    result = cli("-C", str(case), "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = {r["file"]: r for r in json.loads(result.stdout)["files"]}
    yaml_files = {p.relative_to(case).as_posix() for p in (case / "procedures").rglob("*") if p.is_file()}
    assert yaml_files <= set(rows)
    assert rows["procedures/agreement.yaml"]["kind"] == "agreement"
    assert rows["procedures/agreement.yaml"]["schema"] == "schemas/agreement.schema.json"
    # a file `check` reports as file.unknown-kind is listed without a kind, saying why
    checked = json.loads(cli("-C", str(case), "check", "--format", "json").stdout)
    unknown = {f["file"] for f in checked["findings"] if f["rule"] == "file.unknown-kind"}
    assert unknown and all(rows[f]["kind"] is None and "file.unknown-kind" in rows[f]["note"] for f in unknown)


def test_list_as_text_names_the_kind_in_norwegian(cli):
    result = cli("-C", str(VALID), "list")
    assert result.returncode == 0
    assert any(line.startswith("procedures/agreement.yaml") and line.endswith("avtale")
               for line in result.stdout.splitlines())
    assert result.stdout.splitlines()[-1].endswith(").")


def test_check_does_not_import_networkx_or_the_reference_validator():
    """Start-up for a pre-commit hook (#14): the graph rules use checks.model.digraph, and the
    reference validator is imported only to explain a schema error."""
    import subprocess
    import sys
    probe = ("import sys; from checks.cli import main; main(['-C', sys.argv[1], 'check']); "
             "print(sorted(m for m in ('networkx', 'jsonschema', 'referencing') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe, str(ROOT)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.splitlines()[-1] == "[]", out.stdout[-500:] + out.stderr
