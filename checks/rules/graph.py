"""Each chain and routine as a directed graph (networkx's API, checks.model.digraph), and the properties it must have.

Soundness in the spirit of workflow nets: one start, an end, every step reachable and every
step able to reach an end; decisions with branches and a default; messages answered by the
right party to the right address; deadlines counted from a dominating step and no longer
than the rule; failure paths into routines that exist and are sound. Across the repository,
one reference graph: every required routine exists once and nothing is orphaned.
"""

from __future__ import annotations

from ..model import digraph as nx  # networkx's API for what the rules use, without its 90 ms import
from ..model.findings import ERROR, WARNING, Finding, rule
from ..model.procgraph import ProcedureGraph, build  # noqa: F401 (re-exported for the site)
from ..model.repository import Entry, Repository
from ..model.vocabulary import ALLOWED_ADDRESSES, PROCEDURE_KINDS, STATUS_NB, parse_duration, procedures

R_START = rule("graph.start", ERROR, "Ikke nøyaktig ett startsteg",
    """En prosedyre skal ha nøyaktig ett steg av type `start`.""")
R_NO_END = rule("graph.no-end", ERROR, "Ingen slutt",
    """En prosedyre skal ha minst ett steg av type `end`.""")
R_UNREACHABLE = rule("graph.unreachable", ERROR, "Steg som aldri nås",
    """Steget kan ikke nås fra startsteget, så det kan aldri skje.""")
R_DEAD_END = rule("graph.dead-end", ERROR, "Blindvei",
    """Fra dette steget finnes ingen vei til en slutt: en pasients informasjon kan bli stående
    fast her. Et steg som ikke er slutt eller valg, må ha `next`.""")
R_CYCLE = rule("graph.cycle-without-exit", ERROR, "Sløyfe uten utgang",
    """Stegene danner en sløyfe som ingen vei fører ut av til en slutt.""")
R_END_NEXT = rule("graph.end-has-next", ERROR, "Slutt med neste steg",
    """Et slutt-steg kan ikke ha `next`, `branches` eller `default`.""")
R_DECISION = rule("graph.decision", ERROR, "Valg uten nok grener eller uten standardgren",
    """Et valg skal ha minst to grener med betingelse (regnet med standardgrenen), og nøyaktig
    én standardgren (`default`) som gjelder når ingen betingelse slår til. Bare valg kan ha
    grener.""")
R_ANSWER_MISSING = rule("message.answer-missing", ERROR, "Melding uten svar",
    """Meldingstypen skal besvares, men det finnes en vei fra meldingen til en slutt uten
    svaret (et steg med riktig meldingstype og `answers` som peker på meldingen).""")
R_ANSWER = rule("message.answer", ERROR, "Feil svar",
    """Et svar skal ha meldingstypen som svarer på meldingen, sendes av mottakeren av meldingen
    og gå tilbake til avsenderadressen i meldingen det svarer på.""")
R_DIRECTION = rule("message.direction", ERROR, "Meldingstypen er ikke tillatt i denne retningen",
    """Meldingstypen kan bare sendes i retningene katalogen oppgir.""")
R_ADDRESS = rule("message.address", ERROR, "Feil tjenesteadresse",
    """Avsenderadressen skal høre til avsenderens partsrolle og mottakeradressen til
    mottakerens, og meldingstypen skal kunne adresseres dit (i hvert forløp, etter
    adressebytter).""")
R_PATHWAY_ADDRESS = rule("message.pathway-address", ERROR, "Forløpet sender til en adresse partene ikke har",
    """Et forløp bytter en tjenesteadresse med en annen (for eksempel sykepleietjeneste med psykisk
    helsetjeneste). Har en part ikke registrert den nye adressen og byttet ingen reserveadresse
    (`fallback`), går meldingen til en adresse som ikke finnes: det er en feil. Med reserve er det
    en advarsel som sier hvor mange parter som bruker reserven.""")
R_WITHDRAWN = rule("message.withdrawn", ERROR, "Meldingstypen er trukket tilbake",
    """En meldingstype med status `withdrawn` kan ikke brukes.""")
R_PHASING_OUT = rule("message.phasing-out", WARNING, "Meldingstypen utfases",
    """Meldingstypen utfases etter forskriften. Planlegg overgang til avløseren.""")
R_MESSAGE_FIELDS = rule("message.incomplete", ERROR, "Melding uten type eller adresser",
    """Et meldingssteg skal ha `message_type`, `from` og `to`.""")
