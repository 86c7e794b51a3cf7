"""Files only the grader may read (the ledger, quarantine records, reports, exports): written atomically, mode 0600.

They hold grades, names, handed-in answers or the answer key, so each is written through a temporary file and a
rename (a reader never sees half a file) into folders only their owner can enter. ``replace_file`` rewrites an
existing file (a graded notebook, a bank file) the same way, keeping its mode.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def private_folder(folder: Path) -> None:
    """Create ``folder`` and the missing folders above it, each enterable by its owner only."""
    missing = [f for f in (folder, *folder.parents) if not f.exists()]
    for f in reversed(missing):
        f.mkdir(mode=0o700, exist_ok=True)


def write_private(path: Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temp file and a rename (mode 0600); returns ``path``."""
    path = Path(path)
    private_folder(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def replace_file(path: Path, text: str) -> None:
    """Replace the existing file ``path`` with ``text`` through a temp file and a rename, keeping its mode."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
