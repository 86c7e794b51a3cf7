"""The quiz helper inside a graded notebook: show each question and save its answer. It never sees a key.

A generated quiz notebook runs ``quiz = Quiz("<name>")``, then ``quiz.ask(qid)`` (the widget)
and ``quiz.grade(qid)`` (a locked nbgrader grade cell) per question:

* a student working: answers are saved to ``<name>.answers.json`` on every change; ``ask`` shows a saved copy
  of the question and its answer above the widget (for a notebook opened without a kernel, see static_view.py) and
  ``grade`` a line that says "recorded", "cleared" or "not answered yet"; both follow the widget as it changes;
* ``nbgrader validate`` (NBGRADER_EXECUTION=validate): the last question's grade cell lists, in plain words on
  stderr, every question not answered yet or incomplete, so the validator reports one failed cell with that list
  instead of one block of code per question; with everything answered, every cell passes;
* grading: the grader never runs this notebook. It scores the answers file as handed in, in its
  own process (``coursekit.grading``). If a misconfigured grader runs it anyway, ``grade`` raises,
  so the cell scores 0 with a message instead of nbgrader's silent full credit.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

from .answers import answers_path, read_answers, write_answer
from .lines import line_bundle, show
from .states import incomplete, line_words, validate_report
from .static_view import saved_copy

SOURCE_NOTE = (
    "Note: this notebook is in the course's source/ folder, so answers are kept in memory only "
    "(an answers file here would be released to students)."
)


class QuizSetupError(RuntimeError):
    """The quiz cannot run here; the message says why and what to do."""


def _mode() -> str:
    return os.environ.get("NBGRADER_EXECUTION", "")


def _in_course_source(folder: Path) -> bool:
    """Is ``folder`` an assignment folder inside an nbgrader course's source/ directory?"""
    return folder.parent.name == "source" and (folder.parent.parent / "nbgrader_config.py").is_file()


