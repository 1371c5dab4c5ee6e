"""Small inline SVG charts for the offline reports (no script, no library, no link).

Each function returns one ``<svg>`` element as text, sized in pixels, with
its numbers also written as labels so a printout needs no tooltip.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

#: Series colours (colour-blind safe, Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
_W = 640
_LEFT = 190
_FONT = 'font-family="sans-serif" font-size="12"'


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.1f}" if abs(x) >= 1 else f"{x:.2f}"


def _scale(lo: float, hi: float, width: float) -> tuple[float, float]:
    """Offset and factor mapping [lo, hi] (widened to include 0) onto [0, width] pixels."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    span = hi - lo or 1.0
    return lo, width / span


def _svg(height: float, body: list[str], title: str) -> str:
    return (f'<svg class="chart" width="{_W}" height="{height:.0f}" '
            f'viewBox="0 0 {_W} {height:.0f}" role="img" aria-label="{escape(title)}">'
            f'<text x="4" y="16" {_FONT} font-weight="bold">{escape(title)}</text>' + "".join(body) + "</svg>")


def _legend(names: Sequence[str], y: float) -> list[str]:
    out, x = [], float(_LEFT)
    for i, n in enumerate(names):
        out.append(f'<rect x="{x:.0f}" y="{y - 10:.0f}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>'
                   f'<text x="{x + 14:.0f}" y="{y:.0f}" {_FONT}>{escape(n)}</text>')
        x += 24 + 7 * len(n)
    return out


def bar_chart(title: str, categories: Sequence[str], series: Mapping[str, Sequence[float]]) -> str:
    """Horizontal grouped bars: one group per category, one bar per series (e.g. scenario)."""
    names = list(series)
    bar, gap = 14, 10
    plot_w = _W - _LEFT - 70
    values = [v for s in series.values() for v in s]
    lo, k = _scale(min(values, default=0.0), max(values, default=0.0), plot_w)
    y, body = 34.0, _legend(names, 32.0)
    y += 8
    for ci, cat in enumerate(categories):
        body.append(f'<text x="{_LEFT - 6}" y="{y + bar * len(names) / 2 + 4:.0f}" text-anchor="end" {_FONT}>'
                    f'{escape(cat)}</text>')
        for si, name in enumerate(names):
            v = float(series[name][ci])
            x0, x1 = _LEFT + (min(v, 0) - lo) * k, _LEFT + (max(v, 0) - lo) * k
            body.append(f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 0.5):.1f}" height="{bar - 2}" '
                        f'fill="{PALETTE[si % len(PALETTE)]}"><title>{escape(name)}: {_fmt(v)}</title></rect>'
                        f'<text x="{x1 + 3:.1f}" y="{y + bar - 4:.1f}" {_FONT}>{_fmt(v)}</text>')
            y += bar
        y += gap
    return _svg(y + 4, body, title)


def band_chart(title: str, labels: Sequence[str], bands: Sequence[tuple[float, float, float]],
               *, zero_line: bool = False) -> str:
    """One row per label: the mean as a dot and its 5-95 % band as a whisker (``bands``: mean, p05, p95)."""
    plot_w = _W - _LEFT - 200
    lows = [b[1] for b in bands] + ([0.0] if zero_line else [])
    highs = [b[2] for b in bands] + ([0.0] if zero_line else [])
    lo, hi = min(lows, default=0.0), max(highs, default=1.0)
    pad = (hi - lo) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad
    k = plot_w / (hi - lo)
    body, y = [], 30.0
    if zero_line:
        x0 = _LEFT + (0 - lo) * k
        body.append(f'<line x1="{x0:.1f}" y1="22" x2="{x0:.1f}" y2="{22 + 24 * len(bands)}" stroke="#888" '
                    'stroke-dasharray="3,3"/>')
    for i, (label, (m, p05, p95)) in enumerate(zip(labels, bands)):
        cy, c = y + 10, PALETTE[i % len(PALETTE)]
        xm, xa, xb = (_LEFT + (v - lo) * k for v in (m, p05, p95))
        body.append(f'<text x="{_LEFT - 6}" y="{cy + 4:.0f}" text-anchor="end" {_FONT}>{escape(label)}</text>'
                    f'<line x1="{xa:.1f}" y1="{cy:.1f}" x2="{xb:.1f}" y2="{cy:.1f}" stroke="{c}" stroke-width="3"/>'
                    f'<line x1="{xa:.1f}" y1="{cy - 5:.1f}" x2="{xa:.1f}" y2="{cy + 5:.1f}" stroke="{c}"/>'
                    f'<line x1="{xb:.1f}" y1="{cy - 5:.1f}" x2="{xb:.1f}" y2="{cy + 5:.1f}" stroke="{c}"/>'
                    f'<circle cx="{xm:.1f}" cy="{cy:.1f}" r="4" fill="{c}"><title>{_fmt(m)} ({_fmt(p05)} to '
                    f'{_fmt(p95)})</title></circle>'
                    f'<text x="{_LEFT + plot_w + 12}" y="{cy + 4:.0f}" {_FONT}>{_fmt(m)} '
                    f'({_fmt(p05)}–{_fmt(p95)})</text>')
        y += 24
    return _svg(y + 8, body, title)


