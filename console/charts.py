"""Server-rendered inline SVG charts (no script, no inline CSS: colours come from console.css)."""

from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple

from markupsafe import Markup, escape


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    exp = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * exp:
            return step * exp
    return 10 * exp


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:g}" if value != int(value) else str(int(value))


def column_chart(
    points: Sequence[Tuple[str, Optional[float]]],
    label: str,
    css: str = "bar",
    percent: bool = False,
    width: int = 640,
    height: int = 190,
) -> Markup:
    """Vertical bars, one per (day "YYYY-MM-DD", value); None draws no bar (no data that day)."""
    left, right, top, bottom = 40, 8, 10, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for _, v in points if v is not None), default=0)
    vmax = _nice_max(peak)
    if percent:
        vmax = min(vmax, 1.0) if peak > 0 else 1.0
    n = max(len(points), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.7, 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(vmax * frac, percent)}</text>'
        )
    step = max(1, math.ceil(n / 8))
    for i, (day, value) in enumerate(points):
        x = left + i * slot + (slot - bar_w) / 2
        if value is not None and value > 0:
            h = plot_h * min(value / vmax, 1)
            parts.append(
                f'<rect class="{css}" x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" rx="1.5"><title>{escape(day)}: {_fmt(value, percent)}</title></rect>'
            )
        elif value is not None:
            parts.append(
                f'<rect class="{css} zero" x="{x:.1f}" y="{top + plot_h - 1:.1f}" '
                f'width="{bar_w:.1f}" height="1"><title>{escape(day)}: 0</title></rect>'
            )
        if (n - 1 - i) % step == 0:
            parts.append(
                f'<text class="axis" x="{x + bar_w / 2:.1f}" y="{height - 6}" text-anchor="middle">'
                f"{escape(day[5:].replace('-', '/'))}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_list(
    items: Sequence[Tuple[str, float]],
    label: str,
    css: str = "bar",
    width: int = 420,
    row: int = 24,
    label_width: int = 170,
) -> Markup:
    """Horizontal bars with their labels and counts (top topics, channels)."""
    if not items:
        return Markup('<p class="empty">データがありません</p>')
    height = row * len(items) + 4
    vmax = max(v for _, v in items) or 1
    bar_space = width - label_width - 48
    parts = [
        f'<svg class="chart hbars" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    for i, (name, value) in enumerate(items):
        y = 2 + i * row
        w = max(bar_space * value / vmax, 2 if value else 0)
        shown = name if len(name) <= 14 else name[:13] + "…"
        parts.append(
            f'<text class="label" x="{label_width - 8}" y="{y + row / 2 + 4:.1f}" '
            f'text-anchor="end">{escape(shown)}<title>{escape(name)}</title></text>'
        )
        parts.append(
            f'<rect class="{css}" x="{label_width}" y="{y + 4}" width="{w:.1f}" '
            f'height="{row - 8}" rx="2"><title>{escape(name)}: {_fmt(value, False)}</title></rect>'
        )
        parts.append(
            f'<text class="value" x="{label_width + w + 6:.1f}" y="{y + row / 2 + 4:.1f}">{_fmt(value, False)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def split_bar(items: List[Tuple[str, float, str]], label: str, width: int = 420) -> Markup:
    """One bar split in parts (label, value, css class), e.g. 👍 vs 👎."""
    total = sum(v for _, v, _ in items)
    parts = [
        f'<svg class="chart split" viewBox="0 0 {width} 28" role="img" aria-label="{escape(label)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    if not total:
        parts.append(f'<rect class="empty-bar" x="0" y="4" width="{width}" height="20" rx="4"/>')
    x = 0.0
    for name, value, css in items:
        if not value:
            continue
        w = width * value / total
        parts.append(
            f'<rect class="{css}" x="{x:.1f}" y="4" width="{w:.1f}" height="20">'
            f"<title>{escape(name)}: {_fmt(value, False)}</title></rect>"
        )
        x += w
    parts.append("</svg>")
    return Markup("".join(parts))
