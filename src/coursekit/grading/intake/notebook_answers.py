"""Answers carried in a handed-in quiz notebook: rebuilt, byte for byte, into an answers file, then parsed as one.

A quiz's status line saves the recorded answer's JSON text in the notebook (``notebook/lines.py``,
``ANSWER_MIME``), so a notebook uploaded alone to an LMS still holds its answers. A student can write anything
into a notebook, so this reader trusts nothing in it: it is used only when no answers file was handed in, and
it gives nothing more trust than such a file has. It reads

* only the outputs of the first cell whose grade id is a question of the quiz (from the instructor's source
  notebook, never the student's), as ``quiz_notebook.rebuild`` takes written answers: outputs forged in added
  cells, in other cells or in a second copy of a grade cell are never read;
* from that cell, exactly one display output with the answer type, whose text must be one JSON value.

It joins those texts into the bytes an answers file would hold (``{"schema": 1, "answers": {...}}``) and hands
them to the same strict parser (``answers_file.parse_answers``): the same limits, the same spoiled answers, the
same score as that answers file. Any output that breaks these rules refuses the notebook's answers as a whole,
as a broken answers file is refused as a whole: a notebook never scores more than the answers file would.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from ...notebook.answers import MAX_BYTES, SCHEMA
from ...notebook.lines import ANSWER_MIME
from .answers_file import too_deep

MAX_NOTEBOOK = 50 * 1024 * 1024  # a handed-in quiz notebook larger than this is not read


@dataclass(frozen=True)
class HandedNotebook:
    """The quiz notebook of a submission: its file name, the quiz's question ids (from the trusted source
    notebook), and how many cells the student added to it (``quiz_notebook.rebuild``)."""

    name: str
    questions: tuple[str, ...]
    added_cells: int = 0


@dataclass(frozen=True)
class Carried:
    """What a notebook carries: an answers file's bytes (None: no answer at all), or why none was taken."""

    raw: bytes | None = None
    refused: str = ""


def question_ids(source) -> tuple[str, ...]:
    """The grade ids of a source quiz notebook's auto-graded questions (its code grade cells), in order."""
    found = []
    for cell in source.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not isinstance(meta, dict) or cell.get("cell_type") != "code" or meta.get("grade") is not True:
            continue
        if isinstance(meta.get("grade_id"), str):
            found.append(meta["grade_id"])
    return tuple(found)


def carried_answers(data: bytes, questions: Iterable[str], name: str) -> Carried:
    """The answers the notebook bytes ``data`` (file ``name``) carry for ``questions``. Never raises."""
    cells, why = _cells(data, name)
    if why:
        return Carried(refused=why)
    first = _first_by_grade_id(cells)
    pieces = []
    for qid in questions:
        text, why = _answer_text(first.get(qid), qid, name)
        if why:
            return Carried(refused=why)
        if text is not None:
            pieces.append((qid, text))
    return Carried(raw=answers_file_bytes(pieces) if pieces else None)


def answers_file_bytes(pieces: list[tuple[str, str]]) -> bytes:
    """The answers file holding each (question id, answer JSON text) pair, texts verbatim."""
    members = ", ".join(f"{json.dumps(qid)}: {text}" for qid, text in pieces)
    # surrogatepass: a lone surrogate in a text becomes the bytes a file would hold, and the parser refuses them
    return f'{{"schema": {SCHEMA}, "answers": {{{members}}}}}\n'.encode("utf-8", "surrogatepass")


def _cells(data: bytes, name: str) -> tuple[list, str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return [], f"{name} is not UTF-8 text"
    try:
        nb = json.loads(text)  # json's C scanner counts its recursion: too deep raises RecursionError, soon
    except RecursionError:
        return [], f"{name} nests lists or objects too deeply to be a notebook"
    except ValueError:  # bad JSON, or an integer too long to convert
        return [], f"{name} is not a readable notebook (not valid JSON)"
    cells = nb.get("cells") if isinstance(nb, dict) else None
    return (cells, "") if isinstance(cells, list) else ([], f"{name} is not a notebook (it has no list of cells)")


def _first_by_grade_id(cells: list) -> dict:
    found: dict = {}
    for cell in cells:
        meta = cell.get("metadata") if isinstance(cell, dict) else None
        nbgrader = meta.get("nbgrader") if isinstance(meta, dict) else None
        gid = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
        if isinstance(gid, str) and gid not in found:
            found[gid] = cell
    return found


def _answer_text(cell, qid: str, name: str) -> tuple[str | None, str]:
    """(the answer's JSON text or None, "") or (None, why the notebook's answers are refused)."""
    outputs = cell.get("outputs") if isinstance(cell, dict) else None
    mine = [o for o in outputs if _carries(o)] if isinstance(outputs, list) else []
    where = f"question {qid} in {name}"
    if not mine:
        return None, ""
    if len(mine) > 1:
        return None, f"{where} has {len(mine)} saved answers (a quiz saves one)"
    if mine[0].get("output_type") != "display_data":
        return None, f"the saved answer of {where} is not in a display output"
    text = _text(mine[0]["data"][ANSWER_MIME])
    if text is None:
        return None, f"the saved answer of {where} is not text"
    if len(text) <= MAX_BYTES and not too_deep(text) and not _one_value(text):
        return None, f"the saved answer of {where} is not one JSON value"
    return text, ""  # too large or too deep: the strict parser refuses the whole set, as it refuses such a file


def _carries(output) -> bool:
    return isinstance(output, dict) and isinstance(output.get("data"), dict) and ANSWER_MIME in output["data"]


def _text(value) -> str | None:
    """A saved text output: a string, or a list of strings (nbformat splits text into lines when it saves)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return None


def _one_value(text: str) -> bool:
    """Is ``text`` exactly one JSON value? (Numbers are not converted; the strict parser judges them later.)"""
    try:
        json.loads(text, parse_int=len, parse_float=len, parse_constant=len)
    except (ValueError, RecursionError):
        return False
    return True
