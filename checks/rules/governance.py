"""The rules of OSO's approval process, as findings.

Some rules read one revision: an adopted procedure or setting needs the decision that adopted
it, a decision cannot lie in the future, nothing may lead into a repealed routine, and a
passed review-by date is a warning. They run in every check, so a check without a base
never passes what the pull-request check refuses.

The others compare with a base revision (`samhandling check --base REV`), over the same
semantic comparison as `samhandling diff` (`checks/review/gate.py` computes it and hands it to
`against_base`, so this module never imports the review layer): changed content of an adopted procedure must
raise its version (at least the minor number when a step, deadline, address or the flow
changes) and either go back to draft/submitted or cite a new decision; adopted and repealed
procedures and decision records are history and are never deleted.
"""

from __future__ import annotations

import datetime
import re

from ..model.findings import ERROR, WARNING, Finding, rule
from ..model.repository import Entry, Repository
from ..model.vocabulary import PROCEDURE_KINDS, STATUS_NB, parse_date, procedures

KIND_NB = {"chain": "meldingskjede", "routine": "rutine", "setting": "innstilling",
           "message-type": "meldingstype"}

R_VERSION = rule("governance.version-not-raised", ERROR, "Vedtatt prosedyre endret uten nytt versjonsnummer",
    """Innholdet i en prosedyre som er vedtatt i utgangspunktet (BASE), er endret, men
    versjonsnummeret er ikke høyere enn før. Hver endring i en vedtatt prosedyre gir en ny
    versjon (semantisk versjonering, MAJOR.MINOR.PATCH), så det er klart hvilken versjon OSO
    vedtok og hvilken som er ny. Regelen gjelder når sjekken sammenligner med en base
    (`samhandling check --base REV`).""")
R_BUMP = rule("governance.version-bump-too-small", ERROR, "For lite versjonshopp",
    """Endringen i den vedtatte prosedyren endrer hvordan den utføres (steg, frist, adresse,
    meldingstype, flyt, roller, kontaktpunkter eller innstillinger), men bare tredje tall i
    versjonen (PATCH) er økt. Slike endringer øker minst andre tall (MINOR), for eksempel fra
    1.0.0 til 1.1.0. PATCH er for rent redaksjonelle endringer (tekst, titler, kilder).""")
R_RENEW = rule("governance.decision-not-renewed", ERROR, "Endret vedtatt innhold viser til det gamle vedtaket",
    """Innholdet i en vedtatt prosedyre eller innstilling er endret, men den står fortsatt som
    vedtatt med det samme vedtaket som før. Det gamle vedtaket gjaldt den gamle versjonen. Sett
    status tilbake til `draft` eller `submitted` til OSO har behandlet endringen, eller vis til
    det nye vedtaket (`decision`) når det foreligger.""")
R_NO_DECISION = rule("governance.adopted-without-decision", ERROR, "Vedtatt uten vedtak",
    """En prosedyre eller innstilling med status `adopted` skal vise til vedtaket som vedtok
    den (`decision`), og vedtaket skal finnes under `procedures/decisions/` og nevne nettopp
    denne versjonen under `adopts` (for en innstilling: under `settings`). En vedtatt
    innstilling skal også ha den vedtatte verdien (`value`).""")
R_FUTURE = rule("governance.decision-in-future", ERROR, "Vedtaksdato fram i tid",
    """Møtedatoen for et vedtak ligger etter dagens dato. Et vedtak registreres når det er
    fattet; før det er prosedyren `submitted` (til behandling).""")
R_HISTORY = rule("governance.history-deleted", ERROR, "Historikk slettet eller endret",
    """En prosedyre som er eller har vært vedtatt, og et vedtak, er historikk: de slettes
    aldri og får aldri ny id. En vedtatt prosedyre som ikke lenger skal gjelde, får status
    `repealed` (opphevet) og blir stående. En opphevet prosedyre endres heller ikke; lag en
    ny prosedyre i stedet. Regelen gjelder når sjekken sammenligner med en base.""")
R_REPEALED_REF = rule("governance.references-repealed", ERROR, "Viser til en opphevet rutine",
    """En prosedyre viser til en rutine som er opphevet (som feilhåndtering eller
    delprosedyre). Det er en feil når prosedyren som viser dit er vedtatt, og en advarsel når
    den er utkast eller til behandling.""")
