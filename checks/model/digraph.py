"""A small directed graph with the part of networkx's API the graph rules use.

Importing networkx costs about 90 ms (it loads every algorithm and looks for backends), more
than the whole rest of a check of this repository, and `samhandling check` runs in a
pre-commit hook. The rules need a handful of standard algorithms over graphs of tens of
nodes, so this module gives exactly those, under networkx's names and with its results:

- `DiGraph`: nodes and edges with attributes, `subgraph`, `copy`, `remove_node`,
  `predecessors`/`successors`,
  `in_degree`/`out_degree`, `edges(data=True)`;
- `descendants`, `ancestors`, `has_path` (breadth-first search);
- `condensation` (strongly connected components, Tarjan's algorithm, iterative);
- `immediate_dominators` (Cooper, Harvey and Kennedy, "A Simple, Fast Dominance Algorithm",
  the algorithm networkx uses; the start node is not a key, as in networkx 3.5 and later).

`tests/test_digraph.py` compares every function with networkx on random graphs. Anything
else (drawing, cycles enumeration, ...) should import networkx where it is used.
"""

from __future__ import annotations

from collections import deque


class DiGraph:
    """Nodes (any hashable) in insertion order, each edge once, attributes as dicts."""

    def __init__(self, edges=None):
        self._node: dict = {}
        self._succ: dict = {}
        self._pred: dict = {}
        self.graph: dict = {}
        for u, v in edges or ():
            self.add_edge(u, v)

    # building
    def add_node(self, n, **attr) -> None:
        if n not in self._node:
            self._node[n] = {}
            self._succ[n] = {}
            self._pred[n] = {}
        self._node[n].update(attr)

    def add_nodes_from(self, nodes) -> None:
        for n in nodes:
            self.add_node(n)

    def add_edge(self, u, v, **attr) -> None:
        self.add_node(u)
        self.add_node(v)
        data = self._succ[u].get(v)
        if data is None:
            data = self._succ[u][v] = self._pred[v][u] = {}
        data.update(attr)

    def add_edges_from(self, edges) -> None:
        for u, v in edges:
            self.add_edge(u, v)

    def remove_node(self, n) -> None:
        for v in self._succ.pop(n):
            del self._pred[v][n]
        for u in self._pred.pop(n):
            del self._succ[u][n]
        del self._node[n]

    def copy(self) -> "DiGraph":
        """An independent copy (attribute dicts copied one level, as networkx does)."""
        new = DiGraph()
        new.graph = dict(self.graph)
        for n, attr in self._node.items():
            new.add_node(n, **attr)
        for u, v, d in self.edges(data=True):
            new.add_edge(u, v, **d)
        return new

    # reading
    @property
    def nodes(self) -> dict:
        """Node -> attribute dict (iterate for the nodes, index for the attributes)."""
        return self._node

    def __contains__(self, n) -> bool:
        try:
            return n in self._node
        except TypeError:
            return False

    def __iter__(self):
        return iter(self._node)

    def __len__(self) -> int:
        return len(self._node)

    def has_node(self, n) -> bool:
        return n in self

    def has_edge(self, u, v) -> bool:
        return u in self._succ and v in self._succ[u]

    def successors(self, n):
        return iter(self._succ[n])

    def predecessors(self, n):
        return iter(self._pred[n])

    def out_degree(self, n) -> int:
        return len(self._succ[n])

    def in_degree(self, n) -> int:
        return len(self._pred[n])

    def edges(self, data: bool = False) -> list:
        if data:
            return [(u, v, d) for u, nbrs in self._succ.items() for v, d in nbrs.items()]
        return [(u, v) for u, nbrs in self._succ.items() for v in nbrs]

    def number_of_edges(self) -> int:
        return sum(len(nbrs) for nbrs in self._succ.values())

    def subgraph(self, nodes) -> "DiGraph":
        """The graph induced by `nodes` (a copy sharing attribute dicts; read it, do not build on it)."""
        keep = {n for n in nodes if n in self._node}
        sub = DiGraph()
        for n, attr in self._node.items():
            if n in keep:
                sub._node[n] = attr
                sub._succ[n] = {}
                sub._pred[n] = {}
        for u in sub._node:
            for v, d in self._succ[u].items():
                if v in keep:
                    sub._succ[u][v] = d
                    sub._pred[v][u] = d
        return sub


def _reach(adjacency: dict, source) -> set:
    if source not in adjacency:
        raise KeyError(f"node {source!r} is not in the graph")
    seen = {source}
    queue = deque([source])
    while queue:
        for nxt in adjacency[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def descendants(g: DiGraph, source) -> set:
    """Every node reachable from `source`, without `source` itself."""
    return _reach(g._succ, source) - {source}


def ancestors(g: DiGraph, target) -> set:
    """Every node from which `target` is reachable, without `target` itself."""
    return _reach(g._pred, target) - {target}


def has_path(g: DiGraph, source, target) -> bool:
    if target not in g:
        raise KeyError(f"node {target!r} is not in the graph")
    return target in _reach(g._succ, source)


def strongly_connected_components(g: DiGraph) -> list[set]:
    """Tarjan's algorithm without recursion; components in reverse topological order."""
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    out: list = []
    counter = 0
    for root in g._node:
        if root in index:
            continue
        work = [(root, iter(g._succ[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(g._succ[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                out.append(component)
    return out


def condensation(g: DiGraph) -> DiGraph:
    """The DAG of strongly connected components: node i has the attribute `members`, and
    `graph["mapping"]` maps each original node to its component."""
    dag = DiGraph()
    mapping: dict = {}
    for i, members in enumerate(strongly_connected_components(g)):
        dag.add_node(i, members=members)
        for n in members:
            mapping[n] = i
    for u, v in g.edges():
        if mapping[u] != mapping[v]:
            dag.add_edge(mapping[u], mapping[v])
    dag.graph["mapping"] = mapping
    return dag


def _postorder(g: DiGraph, start) -> list:
    order, seen = [], {start}
    work = [(start, iter(g._succ[start]))]
    while work:
        node, children = work[-1]
        for child in children:
            if child not in seen:
                seen.add(child)
                work.append((child, iter(g._succ[child])))
                break
        else:
            work.pop()
            order.append(node)
    return order


def immediate_dominators(g: DiGraph, start) -> dict:
    """Node -> its immediate dominator, for every node reachable from `start` but `start`."""
    if start not in g:
        raise KeyError(f"node {start!r} is not in the graph")
    order = _postorder(g, start)
    number = {n: i for i, n in enumerate(order)}
    idom = {start: start}

    def intersect(u, v):
        while u != v:
            while number[u] < number[v]:
                u = idom[u]
            while number[u] > number[v]:
                v = idom[v]
        return u

    order.pop()  # the start, last in postorder
    order.reverse()
    changed = True
    while changed:
        changed = False
        for node in order:
            preds = [p for p in g._pred[node] if p in idom]
            new = preds[0]
            for p in preds[1:]:
                new = intersect(new, p)
            if idom.get(node) != new:
                idom[node] = new
                changed = True
    del idom[start]
    return idom
