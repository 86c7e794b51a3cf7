"""The item report on a simulated class of 320 students, graded with the real `coursekit grade`.

The answers come from an item-response model with known difficulty and discrimination (cohort.py),
so the report must recover the difficulty order and flag the one broken question.
"""

from __future__ import annotations

import csv
import io

import pytest
from cohort import BROKEN, DIFFICULTY, QUESTIONS, QUIZ, build, hand_in_class, spearman
from cohort import qc as quiz_course

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]
STUDENTS = 320


def coursekit(root, *args):
    return quiz_course.must(quiz_course.run([str(quiz_course.BIN / "coursekit"), *args], root / "assignments"))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course, graded; the report written once for the whole class."""
    root = build(tmp_path_factory.mktemp("sim") / "course")
    hand_in_class(root, STUDENTS)
    coursekit(root, "grade", QUIZ, "--quiet")
    done = coursekit(root, "report", QUIZ)
    return root, done.stdout


def statistics(path) -> dict:
    """(question, statistic) -> value, from the report's CSV."""
    rows = csv.DictReader(io.StringIO(path.read_text()))
    return {(r["question"], r["statistic"]): r["value"] for r in rows if r["scope"] in ("quiz", "question")}


def test_report_recovers_the_difficulty_order(graded):
    """Do the reported difficulties (1 - facility) rank the questions as the model's true difficulties do
    (Spearman >= 0.8)?"""
    root, _ = graded
    stats = statistics(root / "assignments" / "reports" / f"{QUIZ}.csv")
    assert stats[("", "students")] == str(STUDENTS)
    normal = [q for q in QUESTIONS if q != BROKEN]
    reported = [1 - float(stats[(q, "facility")]) for q in normal]
    assert spearman([DIFFICULTY[q] for q in normal], reported) >= 0.8


def test_report_flags_the_broken_question(graded):
    """Is the question whose key strong students avoid flagged, with the reasons in plain words, and no
    well-behaved question flagged for negative discrimination?"""
    root, out = graded
    stats = statistics(root / "assignments" / "reports" / f"{QUIZ}.csv")
    assert float(stats[(BROKEN, "item_rest_r")]) < 0
    broken = [line for line in out.splitlines() if line.strip().startswith(f"{BROKEN}:")]
    assert any("negative discrimination" in line for line in broken), out
    assert any("top group chose 'Option B' (" in line and "than the key 'Option A'" in line for line in broken), out
    others = [line for line in out.splitlines() if "negative discrimination" in line and BROKEN not in line]
    assert others == []


def test_terminal_table_and_reliability(graded):
    """Does the terminal show every question, the reliability with its n, and what students chose?"""
    _, out = graded
    assert all(q in out for q in QUESTIONS)
    assert "KR-20 (Cronbach's alpha, 0/1 items) = " in out and f"from {STUDENTS} students" in out
    assert "Option A* " in out  # the key is marked


def test_section_subset(graded, tmp_path):
    """Does --section analyse only that section's students (from a roster), and say so?"""
    root, _ = graded
    roster = tmp_path / "roster.csv"
    ids = [f"sim{i:04d}" for i in range(STUDENTS)]
    roster.write_text("id,section\n" + "".join(f"{s},{'A' if i % 4 == 0 else 'B'}\n" for i, s in enumerate(ids)))
    done = coursekit(root, "report", QUIZ, "--section", "A", "--roster", str(roster), "--out", str(tmp_path))
    assert f"{QUIZ} (section A): {STUDENTS // 4} students" in done.stdout
    stats = statistics(tmp_path / f"{QUIZ}-section-A.csv")
    assert stats[("", "students")] == str(STUDENTS // 4)


def test_names_only_with_the_names_option(graded, tmp_path):
    """Does the shareable HTML name no student (not even by id) unless --names is given?"""
    root, _ = graded
    quiz_course.must(
        quiz_course.run(
            [
                str(quiz_course.BIN / "nbgrader"),
                "db",
                "student",
                "add",
                "sim0007",
                "--first-name=Ada",
                "--last-name=Lim",
            ],
            root / "assignments",
        )
    )
    coursekit(root, "report", QUIZ, "--out", str(tmp_path / "plain"))
    coursekit(root, "report", QUIZ, "--names", "--out", str(tmp_path / "named"))
    plain = (tmp_path / "plain" / f"{QUIZ}.html").read_text()
    named = (tmp_path / "named" / f"{QUIZ}.html").read_text()
    assert "Ada Lim" not in plain and "sim0007" not in plain
    assert "Ada Lim" in named and "sim0007" in named
    assert "Ada" not in named.split("<h2>Students</h2>")[0]  # never in the plots or the question sections


@pytest.mark.browser
def test_html_report_in_chromium(graded, browser, repo, tmp_path):
    """Does the HTML report render in Chromium (a non-blank screenshot, every plot drawn) with zero
    axe-core violations?"""
    from PIL import Image

    root, _ = graded
    axe = repo / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        pytest.fail("axe-core is missing: run `make test` (or `npm install --no-audit --no-fund`) in the repository")
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto((root / "assignments" / "reports" / f"{QUIZ}.html").as_uri())
    assert page.locator("svg[role=img]").count() == 2  # histogram, scatter
    assert page.locator(".bars[role=group]").count() == len(QUESTIONS)  # what students chose, per question
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    image = Image.open(shot).convert("L")
    low, high = image.getextrema()
    assert image.height > 2000 and high - low > 100  # a long page with dark text on a light ground
    page.add_script_tag(path=str(axe))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    assert [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in violations] == []
    page.close()
