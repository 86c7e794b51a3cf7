"""The quiz helper inside a graded notebook: show each question and save its answer. It never sees a key.

A generated quiz notebook runs ``quiz = Quiz("<name>")``, then ``quiz.ask(qid)`` (the widget)
and ``quiz.grade(qid)`` (a locked nbgrader grade cell) per question:

* a student working: answers are saved to ``<name>.answers.json`` on every change; ``grade`` shows
  a line that says "recorded", "cleared" or "not answered yet" and follows the widget as it changes;
* ``nbgrader validate`` (NBGRADER_EXECUTION=validate): an unanswered question writes one line
  to stderr, which makes the validator list it as failed; answered ones pass;
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
from .lines import line_bundle, note_bundle, show

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

        number, note = self._number(qid), secrets.token_hex(6)
        if self._memory is None:  # seen only where the widget cannot render (source/ keeps answers in memory)
            show(note_bundle(number, self.answers_file.name, note))
        widget = QuizWidget.graded(public, value=self._saved().get(qid), number=number, note=note)
        widget.observe(lambda change: self._record(widget, qid, change["new"]), names="value")
        return widget

    def _record(self, widget, qid: str, value) -> None:
        if self._memory is not None:
            self._memory[qid] = value
            widget.status = "Answer recorded (in memory only: this is the course's source folder)"
        else:
            try:
                write_answer(self.answers_file, qid, value)
            except (OSError, TypeError, ValueError) as e:
                widget.status = f"Could not save the answer ({type(e).__name__}: {e}); check the folder is writable."
                return
            widget.status = "Answer recorded" if value is not None else "Answer cleared"
        (self._cleared.add if value is None else self._cleared.discard)(qid)
        self._update_lines(qid)

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
        display_id = f"ck-line-{secrets.token_hex(6)}"
        bundle = line_bundle(state, text, self._run, self._carried(qid, state))
        if _mode() != "validate" and show(bundle, display_id=display_id):
            self._lines.setdefault(qid, []).append(display_id)  # updated as the answer changes
            return None
        # nbgrader validate lists a grade cell with stderr output as failed: the unanswered and incomplete ones.
        failed = state != "recorded" and _mode() == "validate"
        print(text, file=sys.stderr if failed else sys.stdout)
        return None

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
        missing = _incomplete(public, value)
        if missing:
            return "incomplete", f"{label}: {missing}. (recorded: {_public_words(public, value)})"
        return "recorded", f"{label}: recorded: {_public_words(public, value)}"

    def _update_lines(self, qid: str) -> None:
        state, text = self.line(qid)
        bundle = line_bundle(state, text, self._run, self._carried(qid, state))
        for display_id in self._lines.get(qid, []):
            show(bundle, display_id=display_id, update=True)

    def _carried(self, qid: str, state: str):
        """The answer the line carries for a notebook handed in alone (lines.py): the recorded one, if any."""
        return self._saved().get(qid) if state in ("recorded", "incomplete") else None


def _incomplete(public: dict, value) -> str:
    """Why a recorded answer is visibly unfinished ("" if it is not), judged from the public view only."""
    kind = public.get("type")
    if kind == "matching" and isinstance(value, dict) and len(value) < len(public.get("left", [])):
        return f"only {len(value)} of {len(public['left'])} items matched"
    if kind == "multiple" and value == []:
        return "nothing selected"
    if kind == "text" and isinstance(value, str) and not value.strip():
        return "the answer is empty"
    return ""


def _public_words(public: dict, value) -> str:
    """A recorded answer in words, using only the public view (no key)."""
    names = {o["id"]: o["text"] for part in ("options", "items", "left", "right") for o in public.get(part, [])}
    if isinstance(value, dict):
        text = "; ".join(f"{names.get(k, k)} → {names.get(v, v)}" for k, v in value.items())
    elif isinstance(value, list):
        text = (" → " if public.get("type") == "ordering" else "; ").join(str(names.get(v, v)) for v in value)
    elif isinstance(value, str):
        text = names.get(value, f'"{value}"')
    else:
        text = f"{value} ({public['unit']})" if public.get("unit") else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:159] + "…"


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
