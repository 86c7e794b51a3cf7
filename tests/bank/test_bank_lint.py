"""Do the item-writing checks catch cues, leaks, weak stems and a low comprehension share, with file:line and a fix?"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coursekit.bank.check import check_course
from coursekit.bank.lint import APPLY_LEVELS, comprehension_share
from coursekit.bank.load import check_bank, load_bank
from coursekit.bank.rehearsal import Practice, PracticeKey, rehearsals
from coursekit.bank.schema import SingleChoice
from coursekit.bank.words import vocabulary
from coursekit.errors import BankError

BAD = "tests/fixtures/bad-bank"


@pytest.fixture
def lints(repo, sections, monkeypatch):
    """lints(name, *more) -> every item-writing finding of bad fixtures checked together, as 'severity: message'."""
    monkeypatch.chdir(repo)

    def run(name: str, *more: str) -> list[str]:
        checked = check_bank([Path(BAD) / n for n in (name, *more)], sections)
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
        "convincing than\" appear in question 'leak-order' (line 19), which gives it away. Reword one of them.",
        f"error: {BAD}/lint-key-leak.yaml:33: question 'leak-year': the key \"1960\" appears in question "
        "'leak-giver' (line 48), which gives it away. Reword one of them.",
        f"error: {BAD}/lint-key-leak.yaml:42: question 'leak-name': the key \"San Francisco\" appears in question "
        "'leak-giver' (line 48), which gives it away. Reword one of them.",
    ]


def test_all_or_none_of_the_above(lints):
    """Are 'All of the above' and 'None of the above' options reported at the option, in single and multiple?"""
    advice = (
        "is an all/none-of-the-above option: it rewards partial knowledge and breaks when options are reordered. "
        "Replace it with a real option (to ask for several right options, use a `multiple` question)."
    )
    assert lints("lint-above.yaml") == [
        f"error: {BAD}/lint-above.yaml:12: question 'above-single': option 'c' (\"All of the above\") {advice}",
        f"error: {BAD}/lint-above.yaml:24: question 'above-multiple': option 'b' (\"None of the above, in the "
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
        "questions so they need understanding or use on new cases, and label each `bloom:` as the latest blind "
        "review reads it (an unlabelled question counts as recall)."
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
    """Does every graded quiz of the course give at least 60 % of its auto-graded points to understanding or more,
    and at least 25 % to apply or above?"""
    bank = load_bank([repo / "assignments" / "bank"])
    for name in bank.assignments():
        part, total = comprehension_share(bank.assignment(name))
        applied, _ = comprehension_share(bank.assignment(name), APPLY_LEVELS)
        assert total > 0 and part / total >= 0.6, f"{name}: {part:g} of {total:g}"
        assert applied / total >= 0.25, f"{name}: {applied:g} of {total:g} at apply or above"


def test_key_that_is_the_only_shortest_option(lints):
    """Is a key shorter than every one of two or more distractors an error (and a set of keys all shorter than every
    wrong option), while a two-option question and a tie for the shortest pass?"""
    assert lints("lint-shortest-key.yaml") == [
        f"error: {BAD}/lint-shortest-key.yaml:12: question 'short-single': the key is the shortest option "
        "(13 characters; the shortest other option has 66), so its length points to it. Lengthen the key or shorten "
        "a distractor.",
        f"error: {BAD}/lint-shortest-key.yaml:28: question 'short-multiple': every right option is shorter than every "
        "wrong one, so length points to the keys. Lengthen a key or shorten a distractor.",
    ]


def test_prompt_words_single_out_the_key(lints):
    """Is a key that alone repeats the prompt's content words reported (single and multiple), and so is a key that
    alone does not when every distractor does, while a question whose distractors echo the prompt too passes?"""
    assert lints("lint-stem-words.yaml") == [
        f"error: {BAD}/lint-stem-words.yaml:14: question 'echo-single': only the key repeats words of the prompt "
        "(ties, commitments), so matching words finds it. Use the prompt's words in distractors too, or none of them "
        "in the key.",
        f"error: {BAD}/lint-stem-words.yaml:28: question 'echo-multiple': only the keys repeat words of the prompt "
        "(sensitive, hostile), so matching words finds them. Use the prompt's words in distractors too, or none of "
        "them in the key.",
        f"error: {BAD}/lint-stem-words.yaml:41: question 'odd-one-out': every distractor repeats words of the prompt "
        "and the key alone does not, so the odd one out is the key. Let the key echo the prompt too, or reword the "
        "distractors.",
    ]


@pytest.mark.parametrize(
    ("fixture", "count", "what", "spread"),
    [
        (
            "lint-key-spread.yaml",
            5,
            "more than half are at option 2",
            "option 1: 1, option 2: 3, option 3: 0, option 4: 1",
        ),
        ("lint-key-gap.yaml", 4, "none is at option 1", "option 1: 0, option 2: 2, option 3: 1, option 4: 1"),
    ],
)
def test_keys_spread_badly_over_positions(lints, fixture, count, what, spread):
    """Is a quiz with more than half of its single-choice keys at one position, or (with as many questions as
    options) none at some position, reported with the count per position?"""
    assert lints(fixture) == [
        f"error: {BAD}/{fixture}:5: the keys of the {count} single-choice questions are spread badly: {what} "
        f"({spread}), and students who notice the pattern guess by position. Spread the keys over every position."
    ]


def test_quotation_in_the_prompt_rules_out_a_distractor(lints):
    """Is a distractor built from the words the prompt quotes from the reading reported, while the key may echo the
    quotation and a quotation that is not the reading's (a classmate's sentence) is left alone?"""
    advice = "so the quotation itself confirms or rules it out. Build the distractor on another idea, or quote less."
    assert lints("lint-quoted-wording.yaml") == [
        f"error: {BAD}/lint-quoted-wording.yaml:13: question 'quoted-homilies': distractor 'a' reuses the words the "
        f'prompt quotes from the reading ("a recitation of homilies will do at least some": homilies), {advice}',
        f"error: {BAD}/lint-quoted-wording.yaml:29: question 'quoted-wished': distractor 'b' reuses the words the "
        f'prompt quotes from the reading ("cannot be wished away.": wished, away), {advice}',
    ]


def test_rubric_criterion_stated_by_another_question(lints):
    """Is a written answer's criterion that an auto-graded question of the same quiz states (here in a distractor)
    reported at the criterion, naming the question and the shared words, while a criterion no item states passes?"""
    assert lints("lint-rubric-stated.yaml") == [
        f"error: {BAD}/lint-rubric-stated.yaml:25: question 'stated-written': criterion 'exposure' is stated by "
        "question 'stated-trade' (line 7): \"Tokyo holds back, because Japan is more exposed to direct...\" shares "
        'direct, chinese, military, pressure with "Japan faces more direct Chinese military pressure". Students see '
        "that question while they write, so it hands them this criterion. Test the point in one place only."
    ]


def test_rubric_a_ta_could_not_apply(lints):
    """Are a binary criterion without levels, a criterion without a 0-point level, one the prompt never asks for, a
    missing wrong-statement rule, missing anchors and an evaluative prompt without a reasoning criterion reported?"""
    at = f"error: {BAD}/lint-rubric-incomplete.yaml"
    assert lints("lint-rubric-incomplete.yaml") == [
        f"{at}:25: question 'thin-written': the rubric has no rule for wrong statements. Add `wrong_statements:` "
        "saying what a wrong claim about the reading costs.",
        f"{at}:25: question 'thin-written': the rubric has no anchor answers. Add `anchors:` with a strong, a partial "
        "and a weak answer and their scores.",
        f"{at}:25: question 'thin-written': the question asks for a judgement (bloom: evaluate) but no criterion "
        "grades the reasoning. Add one with `reasoning: true`.",
        f"{at}:26: question 'thin-written': criterion 'treaties' has no levels. Give it `levels` (for example 0, 1 "
        "and 2 points), each with a `descriptor`.",
        f"{at}:26: question 'thin-written': criterion 'treaties' does not say what in the prompt asks for it. Add "
        "`asks:` with the prompt's words.",
        f"{at}:32: question 'thin-written': criterion 'evidence' has no 0-point level. Describe what earns nothing.",
        f"{at}:37: question 'thin-written': criterion 'future': `asks` (\"forecast the next decade\") is not in the "
        "prompt, so the prompt may not ask for it. Copy the prompt's words, or ask for it in the prompt.",
    ]


def test_option_ids_that_are_words(lints):
    """Is a graded question whose option ids are words (students receive them in the questions file) reported once,
    while neutral ids pass?"""
    assert lints("lint-option-ids.yaml") == [
        f"error: {BAD}/lint-option-ids.yaml:11: question 'ids-wordy': option id 'swap' is a word, and students "
        "receive option ids in the quiz's questions file, where a word can name the key or label a distractor. Use "
        "neutral ids: a, b, c, ..."
    ]


def test_apply_share_below_25_percent(lints):
    """Is a graded quiz above 60 % comprehension but under 25 % at apply or above reported at its assignment line?"""
    assert lints("lint-apply-share.yaml") == [
        f"error: {BAD}/lint-apply-share.yaml:4: assignment 'fx-lint-apply-share': only 0% of the auto-graded points "
        "(0 of 4) go to questions at bloom level apply or above; a graded quiz needs at least 25%. Rewrite recall "
        "questions so they need understanding or use on new cases, and label each `bloom:` as the latest blind review "
        "reads it (an unlabelled question counts as recall)."
    ]


def test_course_quizzes_pass_every_item_writing_rule(repo, sections):
    """Does the real bank's every graded quiz pass every item-writing rule (no lint error at all)?"""
    checked = check_bank([repo / "assignments" / "bank"], sections)
    assert checked.problems == []
    assert [str(p) for p in checked.lints if p.severity == "error"] == []


