"""MkDocs hook (`hooks:` in mkdocs.yml): build the site from the checked model.

Thin on purpose: it runs the same checks as `samhandling check`, stops the build on any
finding at error level, and hands the pages of `checks.site.render` to MkDocs. Everything the
pages say is decided in the renderer, which knows nothing of MkDocs.

- `on_config`: check, render, and put the generated navigation in front of the static
  pages that mkdocs.yml lists under `nav:`.
- `on_files`: add the generated pages and files (a generated page replaces a file of the
  same name under docs/).
- `on_serve`: `mkdocs serve` rebuilds when anything under procedures/, schemas/ or
  scenarios/ changes.

Incremental preview (`mkdocs serve --dirty`, `make serve`): the hook keeps, between rebuilds in
one process, each file's load and schema result (only changed files are read again, through
check's cache, checks/model/cache.py, in memory) and the pages it wrote: generated pages are
written to a folder of their own and a page is rewritten only when its text changed, so MkDocs
(which in a dirty build rebuilds a page only when its source is newer than its HTML) converts
and lays out only the pages a change touches. When the navigation or what every page shows
(the build line) changes, every page is rebuilt. The rules and the page texts are computed
whole on every rebuild (a fraction of the build); `mkdocs build` never keeps anything.

The repository is the folder of mkdocs.yml, or `SAMHANDLING_ROOT` when that is set (the
tests build fixture repositories with the project's own configuration this way).
"""

from __future__ import annotations

import datetime
import logging
import os
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from checks.model.masking import mask, mask_data
from checks.site.search import fold_index, synonym_groups

_SITE = {}
MAX_LISTED = 20
# what `mkdocs serve` keeps between rebuilds (the hook module lives as long as the server)
_LIVE: dict = {"serve": False, "dirty": False, "store": None, "dir": None, "written": {}, "shared": None,
               "stale_all": False, "rewritten": [], "titles": {}, "order": [], "search": {}}


def on_startup(command, dirty):
    _LIVE.update(serve=command == "serve", dirty=dirty)
    if command == "serve" and dirty:
        logging.getLogger("mkdocs.commands.build").addFilter(_DIRTY_NOTICE)


class _DirtyNotice(logging.Filter):
    """`mkdocs serve --dirty` is the intended preview: MkDocs' warning that a dirty build is
    being performed is shown as information, so `strict: true` does not stop every rebuild
    (every other warning still counts)."""

    def filter(self, record):
        if record.levelno == logging.WARNING and "'dirty' build" in record.getMessage():
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


_DIRTY_NOTICE = _DirtyNotice()


def repository_root(config) -> Path:
    override = os.environ.get("SAMHANDLING_ROOT")
    return Path(override).resolve() if override else Path(config.config_file_path).resolve().parent


def on_config(config):
    root = repository_root(config)
    _SITE.clear()
    if not _LIVE["serve"]:
        # `mkdocs build`: what this computes is kept between builds (checks/site/sitecache.py)
        from checks.model.cache import cache_dir
        from checks.site import sitecache
        if cache_dir() is not None:  # the final HTML that masking left as it was (sitecache.CleanTexts)
            _SITE["clean"] = sitecache.CleanTexts(root)
        key = sitecache.key(root, config.config_file_path)
        entry = sitecache.load(root, key) if key else None
        if entry is not None:
            config.extra["samhandling_build"] = build_info(root)
            _SITE.update(root=root, entry=entry, groups=entry.groups)
            config.nav = _nav(entry.nav) + list(config.nav or [])
            return config
    from checks.model.cache import FileCache, cache_dir  # check's per-file cache, as `samhandling check`
    from checks.model.findings import ERROR
    from checks.rules.analysis import run_checks
    from checks.site.render import render
    if _LIVE["serve"]:  # one cache for the server's life, kept in memory between rebuilds
        store = _LIVE["store"]
        if store is None or store.root != root:
            store = _LIVE["store"] = FileCache(root, cache_dir())
        else:
            store.next_run()
    else:
        store = FileCache(root, cache_dir()) if cache_dir() is not None else None
    repo, findings = run_checks(root, store=store)
    if store is not None:
        store.save()
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        listed = "\n".join(f"  {f.location()}: [{f.rule}] {f.message}" for f in errors[:MAX_LISTED])
        more = f"\n  … og {len(errors) - MAX_LISTED} til." if len(errors) > MAX_LISTED else ""
        raise PluginError(mask(
            f"samhandling check fant {len(errors)} feil i {root}, så nettstedet bygges ikke:\n"
            f"{listed}{more}\nRett feilene (se `samhandling check`) og bygg på nytt."))
    # imported before rendering so that the rule reference also lists the scenario and samsvar rules
    from checks.compliance.sitepages import site_pages  # scenario timelines, latest conformance report (#16)
    history = git_history(root)
    from checks.export.model import site_files  # the model as open data, at data/ (#15)
    # made before the pages, so that its peak (the export as data and as JSON) is not on top of them
    exported = site_files(repo, findings)
    memo = None
    if _SITE.get("clean") is not None:  # `mkdocs build` with the cache on: pages rendered before, by view
        from checks.site.sitecache import PageMemo
        from checks.site.templating import remember_pages
        memo = PageMemo(root)
        remember_pages(memo)
    try:
        site = render(repo, findings, last_changed=git_dates(history), history=history)
    finally:
        if memo is not None:
            remember_pages(None)
    if memo is not None:
        memo.save()
        del memo
    config.extra["samhandling_build"] = build_info(root)
    site.files.update(exported)
    del exported
    pages, files, nav = site_pages(root, repo, os.environ.get("SAMHANDLING_SAMSVAR_RAPPORT"))
    site.pages.update(pages)
    site.files.update(files)
    site.nav = list(site.nav) + nav
    # no valid personal identity number reaches a page, a title, a data file or the search index
    site.pages = {path: _mask(text) for path, text in site.pages.items()}
    site.files = {path: _mask(text) if isinstance(text, str) else text for path, text in site.files.items()}
    site.nav = mask_data(site.nav)
    _SITE.update(root=root, site=site,
                 groups=synonym_groups([t for e in repo.of("glossary") for t in e.data.get("terms") or []]))
    config.nav = _nav(site.nav) + list(config.nav or [])
    if not _LIVE["serve"]:
        # the pages as files MkDocs reads by path (kept for the next build when the cache is on),
        # not as strings held in memory for the whole build
        entry = sitecache.store(root, key, site, site.nav, _SITE["groups"])
        if entry is not None:
            _SITE.update(entry=entry, site=None)
    if _LIVE["serve"]:
        # what every page shows: the menu (with the pages' own headings as titles) and the build line
        in_menu = set(_nav_paths(site.nav))
        headings = {path: next((line for line in text.splitlines() if line.startswith("# ")), None)
                    for path, text in site.pages.items() if path in in_menu}
        _write_generated(site, (config.nav, headings, config.extra["samhandling_build"]))
    return config


