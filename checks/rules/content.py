"""Rules over the whole repository: references, coverage of obligations, party data."""

from __future__ import annotations

import datetime

from ..model.findings import ERROR, WARNING, Finding, rule
from ..model.loader import iter_nodes
from ..model.repository import Entry, Repository
from ..model.vocabulary import (ADDRESS_NB, ALLOWED_ADDRESSES, PARTY_FIELD_NB, REQUIRED_ADDRESSES, obligation_ids,
                                parse_date, procedures)

R_REF = rule("ref.unknown", ERROR, "Ukjent referanse",
    """En referanse peker på noe som ikke finnes: en forpliktelse, meldingstype, rutine,
    innstilling, vedtak, rolle eller et steg. Tipset foreslår nærmeste id som finnes.""")
R_DUP_STEP = rule("procedure.duplicate-step", ERROR, "Samme steg-id to ganger",
    """Hvert steg i en prosedyre må ha en egen id.""")
R_PARTY_FIELD = rule("coverage.party-field", ERROR, "Forpliktelse uten partsfelt",
    """En forpliktelse som oppfylles av partsopplysninger, må si hvilke felt (`party_fields`).""")
R_MISSING_ADDRESS = rule("party.missing-address", ERROR, "Påkrevd tjenesteadresse mangler",
    """Hver kommune skal ha tjenesteadressene Sykepleietjeneste, Legetjeneste og Saksbehandler;
    UNN skal ha Somatikk og Psykiatri PLO meldingsmottak.""")
R_WRONG_ADDRESS = rule("party.foreign-address", ERROR, "Tjenesteadresse for feil part",
    """En kommune kan bare ha kommunale tjenesteadresser og UNN bare helseforetakets.""")
R_MISSING_DATA = rule("party.missing-data", WARNING, "Partsopplysninger mangler",
    """En part mangler opplysninger avtalen krever (HER-id, meldingsansvarligadresse, lokal
    brukerstøtte for video, dato for signering). Det er en advarsel til parten har signert
    avtalen, og en feil etter det.""")
R_UNCONFIRMED_DATA = rule("party.unconfirmed-data", WARNING, "Partsopplysning som ikke er bekreftet",
    """En opplysning avtalen krever av parten (for eksempel meldingsansvarligadressen) er fylt inn,
    men kilden bekrefter den ikke (kildestatus `unconfirmed`): den er en slutning, ikke en registrert
    opplysning. Den vises som ikke bekreftet til parten har bekreftet den.""")
R_PLACEHOLDER = rule("content.placeholder", ERROR, "Plassholder som ikke er fylt inn",
    """Teksten begynner med `FYLL INN`: den kommer fra `samhandling new` og må erstattes med
    innhold før endringen kan tas inn.""")
R_NUMBER = rule("party.number", ERROR, "Feil kommunenummer",
    """En kommunes id og filnavn skal være kommunenummeret, og hvert nummer skal finnes én gang.""")


PLACEHOLDER = "FYLL INN"


def check(repo: Repository, today: datetime.date | None = None) -> list[Finding]:
    today = today or datetime.date.today()
    findings: list[Finding] = []
    findings += _references(repo)
    findings += _parties(repo, today)
    return findings


def _ref(entry: Entry, path: tuple, what: str, value, known) -> Finding | None:
    if not isinstance(value, str) or value in known:
        return None
    import difflib  # only when a hint is written
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    hint = f"Mente du `{close[0]}`?" if close else (
        "Ingen slike finnes ennå." if not known else "Sjekk stavemåten, eller opprett den.")
    return R_REF.at(entry.file, entry.doc.position(path), f"Ukjent {what} `{value}`.", hint, path)