class Quiz:
    """The graded quiz ``name``, run from the folder that holds ``<name>.questions.json``."""

    def __init__(self, name: str, folder: str | os.PathLike | None = None):
        self.name = name
        self.folder = Path(folder) if folder else Path.cwd()
        public_file = self.folder / f"{name}.questions.json"
        try:
            data = json.loads(public_file.read_text(encoding="utf-8"))
            self._public = {q["id"]: q for q in data["questions"]}
        except FileNotFoundError:
            raise QuizSetupError(
                f"{public_file.name} was not found in {self.folder}. Run this notebook from its folder "
                f"(the one that holds {name}.ipynb and {public_file.name}); do not move the notebook alone."
            ) from None
        except (ValueError, KeyError, TypeError) as e:
            raise QuizSetupError(f"{public_file} is damaged ({e}); fetch the assignment again.") from None
        self._order = list(self._public)
        self._lines: dict[str, list[str]] = {}  # question id -> display ids of the lines showing it
        self._copies: dict[str, list[tuple[str, str]]] = {}  # question id -> (display id, copy id) of its saved copies
        self._cleared: set[str] = set()
        self._run = secrets.token_hex(4)  # this run of the notebook (its lines carry it)
        self._memory: dict | None = None  # answers kept in memory instead of a file
        self.answers_file = answers_path(self.folder, name)
        if not _mode() and _in_course_source(self.folder):
            self._memory = {}
            print(SOURCE_NOTE)

    # ---------- answering ----------

    def _saved(self) -> dict:
        if self._memory is not None:
            return self._memory
        return read_answers(self.answers_file).values

    def _number(self, qid: str) -> int:
        return self._order.index(qid) + 1

    def _known(self, qid: str) -> dict:
        if qid not in self._public:
            raise QuizSetupError(f"'{qid}' is not a question of quiz '{self.name}'; do not edit the quiz cells.")
        return self._public[qid]

    def ask(self, qid: str):
        """The widget for question ``qid``, showing the saved answer; changes are saved at once."""
        public = self._known(qid)
        if _mode():  # nbgrader runs without a front end: show the question as text, create nothing
            return _QuestionText(self._number(qid), public)
        from .widget import QuizWidget  # imported here so autograde kernels never load ipywidgets

        copy_id = ""
        if self._memory is None:  # source/ keeps answers in memory: no file a copy could point to
            copy_id = secrets.token_hex(6)
            display_id = f"ck-copy-{copy_id}"
            if show(self._copy(qid, copy_id), display_id=display_id):
                self._copies.setdefault(qid, []).append((display_id, copy_id))
        widget = QuizWidget.graded(public, value=self._saved().get(qid), number=self._number(qid), copy_id=copy_id)
        widget.observe(lambda change: self._record(widget, qid, change["new"]), names="value")
        return widget

    def _copy(self, qid: str, copy_id: str) -> dict:
        state, _ = self.line(qid)
        value = self._saved().get(qid) if state in ("recorded", "incomplete") else None
        why = incomplete(self._public[qid], value) if state == "incomplete" else ""
        return saved_copy(self._public[qid], number=self._number(qid), value=value,
                          answers_file=self.answers_file.name, copy_id=copy_id, state=why)  # fmt: skip

    def _record(self, widget, qid: str, value) -> None:
        if self._memory is not None:
            self._memory[qid] = value
            status = "Answer recorded (in memory only: this is the course's source folder)"
        else:
            try:
                write_answer(self.answers_file, qid, value)
                status = "Answer recorded" if value is not None else "Answer cleared"
            except (OSError, TypeError, ValueError) as e:
                status = f"Could not save the answer ({type(e).__name__}: {e}); check the folder is writable."
        if not status.startswith("Could not"):
            (self._cleared.add if value is None else self._cleared.discard)(qid)
            self._update_outputs(qid)
        # Last, after the outputs: the front end takes `saves` moving as "the notebook now holds this answer".
        with widget.hold_sync():
            widget.status = status
            widget.saves += 1

    # ---------- grading ----------

    def grade(self, qid: str):
        """The line under a question: what is recorded (live in a notebook; printed under nbgrader validate)."""
        if _mode() == "autograde":
            raise QuizSetupError(
                "coursekit quizzes are graded from the answers file, outside any kernel; this grader ran the notebook "
                "instead. Grader: run nbgrader from the course's assignments/ folder (its nbgrader_config.py plugs "
                "coursekit in), or use `coursekit grade`."
            )
        state, text = self.line(qid)
        if _mode() == "validate":
            print(text)  # stdout: the validator reads only stderr
            if qid == self._last_asked():
                self._report_unfinished()
            return None
        display_id = f"ck-line-{secrets.token_hex(6)}"
        bundle = line_bundle(state, text, self._run, self._carried(qid, state))
        if show(bundle, display_id=display_id):
            self._lines.setdefault(qid, []).append(display_id)  # updated as the answer changes
            return None
        print(text)
        return None

    def _asked(self) -> list[str]:
        """The questions answered in widgets (a written question is a Markdown cell instead)."""
        return [qid for qid in self._order if self._public[qid].get("type") != "written"]

    def _last_asked(self) -> str:
        return (self._asked() or [""])[-1]

    def _report_unfinished(self) -> None:
        """nbgrader validate lists a grade cell that writes to stderr as failed: this one, naming what is unfinished."""
        unfinished = validate_report([(self._public[q], self._number(q), *self.line(q)) for q in self._asked()])
        if unfinished:
            print(unfinished, file=sys.stderr)

    def line(self, qid: str) -> tuple[str, str]:
        """(state, words) of what is recorded for ``qid``, from the answers file (the public view only, no key)."""
        public = self._known(qid)
        label = f"Question {self._number(qid)}"
        if self._memory is None and (problem := read_answers(self.answers_file).problem):
            return "problem", f"{label}: {problem}. Answer the questions again to replace it."
        value = self._saved().get(qid)
        if value is None:
            cleared = qid in self._cleared
            return ("cleared", f"{label}: answer cleared; not answered now.") if cleared else (
                "unanswered", f"{label}: not answered yet.")  # fmt: skip
        missing = incomplete(public, value)
        if missing:
            return "incomplete", f"{label}: {missing}. (recorded: {line_words(public, value)})"
        return "recorded", f"{label}: recorded: {line_words(public, value)}"

    def _update_outputs(self, qid: str) -> None:
        state, text = self.line(qid)
        bundle = line_bundle(state, text, self._run, self._carried(qid, state))
        for display_id in self._lines.get(qid, []):
            show(bundle, display_id=display_id, update=True)
        for display_id, copy_id in self._copies.get(qid, []):
            show(self._copy(qid, copy_id), display_id=display_id, update=True)

    def _carried(self, qid: str, state: str):
        """The answer the line carries for a notebook handed in alone (lines.py): the recorded one, if any."""
        return self._saved().get(qid) if state in ("recorded", "incomplete") else None


class _QuestionText:
    """A question shown as text where no widget front end exists (nbgrader's runs, feedback HTML)."""

    def __init__(self, number: int, public: dict):
        self.number, self.public = number, public

    def __repr__(self) -> str:
        q = self.public
        lines = [f"Question {self.number} ({q['points']:g} point(s)): {' '.join(q['prompt'].split())}"]
        for part in ("options", "items", "left", "right"):
            if q.get(part):
                lines.append(f"  {part}: " + " | ".join(o["text"] for o in q[part]))
        return "\n".join(lines)
