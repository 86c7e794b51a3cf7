"""Writing collected files into ``submitted/<student>/<assignment>/``: the newest copy of each, atomically.

Each student's folder is written complete in a temporary folder beside it, then renamed into place, so a
crash leaves either the earlier collection or the new one, never half of each. An earlier collection is
replaced only with ``--force`` (as nbgrader's ``zip_collect --force``), after checking every student first.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from ...errors import CourseError
from ..quiz_notebook import quiz_of
from .ledger import answers_name
from .lms_match import Candidate

TIMESTAMP = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's Exchange.timestamp_format default


def wanted_files(root: Path, assignment: str) -> set[str]:
    """The files of ``assignment`` a student hands in: its notebooks and, for each quiz, its answers file."""
    notebooks = sorted((root / "source" / assignment).glob("*.ipynb"))
    if not notebooks:
        raise CourseError(f"{root / 'source' / assignment}: no notebooks; is '{assignment}' an assignment here?")
    quizzes = [quiz_of(nbformat.read(p, as_version=4)) for p in notebooks]
    return {p.name for p in notebooks} | {answers_name(q) for q in quizzes if q}


def place_all(root: Path, zf: zipfile.ZipFile, candidates: list[Candidate], done, *, force: bool, limit: int) -> None:
    """Write each student's newest copies (and nbgrader's timestamp.txt); record what was done in ``done``."""
    newest = _newest(candidates, done)
    folders = {s: root / "submitted" / s / done.assignment for s in newest}
    _check_free(folders, force)
    due = _due_date(root, done.assignment)
    for student, files in sorted(newest.items()):
        data = {name: raw for name, c in files.items() if (raw := _read(zf, c, limit, done)) is not None}
        if not data:
            continue
        late = any(c.file.late for c in files.values())
        stamp = done.timestamp if late or due is None else min(done.timestamp, due)
        write_submission(folders[student], data, stamp)
        done.placed[student] = sorted(data)
        if late:
            done.late.append(student)


def _newest(candidates: list[Candidate], done) -> dict[str, dict[str, Candidate]]:
    """student -> canonical name -> its newest copy (Canvas: the last upload; Moodle: the highest copy number)."""
    newest: dict[str, dict[str, Candidate]] = {}
    for c in sorted(candidates, key=lambda c: (c.student, c.canonical, c.file.order, c.copy)):
        older = newest.setdefault(c.student, {}).get(c.canonical)
        if older is not None:
            done.older.append((c.student, c.file.filename, older.file.filename))
        newest[c.student][c.canonical] = c
    return newest


def _check_free(folders: dict[str, Path], force: bool) -> None:
    taken = sorted(s for s, folder in folders.items() if folder.is_dir() and any(folder.iterdir()))
    if taken and not force:
        shown = ", ".join(taken[:5]) + (f" and {len(taken) - 5} more" if len(taken) > 5 else "")
        raise CourseError(
            f"submitted/ already holds this assignment for {shown}; nothing was written. Run again with --force to "
            "replace those folders with this download (their earlier files are removed)"
        )


def _read(zf: zipfile.ZipFile, c: Candidate, limit: int, done) -> bytes | None:
    info = zf.getinfo(c.file.entry)
    try:
        if info.file_size > limit:
            raise ValueError(f"larger than {limit // (1024 * 1024)} MB")
        with zf.open(info) as f:
            raw = f.read(limit + 1)
        if len(raw) > limit:
            raise ValueError(f"larger than {limit // (1024 * 1024)} MB")
    except (ValueError, OSError, zipfile.BadZipFile, NotImplementedError, RuntimeError) as e:
        done.unplaced.append((c.file.entry, f"{c.student}: could not be read from the zip ({e})"))
        return None
    return raw


def write_submission(folder: Path, data: dict[str, bytes], stamp: datetime) -> None:
    """``folder`` holding exactly ``data`` and nbgrader's ``timestamp.txt``, replacing what was there atomically."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.collect-", dir=folder.parent))
    old = folder.parent / f".{folder.name}.replaced-{secrets.token_hex(4)}"
    try:
        for name, raw in data.items():
            (tmp / name).write_bytes(raw)
        (tmp / "timestamp.txt").write_text(stamp.astimezone(UTC).strftime(TIMESTAMP) + "\n", encoding="utf-8")
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o777 & ~mask)  # as a folder made by nbgrader's own collect (mkdtemp makes it 0700)
        if os.path.lexists(folder):
            os.rename(folder, old)
        os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if os.path.islink(old):
        os.unlink(old)
    else:
        shutil.rmtree(old, ignore_errors=True)


def _due_date(root: Path, assignment: str) -> datetime | None:
    """nbgrader's due date of ``assignment`` (UTC), if its gradebook knows one."""
    from nbgrader.api import Gradebook, MissingEntry

    from ..gradebook_rows import configured_db_url

    url = configured_db_url(root)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return None
    with Gradebook(url) as gb:
        try:
            due = gb.find_assignment(assignment).duedate
        except MissingEntry:
            return None
    return due.replace(tzinfo=UTC) if due is not None else None
