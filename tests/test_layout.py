"""The package's folders show the pipeline: model <- rules <- review/site/compliance <- cli.

Every import in `checks/` (lazy ones inside functions too) is read with `ast`; no module may
import a module in a folder above its own level, rule modules do not import each other, and
there is no import circle."""

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "checks"
# `checks` itself only holds the version number, so anything may import it.
LEVEL = {"checks": 0, "model": 0, "rules": 1, "review": 2, "site": 2, "compliance": 2, "export": 2, "top": 3}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> nx.DiGraph:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py") if "schemas" not in p.parts}
    g = nx.DiGraph()
    g.add_nodes_from(modules)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    stem = ".".join(base + ([node.module] if node.module else []))
                else:
                    stem = node.module or ""
                targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in modules else stem for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target in modules and target != name:
                    g.add_edge(name, target)
    return g


def level(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return LEVEL["checks"]
    return LEVEL.get(parts[1], LEVEL["top"]) if len(parts) > 2 else LEVEL["top"]


def test_the_folders_exist_with_their_modules():
    g = imports()
    for name in ("checks.model.loader", "checks.model.repository", "checks.model.vocabulary", "checks.rules.graph",
                 "checks.rules.analysis", "checks.review.diff", "checks.site.render", "checks.cli"):
        assert name in g


def test_no_import_circle():
    assert list(nx.simple_cycles(imports())) == []


def test_no_module_imports_a_folder_above_its_own():
    g = imports()
    upward = [(a, b) for a, b in g.edges if level(b) > level(a)]
    assert upward == []


def test_rule_modules_do_not_import_each_other():
    g = imports()
    between = [(a, b) for a, b in g.edges
               if a.startswith("checks.rules.") and b.startswith("checks.rules.") and a != "checks.rules.analysis"]
    assert between == []
