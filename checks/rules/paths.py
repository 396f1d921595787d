"""Path obligations: what must hold on every way through a chain or routine.

A constraint (YAML key `constraints`, schema `common.schema.json#/$defs/constraint`) is one of
the Declare templates over steps chosen by message type, event or step id:

    response(A, B)         every A is followed later by B
    precedence(A, B)       B happens only after A
    chain-response(A, B)   the next step after A (decisions do not count) is B
    not-coexistence(A, B)  A and B never on the same path
    existence(A)           A on every path
    absence(A)             A on no path
    exactly-once(A)        A exactly once on every path
    possible(A)            some path has A (optionally: without W before it, after G)

The first seven are universal (they hold on every complete path, start to end); `possible` is
their existential complement, for what a source explicitly allows. Constraints are written on
a chain or routine (evaluated there), on a message type (evaluated in every procedure that
sends it) or on an obligation of the agreement (evaluated in every procedure that fulfils it
and has a step the constraint names).

The evaluator reasons over the graph, loops included: a path is any walk from the start step
to an end step. Each check is a breadth-first search in the graph with the satisfying steps
removed (e.g. response: from A, can an end be reached without passing B?), so nothing is
enumerated and the counterexample it returns is the shortest such walk. `holds_on_trace` applies
the same constraint to one recorded case (a list of events), for message logs.
"""

from __future__ import annotations

from collections import deque

from ..model import digraph as nx  # networkx's API for what the rules use, without its 90 ms import
from ..model.findings import ERROR, WARNING, Finding, rule
from ..model.procgraph import ProcedureGraph, build
from ..model.repository import Entry, Repository
from ..model.vocabulary import EVENT_NB, SOURCE_STATUS_NB, procedures

KINDS = ("response", "precedence", "chain-response", "not-coexistence", "existence", "absence",
         "exactly-once", "possible")
BINARY = ("response", "precedence", "chain-response", "not-coexistence")
KIND_NB = {
    "response": "respons (B følger etter A)",
    "precedence": "forrang (B bare etter A)",
    "chain-response": "direkte respons (B rett etter A)",
    "not-coexistence": "utelukker hverandre (aldri både A og B)",
    "existence": "alltid (A på hver vei)",
    "absence": "aldri (A på ingen vei)",
    "exactly-once": "nøyaktig én gang",
    "possible": "mulig (en vei finnes)",
}

_DOC_TAIL = """ Funnet viser den korteste veien fra start til slutt der kravet ikke holder.
    Kravets kilde har status; er den `unconfirmed`, er funnet en advarsel."""
R_KIND = {
    "response": rule("path.response", ERROR, "Veikrav brutt: B følger ikke etter A",
        "Kravet sier at når A skjer, skal B komme senere på hver vei til en slutt. Det finnes en "
        "vei der A skjer og slutten nås uten B." + _DOC_TAIL),
    "precedence": rule("path.precedence", ERROR, "Veikrav brutt: B skjer uten A før",
        "Kravet sier at B bare kan skje når A har skjedd før. Det finnes en vei fra start til B "
        "uten A." + _DOC_TAIL),
    "chain-response": rule("path.chain-response", ERROR, "Veikrav brutt: B kommer ikke rett etter A",
        "Kravet sier at steget rett etter A (valg regnes ikke som steg) skal være B. Det finnes en "
        "vei der noe annet kommer rett etter A." + _DOC_TAIL),
    "not-coexistence": rule("path.not-coexistence", ERROR, "Veikrav brutt: A og B på samme vei",
        "Kravet sier at A og B aldri skal skje i samme forløp. Det finnes en vei med begge." + _DOC_TAIL),
    "existence": rule("path.existence", ERROR, "Veikrav brutt: A mangler på en vei",
        "Kravet sier at A skal skje på hver vei fra start til slutt. Det finnes en vei uten A." + _DOC_TAIL),
    "absence": rule("path.absence", ERROR, "Veikrav brutt: A finnes på en vei",
        "Kravet sier at A aldri skal skje. Det finnes en vei fra start til slutt med A." + _DOC_TAIL),
    "exactly-once": rule("path.exactly-once", ERROR, "Veikrav brutt: A ikke nøyaktig én gang",
        "Kravet sier at A skal skje nøyaktig én gang på hver vei. Det finnes en vei uten A, eller en "
        "vei (også gjennom en sløyfe) med A to ganger." + _DOC_TAIL),
    "possible": rule("path.possible", ERROR, "Veikrav brutt: en vei kilden tillater, mangler",
        "Kravet sier at det skal finnes en vei der A skjer (uten at `without` har skjedd før, og "
        "etter `given` når det er oppgitt), fordi kilden tillater det. Grafen har ingen slik vei, så "
        "prosedyren lærer bort en venting eller rekkefølge kilden ikke krever." + _DOC_TAIL),
}
R_REFERENCE = rule("path.reference", ERROR, "Veikrav viser til noe som ikke finnes",
    """Et veikrav viser til en meldingstype eller et steg som ikke finnes, eller bruker `step` i et
    krav som ikke står i prosedyren selv (et krav på en meldingstype eller forpliktelse kan bare
    velge steg etter meldingstype eller hendelse), eller `answers` et annet sted enn som `b` i
    `response`.""")
