"""Do the new item-writing rules say exactly what the bank's README says, for any wording? (hypothesis)"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit.bank.cues import length_cue, stem_words_cue
from coursekit.bank.patterns import key_positions
from coursekit.bank.schema import BankFile, SingleChoice

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
BASE = {
    "id": "q",
    "type": "single",
    "prompt": "Which option is right?",
    "explanation": "Because.",
    "source": {"section": "Summary", "quote": "Forging a trilateral alliance is highly unlikely."},
    "chapter": "summary",
}
IDS = "abcdefg"


def single(texts: list[str], key: int, prompt: str = BASE["prompt"]) -> SingleChoice:
    options = [{"id": IDS[i], "text": t} for i, t in enumerate(texts)]
    return SingleChoice.model_validate({**BASE, "prompt": prompt, "options": options, "answer": IDS[key]})


lengths = st.lists(st.integers(min_value=1, max_value=40), min_size=2, max_size=6)


@SETTINGS
@given(lengths, st.data())
def test_length_cue_fires_exactly_at_a_unique_extreme(sizes, data):
    """Is the length cue reported if and only if the key is strictly the longest option, or strictly the shortest of
    three or more options, whatever the lengths and the key's place?"""
    key = data.draw(st.integers(min_value=0, max_value=len(sizes) - 1))
    q = single(["x" * n for n in sizes], key)
    others = [n for i, n in enumerate(sizes) if i != key]
    longest = sizes[key] > max(others)
    shortest = sizes[key] < min(others) and len(others) >= 2
    found = [text for _, text in length_cue(q)]
    assert bool(found) == (longest or shortest)
    if found:
        assert ("longest" in found[0]) == longest


@SETTINGS
@given(st.permutations(range(4)))
def test_stem_word_cue_ignores_option_order(order):
    """Does reordering the options (key included) never change whether the prompt's words single out the key?"""
    texts = ["The ties make commitments credible", "Trade pays for bases", "Deals replaced treaties", "Aid buys votes"]
    prompt = "Why do economic ties matter for security commitments?"
    reordered = [texts[i] for i in order]
    before = list(stem_words_cue(single(texts, 0, prompt), set()))
    after = list(stem_words_cue(single(reordered, reordered.index(texts[0]), prompt), set()))
    assert bool(before) == bool(after) is True


def test_stem_word_cue_silenced_when_a_distractor_echoes_the_prompt():
    """Once a distractor repeats the prompt's words as well, is the key no longer singled out?"""
    prompt = "Why do economic ties matter for security commitments?"
    texts = ["The ties make commitments credible", "Trade pays for bases", "Deals replaced treaties"]
    assert list(stem_words_cue(single(texts, 0, prompt), set()))
    texts[1] = "Trade ties pay for the bases behind the commitments"
    assert not list(stem_words_cue(single(texts, 0, prompt), set()))


def quiz(positions: list[int], width: int) -> BankFile:
    questions = []
    for n, pos in enumerate(positions):
        q = single([f"option {i} of {n}" for i in range(width)], pos - 1).model_dump()
        questions.append({**q, "id": f"q{n}"})
    return BankFile.model_validate({"kind": "graded", "assignment": "fx", "title": "t", "questions": questions})


@SETTINGS
@given(
    st.integers(min_value=2, max_value=5).flatmap(
        lambda w: st.tuples(st.just(w), st.lists(st.integers(1, w), min_size=1, max_size=9))
    )
)
def test_key_positions_reported_exactly_when_patterned(case):
    """Is a quiz's key placement reported if and only if all keys share one position (3 or more questions), or, from
    4 questions on, more than half share one, or some position holds none while there are as many questions as
    options?"""
    width, positions = case
    counts = [positions.count(p) for p in range(1, width + 1)]
    n = len(positions)
    same = n >= 3 and len(set(positions)) == 1
    crowded = n >= 4 and max(counts) > n / 2
    empty = n >= 4 and n >= width and min(counts) == 0
    assert bool(key_positions(quiz(positions, width))) == (same or crowded or empty)
