"""Hostile student text in front of the people who read it, in a real Chromium: nbgrader's own formgrader (a real
Jupyter server with a token on 127.0.0.1), the feedback pages of `nbgrader generate_feedback`, and the item report
of `coursekit report`. The class (hostile_class.py) is graded by `coursekit grade` and by plain `nbgrader autograde`.

A page passes when no script from student text ran (the payload marks ``window.__ck_pwned``), no request left the
page other than the ones the page itself makes for a harmless submission, and (formgrader) every gradebook row and
every file of the course is as it was. Screenshots: test-artifacts/formgrader/.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest
from _served import TOKEN, _wait_for, free_port
from grading_helpers import BIN, REPO, clean_env, nbgrader
from hostile_class import EVIL, MARK, QUIZ, WRITTEN, WRITTEN_ANSWERS, graded_class
from quiz_course import gradebook, must, run

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.nbgrader]

ARTIFACTS = REPO / "test-artifacts" / "formgrader"
BENIGN = "formatted"  # the student whose page shows what formgrader itself loads


@contextlib.contextmanager
def formgrader(root: Path):
    """`jupyter server` started from the course directory (so nbgrader reads the course's nbgrader_config.py), with
    nbgrader's server extensions and a token; yields its base URL, then stops it."""
    port, log_path = free_port(), root / "jupyter-server.log"
    env = clean_env(JUPYTER_RUNTIME_DIR=str(root / ".runtime"))
    cmd = [str(BIN / "jupyter"), "server", "--no-browser", "--ip=127.0.0.1", f"--port={port}"]
    cmd += ["--ServerApp.port_retries=0", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}"]
    with open(log_path, "w") as log:
        server = subprocess.Popen(cmd, cwd=root / "assignments", env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(f"{base}/api/status?token={TOKEN}", server, log_path)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _course_files(root: Path) -> dict[str, bytes]:
    skip = ("gradebook.db", "jupyter-server.log")
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file() and p.name not in skip
            and ".runtime" not in p.parts}  # fmt: skip


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    return graded_class(tmp_path_factory.mktemp("hostile") / "course")


def _submission_ids(root: Path) -> dict[str, str]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'assignments' / 'gradebook.db'}") as gb:
        return {s: gb.find_submission_notebook(QUIZ, QUIZ, s).id for s in WRITTEN_ANSWERS}


class Reader:
    """A browser context that records every request its pages make; requests to other origins are refused."""

    def __init__(self, browser, origin: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.requests: list[tuple[str, str]] = []
        self.context.on("request", lambda r: self.requests.append((r.method, r.url)))
        self.context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin)
                           else route.abort())  # fmt: skip

    def open(self, url: str):
        self.requests.clear()
        page = self.context.new_page()
        page.goto(url)
        page.wait_for_load_state("networkidle")
        return page


def _click_odd_links(page, where: str) -> None:
    """Click, as a curious grader would, every link in student text that is not an ordinary web link."""
    for link in page.locator(f"{where} a").all():
        if not re.match(r"https?://", link.get_attribute("href") or "https://"):
            with contextlib.suppress(Exception):
                link.click(timeout=2000)
    page.wait_for_timeout(300)
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=5000)


def _ran(page) -> bool:
    return page.evaluate(f"() => typeof window.{MARK} !== 'undefined'")


def _normal(requests, sid: str) -> set[tuple[str, str]]:
    return {(method, url.replace(sid, "{id}").replace(TOKEN, "{token}")) for method, url in requests}


@pytest.fixture(scope="module")
def formgrader_visit(graded, browser):
    """Open every submission in formgrader as a grader would; what each page did, and the course before and after."""
    before = (gradebook(graded / "assignments" / "gradebook.db"), _course_files(graded))
    ids = _submission_ids(graded)
    seen: dict[str, dict] = {}
    with formgrader(graded) as base:
        reader = Reader(browser, base)
        reader.open(f"{base}/formgrader?token={TOKEN}").close()  # log in as a grader does: formgrader's front page
        for student in [BENIGN, *(s for s in WRITTEN_ANSWERS if s != BENIGN)]:
            page = reader.open(f"{base}/formgrader/submissions/{ids[student]}/")
            answer = page.locator(f".nbgrader_cell:has(#{WRITTEN}) .text_cell_render")
            found = {"answer": answer.count(), "text": answer.inner_text() if answer.count() else ""}
            if student == BENIGN:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "formgrader-formatted-answer.png"), full_page=True)
                found["html"] = answer.inner_html()
            _click_odd_links(page, ".nbgrader_cell")
            found |= {"ran": _ran(page), "requests": _normal(reader.requests, ids[student])}
            seen[student] = found
            page.close()
        terminals = json.loads(urllib.request.urlopen(f"{base}/api/terminals?token={TOKEN}").read())
        reader.context.close()
    after = (gradebook(graded / "assignments" / "gradebook.db"), _course_files(graded))
    return {"pages": seen, "before": before, "after": after, "terminals": terminals, "base": base}


def test_formgrader_shows_every_answer_and_runs_none(formgrader_visit):
    """Does formgrader show each hostile student's written answer, as text, with no script of theirs running?"""
    for student, found in formgrader_visit["pages"].items():
        assert found["answer"] == 1, student
        assert not found["ran"], f"a script in {student}'s answer ran in formgrader"
    assert "onerror=" in formgrader_visit["pages"]["img"]["text"]  # the grader sees what was tried, as text


