"""Strict YAML loading with a position for every node.

Reads one file's bytes into plain Python values (dict, list, str, int, float, bool, None)
and two position maps, so that every later finding can point at file:line:column. The
parser is libyaml's when present; the composer is our own, walking parse events, so that
duplicate keys, anchors, aliases, tags, extra documents and non-string keys are findings
instead of silent behaviour. Scalars follow a strict YAML 1.2 core subset: `yes`, `no`,
`on`, `off` stay strings, `12:30` stays a string, dates stay strings (the schema checks
their format), and numbers with a leading zero stay strings (kommunenummer).
"""

from __future__ import annotations

import bisect
import gc
import math
import re

from .findings import ERROR, Finding, rule

_Loader = None  # libyaml's C parser; imported with PyYAML when the first file is parsed


def _yaml():
    """PyYAML and its parser, imported on first use: a check whose every file comes from the
    cache (checks/model/cache.py) never pays for the import."""
    global _Loader
    import yaml
    if _Loader is None:
        try:  # libyaml's C parser: ten times faster than the pure-Python one
            from yaml import CSafeLoader as _Loader
        except ImportError:  # pragma: no cover - exercised only without libyaml
            from yaml import SafeLoader as _Loader
    return yaml

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 40
MAX_ITEMS = 2000  # entries in one list or mapping
MAX_SCALAR = 20_000  # characters in one scalar

R_SYNTAX = rule("yaml.syntax", ERROR, "Ugyldig YAML",
    """Filen kan ikke leses som YAML. Meldingen sier hva parseren ventet og hvor.""")
R_DUPLICATE = rule("yaml.duplicate-key", ERROR, "Duplikat nøkkel",
    """Samme nøkkel står to ganger i samme tabell. Vanlige YAML-lesere beholder stille
    den siste verdien, så en anmelder kan lese én verdi mens maskinen bruker en annen.""")
R_ALIAS = rule("yaml.alias", ERROR, "Anker eller alias",
    """Ankere (`&navn`) og aliaser (`*navn`) er ikke tillatt. De skjuler innhold for den som
    leser endringen, og kan brukes til å lage enorme dokumenter (alias-bomber). Skriv
    innholdet ut der det brukes.""")
R_TAG = rule("yaml.tag", ERROR, "Eksplisitt tagg",
    """Eksplisitte tagger (`!!python/object`, `!!str`, `!egen` osv.) er ikke tillatt. Typen
    til en verdi bestemmes av skjemaet.""")
R_MULTIDOC = rule("yaml.multiple-documents", ERROR, "Flere dokumenter i én fil",
    """Hver fil skal inneholde nøyaktig ett YAML-dokument. Del filen i flere filer.""")
R_EMPTY = rule("yaml.empty", ERROR, "Tom fil",
    """Filen inneholder ikke noe dokument (bare tomrom eller kommentarer).""")
R_ENCODING = rule("yaml.encoding", ERROR, "Ikke UTF-8",
    """Filen inneholder byte som ikke er gyldig UTF-8. Lagre filen som UTF-8.""")
R_TOO_LARGE = rule("yaml.too-large", ERROR, "For stor fil",
    f"""Filen er større enn {MAX_BYTES // 1024} KiB. Ingen prosedyre trenger så mye; del
    innholdet i flere filer.""")
R_KEY_TYPE = rule("yaml.key-type", ERROR, "Nøkkel som ikke er tekst",
    """Alle nøkler i en tabell må være tekst. Tall, sannhetsverdier, `null` og sammensatte
    nøkler er ikke tillatt.""")
R_TOO_DEEP = rule("yaml.too-deep", ERROR, "For dyp nesting",
    f"""Dokumentet er nestet dypere enn {MAX_DEPTH} nivåer.""")
R_LINE_BREAK = rule("yaml.line-break", ERROR, "Linjeskift som bare YAML ser",
    """Filen har et tegn som YAML leser som linjeskift, men som git, GitHub og de fleste
    redigeringsverktøy ikke viser som et nytt linje: NEL (U+0085), linjeskilletegn (U+2028),
    avsnittsskilletegn (U+2029) eller en alene stående vognretur (CR uten LF). Det anmelderen
    ser, er da ikke det maskinen leser: en nøkkel etter et slikt tegn i en kommentar blir lest,
    mens endringen ser ut som en endret kommentar. Bruk vanlige linjeskift (LF eller CRLF).""")
