"""The reading (the brief) as the course ships it, and checks of quotes against it."""

from __future__ import annotations

import re
from pathlib import Path

_MARKUP = re.compile(r"</?u>|[*_#>`]|\[\^?\d+\]|^\s*-\s", re.MULTILINE)
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "—", "–": "–"})


def normalize(text: str) -> str:
    """Drop Markdown markup and collapse spacing, so a quote matches across line breaks."""
    text = _MARKUP.sub(" ", text.translate(_QUOTES))
    return re.sub(r"\s+", " ", text).strip()


def load_reading(path: Path) -> str:
    """The normalized text of the reading page."""
    return normalize(path.read_text(encoding="utf-8"))


def quote_in_reading(quote: str, reading: str) -> bool:
    """Is ``quote`` verbatim in the (normalized) reading?"""
    return normalize(quote) in reading
