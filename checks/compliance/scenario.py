"""Scenarios: a pathway through a chain with local timestamps, walked to list every message due.

A scenario file (`scenarios/ID.yaml`, schema `schemas/scenario.schema.json`) names the chain,
the pathway, the kommune, the time of each event step and the branch taken at each decision.
Walking the chain from its start gives the messages due, in order: sender and receiver party
and service address (after the pathway's substitutions), the deadline as a timestamp in
Europe/Oslo and the rule it comes from, with what the calendar says about it. A scenario may
state the messages and deadlines it expects; `samhandling check` compares them.
"""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path

from ..model import masking
from ..model.findings import ERROR, Finding, rule
from ..model.loader import Document, load_bytes
from ..model.repository import R_ID_MISMATCH, Repository, schemas_for
from ..model.schema import explain
from ..rules import privacy
from . import calendar as cal
from .chain import Chain, address_nb, load_chain, parties

FOLDER = "scenarios"
MAX_STEPS = 500
STATUS_WORD = {"confirmed": "bekreftet", "secondary": "sekundærkilde", "unconfirmed": "ikke bekreftet"}

R_CHAIN = rule("scenario.chain", ERROR, "Scenario med ukjent meldingskjede, forløp eller kommune",
    """Scenarioet viser til en meldingskjede, et forløp i kjeden eller en kommune som ikke finnes
    (eller som har feil i skjemaet).""")
R_EVENT = rule("scenario.event", ERROR, "Feil i en hendelse i scenarioet",
    """En hendelse skal ha id-en til startsteget eller et hendelsessteg i meldingskjeden, og et
    tidspunkt som finnes i norsk tid. Hendelsene skal komme i samme rekkefølge som forløpet
    passerer dem. Et tidspunkt i timen som finnes to ganger når klokken stilles tilbake, skrives
    med forskyvning.""")
R_CHOICE = rule("scenario.choice", ERROR, "Feil valg i scenarioet",
    """Et valg skal høre til et valgsteg i meldingskjeden og peke på steget en av grenene (eller
    standardgrenen) fører til.""")
R_LOOP = rule("scenario.loop", ERROR, "Scenarioet når aldri en slutt",
    """Forløpet scenarioet beskriver, kommer ikke til et slutt-steg (valgene fører rundt i en
    sløyfe). Oppgi valgene som fører ut av sløyfen.""")
R_MISSING_TIME = rule("scenario.missing-time", ERROR, "Fristen har ikke noe tidspunkt å regnes fra",
    """En melding i forløpet har frist regnet fra et steg som scenarioet ikke gir tidspunkt for.
    Legg tidspunktet for steget under `events`.""")
R_EXPECTED = rule("scenario.expected", ERROR, "Scenarioet gir ikke det som er forventet",
    """Meldingene eller fristene som regnes ut, er ikke de scenarioet oppgir under `expected`.
    Enten har meldingskjeden endret seg (oppdater forventningen etter at endringen er
    vurdert), eller så er forventningen feil.""")


# what a scenario gets wrong, before it is placed at file:line:column as a Finding
Problem = namedtuple("Problem", "rule path message hint", defaults=("",))


class Scenario:
    def __init__(self, file: str, doc: Document, findings: list | None = None):
        self.file = file
        self.doc = doc
        self.findings = [] if findings is None else findings

    @property
    def data(self) -> dict:
        return self.doc.data if isinstance(self.doc.data, dict) else {}


def scenario_files(root: Path) -> list[Path]:
    folder = Path(root) / FOLDER
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.yaml") if p.is_file())


def load(root: Path, path: Path, schemas=None, store=None) -> Scenario:
    """Strict YAML, the privacy guard and the scenario schema, as for every other document.
    `store`, check's per-file cache (checks/model/cache.py), keeps the load and schema result."""
    root = Path(root)
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = str(path)
    raw = path.read_bytes()
    schemas = schemas or schemas_for(root)
    key = store.key("scenario", rel, raw, schemas.digest) if store is not None else None
    hit = store.get(key) if key is not None else None
    doc, checked = hit if hit is not None else (load_bytes(rel, raw), None)
    sc = Scenario(rel, doc, list(doc.findings))
    sc.findings += privacy.scan_text(rel, doc.text or "")
    if doc.findings or doc.data is None:
        if key is not None and hit is None:
            store.put(key, doc)
        return sc
    if checked is None:
        checked = schemas.validate("scenario", doc) if "scenario.schema.json" in schemas.raw else []
        if key is not None:
            store.put(key, doc, checked)
    sc.findings += checked
    sid = sc.data.get("id")
    if isinstance(sid, str) and sid != path.stem:
        sc.findings.append(R_ID_MISMATCH.at(rel, doc.position(("id",)),
                                            f"Id-en `{sid}` er ulik filnavnet `{path.name}`.",
                                            f"Gi filen navnet `{sid}.yaml`, eller sett `id: {path.stem}`.", ("id",)))
    return sc


