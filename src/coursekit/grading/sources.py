"""The instructor's side of a quiz at grading time: its source notebook and its key, read once per process.

Which notebooks are quizzes, and what their cells are, always comes from ``source/<assignment>/``
(written by `coursekit generate`, never touched by students); the key comes from the bank.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from ..course import find_course
from .feedback.book_links import BookLinks, load_book_links
from .intake.handin import read_regular
from .intake.notebook_answers import MAX_NOTEBOOK
from .intake.quarantine import move_aside, quarantined, record
from .quiz_notebook import quiz_of
from .scoring.key import key_version, load_quiz, show_key_setting

_notebooks: dict[tuple, NotebookNode | None] = {}
_keys: dict[tuple, Key] = {}


@dataclass(frozen=True)
class Key:
    """What scoring a quiz needs: its questions (with the key), whether feedback shows the key, where it links."""

    questions: list
    show_key: bool
    book: BookLinks = BookLinks()
    version: str = ""  # key_version(questions): which version of the bank scores with this key


def source_path(coursedir, assignment: str, notebook: str) -> Path:
    folder = coursedir.format_path(coursedir.source_directory, ".", assignment)
    return Path(folder) / f"{notebook}.ipynb"


def only_quizzes(coursedir, assignment: str) -> bool:
    """Is every notebook in ``source/<assignment>/`` a coursekit quiz (so grading needs no kernel)?"""
    folder = Path(coursedir.format_path(coursedir.source_directory, ".", assignment))
    notebooks = sorted(folder.glob("*.ipynb"))
    return bool(notebooks) and all(quiz_of(_read_cached(p) or {}) for p in notebooks)


def source_notebook(coursedir, assignment: str, notebook: str) -> NotebookNode | None:
    """The instructor's source notebook (a fresh copy each call is not needed: callers copy it)."""
    return _read_cached(source_path(coursedir, assignment, notebook))


def _read_cached(path: Path) -> NotebookNode | None:
    try:
        stamp = (str(path), path.stat().st_mtime_ns, path.stat().st_size)
    except OSError:
        return None
    if stamp not in _notebooks:
        _notebooks[stamp] = nbformat.read(path, as_version=4)
    return _notebooks[stamp]


def quiz_key(coursedir, quiz: str) -> Key:
    """The quiz's questions with their key, and the show_key setting, loaded once per bank change."""
    course = find_course(Path(coursedir.root))
    bank_file = course.bank_dir / f"{quiz}.yaml"
    stamp = (str(course.root), quiz, _mtime(bank_file), _mtime(course.settings))
    if stamp not in _keys:
        book = load_book_links(course)
        questions = list(load_quiz(course, quiz).questions)
        _keys[stamp] = Key(questions, show_key_setting(course), book, key_version(questions))
    return _keys[stamp]


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def repair_quiz_notebook(root: Path, path: Path, assignment: str, student: str) -> str:
    """Put the released quiz notebook in place of a handed-in one nbgrader could not read; say why ("" if fine)."""
    source = _read_cached(Path(root) / "source" / assignment / path.name)
    if source is None or quiz_of(source) is None:
        return ""
    why = _unreadable(path)
    if not why:
        return ""
    replaced = {"replaced_by": "the released notebook"}
    if os.path.lexists(path):  # renamed, never replaced: an earlier one kept there stays too
        move_aside(root, path.parent, assignment, student, [(path.name, {"kind": why, **replaced})])
    else:  # intake moved it aside already (it was a link, a FIFO...): its record says what it was
        moved = quarantined(root, assignment, student)
        moved[path.name] = {"kind": why, **moved.get(path.name, {}), **replaced}
        record(root, assignment, student, moved)
    text = nbformat.writes(source)
    _write_atomically(path, text if text.endswith("\n") else text + "\n")  # as nbformat.write ends it
    return why


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # O_EXCL: no link followed
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _unreadable(path: Path) -> str:
    if not os.path.lexists(path):
        return "missing after quarantine"
    found = read_regular(path.parent, (path.name,), MAX_NOTEBOOK)
    if found.data is None:
        return found.refused or "missing"
    try:
        nbformat.validate(nbformat.reads(found.data.decode("utf-8"), as_version=4))
    except Exception as e:  # any way a handed-in file fails to be a notebook
        return f"not a readable notebook ({type(e).__name__})"
    return ""
