"""No valid personal identity number leaves the program, in any spelling, through any output.

Numbers are planted in each spelling a reader still reads as the number (plain, YAML escape,
folded across lines, no-break, thin and zero-width spaces, fullwidth digits, spaced and dotted)
in every kind of field (keys, titles, free text, list items, enum values, comments, step titles)
and every command's every output is read as a reader would read it (HTML entities and JSON
escapes decoded, tags dropped, Unicode normalised, spaces and format characters removed): none
may hold a planted number. The site is built with the guard's findings dropped, so the test
shows that the masking alone holds even for a number the guard would miss.
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import subprocess
import sys
import unicodedata

import pytest

from checks.model.identifiers import identity_kind
from checks.model.masking import dumps, mask, mask_data
from checks.rules.privacy import scan_text
from conftest import ROOT, run_cli
from gitrepos import make_repo
from sitebuild import FIXTURE


def _valid_numbers(count: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    out = []
    while len(out) < count:
        nine = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(0, 99):02d}{rng.randint(0, 999):03d}"
        for k1 in range(10):
            for k2 in range(10):
                if identity_kind(nine + f"{k1}{k2}") == "fødselsnummer" and nine + f"{k1}{k2}" not in out:
                    out.append(nine + f"{k1}{k2}")
                    break
            else:
                continue
            break
    return out


def readable(text: str) -> str:
    """What a reader reads in an output: an independent decoding of entities, escapes and tags,
    NFKC, and nothing of spaces, format characters, combining marks or dots."""
    text = html.unescape(html.unescape(text))
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    text = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)
    text = re.sub(r"\\[nrtvfb]", " ", text)
    text = re.sub(r"<[^<>]*>", "", text)
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not (c.isspace() or c == "." or unicodedata.category(c) in ("Cf", "Mn", "Me")))


NUMBERS = _valid_numbers(12)
SPELLINGS = {
    "plain": lambda n: n,
    "spaced": lambda n: f"{n[:6]} {n[6:]}",
    "dotted": lambda n: f"{n[:2]}.{n[2:4]}.{n[4:6]} {n[6:]}",
    "nbsp": lambda n: f"{n[:6]}\u00a0{n[6:]}",
    "thin": lambda n: f"{n[:6]}\u2009{n[6:]}",
    "zero-width": lambda n: f"{n[:6]}\u200b{n[6:]}",
    "soft-hyphen": lambda n: f"{n[:6]}\u00ad{n[6:]}",
    "fullwidth": lambda n: "".join(chr(0xFF10 + int(c)) for c in n),
    "superscript": lambda n: n[:6] + "".join("⁰¹²³⁴⁵⁶⁷⁸⁹"[int(c)] for c in n[6:]),
    "line-break": lambda n: f"{n[:6]}\n{n[6:]}",
}


def test_each_spelling_is_masked_and_other_text_is_left_alone():
    for (name, spell), number in zip(SPELLINGS.items(), NUMBERS):
        text = f"Ring {spell(number)} i dag."
        assert number not in readable(mask(text)), name
        assert number[:6] in readable(mask(text)), name
        assert mask(mask(text)) == mask(text)
    for text in ["", "PT24H", "2026-01-01", "tlf 77 62 60 00", "orgnr 983974899", "31129956714", "x" * 1000,
                 "1234567890123456789012345"]:
        assert mask(text) == text


def test_escapes_in_serialised_output_are_seen_through_and_kept_intact():
    number = NUMBERS[0]
    for text in [json.dumps(f"{number[:6]}\n{number[6:]}"), json.dumps(f"{number[:6]}\u00a0{number[6:]}"),
                 json.dumps("\u2028" + number, ensure_ascii=True), f"{number[:6]}&nbsp;{number[6:]}",
                 f"{number[:6]}&#8203;{number[6:]}", f"{number[:6]}<wbr>{number[6:]}", f"{number[:6]}\\x85{number[6:]}"]:
        masked = mask(text)
        assert number not in readable(masked), text
        if text.startswith('"'):
            json.loads(masked)  # escapes untouched: still valid JSON


def test_json_is_strict_masked_and_valid_utf8():
    text = dumps({"a": float("inf"), "b": [float("nan")], NUMBERS[1]: "\udcff" + NUMBERS[2]})
    assert "Infinity" not in text and "NaN" not in text
    text.encode("utf-8")  # no lone surrogate
    data = json.loads(text)
    assert NUMBERS[1] not in readable(text) and NUMBERS[2] not in readable(text)
    assert mask_data(data) == data


def test_the_guard_reports_every_spelling_in_a_loaded_value():
    from checks.model.loader import load_text
    from checks.rules.privacy import scan_values
    yaml_spellings = {
        "escape": lambda n: f'"\\x3{n[0]}{n[1:]}"',
        "unicode-escape": lambda n: f'"\\u003{n[0]}{n[1:]}"',
        "folded": lambda n: f">-\n      {n[:6]}\n      {n[6:]}",
        "nbsp-escape": lambda n: f'"{n[:6]}\\_{n[6:]}"',
        "thin-raw": lambda n: f"{n[:6]}\u2009{n[6:]}",
        "zero-width": lambda n: f"{n[:6]}\u200b{n[6:]}",
        "fullwidth": lambda n: "".join(chr(0xFF10 + int(c)) for c in n),
        "tab": lambda n: f'"{n[:6]}\\t{n[6:]}"',
    }
    for (name, spell), number in zip(yaml_spellings.items(), NUMBERS):
        for where in ("value", "key", "item"):
            text = {"value": f"note: {spell(number)}\n", "key": f"{spell(number)}: x\n" if "\n" not in spell(number)
                    else f"? {spell(number)}\n: x\n", "item": f"list:\n  - a\n  - {spell(number)}\n"}[where]
            doc = load_text("procedures/settings/x.yaml", text)
            assert not doc.findings, (name, where, doc.findings)
            found = scan_text(doc.file, doc.text) + scan_values(doc)
            assert [f.rule for f in found] == ["privacy.personal-id"], (name, where, text)
            assert found[0].message.endswith(f"({number[:6]}*****).")


# -- every output of every command -----------------------------------------------------------

def _plant(repo) -> dict:
    """Plant numbers in every kind of field; return {number: where} for the report."""
    planted = {}
    numbers = iter(_valid_numbers(40, seed=99))

    def take(where: str) -> str:
        number = next(numbers)
        planted[number] = where
        return number

    settings = "procedures/settings/svarfrist.yaml"
    text = repo.read(settings)
    n1, n2, n3, n4 = take("title, YAML escape"), take("description, folded"), take("list item, no-break"), \
        take("source title, thin space")
    text = text.replace("title: Svarfrist for forespørsel", f'title: "Svarfrist \\x3{n1[0]}{n1[1:]}"')
    text = text.replace("description: Hvor raskt en forespørsel skal besvares.",
                        f"description: >-\n  Hvor raskt {n2[:6]}\n  {n2[6:]} skal besvares.")
    text = text.replace("  - Ingen nasjonal svarfrist er funnet.", f'  - "Ingen frist for {n3[:6]}\\_{n3[6:]}."')
    text = text.replace("  - title: Veiledning", f"  - title: Veiledning {n4[:6]}\u2009{n4[6:]}")
    n5 = take("comment, plain")
    text = f"# Notat: {n5}\n" + text
    repo.write(settings, text)
    chain = "procedures/chains/kjede.yaml"
    n6, n7 = take("step title, zero-width"), take("summary, fullwidth")
    repo.edit(chain, "title: Pasienten legges inn", f"title: Pasienten {n6[:6]}\u200b{n6[6:]} legges inn")
    repo.edit(chain, "  Andre avsnitt i sammendraget.",
              "  Andre avsnitt " + "".join(chr(0xFF10 + int(c)) for c in n7) + ".")
    return planted


def _plant_invalid(repo) -> dict:
    """Numbers in places that make the document invalid: a key, an enum value, an id."""
    planted = {}
    numbers = iter(_valid_numbers(10, seed=7))
    n1, n2, n3 = next(numbers), next(numbers), next(numbers)
    planted.update({n1: "unknown key, YAML escape", n2: "enum value, spaced", n3: "id and file name"})
    text = repo.read("procedures/settings/ventetid.yaml")
    repo.write("procedures/settings/ventetid.yaml", text + f'"\\x3{n1[0]}{n1[1:]}": ja\n')
    repo.edit("procedures/settings/svarfrist.yaml", "status: submitted", f'status: "{n2[:6]} {n2[6:]}"')
    repo.write(f"procedures/settings/{n3}.yaml",
               f"id: \"{n3}\"\ntitle: T\ndescription: D\nkind: text\nstatus: submitted\n")
    return planted


def _assert_no_leak(planted: dict, outputs: dict) -> None:
    leaks = [f"{name}: {where} ({number[:6]}…)" for name, text in outputs.items()
             for number, where in planted.items() if number in readable(text)]
    assert leaks == []


@pytest.fixture(scope="module")
def planted_repo(tmp_path_factory):
    repo = make_repo(tmp_path_factory.mktemp("maskrepo"), FIXTURE)
    repo.branch("endring")
    planted = _plant(repo)
    repo.commit("Planter nummer")
    return repo, planted


def _outputs(repo_path, base="main", head=None) -> dict:
    outputs = {}
    for fmt in ("text", "github", "json", "sarif"):
        result = run_cli("-C", str(repo_path), "check", "--format", fmt)
        assert result.returncode in (0, 1), result.stderr
        outputs[f"check {fmt}"] = result.stdout + result.stderr
        if fmt in ("json", "sarif"):
            json.loads(result.stdout)
    for fmt in ("markdown", "json"):
        result = run_cli("-C", str(repo_path), "diff", base, *([head] if head else []), "--format", fmt)
        assert result.returncode == 0, result.stderr
        outputs[f"diff {fmt}"] = result.stdout + result.stderr
    for fmt in ("mermaid", "dot"):
        result = run_cli("-C", str(repo_path), "graph", "kjede", "--format", fmt)
        outputs[f"graph {fmt}"] = result.stdout + result.stderr
    for fmt in ("text", "json"):
        result = run_cli("-C", str(repo_path), "list", "--format", fmt)
        outputs[f"list {fmt}"] = result.stdout + result.stderr
    result = run_cli("-C", str(repo_path), "export")
    assert result.returncode in (0, 1), result.stderr
    outputs["export"] = result.stdout + result.stderr
    exported = repo_path.parent / "eksport.json"
    run_cli("-C", str(repo_path), "export", "--output", str(exported))
    outputs["export --output"] = exported.read_text(encoding="utf-8")
    return outputs


def test_no_command_output_holds_a_planted_number(planted_repo):
    repo, planted = planted_repo
    outputs = _outputs(repo.path)
    assert "privacy.personal-id" in outputs["check text"]  # the guard sees them
    _assert_no_leak(planted, outputs)


def test_no_output_holds_a_number_planted_where_the_document_turns_invalid(tmp_path):
    repo = make_repo(tmp_path, FIXTURE)
    repo.branch("endring")
    planted = _plant_invalid(repo)
    outputs = _outputs(repo.path)
    for rule in ("schema.unknown-key", "schema.enum", "privacy.personal-id"):
        assert rule in outputs["check json"]
    _assert_no_leak(planted, outputs)


_BUILD_WITHOUT_GUARD = """
import sys
from checks.rules import analysis
real = analysis.run_checks
def run_checks(root, reader=None, today=None, **kwargs):
    repo, findings = real(root, reader, today, **kwargs)
    return repo, [f for f in findings if f.rule != "privacy.personal-id"]