# -- the walk ------------------------------------------------------------------------------------


def compute(repo: Repository, data: dict, facts: bool = True) -> tuple[dict | None, list[Problem]]:
    """The messages a scenario makes due, as one JSON-ready object, and the problems found."""
    problems: list[Problem] = []
    chain_id = data.get("chain")
    pathway = data.get("pathway")
    chain = load_chain(repo, chain_id, pathway)
    if chain is None:
        return None, [Problem(R_CHAIN, ("chain",), f"Meldingskjeden `{chain_id}` finnes ikke (eller har feil).",
                              "Bruk id-en til en meldingskjede under `procedures/chains/`.")]
    if pathway and pathway not in chain.pathways:
        known = ", ".join(f"`{p}`" for p in chain.pathways) or "ingen"
        return None, [Problem(R_CHAIN, ("pathway",), f"Meldingskjeden `{chain_id}` har ikke forløpet `{pathway}`.",
                              f"Kjente forløp: {known}.")]
    if chain.start is None:
        return None, [Problem(R_CHAIN, ("chain",), f"Meldingskjeden `{chain_id}` har ikke ett startsteg.")]
    all_parties = parties(repo)
    kommune_id = data.get("municipality")
    kommune = all_parties.get(kommune_id) if kommune_id else None
    if kommune_id and (kommune is None or kommune["role"] != "municipality"):
        return None, [Problem(R_CHAIN, ("municipality",), f"Kommunen `{kommune_id}` finnes ikke blant partene.",
                              "Bruk kommunenummeret til en part under `procedures/parties/`.")]
    trust = [(pid, p) for pid, p in sorted(all_parties.items()) if p["role"] == "health-trust"]

    times = {}
    for sid, text in (data.get("events") or {}).items():
        path = ("events", sid)
        if not chain.has(sid) or chain.step(sid).get("type") not in ("start", "event"):
            events = [s for s in chain.pg.steps if chain.step(s).get("type") in ("start", "event")]
            problems.append(Problem(R_EVENT, path, f"`{sid}` er ikke startsteget eller et hendelsessteg i `{chain_id}`.",
                                    "Hendelsessteg i kjeden: " + ", ".join(f"`{s}`" for s in events) + "."))
            continue
        try:
            times[sid] = cal.parse_local(text)
        except cal.TimeError as exc:
            problems.append(Problem(R_EVENT, path, f"Tidspunktet for `{sid}`: {exc}."))

    choices = {}
    for sid, value in (data.get("choices") or {}).items():
        if not chain.has(sid) or chain.step(sid).get("type") != "decision":
            problems.append(Problem(R_CHOICE, ("choices", sid), f"`{sid}` er ikke et valgsteg i `{chain_id}`."))
            continue
        targets = value if isinstance(value, list) else [value]
        for i, t in enumerate(targets):
            if not chain.g.has_edge(sid, t):
                options = ", ".join(f"`{n}`" for n in chain.g.successors(sid))
                where = ("choices", sid, i) if isinstance(value, list) else ("choices", sid)
                problems.append(Problem(R_CHOICE, where, f"Valget `{sid}` har ingen gren til `{t}`.",
                                        f"Grenene fører til {options}."))
        choices[sid] = list(targets)
    if problems:
        return None, problems

    walk, taken = [], {}
    cur = chain.start
    while True:
        walk.append(cur)
        step = chain.step(cur)
        if step.get("type") == "end" or len(walk) > MAX_STEPS:
            break
        if step.get("type") == "decision":
            options = choices.get(cur)
            if options:
                i = taken.get(cur, 0)
                nxt = options[min(i, len(options) - 1)]
                taken[cur] = i + 1
            else:
                nxt = step.get("default")
        else:
            nxt = step.get("next")
        if not nxt or not chain.has(nxt):
            break
        cur = nxt
    if chain.step(walk[-1]).get("type") != "end":
        return None, [Problem(R_LOOP, ("choices",) if data.get("choices") else ("chain",),
                              f"Forløpet når ingen slutt etter {len(walk) - 1} steg (det går i sløyfe gjennom "
                              f"`{walk[-1]}`).", "Oppgi valgene som fører ut av sløyfen under `choices`.")]

    # events must follow the walk's order
    last = None
    for sid in walk:
        if sid in times:
            if last and times[sid] < times[last]:
                problems.append(Problem(R_EVENT, ("events", sid),
                                        f"`{sid}` ({cal.moment_nb(times[sid])}) er før `{last}`, som kommer tidligere i forløpet."))
            last = sid
    for sid in times:
        if sid not in walk:
            problems.append(Problem(R_EVENT, ("events", sid), f"Forløpet passerer aldri `{sid}` med valgene scenarioet oppgir."))

    messages, events_out, current_event = [], [], None
    for sid in walk:
        step = chain.step(sid)
        if step.get("type") in ("start", "event"):
            current_event = sid
            events_out.append({"step": sid, "title": step.get("title", sid),
                               "at": cal.iso(times[sid]) if sid in times else None})
            continue
        if step.get("type") != "message":
            continue
        item = _message(chain, repo, sid, step, kommune_id, kommune, trust, current_event)
        dl = step.get("deadline")
        if isinstance(dl, dict):
            item["deadline"] = _deadline(chain, repo, dl, times, problems, len(messages), facts)
        else:
            item["deadline"] = {"kind": "none", "at": None,
                                "text": "Ingen frist: kildene gir ingen frist for denne meldingen."}
        messages.append(item)
    for i, m in enumerate(messages, 1):
        m["order"] = i
    result = {
        "format": 1,
        "scenario": {"id": data.get("id"), "title": data.get("title"), "description": data.get("description")},
        "chain": {"id": chain.id, "title": chain.title, "version": chain.entry.data.get("version"),
                  "status": chain.entry.data.get("status")},
        "pathway": {"id": pathway, "title": (chain.pathways.get(pathway) or {}).get("title")} if pathway else None,
        "municipality": {"id": kommune_id, "name": kommune["name"]} if kommune else None,
        "timezone": "Europe/Oslo",
        "events": events_out,
        "path": walk,
        "messages": messages,
        "unconfirmed": list(data.get("unconfirmed") or []),
    }
    return result, problems


