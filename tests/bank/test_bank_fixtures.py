"""Does `coursekit check` name the file, the line and the question, and say what to do, for each mistake?"""

from __future__ import annotations

from pathlib import Path

import pytest

from coursekit.bank.load import check_bank, load_bank
from coursekit.errors import BankError

BAD = "tests/fixtures/bad-bank"


@pytest.fixture
def problems(repo, sections, monkeypatch):
    """problems(name) -> every message for one bad fixture, paths as an author in the repo sees them."""
    monkeypatch.chdir(repo)

    def run(name: str) -> list[str]:
        return [str(p) for p in check_bank([Path(BAD) / name], sections).problems]

    return run


def test_good_fixture_has_no_problems(repo, sections):
    """Does a bank with one valid question of every type pass, quotes and item-writing checks included?"""
    checked = check_bank([repo / "tests/fixtures/good-bank"], sections)
    assert checked.problems == [] and checked.lints == []
    assert sorted(q.type for q in checked.bank.questions.values()) == sorted(
        ["single", "multiple", "numeric", "text", "ordering", "matching", "written"]
    )


def test_yaml_syntax_error_says_to_quote_a_colon(problems):
    """Does an unquoted ': ' inside a value point at its line and column and say to quote it?"""
    assert problems("syntax-colon.yaml") == [
        f"{BAD}/syntax-colon.yaml:8: YAML syntax error (column 32): mapping values are not allowed here; "
        "a value contains ': '. Put the whole value in quotes."
    ]


def test_tab_indentation(problems):
    """Is a tab used for indentation reported as such, on its line?"""
    assert problems("syntax-tab.yaml") == [
        f"{BAD}/syntax-tab.yaml:5: YAML syntax error (column 1): found character '\\t' that cannot start any "
        "token; a tab is used for indentation. Indent with spaces."
    ]


def test_unknown_and_missing_type(problems):
    """Does an unknown type name the allowed types (and the likely one), and a missing type say to add it?"""
    assert problems("unknown-type.yaml") == [
        f"{BAD}/unknown-type.yaml:5: question 'bad-type': type 'choice' is not a question type "
        "(did you mean 'single'?); use one of: single, multiple, numeric, text, ordering, matching, written.",
        f"{BAD}/unknown-type.yaml:14: question 'bad-no-type': missing field 'type'. "
        "Add it: one of single, multiple, numeric, text, ordering, matching, written.",
    ]


def test_unknown_field_suggests_spelling(problems):
    """Does a misspelt field get its likely spelling, its own line, and the nested field its parent?"""
    assert problems("unknown-field.yaml") == [
        f"{BAD}/unknown-field.yaml:4: question 'bad-field': missing field 'answer' (the key). Add it.",
        f"{BAD}/unknown-field.yaml:10: question 'bad-field': unknown field 'anwser' (did you mean 'answer'?). "
        "Remove it or fix its spelling; allowed here: id, title, prompt, points, explanation, hint, source, chapter, "
        "tags, bloom, type, options, answer.",
        f"{BAD}/unknown-field.yaml:15: question 'bad-field': unknown field 'page' in source. "
        "Remove it or fix its spelling; allowed here: section, quote, reference.",
    ]


def test_missing_fields_say_what_they_hold(problems):
    """Does a missing field say what it is for, at the question (or its parent field)?"""
    assert problems("missing-field.yaml") == [
        f"{BAD}/missing-field.yaml:4: question 'bad-missing': missing field 'explanation' "
        "(why the key is right; shown with self-check results). Add it.",
        f"{BAD}/missing-field.yaml:8: question 'bad-missing': missing field 'source.quote' "
        "(a short passage copied word for word from the reading). Add it.",
    ]


def test_duplicate_ids_across_and_within_files(problems):
    """Is an id used twice reported at the second use, naming the first one's file and line?"""
    assert problems("duplicate-ids") == [
        f"{BAD}/duplicate-ids/second.yaml:12: question 'dup-amended': duplicate id, already used in "
        f"{BAD}/duplicate-ids/first.yaml:4. Give one of them a new id.",
        f"{BAD}/duplicate-ids/second.yaml:20: question 'dup-treaty': duplicate id, already used in "
        f"{BAD}/duplicate-ids/second.yaml:4. Give one of them a new id.",
    ]


def test_key_not_among_options(problems):
    """Does a key that is not an option list the options, for single and multiple questions?"""
    assert problems("key-not-option.yaml") == [
        f"{BAD}/key-not-option.yaml:10: question 'bad-single-key': answer 'c' is not among the options (a, b). "
        "Set `answer` to one of the option ids.",
        f"{BAD}/key-not-option.yaml:21: question 'bad-multiple-key': answer '5g' is not among the options "
        "(ai, g5). List only option ids under `answers`.",
    ]


