"""The chain diagram keeps the logic: decisions as `alt` blocks with their conditions, what does
not nest (merges, loops) as jumps to numbered steps (checks/model/blocks.py, drawn by
checks/site/diagram.py). Checked on every procedure of the repository (behaviour, not content)
and on small graphs made here for each shape."""

from __future__ import annotations

import re
import types

import pytest

from checks.model.blocks import blocks, branches
from checks.model.procgraph import build
from checks.rules.analysis import run_checks
from checks.site import diagram

from sitebuild import ROOT


def entry(steps: list, kind: str = "chain", title: str = "Prøve"):
    return types.SimpleNamespace(id="prove", kind=kind, data={"title": title, "steps": steps})


def s(sid, kind="event", **more):
    return {"id": sid, "type": kind, "title": f"Steg {sid}", **more}


def msg(sid, **more):
    return s(sid, "message", **{"from": {"party": "health-trust", "address": "somatikk-plo-meldingsmottak"},
                                "to": {"party": "municipality", "address": "saksbehandler"}}, **more)


def decision(sid, *ways, default=None):
    step = s(sid, "decision", branches=[{"condition": c, "next": n} for c, n in ways])
    if default:
        step["default"] = default
    return step


def check_invariants(pg) -> list:
    items = blocks(pg)
    drawn = [i[1] for i in items if i[0] == "step"]
    assert sorted(drawn) == sorted(pg.steps), "every step exactly once"
    depth, seen = 0, set()
    for item in items:
        if item[0] == "alt":
            depth += 1
        elif item[0] == "end":
            depth -= 1
        assert depth >= 0
        if item[0] in ("alt", "else") and item[2]:
            assert item[2] in pg.steps and item[3] == (item[2] in seen)
        if item[0] == "jump":
            assert item[1] in pg.steps and item[2] == (item[1] in seen)
        if item[0] == "step":
            seen.add(item[1])
    assert depth == 0, "every block ends"
    # every way on from a decision is a section of its block, with its condition
    for sid, (_, step) in pg.steps.items():
        if step.get("type") == "decision":
            labels = [i[1] for i in items if i[0] in ("alt", "else")]
            for condition, _ in branches(pg, sid):
                assert condition in labels
    return items


def test_every_procedure_in_the_repository_keeps_its_steps_and_conditions():
    repo, _ = run_checks(ROOT)
    procedures = repo.of("chain") + repo.of("routine")
    assert procedures
    for e in procedures:
        check_invariants(build(e))


def test_a_diamond_nests_and_goes_on_after_the_block():
    pg = build(entry([s("a", "start", next="d"), decision("d", ("ja", "x"), ("nei", "j")),
                      s("x", next="y"), s("y", next="j"), s("j", next="z"), s("z", "end")]))
    items = check_invariants(pg)
    assert items == [("step", "a"), ("step", "d"), ("alt", "ja", None, False), ("step", "x"), ("step", "y"),
                     ("else", "nei", "j", False), ("end",), ("step", "j"), ("step", "z")]


def test_two_branches_with_their_own_steps_meet_after_the_block():
    pg = build(entry([s("a", "start", next="d"), decision("d", ("ja", "x"), ("nei", "y")),
                      s("x", next="j"), s("y", next="j"), s("j", "end")]))
    items = check_invariants(pg)
    assert items == [("step", "a"), ("step", "d"), ("alt", "ja", None, False), ("step", "x"),
                     ("else", "nei", None, False), ("step", "y"), ("end",), ("step", "j")]


def test_a_loop_goes_back_to_a_numbered_step():
    pg = build(entry([s("a", "start", next="d"), decision("d", ("mer", "x"), ("ferdig", "z")),
                      msg("x", next="d"), s("z", "end")]))
    items = check_invariants(pg)
    assert ("jump", "d", True) in items
    text = diagram.mermaid(pg.entry, {})
    assert "↻ Tilbake til steg 2" in text