R_REVIEW = rule("governance.review-overdue", WARNING, "Revisjonsdatoen er passert",
    """Revisjonsdatoen (`review_by`) for en prosedyre som ikke er opphevet, er passert.
    Prosedyren skal gjennomgås: sett ny revisjonsdato, eller send en ny versjon til
    behandling.""")

R_REVERTED = rule("governance.status-reverted", ERROR, "Vedtatt prosedyre satt tilbake uten vedtak",
    """En prosedyre som er vedtatt i utgangspunktet (BASE), har fått status `draft` eller
    `submitted` uten nytt versjonsnummer. Bare et vedtak i OSO kan oppheve en vedtatt versjon;
    en status i filen gjør det ikke, og den vedtatte versjonen gjelder fortsatt. Skal prosedyren
    revideres, øk versjonen (den nye versjonen er da til behandling, og den vedtatte gjelder til
    OSO har vedtatt den nye). Skal den ikke lenger gjelde, registrer et vedtak med `repeals` og
    sett `status: repealed`.""")
R_DATES = rule("governance.adopted-dates-changed", ERROR, "Datoene i et vedtak endret",
    """Startdatoen (`effective`, gjelder fra) eller revisjonsdatoen (`review_by`) for en vedtatt
    prosedyre er endret, men prosedyren viser fortsatt til det samme vedtaket. Datoene er en del
    av det OSO vedtok; en ny dato krever et nytt vedtak (eller en ny versjon til behandling).""")
R_SUBMITTED = rule("governance.submitted-changed", ERROR, "Versjonen til behandling endret uten nytt versjonsnummer",
    """Innholdet i en prosedyre som er til behandling (`submitted`) i utgangspunktet, er endret,
    men versjonsnummeret er det samme. OSO behandler en bestemt versjon; endres teksten, må den
    få et nytt versjonsnummer, så det er klart hvilken tekst OSO har fått og vedtar.""")
R_ADOPT_CHANGED = rule("governance.adopted-with-changes", ERROR, "Vedtatt og endret i samme endring",
    """En prosedyre registreres som vedtatt, og innholdet endres i den samme endringen. OSO vedtok
    teksten som lå til behandling; registrer vedtaket i én endring, og legg endringer i innholdet
    fram som en ny versjon i en annen.""")
R_DECISION_EDITED = rule("governance.decision-edited", ERROR, "Vedtak endret",
    """Et registrert vedtak er endret. Vedtaksprotokollen er historikk og skal stemme med møteboken;
    et nytt vedtak registreres som en ny fil. Er et vedtak registrert feil, rettes det etter
    møteboken med en forklaring i pull-requesten, og vedlikeholderne godkjenner rettelsen.""")
R_AMBIGUOUS = rule("governance.ambiguous-reference", ERROR, "Vedtaket viser til en id flere dokumenter har",
    """Et vedtak vedtar eller opphever en prosedyre ved id, men flere dokumenter av ulike typer
    (for eksempel en meldingskjede og en rutine) har den id-en. Det er da ikke klart hva OSO
    vedtok. Gi dokumentene ulike id-er.""")
R_PARTIES = rule("governance.parties-changed", WARNING, "Partene i avtalen endres",
    """Når en part legges til i eller fjernes fra depotet, endrer det hvem tjenesteavtalen binder. Det
    krever vedtak i OSO (og avtaler signert av partene). En kommunesammenslåing kjennes igjen på
    `previous_numbers` i den nye kommunen.""")

_VERSION = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


def parse_version(value) -> tuple | None:
    match = _VERSION.match(value) if isinstance(value, str) else None
    return tuple(int(x) for x in match.groups()) if match else None


def bump_kind(before, after) -> str:
    """major | minor | patch | none | lower | unknown, from one version to another."""
    b, a = parse_version(before), parse_version(after)
    if b is None or a is None:
        return "unknown"
    if a == b:
        return "none"
    if a < b:
        return "lower"
    if a[0] > b[0]:
        return "major"
    if a[1] > b[1]:
        return "minor"
    return "patch"


def check(repo: Repository, today: datetime.date | None = None) -> list[Finding]:
    """The rules that read one revision."""
    today = today or datetime.date.today()
    out: list[Finding] = []
    out += _adopted_without_decision(repo)
    out += _decisions_in_future(repo, today)
    out += _references_to_repealed(repo)
    out += _review_overdue(repo, today)
    out += _ambiguous_references(repo)
    return out


