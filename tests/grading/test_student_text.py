"""Student text is inert wherever a person reads it (issue 17), tried with Hypothesis-made hostile answers.

A written answer and short-text answers go through what grading does with them (rebuild, scoring, feedback), then
are rendered the two ways people read them: as nbgrader's formgrader renders a graded notebook (nbconvert's
HTMLExporter with nbgrader's ``formgrade`` template and the course's nbgrader_config.py, as formgrader loads it), and
as `nbgrader generate_feedback` lays out the student's page. Each page is parsed as a browser would (html5lib) and
searched for anything that could run a script, load from elsewhere or restyle the page. A student's Markdown
formatting must survive.
"""

from __future__ import annotations

import copy
import json

import nbformat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbconvert.filters.markdown import markdown2html
from student_text_checks import dangers, hostile, parse, with_class
from traitlets.config.loader import PyFileConfigLoader

from coursekit.course import Course
from coursekit.grading.feedback.page import Grade, build_page
from coursekit.grading.intake.answers_file import parse_answers
from coursekit.grading.intake.student_text import as_shown, inert_html
from coursekit.grading.quiz_notebook import fill, rebuild, submission_notes
from coursekit.grading.scoring.key import grade_answers, load_quiz, unknown_ids

REPO = __import__("pathlib").Path(__file__).resolve().parents[2]
QUIZ, WRITTEN, TEXT = "pogo-problem", "pp-written", "pp-term"
SOURCE = nbformat.read(REPO / "assignments" / "source" / QUIZ / f"{QUIZ}.ipynb", as_version=4)
QUESTIONS = list(load_quiz(Course(REPO), QUIZ).questions)
FAST = settings(max_examples=200, deadline=None)
RENDERED = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _course_config(template: str):
    """The course's nbgrader_config.py as formgrader and generate_feedback load it, with their template name."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO / "assignments")).load_config()
    config.HTMLExporter.template_name = template
    return config


@pytest.fixture(scope="module")
def exporters():
    from nbconvert.exporters import HTMLExporter

    return {name: HTMLExporter(config=_course_config(name)) for name in ("formgrade", "feedback")}


def _graded(written: str, value) -> nbformat.NotebookNode:
    """The graded notebook of a student who wrote ``written`` and gave ``value`` as every auto-graded answer."""
    student = copy.deepcopy(SOURCE)
    next(c for c in student.cells if c.metadata.nbgrader.get("grade_id") == WRITTEN).source = written
    nb, ignored = rebuild(SOURCE, student)
    answers = {TEXT: value, "pp-new-case": value, "pp-continued": [value], str(value)[:200]: 1}
    handed = parse_answers(json.dumps({"schema": 1, "answers": answers}, ensure_ascii=False).encode())
    notes = submission_notes(handed, ignored, unknown_ids(QUESTIONS, handed))
    return fill(nb, QUESTIONS, grade_answers(QUESTIONS, handed), handed, show_key=True, notes=notes)


def _formgrade(exporters, nb) -> str:
    resources = {
        "assignment_id": QUIZ,
        "notebook_id": QUIZ,
        "submission_id": "s1",
        "index": 0,
        "total": 1,
        "base_url": "",
        "student": "s",
        "notebook_path": "x",
    }  # what formgrader's SubmissionHandler passes
    return exporters["formgrade"].from_notebook_node(copy.deepcopy(nb), resources=resources)[0]


def _feedback(exporters, nb) -> str:
    info = {"assignment": QUIZ, "student": "s", "notebook": QUIZ, "score": 1, "max_score": 12}
    grades = {c.metadata.nbgrader["grade_id"]: Grade(None if c.cell_type == "markdown" else 0.0, 3.0 if
              c.cell_type == "markdown" else None, None, 1.0, False) for c in nb.cells
              if c.metadata.get("nbgrader", {}).get("grade")}  # fmt: skip
    resources = {"nbgrader": info, "coursekit_page": build_page(nb, info, grades)}
    return exporters["feedback"].from_notebook_node(nb, resources=resources)[0]


text_answer = st.one_of(hostile, st.text(max_size=50))


@FAST
@given(hostile)
def test_a_written_answer_made_inert_has_nothing_that_runs_or_loads(text):
    """For any hostile written answer, is the inert HTML free of scripts, handlers, styles and non-web URLs, on one
    line, and unchanged by formgrader's Markdown renderer (nbconvert's markdown2html) and by the feedback page?"""
    made = inert_html(text)
    assert dangers(parse(made)) == []
    assert "\n" not in made and "\r" not in made
    assert markdown2html(made).strip() == made
    assert as_shown(made) == made


@pytest.mark.slow
@RENDERED
@given(written=hostile, value=text_answer)
def test_formgrader_page_of_a_hostile_student(exporters, written, value):
    """Rendered as formgrader renders a graded notebook (course config, nbgrader's formgrade template), is every
    cell and output free of anything that runs or loads, with the written answer still shown?"""
    page = parse(_formgrade(exporters, _graded(written, value)))
    shown = with_class(page, "rendered_html")
    assert len(shown) >= len(QUESTIONS)  # every question's feedback at least: the page was rendered whole
    assert [d for element in shown for d in dangers(element)] == []
    assert with_class(page, "ck-written") or not written.strip()


@pytest.mark.slow
@RENDERED
@given(written=hostile, value=text_answer)
def test_feedback_page_of_a_hostile_student(exporters, written, value):
    """On the student's feedback page, is the main content free of anything that runs or loads, whatever they wrote
    and answered, with the written answer still shown?"""
    page = parse(_feedback(exporters, _graded(written, value)))
    (main,) = [e for e in page.iter() if e.tag == "main"]
    assert dangers(main) == []
    assert with_class(main, "ck-fb-written")


@pytest.mark.slow
@RENDERED
@given(printed=hostile)
def test_course_config_cleans_what_a_kernel_printed(exporters, printed):
    """The second line: when a graded notebook holds hostile rich output, as a code exercise's kernel can print it
    (HTML, Markdown, SVG, JavaScript), does formgrader, with the course config, show none of it running or loading?"""
    nb = _graded("An answer.", "x")
    cell = next(c for c in nb.cells if c.metadata.nbgrader.get("grade_id") == TEXT)
    kinds = ("text/html", "text/markdown", "image/svg+xml", "application/javascript")
    data = {"text/plain": "printed", **dict.fromkeys(kinds, printed)}
    cell.outputs.append(nbformat.from_dict({"output_type": "display_data", "metadata": {}, "data": data}))
    page = parse(_formgrade(exporters, nb))
    outputs = with_class(page, "output_area")
    assert len(outputs) > 10
    assert [d for element in outputs for d in dangers(element)] == []


FORMATTED = (
    "In **2019** Washington pressed *Seoul* to pay ~~less~~ more:\n\n- the damage\n- the machinery\n\n"
    "1. first\n2. second\n\n> a quote\n\n`burden sharing` and [the brief](https://escholarship.org/uc/item/9jn4m1ws) "
    "and <https://example.org/a>\n\n## My heading\n\n```\nline one\n\nline three\n```"
)


def test_a_students_formatting_survives():
    """Does the student's Markdown keep its formatting (bold, emphasis, strikethrough, both kinds of list, quote,
    code, http(s) links, a heading as a bold line, a code block's lines) while raw HTML shows as text?"""
    made = inert_html(FORMATTED + "\n\n<b>not bold</b>")
    for part in ("<strong>2019</strong>", "<em>Seoul</em>", "<del>less</del>", "<li>the damage</li>",
                 "<ol>", "<blockquote>", "<code>burden sharing</code>", "<p><strong>My heading</strong></p>",
                 "<pre><code>line one<br><br>line three</code></pre>", "&lt;b&gt;not bold&lt;/b&gt;"):  # fmt: skip
        assert part in made, part
    links = [a.get("href") for a in parse(made).iter("a")]
    assert links == ["https://escholarship.org/uc/item/9jn4m1ws", "https://example.org/a"]


@pytest.mark.parametrize(
    "attack",
    ["![chart](https://evil.example/pixel.png)", "[x](javascript:alert(1))", "[x](/api/terminals)",
     "[x](data:text/html,<script>alert(1)</script>)", '<a href="https://ok.example" onclick="alert(1)">x</a>'],
)  # fmt: skip
def test_links_and_images_are_web_links_or_nothing(attack):
    """Does an image become a plain link to it (nothing loads), and does a link to anything but the web lose its
    address, keeping its words?"""
    root = parse(inert_html(attack))
    assert not list(root.iter("img"))
    assert all(a.get("href") in (None, "https://evil.example/pixel.png") for a in root.iter("a"))
    assert "".join(root.itertext()).strip()


def test_an_unchanged_answer_stays_as_released():
    """Does a written answer the student never changed stay exactly as released (so nbgrader scores it 0 by its
    checksum), and does an emptied one stay empty?"""
    stub = next(c for c in SOURCE.cells if c.metadata.nbgrader.get("grade_id") == WRITTEN).source
    for written, expected in ((stub, stub), ("  \n", "")):
        nb = _graded(written, "x")
        assert next(c for c in nb.cells if c.metadata.nbgrader.get("grade_id") == WRITTEN).source == expected


def test_text_dressed_as_an_inert_answer_is_still_only_text():
    """Does a student who types HTML dressed as coursekit's own inert answer still get it shown as text?"""
    forged = '<div class="ck-written"><strong>x</strong><a href="https://evil.example">y</a></div>'
    made = inert_html(forged)
    assert "&lt;strong&gt;" in made and "<strong>" not in made and "<a " not in made
