"""QuizWidget on the Python side: traits, key secrecy, value round trip, static representations, assets."""

from __future__ import annotations

import json
import re

import pytest
import traitlets

from coursekit.bank.load import bank_files, load_bank
from coursekit.notebook.widget import SECRET_FIELDS, QuizWidget

TYPES = ("single", "multiple", "numeric", "text", "ordering", "matching")
ANSWERS = {
    "single": ("b", "Option B"),
    "multiple": (["a", "e"], "E"),
    "numeric": (366, "366"),
    "text": ("Pacific", "Pacific"),
    "ordering": (["two", "one", "three", "four"], "Three"),
    "matching": ({"kr": "seoul", "jp": "tokyo"}, "Tokyo"),
}


def test_defaults():
    """Does a bare widget start in practice mode, unanswered, with no status?"""
    w = QuizWidget()
    assert (w.mode, w.value, w.status, w.question) == ("practice", None, "", {})


@pytest.mark.parametrize("kind", TYPES)
def test_practice_carries_the_key(questions, kind):
    """Does a practice widget carry what its in-browser check needs (key, explanation; numeric tolerance)?"""
    q = questions[kind]
    w = QuizWidget.practice(q)
    assert w.mode == "practice"
    assert w.question["key"] == q.key() and w.question["explanation"] == q.explanation
    if kind == "numeric":
        assert w.question["tolerance"] == q.tolerance


@pytest.mark.parametrize("kind", TYPES)
def test_graded_refuses_a_key(questions, kind):
    """Does graded() refuse a question view that carries the key or the explanation, naming the question?"""
    with pytest.raises(ValueError, match=rf"{questions[kind].id}.*q\.public\(\)"):
        QuizWidget.graded(questions[kind].practice())
    with pytest.raises(ValueError, match="answer"):
        QuizWidget.graded({**questions[kind].public(), "answer": "x"})


@pytest.mark.parametrize("kind", TYPES)
def test_graded_state_holds_no_key(questions, kind):
    """Is the state synced to a graded widget's front end free of the key and the explanation?"""
    q = questions[kind]
    state = QuizWidget.graded(q.public(), value=ANSWERS[kind][0]).get_state()
    assert not set(state["question"]) & set(SECRET_FIELDS)
    assert q.explanation not in json.dumps(state)
    assert state["mode"] == "graded" and state["value"] == ANSWERS[kind][0]


def test_a_graded_widget_cannot_be_given_a_key_later(questions):
    """Can a graded widget be turned into a key-carrying one afterwards (it must not)?"""
    q = questions["single"]
    w = QuizWidget.graded(q.public())
    with pytest.raises(traitlets.TraitError):
        w.question = q.practice()
    p = QuizWidget.practice(q)
    with pytest.raises(traitlets.TraitError):
        p.mode = "graded"
    with pytest.raises(traitlets.TraitError, match="practice' or 'graded"):
        p.mode = "exam"


@pytest.mark.parametrize("kind", TYPES)
def test_value_round_trip(questions, kind):
    """Does an answer set in Python reach the front-end state, and one from the front end reach Python?"""
    q = questions[kind]
    answer = ANSWERS[kind][0]
    w = QuizWidget.graded(q.public())
    w.value = answer
    assert w.get_state("value") == {"value": answer}
    w.set_state({"value": None})  # what a front-end message does
    assert w.value is None
    w.set_state({"value": answer})
    assert w.value == answer


@pytest.mark.parametrize("kind", TYPES)
def test_practice_mimebundle_has_a_static_view(questions, kind):
    """Does a practice widget's display bundle add HTML and plain text with the prompt and the current answer?"""
    q = questions[kind]
    answer, shown = ANSWERS[kind]
    w = QuizWidget.practice(q)
    w.value = answer
    data, _ = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    page = data["text/html"]
    first_words = re.sub(r"[*`]", "", q.prompt).split("\n")[0][:20]
    assert first_words in re.sub(r"<[^>]+>", "", page)
    assert "Your answer:" in page and shown in page.split("Your answer:")[1]
    assert q.explanation not in page  # the static view never shows the explanation or key
    assert first_words in data["text/plain"] and "Your answer:" in data["text/plain"]
    w.value = None
    assert "Not answered yet" in w._repr_mimebundle_()[0]["text/html"]


