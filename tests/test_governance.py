"""The governance rules: OSO's approval process as findings.

Every scenario of tests/scenarios.py is checked against its base, and the governance findings
are compared with tests/golden/governance/ (`UPDATE_GOLDEN=1` rewrites them). Proper changes
have golden files that say "(ingen funn)"; each rule has at least one failing example.
"""

import contextlib
import io

import pytest

import scenarios
from checks.rules import governance
from checks.review.gate import analyse
from checks.cli import main
from checks.model.findings import RULES
from checks.model.gitsource import load_revision
from gitrepos import TODAY, golden, make_repo

GOVERNANCE_RULES = sorted(r for r in RULES if r.startswith("governance."))


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    repo = make_repo(tmp_path_factory.mktemp("styring"))
    return repo, scenarios.build(repo)


_FOUND: dict = {}


def findings(repo, base, head, with_base=True):
    """Findings for HEAD, compared with BASE (cached: committed revisions do not change)."""
    key = (str(repo.path), repo.git("rev-parse", base), repo.git("rev-parse", head), with_base)
    if key not in _FOUND:
        base_repo = load_revision(repo.path, base).repo
        head_repo = load_revision(repo.path, head).repo
        _FOUND[key] = analyse(head_repo, base=base_repo if with_base else None, today=TODAY)
    return _FOUND[key]


def listing(found) -> str:
    lines = []
    for f in found:
        if f.rule.startswith("governance."):
            lines.append(f"{f.location()} {f.severity} {f.rule}: {f.message}")
            if f.hint:
                lines.append(f"    tips: {f.hint}")
    return "\n".join(lines) + "\n" if lines else "(ingen funn)\n"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", [s.name for s in scenarios.SCENARIOS])
def test_governance_findings_match_golden(history, name):
    repo, revisions = history
    golden(f"governance/{name}.txt", listing(findings(repo, *revisions[name])))


def test_every_governance_rule_has_a_failing_example(history):
    repo, revisions = history
    seen = set()
    for base, head in revisions.values():
        seen |= {f.rule for f in findings(repo, base, head) if f.rule.startswith("governance.")}
    assert sorted(seen) == GOVERNANCE_RULES
    assert len(GOVERNANCE_RULES) == 15


@pytest.mark.parametrize("name, expected", [
    ("frist-endret", []),
    ("steg-lagt-til", []),
    ("vedtatt-endret-uten-versjon", ["governance.decision-not-renewed", "governance.version-not-raised"]),
    ("for-lite-versjonshopp", ["governance.version-bump-too-small"]),
    ("redaksjonell-endring", []),
    ("vedtatt-samme-vedtak", ["governance.adopted-without-decision", "governance.decision-not-renewed"]),
    ("vedtak-registrert", []),
    ("vedtak-fram-i-tid", ["governance.decision-in-future"]),
    ("vedtatt-slettet", ["governance.history-deleted"]),
    ("vedtak-slettet", ["governance.history-deleted"]),
    ("vedtatt-ny-id", ["governance.decision-edited", "governance.history-deleted"]),
    ("opphevet-endret", ["governance.history-deleted", "governance.references-repealed"]),
    ("revisjonsdato-passert", ["governance.review-overdue"]),
    ("gren-lagt-til", []),
    ("vedtatt-til-utkast", ["governance.status-reverted"]),
    ("startdato-flyttet", ["governance.adopted-dates-changed"]),
    ("revisjonsdato-flyttet", ["governance.adopted-dates-changed"]),
    ("til-behandling-endret", ["governance.submitted-changed"]),
    ("vedtatt-og-endret", ["governance.adopted-with-changes"]),
    ("vedtak-endret", ["governance.decision-edited"]),
    ("samme-id-to-typer", ["governance.ambiguous-reference"]),
    ("part-lagt-til", ["governance.parties-changed"]),
    ("part-fjernet", ["governance.parties-changed"]),
    ("kommunesammenslaing", ["governance.parties-changed"]),
    ("frist-endret-og-vedtatt", []),
])
def test_which_rules_each_change_breaks(history, name, expected):
    repo, revisions = history
    got = sorted({f.rule for f in findings(repo, *revisions[name]) if f.rule.startswith("governance.")})
    assert got == expected


def test_rules_that_need_no_base_run_in_every_check(history):
    repo, revisions = history

    def rules(name):
        return {f.rule for f in findings(repo, *revisions[name], with_base=False)}

    assert "governance.decision-in-future" in rules("vedtak-fram-i-tid")
    assert "governance.adopted-without-decision" in rules("vedtatt-uten-vedtak")
    assert "governance.references-repealed" in rules("opphevet")
    assert "governance.review-overdue" in rules("revisjonsdato-passert")
    # the rules that compare two revisions need the base
    assert not {r for r in rules("vedtatt-endret-uten-versjon") if r.startswith("governance.")}
    assert not {r for r in rules("vedtatt-slettet") if r.startswith("governance.")}


