"""The personal-identifier guard: every valid number of each kind is caught, wrong check
digits never are, and the report masks the number."""

import random
import re

import pytest

from checks.rules.privacy import identity_kind, orgnr_valid, scan_text

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def with_check_digits(nine: str) -> str | None:
    digits = [int(c) for c in nine]
    k1 = (11 - sum(d * w for d, w in zip(digits, W1)) % 11) % 11
    if k1 == 10:
        return None
    digits.append(k1)
    k2 = (11 - sum(d * w for d, w in zip(digits, W2)) % 11) % 11
    if k2 == 10:
        return None
    return nine + str(k1) + str(k2)


def generate(kind: str, rng: random.Random, count: int) -> list[str]:
    out = []
    while len(out) < count:
        day, month, year, individual = rng.randint(1, 28), rng.randint(1, 12), rng.randint(0, 99), rng.randint(0, 999)
        if kind == "D-nummer":
            day += 40
        if kind == "H-nummer":
            month += 40
        nine = f"{day:02d}{month:02d}{year:02d}{individual:03d}"
        if kind == "FH-nummer":
            nine = str(rng.choice((8, 9))) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        number = with_check_digits(nine)
        if number:
            out.append(number)
    return out


def test_the_published_test_vector_is_a_fodselsnummer():
    assert identity_kind("31129956715") == "fødselsnummer"


@pytest.mark.parametrize("kind", ["fødselsnummer", "D-nummer", "H-nummer", "FH-nummer"])
def test_every_generated_valid_number_is_caught_and_masked(kind):
    rng = random.Random(kind)
    for number in generate(kind, rng, 500):
        assert identity_kind(number) == kind
        for written in (number, f"{number[:6]} {number[6:]}", ".".join((number[:2], number[2:4], number[4:6])) + " " + number[6:]):
            (finding,) = scan_text("procedures/x.yaml", f"note: ring pasienten, {written} gjelder\n")
            assert finding.rule == "privacy.personal-id" and (finding.line, finding.column) == (1, 23)
            assert number[6:] not in finding.message and f"{number[:6]}*****" in finding.message


def test_wrong_check_digits_are_never_flagged():
    rng = random.Random(11)
    checked = 0
    while checked < 20_000:
        nine = "".join(str(rng.randint(0, 9)) for _ in range(9))
        valid = with_check_digits(nine)
        wrong = nine + f"{rng.randint(0, 99):02d}"
        if wrong == valid:
            continue
        checked += 1
        assert identity_kind(wrong) is None
        assert scan_text("x", f"tall: {wrong}\n") == []


def test_longer_numbers_and_other_identifiers_are_not_personal_ids():
    assert scan_text("x", "url: https://example.org/id311299567150\norgnr: 983974899\ntlf: 07022\n") == []


def test_organisation_numbers_by_check_digit():
    assert orgnr_valid("983974899") and orgnr_valid("123456785")
    assert not orgnr_valid("983974898") and not orgnr_valid("12345678")


def test_the_fast_candidate_pattern_finds_exactly_what_the_leading_look_behind_found():
    """#14: the look-behind moved after the first digit; the matches must not change."""
    import re

    from checks.rules import privacy
    slow, fast = re.compile(privacy._CANDIDATE_SLOW), privacy._CANDIDATE
    rng = random.Random(14)
    alphabet = "0123456789. x\n-"
    texts = ["", "1", "31129956715", ".31129956715", "1.31129956715", "31129956715.1", "a31129956715b",
             "311299 56715", "3.1.1.2.9.9.5.6.7.1.5", "131129956715", "3112995671.5 1"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(20_000)]
    texts += [rng.choice(texts) + rng.choice(texts) for _ in range(5_000)]
    for text in texts:
        assert [(m.start(), m.end()) for m in fast.finditer(text)] == \
            [(m.start(), m.end()) for m in slow.finditer(text)], repr(text)


