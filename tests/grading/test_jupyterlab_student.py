"""A student in a real JupyterLab (real Chromium): answer every question by mouse and keyboard, save,
restart and run all, see the answers restored, then submit and autograde.
"""

from __future__ import annotations

import json
import shutil

import pytest
from _served import (
    ORDER,
    QUIZ,
    TOKEN,
    current_run,
    jupyter,
    lines,
    question,
    recorded,
    released_quiz,
    wait_for_answer,
    wait_for_line,
    wait_for_saved,
)
from grading_helpers import nbgrader

EXPECTED_ANSWERS = {
    "ty-invasion-year": 1950,
    "ty-treaties-year": 1951,
    "ty-amended-year": 1960,
    "ty-system-name": "San Francisco System",
    "ty-forged-in": "korean-war",
    "ty-other-treaty-allies": ["australia-nz", "philippines", "thailand"],
    "ty-partner-years": {"korea-alliance": "y1953", "taiwan-alliance": "y1955", "dicc": "y1993", "korus": "y2007"},
    "ty-milestone-order": [
        "invasion",
        "sf-treaties",
        "korea-treaty",
        "defense-committee",
        "korus-fta",
        "vision-statement",
    ],
    "ty-japan-trade-step": 2019,
}

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


def _answer_everything(page, folder) -> None:
    # Numbers and text: mouse into the box, then the keyboard (Enter saves) or the Save button.
    w = question(page, "North Korea invade the south")
    w.get_by_role("textbox").click()
    page.keyboard.type("1950")
    page.keyboard.press("Enter")
    recorded(w)
    w = question(page, "peace treaty with Tokyo")
    w.get_by_role("textbox").click()
    page.keyboard.type("1951")
    w.get_by_role("button", name="Save answer").click()
    recorded(w)
    w = question(page, "security treaty amended")
    w.get_by_role("textbox").click()
    page.keyboard.type("1960")
    page.keyboard.press("Tab")  # to the Save button
    page.keyboard.press("Enter")
    recorded(w)
    w = question(page, "network of bilateral alliances")
    w.get_by_role("textbox").click()
    page.keyboard.type("San Francisco System")
    page.keyboard.press("Enter")
    recorded(w)
    # Single choice by mouse.
    w = question(page, "what event forged")
    w.get_by_label("The Korean War").click()
    recorded(w)
    # Multiple select: the first by mouse, the others by keyboard (Tab between boxes, Space to tick).
    w = question(page, "other U.S. treaty allies")
    w.get_by_label("Australia and New Zealand").click()
    for _ in ("The Philippines", "Thailand"):
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
    wait_for_answer(folder, "ty-other-treaty-allies", EXPECTED_ANSWERS["ty-other-treaty-allies"])
    # Matching by mouse: choose from each list (the keyboard case is test_arrow_keys_choose_in_a_matching_list).
    w = question(page, "Match each milestone")
    w.get_by_label("Formal alliance partnership with South Korea").select_option(label="1953")
    w.get_by_label("Republic of China on Taiwan").select_option(label="1955")
    w.get_by_label("Defense Industry Consultative Committee").select_option(label="1993")
    w.get_by_label("Korea-U.S. Free Trade").select_option(label="2007")
    wait_for_answer(folder, "ty-partner-years", EXPECTED_ANSWERS["ty-partner-years"])
    # Ordering by mouse: Up buttons; each move is saved (Save this order only records an order left as shown).
    w = question(page, "chronological order")
    for i, text in enumerate(ORDER):
        shown = [" ".join(t.split()) for t in w.locator(".ck-item-text").all_inner_texts()]
        for _ in range(shown.index(text) - i):
            w.get_by_role("button", name=f"Move up: {text}").click()
    wait_for_answer(folder, "ty-milestone-order", EXPECTED_ANSWERS["ty-milestone-order"])
    w = question(page, "first step taken toward")
    w.get_by_role("textbox").click()
    page.keyboard.type("2019")
    page.keyboard.press("Enter")
    recorded(w)


def _restored(page) -> dict:
    """What the widgets show after a restart, read from the page."""

    def box(words):
        return question(page, words).get_by_role("textbox").input_value()

    matching = question(page, "Match each milestone")
    return {
        "numbers": [box(w) for w in ("invade the south", "peace treaty with Tokyo", "amended", "first step taken")],
        "text": box("network of bilateral alliances"),
        "single": question(page, "what event forged").get_by_label("The Korean War").is_checked(),
        "multiple": [
            question(page, "other U.S. treaty allies").get_by_label(name, exact=True).is_checked()
            for name in ("Australia and New Zealand", "The Philippines", "Thailand", "India", "Vietnam")
        ],
        "matching": [matching.locator("select").nth(i).input_value() for i in range(4)],
        "ordering": [" ".join(t.split()) for t in question(page, "chronological").locator(".ck-item-text").all_inner_texts()],  # noqa: E501
    }  # fmt: skip


def _open_and_run_all(browser, url: str, errors: list):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(".jp-Notebook", timeout=90000)
    # Run All only once the kernel is up: the status bar says "Idle" (a busy machine can take a while).
    page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=120000)
    _menu(page, "Run", "Run All Cells")
    wait_for_line(page, "Question 9:")
    page.locator(".ck-quiz").nth(8).scroll_into_view_if_needed()
    return page


