"""The reading (the brief) as the course ships it, and checks of quotes against it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from .brief import SECTIONS

# Markup that is not part of the words: emphasis, code ticks, <u>, footnote marks.
_INLINE = re.compile(r"</?u>|[*_`]|\[\^\w+\]")
# Markup at the start of a line: headings, block quotes, list bullets, footnote definitions.
_LINE_START = re.compile(r"^[ \t]*(?:#+|>|[-+*]|\[\^\w+\]:)[ \t]+", re.MULTILINE)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<(https?://[^>]+)>")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "\u00ad": None})
_DASH = re.compile(r"\s*(?:—|---?|―)\s*")  # an em dash, typed or not, with or without spaces
_EN_DASH = re.compile(r"\s*–\s*")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")


def normalize(text: str) -> str:
    """Drop Markdown markup, unify quote marks and dashes, collapse spacing.

    So a quote typed by an author matches the reading across line breaks, emphasis,
    curly vs straight quotes and spaced vs unspaced dashes; the words must still match.
    """
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _LINE_START.sub(" ", text)
    text = _AUTOLINK.sub(r"\1", _LINK.sub(r"\1", text))
    text = _INLINE.sub("", text)
    text = _EN_DASH.sub("–", _DASH.sub("—", text))
    return re.sub(r"\s+", " ", text).strip()


def load_reading(path: Path) -> str:
    """The normalized text of the reading page."""
    return normalize(path.read_text(encoding="utf-8"))


def load_sections(path: Path) -> dict[str, str]:
    """The normalized text of each of the brief's sections; key "" holds everything else on the page."""
    parts: dict[str, list[str]] = {"": []}
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = _HEADING.match(line)
        if heading:
            title = heading.group(2).strip()
            current = title if title in SECTIONS else ""
            parts.setdefault(current, [])
            continue
        parts[current].append(line)
    return {name: normalize("\n".join(lines)) for name, lines in parts.items()}


def quote_in_reading(quote: str, reading: str) -> bool:
    """Is ``quote`` verbatim in the (normalized) reading?"""
    return normalize(quote) in reading


def sections_with(quote: str, sections: Mapping[str, str]) -> list[str]:
    """The sections (as named in ``load_sections``) whose text contains ``quote``."""
    wanted = normalize(quote)
    return [name for name, text in sections.items() if wanted in text]