R_DOMINATOR = rule("deadline.not-dominating", ERROR, "Fristen regnes fra et steg som ikke alltid kommer før",
    """Steget en frist regnes fra, skal komme før meldingen på hver vei fra start (dominere
    den). Ellers finnes det veier der fristen ikke har noe utgangspunkt.""")
R_TOO_LONG = rule("deadline.too-long", ERROR, "Fristen er lengre enn regelen",
    """Fristen i prosedyren er lengre enn fristen regelverket setter for meldingstypen.""")
R_INCOMPARABLE = rule("deadline.incomparable", ERROR, "Fristen kan ikke sammenlignes",
    """Fristen er uttrykt slik at sjekkene ikke kan sammenligne den med regelen (for eksempel
    en varighet mot «samme dag»). Uttrykk den på samme måte som regelen.""")
R_FAILURE = rule("failure.missing", ERROR, "Melding uten feilhåndtering",
    """Hvert meldingssteg skal ha `on_failure` med rutinen for negativ eller manglende
    applikasjonskvittering (`apprec`) og rutinen for feilsendte meldinger (`misdirected`).""")
R_FAILURE_KIND = rule("failure.wrong-routine", ERROR, "Feilhåndtering til feil slags rutine",
    """`on_failure.apprec` skal føre til en rutine med kategori `apprec-follow-up`, og
    `on_failure.misdirected` til en med kategori `misdirected`.""")
R_FAILURE_UNSOUND = rule("failure.unsound-routine", ERROR, "Feilhåndtering til en rutine med feil",
    """Rutinen feilhåndteringen fører til, har selv feil i grafen.""")
R_REQUIRED_ROUTINE = rule("repo.required-routine", ERROR, "Påkrevd rutine mangler eller finnes flere ganger",
    """Hver rutine avtalen krever (`requires_routine` på forpliktelsen), skal finnes nøyaktig én
    gang blant rutinene som ikke er opphevet. Heller ikke andre rutinekategorier kan finnes to
    ganger.""")
R_UNCOVERED = rule("coverage.uncovered", ERROR, "Forpliktelse uten prosedyre",
    """En forpliktelse som skal oppfylles av en prosedyre eller plan, har ingen prosedyre som
    oppgir den under `fulfils`.""")
R_NOT_ADOPTED = rule("coverage.not-adopted", WARNING, "Forpliktelse bare dekket av utkast",
    """Forpliktelsen er bare dekket av prosedyrer som ennå ikke er vedtatt (utkast eller til
    behandling). Den er ikke oppfylt før OSO har vedtatt en av dem.""")
R_ORPHAN = rule("repo.orphan", WARNING, "Foreldreløst dokument",
    """Ingen prosedyre eller forpliktelse viser til denne rutinen eller innstillingen.""")

CATEGORY_NB = {
    "downtime-monitoring": "nedetid og meldingsovervåking",
    "manual-fallback": "manuell dokumenthåndtering ved nedetid",
    "deviation": "avvikshåndtering",
    "misdirected": "feilsendte og ukjente meldinger",
    "urgent-dialog": "hastedialog",
    "new-message-types": "nye prosedyrer og meldingstyper",
    "message-responsible": "meldingsansvarlig",
    "apprec-follow-up": "negativ eller manglende applikasjonskvittering",
    "video": "videokommunikasjon",
    "video-clinical-plan": "plan for video som klinisk verktøy",
    "video-competence-plan": "plan for video som kompetansebyggende verktøy",
    "record-access": "tilgang på tvers av virksomhetsgrenser",
}
STEP_NB = {"start": "start", "event": "hendelse", "message": "melding", "action": "handling",
           "decision": "valg", "subprocess": "delprosedyre", "end": "slutt"}


