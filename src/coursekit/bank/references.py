"""The course's reference list (``book/references.md``): the keys a practice question may cite.

An entry is a paragraph preceded by a MyST target line, ``(cha-2016)=``; the book links to it as
``[Cha 2016](#cha-2016)`` and a practice question cites it as ``source: {reference: cha-2016}``.
"""

from __future__ import annotations

import re
from pathlib import Path

# The key grammar is the bank's id grammar, so a key is always a valid MyST label too.
_TARGET = re.compile(r"^\(([a-z0-9][a-z0-9-]*)\)=[ \t]*$")


def reference_keys(path: Path) -> dict[str, int]:
    """Every entry key in the reference page, with the 1-based line of its target."""
    keys: dict[str, int] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        target = _TARGET.match(line)
        if target:
            keys.setdefault(target.group(1), n)
    return keys
