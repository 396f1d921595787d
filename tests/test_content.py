"""Invariants of the shipped content that hold for every valid repository.

No test here pins today's content (a count, a deadline, a kommune's data, "nothing adopted"):
OSO's next ordinary change must not turn the suite red. Facts about today's content are
rules over the data, each with an example repository under tests/cases/:

- every kommune and UNN have their service addresses: `party.missing-address` (case `party-rules`);
- missing HER-id, meldingsansvarlig address, video support and signing date are listed:
  `party.missing-data` (cases `party-rules`, `field-checks`);
- a kommune's id and file name are its kommunenummer, used once: `party.number`, `file.id-mismatch`;
- a deadline is never longer than the message type's rule, and is counted from a step before
  the message on every path: `deadline.too-long`, `deadline.not-dominating`;
- answers go back to the sender's address: `message.answer`; addresses are the catalogue's:
  `message.address`; the psychiatric pathway swaps addresses: `message.address` over pathways;
- every obligation is covered, every required routine exists once: `coverage.*`, `repo.*`;
- an adopted procedure cites the decision that adopted its version: `governance.*`.

tests/test_replay.py runs this file (and the other tests that read the real repository)
against a copy of the repository after each change in a scripted series of OSO's changes.
"""

import re

import pytest

from checks.model.vocabulary import procedures
from checks.rules.analysis import run_checks
from checks.model.procgraph import build
from checks.rules.graph import coverage_matrix as coverage

from conftest import ROOT


@pytest.fixture(scope="module")
def model():
    repo, findings = run_checks(ROOT)
    return repo, findings


def test_the_content_has_no_errors(model):
    _, findings = model
    assert [f"{f.location()} {f.rule} {f.message}" for f in findings if f.severity == "error"] == []


def test_every_kommune_is_named_by_its_number_and_old_numbers_are_not_in_use(model):
    repo, _ = model
    current = set()
    for party in repo.of("party"):
        assert party.file == f"procedures/parties/{party.id}.yaml"
        if party.data["role"] == "municipality":
            assert re.fullmatch(r"[0-9]{4}", party.id) and party.data["municipality_number"] == party.id
            current.add(party.id)
    for party in repo.of("party"):
        assert not set(party.data.get("previous_numbers", [])) & (current - {party.id}), party.id


def test_there_is_exactly_one_health_trust_and_at_least_one_kommune(model):
    repo, _ = model
    roles = [p.data["role"] for p in repo.of("party")]
    assert roles.count("health-trust") == 1 and "municipality" in roles


def test_every_message_type_and_deadline_has_a_public_source(model):
    repo, _ = model
    for entry in repo.of("message-type"):
        assert entry.data["sources"] and all(s["url"].startswith("https://") for s in entry.data["sources"])
    for entry in procedures(repo):
        for step in entry.data["steps"]:
            if "deadline" in step:
                assert step["deadline"]["rule"]["url"].startswith("https://"), (entry.id, step["id"])


def test_every_obligation_is_covered_by_a_procedure_or_a_datum(model):
    repo, _ = model
    matrix = coverage(repo)
    for ob in repo.agreement.data["obligations"]:
        if ob["evidence"] in ("procedure", "plan"):
            assert matrix[ob["id"]], ob["id"]
        elif ob["evidence"] == "party-data":
            assert ob["party_fields"]


def test_every_routine_the_agreement_requires_is_in_force_or_pending_once(model):
    repo, _ = model
    required = {ob["requires_routine"] for ob in repo.agreement.data["obligations"] if "requires_routine" in ob}
    live = [r.data["category"] for r in repo.of("routine") if r.data["status"] != "repealed"]
    assert required <= set(live)
    assert len(live) == len(set(live))


def test_every_procedure_is_one_sound_graph(model):
    repo, _ = model
    for entry in procedures(repo):
        pg = build(entry)
        assert pg.start and pg.ends, entry.id


def test_every_adopted_procedure_cites_a_decision_that_adopts_its_version(model):
    repo, _ = model
    decisions = repo.index("decision")
    for entry in procedures(repo):
        if entry.data["status"] != "adopted":
            continue
        decision = decisions[entry.data["decision"]]
        assert {"procedure": entry.id, "version": entry.data["version"]} in decision.data["adopts"], entry.id

