"""Moodle's XML import and grading, ported: what Moodle stores, shows and scores for each exported question.

Ported from moodle/moodle (read with the search tools; each function names the PHP it ports):

* ``question/type/ordering/questiontype.php`` (commit 9762977c028cbd1884ed311a94c49efbae87591b):
  ``import_from_xml`` reads layouttype, selecttype, selectcount and gradingtype with the defaults
  RANDOM / 6 / RELATIVE; ``set_options_for_import`` maps them by *name* ('ALL', 'EXACT' -> all items;
  'CONTIGUOUS' -> a run; anything else -> a random subset; gradingtype names, anything else -> relative
  to the next item, last excluded); a selectcount below 2 becomes 2.
* ``question/type/ordering/question.php`` (commit 88b4bc2bebf60be67e6ed9ad867fddcf5d69d748):
  ``start_attempt`` (how many items an attempt shows) and ``grade_response`` (the fraction).
* ``question/format/xml/format.php`` (commit 9094211d277bef39ad1ac09635c200850248b7da): ``import_answer``
  divides the fraction attribute by 100; ``import_multichoice`` reads ``single`` (default true).
* ``question/engine/bank.php`` (commit 3008edd366ad09318057cddb7dbd57aae53d72f5): the grades an answer may
  have (``fraction_options_full``) and ``match_grade_options`` ('error': within 0.00001 of one, or the
  import fails).
* ``question/type/multichoice/question.php`` (commit 7165b1586f8a6a6fa9aab3ecafdb99639944fa87):
  ``qtype_multichoice_multi_question::grade_response`` sums the chosen answers' fractions, clamped to 0..1.
"""

from __future__ import annotations

from lxml import etree

SELECT_ALL, SELECT_RANDOM, SELECT_CONTIGUOUS = 0, 1, 2
GRADING = {
    "ALL_OR_NOTHING": -1,
    "ABS": 0,
    "ABSOLUTE": 0,
    "ABSOLUTE_POSITION": 0,
    "RELATIVE_NEXT_INCLUDE_LAST": 2,
    "RELATIVE_ONE_PREVIOUS_AND_NEXT": 3,
    "RELATIVE_ALL_PREVIOUS_AND_NEXT": 4,
    "LONGEST_ORDERED_SUBSET": 5,
    "LONGEST_CONTIGUOUS_SUBSET": 6,
    "RELATIVE_TO_CORRECT": 7,
}
RELATIVE_NEXT_EXCLUDE_LAST = 1
RAW_FRACTIONS = (0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
                 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05)  # fmt: skip
VALID_FRACTIONS = (0.0, 1.0, -1.0, *RAW_FRACTIONS, *(-f for f in RAW_FRACTIONS))


def _text(node, path: str, default: str) -> str:
    """format.php getpath(): the element's text, or the default when the element is missing."""
    found = node.find(path)
    return default if found is None else (found.text or "").strip()


def ordering_options(question) -> dict:
    """questiontype.php import_from_xml + set_options_for_import: the settings Moodle stores."""
    select_tag, count_tag = ("selecttype", "selectcount") if question.find("selecttype") is not None else (
        "logical", "studentsee")  # fmt: skip
    select = _text(question, select_tag, "RANDOM").upper()
    count = _text(question, count_tag, "6")
    grading = _text(question, "gradingtype", "RELATIVE").upper()
    return {
        "selecttype": {
            "ALL": SELECT_ALL,
            "EXACT": SELECT_ALL,
            "CONTIGUOUS": SELECT_CONTIGUOUS,
            "CONTIG": SELECT_CONTIGUOUS,
        }.get(select, SELECT_RANDOM),  # fmt: skip
        "selectcount": int(count) if count.lstrip("-").isdigit() and int(count) >= 2 else 2,
        "gradingtype": GRADING.get(grading, RELATIVE_NEXT_EXCLUDE_LAST),
        "items": [" ".join("".join(a.find("text").itertext()).split()) for a in question.findall("answer")],
    }


def items_shown(options: dict) -> int:
    """question.php start_attempt: how many items every attempt shows."""
    count = min(max(2, options["selectcount"]), len(options["items"]))
    if options["selecttype"] == SELECT_ALL or count == len(options["items"]):
        return len(options["items"])
    return count


def _previous_and_next(order: list) -> dict:
    return {x: (set(order[:i]), set(order[i + 1 :])) for i, x in enumerate(order)}


def ordering_fraction(options: dict, response: list[str]) -> float:
    """question.php grade_response for RELATIVE_ALL_PREVIOUS_AND_NEXT (the only type coursekit writes)."""
    assert options["gradingtype"] == GRADING["RELATIVE_ALL_PREVIOUS_AND_NEXT"]
    correct, current = _previous_and_next(options["items"]), _previous_and_next(response)
    right = total = 0
    for item, (before, after) in correct.items():
        if item in current:
            right += len(current[item][0] & before) + len(current[item][1] & after)
        total += len(before) + len(after)
    return right / total if total else 0.0


def valid_fraction(fraction: float) -> bool:
    """bank.php match_grade_options($gradeoptionsfull, $grade, 'error')."""
    return any(abs(fraction - v) < 0.00001 for v in VALID_FRACTIONS)


def multichoice(question) -> tuple[bool, dict[str, float]]:
    """format.php import_multichoice: (single, answer text -> fraction)."""
    single = _text(question, "single", "true").lower() in ("true", "1")
    answers = {
        " ".join("".join(a.find("text").itertext()).split()): float(a.get("fraction", 0)) / 100
        for a in question.findall("answer")
    }
    return single, answers


def multichoice_fraction(answers: dict[str, float], chosen: set[str]) -> float:
    """multichoice/question.php qtype_multichoice_multi_question::grade_response."""
    return min(max(0.0, sum(f for text, f in answers.items() if text in chosen)), 1.0)


def questions(xml: str) -> dict[str, object]:
    """name -> <question> element of every question in a Moodle XML file (categories skipped)."""
    root = etree.fromstring(xml.encode("utf-8"))
    return {q.findtext("name/text").strip(): q for q in root.findall("question") if q.get("type") != "category"}
