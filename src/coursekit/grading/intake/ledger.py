"""The grading ledger: each submission's answers file as it was handed in, taken before grading.

When grading starts for a submission, its ``<quiz>.answers.json`` is read from ``submitted/`` (safely,
see ``handin.py``) and recorded here with its SHA-256 and the time, in
``<course>/assignments/.coursekit/ledger/<assignment>/<student>.json`` (mode 0600; no student code ever
runs with access to it). Scores, the audit and the item report are all computed from these bytes.

The answers file is preferred whenever one was handed in (even one that is refused). Only without it are the
answers the quiz notebook carries taken (``notebook_answers.py``): rebuilt into an answers file's bytes, recorded
the same way. ``source`` says which: "answers file", "notebook", or "none" (neither held an answer).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ...notebook.answers import MAX_BYTES
from ..private_files import write_private
from .answers_file import HandedIn, parse_answers
from .handin import Found, read_regular
from .notebook_answers import MAX_NOTEBOOK, Carried, HandedNotebook, carried_answers
from .quarantine import quarantined, said

VERSION = 1
ANSWERS_FILE, NOTEBOOK, NONE = "answers file", "notebook", "none"  # where an entry's answers came from


@dataclass(frozen=True)
class Entry:
    """One quiz notebook's answers file, as handed in by one student."""

    assignment: str
    student: str
    quiz: str
    file: str  # the answers file's name
    recorded_at: str  # ISO 8601, UTC
    sha256: str = ""  # of the bytes read; "" when there were none
    size: int = 0
    refused: str = ""  # why the file was not read (a symlink, a FIFO, too large...)
    raw: bytes | None = None  # the bytes read (from a notebook: rebuilt); None when absent or refused
    source: str = ANSWERS_FILE  # ANSWERS_FILE, NOTEBOOK (``file`` is then the notebook) or NONE
    added_cells: int = 0  # cells the student added to the quiz notebook (ignored in grading)
    bank_version: str = ""  # the version of the bank that scored these answers (scoring.key.key_version)

    def handed_in(self) -> HandedIn:
        """The answers this entry records, parsed strictly."""
        if self.refused:
            return HandedIn(problem=f"{self.refused}; it was ignored")
        if self.source == NONE:
            return HandedIn(problem=f"no answers file was handed in, and {self.file} carries no answers", present=False)
        return parse_answers(self.raw, self.file if self.source == ANSWERS_FILE else f"the answers in {self.file}")

    def as_json(self) -> dict:
        raw = None if self.raw is None else base64.b64encode(self.raw).decode("ascii")
        return {**self.__dict__, "raw": raw}

    @classmethod
    def from_json(cls, data: dict) -> Entry:
        raw = data.get("raw")
        return cls(**{**data, "raw": None if raw is None else base64.b64decode(raw)})


def answers_name(quiz: str) -> str:
    return f"{quiz}.answers.json"


def ledger_dir(root: Path) -> Path:
    """Where the ledger of the nbgrader course directory ``root`` lives."""
    return Path(root) / ".coursekit" / "ledger"


def take(
    root: Path,
    submission: Path,
    assignment: str,
    student: str,
    quiz: str,
    notebook: HandedNotebook | None = None,
    bank_version: str = "",
) -> Entry:
    """Read the quiz's answers file from the ``submission`` folder (under ``root``) and record it, with the version of
    the bank about to score it; without one, the answers ``notebook`` carries (see the module doc)."""
    entry = replace(look(root, submission, assignment, student, quiz, notebook), bank_version=bank_version)
    _save(root, entry)
    return entry


def look(
    root: Path, submission: Path, assignment: str, student: str, quiz: str, notebook: HandedNotebook | None = None
) -> Entry:
    """The entry ``take`` would record now, without recording it (the audit compares it with the recorded one)."""
    where = (root, Path(submission), assignment, student)
    found = _read(*where, answers_name(quiz), MAX_BYTES)
    if found.data is not None or found.refused:
        entry = _entry(assignment, student, quiz, answers_name(quiz), found)
    else:
        entry = _from_notebook(where, quiz, notebook)
    return replace(entry, added_cells=notebook.added_cells if notebook else 0)


def _read(root: Path, submission: Path, assignment: str, student: str, name: str, limit: int) -> Found:
    found = read_submitted(Path(root) / "submitted", submission, name, limit)
    if found.data is None and not found.refused:
        return _moved_away(root, assignment, student, name) or found
    return found


