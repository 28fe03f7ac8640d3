"""Charts drawn on the server as inline SVG: no script, no CDN (the CSP allows neither).

Colours come from static/css/reports.css through `series-<n>` classes; each chart carries
a title for screen readers, and the page shows the same numbers in a table beneath.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 28
BAR, GAP = 14, 10


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value` (axes end on a round number)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


# Axis tops for durations whose quarters read well: 15 min, 30 min, 1 h, 3 h, 6 h, 12 h, 1 d …
DURATION_TOPS = [60 * m for m in (1, 2, 4, 8, 20, 40, 60, 120)] + [3600 * h for h in (4, 8, 12, 24, 48, 96, 168)]


def duration_ceiling(seconds: float) -> float:
    """The smallest round duration at or above `seconds` (beyond a week: whole weeks)."""
    for top in DURATION_TOPS:
        if seconds <= top:
            return top
    return 604800 * -(-seconds // 604800)


def _svg(width: int, height: int, title: str, body: list[Markup]) -> Markup:
    return Markup(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">'
        "<title>{}</title>{}</svg>"
    ).format(width, height, title, title, Markup("").join(body))


def _text(css: str, x: float, y: float, anchor: str, content: str) -> Markup:
    return Markup('<text class="{}" x="{:.1f}" y="{:.1f}" text-anchor="{}">{}</text>').format(
        css, x, y, anchor, content
    )


def _y_axis(top: float, fmt: Callable[[float], str]) -> list[str]:
    parts = []
    plot = HEIGHT - TOP - BOTTOM
    for i in range(5):
        y = TOP + plot - plot * i / 4
        parts.append(
            Markup('<line class="grid" x1="{}" x2="{}" y1="{:.1f}" y2="{:.1f}"/>').format(LEFT, WIDTH - RIGHT, y, y)
        )
        parts.append(_text("axis", LEFT - 6, y + 4, "end", fmt(top * i / 4)))
    return parts


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    ceiling: Callable[[float], float] = nice_ceiling,
) -> Markup:
    """One line per series over the labels (days); a gap where a value is None."""
    values = [v for _, points in series for v in points if v is not None]
    top = ceiling(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)
    body = _y_axis(top, fmt)
    ticks = sorted({0, len(labels) - 1, *range(0, len(labels), max(len(labels) // 6, 1))})
    for i in ticks if labels else []:
        x = LEFT + i * step
        body.append(_text("axis", x, HEIGHT - 8, "middle", labels[i]))
    for n, (name, points) in enumerate(series):
        segments, current = [], []
        for i, value in enumerate(points):
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            current.append(f"{LEFT + i * step:.1f},{TOP + plot_h - plot_h * value / top:.1f}")
        if current:
            segments.append(current)
        for segment in segments:
            body.append(
                Markup('<polyline class="line series-{}" points="{}"><title>{}</title></polyline>').format(
                    n, " ".join(segment), name
                )
            )
            if len(segment) == 1:
                x, y = segment[0].split(",")
                body.append(Markup('<circle class="dot series-{}" cx="{}" cy="{}" r="3"/>').format(n, x, y))
    return _svg(WIDTH, HEIGHT, title, body)


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
    ceiling: Callable[[float], float] = nice_ceiling,
) -> Markup:
    """Horizontal bars: one group per category, one bar per series, each with its value."""
    label_w = 160
    values = [v or 0 for _, points in series for v in points]
    top = ceiling(max(values, default=0))
    group = BAR * len(series) + GAP
    height = TOP + max(len(categories), 1) * group + 8
    plot_w = WIDTH - label_w - 70
    body = []
    for c, category in enumerate(categories):
        y0 = TOP + c * group
        name = category if len(category) <= 24 else category[:23] + "…"
        body.append(_text("axis", label_w - 8, y0 + BAR * len(series) / 2 + 4, "end", name))
        for n, (_, points) in enumerate(series):
            value = points[c]
            width = plot_w * (value or 0) / top
            y = y0 + n * BAR
            body.append(
                Markup('<rect class="bar series-{}" x="{}" y="{}" width="{:.1f}" height="{}"/>').format(
                    n, label_w, y, width, BAR - 2
                )
            )
            shown = "–" if value is None else fmt(value)
            body.append(_text("value", label_w + width + 4, y + BAR - 4, "start", shown))
    return _svg(WIDTH, height, title, body)
