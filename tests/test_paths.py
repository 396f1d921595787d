"""Path obligations (checks/rules/paths.py) on the example repositories paths-hold and
paths-violated: each constraint kind, its counterexample in Norwegian, the trace evaluator
that compliance reuses over message logs, and the site/export view (`results`)."""

import pytest

from checks.model.findings import RULES
from checks.model.repository import load_repository
from checks.rules import paths
from checks.rules.analysis import analyse

from conftest import CASES
from test_cases import materialise


@pytest.fixture(scope="module")
def violated(tmp_path_factory):
    repo = load_repository(materialise(CASES / "paths-violated", tmp_path_factory.mktemp("v")))
    return repo, {f.rule: f for f in analyse(repo) if f.rule.startswith("path.")}


@pytest.fixture(scope="module")
def hold(tmp_path_factory):
    return load_repository(materialise(CASES / "paths-hold", tmp_path_factory.mktemp("h")))


def test_every_kind_has_a_registered_rule_with_norwegian_documentation():
    for kind in paths.KINDS:
        rule = RULES[f"path.{kind}"]
        assert rule.doc and rule.title[0].isupper()


@pytest.mark.parametrize("rule, walk, words", [
    ("path.response", "innleggelse → behov → ingen-tjenester", "sender aldri Utskrivningsrapport"),
    ("path.existence", "innleggelse → behov → ingen-tjenester", "sender aldri Helseopplysninger"),
    # the loop back to `behov` is what repeats it: found without enumerating paths
    ("path.exactly-once", "innleggelse → behov → helseopplysninger → sporsmal → svar → mer → behov → ingen-tjenester",
     "mer enn én gang"),
    ("path.chain-response", "sporsmal → svar", "rett etter Forespørsel (`sporsmal`) kommer `svar`"),
    ("path.precedence", "innleggelse → behov → helseopplysninger → sporsmal", "uten Svar på forespørsel før"),
    ("path.not-coexistence", "helseopplysninger → sporsmal → svar → mer → utskrivning → rapport → slutt",
     "har både Helseopplysninger og Utskrivningsrapport"),
    ("path.absence", "→ svar →", "sender Svar på forespørsel"),
    ("path.possible", "innleggelse → behov → helseopplysninger → sporsmal → svar → mer → utskrivning → rapport",
     "Ingen vei sender Utskrivningsrapport uten Forespørsel før"),
])
def test_each_kind_reports_the_shortest_counterexample_in_norwegian(violated, rule, walk, words):
    _, found = violated
    finding = found[rule]
    assert walk in finding.message and words in finding.message
    assert "Kravet: «" in finding.message and finding.hint.startswith("Kravet `")


def test_the_counterexample_is_a_complete_path_from_start_to_an_end(violated):
    repo, found = violated
    ends = {"slutt", "ingen-tjenester"}
    for rule in ("path.response", "path.existence", "path.exactly-once", "path.chain-response",
                 "path.precedence", "path.not-coexistence", "path.absence"):
        steps = found[rule].message.removeprefix("Veien ").split(":")[0].split(" → ")
        assert steps[0] == "innleggelse"
        assert steps[-1].split()[0] in ends, found[rule].message


def test_an_unconfirmed_source_gives_a_warning_and_a_confirmed_one_an_error(violated):
    _, found = violated
    assert found["path.absence"].severity == "warning"
    assert found["path.response"].severity == "error"


def test_results_say_for_each_procedure_which_constraints_hold(hold, violated):
    rows = paths.results(hold)["kjede"]
    assert rows and all(r.holds for r in rows)
    scopes = {r.constraint.scope for r in rows}
    assert scopes == {"procedure", "message-type", "obligation"}
    broken = [r for r in paths.results(violated[0])["kjede"] if not r.holds]
    assert broken and all(r.counterexample and r.message for r in broken)


def test_constraints_on_a_message_type_apply_only_where_it_is_sent(hold):
    kjede = next(e for e in hold.of("chain"))
    feilsendt = next(e for e in hold.of("routine") if e.id == "feilsendt")
    assert any(c.scope == "message-type" for c in paths.applicable(hold, kjede))
    assert not any(c.scope == "message-type" for c in paths.applicable(hold, feilsendt))


def _constraint(kind, a, b=None):
    return paths.Constraint("k", kind, a, b, None, None, "Krav", {}, "", holder=None)


ADM, HO, RAP = {"event": "admission"}, {"message_type": "helseopplysninger"}, {"message_type": "utskrivningsrapport"}


@pytest.mark.parametrize("kind, a, b, trace, expected", [
    ("response", ADM, RAP, [{"event": "admission"}, {"message_type": "utskrivningsrapport"}], (True, None)),
    ("response", ADM, RAP, [{"event": "admission"}, {"message_type": "helseopplysninger"}], (False, 0)),
    ("precedence", HO, RAP, [{"message_type": "utskrivningsrapport"}, {"message_type": "helseopplysninger"}], (False, 0)),
    ("chain-response", HO, RAP, [{"message_type": "helseopplysninger"}, {"event": "admission"},
                                 {"message_type": "utskrivningsrapport"}], (False, 0)),
    ("not-coexistence", HO, RAP, [{"message_type": "helseopplysninger"}, {"message_type": "utskrivningsrapport"}], (False, 1)),
    ("existence", HO, None, [{"event": "admission"}], (False, None)),
    ("absence", HO, None, [{"message_type": "helseopplysninger"}], (False, 0)),
    ("exactly-once", HO, None, [{"message_type": "helseopplysninger"}] * 2, (False, 1)),
    ("exactly-once", HO, None, [{"message_type": "helseopplysninger"}], (True, None)),
    ("possible", HO, None, [{"message_type": "helseopplysninger"}], (None, None)),
])
def test_the_same_constraint_is_judged_on_one_logged_case(kind, a, b, trace, expected):
    assert paths.holds_on_trace(_constraint(kind, a, b), trace) == expected


def test_an_answer_is_correlated_with_the_message_it_answers():
    c = _constraint("response", {"message_type": "foresporsel"}, {"answers": True})
    trace = [{"message_type": "foresporsel"}, {"message_type": "foresporsel"},
             {"message_type": "svar-pa-foresporsel", "answers": 0}]
    assert paths.holds_on_trace(c, trace) == (False, 1)


def test_a_constraint_with_b_where_its_kind_has_none_is_a_schema_error(tmp_path):
    repo = materialise(CASES / "paths-hold", tmp_path)
    chain = repo / "procedures" / "chains" / "kjede.yaml"
    text = chain.read_text(encoding="utf-8")
    chain.write_text(text.replace("    kind: existence\n    a: {event: admission}\n",
                                  "    kind: existence\n    a: {event: admission}\n    b: {event: discharge}\n"),
                     encoding="utf-8")
    findings = analyse(load_repository(repo))
    errors = [f for f in findings if f.file == "procedures/chains/kjede.yaml"]
    assert len(errors) == 1 and errors[0].rule.startswith("schema."), errors
    assert "`b`" in errors[0].message and "`constraints[3]`" in errors[0].message


def test_paths_depends_only_on_the_model():
    import ast
    import inspect
    tree = ast.parse(inspect.getsource(paths))
    sources = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level}
    assert all(m.startswith("model") for m in sources), sources
