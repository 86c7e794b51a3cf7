"""Answers carried in a quiz notebook's saved status lines: what the kernel saves, and how strictly grading reads it.

The rule under test: a notebook handed in without its answers file scores exactly what an answers file holding
the same saved texts would score, and never more, whatever a student writes into the notebook.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from quiz_course import KEY, QUIZ, REPO, WRONG, generated

from coursekit.bank.load import load_bank
from coursekit.grading.intake import ledger
from coursekit.grading.intake.answers_file import parse_answers
from coursekit.grading.intake.notebook_answers import HandedNotebook, carried_answers, question_ids
from coursekit.grading.intake.quarantine import record
from coursekit.grading.scoring.key import grade_answers
from coursekit.notebook.lines import ANSWER_MIME, MAX_ANSWER, line_bundle

BANK = REPO / "tests" / "fixtures" / "grading-course" / f"{QUIZ}.yaml"
QUESTIONS = list(next(iter(load_bank([BANK]).files.values())).questions)
IDS = tuple(q.id for q in QUESTIONS if q.type != "written")
NAME = f"{QUIZ}.ipynb"


def grade_cell(gid: str, *outputs, cell_type: str = "code") -> dict:
    meta = {"nbgrader": {"grade": True, "grade_id": gid, "locked": True, "points": 1, "schema_version": 3}}
    cell = {"cell_type": cell_type, "metadata": meta, "source": f'quiz.grade("{gid}")'}
    return {**cell, "outputs": list(outputs), "execution_count": 1} if cell_type == "code" else cell


def line(payload, output_type: str = "display_data") -> dict:
    """A status line output carrying ``payload`` (saved as nbformat saves text: a list of lines)."""
    text = payload.splitlines(True) if isinstance(payload, str) else payload
    out = {"output_type": output_type, "data": {"text/plain": "Question: recorded", ANSWER_MIME: text}, "metadata": {}}
    return {**out, "execution_count": 1} if output_type == "execute_result" else out


def notebook(*cells) -> bytes:
    return json.dumps({"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def points(handed) -> dict[str, float]:
    return {qid: s.points for qid, s in grade_answers(QUESTIONS, handed).items()}


def from_notebook(data: bytes):
    carried = carried_answers(data, IDS, NAME)
    return carried, parse_answers(carried.raw, f"the answers in {NAME}") if carried.raw else None


def answers_file(answers: dict) -> bytes:
    return json.dumps({"schema": 1, "answers": answers}).encode()


# ---------- what the kernel saves ----------


def test_the_line_carries_the_recorded_answer_and_says_the_same():
    """Does a recorded line carry the answer's JSON text under its own type, with the visible words unchanged, and
    an unanswered line (or an answer too large for an answers file) carry none?"""
    plain = line_bundle("recorded", "Question 2: recorded: 5G", "run1")
    carried = line_bundle("recorded", "Question 2: recorded: 5G", "run1", ["g5", "ai"])
    assert carried[ANSWER_MIME] == '["g5", "ai"]' and "\n" not in carried[ANSWER_MIME]
    assert {k: v for k, v in carried.items() if k != ANSWER_MIME} == plain
    assert ANSWER_MIME not in line_bundle("unanswered", "Question 2: not answered yet.", "run1", None)
    assert ANSWER_MIME not in line_bundle("recorded", "Question 4: recorded", "run1", "x" * MAX_ANSWER)


@pytest.fixture
def student(tmp_path, monkeypatch):
    """The mini quiz generated into a student's folder (no nbgrader needed); the cwd is that folder."""
    root = generated(tmp_path / "course", monkeypatch)
    folder = root / "student"
    shutil.copytree(root / "assignments" / "source" / QUIZ, folder)
    monkeypatch.chdir(folder)
    return folder


class _Lines:
    def __init__(self, shown: list):
        self.shown = shown

    def __getitem__(self, i):
        return [b for b in self.shown if "ck-saved-copy" not in b.get("text/html", "")][i]


def test_the_line_follows_the_answer_as_it_changes(student, monkeypatch):
    """As a student answers, changes and clears a question, does the line it updates carry the answer the answers
    file now holds, and nothing once it is cleared?"""
    pytest.importorskip("coursekit.notebook.widget")
    import coursekit.notebook.quiz as quiz_module

    shown = []
    monkeypatch.setattr(quiz_module, "show", lambda bundle, **how: shown.append(bundle) or True)
    sent = _Lines(shown)  # the status lines only, not the saved copy of each question shown above its widget
    quiz = quiz_module.Quiz(QUIZ)
    widget = quiz.ask("mq-matching")
    quiz.grade("mq-matching")
    assert ANSWER_MIME not in sent[-1]
    widget.value = {"china": "one"}
    saved = json.loads((student / f"{QUIZ}.answers.json").read_text())["answers"]["mq-matching"]
    assert json.loads(sent[-1][ANSWER_MIME]) == saved == {"china": "one"}  # incomplete, yet recorded
    widget.value = None
    assert ANSWER_MIME not in sent[-1]