def _nav_paths(items: list):
    for _, target in items:
        if isinstance(target, list):
            yield from _nav_paths(target)
        else:
            yield target


def _write_generated(site, shared) -> None:
    """Serve: the generated pages and files as files in a folder of their own, each rewritten
    only when its content changed (an unchanged one keeps its time, so a dirty build skips it)."""
    import tempfile
    if _LIVE["dir"] is None:
        _LIVE["dir"] = Path(tempfile.mkdtemp(prefix="samhandling-serve-"))
    folder = _LIVE["dir"]
    written = _LIVE["written"]
    rewritten = []
    current = {}
    for path, content in [*site.pages.items(), *site.files.items()]:
        data = content.encode("utf-8") if isinstance(content, str) else content
        current[path] = data
        if written.get(path) != data or not (folder / path).is_file():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            rewritten.append(path)
    for path in set(written) - set(current):  # a page that is gone
        try:
            (folder / path).unlink()
        except OSError:
            pass
    _LIVE["written"] = current
    _LIVE["stale_all"] = _LIVE["shared"] is not None and _LIVE["shared"] != shared
    _LIVE["shared"] = shared
    _LIVE["rewritten"] = sorted(rewritten)


def _git(root: Path, *args: str) -> str:
    """Output of a git command in the repository, or "" when git or the history is missing
    (a site built from a copy without .git still builds, without dates)."""
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout if result.returncode == 0 else ""


def git_history(root: Path) -> list:
    """[(date, [files changed that day])], newest first, from one `git log` over procedures/
    (paths relative to the repository)."""
    days: dict = {}
    date = ""
    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    for line in _git(root, "log", "--format=%x00%cs", "--name-only", "--", "procedures").splitlines():
        if line.startswith("\x00"):
            date = line[1:]
        elif line.strip():
            rel = line.strip()
            rel = rel[len(prefix):] if prefix and rel.startswith(prefix) else rel
            files = days.setdefault(date, [])
            if rel not in files:
                files.append(rel)
    return list(days.items())


def git_dates(history: list) -> dict:
    """File -> date of the last commit that changed it."""
    out: dict = {}
    for date, files in history:
        for rel in files:
            out.setdefault(rel, date)
    return out


def build_info(root: Path) -> dict:
    """What every page says about its build: the date, the commit and whether the working
    tree had uncommitted changes under procedures/."""
    commit = _git(root, "rev-parse", "--short=10", "HEAD").strip()
    dirty = bool(_git(root, "status", "--porcelain", "--", "procedures").strip()) if commit else False
    today = datetime.date.today()
    months = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
              "november", "desember")
    return {"date": f"{today.day}. {months[today.month - 1]} {today.year}", "iso": today.isoformat(),
            "commit": commit, "dirty": dirty}


def _nav(items: list) -> list:
    out = []
    for title, target in items:
        value = _nav(target) if isinstance(target, list) else target
        out.append(value if title is None else {title: value})
    return out


