"""The capstone's data (assignments/materials/since-the-brief/): each figure sourced, in range, as chapter 9 says.

The data are what students compute from and what the chapter's table shows, so a wrong or unsourced figure would
teach a wrong fact twice. Each figure must appear, as written, in the quoted sentence of its source, and each source
must be an entry of the book's reference list.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from coursekit.bank.references import reference_keys

DATA = Path(__file__).resolve().parents[2] / "assignments" / "materials" / "since-the-brief"
TRADE_KEY = ("reporter", "partner", "year", "measure")
POLL_KEY = ("respondents", "about", "year", "impression")


def rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def sources() -> dict[str, dict]:
    return {row["source"]: row for row in rows("sources.csv")}


def figures() -> list[tuple[str, dict]]:
    return [("trade.csv", row) for row in rows("trade.csv")] + [("poll.csv", row) for row in rows("poll.csv")]


def share(trade: list[dict], reporter: str, partner: str, year: int) -> float | None:
    """100 x exports to the partner / exports to the World, from the `exports` rows; None if one is missing."""
    values = {
        r["partner"]: float(r["value"])
        for r in trade
        if (r["reporter"], int(r["year"]), r["measure"]) == (reporter, year, "exports")
    }
    return 100 * values[partner] / values["World"] if {partner, "World"} <= set(values) else None


def stated(trade: list[dict], reporter: str, partner: str, year: int) -> float | None:
    found = [
        float(r["value"])
        for r in trade
        if (r["reporter"], r["partner"], int(r["year"]), r["measure"]) == (reporter, partner, year, "export_share")
    ]
    return found[0] if found else None


@pytest.mark.parametrize(("name", "row"), figures(), ids=lambda x: x if isinstance(x, str) else "-".join(x.values()))
def test_every_figure_is_stated_in_its_source(name, row, sources):
    """Does each figure name a source whose quoted sentences state that very number?"""
    assert row["source"] in sources, f"{name}: source {row['source']!r} is not in sources.csv"
    quote = sources[row["source"]]["quote"]
    assert re.search(rf"(?<![\d.]){re.escape(row['value'])}(?![\d])", quote), (
        f"{name}: {row['value']} is not stated in the quote of {row['source']}"
    )


def test_every_source_is_complete_used_and_in_the_references(repo, sources):
    """Does every source give publisher, title, date, address, definition and a quote, get used by some figure,
    and have an entry in book/references.md (where the chapter cites it)?"""
    keys = reference_keys(repo / "book" / "references.md")
    used = {row["source"] for _, row in figures()}
    assert set(sources) == used
    for key, source in sources.items():
        assert key in keys, f"{key}: no entry in book/references.md"
        assert all(source[f].strip() for f in ("publisher", "title", "date", "url", "definition", "quote")), key
        assert re.fullmatch(r"\d{4}(-\d\d){0,2}", source["date"]) and source["url"].startswith("http"), key


def test_values_are_in_range_and_each_figure_appears_once():
    """Are years 2013-2024, shares and poll percentages between 0 and 100, export values positive, with one row per
    figure and a poll's good and bad shares adding up to at most 100?"""
    trade, poll = rows("trade.csv"), rows("poll.csv")
    for row in trade + poll:
        assert 2013 <= int(row["year"]) <= 2024 and float(row["value"]) > 0, row
    assert all(float(r["value"]) < 100 for r in poll + [r for r in trade if r["measure"] == "export_share"])
    units = {("exports", "USD bn"), ("exports", "JPY tn"), ("export_share", "%")}
    assert {(r["measure"], r["unit"]) for r in trade} <= units
    assert len({tuple(r[k] for k in TRADE_KEY) for r in trade}) == len(trade)
    assert len({tuple(r[k] for k in POLL_KEY) for r in poll}) == len(poll)
    pairs = {}
    for r in poll:
        pairs.setdefault((r["respondents"], r["year"]), []).append(float(r["value"]))
    assert all(sum(v) <= 100 for v in pairs.values())


def test_shares_computed_from_the_values_agree_with_the_stated_shares():
    """Where a source states a share and the data hold both export values, do they agree to within rounding?"""
    trade = rows("trade.csv")
    checked = 0
    for r in [r for r in trade if r["measure"] == "export_share"]:
        computed = share(trade, r["reporter"], r["partner"], int(r["year"]))
        if computed is not None:
            assert abs(computed - float(r["value"])) < 0.05, r
            checked += 1
    assert checked >= 4


def _table(chapter: str) -> dict[str, list[str]]:
    """Chapter 9's table of export shares: row label -> its cells, as written."""
    body = chapter[chapter.index(":label: tbl-export-shares") :].split("```")[0]
    found = {}
    for block in body.split("* - ")[2:]:
        cells = [c.strip() for c in block.strip().split("\n  - ")]
        found[cells[0]] = cells[1:5]
    return found


def test_the_chapter_table_shows_the_stated_and_computed_shares(repo):
    """Does every cell of chapter 9's share table match the data (stated as given, computed to one decimal, and a
    dash where the data have no figure), for every year with a figure?"""
    trade = rows("trade.csv")
    table = _table((repo / "book" / "09-since-the-brief.md").read_text(encoding="utf-8"))
    expected = {}
    for reporter, year in sorted({(r["reporter"], int(r["year"])) for r in trade}):
        cells = []
        for partner in ("China", "United States"):
            given, computed = stated(trade, reporter, partner, year), share(trade, reporter, partner, year)
            cells += [f"{given:.1f}" if given is not None else "–", f"{computed:.1f}" if computed is not None else "–"]
        expected[f"{reporter}, {year}"] = cells
    assert table == expected


def test_every_percentage_the_chapter_gives_for_the_data_is_in_the_data(repo):
    """Is each "NN.N percent" in chapter 9's "What the data show" a figure of the data (stated, or computed)?"""
    text = (repo / "book" / "09-since-the-brief.md").read_text(encoding="utf-8")
    part = text[text.index("### What the data show") : text.index("## Weighing the evidence")]
    trade, poll = rows("trade.csv"), rows("poll.csv")
    shares = [r for r in trade if r["measure"] == "export_share"] + poll
    known = {f"{float(r['value']):.1f}" for r in shares}
    quoted = re.findall(r"(\d+\.\d) (?:to \d+\.\d )?percent", part) + re.findall(r"to (\d+\.\d) percent", part)
    assert quoted and sorted(set(quoted) - known) == []
