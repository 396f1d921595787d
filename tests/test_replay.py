"""OSO's ordinary changes never turn the suite red.

A copy of this repository (everything git tracks or would track) goes through a scripted
series of the changes OSO and the parties make in practice:

1. the first adoption of every procedure, with a decision record;
2. a kommune's meldingsansvarlig address added;
3. two kommuner merged into a new one (`previous_numbers`);
4. a deadline revised: a new version submitted (with the scenario files' expected deadlines
   updated as `check` says), then adopted by a new decision;
5. a routine repealed and replaced by a successor.

After each step `samhandling check` passes, `samhandling check --base` against the step
before passes (the pull-request gate), and the tests that read the real repository pass
when run inside the copy, so they read the copy's content. The edits are found from the
content (top-level keys, the first deadline in hours, kommuner by number), never by today's
exact text, so the series holds for any valid content.

Every value that is not known is clearly fictitious and exists only in the temporary copy:
case numbers start with `TEST`, the decisions' source is on `example.org`, the new kommune
is «Testkommune» and the e-mail address ends in `.example`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gitrepos import Repo

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

# The tests that read the real repository (through ROOT in the copy). They must hold for any
# valid content; the replay runs them after every step.
CONTENT_TESTS = [
    "tests/test_content.py",
    "tests/test_cases.py::test_the_real_repository_is_a_case_that_passes",
    "tests/test_determinism.py::test_findings_do_not_depend_on_file_enumeration_order",
    "tests/test_site.py::test_every_page_is_in_the_nav_once",
    "tests/test_site.py::test_every_procedure_has_a_page_with_its_status_first",
    "tests/test_site.py::test_print_page_has_every_procedure_and_its_status",
    "tests/test_site.py::test_decision_log_and_settings",
    "tests/test_diff.py::test_the_repository_compared_with_itself_has_no_changes",
    "tests/test_diff.py::test_this_repository_diffs_against_its_own_history",
]
# The slower ones run once, on the final state.
FINAL_TESTS = [
    "tests/test_mutations.py",
    "tests/test_site.py::test_the_real_site_builds_strict",
]

SOURCE = ("sources:\n  - title: Fiktivt testvedtak (finnes bare i testen)\n"
          "    url: https://example.org/fiktivt-testvedtak\n")


# -- copying the repository ----------------------------------------------------------------

def copy_repository(target: Path) -> Repo:
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode("utf-8", "surrogateescape")
    for rel in sorted(set(filter(None, listed.split("\0")))):
        src, dst = ROOT / rel, target / rel
        if not os.path.lexists(src):
            continue  # deleted in the working tree
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)
    repo = Repo(target)
    repo.git("init", "-q", "-b", "main")
    repo.commit("Utgangspunkt: en kopi av depotet")
    return repo


# -- editing YAML as a person would, found by structure ------------------------------------

def set_top(text: str, key: str, value: str, after: str = "status") -> str:
    """Set a one-line top-level key; add it after `after` when it is missing."""
    line = f"{key}: {value}"
    pattern = re.compile(rf"^{re.escape(key)}:[^\n]*$", re.M)
    if pattern.search(text):
        return pattern.sub(lambda _: line, text, count=1)
    anchor = re.compile(rf"^{re.escape(after)}:[^\n]*$", re.M).search(text)
    assert anchor, f"no top-level `{after}`"
    return text[:anchor.end()] + "\n" + line + text[anchor.end():]


def drop_top(text: str, key: str) -> str:
    return re.sub(rf"^{re.escape(key)}:[^\n]*\n", "", text, count=1, flags=re.M)


def top(text: str, key: str) -> str | None:
    match = re.search(rf"^{re.escape(key)}: *\"?([^\"\n]*)\"?$", text, re.M)
    return match.group(1) if match else None


def minor_bump(version: str) -> str:
    major, minor, _ = (int(x) for x in version.split("."))
    return f"{major}.{minor + 1}.0"


def procedure_files(repo: Repo) -> list[str]:
    return sorted(p.relative_to(repo.path).as_posix() for folder in ("chains", "routines")
                  for p in (repo.path / "procedures" / folder).glob("*.yaml"))


def decision(repo: Repo, did: str, case: str, date: str, title: str, adopts: list[tuple[str, str]],
             repeals: list[str] = ()) -> None:
    lines = [f"id: {did}", "body: OSO", f'case_number: "{case}"', f'meeting_date: "{date}"', f"title: '{title}'",
             "summary: >-", "  Fiktivt vedtak laget av testen tests/test_replay.py i en midlertidig kopi av depotet.",
             "  Det finnes ikke i depotet og er ikke fattet av OSO."]
    if adopts:
        lines.append("adopts:")
        lines += [f"  - procedure: {pid}\n    version: \"{version}\"" for pid, version in adopts]
    if repeals:
        lines.append("repeals:")
        lines += [f"  - {pid}" for pid in repeals]
    repo.write(f"procedures/decisions/{did}.yaml", "\n".join(lines) + "\n" + SOURCE)


def adopt(repo: Repo, rel: str, did: str, effective: str) -> tuple[str, str]:
    text = repo.read(rel)
    text = set_top(text, "status", "adopted")
    text = set_top(text, "decision", did)
    text = set_top(text, "effective", f'"{effective}"', after="decision")
    repo.write(rel, text)
    return top(text, "id"), top(text, "version")


# -- the series ----------------------------------------------------------------------------

def first_adoption(repo: Repo) -> str:
    adopted = []
    for rel in procedure_files(repo):
        if top(repo.read(rel), "status") in ("draft", "submitted"):
            adopted.append(adopt(repo, rel, "oso-test-1", "2026-02-01"))
    assert adopted
    decision(repo, "oso-test-1", "TEST 0001/26", "2026-01-15", "Fiktivt testvedtak: prosedyrene vedtas", adopted)
    return "Første vedtak: alle prosedyrene vedtas"


def kommuner(repo: Repo) -> list[str]:
    return sorted(p.relative_to(repo.path).as_posix() for p in (repo.path / "procedures" / "parties").glob("*.yaml")
                  if re.fullmatch(r"[0-9]{4}", p.stem))


def message_responsible_added(repo: Repo) -> str:
    rel = next(r for r in kommuner(repo) if "message_responsible:" not in repo.read(r))
    text = repo.read(rel)
    block = ("message_responsible:\n  title: Meldingsansvarlig (fiktiv testadresse)\n"
             "  email: meldingsansvarlig@testkommune.example\n")
    anchor = re.search(r"^sources:$", text, re.M)
    repo.write(rel, text[:anchor.start()] + block + text[anchor.start():])
    return "Meldingsansvarligadresse lagt inn for en kommune"


def merger(repo: Repo) -> str:
    files = [r for r in kommuner(repo) if "message_responsible:" not in repo.read(r)]
    old = files[-2:]
    numbers = [Path(r).stem for r in old]
    taken = {Path(r).stem for r in kommuner(repo)}
    taken |= {n for r in kommuner(repo) for n in re.findall(r'^  - "([0-9]{4})"$', repo.read(r), re.M)}
    new = next(f"{n:04d}" for n in range(5599, 5500, -1) if f"{n:04d}" not in taken)
    text = repo.read(old[0])
    text = re.sub(r'^(id|municipality_number): .*$', lambda m: f'{m.group(1)}: "{new}"', text, flags=re.M)
    text = re.sub(r"^(name|short_name): .*$", lambda m: f"{m.group(1)}: Testkommune", text, flags=re.M)
    text = re.sub(r"^previous_numbers:\n(  - .*\n)+", "", text, flags=re.M)
    text = set_top(text, "previous_numbers", "[" + ", ".join(f'"{n}"' for n in numbers) + "]",
                   after="municipality_number")
    for rel in old:
        repo.remove(rel)
    repo.write(f"procedures/parties/{new}.yaml", text)
    return f"Kommunesammenslåing: {' og '.join(numbers)} blir {new}"


def _chain(repo: Repo) -> str:
    return next(r for r in procedure_files(repo) if r.startswith("procedures/chains/")
                and re.search(r"^ +within: PT[0-9]+H$", repo.read(r), re.M))


def deadline_submitted(repo: Repo) -> str:
    rel = _chain(repo)
    text = repo.read(rel)

    def shorter(m):
        hours = int(m.group(2))
        return f"{m.group(1)}PT{hours - 1}H" if hours > 1 else f"{m.group(1)}PT30M"
    text = re.sub(r"^( +within: )PT([0-9]+)H$", shorter, text, count=1, flags=re.M)
    text = set_top(text, "version", f'"{minor_bump(top(text, "version"))}"')
    text = set_top(text, "status", "submitted")
    text = drop_top(text, "decision")
    repo.write(rel, text)
    follow_scenario_findings(repo)
    return "Ny frist sendt til behandling som ny versjon"


def follow_scenario_findings(repo: Repo) -> None:
    """Scenario files state expected deadlines (tests as data, run by `check`). A changed
    deadline makes them stale; the pull request updates them as the finding says."""
    import json
    result = _cli(repo, "check", "--format", "json")
    for f in json.loads(result.stdout)["findings"]:
        if f["rule"] != "scenario.expected":
            continue
        found = re.search(r" er (\S+), ikke (\S+?)\.$", f["message"])
        assert found, f["message"]
        right, wrong = found.groups()
        lines = repo.read(f["file"]).split("\n")
        assert wrong in lines[f["line"] - 1], f
        lines[f["line"] - 1] = lines[f["line"] - 1].replace(wrong, right)
        repo.write(f["file"], "\n".join(lines))


def deadline_adopted(repo: Repo) -> str:
    rel = _chain(repo)
    decision(repo, "oso-test-2", "TEST 0002/26", "2026-04-20", "Fiktivt testvedtak: ny frist",
             [adopt(repo, rel, "oso-test-2", "2026-05-01")])
    return "Ny frist vedtatt"


def routine_repealed(repo: Repo) -> str:
    routines = [r for r in procedure_files(repo) if r.startswith("procedures/routines/")
                and top(repo.read(r), "status") == "adopted"]
    rel = routines[-1]
    old = Path(rel).stem
    new = f"{old}-ny"
    successor = set_top(repo.read(rel), "id", new)
    repo.write(f"procedures/routines/{new}.yaml", successor)
    adopts = [adopt(repo, f"procedures/routines/{new}.yaml", "oso-test-3", "2026-09-01")]
    # procedures that led into the old routine now lead into its successor, in a new version
    for other in procedure_files(repo):
        text = repo.read(other)
        if other == rel or Path(other).stem == new:
            continue
        changed = re.sub(rf"^( +(?:-|procedure:|apprec:|misdirected:) *){re.escape(old)}$", rf"\g<1>{new}", text,
                         flags=re.M)
        if changed != text:
            changed = set_top(changed, "version", f'"{minor_bump(top(changed, "version"))}"')
            repo.write(other, changed)
            adopts.append(adopt(repo, other, "oso-test-3", "2026-09-01"))
    repo.write(rel, set_top(repo.read(rel), "status", "repealed"))
    decision(repo, "oso-test-3", "TEST 0003/26", "2026-08-20", "Fiktivt testvedtak: en rutine erstattes", adopts,
             repeals=[old])
    return f"Rutinen {old} oppheves og erstattes av {new}"


SERIES = [first_adoption, message_responsible_added, merger, deadline_submitted, deadline_adopted, routine_repealed]


def _cli(repo: Repo, *args: str) -> subprocess.CompletedProcess:
    env = {**repo.env, "NO_COLOR": "1", "PYTHONPATH": str(repo.path)}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "checks", *args], cwd=repo.path, env=env, capture_output=True,
                          text=True, timeout=300)


def _pytest(repo: Repo, nodes: list[str]) -> subprocess.CompletedProcess:
    env = {**repo.env, "NO_COLOR": "1", "PYTHONPATH": str(repo.path)}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not browser",
                           *nodes], cwd=repo.path, env=env, capture_output=True, text=True, timeout=900)


def test_oso_changes_keep_check_and_suite_green(tmp_path):
    repo = copy_repository(tmp_path / "depot")
    previous = repo.git("rev-parse", "HEAD")
    for step in SERIES:
        title = step(repo)
        commit = repo.commit(title)
        result = _cli(repo, "check", "--format", "text")
        assert result.returncode == 0, f"{title}: check\n{result.stdout}{result.stderr}"
        result = _cli(repo, "check", "--base", previous, "--format", "text")
        assert result.returncode == 0, f"{title}: check --base\n{result.stdout}{result.stderr}"
        result = _pytest(repo, CONTENT_TESTS)
        assert result.returncode == 0, f"{title}: testene\n{result.stdout[-6000:]}{result.stderr[-2000:]}"
        previous = commit
    result = _pytest(repo, FINAL_TESTS)
    assert result.returncode == 0, f"til slutt: testene\n{result.stdout[-6000:]}{result.stderr[-2000:]}"
    # the series did what it says
    assert repo.git("log", "--format=%s").count("\n") == len(SERIES)
