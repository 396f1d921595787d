"""The one finding type and the rule registry that documents every finding."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable  # not typing: it costs a pre-commit hook 2-3 ms to import
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"

SEVERITY_NB = {ERROR: "feil", WARNING: "advarsel"}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem, pointing at file:line:column (1-based) and a key path."""

    file: str
    line: int
    column: int
    rule: str
    severity: str
    message: str
    hint: str = ""
    path: tuple = ()

    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def key_path(self) -> str:
        return path_text(self.path)

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["path"] = self.key_path()
        return data


def path_text(path: Iterable) -> str:
    """Render a key path like `steps[3].deadline.within`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass(frozen=True)
class Rule:
    """A registered rule: a stable id, its severity, a Norwegian title and documentation."""

    id: str
    severity: str
    title: str
    doc: str

    def at(self, file: str, pos: tuple[int, int], message: str, hint: str = "",
           path: tuple = (), severity: str | None = None) -> Finding:
        line, column = pos
        return Finding(file, line, column, self.id, severity or self.severity, message, hint, tuple(path))


RULES: dict[str, Rule] = {}


def rule(id: str, severity: str, title: str, doc: str) -> Rule:
    """Register a rule; each id is registered once."""
    if id in RULES:
        raise ValueError(f"rule {id} registered twice")
    RULES[id] = Rule(id, severity, title, doc.strip())
    return RULES[id]


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)
