"""The line under each question's widget, and how the kernel shows or updates an output.

The line under a question (its grade cell) is an ordinary output, not a widget, so a notebook opened without running
still shows it as saved: a display with an id, which the kernel updates each time the answer changes (recorded,
cleared, not answered yet), so the saved notebook holds its latest words. (The saved copy of the question above the
widget is static_view.py's.)

The line also carries the recorded answer itself, for the grader, under its own MIME type (``ANSWER_MIME``): the
JSON text the answers file holds for that question (``{"schema": 1, "answers": {"<id>": <this text>}}``), on one
line. So a notebook saved after answering still holds the answers when it is handed in alone (an LMS assignment
that takes one file). No front end renders this type, so the visible line does not change; grading reads it as
strictly as the answers file (``grading/intake/notebook_answers.py``) and prefers the answers file when both
are handed in. An unanswered or cleared question, or an answer larger than the answers file may be, carries none.
"""

from __future__ import annotations

import html
import json

ICONS = {"recorded": "●", "incomplete": "◐", "unanswered": "○", "cleared": "○", "problem": "⚠"}
ANSWER_MIME = "text/vnd.coursekit.answer+json"  # the recorded answer's JSON text, for the grader (see above)
MAX_ANSWER = 256 * 1024  # bytes of one carried answer; the answers file itself is refused above this size


def show(bundle: dict, *, display_id: str | None = None, update: bool = False) -> bool:
    """Show (or update) ``bundle`` in the running IPython kernel; False when there is none (nothing shown)."""
    try:
        from IPython import get_ipython
        from IPython.display import display, update_display
    except ImportError:
        return False
    if get_ipython() is None:
        return False
    if update:
        update_display(bundle, raw=True, display_id=display_id)
    else:
        display(bundle, raw=True, display_id=display_id)
    return True


def line_bundle(state: str, text: str, run: str = "", answer=None) -> dict:
    """The line's output; ``run`` tells one Run All's lines from the last one's (the notebook keeps both briefly);
    ``answer`` is the recorded answer (None: none), carried for the grader under ``ANSWER_MIME``."""
    icon = ICONS.get(state, "○")
    attrs = f'class="ck-line" data-state="{state}" data-run="{html.escape(run)}"'
    bundle = {
        "text/plain": text,
        "text/html": f'<p {attrs}><span aria-hidden="true">{icon} </span>{html.escape(text)}</p>',
    }
    carried = answer_text(answer)
    if carried is not None:
        bundle[ANSWER_MIME] = carried
    return bundle


def answer_text(answer) -> str | None:
    """The JSON text of ``answer`` as the answers file writes it, on one line; None when there is none to carry."""
    if answer is None:
        return None
    try:
        text = json.dumps(answer, sort_keys=True)
    except (TypeError, ValueError):
        return None
    return text if len(text) <= MAX_ANSWER else None  # ASCII: json.dumps escapes the rest
