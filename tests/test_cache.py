"""check's per-file cache (checks/model/cache.py): the same findings with and without it, a
changed file is read again, a corrupt or foreign cache is ignored, and `--no-cache` bypasses it."""

import json
import shutil
import subprocess
import sys

import pytest

from checks.compliance.scenario import check as check_scenarios
from checks.model import cache as cache_mod
from checks.model.cache import FileCache
from checks.rules.analysis import run_checks

from conftest import CASES, ROOT, run_cli
from test_cases import CASE_DIRS, materialise


def _documents(repo):
    return [(d.file, d.data, d.text, d.positions, d.key_positions, d.findings) for d in repo.documents]


@pytest.mark.parametrize("case", CASE_DIRS, ids=[p.name for p in CASE_DIRS])
def test_every_case_gives_the_same_findings_cold_warm_and_without_cache(case, tmp_path):
    repo_dir = materialise(case, tmp_path)
    plain, expected = run_checks(repo_dir)
    for _ in ("cold", "warm"):
        store = FileCache(repo_dir, tmp_path / "cache")
        repo, findings = run_checks(repo_dir, store=store)
        store.save()
        assert findings == expected
        assert _documents(repo) == _documents(plain)
    assert store.misses == 0 and store.hits == len(plain.documents)


def _copy_real(tmp_path):
    repo = tmp_path / "depot"
    for name in ("procedures", "schemas", "scenarios"):
        shutil.copytree(ROOT / name, repo / name)
    return repo


def _check(repo, cache_dir, *extra):
    result = run_cli("-C", str(repo), "check", "--format", "json", *extra, env={"SAMHANDLING_CACHE": str(cache_dir)})
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)["findings"]


def test_the_cli_reports_the_same_with_a_cold_a_warm_and_no_cache(tmp_path):
    repo = _copy_real(tmp_path)
    # a finding from the loader, one from a schema and one from a scenario, besides the real content
    party = next((repo / "procedures" / "parties").glob("*.yaml"))
    party.write_text(party.read_text(encoding="utf-8") + "ukjent_felt: 1\n", encoding="utf-8")
    scenario = next((repo / "scenarios").glob("*.yaml"))
    scenario.write_text(scenario.read_text(encoding="utf-8") + "ukjent_felt: 1\n", encoding="utf-8")
    (repo / "procedures" / "settings" / "dobbel.yaml").write_text("id: dobbel\nid: dobbel\n", encoding="utf-8")
    cold = _check(repo, tmp_path / "c")
    assert {"schema.unknown-key", "yaml.duplicate-key"} <= {f["rule"] for f in cold[1]}
    assert any(f["file"].startswith("scenarios/") for f in cold[1])
    assert list((tmp_path / "c").iterdir())
    assert _check(repo, tmp_path / "c") == cold
    assert _check(repo, tmp_path / "c", "--no-cache") == cold
    assert _check(repo, tmp_path / "annen", "--no-cache") == cold
    assert not (tmp_path / "annen").exists()  # --no-cache neither reads nor writes


def test_a_changed_file_is_read_again(tmp_path):
    repo = _copy_real(tmp_path)
    before = _check(repo, tmp_path / "c")
    party = next((repo / "procedures" / "parties").glob("*.yaml"))
    party.write_text(party.read_text(encoding="utf-8") + "ukjent_felt: 1\n", encoding="utf-8")
    code, after = _check(repo, tmp_path / "c")
    assert code == 1
    new = [f for f in after if f not in before[1]]
    assert [(f["file"], f["rule"]) for f in new] == [(party.relative_to(repo).as_posix(), "schema.unknown-key")]
    party.write_text(party.read_text(encoding="utf-8").replace("ukjent_felt: 1\n", ""), encoding="utf-8")
    assert _check(repo, tmp_path / "c") == before


