"""Is a written question a model like the others, kept away from students and from automatic scoring?"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from coursekit.bank.schema import BankFile, Written
from coursekit.grading.scoring.rules import score

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WRITTEN = FIXTURES / "good-bank" / "written.yaml"


@pytest.fixture
def quiz() -> BankFile:
    """The good fixture's graded quiz with one written question, plus one auto-graded question."""
    data = yaml.safe_load(WRITTEN.read_text(encoding="utf-8"))
    every = yaml.safe_load((FIXTURES / "good-bank" / "every-type.yaml").read_text(encoding="utf-8"))
    data["questions"].insert(0, every["questions"][0])
    return BankFile.model_validate(data)


def test_written_lists_the_hand_graded_questions(quiz):
    """Do written() and auto_graded() split a quiz into what a grader scores and what is computed, in order?"""
    assert [q.id for q in quiz.written()] == ["fx-written"]
    assert [q.id for q in quiz.auto_graded()] == ["fx-single"]
    assert [(q.id, q.points) for q in quiz.written()] == [("fx-written", 3.0)]
    assert [(c.id, c.points, c.scores()) for c in quiz.written()[0].rubric] == [
        ("effects", 2.0, [0.0, 1.0, 2.0]),
        ("weight", 1.0, [0.0, 1.0]),
    ]


def test_written_is_never_scored_automatically(quiz):
    """Does any answer to a written question, or none, score 0 with the verdict 'manual' and its full points?"""
    q = quiz.written()[0]
    for value in (None, "A long and excellent answer.", "", 3, ["x"]):
        result = score(q, value)
        assert (result.points, result.max_points, result.verdict) == (0.0, 3.0, "manual")


def test_public_view_leaves_out_rubric_and_full_answer(quiz):
    """Does the student's view of a written question hold its prompt and points, and nothing for graders?"""
    q = quiz.written()[0]
    assert q.public() == {"id": "fx-written", "type": "written", "prompt": q.prompt, "points": 3.0}
    text = json.dumps(q.public())
    assert q.full_answer not in text and all(c.criterion not in text for c in q.rubric)
    assert q.wrong_statements not in text
    assert all(a.answer not in text for a in q.anchors)
    assert all(lv.descriptor not in text for c in q.rubric for lv in c.levels)
    assert q.key() is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rubric": []}, "at least 1 item"),
        ({"full_answer": ""}, "at least 1 character"),
        ({"points": 4}, "the rubric's criteria add up to 3 points but the question is worth 4"),
        ({"rubric": [{"points": 3, "criterion": "x", "weight": 1}]}, "Extra inputs are not permitted"),
    ],
)
def test_rubric_rules(changes, message):
    """Must a written question have a rubric whose points add up, and a full answer?"""
    raw = {**yaml.safe_load(WRITTEN.read_text(encoding="utf-8"))["questions"][0], **changes}
    with pytest.raises(ValidationError, match=message):
        Written.model_validate(raw)


def _raw() -> dict:
    return yaml.safe_load(WRITTEN.read_text(encoding="utf-8"))["questions"][0]


def _with_anchor(level: str, **scores) -> dict:
    raw = _raw()
    raw["anchors"] = [a if a["level"] != level else {**a, "scores": {**a["scores"], **scores}} for a in raw["anchors"]]
    return raw


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (_with_anchor("strong", effects=1.5), "the strong anchor gives 'effects' 1.5; use one of its levels: 0, 1, 2"),
        (
            _with_anchor("partial", effects=2, weight=1),
            "the anchors score strong 3, partial 3, weak 0; a strong anchor",
        ),
        (
            {**_raw(), "anchors": [{**a, "scores": {"effects": 0}} for a in _raw()["anchors"]]},
            "the strong anchor scores effects; score every criterion (effects, weight) and nothing else",
        ),
        ({**_raw(), "anchors": _raw()["anchors"][:2]}, "give exactly three anchors, one each at level strong"),
        (
            {**_raw(), "rubric": [{k: v for k, v in c.items() if k != "id"} for c in _raw()["rubric"]]},
            "a rubric with levels or anchors needs an `id` on every criterion",
        ),
        (
            {**_raw(), "rubric": [{**_raw()["rubric"][0], "points": 3}, _raw()["rubric"][1]]},
            "`points` is 3 but the top level gives 2",
        ),
        (
            {
                **_raw(),
                "rubric": [
                    {
                        **_raw()["rubric"][0],
                        "levels": [{"points": 2, "descriptor": "x"}, {"points": 2, "descriptor": "y"}],
                    },
                    _raw()["rubric"][1],
                ],
            },
            "two levels of this criterion give the same points",
        ),
        ({**_raw(), "rubric": [{"criterion": "x"}]}, "the criterion gives neither `points` nor `levels`"),
    ],
)
def test_rubric_levels_and_anchors_fit_together(raw, message):
    """Must every anchor be scored on every criterion at one of its levels, strong above partial above weak, with
    ids on criteria that have levels, distinct level scores, and `points` equal to the top level?"""
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Written.model_validate(raw)


def test_grader_sheet_shows_levels_rule_and_anchors(quiz):
    """Does the grader's sheet (Markdown and HTML) show every level's descriptor with its points, the words of the
    prompt each criterion answers, which criterion grades reasoning, the wrong-statement rule and each anchor with its
    score per criterion?"""
    from coursekit.release.rubrics import rubric_html, rubric_markdown

    md, page = rubric_markdown(quiz), rubric_html(quiz)
    q = quiz.written()[0]
    for c in q.rubric:
        for lv in c.levels:
            assert f"| {lv.points:g} | {lv.descriptor} |" in md
            assert lv.descriptor in page
        assert f"\u201c{c.asks}\u201d" in md
    asked = "(the prompt: \u201csay which of its effects mattered most, and why\u201d)"
    assert f"Which effect mattered most, and why. {asked} [grades the reasoning]" in md
    assert f"**Wrong statements:** {q.wrong_statements}" in md
    assert "**Anchor, strong (3 of 3: effects 2, weight 1):** The war ended the occupation" in md
    assert "**Anchor, weak (0 of 3: effects 0, weight 0):**" in md
    assert "<script" not in page and "http" not in page.split("</style>")[1]


def test_release_scan_finds_anchors_descriptors_and_rule(quiz, tmp_path):
    """Would the release scan notice an anchor answer, a level descriptor or the wrong-statement rule copied into a
    file students receive, as it notices a criterion?"""
    from coursekit.release.nbgrader_release import find_leaks

    q = quiz.written()[0]
    (tmp_path / "a.md").write_text(f"Model answer: {q.anchors[0].answer}", encoding="utf-8")
    (tmp_path / "b.md").write_text(f"Level 2: {q.rubric[0].levels[0].descriptor}", encoding="utf-8")
    (tmp_path / "c.md").write_text(f"Rule: {q.wrong_statements}", encoding="utf-8")
    (tmp_path / "d.json").write_text(json.dumps({"q": {"anchors": []}}), encoding="utf-8")
    leaks = find_leaks(tmp_path, quiz)
    assert [leak.split(":")[0] for leak in leaks] == ["a.md", "b.md", "c.md", "d.json"]
    assert "d.json: key field 'anchors'" in leaks
