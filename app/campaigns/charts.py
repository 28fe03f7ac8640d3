"""Server-rendered SVG charts (no script, no CDN): the funnel and sends/deliveries over time."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

WIDTH, BAR = 560, 26


def funnel(steps: list[tuple[str, int]]) -> Markup:
    labels = {
        "audience": _("Audience"),
        "sent": _("Sent"),
        "delivered": _("Delivered"),
        "read": _("Read"),
        "clicked": _("Clicked"),
    }
    top = max((n for _s, n in steps), default=0) or 1
    rows = []
    for i, (step, number) in enumerate(steps):
        y = i * (BAR + 8)
        width = max(2, int((WIDTH - 200) * number / top))
        rows.append(
            f'<text x="0" y="{y + 18}" class="chart-label">{escape(labels.get(step, step))}</text>'
            f'<rect x="110" y="{y}" width="{width}" height="{BAR}" rx="4" class="bar bar-{step}"/>'
            f'<text x="{116 + width}" y="{y + 18}" class="chart-value">{number}</text>'
        )
    height = len(steps) * (BAR + 8)
    title = escape(_("Funnel"))
    return Markup(  # noqa: S704 - every interpolated value is escaped or a number
        f'<svg role="img" aria-label="{title}" viewBox="0 0 {WIDTH} {height}" class="chart" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{title}</title>{''.join(rows)}</svg>"
    )


def timeline(series: list[dict]) -> Markup:
    title = escape(_("Sends and deliveries over time"))
    if not series:
        return Markup("")
    height, pad = 160, 20
    top = max(max(p["sent"], p["delivered"]) for p in series) or 1
    step = (WIDTH - 2 * pad) / max(1, len(series) - 1)

    def points(key: str) -> str:
        return " ".join(
            f"{pad + i * step:.1f},{height - pad - (height - 2 * pad) * p[key] / top:.1f}" for i, p in enumerate(series)
        )

    return Markup(  # noqa: S704 - every interpolated value is escaped or a number
        f'<svg role="img" aria-label="{title}" viewBox="0 0 {WIDTH} {height}" class="chart" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{title}</title>"
        f'<line x1="{pad}" y1="{height - pad}" x2="{WIDTH - pad}" y2="{height - pad}" class="axis"/>'
        f'<polyline points="{points("sent")}" class="line line-sent" fill="none"/>'
        f'<polyline points="{points("delivered")}" class="line line-delivered" fill="none"/>'
        f'<text x="{pad}" y="14" class="chart-label">{escape(_("Sent"))} · {escape(_("Delivered"))} (max {top})</text>'
        "</svg>"
    )
