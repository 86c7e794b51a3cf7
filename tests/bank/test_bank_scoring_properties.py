"""Do the scoring rules hold for every answer, not just the ones we thought of? (hypothesis)"""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit.grading.scoring.rules import VERDICTS, score

TYPES = ("single", "multiple", "numeric", "text", "ordering", "matching")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
option_ids = st.sampled_from(["a", "b", "c", "ai", "g5", "nukes", "china", "pogo", "one", "two", "three", "zz"])
plausible = (
    st.lists(option_ids, max_size=5)
    | option_ids
    | st.dictionaries(option_ids, option_ids, max_size=3)
    | st.permutations(["invasion", "sanfrancisco", "amended"])
    | st.integers(1900, 2000)
)


@SETTINGS
@given(qtype=st.sampled_from(TYPES), value=json_values | plausible)
def test_any_json_value_scores_within_bounds(make, qtype, value):
    """Does every JSON value get a score in [0, points] and a known verdict, never an exception?"""
    q = make(qtype)
    result = score(q, value)
    assert 0 <= result.points <= q.points == result.max_points
    assert result.verdict in VERDICTS


@SETTINGS
@given(qtype=st.sampled_from(TYPES), value=json_values)
def test_scores_survive_a_json_round_trip(make, qtype, value):
    """Does an answer read back from the answers file (JSON) score as it did before saving?"""
    try:
        back = json.loads(json.dumps(value))
    except ValueError:  # NaN etc. are not JSON
        return
    if back == value:
        assert score(make(qtype), back) == score(make(qtype), value)


@SETTINGS
@given(qtype=st.sampled_from(TYPES), points=st.floats(0.5, 100), seed=st.integers(0, 2**32))
def test_key_scores_full_points_whatever_the_option_order(make, good_raw, qtype, points, seed):
    """Does the key score full points, with options / right column / items listed in any order?"""
    raw = good_raw[qtype]
    rng = random.Random(seed)
    changes = {"points": points}
    for name in ("options", "right"):
        if name in raw:
            changes[name] = rng.sample(raw[name], len(raw[name]))
    q = make(qtype, **changes)
    keys = q.key() if qtype == "text" else [q.key()]  # a text key is the list of accepted answers
    for key in keys:
        result = score(q, key)
        assert (result.points, result.verdict) == (round(points, 4), "correct")


@SETTINGS
@given(seed=st.integers(0, 2**32), picked=st.lists(st.sampled_from(["ai", "g5", "nukes"]), max_size=4))
def test_multiple_select_answer_order_does_not_matter(make, good_raw, seed, picked):
    """Do shuffled options, or a shuffled answer list, leave a multiple-select score unchanged?"""
    rng = random.Random(seed)
    options = good_raw["multiple"]["options"]
    plain, shuffled = make("multiple"), make("multiple", options=rng.sample(options, len(options)))
    reordered = rng.sample(picked, len(picked))
    assert score(plain, picked) == score(shuffled, picked) == score(plain, reordered)


@SETTINGS
@given(seed=st.integers(0, 2**32), value=st.dictionaries(option_ids, option_ids, max_size=3))
def test_matching_right_column_order_does_not_matter(make, good_raw, seed, value):
    """Does the order of a matching question's right column leave every score unchanged?"""
    right = good_raw["matching"]["right"]
    shuffled = make("matching", right=random.Random(seed).sample(right, len(right)))
    assert score(make("matching"), value) == score(shuffled, value)


@SETTINGS
@given(seed=st.integers(0, 2**32), value=option_ids)
def test_single_option_order_does_not_matter(make, good_raw, seed, value):
    """Does the order of a single-choice question's options leave every score unchanged?"""
    options = good_raw["single"]["options"]
    shuffled = make("single", options=random.Random(seed).sample(options, len(options)))
    assert score(make("single"), value) == score(shuffled, value)


@SETTINGS
@given(order=st.permutations(["invasion", "sanfrancisco", "amended"]))
def test_ordering_only_the_key_is_full_marks(make, order):
    """Does an ordering give full points to the key's order and to no other order?"""
    q = make("ordering")
    assert (score(q, order).verdict == "correct") == (order == q.key())
