"""Deterministic synthetic message logs with a known, planted set of violations.

    python scripts/gen_logs.py --scope region --out logg.parquet --expected fasit.csv
    python scripts/gen_logs.py --scope country --out land.parquet --expected fasit.csv
    python scripts/gen_logs.py --cases 100000 --seed 7 --out logg.csv

Every stay follows one of the repository's scenarios (`scenarios/*.yaml`, walked with
`checks.compliance.scenario`), so the messages, their order, the parties' roles and the
service addresses come from the model; the timing is synthetic (hash of case number and seed)
and keeps every deadline. A fixed share of the stays gets exactly one planted fault of each kind
(a missing answer, a late early notice, a wrong address, a missing and a negative AppRec, a
broken path obligation, an unknown message type). The rows are generated inside DuckDB with SQL,
not row by row in Python. `--expected` writes the planted violations (case_id, rule,
message_type); `samhandling samsvar` on the log must find exactly those. The path violations
of the planted stays are computed with the path-obligation module's own trace evaluator
(`rules.paths.holds_on_trace`), independent of the SQL that `samsvar` runs.

Scopes: `region` is a year of the UNN area's kommuner in the repository (the default 40 000
stays, about 0.4 M rows); `country` is the order of the whole country's PLO traffic in a year
(1.2 M stays, about 12 M rows), drawn over the same kommuner, since the repository only has
these parties. Neither volume is a measured figure: they are sizes to test with.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.compliance import calendar as cal  # noqa: E402
from checks.compliance import scenario  # noqa: E402
from checks.compliance.chain import LOG_EVENTS, MODEL_EVENTS, load_chain, parties  # noqa: E402
from checks.compliance.conformance import connect  # noqa: E402
from checks.model.repository import load_repository  # noqa: E402
from checks.model.vocabulary import ALLOWED_ADDRESSES  # noqa: E402

SCOPES = {"region": 40_000, "country": 1_200_000}
# stays per scenario, in per mille; scenarios not named here get none
WEIGHTS = {"hverdag": 450, "jul": 150, "fredag-ettermiddag": 100, "sommertid": 100, "psykiatri-vintertid": 100,
           "ingen-tjenester": 100}
PLANT_RATE = 1000  # one stay in PLANT_RATE gets each kind of fault
PLANTS = ("missing", "late", "address", "apprec-missing", "apprec-negative", "path", "unknown")
UNKNOWN_TYPE = "ukjent-meldingstype"


def templates(root: Path, repo) -> tuple[list[tuple], dict]:
    """One row per message or logged event of each scenario's walk, with how its time is made."""
    rows, info = [], {}
    chain_id = None
    for path in scenario.scenario_files(root):
        sc = scenario.load(root, path)
        if sc.findings or sc.data.get("id") not in WEIGHTS:
            continue
        result, problems = scenario.compute(repo, sc.data, facts=False)
        if result is None:
            continue
        chain_id = chain_id or result["chain"]["id"]
        chain = load_chain(repo, result["chain"]["id"], sc.data.get("pathway"))
        logged = {chain.event_step(ev): ev for ev in LOG_EVENTS if chain.event_step(ev)}
        vid = sc.data["id"]
        seq, segment, phase, seen_rfd, day, extra = 0, 0, "T0", False, 0, 0
        by_step = {m["step"]: m for m in result["messages"]}
        for sid in result["path"]:
            st = chain.step(sid)
            if st.get("type") in ("start", "event"):
                ev = logged.get(sid)
                if ev == "ready_for_discharge":
                    phase, seen_rfd, day, extra = "RFD", True, 0, 0
                elif st.get("type") == "start":
                    phase = "T0"
                elif seen_rfd:  # a later event: the next day at 09:00, or two hours on when it is the discharge
                    if ev == "discharged" and phase == "DAY":
                        extra += 2
                    else:
                        phase, day, extra = "DAY", day + 1, 0
                else:
                    continue
                segment = 0
                if ev:
                    rows.append((vid, seq, sid, "event", ev, None, None, None, None, None, phase, day, extra, 0))
                    seq += 1
                continue
            m = by_step.get(sid)
            if m is None or st.get("type") != "message":
                continue
            segment += 1
            rows.append((vid, seq, sid, "message", None, m["message_type"], m["from"]["role"], m["from"]["address"],
                         m["to"]["role"], m["to"]["address"], phase, day, extra, 7 * segment))
            seq += 1
        info[vid] = {"pathway": sc.data.get("pathway"), "steps": [r[2] for r in rows if r[0] == vid]}
    if not rows:
        raise SystemExit("fant ingen scenarioer å lage logger fra under scenarios/")
    return rows, {"chain": chain_id, "variants": info}