R_VACUOUS = rule("path.vacuous", WARNING, "Veikrav som ikke gjelder noe steg",
    """Et veikrav i en prosedyre velger steg (i `a`, `b`, `without` eller `given`) etter en
    meldingstype eller hendelse som ingen steg i prosedyren har, så det sjekker ikke det det skal.
    Det er som regel en skrivefeil, eller en hendelse (`event`) som mangler på steget.""")


# -- the constraints as data -----------------------------------------------------------------

class Constraint:
    """One constraint as written, with where it is written."""

    def __init__(self, id: str, kind: str, a: dict, b: dict | None, without: dict | None, given: dict | None,
                 title: str, source: dict, note: str, holder: Entry, path: tuple = (), scope: str = "procedure"):
        self.id = id
        self.kind = kind
        self.a = a
        self.b = b
        self.without = without
        self.given = given
        self.title = title
        self.source = source
        self.note = note
        self.holder = holder
        self.path = path  # key path of the constraint inside the holder's file
        self.scope = scope  # procedure | message-type | obligation

    def __repr__(self) -> str:
        return f"Constraint({self.id!r}, {self.kind!r}, {self.holder.file!r})"

    @property
    def status(self) -> str:
        return self.source.get("status") or "confirmed"

    @property
    def severity(self) -> str:
        return WARNING if self.status == "unconfirmed" else ERROR

    def selectors(self) -> list[tuple[str, dict]]:
        return [(k, s) for k, s in (("a", self.a), ("b", self.b), ("without", self.without),
                                    ("given", self.given)) if s]


class Result:
    """A constraint evaluated in one procedure."""

    def __init__(self, constraint: Constraint, procedure: Entry, holds: bool, counterexample: list | None = None,
                 at: str | None = None, message: str = "", applies: bool = True):
        self.constraint = constraint
        self.procedure = procedure
        self.holds = holds
        self.counterexample = [] if counterexample is None else counterexample  # step ids, start to end
        self.at = at  # the step where it goes wrong
        self.message = message  # Norwegian, empty when it holds
        self.applies = applies  # false when a step it names is missing (written on the procedure) or
        # when it names no step here at all (written on a message type or obligation)


def _read(raw: dict, holder: Entry, path: tuple, scope: str) -> Constraint | None:
    if not isinstance(raw, dict) or raw.get("kind") not in KINDS or not isinstance(raw.get("a"), dict):
        return None  # a schema error, reported as such
    return Constraint(raw.get("id", ""), raw["kind"], raw["a"], raw.get("b"), raw.get("without"),
                      raw.get("given"), raw.get("title", ""), raw.get("source") or {}, raw.get("note", ""),
                      holder, path, scope)


def declared(repo: Repository) -> list[Constraint]:
    """Every constraint in the repository, in file order."""
    out = []
    for entry in procedures(repo):
        for i, raw in enumerate(entry.data.get("constraints") or []):
            out.append(_read(raw, entry, ("constraints", i), "procedure"))
    for entry in repo.of("message-type"):
        for i, raw in enumerate(entry.data.get("constraints") or []):
            out.append(_read(raw, entry, ("constraints", i), "message-type"))
    ag = repo.agreement
    if ag is not None:
        for j, ob in enumerate(ag.data.get("obligations") or []):
            for i, raw in enumerate(ob.get("constraints") or [] if isinstance(ob, dict) else []):
                out.append(_read(raw, ag, ("obligations", j, "constraints", i), "obligation"))
    return [c for c in out if c is not None]


