"""Reading a file from a student's submission folder safely: no symlinks, no FIFOs or devices, bounded size.

Everything under ``submitted/`` was written by a student. A file that is a symbolic link (to another
student's answers, or to ``/dev/zero``), a FIFO that would block a reader forever, a device, or a huge
file must never be followed, waited on or read whole. Every path component is opened with
``O_NOFOLLOW`` relative to the one before, so a symlinked folder is caught too.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
    stat.S_IFLNK: "a symbolic link",
}


@dataclass(frozen=True)
class Found:
    """What was found at a path: its bytes (None when absent or refused) and, if refused, why."""

    data: bytes | None
    refused: str = ""  # "" when the file was read (or simply is not there)


def kind_of(mode: int) -> str:
    """A person's name for a file type that is not a regular file."""
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def read_regular(base: Path, parts: tuple[str, ...], limit: int) -> Found:
    """Read ``base/parts...`` if every part is a real folder and the last a regular file of at most ``limit`` bytes.

    ``base`` itself is trusted (the course's own ``submitted/`` folder). Never follows a symlink, never
    blocks on a FIFO, never reads more than ``limit + 1`` bytes. Never raises for what it finds.
    """
    try:
        fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as e:
        return Found(None, f"cannot open {base} ({e.strerror})")
    try:
        return _walk(fd, parts, limit)
    finally:
        os.close(fd)


def _walk(fd: int, parts: tuple[str, ...], limit: int) -> Found:
    *folders, name = parts
    for i, folder in enumerate(folders):
        try:
            child = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
        except OSError as e:
            refusal = _refusal(e, "/".join(parts[: i + 1]), folder=True, link=_is_link(folder, fd))
            if i:  # `fd` was opened here; the caller closes the first one
                os.close(fd)
            return refusal
        if i:
            os.close(fd)
        fd = child
    try:
        return _read_file(fd, name, limit)
    finally:
        if folders:
            os.close(fd)


def _read_file(dir_fd: int, name: str, limit: int) -> Found:
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY
    try:
        fd = os.open(name, flags, dir_fd=dir_fd)
    except OSError as e:
        return _refusal(e, name, folder=False)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Found(None, f"{name} is {kind_of(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            return Found(None, f"{name} is larger than {_size(limit)}")
        data = _read_at_most(fd, limit + 1)
    except OSError as e:
        return Found(None, f"{name} could not be read ({e.strerror})")
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while we looked
        return Found(None, f"{name} is larger than {_size(limit)}")
    return Found(data)


def _size(limit: int) -> str:
    return f"{limit // 1024} kB" if limit >= 1024 else f"{limit} bytes"


def _read_at_most(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left > 0:
        chunk = os.read(fd, min(left, 65536))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=dir_fd).st_mode)
    except OSError:
        return False


def _refusal(error: OSError, shown: str, *, folder: bool, link: bool = False) -> Found:
    if error.errno == errno.ENOENT:
        return Found(None)  # simply not there
    if error.errno == errno.ELOOP or link:
        return Found(None, f"{shown} is a symbolic link")
    if error.errno == errno.ENOTDIR:
        return Found(None, f"{shown} is not a folder" if folder else f"{shown}: a folder above it is a symbolic link")
    return Found(None, f"{shown} could not be opened ({error.strerror})")
