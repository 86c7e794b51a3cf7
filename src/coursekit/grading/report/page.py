"""The item report as one self-contained HTML page: plots inline as SVG, styles inline, no script, no CDN.

The page can be shared with colleagues: it names no student unless ``names`` is set, and its plots
never do. Every plot has a text alternative and its numbers are also in a table.
"""

from __future__ import annotations

from html import escape

from . import plots
from .analysis import ItemReport, Report
from .text import flags_cell, fmt, reliability_line, score_line, title

CSS = """
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 0;
       background: #f6f8fa; }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; } h2 { font-size: 1.25rem; margin: 32px 0 8px; }
h3 { font-size: 1.05rem; margin: 0 0 6px; }
.lead { color: #454c54; margin: 0 0 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; }
.card, section.q, figure { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 16px; }
.card b { display: block; font-size: 1.4rem; }
.warn { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 8px; padding: 8px 14px; margin: 12px 0; }
figure { margin: 12px 0; } figcaption { color: #454c54; font-size: .9rem; }
svg { width: 100%; max-width: 100%; height: auto; }
.scroll { overflow-x: auto; max-width: 100%; }
.bars { margin: 8px 0; } .bars h4 { font-size: .95rem; margin: 10px 0 4px; }
.bar { display: grid; grid-template-columns: minmax(0, 1fr) minmax(80px, 40%) 3.5em; gap: 8px; align-items: center;
       margin: 2px 0; }
.bar .label { overflow-wrap: anywhere; } .bar .track { background: #eef1f4; height: 14px; border-radius: 3px; }
.bar .fill { background: #9aa3ad; height: 14px; border-radius: 3px; } .bar.key .fill { background: #1d5c96; }
.bar .pct { text-align: right; font-variant-numeric: tabular-nums; }
@media (max-width: 480px) { main { padding: 16px 10px 32px; } th, td { padding: 4px 5px; } }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: 6px 0; }
th, td { border-bottom: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.flagged td:first-child { border-left: 4px solid #b3261e; }
section.q { margin: 14px 0; } section.q.flagged { border-left: 6px solid #b3261e; }
.prompt { color: #30363d; margin: 0 0 8px; } ul.flags { margin: 6px 0; padding-left: 20px; color: #8c1d18; }
details { margin-top: 6px; } summary { cursor: pointer; color: #0b4f8a; }
.key { font-weight: 600; }
"""


def _stat(label: str, value: str) -> str:
    return f'<div class="card"><b>{escape(value)}</b>{escape(label)}</div>'


def _cards(report: Report) -> str:
    s = report.summary
    mean = "—" if report.n == 0 else f"{fmt(s['mean'], 1)} / {report.max_total:g}"
    alpha = "KR-20" if report.kr20 else "Cronbach's alpha"
    flagged = len(report.flagged())
    return (
        '<div class="cards">'
        + "".join(
            (
                _stat("students", str(report.n)),
                _stat("mean score", mean),
                _stat(f"reliability ({alpha})", fmt(report.alpha)),
                _stat("questions flagged", f"{flagged} of {len(report.items)}"),
            )
        )
        + "</div>"
    )


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _overview_table(report: Report) -> str:
    head = "".join(
        f'<th scope="col"{cls}>{h}</th>'
        for h, cls in (
            ("question", ""),
            ("type", ""),
            ("points", ' class="num"'),
            ("facility", ' class="num"'),
            ("r item-rest", ' class="num"'),
            ("upper–lower 27 %", ' class="num"'),
            ("blank", ' class="num"'),
            ("flags", ""),
        )
    )
    rows = "".join(_overview_row(r) for r in report.items)
    table = f"<table><caption>Every question</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return _scroll(table, "Every question")


def _scroll(table: str, label: str) -> str:
    """A wide table scrolls inside its own box (focusable, named) so the page never scrolls sideways."""
    return f'<div class="scroll" role="region" tabindex="0" aria-label="{escape(label)}">{table}</div>'


def _overview_row(r: ItemReport) -> str:
    blank = f"{r.blank}" + (f" (+{r.ungraded} to grade)" if r.ungraded else "")
    cells = [
        f'<th scope="row"><a href="#q-{escape(r.item.id)}">{escape(r.item.id)}</a></th>',
        f"<td>{escape(r.item.kind)}</td>",
        *(f'<td class="num">{v}</td>' for v in (f"{r.item.points:g}", fmt(r.facility), fmt(r.item_total))),
        f'<td class="num">{fmt(r.upper_lower)}</td><td class="num">{escape(blank)}</td>',
        f"<td>{escape(flags_cell(r))}</td>",
    ]
    return f"<tr{' class=flagged' if r.flags else ''}>{''.join(cells)}</tr>"


