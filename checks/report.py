"""Reporters: text, github, json and sarif. Only reporters format; stages never print."""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Callable  # not typing (start-up)

from . import __version__
from .model.findings import ERROR, RULES, SEVERITY_NB, Finding
from .model.masking import dumps, mask, safe_unicode

JSON_FORMAT_VERSION = 1


class Baseline:
    """Findings compared with the base revision (`check --base`): which are new in the change,
    which stood before (`unchanged`), and which the change removed (`absent`). Findings match
    by file, rule, severity and message, so a finding whose line moved is not new."""

    def __init__(self, new: set | None = None, absent: list | None = None):
        self.new = set() if new is None else new
        self.absent = [] if absent is None else absent

    def state(self, f: Finding) -> str:
        return "new" if f in self.new else "unchanged"


def compare_findings(head: list[Finding], base: list[Finding]) -> Baseline:
    def key(f):
        return (f.file, f.rule, f.severity, f.message)
    before, after = Counter(key(f) for f in base), Counter(key(f) for f in head)
    out, seen = Baseline(), Counter()
    for f in head:
        seen[key(f)] += 1
        if seen[key(f)] > before[key(f)]:
            out.new.add(f)
    seen = Counter()
    for f in base:
        seen[key(f)] += 1
        if seen[key(f)] > after[key(f)]:
            out.absent.append(f)
    return out


def _counts_nb(findings: list[Finding]) -> str:
    counts = Counter(f.severity for f in findings)
    errors, warnings = counts.get(ERROR, 0), counts.get("warning", 0)
    return f"{errors} feil og {warnings} {'advarsel' if warnings == 1 else 'advarsler'}"


def standing_nb(findings: list[Finding], baseline: Baseline) -> str:
    """One line for the findings that stood before the change."""
    standing = [f for f in findings if f not in baseline.new]
    line = (f"Funn som fantes fra før endringen: {_counts_nb(standing)} (ikke vist enkeltvis; "
            "`samhandling check` uten --base viser alle).")
    if baseline.absent:
        line += f" Endringen retter {len(baseline.absent)} funn."
    return line


def summary_nb(findings: list[Finding], files: int) -> str:
    counts = Counter(f.severity for f in findings)
    errors, warnings = counts.get(ERROR, 0), counts.get("warning", 0)
    if not findings:
        return f"Ingen funn i {files} filer."
    return (f"{errors} {'feil'} og {warnings} {'advarsel' if warnings == 1 else 'advarsler'} "
            f"i {files} filer.")


# Characters a terminal or a log would act on or hide: C0 and C1 controls (line breaks, ESC),
# DEL, line and paragraph separators and bidi controls. The text formats show them escaped,
# so a key or file name cannot forge a finding line, a workflow command or a terminal sequence.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def safe_text(value: str) -> str:
    """One line of plain text: control characters escaped (`\\n`, `\\x1b`, `\\u2028`), bytes
    that were not UTF-8 as `\\xNN`."""
    value = safe_unicode(str(value))
    if not _UNSAFE.search(value):
        return value
    return _UNSAFE.sub(lambda m: _NAMED.get(m.group()) or (f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                                            else f"\\u{ord(m.group()):04x}"), value)


def write(text: str, stream=None) -> None:
    """The one way the program writes to stdout or stderr: masked (no valid personal identity
    number leaves the program), valid UTF-8, flushed (a closed pipe shows here, inside main)."""
    stream = stream or sys.stdout
    stream.write(mask(safe_unicode(text)))
    stream.flush()


