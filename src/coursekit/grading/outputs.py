"""Files written for the instructor (reports, exports): atomically, and readable by their owner only,
since they hold grades, names or the answer key."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .private_files import private_folder


def write_owner_only(path: Path, data: str | bytes) -> Path:
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
