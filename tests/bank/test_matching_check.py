"""Does `coursekit check` say where a text question's stated intent would not do what its writer meant, and what
to do, and does the course's own bank state its text questions' intent without such a mistake?"""

from __future__ import annotations

from pathlib import Path

from coursekit.bank.load import check_bank

BAD = "tests/fixtures/bad-intent"


def test_intent_mistakes_are_named_at_their_line(repo, sections, monkeypatch):
    """Is each mistake in core/optional/accept/refuse reported at its line, as an error when it changes scores and
    as a warning when it only makes the list longer?"""
    monkeypatch.chdir(repo)
    checked = check_bank([Path(BAD) / "text-intent.yaml"], sections)
    f = f"{BAD}/text-intent.yaml"
    assert [str(p) for p in checked.problems] == [
        f"{f}:16: question 'intent-nothing': a text question needs at least one right form. Add `core:` terms or "
        "`accept:` answers."
    ]
    q = "question 'intent-mistakes'"
    assert [f"{p.severity}: {p}" for p in checked.lints] == [
        f"error: {f}:8: {q}: core[2] '!!!' has no words left once punctuation, articles, 'of' and 'and' and the "
        "optional words are set aside, so it can never match. Write the words it should match.",
        f"error: {f}:9: {q}: optional[1] 'alliance system' is not one word. List each optional word on its own.",
        f"warning: {f}:9: {q}: optional[2] 'the' is always optional (a, an, the, of, and are). Remove it.",
        f"error: {f}:9: {q}: optional[3] 'Francisco' is a word of the core term 'San Francisco System', so an answer "
        "without it would be right too. Remove it from `optional`, or make the shorter term a core term of its own.",
        f"warning: {f}:10: {q}: accept[1] 'the San Francisco System' is already right as the core term “San "
        "Francisco System” with the optional words “Francisco”, “alliance system”. Remove it to keep the list "
        "short (or keep it on purpose: it changes nothing).",
        f"warning: {f}:10: {q}: accept[2] 'San Francisco alliance' is already right as the core term “San Francisco "
        "System” with the optional words “Francisco”, “alliance system”. Remove it to keep the list short (or keep "
        "it on purpose: it changes nothing).",
        f"error: {f}:11: {q}: refuse[1] 'San Francisco System' is also listed as right under `core` ('San Francisco "
        "System'). A form cannot be both right and refused: remove one.",
    ]


def test_the_course_bank_states_its_intent_cleanly(repo, sections):
    """Does every text question of the course's bank pass the intent checks, with no warning either?"""
    checked = check_bank([repo / "assignments" / "bank"], sections)
    intent = [p for p in checked.lints if "core" in p.text or "optional" in p.text or "refuse" in p.text]
    assert checked.problems == [] and intent == []


def test_a_hint_may_not_name_a_core_term(repo, tmp_path):
    """Is a graded hint that states a core term (not only an `accept` answer) refused, since feedback shows hints to
    students who got the question wrong?"""
    text = (repo / "tests" / "fixtures" / "retired-bank" / "retired.yaml").read_text(encoding="utf-8")
    leaky = text.replace(
        "hint: The brief appeared in April 2021; the answer is the administration then in office.",
        "hint: Think of Biden, in office when the brief appeared.",
    )
    assert leaky != text
    (tmp_path / "retired.yaml").write_text(leaky, encoding="utf-8")
    problems = [str(p) for p in check_bank([tmp_path]).problems]
    assert any("wf-mantra" in p and "the hint gives the key away ('Biden')" in p for p in problems), problems