analysis.run_checks = run_checks  # before MkDocs loads the hook, which imports it by name
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", "build", "--quiet", "--site-dir", sys.argv[1]]
cli()
"""


def test_the_built_site_and_its_search_index_hold_no_planted_number(planted_repo, tmp_path):
    repo, planted = planted_repo
    site = tmp_path / "site"
    env = {**os.environ, "SAMHANDLING_ROOT": str(repo.path), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-c", _BUILD_WITHOUT_GUARD, str(site)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    outputs = {str(p.relative_to(site)): p.read_text(encoding="utf-8", errors="replace")
               for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".json", ".js", ".xml", ".txt", ".md")}
    index = site / "search" / "search_index.json"
    assert index.is_file()
    outputs["search index (as data)"] = json.dumps(json.loads(index.read_text("utf-8")), ensure_ascii=False)
    shown = [p for p in outputs if p.endswith(".html") and "311299" not in p]
    assert shown, "the site has pages"
    _assert_no_leak(planted, outputs)
    # the planted text is on the pages, masked: the masking is what held, not a missing page
    assert any(number[:6] in readable(text) for number in planted for text in outputs.values())


def test_a_json_number_that_is_an_identity_number_becomes_a_masked_string_not_broken_json():
    number = NUMBERS[3]
    text = dumps({"heltall": int(number), "desimal": float(number[0] + "." + number[1:]), "liste": [1, 2],
                  "annet": 12345678901234})
    data = json.loads(text)
    assert data["heltall"] == number[:6] + "*****" and "*****" in data["desimal"]
    assert data["liste"] == [1, 2] and data["annet"] == 12345678901234
