"""How Canvas and Moodle name the files of a bulk download ("Download all submissions"), read back.

The rules are read from each LMS's own source:

* Canvas (instructure/canvas-lms ``lib/content_zipper.rb`` at 05e9653c, ``get_filename`` and
  ``add_upload_submission``): ``<name>[_LATE]_<user id>_<attachment id>_<file name>`` in one flat folder. The
  name is the student's sortable name, lower-cased with every non-word character removed; ``_LATE`` marks a late
  submission; with anonymous grading the name is dropped and the id is ``anon_<anonymous id>``. A file uploaded
  again under a name the student's submissions folder already holds is renamed ``<base>-1<ext>``
  (``app/models/attachment.rb``, ``make_unique_filename``: at 145bcce0 ``<ext>`` is the last extension,
  ``treaty-years.answers-1.json``; later versions keep multi-part extensions, ``treaty-years-1.answers.json``).
* Moodle (moodle/moodle ``mod/assign/classes/downloader.php`` at da545523, ``get_student_prefix`` and
  ``load_submissionplugin_filelist``): one folder per student, ``<full name>_<participant id>_assignsubmission_file``
  (underscores in the name become spaces), holding the files as uploaded; with "download as folders" off, the same
  prefix and ``_`` before each file name instead. The participant id is the assignment's own
  (``get_uniqueid_for_user``), not the user's id. A name already taken in the upload area becomes
  ``<base> (1)<ext>`` (``lib/filestorage/file_storage.php`` at 25bd4d9a, ``get_unused_filename``, ``<ext>`` the
  last extension). Moodle's download carries no late flag.

A browser saving a file twice also adds `` (1)``; all these copies are recognised, and the number kept, so the
newest copy can be chosen.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

CANVAS_IDS = re.compile(r"(?=_(\d+)_(\d+)_)")  # overlapping: a name or a file name may hold _<digits>_ too
CANVAS_ANON = re.compile(r"^(LATE_)?anon_([A-Za-z0-9]+)_(\d+)_(.+)$", re.DOTALL)
MOODLE = re.compile(
    r"^(?P<name>[^_/]*)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)(?:/(?P<path>.+)|_(?P<flat>.+))$", re.DOTALL
)


@dataclass(frozen=True)
class LmsFile:
    """One file of a bulk download, as its name tells it."""

    entry: str  # its path in the archive
    who: str  # the LMS's id of the student: Canvas user id, Moodle participant id ("" when anonymous)
    name: str  # the student's name as the LMS wrote it
    filename: str  # the file as uploaded (after the LMS's renaming)
    late: bool = False  # Canvas's _LATE
    order: int = 0  # Canvas's attachment id: a later upload has a larger one


def canvas_file(entry: str, known: Collection[str] = ()) -> LmsFile | None:
    """The Canvas download entry ``entry`` read back; ``known`` user ids settle a name that ends in _<digits>.

    Canvas removes ``_<digits>_`` from names (``sanitize_user_name``), so the first ``_<digits>_<digits>_`` is the
    ids, unless the name ends in ``_<digits>``: then the ids start inside that first match. Only those two
    readings are tried, so digits in a file's own name (``..._1101_9_x.ipynb``) never pick another student."""
    base = entry.rsplit("/", 1)[-1]
    anon = CANVAS_ANON.match(base)
    if anon:
        return LmsFile(entry, "", f"anon_{anon[2]}", anon[4], late=bool(anon[1]), order=int(anon[3]))
    found = [(m.start(), m[1], m[2]) for m in CANVAS_IDS.finditer(base)]
    if not found:
        return None
    first_end = found[0][0] + len(found[0][1]) + len(found[0][2]) + 2  # the first match's last underscore
    readings = [f for f in found if f[0] < first_end]
    chosen = next((f for f in readings if f[1] in known), readings[0])
    start, user, attachment = chosen
    prefix, rest = base[:start], base[start + len(user) + len(attachment) + 3 :]
    late = prefix.endswith("_LATE") or prefix == "LATE"
    name = prefix.removesuffix("_LATE") if prefix != "LATE" else ""
    return LmsFile(entry, user, name, rest, late=late, order=int(attachment)) if rest else None


def moodle_file(entry: str) -> LmsFile | None:
    """The Moodle download entry ``entry`` read back (a folder per student, or the flat layout)."""
    m = MOODLE.match(entry)
    if m is None or m["plugin"] != "file":
        return None
    filename = (m["path"] or m["flat"]).rsplit("/", 1)[-1]
    return LmsFile(entry, m["id"], m["name"], filename) if filename else None


def canonical(filename: str, wanted: Iterable[str]) -> tuple[str, int] | None:
    """(the assignment's file ``filename`` is a copy of, its copy number: 0 for the original), or None.

    ``mini-quiz-1.ipynb``, ``mini-quiz (2).ipynb``, ``mini-quiz.answers-1.json`` and ``mini-quiz-1.answers.json``
    are copies of ``mini-quiz.ipynb`` and ``mini-quiz.answers.json``."""
    for name in wanted:
        for cut in (i for i, c in enumerate(name) if c == "."):
            stem, ext = re.escape(name[:cut]), re.escape(name[cut:])
            m = re.fullmatch(rf"{stem}(?:-(\d+)| ?\((\d+)\))?{ext}", filename)
            if m:
                return name, int(m[1] or m[2] or 0)
    return None