def _ambiguous_references(repo: Repository) -> list[Finding]:
    kinds: dict = {}
    for entry in repo.entries:
        if entry.id and entry.kind in PROCEDURE_KINDS + ("setting",):  # what a decision can adopt
            kinds.setdefault(entry.id, set()).add(entry.kind)
    out = []
    for entry in repo.of("decision"):
        refs = [(("adopts", i, "procedure"), a.get("procedure")) for i, a in enumerate(entry.data.get("adopts") or [])
                if isinstance(a, dict)]
        refs += [(("repeals", i), pid) for i, pid in enumerate(entry.data.get("repeals") or [])]
        for path, pid in refs:
            if isinstance(pid, str) and len(kinds.get(pid, ())) > 1:
                names = " og en ".join(KIND_NB.get(k, k) for k in sorted(kinds[pid]))
                out.append(R_AMBIGUOUS.at(entry.file, entry.doc.position(path),
                    f"Vedtaket `{entry.id}` viser til `{pid}`, men både en {names} har den id-en.",
                    "Gi dokumentene ulike id-er, så vedtaket peker på ett dokument.", path))
    return out


def _name(entry: Entry) -> str:
    title = entry.data.get("title")
    return f"«{' '.join(title.split())}» (`{entry.id}`)" if isinstance(title, str) else f"`{entry.id}`"


def _adopted_without_decision(repo: Repository) -> list[Finding]:
    out = []
    decisions = repo.index("decision")
    for entry in procedures(repo) + repo.of("setting"):
        if not entry.valid or entry.data.get("status") != "adopted":
            continue
        did = entry.data.get("decision")
        what = "Prosedyren" if entry.kind in PROCEDURE_KINDS else "Innstillingen"
        if not did:
            out.append(R_NO_DECISION.at(entry.file, entry.doc.position(("status",)),
                f"{what} {_name(entry)} har status vedtatt, men viser ikke til noe vedtak.",
                "Registrer vedtaket under `procedures/decisions/` og vis til det med `decision`, eller sett "
                "`status: submitted` til OSO har vedtatt den.", ("status",)))
            continue
        decision = decisions.get(did)
        if decision is None:
            continue  # an unknown decision is reported as ref.unknown
        if entry.kind in PROCEDURE_KINDS:
            version = entry.data.get("version")
            adopts = [a for a in decision.data.get("adopts", []) or [] if isinstance(a, dict)]
            mine = [a.get("version") for a in adopts if a.get("procedure") == entry.id]
            if version not in mine:
                said = (f"vedtar versjon {', '.join(str(v) for v in mine)}" if mine
                        else "nevner ikke prosedyren under `adopts`")
                out.append(R_NO_DECISION.at(entry.file, entry.doc.position(("decision",)),
                    f"{what} {_name(entry)} er vedtatt i versjon {version} etter vedtaket `{did}`, "
                    f"men vedtaket {said}.",
                    f"Vis til vedtaket som vedtok versjon {version}, eller legg `procedure: {entry.id}` med "
                    f"`version: \"{version}\"` under `adopts` i vedtaket hvis det var det OSO vedtok.", ("decision",)))
        else:
            if entry.id not in (decision.data.get("settings") or []):
                out.append(R_NO_DECISION.at(entry.file, entry.doc.position(("decision",)),
                    f"{what} {_name(entry)} er vedtatt etter vedtaket `{did}`, men vedtaket nevner ikke "
                    "innstillingen under `settings`.",
                    f"Legg `{entry.id}` under `settings` i vedtaket hvis det var det OSO vedtok.", ("decision",)))
            if not entry.data.get("value"):
                out.append(R_NO_DECISION.at(entry.file, entry.doc.position(("status",)),
                    f"{what} {_name(entry)} er vedtatt, men har ingen vedtatt verdi (`value`).",
                    "Skriv verdien OSO vedtok i `value`.", ("status",)))
    return out


def _decisions_in_future(repo: Repository, today: datetime.date) -> list[Finding]:
    out = []
    for entry in repo.of("decision"):
        when = parse_date(entry.data.get("meeting_date"))
        if when is not None and when > today:
            out.append(R_FUTURE.at(entry.file, entry.doc.position(("meeting_date",)),
                f"Vedtaket `{entry.id}` har møtedato {when.isoformat()}, som er etter dagens dato "
                f"({today.isoformat()}).",
                "Registrer vedtaket etter møtet; til da står prosedyren som `submitted`.", ("meeting_date",)))
    return out


