"""The gradebook CSV importers of Canvas and Moodle, ported: which student and grade each line becomes.

* Canvas, ``app/models/gradebook_importer.rb`` of instructure/canvas-lms (read through the search tools;
  the index kept no commit for it): ``row_has_student_headers`` (column 1 contains "Student", column 2
  "ID"), ``update_column_count`` (then "SIS User ID" and "SIS Login ID"; the last student column must
  contain "Section"), ``check_for_non_student_row`` (a "Points Possible" line), ``strip_non_assignment_
  columns`` ("Final Points" and the like are skipped) and ``process_student`` (the Canvas user id in "ID",
  else the SIS user id, else the SIS login id, else the name).
* Moodle, ``grade/import/csv/classes/load_data.php`` (commit 162f42f0dae3758c9e9b9973749b0a7cd28d9312):
  ``map_user_data_with_value`` (one column mapped to id, idnumber, email or username), and
  ``prepare_import_grade_data``: a line whose user cannot be found stops the whole import;
  ``update_grade_item``: '' or '-' is no grade, anything else must be a number.
"""

from __future__ import annotations

import csv
import io
import re

NON_ASSIGNMENT = ("Current Score", "Current Points", "Current Grade", "Final Score", "Final Points",
                  "Final Grade", "Override Score", "Override Grade", "Override Status")  # fmt: skip


class ImportStopped(Exception):
    """The LMS would refuse the file (Moodle: the whole import)."""


def canvas_import(text: str, users: dict[str, dict]) -> dict[str, dict[str, str]]:
    """Canvas user id -> {assignment: grade} for every line Canvas matches; ``users`` maps Canvas user id to
    its 'sis_user_id' and 'login'. An unmatched line raises ImportStopped (Canvas would ask by hand)."""
    rows = list(csv.reader(io.StringIO(text)))
    head = rows[0]
    if not (len(head) > 3 and "Student" in head[0] and "ID" in head[1]):
        raise ImportStopped("invalid header row")
    if not (re.search(r"SIS\s+User\s+ID", head[2]) and re.search(r"SIS\s+Login\s+ID", head[3])):
        raise ImportStopped("no SIS columns where Canvas looks for them")
    if "Section" not in head[4]:
        raise ImportStopped("the last student column is not Section")
    assignments = [(j, h) for j, h in enumerate(head[5:], start=5) if not any(n in h for n in NON_ASSIGNMENT)]
    by_sis = {u["sis_user_id"]: uid for uid, u in users.items() if u.get("sis_user_id")}
    by_login = {u["login"]: uid for uid, u in users.items() if u.get("login")}
    found = {}
    for row in rows[1:]:
        if "Points Possible" in row[0]:
            continue
        uid = row[1] if row[1] in users else by_sis.get(row[2]) or by_login.get(row[3])
        if uid is None:
            raise ImportStopped(f"no Canvas user for line {row[:4]}")
        found[uid] = {h: row[j].strip() for j, h in assignments}
    return found


def moodle_import(text: str, column: str, field: str, users: list[dict]) -> dict[str, dict[str, float | None]]:
    """Moodle user id -> {grade item: grade}; ``column`` is mapped ('Map from') to user ``field``
    ('Map to': id, idnumber, email or username), every other column to the grade item of the same name."""
    rows = list(csv.DictReader(io.StringIO(text)))
    index = {str(u[field]): u["id"] for u in users}
    items = [h for h in rows[0] if h not in (column, "First name", "Last name", "nbgrader id")] if rows else []
    found = {}
    for row in rows:
        value = row[column].strip()
        if not value or value not in index:
            raise ImportStopped(f"user mapping error: no user with {field} '{value}'")
        found[index[value]] = {item: _moodle_grade(row[item].strip()) for item in items}
    return found


def _moodle_grade(value: str) -> float | None:
    if value in ("", "-"):
        return None
    try:
        return float(value)
    except ValueError:
        raise ImportStopped(f"bad grade '{value}'") from None
