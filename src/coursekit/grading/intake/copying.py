"""Copying an admitted submission's files beside its graded notebook: what nbgrader would copy, safely, in linear time.

``coursekit grade`` copies what nbgrader's ``BaseConverter.init_assignment`` copies: every file that
``utils.find_all_files(source, coursedir.ignore + ["*.ipynb"])`` lists. nbgrader decides each entry with
``is_ignored``, which globs the entry's whole folder once per pattern, so its listing is quadratic in the
entries of a folder (2,000 empty folders: 10 s here). The rule it applies is ported here and run on the
intake walk's list instead (nbgrader 0.9.6 ``nbgrader/utils.py``: ``is_ignored`` and ``find_all_files``, the same
in jupyter/nbgrader v0.9.5, commit 8563de4f; CPython 3.11 ``glob.py``: ``_glob0``, ``_glob1``, ``_ishidden``):

* a name is ignored when a pattern without glob magic equals it, or a pattern with magic ``fnmatchcase``-es
  it, a name starting with "." matching only a pattern that starts with "." too;
* a folder that is ignored (the submission folder itself included) hides everything under it.

Where nbgrader's glob would read a folder's own path as a pattern (a ``[``, ``*`` or ``?`` in it) or a pattern
spans folders, nbgrader's ``is_ignored`` itself decides. tests/grading/test_intake_walk.py checks the port
against ``find_all_files`` on generated trees. Each copy opens its source with ``O_NOFOLLOW`` and copies
only a regular file, at most the size it had when opened.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import stat

from nbgrader.utils import is_ignored

CHUNK = 1 << 20


class NotRegular(OSError):
    """A file to copy turned out not to be a regular file (or grew) after intake admitted it."""


def to_copy(folder: str, files: tuple[str, ...] | list[str], ignore: list[str]) -> list[str]:
    """The admitted ``files`` (relative to ``folder``) that nbgrader's ``find_all_files(folder, ignore)`` lists."""
    if glob.has_magic(folder) or any(os.sep in p for p in ignore):
        return [rel for rel in files if not _nbgrader_hides(folder, rel, ignore)]
    hidden_dirs: dict[str, bool] = {"": _ignored(os.path.basename(folder), ignore)}
    return [rel for rel in files if not _hidden(rel, folder, ignore, hidden_dirs)]


def _hidden(rel: str, folder: str, ignore: list[str], hidden_dirs: dict[str, bool]) -> bool:
    parent, _, name = rel.rpartition("/")
    if _dir_hidden(parent, folder, ignore, hidden_dirs):
        return True
    if glob.has_magic(parent):
        return is_ignored(os.path.join(folder, rel), ignore)
    return _ignored(name, ignore)


def _dir_hidden(rel: str, folder: str, ignore: list[str], hidden_dirs: dict[str, bool]) -> bool:
    """Is the folder ``rel`` (or one above it) ignored? Memoised per folder: the walk lists each once."""
    if rel not in hidden_dirs:
        parent, _, name = rel.rpartition("/")
        hidden_dirs[rel] = _dir_hidden(parent, folder, ignore, hidden_dirs) or (
            is_ignored(os.path.join(folder, rel), ignore) if glob.has_magic(parent) else _ignored(name, ignore)
        )
    return hidden_dirs[rel]


def _ignored(name: str, patterns: list[str]) -> bool:
    """nbgrader's ``is_ignored`` for one name in a folder whose path has no glob magic (see the module doc)."""
    for pattern in patterns:
        if not glob.has_magic(pattern):
            if name == pattern:
                return True
        elif fnmatch.fnmatchcase(name, pattern) and (pattern[:1] == "." or name[:1] != "."):
            return True
    return False


def _nbgrader_hides(folder: str, rel: str, ignore: list[str]) -> bool:
    """nbgrader's own decision for ``rel``: it or a folder above it (up to ``folder`` itself) is ignored."""
    path = os.path.join(folder, rel)
    while True:
        if is_ignored(path, ignore):
            return True
        if path == folder:
            return False
        path = os.path.dirname(path)


def copy_regular(source: str, dest: str) -> None:
    """Copy the regular file ``source`` to ``dest`` (replacing it) as ``shutil.copy`` does, never following a link."""
    fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(f"{source} is no longer a regular file")
        if os.path.lexists(dest):
            os.unlink(dest)
        out = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            _copy_bytes(fd, out, info.st_size)
            os.fchmod(out, stat.S_IMODE(info.st_mode) & 0o777)  # shutil.copy's copymode, without set-id bits
        finally:
            os.close(out)
    finally:
        os.close(fd)


def _copy_bytes(fd: int, out: int, size: int) -> None:
    left = size
    while left > 0:
        chunk = os.read(fd, min(left, CHUNK))
        if not chunk:
            return
        left -= len(chunk)
        while chunk:
            chunk = chunk[os.write(out, chunk) :]
    if os.read(fd, 1):
        raise NotRegular("a file grew while it was copied")