def test_a_default_is_the_last_section_and_a_default_that_is_a_branch_adds_nothing():
    pg = build(entry([s("a", "start", next="d"), decision("d", ("ja", "x"), default="y"),
                      s("x", "end"), s("y", "end")]))
    assert [i[1] for i in check_invariants(pg) if i[0] in ("alt", "else")] == ["ja", "Ellers"]
    pg = build(entry([s("a", "start", next="d"), decision("d", ("ja", "x"), ("nei", "y"), default="y"),
                      s("x", "end"), s("y", "end")]))
    assert [i[1] for i in check_invariants(pg) if i[0] in ("alt", "else")] == ["ja", "nei"]


def test_a_merge_across_blocks_is_a_jump_forward():
    # x and y are reached from both branches of d, through their own decisions
    pg = build(entry([s("a", "start", next="d"), decision("d", ("1", "p"), ("2", "q")),
                      decision("p", ("3", "m"), ("4", "e1")), decision("q", ("5", "m"), ("6", "e2")),
                      s("m", "end"), s("e1", "end"), s("e2", "end")]))
    items = check_invariants(pg)
    assert ("alt", "3", "m", False) in items  # m comes later, drawn once, after the block of d
    assert items.index(("step", "m")) > items.index(("alt", "5", "m", False))


def test_unreachable_steps_and_deep_nesting_are_still_drawn():
    steps = [s("a", "start", next="d0")]
    for i in range(120):
        steps.append(decision(f"d{i}", ("videre", f"d{i + 1}"), ("stopp", f"e{i}")))
        steps.append(s(f"e{i}", "end"))
    steps += [s("d120", "end"), s("ensom", next="d3")]
    check_invariants(build(entry(steps)))


def test_the_sequence_diagram_has_balanced_blocks_and_every_condition():
    repo, _ = run_checks(ROOT)
    types_ = {m.id: m for m in repo.of("message-type")}
    for e in repo.of("chain"):
        text = diagram.mermaid(e, types_)
        lines = [line.strip() for line in text.splitlines()]
        opened = sum(1 for line in lines if line.startswith("alt ")) + \
            sum(1 for line in lines if line.startswith("box "))
        assert opened == sum(1 for line in lines if line == "end")
        for step in e.data["steps"]:
            for b in step.get("branches") or []:
                assert diagram._text(b["condition"]) in text
        # The decision note no longer lists the branches: the block's sections say them.
        assert not any(line.startswith("Note") and "«" in line for line in lines)


@pytest.mark.parametrize("condition", ["a; b", "x --> y", "end", "alt #59; <b>"])
def test_conditions_are_safe_block_labels(condition):
    pg = build(entry([s("a", "start", next="d"), decision("d", (condition, "x"), ("nei", "y")),
                      msg("x", next="y"), s("y", "end")]))
    text = diagram.mermaid(pg.entry, {})
    label = next(line.strip() for line in text.splitlines() if line.strip().startswith("alt "))
    assert label == "alt " + diagram._text(condition)
    bare = re.sub(r"#\d+;", "", label)
    assert not set(bare) & set(";<>#")


def test_a_block_with_only_labels_says_where_each_section_leads_inside_it():
    # mermaid cannot draw an alt block with nothing inside
    pg = build(entry([s("a", "start", next="m"), msg("m", next="d"), decision("d", ("ja", "x"), ("nei", "y")),
                      s("x", next="j"), s("y", next="j"), decision("j", ("igjen", "m"), ("slutt", "z")),
                      s("z", "end")]))
    text = diagram.mermaid(pg.entry, {})
    lines = [line.strip() for line in text.splitlines()]
    i = lines.index("alt igjen")
    assert lines[i + 1].startswith("Note over") and "Tilbake til steg 2" in lines[i + 1]


def test_a_flowchart_keeps_two_conditions_that_lead_to_the_same_step():
    pg = build(entry([s("a", "start", next="d"), decision("d", ("rød", "x"), ("gul", "x"), ("grønn", "y")),
                      s("x", "end"), s("y", "end")], kind="routine"))
    text = diagram.mermaid(pg.entry, {})
    assert '-->|"rød eller gul"|' in text and '-->|"grønn"|' in text
    assert 'label="rød eller gul"' in diagram.dot(pg.entry, {})
