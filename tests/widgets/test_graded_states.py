"""A graded question never looks as if it lost an answer (real Chromium, the harness's fake kernel model): a typed
answer not yet saved says so, Ctrl+S saves it before the notebook, an unfinished matching or ordering says so, a
choice used twice is marked, and the matching fits a 320 px phone. (The same in JupyterLab: tests/grading.)"""

from __future__ import annotations

import time

import pytest
from test_browser import axe_violations

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LONG = "Wider security roles for the allies, including missions outside their own region and beyond"


def value(page):
    return page.evaluate("window.quiz.state.value ?? null")


def status(page):
    return page.locator(".ck-feedback").inner_text()


def test_a_typed_answer_not_yet_saved_says_so(open_quiz, questions):
    """While what is typed differs from what is saved, does the status say "Changed, not saved: press Enter", and
    once saved (or typed back to the saved answer) say it is recorded?"""
    page = open_quiz(questions["numeric"], mode="graded")
    box = page.get_by_role("textbox")
    box.click()
    page.keyboard.type("366")
    assert "Changed, not saved: press Enter" in status(page) and value(page) is None
    page.keyboard.press("Enter")
    assert value(page) == 366 and "Answer recorded" in status(page)
    page.keyboard.type("0")
    assert "Changed, not saved" in status(page) and value(page) == 366
    page.keyboard.press("Backspace")
    assert "Answer recorded" in status(page)  # back to what is saved
    page.keyboard.type("x")
    assert "Changed, not saved" in status(page)  # not a number yet: still not what is saved
    assert axe_violations(page) == []


def test_leaving_a_field_saves_it(open_quiz, questions):
    """Does leaving a typed field (Tab) save what it holds, as it did before?"""
    page = open_quiz(questions["text"], mode="graded")
    page.get_by_role("textbox").click()
    page.keyboard.type("Pacific")
    page.keyboard.press("Tab")
    assert value(page) == "Pacific" and "Answer recorded" in status(page)


KEYS = "() => window.seen.filter(e => e.key.toLowerCase() === 's').map(e => e.isTrusted)"


def _watch_keys(page):
    page.evaluate(
        "() => { window.seen = []; if (!window.watching) { window.watching = true;"
        " document.addEventListener('keydown', e => window.seen.push(e), true); } }"
    )


def test_ctrl_s_saves_a_typed_answer_before_the_notebook(open_quiz, questions):
    """Does Ctrl+S in a field being typed save the answer at once, and hand the keystroke on to the notebook only once
    the kernel says it has saved it (so the saved notebook shows it)?"""
    page = open_quiz(questions["numeric"], mode="graded")
    page.get_by_role("textbox").click()
    page.keyboard.type("1953")
    _watch_keys(page)
    page.keyboard.press("Control+s")
    assert value(page) == 1953 and ["save_changes"] in page.evaluate("window.quiz.calls")
    assert page.evaluate(KEYS) == [True], "the notebook must not save before the kernel has the answer"
    page.evaluate("() => window.quiz.fromPython('saves', 1)")  # the kernel: answers file, line and copy updated
    page.wait_for_function("window.seen.filter(e => e.key.toLowerCase() === 's').length === 2", timeout=2000)
    assert page.evaluate(KEYS) == [True, False]


def test_ctrl_s_saves_the_notebook_even_if_the_kernel_is_silent(open_quiz, questions):
    """With a kernel that never answers, is the notebook still saved (after a few seconds), with the answer set?"""
    page = open_quiz(questions["text"], mode="graded")
    page.get_by_role("textbox").click()
    page.keyboard.type("Pacific")
    _watch_keys(page)
    start = time.monotonic()
    page.keyboard.press("Control+s")
    page.wait_for_function("window.seen.filter(e => e.key.toLowerCase() === 's').length === 2", timeout=10000)
    assert time.monotonic() - start > 4 and value(page) == "Pacific"


def test_ctrl_s_with_nothing_typed_or_a_bad_number_saves_at_once(open_quiz, questions):
    """With nothing new typed, or with a number that cannot be read, is the keystroke handed on at once (the second
    case saying why the typed text was not saved, the last answer kept)?"""
    page = open_quiz(questions["numeric"], mode="graded", value=366)
    page.get_by_role("textbox").click()
    _watch_keys(page)
    page.keyboard.press("Control+s")
    assert page.evaluate(KEYS) == [True, False]
    page.keyboard.type("abc")
    _watch_keys(page)
    page.keyboard.press("Control+s")
    assert page.evaluate(KEYS) == [True, False] and value(page) == 366
    assert "is not a number" in status(page)


