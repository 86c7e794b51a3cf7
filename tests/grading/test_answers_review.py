"""`coursekit answers` without nbgrader: is the bank edit exact whatever a student typed, are groups numbered stably,
and do the feedback and the grader's view say which form a right answer matched?"""

from __future__ import annotations

import difflib
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit.bank.load import check_bank, load_bank
from coursekit.errors import CourseError
from coursekit.grading.feedback.bundle import question_outputs
from coursekit.grading.review.answers import Group, _numbered
from coursekit.grading.review.bank_edit import add_form
from coursekit.grading.scoring.rules import score

REPO = Path(__file__).resolve().parents[2]
BANK = REPO / "assignments" / "bank"
RETIRED = REPO / "tests" / "fixtures" / "retired-bank" / "retired.yaml"  # wf-mantra and wf-six-areas, kept for tests
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Where a form can go: an existing flow list, a flow list spread over two lines, a block list, and no list yet.
PLACES = [
    ("three-challenges.yaml", "tc-restrain", "accept"),
    ("treaty-years.yaml", "ty-architecture", "refuse"),
    ("retired.yaml", "wf-mantra", "accept"),
    ("block.yaml", "fx-text", "accept"),
]
BLOCK = (REPO / "tests" / "fixtures" / "good-bank" / "every-type.yaml").read_text(encoding="utf-8")


@pytest.fixture
def bank(tmp_path) -> Path:
    """A copy of the graded bank, plus a file whose text question lists `accept` as a block list with comments."""
    folder = shutil.copytree(BANK, tmp_path / "bank", ignore=shutil.ignore_patterns("practice"))
    shutil.copy(RETIRED, folder / "retired.yaml")
    data = yaml.safe_load(BLOCK)
    text = next(q for q in data["questions"] if q["type"] == "text")
    block = "\n".join(f"      - {a}   # kept" for a in text["accept"])
    start = BLOCK.index("  - id: fx-text")
    end = BLOCK.index("  - id:", start + 5)
    question = BLOCK[start:end]
    listed = question.split("    accept:")[0] + "    accept:\n      # the block form, with comments\n" + block + "\n"
    rest = "\n".join(line for line in question.split("\n") if not line.startswith("    accept:"))
    rest = rest[rest.index("    explanation:") :]
    (folder / "block.yaml").write_text(BLOCK[:start] + listed + rest + BLOCK[end:], encoding="utf-8")
    assert check_bank([folder / "block.yaml"]).problems == []
    return folder


typed = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 -'\",:;#&*![]{}()?%@|>/\\") + ["é", "ß", "東", "\u00a0", "“", "”"]),
    min_size=1,
    max_size=30,
).filter(lambda t: t.strip() == t and any(c.isalnum() for c in t))


@SETTINGS
@given(text=typed, place=st.sampled_from(PLACES))
def test_a_form_is_added_exactly_and_nothing_else_changes(bank, text, place):
    """Whatever a student typed (quotes, colons, brackets, '#', YAML words, other scripts), does adding it leave the
    file valid, add exactly that string at the end of the list, and change no line but the one it is written on?"""
    name, qid, field = place
    path = bank / name
    before = path.read_text(encoding="utf-8")
    old = getattr(load_bank([path]).question(qid), field)
    try:
        line = add_form(path, qid, field, text)
        after = path.read_text(encoding="utf-8")
    except CourseError as e:  # the only refusal: a form the bank's own checks reject
        assert "would break the bank" in str(e) and path.read_text(encoding="utf-8") == before
        return
    finally:
        path.write_text(before, encoding="utf-8")  # the next example starts from the same file
    (path.parent / "after.yaml").write_text(after, encoding="utf-8")
    assert getattr(load_bank([path.parent / "after.yaml"]).question(qid), field) == [*old, text]
    changed = [d for d in difflib.ndiff(before.splitlines(), after.splitlines()) if d[:1] in "+-"]
    assert len([d for d in changed if d.startswith("+")]) == 1, changed
    assert len([d for d in changed if d.startswith("-")]) <= 1, changed
    assert "+ " + after.splitlines()[line - 1] in changed


