"""The site cache between `mkdocs build` runs (checks/site/sitecache.py): a second build of an
unchanged repository is the same site, byte for byte; any input the hook reads (a YAML file, a
schema, a scenario, docs/, a commit, a tag, today's date, a SAMHANDLING_* variable, the code)
gives another key, so the site is computed afresh; a damaged entry is ignored."""

import datetime
import shutil

import pytest

from checks.model import cache as filecache
from checks.site import sitecache
from checks.site.render import Site
from gitrepos import make_repo
from sitebuild import FIXTURE, run_build

DAY = datetime.date(2026, 6, 1)


def _files(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and not p.name.endswith(".gz")}


@pytest.fixture
def depot(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMHANDLING_CACHE", str(tmp_path / "hurtiglager"))
    return make_repo(tmp_path, FIXTURE)


def test_a_second_build_is_the_same_site_and_a_change_is_built_afresh(depot, tmp_path, monkeypatch):
    root = depot.path
    first, second = tmp_path / "første", tmp_path / "andre"
    for target in (first, second):
        result = run_build(root, target)
        assert result.returncode == 0, result.stderr[-2000:]
    assert sitecache.load(root, sitecache.key(root, str(sitecache._PACKAGE.parent / "mkdocs.yml"))) is not None
    assert _files(first) == _files(second)
    # without any cache: the same site
    monkeypatch.setenv("SAMHANDLING_CACHE", "off")
    off = tmp_path / "uten"
    assert run_build(root, off).returncode == 0
    assert _files(off) == _files(first)
    assert not list(tmp_path.glob("hurtiglager/nettsted/*/.neste-*"))

    # a kommune renamed: the next cached build shows it, as a build without the cache does
    monkeypatch.setenv("SAMHANDLING_CACHE", str(tmp_path / "hurtiglager"))
    party = next(p for p in sorted((root / "procedures" / "parties").glob("*.yaml"))
                 if "role: municipality" in p.read_text(encoding="utf-8"))
    text = party.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("name:"))
    party.write_text(text.replace(line, line + " Endret", 1), encoding="utf-8")
    changed = tmp_path / "endret"
    assert run_build(root, changed).returncode == 0
    monkeypatch.setenv("SAMHANDLING_CACHE", "off")
    fresh = tmp_path / "endret-uten"
    assert run_build(root, fresh).returncode == 0
    assert _files(changed) == _files(fresh)
    assert _files(changed) != _files(first)


def _key(root, **kw):
    return sitecache.key(root, None, today=kw.get("today", DAY))


@pytest.mark.parametrize("change", ["yaml", "schema", "scenario", "docs", "new file", "mkdocs.yml"])
def test_a_changed_input_file_changes_the_key(depot, change):
    root = depot.path
    before = _key(root)
    assert _key(root) == before  # stable
    if change == "yaml":
        path = next((root / "procedures").rglob("*.yaml"))
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    elif change == "schema":
        depot.write("schemas/common.schema.json", "{}\n")  # the repository's own schemas
    elif change == "scenario":
        depot.write("scenarios/ny.yaml", "id: ny\n")
    elif change == "docs":
        depot.write("docs/ny.md", "# Ny\n")
    elif change == "new file":
        depot.write("procedures/parties/ny.txt", "x")
    else:
        depot.write("mkdocs.yml", "site_name: x\n")
    assert _key(root) != before


def test_history_date_environment_and_code_change_the_key(depot, monkeypatch):
    root = depot.path
    before = _key(root)
    depot.commit("Tom endring")  # a new commit, same files
    after_commit = _key(root)
    assert after_commit != before
    depot.git("tag", "v1")  # a tag, same HEAD
    after_tag = _key(root)
    assert after_tag != after_commit
    assert _key(root, today=DAY + datetime.timedelta(days=1)) != after_tag
    monkeypatch.setenv("SAMHANDLING_NOE", "1")
    assert _key(root) != after_tag
    monkeypatch.delenv("SAMHANDLING_NOE")
    assert _key(root) == after_tag
    monkeypatch.setattr(filecache, "code_version", lambda: "en annen versjon")
    assert _key(root) != after_tag
    monkeypatch.setenv("SAMHANDLING_SAMSVAR_RAPPORT", str(root))
    assert _key(root) is None  # a conformance report is read: not cached