def _references_to_repealed(repo: Repository) -> list[Finding]:
    out = []
    repealed = {e.id: e for e in repo.of("routine") if e.data.get("status") == "repealed"}
    if not repealed:
        return out
    for entry in procedures(repo):
        if not entry.valid or entry.data.get("status") == "repealed":
            continue
        in_force = entry.data.get("status") == "adopted"
        for i, step in enumerate(entry.data.get("steps", []) or []):
            refs = [(("procedure",), step.get("procedure"))]
            failure = step.get("on_failure") or {}
            refs += [(("on_failure", key), failure.get(key)) for key in ("apprec", "misdirected")]
            for keys, target in refs:
                if target in repealed and target != entry.id:
                    path = ("steps", i) + keys
                    state = STATUS_NB.get(entry.data.get("status"), "?")
                    out.append(R_REPEALED_REF.at(entry.file, entry.doc.position(path),
                        f"Steget `{step.get('id')}` viser til rutinen {_name(repealed[target])}, som er opphevet "
                        f"(prosedyren er {state}).",
                        "Vis til rutinen som har tatt over for den opphevede.", path,
                        severity=ERROR if in_force else WARNING))
    return out


def _review_overdue(repo: Repository, today: datetime.date) -> list[Finding]:
    out = []
    for entry in procedures(repo):
        if not entry.valid or entry.data.get("status") == "repealed":
            continue
        when = parse_date(entry.data.get("review_by"))
        if when is not None and when < today:
            out.append(R_REVIEW.at(entry.file, entry.doc.position(("review_by",)),
                f"Revisjonsdatoen {when.isoformat()} for {_name(entry)} er passert.",
                "Gå gjennom prosedyren og sett ny `review_by`, eller send en ny versjon til behandling.",
                ("review_by",)))
    return out


def against_base(comparison) -> list[Finding]:
    """The rules that compare with a base, over the semantic comparison of the two revisions
    (`checks.review.diff.Comparison`)."""
    out = []
    out += _parties_changed(comparison)
    for doc in comparison.docs:
        before = doc.before.data if doc.before else {}
        after = doc.after.data if doc.after else {}
        was = before.get("status")
        if doc.kind == "decision" and doc.status == "changed" and doc.changes and doc.after is not None:
            field = doc.changes[0].path.split(".")[0].split("[")[0]
            where = (field,) if field in after else ()
            out.append(R_DECISION_EDITED.at(doc.after.file, doc.after.doc.position(where),
                f"Vedtaket `{doc.id}` er endret: {_first(doc.changes)}",
                "Tilbakestill endringen, og registrer et nytt vedtak som en ny fil. Er vedtaket registrert feil, "
                "rett det etter møteboken og forklar rettelsen i pull-requesten.", where))
            continue
        if (doc.kind in PROCEDURE_KINDS and was in ("adopted", "repealed")) or doc.kind == "decision":
            if doc.status == "removed":
                out.append(_history_removed(doc))
                continue
            if doc.status == "renamed":
                out.append(R_HISTORY.at(doc.after.file, doc.after.doc.position(("id",)),
                    f"{_what(doc)} `{doc.old_id}` har fått ny id `{doc.id}`; den er historikk og beholder id-en.",
                    "Behold den gamle filen og id-en. Skal innholdet videreføres under nytt navn, lag en ny "
                    "prosedyre og opphev den gamle.", ("id",)))
                continue
        if doc.kind in PROCEDURE_KINDS and was == "repealed" and doc.changes and doc.after is not None:
            out.append(R_HISTORY.at(doc.after.file, doc.after.doc.position(()),
                f"Den opphevede prosedyren {_name(doc.after)} er endret; en opphevet prosedyre er historikk.",
                "Tilbakestill endringen. Skal prosedyren gjelde igjen, lag en ny prosedyre som OSO vedtar.", ()))
            continue
        if doc.kind in PROCEDURE_KINDS and was == "adopted" and doc.after is not None and doc.after.valid:
            out += _adopted_changed(doc, before, after)
            out += _adopted_status_or_dates(doc, before, after)
        if (doc.kind in PROCEDURE_KINDS and doc.status == "changed" and doc.after is not None and doc.after.valid
                and doc.content_changes):
            out += _submitted_or_adopting(doc, before, after)
        if doc.kind == "setting" and was == "adopted" and doc.after is not None and doc.after.valid:
            changed = [ch for ch in doc.changes if ch.code in ("proposed", "value", "kind")]
            if changed and after.get("status") == "adopted" and after.get("decision") == before.get("decision"):
                out.append(R_RENEW.at(doc.after.file, doc.after.doc.position(("decision",)),
                    f"Den vedtatte innstillingen {_name(doc.after)} er endret, men viser fortsatt til vedtaket "
                    f"`{before.get('decision')}`.",
                    "Sett `status: submitted` til OSO har vedtatt den nye verdien, eller vis til det nye vedtaket.",
                    ("decision",)))
    return out


