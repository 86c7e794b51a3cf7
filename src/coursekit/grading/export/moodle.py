"""`coursekit export moodle`: bank files as Moodle XML (``<quiz>``), explanations kept as general feedback.

moodle-tools (a maintained PyPI library) renders single choice, numerical, short answer, matching and essay
questions. Two types are written here with lxml instead: multiple-select (its multiple-choice template
always has ``<single>true``) and ordering (it writes Moodle's ordering settings as numbers, which Moodle's
importer does not read; see ORDERING_SETTINGS). ``notes`` says, one line per
question, where Moodle grades differently from coursekit.
"""

from __future__ import annotations

from html import escape

from lxml import etree

from ...errors import CourseError
from .qti import accepted

# Moodle accepts only these fractions (question/format.php); a multiple-select key of k options gives 100/k.
_GRADE_FORMAT = "{:.5f}"


def _flags() -> dict:
    return {"markdown": True, "table_styling": False}


def _cdata_safe(text: str) -> str:
    """Text placed in a CDATA section by the templates: ']]>' would end it early."""
    return str(text).replace("]]>", "]]&gt;")


def _common(q, category: str) -> dict:
    return {
        "question": _cdata_safe(q.prompt),
        "title": escape(q.id),
        "category": None,  # written once, at the top of the file
        "grade": float(q.points),
        "general_feedback": _cdata_safe(q.explanation or ""),
        **_flags(),
    }


def _single(q, category: str):
    from moodle_tools.questions.multiple_choice import MultipleChoiceQuestion

    answers = [
        {"answer": _cdata_safe(o.text), "points": 100 if o.id == q.answer else 0, "feedback": ""} for o in q.options
    ]
    return MultipleChoiceQuestion(answers=answers, shuffle_answers=False, **_common(q, category))


def _numeric(q, category: str):
    from moodle_tools.questions.numerical import NumericalQuestion

    answer = {"answer": q.key(), "points": 100, "tolerance": q.tolerance, "feedback": ""}
    return NumericalQuestion(answers=[answer], **_common(q, category))


def _text(q, category: str, notes: list[str]):
    from moodle_tools.questions.shortanswer import ShortAnswerQuestion

    notes.append(f"{q.id}: text → short answer ignoring case; the accepted answers were added in normalised form too")
    answers = [{"answer": _cdata_safe(a), "points": 100, "feedback": ""} for a in accepted(q.forms())]
    return ShortAnswerQuestion(answers=answers, answer_case_sensitive=False, **_common(q, category))


def _matching(q, category: str):
    from moodle_tools.questions.matching import MatchingQuestion

    right = {r.id: r.text for r in q.right}
    options = [{"question": escape(o.text), "answer": escape(right[q.answer[o.id]])} for o in q.left]
    used = set(q.answer.values())
    options += [{"answer": escape(r.text)} for r in q.right if r.id not in used]  # distractors
    return MatchingQuestion(options=options, shuffle_answers="shuffle", **_common(q, category))


# Moodle's ordering import reads these settings by name (question/type/ordering/questiontype.php,
# set_options_for_import): an unknown value, such as the numeric codes moodle-tools 1.1.0 writes
# (selecttype 2, gradingtype 4), falls back to a random subset of the items and to grading by the next
# item only. So they are written here as Moodle's own export_to_xml writes them.
ORDERING_SETTINGS = {
    "layouttype": "VERTICAL",
    "selecttype": "ALL",  # every attempt shows every item
    "gradingtype": "RELATIVE_ALL_PREVIOUS_AND_NEXT",  # the share of item pairs in the right relative order
    "showgrading": "SHOW",
    "numberingstyle": "none",
}


