"""A student in a real JupyterLab (real Chromium): answer every widget question by mouse and keyboard, write the
written answer in its cell, save, restart and run all, see the answers restored, then submit and autograde.

The answers come from the bank (``_served.BANK``), so the test follows the quiz's content.
"""

from __future__ import annotations

import json
import re
import shutil

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
from grading_helpers import nbgrader

WRITTEN_ANSWER = "The war ended the occupation of Japan and led to the 1951 treaties and the 1953 alliance with Korea."


def _expected(q):
    """The value the widget saves when the student gives the key (text: the first accepted form)."""
    if q.type == "multiple":
        return [o.id for o in q.options if o.id in q.answers]
    return q.forms()[0] if q.type == "text" else q.key()


EXPECTED_ANSWERS = {q.id: _expected(q) for q in AUTO}
NUMBERS = {q.id: n for n, q in enumerate(BANK.questions, start=1)}  # as the notebook numbers them

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.nbgrader]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A released quiz in a student's folder, served by JupyterLab on 127.0.0.1 with token auth."""
    root, student = released_quiz(tmp_path_factory.mktemp("lab") / "course", QUIZ)
    with jupyter("lab", student, root) as base:
        yield {"root": root, "folder": student / QUIZ, "url": f"{base}/lab/tree/{QUIZ}/{QUIZ}.ipynb?token={TOKEN}"}


def _menu(page, top: str, item: str) -> None:
    page.get_by_role("menuitem", name=top, exact=True).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def _type_into(page, q, value: str, finish: str) -> None:
    """Mouse into a number or text box, type, then save with Enter, the Save button, or Tab and Enter."""
    w = question(page, words(q))
    w.get_by_role("textbox").click()
    page.keyboard.type(value)
    if finish == "button":
        w.get_by_role("button", name="Save answer").click()
    else:
        page.keyboard.press("Tab" if finish == "tab" else "Enter")
        if finish == "tab":  # Tab moves to the Save button
            page.keyboard.press("Enter")
    recorded(w)


def _answer_everything(page, folder) -> None:
    _type_into(page, the("numeric"), str(the("numeric").key()), "tab")
    _type_into(page, the("text"), the("text").forms()[0], "button")
    for q in [q for q in AUTO if q.type == "single"]:  # single choice by mouse
        w = question(page, words(q))
        w.get_by_label(option(q, q.answer), exact=True).click()
        recorded(w)
    # Multiple select: the first right option by mouse, then the keyboard (Tab between boxes, Space to tick).
    q = the("multiple")
    w = question(page, words(q))
    ids = [o.id for o in q.options]
    first = min(ids.index(a) for a in q.answers)
    w.get_by_label(q.options[first].text, exact=True).click()
    for o in q.options[first + 1 :]:
        page.keyboard.press("Tab")
        if o.id in q.answers:
            page.keyboard.press("Space")
    wait_for_answer(folder, q.id, EXPECTED_ANSWERS[q.id])
    # Matching by mouse: choose from each list (the keyboard case is test_arrow_keys_work_in_lists_and_radio_groups).
    q = the("matching")
    w = question(page, words(q))
    right = {o.id: o.text for o in q.right}
    for left in q.left:
        w.get_by_label(left.text, exact=True).select_option(label=right[q.answer[left.id]])
    wait_for_answer(folder, q.id, EXPECTED_ANSWERS[q.id])
    # Ordering by mouse: Up buttons; each move is saved (Save this order only records an order left as shown).
    q = the("ordering")
    w = question(page, words(q))
    for i, text in enumerate(ORDER):
        shown = [" ".join(t.split()) for t in w.locator(".ck-item-text").all_inner_texts()]
        for _ in range(shown.index(text) - i):
            w.get_by_role("button", name=f"Move up: {text}").click()
    wait_for_answer(folder, q.id, EXPECTED_ANSWERS[q.id])


def _answer_cell(page):
    """The written question's answer cell, rendered (it shows nbgrader's stub until the student writes)."""
    return page.locator(".jp-MarkdownCell").filter(
        has=page.locator(".jp-RenderedMarkdown", has_text=re.compile(r"^\s*YOUR ANSWER HERE\s*$"))
    )


def _write_the_written_answer(page) -> None:
    """Double-click the answer cell, replace the stub with the answer, render it (Shift+Enter), as a student does."""
    cell = _answer_cell(page)
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-RenderedMarkdown").dblclick()  # shows the cell's source, still in command mode
    page.locator(".jp-MarkdownCell.jp-mod-active .cm-content").click()  # into the editor: edit mode
    page.locator(".jp-MarkdownCell.jp-mod-active .cm-editor.cm-focused").wait_for(timeout=30000)
    page.keyboard.press("Control+a")
    page.keyboard.type(WRITTEN_ANSWER)
    page.keyboard.press("Shift+Enter")
    page.locator(".jp-RenderedMarkdown", has_text=WRITTEN_ANSWER).wait_for(timeout=30000)