R_NUMBER = rule("yaml.number-range", ERROR, "Tall utenfor grensene",
    f"""Et tall er for stort til å leses trygt: heltall må ligge mellom -{2 ** 53 - 1:,} og
    {2 ** 53 - 1:,} (det største heltallet JSON og JavaScript gjengir nøyaktig, så EPJ-leverandører
    leser samme tall som sjekken), og desimaltall må være endelige (ikke uendelig etter
    avrunding, som `1e999`). Ingen prosedyre trenger større tall; er det ment som tekst, sett
    det i anførselstegn.""".replace(",", " "))
R_TOO_LONG = rule("yaml.too-long", ERROR, "For lang liste eller tekst",
    f"""En liste eller tabell har flere enn {MAX_ITEMS} elementer, eller en tekst er lengre enn
    {MAX_SCALAR} tegn. Ingen prosedyre trenger så mye; grensen verner mot feil og misbruk.""")

# YAML 1.2 core schema, narrowed: no sexagesimal numbers, no octal, no leading zeros.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"
                    r"|^[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+$")


_MAYBE_TYPED = frozenset("~nNtTfF0123456789+-.")
MAX_INT = 2 ** 53 - 1  # the largest integer every JSON reader (JavaScript too) keeps exact


class OutOfRange(str):
    """A plain scalar that reads as a number beyond the limits: kept as its text, reported."""


def resolve_plain(text: str):
    """The value of a plain (unquoted) scalar."""
    if text and text[0] not in _MAYBE_TYPED:  # most scalars are words: the fast way out
        return text
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        # int() refuses more than 4 300 digits with an exception: decide by length first
        if len(text) > 17 or abs(value := int(text)) > MAX_INT:
            return OutOfRange(text)
        return value
    if _FLOAT.match(text):
        value = float(text)
        return value if math.isfinite(value) else OutOfRange(text)
    return text


class Document:
    """One loaded file: its data and where each node stands."""

    def __init__(self, file: str, data: object = None, text: str = "", positions: dict | None = None,
                 key_positions: dict | None = None, findings: list | None = None):
        self.file = file
        self.data = data
        self.text = text  # the decoded source, for scans over raw text (personal identifiers)
        self.positions = {} if positions is None else positions  # key path -> (line, column) of the value
        self.key_positions = {} if key_positions is None else key_positions  # key path -> (line, column) of the key
        self.findings = [] if findings is None else findings

    def __repr__(self) -> str:
        return f"Document({self.file!r}, findings={len(self.findings)})"

    @property
    def ok(self) -> bool:
        return not self.findings

    def position(self, path: tuple) -> tuple[int, int]:
        """Position of the node at `path`, or of its nearest existing ancestor."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def key_position(self, path: tuple) -> tuple[int, int]:
        path = tuple(path)
        return self.key_positions.get(path) or self.position(path)


def _mark(mark) -> tuple[int, int]:  # libyaml's count equals git's when no hidden break is present
    return (mark.line + 1, mark.column + 1)


# libyaml breaks lines at \r\n, \r, \n, NEL, LS and PS; git, GitHub and editors only at \n.
# Findings count lines as git does (what the reviewer sees); a file with one of the other
# breaks is a finding of its own, and its positions are translated from libyaml's count.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
HIDDEN_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
MAX_BREAK_FINDINGS = 20
_BREAK_NB = {"\r": "en vognretur (CR) uten linjeskift etter", "\x85": "tegnet NEL (U+0085)",
             "\u2028": "et linjeskilletegn (U+2028)", "\u2029": "et avsnittsskilletegn (U+2029)"}


def git_lines(text: str) -> list[str]:
    """The text's lines as git and GitHub count them (only \\n breaks a line)."""
    return text.split("\n")


