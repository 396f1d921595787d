"""Small static SVG charts drawn at build time: no script, no font or request off the host.

Every chart is an `<svg role="img">` with a `<title>` and `<desc>` for screen readers, sizes in
the viewBox so it scales on a phone and prints, colours that keep their meaning in greyscale
through patterns of lightness, and every number is also written as text on or beside its mark.
"""

from __future__ import annotations

import html
import itertools

FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\""
COLORS = ("#1f5f8b", "#c0392b", "#d68910", "#6c3483", "#117a65", "#7f8c8d", "#2e4053")
_ids = itertools.count(1)


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def _frame(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    n = next(_ids)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-labelledby="t{n} d{n}" {FONT} font-size="12">'
            f'<title id="t{n}">{esc(title)}</title><desc id="d{n}">{esc(desc)}</desc>'
            + "".join(body) + "</svg>")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 4
    if value <= 20:  # small counts: whole-number ticks (the axis has four steps)
        return max(4, -(-int(value) // 4) * 4)
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000,
                 200000, 500000, 1000000, 2000000, 5000000, 10000000):
        if value <= step * 5:
            return step * 5 if value > step * 4 else (int(value / step) + 1) * step
    return value


def _fmt(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", " ")


def bars(labels: list[str], values: list[float], title: str, desc: str, unit: str = "",
         width: int = 720, height: int = 260, color: str = COLORS[0]) -> str:
    """Vertical bars, one per label, the value written above each bar."""
    left, right, top, bottom = 52, 12, 16, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max(values, default=0))
    body = _axis(left, top, plot_w, plot_h, top_value, unit)
    n = max(len(values), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.7, 1)
    for i, (label, value) in enumerate(zip(labels, values)):
        h = plot_h * (value / top_value) if top_value else 0
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h - h
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{color}">'
                    f'<title>{esc(label)}: {esc(_fmt(value))}{esc(unit)}</title></rect>')
        if n <= 24:
            body.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-size="10">'
                        f'{esc(_fmt(value))}</text>')
        if n <= 24 or i % max(1, n // 12) == 0:
            body.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" font-size="10">'
                        f'{esc(label)}</text>')
    return _frame(width, height, title, desc, body)


def line(labels: list[str], values: list[float | None], title: str, desc: str, unit: str = "",
         y_max: float | None = None, y_min: float = 0, width: int = 720, height: int = 260,
         color: str = COLORS[0]) -> str:
    """A line through the values (None leaves a gap), each point labelled."""
    left, right, top, bottom = 52, 12, 16, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    present = [v for v in values if v is not None]
    top_value = y_max if y_max is not None else _nice_max(max(present, default=0))
    span = (top_value - y_min) or 1
    body = _axis(left, top, plot_w, plot_h, top_value, unit, y_min)
    n = max(len(values), 1)
    step = plot_w / n
    points, segments = [], []
    for i, (label, value) in enumerate(zip(labels, values)):
        x = left + step * (i + 0.5)
        if n <= 24 or i % max(1, n // 12) == 0:
            body.append(f'<text x="{x:.1f}" y="{top + plot_h + 14}" text-anchor="middle" font-size="10">{esc(label)}</text>')
        if value is None:
            if points:
                segments.append(points)
            points = []
            continue
        y = top + plot_h - plot_h * (value - y_min) / span
        points.append((x, y, label, value))
    if points:
        segments.append(points)
    for seg in segments:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in seg)
        body.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y, label, value in seg:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}">'
                        f'<title>{esc(label)}: {esc(_fmt(value))}{esc(unit)}</title></circle>')
            if n <= 24:
                body.append(f'<text x="{x:.1f}" y="{y - 7:.1f}" text-anchor="middle" font-size="10">'
                            f'{esc(_fmt(value))}</text>')
    return _frame(width, height, title, desc, body)


def hbars_stacked(labels: list[str], series: list[tuple[str, list[float]]], title: str, desc: str,
                  width: int = 720, row: int = 22) -> str:
    """Horizontal stacked bars: one row per label, one segment per series, total at the end."""
    left, right = 170, 60
    plot_w = width - left - right
    totals = [sum(vals[i] for _, vals in series) for i in range(len(labels))]
    top_value = _nice_max(max(totals, default=0))
    body = []
    x, y0 = 10, 6
    for k, (name, _) in enumerate(series):  # legend, wrapped to the width
        item = 24 + 7 * len(name)
        if x + item > width - 10 and x > 10:
            x, y0 = 10, y0 + 18
        color = COLORS[k % len(COLORS)]
        body.append(f'<rect x="{x}" y="{y0}" width="12" height="12" fill="{color}"/>'
                    f'<text x="{x + 16}" y="{y0 + 10}" font-size="11">{esc(name)}</text>')
        x += item
    top = y0 + 28
    height = top + row * max(len(labels), 1) + 12
    for i, label in enumerate(labels):
        y = top + i * row
        body.append(f'<text x="{left - 6}" y="{y + row * 0.65:.1f}" text-anchor="end">{esc(label)}</text>')
        cx = left
        for k, (name, vals) in enumerate(series):
            w = plot_w * vals[i] / top_value if top_value else 0
            if w > 0:
                body.append(f'<rect x="{cx:.1f}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
                            f'fill="{COLORS[k % len(COLORS)]}"><title>{esc(label)}, {esc(name)}: '
                            f'{esc(_fmt(vals[i]))}</title></rect>')
            cx += w
        body.append(f'<text x="{cx + 4:.1f}" y="{y + row * 0.65:.1f}" font-size="11">{esc(_fmt(totals[i]))}</text>')
    return _frame(width, height, title, desc, body)


def _axis(left, top, plot_w, plot_h, top_value, unit, y_min=0) -> list[str]:
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#555"/>']
    for k in range(5):
        value = y_min + (top_value - y_min) * k / 4
        y = top + plot_h - plot_h * k / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="10">'
                    f'{esc(_fmt(value))}{esc(unit)}</text>')
    return body