def _obligation_of(c: Constraint) -> str | None:
    if c.scope != "obligation":
        return None
    return c.holder.data["obligations"][c.path[1]].get("id")


def applicable(repo: Repository, entry: Entry, all_constraints: list[Constraint] | None = None) -> list[Constraint]:
    """The constraints that apply to a procedure: its own; those of the message types it sends;
    those of the obligations it fulfils (when it has a step the constraint names)."""
    constraints = declared(repo) if all_constraints is None else all_constraints
    sent = {s.get("message_type") for s in entry.data.get("steps") or [] if isinstance(s, dict)}
    fulfils = set(entry.data.get("fulfils") or [])
    index = _index(constraints)
    wanted = {("procedure", id(entry))} | {("message-type", m) for m in sent} | {("obligation", o) for o in fulfils}
    positions = sorted(i for key in wanted for i in index.get(key, ()))
    return [constraints[i] for i in positions]


_INDEX: list = [None, None]  # (the constraint list, its index): one per check, reused for every procedure


def _index(constraints: list) -> dict:
    """(scope, holder id / message type / obligation) -> positions in `constraints`, so finding
    the constraints of each procedure is linear in the repository, not procedures × constraints."""
    if _INDEX[0] is constraints and _INDEX[1] is not None and len(_INDEX[1][1]) == len(constraints):
        return _INDEX[1][0]
    index: dict = {}
    for i, c in enumerate(constraints):
        if c.scope == "procedure":
            key = ("procedure", id(c.holder))
        elif c.scope == "message-type":
            key = ("message-type", c.holder.id)
        elif c.scope == "obligation":
            key = ("obligation", _obligation_of(c))
        else:
            continue
        index.setdefault(key, []).append(i)
    _INDEX[0], _INDEX[1] = constraints, (index, list(constraints))
    return index


# -- matching steps --------------------------------------------------------------------------

def matches(pg: ProcedureGraph, selector: dict | None, activation: str | None = None) -> set:
    """The step ids a selector chooses in a procedure graph."""
    if not selector:
        return set()
    if "message_type" in selector:
        return {sid for sid, (_, s) in pg.steps.items()
                if s.get("type") == "message" and s.get("message_type") == selector["message_type"]}
    if "event" in selector:
        return {sid for sid, (_, s) in pg.steps.items() if s.get("event") == selector["event"]}
    if "step" in selector:
        return {selector["step"]} if selector["step"] in pg.steps else set()
    if selector.get("answers"):
        return {sid for sid, (_, s) in pg.steps.items() if activation is not None and s.get("answers") == activation}
    return set()


def describe(selector: dict | None, pg: ProcedureGraph | None = None, message_types: dict | None = None) -> str:
    """A selector in Norwegian: the message type's name, the event, or the step's title."""
    if not selector:
        return ""
    if "message_type" in selector:
        mtype = (message_types or {}).get(selector["message_type"])
        return mtype.data.get("name", selector["message_type"]) if mtype is not None else f"`{selector['message_type']}`"
    if "event" in selector:
        return f"hendelsen «{EVENT_NB.get(selector['event'], selector['event'])}»"
    if "step" in selector:
        if pg is not None and selector["step"] in pg.steps:
            return f"«{pg.steps[selector['step']][1].get('title', selector['step'])}»"
        return f"`{selector['step']}`"
    return "svaret på meldingen"


def _is_message(selector: dict | None) -> bool:
    return bool(selector) and ("message_type" in selector or "answers" in selector)


def _reaches(selector, name: str) -> str:
    return f"sender {name}" if _is_message(selector) else f"når {name}"


def _never(selector, name: str) -> str:
    return f"sender aldri {name}" if _is_message(selector) else f"når aldri {name}"


# -- the graph search ------------------------------------------------------------------------

