"""Mutation test: damage the shipped content in every way the graph rules guard against, and
check that the right rule fires at the right place for every mutant.

Mutants change the loaded model in memory (the positions of untouched nodes stay valid), so
each expected finding is compared with the position the loader recorded for the damaged node.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Callable

import pytest

from checks.review.gate import analyse
from checks.model.findings import RULES
from checks.model.vocabulary import ALLOWED_ADDRESSES
from checks.rules.graph import build
from checks.model.repository import Repository, load_repository

from conftest import ROOT


@dataclass
class Mutant:
    kind: str
    where: str
    apply: Callable  # repo -> list of (rule, entry, path)


def _steps(entry):
    return entry.data["steps"]


def _index(entry, sid):
    return next(i for i, s in enumerate(_steps(entry)) if s["id"] == sid)


def _find(repo, file):
    """The entry for `file`, copied on first access so the shipped model stays untouched."""
    i = next(i for i, e in enumerate(repo.entries) if e.file == file)
    if id(repo.entries[i]) in repo.shared:
        repo.entries[i] = copy.deepcopy(repo.entries[i])
    return repo.entries[i]


def _remove_step(entry, i):
    """Delete step i and shift the recorded positions of the steps after it."""
    del _steps(entry)[i]
    for table in (entry.doc.positions, entry.doc.key_positions):
        moved = {}
        for path, pos in list(table.items()):
            if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int) and path[1] >= i:
                del table[path]
                if path[1] > i:
                    moved[("steps", path[1] - 1) + path[2:]] = pos
        table.update(moved)


def _successor(step):
    return step.get("next") or step.get("default")


def mutants(repo) -> list[Mutant]:
    out: list[Mutant] = []
    procedures = [e for e in repo.entries if e.kind in ("chain", "routine")]
    types = {e.id: e for e in repo.entries if e.kind == "message-type"}
    routines = {e.id: e for e in repo.entries if e.kind == "routine"}
    for entry in procedures:
        pg = build(entry)
        f = entry.file
        for i, step in enumerate(_steps(entry)):
            sid = step["id"]

            # remove an answer step (its predecessors skip to what followed it)
            answered = step.get("answers")
            sole = sum(1 for s in _steps(entry) if s.get("answers") == answered) == 1
            if answered and sole and (types.get(_steps(entry)[_index(entry, answered)].get("message_type"))
                             .data.get("answer", {}).get("required")):
                def remove_answer(r, f=f, sid=sid, answered=answered):
                    e = _find(r, f)
                    i = _index(e, sid)
                    after = _successor(_steps(e)[i])
                    for other in _steps(e):
                        if other.get("next") == sid:
                            other["next"] = after
                        if other.get("default") == sid:
                            other["default"] = after
                        for b in other.get("branches", []):
                            if b["next"] == sid:
                                b["next"] = after
                    _remove_step(e, i)
                    return [("message.answer-missing", e, ("steps", _index(e, answered)))]
                out.append(Mutant("fjern svar-steg", f"{f}:{sid}", remove_answer))

            # redirect an answer to another address of the same party
            if answered:
                party = step["to"]["party"]
                for wrong in sorted(ALLOWED_ADDRESSES[party] - {step["to"]["address"]}):
                    def redirect(r, f=f, i=i, wrong=wrong):
                        e = _find(r, f)
                        _steps(e)[i]["to"]["address"] = wrong
                        return [("message.answer", e, ("steps", i, "to"))]
                    out.append(Mutant("svar til feil adresse", f"{f}:{sid}->{wrong}", redirect))

            # anchor a deadline on a reachable step that does not dominate it
            if isinstance(step.get("deadline"), dict) and pg.start:
                import networkx as nx  # the oracle, independent of checks.model.digraph
                graph = nx.DiGraph(pg.graph.edges())
                graph.add_nodes_from(pg.graph)
                reach = nx.descendants(graph, pg.start) | {pg.start}
                dom = nx.immediate_dominators(graph.subgraph(reach), pg.start)
                chain_of = set()
                node = sid
                while node != pg.start:
                    node = dom[node]
                    chain_of.add(node)
                candidates = [s for s in pg.steps if s in reach and s not in chain_of and s != sid
                              and nx.has_path(graph, s, sid)]
                for anchor in candidates[:3]:
                    def move_anchor(r, f=f, i=i, anchor=anchor):
                        e = _find(r, f)
                        _steps(e)[i]["deadline"]["from"] = anchor
                        return [("deadline.not-dominating", e, ("steps", i, "deadline"))]
                    out.append(Mutant("frist fra steg som ikke dominerer", f"{f}:{sid}<-{anchor}", move_anchor))

            # drop a decision's default
            if step.get("type") == "decision" and step.get("default"):
                def drop_default(r, f=f, i=i):
                    e = _find(r, f)
                    del _steps(e)[i]["default"]
                    return [("graph.decision", e, ("steps", i))]
                out.append(Mutant("fjern standardgren", f"{f}:{sid}", drop_default))

            # break references: next, message type, failure routine
            for key in ("next", "message_type"):
                if step.get(key):
                    def break_ref(r, f=f, i=i, key=key):
                        e = _find(r, f)
                        _steps(e)[i][key] = _steps(e)[i][key] + "-x"
                        return [("ref.unknown", e, ("steps", i, key))]
                    out.append(Mutant("brutt referanse", f"{f}:{sid}.{key}", break_ref))
            for key in ("apprec", "misdirected"):
                if (step.get("on_failure") or {}).get(key):
                    def break_failure(r, f=f, i=i, key=key):
                        e = _find(r, f)
                        _steps(e)[i]["on_failure"][key] += "-x"
                        return [("ref.unknown", e, ("steps", i, "on_failure", key))]
                    out.append(Mutant("brutt referanse", f"{f}:{sid}.on_failure.{key}", break_failure))
                    other = "misdirected" if key == "apprec" else "apprec"
                    def swap_failure(r, f=f, i=i, key=key, other=other):
                        e = _find(r, f)
                        failure = _steps(e)[i]["on_failure"]
                        failure[key] = failure[other]
                        return [("failure.wrong-routine", e, ("steps", i, "on_failure"))]
                    if step["on_failure"].get(other) != step["on_failure"][key]:
                        out.append(Mutant("feilhåndtering til feil rutine", f"{f}:{sid}.{key}", swap_failure))

            if step.get("type") == "message":
                def drop_failure(r, f=f, i=i):
                    e = _find(r, f)
                    del _steps(e)[i]["on_failure"]
                    return [("failure.missing", e, ("steps", i))]
                out.append(Mutant("fjern feilhåndtering", f"{f}:{sid}", drop_failure))

            # cut a step off from the rest: it becomes a dead end
            if step.get("next") and step.get("type") not in ("decision", "end"):
                def cut(r, f=f, i=i):
                    e = _find(r, f)
                    del _steps(e)[i]["next"]
                    return [("graph.dead-end", e, ("steps", i))]
                out.append(Mutant("blindvei", f"{f}:{sid}", cut))

        # add an unreachable step
        def add_unreachable(r, f=f):
            e = _find(r, f)
            ends = [s["id"] for s in _steps(e) if s["type"] == "end"]
            n = len(_steps(e))
            _steps(e).append({"id": "glemt-steg", "type": "action", "title": "Glemt", "next": ends[0]})
            e.doc.positions[("steps", n)] = (10_000, 5)
            return [("graph.unreachable", e, ("steps", n))]
        out.append(Mutant("steg som aldri nås", f, add_unreachable))

        # break a fulfils reference
        def break_fulfils(r, f=f):
            e = _find(r, f)
            e.data["fulfils"][0] = "9.9"
            return [("ref.unknown", e, ("fulfils", 0))]
        out.append(Mutant("brutt referanse", f"{f}:fulfils", break_fulfils))

    for entry in procedures:
        f = entry.file
        steps = _steps(entry)
        start = next(i for i, st in enumerate(steps) if st["type"] == "start")
        ends = [i for i, st in enumerate(steps) if st["type"] == "end"]

        def no_start(r, f=f, start=start):
            e = _find(r, f)
            _steps(e)[start]["type"] = "event"
            return [("graph.start", e, ("steps",))]
        out.append(Mutant("uten startsteg", f, no_start))

        def no_end(r, f=f, ends=ends, start=start):
            e = _find(r, f)
            for i in ends:
                _steps(e)[i]["type"] = "action"
                _steps(e)[i]["next"] = _steps(e)[start]["id"]
            return [("graph.no-end", e, ("steps",))]
        out.append(Mutant("uten slutt", f, no_end))

        for i in ends[:1]:
            def end_next(r, f=f, i=i, start=start):
                e = _find(r, f)
                _steps(e)[i]["next"] = _steps(e)[start]["id"]
                return [("graph.end-has-next", e, ("steps", i))]
            out.append(Mutant("slutt med neste steg", f, end_next))

        for i, step in enumerate(steps):
            if step.get("next") and step["type"] not in ("decision", "end", "start"):
                def self_loop(r, f=f, i=i):
                    e = _find(r, f)
                    _steps(e)[i]["next"] = _steps(e)[i]["id"]
                    return [("graph.cycle-without-exit", e, ("steps", i))]
                out.append(Mutant("sløyfe uten utgang", f"{f}:{step['id']}", self_loop))
                break

        for i, step in enumerate(steps):
            if step.get("type") != "message":
                continue
            mtype = types.get(step.get("message_type"))
            parties = {(d["from"], d["to"]) for d in mtype.data["directions"]}

            def incomplete(r, f=f, i=i):
                e = _find(r, f)
                del _steps(e)[i]["from"]
                return [("message.incomplete", e, ("steps", i))]
            out.append(Mutant("melding uten avsender", f"{f}:{step['id']}", incomplete))

            if (step["to"]["party"], step["from"]["party"]) not in parties:
                def reverse(r, f=f, i=i):
                    e = _find(r, f)
                    st = _steps(e)[i]
                    st["from"], st["to"] = st["to"], st["from"]
                    return [("message.direction", e, ("steps", i, "to"))]
                out.append(Mutant("feil retning", f"{f}:{step['id']}", reverse))

            direction = next(d for d in mtype.data["directions"]
                             if (d["from"], d["to"]) == (step["from"]["party"], step["to"]["party"]))
            wrong = sorted(ALLOWED_ADDRESSES[step["to"]["party"]] - set(direction.get("addressed_to") or []))
            if direction.get("addressed_to") and not step.get("answers") and wrong:
                def misaddress(r, f=f, i=i, wrong=wrong[0]):
                    e = _find(r, f)
                    _steps(e)[i]["to"]["address"] = wrong
                    return [("message.address", e, ("steps", i, "to"))]
                out.append(Mutant("feil tjenesteadresse", f"{f}:{step['id']}", misaddress))

            limit = mtype.data.get("deadline")
            if isinstance(step.get("deadline"), dict) and limit:
                def too_long(r, f=f, i=i, limit=limit):
                    e = _find(r, f)
                    deadline = _steps(e)[i]["deadline"]
                    deadline.pop("same_day", None)
                    deadline["within"] = "P30D" if limit.get("within") else "PT48H"
                    rule = "deadline.too-long" if limit.get("within") else "deadline.incomparable"
                    return [(rule, e, ("steps", i, "deadline"))]
                out.append(Mutant("for lang frist", f"{f}:{step['id']}", too_long))

    # a message type withdrawn or phasing out: every step that uses it is reported
    used = {}
    for entry in procedures:
        for i, step in enumerate(_steps(entry)):
            if step.get("message_type") in types:
                used.setdefault(step["message_type"], []).append((entry.file, i))
    for mid, sites in sorted(used.items()):
        for status, rule_id in (("withdrawn", "message.withdrawn"), ("phasing-out", "message.phasing-out")):
            def retire(r, mid=mid, sites=sites, status=status, rule_id=rule_id):
                t = _find(r, types[mid].file)
                t.data["regulation_status"] = status
                return [(rule_id, _find(r, f), ("steps", i, "message_type")) for f, i in sites]
            out.append(Mutant("meldingstype trukket eller utfases", f"{mid}:{status}", retire))

    # a failure routine that is itself unsound
    for rid, routine in sorted(routines.items()):
        users = [(e.file, i, k) for e in procedures for i, st in enumerate(_steps(e))
                 for k in ("apprec", "misdirected") if (st.get("on_failure") or {}).get(k) == rid]
        if not users:
            continue
        def break_routine(r, rid=rid, users=users):
            victim = _find(r, routines[rid].file)
            ends = {st["id"] for st in _steps(victim) if st["type"] == "end"}
            for st in _steps(victim):
                if st.get("next") in ends:
                    del st["next"]
            return [("failure.unsound-routine", _find(r, f), ("steps", i, "on_failure")) for f, i, _ in users
                    if f != victim.file]
        out.append(Mutant("feilvei til rutine med feil", rid, break_routine))

    # a pathway substitution loses its fallback while some party lacks the new address
    parties = [e for e in repo.entries if e.kind == "party"]
    for entry in [e for e in procedures if e.kind == "chain"]:
        for pi, pathway in enumerate(entry.data.get("pathways") or []):
            for si, sub in enumerate(pathway.get("substitutions") or []):
                lacking = [p for p in parties if p.data.get("role") == "municipality" and sub["with"] not in
                           {a["role"] for a in p.data.get("service_addresses", [])}]
                if sub.get("fallback") and lacking:
                    def drop_fallback(r, f=entry.file, pi=pi, si=si):
                        e = _find(r, f)
                        del e.data["pathways"][pi]["substitutions"][si]["fallback"]
                        return [("message.pathway-address", e, ("pathways", pi, "substitutions", si, "with"))]
                    out.append(Mutant("forløp uten reserveadresse", f"{entry.file}:{pathway['id']}", drop_fallback))

    # two routines of one category
    ordered = sorted(routines.values(), key=lambda e: e.file)
    def duplicate_category(r, first=ordered[0], second=ordered[1]):
        e = _find(r, second.file)
        e.data["category"] = first.data["category"]
        later = max((first, e), key=lambda x: x.file)
        return [("repo.required-routine", _find(r, later.file), ("category",))]
    out.append(Mutant("påkrevd rutine to ganger", ordered[1].id, duplicate_category))

    # an obligation covered by one procedure loses it
    fulfilled: dict = {}
    for entry in procedures:
        for ob in entry.data["fulfils"]:
            fulfilled.setdefault(ob, []).append(entry.file)
    obligations = repo.agreement.data["obligations"]
    for oi, ob in enumerate(obligations):
        if ob["evidence"] in ("procedure", "plan") and len(fulfilled.get(ob["id"], [])) == 1:
            def uncover(r, oi=oi, oid=ob["id"], f=fulfilled[ob["id"]][0]):
                e = _find(r, f)
                e.data["fulfils"] = [x for x in e.data["fulfils"] if x != oid] or ["6"]
                return [("coverage.uncovered", r.agreement, ("obligations", oi, "id"))]
            out.append(Mutant("forpliktelse uten prosedyre", ob["id"], uncover))

    # a setting nobody refers to any more
    for setting in sorted((e for e in repo.entries if e.kind == "setting"), key=lambda e: e.id):
        def orphan(r, sid=setting.id, sf=setting.file):
            for e in list(r.entries):
                if e.kind not in ("chain", "routine"):
                    continue
                if sid not in repr(e.data):
                    continue
                e = _find(r, e.file)
                e.data["settings"] = [x for x in e.data.get("settings", []) if x != sid]
                for st in _steps(e):
                    st["settings"] = [x for x in st.get("settings", []) if x != sid]
                    for key in ("deadline", "escalation"):
                        if isinstance(st.get(key), dict) and st[key].get("setting") == sid:
                            del st[key]["setting"]
            return [("repo.orphan", next(e for e in r.entries if e.file == sf), ("id",))]
        out.append(Mutant("innstilling ingen viser til", setting.id, orphan))

    # delete a routine that failure paths lead to
    targets = sorted({(s.get("on_failure") or {}).get(k) for e in procedures for s in _steps(e)
                      for k in ("apprec", "misdirected")} - {None})
    for rid in targets:
        def delete_routine(r, rid=rid):
            victim = next(e for e in r.entries if e.kind == "routine" and e.id == rid)
            r.entries.remove(victim)
            expected = []
            for e in list(r.entries):
                if e.kind in ("chain", "routine"):
                    for i, s in enumerate(_steps(e)):
                        for k in ("apprec", "misdirected"):
                            if (s.get("on_failure") or {}).get(k) == rid:
                                expected.append(("ref.unknown", e, ("steps", i, "on_failure", k)))
            return expected
        out.append(Mutant("slett rutine som feilveier fører til", rid, delete_routine))
    assert routines
    return out


@pytest.fixture(scope="module")
def shipped():
    return load_repository(ROOT)


def test_shipped_content_has_no_errors(shipped):
    assert [f for f in analyse(shipped) if f.severity == "error"] == []


def test_every_mutant_is_caught_at_the_right_place(shipped, capsys):
    all_mutants = mutants(shipped)
    survivors = []
    killed: set = set()
    kinds: dict = {}
    for mutant in all_mutants:
        repo = Repository(shipped.root, list(shipped.entries), list(shipped.findings))
        repo.shared = {id(e) for e in shipped.entries}
        expected = mutant.apply(repo)
        found = {(f.rule, f.file, f.line, f.column) for f in analyse(repo)}
        kinds[mutant.kind] = kinds.get(mutant.kind, 0) + 1
        for rule, entry, path in expected:
            line, column = entry.doc.position(path)
            if (rule, entry.file, line, column) in found:
                killed.add(rule)
            else:
                survivors.append(f"{mutant.kind} [{mutant.where}]: ventet {rule} ved {entry.file}:{line}:{column}")
    with capsys.disabled():
        print(f"\n{len(all_mutants)} mutanter laget, {len(all_mutants) - len(survivors)} fanget: "
              + ", ".join(f"{k} ({n})" for k, n in sorted(kinds.items())))
    assert len(all_mutants) > 50
    assert survivors == []
    assert {"fjern svar-steg", "svar til feil adresse", "frist fra steg som ikke dominerer",
            "steg som aldri nås", "fjern standardgren", "slett rutine som feilveier fører til",
            "brutt referanse"} <= set(kinds)
    # every rule of the graph analysis is killed by at least one mutant
    graph_rules = {rid for rid in RULES if rid.split(".")[0] in ("graph", "message", "deadline", "failure", "repo")}
    graph_rules |= {"coverage.uncovered", "ref.unknown"}
    assert graph_rules <= killed, sorted(graph_rules - killed)


# -- path obligations: every constraint kind broken on purpose ------------------------------

from checks.rules import paths  # noqa: E402

from conftest import CASES  # noqa: E402


def _redirect(entry, old, new):
    """Every edge into step `old` now goes to `new`."""
    for other in _steps(entry):
        if other.get("next") == old:
            other["next"] = new
        if other.get("default") == old:
            other["default"] = new
        for b in other.get("branches", []) or []:
            if b["next"] == old:
                b["next"] = new


def _skip(entry, sids):
    """Bypass the steps `sids` (their predecessors go straight to what followed them)."""
    for sid in sids:
        step = next(s for s in _steps(entry) if s["id"] == sid)
        after = _successor(step)
        if after and after not in sids:
            _redirect(entry, sid, after)


def _stamp(step, selector):
    """Make a step match a selector (the kind of damage that makes A or B appear)."""
    if "event" in selector:
        step["event"] = selector["event"]
    elif "message_type" in selector and step.get("type") == "message":
        step["message_type"] = selector["message_type"]
    else:
        return False
    return True


def constraint_mutants(repo):
    """(kind, where, apply) for each constraint: apply(repo) damages the procedure so that the
    constraint no longer holds and returns (procedure file, kind)."""
    out = []
    for pid, rows in paths.results(repo).items():
        for row in rows:
            c, entry = row.constraint, row.procedure
            pg = build(entry)
            A, B = paths.matches(pg, c.a), paths.matches(pg, c.b)
            if c.b and c.b.get("answers"):
                B = {b for a in A for b in paths.matches(pg, c.b, activation=a)}
            live = paths._live(pg)
            f = entry.file
            if c.kind == "existence" and "event" in c.a and A:
                def apply(r, f=f, gone=sorted(A)):  # the event is no longer recorded on its steps
                    for st in _steps(_find(r, f)):
                        if st["id"] in gone:
                            del st["event"]
                out.append((c.kind, f"{pid}:{c.id}", apply, f))
            elif c.kind in ("response", "existence") and (B if c.kind == "response" else A):
                gone = sorted(B if c.kind == "response" else A)
                def apply(r, f=f, gone=gone):
                    _skip(_find(r, f), set(gone))
                out.append((c.kind, f"{pid}:{c.id}", apply, f))
            elif c.kind == "precedence" and A and not (A & {pg.start}):
                def apply(r, f=f, gone=sorted(A)):
                    _skip(_find(r, f), set(gone))
                out.append((c.kind, f"{pid}:{c.id}", apply, f))
            elif c.kind == "chain-response":
                for a in sorted(A & live):
                    step = pg.steps[a][1]
                    if not step.get("next"):
                        continue
                    def apply(r, f=f, a=a):
                        e = _find(r, f)
                        st = next(s for s in _steps(e) if s["id"] == a)
                        n = len(_steps(e))
                        _steps(e).append({"id": "innskutt-steg", "type": "action", "title": "Innskutt",
                                          "next": st["next"]})
                        e.doc.positions[("steps", n)] = (10_000, 5)
                        st["next"] = "innskutt-steg"
                    out.append((c.kind, f"{pid}:{c.id}", apply, f))
                    break
            elif c.kind == "not-coexistence":
                pairs = [(x, y) for a in sorted(A & live) for b in sorted(B & live) for x, y in ((a, b), (b, a))
                         if pg.steps[x][1].get("next") and pg.steps[x][1].get("type") != "decision"]
                if pairs:
                    def apply(r, f=f, a=pairs[0][0], b=pairs[0][1]):
                        e = _find(r, f)
                        next(s for s in _steps(e) if s["id"] == a)["next"] = b
                    out.append((c.kind, f"{pid}:{c.id}", apply, f))
            elif c.kind in ("absence", "exactly-once"):
                after = sorted((paths.nx.descendants(pg.graph, min(A, key=lambda s: pg.steps[s][0])) if A and
                                c.kind == "exactly-once" else live) - A - set(pg.ends) - {pg.start},
                               key=lambda s: pg.steps[s][0])
                target = next((s for s in after if _stamp(copy.deepcopy(pg.steps[s][1]), c.a)), None)
                if target:
                    def apply(r, f=f, target=target, sel=c.a):
                        e = _find(r, f)
                        _stamp(next(s for s in _steps(e) if s["id"] == target), sel)
                    out.append((c.kind, f"{pid}:{c.id}", apply, f))
            elif c.kind == "possible" and c.without:
                W = paths.matches(pg, c.without)
                ws = [w for w in sorted(W & live) if pg.steps[w][1].get("next")
                      and pg.steps[w][1].get("type") != "decision"]
                if ws and A:
                    def apply(r, f=f, w=ws[0], A=sorted(A)):
                        e = _find(r, f)
                        for a in A:  # every way into A now passes w first
                            _redirect(e, a, w)
                        next(s for s in _steps(e) if s["id"] == w)["next"] = A[0]
                    out.append((c.kind, f"{pid}:{c.id}", apply, f))
    return out


def _witness_ok(kind, walk, at, pg, c):
    """The counterexample is a real walk from start to an end that breaks the constraint."""
    if kind == "possible":  # the shortest way to A there is, and it passes `without` first
        W = paths.matches(pg, c.without)
        return not walk or (walk[0] == pg.start and walk[-1] == at and bool(set(walk) & W))
    if not walk or walk[0] != pg.start or walk[-1] not in pg.ends:
        return False
    if any(not pg.graph.has_edge(u, v) for u, v in zip(walk, walk[1:])):
        return False
    A, B = paths.matches(pg, c.a), paths.matches(pg, c.b, activation=at)
    i = walk.index(at) if at in walk else -1
    return {
        "response": lambda: at in A and not (set(walk[i + 1:]) & B),
        "precedence": lambda: at in B and not (set(walk[:i]) & A),
        "chain-response": lambda: at in A,
        "not-coexistence": lambda: bool(set(walk) & A) and bool(set(walk) & B),
        "existence": lambda: not (set(walk) & A),
        "absence": lambda: bool(set(walk) & A),
        "exactly-once": lambda: sum(1 for s in walk if s in A) != 1,
        "possible": lambda: True,
    }[kind]()


@pytest.mark.parametrize("source", ["shipped", "paths-hold"])
def test_every_constraint_kind_broken_is_caught_with_a_true_counterexample(source, tmp_path, capsys):
    from test_cases import materialise
    root = ROOT if source == "shipped" else materialise(CASES / "paths-hold", tmp_path)
    base = load_repository(root)
    assert all(r.holds for rows in paths.results(base).values() for r in rows)
    kinds, survivors = set(), []
    made = constraint_mutants(base)
    for kind, where, apply, file in made:
        repo = Repository(base.root, list(base.entries), list(base.findings))
        repo.shared = {id(e) for e in base.entries}
        apply(repo)
        found = [f for f in analyse(repo) if f.rule == f"path.{kind}" and f.file == file]
        broken = [r for rows in paths.results(repo).values() for r in rows
                  if not r.holds and r.constraint.kind == kind and r.procedure.file == file]
        ok = found and broken and all(_witness_ok(kind, r.counterexample, r.at, build(r.procedure), r.constraint)
                                      for r in broken)
        if not ok:
            survivors.append(f"{kind} [{where}]")
        kinds.add(kind)
    with capsys.disabled():
        print(f"\n{source}: {len(made)} veikravmutanter, {len(made) - len(survivors)} fanget: "
              + ", ".join(sorted(kinds)))
    assert survivors == []
    if source == "paths-hold":
        assert kinds == set(paths.KINDS)