def test_the_guard_finds_at_least_what_the_candidate_pattern_finds():
    """`identifiers.find` reads more spellings than the raw pattern; never fewer numbers."""
    from checks.model.identifiers import CANDIDATE, find
    rng = random.Random(1313)
    numbers = generate("fødselsnummer", rng, 50)
    for _ in range(3000):
        number = rng.choice(numbers)
        pieces = [rng.choice(["", " ", "."]) + c for c in number]
        text = rng.choice(["", "x", "1", "12 ", "a.", "tlf "]) + "".join(pieces).lstrip(" .") + \
            rng.choice(["", "x", " 1", ".", ".1", "\n"])
        expected = {m.start() for m in CANDIDATE.finditer(text) if identity_kind(m.group().replace(" ", "").replace(".", ""))}
        assert expected <= {offset for offset, _, _ in find(text)}, repr(text)


def test_the_list_of_format_characters_matches_this_python():
    import sys
    import unicodedata

    from checks.model.identifiers import FORMAT_CHARS
    listed = re.compile(f"[{FORMAT_CHARS}]")
    missing = [hex(cp) for cp in range(sys.maxunicode + 1)
               if unicodedata.category(chr(cp)) == "Cf" and not listed.match(chr(cp))]
    assert missing == []


@pytest.mark.parametrize("spelling", [
    lambda n: f"{n[:6]}\u00a0{n[6:]}", lambda n: f"{n[:6]}\u2009{n[6:]}", lambda n: f"{n[:6]}\u202f{n[6:]}",
    lambda n: f"{n[:6]}\u200b{n[6:]}", lambda n: f"{n[:6]}\u00ad{n[6:]}", lambda n: f"{n[:6]}\n    {n[6:]}",
    lambda n: "".join(chr(0xFF10 + int(c)) for c in n), lambda n: "".join(chr(0x0660 + int(c)) for c in n),
    lambda n: n[:6] + "".join("⁰¹²³⁴⁵⁶⁷⁸⁹"[int(c)] for c in n[6:]), lambda n: f"{n[:6]}\u0301{n[6:]}",
])
def test_raw_text_in_every_spelling_a_reader_reads(spelling):
    number = "31129956715"
    (finding,) = scan_text("procedures/x.yaml", f"note: >-\n  ring {spelling(number)} i dag\n")
    assert (finding.line, finding.column) == (2, 8) and "311299*****" in finding.message


def test_file_names_are_scanned():
    from checks.rules.privacy import scan_names
    (finding,) = scan_names(["procedures/settings/31129956715.yaml", "procedures/settings/svarfrist.yaml"])
    assert finding.file == "procedures/settings/31129956715.yaml" and "filnavnet" in finding.message


@pytest.mark.parametrize("escape", ["\\n", "\\t", "\\u00a0", "\\x85", "\\u2009"])
def test_a_separator_written_as_an_escape_in_a_file_that_does_not_load(escape):
    # found by the long fuzz run: the loaded values are scanned only when the file loads,
    # so the raw scan itself reads escapes of separators, as the masking function does
    text = f'contacts:\n  - note: "311299{escape}56715"\n      UNN.\n'
    (finding,) = scan_text("procedures/x.yaml", text)
    assert (finding.line, finding.column) == (2, 12) and "311299*****" in finding.message


def test_an_escaped_digit_in_the_raw_text_counts_as_the_digit_it_loads_as():
    # found by the long fuzz run: `"\u0030947…"` in a file that does not load; the loaded value
    # of a file that loads is scanned too, and both agree
    (finding,) = scan_text("procedures/x.yaml", 'a: b\nnote: "\\u00331129956715"\n  x\n')
    assert (finding.line, finding.column) == (2, 8) and "311299*****" in finding.message
    (finding,) = scan_text("procedures/x.yaml", 'note: "311299\\x35\\U00000036715"\n')
    assert finding.column == 8 and "311299*****" in finding.message
    assert scan_text("procedures/x.yaml", 'note: "\\x3311299567150"\n') == []  # twelve digits: not a number
