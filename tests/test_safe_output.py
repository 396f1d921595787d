"""Safe output (#13 point 5): what the program writes cannot be forged or broken by the data.

Control characters in file names, keys and values are escaped in the text formats (a key with
a line break cannot forge a finding line or a GitHub workflow command, ESC never reaches the
terminal); every machine format is valid UTF-8 and strict JSON; a closed pipe ends quietly;
every usage error is one line."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from checks.model.findings import Finding
from checks.report import REPORTERS, safe_text
from conftest import CASES, ROOT, run_cli

SETTING = "id: {id}\ntitle: T\ndescription: D\nkind: text\nstatus: submitted\n"


@pytest.fixture
def hostile(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(CASES / "valid-minimal", repo, ignore=shutil.ignore_patterns("expected"))
    settings = repo / "procedures" / "settings"
    settings.mkdir()
    # a key with a line break that would start a forged finding line and a workflow command
    (settings / "a.yaml").write_text(SETTING.format(id="a") + '"x\\nprocedures/x.yaml:1:1: feil [falsk] '
                                     'Alt er i orden\\n::error file=x::forfalsket\\e[2J": 1\n')
    (settings / "b.yaml").write_text(SETTING.format(id="b") + "antall: 1e999\n")
    with open(os.path.join(os.fsencode(settings), b"c\xff\x1b[31m.yaml"), "w") as handle:
        handle.write(SETTING.format(id="c"))
    return repo


def _check(repo, fmt):
    result = run_cli("-C", str(repo), "check", "--format", fmt)
    assert result.returncode == 1, result.stderr
    return result.stdout


def test_text_output_escapes_control_characters(hostile):
    out = _check(hostile, "text")
    assert "\x1b" not in out
    lines = out.splitlines()
    assert all(line.startswith(("procedures/", "    tips: ")) for line in lines[:-1]), lines
    assert not any("[falsk]" in line.split(" ", 3)[2] for line in lines if line.startswith("procedures/"))
    assert "\\n" in out and "\\x1b" in out and "\\xff" in out


def test_github_annotations_cannot_be_forged(hostile):
    out = _check(hostile, "github")
    lines = out.splitlines()
    assert all(line.startswith(("::error ", "::warning ")) for line in lines[:-1]), lines
    assert "\x1b" not in out


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_formats_are_strict_json_and_valid_utf8(hostile, fmt):
    result = subprocess.run([sys.executable, "-m", "checks", "-C", str(hostile), "check", "--format", fmt],
                            cwd=ROOT, capture_output=True, timeout=120, env={**os.environ, "NO_COLOR": "1"})
    raw = result.stdout
    text = raw.decode("utf-8")  # strict: no lone surrogate, no invalid byte

    def refuse(name):
        raise AssertionError(f"not strict JSON: {name}")
    json.loads(text, parse_constant=refuse)
    assert "Infinity" not in text and "NaN" not in text


def test_the_reporters_never_write_infinity_or_surrogates():
    finding = Finding("procedures/x\udcff.yaml", 1, 1, "yaml.syntax", "error", "Verdien er `inf`.", "", ("a\nb",))
    for name, reporter in REPORTERS.items():
        out = reporter([finding], 1)
        out.encode("utf-8")
        if name in ("json", "sarif"):
            json.loads(out)


def test_safe_text_escapes_what_a_terminal_would_act_on():
    assert safe_text("a\nb\rc\td\x1b[2J\x85\u2028\u202e\x7f") == "a\\nb\\rc\\td\\x1b[2J\\x85\\u2028\\u202e\\x7f"
    assert safe_text("æøå – «sitat»") == "æøå – «sitat»"


def test_a_closed_pipe_ends_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "checks", "rules"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before anything is written (`| head -0`)
    _, err = proc.communicate(timeout=60)
    assert err == b""
    assert proc.returncode not in (0, 2)


@pytest.mark.parametrize("args", [["explain", "a\nb"], ["graph", "x\ny"], ["check", "--today", "2026-01-01\nx"],
                                  ["-C", "/finnes\nikke", "check"]])
def test_usage_errors_are_one_line(args):
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("samhandling: "), result.stderr
    assert "Traceback" not in result.stderr


def test_an_empty_date_is_a_usage_error_not_ignored():
    result = run_cli("check", "--today", "")
    assert result.returncode == 2 and "dato" in result.stderr


# -- `samhandling new` (#13 point 6) -----------------------------------------------------------

@pytest.fixture
def scratch(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(CASES / "valid-minimal", repo, ignore=shutil.ignore_patterns("expected"))
    return repo


@pytest.mark.parametrize("kind,doc_id,why", [
    ("rutine", "ny\n", "passer ikke"), ("rutine", "ny\r", "passer ikke"), ("rutine", "Ny", "passer ikke"),
    ("rutine", "ny--x", "passer ikke"), ("rutine", "ny/../../x", "passer ikke"), ("rutine", "con", "Windows"),
    ("rutine", "nul", "Windows"), ("rutine", "lpt1", "Windows"), ("part", "aux", "Windows"),
    ("rutine", "a" * 81, "for lang"), ("rutine", "a" * 5000, "for lang"), ("part", "a" * 300, "for lang"),
    ("part", "5501\n", "passer ikke"), ("part", "55011", "passer ikke"),
])
def test_new_refuses_ids_the_schema_or_a_file_system_would_refuse(scratch, kind, doc_id, why):
    result = run_cli("-C", str(scratch), "new", kind, doc_id)
    assert result.returncode == 2 and why in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert not list((scratch / "procedures").glob("*/*"))


@pytest.mark.parametrize("kind,doc_id", [("rutine", "a" * 80), ("meldingskjede", "ny-kjede-2"), ("part", "5501"),
                                         ("innstilling", "x")])
def test_new_writes_a_draft_with_an_id_the_schema_accepts(scratch, kind, doc_id):
    result = run_cli("-C", str(scratch), "new", kind, doc_id)
    assert result.returncode == 0, result.stderr
    check = run_cli("-C", str(scratch), "check", "--format", "json")
    rules = {f["rule"] for f in json.loads(check.stdout)["findings"]}
    assert not any(r.startswith(("schema.", "file.", "yaml.")) for r in rules), rules
