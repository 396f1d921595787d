"""The change report read by an OSO board member: which parties each change affects, a kommune
merger read as one merger, chain and routine diagrams with the changed steps highlighted.

Real git repositories in temporary directories (tests/scenarios.py on the fixture); golden
reports with their diagrams in tests/golden/diff/diagram/ (`UPDATE_GOLDEN=1` rewrites them).
"""

import json
import re
from pathlib import Path

import pytest

import scenarios
from checks.model.mermaid import text as mermaid_text
from checks.review import flowchart
from gitrepos import golden, make_repo
from test_diff import _MERMAID, history, hostile, report  # noqa: F401  (the fixtures of tests/test_diff.py)


def _section(text: str, heading: str) -> str:
    return text[text.index(heading):].split("\n### ")[0]


# -- which parties -------------------------------------------------------------------------------

def test_a_change_to_a_procedure_affects_all_parties(history):
    repo, revisions = history
    text = report(repo, *revisions["frist-endret"])
    verdict = _section(text, "### Vedtak i OSO")
    assert "**Berørte parter:** Alle parter i avtalen (alle kommunene og UNN)." in verdict
    assert "Berører: alle parter (meldingskjeden gjelder alle parter i avtalen)." in _section(text, "### Prosedyrer")
    data = json.loads(report(repo, *revisions["frist-endret"], fmt="json"))
    assert data["affected_parties"] == {"all": True, "parties": []}


def test_a_change_to_one_kommune_names_that_kommune_with_its_number(history):
    repo, revisions = history
    text = report(repo, *revisions["part-endret"])
    verdict = _section(text, "### Vedtak i OSO")
    line = next(x for x in verdict.splitlines() if x.startswith("**Berørte parter:**"))
    assert line == "**Berørte parter:** «Tromsø kommune» (5501)."
    assert "alle parter" not in line.lower()
    data = json.loads(report(repo, *revisions["part-endret"], fmt="json"))
    assert data["affected_parties"] == {"all": False, "parties": [
        {"id": "5501", "name": "Tromsø kommune", "municipality_number": "5501"}]}


def test_a_procedure_and_a_kommune_together_name_both(tmp_path):
    repo = make_repo(tmp_path)
    repo.branch("begge")
    scenarios.deadline_changed(repo)
    scenarios.party_changed(repo)
    repo.commit("Frist og part")
    text = report(repo, "main", "begge")
    assert ("**Berørte parter:** Alle parter i avtalen (alle kommunene og UNN), og særskilt "
            "«Tromsø kommune» (5501).") in text
    assert "Berører: «Tromsø kommune» (5501)." in text


# -- a merger reads as one merger ----------------------------------------------------------------

def test_a_merger_reads_as_one_merger_in_the_body(history):
    repo, revisions = history
    text = report(repo, *revisions["kommunesammenslaing"])
    parties = _section(text, "### Parter")
    assert ("#### Kommunesammenslåing: «Tromsø kommune» (5501) og «Nykommune» (5502) slås sammen til "
            "«Storkommune» (5599)") in parties
    headings = [x for x in parties.splitlines() if x.startswith("#### ")]
    assert len(headings) == 1  # not «ny id» for one and «fjernet» for the other
    assert ": ny id" not in parties and ": fjernet" not in parties
    assert "Berører: «Tromsø kommune» (5501), «Nykommune» (5502) og «Storkommune» (5599)." in parties
    data = json.loads(report(repo, *revisions["kommunesammenslaing"], fmt="json"))
    assert data["mergers"] == [{"into": "5599", "merged": ["5501", "5502"]}]


def test_a_new_kommune_without_previous_numbers_is_not_a_merger(history):
    repo, revisions = history
    text = report(repo, *revisions["part-lagt-til"])
    assert "Kommunesammenslåing" not in text and "#### Part «Nykommune» `5502`: ny" in text


# -- diagrams ----------------------------------------------------------------------------------------