def _bfs(g: nx.DiGraph, source: str, targets: set, blocked: set = frozenset(), strict: bool = False) -> list | None:
    """The shortest walk from `source` to a step in `targets` that enters no `blocked` step.
    `strict`: leave the source first (a walk of at least one edge, e.g. back round a loop)."""
    if not strict and source in targets:
        return [source]
    parent: dict = {}
    queue: deque = deque()
    for nxt in g.successors(source):
        if nxt not in blocked and nxt not in parent:
            parent[nxt] = source
            queue.append(nxt)
    while queue:
        node = queue.popleft()
        if node in targets:
            walk = [node]
            while walk[-1] != source or len(walk) == 1:
                walk.append(parent[walk[-1]])
                if walk[-1] == source:
                    break
            return walk[::-1]
        for nxt in g.successors(node):
            if nxt not in blocked and nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return None


def _live(pg: ProcedureGraph) -> set:
    """Steps on some complete path: reachable from the start and able to reach an end."""
    if pg.start is None:
        return set()
    reach = nx.descendants(pg.graph, pg.start) | {pg.start}
    back = set()
    for end in pg.ends:
        back |= nx.ancestors(pg.graph, end) | {end}
    return reach & back


def _join(*walks) -> list:
    out: list = []
    for walk in walks:
        out += walk if not out else walk[1:]
    return out


def _order(pg: ProcedureGraph, walk: list, at: str) -> tuple:
    return (len(walk), pg.steps[at][0], walk)


def evaluate(pg: ProcedureGraph, c: Constraint) -> tuple[bool, list, str | None, str | None, bool]:
    """(holds, shortest counterexample, step where it goes wrong, the other step involved,
    applies) for one constraint on one procedure graph."""
    g, start, ends = pg.graph, pg.start, set(pg.ends)
    live = _live(pg)
    A = matches(pg, c.a) & live
    B = matches(pg, c.b) if c.b and "answers" not in c.b else set()
    found = [bool(matches(pg, s)) for k, s in c.selectors() if "answers" not in s
             and not (c.kind == "absence" and k == "a")]
    applies = all(found) if c.scope == "procedure" else any(found)
    if start is None or not ends:
        return True, [], None, None, applies  # an unsound graph is reported by the graph rules
    best = None

    def offer(walk, at, other=None):
        nonlocal best
        key = _order(pg, walk, at)
        if best is None or key < best[0]:
            best = (key, walk, at, other)

    head = {a: _bfs(g, start, {a}) for a in sorted(A | (B & live), key=lambda s: pg.steps[s][0])}
    if c.kind == "response":
        for a in head.keys() & A:
            targets = B if "answers" not in (c.b or {}) else matches(pg, c.b, activation=a)
            tail = [a] if a in ends else _bfs(g, a, ends, blocked=targets, strict=True)
            if tail:
                offer(_join(head[a], tail), a)
    elif c.kind == "precedence":
        if start not in matches(pg, c.a):
            for b in B & live:
                walk = _bfs(g, start, {b}, blocked=matches(pg, c.a) - {b})
                if walk:
                    offer(_join(walk, _bfs(g, b, ends)), b)
    elif c.kind == "chain-response":
        for a in head.keys() & A:
            if a in ends:
                offer(head[a], a)
                continue
            decisions = {s for s in g if pg.steps[s][1].get("type") == "decision"}
            seen, stack, nexts = {a}, [a], []  # the next steps after a, looking through decisions
            while stack:
                node = stack.pop()
                for nxt in g.successors(node):
                    if nxt in decisions and nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
                    elif nxt not in decisions and nxt not in nexts:
                        nexts.append(nxt)
            for x in nexts:
                if x not in B and x in live:
                    middle = _bfs(g, a, {x}, blocked=set(g) - decisions - {x}, strict=True)
                    offer(_join(head[a], middle, _bfs(g, x, ends)), a, x)
    elif c.kind == "not-coexistence":
        A_all, B_all = matches(pg, c.a), matches(pg, c.b)
        for x in sorted((A_all | B_all) & live, key=lambda s: pg.steps[s][0]):
            first = _bfs(g, start, {x})
            if x in A_all and x in B_all:
                offer(_join(first, _bfs(g, x, ends)), x)
                continue
            other = (B_all if x in A_all else A_all) & live
            middle = _bfs(g, x, other, strict=True)
            if middle:
                y = middle[-1]
                offer(_join(first, middle, _bfs(g, y, ends)), y, x)
    elif c.kind in ("existence", "exactly-once"):
        A_all = matches(pg, c.a)
        if start not in A_all:
            walk = _bfs(g, start, ends, blocked=A_all)
            if walk:
                offer(walk, walk[-1])
        if c.kind == "exactly-once" and best is None:
            for a in head.keys() & A:
                middle = _bfs(g, a, A, strict=True)
                if middle:
                    offer(_join(head[a], middle, _bfs(g, middle[-1], ends)), middle[-1], a)
    elif c.kind == "absence":
        for a in head.keys() & A:
            offer(_join(head[a], _bfs(g, a, ends)), a)
    elif c.kind == "possible":
        W = matches(pg, c.without) if c.without else set()
        givens = (matches(pg, c.given) & live) if c.given else {start}
        found = False
        for gv in givens:
            if gv in W:
                continue
            if _bfs(g, start, {gv}, blocked=W) and _bfs(g, gv, A, blocked=W - A):
                found = True
                break
        if not found:
            # the counterexample: the shortest way to A there is, showing what it has to pass
            walks = []
            for gv in givens:
                to_g = _bfs(g, start, {gv})
                to_a = _bfs(g, gv, A) if to_g else None
                if to_g and to_a:
                    walks.append(_join(to_g, to_a))
            walk = min(walks, key=len) if walks else []
            at = walk[-1] if walk else None
            return False, walk, at, None, applies
    if best is None:
        return True, [], None, None, applies
    _, walk, at, other = best
    return False, walk, at, other, applies


