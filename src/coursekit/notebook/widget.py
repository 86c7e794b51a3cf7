"""The quiz widget: one question, practised (with feedback) or answered for a grade (without a key).

The front end is ``static/quiz.mjs``; the same module runs in notebooks (anywidget) and in the
book's static pages (MyST's ``{anywidget}`` directive). Where no widget front end exists
(nbconvert HTML, nbgrader feedback, GitHub previews) the widget shows a static HTML view.
"""

from __future__ import annotations

import re
from pathlib import Path

import anywidget
import traitlets

from .static_view import TYPE_NAMES, widget_html

#: Fields of a question's practice view that reveal the key; a graded widget must not carry them.
SECRET_FIELDS = ("key", "answer", "answers", "accept", "core", "refuse", "match", "tolerance", "explanation")
MODES = ("practice", "graded")


class QuizWidget(anywidget.AnyWidget):
    """One quiz question. Build it with :meth:`practice` or :meth:`graded`."""

    _esm = Path(__file__).parent / "static" / "quiz.mjs"
    _css = Path(__file__).parent / "static" / "quiz.css"
    question = traitlets.Dict().tag(sync=True)
    mode = traitlets.Unicode("practice").tag(sync=True)
    value = traitlets.Any(None, allow_none=True).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    number = traitlets.Int(0).tag(sync=True)  # the question's number in its quiz (0: none)
    copy_id = traitlets.Unicode("").tag(sync=True)  # the saved copy above it (static_view), hidden while this lives
    # How many answers the kernel has saved; it moves after the saved copy and the line below are updated, so the
    # front end waits for it before it hands Ctrl+S on (the saved notebook then holds the answer just typed).
    saves = traitlets.Int(0).tag(sync=True)

    @classmethod
    def practice(cls, question_model) -> QuizWidget:
        """A self-check with immediate feedback, built from a schema model."""
        return cls(question=question_model.practice(), mode="practice")

    @classmethod
    def graded(cls, public: dict, value=None, *, number: int = 0, copy_id: str = "") -> QuizWidget:
        """A graded question: records ``value`` and shows ``status``; ``public`` must hold no key."""
        leaks = [f for f in SECRET_FIELDS if f in public]
        if leaks:
            raise ValueError(
                f"question '{public.get('id', '?')}' carries {', '.join(leaks)}: a graded widget gets only "
                "the public view. Pass q.public(), not q.practice()"
            )
        return cls(question=dict(public), mode="graded", value=value, number=number, copy_id=copy_id)

    @traitlets.validate("mode")
    def _known_mode(self, proposal):
        if proposal["value"] not in MODES:
            raise traitlets.TraitError(f"mode must be 'practice' or 'graded', not {proposal['value']!r}")
        if proposal["value"] == "graded":
            _refuse_secrets(self.question)
        return proposal["value"]

    @traitlets.validate("question")
    def _no_key_when_graded(self, proposal):
        if self.mode == "graded":
            _refuse_secrets(proposal["value"])
        return proposal["value"]

    def __repr__(self) -> str:
        q = self.question
        prompt = " ".join(str(q.get("prompt", "")).split())
        short = prompt if len(prompt) <= 60 else prompt[:59] + "…"
        return f"QuizWidget({q.get('id', '?')!r}, {q.get('type', '?')}, {self.mode}: {short!r}, answer={self.value!r})"

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle or {}, {})
        if self.copy_id:  # the saved copy above stands in for this view: a second one would only repeat it
            data = {k: v for k, v in data.items() if k != "text/html"} | {"text/plain": ""}
        else:
            data = {**data, "text/plain": _plain(self), "text/html": static_html(self)}
        return data, metadata


def _refuse_secrets(question: dict) -> None:
    leaks = [f for f in SECRET_FIELDS if f in question]
    if leaks:
        raise traitlets.TraitError(f"a graded widget must not carry {', '.join(leaks)}; give it q.public()")


def _heading(widget: QuizWidget) -> str:
    if widget.mode != "graded":
        return "Self-check"
    return f"Question {widget.number}" if widget.number else "Quiz question"


def static_html(widget: QuizWidget) -> str:
    """A self-contained HTML view of the widget for places without JavaScript; never shows a key.

    A graded question shows no answer here: this view is saved with the notebook and would go stale as soon as the
    student answers. ``Quiz.ask`` shows a saved copy above it instead, which the kernel keeps up to date.
    """
    graded = widget.mode == "graded"
    return widget_html(widget.question, heading=_heading(widget), value=widget.value, show_answer=not graded)


def _plain(widget: QuizWidget) -> str:
    q = widget.question
    prompt = " ".join(re.sub(r"[*`]", "", str(q.get("prompt", ""))).split())
    head = f"{_heading(widget)} ({TYPE_NAMES.get(q.get('type'), q.get('type'))}): {prompt}"
    if widget.mode == "graded":
        return head
    answer = "not answered yet" if widget.value is None else repr(widget.value)
    return f"{head}\nYour answer: {answer}"