def on_files(files, config):
    entry = _SITE.get("entry")
    if entry is not None:
        for path, where in entry.items:
            existing = files.get_file_from_path(path)
            if existing is not None:
                files.remove(existing)
            if where is None:
                files.append(File.generated(config, path, content=entry.memory[path]))
            else:
                files.append(File.generated(config, path, abs_src_path=where))
        return files
    site = _SITE["site"]
    folder = _LIVE["dir"] if _LIVE["serve"] else None
    for path, content in [*site.pages.items(), *site.files.items()]:
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        if folder is not None:
            files.append(File.generated(config, path, abs_src_path=str(folder / path)))
        else:
            files.append(File.generated(config, path, content=content))
    if folder is not None and _LIVE["dirty"] and _LIVE["stale_all"]:
        # the navigation or the build line changed: it is on every page, so every page is rebuilt
        for file in files.documentation_pages():
            try:
                os.remove(file.abs_dest_path)
            except OSError:
                pass
    return files


def on_env(env, config, files):
    """The theme's templates compiled once and kept between builds (as the site's own).
    In a dirty rebuild, a page MkDocs does not read again keeps the title it had (MkDocs would
    leave it empty in the menu and in the links to the previous and next page)."""
    if env.bytecode_cache is None:
        from checks.site.templating import bytecode_cache
        env.bytecode_cache = bytecode_cache()
    if _LIVE["serve"] and _LIVE["dirty"]:
        _LIVE["order"] = [file.page.url for file in files.documentation_pages() if file.page is not None]
        for file in files.documentation_pages():
            page = file.page
            if page is not None and page.markdown is None and file.src_uri in _LIVE["titles"]:
                page.title = _LIVE["titles"][file.src_uri]
    return env


def on_page_context(context, page, config, nav):
    if _LIVE["serve"]:
        _LIVE["titles"][page.file.src_uri] = page.title
    _fold_and_mask_search_entries(config)
    return context


def _search_index(config):
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    return getattr(plugin, "search_index", None)


def _fold_and_mask_search_entries(config) -> None:
    """The search plugin has just added this page's entries to its index (it runs before the
    hook): fold æ, ø and å into them (checks/site/search.py) and mask them as data, in place,
    so the index the plugin writes is the finished one (no second copy read back and rewritten
    at the end: a national index is the build's peak memory)."""
    search = _search_index(config)
    if search is None or not isinstance(getattr(search, "entries", None), list):
        return
    entries = search.entries
    done = getattr(search, "_samhandling_done", 0)
    if len(entries) > done:
        fold_index({"docs": entries[done:]}, _SITE.get("groups"))
        for n in range(done, len(entries)):
            entries[n] = mask_data(entries[n])
    search._samhandling_done = len(entries)


def _mask(text):
    clean = _SITE.get("clean")
    return mask(text) if clean is None else clean.mask(text)


def on_page_markdown(markdown, page, config, files):
    return _mask(markdown)  # the static pages under docs/ too


def on_post_page(output, page, config):
    return _mask(output)  # the final HTML: titles, navigation, everything the theme adds


def on_post_build(config):
    """The search index's entries were folded and masked page by page (on_page_context); a
    search plugin that keeps no entries the hook can reach gets its written index folded and
    masked here instead. The offline plugin inlines it afterwards."""
    _discard()
    if _SITE.get("clean") is not None:
        _SITE["clean"].save()
    index = Path(config.site_dir) / "search" / "search_index.json"
    if _LIVE["serve"] and _LIVE["dirty"] and index.is_file():
        _whole_search_index(config, index)
    search = _search_index(config)
    if index.is_file() and getattr(search, "_samhandling_done", None) is None:
        import json
        data = json.loads(index.read_bytes())
        fold_index(data, _SITE.get("groups"))
        # masked page by page in place: one copy of a national index in memory, not three
        docs = data.pop("docs", None)
        data = mask_data(data)
        if isinstance(docs, list):
            for n, doc in enumerate(docs):
                docs[n] = mask_data(doc)
            data["docs"] = docs
        index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _discard() -> None:
    entry = _SITE.get("entry")
    if entry is not None and entry.temporary:
        from checks.site.sitecache import discard
        discard(entry)


def on_build_error(error):
    _discard()


def _whole_search_index(config, index: Path) -> None:
    """A dirty rebuild's search index for every page: the theme's search plugin only merges
    the entries of one rebuilt page into the last index, so the hook keeps each page's entries
    between rebuilds, replaces those of the pages rebuilt now, and writes the index a full
    build writes (the pages in build order)."""
    search = _search_index(config)
    if search is None:
        return
    built: dict = {}
    for entry in search.entries:
        built.setdefault(entry["location"].split("#", 1)[0], []).append(entry)
    _LIVE["search"].update(built)
    order = _LIVE["order"]
    _LIVE["search"] = {url: _LIVE["search"][url] for url in order if url in _LIVE["search"]}
    search.entries = [entry for url in order for entry in _LIVE["search"].get(url, [])]
    index.write_text(search.generate_search_index(None), encoding="utf-8")


def on_serve(server, config, builder):
    root = _SITE.get("root") or repository_root(config)
    for folder in ("procedures", "schemas", "scenarios"):
        if (root / folder).is_dir():
            server.watch(str(root / folder))
    return server
