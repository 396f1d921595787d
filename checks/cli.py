"""The `samhandling` command line. Exit codes: 0 clean, 1 findings at error level, 2 usage or internal.

Start-up matters (the check runs in a pre-commit hook): `--version` answers before anything is
imported, and each command imports only what it needs, inside its `cmd_*` function.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from . import __version__

REPORT_FORMATS = ("github", "json", "sarif", "text")  # checks.report.REPORTERS, without importing it


# argparse's own words (headings, the help option) in Norwegian; it looks `_` up at call time
_ARGPARSE_NB = {
    "usage: ": "bruk: ", "positional arguments": "argumenter", "options": "valg",
    "show this help message and exit": "vis denne hjelpen og avslutt",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldig valg: %(value)r (velg blant %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "disse argumentene mangler: %s",
    "unrecognized arguments: %s": "ukjente argumenter: %s",
    "expected one argument": "venter ett argument",
}
argparse._ = lambda text: _ARGPARSE_NB.get(text, text)


class UsageError(Exception):
    """A problem with how the command was called (exit 2)."""


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, sized without importing shutil (its default does, on every parser)."""

    def __init__(self, prog, **kwargs):
        if "width" not in kwargs:
            try:
                columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size(sys.stdout.fileno()).columns
            except (ValueError, OSError):
                columns = 80
            kwargs["width"] = max(columns - 2, 20)
        super().__init__(prog, **kwargs)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message):  # argparse's own messages are English; say it in Norwegian
        raise UsageError(f"ugyldig bruk: {message}. Se `samhandling --help`.")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="samhandling",
                     description="Standardprosedyrene for elektronisk samhandling mellom kommunene og UNN, som kode.")
    parser.add_argument("-V", "--version", action="version", version=f"samhandling {__version__}",
                        help="vis versjonen og avslutt")
    parser.add_argument("--traceback", action="store_true", help="vis full feilsporing ved intern feil")
    parser.add_argument("-C", "--repo", metavar="MAPPE", help="depotets rotmappe (standard: nærmeste mappe med procedures/)")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=_Parser)

    check = sub.add_parser("check", help="sjekk hele depotet eller filene som er oppgitt")
    check.add_argument("paths", nargs="*", metavar="STI", help="filer eller mapper å rapportere for (standard: alt)")
    check.add_argument("--format", choices=REPORT_FORMATS, help="utformat (standard: text, eller github i GitHub Actions)")
    check.add_argument("--base", metavar="REV",
                       help="git-revisjon å sammenligne med; kjører også reglene for vedtaksprosessen "
                            "(versjon, vedtak, historikk)")
    check.add_argument("--today", metavar="DATO", help="datoen sjekkene regner som i dag, ÅÅÅÅ-MM-DD (standard: i dag)")
    check.add_argument("--no-cache", action="store_true",
                       help="les og skjemasjekk hver fil på nytt, uten hurtiglageret (se README «Hurtiglager»)")

    diff = sub.add_parser("diff", help="endringsrapport på norsk mellom to git-revisjoner")
    diff.add_argument("base", nargs="?", metavar="BASE",
                      help="revisjonen før endringen (standard: flettebasen med main)")
    diff.add_argument("head", nargs="?", metavar="HEAD", help="revisjonen etter endringen (standard: arbeidskopien)")
    diff.add_argument("--format", choices=["markdown", "json"], default="markdown",
                      help="utformat (standard: markdown)")
    diff.add_argument("--today", metavar="DATO", help="datoen sjekkene regner som i dag, ÅÅÅÅ-MM-DD (standard: i dag)")

    explain = sub.add_parser("explain", help="forklar en regel")
    explain.add_argument("rule", metavar="REGEL")

    sub.add_parser("rules", help="list alle regler")

    graph = sub.add_parser("graph", help="skriv ut grafen til en meldingskjede eller rutine")
    graph.add_argument("id", metavar="ID", help="id-en til meldingskjeden eller rutinen")
    graph.add_argument("--format", choices=["mermaid", "dot"], default="mermaid", help="utformat (standard: mermaid)")

    new = sub.add_parser("new", help="lag et skjemagyldig utkast å starte fra (overskriver aldri en fil)")
    new.add_argument("kind", metavar="TYPE", help="part, meldingstype, meldingskjede, rutine, vedtak eller innstilling")
    new.add_argument("id", metavar="ID", help="id-en til det nye dokumentet (kommunenummeret for en part)")

    export = sub.add_parser("export", help="skriv hele modellen som ett JSON-dokument (for leverandører og andre systemer)")
    export.add_argument("--output", "-o", metavar="FIL", help="skriv til FIL i stedet for standard ut")
    export.add_argument("--schema", action="store_true", help="skriv JSON-skjemaet for eksporten i stedet")

    listing = sub.add_parser("list", help="list filene sjekken leser, og typen til hver")
    listing.add_argument("--format", choices=["text", "json"], default="text", help="utformat (standard: text)")
    scenario = sub.add_parser("scenario", help="vis hvilke meldinger et scenario gjør påkrevd, med frister")
    scenario.add_argument("file", metavar="FIL", help="scenariofilen, for eksempel scenarios/fredag-ettermiddag.yaml")
    scenario.add_argument("--format", choices=["text", "json"], default="text", help="utformat (standard: text)")

    samsvar = sub.add_parser("samsvar", help="sjekk om meldingstrafikken i en logg fulgte meldingskjeden")
    samsvar.add_argument("logs", nargs="+", metavar="LOGG", help="pseudonymiserte meldingslogger (CSV eller Parquet)")
    samsvar.add_argument("--format", choices=["text", "json"], default="text", help="utformat (standard: text)")
    samsvar.add_argument("--html", metavar="MAPPE", help="skriv også en statisk HTML-rapport med figurer til MAPPE")
    samsvar.add_argument("--kjede", default="standard-plo-kjede", metavar="ID",
                         help="meldingskjeden loggen sjekkes mot (standard: standard-plo-kjede)")
    samsvar.add_argument("--threads", type=int, metavar="N", help="antall tråder DuckDB bruker (standard: alle kjerner)")
    samsvar.add_argument("--memory-limit", metavar="GRENSE",
                         help="øvre grense for minnet DuckDB bruker, for eksempel 2GB; resten legges midlertidig på disk")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv in (["--version"], ["-V"]):  # before any import a hook or a script would wait for
        print(f"samhandling {__version__}")
        return 0
    show_traceback = "--traceback" in argv
    # One short-lived process: the collector would only walk the growing model again and again
    # (quadratic at national scale). Reference counting frees the rest; peak memory is unchanged.
    gc.disable()
    from .model.repository import SetupError
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            raise UsageError("ugyldig bruk: mangler kommando. Se `samhandling --help`.")
        return COMMANDS[args.command](args)
    except BrokenPipeError:  # the reader went away (`samhandling rules | head -1`): end quietly
        _silence_stdout()
        return EXIT_PIPE
    except UsageError as exc:
        _err(f"samhandling: {exc}")
        return 2
    except SetupError as exc:
        _err(f"samhandling: {exc}")
        return 2
    except KeyboardInterrupt:
        _err("samhandling: avbrutt.")
        return 2
    except Exception as exc:  # one line, traceback only on request
        if show_traceback:
            import traceback
            traceback.print_exc()
        _err(f"samhandling: intern feil: {type(exc).__name__}: {exc} (kjør med --traceback for detaljer)")
        return 2


