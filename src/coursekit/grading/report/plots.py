"""The item report's plots: score histogram and facility vs discrimination drawn with matplotlib as inline
SVG, and one set of HTML bars per question of what students chose. No plot ever shows a student's name or id.
"""

from __future__ import annotations

import io
import math
import re
from html import escape

from . import stats as st
from .analysis import LOW_DISCRIMINATION, TOO_EASY, TOO_HARD, ItemReport, Report

KEY = "#1d5c96"  # the key's bars (a dark blue: 7:1 on white)
FLAG = "#b3261e"  # flagged questions in the scatter plot
INK = "#1f2328"
FONT = 9


def _figure(width: float, height: float):
    import matplotlib

    matplotlib.rcParams.update({"svg.fonttype": "none", "font.size": FONT, "svg.hashsalt": "coursekit"})
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def to_svg(fig, label: str) -> str:
    """The figure as an inline <svg> with an accessible name (no XML prologue)."""
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def histogram_svg(report: Report) -> str:
    from matplotlib.ticker import MaxNLocator

    counts, edges = st.histogram(report.totals, report.max_total, bins=min(10, max(1, int(report.max_total))))
    fig = _figure(6.4, 2.6)
    ax = fig.add_axes((0.09, 0.18, 0.88, 0.74))
    ax.bar(edges[:-1], counts, width=edges[1] - edges[0], align="edge", color=KEY, edgecolor="white")
    ax.set_xlabel(f"total score (of {report.max_total:g} points)")
    ax.set_ylabel("students")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # students come whole
    ax.set_xlim(0, edges[-1])
    ax.spines[["top", "right"]].set_visible(False)
    label = f"Histogram of total scores of {report.n} students, " + ", ".join(
        f"{a:g}–{b:g}: {c}" for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)
    )
    return to_svg(fig, label)


def scatter_svg(report: Report) -> str:
    """Facility (x) against the corrected item-total correlation (y), flagged questions labelled."""
    fig = _figure(6.4, 3.6)
    ax = fig.add_axes((0.1, 0.14, 0.86, 0.8))
    ax.axvspan(0, TOO_HARD, color="#f3e8e7")
    ax.axvspan(TOO_EASY, 1, color="#f3e8e7")
    ax.axhspan(-1, LOW_DISCRIMINATION, color="#f6f1e3")
    points = [(r, r.facility, r.item_total) for r in report.items if not math.isnan(r.facility)]
    for r, x, y in points:
        y = 0.0 if math.isnan(y) else y
        ax.plot([x], [y], "o", color=FLAG if r.flags else KEY, markersize=6)
        if r.flags:  # labels near the right edge go to the left of their dot, so none is cut off
            left = x > 0.75
            ax.annotate(r.item.id, (x, y), xytext=(-4 if left else 4, 4), textcoords="offset points",
                        ha="right" if left else "left", color=INK, fontsize=8)  # fmt: skip
    ax.set_xlim(0, 1)
    ax.set_ylim(min([-0.2, *(y for *_, y in points if not math.isnan(y))]) - 0.05, 1)
    ax.set_xlabel("facility (share of the points earned)")
    ax.set_ylabel("discrimination (r item-rest)")
    ax.spines[["top", "right"]].set_visible(False)
    flagged = ", ".join(r.item.id for r in report.items if r.flags) or "none"
    return to_svg(fig, f"Facility against discrimination for {len(points)} questions; flagged: {flagged}")


def options_bars(r: ItemReport) -> str | None:
    """What students chose, slot by slot, as HTML bars (share of all students, the key in blue); None
    without choices.

    HTML, not SVG: the option texts wrap at any page width instead of being clipped, and a screen reader
    reads each line as text ("Option A, the key: 41 %").
    """
    if r.options is None or not any(slot.choices for slot in r.options.slots):
        return None
    parts = [f'<div class="bars" role="group" aria-label="{escape(f"What students chose for {r.item.id}")}">']
    for slot in r.options.slots:
        if slot.label:
            parts.append(f"<h4>{escape(slot.label)}</h4>")
        parts += [_bar(c.text, r.share(c.count), c.key) for c in slot.choices]
    return "".join(parts) + "</div>"


def _bar(text: str, share: float, key: bool) -> str:
    label = escape(text) + (" <b>(key)</b>" if key else "")
    width = f"{max(share, 0.0) * 100:.1f}%"
    return (
        f'<div class="bar{" key" if key else ""}"><span class="label">{label}</span>'
        f'<span class="track" aria-hidden="true"><span class="fill" style="display:block;width:{width}"></span>'
        f'</span><span class="pct">{share:.0%}</span></div>'
    )
