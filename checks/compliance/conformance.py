"""Conformance: did the real message traffic follow the chain? (`samhandling samsvar LOG...`)

DuckDB reads the pseudonymised logs (CSV or Parquet) where they lie and does the per-case work
in SQL. The obligations come from the model, never from this file: which messages are due
around each logged event (the chain graph's dominators, see `chain.Chain.obligations`), the
deadlines of the chain's steps, the routes (message type, sender and receiver address) each
pathway allows, which message types take an AppRec, and the declared path obligations
(`rules.paths`), evaluated with the same semantics as `paths.holds_on_trace`.

Scope: an obligation applies to a stay (case) that has the event `ready_for_discharge`, since
only that tells the log the patient went the chain's municipal way; constraints that need the
end of the stay (response, existence, at least once) apply only when `discharged` is logged.
Several logged events of one kind count from the first. Two rows of one stay with the same
timestamp happened at the same moment: no order between them is reported as broken.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..model import masking
from ..model.findings import ERROR, WARNING, rule
from ..model.repository import Repository
from ..model.vocabulary import STATUS_NB
from ..rules import privacy
from .chain import LOG_EVENT_NB, MODEL_EVENTS, Chain, load_chain, parties

REQUIRED_COLUMNS = ("case_id", "message_type", "sender_party", "sender_address", "receiver_party",
                    "receiver_address", "sent_at", "apprec_status")
OPTIONAL_COLUMNS = ("event",)
EVENTS = ("admitted", "ready_for_discharge", "discharged")
SAMPLE_FIRST = 2000
SAMPLE_RESERVOIR = 20000
FORMAT_VERSION = 1

R_MISSING = rule("samsvar.missing", ERROR, "Påkrevd melding mangler",
    """Oppholdet har en hendelse (for eksempel at pasienten er meldt utskrivningsklar) som etter
    meldingskjeden krever en melding, men loggen har ingen slik melding fra riktig part. Hvilke
    meldinger som kreves, følger av grafen: meldinger som ligger på hver vei fram til hendelsen,
    eller på hver vei fra hendelsen til neste hendelse eller slutt.""")
R_DEADLINE = rule("samsvar.deadline", ERROR, "Fristen er oversittet",
    """Den første meldingen av typen etter hendelsen fristen regnes fra, ble sendt etter fristen
    i meldingskjeden. Detaljen sier hvor mye for sent. `same_day` løper ut ved midnatt norsk tid;
    timer regnes som medgått tid, også over sommertid og vintertid.""")
R_PATH = rule("samsvar.path", ERROR, "Forløpskrav er brutt",
    """Et forløpskrav (`constraints` i modellen, for eksempel at en melding bare sendes etter en
    annen) holder ikke i rekkefølgen loggen viser for oppholdet.""")
R_ADDRESS = rule("samsvar.address", ERROR, "Melding til en adresse kjeden ikke tillater",
    """Meldingen gikk mellom tjenesteadresser som meldingskjeden ikke bruker for meldingstypen i
    oppholdets forløp (somatikk eller psykiatri), for eksempel helseopplysninger til
    sykepleietjenesten i stedet for saksbehandler.""")
R_APPREC_MISSING = rule("samsvar.apprec-missing", ERROR, "Ingen applikasjonskvittering",
    """Meldingstypen skal ha applikasjonskvittering (AppRec), men loggen viser ingen. Følg rutinen
    for manglende eller negativ kvittering.""")
R_APPREC_NEGATIVE = rule("samsvar.apprec-negative", ERROR, "Negativ applikasjonskvittering",
    """Mottakeren svarte med AppRec-status 2 (avvist) eller 3 (OK, men feil i en delmelding).""")
R_UNKNOWN = rule("samsvar.unknown", WARNING, "Ukjent meldingstype eller part",
    """Meldingstypen finnes ikke i meldingskatalogen, eller avsender eller mottaker er ikke en
    part i `procedures/parties/`. Meldingen kan ikke vurderes mot kjeden.""")

KIND_NB = {
    "samsvar.missing": "manglende melding",
    "samsvar.deadline": "oversittet frist",
    "samsvar.path": "brutt forløpskrav",
    "samsvar.address": "feil adresse",
    "samsvar.apprec-missing": "manglende AppRec",
    "samsvar.apprec-negative": "negativ AppRec",
    "samsvar.unknown": "ukjent type eller part",
}
KINDS = tuple(KIND_NB)


class LogError(Exception):
    """A log that cannot be used: one Norwegian message, nothing written (exit 2)."""


@dataclass
class Report:
    files: list
    chain: dict
    totals: dict
    parties: list
    message_types: list
    months: list
    violations: list
    notes: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"format": FORMAT_VERSION, "files": self.files, "chain": self.chain, "totals": self.totals,
                "parties": self.parties, "message_types": self.message_types, "months": self.months,
                "violations": self.violations, "notes": self.notes}


# -- reading --------------------------------------------------------------------------------------


def connect(threads: int | None = None, memory_limit: str | None = None, temp_dir: str | None = None):
    """An in-memory DuckDB that never installs or fetches anything, in Norwegian time. With a
    memory limit, DuckDB spills what does not fit to `temp_dir` (a fresh folder by default)."""
    import duckdb
    config = {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false",
              "enable_external_access": "true"}
    # with a memory limit the tables live in a database file in the spill folder, so the limit
    # bounds the buffer pool; without one everything stays in memory
    database = str(Path(temp_dir) / "samsvar.duckdb") if (memory_limit and temp_dir) else ":memory:"
    con = duckdb.connect(database, config=config)
    con.execute("SET TimeZone = 'Europe/Oslo'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        import re
        if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", memory_limit.strip(), re.I):
            raise LogError(f"ugyldig minnegrense `{memory_limit}`: skriv for eksempel 2GB eller 512MB")
        con.execute(f"SET memory_limit = '{memory_limit.strip()}'")
        con.execute("SET preserve_insertion_order = false")
    if temp_dir:
        con.execute(f"SET temp_directory = {_quote(temp_dir)}")
    return con


def _quote(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join(_quote(p.as_posix()) for p in paths) + "]"


def _error_nb(exc: Exception, path: str) -> LogError:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    low = text.lower()
    if "magic" in low or "parquet" in low or "footer" in low:
        why = "kan ikke leses som Parquet (filen er avkuttet eller ødelagt)"
    elif "unterminated" in low or "quote" in low:
        why = "har et felt med anførselstegn som aldri lukkes (filen er trolig avkuttet)"
    elif "column" in low or "expected" in low or "sniff" in low or "csv" in low:
        why = "kan ikke leses som CSV: en rad har feil antall kolonner (filen er trolig avkuttet eller ødelagt)"
    elif "utf" in low or "unicode" in low or "encoding" in low:
        why = "er ikke gyldig UTF-8"
    else:
        why = "kan ikke leses"
    return LogError(f"loggen `{path}` {why}. Teknisk detalj: {text[:300]}")


def open_logs(con, files: list[Path]) -> None:
    """A view `raw` over every file, all columns as text, after checking the files exist and
    have the required columns."""
    csvs, parquets = [], []
    for f in files:
        if not f.is_file():
            raise LogError(f"loggen `{f}` finnes ikke")
        if f.stat().st_size == 0:
            raise LogError(f"loggen `{f}` er tom (0 byte)")
        (parquets if f.suffix.lower() in (".parquet", ".pq") else csvs).append(f)
    parts = []
    for group, reader in ((csvs, "csv"), (parquets, "parquet")):
        for f in group:
            cols = _columns(con, f, reader)
            missing = [c for c in REQUIRED_COLUMNS if c not in cols]
            if missing:
                raise LogError(f"loggen `{f}` mangler kolonnen " + ", ".join(f"`{c}`" for c in missing)
                               + ". Kolonnene som kreves: " + ", ".join(REQUIRED_COLUMNS)
                               + " (og eventuelt `event`).")
        if group:
            if reader == "csv":
                source = (f"read_csv({_sql_list(group)}, header = true, all_varchar = true, union_by_name = true, "
                          "strict_mode = true, null_padding = false, auto_detect = true)")
            else:
                source = f"read_parquet({_sql_list(group)}, union_by_name = true)"
            parts.append(f"SELECT * FROM {source}")
    con.execute("CREATE OR REPLACE VIEW raw_all AS " + " UNION ALL BY NAME ".join(parts))
    has_event = all("event" in _columns(con, f, "parquet" if f in parquets else "csv") for f in files)
    select = ", ".join(f"CAST({c} AS VARCHAR) AS {c}" for c in REQUIRED_COLUMNS)
    select += ", CAST(event AS VARCHAR) AS event" if has_event else ", CAST(NULL AS VARCHAR) AS event"
    con.execute(f"CREATE OR REPLACE VIEW raw AS SELECT {select} FROM raw_all")


_COLUMN_CACHE: dict = {}


def _columns(con, f: Path, reader: str) -> list[str]:
    key = (str(f), reader, f.stat().st_mtime_ns)
    if key not in _COLUMN_CACHE:
        try:
            if reader == "csv":
                rows = con.execute(f"DESCRIBE SELECT * FROM read_csv({_quote(f.as_posix())}, header = true, "
                                   "all_varchar = true, strict_mode = true)").fetchall()
            else:
                rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({_quote(f.as_posix())})").fetchall()
        except Exception as exc:  # duckdb.Error and its kin
            raise _error_nb(exc, str(f)) from None
        _COLUMN_CACHE[key] = [r[0] for r in rows]
    return _COLUMN_CACHE[key]


def guard_personal_ids(con) -> None:
    """Refuse a log whose sampled values include a valid fødselsnummer, D-, H- or FH-number (the
    same check digits as the repository guard). The message names the column and the kind of
    number, never the number itself."""
    try:
        cols = [r[0] for r in con.execute("DESCRIBE SELECT * FROM raw_all").fetchall()]
        select = ", ".join(f'CAST("{c.replace(chr(34), chr(34) * 2)}" AS VARCHAR)' for c in cols)
        rows = con.execute(f"SELECT {select} FROM raw_all LIMIT {SAMPLE_FIRST}").fetchall()
        rows += con.execute(f"SELECT {select} FROM raw_all USING SAMPLE reservoir({SAMPLE_RESERVOIR} ROWS) "
                            "REPEATABLE (16)").fetchall()
    except Exception as exc:
        raise _error_nb(exc, "raw") from None
    # case_id is checked in full, not only in the sample: only values with a long run of digits
    # (spaces and dots allowed between them) come back to be checked digit by digit
    if "case_id" in cols:
        try:
            suspects = con.execute(r"""SELECT DISTINCT CAST(case_id AS VARCHAR) FROM raw_all
                                       WHERE regexp_matches(CAST(case_id AS VARCHAR), '[0-9][0-9 .]{9,}[0-9]')
                                       LIMIT 100000""").fetchall()
        except Exception as exc:
            raise _error_nb(exc, "raw") from None
        rows = rows + [tuple(v[0] if c == "case_id" else None for c in cols) for v in suspects]
    for i, col in enumerate(cols):
        values = [r[i] for r in rows if r[i]]
        if not values:
            continue
        found = privacy.scan_text(f"<logg:{col}>", "\n".join(values))
        if found:
            kind = found[0].message.split("gyldig ", 1)[-1].split(" (", 1)[0]
            what = "pseudonymet `case_id`" if col == "case_id" else f"kolonnen `{col[:60]}`"
            raise LogError(f"loggen avvises: {what} inneholder et gyldig {kind} (kontrollsifrene stemmer). "
                           "Loggen skal bare ha pseudonymer; ingenting er lest inn eller skrevet. "
                           "Pseudonymiser loggen og prøv igjen.")


_OFFSET = r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)$"


def load_typed(con) -> int:
    """The table `log` with typed columns, after checking every value's type. Returns the row count."""
    try:
        con.execute(f"""
            CREATE OR REPLACE TABLE log AS
            SELECT row_number() OVER () AS rid,
                   NULLIF(trim(case_id), '') AS case_id,
                   NULLIF(trim(message_type), '') AS message_type,
                   NULLIF(trim(sender_party), '') AS sender_party,
                   NULLIF(trim(sender_address), '') AS sender_address,
                   NULLIF(trim(receiver_party), '') AS receiver_party,
                   NULLIF(trim(receiver_address), '') AS receiver_address,
                   NULLIF(trim(sent_at), '') AS sent_raw,
                   TRY_CAST(NULLIF(trim(sent_at), '') AS TIMESTAMPTZ) AS ts,
                   NULLIF(trim(apprec_status), '') AS apprec_raw,
                   NULLIF(trim(event), '') AS event
            FROM raw""")
        n = con.execute("SELECT count(*) FROM log").fetchone()[0]
    except Exception as exc:
        raise _error_nb(exc, "raw") from None
    if n == 0:
        raise LogError("loggen har ingen rader (bare overskriften)")
    checks = [
        ("case_id", "case_id IS NULL", "tom `case_id`"),
        ("sent_at", f"sent_raw IS NULL OR ts IS NULL OR NOT regexp_matches(sent_raw, '{_OFFSET}')",
         "`sent_at` er ikke et ISO 8601-tidspunkt med forskyvning (for eksempel 2025-03-07T15:30:00+01:00)"),
        ("apprec_status", "apprec_raw IS NOT NULL AND apprec_raw NOT IN ('1', '2', '3')",
         "`apprec_status` er ikke 1, 2, 3 eller tom"),
        ("event", f"event IS NOT NULL AND event NOT IN ({', '.join(map(_quote, EVENTS))})",
         "`event` er ikke en av " + ", ".join(EVENTS)),
        ("message_type", "(message_type IS NULL) = (event IS NULL)",
         "en rad skal ha enten `message_type` (en melding) eller `event` (en hendelse), ikke begge eller ingen"),
        ("sender_party", "message_type IS NOT NULL AND (sender_party IS NULL OR receiver_party IS NULL "
                         "OR sender_address IS NULL OR receiver_address IS NULL)",
         "en melding mangler avsender eller mottaker (part og adresse)"),
    ]
    for col, cond, what in checks:
        bad, first, example = con.execute(
            f"SELECT count(*), min(rid), arg_min({ 'sent_raw' if col == 'sent_at' else 'apprec_raw' if col == 'apprec_status' else 'event' if col == 'event' else 'NULL' }, rid) "
            f"FROM log WHERE {cond}").fetchone()
        if bad:
            shown = f" (verdi: «{str(example)[:40]}»)" if example is not None and col in ("sent_at", "apprec_status", "event") else ""
            raise LogError(f"feil type i loggen: {what}; første gang i rad {first} av dataene{shown}, "
                           f"{bad} {'rad' if bad == 1 else 'rader'} i alt. Ingenting er skrevet.")
    return n


