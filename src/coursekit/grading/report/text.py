"""The item report as text: a table for the terminal, and a CSV with every statistic (one per line)."""

from __future__ import annotations

import math

from ..safe_csv import csv_text
from .analysis import MIN_STUDENTS, ItemReport, Report

HEADER = ("#", "question", "type", "pts", "facility", "r item-rest", "upper-lower", "blank", "flags")


def fmt(x: float, digits: int = 2) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def title(report: Report) -> str:
    subset = f" ({report.subset})" if report.subset else ""
    return (
        f"{report.assignment}{subset}: {report.n} students, {len(report.items)} questions, {report.max_total:g} points"
    )


def score_line(report: Report) -> str:
    s, top = report.summary, report.max_total or 1
    mean = fmt(s["mean"], 1)
    share = f" ({s['mean'] / top:.0%})" if not math.isnan(s["mean"]) else ""
    spread = f"sd {fmt(s['sd'], 1)}, range {fmt(s['min'], 1)}–{fmt(s['max'], 1)}"
    return f"Scores: mean {mean}{share}, median {fmt(s['median'], 1)}, {spread}"


def reliability_line(report: Report) -> str:
    name = "KR-20 (Cronbach's alpha, 0/1 items)" if report.kr20 else "Cronbach's alpha"
    caveat = " (too few students to mean anything)" if report.n < MIN_STUDENTS else ""
    return (
        f"Reliability: {name} = {fmt(report.alpha)}, from {report.n} students and {len(report.items)} questions{caveat}"
    )


def flags_cell(r: ItemReport) -> str:
    """The flags column: how many flags, or that the question waits for a grader."""
    if r.waiting:
        return "waiting for a grader"
    return str(len(r.flags)) if r.flags else ""


def _row(i: int, r: ItemReport) -> tuple[str, ...]:
    blank = f"{r.blank}" + (f" (+{r.ungraded} ungraded)" if r.ungraded else "")
    return (
        str(i),
        r.item.id,
        r.item.kind,
        f"{r.item.points:g}",
        fmt(r.facility),
        fmt(r.item_total),
        fmt(r.upper_lower),
        blank,
        flags_cell(r),
    )


def table(rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]


def choice_line(r: ItemReport) -> list[str]:
    """One line per slot: each choice with its share of all the students, the key marked with *."""
    if r.options is None:
        return []
    lines = []
    for slot in r.options.slots:
        if not slot.choices:
            continue
        parts = [f"{c.text[:28]}{'*' if c.key else ''} {r.share(c.count):.0%}" for c in slot.choices]
        label = f" [{slot.label[:30]}]" if slot.label else ""
        lines.append(f"  {r.item.id}{label}: " + " · ".join(parts))
    return lines


def render_text(report: Report) -> str:
    """The whole report for a terminal."""
    lines = [title(report), score_line(report), reliability_line(report), ""]
    lines += table([HEADER, *(_row(i, r) for i, r in enumerate(report.items, start=1))])
    lines += [f"warning: {w}" for w in report.warnings]
    flagged = report.flagged()
    if flagged:
        lines += ["", f"Flagged questions ({len(flagged)}):"]
        for r in flagged:
            lines += [f"  {r.item.id}: {flag}" for flag in r.flags]
    waiting = [f"  {r.item.id}: {r.ungraded} answer(s) to grade" for r in report.items if r.waiting]
    if waiting:
        lines += ["", "Waiting for a grader (not flagged until graded):", *waiting]
    chosen = [line for r in report.items for line in choice_line(r)]
    if chosen:
        lines += [
            "",
            f"What students chose (* = the key; shares of all {report.n} students; numeric and text: every answer "
            "given by 2 or more, the rest as 'other answers'):",
            *chosen,
        ]
    return "\n".join(lines)


CSV_COLUMNS = ("scope", "question", "type", "slot", "choice", "is_key", "statistic", "value")


def _quiz_rows(report: Report):
    yield ("quiz", "", "", "", "", "", "students", report.n)
    yield ("quiz", "", "", "", "", "", "questions", len(report.items))
    yield ("quiz", "", "", "", "", "", "max_points", report.max_total)
    yield ("quiz", "", "", "", "", "", "kr20" if report.kr20 else "cronbach_alpha", report.alpha)
    for name, value in report.summary.items():
        yield ("quiz", "", "", "", "", "", f"total_{name}", value)


def _item_rows(r: ItemReport):
    base = ("question", r.item.id, r.item.kind, "", "", "")
    stats = {
        "points": r.item.points,
        "n": r.n,
        "mean_points": r.mean,
        "facility": r.facility,
        "item_rest_r": r.item_total,
        "upper_lower_27": r.upper_lower,
        "blank": r.blank,
        "ungraded": r.ungraded,
        "waiting_for_grader": int(r.waiting),
        "invalid": r.options.invalid if r.options else 0,
        "flags": len(r.flags),
    }
    for name, value in stats.items():
        yield (*base, name, value)
    for flag in r.flags:
        yield (*base, "flag", flag)
    for slot in r.options.slots if r.options else ():
        for c in slot.choices:
            counts = (("chosen", c.count), ("share", r.share(c.count)), ("chosen_upper", c.upper))
            for name, value in (*counts, ("chosen_lower", c.lower)):
                yield ("choice", r.item.id, r.item.kind, slot.label, c.text, int(c.key), name, value)


def _cell(value) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(round(value, 12))
    return str(value)


def render_csv(report: Report) -> str:
    """Every statistic, one per line (scope, question, slot, choice, is_key, statistic, value)."""
    rows = [*_quiz_rows(report), *(row for r in report.items for row in _item_rows(r))]
    return csv_text([CSV_COLUMNS, *([_cell(v) for v in row] for row in rows)])