@pytest.mark.parametrize("kind", TYPES)
@pytest.mark.parametrize("answered", (True, False))
def test_graded_static_view_never_looks_unanswered(questions, kind, answered):
    """Saved with the notebook, does a graded question's static view show its number and points, and never claim
    it is unanswered or show an answer that may have changed since?"""
    q = questions[kind]
    w = QuizWidget.graded(q.public(), value=ANSWERS[kind][0] if answered else None, number=4)
    data, _ = w._repr_mimebundle_()
    page = re.sub(r"<[^>]+>", "", data["text/html"])
    assert "Question 4 · " in page and "2 points" in page and data["text/plain"].startswith("Question 4 (")
    assert "not answered" not in (page + data["text/plain"]).lower() and "Your answer" not in page
    assert q.explanation not in page and q.id not in page + data["text/plain"]


def test_static_view_escapes_bank_text(questions):
    """Is HTML in a prompt shown as text, not run, while the Markdown subset is rendered?"""
    q = questions["single"].model_copy(
        update={"prompt": "Is <script>alert(1)</script> **bold** [x](javascript:alert(1))?"}
    )
    page = QuizWidget.practice(q)._repr_mimebundle_()[0]["text/html"]
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<strong>bold</strong>" in page
    assert "javascript:" not in page


def test_number_reaches_the_front_end(questions):
    """Do a graded widget's number (its heading) and copy id (the saved copy it hides) reach the front end's state?"""
    w = QuizWidget.graded(questions["text"].public(), number=7, copy_id="abc")
    assert w.get_state("number") == {"number": 7} and w.get_state("copy_id") == {"copy_id": "abc"}


@pytest.mark.parametrize("kind", TYPES)
def test_a_widget_with_a_saved_copy_does_not_repeat_it(questions, kind):
    """Beside a saved copy of its question (Quiz.ask), does a graded widget's bundle keep the live view but no second
    static view, so a notebook viewed without JavaScript shows the question once?"""
    w = QuizWidget.graded(questions[kind].public(), value=ANSWERS[kind][0], number=2, copy_id="abc")
    data, _ = w._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "text/html" not in data and data["text/plain"] == ""


def test_front_end_is_small_and_offline(repo):
    """Are quiz.mjs + quiz.css under 45 kB together, and does the ESM import nothing (no CDN, no bare imports)?"""
    static = repo / "src" / "coursekit" / "notebook" / "static"
    esm = (static / "quiz.mjs").read_text()
    size = len(esm.encode()) + len((static / "quiz.css").read_bytes())
    # 45 kB: the browser's copy of the answer matcher, the unsaved / incomplete / chosen-twice states and the
    # narrow matching layout; still one request, and smaller than most images.
    assert size < 45_000, f"quiz.mjs + quiz.css are {size} bytes"
    assert not re.search(r"^\s*import\b|\bimport\s*\(|https?://|fetch\(", esm, re.M)
    assert "export default" in esm


def test_front_end_carries_no_course_key(repo):
    """Does the ESM shipped to students contain none of the graded bank's explanations or accepted answers?"""
    esm = (repo / "src" / "coursekit" / "notebook" / "static" / "quiz.mjs").read_text().casefold()
    bank = load_bank(bank_files([repo / "assignments" / "bank"]))
    graded = [q for qid, q in bank.questions.items() if bank.kind_of(qid) == "graded"]
    assert graded, "the graded bank is empty"
    for q in graded:
        secrets = [q.explanation, *getattr(q, "accept", [])]
        assert not [s for s in secrets if re.search(rf"\b{re.escape(s.casefold())}\b", esm)], q.id
        assert not set(QuizWidget.graded(q.public()).question) & set(SECRET_FIELDS)