def _message(chain: Chain, repo, sid, step, kommune_id, kommune, trust, current_event) -> dict:
    mt = step.get("message_type")
    catalogue = chain.message_types.get(mt, {})
    out = {"step": sid, "title": step.get("title", sid), "message_type": mt,
           "message_name": catalogue.get("name", mt), "after_event": current_event}
    for side in ("from", "to"):
        role, address = chain.endpoint(step, side)
        party_id, party_name, address_name = None, None, address_nb(address)
        if role == "municipality" and kommune:
            party_id, party_name = kommune_id, kommune["name"]
            address_name = kommune["addresses"].get(address) or address_name
            registered = address in kommune["addresses"]
        elif role == "health-trust" and len(trust) == 1:
            party_id, party_name = trust[0][0], trust[0][1]["name"]
            address_name = trust[0][1]["addresses"].get(address) or address_name
            registered = address in trust[0][1]["addresses"]
        else:
            registered = None
        out[side] = {"role": role, "party": party_id, "party_name": party_name, "address": address,
                     "address_name": address_name, "registered": registered}
    out["apprec"] = bool(catalogue.get("apprec"))
    out["unconfirmed"] = list(step.get("unconfirmed") or [])
    return out


def _deadline(chain: Chain, repo, dl: dict, times: dict, problems: list, index: int, facts: bool = True) -> dict:
    anchor_sid = dl.get("from")
    rule_src = dl.get("rule") or {}
    out = {"from": anchor_sid, "from_title": chain.step(anchor_sid).get("title", anchor_sid) if chain.has(anchor_sid) else anchor_sid,
           "rule": {"title": rule_src.get("title"), "url": rule_src.get("url"),
                    "status": rule_src.get("status", "confirmed")},
           "note": dl.get("note")}
    if dl.get("same_day"):
        out["kind"], out["within"] = "same_day", None
    elif dl.get("within"):
        out["kind"], out["within"] = "within", dl["within"]
    else:
        out["kind"], out["within"] = "setting", None
        setting = {e.id: e.data for e in repo.of("setting")}.get(dl.get("setting"), {})
        out["setting"] = dl.get("setting")
        if setting.get("status") == "adopted" and setting.get("kind") == "duration" and setting.get("value"):
            out["kind"], out["within"] = "within", setting["value"]
    anchor = times.get(anchor_sid)
    out["from_at"] = cal.iso(anchor) if anchor else None
    if out["kind"] == "setting":
        out["at"] = None
        out["text"] = (f"Fristen settes av innstillingen `{dl.get('setting')}`, som OSO ennå ikke har vedtatt; "
                       "den kan ikke regnes ut.")
        return out
    if anchor is None:
        problems.append(Problem(R_MISSING_TIME, ("events",),
                                f"Meldingen i steg {index + 1} har frist regnet fra `{anchor_sid}`, men scenarioet gir ikke "
                                f"tidspunkt for `{anchor_sid}`.", f"Legg `{anchor_sid}: ÅÅÅÅ-MM-DDTTT:MM` under `events`."))
        out["at"] = None
        out["text"] = f"Fristen kan ikke regnes: tidspunktet for `{anchor_sid}` mangler."
        return out
    if out["kind"] == "same_day":
        at = cal.end_of_day(anchor)
        out["text"] = (f"Innen utgangen av {cal.day_nb(anchor.date())} (kl. 24:00, {cal.offset_text(anchor)}), "
                       f"samme dag som «{out['from_title']}».")
    else:
        at = cal.add_duration(anchor, out["within"])
        out["text"] = f"Innen {_duration_words(out['within'])} etter «{out['from_title']}»."
    out["at"] = cal.iso(at)
    if facts:  # the holiday calendar is only loaded when the output shows it
        out["calendar"] = cal.calendar_facts(anchor, at, out["kind"] == "same_day")
    return out