def _more(n: int) -> str:
    return "" if n <= 0 else f" (og {n} endring til)" if n == 1 else f" (og {n} endringer til)"


def _first(changes: list) -> str:
    """The first change as a sentence, with how many more follow: «… (og 2 endringer til).»"""
    text = changes[0].sentence.text()
    more = _more(len(changes) - 1)
    return text.rstrip(".") + more + "." if more else text


def _what(doc) -> str:
    return {"chain": "Meldingskjeden", "routine": "Rutinen", "decision": "Vedtaket"}.get(doc.kind, "Dokumentet")


def _history_removed(doc) -> Finding:
    before = doc.before
    status = STATUS_NB.get(before.data.get("status"), "")
    if doc.kind == "decision":
        message = f"Vedtaket `{before.id}` er slettet; vedtak er historikk og slettes aldri."
        hint = "Gjenopprett filen. Er vedtaket registrert feil, rett det i stedet for å slette det."
    else:
        message = (f"{_what(doc)} {_name(before)} er slettet, men den er {status}; vedtatte og opphevede "
                   "prosedyrer er historikk og slettes aldri.")
        hint = "Gjenopprett filen. Skal prosedyren ikke lenger gjelde, sett `status: repealed`."
    return R_HISTORY.at(before.file, (1, 1), message, hint, ())


def _adopted_changed(doc, before: dict, after: dict) -> list[Finding]:
    content = doc.content_changes
    if not content:
        return []
    out = []
    entry = doc.after
    needed = doc.needed_bump
    bump = bump_kind(before.get("version"), after.get("version"))
    first, more = _first(content), ""
    if bump in ("none", "lower"):
        old, new = before.get("version"), after.get("version")
        suggestion = _suggest(old, needed)
        out.append(R_VERSION.at(entry.file, entry.doc.position(("version",)),
            f"{_name(entry)} er vedtatt i versjon {old} og endret, men versjonen er "
            f"{'fortsatt ' + str(new) if bump == 'none' else 'senket til ' + str(new)}. Endring: {first}{more}",
            f"Sett `version: \"{suggestion}\"`." if suggestion else "Øk versjonsnummeret.", ("version",)))
    elif bump == "patch" and needed == "minor":
        old, new = before.get("version"), after.get("version")
        substantive = next(ch for ch in content if ch.bump == "minor").sentence.text()
        out.append(R_BUMP.at(entry.file, entry.doc.position(("version",)),
            f"{_name(entry)} går fra versjon {old} til {new}, men endringen er mer enn redaksjonell: {substantive}",
            f"Sett `version: \"{_suggest(old, 'minor')}\"`.", ("version",)))
    if after.get("status") == "adopted" and after.get("decision") == before.get("decision"):
        out.append(R_RENEW.at(entry.file, entry.doc.position(("status",)),
            f"{_name(entry)} er endret, men står fortsatt som vedtatt etter vedtaket "
            f"`{before.get('decision')}`, som gjaldt versjon {before.get('version')}.",
            "Sett `status: submitted` (eller `draft`) til OSO har vedtatt endringen, eller vis til det nye "
            "vedtaket med `decision`.", ("status",)))
    return out


def _suggest(version, needed: str) -> str | None:
    parsed = parse_version(version)
    if parsed is None:
        return None
    major, minor, patch = parsed
    return f"{major}.{minor + 1}.0" if needed == "minor" else f"{major}.{minor}.{patch + 1}"