def message(pg: ProcedureGraph, c: Constraint, walk: list, at: str | None, other: str | None,
            message_types: dict) -> str:
    """The Norwegian finding text for a violated constraint."""
    A, B = describe(c.a, pg, message_types), describe(c.b, pg, message_types)
    way = " → ".join(walk)
    if c.kind == "response":
        text = f"Veien {way} {_never(c.b, B)} etter {A} (`{at}`)."
    elif c.kind == "precedence":
        text = f"Veien {way} {_reaches(c.b, B)} uten {A} før."
    elif c.kind == "chain-response":
        text = f"Veien {way}: rett etter {A} (`{at}`) kommer `{other}`, ikke {B}."
    elif c.kind == "not-coexistence":
        text = f"Veien {way} har både {A} og {B}."
    elif c.kind == "existence" or (c.kind == "exactly-once" and other is None):
        text = f"Veien {way} {_never(c.a, A)}."
    elif c.kind == "exactly-once":
        text = f"Veien {way} {_reaches(c.a, A)} mer enn én gang."
    elif c.kind == "absence":
        text = f"Veien {way} {_reaches(c.a, A)}."
    else:  # possible
        text = "Ingen vei"
        if c.given:
            text += f" gjennom {describe(c.given, pg, message_types)}"
        text += f" {_reaches(c.a, A)}"
        if c.without:
            text += f" uten {describe(c.without, pg, message_types)} før"
        text += f"; den korteste veien dit er {way}." if walk else "."
    return f"{text} Kravet: «{c.title}»."


def results(repo: Repository, all_constraints: list[Constraint] | None = None) -> dict:
    """Procedure id -> [Result] for every constraint that applies to it (for the site and the
    export): whether it holds and, if not, the shortest counterexample."""
    constraints = declared(repo) if all_constraints is None else all_constraints
    message_types = {e.id: e for e in repo.of("message-type")}
    out: dict = {}
    for entry in procedures(repo):
        pg = build(entry)
        rows = []
        for c in applicable(repo, entry, constraints):
            if _bad_reference(c, pg, message_types):
                continue
            holds, walk, at, other, applies = evaluate(pg, c)
            if c.scope != "procedure" and not applies:
                continue
            text = "" if holds else message(pg, c, walk, at, other, message_types)
            rows.append(Result(c, entry, holds, walk, at, text, applies))
        out[entry.id] = rows
    return out


# -- findings --------------------------------------------------------------------------------

