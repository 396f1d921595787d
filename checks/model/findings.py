"""The one finding type and the rule registry that documents every finding."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable  # not typing: it costs a pre-commit hook 2-3 ms to import

# The hot model types of `check` are named tuples and plain classes, not dataclasses: importing
# `dataclasses` (and `inspect` with it) and generating each class's methods cost a pre-commit
# hook about 10 ms of its ~110 ms (measured for #14).

ERROR = "error"
WARNING = "warning"

SEVERITY_NB = {ERROR: "feil", WARNING: "advarsel"}


class Finding(namedtuple("Finding", "file line column rule severity message hint path", defaults=("", ()))):
    """One problem, pointing at file:line:column (1-based) and a key path. Immutable, hashable
    and ordered by its fields in this order."""

    __slots__ = ()

    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def key_path(self) -> str:
        return path_text(self.path)

    def as_dict(self) -> dict:
        data = self._asdict()
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


class Rule(namedtuple("Rule", "id severity title doc")):
    """A registered rule: a stable id, its severity, a Norwegian title and documentation."""

    __slots__ = ()

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