def _restored(page) -> dict:
    """What the widgets show after a restart, read from the page."""

    def box(q):
        return question(page, words(q)).get_by_role("textbox").input_value()

    def checked(q, oid):
        return question(page, words(q)).get_by_label(option(q, oid), exact=True).is_checked()

    multiple, matching, ordering = the("multiple"), the("matching"), the("ordering")
    return {
        "numeric": box(the("numeric")),
        "text": box(the("text")),
        "single": [checked(q, q.answer) for q in AUTO if q.type == "single"],
        "multiple": [checked(multiple, o.id) for o in multiple.options],
        "matching": [question(page, words(matching)).locator("select").nth(i).input_value() for i in range(len(matching.left))],  # noqa: E501
        "ordering": [" ".join(t.split()) for t in question(page, words(ordering)).locator(".ck-item-text").all_inner_texts()],  # noqa: E501
    }  # fmt: skip


def _open_and_run_all(browser, url: str, errors: list):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(".jp-Notebook", timeout=90000)
    # Run All only once the kernel is up: the status bar says "Idle" (a busy machine can take a while).
    page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=120000)
    _menu(page, "Run", "Run All Cells")
    wait_for_line(page, f"Question {LAST}:")
    page.locator(".ck-quiz").nth(LAST - 1).scroll_into_view_if_needed()
    return page


