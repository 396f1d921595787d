"""`samhandling diff`: the Norwegian change report between two git revisions.

The scenarios (tests/scenarios.py) are committed on branches of one real git repository;
their reports are compared with golden files in tests/golden/diff/ (`UPDATE_GOLDEN=1 pytest
tests/test_diff.py` rewrites them after a deliberate change; read the diff before committing).
In the golden files a diagram's body is replaced by a placeholder (only the lines that mark the
changed steps stay); tests/test_changereport_board.py has golden reports with whole diagrams.
"""

import contextlib
import io
import json
import re
import shutil
import subprocess

import pytest

import scenarios
from checks.model import gitsource
from checks.review import changereport, diff
from checks.cli import main
from checks.model.repository import load_repository
from conftest import ROOT
from gitrepos import FIXTURE, TODAY, Repo, golden, make_repo

REPORTED = [s.name for s in scenarios.SCENARIOS]
JSON_REPORTED = ["frist-endret", "vedtatt-endret-uten-versjon"]


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    repo = make_repo(tmp_path_factory.mktemp("historikk"))
    return repo, scenarios.build(repo)


def run(*args: str) -> tuple[int, str, str]:
    """The command line in this process: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


_REPORTS: dict = {}


def report(repo: Repo, base: str, head: str | None = None, fmt: str = "markdown") -> str:
    """The report between two committed revisions (cached: commits do not change)."""
    key = (str(repo.path), base, head, repo.git("rev-parse", base), repo.git("rev-parse", head) if head else None, fmt)
    if key not in _REPORTS or head is None:
        args = ["-C", str(repo.path), "diff", base] + ([head] if head else []) + ["--format", fmt,
                                                                                   "--today", TODAY.isoformat()]
        code, out, err = run(*args)
        assert code == 0 and err == "", err
        _REPORTS[key] = out
    return _REPORTS[key]


_MERMAID = re.compile(r"^(`{3,})mermaid\n(.*?)^\1$", re.S | re.M)


def without_diagrams(text: str) -> str:
    """Keep only the lines the change report adds to a diagram (the marks on changed steps)."""
    def keep(match):
        own = [line for line in match.group(2).splitlines() if line.lstrip().startswith(("classDef ", "class "))]
        return "\n".join([match.group(1) + "mermaid", "    %% diagram", *own, match.group(1)])
    return _MERMAID.sub(keep, text)


@pytest.mark.parametrize("name", REPORTED)
def test_change_report_matches_golden(history, name):
    repo, revisions = history
    golden(f"diff/{name}.md", without_diagrams(report(repo, *revisions[name])))


@pytest.mark.parametrize("name", JSON_REPORTED)
def test_json_report_matches_golden(history, name):
    repo, revisions = history
    golden(f"diff/{name}.json", report(repo, *revisions[name], fmt="json"))


def test_the_report_draws_the_changed_procedure_after_the_change(history):
    """One flowchart of the head, with the changed step highlighted (its new deadline in the label);
    tests/test_changereport_board.py tests the diagrams in detail, with golden files."""
    repo, revisions = history
    text = report(repo, *revisions["frist-endret"])
    [block] = [m.group(2) for m in _MERMAID.finditer(text)]
    assert "flowchart TD" in block and "innen 6 timer" in block and "innen 12 timer" not in block
    assert re.search(r"^    class \S+ endret$", block, re.M)


def test_changed_routine_steps_are_marked_in_its_flowchart(history):
    repo, revisions = history
    text = report(repo, *revisions["steg-lagt-til"])
    [after] = [m.group(2) for m in _MERMAID.finditer(text)]
    assert "class s_varsle ny" in after and "class s_rett_opp endret" in after
    assert "Endrede steg er gule med tykk, stiplet ramme" in text


def test_formatting_comments_and_key_order_are_not_content(history):
    repo, revisions = history
    text = report(repo, *revisions["bare-formatering"])
    assert "Ingen innholdsmessige endringer" in text
    verdict = text[text.index("### Vedtak i OSO"):]
    assert "- Ingen innholdsmessige endringer." in verdict.split("### Funn")[0]
    data = json.loads(report(repo, *revisions["bare-formatering"], fmt="json"))
    assert data["changed"] is False and data["documents"] == [] and data["requires_decision"] is False


def test_the_deadline_sentence_says_what_changes_in_practice(history):
    repo, revisions = history
    text = report(repo, *revisions["frist-endret"])
    assert ("Fristen for Helseopplysninger (steget «Helseopplysninger til kommunen») endres fra innen 12 timer "
            "etter «Pasienten legges inn ved UNN» til innen 6 timer etter «Pasienten legges inn ved UNN».") in text


@pytest.mark.parametrize("name, verdict", [
    ("frist-endret", "ja"), ("vedtatt-endret-uten-versjon", "ja"), ("vedtak-registrert", "ja"),
    ("opphevet", "ja"), ("meldingstype-endret", "ja"), ("vedtak-slettet", "ja"),
    ("steg-lagt-til", "nei"), ("prosedyre-lagt-til", "nei"), ("bare-formatering", "nei"),
    ("part-endret", "nei"), ("innstilling-endret", "nei"),
])
def test_the_verdict_comes_first_for_a_board_member(history, name, verdict):
    repo, revisions = history
    text = report(repo, *revisions[name])
    verdict_lines = [line for line in text.splitlines() if "Krever OSO-vedtak:" in line]
    assert verdict_lines == [f"**Krever OSO-vedtak: {verdict}**"]
    sections = [line for line in text.splitlines() if line.startswith("### ")]
    assert sections[0] == "### Vedtak i OSO" and sections[-1] == "### Funn"  # the verdict first, then the changes
    head = text[text.index("### Vedtak i OSO"):].split("\n### ")[0]
    assert "\n- " in head  # with its reasons


def test_the_versions_oso_decides_on_are_listed_with_the_verdict(history):
    repo, revisions = history
    text = report(repo, *revisions["frist-endret-og-vedtatt"])
    head = text[text.index("### Vedtak i OSO"):].split("\n### ")[0]
    assert ("- «Meldingskjede ved innleggelse og utskrivning»: versjon 1.1.0 (til behandling) → versjon 1.1.0 "
            "(vedtatt), gjelder fra 2026-06-01.") in head


def test_documents_are_ordered_by_section_then_consequence(history):
    repo, revisions = history
    data = json.loads(report(repo, *revisions["vedtatt-ny-id"], fmt="json"))
    assert [(d["kind"], d["status"]) for d in data["documents"]] == [
        ("chain", "changed"), ("routine", "renamed"), ("decision", "changed")]
    levels = [c["level"] for c in data["documents"][0]["changes"]]
    assert levels == sorted(levels, reverse=True)


def test_working_tree_is_the_default_head_and_main_the_default_base(tmp_path):
    repo = make_repo(tmp_path)
    repo.branch("endring")
    scenarios.step_added(repo)
    repo.commit("Nytt steg")
    scenarios.setting_changed(repo)  # not committed: only in the working tree
    code, text, err = run("-C", str(repo.path), "diff", "--today", TODAY.isoformat())
    assert code == 0, err
    assert text.startswith("## Endringsrapport\n\nFør: flettebasen med `main` (`")
    assert "). Etter: arbeidskopien.\n" in text
    assert "Nytt steg (handling) «Varsle mottakerens meldingsansvarlig»" in text
    assert "Foreslått verdi endres fra 4 timer til 2 timer." in text


def test_origin_main_is_used_when_there_is_no_local_main(tmp_path):
    origin = make_repo(tmp_path / "a")
    clone = Repo(tmp_path / "klone")
    subprocess.run(["git", "clone", "-q", str(origin.path), str(clone.path)], env=clone.env, check=True)
    clone.branch("endring")
    scenarios.setting_changed(clone)
    clone.commit("Innstilling")
    clone.git("branch", "-D", "main")
    code, out, err = run("-C", str(clone.path), "diff")
    assert code == 0, err
    assert "flettebasen med `origin/main`" in out and "Foreslått verdi endres" in out


def one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2 and out == ""
    assert err.startswith("samhandling: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


def test_unknown_revision_is_one_norwegian_line(history):
    repo, _ = history
    err = one_line_error(*run("-C", str(repo.path), "diff", "finnes-ikke"))
    assert "fant ikke revisjonen `finnes-ikke`" in err


@pytest.mark.parametrize("args", [
    ["diff", "--", "--output=/tmp/samhandling-injisert"],
    ["diff", "main", "--", "-p"],
    ["check", "--base=--output=/tmp/samhandling-injisert"],
    ["check", "--base", "--help"],
])
def test_revisions_are_never_read_as_git_options(history, args):
    repo, _ = history
    code, out, err = run("-C", str(repo.path), *args)
    assert code == 2 and "Traceback" not in err
    assert not (ROOT / "samhandling-injisert").exists()
    import pathlib
    assert not pathlib.Path("/tmp/samhandling-injisert").exists()


def test_not_a_git_repository(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "depot")
    err = one_line_error(*run("-C", str(tmp_path / "depot"), "diff", "HEAD"))
    assert "er ikke et git-depot" in err


def test_no_main_branch(tmp_path):
    repo = make_repo(tmp_path)
    repo.git("branch", "-m", "main", "trunk")
    err = one_line_error(*run("-C", str(repo.path), "diff"))
    assert "fant ikke grenen `main`" in err and "oppgi BASE" in err


def test_shallow_clone_without_the_base_says_how_to_fetch_it(tmp_path):
    origin = make_repo(tmp_path / "a")
    origin.branch("endring")
    scenarios.setting_changed(origin)
    origin.commit("Innstilling")
    clone = Repo(tmp_path / "grunn")
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{origin.path}",
                    str(clone.path)], env=clone.env, check=True, capture_output=True)
    err = one_line_error(*run("-C", str(clone.path), "diff", "HEAD~1"))
    assert "grunn kopi" in err and "--unshallow" in err
    clone.git("checkout", "-q", "endring")
    err = one_line_error(*run("-C", str(clone.path), "diff"))
    assert "grunn kopi" in err and "fetch-depth: 0" in err


def test_a_side_that_does_not_load_is_a_clear_error(tmp_path):
    repo = make_repo(tmp_path)
    repo.write("schemas/common.schema.json", "{ ikke json")
    repo.commit("Ødelagt skjema")
    err = one_line_error(*run("-C", str(repo.path), "diff", "HEAD"))
    assert "skjemaene i" in err and "kan ikke leses" in err


def test_a_side_with_findings_is_still_compared(tmp_path):
    repo = make_repo(tmp_path)
    repo.branch("endring")
    scenarios.setting_changed(repo)
    repo.write("procedures/routines/kvittering.yaml", repo.read("procedures/routines/kvittering.yaml")
               .replace("title: Kontroller meldingen i eget system", "title: [Kontroller"))
    repo.commit("Syntaksfeil")
    data = json.loads(report(repo, "main", "endring", fmt="json"))
    docs = {(d["kind"], d["id"]): d for d in data["documents"]}
    assert docs[("routine", "kvittering")]["status"] == "unreadable"
    setting = docs[("setting", "apprec-ventetid")]
    assert setting["changes"][0]["text"] == "Foreslått verdi endres fra 4 timer til 2 timer."
    assert "yaml.syntax" in [f["rule"] for f in data["findings"]["new"]]
    text = report(repo, "main", "endring")
    assert "Rutine «Manglende eller negativ applikasjonskvittering» `kvittering`: kan ikke leses" in text
    assert "**Feil etter endringen:**" in text and "`yaml.syntax`" in text


def test_project_in_a_subfolder_of_the_git_repository(tmp_path):
    top = tmp_path / "topp"
    shutil.copytree(FIXTURE, top / "samhandling")
    repo = Repo(top)
    repo.git("init", "-q", "-b", "main")
    repo.commit("Utgangspunkt")
    repo.edit("samhandling/procedures/settings/apprec-ventetid.yaml", "proposed: PT4H", "proposed: PT1H")
    code, out, err = run("-C", str(top / "samhandling"), "diff", "HEAD")
    assert code == 0, err
    assert "Foreslått verdi endres fra 4 timer til 1 time." in out


def test_reading_a_revision_equals_reading_the_working_tree(tmp_path):
    """The git reader goes through the same loader: same entries, data and findings."""
    repo = make_repo(tmp_path)
    repo.write("procedures/notater/ide.yaml", "a: 1\n")  # unknown kind
    repo.write("procedures/routines/tom.yaml", "")  # empty file
    repo.write("procedures/routines/.skjult.yaml", "x")  # ignored like on disk
    repo.write("procedures/zz.yaml", "a: 1\n")
    repo.commit("Rare filer")
    from_disk = load_repository(repo.path)
    at_head = gitsource.load_revision(repo.path, "HEAD").repo
    assert [e.file for e in at_head.entries] == [e.file for e in from_disk.entries]
    assert [e.data for e in at_head.entries] == [e.data for e in from_disk.entries]
    assert sorted(at_head.findings) == sorted(from_disk.findings)


def test_symlinks_in_a_revision_are_unreadable_files(tmp_path):
    repo = make_repo(tmp_path)
    (repo.path / "procedures/settings/lenke.yaml").symlink_to("/etc/passwd")
    repo.commit("Lenke")
    side = gitsource.load_revision(repo.path, "HEAD").repo
    assert any(f.file == "procedures/settings/lenke.yaml" and f.rule == "file.unreadable" for f in side.findings)


def test_the_repository_compared_with_itself_has_no_changes():
    repo = load_repository(ROOT)
    assert diff.compare(repo, repo).docs == []
    fixture = load_repository(FIXTURE)
    assert diff.compare(fixture, load_repository(FIXTURE)).docs == []


def test_this_repository_diffs_against_its_own_history():
    """`samhandling diff` on the project's own git history (skipped outside a git checkout)."""
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
                      capture_output=True).returncode != 0:
        pytest.skip("ikke et git-depot")
    code, out, err = run("-C", str(ROOT), "diff", "HEAD", "HEAD", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["changed"] is False and data["requires_decision"] is False


# -- every difference is reported ------------------------------------------------------------

def _leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, path + (i,))
    else:
        yield path, data