def test_ordering_ids_that_sort_into_the_key(lints):
    """Is an ordering whose items, sorted by id (numbers by value) or in reverse, earn more than half the points
    reported with the share they earn, and is a matching whose pairs lie on one alphabetical line (from the first
    letters or further on) reported, while shuffled letters and a two-item ordering pass?"""
    fix = "Give the items ids whose order says nothing, e.g. the letters in a shuffled order."
    line = "Give the left or the right items other ids, so that the pairs follow no order of the letters."
    assert lints("lint-id-order.yaml") == [
        f"error: {BAD}/lint-id-order.yaml:11: question 'order-sorted': the items in the order of their ids (a, b, c) "
        f"earn 100% of the points, so a student who sorts the ids scores without knowing the order. {fix}",
        f"error: {BAD}/lint-id-order.yaml:23: question 'order-reversed': the items in reverse id order (d, c, b, a) "
        f"earn 100% of the points, so a student who sorts the ids scores without knowing the order. {fix}",
        f"error: {BAD}/lint-id-order.yaml:36: question 'order-one-swap': the items in the order of their ids (x1, x2, "
        f"x9, x10) earn 67% of the points, so a student who sorts the ids scores without knowing the order. {fix}",
        f"error: {BAD}/lint-id-order.yaml:81: question 'match-run': the key pairs the ids in alphabetical step (a-p, "
        "b-q, c-r): 3 of 3 pairs follow from the letters alone, for a student who pairs them in order or knows one "
        f"pair. {line}",
        f"error: {BAD}/lint-id-order.yaml:101: question 'match-offset': the key pairs the ids in alphabetical step "
        "(a-q, b-r, c-s): 3 of 4 pairs follow from the letters alone, for a student who pairs them in order or knows "
        f"one pair. {line}",
    ]