def _choices_table(r: ItemReport) -> str:
    rows = []
    for slot in r.options.slots:
        for c in slot.choices:
            key = '<span class="key">key</span>' if c.key else ""
            rows.append(
                f"<tr><td>{escape(slot.label)}</td><td>{escape(c.text)}</td><td>{key}</td>"
                f'<td class="num">{c.count}</td><td class="num">{c.upper}</td><td class="num">{c.lower}</td></tr>'
            )
    head = "".join(
        f'<th scope="col"{" class=num" if n else ""}>{h}</th>'
        for h, n in (("for", 0), ("choice", 0), ("", 0), ("students", 1), ("upper 27 %", 1), ("lower 27 %", 1))
    )
    caption = f"What students chose for {escape(r.item.id)}"
    table = f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return _scroll(table, caption)


def _question(r: ItemReport) -> str:
    flagged = " flagged" if r.flags else ""
    stats = (
        f"{escape(r.item.kind)}, {r.item.points:g} point(s) · facility {fmt(r.facility)} · "
        f"r item-rest {fmt(r.item_total)} · upper–lower {fmt(r.upper_lower)} · blank {r.blank}"
    )
    parts = [f'<section class="q{flagged}" id="q-{escape(r.item.id)}" aria-labelledby="h-{escape(r.item.id)}">']
    parts.append(f'<h3 id="h-{escape(r.item.id)}">{escape(r.item.id)}</h3>')
    if r.item.prompt:
        parts.append(f'<p class="prompt">{escape(r.item.prompt)}</p>')
    parts.append(f"<p>{stats}</p>")
    if r.waiting:
        parts.append(f"<p><b>Waiting for a grader</b>: {r.ungraded} answer(s) still to grade by hand; "
                     "not flagged until they are graded.</p>")  # fmt: skip
    if r.flags:
        parts.append('<ul class="flags">' + "".join(f"<li>{escape(f)}</li>" for f in r.flags) + "</ul>")
    if r.item.kind == "written":
        parts.append("<p>Written response: scored by hand, so it has no options to count.</p>")
    bars = plots.options_bars(r)
    if bars:
        parts.append(bars)
    if r.options is not None and any(s.choices for s in r.options.slots):
        parts.append(f"<details><summary>Counts as a table</summary>{_choices_table(r)}</details>")
    return "".join(parts) + "</section>"


def _names_table(report: Report) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(report.names.get(s, s))}</th><td>{escape(s)}</td>'
        f'<td class="num">{total:g}</td></tr>'
        for s, total in sorted(zip(report.students, report.totals, strict=True), key=lambda p: p[0])
    )
    head = '<tr><th scope="col">name</th><th scope="col">id</th><th scope="col" class="num">total</th></tr>'
    table = f"<table><caption>Totals by student</caption><thead>{head}</thead><tbody>{rows}</tbody></table>"
    return f"<h2>Students</h2>{table}"


def render_html(report: Report, *, names: bool = False) -> str:
    """The whole report page; student names only when ``names`` is true."""
    body = [
        f"<h1>Item analysis: {escape(report.assignment)}</h1>",
        f'<p class="lead">{escape(title(report))}. {escape(score_line(report))}.<br>',
        f"{escape(reliability_line(report))}.</p>",
        _cards(report),
        *(f'<p class="warn" role="note">{escape(w)}</p>' for w in report.warnings),
        "<h2>Scores</h2>",
        _figure(plots.histogram_svg(report), "How the total scores are spread."),
        "<h2>Which questions worked</h2>",
        _figure(
            plots.scatter_svg(report),
            "Each dot is a question. Shaded: too hard (facility below 0.2), too easy (above 0.9), or weak "
            "discrimination (below 0.2). Flagged questions are red and labelled.",
        ),
        _overview_table(report),
        "<h2>Question by question</h2>",
        *(_question(r) for r in report.items),
    ]
    if names:
        body.append(_names_table(report))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Item analysis: {escape(report.assignment)}</title><style>{CSS}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )
