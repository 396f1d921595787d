"""The floor: the irreducible work of `samhandling check`, with nothing else.

Reads every YAML file under REPO/procedures, composes and constructs it with libyaml while
keeping every node (so positions stay available), with the garbage collector paused;
validates each document with jsonschema-rs against the project's schemas; and walks each
chain and routine with networkx (reachability from the start, the steps that reach an end,
immediate dominators) plus one reference graph over the documents. No findings, no messages.
`scripts/bench.py` runs it beside `samhandling check` on the same files.

Usage: python scripts/floor.py REPO
"""

from __future__ import annotations

import gc
import json
import os
import sys

gc.disable()

import jsonschema_rs  # noqa: E402
import networkx as nx  # noqa: E402
import yaml  # noqa: E402

FOLDERS = {"parties": "party", "message-types": "message-type", "chains": "chain", "routines": "routine",
           "decisions": "decision", "settings": "setting"}
BASE = "https://samhandling.invalid/schemas/"


def validators(schemas: str) -> dict:
    raw = {}
    for name in sorted(os.listdir(schemas)):
        if name.endswith(".schema.json"):
            with open(os.path.join(schemas, name), encoding="utf-8") as handle:
                raw[name] = {**json.load(handle), "$id": BASE + name}
    registry = jsonschema_rs.Registry([(s["$id"], s) for s in raw.values()])
    return {name[: -len(".schema.json")]: jsonschema_rs.validator_for(s, registry=registry, validate_formats=True)
            for name, s in raw.items() if name != "common.schema.json"}


def files(procedures: str):
    yield "agreement", os.path.join(procedures, "agreement.yaml")
    for folder, kind in FOLDERS.items():
        path = os.path.join(procedures, folder)
        if os.path.isdir(path):
            for item in sorted(os.scandir(path), key=lambda e: e.name):
                if item.name.endswith(".yaml"):
                    yield kind, item.path


def load(path: str):
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8")
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()  # every node keeps its start and end mark
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    return node, data


def walk(steps: list) -> None:
    g = nx.DiGraph()
    start, ends = None, []
    for step in steps:
        g.add_node(step["id"])
        start = step["id"] if step.get("type") == "start" else start
        if step.get("type") == "end":
            ends.append(step["id"])
    for step in steps:
        for target in [step.get("next"), step.get("default"), *(b.get("next") for b in step.get("branches", []))]:
            if target:
                g.add_edge(step["id"], target)
    reachable = nx.descendants(g, start) | {start}
    can_end = set()
    for end in ends:
        can_end |= nx.ancestors(g, end) | {end}
    nx.immediate_dominators(g.subgraph(reachable), start)


def main(repo: str) -> int:
    checkers = validators(os.path.join(repo, "schemas"))
    kept = []
    refs = nx.DiGraph()
    for kind, path in files(os.path.join(repo, "procedures")):
        node, data = load(path)
        kept.append(node)
        if not checkers[kind].is_valid(data):
            print(f"ugyldig: {path}", file=sys.stderr)
            return 1
        me = (kind, data.get("id"))
        refs.add_node(me)
        if kind in ("chain", "routine"):
            walk(data["steps"])
            for step in data["steps"]:
                for key in ("message_type", "procedure"):
                    if step.get(key):
                        refs.add_edge(me, (key, step[key]))
                for value in (step.get("on_failure") or {}).values():
                    refs.add_edge(me, ("routine", value))
    for node in list(refs):
        list(refs.predecessors(node))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
