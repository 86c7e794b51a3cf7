"""A graded question's controls in a real Chromium: its heading, Clear answer, the ordering's Save button, the help
line's wording, and Ctrl/Cmd+S handed on to the notebook. (JupyterLab and Notebook 7 are in tests/grading.)"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TYPES = ("single", "multiple", "numeric", "text", "ordering", "matching")


def value(page):
    return page.evaluate("window.quiz.state.value ?? null")


def status(page):
    return page.locator(".ck-feedback").inner_text()


def answer(page, kind):
    """Answer with the mouse, the way a student would; returns nothing (read the value with value())."""
    if kind == "single":
        page.get_by_label("Option B").click()
    elif kind == "multiple":
        page.get_by_label("A", exact=True).click()
    elif kind in ("numeric", "text"):
        page.get_by_role("textbox").fill("366" if kind == "numeric" else "Pacific")
        page.get_by_role("button", name="Save answer").click()
    elif kind == "ordering":
        page.locator(".ck-move").nth(1).click()  # the first item's Down button
    else:
        page.get_by_label("Japan").select_option(label="Tokyo")


def test_graded_widget_is_headed_with_its_number_and_points(open_quiz, questions):
    """Is a graded question headed "Question 4 · 2 points", and one without a number "Quiz question · 2 points"?"""
    page = open_quiz(questions["single"], mode="graded", number=4)
    assert page.locator(".ck-meta").inner_text().lower() == "question 4 · 2 points"
    page = open_quiz(questions["single"], mode="graded")
    assert page.locator(".ck-meta").inner_text().lower() == "quiz question · 2 points"


@pytest.mark.parametrize("kind", TYPES)
def test_every_graded_answer_can_be_cleared(open_quiz, questions, kind):
    """Does 'Clear answer' appear once a question is answered (a radio choice included), remove the answer, empty
    the controls and say so, then disappear?"""
    page = open_quiz(questions[kind], mode="graded")
    clear = page.get_by_role("button", name="Clear answer")
    assert not clear.is_visible()
    answer(page, kind)
    assert value(page) is not None and clear.is_visible()
    clear.click()
    assert value(page) is None and not clear.is_visible()
    assert "Not answered yet" in status(page)
    if kind in ("single", "multiple"):
        assert not [r for r in page.locator("input").all() if r.is_checked()]
    if kind in ("numeric", "text"):
        assert page.get_by_role("textbox").input_value() == ""
    if kind == "matching":
        assert {s.input_value() for s in page.locator("select").all()} == {""}


def test_ordering_saves_on_every_move_and_offers_save_only_until_then(open_quiz, questions):
    """Does a graded ordering offer 'Save this order' only while nothing is recorded, save every move at once,
    and offer the button again after Clear answer?"""
    page = open_quiz(questions["ordering"], mode="graded")
    save = page.get_by_role("button", name="Save this order")
    assert save.is_visible()
    page.locator(".ck-move").nth(1).click()
    first = value(page)
    assert first is not None and not save.is_visible() and "Answer recorded" in status(page)
    page.locator(".ck-move").nth(1).click()  # whichever item is first now moves down: saved at once
    assert value(page) != first and sorted(value(page)) == sorted(first)
    page.get_by_role("button", name="Clear answer").click()
    assert value(page) is None and save.is_visible()


HELP = {
    "single": "Select one answer. It is saved as soon as you select it.",
    "multiple": "Select all that apply. Each change is saved at once.",
    "numeric": "Type a number. Press Enter or Save answer to save it.",
    "text": "Type a short answer. Press Enter or Save answer to save it.",
    "ordering": "Move the items into order with the Up and Down buttons. Each move is saved; if the order shown is "
    "already your answer, press Save this order.",
    "matching": "Choose a match for each item from its list. Each choice is saved at once.",
}


@pytest.mark.parametrize("kind", TYPES)
def test_help_says_what_to_do_and_how_it_is_saved(open_quiz, questions, kind):
    """Does every type's help line say what to do and how the answer is kept, in one wording?"""
    page = open_quiz(questions[kind], mode="graded")
    assert page.locator(".ck-help").inner_text() == HELP[kind]


def test_help_does_not_repeat_the_prompt(open_quiz, questions):
    """When the prompt already says "Select all that apply.", does the help line leave it out?"""
    q = questions["multiple"].model_copy(update={"prompt": "Which are vowels? Select all that apply."})
    page = open_quiz(q, mode="graded")
    assert page.locator(".ck-help").inner_text() == "Each change is saved at once."
    assert page.locator(".ck-quiz").inner_text().lower().count("all that apply") == 1


KEYS = """() => window.seen.map(e => ({trusted: e.isTrusted, key: e.key, ctrl: e.ctrlKey, meta: e.metaKey,
    prevented: e.defaultPrevented, keyCode: e.keyCode,
    target: e.target.id === "mount" ? "mount" : e.target.tagName}))"""


def _watch_keys(page):
    page.evaluate(
        "() => { window.seen = []; if (!window.watching) { window.watching = true;"
        " document.addEventListener('keydown', e => window.seen.push(e), true); } }"
    )


@pytest.mark.parametrize("combo", ("Control+s", "Meta+s"))
def test_ctrl_s_in_a_control_is_handed_to_the_notebook(open_quiz, questions, combo):
    """Does Ctrl+S (Cmd+S) typed in a graded widget's control stop the browser's "Save page as" and reach the
    notebook as a keystroke from the widget's host, which JupyterLab's shortcuts do not ignore?"""
    page = open_quiz(questions["text"], mode="graded")
    page.get_by_role("textbox").click()
    _watch_keys(page)
    page.keyboard.press(combo)
    s_keys = [k for k in page.evaluate(KEYS) if k["key"].lower() == "s"]
    original, handed = s_keys
    assert original["trusted"] and original["prevented"] and original["target"] == "INPUT"
    modifier = "ctrl" if combo.startswith("Control") else "meta"
    assert not handed["trusted"] and handed["target"] == "mount" and handed[modifier] and handed["keyCode"] == 83


def test_ctrl_s_elsewhere_is_left_alone(open_quiz, questions):
    """Outside a graded control (a practice widget in the book), is Ctrl+S left to the page as usual?"""
    page = open_quiz(questions["text"])
    page.get_by_role("textbox").click()
    _watch_keys(page)
    page.keyboard.press("Control+s")
    s_keys = [k for k in page.evaluate(KEYS) if k["key"].lower() == "s"]
    assert len(s_keys) == 1 and not s_keys[0]["prevented"]
