"""Pages the site takes from compliance: the scenario timelines, and the latest conformance
report when the build is given a report folder.

`site_pages(root, repo, report_dir)` returns (pages, files, nav) in the form of
`checks.site.render` (path -> Markdown, path -> file content, [(title, path)]). The MkDocs hook
adds them; the folder comes from `SAMHANDLING_SAMSVAR_RAPPORT` (a folder written by
`samhandling samsvar --html`, or a folder of such folders, the newest by name wins).
"""

from __future__ import annotations

import json
from pathlib import Path

from . import calendar as cal
from . import timeline
from .conformance import KIND_NB, KINDS, _n, _pct, duration_nb

SCENARIO_PAGE = "scenarioer.md"
REPORT_PAGE = "samsvar.md"
REPORT_FILE = "samsvar/rapport.html"


def _cell(text) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _endpoint(ep: dict) -> str:
    party = ep.get("party_name") or ("kommunen" if ep.get("role") == "municipality" else "sykehuset")
    return f"{party}, {ep.get('address_name') or ep.get('address')}"


def scenario_page(root: Path, repo) -> str | None:
    items = timeline.for_repository(root, repo)
    if not items:
        return None
    out = ["# Scenarioer: hva skal sendes når", "",
           "Hvert scenario er et tenkt pasientforløp gjennom meldingskjeden, med tidspunkter i norsk tid. "
           "Tidslinjen viser hver melding som skal sendes: søylen går fra hendelsen meldingen følger, til "
           "fristen, og et punkt betyr at kildene ikke gir noen frist. Grå bakgrunn er helg eller offentlig "
           "helligdag. Kildene sier ikke at fristene flyttes på slike dager, så de regnes i kalendertid. "
           "Det samme står i tabellen under hver tidslinje, og `samhandling scenario FIL` viser det i terminalen.",
           ""]
    for result, svg in items:
        s = result["scenario"]
        out += [f"## {s['title']} {{#{s['id']}}}", ""]
        if s.get("description"):
            out += [s["description"], ""]
        out += [svg, ""]
        out += ["| # | Melding | Fra | Til | Frist |", "|---|---|---|---|---|"]
        for m in result["messages"]:
            d = m["deadline"]
            due = d["text"]
            if d.get("at") and d.get("kind") != "same_day":
                due = f"{cal.moment_nb(cal.parse_aware(d['at']))}. {due}"
            notes = (d.get("calendar") or {}).get("notes") or []
            if notes:
                due += " " + " ".join(notes)
            out.append(f"| {m['order']} | {_cell(m['title'])} | {_cell(_endpoint(m['from']))} | "
                       f"{_cell(_endpoint(m['to']))} | {_cell(due)} |")
        if not result["messages"]:
            out.append("| – | Ingen meldinger skal sendes | | | |")
        out += ["", f"Scenariofilen er `{s.get('file', '')}`.", ""]
    return "\n".join(out) + "\n"


def latest_report(report_dir: str | Path | None) -> Path | None:
    if not report_dir:
        return None
    folder = Path(report_dir)
    if (folder / "samsvar.json").is_file():
        return folder
    candidates = sorted(p.parent for p in folder.glob("*/samsvar.json"))
    return candidates[-1] if candidates else None


def report_page(folder: Path) -> tuple[str, dict]:
    data = json.loads((folder / "samsvar.json").read_text(encoding="utf-8"))
    t, c = data["totals"], data["chain"]
    out = ["# Samsvar med meldingstrafikken", "",
           f"Siste rapport fra `samhandling samsvar`, over logger fra {t['first_day']} til {t['last_day']}, "
           f"sjekket mot {_cell(c['title'])} (`{c['id']}` {c['version']}, {c['status_nb']}). "
           "Rapporten viser bare tall og pseudonymer.", "",
           f"- Frister overholdt: **{_pct(t['deadlines_met'], t['deadlines_measured'])}** "
           f"({_n(t['deadlines_met'])} av {_n(t['deadlines_measured'])}); for sent: median "
           f"{duration_nb(t['late_median_seconds'])}.",
           f"- Opphold: {_n(t['cases'])}, meldinger: {_n(t['messages'])}, brudd: {_n(t['violations'])}.", "",
           "| Slag brudd | Antall |", "|---|---|"]
    out += [f"| {KIND_NB[k]} (`{k}`) | {_n(t['by_rule'].get(k, 0))} |" for k in KINDS]
    out += ["", "| Kommune | Opphold | Meldinger | Frister i tide | Brudd |", "|---|---|---|---|---|"]
    for p in data["parties"]:
        out.append(f"| {_cell(p['name'])} ({p['party']}) | {_n(p['cases'])} | {_n(p['messages'])} | "
                   f"{_pct(p['deadlines_met'], p['deadlines_measured'])} | {_n(p['violations'])} |")
    out += ["", f"[Hele rapporten med figurer og bruddene](samsvar/rapport.html)", ""]
    files = {REPORT_FILE: (folder / "index.html").read_text(encoding="utf-8")}
    return "\n".join(out) + "\n", files


def site_pages(root: Path, repo, report_dir: str | Path | None = None) -> tuple[dict, dict, list]:
    pages, files, nav = {}, {}, []
    page = scenario_page(Path(root), repo)
    if page:
        pages[SCENARIO_PAGE] = page
        nav.append(("Scenarioer", SCENARIO_PAGE))
    folder = latest_report(report_dir)
    if folder is not None:
        text, extra = report_page(folder)
        pages[REPORT_PAGE] = text
        files.update(extra)
        nav.append(("Samsvar med meldingstrafikken", REPORT_PAGE))
    return pages, files, nav
