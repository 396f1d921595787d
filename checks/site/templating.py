"""The Jinja2 environment for the site's pages.

Templates live in `checks/site/templates/` (one per page kind, partials under `partials/`)
and write Markdown with some HTML, as MkDocs reads it. They get a small view model (plain
values, lists and dicts built in `checks/site/viewmodel.py`) and never call back into Python.

Escaping is on by default and made for Markdown: every `{{ value }}` is shown as text, with
HTML and Markdown syntax neutralised (`text.esc`, quotes included, so it is safe in an
attribute too). What is already markup (a link, a badge, a value built by a filter below)
is a `Markup` and passes as it is. Inside raw HTML without `markdown` use `{{ value | h }}`.

`a ~ b` is made safe the same way (`_concat`: plain operands next to markup are escaped for
Markdown, not only for HTML as Jinja's own `markup_join` would).

Filters: `h` (text for raw HTML), `code` (an id as code), `date` (`2026-05-01` as «1. mai
2026», plain text), `sentence` (first letter upper case), `rich` (developer text from the
rule registry and schemas: `backticks` as code, the rest escaped), `join` (like Jinja's, with
every item escaped for Markdown), `codeblock` (text as an indented code block), `pre` (text
for inside `<pre>`: HTML-escaped, line breaks kept).
Globals: `badge(text, kind)`, `link(text, href)` (a Markdown link; `href` is trusted).
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

import jinja2
import jinja2.compiler
from markupsafe import Markup

from . import text

TEMPLATES = Path(__file__).resolve().parent / "templates"


# `text.esc` and the quotes as entities, in one pass (every `{{ value }}` goes through it)
_MD_ATTR_TABLE = str.maketrans({**text._MD_SPECIAL, "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                                "'": "&#39;"})


def _md(value) -> Markup:
    """A value as Markdown text: escaped like `text.esc`, quotes as entities (safe in attributes)."""
    return Markup(_md_start(" ".join(str(value).split()).translate(_MD_ATTR_TABLE)))


def _finalize(value):
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value
    return _md(value)


def link(label, href: str) -> Markup:
    """A Markdown link; the label is escaped unless it is markup already."""
    shown = label if hasattr(label, "__html__") else _md(label)
    return Markup(f"[{shown}]({href})")


def badge(label, kind: str) -> Markup:
    return Markup(text.badge(str(label), kind))


def _sentence(value) -> Markup:
    shown = value if hasattr(value, "__html__") else _md(value)
    return Markup(text.esc_sentence(str(shown)))


def _join(values, separator: str = ""):
    """Like Jinja's `join`, but when some items are markup the others are escaped for
    Markdown (Jinja's escapes them for HTML only). Plain items give plain text, escaped
    where it is shown (`|h` works on it)."""
    values = list(values)
    if not any(hasattr(v, "__html__") for v in values + [separator]):
        return str(separator).join("" if v is None else str(v) for v in values)
    if not hasattr(separator, "__html__"):  # template text: escaped, but its spaces kept
        separator = Markup(_piece(separator))
    return separator.join(_finalize(v) for v in values)


def _codeblock(value) -> Markup:
    """Text shown as it is in an indented code block (every line indented four spaces, so no
    line can leave the block; Markdown shows the block's content literally)."""
    return Markup("\n".join("    " + line for line in str(value).splitlines()))


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds (Jinja2's own cache), in the folder of check's
    cache (checks/model/cache.py; `SAMHANDLING_CACHE=off` turns both off). Jinja2 keys a
    template by its source only, but the compiled code also depends on the environment (which
    filters take a context), so each code version (this package, Jinja2, MkDocs, the theme)
    has a folder of its own (folders unused for a week are removed). Compiling is a tenth of
    a build of this site; the theme's templates use it too."""
    import shutil
    import time
    from ..model.cache import cache_dir, code_version
    folder = cache_dir()
    if folder is None:
        return None
    version = code_version()[:24]
    try:
        (folder / "jinja2" / version).mkdir(parents=True, exist_ok=True)
        for old in (folder / "jinja2").iterdir():
            if old.name != version and old.stat().st_mtime < time.time() - 7 * 86400:
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder / "jinja2" / version))


def _concat(values):
    """`a ~ b` in a template. Jinja joins with HTML escaping only once an operand is markup;
    here the plain operands are escaped for Markdown then, like any `{{ value }}`. Without
    markup it is plain text, escaped where it is shown."""
    values = list(values)
    if not any(hasattr(v, "__html__") for v in values):
        return "".join("" if v is None else str(v) for v in values)
    parts = [v if hasattr(v, "__html__") else _piece(v) for v in values]
    if not hasattr(values[0], "__html__"):  # the start of a line: no list, heading or number
        parts[0] = _md_start(parts[0])
    return Markup("".join(parts))


def _piece(value) -> str:
    """Plain text between markup: escaped like `_md`, its spaces kept."""
    return re.sub(r"\s+", " ", "" if value is None else str(value)).translate(_MD_ATTR_TABLE)


def _md_start(out: str) -> str:
    if text._LEADING.match(out):
        out = f"&#{ord(out[0])};" + out[1:]
    match = text._NUMBERED.match(out)
    if match:
        out = match.group(1) + "\\" + match.group(2) + out[match.end():]
    return out


class _CodeGenerator(jinja2.compiler.CodeGenerator):
    """Compiles `~` to `_concat` (above) instead of Jinja's `markup_join`."""

    def visit_Concat(self, node, frame) -> None:
        if frame.eval_ctx.volatile or not frame.eval_ctx.autoescape:
            return super().visit_Concat(node, frame)
        self.write("environment.md_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _Environment(jinja2.Environment):
    code_generator_class = _CodeGenerator
    md_concat = staticmethod(_concat)


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        bytecode_cache=bytecode_cache(),
        autoescape=True,
        # `{#id}` is Markdown's heading id (attr_list): Jinja comments are `{## … ##}`.
        comment_start_string="{##",
        comment_end_string="##}",
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        h=lambda v: Markup(text.h(v)),
        code=lambda v: Markup(text.code(v)),
        # plain text: escaped for Markdown where it is shown, `|h` in raw HTML
        date=text.date_nb,
        sentence=_sentence,
        rich=lambda v: Markup(text.rich(v)),
        join=_join,
        codeblock=_codeblock,
        pre=lambda v: Markup(html.escape(str(v), quote=False)),
    )
    env.globals.update(link=link, badge=badge, UNCONFIRMED=Markup(text.UNCONFIRMED), MISSING=Markup(text.MISSING))
    return env


_MEMO = None  # pages rendered before, by template and context (set by the MkDocs hook; sitecache.PageMemo)


def remember_pages(memo) -> None:
    """Use `memo` (or None) for the pages rendered from now on."""
    global _MEMO
    _MEMO = memo


def render_template(name: str, **context) -> str:
    """A page from its template; blank-line runs are folded so Markdown reads it as written."""
    memo = _MEMO
    key = memo.key(name, context) if memo is not None else None
    if key is not None:
        found = memo.get(key)
        if found is not None:
            return found
    out = _render(name, context)
    if key is not None:
        memo.put(key, out)
    return out


def _render(name: str, context: dict) -> str:
    out = environment().get_template(name).render(**context)
    lines, blank = [], False
    for line in out.split("\n"):
        if line.strip():
            lines.append(line.rstrip())
            blank = False
        elif not blank:
            lines.append("")
            blank = True
    return "\n".join(lines).strip("\n") + "\n"