@dataclass(frozen=True)
class _Frame:
    """Pixel mapping of a curve chart's plot area."""

    left: float
    top: float
    width: float
    height: float
    x0: float
    x1: float
    y0: float
    y1: float

    def x(self, v: float) -> float:
        return self.left + (v - self.x0) / ((self.x1 - self.x0) or 1.0) * self.width

    def y(self, v: float) -> float:
        return self.top + self.height - (v - self.y0) / ((self.y1 - self.y0) or 1.0) * self.height


def _axes(f: _Frame, x_label: str, y_label: str) -> list[str]:
    body = [f'<line x1="{f.left}" y1="{f.top + f.height}" x2="{f.left + f.width}" y2="{f.top + f.height}" '
            'stroke="#333"/>',
            f'<line x1="{f.left}" y1="{f.top}" x2="{f.left}" y2="{f.top + f.height}" stroke="#333"/>']
    for frac in (0.0, 0.5, 1.0):
        xv, yv = f.x0 + frac * (f.x1 - f.x0), f.y0 + frac * (f.y1 - f.y0)
        body.append(f'<text x="{f.x(xv):.1f}" y="{f.top + f.height + 16}" text-anchor="middle" {_FONT}>{_fmt(xv)}'
                    f'</text><text x="{f.left - 4}" y="{f.y(yv) + 4:.1f}" text-anchor="end" {_FONT}>{_fmt(yv)}</text>')
    body.append(f'<text x="{f.left + f.width / 2}" y="{f.top + f.height + 34}" text-anchor="middle" {_FONT}>'
                f'{escape(x_label)}</text><text x="{f.left}" y="{f.top - 8}" {_FONT}>{escape(y_label)}</text>')
    return body


def curve_chart(title: str, xs: Sequence[float], bands: Sequence[tuple[float, float, float]], *,
                x_label: str, y_label: str, knee: float | None = None) -> str:
    """A curve with its 5-95 % band shaded, and the knee marked by a vertical line."""
    y0, y1 = min(b[1] for b in bands), max(b[2] for b in bands)
    pad = (y1 - y0) * 0.05 or 1.0
    f = _Frame(70.0, 46.0, _W - 100.0, 240.0, min(xs), max(xs), y0 - pad, y1 + pad)
    upper = " ".join(f"{f.x(x):.1f},{f.y(b[2]):.1f}" for x, b in zip(xs, bands))
    lower = " ".join(f"{f.x(x):.1f},{f.y(b[1]):.1f}" for x, b in reversed(list(zip(xs, bands))))
    line = " ".join(f"{f.x(x):.1f},{f.y(b[0]):.1f}" for x, b in zip(xs, bands))
    body = [f'<polygon points="{upper} {lower}" fill="{PALETTE[0]}" fill-opacity="0.2"/>',
            f'<polyline points="{line}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>', *_axes(f, x_label,
                                                                                                     y_label)]
    body += [f'<circle cx="{f.x(x):.1f}" cy="{f.y(b[0]):.1f}" r="3" fill="{PALETTE[0]}"><title>{_fmt(x)}: '
             f'{_fmt(b[0])} ({_fmt(b[1])} to {_fmt(b[2])})</title></circle>' for x, b in zip(xs, bands)]
    if knee is not None:
        kx = f.x(knee)
        body.append(f'<line class="knee" x1="{kx:.1f}" y1="{f.top}" x2="{kx:.1f}" y2="{f.top + f.height}" '
                    f'stroke="{PALETTE[5]}" stroke-width="2" stroke-dasharray="5,3"/><text x="{kx + 4:.1f}" '
                    f'y="{f.top + 14}" {_FONT} fill="{PALETTE[5]}">knee: {_fmt(knee)}</text>')
    return _svg(f.top + f.height + 44, body, title)


__all__ = ["PALETTE", "band_chart", "bar_chart", "curve_chart"]
