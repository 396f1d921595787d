"""The conformance report as one static HTML page (`samhandling samsvar --html DIR`).

The plots are SVG drawn here, at build time; the page needs no script and asks nothing of any
other host, so it opens from disk, on a phone and on paper. It shows only aggregates and
pseudonyms (case ids), exactly what the text and JSON outputs show.
"""

from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

from . import svg
from .conformance import KIND_NB, KINDS, Report, _n, _pct, duration_nb

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;
color:#1b1b1b;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border-bottom:1px solid #ddd;padding:.25rem .4rem;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}td.text{text-align:left}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.5rem}
.summary div{border:1px solid #ccc;border-radius:4px;padding:.5rem}.summary b{display:block;font-size:1.3rem}
.note{background:#fff8e1;border-left:4px solid #d68910;padding:.4rem .6rem}
figure{margin:1rem 0}figcaption{font-size:.9rem;color:#444}
@media print{body{max-width:none}h2{break-after:avoid}figure,table{break-inside:avoid}}
"""


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def _table(head: list[str], rows: list[list], text_cols: int = 1) -> str:
    out = ["<table><thead><tr>" + "".join(f"<th scope=\"col\">{esc(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for r in rows:
        cells = []
        for i, c in enumerate(r):
            cls = ' class="text"' if i < text_cols else ""
            cells.append(f"<td{cls}>{esc(c)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render(report: Report, limit: int = 500) -> str:
    t, c = report.totals, report.chain
    months = report.months
    labels = [m["month"] for m in months]
    compliance = [((1000 * m["deadlines_met"]) // m["deadlines_measured"]) / 10 if m["deadlines_measured"] else None
                  for m in months]  # rounded down, as in the text: 100 only when every deadline was met
    parts = [
        "<!doctype html><html lang=\"nb\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        f"<title>Samsvar med meldingskjeden – {esc(c['title'])}</title><style>{CSS}</style></head><body>",
        f"<h1>Samsvar med meldingskjeden</h1>",
        f"<p>{esc(c['title'])} (<code>{esc(c['id'])}</code> versjon {esc(c['version'])}, {esc(c['status_nb'])}). "
        f"Loggen har {esc(_n(t['rows']))} rader fra {esc(t['first_day'])} til {esc(t['last_day'])}: "
        f"{esc(_n(t['messages']))} meldinger og {esc(_n(t['events']))} hendelser i {esc(_n(t['cases']))} opphold.</p>",
        "<div class=\"summary\">",
        f"<div>Frister overholdt<b>{esc(_pct(t['deadlines_met'], t['deadlines_measured']))}</b>"
        f"{esc(_n(t['deadlines_met']))} av {esc(_n(t['deadlines_measured']))}</div>",
        f"<div>Brudd<b>{esc(_n(t['violations']))}</b>i {esc(_n(t['cases_in_scope']))} opphold meldt utskrivningsklar</div>",
        f"<div>Uten AppRec<b>{esc(_n(t['by_rule']['samsvar.apprec-missing']))}</b>negativ: "
        f"{esc(_n(t['by_rule']['samsvar.apprec-negative']))}</div>",
        f"<div>For sent, median<b>{esc(duration_nb(t['late_median_seconds']))}</b>mest {esc(duration_nb(t['late_max_seconds']))}</div>",
        "</div>",
        "<h2 id=\"frister\">Frister overholdt per måned</h2>",
        "<figure>" + svg.line(labels, compliance, "Andel frister overholdt per måned",
                              "Prosent av målte frister der meldingen ble sendt innen fristen, per måned "
                              "(måneden hendelsen fristen regnes fra).", unit=" %", y_max=100) +
        "<figcaption>Andel av målte frister der meldingen kom i tide. Fristene er de i meldingskjeden; "
        "«samme dag» løper ut ved midnatt norsk tid.</figcaption></figure>",
        "<h2 id=\"apprec\">Meldinger uten applikasjonskvittering per måned</h2>",
        "<figure>" + svg.bars(labels, [m["by_rule"]["samsvar.apprec-missing"] for m in months],
                              "Meldinger uten applikasjonskvittering per måned",
                              "Antall meldinger som skulle hatt AppRec, men ikke har det, per måned.") +
        "<figcaption>Meldinger av typer som skal ha AppRec, men der loggen ikke viser noen.</figcaption></figure>",
        "<h2 id=\"kommuner\">Brudd per kommune</h2>",
    ]
    p_labels = [f"{p['name']} ({p['party']})" for p in report.parties]
    series = [(KIND_NB[k], [p["by_rule"][k] for p in report.parties]) for k in KINDS
              if any(p["by_rule"][k] for p in report.parties)]
    if series:
        parts.append("<figure>" + svg.hbars_stacked(p_labels, series, "Brudd per kommune",
                                                    "Antall brudd per kommune, delt på slag brudd.") +
                     "<figcaption>Brudd per kommune, delt på slag.</figcaption></figure>")
    else:
        parts.append("<p>Ingen brudd.</p>")
    parts.append(_table(["Kommune", "Opphold", "Meldinger", "Frister målt", "I tide"] + [KIND_NB[k] for k in KINDS],
                        [[f"{p['name']} ({p['party']})", _n(p["cases"]), _n(p["messages"]), _n(p["deadlines_measured"]),
                          _pct(p["deadlines_met"], p["deadlines_measured"])] + [_n(p["by_rule"][k]) for k in KINDS]
                         for p in report.parties]))
    parts.append("<h2 id=\"meldingstyper\">Per meldingstype</h2>")
    parts.append(_table(["Meldingstype", "Meldinger", "Brudd"] + [KIND_NB[k] for k in KINDS],
                        [[m["message_type"], _n(m["messages"]), _n(m["violations"])] + [_n(m["by_rule"][k]) for k in KINDS]
                         for m in report.message_types]))
    parts.append("<h2 id=\"maneder\">Per måned</h2>")
    parts.append(_table(["Måned", "Meldinger", "Frister målt", "I tide", "Brudd"] + [KIND_NB[k] for k in KINDS],
                        [[m["month"], _n(m["messages"]), _n(m["deadlines_measured"]),
                          _pct(m["deadlines_met"], m["deadlines_measured"]), _n(m["violations"])]
                         + [_n(m["by_rule"][k]) for k in KINDS] for m in months]))
    shown = report.violations[:limit]
    parts.append(f"<h2 id=\"brudd\">Brudd ({esc(_n(len(shown)))} første av {esc(_n(len(report.violations)))})</h2>")
    if shown:
        parts.append(_table(["Opphold (pseudonym)", "Regel", "Meldingstype", "Kommune", "Måned", "Detalj"],
                            [[v["case_id"], v["rule"], v["message_type"] or "–", v["kommune"] or "–", v["month"] or "–",
                              v["detail"]] for v in shown], text_cols=6))
        if len(report.violations) > limit:
            parts.append("<p>Alle bruddene står i JSON-utdataene (<code>samhandling samsvar --format json</code>).</p>")
    for note in report.notes:
        parts.append(f"<p class=\"note\">{esc(note)}</p>")
    parts.append("<p>Rapporten viser bare pseudonymer og tall. Den er laget av <code>samhandling samsvar</code> "
                 "og trenger ingen nettverkstilgang.</p></body></html>")
    return "\n".join(parts) + "\n"


def write(report: Report, folder: Path) -> Path:
    """Write `index.html` and the same report as data, `samsvar.json` (what the site build reads),
    into the folder (created if missing), each file atomically."""
    from ..model.masking import dumps, mask  # every output boundary masks, also this one
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("samsvar.json", dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n"),
                       ("index.html", mask(render(report)))):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=name)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, folder / name)
    return folder / "index.html"
