"""The ``coursekit`` command: a thin layer over library functions.

Each subcommand parses its options and calls one function that can also be used from
Python. A CourseError becomes one line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .errors import BankError, CourseError


def _cmd_check(args) -> int:
    from .bank.check import check_course

    report = check_course(paths=args.paths, reading=args.reading, schema_out=args.schema)
    _print_warnings(report.warnings)
    print(report.summary)
    return 0


def _print_warnings(warnings: list[str]) -> None:
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)


def _cmd_book(args) -> int:
    from .book.build import build_book

    build_book(book_dir=args.book, html=not args.no_html, execute=not args.no_execute, html_only=args.html_only)
    return 0


def _cmd_generate(args) -> int:
    from .release.generate import generate_assignments

    generate_assignments(names=args.assignments or None, check=args.check)
    return 0


def _cmd_release(args) -> int:
    from .release.nbgrader_release import release_assignments

    release_assignments(names=args.assignments or None, force=args.force)
    return 0


def _cmd_rubrics(args) -> int:
    from .release.rubrics import write_rubrics

    write_rubrics(names=args.assignments or None, out=args.out, fmt=args.format)
    return 0


def _cmd_grade(args) -> int:
    from .grading.grade import grade_assignment

    report = grade_assignment(
        assignment=args.assignment,
        workers=args.workers,
        scheduler=args.scheduler,
        students=args.student or None,
        progress=not args.quiet,
        force=args.force,
    )
    print(report.summary())
    if args.timings and report.timings:
        parts = ", ".join(f"{part} {ms:.1f} ms" for part, ms in report.timings.items())
        print(f"Time per submission: {parts}.")
    return 0 if report.ok else 1


def _cmd_audit(args) -> int:
    from .grading.audit import audit_assignment

    report = audit_assignment(assignment=args.assignment)
    print(report.summary())
    return report.exit_code


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="coursekit",
        description="Build, release and grade the course 'U.S. Security Ties With Korea and Japan'.",
        epilog="Run `coursekit COMMAND --help` for a command's options. Commands work from anywhere "
        "inside the course repository (or set COURSEKIT_COURSE).",
    )
    p.add_argument("--version", action="version", version=f"coursekit {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    c = sub.add_parser("check", help="validate the question bank (and the book's quiz references)")
    c.add_argument("paths", nargs="*", type=Path, help="bank files or folders (default: assignments/bank)")
    c.add_argument("--reading", type=Path, help="reading to check quotes against (default: book/reading.md)")
    c.add_argument("--schema", type=Path, metavar="FILE", help="also write the bank's JSON Schema to FILE")
    c.set_defaults(func=_cmd_check)

    b = sub.add_parser("book", help="build the book: strict offline content build, then the HTML site")
    b.add_argument("--book", type=Path, default=None, help="book folder (default: the course's book/)")
    b.add_argument("--no-html", action="store_true", help="skip the HTML step (it needs network for the theme)")
    b.add_argument("--no-execute", action="store_true", help="do not execute the book's notebooks")
    b.add_argument("--html-only", action="store_true", help="only try the HTML site (after a content build)")
    b.set_defaults(func=_cmd_book)

    g = sub.add_parser("generate", help="write the quiz notebooks in assignments/source/ from the bank")
    g.add_argument("assignments", nargs="*", help="assignment names (default: all graded quizzes)")
    g.add_argument("--check", action="store_true", help="do not write; exit 1 if a notebook differs from the bank")
    g.set_defaults(func=_cmd_generate)

    r = sub.add_parser("release", help="generate student versions with nbgrader into assignments/release/")
    r.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    r.add_argument("--force", action="store_true", help="overwrite an existing release")
    r.set_defaults(func=_cmd_release)

    ru = sub.add_parser(
        "rubrics",
        help="write the grader's sheet (rubric and full answer) of each written question",
        description="Write a grader's sheet for the written questions of each quiz: the prompt, the points per "
        "criterion and what a full answer contains. It goes to assignments/rubrics/ (never into source/ or "
        "release/, which students receive); keep it open next to formgrader while grading.",
    )
    ru.add_argument("assignments", nargs="*", help="assignment names (default: every quiz with a written question)")
    ru.add_argument("--out", type=Path, metavar="DIR", help="folder for the sheets (default: assignments/rubrics)")
    ru.add_argument("--format", choices=("html", "md"), default="html", help="self-contained HTML or Markdown")
    ru.set_defaults(func=_cmd_rubrics)

    gr = sub.add_parser(
        "grade",
        help="autograde every submission: quizzes in this process without a kernel, code notebooks on Dask workers",
    )
    gr.add_argument("assignment")
    gr.add_argument(
        "--workers", type=int, default=None, help="local worker processes (default: one per core; not with --scheduler)"
    )
    gr.add_argument("--scheduler", metavar="ADDRESS", help="use an existing Dask cluster, e.g. tcp://host:8786")
    gr.add_argument("--student", action="append", help="grade only this student (repeatable)")
    gr.add_argument("--quiet", action="store_true", help="no progress bar")
    gr.add_argument("--force", action="store_true", help="regrade submissions that were already autograded")
    gr.add_argument("--timings", action="store_true", help="say where the time went per submission (quiz assignments)")
    gr.set_defaults(func=_cmd_grade)

    a = sub.add_parser(
        "audit",
        help="check the gradebook against the answers as handed in (exit 0 all match, 1 a mismatch, 2 could not audit)",
    )
    a.add_argument("assignment")
    a.set_defaults(func=_cmd_audit)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except BankError as e:
        _print_warnings(e.warnings)
        for line in e.problems:
            print(f"error: {line}", file=sys.stderr)
        also = f" (and {len(e.warnings)} warning(s))" if e.warnings else ""
        print(f"coursekit: {len(e.problems)} problem(s) found{also}.", file=sys.stderr)
        return 1
    except CourseError as e:
        print(f"coursekit: {e}", file=sys.stderr)
        return e.exit_code
    except ModuleNotFoundError as e:
        if (e.name or "").partition(".")[0] == "coursekit":
            raise  # a broken install of coursekit itself: a developer needs the traceback
        # `pip install coursekit` is the lean student install; every command here needs the instructor tools.
        print(
            f"coursekit {args.command}: needs the instructor and grader tools (Python package '{e.name}' is "
            "missing): pip install 'coursekit[course]'",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print("coursekit: interrupted; nothing was left half-written.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