def plant_targets(repo, chain_id: str, tmpl: list[tuple]) -> dict:
    """Which step each kind of fault is planted on, read from the model."""
    chain = load_chain(repo, chain_id)
    obligations = chain.obligations().get("ready_for_discharge", {"after": []})
    answer = next((s for s in obligations["after"] if (chain.step(s).get("from") or {}).get("party") == "municipality"),
                  (obligations["after"] or [None])[0])
    timed = [d for d in chain.deadlines() if d["kind"] == "within" and chain.event_step("admitted") == d["from"]]
    late = timed[0] if timed else None
    deadline_steps = {d["step"] for d in chain.deadlines()}
    apprec_steps = [r[2] for r in tmpl if r[3] == "message" and chain.message_types.get(r[5], {}).get("apprec")
                    and r[2] not in deadline_steps and r[2] != answer]
    counts: dict = {}
    for r in tmpl:
        if r[2] in apprec_steps:
            counts[r[2]] = counts.get(r[2], 0) + 1
    apprec_steps = sorted(dict.fromkeys(apprec_steps), key=lambda s: -counts[s])
    from checks.rules import paths
    precedence = None
    steps_in_tmpl = {r[5] for r in tmpl if r[3] == "message"}
    deadline_types = {chain.step(s).get("message_type") for s in deadline_steps}
    for c in paths.applicable(repo, chain.entry):
        if c.kind != "precedence" or not c.b or "answers" in c.b:
            continue
        sides = [s for s in (c.a, c.b) if "message_type" in s]
        if any(s["message_type"] in steps_in_tmpl for s in sides) and all(
                "message_type" in s or "event" in s for s in (c.a, c.b)):
            if "message_type" in c.a and c.a["message_type"] in deadline_types:
                continue
            precedence = c
            break
    wrong = None
    if late:
        st = chain.step(late["step"])
        role = (st.get("to") or {}).get("party")
        used = {r[5] for r in chain.allowed_routes() if r[1] == st.get("message_type")}
        wrong = next((a for a in sorted(ALLOWED_ADDRESSES.get(role, ())) if a not in used), None)
    return {"missing": answer, "late": late and late["step"], "late_within": late and late["within"],
            "address": late and late["step"], "address_to": wrong,
            "apprec-missing": apprec_steps[0] if apprec_steps else None,
            "apprec-negative": apprec_steps[1] if len(apprec_steps) > 1 else None,
            "path": precedence}


# A pseudonym is 16 hex digits in groups of four ("o1a2b-..."): never eleven digits in a row, so
# it can never be read as a personal identity number by the guard.