DIAGRAMS = ["gren-lagt-til", "steg-fjernet", "steg-lagt-til", "frist-endret"]


@pytest.mark.parametrize("name", DIAGRAMS)
def test_change_report_with_its_diagram_matches_golden(history, name):
    repo, revisions = history
    golden(f"diff/diagram/{name}.md", report(repo, *revisions[name]))


def _blocks(text: str) -> list[str]:
    return [m.group(2) for m in _MERMAID.finditer(text)]


def test_a_new_branch_is_drawn_with_its_condition_and_the_step_highlighted(history):
    repo, revisions = history
    text = report(repo, *revisions["gren-lagt-til"])
    [block] = _blocks(text)
    assert block.startswith("---\ntitle: ") and "\nflowchart TD\n" in block
    assert '-->|"Meldingen inneholder opplysninger om en annen pasient"|' in block
    assert '-->|"Avsenderen er kjent"|' in block  # the branches that stay are kept too
    changed = re.search(r"^    class (\S+) endret$", block, re.M)
    assert changed, block
    # the decision whose branches changed is marked, in the label as well as by colour
    for node in changed.group(1).split(","):
        assert re.search(rf"^    {node}\S*\".*\(endret\)", block, re.M), node
    assert "classDef endret" in block and "classDef ny" not in block and "Endrede steg er gule" in text


def test_added_steps_are_new_and_removed_steps_are_named_below(history):
    repo, revisions = history
    added = report(repo, *revisions["steg-lagt-til"])
    [block] = _blocks(added)
    assert "class s_varsle ny" in block and "(ny)" in block and "Nye steg er grønne" in added
    removed = report(repo, *revisions["steg-fjernet"])
    [block] = _blocks(removed)
    assert "s_rett_opp" not in block
    assert "Fjernet: 4. «Rett feilen og send meldingen på nytt» (`rett-opp`)." in removed or re.search(
        r"Fjernet: \d+\. «Rett feilen og send meldingen på nytt» \(`rett-opp`\)\.", removed)


def _long_routine(steps: int, changed_title: str | None = None) -> str:
    """A routine of `steps` actions in a row (plus start and end), with one decision halfway."""
    half = steps // 2
    lines = ["id: lang", "title: Lang rutine", "summary: En lang rutine for testen.", 'version: "0.1.0"',
             "status: draft", "owner: Samarbeidsorganet (OSO)", 'fulfils: ["5.1.d.5"]', "category: misdirected",
             "roles:", "  - id: mottaker", "    title: Mottakeren", "    party: both", "steps:",
             "  - id: start", "    type: start", "    title: Start", "    actor: mottaker", "    next: s1"]
    for i in range(1, steps + 1):
        title = changed_title if (changed_title and i == half) else f"Steg nummer {i}"
        if i == half - 1:
            lines += [f"  - id: s{i}", "    type: decision", f"    title: {title}", "    actor: mottaker",
                      "    branches:", "      - condition: Det haster", f"        next: s{i + 1}",
                      f"    default: s{i + 3}"]
            continue
        lines += [f"  - id: s{i}", "    type: action", f"    title: {title}", "    actor: mottaker",
                  f"    next: {'slutt' if i == steps else f's{i + 1}'}"]
    lines += ["  - id: slutt", "    type: end", "    title: Slutt",
              "sources:", "  - title: Rutine for testen (eksempel)", "    url: https://example.org/lang"]
    return "\n".join(lines) + "\n"


