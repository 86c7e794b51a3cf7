"""Bulk downloads laid out exactly as Canvas and Moodle write them, for the tests of the LMS route.

Ported from each LMS's own source (the rules, not the code), so the tests do not depend on what coursekit
expects:

* Canvas, instructure/canvas-lms ``lib/content_zipper.rb`` at 05e9653c: ``get_filename`` joins the sanitized
  sortable name, ``LATE`` for a late submission and the user id with ``_`` (``compact.join``), then removes every
  non-word character (``sanitize_file_name``); ``sanitize_user_name`` first drops the underscores around digits
  in the name and lower-cases it; ``add_upload_submission`` appends ``_<attachment id>_<display name>`` with
  ``[\\x00/\\\\:*?"<>|]+`` replaced by ``_``. All entries sit in one flat folder.
  A resubmitted file that keeps its name is renamed by ``Attachment.make_unique_filename``
  (``app/models/attachment.rb``): at 145bcce0, ``<base>-<n><last extension>``; later versions take the
  multi-part extension (``(\\.[A-Za-z][A-Za-z0-9]*)*(\\.[A-Za-z0-9]*)$``), giving ``<stem>-<n>.answers.json``.
* Moodle, moodle/moodle ``mod/assign/classes/downloader.php`` at da545523: ``get_student_prefix`` is the full
  name with ``_`` replaced by a space, ``_`` and the participant id (``get_uniqueid_for_user``), through
  ``clean_filename``; with "download as folders" (the default, ``assign_downloadasfolders`` 1) each file sits in
  ``<prefix>_assignsubmission_file`` + its file path (``/``) + its name. ``lib/filestorage/file_storage.php`` at
  25bd4d9a, ``get_unused_filename``: a taken name becomes ``<base> (<n>).<last extension>``.
  The grading worksheet's participant column is "Identifier", holding "Participant <id>"
  (``mod/assign/feedback/offline/importgradeslib.php`` at 9762977c; lang string ``recordid``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path


def canvas_entry(sortable_name: str, user_id: int, attachment_id: int, display_name: str, late: bool = False) -> str:
    """The name Canvas gives one uploaded file in "Download Submissions"."""
    user = re.sub(r"_(\d+)_", r"\1", sortable_name)
    user = re.sub(r"^(\d+)$", r"\1", user).lower()
    prefix = re.sub(r"[^\w]", "", "_".join([user, *(["LATE"] if late else []), str(user_id)]))
    display = re.sub(r'[\x00/\\:*?"<>|]+', "_", display_name)
    return f"{prefix}_{attachment_id}_{display}"


def canvas_copy(display_name: str, n: int, *, modern: bool) -> str:
    """The display name of the n-th copy of a file Canvas already holds under ``display_name``."""
    if modern:
        ext = re.search(r"(\.[A-Za-z][A-Za-z0-9]*)*(\.[A-Za-z0-9]*)$", display_name)
        cut = ext.start() if ext else len(display_name)
    else:
        cut = display_name.rfind(".") if "." in display_name else len(display_name)
    return f"{display_name[:cut]}-{n}{display_name[cut:]}"


def moodle_entry(full_name: str, participant: int, filename: str) -> str:
    """The path Moodle gives one uploaded file in "Download all submissions" (download as folders)."""
    prefix = f"{full_name.replace('_', ' ')}_{participant}"
    return f"{prefix}_assignsubmission_file/{filename}"


def moodle_copy(filename: str, n: int) -> str:
    """The name Moodle gives a file uploaded again under a taken name (PHP pathinfo: the last extension)."""
    base, dot, ext = filename.rpartition(".")
    return f"{base} ({n}).{ext}" if dot else f"{filename} ({n})"


def moodle_worksheet(rows: list[tuple[int, str, str, str]]) -> str:
    """A grading worksheet CSV: (participant id, full name, email, ID number) per student."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Identifier", "Full name", "Email address", "ID number", "Status", "Grade", "Maximum Grade"])
    for participant, name, email, number in rows:
        w.writerow([f"Participant {participant}", name, email, number, "Submitted for grading", "", "9.00"])
    return out.getvalue()


def write_zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path
