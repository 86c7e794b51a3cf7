"""Do the item-writing checks catch cues, leaks, weak stems and a low comprehension share, with file:line and a fix?"""

from __future__ import annotations

from pathlib import Path

import pytest

from coursekit.bank.check import check_course
from coursekit.bank.lint import comprehension_share
from coursekit.bank.load import check_bank, load_bank
from coursekit.errors import BankError

BAD = "tests/fixtures/bad-bank"


@pytest.fixture
def lints(repo, sections, monkeypatch):
    """lints(name) -> every item-writing finding of one bad fixture as 'severity: message'."""
    monkeypatch.chdir(repo)

    def run(name: str) -> list[str]:
        checked = check_bank([Path(BAD) / name], sections)
        assert checked.problems == []  # the fixtures are valid bank files: only their item writing is wrong
        return [f"{p.severity}: {p}" for p in checked.lints]

    return run


def test_key_that_is_the_only_longest_option(lints):
    """Is a single key longer than every distractor, and a set of keys all longer than every wrong option, an error
    (and a tie not)?"""
    assert lints("lint-longest-key.yaml") == [
        f"error: {BAD}/lint-longest-key.yaml:10: question 'long-single': the key is the longest option "
        "(66 characters; the longest other option has 20), so its length points to it. Shorten the key or lengthen "
        "a distractor.",
        f"error: {BAD}/lint-longest-key.yaml:26: question 'long-multiple': every right option is longer than every "
        "wrong one, so length points to the keys. Shorten a key or lengthen a distractor.",
    ]


def test_every_key_in_the_same_position(lints):
    """Is a file whose single-choice keys all sit at the same position (three or more) reported at its questions?"""
    assert lints("lint-key-position.yaml") == [
        f"error: {BAD}/lint-key-position.yaml:5: the key of every single-choice question (3) is option 1, so its "
        "position points to it. Move some keys to other positions."
    ]


def test_practice_findings_are_warnings(lints):
    """Is the same cue in a practice set a warning, which does not fail the check?"""
    assert lints("lint-practice-warning.yaml") == [
        f"warning: {BAD}/lint-practice-warning.yaml:9: question 'warn-long-single': the key is the longest option "
        "(23 characters; the longest other option has 7), so its length points to it. Shorten the key or lengthen "
        "a distractor."
    ]


def test_key_given_away_by_another_question(lints):
    """Is a key found in another question (as a run of its words, a year, an accepted answer) reported at the key,
    naming the question that gives it away?"""
    assert lints("lint-key-leak.yaml") == [
        f"error: {BAD}/lint-key-leak.yaml:10: question 'leak-repair': the key's words \"innovating is more "
        "convincing than\" appear in question 'leak-order' (line 18), which gives it away. Reword one of them.",
        f"error: {BAD}/lint-key-leak.yaml:32: question 'leak-year': the key \"1960\" appears in question "
        "'leak-giver' (line 47), which gives it away. Reword one of them.",
        f"error: {BAD}/lint-key-leak.yaml:41: question 'leak-name': the key \"San Francisco\" appears in question "
        "'leak-giver' (line 47), which gives it away. Reword one of them.",
    ]


def test_all_or_none_of_the_above(lints):
    """Are 'All of the above' and 'None of the above' options reported at the option, in single and multiple?"""
    advice = (
        "is an all/none-of-the-above option: it rewards partial knowledge and breaks when options are reordered. "
        "Replace it with a real option (to ask for several right options, use a `multiple` question)."
    )
    assert lints("lint-above.yaml") == [
        f"error: {BAD}/lint-above.yaml:12: question 'above-single': option 'all' (\"All of the above\") {advice}",
        f"error: {BAD}/lint-above.yaml:24: question 'above-multiple': option 'none' (\"None of the above, in the "
        f"brief's view\") {advice}",
    ]


def test_negative_stem_without_emphasis(lints):
    """Is an unemphasised 'not' or n't-word in the question reported, while bold, capitals, quotes, 'not only'
    and negatives outside the asking sentence pass?"""
    assert lints("lint-negative.yaml") == [
        f"error: {BAD}/lint-negative.yaml:8: question 'neg-plain': the prompt asks a negative question ('not') "
        "without emphasis, and students misread it. Write the word in bold (**not**) or in capitals (NOT), or ask "
        "the question positively.",
        f"error: {BAD}/lint-negative.yaml:20: question 'neg-contraction': the prompt asks a negative question "
        "('doesn't') without emphasis, and students misread it. Write the word in bold (**doesn't**) or in capitals "
        "(DOESN'T), or ask the question positively.",
    ]


def test_comprehension_share_below_60_percent(lints):
    """Is a graded quiz with under 60 % of its auto-graded points at understand or above reported at its
    assignment line, with unlabelled questions counted as recall and the written answer left out?"""
    assert lints("lint-share.yaml") == [
        f"error: {BAD}/lint-share.yaml:3: assignment 'fx-lint-share': only 40% of the auto-graded points (2 of 5) go "
        "to questions at bloom level understand or above; a graded quiz needs at least 60%. Rewrite recall "
        "questions so they need understanding, and label each `bloom:` honestly (an unlabelled question counts as "
        "recall)."
    ]


def test_lints_do_not_stop_loading(repo, monkeypatch):
    """Does load_bank (used by generate, release and grading) still load a quiz with item-writing errors?"""
    monkeypatch.chdir(repo)
    bank = load_bank([Path(BAD) / "lint-share.yaml"])
    assert sorted(bank.questions) == ["share-understand", "share-unlabelled", "share-written", "share-year"]


def test_check_course_fails_on_errors_and_passes_with_warnings(repo, monkeypatch):
    """Does check_course raise on a lint error (keeping the warnings), and pass a file that has only warnings?"""
    monkeypatch.chdir(repo)
    with pytest.raises(BankError) as err:
        check_course(paths=[Path(BAD) / "lint-share.yaml", Path(BAD) / "lint-practice-warning.yaml"])
    assert [p.split(":")[0] for p in err.value.problems] == [f"{BAD}/lint-share.yaml"]
    assert [w.split(":")[0] for w in err.value.warnings] == [f"{BAD}/lint-practice-warning.yaml"]
    report = check_course(paths=[Path(BAD) / "lint-practice-warning.yaml"])
    assert report.summary.startswith("ok: 1 question in 1 file;")
    assert len(report.warnings) == 1


def test_course_quizzes_meet_the_share_by_their_labels(repo):
    """Does every graded quiz of the course give at least 60 % of its auto-graded points to understanding or more?"""
    bank = load_bank([repo / "assignments" / "bank"])
    for name in bank.assignments():
        part, total = comprehension_share(bank.assignment(name))
        assert total > 0 and part / total >= 0.6, f"{name}: {part:g} of {total:g}"
