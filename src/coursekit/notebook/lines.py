"""What a quiz notebook shows around each question's widget: the live line under it, and the saved-notebook note.

Both are ordinary outputs, not widgets, so a notebook opened without running still shows them as saved:

* the line under a question (its grade cell) is a display with an id, which the kernel updates each time the
  answer changes (recorded, cleared, not answered yet): the saved notebook holds its latest words;
* the note above a question's widget says "Run all cells to see your saved answers (they are safe in
  <quiz>.answers.json)". A live widget hides it (quiz.mjs), so it shows only where the widget cannot: a
  notebook opened without running, nbconvert, GitHub.
"""

from __future__ import annotations

import html

ICONS = {"recorded": "●", "incomplete": "◐", "unanswered": "○", "cleared": "○", "problem": "⚠"}


def run_all_note(answers_file: str) -> str:
    return f"Run all cells to see your saved answers (they are safe in {answers_file})."


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


def line_bundle(state: str, text: str, run: str = "") -> dict:
    """The line's output; ``run`` tells one Run All's lines from the last one's (the notebook keeps both briefly)."""
    icon = ICONS.get(state, "○")
    attrs = f'class="ck-line" data-state="{state}" data-run="{html.escape(run)}"'
    return {
        "text/plain": text,
        "text/html": f'<p {attrs}><span aria-hidden="true">{icon} </span>{html.escape(text)}</p>',
    }


def note_bundle(number: int, answers_file: str, note_id: str) -> dict:
    words = run_all_note("\0")
    page = html.escape(words).replace("\0", f"<code>{html.escape(answers_file)}</code>")
    return {
        "text/plain": f"Question {number}: {run_all_note(answers_file)}",
        "text/html": f'<p class="ck-saved-note" id="ck-note-{note_id}"><strong>Question {number}:</strong> {page}</p>',
    }
