"""The self-check widget in Chromium through MyST's own anywidget renderer (npm's @myst-theme/anywidget).

The book theme renders ``{anywidget}`` nodes with that package: a ``MystAnyModel`` whose ``save_changes``,
``off`` and ``send`` throw, inside a shadow root. Here the package's real code (bundled with React by
esbuild from node_modules) renders the node the book's ``{quiz}`` plugin emits, and the widget must give
its verdict and explanation for a right and a wrong answer of every question type.
"""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import threading
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

HERE = Path(__file__).parent / "myst"
TYPES = ("single", "multiple", "numeric", "text", "ordering", "matching")
STATIC = "/src/coursekit/notebook/static"


@pytest.fixture(scope="session")
def myst_bundle(repo, tmp_path_factory) -> Path:
    """The test page and its script: entry.mjs bundled with React and @myst-theme/anywidget by esbuild."""
    esbuild = repo / "node_modules" / ".bin" / "esbuild"
    renderer = repo / "node_modules" / "@myst-theme" / "anywidget" / "package.json"
    if not (esbuild.exists() and renderer.exists()):
        pytest.fail("@myst-theme/anywidget or esbuild is missing from node_modules: run `make test` (npm ci)")
    out = tmp_path_factory.mktemp("myst")
    done = subprocess.run(
        [str(esbuild), str(HERE / "entry.mjs"), "--bundle", "--format=iife", f"--outfile={out / 'bundle.js'}",
         "--define:process.env.NODE_ENV=\"production\"", "--log-level=error"],
        cwd=repo, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (out / "page.html").write_bytes((HERE / "page.html").read_bytes())
    return out


class _Handler(http.server.SimpleHTTPRequestHandler):
    """The repository at /, the bundled page under /_myst/ (one origin, as the widget is imported as a module)."""

    bundle: Path

    def translate_path(self, path):
        if path.startswith("/_myst/"):
            return str(self.bundle / path.removeprefix("/_myst/").split("?")[0])
        return super().translate_path(path)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def myst_page(browser, repo, myst_bundle):
    """One Chromium page showing the bundled renderer; JavaScript errors on it fail the test that caused them."""
    handler = type("Handler", (_Handler,), {"bundle": myst_bundle})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(repo)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ctx = browser.new_context(viewport={"width": 900, "height": 700})
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/_myst/page.html")
    page.wait_for_function("window.mystReady === true")
    yield page
    ctx.close()
    server.shutdown()
    server.server_close()


def quiz_node(q) -> dict:
    """The AST node the book's {quiz} plugin writes for a practice question (see coursekit.book.plugin)."""
    return {
        "type": "anywidget",
        "esm": f"{STATIC}/quiz.mjs",
        "css": f"{STATIC}/quiz.css",
        "model": {"question": q.practice(), "mode": "practice"},
        "class": "coursekit-quiz",
    }


@pytest.fixture
def mounted(myst_page):
    """Render one question's node through MyST's renderer; the page must stay free of JavaScript errors."""
    myst_page.errors.clear()

    def _mount(q):
        myst_page.evaluate("node => mountMystNode(node)", quiz_node(q))
        return myst_page

    yield _mount
    assert not myst_page.errors, f"JavaScript errors on the page: {myst_page.errors}"


# ---------- answering by mouse (Playwright's locators reach into the open shadow root) ----------


def check(page):
    if page.locator(".ck-primary").count():
        page.locator(".ck-primary").click()


def order_as(page, q, wanted):
    """Press the 'Move up' buttons until the items are in the order ``wanted`` (item ids)."""
    texts = {i.id: i.text for i in q.items}
    for pos, item in enumerate(wanted):
        shown = [next(k for k, t in texts.items() if t == s) for s in page.locator(".ck-item-text").all_inner_texts()]
        for _ in range(shown.index(item) - pos):
            page.get_by_role("button", name=f"Move up: {texts[item]}").click()


def answer(page, q, right: bool):
    """Answer ``q`` by mouse and keyboard, rightly (its key) or wrongly, then press Check where there is one."""
    kind, key = q.type, q.key()
    if kind == "single":
        pick = key if right else next(o.id for o in q.options if o.id != key)
        page.get_by_label(next(o.text for o in q.options if o.id == pick), exact=True).click()
    elif kind == "multiple":
        picks = key if right else [o.id for o in q.options if o.id not in key]
        for o in q.options:
            if o.id in picks:
                page.get_by_label(o.text, exact=True).click()
    elif kind == "numeric":
        page.get_by_role("textbox").fill(str(key if right else key + 10 * (q.tolerance or 1) + 1))
    elif kind == "text":
        page.get_by_role("textbox").fill(q.accept[0] if right else "certainly not this")
    elif kind == "ordering":
        order_as(page, q, key if right else key[::-1])
    elif kind == "matching":
        rights = {r.id: r.text for r in q.right}
        for left in q.left:
            pick = key[left.id] if right else next(r for r in rights if r != key[left.id])
            page.get_by_label(left.text, exact=True).select_option(label=rights[pick])
    check(page)


def plain(markdown: str) -> str:
    return re.sub(r"[*`]", "", markdown)


def verdict(page) -> str:
    return page.locator(".ck-feedback").inner_text()


# ---------- the tests ----------


def test_the_renderer_is_mysts_own(myst_page):
    """Is the model on the page MyST's real one, whose save_changes, off and send throw (what broke the book)?"""
    behaviour = myst_page.evaluate("mystModelBehaviour()")
    assert all("not implemented yet" in message for message in behaviour.values()), behaviour


@pytest.mark.parametrize("kind", TYPES)
def test_right_and_wrong_answers_get_verdict_and_explanation(mounted, questions, kind):
    """Through MyST's renderer, does a right answer show '✓ Correct.' and a wrong one '✗ Not correct.',
    each with the explanation, and does 'Try again' clear the feedback?"""
    q = questions[kind]
    page = mounted(q)
    assert page.locator(".myst-anywidget").count() >= 1 and verdict(page) == ""
    answer(page, q, right=True)
    assert "✓" in verdict(page) and "Correct." in verdict(page)
    assert plain(q.explanation) in verdict(page)
    page.get_by_role("button", name="Try again").click()
    assert verdict(page) == ""
    page = mounted(q)  # a fresh widget: the wrong answer is given from the initial state
    answer(page, q, right=False)
    assert "✗" in verdict(page) and "Not correct." in verdict(page), verdict(page)
    assert plain(q.explanation) in verdict(page)


@pytest.mark.parametrize("kind", ("single", "matching"))
def test_the_css_is_applied_inside_the_shadow_root(mounted, questions, kind):
    """Does the widget's stylesheet, linked by the renderer inside the shadow root, style the widget?"""
    page = mounted(questions[kind])
    padding = page.locator(".ck-quiz").evaluate("el => getComputedStyle(el).paddingTop")
    assert padding not in ("", "0px"), padding
