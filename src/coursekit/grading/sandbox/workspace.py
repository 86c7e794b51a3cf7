"""A grading kernel's throwaway folder on the grader's side, its own copy of one submission, and (as root) its uid.

Layout of ``<tmp>/coursekit-sandbox-<id>/``: ``ipc/`` holds the kernel's connection file (and, without
a sandbox, its Unix sockets), ``work/`` the kernel's working folder when there is no sandbox (in one,
the copy goes into the sandbox's own scratch space instead), ``home/`` its HOME when there is no
sandbox, ``kernel.log`` what the kernel printed outside any cell, ``owner`` the grading process.
Nothing is ever copied back; ``remove()`` deletes it all, and ``sweep_stale()`` the boxes of a
grader that was killed.

As root, every folder gets a uid of its own from ``UID_RANGE`` (the folder's name claims it, atomically),
so the process limit counts this kernel's processes only. The copy takes regular files only: it never
follows a symlink, refuses hard links (a second name of a file that may live outside the submission),
FIFOs, devices and sockets, and stops at ``Limits.submission_mb``. Notebooks are left out: the
autograded ``.ipynb`` holds the hidden tests of cells that have not run yet.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import stat
import tempfile
from pathlib import Path

from . import cgroups
from .limits import MB

UID_RANGE = (2_100_000_000, 2_100_065_536)  # unlikely to belong to anyone; never written to /etc/passwd
MAX_FILES = 10_000
MAX_DEPTH = 32
CHUNK = MB


class TooLarge(Exception):
    """The submission's files exceed the copy bound."""


class Box:
    def __init__(self, root: Path, uid: int):
        self.root, self.uid = root, uid  # uid -1: the kernel keeps the grader's own uid (not root)
        self.ipc, self.work, self.home = root / "ipc", root / "work", root / "home"
        self.log = root / "kernel.log"
        self.connection = self.ipc / "kernel.json"

    @classmethod
    def create(cls) -> Box:
        root, uid = _claim()
        box = cls(root, uid)
        for folder in (box.ipc, box.work, box.home):
            folder.mkdir(mode=0o700)
            box._own(folder)
        return box

    def _own(self, path: Path) -> None:
        if self.uid >= 0:
            os.chown(path, self.uid, self.uid, follow_symlinks=False)

    def hand_over(self, path: str) -> None:
        """Let the kernel read a file the grader wrote for it (its connection file)."""
        self._own(Path(path))

    def fill(self, source: Path, limit_mb: int, dest: Path | None = None) -> int:
        """Copy ``source`` (the submission's folder) into ``dest`` (default ``work/``); returns the bytes copied."""
        budget = _Budget(limit_mb * MB if limit_mb else None)
        try:
            _copy_tree(Path(source), dest or self.work, budget, self._own, depth=0)
        except OSError as e:
            if e.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
                raise TooLarge("its files do not fit in the space the notebook may write") from None
            raise
        return budget.used

    def last_log_line(self) -> str:
        try:
            with open(self.log, "rb") as f:
                f.seek(max(0, os.fstat(f.fileno()).st_size - 4096))
                lines = [ln for ln in f.read().decode("utf-8", "replace").splitlines() if ln.strip()]
        except OSError:
            return ""
        return lines[-1].strip() if lines else ""

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _claim() -> tuple[Path, int]:
    tmp = Path(tempfile.gettempdir())
    if os.geteuid() != 0:
        root = Path(tempfile.mkdtemp(prefix="coursekit-sandbox-"))
        _sign(root)
        return root, -1
    for _ in range(100):
        uid = random.randrange(*UID_RANGE)
        root = tmp / f"coursekit-sandbox-{uid}"
        try:
            root.mkdir(mode=0o711)  # atomic: the uid is ours while the folder exists
        except FileExistsError:
            continue
        root.chmod(0o711)  # the kernel's uid must traverse it (umask may have narrowed mkdir's mode)
        _sign(root)
        return root, uid
    raise RuntimeError(f"no free sandbox uid in {UID_RANGE} after 100 tries: remove stale {tmp}/coursekit-sandbox-*")


def _sign(root: Path) -> None:
    """Write which process made the box, so that a box whose grader was killed can be swept later."""
    (root / "owner").write_text(_identity(os.getpid()))


def _identity(pid: int) -> str:
    """A process id with its start time (a pid alone may be reused); '' if there is no such process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return f"{pid} {fields[19]}"
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return ""
        except PermissionError:
            pass
        return str(pid)


def sweep_stale() -> int:
    """Remove the boxes (and cgroups) of graders that died without cleaning up (a killed worker); returns how many."""
    swept, tmp = 0, Path(tempfile.gettempdir())
    for root in tmp.glob("coursekit-sandbox-*"):
        try:
            owner = (root / "owner").read_text()
        except OSError:
            continue  # being created right now, or not ours to judge
        if owner and _identity(int(owner.split()[0])) != owner:
            shutil.rmtree(root, ignore_errors=True)
            swept += 1
    return swept + cgroups.sweep_stale(tmp)


class _Budget:
    def __init__(self, limit: int | None):
        self.limit, self.used, self.files = limit, 0, 0

    def count_file(self) -> None:
        self.files += 1
        if self.files > MAX_FILES:
            raise TooLarge(f"it has more than {MAX_FILES} files")

    def add(self, size: int) -> None:
        self.used += size
        if self.limit is not None and self.used > self.limit:
            raise TooLarge(f"its files add up to more than {self.limit // MB} MB")


def _copy_tree(src: Path, dest: Path, budget: _Budget, own, *, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise TooLarge(f"its folders are nested more than {MAX_DEPTH} deep")
    with os.scandir(src) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(st.st_mode):
                (dest / entry.name).mkdir(mode=0o755)
                own(dest / entry.name)
                _copy_tree(Path(entry.path), dest / entry.name, budget, own, depth=depth + 1)
            elif _plain_file(st) and not entry.name.endswith(".ipynb"):
                _copy_file(entry.path, dest / entry.name, budget)
                own(dest / entry.name)


def _plain_file(st: os.stat_result) -> bool:
    """A regular file with one name: not a symlink, FIFO, device or socket, nor a hard link."""
    return stat.S_ISREG(st.st_mode) and st.st_nlink == 1


def _copy_file(src: str, dest: Path, budget: _Budget) -> None:
    # O_NOFOLLOW + fstat: the file read is the plain file we looked at, never what a link points to.
    fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as f:
        if not _plain_file(os.fstat(f.fileno())):
            return
        budget.count_file()
        with open(dest, "xb") as out:
            while chunk := f.read(CHUNK):
                budget.add(len(chunk))
                out.write(chunk)
    dest.chmod(0o644)