def test_quotes_checked_against_the_reading_and_its_sections(problems):
    """Is a misquote reported, a quote under the wrong section corrected, and markup/line breaks ignored?"""
    assert problems("quotes.yaml") == [
        f"{BAD}/quotes.yaml:11: question 'bad-quote-words': the quote \"later amended in 1960\" is not in the "
        "reading. Copy it word for word from book/reading.md (line breaks, Markdown emphasis and curly vs "
        "straight quotes do not matter).",
        f"{BAD}/quotes.yaml:21: question 'bad-quote-section': the quote is under 'History of the Alliances' in "
        "the reading, not 'Summary'. Set source.section to 'History of the Alliances'.",
    ]


def test_ordering_and_matching_that_do_not_line_up(problems):
    """Are repeated ordering items and matching keys that name no item reported with the ids to use?"""
    assert problems("ordering-matching.yaml") == [
        f"{BAD}/ordering-matching.yaml:7: question 'bad-ordering': item ids must be unique; 'treaty' is used "
        "more than once. Rename one.",
        f"{BAD}/ordering-matching.yaml:24: question 'bad-matching-left': `answer` maps 'pogoo', which is not a "
        "left item (china, pogo). Use the left ids as the keys of `answer`.",
        f"{BAD}/ordering-matching.yaml:38: question 'bad-matching-right': `answer` points to 'four', which is "
        "not a right item (one, three). Use the right ids as the values of `answer`.",
    ]


def test_unknown_chapter_section_and_bloom_list_the_allowed_ones(problems):
    """Do a chapter, section or Bloom level that does not exist list the allowed values?"""
    assert problems("chapter-section.yaml") == [
        f"{BAD}/chapter-section.yaml:10: question 'bad-places': section 'History of the Alliance' is not a "
        "section of the reading (did you mean 'History of the Alliances'?); use one of: Summary, History of the "
        "Alliances, Expanding Scope of the Alliances, Current Challenges, Challenge 1, Challenge 2, Challenge 3, "
        "A Way Forward, Artificial Intelligence (AI), 5G, Competing Against China's One Belt One Road Initiative, "
        "The Bottom Line.",
        f"{BAD}/chapter-section.yaml:12: question 'bad-places': chapter 'historyx' is not a chapter of the book "
        "(did you mean 'history'?); use one of: summary, history, expanding-scope, china-question, "
        "hub-and-spokes, pogo-problem, way-forward, bottom-line, since-the-brief.",
        f"{BAD}/chapter-section.yaml:13: question 'bad-places': bloom 'recall' is not a level of Bloom's "
        "taxonomy; use one of: remember, understand, apply, analyze, evaluate, create.",
    ]


def test_wrong_value_types(problems):
    """Do values of the wrong type say what was expected, and how to quote YAML's yes and numbers?"""
    assert problems("wrong-types.yaml") == [
        f"{BAD}/wrong-types.yaml:7: question 'bad-types': accept[1] must be text, got true. YAML reads unquoted "
        "yes/no/on/off/true/false as true or false; put the value in quotes.",
        f"{BAD}/wrong-types.yaml:8: question 'bad-types': points must be a number, got 'two'.",
        f"{BAD}/wrong-types.yaml:13: question 'Bad Id': id 'Bad Id' is not a valid id; use lower-case letters, "
        "digits and hyphens, e.g. 'bad-id'.",
        f"{BAD}/wrong-types.yaml:17: question 'Bad Id': tolerance must be greater than or equal to 0, got -1.",
        f"{BAD}/wrong-types.yaml:26: question 'bad-option-id': options[1].id must be text, got 1951. "
        'Put it in quotes: "1951".',
        f"{BAD}/wrong-types.yaml:27: question 'bad-option-id': options[2].id must be text, got 1960. "
        'Put it in quotes: "1960".',
        f"{BAD}/wrong-types.yaml:28: question 'bad-option-id': answer must be text, got 1960. "
        'Put it in quotes: "1960".',
        f"{BAD}/wrong-types.yaml:30: question 'bad-option-id': source must be a mapping (`key: value` lines), "
        "got a list.",
    ]


def test_not_utf8(problems):
    """Is a Latin-1 file reported with the line of its first bad byte?"""
    assert problems("not-utf8.yaml") == [f"{BAD}/not-utf8.yaml:2: not UTF-8 text (byte 0xe9). Save the file as UTF-8."]


def test_empty_file_and_top_level_list(problems):
    """Do an empty file and a file that is a bare list say what the top of a bank file holds?"""
    assert problems("empty.yaml") == [
        f"{BAD}/empty.yaml:1: the file is empty. Start it with `kind:`, `title:` and `questions:`."
    ]
    assert problems("not-a-mapping.yaml") == [
        f"{BAD}/not-a-mapping.yaml:1: expected `kind:`, `title:` and `questions:` at the top, got a list."
    ]


def test_field_given_twice(problems):
    """Is a field given twice (which YAML silently resolves) reported with both lines?"""
    assert problems("duplicate-key.yaml") == [
        f"{BAD}/duplicate-key.yaml:9: question 'bad-twice': field 'answer' is given twice (first on line 7); "
        "YAML keeps only the last one. Remove one."
    ]


