"""A submission's ``timestamp.txt``: read bounded, and accepted only as one time written the way nbgrader writes it.

nbgrader reads it whole and unbounded (``CourseDirectory.get_existing_timestamp`` in nbgrader/coursedir.py,
0.9.6; the same in jupyter/nbgrader v0.9.5, commit 8563de4f): a 10 MB file cost 45–90 s in ``dateutil``, a FIFO
would block it, a link to ``/dev/zero`` would fill memory, and on a bad one its error path (``self.fail``, which
CourseDirectory lacks) raises. nbgrader's exchange writes ``strftime("%Y-%m-%d %H:%M:%S.%f %Z")``
(exchange/abc/exchange.py) and ``zip_collect`` writes ``isoformat(" ")`` (apps/zipcollectapp.py), so a date, a
time and at most a zone is all a real one holds.
What passes here is then parsed by nbgrader itself (``utils.parse_utc``), so the gradebook gets nbgrader's value.
"""

from __future__ import annotations

import re
from pathlib import Path

from .handin import read_regular

TIMESTAMP = "timestamp.txt"
MAX_BYTES = 100  # nbgrader's own are about 30 bytes
_SHAPE = re.compile(
    r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?"  # date and time, as nbgrader and isoformat write them
    r"( ?(Z|[+-]\d{2}(:?\d{2})?|[A-Za-z][A-Za-z0-9_/:+-]{0,39}))?"  # a zone: Z, an offset, a name (KST, UTC+09:00)
)
EXAMPLE = "2021-04-01 12:00:00.000000 UTC"


def timestamp_problem(folder: Path) -> str:
    """Why the submission's ``timestamp.txt`` is refused; "" when it is fine or absent (nbgrader allows both)."""
    found = read_regular(Path(folder), (TIMESTAMP,), MAX_BYTES)
    if found.refused:
        return found.refused
    if found.data is None:
        return ""
    return text_problem(found.data)


def text_problem(data: bytes) -> str:
    """Why these bytes are not one time as nbgrader writes it ("" when they are, or hold only white space)."""
    try:
        text = data.decode("ascii").strip()
    except UnicodeDecodeError:
        return f"{TIMESTAMP} holds characters that are not ASCII; a time looks like {EXAMPLE}"
    if not text:
        return ""  # nbgrader warns and takes the submission as having no time
    if not _SHAPE.fullmatch(text):
        return f"{TIMESTAMP} does not hold one time; a time looks like {EXAMPLE}"
    from nbgrader.utils import parse_utc

    try:
        parse_utc(text)
    except (ValueError, OverflowError):
        return f"{TIMESTAMP} holds a date or time that does not exist; a time looks like {EXAMPLE}"
    return ""
