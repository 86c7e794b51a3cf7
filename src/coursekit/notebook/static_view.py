"""What a question looks like without JavaScript: the widget's static view, and the saved copy of a graded question.

Where no widget front end runs (nbconvert HTML, GitHub, nbgrader's feedback, a notebook reopened without a kernel)
the page shows one of these instead of the live widget:

* ``widget_html``: a widget's own fallback view (a practice question with its answer; a graded one without);
* ``saved_copy``: the copy shown above each graded question's widget by ``Quiz.ask``: its number, prompt, choices
  and the saved answer in full. The kernel updates it whenever the answer changes, so the saved notebook holds the
  latest answer. A live widget hides it (quiz.css). Without a kernel, JupyterLab and Notebook 7 draw a trusted
  notebook's widget output as "Error displaying widget: model not found" (ipywidgets' WidgetRenderer, once its
  manager is restored): the copy's own style rule hides that output in its cell, and the copy stands in for it.
"""

from __future__ import annotations

import html

from .markup import inline, markdown, plain

TYPE_NAMES = {
    "single": "single choice",
    "multiple": "multiple select",
    "numeric": "number",
    "text": "short answer",
    "ordering": "ordering",
    "matching": "matching",
}
SAVED = "Your answer when this notebook was saved"
BOX = "border:1px solid #8c959f;border-radius:6px;padding:0.5em 1em;margin:0.5em 0;max-width:48em"
# The widget's output (the ask cell's result) beside a saved copy while no live widget is drawn in it: the error
# text that stands there without a kernel. (:has() cannot nest, so the rule looks for the live widget instead.)
HIDE_FAILED_WIDGET = (
    "<style>.jp-OutputArea:has(.ck-saved-copy):not(:has(.ck-quiz)) > .jp-OutputArea-executeResult{display:none}</style>"
)


def answer_html(q: dict, value) -> str:
    """The answer ``value`` in words, in full, or 'Not answered yet.'."""
    if value is None:
        return "<em>Not answered yet.</em>"
    names = {o["id"]: o["text"] for part in ("options", "items", "right") for o in q.get(part, [])}
    if q.get("type") == "matching" and isinstance(value, dict):
        left = {o["id"]: o["text"] for o in q.get("left", [])}
        pairs = (f"<li>{inline(left.get(k, k))} → {inline(names.get(v, v))}</li>" for k, v in value.items())
        return "<ul>" + "".join(pairs) + "</ul>"
    if isinstance(value, list):
        tag = "ol" if q.get("type") == "ordering" else "ul"
        return f"<{tag}>" + "".join(f"<li>{inline(names.get(v, v))}</li>" for v in value) + f"</{tag}>"
    if isinstance(value, str) and value in names:
        return inline(names[value])
    unit = f" {html.escape(q['unit'])}" if q.get("unit") and q.get("type") == "numeric" else ""
    return f'<code style="white-space:pre-wrap;overflow-wrap:anywhere">{html.escape(str(value))}</code>{unit}'


def choices_html(q: dict) -> str:
    kind = q.get("type")
    if kind in ("single", "multiple"):
        mark = "○" if kind == "single" else "☐"
        return "<ul>" + "".join(f"<li>{mark} {inline(o['text'])}</li>" for o in q.get("options", [])) + "</ul>"
    if kind == "ordering":
        return "<p>Items to order:</p><ul>" + "".join(f"<li>{inline(o['text'])}</li>" for o in q["items"]) + "</ul>"
    if kind == "matching":
        left = "".join(f"<li>{inline(o['text'])}</li>" for o in q.get("left", []))
        right = "".join(f"<li>{inline(o['text'])}</li>" for o in q.get("right", []))
        return f"<p>Match each of:</p><ul>{left}</ul><p>with one of:</p><ul>{right}</ul>"
    return ""


def _meta(heading: str, q: dict) -> str:
    points = q.get("points", 1)
    kind = TYPE_NAMES.get(q.get("type"), str(q.get("type")))
    return f"{heading} · {kind} · {points:g} point{'s' if points != 1 else ''}"


def widget_html(q: dict, *, heading: str, value=None, show_answer: bool) -> str:
    """A widget's own view for places without JavaScript; never shows a key."""
    tail = f"<div><strong>Your answer:</strong> {answer_html(q, value)}</div>" if show_answer else ""
    return (
        f'<div class="coursekit-quiz-static" style="{BOX}">'
        f"<p><small>{html.escape(_meta(heading, q))}</small></p>"
        f'<div style="font-weight:600">{markdown(q.get("prompt", ""))}</div>'
        f"{choices_html(q)}{tail}</div>"
    )


def saved_copy(q: dict, *, number: int, value, answers_file: str, copy_id: str, state: str = "") -> dict:
    """The saved copy of graded question ``number`` (text/plain and text/html); ``state`` adds why it is unfinished."""
    # The answers file may be newer than this copy (answered after the last save): say which one this is.
    where = f"Run all cells to see your latest answers and to change them; they are safe in {answers_file}."
    unfinished = f"<p><em>{html.escape(state)}</em></p>" if state else ""
    page = (
        f'<div class="ck-saved-copy" id="ck-copy-{html.escape(copy_id)}" style="{BOX}">{HIDE_FAILED_WIDGET}'
        f"<p><small>{html.escape(_meta(f'Question {number}', q))}</small></p>"
        f'<div style="font-weight:600">{markdown(q.get("prompt", ""))}</div>{choices_html(q)}'
        f"<div><strong>{SAVED}:</strong> {answer_html(q, value)}</div>{unfinished}"
        f'<p class="ck-saved-note"><small>{html.escape(where)}</small></p></div>'
    )
    return {"text/plain": _copy_text(q, number, value, state, where), "text/html": page}


def _copy_text(q: dict, number: int, value, state: str, where: str) -> str:
    lines = [f"{_meta(f'Question {number}', q)}: {plain(q.get('prompt', ''))}"]
    for part in ("options", "items", "left", "right"):
        if q.get(part):
            lines.append(f"  {part}: " + " | ".join(plain(o["text"]) for o in q[part]))
    lines.append(f"{SAVED}: {answer_words(q, value)}" + (f" ({state})" if state else ""))
    return "\n".join([*lines, where])


def answer_words(q: dict, value) -> str:
    """A saved answer in plain words, in full (the public view only: no key)."""
    if value is None:
        return "not answered yet"
    names = {o["id"]: plain(o["text"]) for part in ("options", "items", "left", "right") for o in q.get(part, [])}
    if isinstance(value, dict):
        text = "; ".join(f"{names.get(k, k)} → {names.get(v, v)}" for k, v in value.items())
    elif isinstance(value, list):
        text = (" → " if q.get("type") == "ordering" else "; ").join(str(names.get(v, v)) for v in value)
    elif isinstance(value, str):
        text = names.get(value, f'"{value}"')
    else:
        text = f"{value} ({q['unit']})" if q.get("unit") else str(value)
    return " ".join(text.split())