def soundness(pg: ProcedureGraph) -> list[Finding]:
    e, out = pg.entry, []
    starts = [sid for sid, (_, s) in pg.steps.items() if s.get("type") == "start"]
    if not starts:
        out.append(R_START.at(e.file, e.doc.position(("steps",)), "Prosedyren har ikke noe startsteg.",
                              "Gi det første steget `type: start`.", ("steps",)))
    for extra in starts[1:]:
        out.append(R_START.at(e.file, pg.pos(extra, "type"),
                              f"Prosedyren har flere startsteg: {pg.label(starts[0])} og {pg.label(extra)}.",
                              "Bare ett steg kan ha `type: start`.", pg.path(extra, "type")))
    if not pg.ends:
        out.append(R_NO_END.at(e.file, e.doc.position(("steps",)), "Prosedyren har ikke noe slutt-steg.",
                               "Legg til et steg med `type: end`.", ("steps",)))
    for sid, (_, step) in pg.steps.items():
        kind = step.get("type")
        has_branches = bool(step.get("branches"))
        if kind == "end" and (step.get("next") or has_branches or step.get("default")):
            out.append(R_END_NEXT.at(e.file, pg.pos(sid), f"Slutt-steget {pg.label(sid)} har et neste steg.",
                                     "Fjern `next`, eller gjør steget til noe annet enn slutt.", pg.path(sid)))
        if kind == "decision":
            count = len(step.get("branches", []) or []) + (1 if step.get("default") else 0)
            if not step.get("default"):
                out.append(R_DECISION.at(e.file, pg.pos(sid), f"Valget {pg.label(sid)} har ingen standardgren.",
                                         "Legg til `default` med steget som følger når ingen betingelse gjelder.",
                                         pg.path(sid)))
            elif count < 2:
                out.append(R_DECISION.at(e.file, pg.pos(sid), f"Valget {pg.label(sid)} har bare én gren.",
                                         "Et valg trenger minst én betingelse i `branches` i tillegg til `default`.",
                                         pg.path(sid)))
        elif kind != "end" and (has_branches or step.get("default")):
            out.append(R_DECISION.at(e.file, pg.pos(sid), f"Steget {pg.label(sid)} har grener, men er ikke et valg.",
                                     "Sett `type: decision`, eller bruk `next`.", pg.path(sid)))
    if pg.start is None:
        return out
    reachable = nx.descendants(pg.graph, pg.start) | {pg.start}
    order = lambda s: pg.steps[s][0]  # noqa: E731
    # Report causes, not consequences: in the unreachable part only the steps nothing else
    # unreachable leads to; among the stuck steps only the sinks (a dead end or a closed loop).
    lost = pg.graph.subgraph(s for s in pg.steps if s not in reachable)
    lost_dag = nx.condensation(lost)
    for component in lost_dag.nodes:
        if lost_dag.in_degree(component) == 0:
            sid = min(lost_dag.nodes[component]["members"], key=order)
            out.append(R_UNREACHABLE.at(e.file, pg.pos(sid), f"Steget {pg.label(sid)} kan ikke nås fra start.",
                                        "Pek på det med `next` eller en gren fra et tidligere steg, eller fjern det.",
                                        pg.path(sid)))
    can_end = set()
    for end in pg.ends:
        can_end |= nx.ancestors(pg.graph, end) | {end}
    stuck = pg.graph.subgraph(s for s in reachable if s not in can_end)
    stuck_dag = nx.condensation(stuck)
    for component in stuck_dag.nodes:
        if stuck_dag.out_degree(component) != 0:
            continue
        members = sorted(stuck_dag.nodes[component]["members"], key=order)
        first = members[0]
        if len(members) > 1 or pg.graph.has_edge(first, first):
            names = ", ".join(pg.label(s) for s in members)
            out.append(R_CYCLE.at(e.file, pg.pos(first), f"Stegene {names} går i sløyfe uten vei til en slutt.",
                                  "Gi minst ett av stegene en gren som fører videre mot en slutt.", pg.path(first)))
        elif pg.steps[first][1].get("type") != "end":
            out.append(R_DEAD_END.at(e.file, pg.pos(first),
                                     f"Steget {pg.label(first)} har ikke noe neste steg, og er ikke en slutt.",
                                     "Legg til `next`, eller gjør det til `type: end`.", pg.path(first)))
    return out


# -- deadlines -----------------------------------------------------------------------------

# at most five digits a part (as the schema): a longer number is a finding, never a crash
def duration_seconds(text) -> int | None:
    parts = parse_duration(text)
    if parts is None:
        return None
    w, d, h, m = parts
    return ((w * 7 + d) * 24 + h) * 3600 + m * 60


def duration_nb(text: str) -> str:
    parts = parse_duration(text)
    if parts is None:
        return "0 timer" if text in ("P", "PT") else str(text)
    names = (("uke", "uker"), ("dag", "dager"), ("time", "timer"), ("minutt", "minutter"))
    words = [f"{v} {names[i][0] if v == 1 else names[i][1]}" for i, v in enumerate(parts) if v]
    return " og ".join(words) if words else "0 timer"


