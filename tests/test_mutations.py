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

from checks.analysis import analyse
from checks.content import ALLOWED_ADDRESSES
from checks.graph import build
from checks.repository import Repository, load_repository

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
                import networkx as nx
                reach = nx.descendants(pg.graph, pg.start) | {pg.start}
                dom = nx.immediate_dominators(pg.graph.subgraph(reach), pg.start)
                chain_of = set()
                node = sid
                while node != pg.start:
                    node = dom[node]
                    chain_of.add(node)
                candidates = [s for s in pg.steps if s in reach and s not in chain_of and s != sid
                              and nx.has_path(pg.graph, s, sid)]
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
    kinds: dict = {}
    for mutant in all_mutants:
        repo = Repository(shipped.root, list(shipped.entries), list(shipped.findings))
        repo.shared = {id(e) for e in shipped.entries}
        expected = mutant.apply(repo)
        found = {(f.rule, f.file, f.line, f.column) for f in analyse(repo)}
        kinds[mutant.kind] = kinds.get(mutant.kind, 0) + 1
        for rule, entry, path in expected:
            line, column = entry.doc.position(path)
            if (rule, entry.file, line, column) not in found:
                survivors.append(f"{mutant.kind} [{mutant.where}]: ventet {rule} ved {entry.file}:{line}:{column}")
    with capsys.disabled():
        print(f"\n{len(all_mutants)} mutanter laget, {len(all_mutants) - len(survivors)} fanget: "
              + ", ".join(f"{k} ({n})" for k, n in sorted(kinds.items())))
    assert len(all_mutants) > 50
    assert survivors == []
    assert {"fjern svar-steg", "svar til feil adresse", "frist fra steg som ikke dominerer",
            "steg som aldri nås", "fjern standardgren", "slett rutine som feilveier fører til",
            "brutt referanse"} <= set(kinds)
