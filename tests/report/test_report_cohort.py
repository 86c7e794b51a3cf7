"""The item report on a simulated class of 150 students, graded with the real `coursekit grade`.

The answers come from an item-response model with known difficulty and discrimination (cohort.py),
so the report must recover the difficulty order and flag the one broken question.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from cohort import BROKEN, DIFFICULTY, QUESTIONS, QUIZ, build, hand_in_class, spearman
from cohort import qc as quiz_course

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]
STUDENTS = 150


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
    assert f"{QUIZ} (section A): {len(range(0, STUDENTS, 4))} students" in done.stdout
    stats = statistics(tmp_path / f"{QUIZ}-section-A.csv")
    assert stats[("", "students")] == str(len(range(0, STUDENTS, 4)))


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
    axe-core violations, and fit 360, 375 and 1920 px wide pages without sideways scrolling?"""
    from PIL import Image

    root, _ = graded
    axe = repo / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.exists():
        pytest.fail("axe-core is missing: run `make test` (or `npm install --no-audit --no-fund`) in the repository")
    for width in (360, 375, 1920):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto((root / "assignments" / "reports" / f"{QUIZ}.html").as_uri())
        assert page.locator("svg[role=img]").count() == 2  # histogram, scatter
        assert page.locator(".bars[role=group]").count() == len(QUESTIONS)  # what students chose, per question
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
        clipped = page.evaluate(
            "[...document.querySelectorAll('.bar .label, h3, h4')].filter(e => e.scrollWidth > e.clientWidth + 1)"
            ".length"
        )
        assert clipped == 0, width
        page.add_script_tag(path=str(axe))
        violations = page.evaluate("async () => (await axe.run(document)).violations")
        assert [f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in violations] == [], width
        if width == 375:
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            image = Image.open(shot).convert("L")
            low, high = image.getextrema()
            assert image.height > 2000 and high - low > 100  # a long page with dark text on a light ground
        page.close()


def test_histogram_counts_whole_students(graded):
    """Are the histogram's y-axis ticks whole numbers of students?"""
    root, _ = graded
    html = (root / "assignments" / "reports" / f"{QUIZ}.html").read_text()
    svg = html[html.index("<svg") : html.index("</svg>")]
    ticks = re.findall(r'<g id="ytick_\d+">.*?<text[^>]*>([^<]*)</text>', svg, flags=re.S)
    assert ticks and all(float(t) == int(float(t)) for t in ticks)


def _class_answers(root):
    """Students x questions of what each handed in (None = blank), read straight from the answers files."""
    import pandas as pd

    rows = {}
    for folder in sorted((root / "assignments" / "submitted").iterdir()):
        data = json.loads((folder / QUIZ / f"{QUIZ}.answers.json").read_text())["answers"]
        rows[folder.name] = {q: data.get(q) for q in QUESTIONS}
    return pd.DataFrame.from_dict(rows, orient="index")[QUESTIONS]


def test_statistics_recomputed_independently(graded):
    """Do facility, corrected item-total r, the upper-lower index, alpha and every option count of the
    report's CSV agree (to 1e-9) with pandas and pingouin computing them from the answers files?"""
    import pingouin

    root, _ = graded
    report = statistics(root / "assignments" / "reports" / f"{QUIZ}.csv")
    answers = _class_answers(root)
    scores = (answers == "a").astype(float)  # every key is 'a', each question worth 1 point
    total = scores.sum(axis=1)
    alpha, _ = pingouin.cronbach_alpha(data=scores)
    assert float(report[("", "kr20")]) == pytest.approx(alpha, abs=1e-9)
    order = (-total.round(9)).reset_index(drop=True).sort_values(kind="stable").index
    size = int(len(total) * 0.27 + 0.5)
    upper, lower = order[:size], order[-size:]
    for q in QUESTIONS:
        rest = total - scores[q]
        assert float(report[(q, "facility")]) == pytest.approx(scores[q].mean(), abs=1e-9)
        assert float(report[(q, "item_rest_r")]) == pytest.approx(scores[q].corr(rest), abs=1e-9)
        col = scores[q].reset_index(drop=True)
        assert float(report[(q, "upper_lower_27")]) == pytest.approx(col[upper].mean() - col[lower].mean(), abs=1e-9)
    rows = list(csv.DictReader(io.StringIO((root / "assignments" / "reports" / f"{QUIZ}.csv").read_text())))
    counted = {(r["question"], r["choice"][-1].lower()): int(r["value"]) for r in rows if r["statistic"] == "chosen"}
    for q in QUESTIONS:
        for option, n in answers[q].value_counts().items():
            assert counted[(q, option)] == n


def test_terminal_shares_match_the_csv(graded):
    """Is every share the terminal prints the CSV's share of all students, rounded as shown?"""
    root, out = graded
    rows = list(csv.DictReader(io.StringIO((root / "assignments" / "reports" / f"{QUIZ}.csv").read_text())))
    shares = {(r["question"], r["choice"]): float(r["value"]) for r in rows if r["statistic"] == "share"}
    for (q, choice), share in shares.items():
        chosen = out.split("What students chose")[1].splitlines()
        line = next(x for x in chosen if x.strip().startswith(f"{q}:") and choice in x)
        assert f"{choice}{'*' if choice == 'Option A' else ''} {share:.0%}" in line
    for line in out.splitlines():
        assert "< 0.2" not in line  # flag wording never contradicts its own rounding