def test_a_draft_that_leads_into_a_repealed_routine_gets_a_warning(tmp_path):
    repo = make_repo(tmp_path)
    scenarios.repealed(repo)
    repo.edit(scenarios.K, 'version: "1.0.0"\nstatus: adopted\n', 'version: "1.1.0"\nstatus: draft\n')
    repo.edit(scenarios.K, "decision: oso-2026-01\n", "")
    repo.commit("Opphevet, og kjeden er et utkast")
    found = [f for f in findings(repo, "HEAD", "HEAD") if f.rule == "governance.references-repealed"]
    assert len(found) == 4 and {f.severity for f in found} == {"warning"}
    assert "prosedyren er utkast" in found[0].message


def test_an_adopted_setting_needs_its_decision_and_value(tmp_path):
    repo = make_repo(tmp_path)
    repo.edit(scenarios.A, "status: submitted\n", "status: adopted\ndecision: oso-2026-01\n")
    repo.commit("Innstilling vedtatt uten verdi")
    found = sorted((f.rule, f.message) for f in findings(repo, "HEAD", "HEAD")
                   if f.rule.startswith("governance."))
    assert [m for _, m in found] == [
        "Innstillingen «Ventetid før manuell oppfølging av manglende kvittering» (`apprec-ventetid`) er vedtatt "
        "etter vedtaket `oso-2026-01`, men vedtaket nevner ikke innstillingen under `settings`.",
        "Innstillingen «Ventetid før manuell oppfølging av manglende kvittering» (`apprec-ventetid`) er vedtatt, "
        "men har ingen vedtatt verdi (`value`)."]


def test_changing_an_adopted_setting_needs_a_new_decision(tmp_path):
    repo = make_repo(tmp_path)
    repo.edit(scenarios.A, "status: submitted\n", "status: adopted\nvalue: PT4H\ndecision: oso-2026-01\n")
    repo.edit(scenarios.D, "sources:\n", "settings: [apprec-ventetid]\nsources:\n")
    repo.commit("Vedtatt innstilling")
    repo.edit(scenarios.A, "value: PT4H\n", "value: PT2H\n")
    repo.commit("Ny verdi uten nytt vedtak")
    found = [f.rule for f in findings(repo, "HEAD~1", "HEAD") if f.rule.startswith("governance.")]
    assert found == ["governance.decision-not-renewed"]


def test_check_with_base_annotates_the_pull_request(history):
    repo, _ = history
    repo.git("checkout", "-q", "vedtatt-endret-uten-versjon")
    try:
        code, out, err = run("-C", str(repo.path), "check", "--base", "main", "--today", TODAY.isoformat(),
                             "--format", "github")
        clean = run("-C", str(repo.path), "check", "--today", TODAY.isoformat())
    finally:
        repo.git("checkout", "-q", "main")
    assert code == 1, err
    assert ("::error file=procedures/chains/kjede.yaml,line=6,col=10,title=governance.version-not-raised::"
            "«Meldingskjede ved innleggelse og utskrivning» (`kjede`) er vedtatt i versjon 1.0.0 og endret") in out
    assert "title=governance.decision-not-renewed" in out
    assert clean[0] == 0  # without a base, the same tree passes: only the comparison finds it


def test_check_with_base_passes_a_proper_change(history):
    repo, _ = history
    repo.git("checkout", "-q", "vedtak-registrert")
    try:
        code, out, err = run("-C", str(repo.path), "check", "--base", "main", "--today", TODAY.isoformat())
    finally:
        repo.git("checkout", "-q", "main")
    assert code == 0, out + err


@pytest.mark.parametrize("args, message", [
    (["check", "--base", "finnes-ikke"], "fant ikke revisjonen `finnes-ikke`"),
    (["check", "--base=-x"], "kan ikke begynne med `-`"),
    (["check", "--today", "1. juni"], "ugyldig dato `1. juni`"),
    (["diff", "main", "--today", "2026-13-01"], "ugyldig dato"),
])
def test_bad_arguments_are_one_norwegian_line(history, args, message):
    repo, _ = history
    code, out, err = run("-C", str(repo.path), *args)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


@pytest.mark.parametrize("before, after, kind", [
    ("1.0.0", "1.0.0", "none"), ("1.0.0", "1.0.1", "patch"), ("1.0.9", "1.1.0", "minor"),
    ("1.4.2", "2.0.0", "major"), ("1.1.0", "1.0.5", "lower"), ("1.10.0", "1.9.0", "lower"),
    ("1.0", "1.1.0", "unknown"), (None, "1.0.0", "unknown"),
])
def test_version_bumps(before, after, kind):
    assert governance.bump_kind(before, after) == kind


@pytest.mark.parametrize("rule", GOVERNANCE_RULES)
def test_every_governance_rule_is_explained_in_norwegian(rule):
    code, out, err = run("explain", rule)
    assert code == 0 and out.startswith(f"{rule} (")
    assert RULES[rule].title and any(word in RULES[rule].doc for word in (" er ", " skal ", " en "))