def _references(repo: Repository) -> list[Finding]:
    out: list = []
    obligations = obligation_ids(repo)
    message_types = set(repo.index("message-type"))
    routines = set(repo.index("routine"))
    settings = set(repo.index("setting"))
    decisions = set(repo.index("decision"))
    procedure_ids = {e.id for e in procedures(repo)}

    def add(f):
        if f:
            out.append(f)

    for entry in repo.of("message-type"):
        answer = entry.data.get("answer") or {}
        add(_ref(entry, ("answer", "message_type"), "meldingstype", answer.get("message_type"), message_types))

    for entry in repo.of("decision"):
        for i, item in enumerate(entry.data.get("adopts", []) or []):
            add(_ref(entry, ("adopts", i, "procedure"), "prosedyre", item.get("procedure"), procedure_ids))
        for i, sid in enumerate(entry.data.get("settings", []) or []):
            add(_ref(entry, ("settings", i), "innstilling", sid, settings))

    for entry in repo.of("setting"):
        add(_ref(entry, ("decision",), "vedtak", entry.data.get("decision"), decisions))

    if repo.agreement is not None:
        ag = repo.agreement
        for i, ob in enumerate(ag.data.get("obligations", [])):
            if ob.get("evidence") == "party-data" and not ob.get("party_fields"):
                out.append(R_PARTY_FIELD.at(ag.file, ag.doc.position(("obligations", i)),
                                            f"Forpliktelse `{ob.get('id')}` oppfylles av partsopplysninger, "
                                            "men sier ikke hvilke.", "Legg til `party_fields`.",
                                            ("obligations", i)))

    for entry in procedures(repo):
        data = entry.data
        for i, ob in enumerate(data.get("fulfils", []) or []):
            add(_ref(entry, ("fulfils", i), "forpliktelse", ob, obligations))
        add(_ref(entry, ("decision",), "vedtak", data.get("decision"), decisions))
        for i, sid in enumerate(data.get("settings", []) or []):
            add(_ref(entry, ("settings", i), "innstilling", sid, settings))
        steps = [s for s in data.get("steps", []) or [] if isinstance(s, dict)]
        step_ids: dict = {}
        for i, step in enumerate(steps):
            sid = step.get("id")
            if sid in step_ids:
                out.append(R_DUP_STEP.at(entry.file, entry.doc.position(("steps", i, "id")),
                                         f"Steg-id-en `{sid}` er brukt før (steg {step_ids[sid] + 1}).",
                                         "Gi steget en egen id.", ("steps", i, "id")))
            else:
                step_ids[sid] = i
        roles = {r.get("id") for r in data.get("roles", []) or [] if isinstance(r, dict)}
        for i, step in enumerate(steps):
            base = ("steps", i)
            for key in ("next", "default", "answers"):
                add(_ref(entry, base + (key,), "steg", step.get(key), step_ids))
            for j, branch in enumerate(step.get("branches", []) or []):
                add(_ref(entry, base + ("branches", j, "next"), "steg", branch.get("next"), step_ids))
            deadline = step.get("deadline") or {}
            add(_ref(entry, base + ("deadline", "from"), "steg", deadline.get("from"), step_ids))
            add(_ref(entry, base + ("deadline", "setting"), "innstilling", deadline.get("setting"), settings))
            add(_ref(entry, base + ("message_type",), "meldingstype", step.get("message_type"), message_types))
            failure = step.get("on_failure") or {}
            for key in ("apprec", "misdirected"):
                add(_ref(entry, base + ("on_failure", key), "rutine", failure.get(key), routines))
            add(_ref(entry, base + ("procedure",), "rutine", step.get("procedure"), routines))
            for j, sid in enumerate(step.get("settings", []) or []):
                add(_ref(entry, base + ("settings", j), "innstilling", sid, settings))
            escalation = step.get("escalation") or {}
            add(_ref(entry, base + ("escalation", "setting"), "innstilling", escalation.get("setting"), settings))
            if entry.kind == "routine":
                add(_ref(entry, base + ("actor",), "rolle", step.get("actor"), roles))
                add(_ref(entry, base + ("escalation", "to"), "rolle", escalation.get("to"), roles))
            elif step.get("actor") is not None:
                add(_ref(entry, base + ("actor",), "partsrolle", step.get("actor"), {"municipality", "health-trust"}))
    return out


def required_party_fields(repo: Repository) -> list[str]:
    """Fields every party must have: HER-id, and what the agreement's party-data duties name."""
    fields = ["her_id"]
    if repo.agreement is not None:
        for ob in repo.agreement.data.get("obligations", []):
            if ob.get("evidence") == "party-data":
                for name in ob.get("party_fields", []) or []:
                    if name not in fields and name != "service_addresses":
                        fields.append(name)
    if "agreement_signed" not in fields:
        fields.append("agreement_signed")
    return fields