# -- the model as tables --------------------------------------------------------------------------


def model_tables(con, repo: Repository, chain: Chain) -> dict:
    """Load the model's facts into small tables the SQL joins with."""
    ps = parties(repo)
    con.execute("CREATE OR REPLACE TABLE parties (party VARCHAR, role VARCHAR, name VARCHAR)")
    con.executemany("INSERT INTO parties VALUES (?, ?, ?)", [(pid, p["role"], p["name"]) for pid, p in ps.items()])
    types = chain.message_types
    con.execute("CREATE OR REPLACE TABLE mtypes (message_type VARCHAR, name VARCHAR, apprec BOOLEAN)")
    con.executemany("INSERT INTO mtypes VALUES (?, ?, ?)",
                    [(tid, t.get("name", tid), bool(t.get("apprec"))) for tid, t in types.items()])
    con.execute("CREATE OR REPLACE TABLE routes (pathway VARCHAR, message_type VARCHAR, s_role VARCHAR, "
                "s_addr VARCHAR, r_role VARCHAR, r_addr VARCHAR)")
    routes = sorted(chain.allowed_routes())
    con.executemany("INSERT INTO routes VALUES (?, ?, ?, ?, ?, ?)", routes)
    pathways = list(chain.pathways) or [""]
    con.execute("CREATE OR REPLACE TABLE pathways (pathway VARCHAR, rank INTEGER)")
    con.executemany("INSERT INTO pathways VALUES (?, ?)", [(p, i) for i, p in enumerate(pathways)])

    # obligations: (event, message_type, sender role, step)
    obligations = []
    for ev, due in chain.obligations().items():
        for sid in due["before"] + due["after"]:
            st = chain.step(sid)
            obligations.append((ev, st.get("message_type"), (st.get("from") or {}).get("party"), sid))
    con.execute("CREATE OR REPLACE TABLE obligations (event VARCHAR, message_type VARCHAR, s_role VARCHAR, step VARCHAR)")
    if obligations:
        con.executemany("INSERT INTO obligations VALUES (?, ?, ?, ?)", sorted(set(obligations)))

    # deadlines: anchored on a logged event
    step_event = {chain.event_step(ev): ev for ev in EVENTS if chain.event_step(ev)}
    deadlines, skipped = [], []
    for d in chain.deadlines():
        ev = step_event.get(d["from"])
        st = chain.step(d["step"])
        if ev is None or d["kind"] == "setting":
            skipped.append(d)
            continue
        deadlines.append((d["step"], d["message_type"], (st.get("from") or {}).get("party"), ev, d["kind"],
                          d["within"] or "", (d["rule"] or {}).get("title", ""), (d["rule"] or {}).get("status", "confirmed")))
    con.execute("CREATE OR REPLACE TABLE deadlines (step VARCHAR, message_type VARCHAR, s_role VARCHAR, event VARCHAR, "
                "kind VARCHAR, within VARCHAR, rule_title VARCHAR, rule_status VARCHAR)")
    if deadlines:
        con.executemany("INSERT INTO deadlines VALUES (?, ?, ?, ?, ?, ?, ?, ?)", deadlines)
    return {"deadlines": deadlines, "skipped_deadlines": skipped, "obligations": obligations}