def _duration_words(duration: str) -> str:
    from ..rules.graph import duration_nb
    return duration_nb(duration)


# -- checks --------------------------------------------------------------------------------------


def compare_expected(result: dict, data: dict) -> list[Problem]:
    """Findings where the computed messages differ from `expected` (in order)."""
    expected = data.get("expected")
    if expected is None or result is None:
        return []
    out = []
    got = result["messages"]
    for i, want in enumerate(expected):
        path = ("expected", i)
        if i >= len(got):
            out.append(Problem(R_EXPECTED, path, f"Forventet melding nr. {i + 1} (`{want.get('step')}`) kommer ikke; "
                                                 f"scenarioet gir bare {len(got)} meldinger."))
            continue
        m = got[i]
        if want.get("step") != m["step"]:
            out.append(Problem(R_EXPECTED, path + ("step",),
                               f"Melding nr. {i + 1} er `{m['step']}`, ikke `{want.get('step')}`."))
            continue
        if want.get("message_type") and want["message_type"] != m["message_type"]:
            out.append(Problem(R_EXPECTED, path + ("message_type",),
                               f"Melding nr. {i + 1} har meldingstypen `{m['message_type']}`, ikke `{want['message_type']}`."))
        if want.get("to_address") and want["to_address"] != m["to"]["address"]:
            out.append(Problem(R_EXPECTED, path + ("to_address",),
                               f"Melding nr. {i + 1} går til `{m['to']['address']}`, ikke `{want['to_address']}`."))
        got_at = m["deadline"].get("at")
        want_at = want.get("deadline")
        same = (want_at is None and got_at is None) or (
            want_at is not None and got_at is not None and _same_moment(want_at, got_at))
        if not same:
            shown = got_at or "ingen frist"
            out.append(Problem(R_EXPECTED, path + ("deadline",),
                               f"Fristen for `{m['step']}` er {shown}, ikke {want_at or 'ingen frist'}.",
                               "Fristen er et tidspunkt med forskyvning; «samme dag» løper ut ved neste midnatt."))
    if len(got) > len(expected):
        extra = ", ".join(f"`{m['step']}`" for m in got[len(expected):])
        out.append(Problem(R_EXPECTED, ("expected",),
                           f"Scenarioet gir {len(got) - len(expected)} meldinger til som ikke er forventet: {extra}."))
    return out


def _same_moment(a: str, b: str) -> bool:
    try:
        return cal.parse_aware(a) == cal.parse_aware(b)
    except cal.TimeError:
        return False


def check(root: Path, repo: Repository, store=None) -> list[Finding]:
    """Every scenario under `scenarios/`: loaded, walked and compared with its expectations."""
    findings = []
    files = scenario_files(root)
    if not files:
        return findings
    schemas = repo.schemas or schemas_for(Path(root))
    for path in files:
        sc = load(root, path, schemas, store)
        findings += sc.findings
        if sc.findings:
            continue
        result, problems = compute(repo, sc.data, facts=False)
        problems += compare_expected(result, sc.data)
        for p in problems:
            findings.append(p.rule.at(sc.file, sc.doc.position(p.path), p.message, p.hint, p.path))
    return findings