def test_a_changed_schema_or_code_version_is_a_miss(tmp_path, monkeypatch):
    repo_dir = CASES / "valid-minimal"
    store = FileCache(repo_dir, tmp_path)
    run_checks(repo_dir, store=store)
    store.save()
    monkeypatch.setattr(cache_mod, "code_version", lambda: "en annen versjon")
    store = FileCache(repo_dir, tmp_path)
    run_checks(repo_dir, store=store)
    assert store.hits == 0 and store.misses > 0


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "other-format"])
def test_a_corrupt_cache_is_ignored_and_replaced(tmp_path, damage):
    repo_dir = CASES / "schema-format"
    _, expected = run_checks(repo_dir)
    store = FileCache(repo_dir, tmp_path)
    run_checks(repo_dir, store=store)
    store.save()
    blob = store.path.read_bytes()
    damaged = {"truncate": blob[: len(blob) // 2], "flip": blob[:-10] + bytes([blob[-10] ^ 1]) + blob[-9:],
               "garbage": b"\x00\xff" * 100, "empty": b"", "other-format": b"samhandling-cache 0\n" + blob[20:]}[damage]
    store.path.write_bytes(damaged)
    store = FileCache(repo_dir, tmp_path)
    _, findings = run_checks(repo_dir, store=store)
    assert findings == expected and store.hits == 0
    store.save()  # rewritten whole: the next run is served from it
    store = FileCache(repo_dir, tmp_path)
    assert run_checks(repo_dir, store=store)[1] == expected and store.misses == 0 and store.hits


def _stored(repo_dir, folder):
    """The findings without the cache, the cache file and what a first check stored in it."""
    _, expected = run_checks(repo_dir)
    store = FileCache(repo_dir, folder)
    run_checks(repo_dir, store=store)
    store.save()
    return expected, store.path, cache_mod.read_sealed(store.path)


def test_an_entry_of_the_wrong_shape_is_a_miss(tmp_path):
    repo_dir = CASES / "schema-format"
    expected, path, (entries, scans) = _stored(repo_dir, tmp_path)
    # the same keys, with findings under a rule that does not exist, or of the wrong shape, or
    # a document whose data is not marshal bytes
    forged = {}
    for n, (key, record) in enumerate(entries.items()):
        bad = ((record[0], 1, 1, "ingen.slik-regel", "error", "x", "", ()),) if n % 3 == 1 else "ikke en tuppel"
        forged[key] = (record[0], "ikke bytes") + record[2:] if n % 3 == 2 else record[:3] + (bad,) + record[4:]
    cache_mod.write_sealed(path, (forged, scans))  # sealed as the code seals it: only the shape is wrong
    store = FileCache(repo_dir, tmp_path)
    _, findings = run_checks(repo_dir, store=store)
    assert findings == expected and store.hits == 0


def test_the_guards_scans_through_the_cache_follow_every_text(tmp_path):
    """The guard's scan of a text is kept by path and text: a number planted in a procedure,
    in docs/ and in a schema is found cold and warm, and is gone when the text is mended."""
    import random

    from fuzzlib import valid_number
    repo = _copy_real(tmp_path)
    number = valid_number(random.Random(14))
    party = next((repo / "procedures" / "parties").glob("*.yaml"))
    original = party.read_text(encoding="utf-8")
    (repo / "docs").mkdir()
    page = repo / "docs" / "merknad.md"
    schema = repo / "schemas" / "common.schema.json"
    schema_text = schema.read_text(encoding="utf-8")

    def guard(cache):
        store = FileCache(repo, cache)
        _, findings = run_checks(repo, store=store)
        store.save()
        return sorted((f.file, f.line, f.column, f.message) for f in findings if f.rule == "privacy.personal-id")

    for planted in (True, False):
        party.write_text(original + (f"# {number}\n" if planted else ""), encoding="utf-8")
        page.write_text(f"Ring {number[:6]} {number[6:]}.\n" if planted else "Ring sentralbordet.\n", encoding="utf-8")
        schema.write_text(schema_text.replace('"$schema"', f'"$comment": "{number}",\n  "$schema"', 1)
                          if planted else schema_text, encoding="utf-8")
        plain = guard(None)
        assert {f[0] for f in plain} == ({party.relative_to(repo).as_posix(), "docs/merknad.md",
                                          "schemas/common.schema.json"} if planted else set())
        assert guard(tmp_path / "c") == plain  # cold
        assert guard(tmp_path / "c") == plain  # warm: every scan from the cache


def test_a_scan_of_the_wrong_shape_is_a_miss(tmp_path):
    import marshal
    repo_dir = CASES / "privacy-personal-id"
    expected, path, (entries, scans) = _stored(repo_dir, tmp_path)
    assert any(scans.values())  # the planted numbers' scans are kept
    forged = {key: (("ikke", "en", "finding"),) if n % 2 else "ikke en tuppel" for n, key in enumerate(scans)}
    import re
    stored = marshal.dumps(list(scans.values()))
    assert not re.search(rb"\d{11}", stored)  # the findings (masked), never the digits found
    cache_mod.write_sealed(path, (entries, forged))
    store = FileCache(repo_dir, tmp_path)
    assert run_checks(repo_dir, store=store)[1] == expected


def _fresh_version():
    """code_version() as a new process sees it (one process keeps the version of its code)."""
    cache_mod._code_version.cache_clear()
    return cache_mod.code_version()


@pytest.mark.parametrize("memo", ["på", "av"])
def test_the_code_version_follows_every_module_by_content(tmp_path, monkeypatch, memo):
    """An edited module and a new one each give another version; the same bytes written again
    (a fresh checkout) give the same version, with the stat memo or without it."""
    import os
    monkeypatch.setenv("SAMHANDLING_CACHE", str(tmp_path / "c") if memo == "på" else "off")
    package = tmp_path / "pakke"
    (package / "sub").mkdir(parents=True)
    module = package / "sub" / "regler.py"
    module.write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache_mod, "_PACKAGE", package)
    first = _fresh_version()
    assert _fresh_version() == first
    st = module.stat()
    os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # checked out again
    assert _fresh_version() == first
    module.write_text("X = 2\n", encoding="utf-8")  # the same size, other bytes
    os.utime(module, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000))
    edited = _fresh_version()
    (package / "ny.py").write_text("", encoding="utf-8")
    added = _fresh_version()
    assert len({first, edited, added}) == 3
    cache_mod._code_version.cache_clear()