def _mutated(data, path, value):
    data = json.loads(json.dumps(data))
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def _changed_value(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    return f"{value}-endret" if isinstance(value, str) else "endret"


def test_every_changed_value_in_the_fixture_gives_a_sentence():
    """Change each scalar of each fixture document in turn: the comparison always says
    something, never crashes, and says it in a sentence that names no Python object."""
    repo = load_repository(FIXTURE)
    count = 0
    for entry in repo.entries:
        for path, value in _leaves(entry.data):
            if path == ("id",):
                continue
            data = _mutated(entry.data, path, _changed_value(value))
            after = type(entry)(entry.kind, type(entry.doc)(entry.file, data))
            ctx = diff.Ctx(entry.kind, entry, after, repo, repo)
            changes = diff.describe(ctx, diff.walk(entry.data, after.data))
            assert changes, (entry.file, path)
            for change in changes:
                text = change.sentence.text()
                assert text[:1].isupper() and text.endswith((".", ")")), (entry.file, path, text)
                assert "object at 0x" not in text and "Item(" not in text, text
            count += 1
    assert count > 300


def test_whitespace_inside_text_and_set_order_are_not_differences():
    before = {"summary": "To  ord\nog flere", "fulfils": ["5.1.a", "3.1"], "steps": [{"id": "a"}, {"id": "b"}]}
    after = {"fulfils": ["3.1", "5.1.a"], "summary": "To ord og   flere", "steps": [{"id": "b"}, {"id": "a"}]}
    assert diff.walk(before, after) == []
    assert diff.walk({"note": None}, {}) == []


# -- quoting: nothing in the YAML becomes Markdown ---------------------------------------------------

PAYLOAD_LINE = ("# Krever OSO-vedtak: nei <img src=x onerror=alert(1)> [klikk](javascript:alert(1)) "
                "**fet** _kursiv_ `kode` @PLASSHOLDER-ORG/oso-anmeldere https://example.org/lur \u202enie\u202c | a |")
PAYLOAD_TEXT = ("Vanlig tekst.\n\n## Krever OSO-vedtak: nei\n\n**Krever OSO-vedtak: nei**\n\n```\n</details>\n"
                "<script>alert(1)</script>\n- [ ] avkrysning\n> sitat\n\u2028# etter linjeskift\r# etter vognretur")


def _hostile_routine() -> str:
    title = json.dumps(PAYLOAD_LINE, ensure_ascii=True)
    text = json.dumps(PAYLOAD_TEXT, ensure_ascii=True)
    return scenarios.AVVIK.replace("title: Avvik i elektronisk samhandling", f"title: {title}").replace(
        "summary: Hvordan en tjeneste melder og følger opp avvik i meldingsutvekslingen med den andre parten.",
        f"summary: {text}").replace("    title: Meld avviket i eget avvikssystem og til den andre parten",
                                    f"    title: {title}\n    description: {text}")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    repo = make_repo(tmp_path_factory.mktemp("fiendtlig"))
    repo.branch("ny")
    repo.write("procedures/routines/avvik.yaml", _hostile_routine())
    repo.commit("Ny rutine")
    repo.branch("endret")
    changed = _hostile_routine().replace("status: draft", "status: submitted").replace(
        "Vanlig tekst.", "Vanlig tekst, endret.", 2)
    repo.write("procedures/routines/avvik.yaml", changed.replace(
        "    title: Et avvik oppdages", f"    title: {json.dumps(PAYLOAD_LINE + ' 2')}"))
    repo.commit("Endret rutine")
    return repo


@pytest.mark.parametrize("base, head", [("main", "ny"), ("ny", "endret")])
def test_text_from_the_yaml_cannot_forge_markdown(hostile, base, head):
    loaded = load_repository(hostile.path)
    assert any(e.id == "avvik" and e.valid for e in loaded.entries), loaded.findings
    full = report(hostile, base, head)
    for raw in ("\u202e", "\u2028", "\r"):  # not even inside a diagram
        assert raw not in full
    text = without_diagrams(full)  # a diagram is a code block: checks.diagram quotes its own labels
    lines = text.splitlines()
    assert [line for line in lines if line.startswith("**Krever")] == ["**Krever OSO-vedtak: nei**"]
    assert text.count("**Krever OSO-vedtak") == 1
    own_headings = ("## Endringsrapport", "### Prosedyrer", "### Funn", "### Vedtak i OSO", "#### Rutine «")
    assert all(line.startswith(own_headings) for line in lines if line.startswith("#"))
    fences = [line for line in lines if line.startswith(("```", "~~~"))]
    assert fences == ["```mermaid", "```"] * (len(fences) // 2)
    assert not any(line.startswith((">", "- [", "<")) and line not in ("<details>", "</details>")
                   and not line.startswith("<details><summary>") for line in lines)
    assert full.count("<details>") == full.count("</details>")
    assert not re.search(r"(?<!\\)\]\(", text)  # no link: every `](` is escaped
    for raw in ("<img", "<script", "@PLASSHOLDER", "https://example.org/lur", "**fet**"):
        assert raw not in text, raw
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "\\[klikk\\]" in text


def test_python_markdown_renders_no_foreign_element(hostile):
    import markdown
    text = report(hostile, "ny", "endret")
    html = markdown.markdown(without_diagrams(text), extensions=["md_in_html"])
    assert "<img" not in html and "<script" not in html and "<a " not in html and "<blockquote" not in html
    assert len(re.findall(r"<h[1-6]", html)) == text.count("\n#") + text.startswith("#")
    assert html.count("<strong>Krever OSO-vedtak") == 1


def test_finding_messages_keep_their_code_and_lose_their_markup():
    md = changereport.md_message("Ukjent rutine `x` i <b>steg</b> **a** [b](c) `<img>` og `uavsluttet")
    assert md == ("Ukjent rutine `x` i &lt;b&gt;steg&lt;/b&gt; \\*\\*a\\*\\* \\[b\\](c) `<img>` og \\`uavsluttet")
    assert diff.md_inline("a\nb\u2028c  d", None) == "a b c d"


def test_revision_labels_are_quoted(history):
    repo, _ = history
    repo.git("tag", "-f", "x_<b>_y", "main")
    text = report(repo, "x_<b>_y", "frist-endret")
    assert "Før: `x_<b>_y` (`" in text