def _clamp(text: str, pos: tuple[int, int]) -> tuple[int, int]:
    """Keep a parser's position inside the file, counted as libyaml counts lines (libyaml
    reports the end of the stream one line past the last line of a file without a final
    newline)."""
    lines = LINE_BREAK.split(text)
    line = min(max(pos[0], 1), len(lines))
    column = min(max(pos[1], 1), len(lines[line - 1]) + 1)
    return line, column


def offset_position(text: str, offset: int) -> tuple[int, int]:
    """Line and column (1-based, as git counts lines) of a character offset."""
    offset = min(max(offset, 0), len(text))
    start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - start + 1


class _GitMarks:
    """libyaml's marks as git positions, from the character index (for files in which libyaml
    and git count lines differently)."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def offset(self, offset: int) -> tuple[int, int]:
        offset = min(max(offset, 0), len(self.text))
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def __call__(self, mark) -> tuple[int, int]:
        return self.offset(mark.index)


def _hidden_breaks(file: str, text: str, doc: "Document") -> None:
    for n, match in enumerate(HIDDEN_BREAK.finditer(text)):
        if n == MAX_BREAK_FINDINGS:
            break
        doc.findings.append(R_LINE_BREAK.at(
            file, offset_position(text, match.start()),
            f"Filen har {_BREAK_NB[match.group()]} her. YAML leser det som et linjeskift, men git og "
            "GitHub viser det ikke som en ny linje.",
            "Erstatt tegnet med et vanlig linjeskift, eller fjern det."))


class _Frame:
    __slots__ = ("value", "path", "key", "key_pos", "is_map", "bad_key")

    def __init__(self, value, path, is_map):
        self.value = value
        self.path = path
        self.is_map = is_map
        self.key = None
        self.key_pos = None
        self.bad_key = False


def load_bytes(file: str, raw: bytes) -> Document:
    """Load one file's bytes strictly. Never raises for bad input: problems are findings."""
    doc = Document(file)
    if len(raw) > MAX_BYTES:
        doc.findings.append(R_TOO_LARGE.at(
            file, (1, 1), f"Filen er større enn grensen på {MAX_BYTES:,} byte.".replace(",", " "),
            "Del innholdet i flere filer."))
        return doc
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = raw[: exc.start].decode("utf-8", "replace")
        doc.findings.append(R_ENCODING.at(
            file, offset_position(head, len(head)),
            f"Byte 0x{raw[exc.start]:02x} er ikke gyldig UTF-8.",
            "Lagre filen som UTF-8 (ikke Latin-1 eller Windows-1252)."))
        return doc
    return load_text(file, text, doc)


def load_text(file: str, text: str, doc: Document | None = None) -> Document:
    doc = doc or Document(file)
    doc.text = text
    hidden = HIDDEN_BREAK.search(text) is not None
    mark = _GitMarks(text) if hidden else _mark
    yaml = _yaml()
    enabled = gc.isenabled()
    gc.disable()  # the collector running while nodes are built nearly triples the cost
    try:
        _compose(file, text, doc, mark)
    except yaml.MarkedYAMLError as exc:
        where = exc.problem_mark or exc.context_mark
        pos = (mark(where) if hidden else _clamp(text, mark(where))) if where else (1, 1)
        problem = (exc.problem or "").strip()
        doc.findings.append(R_SYNTAX.at(file, pos, f"Ugyldig YAML: {_syntax_message(problem)}",
                                        _syntax_hint(problem)))
        doc.data = None
    except yaml.reader.ReaderError as exc:
        pos = offset_position(text, exc.position) if exc.position is not None else (1, 1)
        doc.findings.append(R_SYNTAX.at(
            file, pos, f"Ugyldig tegn i filen (kode {exc.character!r}).",
            "Fjern kontrolltegn; bare vanlig tekst er tillatt."))
        doc.data = None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml variants without a mark
        doc.findings.append(R_SYNTAX.at(file, (1, 1), f"Ugyldig YAML: {exc}."))
        doc.data = None
    finally:
        if enabled:
            gc.enable()
    if hidden:
        _hidden_breaks(file, text, doc)
    return doc