def test_comments_and_layout_survive_several_additions(bank):
    """After three forms are added to the same lists, are every comment and every other line still there?"""
    path = bank / "block.yaml"
    before = path.read_text(encoding="utf-8").splitlines()
    for text in ("one", "two: three", "yes"):
        add_form(path, "fx-text", "accept", text)
        add_form(bank / "retired.yaml", "wf-mantra", "refuse", text)
    after = path.read_text(encoding="utf-8").splitlines()
    assert [line for line in before if line not in after] == []
    assert [line.strip() for line in after if line not in before] == ["- one", '- "two: three"', '- "yes"']
    assert load_bank([bank / "retired.yaml"]).question("wf-mantra").refuse[-3:] == ["one", "two: three", "yes"]


def test_an_unknown_question_changes_nothing(bank):
    """Is a question id that is not in the file refused in one sentence, with the file untouched?"""
    path = bank / "way-forward.yaml"
    before = path.read_bytes()
    with pytest.raises(CourseError, match="no question 'wf-gone' in this file"):
        add_form(path, "wf-gone", "accept", "x")
    assert path.read_bytes() == before


def _group(shown: str, students: int, section: str) -> Group:
    return Group(0, section, Counter({shown: 1}), [f"s{i}" for i in range(students)], 0.0, 1.0, "")


def test_group_numbers_do_not_move_when_a_group_changes_section():
    """Does accepting one group (it moves from 'no credit' to 'right') leave every other group's number as it was,
    so a grader can decide several groups from one listing?"""
    first = _numbered(
        [_group("a", 3, "wrong"), _group("b", 2, "wrong"), _group("c", 5, "right"), _group("d", 1, "wrong")]
    )
    numbers = {g.shown: g.number for g in first}
    second = _numbered(
        [_group("a", 3, "right"), _group("b", 2, "wrong"), _group("c", 5, "right"), _group("d", 1, "wrong")]
    )
    assert {g.shown: g.number for g in second} == numbers
    assert [g.shown for g in second if g.section == "wrong"] == ["b", "d"]


def test_feedback_says_which_form_a_right_answer_matched():
    """Does a right text answer's feedback (HTML for the page and formgrader, plain text) say which form it matched,
    and a wrong or refused one say nothing that names a form (unless the instructor shows the key)?"""
    q = load_bank([RETIRED]).question("wf-mantra")
    right = question_outputs(1, q, "Biden adminstration", score(q, "Biden adminstration"))
    said = "Matched: the core term “Biden” with the optional word “administration”, allowing one typing slip"
    assert said in right["text/plain"] and said in right["text/html"]
    for wrong in ("the Biden", "Trump"):
        shown = question_outputs(1, q, wrong, score(q, wrong))
        assert "Matched" not in shown["text/plain"] and "Matched" not in shown["text/html"]
        assert "core term" not in shown["text/html"] and "refused" not in shown["text/html"]
    with_key = question_outputs(1, q, "the Biden", score(q, "the Biden"), show_key=True)
    assert "Matched: the refused answer “the Biden”." in with_key["text/plain"]


def test_a_number_read_from_words_says_so():
    """Is a number typed in words, or within the tolerance, credited and the feedback says how it was read?"""
    q = load_bank([RETIRED]).question("wf-six-areas")
    shown = question_outputs(1, q, "six areas.", score(q, "six areas."))
    assert score(q, "six areas.").points == q.points
    assert "Matched: read as 6 (a trailing period, the unit, in words)." in shown["text/plain"]


@SETTINGS
@given(typed=st.text(min_size=1, max_size=40))
def test_a_students_answer_cannot_write_to_the_graders_terminal(typed):
    """Whatever a student typed (escape sequences, bells, line breaks), does the listing show it as visible
    characters only, so no answer can clear, recolour or rewrite the grader's terminal?"""
    from coursekit.grading.review.listing import _group_line

    group = Group(1, "wrong", Counter({typed: 1}), ["eve\x1b[2J"], 0.0, 1.0, "")
    line = _group_line(group)
    assert all(c.isprintable() for c in line), repr(line)


def test_accepting_an_answer_with_control_characters_is_refused():
    """Is a group whose spelling holds control characters refused for the bank, saying how to accept it as text?"""
    from coursekit.grading.review.answers import _can_decide

    q = load_bank([RETIRED]).question("wf-mantra")
    with pytest.raises(CourseError, match="control characters"):
        _can_decide(q, None, "accept", "Biden\x1b[31m")
