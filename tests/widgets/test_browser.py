"""The quiz widget's front end in a real Chromium: mouse, keyboard, feedback, graded mode, accessibility."""

from __future__ import annotations

import re

import pytest

from coursekit.grading.scoring.rules import score
from coursekit.notebook.widget import QuizWidget

pytestmark = [pytest.mark.slow, pytest.mark.browser]

TYPES = ("single", "multiple", "numeric", "text", "ordering", "matching")
TEXTS = {"ordering": {"One": "one", "Two": "two", "Three": "three", "Four": "four"}}


def plain(markdown):
    return re.sub(r"[*`]", "", markdown)


def value(page):
    return page.evaluate("window.quiz.state.value ?? null")


def axe_violations(page):
    """axe-core's violations on the whole page, as readable strings."""
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [f"{v['id']}: {v['help']} at {[n['html'][:80] for n in v['nodes']]}" for v in found]


def feedback(page):
    return page.locator(".ck-feedback").inner_text()


def screen_order(page):
    names = TEXTS["ordering"]
    return [names[t] for t in page.locator(".ck-item-text").all_inner_texts()]


# ---------- answering, by mouse and by keyboard alone ----------


def submit_by_mouse(page):
    # A graded ordering's "Save this order" is gone once a move has saved the order.
    if page.locator(".ck-primary:visible").count():
        page.locator(".ck-primary").click()


def answer_by_mouse(page, kind, key):
    if kind == "single":
        page.get_by_label("Option B").click()
    elif kind == "multiple":
        page.get_by_label("A", exact=True).click()
        page.get_by_label("E", exact=True).click()
    elif kind in ("numeric", "text"):
        page.get_by_role("textbox").click()
        page.keyboard.type("366" if kind == "numeric" else "  PACIFIC! ")
    elif kind == "ordering":
        for i, item in enumerate(key):
            name = next(t for t, k in TEXTS["ordering"].items() if k == item)
            for _ in range(screen_order(page).index(item) - i):
                page.get_by_role("button", name=f"Move up: {name}").click()
    elif kind == "matching":
        for left, right in (("South Korea", "Seoul"), ("Japan", "Tokyo"), ("United States", "Washington")):
            page.get_by_label(left).select_option(label=right)
    submit_by_mouse(page)


# The focused element, also inside a shadow root (MyST renders widgets in one).
FOCUSED = (
    "(() => { let a = document.activeElement;"
    " while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement; return a; })()"
)