# ---------- what grading reads ----------


def test_a_saved_notebook_scores_what_its_answers_file_scores():
    """Does a notebook carrying every answer (saved as lines) score exactly what the same answers file scores?"""
    cells = [grade_cell(qid, line(json.dumps(KEY[qid], indent=1))) for qid in IDS]
    carried, handed = from_notebook(notebook(*cells))
    assert not carried.refused and handed.values == KEY
    assert points(handed) == points(parse_answers(answers_file(KEY)))


def test_only_the_first_grade_cell_of_each_question_is_read():
    """Are answers forged in added cells, in cells of other grade ids and in a second copy of a grade cell never
    read, and an unanswered question simply left out?"""
    forged = line(json.dumps(KEY["mq-single"]))
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [line(json.dumps(KEY["mq-numeric"]))], "source": ""},
        grade_cell("ask-mq-single", forged),
        grade_cell("mq-single", line(json.dumps(WRONG["mq-single"]))),
        grade_cell("mq-single", forged),
        grade_cell("mq-numeric"),
        grade_cell("bonus", line("100")),
    ]
    _, handed = from_notebook(notebook(*cells))
    assert handed.values == {"mq-single": WRONG["mq-single"]}


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        (grade_cell("mq-single", line('"a"'), line('"b"')), "question mq-single in mini-quiz.ipynb has 2 saved"),
        (grade_cell("mq-single", line('"a"', "execute_result")), "is not in a display output"),
        (grade_cell("mq-single", line({"a": 1})), "saved answer of question mq-single in mini-quiz.ipynb is not text"),
        (grade_cell("mq-single", line('"a"}, "x": {"y": 1')), "is not one JSON value"),
        (grade_cell("mq-single", line('"a", "mq-numeric": 1960')), "is not one JSON value"),
        (grade_cell("mq-single", line("")), "is not one JSON value"),
    ],
)
def test_a_malformed_saved_answer_refuses_the_notebook_with_the_reason(cell, why):
    """Is a notebook whose saved answer breaks the rules refused as a whole (as a broken answers file is), with one
    line naming the notebook, the question and what is wrong?"""
    carried, _ = from_notebook(notebook(grade_cell("mq-numeric", line("1960")), cell))
    assert carried.raw is None and why in carried.refused


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\xff\xfe{}", "mini-quiz.ipynb is not UTF-8 text"),
        (b'{"cells": [', "mini-quiz.ipynb is not a readable notebook (not valid JSON)"),
        (b"[" * 100_000 + b"]" * 100_000, "nests lists or objects too deeply"),
        (b'{"cells": 7}', "mini-quiz.ipynb is not a notebook"),
        (b'{"cells": [{"outputs": [1]}], "x": ' + b"9" * 5000 + b"}", "not valid JSON"),
    ],
)  # fmt: skip
def test_a_notebook_that_is_not_one_is_refused_without_raising(data, why):
    """Does bytes that are no notebook (not UTF-8, not JSON, 100,000 deep, a huge number) give a reason, never an
    exception or a hang?"""
    carried, _ = from_notebook(data)
    assert carried.raw is None and why in carried.refused


@pytest.mark.parametrize(
    ("text", "spoiled"),
    [
        ("NaN", "NaN is not a number a quiz can take"),
        ("9" * 5000, "a number with 5000 digits"),
        ('"\\ud800"', "lone surrogate"),
        ('{"china": "one", "china": "three"}', "a key is given twice"),
    ],
)
def test_a_spoiled_value_is_spoiled_as_in_an_answers_file(text, spoiled):
    """Is a value JSON allows but a quiz cannot mean spoiled with the answers file's own reason, and only its
    question, the others scored?"""
    cells = [grade_cell("mq-numeric", line(text)), grade_cell("mq-single", line('"a"'))]
    _, handed = from_notebook(notebook(*cells))
    assert spoiled in handed.spoiled["mq-numeric"] and handed.values == {"mq-single": "a"}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("[" * 30 + "]" * 30, "nests lists or objects more than 20 deep"),
        ('"' + "x" * 300_000 + '"', "larger than 256 kB"),
    ],
)
def test_a_too_deep_or_too_large_value_refuses_the_whole_set_as_a_file_would(value, problem):
    """Is an answer nested deeper, or larger, than an answers file may be refused with the whole set, exactly as the
    same answers file is (so it never scores the other questions a file would not)?"""
    cells = [grade_cell("mq-ordering", line(value)), grade_cell("mq-single", line('"a"'))]
    _, handed = from_notebook(notebook(*cells))
    file = parse_answers(f'{{"schema": 1, "answers": {{"mq-ordering": {value}, "mq-single": "a"}}}}'.encode())
    assert problem in handed.problem and problem in file.problem
    assert points(handed) == points(file) == dict.fromkeys(IDS, 0.0)


