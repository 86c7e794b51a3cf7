"""The intake decision for one submission folder, made once before nbgrader lists or copies anything in it.

Intake is an allow-list: a submission is real folders and regular files within the budget (``budget.py``), a
``timestamp.txt`` that holds one time, and nothing else. One walk (``walk.py``) sees the whole tree; then

* over budget, a symlinked or unreadable folder, or a ``timestamp.txt`` that is not one small regular file holding
  a time: the submission is **refused whole**. Its folder is renamed into quarantine untouched (never half
  processed) and is graded not at all; the caller says so in one line naming the student and the reason;
* otherwise every entry that is not a regular file (a link, FIFO, socket, device or hard link) is renamed into
  quarantine, and the rest is **admitted**: ``files`` is then exactly what may be copied or read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .budget import Budget
from .quarantine import move_aside, refuse_whole
from .timestamp import TIMESTAMP, timestamp_problem
from .walk import walk

# A student id is shown by formgrader, which writes it into its pages unescaped, and names folders: letters,
# digits and . _ @ + - only (a JupyterHub or e-mail login fits), so markup in a folder name never reaches a page.
STUDENT_ID = re.compile(r"[\w.@+-]{1,128}")


@dataclass(frozen=True)
class Admission:
    """What intake decided for one submission folder."""

    student: str
    files: tuple[str, ...] = ()  # admitted regular files, relative to the folder ("/"-separated)
    moved: dict = field(default_factory=dict)  # relative path -> what it was, moved aside this time
    refused: str = ""  # why the whole submission was refused ("" when admitted)
    moved_to: str = ""  # where a refused folder now is, relative to the course directory

    def line(self) -> str:
        """The grader's one line about a refused submission."""
        where = f"; its folder was moved whole to {self.moved_to}" if self.moved_to else ""
        return f"refused at intake: {self.refused}{where} (nothing was deleted)"


def admit(*, root: Path, folder: Path, assignment: str, student: str, budget: Budget) -> Admission:
    """Decide ``folder``, ``submitted/<student>/<assignment>`` of the course directory ``root`` (see the module doc)."""
    root, folder = Path(os.path.abspath(root)), Path(os.path.abspath(folder))  # never resolve(): it follows links
    if not os.path.lexists(folder):
        return Admission(student, refused="there is no submission folder")
    why = _unsafe_id(student) or _not_a_real_folder(folder)
    tree = None if why else walk(str(folder), budget)
    if tree is not None:
        why = tree.over or _timestamp_refused(folder, tree.odd)
    if why:
        return _refuse(root, folder, assignment, student, why)
    try:
        moved = move_aside(root, folder, assignment, student, tree.odd)
    except OSError as e:  # cannot be made safe in place: then not graded at all
        return _refuse(root, folder, assignment, student, f"an entry could not be moved aside ({e.strerror})")
    return Admission(student, tuple(rel for rel, _ in tree.files), moved)


def _unsafe_id(student: str) -> str:
    if STUDENT_ID.fullmatch(student) and student not in (".", ".."):
        return ""
    return ("the student id (its folder's name in submitted/) holds characters other than letters, digits and "
            ". _ @ + -; rename the folder to the student's id")  # fmt: skip


def _not_a_real_folder(folder: Path) -> str:
    for path, what in ((folder.parent, "the student's folder"), (folder, "the submission folder")):
        if os.path.islink(path):
            return f"{what} is a symbolic link"
    return "" if os.path.isdir(folder) else "the submission folder is not a folder"


def _timestamp_refused(folder: Path, odd: list[tuple[str, dict]]) -> str:
    """A ``timestamp.txt`` moved aside would make a late submission look on time: refuse instead."""
    for rel, what in odd:
        if rel == TIMESTAMP:
            return f"{TIMESTAMP} is {what.get('kind', 'not a regular file')}"
    return timestamp_problem(folder)


def _refuse(root: Path, folder: Path, assignment: str, student: str, why: str) -> Admission:
    linked_student = os.path.islink(folder.parent)
    try:
        dest = refuse_whole(root, folder.parent if linked_student else folder, assignment, student, why)
    except OSError as e:
        return Admission(student, refused=f"{why}; it could not be moved to quarantine ({e.strerror}), so it stays")
    return Admission(student, refused=why, moved_to=str(dest.relative_to(root)))
