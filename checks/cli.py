"""The `samhandling` command line. Exit codes: 0 clean, 1 findings at error level, 2 usage or internal."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from .findings import RULES, has_errors
from .report import REPORTERS, default_format


class UsageError(Exception):
    """A problem with how the command was called (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own messages are English; say it in Norwegian
        raise UsageError(f"ugyldig bruk: {message}. Se `samhandling --help`.")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="samhandling",
                     description="Standardprosedyrene for elektronisk samhandling mellom kommunene og UNN, som kode.")
    parser.add_argument("--traceback", action="store_true", help="vis full feilsporing ved intern feil")
    parser.add_argument("-C", "--repo", metavar="MAPPE", help="depotets rotmappe (standard: nærmeste mappe med procedures/)")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=_Parser)

    check = sub.add_parser("check", help="sjekk hele depotet eller filene som er oppgitt")
    check.add_argument("paths", nargs="*", metavar="STI", help="filer eller mapper å rapportere for (standard: alt)")
    check.add_argument("--format", choices=sorted(REPORTERS), help="utformat (standard: text, eller github i GitHub Actions)")

    explain = sub.add_parser("explain", help="forklar en regel")
    explain.add_argument("rule", metavar="REGEL")

    sub.add_parser("rules", help="list alle regler")

    graph = sub.add_parser("graph", help="skriv ut grafen til en meldingskjede eller rutine")
    graph.add_argument("id", metavar="ID", help="id-en til meldingskjeden eller rutinen")
    graph.add_argument("--format", choices=["mermaid", "dot"], default="mermaid", help="utformat (standard: mermaid)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    show_traceback = "--traceback" in argv
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise UsageError("ugyldig bruk: mangler kommando. Se `samhandling --help`.")
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"samhandling: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("samhandling: avbrutt.", file=sys.stderr)
        return 2
    except Exception as exc:  # one line, traceback only on request
        if show_traceback:
            traceback.print_exc()
        print(f"samhandling: intern feil: {type(exc).__name__}: {exc} (kjør med --traceback for detaljer)",
              file=sys.stderr)
        return 2


def _root(args) -> Path:
    from .repository import find_root
    if args.repo:
        root = Path(args.repo)
        if not root.is_dir():
            raise UsageError(f"mappen `{args.repo}` finnes ikke")
        return root.resolve()
    return find_root(Path.cwd())


def cmd_check(args) -> int:
    from .analysis import run_checks
    root = _root(args)
    if not (root / "procedures").is_dir():
        raise UsageError(f"fant ikke mappen `procedures/` i `{root}` eller over den; bruk -C MAPPE")
    wanted = []
    for raw in args.paths:
        path = Path(raw).resolve()
        if not path.exists():
            raise UsageError(f"stien `{raw}` finnes ikke")
        try:
            wanted.append(path.relative_to(root).as_posix())
        except ValueError:
            raise UsageError(f"stien `{raw}` ligger utenfor depotet `{root}`") from None
    repo, findings = run_checks(root)
    if wanted:
        findings = [f for f in findings
                    if any(f.file == w or f.file.startswith(w.rstrip("/") + "/") or w in ("", ".") for w in wanted)]
    fmt = args.format or default_format()
    color = fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    files = len(repo.entries) + len({f.file for f in findings} - {e.file for e in repo.entries})
    sys.stdout.write(REPORTERS[fmt](findings, files, color=color))
    return 1 if has_errors(findings) else 0


def cmd_explain(args) -> int:
    import difflib
    _load_all_rules()
    rule = RULES.get(args.rule)
    if rule is None:
        close = difflib.get_close_matches(args.rule, list(RULES), n=1)
        tip = f" Mente du `{close[0]}`?" if close else " Se `samhandling rules`."
        raise UsageError(f"ukjent regel `{args.rule}`.{tip}")
    sev = "feil" if rule.severity == "error" else "advarsel"
    print(f"{rule.id} ({sev}): {rule.title}\n\n{_dedent(rule.doc)}")
    return 0


def cmd_rules(args) -> int:
    _load_all_rules()
    for rid in sorted(RULES):
        print(f"{rid:32} {RULES[rid].title}")
    return 0


def _dedent(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines())


def _load_all_rules() -> None:
    from . import analysis  # noqa: F401  (registers every rule)


def cmd_graph(args) -> int:
    import difflib

    from . import diagram
    from .content import procedures
    from .repository import load_repository
    root = _root(args)
    repo = load_repository(root)
    found = {e.id: e for e in procedures(repo)}
    entry = found.get(args.id)
    if entry is None:
        close = difflib.get_close_matches(args.id, sorted(found), n=1)
        tip = f" Mente du `{close[0]}`?" if close else ""
        raise UsageError(f"fant ingen meldingskjede eller rutine med id `{args.id}`.{tip}")
    types = {e.id: e for e in repo.of("message-type")}
    render = diagram.mermaid if args.format == "mermaid" else diagram.dot
    sys.stdout.write(render(entry, types))
    return 0


COMMANDS = {"check": cmd_check, "explain": cmd_explain, "rules": cmd_rules, "graph": cmd_graph}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
