"""The one masking function: no valid personal identity number ever leaves the program.

`mask(text)` replaces the last five digits of every valid fødselsnummer, D-, H- or FH-nummer
with `*`, in every spelling a reader still reads as the number (see `identifiers`): digits
broken up by spaces, dots, no-break or thin spaces, line breaks, format characters or
combining marks, digits of another form, and the escapes with which serialised output
writes those separators (`\\n`, `\\u00a0`, `\\x85`, `&nbsp;`, `&#8203;`, `<wbr>`). Every
window of eleven digits in a run of digits is checked, so the mask hides at least everything
the guard reports. Text without a run of eleven digits is returned as it is, quickly.

Every output boundary calls it: the CLI's writer (every command and format), the MkDocs hook
(page Markdown, navigation titles, the final HTML and the search index) and `dumps` for any
JSON a module writes itself. A new output path must go through one of these.
"""

from __future__ import annotations

import functools
import json
import math
import re

from .identifiers import FORMAT_CHARS, OTHER_DIGITS, ascii_digits, find, identity_kind

_DIGIT = f"[\\d{OTHER_DIGITS}]"
# never start inside an escape (`\u2028`, `\x85`, `&#8203;`), whose hex digits are not text;
# the look-behinds stand after the first digit so that the engine can skip ahead to a digit
_NOT_IN_ESCAPE = "".join(
    [f"(?<!\\\\u[0-9a-fA-F]{{{n}}})" for n in range(1, 5)]
    + [f"(?<!\\\\U[0-9a-fA-F]{{{n}}})" for n in range(1, 9)]
    + [f"(?<!\\\\x[0-9a-fA-F]{{{n}}})" for n in range(1, 3)]
    + [f"(?<!&#[0-9]{{{n}}})" for n in range(1, 8)]
    + [f"(?<!&#[xX][0-9a-fA-F]{{{n}}})" for n in range(1, 7)])
_SEP = (f"(?:[\\s.{FORMAT_CHARS}\u0300-\u036f\u20d0-\u20ff\ufe00-\ufe0f]\\s*+"
        r"|\\[nrtvfb]|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|\\x[0-9a-fA-F]{2}"
        r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});|</?[a-zA-Z][a-zA-Z0-9]{0,9}\s*/?>)")
# a run of at least eleven digits with at most eight separators between two digits (a run of
# spaces, a folded line with its indentation, counts as one; taken possessively)
_RUN = re.compile(f"{_DIGIT}{_NOT_IN_ESCAPE}(?:{_SEP}{{0,8}}{_DIGIT}){{10,}}")
_ONE_DIGIT = re.compile(_DIGIT)
_SEP_ONLY = re.compile(f"(?:{_SEP})+")


def mask(text: str) -> str:
    """The text with every valid personal identity number masked (`311299*****`)."""
    if not isinstance(text, str):
        return text
    out = None
    for run in _RUN.finditer(text):
        masked = _mask_run(run.group())
        if masked is not None:
            if out is None:
                out = []
                last = 0
            out.append(text[last:run.start()])
            out.append(masked)
            last = run.end()
    if out is None:
        return text
    out.append(text[last:])
    return "".join(out)


@functools.lru_cache(maxsize=4096)  # the same runs recur on every page (the theme's icons' SVG paths)
def _mask_run(run: str) -> str | None:
    """The run with the last five digits of every valid 11-digit window starred, or None."""
    # the digits of the run, by position; separators (escapes included) are skipped whole
    spans = []
    pos = 0
    while pos < len(run):
        sep = _SEP_ONLY.match(run, pos)
        if sep is not None and sep.end() > pos:
            pos = sep.end()
            continue
        if _ONE_DIGIT.match(run, pos):
            spans.append(pos)
        pos += 1
    digits = ascii_digits("".join(run[i] for i in spans))
    if len(digits) != len(spans):  # pragma: no cover - every span is one digit
        return None
    hidden = set()
    for start in range(len(digits) - 10):
        if identity_kind(digits[start:start + 11]):
            hidden.update(spans[start + 6:start + 11])
    if not hidden:
        return None
    return "".join("*" if i in hidden else ch for i, ch in enumerate(run))


def find_escaped(text: str):
    """(offset, ASCII digits, kind) for every valid number that the text spells with the
    escapes of separators serialised output uses (`311299\\n56715`, `311299\\u00a056715`):
    what `mask` hides in such text and a reader of the raw file still reads as the number.
    Within a run, each separator or escape stands for one space, and the numbers are those
    `identifiers.find` reads in it (groups of digits stand as a whole); an escaped digit
    (`\\x33`) is never a digit. For text with a backslash; `identifiers.find` covers the rest."""
    for run in _RUN.finditer(text):
        chunk = run.group()
        spelled, where = [], []
        pos = 0
        while pos < len(chunk):
            sep = _SEP_ONLY.match(chunk, pos)
            if sep is not None and sep.end() > pos:
                spelled.append(" ")
                where.append(pos)
                pos = sep.end()
                continue
            spelled.append(chunk[pos])
            where.append(pos)
            pos += 1
        for offset, number, kind in find("".join(spelled)):
            yield run.start() + where[offset], number, kind


def mask_data(value):
    """Every string in JSON-like data (keys too) masked; non-finite floats become strings
    (strict JSON has no `Infinity` or `NaN`); lone surrogates (a file name that is not
    UTF-8) are written as `\\xNN`, so the output is valid UTF-8."""
    if isinstance(value, str):
        return mask(safe_unicode(value))
    if isinstance(value, dict):
        return {mask_data(k) if isinstance(k, str) else k: mask_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_data(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = repr(value)
        if len(text) >= 11 and mask(text) != text:  # an identity number becomes its masked text
            return mask(text)
    return value


def dumps(data, **kwargs) -> str:
    """Strict, masked JSON as UTF-8 text: the way every JSON output is written. `mask` sees
    through JSON's escapes, so the text is masked once; data with a non-finite float or a lone
    surrogate is made safe first."""
    kwargs.setdefault("ensure_ascii", False)
    try:
        text = json.dumps(data, allow_nan=False, **kwargs)
    except ValueError:  # Infinity or NaN somewhere
        text = None
    if text is None or _SURROGATE.search(text) or (masked := mask(text)) != text:
        # masked as data first, so that a JSON number that is an identity number becomes a
        # masked string instead of broken JSON
        text = json.dumps(mask_data(data), allow_nan=False, **kwargs)
        return mask(text)
    return masked  # scanned once: the text had nothing to mask


_SURROGATE = re.compile("[\ud800-\udfff]")


def safe_unicode(text: str) -> str:
    """Lone surrogates (from bytes that are not UTF-8, read with `surrogateescape`) as `\\xNN`."""
    if not _SURROGATE.search(text):
        return text
    return _SURROGATE.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}" if 0xDC80 <= ord(m.group()) <= 0xDCFF
                          else f"\\u{ord(m.group()):04x}", text)
