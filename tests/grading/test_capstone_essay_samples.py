"""The capstone essay's samples for the blind rubric-agreement check (assignments/bank/reviews/rubric-samples/).

Two graders score the six answers with the grader's sheet alone; the lead compares their scores with the ones
the rubric's author intends (intended.yaml). The comparison only means something if the graders read the prompt
students get, the answers are not the anchors the sheet already scores, and every intended score is a level the
rubric has.
"""

from __future__ import annotations

import re

import yaml
from capstone_course import BANK
from grading_helpers import REPO

SAMPLES = REPO / "assignments" / "bank" / "reviews" / "rubric-samples"
ESSAY = BANK.written()[0]


def _sections() -> dict[str, str]:
    """The sample file's `## ` sections: heading -> text (whitespace normalised)."""
    text = (SAMPLES / f"{ESSAY.id}.md").read_text(encoding="utf-8")
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return {head.strip(): " ".join(body.split()) for head, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_samples_give_the_students_prompt_and_six_answers_that_are_not_the_anchors():
    """Does the sample file show the essay's prompt exactly as students get it, then Answer 1 to 6, none of them an
    anchor answer (which the graders' sheet scores for them)?"""
    sections = _sections()
    assert list(sections) == ["Prompt"] + [f"Answer {n}" for n in range(1, 7)]
    assert sections["Prompt"] == " ".join(ESSAY.prompt.split())
    anchors = [" ".join(a.answer.split())[:60] for a in ESSAY.anchors]
    assert [a for a in anchors if any(a in body for body in sections.values())] == []


def test_intended_scores_are_levels_of_every_criterion_and_spread_over_the_scale():
    """Does intended.yaml score each of the six answers at one of the levels of every criterion (and nothing else),
    with totals that spread from a full-marks answer to one of 1 point or less?"""
    intended = yaml.safe_load((SAMPLES / "intended.yaml").read_text(encoding="utf-8"))[ESSAY.id]
    levels = {c.id: set(c.scores()) for c in ESSAY.rubric}
    assert sorted(intended) == list(range(1, 7))
    for n, scores in intended.items():
        assert set(scores) == set(levels), n
        assert all(scores[cid] in allowed for cid, allowed in levels.items()), n
    totals = [sum(s.values()) for s in intended.values()]
    assert max(totals) == ESSAY.points and min(totals) <= 1 and len(set(totals)) >= 4
