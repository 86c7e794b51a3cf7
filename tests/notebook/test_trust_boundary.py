"""The trust boundary in the code itself: what runs in a student's kernel never imports the key's side."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "coursekit"
KEY_SIDE = ("bank", "grading", "release", "book", "cli")


def _imports(path: Path) -> list[str]:
    """Every module a file imports, relative imports resolved against coursekit.notebook."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ["coursekit", "notebook"][: 2 - (node.level - 1)] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found += [module] + [f"{module}.{a.name}" for a in node.names]
    return found


def test_notebook_modules_import_nothing_from_the_key_side():
    """Does no module in coursekit/notebook/ import bank/, grading/, release/, book/ or the CLI (even lazily)?"""
    offenders = {
        path.name: [m for m in _imports(path) if m.startswith(tuple(f"coursekit.{k}" for k in KEY_SIDE))]
        for path in sorted((PACKAGE / "notebook").glob("*.py"))
    }
    assert offenders and not any(offenders.values()), offenders


def test_the_check_sees_a_forbidden_import(tmp_path):
    """Would the scan above catch a lazy relative import of the key (so it is not vacuous)?"""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from ..grading.scoring.key import load_quiz\n")
    assert "coursekit.grading.scoring.key" in _imports(bad)
