"""Does a quote typed by an author match the reading despite markup, quote marks, dashes and line breaks?"""

from __future__ import annotations

import pytest

from coursekit.bank.brief import SECTIONS
from coursekit.bank.reading import load_reading, load_sections, normalize, quote_in_reading, sections_with


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("one\ntwo\n\n  three", "one two three"),
        ("“San Francisco System”", '"San Francisco System"'),
        ("each other‘s ’throats’", "each other's 'throats'"),
        ("not *whether* but **around what**", "not whether but around what"),
        ("not _whether_ but `around what`", "not whether but around what"),
        ("Korea—the United States", "Korea—the United States"),
        ("Korea — the United States", "Korea—the United States"),
        ("Korea -- the United States", "Korea—the United States"),
        ("U.S. – Japan", "U.S.–Japan"),
        ("hub-and-spokes", "hub-and-spokes"),  # a hyphen is a word's own letter, not a dash
        ("beyond.[^1]", "beyond."),
        ("- more permissive guidelines;\n- a restructured Forum", "more permissive guidelines; a restructured Forum"),
        ("## Summary\nJapan and Korea", "Summary Japan and Korea"),
        ("> quoted\n> on two lines", "quoted on two lines"),
        ("[the brief](https://example.org/x)", "the brief"),
        ("<u>underlined</u> words", "underlined words"),
        ("non\u00a0breaking\u2009spaces", "non breaking spaces"),
        ("an ellipsis…", "an ellipsis..."),
    ],
)
def test_normalize(text, normal):
    """Does normalisation drop markup and unify quotes, dashes and spacing, keeping the words?"""
    assert normalize(text) == normal


def test_quote_with_emphasis_and_line_break_is_found(repo):
    """Is a quote found when the reading italicises words and the author breaks the line?"""
    reading = load_reading(repo / "book/reading.md")
    assert quote_in_reading("The important point is not whether interests\nare aligned but around what", reading)
    assert quote_in_reading("Japan and Korea — the United States’ two key allies", reading)
    assert not quote_in_reading("The important point is whether interests are aligned", reading)


def test_sections_follow_the_brief(repo):
    """Are the reading's sections exactly the brief's, with the page's notes kept apart?"""
    sections = load_sections(repo / "book/reading.md")
    assert set(sections) == {"", *SECTIONS}
    assert sections_with("we have met the enemy and he is us", sections) == ["Challenge 3"]
    assert sections_with("This page reproduces the course's reading", sections) == [""]
    assert sections_with("a sentence that is in no section", sections) == []
