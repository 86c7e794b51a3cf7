"""The saved notebook carries the answers, in a real JupyterLab (real Chromium): a student answers, changes an
answer, clears another, saves, and hands in the notebook alone, as an LMS assignment that takes one file lets them.
"""

from __future__ import annotations

import json

import pytest
from _served import (
    QUIZ,
    TOKEN,
    jupyter,
    option,
    question,
    recorded,
    released_quiz,
    the,
    wait_for_line,
    wait_for_saved,
    words,
)

from coursekit.grading.intake import ledger
from coursekit.grading.intake.notebook_answers import HandedNotebook, question_ids
from coursekit.notebook.lines import ANSWER_MIME

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.nbgrader]


def test_a_notebook_saved_in_jupyterlab_carries_its_latest_answers(tmp_path, browser):
    """After answering, changing one answer and clearing another without re-running, then Ctrl+S: does the saved
    notebook carry exactly the answers the answers file holds, the latest ones, so that the notebook alone,
    handed in, is graded from them?"""
    root, student = released_quiz(tmp_path / "course", QUIZ)
    folder = student / QUIZ
    numeric, single = the("numeric"), the("single")
    errors = []
    with jupyter("lab", student, root) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/lab/tree/{QUIZ}/{QUIZ}.ipynb?token={TOKEN}")
        page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=120000)
        page.get_by_role("menuitem", name="Run", exact=True).first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        box = question(page, words(numeric)).get_by_role("textbox")
        box.wait_for(timeout=120000)
        for year in ("1948", "1951"):
            box.fill(year)
            box.press("Enter")
            wait_for_line(page, f"recorded: {year}", timeout=60000)
        w = question(page, words(single))
        w.get_by_label(option(single, single.answer), exact=True).click()
        recorded(w)
        w.get_by_role("button", name="Clear answer").click()
        wait_for_line(page, "answer cleared; not answered now.", timeout=60000)
        page.keyboard.press("Control+s")
        saved = wait_for_saved(folder / f"{QUIZ}.ipynb", "recorded: 1951")
        page.close()
    assert errors == []
    answers = json.loads((folder / f"{QUIZ}.answers.json").read_text())["answers"]
    assert answers == {numeric.id: 1951}
    carried = [
        o["data"][ANSWER_MIME] for c in saved.cells for o in c.get("outputs", []) if ANSWER_MIME in o.get("data", {})
    ]
    assert carried == ["1951"]  # one line carries an answer: the changed one; the cleared one carries none

    (folder / f"{QUIZ}.answers.json").unlink()  # the notebook handed in alone
    source = json.loads((root / "assignments" / "source" / QUIZ / f"{QUIZ}.ipynb").read_text())
    handed = HandedNotebook(f"{QUIZ}.ipynb", question_ids(source))
    entry = ledger.look(root / "assignments", folder, QUIZ, "lab-student", QUIZ, handed)
    assert (entry.source, entry.handed_in().values) == ("notebook", answers)