def test_a_library_counts_by_pips_record_not_by_when_it_was_installed(tmp_path, monkeypatch):
    """The same library installed again (a new virtual environment, a CI runner) gives the same
    version; another release of it (another RECORD) gives another."""
    import os
    monkeypatch.setenv("SAMHANDLING_CACHE", str(tmp_path / "c"))
    site = tmp_path / "site-packages"
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setattr(cache_mod, "_LIBRARIES", ("falskt_bibliotek",))

    def install(version: str) -> None:
        shutil.rmtree(site, ignore_errors=True)
        (site / "falskt_bibliotek").mkdir(parents=True)
        (site / "falskt_bibliotek" / "__init__.py").write_text(f"VERSION = {version!r}\n", encoding="utf-8")
        (site / f"falskt_bibliotek-{version}.dist-info").mkdir()
        (site / f"falskt_bibliotek-{version}.dist-info" / "RECORD").write_text(
            f"falskt_bibliotek/__init__.py,sha256={version},16\n", encoding="utf-8")

    install("1.0")
    first = _fresh_version()
    record = site / "falskt_bibliotek-1.0.dist-info" / "RECORD"
    install("1.0")
    st = record.stat()
    os.utime(record, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000))
    assert _fresh_version() == first
    install("1.1")
    assert _fresh_version() != first
    cache_mod._code_version.cache_clear()


def test_a_damaged_code_version_memo_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMHANDLING_CACHE", str(tmp_path / "c"))
    want = _fresh_version()
    memos = list((tmp_path / "c" / "kode").glob("*.bin"))
    assert len(memos) == 1
    for damaged in (b"", memos[0].read_bytes()[:-1]):
        memos[0].write_bytes(damaged)
        assert _fresh_version() == want
    cache_mod.write_sealed(memos[0], ["ikke", "en", "versjon"])
    assert _fresh_version() == want
    cache_mod._code_version.cache_clear()


