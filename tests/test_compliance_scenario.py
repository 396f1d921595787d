"""Scenarios: the messages due along a pathway, with deadlines exact across daylight-saving
changes and public holidays named from the `holidays` package.

The golden files are computed over `tests/compliance-fixture`, a frozen example repository
(its chain is a copy made for these tests), so an ordinary change to `procedures/` never turns
them red. Set UPDATE_GOLDEN=1 to rewrite them after a deliberate change of output.
"""

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from checks.compliance import calendar as cal
from checks.compliance import scenario
from checks.model.repository import load_repository

from conftest import ROOT, run_cli

FIXTURE = ROOT / "tests" / "compliance-fixture"
GOLDEN = FIXTURE / "golden"
SCENARIOS = sorted((FIXTURE / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def repo():
    return load_repository(FIXTURE)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_output_matches_golden(path, repo):
    result = scenario.run(FIXTURE, repo, path)
    text, data = scenario.render_text(result), scenario.render_json(result)
    for suffix, got in ((".txt", text), (".json", data)):
        golden = GOLDEN / (path.stem + suffix)
        if os.environ.get("UPDATE_GOLDEN"):
            golden.write_text(got, encoding="utf-8")
        assert got == golden.read_text(encoding="utf-8"), golden


def test_a_scenario_is_read_with_the_repositorys_schemas(repo, monkeypatch):
    """The site walks every scenario: each reads the schemas the repository was checked with,
    not a set of its own compiled again."""
    def no_other(root):
        raise AssertionError("a schema set of its own")
    monkeypatch.setattr(scenario, "schemas_for", no_other)
    assert scenario.run(FIXTURE, repo, SCENARIOS[0])["scenario"]["file"]


def test_fixture_scenarios_meet_their_expectations(repo):
    assert scenario.check(FIXTURE, repo) == []


def _result(repo, name):
    return scenario.run(FIXTURE, repo, FIXTURE / "scenarios" / f"{name}.yaml")


def _deadline(result, step):
    return next(m["deadline"] for m in result["messages"] if m["step"] == step)


def test_24_hours_across_the_spring_change_end_an_hour_later_on_the_clock(repo):
    d = _deadline(_result(repo, "sommertid"), "helseopplysninger")
    start, end = cal.parse_aware(d["from_at"]), cal.parse_aware(d["at"])
    assert end.astimezone(dt.timezone.utc) - start.astimezone(dt.timezone.utc) == dt.timedelta(hours=24)
    assert (start.hour, end.hour) == (10, 11) and end.utcoffset() == dt.timedelta(hours=2)
    assert d["calendar"]["dst_changes"] and not d["calendar"]["deadline_is_working_day"]


def test_24_hours_across_the_autumn_change_end_an_hour_earlier_on_the_clock(repo):
    d = _deadline(_result(repo, "psykiatri-vintertid"), "helseopplysninger")
    start, end = cal.parse_aware(d["from_at"]), cal.parse_aware(d["at"])
    assert end.astimezone(dt.timezone.utc) - start.astimezone(dt.timezone.utc) == dt.timedelta(hours=24)
    assert (start.hour, end.hour) == (22, 21)


def test_a_same_day_deadline_on_a_public_holiday_names_it_and_says_the_sources_are_silent(repo):
    d = _deadline(_result(repo, "jul"), "melding-utskrivningsklar")
    c = d["calendar"]
    assert c["deadline_holiday"] and not c["deadline_is_working_day"]
    assert c["sources_on_non_working_days"] == "ikke omtalt i kildene"
    assert any("Kildene sier ikke" in n for n in c["notes"])
    assert cal.parse_aware(d["at"]).time() == dt.time(0, 0)


def test_psychiatric_pathway_uses_the_substituted_addresses(repo):
    result = _result(repo, "psykiatri-vintertid")
    addresses = {m["from"]["address"] for m in result["messages"]} | {m["to"]["address"] for m in result["messages"]}
    chain = next(e for e in repo.of("chain"))
    subs = {s["address"]: s["with"] for p in chain.data["pathways"] if p["id"] == "psykiatri" for s in p["substitutions"]}
    assert not addresses & set(subs) and addresses & set(subs.values())


def test_a_patient_without_needs_gets_no_messages(repo):
    result = _result(repo, "ingen-tjenester")
    assert result["messages"] == [] and repo.of("chain")[0].data["steps"][0]["id"] in result["path"]


# -- the calendar --------------------------------------------------------------------------------

def test_local_times_that_do_not_exist_or_are_ambiguous_are_refused():
    with pytest.raises(cal.TimeError, match="finnes ikke"):
        cal.parse_local("2025-03-30T02:30")
    with pytest.raises(cal.TimeError, match="to ganger"):
        cal.parse_local("2025-10-26T02:30")
    assert cal.parse_local("2025-10-26T02:30+01:00").utcoffset() == dt.timedelta(hours=1)
    assert cal.parse_local("2025-10-26T02:30+02:00").utcoffset() == dt.timedelta(hours=2)


def test_days_are_calendar_days_and_hours_are_elapsed_time():
    start = cal.parse_local("2025-03-29T10:15")
    assert cal.add_duration(start, "P1D").hour == 10
    assert cal.add_duration(start, "PT24H").hour == 11
    assert cal.end_of_day(start) == cal.parse_local("2025-03-30T00:00")


def test_public_holidays_come_from_the_holidays_package():
    assert cal.holiday(dt.date(2025, 12, 25)) and cal.holiday(dt.date(2025, 5, 17))
    assert cal.holiday(dt.date(2025, 12, 24)) is None  # julaften is not a public holiday
    assert not cal.is_working_day(dt.date(2025, 4, 18))  # langfredag
    assert cal.next_working_day(dt.date(2025, 12, 24)) == dt.date(2025, 12, 29)


# -- findings ------------------------------------------------------------------------------------

def _copy(tmp_path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo, ignore=shutil.ignore_patterns("golden"))
    return repo


@pytest.mark.parametrize("edit, rule_id", [
    (("innleggelse: 2025-03-05T10:15", "innleggelse: 2025-03-05T11:15"), "scenario.expected"),
    (("utskrivningsklar: 2025-03-07T15:30", "utskrivningsklar: 2025-03-07T16:30"), "scenario.event"),
    (("utskrivningsklar: 2025-03-07T15:30", "ukjent-steg: 2025-03-07T15:30"), "scenario.event"),
    (("innleggelse: 2025-03-05T10:15", "innleggelse: 2025-03-30T02:15"), "scenario.event"),
    (("kommune-kan-ta-imot: venter-pa-tilbud", "kommune-kan-ta-imot: slutt"), "scenario.choice"),
    (("endring-under-venting: melding-tilbud-klart", "endring-under-venting: venter-pa-tilbud"), "scenario.loop"),
    (("chain: standard-plo-kjede", "chain: finnes-ikke"), "scenario.chain"),
    (("pathway: somatikk", "pathway: tannhelse"), "scenario.chain"),
    (("  innleggelse: 2025-03-05T10:15\n", ""), "scenario.missing-time"),
    (("id: fredag-ettermiddag", "id: fredag"), "file.id-mismatch"),
    (("municipality: \"5501\"", "municipality: 5501"), "schema.type"),
])
def test_a_broken_scenario_gives_its_finding_in_check(tmp_path, edit, rule_id):
    repo = _copy(tmp_path)
    path = repo / "scenarios" / "fredag-ettermiddag.yaml"
    text = path.read_text(encoding="utf-8")
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    findings = scenario.check(repo, load_repository(repo))
    assert rule_id in {f.rule for f in findings}, findings
    assert all(f.file == "scenarios/fredag-ettermiddag.yaml" and f.line >= 1 for f in findings)
    result = run_cli("-C", str(repo), "check", "--format", "json")
    assert result.returncode == 1 and rule_id in {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_a_personal_number_in_a_scenario_is_a_finding(tmp_path):
    repo = _copy(tmp_path)
    path = repo / "scenarios" / "hverdag.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "unconfirmed:\n  - Pasient 311299 56715.\n", encoding="utf-8")
    assert "privacy.personal-id" in {f.rule for f in scenario.check(repo, load_repository(repo))}


def test_cli_scenario_text_json_and_exit_codes(tmp_path):
    ok = run_cli("-C", str(FIXTURE), "scenario", str(FIXTURE / "scenarios" / "fredag-ettermiddag.yaml"))
    assert ok.returncode == 0 and "Meldinger som skal sendes" in ok.stdout and "Traceback" not in ok.stderr
    data = run_cli("-C", str(FIXTURE), "scenario", str(FIXTURE / "scenarios" / "jul.yaml"), "--format", "json")
    assert data.returncode == 0 and json.loads(data.stdout)["timezone"] == "Europe/Oslo"
    missing = run_cli("-C", str(FIXTURE), "scenario", str(tmp_path / "nei.yaml"))
    assert missing.returncode == 2 and "finnes ikke" in missing.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: x\nchain: standard-plo-kjede\nevents:\n  innleggelse: i morgen\n", encoding="utf-8")
    broken = run_cli("-C", str(FIXTURE), "scenario", str(bad))
    assert broken.returncode == 1 and "Traceback" not in broken.stdout + broken.stderr


def test_the_shipped_scenarios_cover_the_common_cases():
    names = {p.stem for p in (ROOT / "scenarios").glob("*.yaml")}
    assert len(names) >= 5
