"""Typical changes to the fixture repository (tests/golden/repo), as a person would make them.

Each scenario edits the YAML on a branch off `main` (optionally after a `prepare` commit that
becomes the base) and names the golden files its reports are compared with. The fixture has
an adopted chain (`kjede` 1.0.0) and an adopted routine (`feilsendt` 1.0.0), both by decision
`oso-2026-01`, a submitted routine (`kvittering`), a submitted setting and two parties.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

K = "procedures/chains/kjede.yaml"
F = "procedures/routines/feilsendt.yaml"
Q = "procedures/routines/kvittering.yaml"
T = "procedures/parties/5501.yaml"
H = "procedures/message-types/helseopplysninger.yaml"
A = "procedures/settings/apprec-ventetid.yaml"
D = "procedures/decisions/oso-2026-01.yaml"


@dataclass(frozen=True)
class Scenario:
    name: str
    change: Callable
    prepare: Callable | None = None


def _reopen_chain(r, version: str) -> None:
    """Back to submitted with a new version: the proper way to change adopted content."""
    r.edit(K, 'version: "1.0.0"\nstatus: adopted\n', f'version: "{version}"\nstatus: submitted\n')
    r.edit(K, "decision: oso-2026-01\n", "")


def deadline_changed(r):
    r.edit(K, "      within: PT12H\n", "      within: PT6H\n")
    _reopen_chain(r, "1.1.0")


def step_added(r):
    r.edit(Q, """    next: slutt
  - id: slutt""", """    next: varsle
  - id: varsle
    type: action
    title: Varsle mottakerens meldingsansvarlig
    description: Mottakeren får beskjed om at meldingen er sendt på nytt.
    actor: meldingsansvarlig
    next: slutt
  - id: slutt""")
    r.edit(Q, 'version: "0.1.0"', 'version: "0.2.0"')


def step_removed(r):
    r.edit(Q, "    next: rett-opp\n    escalation:", "    next: slutt\n    escalation:")
    r.edit(Q, """  - id: rett-opp
    type: action
    title: Rett feilen og send meldingen på nytt
    actor: avsender
    next: slutt
""", "")
    r.edit(Q, 'version: "0.1.0"', 'version: "0.2.0"')


def address_changed(r):
    r.edit(K, """    message_type: foresporsel
    from:
      party: health-trust
      address: somatikk-plo-meldingsmottak
    to:
      party: municipality
      address: saksbehandler""", """    message_type: foresporsel
    from:
      party: health-trust
      address: somatikk-plo-meldingsmottak
    to:
      party: municipality
      address: sykepleietjeneste""")
    r.edit(K, """    from:
      party: municipality
      address: saksbehandler
    to:
      party: health-trust
      address: somatikk-plo-meldingsmottak
    answers: sporsmal""", """    from:
      party: municipality
      address: sykepleietjeneste
    to:
      party: health-trust
      address: somatikk-plo-meldingsmottak
    answers: sporsmal""")
    _reopen_chain(r, "1.1.0")


AVVIK = """id: avvik
title: Avvik i elektronisk samhandling
summary: Hvordan en tjeneste melder og følger opp avvik i meldingsutvekslingen med den andre parten.
version: "0.1.0"
status: draft
owner: Samarbeidsorganet (OSO)
fulfils: ["5.1.a"]
category: deviation
roles:
  - id: melder
    title: Tjenesten som oppdager avviket
    party: both
steps:
  - id: start
    type: start
    title: Et avvik oppdages
    actor: melder
    next: meld
  - id: meld
    type: action
    title: Meld avviket i eget avvikssystem og til den andre parten
    actor: melder
    next: slutt
  - id: slutt
    type: end
    title: Avviket er meldt
sources:
  - title: Avvikshåndtering (eksempel)
    url: https://example.org/avvik
"""


def procedure_added(r):
    r.write("procedures/routines/avvik.yaml", AVVIK)


def formatting_only(r):
    # key order, quoting, comments, folding and the order of a set-like list: no content
    r.edit(K, """id: kjede
title: Meldingskjede ved innleggelse og utskrivning
summary: >-
  Meldingene UNN og kommunen sender hverandre når en pasient med kommunale tjenester legges inn
  og skrives ut.
""", """# Meldingskjeden, se også feilsendt.yaml
title: "Meldingskjede ved innleggelse og utskrivning"
id: kjede
summary: >-
  Meldingene UNN og kommunen sender hverandre
  når en pasient med kommunale tjenester legges inn og skrives ut.
""")
    r.edit(K, "      within: PT12H\n      rule:", "      rule:")
    r.edit(K, "      from: innleggelse\n", "      within: 'PT12H'   # tolv timer\n      from: innleggelse\n")
    r.edit(A, "description: Hvor lenge avsenderen venter", "description:   Hvor   lenge avsenderen venter")
    r.edit("procedures/message-types/foresporsel.yaml", "addressed_to: [saksbehandler, sykepleietjeneste]",
           "addressed_to:\n      - sykepleietjeneste\n      - saksbehandler")


def adopted_edited_without_bump(r):
    r.edit(K, "      within: PT12H\n", "      within: PT8H\n")


def bump_too_small(r):
    r.edit(K, "      within: PT12H\n", "      within: PT8H\n")
    _reopen_chain(r, "1.0.1")


def editorial_patch(r):
    r.edit(K, "    title: Forespørsel til kommunen\n", "    title: Forespørsel til kommunens saksbehandler\n")
    _reopen_chain(r, "1.0.1")


def adopted_same_decision(r):
    r.edit(K, "      within: PT12H\n", "      within: PT8H\n")
    r.edit(K, 'version: "1.0.0"', 'version: "1.1.0"')


def adopted_without_decision(r):
    r.edit(Q, "status: submitted\n", "status: adopted\n")
    r.edit(A, "status: submitted\n", "status: adopted\nvalue: PT4H\n")


def adopted_properly(r):
    r.edit(Q, "status: submitted\n", "status: adopted\ndecision: oso-2026-05\n")
    r.write("procedures/decisions/oso-2026-05.yaml", """id: oso-2026-05