# libyaml's problems, in Norwegian; anything else is quoted as the parser said it
_PROBLEMS = [
    ("found character that cannot start any token", "tegnet her kan ikke begynne et element (ofte en tabulator eller `@`/`` ` ``)."),
    ("mapping values are not allowed", "kolon på et sted der det ikke kan stå en verdi."),
    ("did not find expected key", "fant ikke neste nøkkel; innrykket stemmer trolig ikke."),
    ("did not find expected ',' or ']'", "listen i hakeparenteser er ikke lukket med `]`."),
    ("did not find expected ',' or '}'", "tabellen i krøllparenteser er ikke lukket med `}`."),
    ("did not find expected node content", "fant ikke forventet verdi."),
    ("did not find expected '-' indicator", "fant ikke forventet listepunkt (`-`); innrykket stemmer trolig ikke."),
    ("found unexpected end of stream", "filen slutter midt i en verdi (mangler et avsluttende anførselstegn?)."),
    ("found unknown escape character", "ukjent escape-tegn etter `\\` i tekst i doble anførselstegn."),
    ("could not find expected ':'", "fant ikke forventet kolon etter nøkkelen."),
    ("found undefined tag handle", "ukjent tagg."),
    ("found unexpected ':'", "uventet kolon."),
    ("block sequence entries are not allowed", "listepunkt (`-`) på et sted der det ikke kan stå en liste."),
    ("found a tab character", "tabulator er ikke tillatt her."),
    ("expected <document start>", "mer innhold etter dokumentets slutt; innrykket stemmer trolig ikke."),
    ("found unexpected document indicator", "uventet dokumentskille (`---` eller `...`)."),
]


def _syntax_message(problem: str) -> str:
    for key, text in _PROBLEMS:
        if key in problem:
            return text
    return f"parseren melder «{problem or 'ukjent feil'}»."


_HINTS = {
    "cannot start any token":
        "Bruk mellomrom til innrykk, ikke tabulator, og sett tekst som begynner med `@` eller `` ` `` i anførselstegn.",
    "mapping values are not allowed":
        "Sett verdier som inneholder «: » i anførselstegn, eller sjekk innrykket.",
}


def _syntax_hint(problem: str) -> str:
    for key, hint in _HINTS.items():
        if key in problem:
            return hint
    return "Sjekk innrykk, kolon og anførselstegn rundt dette stedet."


def _compose(file: str, text: str, doc: Document, mark=_mark) -> None:
    findings = doc.findings
    positions = doc.positions
    key_positions = doc.key_positions
    stack: list[_Frame] = []
    ev = _yaml().events

    def check_node(event) -> None:
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            findings.append(R_ALIAS.at(file, mark(event.start_mark),
                f"Ankeret `&{anchor}` er ikke tillatt.", "Skriv innholdet ut der det brukes."))
        tag = getattr(event, "tag", None)
        if tag is not None and not isinstance(event, (ev.AliasEvent,)):
            findings.append(R_TAG.at(file, mark(event.start_mark),
                f"Taggen `{tag}` er ikke tillatt.", "Fjern taggen; skjemaet bestemmer typen."))

    def attach(value, pos, event=None) -> tuple | None:
        """Attach a finished node to its parent; return its path (None if dropped)."""
        if not stack:
            doc.data = value
            positions[()] = pos
            return ()
        top = stack[-1]
        if not top.is_map:
            path = top.path + (len(top.value),)
            top.value.append(value)
            positions[path] = pos
            return path
        if top.key is None and not top.bad_key:
            # this node is a key
            if not isinstance(value, str):
                shown = "en tabell" if isinstance(value, dict) else "en liste" if isinstance(value, list) \
                    else f"`{_show(value)}`"
                findings.append(R_KEY_TYPE.at(file, pos, f"Nøkkelen {shown} er ikke tekst.",
                    "Skriv nøkkelen som tekst, for eksempel i anførselstegn.", top.path))
                top.bad_key = True
                return None
            if value in top.value:
                first = key_positions.get(top.path + (value,), pos)
                findings.append(R_DUPLICATE.at(file, pos,
                    f"Nøkkelen `{value}` står to ganger (første gang på linje {first[0]}).",
                    "Slå sammen verdiene eller fjern den ene; ellers beholdes stille bare én.",
                    top.path + (value,)))
                top.bad_key = True
                return None
            top.key = value
            top.key_pos = pos
            return None
        if top.bad_key:
            top.bad_key = False
            return None
        path = top.path + (top.key,)
        top.value[top.key] = value
        positions[path] = pos
        key_positions[path] = top.key_pos
        top.key = None
        return path

    loader = _Loader(text)
    try:
        _walk(loader, ev, stack, findings, check_node, attach, doc, file, mark)
    finally:
        loader.dispose()