def _adopted_status_or_dates(doc, before: dict, after: dict) -> list[Finding]:
    out = []
    entry = doc.after
    bump = bump_kind(before.get("version"), after.get("version"))
    status = after.get("status")
    if status in ("draft", "submitted") and bump in ("none", "lower", "unknown") and not doc.content_changes:
        out.append(R_REVERTED.at(entry.file, entry.doc.position(("status",)),
            f"{_name(entry)} er vedtatt i versjon {before.get('version')} etter vedtaket `{before.get('decision')}`, "
            f"men har fått status {STATUS_NB.get(status, status)} uten ny versjon. Den vedtatte versjonen gjelder "
            "fortsatt; bare et vedtak i OSO kan oppheve den.",
            "Sett `status: adopted` og `decision` tilbake. Skal prosedyren revideres, øk versjonen; skal den "
            "ikke lenger gjelde, registrer et vedtak med `repeals` og sett `status: repealed`.", ("status",)))
    if status == "adopted" and after.get("decision") == before.get("decision"):
        for key, label in (("effective", "startdatoen (gjelder fra)"), ("review_by", "revisjonsdatoen")):
            if before.get(key) != after.get(key):
                path = (key,) if key in after else ("status",)
                out.append(R_DATES.at(entry.file, entry.doc.position(path),
                    f"I {_name(entry)} er {label} endret fra {before.get(key) or 'ingen'} til {after.get(key) or 'ingen'}, "
                    f"men prosedyren viser fortsatt til vedtaket `{before.get('decision')}`, som fastsatte den.",
                    f"Sett `{key}` tilbake til det OSO vedtok, eller vis til et nytt vedtak som endrer datoen.", path))
    return out


def _submitted_or_adopting(doc, before: dict, after: dict) -> list[Finding]:
    out = []
    entry = doc.after
    was, now = before.get("status"), after.get("status")
    first, more = _first(doc.content_changes), ""
    if was == "submitted" and now == "submitted" and bump_kind(before.get("version"), after.get("version")) in (
            "none", "lower"):
        old = before.get("version")
        suggestion = _suggest(old, doc.needed_bump)
        out.append(R_SUBMITTED.at(entry.file, entry.doc.position(("version",)),
            f"{_name(entry)} er til behandling i versjon {old}, og innholdet er endret uten nytt versjonsnummer. "
            f"Endring: {first}{more}",
            (f"Sett `version: \"{suggestion}\"`, så OSO ser at teksten til behandling er ny." if suggestion
             else "Øk versjonsnummeret."), ("version",)))
    if was in ("draft", "submitted") and now == "adopted":
        out.append(R_ADOPT_CHANGED.at(entry.file, entry.doc.position(("status",)),
            f"{_name(entry)} registreres som vedtatt, og innholdet endres i den samme endringen: {first}{more}",
            "Registrer vedtaket for teksten som lå til behandling, og legg endringen fram som en ny versjon "
            "i en egen pull request.", ("status",)))
    return out


def _party_name(entry: Entry) -> str:
    name = entry.data.get("name")
    return f"{name} ({entry.id})" if isinstance(name, str) else entry.id


def _parties_changed(comparison) -> list[Finding]:
    """Parties added, removed or renumbered, with a merger recognised from `previous_numbers`."""
    added = [d for d in comparison.docs if d.kind == "party" and d.status in ("added", "renamed") and d.after]
    removed = {d.before.id: d for d in comparison.docs if d.kind == "party" and d.status == "removed" and d.before}
    renamed_from = {d.old_id: d for d in added if d.status == "renamed" and d.old_id}
    out, explained = [], set()
    for doc in added:
        entry = doc.after
        previous = [n for n in entry.data.get("previous_numbers") or [] if isinstance(n, str)]
        merged = [n for n in previous if n in removed or n in renamed_from]
        if merged:
            explained |= set(merged)
            names = " og ".join(_party_name((removed[n].before if n in removed else renamed_from[n].before))
                                for n in merged)
            message = (f"{names} slås sammen til {_party_name(entry)} (kjent igjen på `previous_numbers`). "
                       "Det endrer hvem avtalen binder.")
        elif doc.status == "renamed":
            explained.add(doc.old_id)
            message = (f"Parten `{doc.old_id}` får id `{doc.id}` ({_party_name(entry)}), uten at det gamle "
                       "nummeret står i `previous_numbers`. Det endrer hvem avtalen binder.")
        else:
            message = f"{_party_name(entry)} blir part i avtalen. Det endrer hvem avtalen binder."
        out.append(R_PARTIES.at(entry.file, (1, 1), message,
            "Dette krever vedtak i OSO og en avtale signert av parten; vis til vedtaket i pull-requesten.", ()))
    for number, doc in removed.items():
        if number in explained:
            continue
        out.append(R_PARTIES.at(doc.before.file, (1, 1),
            f"{_party_name(doc.before)} er ikke lenger part i avtalen. Det endrer hvem avtalen binder.",
            "Dette krever vedtak i OSO; er kommunen slått sammen med en annen, før opp det gamle nummeret under "
            "`previous_numbers` i den nye kommunen.", ()))
    return out