class ScenarioError(Exception):
    """The scenario cannot be shown; the findings say why (exit 1)."""

    def __init__(self, findings):
        super().__init__("scenario")
        self.findings = findings


def run(root: Path, repo: Repository, path: Path) -> dict:
    # the repository's schemas and cache: a schema set of its own per scenario compiled the
    # schemas again each time (the site's scenario page walks every scenario)
    sc = load(root, path, repo.schemas, repo.store)
    if sc.findings:
        raise ScenarioError(sc.findings)
    result, problems = compute(repo, sc.data)
    if result is None or any(p.rule is not R_MISSING_TIME for p in problems):
        raise ScenarioError([p.rule.at(sc.file, sc.doc.position(p.path), p.message, p.hint, p.path) for p in problems])
    result["scenario"]["file"] = sc.file
    result["problems"] = [{"rule": p.rule.id, "message": p.message} for p in problems]
    result["expected"] = [{"rule": p.rule.id, "message": p.message} for p in compare_expected(result, sc.data)]
    return result


# -- output --------------------------------------------------------------------------------------


def _endpoint_nb(ep: dict) -> str:
    party = ep.get("party_name") or ("kommunen" if ep.get("role") == "municipality" else "sykehuset")
    text = f"{party}, {ep.get('address_name') or ep.get('address')}"
    if ep.get("registered") is False:
        text += " (adressen er ikke registrert hos parten i depotet)"
    return text


def render_text(result: dict) -> str:
    s = result["scenario"]
    out = [f"Scenario: {s['title']} ({s.get('file', s['id'])})"]
    chain = result["chain"]
    line = f"Meldingskjede: {chain['title']} (`{chain['id']}` {chain.get('version') or ''})".replace(" )", ")")
    if result.get("pathway"):
        line += f", forløp: {result['pathway']['title'] or result['pathway']['id']}"
    out.append(line)
    if result.get("municipality"):
        out.append(f"Kommune: {result['municipality']['name']} ({result['municipality']['id']})")
    out.append("Alle tider er norsk tid (Europe/Oslo) med forskyvningen fra UTC i parentes.")
    out += ["", "Hendelser:"]
    for e in result["events"]:
        when = cal.moment_nb(cal.parse_aware(e["at"])) if e["at"] else "(tidspunkt ikke oppgitt)"
        out.append(f"  {when}  {e['title']} (`{e['step']}`)")
    out += ["", f"Meldinger som skal sendes ({len(result['messages'])}):"]
    for m in result["messages"]:
        out.append(f"{m['order']:>3}. {m['title']}")
        out.append(f"     Meldingstype: {m['message_name']} (`{m['message_type']}`), steg `{m['step']}`")
        out.append(f"     Fra: {_endpoint_nb(m['from'])}")
        out.append(f"     Til: {_endpoint_nb(m['to'])}")
        d = m["deadline"]
        if d.get("at") and d["kind"] == "same_day":
            out.append(f"     Frist: {d['text']} Tidspunkt: før {d['at']}.")
        elif d.get("at"):
            out.append(f"     Frist: {cal.moment_nb(cal.parse_aware(d['at']))}. {d['text']} Tidspunkt: før {d['at']}.")
        else:
            out.append(f"     Frist: {d['text']}")
        if d.get("rule") and d.get("rule", {}).get("title"):
            r = d["rule"]
            out.append(f"     Regel: {r['title']} ({STATUS_WORD.get(r['status'], r['status'])}), {r['url']}")
        if d.get("note"):
            out.append(f"     Merknad: {d['note']}")
        for note in (d.get("calendar") or {}).get("notes", []):
            out.append(f"     Kalender: {note}")
        if d.get("calendar") and not d["calendar"]["notes"]:
            out.append(f"     Kalender: fristen løper ut en virkedag ({d['calendar']['deadline_weekday']}).")
        for u in m.get("unconfirmed", []):
            out.append(f"     Ikke bekreftet: {u}")
    if not result["messages"]:
        end = result["path"][-1]
        out.append(f"  Ingen: forløpet ender i `{end}` uten at noen melding skal sendes.")
    for p in result.get("problems", []):
        out.append(f"\nMerk: {p['message']}")
    if result.get("expected"):
        out += ["", "Avvik fra det scenarioet forventer:"] + [f"  - {p['message']}" for p in result["expected"]]
    return "\n".join(out) + "\n"


def render_json(result: dict) -> str:
    return masking.dumps(result, indent=2) + "\n"  # strict, masked JSON (checks.model.masking)