def run() -> None:
    """The `samhandling` command (and `python -m checks`): `main`, then end the process at once.

    Once everything is written and flushed, nothing is left to do: the exit code is final, the
    cache is saved, and no command leaves a temporary file to an exit handler. A normal exit
    would still free every object of the model one by one (about 5 % of a check at 100× scale,
    with the collector off); `os._exit` skips that, as mypy does. `main` itself returns, so the
    tests call it in-process."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader went away before the last buffer was written
        _silence_stdout()
        code = code or EXIT_PIPE
    except (OSError, ValueError):  # pragma: no cover - stdout closed by the caller
        pass
    try:
        sys.stderr.flush()
    except (OSError, ValueError):  # pragma: no cover
        pass
    os._exit(code)


EXIT_PIPE = 141  # as a Unix tool stopped by SIGPIPE: never 0, so a closed pipe never looks clean


def _out(text: str) -> None:
    """Everything a command prints goes here: masked, valid UTF-8 (checks.report.write)."""
    from .report import write
    write(text)


def _err(message: str) -> None:
    """One line on stderr, whatever the message holds (an argument with a line break)."""
    from .report import safe_text, write
    try:
        write(safe_text(message) + "\n", sys.stderr)
    except (BrokenPipeError, OSError):  # pragma: no cover - nowhere left to say it
        pass


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the flush at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass


def _root(args) -> Path:
    from .model.repository import find_root
    if args.repo:
        root = Path(args.repo)
        if not root.is_dir():
            raise UsageError(f"mappen `{args.repo}` finnes ikke")
        return root.resolve()
    return find_root(Path.cwd())


def cmd_check(args) -> int:
    from .model.findings import has_errors
    from .report import REPORTERS, default_format
    from .rules.analysis import run_checks
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
    baseline = None
    store = None
    if not args.no_cache:  # per-file results kept between runs, keyed by content (checks/model/cache.py)
        from .model.cache import FileCache, cache_dir
        folder = cache_dir()
        store = FileCache(root, folder) if folder is not None else None
    if args.base is None:
        repo, findings = run_checks(root, today=_today(args), store=store)
    else:  # both sides share one parse cache: unchanged files are parsed once
        from .model.repository import load_repository
        from .review.gate import analyse, standing
        from .report import compare_findings
        cache: dict = {}
        base = _load_base(root, args.base, cache)
        repo = load_repository(root, cache=cache, store=store)
        findings = analyse(repo, base=base, today=_today(args))
        base_findings = standing(base, today=_today(args))
    if wanted:
        def keep(found):
            return [f for f in found if any(f.file == w or f.file.startswith(w.rstrip("/") + "/") or w in ("", ".")
                                            for w in wanted)]
        findings = keep(findings)
        base_findings = keep(base_findings) if args.base is not None else []
    from .compliance.scenario import check as check_scenarios
    findings = sorted(set(findings) | set(check_scenarios(root, repo, store)))
    if store is not None:
        store.save()
    if args.base is not None:
        baseline = compare_findings(findings, base_findings)
    fmt = args.format or default_format()
    color = fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    files = len(repo.entries) + len({f.file for f in findings} - {e.file for e in repo.entries})
    _out(REPORTERS[fmt](findings, files, color=color, baseline=baseline))
    return 1 if has_errors(findings) else 0


def _today(args):
    import datetime
    if getattr(args, "today", None) is None:
        return None
    try:
        return datetime.date.fromisoformat(args.today)
    except ValueError:
        raise UsageError(f"ugyldig dato `{args.today}`: skriv den som ÅÅÅÅ-MM-DD") from None


def _load_base(root: Path, rev: str, cache: dict | None = None):
    from .model.gitsource import SourceError, load_revision
    try:
        return load_revision(root, rev, cache).repo
    except SourceError as exc:
        raise UsageError(str(exc)) from None


def cmd_diff(args) -> int:
    from .model import gitsource
    from .review import changereport, diff
    from .review.gate import analyse
    root = _root(args)
    today = _today(args)
    try:
        base, head = gitsource.sides(root, args.base, args.head)
    except gitsource.SourceError as exc:
        raise UsageError(str(exc)) from None
    comparison = diff.compare(base.repo, head.repo)
    base_findings = analyse(base.repo, today=today)
    head_findings = analyse(head.repo, base=base.repo, today=today)
    checks_changed = gitsource.changed_paths(root, base.commit, head.commit)
    report = changereport.REPORTS[args.format](comparison, base, head, base_findings, head_findings,
                                               diff.verdict(comparison), checks_changed=checks_changed)
    _out(report)
    return 0


def cmd_explain(args) -> int:
    import difflib

    from .model.findings import RULES
    _load_all_rules()
    rule = RULES.get(args.rule)
    if rule is None:
        close = difflib.get_close_matches(args.rule, list(RULES), n=1)
        tip = f" Mente du `{close[0]}`?" if close else " Se `samhandling rules`."
        raise UsageError(f"ukjent regel `{args.rule}`.{tip}")
    sev = "feil" if rule.severity == "error" else "advarsel"
    _out(f"{rule.id} ({sev}): {rule.title}\n\n{_dedent(rule.doc)}" + "\n")
    return 0


def cmd_rules(args) -> int:
    from .model.findings import RULES
    _load_all_rules()
    width = max(map(len, RULES)) + 2
    _out("".join(f"{rid:{width}}{RULES[rid].title}\n" for rid in sorted(RULES)))
    return 0


def _dedent(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines())


def _load_all_rules() -> None:
    from .compliance import conformance, scenario  # noqa: F401  (the scenario and conformance rules)
    from .review import gate  # noqa: F401  (registers every rule: imports every rule module)


def cmd_graph(args) -> int:
    import difflib

    from .model.repository import load_repository
    from .model.vocabulary import procedures
    from .site import diagram
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
    _out(render(entry, types))
    return 0


def cmd_new(args) -> int:
    from .scaffold import ScaffoldError, write_draft
    root = _root(args)
    if not (root / "procedures").is_dir():
        raise UsageError(f"fant ikke mappen `procedures/` i `{root}` eller over den; bruk -C MAPPE")
    try:
        path = write_draft(root, args.kind, args.id)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    rel = path.relative_to(root).as_posix()
    _out(f"Skrev {rel}. Fyll inn alt som er merket «FYLL INN», og kjør `samhandling check`." + "\n")
    return 0


def cmd_export(args) -> int:
    from .export import model as export
    if args.schema:
        text = export.schema_text()
        findings = []
    else:
        from .model.findings import ERROR
        from .rules.analysis import run_checks
        root = _root(args)
        if not (root / "procedures").is_dir():
            raise UsageError(f"fant ikke mappen `procedures/` i `{root}` eller over den; bruk -C MAPPE")
        repo, findings = run_checks(root)
        text = export.dumps(export.build_export(repo, findings))
        errors = sum(1 for f in findings if f.severity == ERROR)
        if errors:
            _err(f"samhandling: modellen har {errors} feil (se `samhandling check`); eksporten er skrevet, "
                 "men bør ikke publiseres.")
    if args.output:
        from .model.masking import mask
        Path(args.output).write_text(mask(text), encoding="utf-8")
    else:
        _out(text)
    return 1 if any(f.severity == "error" for f in findings) else 0


def cmd_list(args) -> int:
    from . import inventory
    root = _root(args)
    if not (root / "procedures").is_dir():
        raise UsageError(f"fant ikke mappen `procedures/` i `{root}` eller over den; bruk -C MAPPE")
    rows = inventory.inventory(root)
    _out(inventory.as_json(rows) if args.format == "json" else inventory.as_text(rows))
    return 0


def cmd_scenario(args) -> int:
    from .compliance import scenario
    from .model.repository import load_repository
    root = _root(args)
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"scenariofilen `{args.file}` finnes ikke")
    repo = load_repository(root)
    try:
        result = scenario.run(root, repo, path)
    except scenario.ScenarioError as exc:
        from .report import REPORTERS
        _out(REPORTERS["text"](exc.findings, 1, color=False))
        return 1
    _out(scenario.render_json(result) if args.format == "json" else scenario.render_text(result))
    return 1 if result["expected"] else 0


def cmd_samsvar(args) -> int:
    from .compliance import conformance
    from .model.repository import load_repository
    root = _root(args)
    repo = load_repository(root)
    try:
        report = conformance.run(repo, [Path(p) for p in args.logs], args.kjede, args.threads,
                                 args.memory_limit)
        if args.html:
            from .compliance import htmlreport
            htmlreport.write(report, Path(args.html))
    except conformance.LogError as exc:
        raise UsageError(str(exc)) from None
    _out(conformance.render_json(report) if args.format == "json" else conformance.render_text(report))
    return 1 if conformance.has_errors(report) else 0


COMMANDS = {"check": cmd_check, "diff": cmd_diff, "explain": cmd_explain, "rules": cmd_rules, "graph": cmd_graph,
            "new": cmd_new, "list": cmd_list, "export": cmd_export, "scenario": cmd_scenario,
            "samsvar": cmd_samsvar}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
