"""Bounded fuzzing in the default test run; `scripts/fuzz.py` runs 100 000 inputs and more."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.model.loader import load_bytes

from checks.review.gate import analyse
from checks.model.repository import load_repository

from fuzzlib import ROOT, MemoryReader, check_properties, make_input, shipped_files, yaml_lines

BASE = shipped_files()
BASE_REPO = load_repository(ROOT, reader=MemoryReader(BASE))
BASE_MODEL = (BASE_REPO, analyse(BASE_REPO))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_never_crash_the_loader(raw):
    doc = load_bytes("procedures/x.yaml", raw)
    lines = yaml_lines(raw)
    for f in doc.findings:
        assert 1 <= f.line <= len(lines) and 1 <= f.column <= len(lines[f.line - 1]) + 1 or f.rule in (
            "yaml.encoding",)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!#'\"\n\t ?|>%@`~,.0123456789") + ["æ"]),
               max_size=200))
def test_random_yaml_like_text_never_crashes_the_loader(text):
    doc = load_bytes("procedures/x.yaml", text.encode("utf-8"))
    lines = yaml_lines(text.encode("utf-8"))
    for f in doc.findings:
        assert 1 <= f.line <= len(lines) and 1 <= f.column <= len(lines[f.line - 1]) + 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2 ** 32))
def test_damaged_content_goes_through_the_whole_pipeline(seed):
    rng = random.Random(seed)
    files = dict(BASE)
    planted = None
    for _ in range(rng.randint(1, 3)):
        _, path, content, number = make_input(rng, files)
        files[path] = content
        planted = number or planted
    assert check_properties(files, BASE_MODEL, planted) == []
