"""Would grading a submission again write the notebook it already has? Worked out from the grade cells alone.

A regrade must give what a full grading run gives, but need not rewrite a notebook that would come out the same. The
outputs grading writes under each grade cell (``quiz_notebook.cell_outputs``) are a function of the question, the
answer, its score and the submission's notes, so they are made once per distinct combination for the class and
compared, as written to disk, with the graded notebook's. Any difference sends the submission through the full path.
"""

from __future__ import annotations

import json

from ..intake.answers_file import HandedIn


class Feedback:
    """What grading would write under each grade cell now, worked out once per distinct (question, answer, score)."""

    def __init__(self, key):
        self.key = key
        self.numbers = {q.id: i for i, q in enumerate(key.questions, start=1)}
        self.by_id = {q.id: q for q in key.questions}
        self.memo: dict[tuple, list] = {}

    def outputs(self, qid: str, value, result, notes: list[str]) -> list:
        memo_key = (qid, json.dumps(value, sort_keys=True, ensure_ascii=False), result, tuple(notes))
        if memo_key not in self.memo:
            self.memo[memo_key] = _as_written(self._outputs(qid, value, result, notes))
        return self.memo[memo_key]

    def _outputs(self, qid: str, value, result, notes: list[str]) -> list:
        from ..quiz_notebook import cell_outputs

        q = self.by_id[qid]
        return cell_outputs(self.numbers[qid], q, value, result, self.key.show_key, notes, self.key.book)


def _as_written(outputs: list) -> list:
    """Outputs as they are in a notebook file (multi-line text split into lines, as nbformat writes it)."""
    from nbformat import from_dict
    from nbformat.v4.rwbase import split_lines

    cell = {"cell_type": "code", "metadata": {}, "outputs": outputs, "source": "", "execution_count": None}
    return json.loads(json.dumps(split_lines(from_dict({"cells": [cell]})).cells[0].outputs))


def feedback_unchanged(data: dict, feedback: Feedback, handed: HandedIn, scores: dict) -> bool:
    """Would scoring ``handed`` with the key now write exactly the outputs (and titles) the graded notebook has?"""
    from ..quiz_notebook import META, submission_notes, written_titles
    from ..scoring.key import unknown_ids

    stamp = data.get("metadata", {}).get(META, {})
    notes = submission_notes(handed, stamp.get("ignored_cells", 0), unknown_ids(feedback.key.questions, handed))
    if (written_titles(feedback.key.questions) or None) != stamp.get("written_titles"):
        return False
    for cell in data["cells"]:
        qid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.get("cell_type") != "code" or qid not in scores:
            continue
        if cell.get("outputs") != feedback.outputs(qid, handed.values.get(qid), scores[qid], notes):
            return False
        notes = []  # the notes go under the first question only
    return True
