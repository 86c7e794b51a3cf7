"""`coursekit export canvas|moodle`: the graded quizzes and the practice sets, one LMS file per bank file.

Graded quizzes are named by their assignment (``treaty-years``); practice sets by ``practice/<file stem>``.
Practice sets export as practice banks: their own files, titled "Practice: ...", in their own Moodle
category. Files go to ``assignments/exports/<target>/``, readable by their owner only (they hold the key).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ...bank.load import load_bank
from ...course import find_course
from ...errors import CourseError
from ..private_files import write_private
from .moodle import MOODLE_TYPES, moodle_xml
from .qti import CANVAS_TYPES, canvas_package

TARGETS = {"canvas": CANVAS_TYPES, "moodle": MOODLE_TYPES}


@dataclass(frozen=True)
class Source:
    name: str  # the assignment, or practice/<stem>
    title: str
    practice: bool
    questions: list


@dataclass
class Exported:
    path: Path
    source: Source
    notes: list[str] = field(default_factory=list)


def bank_sources(bank_dir: Path) -> list[Source]:
    """Every graded quiz, then every practice set, of the bank."""
    bank = load_bank([bank_dir])
    out = []
    for path, f in bank.files.items():
        practice = f.kind == "practice"
        name = f"practice/{Path(path).stem}" if practice else f.assignment
        title = f"Practice: {f.title}" if practice else f.title
        out.append(Source(name, title, practice, list(f.questions)))
    return sorted(out, key=lambda s: (s.practice, s.name))


def choose(sources: list[Source], names: list[str] | None) -> list[Source]:
    if not names:
        return sources
    by_name = {s.name: s for s in sources}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        known = ", ".join(by_name)
        raise CourseError(f"no quiz or practice set named {', '.join(map(repr, unknown))} in the bank (known: {known})")
    return [by_name[n] for n in names]


def _supported(source: Source, target: str) -> tuple[list, list[str]]:
    """The questions the target can take, and a 'skipped' note for each other one."""
    keep = [q for q in source.questions if q.type in TARGETS[target]]
    notes = [
        f"{q.id}: {q.type} → skipped: {target} has no such question type" for q in source.questions if q not in keep
    ]
    return keep, notes


def _description(source: Source) -> str:
    if source.practice:
        return "Practice questions from the course 'U.S. Security Ties With Korea and Japan' (coursekit): ungraded."
    return f"Graded quiz '{source.name}' from the course 'U.S. Security Ties With Korea and Japan' (coursekit)."


def export_one(source: Source, target: str, folder: Path) -> Exported:
    questions, notes = _supported(source, target)
    if not questions:
        raise CourseError(f"{source.name}: no question can be exported to {target}")
    stem = source.name.replace("/", "-")
    if target == "canvas":
        data, more = canvas_package(source.title, _description(source), questions)
        path = write_private(folder / f"{stem}.zip", data)
    else:
        xml, more = moodle_xml(questions, f"coursekit/{source.name}")
        path = write_private(folder / f"{stem}.xml", xml)
    return Exported(path, source, notes + more)


def export_bank(*, target: str, names: list[str] | None = None, out: Path | None = None) -> list[Exported]:
    """One ``target`` file per chosen bank file (default: all) in ``out`` (default: assignments/exports/<target>)."""
    if target not in TARGETS:
        raise CourseError(f"unknown export target '{target}'; use one of: {', '.join(TARGETS)}")
    course = find_course()
    folder = Path(out) if out else course.assignments / "exports" / target
    return [export_one(s, target, folder) for s in choose(bank_sources(course.bank_dir), names)]