def _interval(iso: str) -> str:
    """An ISO 8601 duration as a DuckDB interval: days on the calendar, hours elapsed (as in the scenarios)."""
    import re
    m = re.match(r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$", iso or "")
    w, d, h, mi = (int(x or 0) for x in m.groups()) if m else (0, 0, 0, 0)
    return f"INTERVAL '{7 * w + d} days' + INTERVAL '{h} hours' + INTERVAL '{mi} minutes'"


# -- the per-case work ----------------------------------------------------------------------------


def analyse(con, repo: Repository, chain: Chain) -> dict:
    facts = model_tables(con, repo, chain)
    ev_map = ", ".join(f"({_quote(k)}, {_quote(v)})" for k, v in MODEL_EVENTS.items())
    con.execute(f"""
        CREATE OR REPLACE TABLE msg AS
        SELECT l.*, sp.role AS s_role, rp.role AS r_role,
               CASE WHEN sp.role = 'municipality' THEN l.sender_party
                    WHEN rp.role = 'municipality' THEN l.receiver_party END AS kommune,
               mt.apprec AS needs_apprec, mt.message_type IS NOT NULL AS known_type
        FROM log l
        LEFT JOIN parties sp ON sp.party = l.sender_party
        LEFT JOIN parties rp ON rp.party = l.receiver_party
        LEFT JOIN mtypes mt ON mt.message_type = l.message_type
        WHERE l.message_type IS NOT NULL""")
    con.execute(f"""
        CREATE OR REPLACE TABLE cases AS
        WITH ev AS (
            SELECT case_id,
                   min(ts) FILTER (WHERE event = 'admitted') AS admitted,
                   min(ts) FILTER (WHERE event = 'ready_for_discharge') AS ready_for_discharge,
                   min(ts) FILTER (WHERE event = 'discharged') AS discharged,
                   min(ts) AS first_ts
            FROM log GROUP BY case_id),
        k AS (
            SELECT case_id, mode(kommune) AS kommune, count(*) AS messages
            FROM msg WHERE kommune IS NOT NULL GROUP BY case_id),
        pw AS (
            SELECT m.case_id, p.pathway, p.rank,
                   count(*) FILTER (WHERE r.pathway IS NOT NULL) AS allowed
            FROM msg m CROSS JOIN pathways p
            LEFT JOIN routes r ON r.pathway = p.pathway AND r.message_type = m.message_type
                AND r.s_role = m.s_role AND r.s_addr = m.sender_address
                AND r.r_role = m.r_role AND r.r_addr = m.receiver_address
            GROUP BY m.case_id, p.pathway, p.rank),
        best AS (
            SELECT case_id, arg_min(pathway, (-allowed, rank)) AS pathway FROM pw GROUP BY case_id)
        SELECT ev.*, k.kommune, coalesce(k.messages, 0) AS messages,
               coalesce(best.pathway, (SELECT pathway FROM pathways ORDER BY rank LIMIT 1)) AS pathway,
               strftime(ev.first_ts, '%Y-%m') AS month,
               ev.ready_for_discharge IS NOT NULL AS in_scope,
               ev.discharged IS NOT NULL AS complete
        FROM ev LEFT JOIN k USING (case_id) LEFT JOIN best USING (case_id)""")

    con.execute("""
        CREATE OR REPLACE TABLE violations (case_id VARCHAR, rule VARCHAR, message_type VARCHAR,
            detail VARCHAR, kommune VARCHAR, month VARCHAR, late_seconds DOUBLE, rid BIGINT)""")

    # unknown message type or party
    con.execute("""
        INSERT INTO violations
        SELECT case_id, 'samsvar.unknown', message_type,
               CASE WHEN NOT known_type THEN 'meldingstypen `' || message_type || '` finnes ikke i katalogen'
                    WHEN s_role IS NULL THEN 'avsenderen `' || sender_party || '` er ikke en kjent part'
                    ELSE 'mottakeren `' || receiver_party || '` er ikke en kjent part' END,
               kommune, strftime(ts, '%Y-%m'), NULL, rid
        FROM msg WHERE NOT known_type OR s_role IS NULL OR r_role IS NULL""")

    # addresses outside the routes of the case's pathway
    con.execute("""
        INSERT INTO violations
        SELECT m.case_id, 'samsvar.address', m.message_type,
               'sendt fra `' || m.sender_address || '` til `' || m.receiver_address || '`'
               || coalesce('; kjeden bruker ' || (
                    SELECT string_agg(DISTINCT '`' || r2.s_addr || '` → `' || r2.r_addr || '`', ', ')
                    FROM routes r2 WHERE r2.pathway = c.pathway AND r2.message_type = m.message_type
                      AND r2.s_role = m.s_role), '; kjeden bruker ikke meldingstypen i denne retningen')
               || CASE WHEN c.pathway <> '' THEN ' i forløpet ' || c.pathway ELSE '' END,
               m.kommune, strftime(m.ts, '%Y-%m'), NULL, m.rid
        FROM msg m JOIN cases c USING (case_id)
        WHERE m.known_type AND m.s_role IS NOT NULL AND m.r_role IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM routes r WHERE r.pathway = c.pathway AND r.message_type = m.message_type
                AND r.s_role = m.s_role AND r.s_addr = m.sender_address
                AND r.r_role = m.r_role AND r.r_addr = m.receiver_address)""")

    # AppRec
    con.execute("""
        INSERT INTO violations
        SELECT case_id,
               CASE WHEN apprec_raw IS NULL THEN 'samsvar.apprec-missing' ELSE 'samsvar.apprec-negative' END,
               message_type,
               CASE WHEN apprec_raw IS NULL THEN 'ingen applikasjonskvittering for meldingen sendt ' || sent_raw
                    WHEN apprec_raw = '2' THEN 'applikasjonskvittering med status 2 (avvist) for meldingen sendt ' || sent_raw
                    ELSE 'applikasjonskvittering med status 3 (OK, feil i delmelding) for meldingen sendt ' || sent_raw END,
               kommune, strftime(ts, '%Y-%m'), NULL, rid
        FROM msg WHERE needs_apprec AND (apprec_raw IS NULL OR apprec_raw IN ('2', '3'))""")

    # missing obligated messages: once per case and message, named after the earliest event requiring it
    con.execute("""
        INSERT INTO violations
        SELECT case_id, 'samsvar.missing', message_type, detail, kommune, month, NULL, NULL FROM (
            SELECT DISTINCT ON (c.case_id, o.message_type, o.s_role) c.case_id, o.message_type,
                   'ingen melding `' || o.message_type || '` fra '
                   || CASE o.s_role WHEN 'municipality' THEN 'kommunen' ELSE 'sykehuset' END
                   || ' (steg `' || o.step || '`), påkrevd når oppholdet har hendelsen `' || o.event || '`' AS detail,
                   c.kommune,
                   strftime(CASE o.event WHEN 'admitted' THEN c.admitted WHEN 'ready_for_discharge' THEN c.ready_for_discharge
                                        ELSE c.discharged END, '%Y-%m') AS month
            FROM cases c JOIN obligations o ON (
                  (o.event = 'admitted' AND c.admitted IS NOT NULL)
               OR (o.event = 'ready_for_discharge' AND c.ready_for_discharge IS NOT NULL)
               OR (o.event = 'discharged' AND c.discharged IS NOT NULL))
            WHERE c.in_scope
              AND NOT EXISTS (SELECT 1 FROM msg m WHERE m.case_id = c.case_id AND m.message_type = o.message_type
                              AND m.s_role = o.s_role)
            ORDER BY c.case_id, o.message_type, o.s_role,
                     CASE o.event WHEN 'admitted' THEN 0 WHEN 'ready_for_discharge' THEN 1 ELSE 2 END, o.step)""")

    # deadlines: the first message of the type from the right side at or after the anchor
    deadline_rows = []
    for step, mt, s_role, ev, kind, within, title, status in facts["deadlines"]:
        due = ("date_trunc('day', a.anchor) + INTERVAL 1 DAY" if kind == "same_day"
               else f"a.anchor + {_interval(within)}")
        deadline_rows.append(f"""
            SELECT a.case_id, {_quote(step)} AS step, {_quote(mt)} AS message_type, {_quote(kind)} AS kind,
                   {_quote(ev)} AS event, a.anchor, {due} AS due,
                   (SELECT min(m.ts) FROM msg m WHERE m.case_id = a.case_id AND m.message_type = {_quote(mt)}
                       AND m.s_role = {_quote(s_role)} AND m.ts >= a.anchor) AS sent,
                   a.kommune
            FROM (SELECT case_id, {ev} AS anchor, kommune FROM cases WHERE {ev} IS NOT NULL AND in_scope) a""")
    if deadline_rows:
        con.execute("CREATE OR REPLACE TABLE measured AS " + " UNION ALL ".join(deadline_rows))
    else:
        con.execute("CREATE OR REPLACE TABLE measured (case_id VARCHAR, step VARCHAR, message_type VARCHAR, "
                    "kind VARCHAR, event VARCHAR, anchor TIMESTAMPTZ, due TIMESTAMPTZ, sent TIMESTAMPTZ, kommune VARCHAR)")
    con.execute("""
        INSERT INTO violations
        SELECT case_id, 'samsvar.deadline', message_type,
               'sendt ' || strftime(sent, '%Y-%m-%d %H:%M') || ', ' || format_late(epoch(sent) - epoch(due))
               || ' etter fristen ' || strftime(due, '%Y-%m-%d %H:%M')
               || CASE kind WHEN 'same_day' THEN ' (samme dag som `' ELSE ' (regnet fra `' END || event || '`, steg `' || step || '`)',
               kommune, strftime(anchor, '%Y-%m'), epoch(sent) - epoch(due), NULL
        FROM measured WHERE sent IS NOT NULL AND sent >= due""")

    path_notes = _path_constraints(con, repo, chain)
    return {"facts": facts, "path_notes": path_notes}


def _late_macro(con) -> None:
    con.execute("""
        CREATE OR REPLACE MACRO format_late(s) AS
        CASE WHEN s < 60 THEN CAST(CAST(s AS BIGINT) AS VARCHAR) || ' s'
             WHEN s < 3600 THEN CAST(CAST(floor(s / 60) AS BIGINT) AS VARCHAR) || ' min'
             WHEN s < 86400 THEN CAST(CAST(floor(s / 3600) AS BIGINT) AS VARCHAR) || ' t '
                  || CAST(CAST(floor((s % 3600) / 60) AS BIGINT) AS VARCHAR) || ' min'
             ELSE CAST(CAST(floor(s / 86400) AS BIGINT) AS VARCHAR) || ' d '
                  || CAST(CAST(floor((s % 86400) / 3600) AS BIGINT) AS VARCHAR) || ' t' END""")


def _selector_sql(sel: dict | None, chain: Chain) -> str | None:
    """SQL condition on a row of `trace` for a constraint selector (same meaning as
    `paths.item_matches`); None when a log cannot decide it."""
    if not sel:
        return None
    if "message_type" in sel:
        return f"message_type = {_quote(sel['message_type'])}"
    if "event" in sel:
        return f"mevent = {_quote(sel['event'])}"
    if "step" in sel and chain.has(sel["step"]):
        st = chain.step(sel["step"])
        if st.get("type") == "message":
            return f"message_type = {_quote(st.get('message_type'))}"
        if st.get("event"):
            return f"mevent = {_quote(st['event'])}"
        for ev in EVENTS:
            if chain.event_step(ev) == sel["step"]:
                return f"mevent = {_quote(MODEL_EVENTS[ev])}"
    return None


def _path_constraints(con, repo: Repository, chain: Chain) -> list[str]:
    try:
        from ..rules import paths
    except ImportError:  # pragma: no cover - before the path obligations landed
        return []
    constraints = paths.applicable(repo, chain.entry)
    ev_map = " ".join(f"WHEN {_quote(k)} THEN {_quote(v)}" for k, v in MODEL_EVENTS.items())
    con.execute(f"""
        CREATE OR REPLACE VIEW trace AS
        SELECT l.case_id, l.rid, l.ts AS pos, l.message_type, CASE l.event {ev_map} END AS mevent
        FROM log l WHERE l.case_id IN (SELECT case_id FROM cases WHERE in_scope)""")
    notes = []
    for c in constraints:
        a, b = _selector_sql(c.a, chain), _selector_sql(c.b, chain)
        if a is None or (c.kind in ("response", "precedence", "chain-response", "not-coexistence") and b is None):
            if c.kind != "possible":
                notes.append(f"Forløpskravet `{c.id}` kan ikke avgjøres fra loggen (det viser til svar eller steg "
                             "loggen ikke skiller).")
            continue
        title = c.title.replace("'", "''")
        types = {e.id: e for e in repo.of("message-type")}
        an = paths.describe(c.a, chain.pg, types).replace("'", "''")
        bn = paths.describe(c.b, chain.pg, types).replace("'", "''") if c.b else ""
        detail = None
        if c.kind == "response":
            cond, complete = f"nA > 0 AND (nB = 0 OR lastB < lastA)", True
            detail = f"{an} følges ikke av {bn}"
        elif c.kind == "precedence":
            cond, complete = f"nB > 0 AND (nA = 0 OR firstA > firstB)", False
            detail = f"{bn} kommer uten at {an} har kommet før"
        elif c.kind == "not-coexistence":
            cond, complete = "nA > 0 AND nB > 0", False
            detail = f"både {an} og {bn} finnes i oppholdet"
        elif c.kind == "existence":
            cond, complete = "nA = 0", True
            detail = f"{an} finnes ikke i oppholdet"
        elif c.kind == "absence":
            cond, complete = "nA > 0", False
            detail = f"{an} finnes i oppholdet"
        elif c.kind == "exactly-once":
            cond, complete = "nA > 1 OR (nA = 0 AND complete)", False
            detail = f"{an} finnes ikke nøyaktig én gang"
        elif c.kind == "chain-response":
            con.execute(f"""
                INSERT INTO violations
                SELECT t.case_id, 'samsvar.path', t.message_type,
                       'forløpskravet `{c.id}` («{title}») er brutt: det neste etter {an} er ikke {bn}',
                       cs.kommune, cs.month, NULL, t.rid
                FROM (SELECT *, lead(message_type) OVER w AS next_type, lead(mevent) OVER w AS next_event
                      FROM trace WINDOW w AS (PARTITION BY case_id ORDER BY pos, rid)) t
                JOIN cases cs USING (case_id)
                WHERE ({a}) AND NOT coalesce(({b.replace('message_type', 'next_type').replace('mevent', 'next_event')}), false)
                """)
            continue
        else:  # possible: not decidable on one case
            continue
        b_sql = b or "false"
        con.execute(f"""
            INSERT INTO violations
            SELECT s.case_id, 'samsvar.path', {_quote((c.b or c.a).get('message_type') or (c.a.get('message_type') or ''))},
                   'forløpskravet `{c.id}` («{title}») er brutt: {detail}', cs.kommune, cs.month, NULL, NULL
            FROM (SELECT case_id,
                         count(*) FILTER (WHERE {a}) AS nA, count(*) FILTER (WHERE {b_sql}) AS nB,
                         min(pos) FILTER (WHERE {a}) AS firstA, max(pos) FILTER (WHERE {a}) AS lastA,
                         min(pos) FILTER (WHERE {b_sql}) AS firstB, max(pos) FILTER (WHERE {b_sql}) AS lastB
                  FROM trace GROUP BY case_id) s
            JOIN cases cs USING (case_id)
            WHERE ({cond}) {"AND cs.complete" if complete else ""}""")
    return notes


# -- aggregates ------------------------------------------------------------------------------------


def aggregates(con) -> dict:
    kinds_sql = ", ".join(f"count(*) FILTER (WHERE rule = {_quote(k)}) AS \"{k}\"" for k in KINDS)
    one = lambda sql: con.execute(sql).fetchone()  # noqa: E731
    first_day, last_day = one("SELECT strftime(min(ts), '%Y-%m-%d'), strftime(max(ts), '%Y-%m-%d') FROM log")
    measured, met = one("SELECT count(*) FILTER (WHERE sent IS NOT NULL), "
                        "count(*) FILTER (WHERE sent IS NOT NULL AND sent < due) FROM measured")
    by_rule = dict(con.execute("SELECT rule, count(*) FROM violations GROUP BY rule").fetchall())
    totals = {"rows": one("SELECT count(*) FROM log")[0], "messages": one("SELECT count(*) FROM msg")[0],
              "events": one("SELECT count(*) FROM log WHERE event IS NOT NULL")[0],
              "cases": one("SELECT count(*) FROM cases")[0],
              "cases_in_scope": one("SELECT count(*) FROM cases WHERE in_scope")[0],
              "first_day": first_day, "last_day": last_day, "deadlines_measured": measured, "deadlines_met": met,
              "violations": sum(by_rule.values()), "by_rule": {k: by_rule.get(k, 0) for k in KINDS}}
    late = con.execute("SELECT median(late_seconds), max(late_seconds) FROM violations WHERE rule = 'samsvar.deadline'").fetchone()
    totals["late_median_seconds"], totals["late_max_seconds"] = late

    party_rows = con.execute(f"""
        WITH m AS (SELECT kommune, count(*) AS messages, count(DISTINCT case_id) AS cases,
                          count(*) FILTER (WHERE needs_apprec) AS apprec_expected
                   FROM msg WHERE kommune IS NOT NULL GROUP BY kommune),
             d AS (SELECT kommune, count(*) FILTER (WHERE sent IS NOT NULL) AS measured,
                          count(*) FILTER (WHERE sent IS NOT NULL AND sent < due) AS met
                   FROM measured WHERE kommune IS NOT NULL GROUP BY kommune),
             v AS (SELECT kommune, count(*) AS violations, {kinds_sql} FROM violations WHERE kommune IS NOT NULL GROUP BY kommune)
        SELECT p.party, p.name, coalesce(m.cases, 0), coalesce(m.messages, 0), coalesce(d.measured, 0), coalesce(d.met, 0),
               coalesce(v.violations, 0), {", ".join(f'coalesce(v."{k}", 0)' for k in KINDS)}
        FROM parties p LEFT JOIN m ON m.kommune = p.party LEFT JOIN d ON d.kommune = p.party
        LEFT JOIN v ON v.kommune = p.party
        WHERE p.role = 'municipality' AND (m.messages IS NOT NULL OR v.violations IS NOT NULL)
        ORDER BY p.party""").fetchall()
    party_table = [{"party": r[0], "name": r[1], "cases": r[2], "messages": r[3], "deadlines_measured": r[4],
                    "deadlines_met": r[5], "violations": r[6], "by_rule": {k: r[7 + i] for i, k in enumerate(KINDS)}}
                   for r in party_rows]

    type_rows = con.execute(f"""
        WITH m AS (SELECT message_type, count(*) AS messages FROM msg GROUP BY message_type),
             v AS (SELECT message_type, count(*) AS violations, {kinds_sql} FROM violations GROUP BY message_type)
        SELECT coalesce(m.message_type, v.message_type) AS t, coalesce(m.messages, 0), coalesce(v.violations, 0),
               {", ".join(f'coalesce(v."{k}", 0)' for k in KINDS)}
        FROM m FULL JOIN v ON v.message_type = m.message_type ORDER BY t""").fetchall()
    type_table = [{"message_type": r[0], "messages": r[1], "violations": r[2],
                   "by_rule": {k: r[3 + i] for i, k in enumerate(KINDS)}} for r in type_rows]

    month_rows = con.execute(f"""
        WITH m AS (SELECT strftime(mo, '%Y-%m') AS month, messages, apprec_expected FROM (
                       SELECT date_trunc('month', ts) AS mo, count(*) AS messages,
                              count(*) FILTER (WHERE needs_apprec) AS apprec_expected FROM msg GROUP BY 1)),
             d AS (SELECT strftime(anchor, '%Y-%m') AS month, count(*) FILTER (WHERE sent IS NOT NULL) AS measured,
                          count(*) FILTER (WHERE sent IS NOT NULL AND sent < due) AS met FROM measured GROUP BY 1),
             v AS (SELECT month, count(*) AS violations, {kinds_sql} FROM violations GROUP BY month)
        SELECT coalesce(m.month, d.month, v.month) AS mo, coalesce(m.messages, 0), coalesce(m.apprec_expected, 0),
               coalesce(d.measured, 0), coalesce(d.met, 0), coalesce(v.violations, 0),
               {", ".join(f'coalesce(v."{k}", 0)' for k in KINDS)}
        FROM m FULL JOIN d ON d.month = m.month FULL JOIN v ON v.month = coalesce(m.month, d.month)
        WHERE coalesce(m.month, d.month, v.month) IS NOT NULL ORDER BY mo""").fetchall()
    month_table = [{"month": r[0], "messages": r[1], "apprec_expected": r[2], "deadlines_measured": r[3],
                    "deadlines_met": r[4], "violations": r[5], "by_rule": {k: r[6 + i] for i, k in enumerate(KINDS)}}
                   for r in month_rows]

    violations = [{"case_id": r[0], "rule": r[1], "message_type": r[2], "detail": r[3], "kommune": r[4], "month": r[5]}
                  for r in con.execute("""SELECT case_id, rule, coalesce(message_type, ''), detail, kommune, month
                                          FROM violations ORDER BY case_id, rule, message_type, rid, detail""").fetchall()]
    return {"totals": totals, "parties": party_table, "message_types": type_table, "months": month_table,
            "violations": violations}


def run(repo: Repository, files: list[Path], chain_id: str = "standard-plo-kjede", threads: int | None = None,
        memory_limit: str | None = None) -> Report:
    import shutil
    import tempfile
    chain = load_chain(repo, chain_id)
    if chain is None:
        raise LogError(f"meldingskjeden `{chain_id}` finnes ikke i depotet (eller har feil); bruk --kjede ID")
    spill = tempfile.mkdtemp(prefix="samsvar-") if memory_limit else None
    try:
        return _run(repo, files, chain, threads, memory_limit, spill)
    finally:
        if spill:
            shutil.rmtree(spill, ignore_errors=True)


def _run(repo, files, chain, threads, memory_limit, spill) -> Report:
    con = connect(threads, memory_limit, spill)
    try:
        _late_macro(con)
        open_logs(con, files)
        guard_personal_ids(con)
        load_typed(con)
        extra = analyse(con, repo, chain)
        agg = aggregates(con)
    except LogError:
        raise
    except Exception as exc:  # duckdb.Error: a file that breaks while it is read
        raise _error_nb(exc, ", ".join(str(f) for f in files)) from None
    finally:
        con.close()
    notes = list(extra["path_notes"])
    for d in extra["facts"]["skipped_deadlines"]:
        if d["kind"] == "setting":
            notes.append(f"Fristen for steg `{d['step']}` settes av innstillingen `{d['setting']}` og er ikke målt.")
        else:
            notes.append(f"Fristen for steg `{d['step']}` regnes fra `{d['from']}`, som loggen ikke har som hendelse; "
                         "den er ikke målt.")
    status = chain.entry.data.get("status")
    return Report(files=[str(f) for f in files],
                  chain={"id": chain.id, "title": chain.title, "version": chain.entry.data.get("version"),
                         "status": status, "status_nb": STATUS_NB.get(status, status)},
                  totals=agg["totals"], parties=agg["parties"], message_types=agg["message_types"],
                  months=agg["months"], violations=agg["violations"], notes=notes)


def has_errors(report: Report) -> bool:
    from ..model.findings import RULES
    return any(RULES[k].severity == ERROR and n for k, n in report.totals["by_rule"].items())


# -- text ------------------------------------------------------------------------------------------


def _n(value) -> str:
    return f"{value:,}".replace(",", " ") if isinstance(value, int) else str(value)


def _pct(met: int, measured: int) -> str:
    """One decimal, rounded down: 100 % only when every deadline was met."""
    if not measured:
        return "–"
    tenths = (1000 * met) // measured
    return f"{tenths // 10},{tenths % 10} %"


def duration_nb(seconds) -> str:
    if seconds is None:
        return "–"
    s = int(seconds)
    if s < 3600:
        return f"{s // 60} min"
    if s < 86400:
        return f"{s // 3600} t {(s % 3600) // 60} min"
    return f"{s // 86400} d {(s % 86400) // 3600} t"


def render_text(report: Report, limit: int = 20) -> str:
    t = report.totals
    c = report.chain
    out = [f"Samsvar med meldingskjeden {c['title']} (`{c['id']}` {c['version']}, {c['status_nb']})",
           f"Logg: {len(report.files)} fil(er), {_n(t['rows'])} rader: {_n(t['messages'])} meldinger og "
           f"{_n(t['events'])} hendelser i {_n(t['cases'])} opphold ({_n(t['cases_in_scope'])} meldt utskrivningsklar), "
           f"{t['first_day']} til {t['last_day']}.",
           f"Frister: {_n(t['deadlines_measured'])} målt, {_n(t['deadlines_met'])} overholdt "
           f"({_pct(t['deadlines_met'], t['deadlines_measured'])}); sendt for sent: median {duration_nb(t['late_median_seconds'])}, "
           f"mest {duration_nb(t['late_max_seconds'])}.",
           f"Brudd i alt: {_n(t['violations'])}"]
    for k in KINDS:
        out.append(f"  {KIND_NB[k]:<24}{_n(t['by_rule'][k]):>10}  ({k})")
    out += ["", "Per kommune:"]
    head = f"  {'Kommune':<22}{'Opphold':>9}{'Meldinger':>11}{'Frister':>9}{'I tide':>9}{'Brudd':>8}"
    out.append(head)
    for p in report.parties:
        out.append(f"  {(p['name'] + ' (' + p['party'] + ')')[:22]:<22}{_n(p['cases']):>9}{_n(p['messages']):>11}"
                   f"{_n(p['deadlines_measured']):>9}{_pct(p['deadlines_met'], p['deadlines_measured']):>9}{_n(p['violations']):>8}")
    out += ["", "Per meldingstype:", f"  {'Meldingstype':<38}{'Meldinger':>11}{'Brudd':>8}"]
    for m in report.message_types:
        out.append(f"  {m['message_type'][:38]:<38}{_n(m['messages']):>11}{_n(m['violations']):>8}")
    out += ["", "Per måned:", f"  {'Måned':<9}{'Meldinger':>11}{'Frister':>9}{'I tide':>9}{'Uten AppRec':>13}{'Brudd':>8}"]
    for m in report.months:
        out.append(f"  {m['month']:<9}{_n(m['messages']):>11}{_n(m['deadlines_measured']):>9}"
                   f"{_pct(m['deadlines_met'], m['deadlines_measured']):>9}{_n(m['by_rule']['samsvar.apprec-missing']):>13}"
                   f"{_n(m['violations']):>8}")
    if report.violations:
        shown = report.violations[:limit]
        out += ["", f"Brudd (de {len(shown)} første av {_n(len(report.violations))}; alle med --format json):"]
        for v in shown:
            out.append(f"  {v['case_id']}  {v['rule']}  {v['message_type'] or '–'}: {v['detail']}")
    for note in report.notes:
        out.append(f"\nMerk: {note}")
    out.append("")
    out.append("Rapporten viser bare pseudonymer og tall; loggen er lest der den ligger, og ingenting er skrevet.")
    return "\n".join(out) + "\n"


def render_json(report: Report) -> str:
    return masking.dumps(report.as_dict(), indent=1) + "\n"  # strict, masked JSON (checks.model.masking)
