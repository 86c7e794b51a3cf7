"""Every CSV coursekit writes: RFC 4180 quoting, and cells a spreadsheet would run as a formula neutralised.

The rule is OWASP's (CSV Injection, https://owasp.org/www-community/attacks/CSV_Injection; ASVS 4.0
requirement 5.3.10 / ASVS 5 1.2.10): a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab, a carriage
return or a NUL gets a single quote in front, which spreadsheets read as "this is text" and do not show.
Fullwidth ``＝＋－＠`` are treated the same, because some spreadsheets in East Asian locales read them as
formulas too. A cell that is a plain number (``-0.25``, ``1e-3``) is data, not a formula, and is left
alone so that scores and statistics stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0", "＝", "＋", "－", "＠")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: object) -> str:
    """``value`` as CSV cell text that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(TRIGGERS) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """The rows as CSV text (header included by the caller), every cell through ``safe_cell``."""
    out = io.StringIO()
    # RFC 4180's CRLF: the writer then quotes any cell holding a CR or LF, so a name with a stray "\r"
    # cannot split a line in two (with "\n" alone, a bare "\r" went out unquoted).
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