def deadline_nb(deadline: dict) -> str:
    if deadline.get("same_day"):
        return "samme dag"
    if deadline.get("within"):
        return f"innen {duration_nb(deadline['within'])}"
    if deadline.get("setting"):
        return f"innen fristen i innstillingen `{deadline['setting']}`"
    return "uten frist"


def _compare(step_deadline: dict, rule_deadline: dict) -> str:
    """'ok', 'longer' or 'incomparable'."""
    s_same, r_same = bool(step_deadline.get("same_day")), bool(rule_deadline.get("same_day"))
    if s_same and r_same:
        return "ok"
    if step_deadline.get("setting"):
        return "incomparable"
    s, r = duration_seconds(step_deadline.get("within")), duration_seconds(rule_deadline.get("within"))
    if s_same and r is not None:  # the same calendar day is never longer than 24 hours
        return "ok" if r >= 24 * 3600 else "incomparable"
    if s is None or r is None:
        return "incomparable"
    return "ok" if s <= r else "longer"


def deadlines(pg: ProcedureGraph, message_types: dict) -> list[Finding]:
    e, out = pg.entry, []
    if pg.start is None:
        return out
    reachable = nx.descendants(pg.graph, pg.start) | {pg.start}
    dominators = nx.immediate_dominators(pg.graph.subgraph(reachable), pg.start)
    for sid, (_, step) in pg.steps.items():
        deadline = step.get("deadline")
        if not isinstance(deadline, dict):
            continue
        origin = deadline.get("from")
        if origin in pg.steps and sid in dominators:
            node, dominated = sid, False
            while node != pg.start:
                node = dominators[node]
                if node == origin:
                    dominated = True
                    break
            if not dominated and origin != sid:
                out.append(R_DOMINATOR.at(e.file, pg.pos(sid, "deadline"),
                    f"Fristen for {pg.label(sid)} regnes fra {pg.label(origin)}, men det steget kommer ikke "
                    "før på alle veier fra start.",
                    "Regn fristen fra et steg som alltid skjer før, for eksempel startsteget.",
                    pg.path(sid, "deadline", "from")))
            elif origin == sid:
                out.append(R_DOMINATOR.at(e.file, pg.pos(sid, "deadline"),
                    f"Fristen for {pg.label(sid)} regnes fra steget selv.",
                    "Regn fristen fra et tidligere steg.", pg.path(sid, "deadline", "from")))
        mtype = message_types.get(step.get("message_type"))
        limit = mtype.data.get("deadline") if mtype is not None else None
        if isinstance(limit, dict):
            verdict = _compare(deadline, limit)
            if verdict == "longer":
                out.append(R_TOO_LONG.at(e.file, pg.pos(sid, "deadline"),
                    f"Fristen for {pg.label(sid)} er {deadline_nb(deadline)}, men regelen for "
                    f"{mtype.data.get('name')} er {deadline_nb(limit)} etter {limit.get('counted_from')}.",
                    f"Kort fristen ned til høyst {deadline_nb(limit)}.", pg.path(sid, "deadline")))
            elif verdict == "incomparable":
                out.append(R_INCOMPARABLE.at(e.file, pg.pos(sid, "deadline"),
                    f"Fristen for {pg.label(sid)} ({deadline_nb(deadline)}) kan ikke sammenlignes med regelen "
                    f"for {mtype.data.get('name')} ({deadline_nb(limit)}).",
                    "Uttrykk fristen på samme måte som regelen (varighet eller samme dag).",
                    pg.path(sid, "deadline")))
    return out


# -- messages --------------------------------------------------------------------------------

def _substituted(chain: Entry) -> list[tuple[str, dict]]:
    """(pathway title, address substitution map) for each pathway; one plain pathway if none."""
    pathways = chain.data.get("pathways") or []
    if not pathways:
        return [("", {})]
    return [(p.get("title", p.get("id", "")),
             {s.get("address"): s.get("with") for s in p.get("substitutions", []) or []}) for p in pathways]


