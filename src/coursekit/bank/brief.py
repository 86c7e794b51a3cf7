"""The structure of the reading: its sections and the book chapters that mirror them.

This is the one place that names the brief's sections and the chapter slugs; the
schema, the book plugin and the tests all read it from here. A chapter with no
sections mirrors no part of the brief: it is context beyond the brief.
"""

from __future__ import annotations

from typing import NamedTuple

TITLE = "U.S. Security Ties With Korea and Japan: Getting Beyond Deterrence"
AUTHOR = "Stephan Haggard"
SERIES = "IGCC Policy Brief, April 2021"
LICENSE = "CC BY-NC 4.0"
PERMALINK = "https://escholarship.org/uc/item/9jn4m1ws"

#: Section headings of the brief, in reading order, exactly as the reading prints them
#: (the challenge headings are printed in capitals there; we use title case).
SECTIONS = (
    "Summary",
    "History of the Alliances",
    "Expanding Scope of the Alliances",
    "Current Challenges",
    "Challenge 1",
    "Challenge 2",
    "Challenge 3",
    "A Way Forward",
    "Artificial Intelligence (AI)",
    "5G",
    "Competing Against China's One Belt One Road Initiative",
    "The Bottom Line",
)


class Chapter(NamedTuple):
    slug: str  # the value of a question's `chapter` field and the page label
    file: str  # path of the page inside book/
    title: str  # the page title
    sections: tuple[str, ...]  # the brief's sections the chapter covers; () for a chapter beyond the brief


CHAPTERS = (
    Chapter("summary", "01-summary.md", "Summary", ("Summary",)),
    Chapter("history", "02-history.md", "History of the Alliances", ("History of the Alliances",)),
    Chapter(
        "expanding-scope",
        "03-expanding-scope.md",
        "Expanding Scope of the Alliances",
        ("Expanding Scope of the Alliances",),
    ),
    Chapter(
        "china-question",
        "04-china-question.md",
        "Challenge 1: The China Question",
        ("Current Challenges", "Challenge 1"),
    ),
    Chapter(
        "hub-and-spokes",
        "05-hub-and-spokes.md",
        "Challenge 2: Hub-and-Spokes and the Japan–Korea Relationship",
        ("Challenge 2",),
    ),
    Chapter("pogo-problem", "06-pogo-problem.md", "Challenge 3: The Pogo Problem", ("Challenge 3",)),
    Chapter(
        "way-forward",
        "07-way-forward.md",
        "A Way Forward",
        (
            "A Way Forward",
            "Artificial Intelligence (AI)",
            "5G",
            "Competing Against China's One Belt One Road Initiative",
        ),
    ),
    Chapter("bottom-line", "08-bottom-line.md", "The Bottom Line", ("The Bottom Line",)),
    Chapter("since-the-brief", "09-since-the-brief.md", "Since the Brief (2021–2024)", ()),
)

CHAPTER_SLUGS = tuple(c.slug for c in CHAPTERS)


def chapter(slug: str) -> Chapter:
    """The chapter with this slug (KeyError if there is none)."""
    for c in CHAPTERS:
        if c.slug == slug:
            return c
    raise KeyError(slug)
