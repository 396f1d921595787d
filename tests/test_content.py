"""The facts that matter in the shipped content, so that a wrong edit fails a test."""

import pytest

from checks.rules.analysis import run_checks
from checks.rules.graph import coverage_matrix as coverage
from checks.rules.graph import build

from conftest import ROOT

KOMMUNER = {
    "5501": "Tromsø", "5503": "Harstad – Hárstták", "5510": "Kvæfjord", "5512": "Tjeldsund",
    "5514": "Ibestad", "5516": "Gratangen", "5518": "Loabák – Lavangen", "5520": "Bardu",
    "5522": "Salangen", "5524": "Målselv", "5526": "Sørreisa", "5528": "Dyrøy", "5530": "Senja",
    "5532": "Balsfjord", "5534": "Karlsøy", "5536": "Lyngen", "5538": "Storfjord – Omasvuotna – Omasvuono",
    "5540": "Gáivuotna – Kåfjord – Kaivuono", "5542": "Skjervøy", "5544": "Nordreisa – Ráisa – Raisi",
    "5546": "Kvænangen", "1806": "Narvik", "1851": "Lødingen", "1853": "Evenes – Evenášši",
}


@pytest.fixture(scope="module")
def model():
    repo, findings = run_checks(ROOT)
    return repo, findings


def _types(repo):
    return {e.id: e.data for e in repo.of("message-type")}


def _chain(repo):
    (chain,) = repo.of("chain")
    return chain


def _steps(entry):
    return {s["id"]: s for s in entry.data["steps"]}


def test_only_expected_warnings_and_no_errors(model):
    _, findings = model
    assert [f for f in findings if f.severity == "error"] == []
    assert {f.rule for f in findings} <= {"coverage.not-adopted", "party.missing-data"}


def test_all_24_kommuner_and_unn_are_parties(model):
    repo, _ = model
    parties = {e.id: e.data for e in repo.of("party")}
    assert {k: parties[k]["name"] for k in KOMMUNER} == KOMMUNER
    assert set(parties) == set(KOMMUNER) | {"unn"}
    assert parties["unn"]["organisation_number"] == "983974899"
    for number in KOMMUNER:
        roles = {a["role"] for a in parties[number]["service_addresses"]}
        assert {"sykepleietjeneste", "legetjeneste", "saksbehandler"} <= roles
    assert {a["role"] for a in parties["unn"]["service_addresses"]} == {
        "somatikk-plo-meldingsmottak", "psykiatri-plo-meldingsmottak"}


def test_no_identifier_is_invented(model):
    repo, _ = model
    for party in repo.of("party"):
        assert "her_id" not in party.data
        assert all("her_id" not in a for a in party.data["service_addresses"])
        assert "agreement_signed" not in party.data
    assert repo.of("decision") == []


def test_nothing_is_adopted_and_settings_await_a_decision(model):
    repo, _ = model
    for entry in repo.of("chain") + repo.of("routine"):
        assert entry.data["status"] in ("draft", "submitted")
        assert "decision" not in entry.data
    for setting in repo.of("setting"):
        assert setting.data["status"] == "submitted" and "value" not in setting.data


def test_helseopplysninger_goes_to_saksbehandler_within_24_hours_of_admission(model):
    repo, _ = model
    assert _types(repo)["helseopplysninger"]["directions"][0]["addressed_to"] == ["saksbehandler"]
    step = _steps(_chain(repo))["helseopplysninger"]
    assert step["to"] == {"party": "municipality", "address": "saksbehandler"}
    assert step["deadline"]["within"] == "PT24H" and step["deadline"]["from"] == "innleggelse"


def test_melding_om_innlagt_pasient_goes_to_sykepleietjenesten(model):
    repo, _ = model
    sent = [s for s in _chain(repo).data["steps"] if s.get("message_type") == "melding-om-innlagt-pasient"]
    assert sent and all(s["to"]["address"] == "sykepleietjeneste" for s in sent)


def test_answers_go_back_to_the_sender_address(model):
    repo, _ = model
    steps = _steps(_chain(repo))
    answers = [s for s in steps.values() if s.get("message_type") == "svar-pa-foresporsel"]
    assert answers
    for answer in answers:
        original = steps[answer["answers"]]
        assert answer["to"] == original["from"]
        assert answer["from"] == original["to"]


def test_utskrivningsrapport_is_sent_on_the_day_of_discharge(model):
    repo, _ = model
    steps = _steps(_chain(repo))
    (step,) = [s for s in steps.values() if s.get("message_type") == "utskrivningsrapport"]
    assert step["to"]["address"] == "sykepleietjeneste"
    assert step["deadline"]["same_day"] is True
    assert steps[step["deadline"]["from"]]["type"] == "event"


def test_kommunens_svar_on_utskrivningsklar_is_due_the_same_day_and_marked_unconfirmed(model):
    repo, _ = model
    steps = _steps(_chain(repo))
    answer = [s for s in steps.values() if s.get("answers") == "melding-utskrivningsklar" and s.get("deadline")]
    assert answer and answer[0]["deadline"]["same_day"] is True
    assert answer[0]["deadline"]["rule"]["status"] == "unconfirmed"


def test_psychiatric_pathway_swaps_the_addresses(model):
    repo, _ = model
    pathways = {p["id"]: p for p in _chain(repo).data["pathways"]}
    swaps = {s["address"]: s["with"] for s in pathways["psykiatri"]["substitutions"]}
    assert swaps["somatikk-plo-meldingsmottak"] == "psykiatri-plo-meldingsmottak"
    assert swaps["sykepleietjeneste"] == "psykisk-helsetjeneste"


def test_every_message_type_and_deadline_has_a_source(model):
    repo, _ = model
    for data in _types(repo).values():
        assert data["sources"] and all(s["url"].startswith("https://") for s in data["sources"])
    for entry in repo.of("chain") + repo.of("routine"):
        for step in entry.data["steps"]:
            if "deadline" in step:
                assert step["deadline"]["rule"]["url"].startswith("https://")


def test_every_obligation_is_covered_by_a_procedure_or_a_datum(model):
    repo, _ = model
    matrix = coverage(repo)
    for ob in repo.agreement.data["obligations"]:
        if ob["evidence"] in ("procedure", "plan"):
            assert matrix[ob["id"]], ob["id"]
        elif ob["evidence"] == "party-data":
            assert ob["party_fields"]


def test_every_routine_that_5_1_d_requires_exists_once(model):
    repo, _ = model
    required = {ob["requires_routine"] for ob in repo.agreement.data["obligations"] if "requires_routine" in ob}
    categories = [r.data["category"] for r in repo.of("routine")]
    assert required <= set(categories)
    assert len(categories) == len(set(categories))


def test_the_standard_chain_is_one_sound_graph(model):
    repo, _ = model
    pg = build(_chain(repo))
    assert pg.start == "innleggelse" and pg.ends


def test_missing_party_data_is_listed_not_hidden(model):
    _, findings = model
    (tromso,) = [f for f in findings if f.file == "procedures/parties/5501.yaml"]
    assert tromso.rule == "party.missing-data" and tromso.severity == "warning"
    assert tromso.message == ("Tromsø mangler: HER-id, meldingsansvarligadresse, lokal brukerstøtte for video, "
                              "dato for signering.")
