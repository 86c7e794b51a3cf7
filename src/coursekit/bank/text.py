"""How the bank compares short texts: Unicode-normalised, case-folded, punctuation-free, single-spaced."""

from __future__ import annotations

import re
import unicodedata


def normalize_text(text: str) -> str:
    """Lower case, no punctuation, single spaces: how short answers are compared."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if unicodedata.category(c)[0] in "PSZ" else c for c in text)
    return re.sub(r"\s+", " ", text).strip()