def test_student_answers_in_jupyterlab_and_gets_full_marks(lab, browser):
    """Can a student answer every widget question in JupyterLab by mouse and keyboard and write the written answer,
    see them all again after Restart and Run All, and get full marks from nbgrader autograde for the widgets, with
    the written answer waiting for a grader?"""
    errors = []
    page = _open_and_run_all(browser, lab["url"], errors)

    _answer_everything(page, lab["folder"])
    _write_the_written_answer(page)
    saved = json.loads((lab["folder"] / f"{QUIZ}.answers.json").read_text())
    assert saved["schema"] == 1
    assert saved["answers"] == EXPECTED_ANSWERS

    page.keyboard.press("Control+s")
    before = current_run(page)
    _menu(page, "Kernel", "Restart Kernel and Run All Cells")
    page.locator(".jp-Dialog-button.jp-mod-accept").click()
    wait_for_line(page, f"Question {LAST}: recorded:", timeout=180000, not_from=before)
    multiple, matching = the("multiple"), the("matching")
    assert _restored(page) == {
        "numeric": str(the("numeric").key()),
        "text": the("text").forms()[0],
        "single": [True] * len([q for q in AUTO if q.type == "single"]),
        "multiple": [o.id in multiple.answers for o in multiple.options],
        "matching": [matching.answer[left.id] for left in matching.left],
        "ordering": ORDER,
    }
    after = lines(page, not_from=before)
    assert len(after) == len(AUTO) and not [text for text in after.values() if "not answered" in text]
    run = current_run(page)
    page.keyboard.press("Control+s")
    # Wait for THIS save (its lines carry the new run's id), whole on disk, before the folder is handed in:
    # the written answer was on disk already, from the first save, and a copy taken mid-save is not a notebook.
    notebook = wait_for_saved(lab["folder"] / f"{QUIZ}.ipynb", run)
    assert WRITTEN_ANSWER in json.dumps(notebook)
    page.close()
    assert errors == []

    submitted = lab["root"] / "assignments" / "submitted" / "lab-student" / QUIZ
    shutil.copytree(lab["folder"], submitted, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    nbgrader(lab["root"], "autograde", QUIZ, "--student=lab-student", "--force")
    from nbgrader.api import Gradebook

    auto_points = sum(q.points for q in AUTO)
    with Gradebook(f"sqlite:///{lab['root'] / 'assignments' / 'gradebook.db'}") as gb:
        sub = gb.find_submission(QUIZ, "lab-student")
        assert (sub.score, sub.max_score) == (auto_points, sum(q.points for q in BANK.questions))
        assert sub.needs_manual_grade  # the written answer, for a grader in formgrader


def test_arrow_keys_work_in_lists_and_radio_groups(lab, browser):
    """In JupyterLab, do arrow keys change a matching list's choice and a radio group's choice, as in any web page?"""
    errors = []
    page = _open_and_run_all(browser, lab["url"], errors)
    select = question(page, words(the("matching"))).locator("select").first
    select.focus()
    page.keyboard.press("ArrowDown")
    chosen_in_list = select.input_value()
    radio = question(page, words(the("single"))).locator("input").first
    radio.focus()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.tagName + ':' + document.activeElement.value")
    page.close()
    assert chosen_in_list != "" and focused.startswith("INPUT:")


def test_the_line_under_a_question_follows_the_widget_without_rerunning(lab, browser):
    """After Run All, when the student answers, changes and clears a question, does the line under it say so each
    time, with no cell run again, and does Ctrl+S typed inside the widget save the notebook with that line?"""
    q = the("numeric")
    n = NUMBERS[q.id]
    errors = []
    page = _open_and_run_all(browser, lab["url"], errors)
    w = question(page, words(q))
    box = w.get_by_role("textbox")
    box.fill("1948")
    box.press("Enter")
    wait_for_line(page, f"Question {n}: recorded: 1948", timeout=60000)
    box.fill("1951")
    box.press("Enter")
    wait_for_line(page, f"Question {n}: recorded: 1951", timeout=60000)
    w.get_by_role("button", name="Clear answer").click()
    wait_for_line(page, f"Question {n}: answer cleared; not answered now.", timeout=60000)
    # the kernel updates the line first and the widget's words last: wait for them
    w.locator(".ck-feedback", has_text="Answer cleared").wait_for(timeout=30000)
    box.fill("1951")
    box.press("Enter")
    wait_for_line(page, f"Question {n}: recorded: 1951", timeout=60000)
    counts = page.evaluate("() => [...document.querySelectorAll('.jp-InputArea-prompt')].map(e => e.textContent)")
    box.click()
    page.keyboard.press("Control+s")  # inside the widget's text box
    saved = wait_for_saved(lab["folder"] / f"{QUIZ}.ipynb", f"Question {n}: recorded: 1951")
    assert (
        page.evaluate("() => [...document.querySelectorAll('.jp-InputArea-prompt')].map(e => e.textContent)") == counts
    )
    assert any(
        "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        for c in saved.cells
        for o in c.get("outputs", [])
    )
    page.close()
    assert errors == []


def _status(widget) -> str:
    """The widget's status line, from the DOM's text (JupyterLab skips painting cells off screen)."""
    return " ".join(widget.locator(".ck-feedback").text_content().split())


def test_typed_unfinished_and_doubled_answers_say_so_and_ctrl_s_keeps_a_typed_one(lab, browser):
    """In JupyterLab: does a number typed but not entered say "Changed, not saved", and Ctrl+S then save it (answers
    file, and the notebook saved with the line showing it)? Does a half-done matching say incomplete, a choice picked
    twice get marked, and the matching fit a 320 px wide window with a long choice shown whole?"""
    q, matching = the("numeric"), the("matching")
    n = NUMBERS[q.id]
    errors = []
    page = _open_and_run_all(browser, lab["url"], errors)
    w = question(page, words(q))
    box = w.get_by_role("textbox")
    box.fill("")
    box.press("Enter")  # cleared: a clean start
    box.click()
    page.keyboard.type("1952")
    assert "Changed, not saved: press Enter" in _status(w)
    page.keyboard.press("Control+s")  # no Enter, no leaving the field
    notebook = wait_for_saved(lab["folder"] / f"{QUIZ}.ipynb", f"Question {n}: recorded: 1952")
    assert json.loads((lab["folder"] / f"{QUIZ}.answers.json").read_text())["answers"][q.id] == 1952
    copies = [o["data"]["text/plain"] for c in notebook.cells for o in c.get("outputs", []) if "ck-saved-copy" in
              o.get("data", {}).get("text/html", "")]  # fmt: skip
    assert [c for c in copies if c.startswith(f"Question {n} ")][0].count("was saved: 1952") == 1
    assert "Answer recorded" in _status(w)

    m = question(page, words(matching))
    right = {o.id: o.text for o in matching.right}
    clear = m.get_by_role("button", name="Clear answer")
    if clear.is_visible():  # answered by an earlier test: start from nothing
        clear.click()
        wait_for_answer(lab["folder"], matching.id, None)
    first, second = matching.left[0], matching.left[1]
    m.get_by_label(first.text, exact=True).select_option(label=right[matching.answer[first.id]])
    wait_for_answer(lab["folder"], matching.id, {first.id: matching.answer[first.id]})
    assert _status(m).startswith(f"◐ Incomplete: 1 of {len(matching.left)} items matched.")
    m.get_by_label(second.text, exact=True).select_option(label=right[matching.answer[first.id]])
    assert m.locator(".ck-pair.ck-dup").count() == 2 and "is chosen for 2 items: that can be right" in _status(m)

    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()  # the file browser closed
    page.set_viewport_size({"width": 320, "height": 800})
    m.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # the widget's width follows the window's
    assert m.evaluate("e => e.scrollWidth <= e.clientWidth")
    edge = m.evaluate("e => e.getBoundingClientRect().right")
    assert all(s.evaluate("e => e.getBoundingClientRect().right") <= edge for s in m.locator("select").all())
    longest = max(matching.right, key=lambda o: len(o.text))
    m.get_by_label(second.text, exact=True).select_option(label=longest.text)
    shown = m.locator(".ck-chosen:visible")
    assert shown.count() >= 1 and f"→ {longest.text}" in shown.all_inner_texts()
    assert all(e.evaluate("e => e.scrollWidth <= e.clientWidth") for e in shown.all())
    page.close()
    assert errors == []


def test_opening_the_released_quiz_does_not_mark_it_unsaved(lab, browser):
    """Opened as released (its kernel starting, nothing run), is the notebook left unchanged: no "unsaved" dot?"""
    shutil.copytree(lab["root"] / "assignments" / "release" / QUIZ, lab["folder"].parent / "fresh" / QUIZ)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    # a workspace of its own: JupyterLab would otherwise restore the tabs the earlier tests left open
    page.goto(lab["url"].replace(f"/lab/tree/{QUIZ}/", f"/lab/workspaces/fresh/tree/fresh/{QUIZ}/"))
    page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=120000)
    page.wait_for_timeout(2000)  # JupyterLab writes the kernel's language_info when it connects
    tab = page.locator(".lm-TabBar-tab", has_text=f"{QUIZ}.ipynb")
    assert tab.count() == 1 and "jp-mod-dirty" not in tab.get_attribute("class")
    page.close()


