"""Norwegian personal identity numbers: what counts as one, in every spelling a reader reads.

A fødselsnummer, D-nummer, H-nummer or FH-nummer is eleven digits whose two check digits
agree (modulus 11). A reader still reads the number when it is written with spaces, dots,
no-break or thin spaces, invisible format characters (soft hyphen, zero-width space, bidi
marks), combining marks, or digits of another form (fullwidth `３`, superscript `³`, circled
`③`); YAML escapes (`"\\x33"`) and folded lines produce such text from innocent-looking source.
This module recognises all of them; the guard (`checks.rules.privacy`) reports them and the
masking function (`checks.model.masking`) hides them in everything the program writes.
"""

from __future__ import annotations

import re
import unicodedata

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

# Characters a reader does not see as breaking a number: every space (Python's \s: also
# no-break, thin and ideographic spaces and the line separators), every format character
# (Unicode category Cf, as of Unicode 14-15; tests/test_privacy.py checks the list against
# the running Python), and combining marks that may ride on a digit.
FORMAT_CHARS = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
                "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
                "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe00-\ufe0f\ufe20-\ufe2f\U000e0100-\U000e01ef"
# Characters NFKC turns into an ASCII digit that `\d` does not match (superscripts,
# subscripts, circled digits); `\d` itself matches every decimal digit of every script.
OTHER_DIGITS = "\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089\u2460-\u2468\u24ea"

# The guard's pattern (#14's speed fix, kept with its proof in tests/test_privacy.py): 11
# digits, optionally broken up by single spaces or dots, not part of a longer number. The
# look-behind stands after the first digit, not before it: a pattern that starts with a
# digit lets the engine skip ahead to the next digit, while a leading look-behind is tried at
# every character (same matches, about three times faster). `find` reads more spellings and
# finds at least what this pattern finds.
CANDIDATE_SLOW = r"(?<![\d.])\d(?:[ .]?\d){10}(?![\d]|\.\d)"
CANDIDATE = re.compile(r"\d(?<![\d.]\d)(?:[ .]?\d){10}(?![\d]|\.\d)")

DIGIT = f"[\\d{OTHER_DIGITS}]"
# A run: at least eleven digits with only spaces (line breaks and indentation too: a folded
# value), dots, format characters or combining marks between them. It starts with a digit,
# so the engine skips ahead quickly (no leading look-behind); the separators are taken
# possessively, so a long run of spaces is never backtracked into.
RUN = re.compile(f"{DIGIT}(?:[\\s.{FORMAT_CHARS}{COMBINING}]*+{DIGIT}){{10,}}")
_ONE_DIGIT = re.compile(DIGIT)


def find(text: str):
    """(offset of the first digit, ASCII digits, kind) for every valid number a reader reads
    in the text: eleven digits that stand as a whole, i.e. whose first digit begins a group
    and whose last digit ends one, where groups of digits are separated by spaces (any kind,
    line breaks too), dots, format characters or combining marks. `311299 56715`,
    `311299\\u00a056715` and `311299` folded onto the next line are found; the eleven last
    digits of `1231129956715` are not."""
    for run in RUN.finditer(text):
        chunk = run.group()
        spans = [m.start() for m in _ONE_DIGIT.finditer(chunk)]
        digits = ascii_digits("".join(chunk[i] for i in spans))
        if len(digits) != len(spans):  # pragma: no cover - each span is one digit
            continue
        starts = {0} | {i for i in range(1, len(spans)) if spans[i] - spans[i - 1] > 1}
        for start in sorted(starts):
            end = start + 11
            if end > len(spans):
                break
            if end != len(spans) and end not in starts:
                continue
            kind = identity_kind(digits[start:end])
            if kind is not None:
                yield run.start() + spans[start], digits[start:end], kind


def check_digit(digits: list[int], weights: tuple) -> int | None:
    k = 11 - sum(d * w for d, w in zip(digits, weights)) % 11
    if k == 11:
        return 0
    return None if k == 10 else k


def check_digits_ok(digits: list[int]) -> bool:
    k1 = check_digit(digits[:9], _W1)
    if k1 is None or k1 != digits[9]:
        return False
    k2 = check_digit(digits[:10], _W2)
    return k2 is not None and k2 == digits[10]


def identity_kind(number: str) -> str | None:
    """'fødselsnummer', 'D-nummer', 'H-nummer', 'FH-nummer' or None for an 11-digit string."""
    if len(number) != 11 or not number.isdecimal():
        return None
    digits = [int(c) for c in number]
    if not check_digits_ok(digits):
        return None
    number = "".join(map(str, digits))
    if digits[0] in (8, 9):
        return "FH-nummer"
    day, month = int(number[:2]), int(number[2:4])
    kind = "fødselsnummer"
    if day > 40:
        day, kind = day - 40, "D-nummer"
    if month > 40:
        month, kind = month - 40, "H-nummer" if kind == "fødselsnummer" else None
    if kind is None or not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return kind


def ascii_digits(text: str) -> str:
    """The digits of a matched number as ASCII (`３` and `٣` become `3`), separators dropped."""
    out = []
    for ch in text:
        if ch.isdecimal():
            out.append(str(int(ch)))
        elif not ch.isascii():
            folded = unicodedata.normalize("NFKC", ch)
            if len(folded) == 1 and folded.isdecimal():
                out.append(folded)
    return "".join(out)


def show_masked(number: str) -> str:
    """The only way a number is ever shown: the first six digits (the date of birth)."""
    return number[:6] + "*****"
