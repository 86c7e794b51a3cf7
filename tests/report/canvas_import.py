"""Canvas's QTI import, ported: what Canvas stores for each item of a QTI 1.2 package coursekit exports.

Canvas imports a QTI 1.2 zip in two steps, and the rules that decide the outcome are ported here from both
(read with git; each function names the method it ports):

1. Instructure's QTIMigrationTool (``migrate.py --ucvars``, commit 7847455bb7fb4ca223cecf7e576ca81f7d0bda47)
   turns it into QTI 2.1. Identifiers pass through ``ReadIdentifier`` / ``CheckNMTOKEN`` in
   ``lib/imsqtiv1.py``: one that does not start with a letter or "_" gets the prefix "RESPONSE_", ":" and
   "." become "_"; response_label idents and varequal values get the same treatment, so they still match.
2. canvas-lms' qti_exporter plugin reads the QTI 2.1 items: ``gems/plugins/qti_exporter/lib/qti/
   assessment_item_converter.rb`` (commit 0c8b1039d44d8a9474d5585a90117af74cff7491) picks the converter by
   the item's ``question_type`` metadata; ``associate_interaction.rb`` (commit
   0c31361aec160ac52365fd3d3a6cdc2aa42fa0bd) reads matching items: ``get_canvas_matches`` takes each right
   choice of the *first* left item, with a match id from the first run of digits in its identifier;
   ``get_canvas_answers`` pairs each left item with the match whose identifier its scoring condition names;
   ``ensure_correct_format`` gives each left item the text of the first match with that match id.
   ``choice_interaction.rb`` (commit 03f405c9c2e10e0d973d9e5978e91169b9f8f122) reads the key of choice
   items, ``numeric_interaction.rb`` (commit 891bca30a891d527298b90df71c19956472a2a34) the exact value and
   margin, ``extended_text_interaction.rb`` (commit 722d7a531490fd40ab82485ad8b69c64e9106260) the
   accepted answers (none makes an essay).

Run on this machine, the real migrate.py produced QTI 2.1 whose identifiers agree with ``migrated``.
"""

from __future__ import annotations

import io
import re
import string
import zipfile

from lxml import etree

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
NMTOKEN_CHARS = string.ascii_letters + string.digits + "_-.:"
NMSTART_CHARS = string.ascii_letters + "_"


def migrated(identifier: str, prefix: str = "RESPONSE_") -> str:
    """An identifier as QTIMigrationTool writes it (lib/imsqtiv1.py, ReadIdentifier and CheckNMTOKEN)."""
    out = ""
    for c in identifier.strip():
        if c not in NMTOKEN_CHARS and ord(c) < 128:
            c = "-"
        if not out and c not in NMSTART_CHARS:
            out = prefix
        out += c
    return out.replace(":", "_").replace(".", "_")


def _text(node) -> str:
    return " ".join("".join(node.itertext()).split()) if node is not None else ""


def _meta(item, label: str) -> str:
    for f in item.iter(f"{QTI}qtimetadatafield"):
        if f.findtext(f"{QTI}fieldlabel") == label:
            return f.findtext(f"{QTI}fieldentry") or ""
    return ""


def _conditions(item):
    return list(item.iter(f"{QTI}respcondition"))


def _adds_score(condition) -> bool:
    """setvar SCORE action="Add" becomes <sum> in QTI 2.1, which is what get_canvas_answers requires."""
    return any(v.get("varname") == "SCORE" and v.get("action") == "Add" for v in condition.iter(f"{QTI}setvar"))


def _sets_positive_score(condition) -> bool:
    """choice_interaction.rb get_response_weight: a float SCORE above 0 makes the choice correct."""
    return any(v.get("varname") == "SCORE" and float(v.text or 0) > 0 for v in condition.iter(f"{QTI}setvar"))


def canvas_matching(item) -> dict[str, str | None]:
    """left text -> the right text Canvas pairs it with (None: no pair), per associate_interaction.rb."""
    lids = item.findall(f"{QTI}presentation/{QTI}response_lid")
    matches, match_map = [], {}
    for local_id, label in enumerate(lids[0].iter(f"{QTI}response_label")):  # get_canvas_matches
        ident = migrated(label.get("ident"))
        digits = re.search(r"(\d+)", ident)
        match = {"match_id": int(digits.group(1)) if digits else -1 - local_id, "text": _text(label)}
        matches.append(match)
        match_map[ident] = match
    answers = {migrated(lid.get("ident")): {"text": _text(lid.find(f"{QTI}material"))} for lid in lids}
    for condition in _conditions(item):  # get_canvas_answers
        for var in condition.iter(f"{QTI}varequal"):
            answer = answers.get(migrated(var.get("respident")))
            match = match_map.get(migrated(var.text or ""))
            if answer is not None and match is not None and _adds_score(condition):
                answer["match_id"] = match["match_id"]
    pairs = {}
    for answer in answers.values():  # ensure_correct_format: the first match with that id
        right = next((m["text"] for m in matches if m["match_id"] == answer.get("match_id")), None)
        pairs[answer["text"]] = right
    return pairs


def canvas_choices(item) -> tuple[list[str], set[str]]:
    """(choice texts, the texts Canvas weights 100), per choice_interaction.rb process_response_conditions."""
    labels = {lab.get("ident"): _text(lab) for lab in item.iter(f"{QTI}response_label")}
    correct = set()
    for condition in _conditions(item):
        var = condition.find(f"{QTI}conditionvar")
        both = var.find(f"{QTI}and")
        if both is not None:  # 'responseIf and > member': every direct member is a correct choice
            correct |= {labels[v.text] for v in both.findall(f"{QTI}varequal")}
        elif _sets_positive_score(condition):
            correct |= {labels[v.text] for v in var.findall(f"{QTI}varequal")}
    return list(labels.values()), correct


def canvas_numeric(item) -> list[tuple[float, float]]:
    """Accepted (low, high) ranges, per numeric_interaction.rb get_canvas_answers (exact answer and margin)."""
    ranges = []
    for condition in _conditions(item):
        either = condition.find(f"{QTI}conditionvar/{QTI}or")
        if either is None:
            continue
        exact = float(either.findtext(f"{QTI}varequal"))
        upper = either.findtext(f"{QTI}and/{QTI}varlte")
        margin = float(upper) - exact if upper is not None else 0.0
        ranges.append((exact - margin, exact + margin))
    return ranges


def canvas_text_answers(item) -> list[str]:
    """Accepted answers, per extended_text_interaction.rb process_response_conditions (none: an essay)."""
    found: list[str] = []
    for condition in _conditions(item):
        for var in condition.iter(f"{QTI}varequal"):
            if var.text and var.text not in found:
                found.append(var.text)
    return found


def canvas_items(package: bytes) -> dict[str, tuple[str, object]]:
    """title (the question id) -> (Canvas question type, what Canvas keeps as its key)."""
    zf = zipfile.ZipFile(io.BytesIO(package))
    (name,) = [n for n in zf.namelist() if n.count("/") == 1 and n.split("/")[1] == n.split("/")[0] + ".xml"]
    out = {}
    for item in etree.fromstring(zf.read(name)).iter(f"{QTI}item"):
        kind = _meta(item, "question_type")
        if kind == "matching_question":
            key = canvas_matching(item)
        elif kind in ("multiple_choice_question", "multiple_answers_question"):
            key = canvas_choices(item)
        elif kind == "numerical_question":
            key = canvas_numeric(item)
        else:
            key = canvas_text_answers(item)
            kind = kind if key or kind == "essay_question" else "essay_question"
        out[item.get("title")] = (kind, key)
    return out