def test_question_ids_come_from_the_source_notebooks_code_grade_cells():
    """Are a source notebook's question ids its code grade cells, in order (not written answers or other cells)?"""
    source = {"cells": [grade_cell("intro", cell_type="markdown"), grade_cell("mq-single"), grade_cell("mq-text")]}
    source["cells"][0]["metadata"]["nbgrader"]["grade"] = False
    written = grade_cell("essay", cell_type="markdown")
    assert question_ids({"cells": [*source["cells"], written]}) == ("mq-single", "mq-text")


# ---------- hostile notebooks, generated ----------

GOOD = st.sampled_from([json.dumps(v) for v in (*KEY.values(), *WRONG.values())])
TEXTS = st.one_of(
    GOOD,
    st.sampled_from(
        [
            "NaN",
            "Infinity",
            "9" * 5000,
            '"1960"',
            "1960.0",
            '"\\ud800"',
            "[" * 25 + "]" * 25,
            "",
            '"a"}, "x": {"y": 1',
            '"a", "mq-numeric": 1960',
            '{"china": "one", "china": "three"}',
            "1e999",
            "-0",
            "null",
            "true",
            '"a"   ',
        ]
    ),  # fmt: skip
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=6,
    ).map(json.dumps),
    st.text(max_size=20),
)
# Most saved answers are well formed (so that many notebooks are taken and scored); the rest are hostile.
PAYLOADS = st.one_of(GOOD, GOOD, GOOD, TEXTS, TEXTS.map(lambda t: t.splitlines(True) or [t]), st.integers(),
                     st.just({"a": "b"}))  # fmt: skip
OUTPUTS = st.builds(line, PAYLOADS, st.sampled_from(["display_data"] * 5 + ["execute_result"]))
CELLS = st.builds(
    lambda gid, outs, plain: grade_cell(gid, *outs) if not plain else {"cell_type": "code", "outputs": outs},
    st.sampled_from([*IDS, *IDS, "ask-mq-single", "bonus"]),
    st.one_of(st.lists(OUTPUTS, min_size=1, max_size=1), st.lists(OUTPUTS, max_size=3)),
    st.sampled_from([False] * 5 + [True]),
)


def own_texts(cells: list) -> dict[str, str]:
    """Each question's own saved text: its first grade cell's first saved answer (written here independently of
    the reader under test)."""
    first: dict = {}
    for cell in cells:
        first.setdefault(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"), cell)
    texts = {}
    for qid in IDS:
        saved = [o["data"][ANSWER_MIME] for o in first.get(qid, {}).get("outputs", [])]
        if saved and isinstance(saved[0], (str, list)):
            texts[qid] = saved[0] if isinstance(saved[0], str) else "".join(saved[0])
    return texts


def oracle(texts: dict[str, str]) -> bytes:
    """The answers file holding the same texts, verbatim."""
    members = [json.dumps(qid) + ":" + text for qid, text in texts.items()]
    return ('{"schema":1,"answers":{' + ",".join(members) + "}}").encode("utf-8", "surrogatepass")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CELLS, max_size=12))
def test_a_notebook_never_scores_more_than_an_answers_file_of_the_same_texts(cells):
    """For any notebook a student could write (forged, duplicated, split, hostile outputs): does reading it never
    raise, never score more than the answers file holding the same saved texts, score exactly that file when it is
    taken, take each question's answer from its own first grade cell only, and name the notebook when refused?"""
    carried, handed = from_notebook(notebook(*cells))
    own = own_texts(cells)
    file = points(parse_answers(oracle(own)))
    if carried.refused:
        assert carried.raw is None and NAME in carried.refused
    elif handed is None:
        assert set(file.values()) <= {0.0}
    else:
        assert points(handed) == file
        assert set(handed.values) | set(handed.spoiled) <= set(own)  # no answer arrives through another's text
        assert all(value == json.loads(own[qid]) for qid, value in handed.values.items())
    got = points(handed) if handed else dict.fromkeys(IDS, 0.0)
    assert sum(got.values()) <= sum(file.values()) + 1e-9