def test_comma_inside_inline_mapping(problems):
    """Is text split by a comma inside {...} explained, instead of a baffling unknown field?"""
    assert problems("flow-comma.yaml") == [
        f"{BAD}/flow-comma.yaml:9: question 'bad-comma': unknown field 'Taiwan' in options[2]. "
        "A comma inside {...} ends a value early: put the text in quotes."
    ]


def test_graded_file_without_assignment(problems):
    """Does a graded file that names no nbgrader assignment say to add one?"""
    assert problems("file-fields.yaml") == [
        f"{BAD}/file-fields.yaml:1: a graded file must name its nbgrader `assignment`. Add `assignment: <name>`."
    ]


def test_one_bad_question_hides_nothing(problems):
    """Are a bad key, a bad quote, a duplicate id and a non-question all reported in one run?"""
    assert problems("all-problems.yaml") == [
        f"{BAD}/all-problems.yaml:11: question 'all-first': answer 'c' is not among the options (a, b). "
        "Set `answer` to one of the option ids.",
        f"{BAD}/all-problems.yaml:13: question 'all-first': the quote \"North Korea invaded the south in June "
        '1950" is not in the reading. Copy it word for word from book/reading.md (line breaks, Markdown '
        "emphasis and curly vs straight quotes do not matter).",
        f"{BAD}/all-problems.yaml:16: question 'all-first': duplicate id, already used in "
        f"{BAD}/all-problems.yaml:5. Give one of them a new id.",
        f"{BAD}/all-problems.yaml:24: question #3: expected the fields of a question (`id:`, `type:`, "
        "`prompt:`, ...), got 'just a string'.",
    ]


def test_same_assignment_in_two_files(tmp_path, repo):
    """Is one nbgrader assignment defined by two graded files reported at the second file?"""
    text = (repo / "tests/fixtures/course-quiz-refs/assignments/bank/graded.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text.replace("fx-graded-year", "fx-other-year"), encoding="utf-8")
    assert [str(p) for p in check_bank([tmp_path]).problems] == [
        f"{tmp_path}/b.yaml:2: assignment 'fx-graded' is also defined in {tmp_path}/a.yaml:2. "
        "Merge the two files or rename one."
    ]


def test_empty_folder_and_missing_path(tmp_path):
    """Do an empty bank folder and a path that does not exist raise one clear BankError?"""
    (tmp_path / "notes.txt").write_text("not a bank file", encoding="utf-8")
    with pytest.raises(BankError) as empty:
        load_bank([tmp_path])
    assert empty.value.problems == [
        f"{tmp_path}: no .yaml files found, so the bank is empty. Add bank files (see its README.md)."
    ]
    with pytest.raises(BankError) as missing:
        load_bank([tmp_path / "nope"])
    assert missing.value.problems == [
        f"{tmp_path}/nope: no such file or folder. Give a bank file or folder, e.g. assignments/bank"
    ]


def test_load_bank_raises_with_every_problem(repo, monkeypatch):
    """Does load_bank (used by other commands) raise with the same lines check reports?"""
    monkeypatch.chdir(repo)
    with pytest.raises(BankError) as err:
        load_bank([Path(BAD) / "key-not-option.yaml"])
    assert len(err.value.problems) == 2
    assert all(p.startswith(f"{BAD}/key-not-option.yaml:") for p in err.value.problems)


def test_graded_hint_must_not_state_the_key(problems):
    """Is a graded hint that states the key (feedback shows hints to wrong answers) reported, and a safe one not?"""
    assert problems("hint-leak.yaml") == [
        f"{BAD}/hint-leak.yaml:10: question 'leak-numeric': the hint gives the key away ('1960'). "
        "Point to where the answer is instead.",
        f"{BAD}/hint-leak.yaml:19: question 'leak-text': the hint gives the key away ('San Francisco System'). "
        "Point to where the answer is instead.",
    ]


def test_written_rubric_must_add_up_and_stay_out_of_practice(problems):
    """Is a rubric whose points do not add up to the question's reported, and a written question in a practice set?"""
    assert problems("written.yaml") == [
        f"{BAD}/written.yaml:9: question 'written-sum': the rubric's criteria add up to 3 points but the question is "
        "worth 4. Make `points` equal the sum of the criteria's points.",
        f"{BAD}/written.yaml:18: question 'written-practice': a written question is graded by hand in nbgrader, "
        "and the book's self-checks cannot show one. Move it to a graded quiz, or make it a discussion question in "
        "the chapter.",
    ]


def test_unclosed_quote_points_where_it_opens(problems):
    """Is an unclosed quote reported on the line where it opens, not at the end of the file?"""
    assert problems("syntax-unclosed-quote.yaml") == [
        f"{BAD}/syntax-unclosed-quote.yaml:2: YAML syntax error (column 8): found unexpected end of stream; "
        "a quoted value is never closed."
    ]


def test_two_documents_in_one_file(problems):
    """Is a second `---` document explained as such?"""
    assert problems("syntax-two-documents.yaml") == [
        f"{BAD}/syntax-two-documents.yaml:2: YAML syntax error (column 1): but found another document; "
        "a bank file is one YAML document. Remove the extra `---`, or split the file."
    ]