def tab_to(page, predicate: str, limit: int = 40):
    """Press Tab until the focused element satisfies a JS predicate on `el`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => Boolean({predicate}))({FOCUSED})"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def answer_by_keyboard(page, kind, key):
    if kind == "single":
        tab_to(page, "el.type === 'radio'")
        page.keyboard.press("ArrowDown")  # arrows move through the native radio group and choose
    elif kind == "multiple":
        tab_to(page, "el.value === 'a'")
        page.keyboard.press("Space")
        tab_to(page, "el.value === 'e'")
        page.keyboard.press("Space")
        tab_to(page, "el.textContent === 'Check'")
        page.keyboard.press("Enter")
    elif kind in ("numeric", "text"):
        tab_to(page, "el.tagName === 'INPUT'")
        page.keyboard.type("366" if kind == "numeric" else "  PACIFIC! ")
        if kind == "numeric":
            page.keyboard.press("Enter")
        else:
            tab_to(page, "el.textContent === 'Check'")
            page.keyboard.press("Space")
    elif kind == "ordering":
        for i, item in enumerate(key):
            name = next(t for t, k in TEXTS["ordering"].items() if k == item)
            moves = screen_order(page).index(item) - i
            if moves:
                tab_to(page, f"el.getAttribute('aria-label') === 'Move up: {name}'")
            for _ in range(moves):
                page.keyboard.press("Enter")
                # focus stays with the moved item, so Enter can move it again
                assert "Move" in page.evaluate(f"{FOCUSED}.getAttribute('aria-label')")
                assert name in page.evaluate(f"{FOCUSED}.getAttribute('aria-label')")
        tab_to(page, "el.textContent === 'Check'")
        page.keyboard.press("Enter")
    elif kind == "matching":
        for left, right in (("kr", "seoul"), ("jp", "tokyo"), ("us", "dc")):
            tab_to(page, f"el.dataset.left === '{left}'")
            for _ in range(8):
                if page.evaluate(f"{FOCUSED}.value") == right:
                    break
                page.keyboard.press("ArrowDown")
        tab_to(page, "el.textContent === 'Check'")
        page.keyboard.press("Enter")


def expected(kind, q):
    return {"numeric": 366, "text": "PACIFIC!"}.get(kind, q.key())


# ---------- practice ----------


@pytest.mark.parametrize("kind", TYPES)
def test_practice_by_mouse(open_quiz, questions, kind):
    """Does each type render, take a mouse answer, store the right value, say Correct, explain, and pass axe?"""
    q = questions[kind]
    page = open_quiz(q)
    assert page.locator(".ck-prompt").inner_text().strip(), "the prompt is shown"
    assert axe_violations(page) == []
    answer_by_mouse(page, kind, q.key())
    assert value(page) == expected(kind, q)
    calls = page.evaluate("window.quiz.calls")
    assert ["set", "value", expected(kind, q)] in calls and ["save_changes"] in calls
    text = feedback(page)
    assert "✓" in text and "Correct." in text
    assert plain(q.explanation) in text  # the explanation, its Markdown rendered
    if kind == "single":
        assert page.locator(".ck-explanation code").inner_text() == "B"
    assert axe_violations(page) == []


@pytest.mark.parametrize("kind", TYPES)
def test_practice_by_keyboard(open_quiz, questions, kind):
    """Can each type be answered and checked with the keyboard alone (Tab, arrows, Enter, Space)?"""
    q = questions[kind]
    page = open_quiz(q)
    answer_by_keyboard(page, kind, q.key())
    assert value(page) == expected(kind, q)
    assert "Correct." in feedback(page)


@pytest.mark.parametrize("model", ("static", "myst"))
@pytest.mark.parametrize("kind", TYPES)
def test_practice_works_without_a_kernel(open_quiz, questions, kind, model):
    """In the static book (a get-only model, or MyST's: save_changes/off/send throw, in a shadow root) does each type
    work by mouse and by keyboard, give feedback, reset, and pass axe?"""
    q = questions[kind]
    page = open_quiz(q, kind=model)
    answer_by_mouse(page, kind, q.key())
    assert "Correct." in feedback(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Try again").click()
    assert feedback(page) == ""
    page = open_quiz(q, kind=model)
    answer_by_keyboard(page, kind, q.key())
    assert "Correct." in feedback(page)


@pytest.mark.parametrize("kind", ("single", "multiple"))
def test_enter_chooses_like_space(open_quiz, questions, kind):
    """Does Enter on a focused option choose it, as Space does?"""
    page = open_quiz(questions[kind])
    tab_to(page, "el.value === 'a'")
    page.keyboard.press("Enter")
    assert page.get_by_label("A" if kind == "multiple" else "Option A", exact=True).is_checked()
    if kind == "single":
        assert value(page) == "a" and "Not correct." in feedback(page)


WRONG = {
    "single": "a",
    "multiple": ["a", "b"],
    "numeric": 365,
    "text": "Atlantic",
    "ordering": ["two", "one", "three", "four"],
    "matching": {"kr": "seoul", "jp": "osaka", "us": "dc"},
}


@pytest.mark.parametrize("kind", TYPES)
def test_value_from_python_acts_like_a_click(open_quiz, questions, kind):
    """When the kernel sets `value`, do the inputs and the feedback change as if the student had answered?"""
    q = questions[kind]
    page = open_quiz(q)
    page.evaluate("v => window.quiz.fromPython('value', v)", WRONG[kind])
    verdict = score(q, WRONG[kind]).verdict
    label = {"incorrect": "✗ Not correct.", "partial": "◐ Partly correct"}[verdict]
    assert label in feedback(page)
    if kind == "single":
        assert page.get_by_label("Option A").is_checked()
    elif kind == "multiple":
        assert page.get_by_label("B", exact=True).is_checked() and not page.get_by_label("E", exact=True).is_checked()
    elif kind in ("numeric", "text"):
        assert page.get_by_role("textbox").input_value() == str(WRONG[kind])
    elif kind == "ordering":
        assert screen_order(page) == WRONG[kind]
    elif kind == "matching":
        assert page.get_by_label("Japan").input_value() == "osaka"
    assert axe_violations(page) == []
    page.evaluate("() => window.quiz.fromPython('value', null)")
    assert feedback(page) == ""


def test_numeric_refuses_words(open_quiz, questions):
    """Does typing a word into a number question explain what to type instead of storing it?"""
    page = open_quiz(questions["numeric"])
    page.get_by_role("textbox").fill("about 366")
    page.get_by_role("button", name="Check").click()
    assert "not a number" in feedback(page)
    assert value(page) is None
    assert axe_violations(page) == []


# ---------- graded ----------


@pytest.mark.parametrize("kind", TYPES)
def test_graded_records_without_feedback(open_quiz, questions, kind):
    """In graded mode is the answer stored and 'Answer recorded' shown, with no verdict, key or explanation?"""
    q = questions[kind]
    page = open_quiz(q, mode="graded")
    assert axe_violations(page) == []
    answer_by_mouse(page, kind, q.key())
    assert value(page) == expected(kind, q)
    assert ["save_changes"] in page.evaluate("window.quiz.calls")
    assert "Answer recorded" in feedback(page)
    content = page.content()
    assert page.locator(".ck-verdict").count() == 0
    assert plain(q.explanation) not in content and "Correct" not in content and "Try again" not in content
    page.evaluate("() => window.quiz.fromPython('status', 'Saved to treaty-years.answers.json')")
    assert "Saved to treaty-years.answers.json" in feedback(page)
    assert axe_violations(page) == []


@pytest.mark.parametrize("kind", TYPES)
def test_graded_by_keyboard(open_quiz, questions, kind):
    """Can a graded answer be given with the keyboard alone?"""
    q = questions[kind]
    page = open_quiz(q, mode="graded")
    if kind == "multiple":  # records on every change: there is no Save button
        for v in ("a", "e"):
            tab_to(page, f"el.value === '{v}'")
            page.keyboard.press("Space")
    elif kind == "matching":  # records on every change too
        for left, right in (("kr", "seoul"), ("jp", "tokyo"), ("us", "dc")):
            tab_to(page, f"el.dataset.left === '{left}'")
            for _ in range(8):
                if page.evaluate(f"{FOCUSED}.value") == right:
                    break
                page.keyboard.press("ArrowDown")
    elif kind == "single":
        answer_by_keyboard(page, kind, q.key())
    else:
        if kind == "ordering":
            last = screen_order(page)[-1]
            name = next(t for t, k in TEXTS["ordering"].items() if k == last)
            tab_to(page, f"el.getAttribute('aria-label') === 'Move up: {name}'")
            for _ in range(3):
                page.keyboard.press("Enter")
        else:
            tab_to(page, "el.tagName === 'INPUT'")
            page.keyboard.type("366" if kind == "numeric" else "Pacific")
            tab_to(page, "el.classList.contains('ck-primary')")
            page.keyboard.press("Enter")
    stored = value(page)
    assert "Answer recorded" in feedback(page)
    if kind == "ordering":
        assert stored[0] == last and sorted(stored) == sorted(q.key())
    else:
        assert stored == {"numeric": 366, "text": "Pacific"}.get(kind, q.key())


def test_graded_ordering_can_save_the_order_as_shown(open_quiz, questions):
    """Can a student who agrees with the initial order record it as-is with 'Save this order'?"""
    q = questions["ordering"]
    page = open_quiz(q, mode="graded")
    shown = screen_order(page)
    page.get_by_role("button", name="Save this order").click()
    assert value(page) == shown
    assert "Answer recorded" in feedback(page)


HOSTS = {  # (system prefers dark, host theme) -> the widget should be dark
    "system dark": (True, "", True),
    "JupyterLab light theme on a dark system": (True, "jupyterlab-light", False),
    "MyST dark theme on a light system": (False, "myst-dark", True),
    "MyST light theme on a dark system": (True, "myst-light", False),
}


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize("mode", ("practice", "graded"))
def test_themes_pass_axe(open_quiz, questions, mode, host):
    """In dark mode, and when a host's theme differs from the system's, does every type follow the host's theme
    and pass axe (contrast included) after answering?"""
    dark, theme, widget_dark = HOSTS[host]
    for kind in TYPES:
        q = questions[kind]
        model = "myst" if theme.startswith("myst") and mode == "practice" else "kernel"
        page = open_quiz(q, mode=mode, dark=dark, host=theme, kind=model)
        background = page.locator(".ck-quiz").evaluate("el => getComputedStyle(el).backgroundColor")
        assert (background != "rgb(255, 255, 255)") == widget_dark, background
        answer_by_mouse(page, kind, q.key())
        if mode == "practice":
            page.evaluate("v => window.quiz.fromPython('value', v)", WRONG[kind])  # a coloured verdict
        assert axe_violations(page) == [], kind


# ---------- parity with scoring.py ----------

ANSWERS = {
    "single": ["b", "a", "zz", 3, ["b"]],
    "multiple": [["a", "e"], ["a"], ["a", "b"], ["a", "b", "c"], [], ["zz"], "a", ["e", "a", "a"]],
    "numeric": [366, 366.4, 366.6, 365, "366", True, 1e9],
    "text": ["Pacific", "  the PACIFIC ocean!! ", "pacific-ocean", "Atlantic", "", 5],
    "ordering": [
        ["one", "two", "three", "four"],
        ["two", "one", "three", "four"],
        ["four", "three", "two", "one"],
        ["one", "two", "three"],
        ["one", "one", "two", "three"],
        "one",
    ],
    "matching": [
        {"kr": "seoul", "jp": "tokyo", "us": "dc"},
        {"kr": "seoul", "jp": "osaka"},
        {"kr": "tokyo"},
        {},
        {"xx": "seoul"},
        {"kr": 3},
        ["seoul"],
    ],
}


def test_practice_verdicts_match_scoring(open_quiz, questions):
    """Does the browser's practice check give the same verdict and share of credit as scoring.py for every type?"""
    page = open_quiz(questions["single"])
    for kind, values in ANSWERS.items():
        q = questions[kind]
        practice = QuizWidget.practice(q).question
        for v in [*values, None]:
            js = page.evaluate("([q, v]) => window.quizCheck(q, v)", [practice, v])
            py = score(q, v)
            assert js["verdict"] == py.verdict, (kind, v)
            assert round(js["fraction"] * q.points, 4) == py.points, (kind, v)


def test_every_bank_question_renders_accessibly(open_quiz, repo):
    """Does every question of the course's bank (graded ones without a key) render with all its choices and pass axe?
    Written questions are left out: nbgrader's own answer cell takes the place of a widget."""
    from coursekit.bank.load import bank_files, load_bank

    bank = load_bank(bank_files([repo / "assignments" / "bank"]))
    for qid, q in bank.questions.items():
        if q.type == "written":
            continue
        mode = "graded" if bank.kind_of(qid) == "graded" else "practice"
        page = open_quiz(q, mode=mode)
        controls = {"single": "input", "multiple": "input", "ordering": "li", "matching": "select"}.get(q.type)
        expected = len(getattr(q, "options", None) or getattr(q, "items", None) or getattr(q, "left", None) or [1])
        if controls:
            assert page.locator(f".ck-quiz {controls}").count() == expected, qid
        assert page.locator(".ck-prompt").inner_text().strip(), qid
        assert axe_violations(page) == [], qid


def test_bank_text_is_never_run_as_html(open_quiz, questions):
    """Is HTML in a prompt or option shown as text, unsafe links dropped, and the Markdown subset rendered?"""
    evil = (
        "Is <img src=x onerror=alert(1)> **bold**, *em*, `<b>`, [ok](https://example.org) [bad](javascript:alert(1))?"
    )
    q = questions["single"].model_copy(
        update={
            "prompt": evil,
            "options": [
                *questions["single"].options[:2],
                questions["single"].options[2].model_copy(update={"text": "<script>x</script>"}),
            ],
        }
    )
    page = open_quiz(q)
    prompt = page.locator(".ck-prompt")
    assert page.locator(".ck-quiz img, .ck-quiz script").count() == 0
    assert "<img src=x onerror=alert(1)>" in prompt.inner_text()
    assert prompt.locator("strong").inner_text() == "bold" and prompt.locator("em").inner_text() == "em"
    assert prompt.locator("code").inner_text() == "<b>"
    assert [a.get_attribute("href") for a in prompt.locator("a").all()] == ["https://example.org"]
    assert page.get_by_label("<script>x</script>").count() == 1
