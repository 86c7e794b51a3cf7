"""The item report's plots, drawn with matplotlib as inline SVG: score histogram, facility vs discrimination,
and one bar chart per question of what students chose. No plot ever shows a student's name or id.

Option charts are plain SVG bars labelled directly (see options_svg): a reader wants the option text next to
its bar, and there is one chart per question.
"""

from __future__ import annotations

import io
import math
import re
from html import escape

from . import stats as st
from .analysis import LOW_DISCRIMINATION, TOO_EASY, TOO_HARD, ItemReport, Report

KEY = "#1d5c96"  # the key's bars (a dark blue: 7:1 on white)
OTHER = "#9aa3ad"  # other choices
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
    counts, edges = st.histogram(report.totals, report.max_total, bins=min(10, max(1, int(report.max_total))))
    fig = _figure(6.4, 2.6)
    ax = fig.add_axes((0.09, 0.18, 0.88, 0.74))
    ax.bar(edges[:-1], counts, width=edges[1] - edges[0], align="edge", color=KEY, edgecolor="white")
    ax.set_xlabel(f"total score (of {report.max_total:g} points)")
    ax.set_ylabel("students")
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
        if r.flags:
            ax.annotate(r.item.id, (x, y), xytext=(4, 4), textcoords="offset points", color=INK, fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_ylim(min(-0.2, *(y for *_, y in points if not math.isnan(y))) - 0.05, 1)
    ax.set_xlabel("facility (share of the points earned)")
    ax.set_ylabel("discrimination (r item-rest)")
    ax.spines[["top", "right"]].set_visible(False)
    flagged = ", ".join(r.item.id for r in report.items if r.flags) or "none"
    return to_svg(fig, f"Facility against discrimination for {len(points)} questions; flagged: {flagged}")


ROW = 20  # pixels per bar in an option chart
LABEL_W, BAR_W = 300, 260  # label column and the bar for 100 %


def options_svg(r: ItemReport) -> str | None:
    """Bars of the share of students who chose each choice, slot by slot, the key in blue; None without choices.

    Drawn as plain SVG (rectangles and text), not with matplotlib: a report has one chart per question,
    and matplotlib's figure and axes machinery cost about 25 ms each for what is a list of bars.
    """
    if r.options is None or not any(slot.choices for slot in r.options.slots):
        return None
    rows = _bar_rows(r)
    height, width = ROW * len(rows) + 4, LABEL_W + BAR_W + 50
    parts = [_svg_row(i, *row) for i, row in enumerate(rows)]
    label = escape(f"What students chose for {r.item.id}; the key is marked")
    return (
        f'<svg role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" font-size="12" font-family="sans-serif">'
        + "".join(parts)
        + "</svg>"
    )


def _svg_row(i: int, text: str, share: float, key: bool, heading: bool) -> str:
    y = i * ROW + ROW // 2 + 2
    if heading:
        return f'<text x="{LABEL_W - 6}" y="{y}" text-anchor="end" dominant-baseline="middle" font-weight="bold" fill="{INK}">{escape(text)}</text>'  # noqa: E501
    label = escape(text + (" (key)" if key else ""))
    bar = max(share * BAR_W, 0.5)
    return (
        f'<text x="{LABEL_W - 6}" y="{y}" text-anchor="end" dominant-baseline="middle" fill="{INK}">{label}</text>'
        f'<rect x="{LABEL_W}" y="{i * ROW + 3}" width="{bar:.1f}" height="{ROW - 6}" fill="{KEY if key else OTHER}"/>'
        f'<text x="{LABEL_W + bar + 4:.1f}" y="{y}" dominant-baseline="middle" fill="{INK}">{share:.0%}</text>'
    )


def _bar_rows(r: ItemReport) -> list[tuple[str, float, bool, bool]]:
    """(text, share, is key, is a slot heading) per bar; shares are of the students who answered."""
    answered = max(r.n - r.blank, 1)
    rows = []
    for slot in r.options.slots:
        if slot.label:
            rows.append((_clip(slot.label, 44), 0.0, False, True))
        rows += [(_clip(c.text, 40), c.count / answered, c.key, False) for c in slot.choices]
    return rows


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
