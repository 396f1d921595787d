"""checks.model.digraph gives networkx's results (networkx is the oracle here)."""

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.model import digraph

edges = st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=40)


def both(edge_list, extra_nodes=()):
    ours, theirs = digraph.DiGraph(), nx.DiGraph()
    for n in extra_nodes:
        ours.add_node(n)
        theirs.add_node(n)
    for u, v in edge_list:
        ours.add_edge(u, v, condition=f"{u}>{v}")
        theirs.add_edge(u, v, condition=f"{u}>{v}")
    return ours, theirs


@settings(max_examples=300, deadline=None)
@given(edges, st.integers(0, 12))
def test_reachability_matches_networkx(edge_list, source):
    ours, theirs = both(edge_list, [source])
    assert digraph.descendants(ours, source) == nx.descendants(theirs, source)
    assert digraph.ancestors(ours, source) == nx.ancestors(theirs, source)
    for target in theirs:
        assert digraph.has_path(ours, source, target) == nx.has_path(theirs, source, target)


@settings(max_examples=300, deadline=None)
@given(edges, st.integers(0, 12))
def test_immediate_dominators_match_networkx(edge_list, start):
    ours, theirs = both(edge_list, [start])
    expected = dict(nx.immediate_dominators(theirs, start))
    expected.pop(start, None)  # networkx before 3.5 maps the start to itself
    assert digraph.immediate_dominators(ours, start) == expected


@settings(max_examples=300, deadline=None)
@given(edges, st.sets(st.integers(0, 12)))
def test_condensation_and_subgraph_match_networkx(edge_list, keep):
    ours, theirs = both(edge_list)
    ours_sub, theirs_sub = ours.subgraph(keep), theirs.subgraph(keep)
    assert set(ours_sub) == set(theirs_sub)
    assert sorted(ours_sub.edges()) == sorted(theirs_sub.edges())
    for g, h in ((ours, theirs), (ours_sub, theirs_sub)):
        mine, theirs_c = digraph.condensation(g), nx.condensation(h)
        as_sets = lambda c: {frozenset(c.nodes[i]["members"]) for i in c.nodes}  # noqa: E731
        assert as_sets(mine) == as_sets(theirs_c)
        relabel = lambda c: {(frozenset(c.nodes[a]["members"]), frozenset(c.nodes[b]["members"]))  # noqa: E731
                             for a, b in c.edges()}
        assert relabel(mine) == relabel(theirs_c)
        for i in mine.nodes:
            member = next(iter(mine.nodes[i]["members"]))
            j = theirs_c.graph["mapping"][member]
            assert mine.in_degree(i) == theirs_c.in_degree(j)
            assert mine.out_degree(i) == theirs_c.out_degree(j)


def test_edges_keep_attributes_and_order():
    g = digraph.DiGraph()
    g.add_node("a", index=0)
    g.add_edge("a", "b", condition="ja")
    g.add_edge("a", "c", condition=None)
    assert g.edges(data=True) == [("a", "b", {"condition": "ja"}), ("a", "c", {"condition": None})]
    assert g.nodes["a"] == {"index": 0}
    assert list(g.predecessors("b")) == ["a"] and list(g.successors("a")) == ["b", "c"]
    assert ("x", "y") not in g and "a" in g and [] not in g


@settings(max_examples=200, deadline=None)
@given(edges, st.integers(0, 12), st.integers(0, 12))
def test_copy_and_remove_node_match_networkx(edge_list, removed, source):
    ours, theirs = both(edge_list, [removed, source])
    ours_copy, theirs_copy = ours.copy(), theirs.copy()
    ours_copy.remove_node(removed)
    theirs_copy.remove_node(removed)
    assert sorted(ours_copy.edges()) == sorted(theirs_copy.edges())
    assert sorted(ours.edges()) == sorted(theirs.edges())  # the original is untouched
    if source != removed:
        assert digraph.descendants(ours_copy, source) == nx.descendants(theirs_copy, source)
