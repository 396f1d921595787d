"""The change report as one pull-request comment: a hidden marker (so the workflow finds and
updates the same comment on every push), the report, and a link to the preview site.

GitHub refuses a comment over 65,536 characters; a longer report is cut at a line, with any
open code block or <details> closed, and a note saying where the whole report is (the job
summary and the `endringsrapport` artifact). The body goes through the masking function like
every other output. `scripts/pr-comment.py` builds the body and posts it with `gh api`.
"""

from __future__ import annotations

import re

from ..model.masking import mask

MARKER = "<!-- samhandling-endringsrapport -->"
LIMIT = 65536  # GitHub's limit for a comment body
_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~%/+-]*)?$")
_FENCE = re.compile(r"^(`{3,}|~{3,})")


def size(text: str) -> int:
    """Length as GitHub counts it, at most: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


def _url(value: str | None) -> str | None:
    """A link we write ourselves: https, no spaces, nothing Markdown reads as syntax."""
    return value if isinstance(value, str) and _URL.match(value) else None


def footer(run_url: str | None, site_url: str | None) -> str:
    run_url, site_url = _url(run_url), _url(site_url)
    lines = ["---", ""]
    if site_url:
        lines.append(f"**Forhåndsvisning av nettstedet:** [last ned artefakten `nettsted`]({site_url}), pakk den ut "
                     "og åpne `index.html`.")
    elif run_url:
        lines.append(f"**Forhåndsvisning av nettstedet:** artefakten `nettsted` under «Artifacts» i "
                     f"[kjøringen]({run_url}); pakk den ut og åpne `index.html`.")
    if run_url:
        lines.append(f"Funnene på linjene og hele rapporten står i [kjøringen]({run_url}).")
    lines.append("*Kommentaren skrives av arbeidsflyten og oppdateres ved hver ny push til pull-requesten.*")
    return "\n".join(lines) + "\n"


def _cut(report: str, budget: int) -> str:
    """The report's first lines within budget, with open code blocks and <details> closed."""
    kept, used, fence, details = [], 0, None, 0
    for line in report.split("\n"):
        closing = (f"\n{fence}" if fence else "") + "\n</details>" * details
        if used + size(line) + 1 + size(closing) > budget:
            break
        kept.append(line)
        used += size(line) + 1
        match = _FENCE.match(line)
        if match and fence is None:
            fence = match.group(1)
        elif match and fence is not None and line.strip() == fence:
            fence = None
        elif fence is None:
            details += line.count("<details") - line.count("</details>")
            details = max(details, 0)
    out = "\n".join(kept)
    if fence:
        out += f"\n{fence}"
    out += "\n</details>" * details
    return out + "\n"


def body(report: str, run_url: str | None = None, site_url: str | None = None, limit: int = LIMIT) -> str:
    """The comment: marker, report, link to the preview; cut to `limit` with a note if longer."""
    report = mask(report).rstrip("\n") + "\n"
    tail = footer(run_url, site_url)
    full = f"{MARKER}\n{report}\n{tail}"
    if size(full) <= limit:
        return full
    where = f" i [kjøringen]({_url(run_url)})" if _url(run_url) else ""
    note = (f"\n> **Rapporten er forkortet:** den er {size(report):,} tegn, mer enn en kommentar kan holde "
            f"({limit:,}). Hele rapporten står i jobbsammendraget og i artefakten `endringsrapport`{where}.\n"
            ).replace(",", " ")
    budget = limit - size(MARKER) - 1 - size(note) - 1 - size(tail) - 16
    return f"{MARKER}\n{_cut(report, budget)}{note}\n{tail}"