def _from_notebook(where: tuple, quiz: str, notebook: HandedNotebook | None) -> Entry:
    """The entry of a submission without an answers file: what its quiz notebook carries, if anything."""
    root, _, assignment, student = where
    if notebook is None:  # a caller that knows no notebook: no answers file, as before notebooks carried answers
        return _entry(assignment, student, quiz, answers_name(quiz), Found(None))
    found = _read(*where, notebook.name, MAX_NOTEBOOK)
    if found.refused:
        return _entry(assignment, student, quiz, notebook.name, found, NOTEBOOK)
    carried = carried_answers(found.data, notebook.questions, notebook.name) if found.data else Carried()
    if carried.raw is None and not carried.refused:  # nothing here; the notebook handed in may have been moved aside
        moved = _moved_away(root, assignment, student, notebook.name)
        return _entry(assignment, student, quiz, notebook.name, moved or Found(None), NOTEBOOK if moved else NONE)
    return _entry(assignment, student, quiz, notebook.name, Found(carried.raw, carried.refused), NOTEBOOK)


def restamp(root: Path, assignment: str, student: str, versions: dict[str, str]) -> None:
    """Record that the bank at ``versions`` (quiz -> version) has re-scored this submission's entries; the answers
    as handed in are kept as they are (``coursekit regrade``)."""
    current = entries_of(root, assignment, student)
    changed = {
        q: replace(e, bank_version=versions[q])
        for q, e in current.items()
        if versions.get(q, e.bank_version) != e.bank_version
    }
    if changed:
        _write(root, assignment, student, {**current, **changed})


def _moved_away(root: Path, assignment: str, student: str, name: str) -> Found | None:
    """Why the answers file is not there, if quarantine moved it (or the whole folder) away."""
    moved = quarantined(root, assignment, student)
    if name in moved:
        return Found(None, f"{name} was {said(moved[name])}")
    if "." in moved:
        return Found(None, f"the submission folder was {said(moved['.'])}")
    return None


def read_submitted(submitted: Path, submission: Path, name: str, limit: int = MAX_BYTES) -> Found:
    """The file ``name`` of a submission folder, read without following anything below ``submitted``."""
    # abspath, not resolve(): resolving would follow a symlinked submission folder to someone else's.
    try:
        parts = Path(os.path.abspath(submission)).relative_to(os.path.abspath(submitted)).parts
    except ValueError:  # a custom directory layout: trust the folder's parent instead
        submitted, parts = submission.parent, (submission.name,)
    return read_regular(submitted, (*parts, name), limit)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _entry(assignment: str, student: str, quiz: str, name: str, found: Found, source: str = ANSWERS_FILE) -> Entry:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    data = found.data
    sha = digest(data) if data is not None else ""
    size = len(data) if data is not None else 0
    return Entry(assignment, student, quiz, name, now, sha, size, found.refused, data, source)


def _path(root: Path, assignment: str, student: str) -> Path:
    return ledger_dir(root) / assignment / f"{student}.json"


def entries_of(root: Path, assignment: str, student: str) -> dict[str, Entry]:
    """quiz -> Entry for one submission ({} when nothing was recorded)."""
    try:
        data = json.loads(_path(root, assignment, student).read_text(encoding="utf-8"))
        return {quiz: Entry.from_json(e) for quiz, e in data["quizzes"].items()}
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise LedgerError(f"{_path(root, assignment, student)}: the ledger entry is damaged ({e})") from None


def entry(root: Path, assignment: str, student: str, quiz: str) -> Entry | None:
    return entries_of(root, assignment, student).get(quiz)


def students(root: Path, assignment: str) -> list[str]:
    """Students with a ledger entry for ``assignment``."""
    folder = ledger_dir(root) / assignment
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


class LedgerError(Exception):
    """A ledger file cannot be read; the message names it."""


def _save(root: Path, new: Entry) -> None:
    current = entries_of(root, new.assignment, new.student)
    current[new.quiz] = new
    _write(root, new.assignment, new.student, current)


def _write(root: Path, assignment: str, student: str, entries: dict[str, Entry]) -> None:
    quizzes = {quiz: e.as_json() for quiz, e in sorted(entries.items())}
    payload = {"version": VERSION, "assignment": assignment, "student": student, "quizzes": quizzes}
    write_private(_path(root, assignment, student), json.dumps(payload, indent=1, sort_keys=True))
