"""The chain of one scenario as a static SVG timeline (Gantt-like), for the site and for print.

One row per message due, in order: a bar from the event the message follows to its deadline
(a dot when the sources give no deadline), the events as vertical lines, weekends and public
holidays shaded, and a dashed line where the clocks change. Drawn at build time, no script;
every label is escaped, and the same facts are written as a table beside it on the site.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from . import calendar as cal
from . import scenario

ROW = 26
LEFT = 330
RIGHT = 24
TOP = 58
WIDTH = 980


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def _t(text: str | None) -> dt.datetime | None:
    return cal.parse_aware(text) if text else None


def svg(result: dict) -> str:
    """The timeline of a computed scenario (`scenario.run`)."""
    events = [(e, _t(e["at"])) for e in result["events"] if e["at"]]
    messages = result["messages"]
    anchors = {}
    for e, at in events:
        anchors[e["step"]] = at
    last_timed, fallback = None, {}
    for sid in result.get("path", []):  # a message after an event without a time follows the last timed one
        if sid in anchors:
            last_timed = anchors[sid]
        fallback[sid] = last_timed
    moments = [at for _, at in events]
    for m in messages:
        if m["deadline"].get("at"):
            moments.append(_t(m["deadline"]["at"]))
    if not moments:
        moments = [dt.datetime(2000, 1, 1, tzinfo=cal.OSLO)]
    start = min(moments).astimezone(cal.OSLO)
    start = start.replace(hour=0, minute=0, second=0, microsecond=0)
    end_day = max(moments).astimezone(cal.OSLO).date() + dt.timedelta(days=1)
    end = dt.datetime.combine(end_day, dt.time(0), tzinfo=cal.OSLO)
    span = (end.astimezone(cal.UTC) - start.astimezone(cal.UTC)).total_seconds() or 1
    plot_w = WIDTH - LEFT - RIGHT
    height = TOP + ROW * max(len(messages), 1) + 52

    def x(moment: dt.datetime) -> float:
        return LEFT + plot_w * (moment.astimezone(cal.UTC) - start.astimezone(cal.UTC)).total_seconds() / span

    title = f"Tidslinje: {result['scenario']['title']}"
    desc = (f"{len(messages)} meldinger fra {cal.day_nb(start.date())} til {cal.day_nb(end_day - dt.timedelta(days=1))}. "
            "Søyler går fra hendelsen meldingen følger, til fristen; et punkt betyr at kildene ikke gir frist. "
            "Grå bakgrunn er helg eller helligdag.")
    body = [f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#fff"/>']
    # days: shading for non-working days, a label per day
    day = start.date()
    n_days = (end_day - day).days
    while day < end_day:
        a = dt.datetime.combine(day, dt.time(0), tzinfo=cal.OSLO)
        b = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=cal.OSLO)
        holiday = cal.holiday(day)
        if not cal.is_working_day(day):
            label = holiday or cal.WEEKDAY_NB[day.weekday()]
            body.append(f'<rect x="{x(a):.1f}" y="{TOP - 8}" width="{x(b) - x(a):.1f}" height="{height - TOP - 24}" '
                        f'fill="#eceff1"><title>{esc(cal.day_nb(day))}: {esc(label)}</title></rect>')
        body.append(f'<line x1="{x(a):.1f}" y1="{TOP - 8}" x2="{x(a):.1f}" y2="{height - 32}" stroke="#cfd8dc"/>')
        if n_days <= 16 or day.weekday() == 0:
            text = f"{cal.WEEKDAY_NB[day.weekday()][:3]} {day.day}.{day.month}."
            body.append(f'<text x="{(x(a) + x(b)) / 2:.1f}" y="{TOP - 14}" text-anchor="middle" font-size="10">'
                        f'{esc(text)}</text>')
            if holiday:
                body.append(f'<text x="{(x(a) + x(b)) / 2:.1f}" y="{TOP - 26}" text-anchor="middle" font-size="9" '
                            f'fill="#b71c1c">{esc(holiday)}</text>')
        day += dt.timedelta(days=1)
    for moment, word in cal.dst_changes(start, end):
        body.append(f'<line x1="{x(moment):.1f}" y1="{TOP - 8}" x2="{x(moment):.1f}" y2="{height - 32}" stroke="#6a1b9a" '
                    f'stroke-dasharray="4 3"><title>Overgang til {esc(word)}</title></line>')
        body.append(f'<text x="{x(moment) + 3:.1f}" y="{height - 20}" font-size="9" fill="#6a1b9a">{esc(word)}</text>')
    for k, (e, at) in enumerate(events):
        body.append(f'<line x1="{x(at):.1f}" y1="{TOP - 8}" x2="{x(at):.1f}" y2="{height - 32}" stroke="#37474f" '
                    f'stroke-width="1.5"><title>{esc(e["title"])}: {esc(cal.moment_nb(at))}</title></line>')
        anchor_end = x(at) > LEFT + plot_w * 0.7
        body.append(f'<text x="{x(at) + (-3 if anchor_end else 3):.1f}" y="{height - 20 + 12 * (k % 2)}" font-size="10" '
                    f'fill="#37474f" text-anchor="{"end" if anchor_end else "start"}">{esc(_short(e["title"], 40))}</text>')
    for i, m in enumerate(messages):
        y = TOP + i * ROW
        sender = "UNN" if m["from"]["role"] == "health-trust" else "kommunen"
        body.append(f'<text x="{LEFT - 8}" y="{y + ROW * 0.62:.1f}" text-anchor="end" font-size="11">'
                    f'{esc(str(m["order"]) + ". " + _short(m["title"], 50))}</text>')
        d = m["deadline"]
        anchor = anchors.get(d.get("from")) or anchors.get(m.get("after_event")) or fallback.get(m["step"])
        color = "#1f5f8b" if m["from"]["role"] == "health-trust" else "#117a65"
        if d.get("at") and anchor:
            a, b = x(anchor), x(_t(d["at"]))
            body.append(f'<rect x="{a:.1f}" y="{y + 5}" width="{max(b - a, 2):.1f}" height="{ROW - 10}" fill="{color}" '
                        f'fill-opacity="0.8"><title>{esc(m["title"])} (fra {esc(sender)}): frist '
                        f'{esc(cal.moment_nb(_t(d["at"])))}</title></rect>')
            body.append(f'<text x="{b + 4:.1f}" y="{y + ROW * 0.62:.1f}" font-size="10">'
                        f'frist {esc(_due(d))}</text>')
        elif anchor:
            cx = x(anchor)
            body.append(f'<circle cx="{cx:.1f}" cy="{y + ROW / 2:.1f}" r="4.5" fill="none" stroke="{color}" stroke-width="2">'
                        f'<title>{esc(m["title"])} (fra {esc(sender)}): ingen frist i kildene</title></circle>')
            body.append(f'<text x="{cx + 8:.1f}" y="{y + ROW * 0.62:.1f}" font-size="10" fill="#555">ingen frist</text>')
    legend = (f'<rect x="{LEFT}" y="6" width="12" height="12" fill="#1f5f8b"/><text x="{LEFT + 16}" y="16" font-size="11">'
              'fra sykehuset</text>'
              f'<rect x="{LEFT + 110}" y="6" width="12" height="12" fill="#117a65"/><text x="{LEFT + 126}" y="16" '
              'font-size="11">fra kommunen</text>'
              f'<rect x="{LEFT + 220}" y="6" width="12" height="12" fill="#eceff1" stroke="#999"/>'
              f'<text x="{LEFT + 236}" y="16" font-size="11">helg eller helligdag</text>')
    body.insert(1, legend)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
            f'aria-labelledby="tl-{esc(result["scenario"]["id"])}-t tl-{esc(result["scenario"]["id"])}-d" '
            "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\">"
            f'<title id="tl-{esc(result["scenario"]["id"])}-t">{esc(title)}</title>'
            f'<desc id="tl-{esc(result["scenario"]["id"])}-d">{esc(desc)}</desc>' + "".join(body) + "</svg>")


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _due(d: dict) -> str:
    at = _t(d["at"]).astimezone(cal.OSLO)
    if d.get("kind") == "same_day":
        day = (at - dt.timedelta(minutes=1)).date()
        return f"{cal.WEEKDAY_NB[day.weekday()][:3]} {day.day}.{day.month}. kl. 24"
    return f"{cal.WEEKDAY_NB[at.weekday()][:3]} {at.day}.{at.month}. kl. {at:%H:%M}"


def for_repository(root: Path, repo) -> list[tuple[dict, str]]:
    """(computed scenario, SVG) for every scenario under `scenarios/` that computes without
    problems; a broken scenario is left out (`samhandling check` reports it)."""
    out = []
    for path in scenario.scenario_files(root):
        try:
            result = scenario.run(root, repo, path)
        except scenario.ScenarioError:
            continue
        out.append((result, svg(result)))
    return out
