"""Does a practice question on context beyond the brief cite a reference entry, checked like a quote is?"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from coursekit.bank.check import check_course
from coursekit.bank.load import check_bank
from coursekit.bank.references import reference_keys
from coursekit.errors import BankError

REFERENCES = """\
    ---
    title: References
    ---
    (cha-2016)=
    Cha, Victor D. 2016. *Powerplay*. Princeton University Press.

    Text that mentions (not-a-key)= in the middle of a line.

    (snyder-1984)=
    Snyder, Glenn H. 1984. "The Security Dilemma in Alliance Politics." *World Politics* 36 (4): 461-495.
"""

QUESTION = """\
  - id: {qid}
    type: numeric
    prompt: In what year did the brief appear?
    answer: 2021
    explanation: It appeared in April 2021.
    source: {source}
    chapter: since-the-brief
"""


def bank_file(folder: Path, kind: str, *sources: str) -> Path:
    """A one-file bank of numeric questions, one per ``source`` (written as YAML flow mappings)."""
    head = "kind: practice\n" if kind == "practice" else "kind: graded\nassignment: quiz\n"
    body = "".join(QUESTION.format(qid=f"q{i + 1}", source=s) for i, s in enumerate(sources))
    path = folder / f"{kind}.yaml"
    path.write_text(f"{head}title: Test\nquestions:\n{body}", encoding="utf-8")
    return path


@pytest.fixture
def keys(tmp_path) -> dict[str, int]:
    page = tmp_path / "references.md"
    page.write_text(textwrap.dedent(REFERENCES), encoding="utf-8")
    return reference_keys(page)


def messages(path: Path, keys) -> list[str]:
    return [str(p) for p in check_bank([path], references=keys).problems]


def test_reference_keys_are_the_target_lines(keys):
    """Are the keys exactly the `(key)=` target lines of the page, each with its line number?"""
    assert keys == {"cha-2016": 4, "snyder-1984": 9}


def test_practice_question_may_cite_a_known_reference(tmp_path, keys):
    """Does a practice question with `source: {reference: KEY}` of an existing entry load without a quote?"""
    path = bank_file(tmp_path, "practice", "{reference: cha-2016}")
    checked = check_bank([path], references=keys)
    assert checked.problems == []
    assert checked.bank.questions["q1"].source.reference == "cha-2016"


def test_unknown_reference_is_reported_at_its_line(tmp_path, keys):
    """Is a key that references.md lacks reported with file:line, the question, a suggestion and the fix?"""
    path = bank_file(tmp_path, "practice", "{reference: cha-2061}")
    assert messages(path, keys) == [
        f"{path}:9: question 'q1': reference 'cha-2061' is not an entry of book/references.md (did you mean "
        "'cha-2016'?). Fix the key, or add the entry there under a `(cha-2061)=` line."
    ]


def test_graded_question_must_quote_the_reading(tmp_path, keys):
    """Is a graded question that cites a reference instead of a quote refused, even with a known key?"""
    path = bank_file(tmp_path, "graded", "{reference: cha-2016}")
    assert messages(path, keys) == [
        f"{path}:10: question 'q1': a graded question must be backed by the reading, not by a reference. Give "
        "source.section and a verbatim source.quote (`reference:` is for practice questions on context beyond "
        "the brief)."
    ]


def test_source_needs_a_quote_or_a_reference_not_both(tmp_path, keys):
    """Does a source with both, or with neither, say which fields to keep or add?"""
    path = bank_file(
        tmp_path, "practice", "{reference: cha-2016, section: Summary, quote: highly unlikely for now}", "{}"
    )
    assert messages(path, keys) == [
        f"{path}:9: question 'q1': source gives both a reference and a section/quote. Keep one of them "
        "(graded: the quote).",
        f"{path}:16: question 'q2': missing fields 'source.section' and 'source.quote' (the reading's section "
        "heading; a short passage copied word for word from the reading). Add them, or for a practice question "
        "cite `reference: KEY`.",
    ]


def test_coursekit_check_reads_the_books_references(repo, tmp_path, monkeypatch):
    """Does `coursekit check` on a whole course check keys against that course's book/references.md?"""
    course = tmp_path / "course"
    (course / "assignments" / "bank").mkdir(parents=True)
    (course / "book").mkdir()
    for page in ("reading.md", "references.md"):
        (course / "book" / page).write_text((repo / "book" / page).read_text(encoding="utf-8"), encoding="utf-8")
    bank_file(course / "assignments" / "bank", "practice", "{reference: cha-2016}", "{reference: no-such-work}")
    monkeypatch.setenv("COURSEKIT_COURSE", str(course))
    with pytest.raises(BankError) as err:
        check_course()
    assert "question 'q2': reference 'no-such-work' is not an entry of book/references.md" in str(err.value)
    assert "'q1'" not in str(err.value)