def test_reopened_without_a_kernel_shows_each_question_and_its_answer(lab, browser):
    """After answering, saving and shutting the kernel down, does the notebook opened again (not run) show every
    question's text and its answer in full, readably, with no "Error displaying widget", and stay unchanged (not
    marked unsaved) on opening? Are the lines under the questions still there?"""
    import urllib.request

    q, text_q = the("numeric"), the("text")
    n = NUMBERS[q.id]
    long = EXPECTED_ANSWERS[text_q.id] + " " + " ".join(["(the pattern of separate bilateral alliances)"] * 6) + " END."
    errors = []
    page = _open_and_run_all(browser, lab["url"], errors)
    assert page.locator(".ck-saved-copy:visible").count() == 0  # live widgets hide their saved copies
    box = question(page, words(q)).get_by_role("textbox")
    box.fill("1949")
    box.press("Enter")
    wait_for_line(page, f"Question {n}: recorded: 1949", timeout=60000)
    text_box = question(page, words(text_q)).get_by_role("textbox")
    text_box.fill(long)
    text_box.press("Enter")
    wait_for_answer(lab["folder"], text_q.id, long)
    page.keyboard.press("Control+s")
    wait_for_saved(lab["folder"] / f"{QUIZ}.ipynb", "END.")
    assert errors == []
    page.close()
    base = lab["url"].split("/lab/")[0]
    for session in json.loads(urllib.request.urlopen(f"{base}/api/sessions?token={TOKEN}").read()):
        urllib.request.urlopen(
            urllib.request.Request(f"{base}/api/sessions/{session['id']}?token={TOKEN}", method="DELETE")
        )
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(lab["url"])
    page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=120000)
    page.wait_for_timeout(2000)  # JupyterLab writes the kernel's language_info when it connects
    assert page.locator(".lm-TabBar-tab.jp-mod-dirty").count() == 0, "opening marked the notebook unsaved"
    shown_widgets = "els => els.filter(e => e.checkVisibility()).map(e => e.textContent)"
    assert page.locator(".jupyter-widgets").count() == len(AUTO)  # the widget outputs are there, as saved ...
    assert page.locator(".jupyter-widgets").evaluate_all(shown_widgets) == []  # ... with their error text hidden
    copies = page.locator(".ck-saved-copy")
    assert copies.count() == len(AUTO)
    for a, copy in zip(AUTO, copies.all(), strict=True):
        copy.scroll_into_view_if_needed()
        assert copy.is_visible() and " ".join(a.prompt.split()[:6]) in " ".join(copy.inner_text().split())
    numeric = copies.filter(has_text=words(q)).inner_text()
    assert "Your answer when this notebook was saved: 1949" in " ".join(numeric.split())
    text_copy = copies.filter(has_text=words(text_q))
    assert long in " ".join(text_copy.inner_text().split())
    answer = text_copy.locator("code")
    assert answer.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the long answer is cut off"
    shown = lines(page)
    assert len(shown) == len(AUTO) and shown[n].startswith(f"Question {n}: recorded: 1949")
    page.close()