def _walk(loader, ev, stack, findings, check_node, attach, doc, file, mark=_mark) -> None:
    documents = 0
    Scalar, MapStart, SeqStart = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
    MapEnd, SeqEnd, Alias, DocStart = ev.MappingEndEvent, ev.SequenceEndEvent, ev.AliasEvent, ev.DocumentStartEvent
    get_event, check_event = loader.get_event, loader.check_event
    while check_event():
        event = get_event()
        cls = type(event)
        if cls is Scalar:
            if event.anchor is not None or event.tag is not None:
                check_node(event)
            if len(event.value) > MAX_SCALAR:
                findings.append(R_TOO_LONG.at(file, mark(event.start_mark),
                    f"Teksten er {len(event.value)} tegn lang; grensen er {MAX_SCALAR}.", "Kort den ned."))
                doc.data = None
                return
            if not event.style and event.implicit[0] and event.tag is None:
                value = resolve_plain(event.value)
                if value.__class__ is OutOfRange:
                    findings.append(R_NUMBER.at(file, mark(event.start_mark),
                        f"Tallet `{_short(value)}` er utenfor grensene ({len(value)} tegn).",
                        "Skriv et mindre tall, eller sett verdien i anførselstegn hvis den er tekst."))
                    value = str(value)
            else:
                value = event.value
            attach(value, mark(event.start_mark))
        elif cls is MapStart or cls is SeqStart:
            if event.anchor is not None or event.tag is not None:
                check_node(event)
            pos = mark(event.start_mark)
            if len(stack) >= MAX_DEPTH:
                findings.append(R_TOO_DEEP.at(file, pos,
                    f"Dokumentet er nestet dypere enn {MAX_DEPTH} nivåer.", "Gjør strukturen flatere."))
                doc.data = None
                return
            is_map = cls is MapStart
            container = {} if is_map else []
            parent_path = stack[-1].path if stack else ()
            # the path is known once attached; attach an empty container now and fill it in place
            path = attach(container, pos)
            frame = _Frame(container, path if path is not None else parent_path + ("?",), is_map)
            frame.bad_key = False
            stack.append(frame)
        elif cls is MapEnd or cls is SeqEnd:
            frame = stack.pop()
            if len(frame.value) > MAX_ITEMS:
                what = "Tabellen" if frame.is_map else "Listen"
                findings.append(R_TOO_LONG.at(file, positions_of(doc, frame.path),
                    f"{what} har {len(frame.value)} elementer; grensen er {MAX_ITEMS}.", "Del innholdet opp."))
                doc.data = None
                return
        elif cls is Alias:
            findings.append(R_ALIAS.at(file, mark(event.start_mark),
                f"Aliaset `*{event.anchor}` er ikke tillatt.", "Skriv innholdet ut der det brukes."))
            attach(None, mark(event.start_mark))
        elif cls is DocStart:
            documents += 1
            if documents > 1:
                findings.append(R_MULTIDOC.at(file, mark(event.start_mark),
                    "Filen har mer enn ett YAML-dokument.",
                    "Fjern `---`-skillet og del innholdet i flere filer."))
                return
    if documents == 0 or (doc.data is None and not findings):
        findings.append(R_EMPTY.at(file, (1, 1), "Filen er tom.",
            "Skriv innholdet, eller slett filen."))


def iter_nodes(data, path: tuple = ()):
    """(key path, value) for every node of loaded data, the root first."""
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from iter_nodes(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from iter_nodes(value, path + (i,))


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def positions_of(doc: Document, path: tuple) -> tuple[int, int]:
    return doc.positions.get(path, (1, 1))


def _show(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
