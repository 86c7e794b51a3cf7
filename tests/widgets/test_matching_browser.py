"""The browser's copy of the matcher (quiz.mjs, section "answer matching") in a real Chromium: does it agree with
the Python rules on the shared vectors, on the blind set, and on text Hypothesis writes, and do the self-checks and
the graded number field use it?"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit.bank.load import load_bank
from coursekit.bank.matching import intent, match_text, words
from coursekit.bank.numbers import read_number
from coursekit.grading.scoring.rules import score
from coursekit.notebook.widget import QuizWidget

pytestmark = [pytest.mark.slow, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]
VECTORS = json.loads((REPO / "tests" / "fixtures" / "matching-vectors.json").read_text(encoding="utf-8"))
BLIND = yaml.safe_load((REPO / "tests" / "fixtures" / "blind" / "text-answers.yaml").read_text(encoding="utf-8"))
MODULE = "/src/coursekit/notebook/static/quiz.mjs"

# Runs the module's own exports on a batch of cases, in the page, in one round trip.
RUN = """async ([module, cases]) => {
  const m = await import(module);
  return cases.map(([what, a, b]) => {
    if (what === "text") {
      const r = m.matchText(a, b);
      return [r.kind, r.forms, r.slip, r.optional, r.aside, m.describeMatch(r)];
    }
    if (what === "number") { const r = m.readNumber(a, b); return [r.value, r.how]; }
    return m.words(a);
  });
}"""


@pytest.fixture
def js(open_quiz, questions):
    """js(cases) -> the browser module's answers for [("text", match, answer) | ("number", text, unit) |
    ("words", text, None)]."""
    page = open_quiz(questions["text"])
    return lambda cases: page.evaluate(RUN, [MODULE, [list(c) for c in cases]])


def _python(case):
    what, a, b = case
    if what == "text":
        found = match_text(intent(**{k: tuple(v) for k, v in a.items()}), b)
        return [found.kind, list(found.forms), list(found.slip), list(found.optional), found.aside, found.describe()]
    if what == "number":
        reading = read_number(a, b)
        return [reading.value, list(reading.how)]
    return words(a)


def test_the_shared_vectors_pass_in_the_browser(js):
    """Does the browser's matcher give every vector the kind, forms, slip, optional words and remark flag written
    there, every number its value and how it was read, every text its words, and every description its wording?"""
    cases = [("text", VECTORS["intents"][c["intent"]], c["answer"]) for c in VECTORS["text"]]
    cases += [("number", c["text"], c["unit"]) for c in VECTORS["numbers"]]
    cases += [("words", c["text"], None) for c in VECTORS["words"]]
    cases += [("text", VECTORS["intents"][c["intent"]], c["answer"]) for c in VECTORS["describe"]]
    got = js(cases)
    want = [[c[k] for k in ("kind", "forms", "slip", "optional", "aside")] for c in VECTORS["text"]]
    want += [[c["value"], c["how"]] for c in VECTORS["numbers"]]
    want += [c["words"] for c in VECTORS["words"]]
    n = len(VECTORS["text"])
    assert [g[:5] for g in got[:n]] == want[:n]
    assert got[n : len(want)] == want[n:]
    assert [g[5] for g in got[len(want) :]] == [c["says"] for c in VECTORS["describe"]]


def test_the_blind_set_scores_the_same_in_the_browser(js):
    """Does every blind answer (right, wrong, debatable, and every other question's right answers) get the same
    match in the browser as in the grader, with the course's own intent for each question?"""
    bank = load_bank([REPO / "assignments" / "bank", REPO / "tests" / "fixtures" / "retired-bank"])  # + wf-mantra
    answers = [a for d in BLIND.values() for a in (*d["right"], *d["wrong"], *(x["answer"] for x in d["debatable"]))]
    cases = [("text", bank.question(qid).matching(), a) for qid in BLIND for a in answers]
    assert js(cases) == [_python(c) for c in cases]


ALPHABET = st.sampled_from(
    list("abeinorstTAIPEBHUS hub and spokes") + list(" -–—'’.,;:()[]&/?!\"“”") + list("éÉñüßẞİıΣσςΑΩ")
    + list("ＴａＡ０１２0123456789")
    + ["\u00a0", "\u200b", "\t", "\u0301", "Ꭰ", "ꭰ", "東京", "ǅ", "ﬁ", "½", "²", "Ⅻ", "😀"]
)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(st.lists(ALPHABET, max_size=16).map("".join), min_size=20, max_size=20))
def test_random_text_is_read_the_same_in_both(js, batch):
    """For text Hypothesis writes (mixed scripts, widths, accents, invisible characters, brackets, hedges), do the
    two copies agree on its words, on it as a number, and on what it matches?"""
    match = {"core": ["hub and spokes", "Taipei", "ROC"], "optional": ["system", "US"], "accept": ["San Francisco"],
             "refuse": ["the hub", "Tainan"]}  # fmt: skip
    cases = [c for s in batch for c in (("words", s, None), ("number", s, "years"), ("text", match, s))]
    assert js(cases) == [_python(c) for c in cases]


def test_self_checks_score_with_the_graders_rules(open_quiz, repo):
    """Does every practice text and numeric question of the bank give, in the browser, the grader's verdict for
    answers written the ways students write them?"""
    bank = load_bank([repo / "assignments" / "bank"])
    page = open_quiz(next(q for q in bank.questions.values() if q.type == "text"))
    tries = {"text": ["National Security Council", "the NSC", "White House NSC", "national economic council",
                      "Build Back Better!", "building-back-better slogan", "build back", "", 5],
             "numeric": ["9", "nine", "9 years.", "1,951", "4", "four years", "about nine", 9, 9.0, "9.5"]}  # fmt: skip
    practice = [q for q in bank.questions.values() if bank.kind_of(q.id) == "practice" and q.type in tries]
    assert {q.type for q in practice} == {"text", "numeric"}
    for q in practice:
        view = QuizWidget.practice(q).question
        for value in tries[q.type]:
            got = page.evaluate("([q, v]) => window.quizCheck(q, v)", [view, value])
            assert got["verdict"] == score(q, value).verdict, (q.id, value)


@pytest.mark.parametrize(("typed", "stored"), [("1,951", 1951), ("four", 4), ("4 days.", 4), ("366.", 366)])
def test_the_graded_number_field_reads_what_students_type(open_quiz, questions, typed, stored):
    """In a graded quiz, is a number typed as students type it ("1,951", "four", "4 days.") saved as the number?"""
    page = open_quiz(questions["numeric"], mode="graded")
    page.get_by_role("textbox").fill(typed)
    page.get_by_role("button", name="Save answer").click()
    assert page.evaluate("window.quiz.state.value") == stored


def test_a_large_number_in_words_asks_for_digits(open_quiz, questions):
    """Does a self-check ask for digits for "three hundred sixty-six" (words cover 0 to 100), and accept "366 days"?"""
    page = open_quiz(questions["numeric"])
    page.get_by_role("textbox").fill("three hundred sixty-six")
    page.get_by_role("button", name="Check").click()
    assert "not a number" in page.locator(".ck-feedback").inner_text()
    page.get_by_role("textbox").fill("366 days")
    page.get_by_role("button", name="Check").click()
    assert "Correct." in page.locator(".ck-feedback").inner_text()
