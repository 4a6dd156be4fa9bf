"""The report's charts, drawn by matplotlib's SVG backend (vector, text kept as text).

matplotlib is imported here only, when a report is written: no other command pays for it.
Each function returns an ``<svg>`` element ready to inline in HTML (no XML prolog, no
metadata, deterministic ids).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from typing import Any

from archdesigner.model.design import Design
from archdesigner.report.model import Growth, NumberedFinding

#: Lines drawn in colour and named in the legend; the next ones are drawn thin and grey.
NAMED_LINES = 10
GREY_LINES = 60
#: Colour-blind-safe palette (Okabe-Ito, plus two), readable on white and in grey print.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#882255",
    "#44AA99",
    "#999933",
)
Y_TICKS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
SEVERITY_COLORS = {"error": "#d32f2f", "warning": "#f0a000", "info": "#2b6cb0", "": "#a0aec0"}
INK = "#1a202c"
MUTED = "#718096"


def _figure(width: float, height: float) -> tuple[Any, Any]:
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), facecolor="white")
    FigureCanvasSVG(fig)
    return fig, fig.add_subplot()


def _svg(fig: Any, label: str) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "archdesigner", "font.family": "DejaVu Sans"}
    ):
        fig.savefig(
            buf,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    text = buf.getvalue()
    start = text.find("<svg")
    svg = text[start:] if start >= 0 else text
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _style(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    ax.tick_params(colors=INK, labelsize=8)


def _percent(value: float, _pos: int = 0) -> str:
    if value >= 1:
        return f"{value * 100:.0f}%"
    digits = max(0, -math.floor(math.log10(value * 100))) if value > 0 else 0
    return f"{value * 100:.{digits}f}%"


def _factor(value: float, _pos: int = 0) -> str:
    return f"{value:g}x"


def _clipped(u: float, top: float, y_low: float, y_high: float) -> tuple[list[float], list[float]]:
    """The line y = u x k for k in [1, top], cut to the plot's y range here rather than by
    an SVG clip path (which some renderers, Qt's among them, ignore)."""
    start = max(1.0, y_low / u)
    end = min(top, y_high / u)
    if start >= end:
        return [], []
    return [start, end], [u * start, u * end]


def growth_svg(growth: Growth) -> str:
    """Utilization of each component with a capacity as traffic grows from 1x to
    ``growth.max_factor`` (both axes logarithmic, so each component is a straight line),
    with the target and 100% lines and a dot where each named component crosses 100%."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    fig, ax = _figure(4.3, 4.1)
    _style(ax)
    top = growth.max_factor
    loaded = [s for s in growth.rows if s.offered > 0]
    named = loaded[:NAMED_LINES]
    grey = loaded[NAMED_LINES : NAMED_LINES + GREY_LINES]
    lows = [s.utilization for s in named]
    y_low = max(2e-3, min([*lows, growth.target / 4]) * 0.7)
    y_high = max(2.0, min(5.0, max([s.utilization * top for s in named], default=2.0)))
    for s in grey:
        ax.plot(*_clipped(s.utilization, top, y_low, y_high), color="#cbd5e0", lw=0.7)
    for k, s in enumerate(named):
        color = PALETTE[k % len(PALETTE)]
        style = "-" if k < len(PALETTE) else "--"
        xy = _clipped(s.utilization, top, y_low, y_high)
        ax.plot(*xy, color=color, lw=1.6, ls=style,
                label=f"{s.id} ({s.at_full:.3g}x)" if s.at_full else s.id)  # fmt: skip
        if s.at_full is not None and 1 <= s.at_full <= top:
            ax.plot([s.at_full], [1.0], "o", color=color, ms=4.5, zorder=5)
    ax.axhline(1.0, color="#c53030", lw=1.3)
    ax.axhline(growth.target, color="#b7791f", lw=1.2, ls=(0, (4, 3)))
    ax.text(top, 1.0, " 100%", color="#c53030", fontsize=8, va="center", ha="left", clip_on=False)
    ax.text(top, growth.target, f" {growth.target:.0%}", color="#b7791f", fontsize=8,
            va="center", ha="left", clip_on=False)  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(1, top)
    ax.set_ylim(y_low, y_high)
    ax.set_xticks([x for x in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if x <= top])
    ax.set_yticks([y for y in Y_TICKS if y_low <= y <= y_high])
    ax.xaxis.set_major_formatter(FuncFormatter(_factor))
    ax.yaxis.set_major_formatter(FuncFormatter(_percent))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("traffic (x today's load, log scale)", color=INK, fontsize=8.5)
    ax.set_ylabel("utilization (offered load / capacity)", color=INK, fontsize=8.5)
    ax.grid(True, which="major", color="#e2e8f0", lw=0.6)
    if named:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize=7.5, frameon=False,
                  ncols=2, title="saturates at (100%)", title_fontsize=7.5)  # fmt: skip
    else:
        ax.text(0.5, 0.5, "no component with a capacity receives load", transform=ax.transAxes,
                ha="center", color=MUTED, fontsize=9)  # fmt: skip
    fig.tight_layout()
    return _svg(fig, "Utilization of each component as traffic grows")


def _worst(design: Design, findings: Sequence[NumberedFinding]) -> dict[str, NumberedFinding]:
    """The first (most severe, highest impact) finding about each node."""
    out: dict[str, NumberedFinding] = {}
    nodes = {n.id for n in design.nodes}
    for nf in findings:
        if nf.subject_type == "node" and nf.subject in nodes and nf.subject not in out:
            out[nf.subject] = nf
    return out


def map_svg(design: Design, findings: Sequence[NumberedFinding], numbered: int) -> str:
    """The summary picture of a large design: every node at its drawn position, coloured by
    its worst finding, links as faint lines; the first ``numbered`` findings about nodes
    carry their number."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    fig, ax = _figure(7.2, 5.0)
    ax.set_axis_off()
    pos = {n.id: (float(n.position.x), -float(n.position.y)) for n in design.nodes}
    vertices = []
    for lk in design.links:  # one path for every link: one SVG element, written fast
        vertices += [pos[lk.source], pos[lk.target]]
    if vertices:
        codes = [Path.MOVETO, Path.LINETO] * (len(vertices) // 2)
        lines = PathPatch(Path(vertices, codes), fill=False, ec="#cbd5e0", lw=0.25, zorder=1)
        ax.add_artist(lines)  # not add_patch: its limit update walks every segment
    worst = _worst(design, findings)
    for severity in ("", "info", "warning", "error"):
        pts = [
            pos[n.id]
            for n in design.nodes
            if (worst[n.id].severity if n.id in worst else "") == severity
        ]
        if pts:
            xs, ys = zip(*pts, strict=True)
            size = 3 if severity in ("", "info") else 6
            label = severity or "no finding"
            ax.scatter(xs, ys, s=size, c=SEVERITY_COLORS[severity], lw=0, zorder=2, label=label)
    for nf in findings[:numbered]:
        if nf.subject_type == "node" and nf.subject in pos:
            x, y = pos[nf.subject]
            ax.annotate(f"#{nf.number}", (x, y), fontsize=6.5, color=INK, zorder=3,
                        xytext=(3, 3), textcoords="offset points")  # fmt: skip
    if pos:
        xs_all = [p[0] for p in pos.values()]
        ys_all = [p[1] for p in pos.values()]
        pad_x = (max(xs_all) - min(xs_all)) * 0.03 + 10
        pad_y = (max(ys_all) - min(ys_all)) * 0.03 + 10
        ax.set_xlim(min(xs_all) - pad_x, max(xs_all) + pad_x)
        ax.set_ylim(min(ys_all) - pad_y, max(ys_all) + pad_y)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.08), ncols=4, fontsize=8, frameon=False)
    fig.tight_layout()
    return _svg(fig, "Overview of the design: nodes coloured by their worst finding")
