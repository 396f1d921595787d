"""MkDocs hook (`hooks:` in mkdocs.yml): build the site from the checked model.

Thin on purpose: it runs the same checks as `samhandling check`, stops the build on any
finding at error level, and hands the pages of `checks.site.render` to MkDocs. Everything the
pages say is decided in the renderer, which knows nothing of MkDocs.

- `on_config`: check, render, and put the generated navigation in front of the static
  pages that mkdocs.yml lists under `nav:`.
- `on_files`: add the generated pages and files (a generated page replaces a file of the
  same name under docs/).
- `on_serve`: `mkdocs serve` rebuilds when anything under procedures/ or schemas/ changes.

The repository is the folder of mkdocs.yml, or `SAMHANDLING_ROOT` when that is set (the
tests build fixture repositories with the project's own configuration this way).
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from checks.model.findings import ERROR
from checks.model.masking import mask, mask_data
from checks.rules.analysis import run_checks
from checks.site.render import render

_SITE = {}
MAX_LISTED = 20


def repository_root(config) -> Path:
    override = os.environ.get("SAMHANDLING_ROOT")
    return Path(override).resolve() if override else Path(config.config_file_path).resolve().parent


def on_config(config):
    root = repository_root(config)
    repo, findings = run_checks(root)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        listed = "\n".join(f"  {f.location()}: [{f.rule}] {f.message}" for f in errors[:MAX_LISTED])
        more = f"\n  … og {len(errors) - MAX_LISTED} til." if len(errors) > MAX_LISTED else ""
        raise PluginError(mask(
            f"samhandling check fant {len(errors)} feil i {root}, så nettstedet bygges ikke:\n"
            f"{listed}{more}\nRett feilene (se `samhandling check`) og bygg på nytt."))
    site = render(repo, findings)
    from checks.export.model import site_files  # the model as open data, at data/ (#15)
    site.files.update(site_files(repo, findings))
    from checks.compliance.sitepages import site_pages  # scenario timelines, latest conformance report (#16)
    pages, files, nav = site_pages(root, repo, os.environ.get("SAMHANDLING_SAMSVAR_RAPPORT"))
    site.pages.update(pages)
    site.files.update(files)
    site.nav = list(site.nav) + nav
    # no valid personal identity number reaches a page, a title, a data file or the search index
    site.pages = {path: mask(text) for path, text in site.pages.items()}
    site.files = {path: mask(text) if isinstance(text, str) else text for path, text in site.files.items()}
    site.nav = mask_data(site.nav)
    _SITE.clear()
    _SITE.update(root=root, site=site)
    config.nav = _nav(site.nav) + list(config.nav or [])
    return config


def _nav(items: list) -> list:
    out = []
    for title, target in items:
        value = _nav(target) if isinstance(target, list) else target
        out.append(value if title is None else {title: value})
    return out


def on_files(files, config):
    site = _SITE["site"]
    for path, content in [*site.pages.items(), *site.files.items()]:
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown, page, config, files):
    return mask(markdown)  # the static pages under docs/ too


def on_post_page(output, page, config):
    return mask(output)  # the final HTML: titles, navigation, everything the theme adds


def on_post_build(config):
    """The search index is written by the search plugin after the pages: mask it as data."""
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.is_file():
        import json
        data = json.loads(index.read_text(encoding="utf-8"))
        masked = mask_data(data)
        if masked != data:
            index.write_text(json.dumps(masked, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def on_serve(server, config, builder):
    root = _SITE.get("root") or repository_root(config)
    for folder in ("procedures", "schemas"):
        if (root / folder).is_dir():
            server.watch(str(root / folder))
    return server