def test_a_large_procedure_shows_the_changed_steps_and_their_neighbours(tmp_path):
    before, after = _entries(tmp_path, 60)
    drawn = flowchart.change_diagram(before, after, {}, limit=25)
    assert drawn is not None and drawn.total == 62
    assert drawn.changed == ["s30"] and drawn.shown == 3  # the changed step and its two neighbours
    body = drawn.body
    assert "s_s29" in body and "s_s31" in body and "s_s10" not in body
    # the decision before it keeps both its ways out, the hidden one as «…» with its condition
    assert re.search(r'^    s_s29 -\.->\|"Ellers"\| u_s_s32\(\["33\. Steg nummer 32 \(ikke tegnet\)"\]\)$', body, re.M), body
    assert re.search(r'^    s_s29 -->\|"Det haster"\| s_s30$', body, re.M), body
    assert re.search(r'^    class (u_s_s\d+,?)+ utenfor$', body, re.M), body
    small = flowchart.change_diagram(before, after, {}, limit=100)
    assert small.shown == small.total == 62 and "utenfor" not in small.body and "u_s_" not in small.body


def test_the_report_says_when_a_diagram_shows_only_part_of_a_procedure(tmp_path):
    repo = make_repo(tmp_path)
    repo.branch("lang")
    repo.write("procedures/routines/lang.yaml", _long_routine(60))
    repo.commit("Lang rutine")
    repo.branch("endret", "lang")
    repo.write("procedures/routines/lang.yaml", _long_routine(60, "Steg nummer 30 er endret"))
    repo.commit("Ett steg endret")
    text = report(repo, "lang", "endret")
    assert ("Rutinen har 62 steg. For at diagrammet skal være lesbart, viser det bare de endrede stegene og "
            "naboene deres (3 steg)") in text


def _entries(tmp_path: Path, steps: int):
    """Two versions of a long routine, loaded as the repository would load them."""
    from checks.model.repository import load_repository
    out = []
    for i, title in enumerate((None, "Steg nummer 30 er endret")):
        root = make_repo(tmp_path / f"side{i}").path
        (root / "procedures" / "routines" / "lang.yaml").write_text(_long_routine(steps, title), encoding="utf-8")
        repo = load_repository(root)
        entry = next(e for e in repo.entries if e.id == "lang")
        assert entry.valid, [f.message for f in repo.findings if "lang" in f.file]
        out.append(entry)
    return out


def test_labels_in_the_diagram_are_escaped_as_on_the_site():
    hostile = 'x"] --> y[<script>alert(1)</script> | `kode` {a} #1; %%'
    escaped = mermaid_text(hostile)
    for raw in ('"', "<", ">", "[", "]", "|", "`", "{", "}", "%"):
        assert raw not in escaped.replace("#", "").replace(";", ""), raw
    assert "\n" not in mermaid_text("a\nb\u2028c\u202ed")


def test_hostile_titles_stay_inside_their_diagram_node(hostile):
    """The hostile routine of tests/test_diff.py: its titles hold quotes, brackets, HTML, pipes."""
    from test_diff import report as report_
    text = report_(hostile, "ny", "endret")
    blocks = _blocks(text)
    assert blocks
    node = re.compile(r'^    (s_[a-z0-9_]+)(\(\[|\{|\[\[|\[/|>|\[)"([^"]*)"(\]\)|\}|\]\]|/\]|\])$')
    for block in blocks:
        for line in block.splitlines()[4:]:
            if line.startswith("    class") or "-->" in line or "-.->" in line:
                continue
            match = node.match(line)
            assert match, line
            assert not set(match.group(3)) & set('"<>[]{}|`\\'), line


def test_two_branches_to_the_same_step_keep_both_conditions(tmp_path):
    before, _ = _entries(tmp_path, 30)
    text = _long_routine(30, "Steg nummer 15 er endret").replace(
        "      - condition: Det haster\n        next: s15\n",
        "      - condition: Det haster\n        next: s15\n      - condition: Det er natt\n        next: s15\n")
    root = make_repo(tmp_path / "to").path
    (root / "procedures" / "routines" / "lang.yaml").write_text(text, encoding="utf-8")
    from checks.model.repository import load_repository
    after = next(e for e in load_repository(root).entries if e.id == "lang")
    assert after.valid
    drawn = flowchart.change_diagram(before, after, {}, limit=25)
    assert re.search(r'^    s_s14 -->\|"Det haster eller Det er natt"\| s_s15$', drawn.body, re.M), drawn.body