# ---------- the ledger: which source, recorded ----------


@pytest.fixture
def hand(tmp_path):
    """submitted/<student>/mini-quiz/ of a bare course directory; write files into it, then take the ledger."""
    root = tmp_path / "assignments"
    folder = root / "submitted" / "kim" / QUIZ
    folder.mkdir(parents=True)

    def take():
        return ledger.take(root, folder, QUIZ, "kim", QUIZ, HandedNotebook(NAME, IDS, added_cells=2))

    return root, folder, take


def test_the_answers_file_is_preferred_and_the_source_recorded(hand):
    """With both an answers file and a notebook carrying other answers, is the file graded and 'answers file'
    recorded; without the file, the notebook, recorded as such with the bytes that were scored?"""
    root, folder, take = hand
    (folder / NAME).write_bytes(notebook(*[grade_cell(q, line(json.dumps(KEY[q]))) for q in IDS]))
    (folder / f"{QUIZ}.answers.json").write_bytes(answers_file(WRONG))
    entry = take()
    assert (entry.source, entry.file, entry.handed_in().values) == ("answers file", f"{QUIZ}.answers.json", WRONG)
    assert entry.added_cells == 2 and ledger.entry(root, QUIZ, "kim", QUIZ) == entry
    (folder / f"{QUIZ}.answers.json").unlink()
    entry = take()
    assert (entry.source, entry.file, entry.handed_in().values) == ("notebook", NAME, KEY)
    assert entry.sha256 == ledger.digest(entry.raw) and ledger.entry(root, QUIZ, "kim", QUIZ).source == "notebook"


def test_a_refused_answers_file_is_not_replaced_by_the_notebook(hand):
    """Does an answers file that is handed in but refused (a FIFO) stay the source, refused with its reason, so a
    student cannot choose the notebook by breaking the file?"""
    _, folder, take = hand
    (folder / NAME).write_bytes(notebook(grade_cell("mq-single", line('"a"'))))
    os.mkfifo(folder / f"{QUIZ}.answers.json")
    entry = take()
    assert entry.source == "answers file" and "named pipe" in entry.refused and not entry.handed_in().values


def test_no_answers_anywhere_is_recorded_as_none(hand):
    """With no answers file and a notebook carrying nothing, is 'none' recorded, and does the reason say both?"""
    _, folder, take = hand
    (folder / NAME).write_bytes(notebook(grade_cell("mq-single")))
    handed = take().handed_in()
    assert take().source == "none" and not handed.present
    assert handed.problem == f"no answers file was handed in, and {NAME} carries no answers"


def test_a_notebook_moved_aside_or_linked_is_refused_with_the_reason(hand):
    """Is a notebook that quarantine replaced (unreadable) or that is a symbolic link refused, naming why?"""
    root, folder, take = hand
    (folder / NAME).write_bytes(notebook(grade_cell("mq-single")))
    record(root, QUIZ, "kim", {NAME: {"kind": "not a readable notebook (NotJSONError)", "replaced_by": "x"}})
    entry = take()
    assert entry.source == "notebook"
    assert "not a readable notebook (NotJSONError), so it was moved aside" in entry.refused
    (folder / NAME).unlink()
    (folder / NAME).symlink_to(root / "elsewhere.ipynb")
    record(root, QUIZ, "kim", {})
    assert "symbolic link" in take().refused


def test_audit_compares_the_answers_in_submitted_with_the_recorded_source(hand):
    """Does the audit's check pass for an unchanged notebook-only hand-in and for an old "no file" record, and name
    the change when answers appear in the notebook afterwards?"""
    from coursekit.grading.audit import AuditReport, _check_hash

    root, folder, take = hand
    (folder / NAME).write_bytes(notebook(grade_cell("mq-single")))
    legacy = ledger.take(root, folder, QUIZ, "kim", QUIZ)  # no notebook known: recorded as before this route
    report = AuditReport(QUIZ)
    _check_hash(report, root, legacy, HandedNotebook(NAME, IDS))
    assert report.mismatches == [] and legacy.source == "answers file"
    (folder / NAME).write_bytes(notebook(grade_cell("mq-single", line('"a"'))))
    graded = take()
    _check_hash(report, root, graded, HandedNotebook(NAME, IDS))
    assert report.mismatches == []
    _check_hash(report, root, legacy, HandedNotebook(NAME, IDS))
    assert [f.text for f in report.mismatches] == [
        f"{QUIZ}.answers.json in submitted/ differs from the one graded (graded: no readable file, from the answers "
        f"file; now: {graded.sha256[:12]}, from the notebook)"
    ]