def messages(pg: ProcedureGraph, message_types: dict) -> list[Finding]:
    e, out = pg.entry, []
    pathways = _substituted(e) if e.kind == "chain" else [("", {})]
    for sid, (_, step) in pg.steps.items():
        if step.get("type") != "message":
            continue
        mid, frm, to = step.get("message_type"), step.get("from"), step.get("to")
        if not mid or not isinstance(frm, dict) or not isinstance(to, dict):
            missing = [k for k in ("message_type", "from", "to") if not step.get(k)]
            out.append(R_MESSAGE_FIELDS.at(e.file, pg.pos(sid), f"Meldingssteget {pg.label(sid)} mangler "
                                           + ", ".join(f"`{m}`" for m in missing) + ".",
                                           "Oppgi meldingstype, avsender og mottaker.", pg.path(sid)))
            continue
        if not step.get("on_failure"):
            out.append(R_FAILURE.at(e.file, pg.pos(sid), f"Meldingssteget {pg.label(sid)} har ingen feilhåndtering.",
                                    "Legg til `on_failure` med `apprec` og `misdirected`.", pg.path(sid)))
        mtype = message_types.get(mid)
        if mtype is None:
            continue  # reported as an unknown reference
        data = mtype.data
        status = data.get("regulation_status")
        if status == "withdrawn":
            out.append(R_WITHDRAWN.at(e.file, pg.pos(sid, "message_type"),
                                      f"Meldingstypen `{mid}` i {pg.label(sid)} er trukket tilbake.",
                                      "Bruk meldingstypen som avløser den.", pg.path(sid, "message_type")))
        elif status == "phasing-out":
            out.append(R_PHASING_OUT.at(e.file, pg.pos(sid, "message_type"),
                                        f"Meldingstypen `{mid}` i {pg.label(sid)} utfases.",
                                        "Planlegg overgangen til den nye versjonen.", pg.path(sid, "message_type")))
        direction = next((d for d in data.get("directions", []) if d.get("from") == frm.get("party")
                          and d.get("to") == to.get("party")), None)
        if direction is None:
            allowed = ", ".join(f"{d.get('from')} → {d.get('to')}" for d in data.get("directions", []))
            out.append(R_DIRECTION.at(e.file, pg.pos(sid, "to"),
                f"{data.get('name')} kan ikke sendes fra `{frm.get('party')}` til `{to.get('party')}` "
                f"(steget {pg.label(sid)}).", f"Tillatte retninger: {allowed}.", pg.path(sid, "to")))
        for title, subst in pathways:
            where = f" i forløpet «{title}»" if title and subst else ""
            f_addr = subst.get(frm.get("address"), frm.get("address"))
            t_addr = subst.get(to.get("address"), to.get("address"))
            for side, party, addr, key in (("Avsenderadressen", frm.get("party"), f_addr, "from"),
                                           ("Mottakeradressen", to.get("party"), t_addr, "to")):
                if party in ALLOWED_ADDRESSES and addr not in ALLOWED_ADDRESSES[party]:
                    out.append(R_ADDRESS.at(e.file, pg.pos(sid, key),
                        f"{side} `{addr}` i {pg.label(sid)}{where} hører ikke til partsrollen `{party}`.",
                        "Bruk en tjenesteadresse parten har.", pg.path(sid, key, "address")))
            if direction and direction.get("addressed_to") and not step.get("answers") \
                    and t_addr not in direction["addressed_to"]:
                allowed = ", ".join(f"`{a}`" for a in direction["addressed_to"])
                out.append(R_ADDRESS.at(e.file, pg.pos(sid, "to"),
                    f"{data.get('name')} i {pg.label(sid)}{where} adresseres til `{t_addr}`, men katalogen "
                    f"sier {allowed}.", "Adresser meldingen slik katalogen sier.", pg.path(sid, "to", "address")))
        out += _answers(pg, sid, step, mtype, message_types)
    return out