def test_the_schema_digest_follows_the_schema_files(tmp_path):
    from checks.model.schema import SchemaSet
    folder = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", folder)
    texts = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.schema.json")}
    digest = SchemaSet(folder).digest
    assert SchemaSet.from_texts(texts).digest == digest
    assert SchemaSet.from_texts({k: v.encode("utf-8") for k, v in texts.items()}).digest == digest
    common = folder / "common.schema.json"
    common.write_text(common.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert SchemaSet(folder).digest != digest  # any byte counts, also layout


def test_the_cache_lives_outside_the_repository_and_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.delenv("SAMHANDLING_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_mod.cache_dir() == tmp_path / "xdg" / "samhandling"
    monkeypatch.setenv("SAMHANDLING_CACHE", "off")
    assert cache_mod.cache_dir() is None
    monkeypatch.setenv("SAMHANDLING_CACHE", str(tmp_path / "egen"))
    assert cache_mod.cache_dir() == tmp_path / "egen"


def test_scenarios_through_the_cache_give_the_same_findings(tmp_path):
    repo = _copy_real(tmp_path)
    scenario = next((repo / "scenarios").glob("*.yaml"))
    scenario.write_text(scenario.read_text(encoding="utf-8").replace("expected:", "expected:\n  ukjent: 1", 1)
                        + "ukjent_felt: 1\n", encoding="utf-8")
    plain_repo, _ = run_checks(repo)
    expected = check_scenarios(repo, plain_repo)
    assert expected
    for _ in ("cold", "warm"):
        store = FileCache(repo, tmp_path / "c")
        loaded, _ = run_checks(repo, store=store)
        assert check_scenarios(repo, loaded, store) == expected
        store.save()
    assert store.misses == 0


def test_a_check_served_from_the_cache_imports_neither_yaml_nor_jsonschema(tmp_path):
    repo = _copy_real(tmp_path)
    env_cache = str(tmp_path / "c")
    _check(repo, env_cache)
    probe = ("import sys, contextlib, io; from checks.cli import main\n"
             f"with contextlib.redirect_stdout(io.StringIO()): main(['-C', {str(repo)!r}, 'check'])\n"
             "print(sorted(m for m in ('yaml', 'jsonschema', 'jsonschema_rs', 'networkx', 'referencing') "
             "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**__import__("os").environ, "SAMHANDLING_CACHE": env_cache})
    assert out.stdout.splitlines()[-1] == "[]", out.stdout + out.stderr


def test_compiled_templates_are_kept_per_code_version(tmp_path, monkeypatch):
    """Jinja2 keys a compiled template by its source only; the code around it (filters that
    take a context or not) changes what it compiles to, so each code version has its own folder."""
    from checks.site import templating
    monkeypatch.setenv("SAMHANDLING_CACHE", str(tmp_path))
    first = templating.bytecode_cache().directory
    monkeypatch.setattr(cache_mod, "code_version", lambda: "0" * 64)
    second = templating.bytecode_cache().directory
    assert first != second and all(str(tmp_path) in d for d in (first, second))
    monkeypatch.setenv("SAMHANDLING_CACHE", "off")
    assert templating.bytecode_cache() is None


def test_the_holidays_kept_in_the_cache_are_the_packages(tmp_path, monkeypatch):
    import datetime as dt

    from checks.compliance import calendar as cal
    monkeypatch.setenv("SAMHANDLING_CACHE", str(tmp_path))
    want = cal._from_package(2027)
    for _ in ("cold", "warm"):
        cal._holidays.cache_clear()
        assert cal._holidays(2027) == want and dt.date(2027, 5, 17) in want
    for stored in (tmp_path / "verdier").glob("*.bin"):
        stored.write_bytes(stored.read_bytes()[:-3])  # corrupt: computed afresh
    cal._holidays.cache_clear()
    assert cal._holidays(2027) == want
    cal._holidays.cache_clear()
