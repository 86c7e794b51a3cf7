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


def _cmd_collect(args) -> int:
    from .grading.intake.lms_download import collect_download

    done = collect_download(
        assignment=args.assignment,
        archive=args.zip,
        lms=args.lms,
        roster=args.roster,
        worksheet=args.worksheet,
        force=args.force,
    )
    print(done.summary())
    return 0


def _cmd_audit(args) -> int:
    from .grading.audit import audit_assignment

    report = audit_assignment(assignment=args.assignment)
    print(report.summary())
    return report.exit_code


def _cmd_formgrader(args) -> int:
    from .grading.formgrader import run_formgrader

    return run_formgrader(port=args.port, lab=args.lab)


def _cmd_answers(args) -> int:
    from .grading.review.answers import decide_group, review_answers
    from .grading.review.listing import answers_text

    if args.accept is None and args.refuse is None:
        found = review_answers(assignment=args.assignment, question=args.question)
        print(answers_text(found, assignment=args.assignment, everything=args.all))
        return 0
    field, group = ("accept", args.accept) if args.accept is not None else ("refuse", args.refuse)
    print(decide_group(assignment=args.assignment, question=args.question, group=group, field=field).summary())
    return 0


def _cmd_regrade(args) -> int:
    from .grading.regrade.run import regrade_assignment

    report = regrade_assignment(
        assignment=args.assignment, dry_run=args.dry_run, feedback=args.feedback, progress=not args.quiet
    )
    print(report.summary())
    return 0 if not report.feedback_failed else 1


def _cmd_report(args) -> int:
    from .grading.report.run import report_assignments

    done = report_assignments(
        assignments=args.assignments,
        section=args.section,
        roster=args.roster,
        students=args.student or None,
        names=args.names,
        out=args.out,
        html=not args.no_html,
    )
    for written in done:
        print(written.text)
        files = [str(p) for p in (written.html, written.csv) if p is not None]
        print(f"\nwrote {' and '.join(files)}\n")
    return 0


def _cmd_export_bank(args) -> int:
    from .grading.export.bank import export_bank

    for done in export_bank(target=args.target, names=args.quizzes or None, out=args.out):
        print(f"{done.source.name}: {len(done.source.questions)} question(s) -> {done.path}")
        for note in done.notes:
            print(f"  {note}")
    return 0


def _cmd_export_grades(args) -> int:
    from .grading.export.grades import export_grades

    done = export_grades(
        assignments=args.assignments, to=args.to, out=args.out, roster=args.roster, match_by=args.match_by
    )
    for line in done.gaps:
        print(f"note: {line}")
    print(f"{len(done.sheet.students)} student(s), {len(done.sheet.assignments)} assignment(s) -> {done.path}")
    return 0