def pathway_addresses(repo: Repository) -> list[Finding]:
    """Every address a pathway substitutes in must exist at each party of that role, or have a
    fallback the party has."""
    out = []
    parties = repo.of("party")
    # each party's addresses once, and who lacks an address once per (role, address): linear in
    # chains + parties, not their product (#14)
    addresses = {id(p): {x.get("role") for x in p.data.get("service_addresses") or []} for p in parties}
    has = lambda p, a: a in addresses[id(p)]  # noqa: E731
    by_role: dict = {}
    lacking_of: dict = {}
    for chain in repo.of("chain"):
        for i, pathway in enumerate(chain.data.get("pathways") or []):
            for j, sub in enumerate(pathway.get("substitutions") or []):
                new, fallback = sub.get("with"), sub.get("fallback")
                role = next((r for r, allowed in ALLOWED_ADDRESSES.items() if new in allowed), None)
                if role not in by_role:
                    by_role[role] = [p for p in parties if p.data.get("role") == role]
                of_role = by_role[role]
                if (role, new) not in lacking_of:
                    lacking_of[(role, new)] = [p for p in of_role if not has(p, new)]
                lacking = lacking_of[(role, new)]
                if not lacking:
                    continue
                names = [p.data.get("short_name") or p.data.get("name") or p.id for p in lacking]
                shown = ", ".join(names[:5]) + (f" og {len(names) - 5} til" if len(names) > 5 else "")
                path = ("pathways", i, "substitutions", j)
                pos = chain.doc.position(path + ("with",))
                title = pathway.get("title", pathway.get("id"))
                if (role, new, fallback) not in lacking_of:
                    lacking_of[(role, new, fallback)] = [p for p in lacking if not fallback or not has(p, fallback)]
                stuck = lacking_of[(role, new, fallback)]
                if stuck:
                    stuck_names = ", ".join((p.data.get("short_name") or p.data.get("name") or p.id)
                                            for p in stuck[:5])
                    more = f" og {len(stuck) - 5} til" if len(stuck) > 5 else ""
                    out.append(R_PATHWAY_ADDRESS.at(chain.file, pos,
                        f"Forløpet «{title}» sender til `{new}`, men {stuck_names}{more} har ikke den adressen"
                        + (f" og heller ikke reserven `{fallback}`." if fallback else " og det finnes ingen reserve."),
                        "Gi byttet en `fallback` som alle parter har, eller registrer adressen hos partene.",
                        path + ("with",)))
                else:
                    out.append(R_PATHWAY_ADDRESS.at(chain.file, pos,
                        f"Forløpet «{title}» bruker reserven `{fallback}` for {len(lacking)} av {len(of_role)} "
                        f"parter ({shown}), som ikke har `{new}`.",
                        "Registrer adressen hos partene når den finnes i Adresseregisteret.", path + ("with",),
                        severity=WARNING))
    return out


def _answers(pg: ProcedureGraph, sid: str, step: dict, mtype: Entry, message_types: dict) -> list[Finding]:
    e, out = pg.entry, []
    answered = step.get("answers")
    if answered in pg.steps:
        original = pg.steps[answered][1]
        asked = message_types.get(original.get("message_type"))
        expected = (asked.data if asked else {}).get("answer") or {}
        if expected.get("message_type") and expected["message_type"] != step.get("message_type"):
            out.append(R_ANSWER.at(e.file, pg.pos(sid, "message_type"),
                f"{pg.label(sid)} svarer på {pg.label(answered)} med `{step.get('message_type')}`, men svaret "
                f"skal være `{expected['message_type']}`.", f"Bruk `{expected['message_type']}`.",
                pg.path(sid, "message_type")))
        o_from, o_to = original.get("from"), original.get("to")
        s_from, s_to = step.get("from") or {}, step.get("to") or {}
        if not isinstance(o_from, dict) or not isinstance(o_to, dict):
            return out  # the answered message is incomplete, reported as such
        if s_from.get("party") != o_to.get("party") or s_from.get("address") != o_to.get("address"):
            out.append(R_ANSWER.at(e.file, pg.pos(sid, "from"),
                f"Svaret {pg.label(sid)} sendes fra `{s_from.get('party')}`/`{s_from.get('address')}`, men "
                f"meldingen det svarer på gikk til `{o_to.get('party')}`/`{o_to.get('address')}`.",
                "Svaret sendes av mottakeren av meldingen, fra adressen meldingen kom til.", pg.path(sid, "from")))
        if s_to.get("party") != o_from.get("party") or s_to.get("address") != o_from.get("address"):
            out.append(R_ANSWER.at(e.file, pg.pos(sid, "to"),
                f"Svaret {pg.label(sid)} går til `{s_to.get('party')}`/`{s_to.get('address')}`, men avsender"
                f"adressen i {pg.label(answered)} er `{o_from.get('party')}`/`{o_from.get('address')}`.",
                f"Svar går alltid til avsenderadressen: `{o_from.get('address')}`.", pg.path(sid, "to", "address")))
    answer = mtype.data.get("answer") or {}
    if answer.get("required") and pg.start is not None:
        answer_steps = {a for a, (_, s) in pg.steps.items()
                        if s.get("answers") == sid and s.get("message_type") == answer.get("message_type")}
        rest = pg.graph.subgraph(n for n in pg.graph if n not in answer_steps)
        if sid in rest and any(end in rest and nx.has_path(rest, sid, end) for end in pg.ends):
            answer_name = (message_types.get(answer.get("message_type")) or mtype).data.get("name")
            how = "ingen svar-steg" if not answer_steps else "en vei til slutt uten svaret"
            out.append(R_ANSWER_MISSING.at(e.file, pg.pos(sid),
                f"{mtype.data.get('name')} ({pg.label(sid)}) skal besvares med {answer_name}, men det er {how}.",
                f"Legg til et steg med `message_type: {answer.get('message_type')}` og `answers: {sid}` på hver vei "
                "videre.", pg.path(sid)))
    return out