def _ordering_xml(q, notes: list[str]) -> str:
    """A Moodle ordering question: the items in the key's order (Moodle takes the file order as the key)."""
    from moodle_tools.utils import preprocess_text

    notes.append(
        f"{q.id}: ordering → Moodle ordering, every item shown, graded 'relative to all the previous and next "
        "items' (the share of pairs in order); coursekit's Kendall's tau gives less partial credit"
    )
    question = _head("ordering", q)
    for tag, value in ORDERING_SETTINGS.items():
        etree.SubElement(question, tag).text = value
        if tag == "selecttype":
            etree.SubElement(question, "selectcount").text = str(len(q.items))
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _html(question, tag, "")
    etree.SubElement(question, "shownumcorrect").text = "1"
    for position, item in enumerate(q.items, start=1):
        answer = etree.SubElement(question, "answer", fraction=str(position), format="html")
        etree.SubElement(answer, "text").text = etree.CDATA(preprocess_text(item.text, **_flags()))
    return etree.tostring(question, encoding="unicode")


def _written(q, category: str, notes: list[str]):
    from moodle_tools.questions.essay import EssayQuestion

    notes.append(f"{q.id}: written → essay question, graded by hand in Moodle")
    return EssayQuestion(response_format="editor", text_response={"required": True}, **_common(q, category))


def _question_xml(q, category: str, env, notes: list[str]) -> str:
    if q.type == "multiple":
        return _multiple_xml(q, category, notes)
    build = {"single": _single, "numeric": _numeric, "matching": _matching}.get(q.type)
    if build is not None:
        return build(q, category).to_xml(env)
    if q.type == "ordering":
        return _ordering_xml(q, notes)
    build = {"text": _text, "written": _written}.get(q.type)
    if build is None:
        raise CourseError(f"question '{q.id}': type '{q.type}' has no Moodle export")
    return build(q, category, notes).to_xml(env)


def _multiple_xml(q, category: str, notes: list[str]) -> str:
    """A multichoice question with ``<single>false``: +100/k per key option, -100/k per other, floored at 0
    by Moodle, which is coursekit's rule."""
    from moodle_tools.utils import preprocess_text

    share = 100 / len(q.answers)
    question = _head("multichoice", q)
    for tag, value in (("single", "false"), ("shuffleanswers", "0"), ("answernumbering", "none")):
        etree.SubElement(question, tag).text = value
    for o in q.options:
        fraction = _GRADE_FORMAT.format(share if o.id in q.answers else -share)
        answer = etree.SubElement(question, "answer", fraction=fraction, format="html")
        etree.SubElement(answer, "text").text = etree.CDATA(preprocess_text(o.text, **_flags()))
    return etree.tostring(question, encoding="unicode")


def _head(kind: str, q):
    """A <question> of ``kind`` with the parts every type shares: name, text, feedback, points."""
    from moodle_tools.utils import preprocess_text

    question = etree.Element("question", type=kind)
    etree.SubElement(etree.SubElement(question, "name"), "text").text = q.id
    _html(question, "questiontext", preprocess_text(q.prompt, **_flags()))
    _html(question, "generalfeedback", preprocess_text(q.explanation or "", **_flags()))
    for tag, value in (("defaultgrade", f"{float(q.points)}"), ("penalty", "0"), ("hidden", "0")):
        etree.SubElement(question, tag).text = value
    return question


def _html(parent, tag: str, html: str) -> None:
    node = etree.SubElement(parent, tag, format="html")
    etree.SubElement(node, "text").text = etree.CDATA(html)


def _category_xml(category: str) -> str:
    return f'<question type="category"><category><text>$module$/{escape(category)}</text></category></question>'


MOODLE_TYPES = ("single", "multiple", "numeric", "text", "matching", "ordering", "written")


def moodle_xml(questions: list, category: str) -> tuple[str, list[str]]:
    """(Moodle XML of ``questions`` in question category ``category``, notes)."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    from loguru import logger

    logger.disable("moodle_tools")  # its debug lines would flood the terminal
    env = Environment(
        loader=PackageLoader("moodle_tools.questions"),
        lstrip_blocks=True,
        trim_blocks=True,
        autoescape=select_autoescape(),
    )
    notes: list[str] = []
    parts = [_category_xml(category), *(_question_xml(q, category, env, notes) for q in questions)]
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "\n".join(parts) + "\n</quiz>\n"
    etree.fromstring(xml.encode("utf-8"))  # never write a file Moodle cannot parse
    return xml, notes
