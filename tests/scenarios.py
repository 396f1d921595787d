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


def decision_record(decision_id: str, case_number: str, meeting_date: str, title: str, procedure: str,
                    version: str) -> str:
    """An OSO decision record adopting one version of one procedure (example values only)."""
    return f"""id: {decision_id}
body: Overordnet samarbeidsorgan (OSO)
case_number: "{case_number}"
meeting_date: "{meeting_date}"
title: {title}
adopts:
  - procedure: {procedure}
    version: "{version}"
sources:
  - title: Møtebok for OSO (eksempel)
    url: https://example.org/motebok
"""


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
    r.write("procedures/decisions/oso-2026-05.yaml", decision_record(
        "oso-2026-05", "12/26", "2026-05-20", "Rutinen for manglende kvittering vedtas", "kvittering", "0.1.0"))


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


def adopted_back_to_draft(r):
    r.edit(K, "status: adopted\n", "status: draft\n")
    r.edit(K, "decision: oso-2026-01\n", "")


def start_date_moved(r):
    r.edit(K, 'effective: "2026-04-01"', 'effective: "2027-10-01"')


def review_date_moved(r):
    r.edit(K, 'review_by: "2028-03-01"', 'review_by: "2031-03-01"')


def submitted_changed_without_bump(r):
    r.edit(Q, "    title: Rett feilen og send meldingen på nytt\n", "    title: Rett feilen og send meldingen på nytt samme dag\n")


def adopted_and_changed(r):
    adopted_properly(r)
    r.edit(Q, "    next: rett-opp\n    escalation:", "    next: slutt\n    escalation:")
    r.edit(Q, """  - id: rett-opp
    type: action
    title: Rett feilen og send meldingen på nytt
    actor: avsender
    next: slutt
""", "")


def decision_edited(r):
    r.edit(D, 'meeting_date: "2026-03-01"', 'meeting_date: "2026-02-01"')
    r.edit(D, 'case_number: "3/26"', 'case_number: "4/26"')


def same_id_two_kinds(r):
    r.write("procedures/settings/feilsendt.yaml", """id: feilsendt
title: Frist for å gi avsenderen beskjed om en feilsendt melding
description: Hvor raskt mottakeren gir avsenderen beskjed når en melding er sendt feil.
kind: duration
proposed: PT2H
status: submitted
sources:
  - title: Veiledning om feilsendte meldinger (eksempel)
    url: https://example.org/feilsendt
""")


NEW_PARTY = """id: "5502"
role: municipality
name: Nykommune
short_name: Nykommune
municipality_number: "5502"
service_addresses:
  - role: sykepleietjeneste
    name: Sykepleietjeneste, pleie- og omsorg
  - role: legetjeneste
    name: Legetjeneste, pleie- og omsorg
  - role: saksbehandler
    name: Saksbehandler, pleie, omsorg, rehab
sources:
  - title: Nykommune (eksempel)
    url: https://example.org/nykommune
"""


def party_added(r):
    r.write("procedures/parties/5502.yaml", NEW_PARTY)


def party_removed(r):
    r.remove(T)


def merger(r):
    r.remove(T)
    r.remove("procedures/parties/5502.yaml")
    r.write("procedures/parties/5599.yaml", NEW_PARTY.replace('"5502"', '"5599"').replace(
        "Nykommune", "Storkommune").replace('municipality_number: "5599"\n',
                                            'municipality_number: "5599"\nprevious_numbers: ["5501", "5502"]\n'))


def revision_adopted(r):
    r.edit(K, 'version: "1.1.0"\nstatus: submitted\n', 'version: "1.1.0"\nstatus: adopted\ndecision: oso-2026-04\n')
    r.edit(K, 'effective: "2026-04-01"', 'effective: "2026-06-01"')
    r.write("procedures/decisions/oso-2026-04.yaml", decision_record(
        "oso-2026-04", "10/26", "2026-05-12", "Kortere frist for helseopplysninger vedtas", "kjede", "1.1.0"))


def merger_prepare(r):
    party_added(r)


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
    Scenario("vedtatt-til-utkast", adopted_back_to_draft),
    Scenario("startdato-flyttet", start_date_moved),
    Scenario("revisjonsdato-flyttet", review_date_moved),
    Scenario("til-behandling-endret", submitted_changed_without_bump),
    Scenario("vedtatt-og-endret", adopted_and_changed),
    Scenario("vedtak-endret", decision_edited),
    Scenario("samme-id-to-typer", same_id_two_kinds),
    Scenario("part-lagt-til", party_added),
    Scenario("part-fjernet", party_removed),
    Scenario("kommunesammenslaing", merger, prepare=merger_prepare),
    Scenario("frist-endret-og-vedtatt", revision_adopted, prepare=deadline_changed),
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