# -- failure paths and the repository graph ------------------------------------------------

def failure_paths(pg: ProcedureGraph, routines: dict, unsound: set) -> list[Finding]:
    e, out = pg.entry, []
    wanted = {"apprec": "apprec-follow-up", "misdirected": "misdirected"}
    for sid, (_, step) in pg.steps.items():
        failure = step.get("on_failure") or {}
        for key, category in wanted.items():
            target = routines.get(failure.get(key))
            if target is None:
                continue
            if target.data.get("category") != category:
                out.append(R_FAILURE_KIND.at(e.file, pg.pos(sid, "on_failure"),
                    f"`on_failure.{key}` i {pg.label(sid)} fører til `{target.id}`, som har kategori "
                    f"`{target.data.get('category')}`, ikke `{category}`.",
                    f"Pek på rutinen med kategori `{category}`.", pg.path(sid, "on_failure", key)))
            elif target.id in unsound:
                out.append(R_FAILURE_UNSOUND.at(e.file, pg.pos(sid, "on_failure"),
                    f"`on_failure.{key}` i {pg.label(sid)} fører til rutinen `{target.id}`, som selv har feil.",
                    f"Rett feilene i `{target.file}` først.", pg.path(sid, "on_failure", key)))
    return out


def reference_graph(repo: Repository) -> nx.DiGraph:
    """Every document and obligation as a node, every reference as an edge."""
    g = nx.DiGraph()
    for entry in repo.entries:
        if entry.id or entry.kind == "agreement":
            g.add_node((entry.kind, entry.id), entry=entry)
    if repo.agreement is not None:
        for ob in repo.agreement.data.get("obligations", []):
            g.add_node(("obligation", ob.get("id")), obligation=ob)
            g.add_edge(("agreement", repo.agreement.id), ("obligation", ob.get("id")), via="obligations")
    for entry in repo.entries:
        if not entry.valid:
            continue
        me = (entry.kind, entry.id)
        data = entry.data
        if entry.kind in PROCEDURE_KINDS:
            for ob in data.get("fulfils", []) or []:
                g.add_edge(me, ("obligation", ob), via="fulfils")
            for sid in data.get("settings", []) or []:
                g.add_edge(me, ("setting", sid), via="settings")
            if data.get("decision"):
                g.add_edge(me, ("decision", data["decision"]), via="decision")
            for step in data.get("steps", []) or []:
                for key in ("apprec", "misdirected"):
                    if (step.get("on_failure") or {}).get(key):
                        g.add_edge(me, ("routine", step["on_failure"][key]), via="on_failure")
                if step.get("procedure"):
                    g.add_edge(me, ("routine", step["procedure"]), via="procedure")
                if step.get("message_type"):
                    g.add_edge(me, ("message-type", step["message_type"]), via="message_type")
                for sid in step.get("settings", []) or []:
                    g.add_edge(me, ("setting", sid), via="settings")
                for holder in (step.get("deadline") or {}, step.get("escalation") or {}):
                    if holder.get("setting"):
                        g.add_edge(me, ("setting", holder["setting"]), via="settings")
        elif entry.kind == "message-type" and (data.get("answer") or {}).get("message_type"):
            g.add_edge(me, ("message-type", data["answer"]["message_type"]), via="answer")
        elif entry.kind == "decision":
            for item in data.get("adopts", []) or []:
                for kind in PROCEDURE_KINDS:
                    if (kind, item.get("procedure")) in g:
                        g.add_edge(me, (kind, item.get("procedure")), via="adopts")
            for sid in data.get("settings", []) or []:
                g.add_edge(me, ("setting", sid), via="settings")
        elif entry.kind == "setting" and data.get("decision"):
            g.add_edge(me, ("decision", data["decision"]), via="decision")
    return g