REPORT_HELP = """Item analysis of graded assignments, from the gradebook and the answers as handed in (no kernel).
Per question: facility (mean score / points), discrimination (corrected item-total r and the
upper-lower 27 % index), what students chose (key marked), blanks; per quiz: the score spread
and reliability (Cronbach's alpha, KR-20 for 0/1 items). Questions are flagged, with the reason,
when too easy (> 0.9), too hard (< 0.2), weakly or negatively discriminating (< 0.2), when a
distractor was never chosen, or when the top group preferred a distractor to the key.
Writes REPORTS/<assignment>.html (plots, shareable: no names unless --names) and .csv.
Sections come from a roster CSV (columns: id, section; default assignments/roster.csv)."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="coursekit",
        description="Build, release and grade the course 'U.S. Security Ties With Korea and Japan'.",
        epilog="Run `coursekit COMMAND --help` for a command's options. Commands work from anywhere "
        "inside the course repository (or set COURSEKIT_COURSE).",
    )
    p.add_argument("--version", action="version", version=f"coursekit {__version__}")
    p.set_defaults(func=_helper(p))  # `coursekit` alone: the help, not argparse's "required" error
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    parsers = (_course_parsers, _rubrics_parser, _collect_parser, _grading_parsers, _review_parsers)
    for add in (*parsers, _report_parser, _export_parser):
        add(sub)
    return p


def _helper(parser: argparse.ArgumentParser):
    def show(_args) -> int:
        parser.print_help()
        return 0

    return show


def _course_parsers(sub) -> None:
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

    g = sub.add_parser(
        "generate",
        help="write the quiz notebooks in assignments/source/ from the bank, with a copy of each assignment's "
        "hand-written materials (assignments/materials/<name>/: data, a code exercise)",
    )
    g.add_argument("assignments", nargs="*", help="assignment names (default: all graded quizzes)")
    g.add_argument("--check", action="store_true", help="do not write; exit 1 if a file differs from bank or materials")
    g.set_defaults(func=_cmd_generate, names_in="assignments")

    r = sub.add_parser("release", help="generate student versions with nbgrader into assignments/release/")
    r.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    r.add_argument("--force", action="store_true", help="overwrite an existing release")
    r.set_defaults(func=_cmd_release, names_in="assignments")


def _rubrics_parser(sub) -> None:
    ru = sub.add_parser(
        "rubrics",
        help="write the grader's sheet (rubric, anchors and full answer) of each written question and essay",
        description="Write a grader's sheet for the written questions of each quiz, and for each essay in "
        "assignments/bank/essays/: the prompt, each criterion with its scored levels, the rule for wrong "
        "statements, three anchor answers with their scores, and what a full answer contains. It goes to "
        "assignments/rubrics/ (never into source/ or release/, which students receive); keep it open next to "
        "formgrader while grading.",
    )
    every = "every quiz with a written question, and every essay"
    ru.add_argument("assignments", nargs="*", help=f"quiz names or essay ids (default: {every})")
    ru.add_argument("--out", type=Path, metavar="DIR", help="folder for the sheets (default: assignments/rubrics)")
    ru.add_argument("--format", choices=("html", "md"), default="html", help="self-contained HTML or Markdown")
    ru.set_defaults(func=_cmd_rubrics, names_in="assignments", kinds={"essays": True})


COLLECT_HELP = """Place an LMS's bulk download of one assignment ("Download all submissions") in
assignments/submitted/<student>/<ASSIGNMENT>/, as nbgrader's collect would, for courses without a JupyterHub.
Each file goes to its roster student (Canvas: by the Canvas user ID in the roster's lms_id column; Moodle: by
the grading worksheet's ID number or email with --worksheet, else by exact full name) under its own name:
the LMS's renamed copies are recognised and the newest kept. Writes nbgrader's timestamp.txt (the download's
time; no later than nbgrader's due date unless the LMS marks it late). Prints the late students, the files it
could not place and why, and the roster students with no submission. Then run `coursekit grade ASSIGNMENT`."""


def _collect_parser(sub) -> None:
    co = sub.add_parser(
        "collect",
        help="place a Canvas or Moodle bulk download of an assignment in submitted/ (no JupyterHub needed)",
        description=COLLECT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    co.add_argument(
        "assignment", metavar="ASSIGNMENT", help="the assignment's name, as in assignments/source/ (e.g. treaty-years)"
    )
    co.add_argument("zip", type=Path, metavar="ZIP", help="the zip the LMS gave you, unchanged")
    co.add_argument("--from", dest="lms", required=True, choices=("canvas", "moodle"), help="the LMS it came from")
    co.add_argument("--roster", type=Path, metavar="CSV", help="roster with LMS ids (default assignments/roster.csv)")
    co.add_argument("--worksheet", type=Path, metavar="CSV", help="Moodle: the assignment's grading worksheet CSV")
    co.add_argument("--force", action="store_true", help="replace students' folders an earlier collect wrote")
    co.set_defaults(func=_cmd_collect, names_in="assignment")


def _grading_parsers(sub) -> None:
    gr = sub.add_parser(
        "grade",
        help="autograde every submission: quizzes in this process without a kernel, code notebooks on Dask workers",
    )
    gr.add_argument(
        "assignment", metavar="ASSIGNMENT", help="the assignment's name, as in assignments/source/ (e.g. treaty-years)"
    )
    gr.add_argument(
        "--workers", type=int, default=None, help="local worker processes (default: one per core; not with --scheduler)"
    )
    gr.add_argument("--scheduler", metavar="ADDRESS", help="use an existing Dask cluster, e.g. tcp://host:8786")
    gr.add_argument("--student", action="append", help="grade only this student (repeatable)")
    gr.add_argument("--quiet", action="store_true", help="no progress bar")
    gr.add_argument("--force", action="store_true", help="regrade submissions that were already autograded")
    gr.add_argument("--timings", action="store_true", help="say where the time went per submission (quiz assignments)")
    gr.set_defaults(func=_cmd_grade, names_in="assignment")

    a = sub.add_parser(
        "audit",
        help="check the gradebook against the answers as handed in, and name every broken hand-in",
        description="Re-score every submission from the answers as handed in and compare with the gradebook; name "
        "each student with no answers, a refused answers file or notebook (and why), ignored answers or added "
        "cells. Exit status: 0 all match and every hand-in whole, 1 a score differs, 2 could not audit, "
        "3 every score matches but some hand-ins are broken (each is named).",
    )
    fg = sub.add_parser(
        "formgrader",
        help="open nbgrader's formgrader at this course (no JupyterHub needed); Ctrl+C stops it",
        description="Start a Jupyter server in the course's assignments/ folder, where nbgrader reads "
        "nbgrader_config.py (started anywhere else, formgrader shows an empty course), on 127.0.0.1 with a new "
        "token, and print the formgrader URL to open. Manual grading, feedback and releases are then done there.",
    )
    fg.add_argument("--port", type=int, help="the port (default: a free one)")
    fg.add_argument("--lab", action="store_true", help="start JupyterLab around it (default: a plain Jupyter server)")
    fg.set_defaults(func=_cmd_formgrader)

    a.add_argument("assignment", metavar="ASSIGNMENT", help="the graded assignment to audit")
    a.set_defaults(func=_cmd_audit, names_in="assignment")


ANSWERS_HELP = """The typed answers of a graded class (text and numeric questions), from the answers as handed in,
scored with the bank as it is now and grouped as the matcher reads them, so one decision grades a group:
the groups with no or partial credit, those right only by leaving out a remark in brackets, and (--all)
the right ones, with counts, students and how each matched. --accept N (or --refuse N) writes group N
into the question's `accept` (`refuse`) list, keeping the bank file's layout; then regrade --dry-run."""

REGRADE_HELP = """Re-score every ledgered submission with the bank as it is now and print the changes (students,
questions, old and new points); unless --dry-run, apply them through nbgrader's gradebook (manual scores
stay), rewrite the graded notebooks that change, record the bank's version in the ledger, and list the
feedback pages now out of date (--feedback makes them again). Same result as `grade --force`."""


def _review_parsers(sub) -> None:
    an = sub.add_parser(
        "answers",
        help="list the typed answers that got no credit, grouped; accept or refuse a group in the bank",
        description=ANSWERS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    an.add_argument("assignment", metavar="ASSIGNMENT", help="the graded assignment whose answers to list")
    an.add_argument("question", nargs="?", help="one question id (default: every text and numeric question)")
    an.add_argument("--all", action="store_true", help="also list the groups that get full credit")
    what = an.add_mutually_exclusive_group()
    what.add_argument("--accept", metavar="GROUP", help="add group GROUP (its number, or a text) to `accept`")
    what.add_argument("--refuse", metavar="GROUP", help="add group GROUP (its number, or a text) to `refuse`")
    an.set_defaults(func=_cmd_answers, names_in="assignment")

    rg = sub.add_parser(
        "regrade",
        help="re-score every submission with the bank as it is now; show the changes, then apply them",
        description=REGRADE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rg.add_argument("assignment", metavar="ASSIGNMENT", help="the graded assignment to re-score")
    rg.add_argument("--dry-run", action="store_true", help="only show what would change; change nothing")
    rg.add_argument("--feedback", action="store_true", help="also make the out-of-date feedback pages again")
    rg.add_argument("--quiet", action="store_true", help="no progress bar")
    rg.set_defaults(func=_cmd_regrade, names_in="assignment")


def _report_parser(sub) -> None:
    rp = sub.add_parser(
        "report",
        help="item analysis after grading: which questions worked (terminal table, HTML with plots, CSV)",
        description=REPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rp.add_argument("assignments", nargs="+", metavar="ASSIGNMENT", help="graded assignment(s) to analyse")
    rp.add_argument("--section", help="only the students of this section (from the roster)")
    rp.add_argument("--roster", type=Path, metavar="CSV", help="roster with id and section columns")
    rp.add_argument("--student", action="append", metavar="ID", help="only this student (repeatable)")
    rp.add_argument("--names", action="store_true", help="list students by name in the HTML (never in plots)")
    rp.add_argument("--out", type=Path, metavar="REPORTS", help="folder for the files (default assignments/reports)")
    rp.add_argument("--no-html", action="store_true", help="only the terminal table and the CSV")
    rp.set_defaults(func=_cmd_report, names_in="assignments")


def _export_parser(sub) -> None:
    ex = sub.add_parser(
        "export",
        help="the bank as Canvas QTI or Moodle XML, or the grades as an LMS gradebook CSV",
        description="Export the question bank to an LMS (one file per quiz or practice set, in "
        "assignments/exports/), or nbgrader's grades as the LMS's gradebook import CSV.",
    )
    ex.set_defaults(func=_helper(ex))
    targets = ex.add_subparsers(dest="target", metavar="TARGET")
    for target, what in (("canvas", "QTI 1.2 zips for Canvas (Classic and New Quizzes)"), ("moodle", "Moodle XML")):
        t = targets.add_parser(
            target,
            help=f"the bank as {what}",
            description=f"Write the bank as {what}. "
            "Prints one line per question the target cannot represent, saying what was done.",
        )
        t.add_argument(
            "quizzes",
            nargs="*",
            metavar="QUIZ",
            help="assignment names or practice/<set> (default: every graded quiz and practice set)",
        )
        t.add_argument("--out", type=Path, metavar="DIR", help=f"folder (default assignments/exports/{target})")
        t.set_defaults(func=_cmd_export_bank, names_in="quizzes", kinds={"practice": True})
    gr = targets.add_parser(
        "grades",
        help="nbgrader's grades as a Canvas or Moodle gradebook import CSV",
        description="One line per student the LMS can identify, one column per assignment. The roster "
        "(assignments/roster.csv: id = nbgrader id, lms_id, sis_user_id, sis_login_id, email, section) gives "
        "each student's LMS ids; students without one are left out and listed. Students who never submitted "
        "get an empty cell (not 0) and are listed. Cells a spreadsheet would run as a formula are neutralised. "
        "Canvas: Grades > Import, the file as written. Moodle: Grades > Import > CSV file, 'Map from' the "
        "first column to the user field named by --match-by, each assignment column to its grade item.",
    )
    gr.add_argument("assignments", nargs="+", metavar="ASSIGNMENT", help="graded assignment(s), one column each")
    gr.add_argument("--to", required=True, choices=("canvas", "moodle"), help="the LMS to import into")
    gr.add_argument("--roster", type=Path, metavar="CSV", help="default assignments/roster.csv")
    gr.add_argument(
        "--match-by",
        choices=("email", "idnumber", "username", "id"),
        default="email",
        help="Moodle only: the user field its import matches students by (roster email, sis_user_id, "
        "sis_login_id or lms_id; default email)",
    )
    gr.add_argument("--out", type=Path, metavar="FILE", help="default assignments/exports/grades-<lms>.csv")
    gr.set_defaults(func=_cmd_export_grades, names_in="assignments")


def _known_names(args) -> None:
    """One check for every command that names assignments: an unknown one is called unknown, with close names."""
    value = getattr(args, getattr(args, "names_in", "") or "-", None)  # names_in: the argument holding them
    names = [value] if isinstance(value, str) else list(value or [])
    if names:
        from .course import check_assignments, find_course

        check_assignments(find_course(), names, **getattr(args, "kinds", {}))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        _known_names(args)
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