def test_single_choice_keys_that_share_one_letter(lints):
    """Are single-choice keys that share one option id reported at the quiz's questions when the options are
    listed out of id order (so the keys' positions are spread and the position rule is silent)?"""
    assert lints("lint-key-letter.yaml") == [
        f"error: {BAD}/lint-key-letter.yaml:7: 3 of the 4 single-choice keys are option 'c', and students who notice "
        "the letter guess by it. Give some keys other ids (students receive the ids in the questions file)."
    ]


def test_multiple_select_questions_sharing_a_key_set(lints):
    """Is a multiple-select question whose right options have the ids of an earlier one's reported at its key,
    naming the earlier question, while a third with another key set passes?"""
    assert lints("lint-shared-keys.yaml") == [
        f"error: {BAD}/lint-shared-keys.yaml:30: question 'shared-second': its key {{b, d}} is the key of question "
        "'shared-first' too, so a student who notices picks the same letters again. Give one of them another set of "
        "right options (reorder its options, or change which are right)."
    ]


def test_graded_key_that_repeats_a_practice_key(lints):
    """Is a graded key that shares two or more content words (40 % or more of it) with a public self-check's key,
    or an accepted answer found whole in one, reported with the self-check's file and line, while one shared word
    or two words of a long practice key pass, and the practice file itself stays clean?"""
    practice = f"{BAD}/lint-rehearsal-practice.yaml"
    tail = "so students answer from memory of the self-check. Reword the practice question (it is public) or test the "
    assert lints("lint-rehearsal.yaml", "lint-rehearsal-practice.yaml") == [
        f"error: {BAD}/lint-rehearsal.yaml:12: question 'reh-words': the key \"The allies pool the work and converge "
        'on one common standard" repeats the words converge, standards (2 of its 4 content words) of practice '
        f"self-check 'rehearsed-standards' ({practice}:6), whose key the public book shows (\"Converge around "
        f'standards that give them a competitive edge"), {tail}point another way.',
        f"error: {BAD}/lint-rehearsal.yaml:24: question 'reh-whole': the key \"Taipei\" repeats the key of practice "
        f"self-check 'rehearsed-bilateral' ({practice}:18), whose key the public book shows (\"To restrain risky "
        f'moves by the leaders in Seoul and Taipei"), {tail}point another way.',
    ]
    assert lints("lint-rehearsal.yaml") == []  # the rule compares with the practice sets checked in the same run


