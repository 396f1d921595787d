"""Rules for the staff documents: situations («Hva gjør jeg når …») and roles on shift.

A situation points into a procedure (its entry step and the steps its page shows); a role
lists situations, service addresses and roles in the routines. The site builds their pages
from those references, so each must resolve, and a page must never show a step that cannot
follow the situation's entry step.
"""

from __future__ import annotations

from ..model.findings import ERROR, WARNING, Finding, rule
from ..model.repository import Entry, Repository
from ..model.vocabulary import PROCEDURE_KINDS

R_SITUATION_REF = rule("situation.unknown-reference", ERROR, "Situasjon eller rolle viser til noe som ikke finnes",
    """En situasjon eller en rolle på vakt viser til en prosedyre, et steg, en situasjon eller en
    rolle i rutinene som ikke finnes. Siden for situasjonen eller rollen lages fra det den viser
    til, så referansen må stemme. Tipset foreslår nærmeste id som finnes.""")
R_SITUATION_ORDER = rule("situation.step-not-after-entry", ERROR, "Steget følger ikke startsteget",
    """Et steg situasjonssiden viser, kan ikke nås fra situasjonens startsteg i prosedyren.
    Siden ville da vise handlinger som ikke hører til situasjonen.""")
R_SITUATION_SAME_ORDER = rule("situation.same-order", WARNING, "To situasjoner eller roller på samme plass",
    """To situasjoner (eller to roller) har samme `order`, så rekkefølgen på forsiden avgjøres
    av id-en. Gi hver sin plass.""")


def _ref(entry: Entry, path: tuple, what: str, value, known) -> Finding | None:
    if not isinstance(value, str) or value in known:
        return None
    import difflib  # only when a hint is written
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    hint = f"Mente du `{close[0]}`?" if close else "Sjekk stavemåten, eller opprett den."
    return R_SITUATION_REF.at(entry.file, entry.doc.position(path), f"Ukjent {what} `{value}`.", hint, path)


def successors(procedure: Entry) -> dict:
    """Step id -> the ids of the steps that may follow it."""
    out = {}
    for step in procedure.data.get("steps") or []:
        if not isinstance(step, dict) or not isinstance(step.get("id"), str):
            continue
        nxt = [step.get("next"), step.get("default")]
        nxt += [b.get("next") for b in step.get("branches") or [] if isinstance(b, dict)]
        out[step["id"]] = [n for n in nxt if isinstance(n, str)]
    return out


def reachable(procedure: Entry, start: str) -> set:
    graph = successors(procedure)
    seen, todo = {start}, [start]
    while todo:
        for n in graph.get(todo.pop(), []):
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return seen


def check(repo: Repository) -> list[Finding]:
    out: list = []
    procedures = {e.id: e for e in repo.entries if e.kind in PROCEDURE_KINDS and e.id}
    situations = repo.index("situation")
    routine_roles = {r.get("id") for e in repo.of("routine") for r in e.data.get("roles") or []
                     if isinstance(r, dict)}

    def add(finding):
        if finding:
            out.append(finding)

    for entry in repo.of("situation"):
        data = entry.data
        proc = procedures.get(data.get("procedure"))
        add(_ref(entry, ("procedure",), "prosedyre", data.get("procedure"), procedures))
        for i, other in enumerate(data.get("related") or []):
            add(_ref(entry, ("related", i), "prosedyre", other, procedures))
        if proc is None or not proc.valid:
            continue
        steps = successors(proc)
        found = _ref(entry, ("entry",), "steg", data.get("entry"), steps)
        add(found)
        if found:
            continue
        after = reachable(proc, data["entry"])
        for i, sid in enumerate(data.get("steps") or []):
            missing = _ref(entry, ("steps", i), "steg", sid, steps)
            add(missing)
            if not missing and sid not in after:
                add(R_SITUATION_ORDER.at(entry.file, entry.doc.position(("steps", i)),
                                         f"Steget `{sid}` kan ikke nås fra startsteget `{data['entry']}`.",
                                         "Velg et annet startsteg, eller ta steget ut av listen.", ("steps", i)))
    for entry in repo.of("role"):
        for i, sid in enumerate(entry.data.get("situations") or []):
            add(_ref(entry, ("situations", i), "situasjon", sid, situations))
        for i, rid in enumerate(entry.data.get("routine_roles") or []):
            add(_ref(entry, ("routine_roles", i), "rolle i rutinene", rid, routine_roles))
    for kind in ("situation", "role"):
        seen: dict = {}
        for entry in sorted(repo.of(kind), key=lambda e: e.file):
            order = entry.data.get("order")
            if order in seen:
                out.append(R_SITUATION_SAME_ORDER.at(entry.file, entry.doc.position(("order",)),
                                                     f"Plass {order} er også brukt av `{seen[order]}`.",
                                                     "Gi hver sin plass i `order`.", ("order",)))
            else:
                seen[order] = entry.id
    return out