def generate(root: Path, out: Path, cases: int, seed: int = 1, year: int = 2025, expected: Path | None = None,
             threads: int | None = None) -> dict:
    repo = load_repository(root)
    tmpl, info = templates(root, repo)
    targets = plant_targets(repo, info["chain"], tmpl)
    kommuner = sorted(pid for pid, p in parties(repo).items() if p["role"] == "municipality")
    hf = sorted(pid for pid, p in parties(repo).items() if p["role"] == "health-trust")
    con = connect(threads)
    con.execute("CREATE TEMP TABLE tmpl (variant VARCHAR, seq INTEGER, step VARCHAR, kind VARCHAR, event VARCHAR, "
                "message_type VARCHAR, s_role VARCHAR, s_addr VARCHAR, r_role VARCHAR, r_addr VARCHAR, phase VARCHAR, "
                "day INTEGER, extra_hours INTEGER, offset_min INTEGER)")
    con.executemany("INSERT INTO tmpl VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tmpl)
    variants = [v for v in WEIGHTS if v in info["variants"]]
    total = sum(WEIGHTS[v] for v in variants)
    bounds, acc = [], 0
    for v in variants:
        acc += WEIGHTS[v]
        bounds.append((v, acc * 1000 // total))
    variant_case = " ".join(f"WHEN vh < {b} THEN '{v}'" for v, b in bounds[:-1]) + f" ELSE '{bounds[-1][0]}'"
    kom_list = "[" + ", ".join(f"'{k}'" for k in kommuner) + "]"
    start = f"TIMESTAMPTZ '{year}-01-01 00:00:00+01'"
    # planted faults: stay n gets kind k when its hash mod PLANT_RATE == k; each draw hashes one
    # number (n, a salt per draw and the seed) so that draws are independent of each other
    eligible = eligible_variants(tmpl, targets)
    plant_case = " ".join(
        f"WHEN ph = {i} AND variant IN ({', '.join(repr(v) for v in sorted(eligible[k])) or 'NULL'}) THEN '{k}'"
        for i, k in enumerate(PLANTS))
    con.execute(f"""
        CREATE TEMP TABLE cases AS
        SELECT n, 'o' || array_to_string([substr(h, 1, 4), substr(h, 5, 4), substr(h, 9, 4), substr(h, 13, 4)], '-')
                   AS case_id, variant,
               {kom_list}[1 + CAST(hash(n * 64 + 1 + {seed} * 1099511627776) % {len(kommuner)} AS INTEGER)] AS kommune,
               {start} + to_seconds(CAST(hash(n * 64 + 2 + {seed} * 1099511627776) % (364 * 86400) AS BIGINT)) AS t0,
               CAST(1 + hash(n * 64 + 3 + {seed} * 1099511627776) % 9 AS INTEGER) AS rfd_days,
               CAST(8 + hash(n * 64 + 4 + {seed} * 1099511627776) % 11 AS INTEGER) AS rfd_hour,
               CAST(hash(n * 64 + 5 + {seed} * 1099511627776) % 60 AS INTEGER) AS rfd_min,
               CAST(hash(n * 64 + 6 + {seed} * 1099511627776) % 5 AS INTEGER) AS jitter,
               CAST(hash(n * 64 + 7 + {seed} * 1099511627776) % 180 AS INTEGER) + 1 AS late_min,
               CASE {plant_case} ELSE NULL END AS plant
        FROM (SELECT *, CASE {variant_case} END AS variant, md5('{seed}:' || n) AS h FROM (
              SELECT range AS n, CAST(hash(range * 64 + 8 + {seed} * 1099511627776) % 1000 AS INTEGER) AS vh,
                     CAST(hash(range * 64 + 9 + {seed} * 1099511627776) % {PLANT_RATE} AS INTEGER) AS ph FROM range({cases})) AS r) AS v""")
    hf_id = hf[0]
    within = targets["late_within"] or "PT0H"
    from checks.compliance.conformance import _interval
    # event times: T0; RFD = days later at a day-time hour; a later event k days after RFD at 09:00
    # (every other stay waits a day more); the discharge two hours after the event before it
    con.execute(f"""
        CREATE TEMP TABLE rows AS
        SELECT c.n, c.case_id, c.variant, c.kommune, t.seq, t.step, t.kind, t.event, t.message_type, t.s_role,
               t.s_addr, t.r_role, t.r_addr, c.plant,
               CASE t.phase WHEN 'T0' THEN c.t0
                            WHEN 'RFD' THEN date_trunc('day', c.t0) + to_days(c.rfd_days) + to_hours(c.rfd_hour)
                                            + to_minutes(c.rfd_min)
                            ELSE date_trunc('day', c.t0) + to_days(c.rfd_days + t.day + (c.rfd_days % 2))
                                 + to_hours(9 + t.extra_hours) END
               + to_minutes(t.offset_min + CASE WHEN t.kind = 'message' THEN c.jitter ELSE 0 END) AS ts,
               c.late_min
        FROM cases c JOIN tmpl t ON t.variant = c.variant""")
    _plant(con, targets, within, hf_id)
    con.execute(f"""
        CREATE TEMP TABLE log AS
        SELECT case_id,
               coalesce(message_type, '') AS message_type,
               CASE WHEN kind = 'event' THEN '' WHEN s_role = 'municipality' THEN kommune ELSE '{hf_id}' END AS sender_party,
               coalesce(s_addr, '') AS sender_address,
               CASE WHEN kind = 'event' THEN '' WHEN r_role = 'municipality' THEN kommune ELSE '{hf_id}' END AS receiver_party,
               coalesce(r_addr, '') AS receiver_address,
               strftime(ts, '%Y-%m-%dT%H:%M:%S') || CASE WHEN date_part('timezone_hour', ts) = 2 THEN '+02:00' ELSE '+01:00' END
                   AS sent_at,
               coalesce(apprec, '') AS apprec_status,
               coalesce(event, '') AS event
        FROM rows ORDER BY n, ts, seq""")
    n_rows = con.execute("SELECT count(*) FROM log").fetchone()[0]
    out = Path(out)
    if out.suffix.lower() in (".parquet", ".pq"):
        con.execute(f"COPY log TO '{out.as_posix()}' (FORMAT parquet, COMPRESSION zstd)")
    else:
        con.execute(f"COPY log TO '{out.as_posix()}' (HEADER, DELIMITER ',')")
    facts = {"cases": cases, "rows": n_rows, "chain": info["chain"], "targets": {k: (v if not hasattr(v, "id") else v.id)
                                                                                   for k, v in targets.items()}}
    if expected is not None:
        planted = expected_violations(con, repo, info["chain"], targets)
        with Path(expected).open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["case_id", "rule", "message_type"])
            w.writerows(sorted(planted))
        facts["planted"] = len(planted)
    con.close()
    return facts


def eligible_variants(tmpl: list[tuple], targets: dict) -> dict:
    """For each kind of fault, the scenarios where it can be planted unambiguously: the target
    step is in the walk, and no other step there sends the same message type from the same side
    (else a log cannot tell which of the two is late or missing)."""
    by_variant: dict = {}
    for r in tmpl:
        by_variant.setdefault(r[0], []).append(r)
    out = {}
    for kind in PLANTS:
        target = targets.get(kind)
        ok = set()
        for v, rows in by_variant.items():
            if not any(r[4] == "ready_for_discharge" for r in rows):
                continue  # obligations only apply to stays meldt utskrivningsklar
            if kind == "unknown":
                ok.add(v)
                continue
            if kind == "path":
                c = target
                if c is not None and _path_plantable(c, rows):
                    ok.add(v)
                continue
            hit = [r for r in rows if r[2] == target]
            if len(hit) == 1 and sum(1 for r in rows if r[5] == hit[0][5] and r[6] == hit[0][6]) == 1:
                ok.add(v)
        out[kind] = ok
    return out


def _matches(sel: dict, r: tuple) -> bool:
    if "message_type" in sel:
        return r[5] == sel["message_type"]
    if "event" in sel:
        return r[4] == _log_event(sel["event"])
    return False


def _path_plantable(c, rows) -> bool:
    a = [r for r in rows if _matches(c.a, r)]
    b = [r for r in rows if c.b and _matches(c.b, r)]
    return len(a) == 1 and len(b) == 1 and (a[0][3] == "message" or b[0][3] == "message")


def _plant(con, targets: dict, within: str, hf_id: str) -> None:
    from checks.compliance.conformance import _interval
    con.execute("ALTER TABLE rows ADD COLUMN apprec VARCHAR DEFAULT '1'")
    con.execute("UPDATE rows SET apprec = NULL WHERE kind = 'event'")
    q = lambda s: "'" + str(s).replace("'", "''") + "'"  # noqa: E731
    if targets["missing"]:
        con.execute(f"DELETE FROM rows WHERE plant = 'missing' AND step = {q(targets['missing'])}")
    if targets["late"]:
        con.execute(f"""UPDATE rows SET ts = (SELECT min(r2.ts) FROM rows r2 WHERE r2.n = rows.n AND r2.event = 'admitted')
                        + {_interval(within)} + to_minutes(late_min)
                        WHERE plant = 'late' AND step = {q(targets['late'])}""")
    if targets["address"] and targets["address_to"]:
        con.execute(f"UPDATE rows SET r_addr = {q(targets['address_to'])} WHERE plant = 'address' AND step = {q(targets['address'])}")
    if targets["apprec-missing"]:
        con.execute(f"UPDATE rows SET apprec = NULL WHERE plant = 'apprec-missing' AND step = {q(targets['apprec-missing'])}")
    if targets["apprec-negative"]:
        con.execute(f"""UPDATE rows SET apprec = CASE WHEN n % 2 = 0 THEN '2' ELSE '3' END
                        WHERE plant = 'apprec-negative' AND step = {q(targets['apprec-negative'])}""")
    c = targets["path"]
    if c is not None:  # precedence broken: B happens with no A before it
        cond = lambda sel, t: (f"{t}.message_type = {q(sel['message_type'])}" if "message_type" in sel  # noqa: E731
                               else f"{t}.event = {q(_log_event(sel.get('event')))}")
        if "message_type" in c.a:  # move the message A to just after B
            con.execute(f"""UPDATE rows SET ts = (SELECT max(r2.ts) FROM rows r2 WHERE r2.n = rows.n AND {cond(c.b, 'r2')})
                            + INTERVAL 3 MINUTES WHERE plant = 'path' AND {cond(c.a, 'rows')}""")
        else:  # move the message B to just before A
            con.execute(f"""UPDATE rows SET ts = (SELECT min(r2.ts) FROM rows r2 WHERE r2.n = rows.n AND {cond(c.a, 'r2')})
                            - INTERVAL 3 MINUTES WHERE plant = 'path' AND {cond(c.b, 'rows')}""")
    con.execute(f"""INSERT INTO rows
                    SELECT n, case_id, variant, kommune, 9999, 'ukjent', 'message', NULL, {q(UNKNOWN_TYPE)},
                           'health-trust', 'somatikk-plo-meldingsmottak', 'municipality', 'saksbehandler', plant,
                           min(ts) + INTERVAL 1 HOUR, 0, '1'
                    FROM rows WHERE plant = 'unknown' GROUP BY ALL""")


def _log_event(model_event: str | None) -> str | None:
    return {v: k for k, v in MODEL_EVENTS.items()}.get(model_event)


def expected_violations(con, repo, chain_id: str, targets: dict) -> set:
    """The violations planted, by construction, plus the path obligations the planted stays
    break according to `paths.holds_on_trace` (the path module's evaluator, not our SQL)."""
    out = set()
    chain = load_chain(repo, chain_id)
    mt = lambda sid: chain.step(sid).get("message_type")  # noqa: E731
    rows = con.execute("""SELECT DISTINCT case_id, plant, variant FROM rows WHERE plant IS NOT NULL""").fetchall()
    present = {(r[0], r[1]) for r in con.execute("SELECT case_id, step FROM rows WHERE plant IS NOT NULL").fetchall()}
    in_scope = {r[0] for r in con.execute("SELECT DISTINCT case_id FROM rows WHERE event = 'ready_for_discharge'").fetchall()}
    for case_id, plant, _ in rows:
        if plant == "unknown":
            out.add((case_id, "samsvar.unknown", UNKNOWN_TYPE))
            continue
        if plant == "path":
            continue  # from the trace evaluator below
        step = targets.get(plant)
        if not step:
            continue
        if plant == "missing":
            if case_id in in_scope and (case_id, step) not in present:
                out.add((case_id, "samsvar.missing", mt(step)))
            continue
        if (case_id, step) not in present:
            continue
        rule = {"late": "samsvar.deadline", "address": "samsvar.address"}.get(plant, f"samsvar.{plant}")
        out.add((case_id, rule, mt(step)))
    # path obligations on the planted stays' traces
    from checks.rules import paths
    constraints = [c for c in paths.applicable(repo, chain.entry) if c.kind != "possible"]
    traces: dict = {}
    for case_id, message_type, event in con.execute(
            "SELECT case_id, message_type, event FROM rows WHERE plant IS NOT NULL ORDER BY case_id, ts, seq").fetchall():
        traces.setdefault(case_id, []).append({"message_type": message_type,
                                               "event": MODEL_EVENTS.get(event) if event else None})
    for case_id, trace in traces.items():
        if case_id not in in_scope:
            continue
        complete = any(t["event"] == MODEL_EVENTS["discharged"] for t in trace)
        for c in constraints:
            if (c.b or {}).get("answers") or "step" in c.a or "step" in (c.b or {}):
                continue
            holds, _ = paths.holds_on_trace(c, trace)
            if holds is False:
                needs_end = c.kind in ("response", "existence") or (
                    c.kind == "exactly-once" and not any(paths.item_matches(c.a, t) for t in trace))
                if needs_end and not complete:
                    continue
                out.add((case_id, "samsvar.path", (c.b or c.a).get("message_type") or c.a.get("message_type") or ""))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Lag en syntetisk meldingslogg med kjente, plantede brudd.")
    ap.add_argument("--scope", choices=sorted(SCOPES), default="region",
                    help="region (UNN-området, et år) eller country (hele landet, et år)")
    ap.add_argument("--cases", type=int, help="antall opphold (overstyrer --scope)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--year", type=int, default=2025)
    ap.add_argument("--out", required=True, help="loggfilen (.csv eller .parquet)")
    ap.add_argument("--expected", help="skriv de plantede bruddene hit (CSV)")
    ap.add_argument("-C", "--repo", default=str(ROOT), help="depotet (standard: dette)")
    ap.add_argument("--threads", type=int)
    args = ap.parse_args(argv)
    t = time.perf_counter()
    facts = generate(Path(args.repo), Path(args.out), args.cases or SCOPES[args.scope], args.seed, args.year,
                     Path(args.expected) if args.expected else None, args.threads)
    print(f"{facts['rows']} rader i {facts['cases']} opphold skrevet til {args.out} på {time.perf_counter() - t:.1f} s"
          + (f"; {facts['planted']} plantede brudd i {args.expected}" if args.expected else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
