"""The quiz widget: one question, practised (with feedback) or answered for a grade (without a key).

The front end is ``static/quiz.mjs``; the same module runs in notebooks (anywidget) and in the
book's static pages (MyST's ``{anywidget}`` directive). Where no widget front end exists
(nbconvert HTML, nbgrader feedback, GitHub previews) the widget shows a static HTML view.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import anywidget
import traitlets

from .markup import inline as _inline
from .markup import markdown as _markdown

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
    note = traitlets.Unicode("").tag(sync=True)  # id of the saved-notebook note that the live widget hides

    @classmethod
    def practice(cls, question_model) -> QuizWidget:
        """A self-check with immediate feedback, built from a schema model."""
        return cls(question=question_model.practice(), mode="practice")

    @classmethod
    def graded(cls, public: dict, value=None, *, number: int = 0, note: str = "") -> QuizWidget:
        """A graded question: records ``value`` and shows ``status``; ``public`` must hold no key."""
        leaks = [f for f in SECRET_FIELDS if f in public]
        if leaks:
            raise ValueError(
                f"question '{public.get('id', '?')}' carries {', '.join(leaks)}: a graded widget gets only "
                "the public view. Pass q.public(), not q.practice()"
            )
        return cls(question=dict(public), mode="graded", value=value, number=number, note=note)

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
        data = {**data, "text/plain": _plain(self), "text/html": static_html(self)}
        return data, metadata


def _refuse_secrets(question: dict) -> None:
    leaks = [f for f in SECRET_FIELDS if f in question]
    if leaks:
        raise traitlets.TraitError(f"a graded widget must not carry {', '.join(leaks)}; give it q.public()")


# ---------- the static view (no JavaScript): prompt, choices, and the current answer ----------

TYPE_NAMES = {
    "single": "single choice",
    "multiple": "multiple select",
    "numeric": "number",
    "text": "short answer",
    "ordering": "ordering",
    "matching": "matching",
}


def _answer_html(q: dict, value) -> str:
    """The current answer in words, or 'Not answered yet.'."""
    if value is None:
        return "<em>Not answered yet.</em>"
    names = {o["id"]: o["text"] for part in ("options", "items", "right") for o in q.get(part, [])}
    if q.get("type") == "matching" and isinstance(value, dict):
        left = {o["id"]: o["text"] for o in q.get("left", [])}
        pairs = (f"<li>{_inline(left.get(k, k))} → {_inline(names.get(v, v))}</li>" for k, v in value.items())
        return "<ul>" + "".join(pairs) + "</ul>"
    if isinstance(value, list):
        tag = "ol" if q.get("type") == "ordering" else "ul"
        return f"<{tag}>" + "".join(f"<li>{_inline(names.get(v, v))}</li>" for v in value) + f"</{tag}>"
    if isinstance(value, str) and value in names:
        return _inline(names[value])
    unit = f" {html.escape(q['unit'])}" if q.get("unit") and q.get("type") == "numeric" else ""
    return f"<code>{html.escape(str(value))}</code>{unit}"


def _choices_html(q: dict) -> str:
    kind = q.get("type")
    if kind in ("single", "multiple"):
        mark = "○" if kind == "single" else "☐"
        return "<ul>" + "".join(f"<li>{mark} {_inline(o['text'])}</li>" for o in q.get("options", [])) + "</ul>"
    if kind == "ordering":
        return "<p>Items to order:</p><ul>" + "".join(f"<li>{_inline(o['text'])}</li>" for o in q["items"]) + "</ul>"
    if kind == "matching":
        left = ", ".join(_inline(o["text"]) for o in q.get("left", []))
        right = ", ".join(_inline(o["text"]) for o in q.get("right", []))
        return f"<p>Match each of: {left}</p><p>with one of: {right}</p>"
    return ""


def _heading(widget: QuizWidget) -> str:
    if widget.mode != "graded":
        return "Self-check"
    return f"Question {widget.number}" if widget.number else "Quiz question"


def static_html(widget: QuizWidget) -> str:
    """A self-contained HTML view of the widget for places without JavaScript; never shows a key.

    A graded question shows no answer here: this view is saved with the notebook and would go stale (or look
    empty) as soon as the student answers. ``Quiz.ask`` puts a note saying where the answers are above it.
    """
    q = widget.question
    points = q.get("points", 1)
    answer = f"<div><strong>Your answer:</strong> {_answer_html(q, widget.value)}</div>"
    tail = "" if widget.mode == "graded" else answer
    return (
        '<div class="coursekit-quiz-static" style="border:1px solid #8c959f;border-radius:6px;'
        'padding:0.5em 1em;margin:0.5em 0;max-width:48em">'
        f"<p><small>{_heading(widget)} · {html.escape(TYPE_NAMES.get(q.get('type'), str(q.get('type'))))} · "
        f"{points:g} point{'s' if points != 1 else ''}</small></p>"
        f'<div style="font-weight:600">{_markdown(q.get("prompt", ""))}</div>'
        f"{_choices_html(q)}{tail}</div>"
    )


def _plain(widget: QuizWidget) -> str:
    q = widget.question
    prompt = " ".join(re.sub(r"[*`]", "", str(q.get("prompt", ""))).split())
    head = f"{_heading(widget)} ({TYPE_NAMES.get(q.get('type'), q.get('type'))}): {prompt}"
    if widget.mode == "graded":
        return head
    answer = "not answered yet" if widget.value is None else repr(widget.value)
    return f"{head}\nYour answer: {answer}"