def test_words_the_whole_bank_uses_are_no_echo():
    """Are two shared words that a fifth or more of the bank's questions use (here Washington and trilateral) left
    out, so that a graded key and a practice key on different points do not clash, while the same pair counts in a
    bank where they are rare?"""
    practiced = PracticeKey("p-camp", "Washington built trilateral structures on an opening", "practice.yaml:7")
    question = load_bank([Path(BAD) / "lint-key-letter.yaml"]).question("letter-second").model_dump()
    question["options"][0]["text"] = "Washington backs the firms with a trilateral working group"
    graded = SingleChoice.model_validate(question)
    assert list(rehearsals(graded, Practice([practiced]), set()))
    assert not list(rehearsals(graded, Practice([practiced], frozenset({"washin", "trilat"})), set()))
    assert vocabulary([f"Washington {n}" for n in range(5)] + ["other"] * 20) == {"washin"}
    assert vocabulary([f"Washington {n}" for n in range(4)]) == set()  # a small bank: four uses are a phrase


def test_checking_one_quiz_compares_it_with_the_course_practice_sets(repo, tmp_path, monkeypatch):
    """Does `coursekit check` of one graded file of the bank compare its keys with the course's practice sets (a
    practice key changed to hand out tc-restrain's answer is reported), while a file outside the bank is not?"""
    course = tmp_path / "course"
    shutil.copytree(repo / "assignments" / "bank", course / "assignments" / "bank")
    shutil.copytree(repo / "book", course / "book", ignore=shutil.ignore_patterns("_build", "node_modules"))
    practice = course / "assignments" / "bank" / "practice" / "hub-and-spokes.yaml"
    text = practice.read_text(encoding="utf-8")
    practice.write_text(text.replace("A way to hold back partners who might start a war", "Holding back Taipei"))
    monkeypatch.chdir(course)
    with pytest.raises(BankError) as err:
        check_course(paths=[Path("assignments/bank/three-challenges.yaml")])
    assert any(
        "question 'tc-restrain': the key \"Taipei\" repeats the key of practice" in p for p in err.value.problems
    )
    shutil.copy(repo / BAD / "lint-rehearsal.yaml", tmp_path / "outside.yaml")
    assert check_course(paths=[tmp_path / "outside.yaml"]).summary.startswith("ok: 4 questions in 1 file;")
