"""Do the rules on ids, key patterns and practice keys say what the README says, for any ids and any key? Checked
against the real scoring functions, so "earns more than half the points" means what grading will give. (hypothesis)"""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit.bank.ids import id_order, matching_id_cue, matching_line, ordering_id_cue
from coursekit.bank.patterns import key_letters, key_positions, shared_key_sets
from coursekit.bank.rehearsal import Practice, PracticeKey, rehearsals
from coursekit.bank.schema import BankFile, Matching, MultipleSelect, Ordering, SingleChoice
from coursekit.grading.scoring.rules import score_matching, score_ordering

SETTINGS = settings(max_examples=200, deadline=None)
BASE = {
    "prompt": "Which is right?",
    "explanation": "Because.",
    "source": {"section": "Summary", "quote": "Forging a trilateral alliance is highly unlikely."},
    "chapter": "summary",
    "points": 2,
}
# Ids as authors write them: letters, or a letter and a number (x2 before x10 when a student sorts them).
ids = st.one_of(
    st.lists(st.sampled_from(string.ascii_lowercase), min_size=2, max_size=7, unique=True),
    st.lists(st.integers(1, 30), min_size=2, max_size=7, unique=True).map(lambda ns: [f"x{n}" for n in ns]),
)


def ordering(key: list[str]) -> Ordering:
    items = [{"id": i, "text": f"Item {i}"} for i in key]
    return Ordering.model_validate({**BASE, "id": "o", "type": "ordering", "items": items})


@SETTINGS
@given(ids.flatmap(st.permutations))
def test_ordering_rule_fires_exactly_when_sorting_the_ids_earns_over_half(key):
    """Is an ordering reported if and only if it has 3 or more items and the ids in sorted or reverse order earn more
    than half of its points from the real scoring function, and does the message give that share?"""
    q = ordering(list(key))
    earned = [score_ordering(q, o).points / q.points for o in (id_order(key), id_order(key)[::-1])]
    found = [text for _, text in ordering_id_cue(q)]
    assert bool(found) == (len(key) >= 3 and max(earned) > 0.5)
    if found:
        assert f"earn {next(e for e in earned if e > 0.5):.0%} of the points" in found[0]


def matching(left: list[str], right: list[str], pairs: list[int]) -> Matching:
    answer = {lid: right[p] for lid, p in zip(left, pairs, strict=True)}
    return Matching.model_validate(
        {
            **BASE,
            "id": "m",
            "type": "matching",
            "left": [{"id": i, "text": f"Left {i}"} for i in left],
            "right": [{"id": i, "text": f"Right {i}"} for i in right],
            "answer": answer,
        }
    )


def line_guesses(q: Matching) -> list[dict]:
    """Every answer a student could read off the letters: the k-th left id with the right id k steps on (or back)
    from some start, leaving out the rows that fall off the column."""
    left, right = id_order(q.answer), id_order(r.id for r in q.right)
    guesses = []
    for step in (1, -1):
        for start in range(-len(left) - len(right), len(left) + len(right) + 1):
            rows = {lid: start + step * k for k, lid in enumerate(left)}
            guesses.append({lid: right[n] for lid, n in rows.items() if 0 <= n < len(right)})
    return guesses


matchings = st.tuples(
    st.lists(st.sampled_from("abcdefg"), min_size=2, max_size=6, unique=True),
    st.lists(st.sampled_from("pqrstuvw"), min_size=2, max_size=7, unique=True),
).flatmap(
    lambda lr: st.tuples(
        st.just(lr[0]),
        st.just(lr[1]),
        st.lists(st.integers(0, len(lr[1]) - 1), min_size=len(lr[0]), max_size=len(lr[0])),
    )
)  # noqa: E501


@SETTINGS
@given(matchings)
def test_matching_rule_fires_exactly_when_a_guess_from_the_letters_scores(case):
    """Is a matching reported if and only if some answer read off the letters alone (an alphabetical line through
    the ids) gets 3 or more pairs right, and more than half of the points from the real scoring function?"""
    q = matching(*case)
    best = max(score_matching(q, g).points / q.points for g in line_guesses(q))
    right = round(best * len(q.answer))
    assert bool(list(matching_id_cue(q))) == (right >= 3 and best > 0.5)
    assert len(matching_line(q)) == right


def singles(keys: list[tuple[str, int]]) -> BankFile:
    """A quiz of single-choice questions: (key id, key position) each, over options a-d listed to fit."""
    questions = []
    for n, (key, pos) in enumerate(keys):
        others = [i for i in "abcd" if i != key]
        order = [*others[:pos], key, *others[pos:]]
        options = [{"id": i, "text": f"Option {i} of {n}"} for i in order]
        questions.append({**BASE, "id": f"s{n}", "type": "single", "options": options, "answer": key})
    return BankFile.model_validate({"kind": "graded", "assignment": "fx", "title": "t", "questions": questions})


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from("abcd"), st.integers(0, 3)), min_size=1, max_size=9))
def test_key_letter_rule_fires_exactly_when_one_letter_crowds(keys):
    """Is a quiz reported for its key letters if and only if the position rule is silent and one letter holds every
    key (3 or more questions) or, from 4 on, more than half of them?"""
    quiz = singles(keys)
    letters = [k for k, _ in keys]
    top = max((letters.count(x) for x in set(letters)), default=0)
    crowded = (len(letters) >= 3 and top == len(letters)) or (len(letters) >= 4 and top > len(letters) / 2)
    assert bool(key_letters(quiz)) == (crowded and not key_positions(quiz))


@SETTINGS
@given(st.lists(st.sets(st.sampled_from("abcde"), min_size=1), min_size=1, max_size=6))
def test_shared_key_sets_reported_once_per_repeat(key_sets):
    """Is every multiple-select question whose key set an earlier one has reported, exactly once each, and no
    other, whatever the order of the ids in `answers`?"""
    questions = [
        {
            **BASE,
            "id": f"m{n}",
            "type": "multiple",
            "options": [{"id": i, "text": f"Option {i}"} for i in "abcde"],
            "answers": sorted(keys, reverse=n % 2 == 1),
        }
        for n, keys in enumerate(key_sets)
    ]
    quiz = BankFile.model_validate({"kind": "graded", "assignment": "fx", "title": "t", "questions": questions})
    repeats = [n for n, keys in enumerate(key_sets) if keys in key_sets[:n]]
    assert [i for i, _, _ in shared_key_sets(quiz)] == repeats
    assert all(isinstance(q, MultipleSelect) for q in quiz.questions)


VOCABULARY = ["alliance", "converge", "standards", "Taipei", "research", "deterrence", "protection", "burden"]
words = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=6)


def single_key(text: str) -> SingleChoice:
    options = [{"id": "a", "text": text}, {"id": "b", "text": "Something else entirely"}]
    return SingleChoice.model_validate({**BASE, "id": "g", "type": "single", "options": options, "answer": "a"})


@SETTINGS
@given(words, words, st.sampled_from(["", "the ", "The allies said: "]))
def test_a_practice_key_repeated_word_for_word_is_always_reported(key, filler, prefix):
    """Is a graded key that a practice key contains word for word always reported, whatever surrounds it there, and
    a graded key that shares no content word with any practice key never?"""
    text = " ".join(key)
    practiced = PracticeKey("p", f"{prefix}{' '.join(filler)} {text}.", "practice.yaml:1")
    assert list(rehearsals(single_key(text), Practice([practiced]), set()))
    unrelated = PracticeKey("p", "Nothing in common here", "practice.yaml:1")
    assert not list(rehearsals(single_key(text), Practice([unrelated]), set()))