def repository_rules(repo: Repository, g: nx.DiGraph) -> list[Finding]:
    out = []
    routines = [r for r in repo.of("routine") if r.data.get("status") != "repealed"]
    by_category: dict = {}
    for r in routines:
        by_category.setdefault(r.data.get("category"), []).append(r)
    ag = repo.agreement
    required: dict = {}  # category -> index of the first obligation that requires it
    for i, ob in enumerate(ag.data.get("obligations", []) if ag else []):
        if ob.get("requires_routine"):
            required.setdefault(ob["requires_routine"], i)
    for category, i in required.items():
        name = CATEGORY_NB.get(category, category)
        found = by_category.get(category, [])
        if not found:
            path = ("obligations", i, "requires_routine")
            out.append(R_REQUIRED_ROUTINE.at(ag.file, ag.doc.position(path),
                f"Rutinen for {name} (kategori `{category}`) mangler.",
                f"Skriv en rutine under `procedures/routines/` med `category: {category}`.", path))
        for extra in found[1:]:
            out.append(R_REQUIRED_ROUTINE.at(extra.file, extra.doc.position(("category",)),
                f"Det finnes flere rutiner for {name}: `{found[0].id}` og `{extra.id}`.",
                "Slå dem sammen; hver påkrevd rutine skal finnes én gang.", ("category",)))
    for entry in routines + repo.of("setting"):
        node = (entry.kind, entry.id)
        users = [u for u in g.predecessors(node) if u != node and u[0] != "agreement"] if node in g else []
        fulfils = entry.kind == "routine" and any(g.has_edge(node, o) for o in g.successors(node)
                                                  if o[0] == "obligation")
        if not users and not fulfils:
            what = "rutinen" if entry.kind == "routine" else "innstillingen"
            out.append(R_ORPHAN.at(entry.file, entry.doc.position(("id",)),
                f"Ingen prosedyre eller forpliktelse viser til {what} `{entry.id}`.",
                "Vis til den fra en prosedyre (eller en forpliktelse under `fulfils`), eller fjern den.", ("id",)))
    return out


def coverage_matrix(repo: Repository, g: nx.DiGraph | None = None) -> dict:
    """Obligation id -> the procedures in force or proposed (not repealed) that fulfil it,
    read off the reference graph as the procedure nodes with a `fulfils` edge into it."""
    g = g if g is not None else reference_graph(repo)
    matrix: dict = {}
    if repo.agreement is None:
        return matrix
    for ob in repo.agreement.data.get("obligations", []):
        node = ("obligation", ob.get("id"))
        covering = []
        for source in g.predecessors(node) if node in g else []:
            entry = g.nodes[source].get("entry")
            if source[0] in PROCEDURE_KINDS and entry is not None and entry.data.get("status") != "repealed":
                covering.append(entry)
        matrix[ob.get("id")] = sorted(covering, key=lambda e: e.file)
    return matrix


def coverage_rules(repo: Repository, g: nx.DiGraph) -> list[Finding]:
    ag = repo.agreement
    if ag is None:
        return []
    out = []
    matrix = coverage_matrix(repo, g)
    for i, ob in enumerate(ag.data.get("obligations", [])):
        if ob.get("evidence") not in ("procedure", "plan"):
            continue
        oid = ob.get("id")
        covering = matrix.get(oid, [])
        path = ("obligations", i)
        pos = ag.doc.position(path + ("id",))
        if not covering:
            out.append(R_UNCOVERED.at(ag.file, pos,
                f"Forpliktelse `{oid}` ({ob.get('clause')}) har ingen prosedyre som oppfyller den.",
                f"Legg `{oid}` til under `fulfils` i prosedyren som oppfyller den, eller skriv en ny.", path))
        elif not any(e.data.get("status") == "adopted" for e in covering):
            names = ", ".join(f"`{e.id}` ({STATUS_NB.get(e.data.get('status'), '?')})" for e in covering)
            out.append(R_NOT_ADOPTED.at(ag.file, pos,
                f"Forpliktelse `{oid}` ({ob.get('clause')}) er bare dekket av prosedyrer som ikke er vedtatt: {names}.",
                "Forpliktelsen er oppfylt først når OSO har vedtatt en av dem.", path))
    return out


def check(repo: Repository) -> list[Finding]:
    message_types = {e.id: e for e in repo.of("message-type")}
    routines = {e.id: e for e in repo.of("routine")}
    graphs = [build(e) for e in procedures(repo)]
    out: list[Finding] = []
    unsound = set()
    for pg in graphs:
        found = soundness(pg)
        if found:
            unsound.add(pg.entry.id)
        out += found
        out += deadlines(pg, message_types)
        out += messages(pg, message_types)
    for pg in graphs:
        out += failure_paths(pg, routines, unsound)
    refs = reference_graph(repo)
    out += repository_rules(repo, refs)
    out += pathway_addresses(repo)
    out += coverage_rules(repo, refs)
    return out
