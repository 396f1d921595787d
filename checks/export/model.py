"""The whole resolved model as one JSON document (`samhandling export`).

For EPJ vendors and other systems that should follow the standard chain: data, not pages.
Every document is there as written (`data`), and next to it what a reader would otherwise
have to work out: references resolved (message type names, address names per pathway,
deadlines in words with their source and its status, the routines failures lead to), which
obligations each procedure covers, the path obligations and whether they hold, what is in
force, and a summary of the findings. The document validates against
`checks/export/samhandling.schema.json` (format 1) and is byte-identical for the same model.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .. import __version__
from ..model.findings import ERROR, Finding
from ..model.repository import Repository
from ..model.schema import KIND_NB
from ..model.vocabulary import (ADDRESS_NB, PARTY_FIELD_NB, REGULATION_NB, SOURCE_STATUS_NB, STATUS_NB,
                                procedures)
from ..rules import paths as pathrules
from ..rules.content import missing_party_data, required_party_fields
from ..rules.graph import CATEGORY_NB, STEP_NB, build, coverage_matrix, deadline_nb

FORMAT = 1
SCHEMA_FILE = Path(__file__).resolve().parent / "samhandling.schema.json"
PUBLISHED = "data/samhandling.json"  # where the site publishes it, the schema beside it
PUBLISHED_SCHEMA = "data/samhandling.schema.json"
ROLE_NB = {"municipality": "kommune", "health-trust": "helseforetak", "both": "begge"}


def _source(src) -> dict | None:
    if not isinstance(src, dict):
        return None
    out = {k: src[k] for k in ("title", "url", "status", "note") if src.get(k) is not None}
    if src.get("status") in SOURCE_STATUS_NB:
        out["status_nb"] = SOURCE_STATUS_NB[src["status"]]
    return out


def _endpoint(ep, substitutions: dict) -> dict | None:
    if not isinstance(ep, dict):
        return None
    address = substitutions.get(ep.get("address"), ep.get("address"))
    return {"party": ep.get("party"), "party_nb": ROLE_NB.get(ep.get("party"), ep.get("party")),
            "address": address, "address_nb": ADDRESS_NB.get(address, address)}


def _deadline(deadline, message_type: dict | None, settings: dict) -> dict | None:
    if not isinstance(deadline, dict):
        return None
    out = {"from": deadline.get("from"), "within": deadline.get("within"),
           "same_day": bool(deadline.get("same_day")), "text_nb": deadline_nb(deadline),
           "source": _source(deadline.get("rule")), "note": deadline.get("note")}
    setting = settings.get(deadline.get("setting"))
    if deadline.get("setting"):
        out["setting"] = {"id": deadline["setting"],
                          "title": setting.data.get("title") if setting else None,
                          "value": setting.data.get("value") if setting else None,
                          "status": setting.data.get("status") if setting else None}
    limit = (message_type or {}).get("deadline")
    if isinstance(limit, dict):
        out["regulation"] = {"within": limit.get("within"), "same_day": bool(limit.get("same_day")),
                             "counted_from": limit.get("counted_from"), "text_nb": deadline_nb(limit),
                             "source": _source(limit.get("rule"))}
    return out


def _successors(step: dict) -> list[dict]:
    out = []
    if step.get("next"):
        out.append({"step": step["next"], "condition": None, "default": False})
    for branch in step.get("branches") or []:
        if isinstance(branch, dict) and branch.get("next"):
            out.append({"step": branch["next"], "condition": branch.get("condition"), "default": False})
    if step.get("default"):
        out.append({"step": step["default"], "condition": None, "default": True})
    return out


def _pathways(entry) -> list[tuple[str | None, str, dict]]:
    pathways = [p for p in entry.data.get("pathways") or [] if isinstance(p, dict)]
    if not pathways:
        return [(None, "", {})]
    return [(p.get("id"), p.get("title", p.get("id", "")),
             {s.get("address"): s.get("with") for s in p.get("substitutions") or [] if isinstance(s, dict)})
            for p in pathways]


def _step(step: dict, index: int, entry, types: dict, routines: dict, settings: dict) -> dict:
    out = {"id": step.get("id"), "index": index, "type": step.get("type"),
           "type_nb": STEP_NB.get(step.get("type"), step.get("type")), "title": step.get("title"),
           "description": step.get("description"), "actor": step.get("actor"), "next": _successors(step)}
    mtype = types.get(step.get("message_type"))
    mdata = mtype.data if mtype is not None else None
    if step.get("type") == "message" or step.get("message_type"):
        out["message"] = {
            "message_type": step.get("message_type"),
            "name": (mdata or {}).get("name"),
            "standard": (mdata or {}).get("standard"),
            "regulation_status": (mdata or {}).get("regulation_status"),
            "answers": step.get("answers"),
            "from": _endpoint(step.get("from"), {}),
            "to": _endpoint(step.get("to"), {}),
            "pathways": [{"pathway": pid, "title": title,
                          "from": _endpoint(step.get("from"), subst), "to": _endpoint(step.get("to"), subst)}
                         for pid, title, subst in _pathways(entry) if pid is not None],
        }
    deadline = _deadline(step.get("deadline"), mdata, settings)
    if deadline is not None:
        out["deadline"] = deadline
    failure = step.get("on_failure")
    if isinstance(failure, dict):
        out["on_failure"] = {key: {"routine": rid, "title": routines[rid].data.get("title") if rid in routines else None}
                             for key, rid in sorted(failure.items())}
    if step.get("procedure"):
        rid = step["procedure"]
        out["procedure"] = {"routine": rid, "title": routines[rid].data.get("title") if rid in routines else None}
    return out


def _decision(ref) -> dict | None:
    if ref is None:
        return None
    return {"id": ref.id, "case_number": ref.case_number, "meeting_date": ref.meeting_date, "title": ref.title}


def _version(adopted, steps_of) -> dict | None:
    """A version adopted by a decision, with its steps as adopted (null when its text is missing)."""
    if adopted is None:
        return None
    return {"version": adopted.version, "decision": _decision(adopted.decision), "valid_from": adopted.valid_from,
            "commit": adopted.commit, "source": adopted.source,
            "title": adopted.entry.data.get("title") if adopted.entry is not None else None,
            "steps": steps_of(adopted.entry, adopted.repository) if adopted.entry is not None else None}


def _lifecycle(lc, repo: Repository, cache: dict, steps_of) -> dict:
    from ..review.revision import pending_changes, summary_nb
    pending = None
    if lc.pending is not None:
        changes = pending_changes(lc, repo, cache)
        pending = {"version": lc.pending.version, "status": lc.pending.status, "status_nb": lc.pending.status_nb,
                   "summary_nb": summary_nb(changes) if changes is not None else None,
                   "changes": [{"text": c.text, "substantive": c.substantive} for c in changes or []]}
    return {
        "state": lc.state,
        "in_force": _version(lc.in_force, steps_of),
        "upcoming": _version(lc.upcoming, steps_of),
        "pending": pending,
        "repealed": _decision(lc.repealed),
        "history": [{"action": e.action, "version": e.version, "decision": _decision(e.decision),
                     "valid_from": e.valid_from, "valid_until": e.valid_until} for e in lc.history],
    }


def _procedure(entry, types, routines, settings, decisions, covered, constraint_results, lifecycle=None) -> dict:
    data = entry.data
    pg = build(entry)
    status = data.get("status")
    decision = decisions.get(data.get("decision"))
    out = {
        "id": entry.id, "kind": entry.kind, "kind_nb": KIND_NB[entry.kind], "file": entry.file,
        "title": data.get("title"), "summary": data.get("summary"), "version": data.get("version"),
        "status": status, "status_nb": STATUS_NB.get(status, status),
        "in_force": (lifecycle["state"] == "in-force") if lifecycle is not None
                     else (status == "adopted" and decision is not None),
        "decision": ({"id": decision.id, "case_number": decision.data.get("case_number"),
                      "meeting_date": decision.data.get("meeting_date"), "title": decision.data.get("title")}
                     if decision is not None else None),
        "fulfils": list(data.get("fulfils") or []),
        "category": data.get("category"),
        "category_nb": CATEGORY_NB.get(data.get("category")) if data.get("category") else None,
        "pathways": [{"id": pid, "title": title, "substitutions": [{"address": a, "with": w}
                                                                    for a, w in subst.items()]}
                     for pid, title, subst in _pathways(entry) if pid is not None],
        "start": pg.start, "ends": list(pg.ends),
        "steps": [_step(step, i, entry, types, routines, settings)
                  for i, step in enumerate(data.get("steps") or []) if isinstance(step, dict)],
        "path_obligations": constraint_results.get(entry.id, []),
        "lifecycle": lifecycle,
        "data": data,
    }
    return out


def _path_results(repo: Repository) -> dict:
    out: dict = {}
    for pid, rows in pathrules.results(repo).items():
        out[pid] = [{
            "id": r.constraint.id, "kind": r.constraint.kind, "kind_nb": pathrules.KIND_NB.get(r.constraint.kind),
            "title": r.constraint.title, "written_in": r.constraint.holder.file, "scope": r.constraint.scope,
            "holds": bool(r.holds), "applies": bool(r.applies),
            "counterexample": list(r.counterexample), "at": r.at, "message": r.message,
            "source": _source(r.constraint.source),
        } for r in rows]
    return out


def _summary(findings: list[Finding], documents: int) -> dict:
    by_rule: dict = {}
    for f in findings:
        row = by_rule.setdefault(f.rule, {"severity": f.severity, "count": 0})
        row["count"] += 1
    counts = Counter(f.severity for f in findings)
    return {"documents": documents, "errors": counts.get(ERROR, 0), "warnings": counts.get("warning", 0),
            "rules": dict(sorted(by_rule.items()))}


def build_export(repo: Repository, findings: list[Finding], today=None, with_lifecycle: bool = True) -> dict:
    """The export document (plain JSON data) for a loaded and checked repository. With the
    lifecycle (checks/model/lifecycle.py), each procedure says which version is in force (its
    steps as adopted, read from git), which is upcoming and what a pending revision changes."""
    types = {e.id: e for e in repo.of("message-type")}
    routines = {e.id: e for e in repo.of("routine")}
    settings = {e.id: e for e in repo.of("setting")}
    decisions = {e.id: e for e in repo.of("decision")}
    matrix = coverage_matrix(repo)
    covered = {oid: [e.id for e in entries] for oid, entries in matrix.items()}
    results = _path_results(repo)
    required = required_party_fields(repo)

    agreement = repo.agreement
    obligations = []
    for ob in (agreement.data.get("obligations") or []) if agreement else []:
        if not isinstance(ob, dict):
            continue
        by = matrix.get(ob.get("id"), [])
        obligations.append({
            "id": ob.get("id"), "clause": ob.get("clause"), "title": ob.get("title"),
            "evidence": ob.get("evidence"),
            "covered_by": [{"procedure": e.id, "kind": e.kind, "status": e.data.get("status")} for e in by],
            "in_force": any(e.data.get("status") == "adopted" for e in by),
            "data": ob,
        })
    parties = []
    for e in repo.of("party"):
        d = e.data
        parties.append({
            "id": e.id, "role": d.get("role"), "role_nb": ROLE_NB.get(d.get("role"), d.get("role")),
            "name": d.get("name"), "municipality_number": d.get("municipality_number"), "her_id": d.get("her_id"),
            "service_addresses": [{"role": a.get("role"), "role_nb": ADDRESS_NB.get(a.get("role"), a.get("role")),
                                   "name": a.get("name"), "her_id": a.get("her_id")}
                                  for a in d.get("service_addresses") or [] if isinstance(a, dict)],
            "missing": [{"field": f, "field_nb": PARTY_FIELD_NB.get(f, f)}
                        for f in missing_party_data(repo, e, required)],
            "file": e.file, "data": d,
        })
    message_types = []
    for e in repo.of("message-type"):
        d = e.data
        limit = d.get("deadline")
        message_types.append({
            "id": e.id, "name": d.get("name"), "standard": d.get("standard"), "version": d.get("version"),
            "regulation_status": d.get("regulation_status"),
            "regulation_status_nb": REGULATION_NB.get(d.get("regulation_status")),
            "deadline_nb": deadline_nb(limit) if isinstance(limit, dict) else None,
            "answer": (d.get("answer") or {}).get("message_type"),
            "file": e.file, "data": d,
        })
    lifecycles: dict = {}
    if with_lifecycle:
        from ..model.lifecycle import lifecycles as read_lifecycles
        lifecycles = read_lifecycles(repo, today=today)
    cache: dict = {}

    def steps_of(entry, at: Repository | None) -> list:
        at = at or repo
        a_types = {e.id: e for e in at.of("message-type")}
        a_routines = {e.id: e for e in at.of("routine")}
        a_settings = {e.id: e for e in at.of("setting")}
        return [_step(step, i, entry, a_types, a_routines, a_settings)
                for i, step in enumerate(entry.data.get("steps") or []) if isinstance(step, dict)]

    procs = [_procedure(e, types, routines, settings, decisions, covered, results,
                        _lifecycle(lifecycles[e.id], repo, cache, steps_of) if e.id in lifecycles else None)
             for e in sorted(procedures(repo), key=lambda e: (e.kind, e.id))]
    simple = lambda kind: [{"id": e.id, "file": e.file, "data": e.data} for e in repo.of(kind)]  # noqa: E731
    return {
        "format": FORMAT,
        "$schema": "samhandling.schema.json",
        "tool": {"name": "samhandling", "version": __version__},
        "description": "Standardprosedyrene for elektronisk samhandling mellom kommunene og UNN som data. "
                       "Feltet `data` i hvert dokument er dokumentet slik det står i YAML-filen; de andre "
                       "feltene er utledet av sjekkene (referanser slått opp, frister i ord, dekning).",
        "summary": _summary(findings, len(repo.entries)),
        "agreement": ({"id": agreement.id, "title": agreement.data.get("title"), "file": agreement.file,
                       "obligations": obligations, "data": agreement.data} if agreement else None),
        "parties": sorted(parties, key=lambda p: (p["role"] != "health-trust", p["id"])),
        "message_types": sorted(message_types, key=lambda m: m["id"]),
        "procedures": procs,
        "settings": sorted(simple("setting"), key=lambda s: s["id"]),
        "decisions": sorted(simple("decision"), key=lambda s: s["id"]),
        "findings": [{"file": f.file, "line": f.line, "column": f.column, "rule": f.rule, "severity": f.severity,
                      "message": f.message} for f in findings],
    }


def dumps(document: dict) -> str:
    """The export as text: stable (no time stamps, fixed key order), UTF-8, masked."""
    from ..model.masking import dumps as masked_dumps  # strict, masked, valid UTF-8
    return masked_dumps(document, indent=2) + "\n"


def schema_text() -> str:
    return SCHEMA_FILE.read_text(encoding="utf-8")


def site_files(repo: Repository, findings: list[Finding]) -> dict[str, str]:
    """The files the site publishes as they are: the export and its schema, side by side."""
    return {PUBLISHED: dumps(build_export(repo, findings)), PUBLISHED_SCHEMA: schema_text()}