def missing_party_data(repo: Repository, party: Entry, required: list | None = None) -> list[str]:
    required = required if required is not None else required_party_fields(repo)
    return [name for name in required if not party.data.get(name)]


def _parties(repo: Repository, today: datetime.date) -> list[Finding]:
    out = []
    numbers: dict = {}
    required_fields = required_party_fields(repo)
    for entry in repo.of("party"):
        data = entry.data
        role = data.get("role")
        present = [a.get("role") for a in data.get("service_addresses", []) or [] if isinstance(a, dict)]
        name = data.get("short_name") or data.get("name") or entry.id
        for required in REQUIRED_ADDRESSES.get(role, ()):
            if required not in present:
                out.append(R_MISSING_ADDRESS.at(entry.file, entry.doc.position(("service_addresses",)),
                    f"{name} mangler tjenesteadressen {ADDRESS_NB[required]} (`{required}`).",
                    f"Legg til en tjenesteadresse med `role: {required}`.", ("service_addresses",)))
        for i, addr in enumerate(present):
            if role in ALLOWED_ADDRESSES and addr not in ALLOWED_ADDRESSES[role]:
                out.append(R_WRONG_ADDRESS.at(entry.file, entry.doc.position(("service_addresses", i, "role")),
                    f"Tjenesteadressen `{addr}` hører ikke til en part med rollen `{role}`.",
                    "Fjern den eller rett rollen.", ("service_addresses", i, "role")))
        if role == "municipality":
            number = data.get("municipality_number")
            if number and number != entry.id:
                out.append(R_NUMBER.at(entry.file, entry.doc.position(("municipality_number",)),
                    f"Kommunenummeret `{number}` er ulikt id-en `{entry.id}`.",
                    "Id og filnavn skal være kommunenummeret.", ("municipality_number",)))
            elif not number:
                out.append(R_NUMBER.at(entry.file, entry.doc.position(()),
                    f"{name} mangler kommunenummer (`municipality_number`).",
                    "Legg til kommunenummeret fra SSB.", ()))
            if number:
                if number in numbers:
                    out.append(R_NUMBER.at(entry.file, entry.doc.position(("municipality_number",)),
                        f"Kommunenummeret `{number}` er også brukt i {numbers[number]}.", "", ("municipality_number",)))
                numbers.setdefault(number, entry.file)
        missing = missing_party_data(repo, entry, required_fields)
        doubtful = [f for f in required_fields if f not in missing and isinstance(data.get(f), dict)
                    and ((data[f].get("source") or {}).get("status") == "unconfirmed")]
        if doubtful:
            listed = ", ".join(PARTY_FIELD_NB.get(m, m) for m in doubtful)
            out.append(R_UNCONFIRMED_DATA.at(entry.file, entry.doc.position((doubtful[0],)),
                f"{name} har {listed} som ikke er bekreftet av kilden; den vises som ikke bekreftet.",
                "Be parten bekrefte opplysningen, og sett kildestatus `confirmed` når den er bekreftet.",
                (doubtful[0],)))
        if missing:
            signed = data.get("agreement_signed")
            severity = ERROR if signed and parse_date(signed) and parse_date(signed) <= today else WARNING
            listed = ", ".join(PARTY_FIELD_NB.get(m, m) for m in missing)
            state = (f"Avtalen er signert {signed}, så opplysningene kreves nå." if severity == ERROR
                     else "Det er en advarsel til avtalen er signert.")
            out.append(R_MISSING_DATA.at(entry.file, entry.doc.position(()),
                f"{name} mangler: {listed}.", f"Legg inn opplysningene når de er kjent (aldri gjett). {state}",
                (), severity=severity))
    return out


def placeholders(repo) -> list:
    out = []
    marker = f"{PLACEHOLDER.lower().replace(' ', '-')}.invalid"
    for entry in repo.entries:
        if PLACEHOLDER not in entry.doc.text and marker not in entry.doc.text:
            continue  # the raw text tells at once; walk only the files that have one
        for path, value in iter_nodes(entry.data):
            if isinstance(value, str) and (value.startswith(PLACEHOLDER) or marker in value):
                out.append(R_PLACEHOLDER.at(entry.file, entry.doc.position(path),
                    f"`{value}` er en plassholder.", "Erstatt den med innholdet.", path))
    return out
