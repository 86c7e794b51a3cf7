"""A student in a real JupyterLab (real Chromium): answer every question by mouse and keyboard, save,
restart and run all, see the answers restored, then submit and autograde.
"""

from __future__ import annotations

import json
import shutil

import pytest
from _served import ORDER, QUIZ, TOKEN, jupyter, question, recorded, released_quiz, wait_for_saved
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


def _answer_everything(page) -> None:
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
    recorded(w)
    # Matching by mouse: choose from each list (the keyboard case is test_arrow_keys_choose_in_a_matching_list).
    w = question(page, "Match each milestone")
    w.get_by_label("Formal alliance partnership with South Korea").select_option(label="1953")
    w.get_by_label("Republic of China on Taiwan").select_option(label="1955")
    w.get_by_label("Defense Industry Consultative Committee").select_option(label="1993")
    w.get_by_label("Korea-U.S. Free Trade").select_option(label="2007")
    recorded(w)
    # Ordering by mouse: Up buttons, then Save this order.
    w = question(page, "chronological order")
    for i, text in enumerate(ORDER):
        shown = [" ".join(t.split()) for t in w.locator(".ck-item-text").all_inner_texts()]
        for _ in range(shown.index(text) - i):
            w.get_by_role("button", name=f"Move up: {text}").click()
    w.get_by_role("button", name="Save this order").click()
    recorded(w)
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
    page.locator(".jp-OutputArea-output", has_text="Question 9:").wait_for(state="attached", timeout=120000)
    page.locator(".ck-quiz").nth(8).scroll_into_view_if_needed()
    return page


def test_student_answers_in_jupyterlab_and_gets_full_marks(lab, browser):
    """Can a student answer all nine questions in JupyterLab by mouse and keyboard, see them restored after
    Restart and Run All, and get 12 of 12 from nbgrader autograde?"""
    errors = []
    page = _open_and_run_all(browser, lab["url"], errors)

    _answer_everything(page)
    saved = json.loads((lab["folder"] / f"{QUIZ}.answers.json").read_text())
    assert saved["schema"] == 1
    assert saved["answers"] == EXPECTED_ANSWERS

    page.keyboard.press("Control+s")
    _menu(page, "Kernel", "Restart Kernel and Run All Cells")
    page.locator(".jp-Dialog-button.jp-mod-accept").click()
    page.locator(".jp-OutputArea-output", has_text="Question 9: recorded: 2019 (year)").wait_for(timeout=90000)
    assert _restored(page) == {
        "numbers": ["1950", "1951", "1960", "2019"],
        "text": "San Francisco System",
        "single": True,
        "multiple": [True, True, True, False, False],
        "matching": ["y1953", "y1955", "y1993", "y2007"],
        "ordering": ORDER,
    }
    assert page.locator(".jp-OutputArea-output", has_text="not answered yet").count() == 0
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
