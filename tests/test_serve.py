"""Incremental preview (`mkdocs serve --dirty`): after a change to one YAML file, the hook
rewrites only the generated pages whose text changed, MkDocs rebuilds only those pages, and the
site is the same as a full build of the changed repository. Run in-process, as the server calls
the hook, without a server."""

import shutil

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import ROOT
from sitebuild import run_build

FIXTURE = ROOT / "tests" / "site-fixture"


def _config(site_dir):
    return load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site_dir))


def _hook(config):
    return next(h for name, h in config.hooks.items() if name.endswith("mkdocs_hook.py"))


def _fresh(hook, serve):
    hook._LIVE.update(serve=serve, dirty=serve, store=None, dir=None, written={}, shared=None, stale_all=False,
                      rewritten=[], titles={})


def _files(site):
    return {p.relative_to(site).as_posix(): p for p in site.rglob("*") if p.is_file()}


def _times(site):
    return {rel: p.stat().st_mtime_ns for rel, p in _files(site).items() if rel.endswith(".html")}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    repo = tmp_path / "depot"
    shutil.copytree(FIXTURE, repo)
    monkeypatch.setenv("SAMHANDLING_ROOT", str(repo))
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    return repo


def _one_party(repo):
    """A kommune's file and a change to its name that shows on some pages, not in the menu."""
    party = next(p for p in sorted((repo / "procedures" / "parties").glob("*.yaml"))
                 if "role: municipality" in p.read_text(encoding="utf-8"))
    text = party.read_text(encoding="utf-8")
    name_line = next(line for line in text.splitlines() if line.startswith("name:"))
    return party, text.replace(name_line, name_line + " Endret", 1)


def test_a_one_file_change_rebuilds_only_the_pages_it_touches_and_equals_a_full_build(repo, tmp_path):
    live = tmp_path / "forhåndsvisning"
    config = _config(live)
    hook = _hook(config)
    _fresh(hook, serve=True)
    try:
        config.plugins.on_startup(command="serve", dirty=True)
        build(config, dirty=True)
        before_pages = dict(hook._LIVE["written"])
        before_times = _times(live)
        source_times = {p: (hook._LIVE["dir"] / p).stat().st_mtime_ns for p in before_pages}

        party, changed = _one_party(repo)
        party.write_text(changed, encoding="utf-8")
        config = _config(live)  # the server reads the configuration again for every rebuild
        build(config, dirty=True)
        after_pages = hook._LIVE["written"]
        rewritten = set(hook._LIVE["rewritten"])
        assert not hook._LIVE["stale_all"]  # a kommune's name is not in the menu

        # the hook rewrote exactly the generated pages whose text changed, and no other
        differs = {p for p in after_pages if before_pages.get(p) != after_pages[p]}
        assert rewritten == differs
        assert 0 < len(rewritten) < len(after_pages) / 2
        assert f"parter/{party.stem}.md" in rewritten
        for path in set(after_pages) - rewritten:
            assert (hook._LIVE["dir"] / path).stat().st_mtime_ns == source_times[path], path
        # MkDocs rebuilt exactly those pages (404.html is the theme's, built every time)
        after_times = _times(live)
        rebuilt = {rel for rel in after_times if before_times.get(rel) != after_times[rel]} - {"404.html"}
        assert rebuilt == {p[:-3] + ".html" for p in rewritten if p.endswith(".md")}
    finally:
        _fresh(hook, serve=False)

    # the same as building the changed repository from scratch (`mkdocs build --strict`)
    full = tmp_path / "full"
    result = run_build(repo, full)
    assert result.returncode == 0, result.stderr[-2000:]
    got, want = _files(live), _files(full)
    assert set(got) == set(want)
    different = [rel for rel in want if not rel.endswith(".gz") and got[rel].read_bytes() != want[rel].read_bytes()]
    assert different == []


def test_a_change_to_the_menu_rebuilds_every_page(repo, tmp_path):
    live = tmp_path / "forhåndsvisning"
    config = _config(live)
    hook = _hook(config)
    _fresh(hook, serve=True)
    try:
        config.plugins.on_startup(command="serve", dirty=True)
        build(config, dirty=True)
        before = _times(live)
        # a procedure's title is in the menu
        chain = next((repo / "procedures" / "chains").glob("*.yaml"))
        text = chain.read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.startswith("title:"))
        chain.write_text(text.replace(title, title + " endret", 1), encoding="utf-8")
        build(_config(live), dirty=True)
        assert hook._LIVE["stale_all"]
        after = _times(live)
        assert all(after[rel] != before[rel] for rel in before if rel in after)
    finally:
        _fresh(hook, serve=False)