def _site():
    return Site(pages={"index.md": "# Forside\n", "a/b.md": "# B\r\nlinje\n"},
                files={"data/x.json": '{"a": 1}', "bilde.bin": b"\x00\x01"},
                nav=[("Forside", "index.md"), ("B", [(None, "a/b.md")])])


def test_stored_entry_reads_back_and_a_damaged_one_is_ignored(depot):
    root = depot.path
    key = _key(root)
    site = _site()
    stored = sitecache.store(root, key, site, site.nav, [["a", "b"]])
    assert stored is not None and not stored.temporary
    entry = sitecache.load(root, key)
    assert entry is not None
    assert [p for p, _ in entry.items] == ["index.md", "a/b.md", "data/x.json", "bilde.bin"]
    got = {p: (entry.memory[p] if where is None else open(where, "rb").read()) for p, where in entry.items}
    assert got["index.md"] == b"# Forside\n"
    assert got["a/b.md"] == "# B\r\nlinje\n"  # a carriage return: handed over as text
    assert got["bilde.bin"] == b"\x00\x01"
    assert entry.nav == site.nav and entry.groups == [["a", "b"]]
    assert sitecache.load(root, _key(root, today=DAY + datetime.timedelta(days=1))) is None

    # one generated file changed on disk: the entry is ignored
    (entry.folder / sitecache.FILES / "index.md").write_bytes(b"# Annet\n")
    assert sitecache.load(root, key) is None
    sitecache.store(root, key, site, site.nav, [])
    assert sitecache.load(root, key) is not None
    # the list damaged or cut short; a file missing
    listing = entry.folder / sitecache.LIST
    blob = listing.read_bytes()
    listing.write_bytes(blob[:-3] + b"xyz")
    assert sitecache.load(root, key) is None
    listing.write_bytes(blob[: len(blob) // 2])
    assert sitecache.load(root, key) is None
    listing.write_bytes(b"")
    assert sitecache.load(root, key) is None
    sitecache.store(root, key, site, site.nav, [])
    (entry.folder / sitecache.FILES / "data" / "x.json").unlink()
    assert sitecache.load(root, key) is None


def test_the_cache_off_gives_a_temporary_folder_that_is_removed(depot, monkeypatch):
    monkeypatch.setenv("SAMHANDLING_CACHE", "off")
    site = _site()
    entry = sitecache.store(depot.path, _key(depot.path), site, site.nav, [])
    assert entry is not None and entry.temporary and entry.folder.is_dir()
    assert sitecache.load(depot.path, _key(depot.path)) is None
    sitecache.discard(entry)
    assert not entry.folder.exists()


def test_only_the_newest_entries_are_kept(depot):
    root = depot.path
    site = _site()
    keys = [_key(root, today=DAY + datetime.timedelta(days=n)) for n in range(sitecache.KEEP + 2)]
    for key in keys:
        sitecache.store(root, key, site, site.nav, [])
    folder = sitecache._folder(root)
    assert len([p for p in folder.iterdir()]) == sitecache.KEEP
    assert sitecache.load(root, keys[-1]) is not None
    shutil.rmtree(folder)


# -- masking the final pages, remembering what it left unchanged (sitecache.CleanTexts) --------

def _numbers():
    from test_masking import _valid_numbers
    return _valid_numbers(3)


def test_remembered_masking_returns_exactly_what_mask_returns(depot):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from checks.model.masking import mask
    numbers = _numbers()
    root = depot.path
    pieces = st.one_of(st.text(max_size=40), st.sampled_from(numbers),
                       st.sampled_from([n[:6] + " " + n[6:] for n in numbers]),
                       st.sampled_from(['<path d="M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10"/>', "&nbsp;", "\\u00a0"]),
                       st.text(alphabet="0123456789 .", max_size=30))

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(pieces, max_size=8).map("".join))
    def check(text):
        first = sitecache.CleanTexts(root)
        assert first.mask(text) == mask(text)
        assert first.mask(text) == mask(text)  # remembered within a build
        first.save()
        again = sitecache.CleanTexts(root)  # and in the next build
        assert again.mask(text) == mask(text)

    check()


def test_remembered_masking_never_skips_a_number_and_ignores_a_damaged_or_old_file(depot, monkeypatch):
    from checks.model.masking import mask
    root = depot.path
    number = _numbers()[0]
    page = "<p>ikon 1234567890123 og mer</p>" * 50
    leaking = page + f"<p>{number}</p>"
    clean = sitecache.CleanTexts(root)
    assert clean.mask(page) == page
    assert clean.mask(leaking) == mask(leaking) != leaking
    clean.save()
    again = sitecache.CleanTexts(root)
    assert len(again.known) == 1  # only the text mask left unchanged
    assert again.mask(leaking) == mask(leaking)
    assert again.mask(page) == page
    # damaged: ignored (every text is masked again)
    again.path.write_bytes(again.path.read_bytes()[:-1] + b"x")
    assert sitecache.CleanTexts(root).known == set()
    clean.save()
    assert sitecache.CleanTexts(root).known
    # another code version: ignored
    monkeypatch.setattr(filecache, "code_version", lambda: "en annen versjon")
    assert sitecache.CleanTexts(root).known == set()


# -- pages rendered before, by template and view (sitecache.PageMemo) ---------------------------

def _render(root):
    from checks.rules.analysis import run_checks
    from checks.site.render import render
    repo, findings = run_checks(root)
    return render(repo, findings).pages


def test_remembered_pages_are_the_rendered_pages_and_a_changed_view_is_rendered_again(depot, monkeypatch):
    from checks.site import templating
    root = depot.path
    plain = _render(root)

    def with_memo():
        memo = sitecache.PageMemo(root)
        templating.remember_pages(memo)
        try:
            pages = _render(root)
        finally:
            templating.remember_pages(None)
        memo.save()
        return memo, pages

    first, pages = with_memo()
    assert first.hits == 0 and pages == plain
    second, pages = with_memo()
    assert second.hits > 0 and pages == plain  # taken from the memo: the same text

    # a kommune renamed: its pages are rendered again and show it
    party = next(p for p in sorted((root / "procedures" / "parties").glob("*.yaml"))
                 if "role: municipality" in p.read_text(encoding="utf-8"))
    text = party.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("name:"))
    party.write_text(text.replace(line, line + " Endret", 1), encoding="utf-8")
    changed = _render(root)
    third, pages = with_memo()
    assert pages == changed != plain
    assert 0 < third.hits < len(pages)

    # a damaged file, or another code version (templates included): nothing is taken from it
    blob = third.path.read_bytes()
    third.path.write_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))
    assert sitecache.PageMemo(root).known == {}
    third.path.write_bytes(blob[: len(blob) // 2])
    assert sitecache.PageMemo(root).known == {}
    third.path.write_bytes(blob)
    assert sitecache.PageMemo(root).known
    monkeypatch.setattr(sitecache, "code_key", lambda: "en annen versjon")
    assert sitecache.PageMemo(root).known == {}


def test_a_view_marshal_cannot_write_is_always_rendered():
    from markupsafe import Markup
    assert sitecache.PageMemo.key("x.md.j2", {"v": Markup("<b>")}) is None
    assert sitecache.PageMemo.key("x.md.j2", {"v": datetime.date(2026, 1, 1)}) is None
    assert sitecache.PageMemo.key("x.md.j2", {"v": 1}) != sitecache.PageMemo.key("x.md.j2", {"v": True})
    assert sitecache.PageMemo.key("x.md.j2", {"v": [1]}) != sitecache.PageMemo.key("x.md.j2", {"v": (1,)})
    assert sitecache.PageMemo.key("x.md.j2", {"v": 1}) != sitecache.PageMemo.key("y.md.j2", {"v": 1})