body: Overordnet samarbeidsorgan (OSO)
case_number: "12/26"
meeting_date: "2026-05-20"
title: Rutinen for manglende kvittering vedtas
adopts:
  - procedure: kvittering
    version: "0.1.0"
sources:
  - title: Møtebok for OSO (eksempel)
    url: https://example.org/motebok
""")


def decision_in_future(r):
    adopted_properly(r)
    r.edit("procedures/decisions/oso-2026-05.yaml", 'meeting_date: "2026-05-20"', 'meeting_date: "2026-09-15"')


def adopted_deleted(r):
    r.remove(F)


def decision_deleted(r):
    r.remove(D)


def adopted_renamed(r):
    r.move(F, "procedures/routines/feilsendte-meldinger.yaml")
    r.edit("procedures/routines/feilsendte-meldinger.yaml", "id: feilsendt\n", "id: feilsendte-meldinger\n")
    r.edit(K, "misdirected: feilsendt\n", "misdirected: feilsendte-meldinger\n", count=4)
    r.edit(D, "procedure: feilsendt\n", "procedure: feilsendte-meldinger\n")
    _reopen_chain(r, "1.1.0")


def repealed(r):
    r.edit(F, "status: adopted\n", "status: repealed\n")


def repealed_edited(r):
    r.edit(F, "    title: Gi avsenderen beskjed med dialogmelding\n", "    title: Ring avsenderen\n")


def review_overdue(r):
    r.edit(Q, "owner: Samarbeidsorganet (OSO)\n", 'owner: Samarbeidsorganet (OSO)\nreview_by: "2026-05-01"\n')


def message_type_changed(r):
    r.edit(H, 'version: "1.6"', 'version: "2.0"')
    r.edit(H, "  within: PT24H\n", "  within: PT48H\n")


def setting_changed(r):
    r.edit(A, "proposed: PT4H\n", "proposed: PT2H\n")


def party_changed(r):
    r.edit(T, '    her_id: "1000002"', '    her_id: "1000009"')
    r.edit(T, '  phone: "11111111"', '  phone: "33333333"')


def branch_added(r):
    r.edit(F, """      - condition: Avsenderen er kjent
        next: gi-beskjed
""", """      - condition: Avsenderen er kjent
        next: gi-beskjed
      - condition: Meldingen inneholder opplysninger om en annen pasient
        next: meld-avvik
""")
    r.edit(F, 'version: "1.0.0"\nstatus: adopted\n', 'version: "1.1.0"\nstatus: submitted\n')
    r.edit(F, "decision: oso-2026-01\n", "")


def routine_renamed(r):
    r.move(Q, "procedures/routines/kvittering-og-oppfolging.yaml")
    r.edit("procedures/routines/kvittering-og-oppfolging.yaml", "id: kvittering\n", "id: kvittering-og-oppfolging\n")
    r.edit(K, "apprec: kvittering\n", "apprec: kvittering-og-oppfolging\n", count=4)
    _reopen_chain(r, "1.1.0")


SCENARIOS = [
    Scenario("frist-endret", deadline_changed),
    Scenario("steg-lagt-til", step_added),
    Scenario("steg-fjernet", step_removed),
    Scenario("adresse-endret", address_changed),
    Scenario("prosedyre-lagt-til", procedure_added),
    Scenario("bare-formatering", formatting_only),
    Scenario("vedtatt-endret-uten-versjon", adopted_edited_without_bump),
    Scenario("for-lite-versjonshopp", bump_too_small),
    Scenario("redaksjonell-endring", editorial_patch),
    Scenario("vedtatt-samme-vedtak", adopted_same_decision),
    Scenario("vedtatt-uten-vedtak", adopted_without_decision),
    Scenario("vedtak-registrert", adopted_properly),
    Scenario("vedtak-fram-i-tid", decision_in_future),
    Scenario("vedtatt-slettet", adopted_deleted),
    Scenario("vedtak-slettet", decision_deleted),
    Scenario("vedtatt-ny-id", adopted_renamed),
    Scenario("opphevet", repealed),
    Scenario("opphevet-endret", repealed_edited, prepare=repealed),
    Scenario("revisjonsdato-passert", review_overdue),
    Scenario("meldingstype-endret", message_type_changed),
    Scenario("innstilling-endret", setting_changed),
    Scenario("part-endret", party_changed),
    Scenario("gren-lagt-til", branch_added),
    Scenario("rutine-ny-id", routine_renamed),
]
BY_NAME = {s.name: s for s in SCENARIOS}


def build(repo) -> dict:
    """Commit every scenario on its own branch; name -> (base revision, head revision)."""
    out = {}
    for s in SCENARIOS:
        base = "main"
        if s.prepare is not None:
            repo.branch(f"{s.name}-base")
            s.prepare(repo)
            repo.commit(f"Forberedelse: {s.name}")
            base = f"{s.name}-base"
        repo.branch(s.name, base)
        s.change(repo)
        repo.commit(s.name)
        out[s.name] = (base, s.name)
    repo.branch("main")
    return out