def test_student_answers_in_jupyterlab_and_gets_full_marks(lab, browser):
    """Can a student answer all nine questions in JupyterLab by mouse and keyboard, see them restored after
    Restart and Run All, and get 12 of 12 from nbgrader autograde?"""
    errors = []
    page = _open_and_run_all(browser, lab["url"], errors)

    _answer_everything(page, lab["folder"])
    saved = json.loads((lab["folder"] / f"{QUIZ}.answers.json").read_text())
    assert saved["schema"] == 1
    assert saved["answers"] == EXPECTED_ANSWERS

    page.keyboard.press("Control+s")
    before = current_run(page)
    _menu(page, "Kernel", "Restart Kernel and Run All Cells")
    page.locator(".jp-Dialog-button.jp-mod-accept").click()
    wait_for_line(page, "Question 9: recorded: 2019 (year)", timeout=180000, not_from=before)
    assert _restored(page) == {
        "numbers": ["1950", "1951", "1960", "2019"],
        "text": "San Francisco System",
        "single": True,
        "multiple": [True, True, True, False, False],
        "matching": ["y1953", "y1955", "y1993", "y2007"],
        "ordering": ORDER,
    }
    after = lines(page, not_from=before)
    assert len(after) == 9 and not [t for t in after.values() if "not answered" in t]
    page.keyboard.press("Control+s")
    wait_for_saved(lab["folder"] / f"{QUIZ}.ipynb", "Question 9: recorded: 2019")
    page.close()
    assert errors == []

    submitted = lab["root"] / "assignments" / "submitted" / "lab-student" / QUIZ
    shutil.copytree(lab["folder"], submitted, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    nbgrader(lab["root"], "autograde", QUIZ, "--student=lab-student", "--force")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{lab['root'] / 'assignments' / 'gradebook.db'}") as gb:
        sub = gb.find_submission(QUIZ, "lab-student")
        assert (sub.score, sub.max_score) == (12.0, 12.0)


def test_arrow_keys_work_in_lists_and_radio_groups(lab, browser):
    """In JupyterLab, do arrow keys change a matching list's choice and a radio group's choice, as in any web page?"""
    errors = []
    page = _open_and_run_all(browser, lab["url"], errors)
    select = question(page, "Match each milestone").locator("select").first
    select.focus()
    page.keyboard.press("ArrowDown")
    chosen_in_list = select.input_value()
    radio = question(page, "what event forged").locator("input").first
    radio.focus()
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.tagName + ':' + document.activeElement.value")
    page.close()
    assert chosen_in_list != "" and focused.startswith("INPUT:")


def test_the_line_under_a_question_follows_the_widget_without_rerunning(lab, browser):
    """After Run All, when the student answers, changes and clears a question, does the line under it say so each
    time, with no cell run again, and does Ctrl+S typed inside the widget save the notebook with that line?"""
    errors = []
    page = _open_and_run_all(browser, lab["url"], errors)
    w = question(page, "peace treaty with Tokyo")
    box = w.get_by_role("textbox")
    box.fill("1948")
    box.press("Enter")
    wait_for_line(page, "Question 2: recorded: 1948 (year)", timeout=60000)
    box.fill("1951")
    box.press("Enter")
    wait_for_line(page, "Question 2: recorded: 1951 (year)", timeout=60000)
    w.get_by_role("button", name="Clear answer").click()
    wait_for_line(page, "Question 2: answer cleared; not answered now.", timeout=60000)
    assert "Answer cleared" in w.locator(".ck-feedback").inner_text()
    box.fill("1951")
    box.press("Enter")
    wait_for_line(page, "Question 2: recorded: 1951 (year)", timeout=60000)
    counts = page.evaluate("() => [...document.querySelectorAll('.jp-InputArea-prompt')].map(e => e.textContent)")
    box.click()
    page.keyboard.press("Control+s")  # inside the widget's text box
    saved = wait_for_saved(lab["folder"] / f"{QUIZ}.ipynb", "Question 2: recorded: 1951 (year)")
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


def test_reopened_without_running_the_notebook_says_where_the_answers_are(lab, browser):
    """With the kernel shut down and the notebook opened again without running it, does every question say its
    answers are safe in the answers file, and do the lines still show what was recorded?"""
    import urllib.request

    errors = []
    page = _open_and_run_all(browser, lab["url"], errors)
    assert page.locator(".ck-saved-note:visible").count() == 0  # live widgets hide the note
    box = question(page, "peace treaty with Tokyo").get_by_role("textbox")
    box.fill("1949")
    box.press("Enter")
    wait_for_line(page, "Question 2: recorded: 1949 (year)", timeout=60000)
    page.keyboard.press("Control+s")
    wait_for_saved(lab["folder"] / f"{QUIZ}.ipynb", "Question 2: recorded: 1949 (year)")
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
    notes = page.evaluate("() => [...document.querySelectorAll('.ck-saved-note')].map(e => e.textContent.trim())")
    assert notes == [
        f"Question {n}: Run all cells to see your saved answers (they are safe in {QUIZ}.answers.json)."
        for n in range(1, 10)
    ]
    shown = lines(page)
    assert len(shown) == 9 and shown[2] == "Question 2: recorded: 1949 (year)"
    page.close()
