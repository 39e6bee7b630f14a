"""A small line chart as inline SVG, drawn on the server: no script, no library, prints."""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT, PAD = 260, 90, 18


def _points(values: list[int], top: int) -> str:
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    return " ".join(
        f"{PAD + i * step:.1f},{HEIGHT - PAD - (v / top) * (HEIGHT - 2 * PAD):.1f}"
        for i, v in enumerate(values)
    )


def trend_svg(detected: list[int], found: list[int], labels: list[str]) -> str:
    """Detected (solid) and found (dashed) over the months in ``labels``."""
    top = max([*detected, *found, 1])
    title = "；".join(
        f"{label} 检出{d} 认定{f}" for label, d, f in zip(labels, detected, found, strict=True)
    )
    return (
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'class="axis"/>'
        f'<text x="{PAD}" y="{HEIGHT - 4}" class="tick">{escape(labels[0])}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 4}" class="tick" text-anchor="end">'
        f"{escape(labels[-1])}</text>"
        f'<text x="2" y="{PAD}" class="tick">{top}</text>'
        f'<polyline class="detected" points="{_points(detected, top)}"/>'
        f'<polyline class="found" points="{_points(found, top)}"/>'
        "</svg>"
    )
