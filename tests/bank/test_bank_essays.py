"""Is the session-9 essay's rubric held to the quizzes' rules, printed for graders, and kept off the public book?"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from coursekit.bank.check import check_course
from coursekit.bank.essays import load_essays
from coursekit.errors import BankError
from coursekit.release.rubrics import essay_markdown


@pytest.fixture(scope="module")
def essay(repo):
    essays, problems = load_essays(repo / "assignments" / "bank")
    assert problems == []
    (found,) = [e for e in essays if e.id == "session-9-essay"]
    return found


def test_essay_rubric_is_complete(essay):
    """Does the essay have five criteria scored 0, 2 or 4 that add up to its 20 points, each tied to the prompt, two
    that grade reasoning, a wrong-statement rule and anchors scored strong > partial > weak?"""
    assert [(c.id, c.scores()) for c in essay.rubric] == [
        (cid, [0.0, 2.0, 4.0]) for cid in ("claim", "events", "bearing", "verdict", "sources")
    ]
    assert essay.points == 20 and all(c.asks in essay.prompt for c in essay.rubric)
    assert [c.id for c in essay.rubric if c.reasoning] == ["bearing", "verdict"]
    assert essay.wrong_statements and [a.total() for a in essay.anchors] == [20, 8, 4]


def test_teaching_notes_give_the_prompt_but_no_rubric(essay, repo):
    """Do the public teaching notes carry the essay's prompt word for word, and none of its level descriptors,
    anchors or wrong-statement rule (the book is public)?"""
    book = "\n".join(p.read_text(encoding="utf-8") for p in sorted((repo / "book").glob("*.md")))
    flat = " ".join(book.split())
    assert " ".join(essay.prompt.split()) in flat
    secrets = [lv.descriptor for c in essay.rubric for lv in c.levels] + [a.answer for a in essay.anchors]
    for text in [*secrets, essay.wrong_statements, essay.full_answer]:
        assert " ".join(text.split())[:80] not in flat


def test_grader_sheet_for_the_essay(essay):
    """Does the essay's sheet show each criterion's levels and the anchors with their scores?"""
    md = essay_markdown(essay)
    assert md.startswith("# Grader's sheet: Testing a claim of the brief against events since 2021 (`session-9-essay`)")
    assert "**Anchor, partial (8 of 20: claim 2, events 2, bearing 2, verdict 2, sources 0):**" in md
    assert len(re.findall(r"^\| [024] \| ", md, flags=re.MULTILINE)) == 15


def test_broken_essay_gets_a_clear_error_with_its_line(repo, tmp_path, monkeypatch):
    """Does a broken essay file fail `coursekit check` with file:line and what to do, not a traceback?"""
    course = tmp_path / "course"
    shutil.copytree(repo / "assignments" / "bank", course / "assignments" / "bank")
    shutil.copytree(repo / "book", course / "book", ignore=shutil.ignore_patterns("_build", "node_modules"))
    path = course / "assignments" / "bank" / "essays" / "session-9-essay.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["anchors"][1]["scores"]["claim"] = 3
    del data["wrong_statements"]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    monkeypatch.chdir(course)
    with pytest.raises(BankError) as err:
        check_course()
    (problem,) = [p for p in err.value.problems if "essays" in p]
    assert re.match(
        r"assignments/bank/essays/session-9-essay\.yaml:\d+: essay: the partial anchor gives 'claim' 3; "
        r"use one of its levels: 0, 2, 4\.",
        problem,
    )
    data["anchors"][1]["scores"]["claim"] = 2
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(BankError) as err:
        check_course()
    assert [p for p in err.value.problems if "essays" in p] == [
        f"assignments/bank/essays/session-9-essay.yaml:{_line(path, 'rubric:')}: essay 'session-9-essay': the rubric "
        "has no rule for wrong statements. Add `wrong_statements:` saying what a wrong claim about the reading costs."
    ]


def _line(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(text))


def test_checking_one_essay_file(repo, monkeypatch):
    """Is `coursekit check assignments/bank/essays/session-9-essay.yaml` checked as an essay, not as a quiz file?"""
    monkeypatch.chdir(repo)
    report = check_course(paths=[Path("assignments/bank/essays/session-9-essay.yaml")])
    assert report.summary == "ok: 1 essay (session-9-essay)."
