"""The book's ``{quiz}`` directive: a MyST executable plugin that turns a practice question id into a widget.

mystmd spawns the plugin once per directive use (``plugins/quiz --directive quiz``, the directive's data as
JSON on stdin, a JSON list of AST nodes on stdout), so a call must be cheap. The bank is validated once and
the practice models are cached in ``_build/`` next to the book, keyed by the bank files' sizes and mtimes;
later calls read that cache with the standard library only.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "notebook" / "static"
ESM, CSS = STATIC / "quiz.mjs", STATIC / "quiz.css"
CACHE_NAME = ".coursekit-quiz-cache.json"
CACHE_VERSION = 1

SPEC = {
    "name": "coursekit quiz",
    "directives": [
        {
            "name": "quiz",
            "doc": "A self-check question from the course's practice bank, rendered by coursekit's quiz widget.",
            "arg": {"type": "string", "required": True, "doc": "The id of a practice question in assignments/bank/"},
        }
    ],
}


class QuizError(Exception):
    """A mistake in a ``{quiz}`` use or in the bank; the message is printed for mystmd to show."""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print(json.dumps(SPEC))
        return 0
    if argv != ["--directive", "quiz"]:
        print(f"coursekit quiz plugin: unexpected arguments {argv}; it provides only `quiz`", file=sys.stderr)
        return 2
    try:
        data = json.load(sys.stdin)
        print(json.dumps(quiz_nodes(data, project=Path.cwd())))
    except QuizError as e:
        print(f"{{quiz}} {e}", file=sys.stderr)
        return 1
    return 0


def quiz_nodes(data: dict, *, project: Path) -> list[dict]:
    """The AST nodes for one ``{quiz} ID`` directive (``project`` is the folder holding myst.yml)."""
    qid = str(data.get("arg") or "").strip()
    line = (data.get("node") or {}).get("position", {}).get("start", {}).get("line")
    where = f"at line {line}: " if line else ""
    if not qid:
        raise QuizError(f"{where}give a practice question id, e.g. ```{{quiz}} hist-war-consequences```")
    for f in (ESM, CSS):
        if not f.is_file():
            raise QuizError(f"{where}the widget file {f} is missing; reinstall coursekit (pip install -e .)")
    models = practice_models(project)
    if qid in models["graded"]:
        raise QuizError(
            f"{where}question '{qid}' belongs to the graded quiz '{models['graded'][qid]}'; a self-check widget "
            "would publish its key. Use a practice question (assignments/bank/practice/) instead."
        )
    if qid not in models["practice"]:
        raise QuizError(
            f"{where}question '{qid}' is not in the bank. Add it to assignments/bank/practice/ "
            "(kind: practice) or fix the id; `coursekit check` lists problems in the bank."
        )
    return [
        {
            "type": "anywidget",
            # A path starting with "/" is resolved by mystmd against the project folder, and path.join
            # normalizes "..", so this reaches the package's own copy of the ESM wherever it is installed.
            "esm": _project_path(ESM, project),
            "css": _project_path(CSS, project),
            "model": {"question": models["practice"][qid], "mode": "practice"},
            "class": "coursekit-quiz",
        }
    ]


def _project_path(path: Path, project: Path) -> str:
    return "/" + os.path.relpath(path, project.resolve()).replace(os.sep, "/")


def practice_models(project: Path) -> dict:
    """``{"practice": {id: q.practice()}, "graded": {id: assignment}}``, from the cache when it is fresh."""
    bank_dir = _bank_dir(project)
    stamp = _stamp(bank_dir)
    cache = project / "_build" / CACHE_NAME
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("stamp") == stamp:
            return cached
    except (OSError, ValueError):
        pass
    fresh = {"stamp": stamp, **_load_models(bank_dir)}
    _write_atomic(cache, json.dumps(fresh))
    return fresh


def _bank_dir(project: Path) -> Path:
    from ..course import find_course
    from ..errors import CourseError

    try:
        return find_course(project).bank_dir
    except CourseError as e:
        raise QuizError(str(e)) from None


def _stamp(bank_dir: Path) -> list:
    """What the cache depends on: every bank file's size and mtime, and the code that builds the models."""
    files = sorted(p for p in bank_dir.rglob("*") if p.suffix in (".yaml", ".yml"))
    code = sorted(Path(__file__).parents[1].rglob("*.py"))  # any module may shape the models; they are few
    return [CACHE_VERSION] + [[str(p), p.stat().st_size, p.stat().st_mtime_ns] for p in files + code]


def _load_models(bank_dir: Path) -> dict:
    from ..bank.load import load_bank
    from ..errors import BankError

    try:
        bank = load_bank([bank_dir])
    except BankError as e:
        raise QuizError("cannot load the question bank:\n" + "\n".join(e.problems)) from None
    practice, graded = {}, {}
    for f in bank.files.values():
        for q in f.questions:
            if f.kind == "practice":
                practice[q.id] = q.practice()
            else:
                graded[q.id] = f.assignment
    return {"practice": practice, "graded": graded}


def _write_atomic(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only book folder only costs speed: every call then loads the bank itself


if __name__ == "__main__":
    sys.exit(main())