def test_a_half_done_matching_says_incomplete(open_quiz, questions):
    """Does a matching question with some items matched say it is incomplete (how many of how many), not "recorded",
    and say "recorded" once every item has a match?"""
    page = open_quiz(questions["matching"], mode="graded")
    page.get_by_label("Japan").select_option(label="Tokyo")
    assert value(page) == {"jp": "tokyo"}
    assert status(page).startswith("◐ Incomplete: 1 of 3 items matched. What you chose so far is saved.")
    assert "recorded" not in status(page).lower()
    page.get_by_label("South Korea").select_option(label="Seoul")
    page.get_by_label("United States").select_option(label="Washington")
    assert "Answer recorded" in status(page) and "Incomplete" not in status(page)


def test_a_choice_used_twice_is_marked_but_not_called_wrong(open_quiz, questions):
    """When one choice is picked for two items, are both marked (visibly and for a screen reader) and does the status
    say so without calling it wrong, since a key may use one choice twice? Does the mark go when it is changed?"""
    page = open_quiz(questions["matching"], mode="graded")
    page.get_by_label("Japan").select_option(label="Tokyo")
    page.get_by_label("South Korea").select_option(label="Tokyo")
    marked = page.locator(".ck-pair.ck-dup")
    assert marked.count() == 2
    for select in (page.get_by_label("Japan"), page.get_by_label("South Korea")):
        note = page.locator(f"#{select.get_attribute('aria-describedby')}")
        assert note.inner_text() == "Also chosen for another item (2 in all)." and note.is_visible()
    assert "“Tokyo” is chosen for 2 items: that can be right; check it is what you meant." in status(page)
    assert "wrong" not in status(page).lower() and "incorrect" not in status(page).lower()
    assert axe_violations(page) == []
    page.get_by_label("South Korea").select_option(label="Seoul")
    assert marked.count() == 0 and "chosen for 2" not in status(page)


def test_an_ordering_saved_without_every_item_says_so(open_quiz, questions):
    """An ordering whose saved answer lacks an item (an older answers file): does it say it is incomplete and offer
    Save this order, which then records the order shown?"""
    page = open_quiz(questions["ordering"], mode="graded", value=["two", "one"])
    assert "Incomplete: the saved order does not hold every item once" in status(page)
    page.get_by_role("button", name="Save this order").click()
    assert sorted(value(page)) == ["four", "one", "three", "two"] and "Answer recorded" in status(page)


def _matching_with_long_choices(questions):
    q = questions["matching"]
    right = [{**r.model_dump(), "text": f"{r.text}: {LONG}"} for r in q.right]
    return q.model_copy(update={"right": [type(q.right[0])(**r) for r in right]})


def test_the_matching_fits_a_320px_phone(open_quiz, questions, harness_page):
    """At 320 px, does the matching question fit without sideways scrolling, and does a chosen long match show in
    full (wrapped) instead of cut off mid-word? At a wide screen, is nothing repeated?"""
    q = _matching_with_long_choices(questions)
    harness_page.set_viewport_size({"width": 320, "height": 700})
    try:
        page = open_quiz(q, mode="graded")
        page.get_by_label("Japan").select_option(index=2)
        chosen_text = page.get_by_label("Japan").evaluate("s => s.selectedOptions[0].text")
        quiz = page.locator(".ck-quiz")
        assert quiz.evaluate("e => e.scrollWidth <= e.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        edge = quiz.evaluate("e => e.getBoundingClientRect().right")
        for control in page.locator(".ck-pair select, .ck-pair label").all():
            assert control.evaluate("e => e.getBoundingClientRect().right") <= edge
        shown = page.locator(".ck-chosen:visible")
        assert shown.count() == 1 and shown.inner_text() == f"→ {chosen_text}"
        assert shown.evaluate("e => e.scrollWidth <= e.clientWidth && e.getClientRects().length > 0")
        assert shown.evaluate("e => e.getBoundingClientRect().height") > 30, "a long match wraps onto several lines"
        assert axe_violations(page) == []
    finally:
        harness_page.set_viewport_size({"width": 900, "height": 700})
    page = open_quiz(questions["matching"], mode="graded")
    page.get_by_label("Japan").select_option(label="Tokyo")
    assert page.locator(".ck-chosen:visible").count() == 0  # "Tokyo" fits in its list: nothing repeated