def _bad_reference(c: Constraint, pg: ProcedureGraph | None, message_types: dict) -> list:
    """[(key path, Norwegian text)] for what a constraint names that cannot be."""
    bad = []
    for key, selector in c.selectors():
        where = c.path + (key,)
        if "message_type" in selector and selector["message_type"] not in message_types:
            bad.append((where + ("message_type",), f"viser til ukjent meldingstype `{selector['message_type']}`"))
        if "step" in selector:
            if c.scope != "procedure":
                bad.append((where + ("step",), "bruker `step`, som bare kan brukes i et krav som står i "
                                                "prosedyren selv"))
            elif pg is not None and selector["step"] not in pg.steps:
                bad.append((where + ("step",), f"viser til ukjent steg `{selector['step']}`"))
        if "answers" in selector and not (key == "b" and c.kind == "response"):
            bad.append((where + ("answers",), "bruker `answers`, som bare kan brukes som `b` i `response`"))
    return bad


def check(repo: Repository) -> list[Finding]:
    out: list[Finding] = []
    constraints = declared(repo)
    message_types = {e.id: e for e in repo.of("message-type")}
    graphs = {e.id: build(e) for e in procedures(repo)}
    for c in constraints:  # references are reported once, where the constraint is written
        pg = graphs.get(c.holder.id) if c.scope == "procedure" else None
        for path, text in _bad_reference(c, pg, message_types):
            out.append(R_REFERENCE.at(c.holder.file, c.holder.doc.position(path),
                                      f"Veikravet `{c.id}` {text}.",
                                      "Velg steg med `message_type` eller `event`, eller rett id-en.", path))
    for pid, rows in results(repo, constraints).items():
        pg = graphs[pid]
        for r in rows:
            c = r.constraint
            if not r.applies:
                out.append(R_VACUOUS.at(c.holder.file, c.holder.doc.position(c.path),
                    f"Veikravet `{c.id}` nevner et steg som ikke finnes i `{pid}`, så det sjekker ikke det "
                    "det skal.",
                    "Sjekk meldingstypen, hendelsen eller steg-id-en i `a` og `b`.", c.path))
            if r.holds:
                continue
            if r.at is not None:
                file, pos, path = pg.entry.file, pg.pos(r.at), pg.path(r.at)
            else:
                file, pos, path = c.holder.file, c.holder.doc.position(c.path), c.path
            source = c.source
            where = "" if c.holder is pg.entry else f" i {c.holder.file}"
            hint = (f"Kravet `{c.id}`{where} bygger på {source.get('title', 'en kilde')} "
                    f"({SOURCE_STATUS_NB.get(c.status, c.status)}). Rett flyten, eller rett kravet hvis kilden "
                    "sier noe annet.")
            out.append(R_KIND[c.kind].at(file, pos, r.message, hint, path, severity=c.severity))
    return out


# -- the same constraints over one recorded case ---------------------------------------------

def item_matches(selector: dict | None, item: dict) -> bool:
    """Whether one logged event (a dict with `message_type`, `event` and/or `step`) is chosen
    by a selector. `answers` selectors need `holds_on_trace`'s correlation."""
    if not selector:
        return False
    for key in ("message_type", "event", "step"):
        if key in selector:
            return item.get(key) == selector[key]
    return False


def holds_on_trace(c: Constraint, trace: list[dict]) -> tuple[bool | None, int | None]:
    """Does a constraint hold on one case, given as its events in time order? Returns (holds,
    index of the offending event or None). An item answering another carries `answers`: the
    index of the item it answers. `possible` says nothing about a single case: (None, None)."""
    A = [i for i, item in enumerate(trace) if item_matches(c.a, item)]
    B = [i for i, item in enumerate(trace) if item_matches(c.b, item)]
    if c.kind == "response":
        for i in A:
            if c.b and c.b.get("answers"):
                if not any(t.get("answers") == i for t in trace[i + 1:]):
                    return False, i
            elif not any(j > i for j in B):
                return False, i
        return True, None
    if c.kind == "precedence":
        for j in B:
            if not any(i < j for i in A):
                return False, j
        return True, None
    if c.kind == "chain-response":
        for i in A:
            if i + 1 >= len(trace) or i + 1 not in B:
                return False, i
        return True, None
    if c.kind == "not-coexistence":
        if A and B:
            return False, max(min(A), min(B))
        return True, None
    if c.kind == "existence":
        return (True, None) if A else (False, None)
    if c.kind == "absence":
        return (False, A[0]) if A else (True, None)
    if c.kind == "exactly-once":
        if not A:
            return False, None
        return (True, None) if len(A) == 1 else (False, A[1])
    return None, None
