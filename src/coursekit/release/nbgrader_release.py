"""``coursekit release``: nbgrader's generate_assignment, guarded so that no key reaches students.

Before: the source notebooks must match the bank (``generate --check``) and no answers file may
sit in source/ (nbgrader copies every file there into the release). After: every file of the
release folder is scanned for the quiz's key (see ``find_leaks``).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from ..bank.schema import BankFile
from ..course import Course, find_course
from ..errors import CourseError
from .generate import build_questions, generate_assignments, selected_quizzes
from .language_info import stamp_release

#: Fields that only the bank may hold; any of them in a released file is a leak (a written question's
#: rubric, its level descriptors, wrong-statement rule, anchor answers and full answer included: they are for graders).
KEY_FIELDS = (
    "answer",
    "answers",
    "accept",
    "core",
    "refuse",
    "match",
    "explanation",
    "key",
    "tolerance",
    "rubric",
    "criterion",
    "descriptor",
    "wrong_statements",
    "anchors",
    "full_answer",
)
_YAML_KEY_FIELD = re.compile(rf"^\s*-?\s*({'|'.join(KEY_FIELDS)})\s*:", re.MULTILINE)


def nbgrader_api(course: Course):
    """nbgrader's API for the course directory assignments/, configured by its nbgrader_config.py."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config, PyFileConfigLoader

    config_file = course.assignments / "nbgrader_config.py"
    config = (
        PyFileConfigLoader(config_file.name, str(config_file.parent)).load_config()
        if config_file.is_file()
        else Config()
    )
    config.CourseDirectory.root = str(course.assignments)  # wherever the course was copied to
    # nbgrader runs the `alembic` command by name when it creates a gradebook; with coursekit
    # called by full path (no activated venv) that command is not on PATH, so put ours first.
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def release_assignments(*, names: list[str] | None = None, force: bool = False) -> list[Path]:
    """Release each quiz with nbgrader; return the release folders. Raise CourseError on any problem."""
    course = find_course()
    generate_assignments(names=names, check=True)
    quizzes = selected_quizzes(course, names)
    for quiz in quizzes:  # every refusal before any release, so a run never stops half-way
        refuse_answers_in_source(course, quiz.assignment)
        target = course.assignments / "release" / quiz.assignment
        if target.exists() and not force:
            raise CourseError(f"{target}: already released; add --force to replace it")
    api = nbgrader_api(course)
    folders = []
    for quiz in quizzes:
        name = quiz.assignment
        target = course.assignments / "release" / name
        print(f"releasing {name} with nbgrader ...", flush=True)
        result = api.generate_assignment(name, force=force, create=True)
        if not result.get("success"):
            last = (result.get("error") or result.get("log") or "no details").strip().splitlines()[-1:]
            raise CourseError(f"nbgrader could not release '{name}': {' '.join(last)}")
        stamp_release(target)  # opening a released notebook must not mark it unsaved (language_info.py)
        leaks = find_leaks(target, quiz)
        if leaks:
            raise CourseError(f"{target}: the release contains the key ({'; '.join(leaks[:3])}); do not distribute it")
        print(f"released {name}: {target.relative_to(course.root)} (checked: no key in {_count(target)} files)")
        folders.append(target)
    return folders


def refuse_answers_in_source(course: Course, name: str) -> None:
    found = sorted((course.assignments / "source" / name).glob("*.answers.json"))
    if found:
        raise CourseError(
            f"{found[0]}: an answers file in source/ would be released to every student; delete it, then release again"
        )


def _count(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file())


def secrets(quiz: BankFile) -> set[str]:
    """Key values (and rubric texts) of the quiz that its public questions file does not show anyway."""
    public = _normalized(build_questions(quiz))
    found: set[str] = set()
    for q in quiz.questions:
        found.add(q.explanation)
        if q.type == "text":
            found.update(q.forms())
        elif q.type == "numeric":
            found.add(f"{q.key()}")
        elif q.type == "written":
            found.update([q.full_answer, *(c.criterion for c in q.rubric), *(a.answer for a in q.anchors)])
            found.update(lv.descriptor for c in q.rubric for lv in c.levels)
            found.update([q.wrong_statements] if q.wrong_statements else [])
    # A one- or two-character number (e.g. "4") is in every notebook's JSON: it cannot be told apart from a leak.
    return {s for s in found if len(s.strip()) >= 3 and not _contains(public, s)}


def _normalized(text: str) -> str:
    return " ".join(text.casefold().split())


def _contains(haystack: str, needle: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(_normalized(needle))}(?!\w)", haystack) is not None


def _strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in (str(k), *_strings(v))]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    return [str(data)]


def _key_fields(data) -> list[str]:
    if isinstance(data, dict):
        return [k for k in data if k in KEY_FIELDS] + [f for v in data.values() for f in _key_fields(v)]
    if isinstance(data, list):
        return [f for v in data for f in _key_fields(v)]
    return []


def find_leaks(folder: Path, quiz: BankFile) -> list[str]:
    """Every place a file under ``folder`` shows a key value or a key field of ``quiz``."""
    hidden = secrets(quiz)
    leaks = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        raw = path.read_bytes().decode("utf-8", errors="replace")
        try:
            data = json.loads(raw)
            text, fields = "\n".join(_strings(data)), _key_fields(data)
        except ValueError:
            text, fields = raw, _YAML_KEY_FIELD.findall(raw)
        if fields:
            leaks.append(f"{path.name}: key field '{fields[0]}'")
        haystack = _normalized(text)
        leaks += [f"{path.name}: '{s[:40]}'" for s in sorted(hidden) if _contains(haystack, s)]
    return leaks
