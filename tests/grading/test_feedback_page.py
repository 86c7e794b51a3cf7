"""The feedback page a student receives, made by plain `nbgrader generate_feedback` with the course's config, read in
a real Chromium at a phone's and a laptop's width, light and dark.

Students: all right, partly right, blank (no answers file, and an empty one), and two whose scores a grader changed
through nbgrader's Gradebook API. Screenshots are kept in test-artifacts/feedback/ (git ignores it).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from urllib.parse import urlparse

import pytest
from quiz_course import BIN, KEY, QUIZ, REPO, WRONG, build, hand_in, must, run

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader, pytest.mark.browser]

BOOK_URL = "https://example.edu/korea-japan"
ARTIFACTS = REPO / "test-artifacts" / "feedback"
PARTIAL = {
    "mq-text": "San Francisco",
    "mq-multiple": ["ai", "g5", "nukes"],
    "mq-ordering": ["sanfrancisco", "invasion", "amended"],
    "mq-matching": {"china": "one", "pogo": "one"},
}
LONG = {"mq-text": "Tokyo" * 80, "mq-multiple": ["nukes"]}  # a pasted answer with no space to break at
STUDENTS = {"alice": KEY, "dave": PARTIAL, "carol": None, "erin": {}, "bob": WRONG, "lee": LONG}
ADJUSTED = {("bob", "mq-single"): 1.0, ("dave", "mq-ordering"): 2.0}  # a grader's changes (manual scores)
TITLES = ("When the war began", "Areas of the way forward", "The treaty amended", "The alliance network",
          "Founding events in order", "Challenges by number")  # fmt: skip
# What shows the key of each of bob's (all wrong) answers: none of it may appear unless show_key is on.
BOBS_KEY = {
    "mq-single": ["June 1950"],
    "mq-multiple": ["Artificial intelligence", "5G"],
    "mq-numeric": ["1960 year"],
    "mq-text": ["“San Francisco System”", "“the San Francisco System”"],
    "mq-ordering": ["Correct answer"],
    "mq-matching": ["The China question → Challenge 1", "The Pogo problem → Challenge 3"],
}
EXPLANATIONS = ["The brief dates the invasion to June 1950.", "AI and 5G are two of the three areas.",
                "It was amended in 1960.", "The brief calls it", "1950, 1951, 1960.",
                "The brief numbers them."]  # fmt: skip


def _course(dest, *, show_key: bool):
    root = build(dest)
    settings = root / "assignments" / "coursekit.toml"
    text = settings.read_text().replace('book_url = ""', f'book_url = "{BOOK_URL}"')
    settings.write_text(text.replace("show_key = false", f"show_key = {'true' if show_key else 'false'}"))
    for page in (REPO / "book").glob("*.md"):  # chapter titles and sections, as the book shows them
        shutil.copy(page, root / "book")
    for student, answers in STUDENTS.items():
        folder = hand_in(root, student, answers)
        (folder / "timestamp.txt").write_text("2026-03-01 09:00:00 UTC")  # as `nbgrader collect` leaves them
        (folder / "submission_secret.txt").write_text(f"secret-of-{student}")
    must(run([str(BIN / "nbgrader"), "autograde", QUIZ], root / "assignments"))
    return root


def _adjust(root) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'assignments' / 'gradebook.db'}") as gb:
        for (student, qid), points in ADJUSTED.items():
            gb.find_grade(qid, QUIZ, QUIZ, student).manual_score = points
        gb.db.commit()


@pytest.fixture(scope="module")
def feedback(tmp_path_factory):
    """Two courses graded by nbgrader (show_key off and on), a grader's changes, then generate_feedback."""
    pages = {}
    for show_key in (False, True):
        root = _course(tmp_path_factory.mktemp(f"show-key-{show_key}") / "course", show_key=show_key)
        _adjust(root)
        must(run([str(BIN / "nbgrader"), "generate_feedback", QUIZ], root / "assignments"))
        pages[show_key] = {s: root / "assignments/feedback" / s / QUIZ / f"{QUIZ}.html" for s in STUDENTS}
        if not show_key:
            pages["totals"] = _totals(root)
            exchange = root / "exchange"
            exchange.mkdir()
            pages["released"] = must(
                run(
                    [str(BIN / "nbgrader"), "release_feedback", QUIZ, f"--Exchange.root={exchange}"],
                    root / "assignments",
                )
            )
            pages["exchange"] = exchange
    return pages


def _totals(root) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'assignments' / 'gradebook.db'}") as gb:
        return {s: gb.find_submission(QUIZ, s).score for s in STUDENTS}