def text(findings: list[Finding], files: int, color: bool = False, baseline: Baseline | None = None) -> str:
    def paint(code: str, s: str) -> str:
        return f"\033[{code}m{s}\033[0m" if color else s

    lines = []
    shown = findings
    if baseline is not None:
        shown = [f for f in findings if f in baseline.new]
        lines.append(f"Nye funn i endringen: {_counts_nb(shown)}." if shown else "Ingen nye funn i endringen.")
    for f in shown:
        sev = SEVERITY_NB.get(f.severity, f.severity)
        sev = paint("31;1" if f.severity == ERROR else "33;1", sev)
        location = f"{safe_text(f.file)}:{f.line}:{f.column}"
        lines.append(f"{paint('1', location)}: {sev} [{f.rule}] {safe_text(f.message)}")
        if f.hint:
            lines.append(f"    tips: {safe_text(f.hint)}")
    if baseline is not None:
        lines.append(standing_nb(findings, baseline))
    lines.append(summary_nb(findings, files))
    return "\n".join(lines) + "\n"


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def github(findings: list[Finding], files: int, color: bool = False, baseline: Baseline | None = None) -> str:
    """GitHub Actions workflow commands: one annotation per finding; with a base, only the
    findings that are new in the change (GitHub shows a limited number per step), and one
    notice for those that stood before."""
    lines = []
    shown = findings if baseline is None else sorted(baseline.new)
    for f in shown:
        level = "error" if f.severity == ERROR else "warning"
        message = safe_text(f.message + (f" Tips: {f.hint}" if f.hint else ""))
        lines.append(
            f"::{level} file={_escape_property(safe_text(f.file))},line={f.line},col={f.column},"
            f"title={_escape_property(f.rule)}::{_escape_data(message)}")
    if baseline is not None and (len(shown) < len(findings) or baseline.absent):
        lines.append(f"::notice title=Funn fra før::{_escape_data(standing_nb(findings, baseline))}")
    lines.append(summary_nb(findings, files))
    return "\n".join(lines) + "\n"


def as_json(findings: list[Finding], files: int, color: bool = False, baseline: Baseline | None = None) -> str:
    """A stable object: {"format": 1, "tool", "summary": {...}, "findings": [...]}. With a base,
    every finding has `baseline_state` (new / unchanged), `summary.new` counts the new ones and
    `absent` lists the findings the change removed."""
    counts = Counter(f.severity for f in findings)
    data = {
        "format": JSON_FORMAT_VERSION,
        "tool": {"name": "samhandling", "version": __version__},
        "summary": {"files": files, "errors": counts.get(ERROR, 0), "warnings": counts.get("warning", 0)},
        "findings": [f.as_dict() for f in findings],
    }
    if baseline is not None:
        for f, item in zip(findings, data["findings"]):
            item["baseline_state"] = baseline.state(f)
        data["summary"]["new"] = len(baseline.new)
        data["absent"] = [f.as_dict() for f in baseline.absent]
    return dumps(data, indent=2, sort_keys=True) + "\n"


def _fingerprint(f: Finding) -> str:
    """Stable across line moves: file, rule and message."""
    import hashlib
    return hashlib.sha256("\0".join((f.file, f.rule, f.message)).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def sarif(findings: list[Finding], files: int, color: bool = False, baseline: Baseline | None = None) -> str:
    """SARIF 2.1.0 for code scanning. With a base, every result has `baselineState` (new /
    unchanged), and the findings the change removed follow as `absent` results of kind `pass`
    (level `none`), so nothing fixed raises an alert."""
    rule_ids = sorted(RULES)
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules = [{
        "id": rid,
        "name": rid.replace(".", "-"),
        "shortDescription": {"text": RULES[rid].title},
        "fullDescription": {"text": RULES[rid].doc},
        "defaultConfiguration": {"level": "error" if RULES[rid].severity == ERROR else "warning"},
    } for rid in rule_ids]
    results = []
    rows = [(f, None if baseline is None else baseline.state(f)) for f in findings]
    rows += [(f, "absent") for f in (baseline.absent if baseline is not None else [])]
    for f, state in rows:
        result = {
            "ruleId": f.rule,
            "level": "error" if f.severity == ERROR else "warning",
            "message": {"text": f.message + (f" Tips: {f.hint}" if f.hint else "")},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": f.file, "uriBaseId": "SRCROOT"},
                    "region": {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)},
                },
            }],
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        result["partialFingerprints"] = {"samhandlingFinding/v1": _fingerprint(f)}
        if state is not None:
            result["baselineState"] = state
        if state == "absent":
            result["kind"], result["level"] = "pass", "none"
        results.append(result)
    data = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "samhandling",
                "version": __version__,
                "rules": rules,
            }},
            "results": results,
        }],
    }
    return dumps(data, indent=2) + "\n"


REPORTERS: dict[str, Callable] = {"text": text, "github": github, "json": as_json, "sarif": sarif}


def default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
