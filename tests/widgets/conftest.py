"""Fixtures for the quiz widget tests: one real question per type, and the browser harness page."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from pydantic import TypeAdapter

from coursekit.bank.schema import Question
from coursekit.notebook.widget import QuizWidget

SOURCE = {"section": "Summary", "quote": "a short verbatim quote"}


def _q(**fields):
    base = {"prompt": "", "explanation": "", "source": SOURCE, "chapter": "summary", "points": 2}
    return TypeAdapter(Question).validate_python({**base, **fields})


# Test questions (not course content): each type once, built from the same schema as the bank.
QUESTIONS = {
    "single": _q(
        id="t-single",
        type="single",
        prompt="Which option is **the second** one?\n\nPick *one*.",
        explanation="The second option is `B`.",
        options=[{"id": "a", "text": "Option A"}, {"id": "b", "text": "Option B"}, {"id": "c", "text": "Option C"}],
        answer="b",
    ),
    "multiple": _q(
        id="t-multiple",
        type="multiple",
        prompt="Which options are vowels?",
        explanation="A and E are vowels; B and C are not.",
        options=[
            {"id": "a", "text": "A"},
            {"id": "b", "text": "B"},
            {"id": "c", "text": "C"},
            {"id": "e", "text": "E"},
        ],
        answers=["a", "e"],
    ),
    "numeric": _q(
        id="t-numeric",
        type="numeric",
        prompt="How many days are in a leap year?",
        explanation="A leap year has 366 days.",
        answer=366,
        tolerance=0.5,
        unit="days",
    ),
    "text": _q(
        id="t-text",
        type="text",
        prompt="Name the *largest* ocean.",
        explanation="The Pacific is the largest ocean.",
        accept=["Pacific", "the Pacific Ocean"],
    ),
    "ordering": _q(
        id="t-ordering",
        type="ordering",
        prompt="Put the numbers in increasing order.",
        explanation="One, two, three, four.",
        items=[
            {"id": "one", "text": "One"},
            {"id": "two", "text": "Two"},
            {"id": "three", "text": "Three"},
            {"id": "four", "text": "Four"},
        ],
    ),
    "matching": _q(
        id="t-matching",
        type="matching",
        prompt="Match each country with its capital.",
        explanation="Seoul is in Korea, Tokyo in Japan, Washington in the United States.",
        left=[
            {"id": "kr", "text": "South Korea"},
            {"id": "jp", "text": "Japan"},
            {"id": "us", "text": "United States"},
        ],
        right=[
            {"id": "seoul", "text": "Seoul"},
            {"id": "tokyo", "text": "Tokyo"},
            {"id": "dc", "text": "Washington"},
            {"id": "osaka", "text": "Osaka"},
        ],
        answer={"kr": "seoul", "jp": "tokyo", "us": "dc"},
    ),
}


@pytest.fixture(scope="session")
def questions():
    """One schema model per question type."""
    return QUESTIONS


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@pytest.fixture(scope="session")
def harness_url(repo):
    """The harness page, served (with quiz.mjs, quiz.css and axe-core) from the repository on 127.0.0.1."""
    axe = repo / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        pytest.fail("axe-core is missing: run `make test` (or `npm install --no-audit --no-fund`) in the repository")
    handler = functools.partial(_Quiet, directory=str(repo))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/tests/widgets/harness.html"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def harness_page(browser, harness_url, repo):
    """One page for the whole module (loading axe-core once); each test mounts its own question on it."""
    ctx = browser.new_context(viewport={"width": 900, "height": 700})
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(harness_url)
    page.wait_for_function("window.harnessReady === true")
    page.add_script_tag(path=str(repo / "node_modules" / "axe-core" / "axe.min.js"))
    yield page
    ctx.close()


@pytest.fixture
def open_quiz(harness_page):
    """Mount one question on the harness page; returns the page (errors on the page fail the test)."""
    page = harness_page
    page.errors.clear()

    def _open(q, mode="practice", kind="kernel", dark=False, value=None, host="", number=0):
        page.emulate_media(color_scheme="dark" if dark else "light")
        # how a host announces its own theme: JupyterLab's body attribute, MyST's class on <html>
        page.evaluate(
            """host => {
                document.body.toggleAttribute("data-jp-theme-light", host === "jupyterlab-light");
                if (host === "jupyterlab-light") document.body.dataset.jpThemeLight = "true";
                document.documentElement.classList.toggle("dark", host === "myst-dark");
                document.documentElement.classList.toggle("light", host === "myst-light");
            }""",
            host,
        )
        widget = QuizWidget.practice(q) if mode == "practice" else QuizWidget.graded(q.public())
        state = {"question": widget.question, "mode": mode, **({"number": number} if number else {})}
        if kind == "kernel":
            state |= {"value": value, "status": ""}
        page.evaluate(
            "([state, kind]) => { document.activeElement?.blur(); return mountQuiz(state, kind); }", [state, kind]
        )
        return page

    yield _open
    assert not page.errors, f"JavaScript errors on the page: {page.errors}"
