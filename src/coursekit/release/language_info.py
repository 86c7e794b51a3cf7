"""The kernel's ``language_info`` written into released notebooks, so that opening one does not mark it unsaved.

JupyterLab 4 and Notebook 7 write the running kernel's ``language_info`` into a notebook's metadata as soon as the
kernel is up (``NotebookPanel._updateLanguage``; the shared model skips a value equal to the one already there).
A generated notebook holds only ``{"name": "python"}``, so every student's notebook turned "unsaved" the moment
it opened. The release holds what this environment's kernel reports (ipykernel's ``IPythonKernel.language_info``),
which is what students' kernels report where they run the same environment (a course JupyterHub); elsewhere only
the version can differ, and the notebook stops changing on open once the student has saved it. Source notebooks
keep the neutral value, so ``coursekit generate --check`` does not depend on the instructor's Python.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..grading.private_files import replace_file


def kernel_language_info() -> dict | None:
    """What a Python kernel of this environment reports as ``language_info``; None without ipykernel."""
    try:
        from ipykernel.ipkernel import IPythonKernel
    except ImportError:
        return None
    return dict(IPythonKernel.language_info)


def stamp_release(folder: Path, info: dict | None = None) -> int:
    """Write ``info`` (default: this environment's) into every Python notebook under ``folder``; return how many."""
    info = info or kernel_language_info()
    if not info:
        return 0
    done = 0
    for path in sorted(Path(folder).rglob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        meta = nb.setdefault("metadata", {})
        if meta.get("kernelspec", {}).get("language", "python") != "python" or meta.get("language_info") == info:
            continue
        meta["language_info"] = info
        replace_file(path, json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n")
        done += 1
    return done