def test_formgrader_makes_only_its_own_requests(formgrader_visit):
    """Does each hostile submission's page make no request but those formgrader makes for a harmless one (its own
    pages and assets, read with GET): no grade API write, no terminal, no contents write, no other origin?"""
    pages = formgrader_visit["pages"]
    own = pages[BENIGN]["requests"]
    origin = formgrader_visit["base"]
    assert own and {m for m, _ in own} == {"GET"}
    from nbconvert.exporters import HTMLExporter

    assert {u for _, u in own if not u.startswith(origin)} <= {HTMLExporter().mathjax_url}
    for student, found in pages.items():
        extra = found["requests"] - own
        assert extra == set(), (student, sorted(extra))
    assert not [u for p in pages.values() for _, u in p["requests"] if EVIL in u]


def test_formgrader_leaves_grades_and_course_alone(formgrader_visit):
    """After a grader opened every hostile submission, is every gradebook row unchanged, no file of the course
    written or changed, and no terminal open?"""
    (grades_before, files_before), (grades_after, files_after) = formgrader_visit["before"], formgrader_visit["after"]
    assert grades_after == grades_before
    assert files_after.keys() == files_before.keys()
    assert [f for f in files_before if files_after[f] != files_before[f]] == []
    assert formgrader_visit["terminals"] == []


def test_formgrader_keeps_the_students_formatting(formgrader_visit):
    """Does a grader still see a written answer's Markdown formatting in formgrader: bold, emphasis, a list, code
    and an https link? (Screenshot: test-artifacts/formgrader/formgrader-formatted-answer.png.)"""
    html = formgrader_visit["pages"][BENIGN]["html"]
    assert "<strong>2019</strong>" in html and "<em>Seoul</em>" in html and "<code>burden sharing</code>" in html
    assert html.count("<li>") == 2
    assert re.search(r'<a href="https://escholarship\.org/uc/item/9jn4m1ws"[^>]*>the brief</a>', html)


# ---------- the feedback pages and the item report (static files, opened from disk) ----------


def _file_reader(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                  else route.abort())  # fmt: skip
    return context, requests


@pytest.fixture(scope="module")
def feedback_pages(graded) -> dict[str, Path]:
    """`nbgrader generate_feedback` for the class, after a grader scored the harmless student's answer 3 / 4."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded / 'assignments' / 'gradebook.db'}") as gb:
        grade = gb.find_grade(WRITTEN, QUIZ, QUIZ, BENIGN)
        grade.manual_score, grade.needs_manual_grade = 3.0, False
        gb.db.commit()
    nbgrader(graded, "generate_feedback", QUIZ)
    return {s: graded / "assignments" / "feedback" / s / QUIZ / f"{QUIZ}.html" for s in WRITTEN_ANSWERS}


def test_feedback_pages_run_no_student_script(feedback_pages, browser):
    """Does every student's feedback page show their written answer (and their short-text answer) without running
    any script from it, and load nothing but the page itself, even after its odd links are clicked?"""
    context, requests = _file_reader(browser)
    for student, path in feedback_pages.items():
        requests.clear()
        page = context.new_page()
        page.goto(path.as_uri())
        assert page.locator(".ck-fb-written").count() == 1, student
        _click_odd_links(page, ".ck-fb-written, .ck-fb-answer, .ck-fb-notes")
        assert not _ran(page), f"a script in {student}'s answer ran on the feedback page"
        assert [u for u in requests if not u.startswith("file://")] == [], student
        page.close()
    context.close()


def test_feedback_page_of_a_hand_graded_answer(feedback_pages, browser):
    """Does the written question say "Graded by your grader: 3 / 4", keep the student's formatting, leave out the
    notebook's instructions on where to type the answer, and pass axe with 0 violations?"""
    context, _ = _file_reader(browser)
    page = context.new_page()
    page.goto(feedback_pages[BENIGN].as_uri())
    section = page.locator("section.ck-question", has=page.locator(".ck-fb-written"))
    words = section.inner_text()
    assert "Graded by your grader: 3 / 4" in words and "Adjusted" not in words
    assert "YOUR ANSWER HERE" not in words and "in the cell below" not in words
    written = section.locator(".ck-fb-written").inner_html()
    assert "<strong>2019</strong>" in written and written.count("<li>") == 2
    page.screenshot(path=str(ARTIFACTS / "feedback-formatted-answer.png"), full_page=True)
    page.add_script_tag(path=str(REPO / "node_modules" / "axe-core" / "axe.min.js"))
    assert page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id)") == []
    context.close()


def test_item_report_runs_no_student_script(graded, browser):
    """Does `coursekit report`'s page list the hostile short-text answers (two students gave each, so both are
    counted; the report shows them as scoring compares them, markup gone) with no script running and nothing
    loaded?"""
    must(run([str(BIN / "coursekit"), "report", QUIZ], graded))
    path = graded / "assignments" / "reports" / f"{QUIZ}.html"
    context, requests = _file_reader(browser)
    page = context.new_page()
    page.goto(path.as_uri())
    assert page.locator("svg text", has_text="onerror").count() >= 1
    _click_odd_links(page, "body")
    assert not _ran(page)
    assert [u for u in requests if not u.startswith("file://")] == []
    context.close()