@pytest.fixture(scope="module")
def book_pages(tmp_path_factory) -> dict[str, set[str]]:
    """The built book's pages (by slug) and each page's anchors, from `coursekit book`'s content build."""
    from coursekit.book.build import build_book

    book = tmp_path_factory.mktemp("book") / "book"
    shutil.copytree(REPO / "book", book, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    old = os.environ.get("COURSEKIT_COURSE")
    os.environ["COURSEKIT_COURSE"] = str(REPO)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            build_book(book_dir=book, html=False, execute=False)
    finally:
        os.environ.pop("COURSEKIT_COURSE") if old is None else os.environ.__setitem__("COURSEKIT_COURSE", old)
    out = {}
    for path in (book / "_build" / "site" / "content").glob("*.json"):
        data = json.loads(path.read_text())
        out[data["slug"]] = set(re.findall(r'"html_id":\s*"([^"]+)"', json.dumps(data["mdast"])))
        front = data["frontmatter"]
        out[data["slug"]].add("title=" + (front.get("short_title") or front.get("title", "")))
    return out


def test_book_links_follow_the_built_book(book_pages):
    """Do coursekit's page slugs, navigation titles and section anchors match what mystmd built, for every chapter
    and the reading?"""
    from coursekit.course import Course
    from coursekit.grading.feedback.book_links import load_book_links

    links = load_book_links(Course(REPO))
    for chapter, page in [*links.pages.items(), ("reading", links.reading)]:
        assert page.slug in book_pages, chapter
        assert f"title={page.title}" in book_pages[page.slug], (chapter, page.title)
        assert page.sections and {s.anchor for s in page.sections} <= book_pages[page.slug], chapter


@pytest.fixture(scope="module")
def reader(browser):
    """Open a feedback page at a width and colour scheme; the page records any request it makes."""
    contexts = []

    def _open(path, width: int, scheme: str = "light"):
        ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        contexts.append(ctx)
        page = ctx.new_page()
        page.requests = []
        page.on("request", lambda r: page.requests.append(r.url))
        page.goto(path.as_uri())
        return page

    yield _open
    for ctx in contexts:
        ctx.close()


def _axe(page) -> list[str]:
    page.add_script_tag(path=str(REPO / "node_modules" / "axe-core" / "axe.min.js"))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [f"{v['id']}: {v['help']} at {[n['html'][:80] for n in v['nodes']]}" for v in found]


@pytest.mark.parametrize("width", (360, 375, 1280, 1920))
@pytest.mark.parametrize("scheme", ("light", "dark"))
def test_every_page_fits_the_screen_and_passes_axe(feedback, reader, width, scheme):
    """From a small phone (360 px) to a wide screen (1920 px), light and dark: does every page wrap (no sideways
    scrolling, even for a long pasted answer), pass axe with 0 violations and load nothing from elsewhere?
    (Screenshots: test-artifacts/feedback/.)"""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for student, path in feedback[False].items():
        page = reader(path, width, scheme)
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, (student, scroll, client)
        wide = page.evaluate(
            "() => [...document.querySelectorAll('main *')].filter(e => e.scrollWidth > e.clientWidth + 1"
            " && getComputedStyle(e).overflowX !== 'visible').map(e => e.tagName + '.' + e.className)"
        )
        assert wide == [], (student, wide)
        page.screenshot(path=str(ARTIFACTS / f"{student}-{width}-{scheme}.png"), full_page=True)
        assert _axe(page) == [], (student, width, scheme)
        assert [u for u in page.requests if not u.startswith("file://")] == [], student


def test_pages_show_numbered_questions_and_no_machinery(feedback, reader):
    """Does every page start with the total (the gradebook's), number and title every question, and show no code,
    no Out[n] prompt and no grade id?"""
    for student, path in feedback[False].items():
        page = reader(path, 1280)
        words = page.inner_text("main")
        total = f"{round(feedback['totals'][student], 2):g}"
        top = [line for line in words.split("\n") if line.strip()][:3]
        assert top == ["FEEDBACK", "Mini quiz", f"Your score: {total} / 9"], (student, top)
        headings = page.locator("h2").all_inner_texts()
        assert headings == [f"Question {n}: {t}" for n, t in enumerate(TITLES, start=1)], student
        source = path.read_text()
        assert not re.search(r"Out\[|In\s*\[|quiz\.(ask|grade)|Grade cell|Test cell|mq-[a-z]+", source), student


def test_review_links_land_in_the_built_book(feedback, reader, book_pages):
    """Does every link to the book name a page that the built book has, and an anchor that page has?"""
    checked = 0
    for path in feedback[False].values():
        for href in reader(path, 1280).eval_on_selector_all("a[href^='http']", "els => els.map(e => e.href)"):
            url = urlparse(href)
            assert href.startswith(BOOK_URL + "/"), href
            slug = url.path.removeprefix(urlparse(BOOK_URL).path).strip("/")
            assert slug in book_pages, href
            assert not url.fragment or url.fragment in book_pages[slug], href
            checked += 1
    assert checked >= 5 * 6 * 2  # each question links its chapter and its part of the brief


def _section(page, number: int) -> str:
    return page.locator(f"#question-{number}").inner_text()


def test_a_graders_change_shows_as_such(feedback, reader):
    """Where a grader changed a score, does the page say "Adjusted by your grader: 1 / 1", call the other score the
    automatic check's, count the grader's score in the total and contents, and never state two scores as final?"""
    page = reader(feedback[False]["bob"], 1280)
    first = _section(page, 1)
    assert "Adjusted by your grader: 1 / 1" in first and "Automatic check: ✗ Incorrect: 0 / 1" in first
    assert "Score:" not in first
    assert page.locator(".ck-toc li").first.inner_text().endswith("1 / 1")
    assert "Automatic check" not in _section(page, 2) and "Score: 0 / 2" in _section(page, 2)
    dave = reader(feedback[False]["dave"], 1280)
    ordering = _section(dave, 5)
    assert "Adjusted by your grader: 2 / 2" in ordering and "Automatic check: ◐ Partly correct: 0.67 / 2" in ordering
    assert "Positions 1 and 2 are out of place." in ordering  # the why still explains the automatic check


def test_partial_credit_says_why(feedback, reader):
    """Does a partly right student's page say which choices were right or wrong, how many were missed, which
    positions were out of place and which pairs were wrong?"""
    page = reader(feedback[False]["dave"], 1280)
    assert "Nuclear sharing ✗ not a right choice" in _section(page, 2)
    assert "2 of your 3 choices are right." in _section(page, 2)
    matching = _section(page, 6)
    assert "The Pogo problem → Challenge 1 ✗ wrong" in matching and "1 of 2 pairs is right." in matching


@pytest.mark.parametrize("show_key", (False, True))
def test_the_key_of_a_wrong_answer_shows_only_with_show_key(feedback, reader, show_key):
    """For a student who got every question wrong, is no part of any key (nor any explanation) on the page with
    show_key off, and all of it with show_key on?"""
    words = reader(feedback[show_key]["bob"], 1280).inner_text("main")
    source = feedback[show_key]["bob"].read_text()
    for qid, parts in BOBS_KEY.items():
        for part in parts:
            assert (part in words) == show_key, (qid, part)
            if not show_key:
                assert part not in source, (qid, part)
    for explanation in EXPLANATIONS:
        assert (explanation in words) == show_key, explanation


def test_a_code_exercise_keeps_its_cells(tmp_path, reader):
    """For an ordinary notebook (a code exercise run in a kernel), does the same template show the total, each
    graded cell's score, the student's code and its output, and load nothing from elsewhere?"""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    root = build(tmp_path / "course")

    def meta(gid, **kw):
        base = {"schema_version": 3, "grade_id": gid, "locked": False, "solution": False, "grade": False}
        return {"nbgrader": {**base, "task": False, **kw}}

    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells = [
        new_markdown_cell("# Doubling\nWrite `double(x)`.", metadata=meta("intro", locked=True)),
        new_code_cell(
            "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
            metadata=meta("answer", solution=True),
        ),  # fmt: skip
        new_code_cell(
            "assert double(2) == 4\nprint('checked')", metadata=meta("test", grade=True, locked=True, points=2.0)
        ),
    ]
    (root / "assignments/source/doubling").mkdir(parents=True)
    nbformat.write(nb, root / "assignments/source/doubling/doubling.ipynb")
    must(run([str(BIN / "nbgrader"), "generate_assignment", "doubling", "--force"], root / "assignments"))
    submitted = root / "assignments/submitted/zoe/doubling"
    submitted.mkdir(parents=True)
    handed = nbformat.read(root / "assignments/release/doubling/doubling.ipynb", as_version=4)
    handed.cells[1].source = "def double(x):\n    return x + x"
    nbformat.write(handed, submitted / "doubling.ipynb")
    must(run([str(BIN / "nbgrader"), "autograde", "doubling"], root / "assignments"))
    must(run([str(BIN / "nbgrader"), "generate_feedback", "doubling"], root / "assignments"))
    page = reader(root / "assignments/feedback/zoe/doubling/doubling.html", 1280)
    words = page.inner_text("main")
    assert "Your score: 2 / 2" in words and "Graded cell 1: 2 / 2" in words
    assert "return x + x" in words and "checked" in words
    assert [u for u in page.requests if not u.startswith("file://")] == []


def test_release_feedback_ships_exactly_the_pages(feedback):
    """Does plain `nbgrader release_feedback` ship every student's page, unchanged, and nothing else?"""
    shipped = sorted((feedback["exchange"] / "korea-japan" / "feedback").iterdir())
    assert len(shipped) == len(STUDENTS) and {p.suffix for p in shipped} == {".html"}
    assert sorted(p.read_bytes() for p in shipped) == sorted(p.read_bytes() for p in feedback[False].values())
