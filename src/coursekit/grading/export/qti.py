"""`coursekit export canvas`: a bank file as a QTI 1.2 package that Canvas imports (Classic and New Quizzes).

text2qti (a maintained PyPI library) writes the package: the manifest, the quiz settings and every item
it knows (single and multiple choice, numerical, short answer, essay). It has no matching type, so
matching questions, and ordering questions turned into matching of positions, go through text2qti as
essay placeholders (which keeps its rendering of the prompt and the feedback) and are then rewritten
here as Canvas ``matching_question`` items. ``notes`` says, one line per question, what a target
could not represent and what was done instead.
"""

from __future__ import annotations

import io
import math
import zipfile

from lxml import etree

from ...bank.text import normalize_text
from ...errors import CourseError

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _block(marker: str, text: str) -> str:
    """``text`` after a text2qti marker, continuation lines indented to line up with it."""
    marker = (marker + " ").ljust(4)
    pad = " " * len(marker)
    lines = str(text).strip().splitlines() or [""]
    return marker + lines[0] + "".join("\n" + (pad + line if line.strip() else "") for line in lines[1:])


def _numbers(value: float) -> str:
    return f"{int(value)}" if float(value).is_integer() else repr(float(value))


def accepted(accept: list[str]) -> list[str]:
    """The accepted answers, plus their normalised forms (Canvas does not fold punctuation as coursekit does)."""
    out: list[str] = []
    for answer in [*accept, *(normalize_text(a) for a in accept)]:
        if answer and answer not in out:
            out.append(answer)
    return out


def _body(q, notes: list[str]) -> str:
    """The text2qti lines after the question text: choices, answers, or an essay placeholder."""
    if q.type == "single":
        return "\n".join(
            _block(f"{'*' if o.id == q.answer else ''}{LETTERS[i]})", o.text) for i, o in enumerate(q.options)
        )
    if q.type == "multiple":
        notes.append(
            f"{q.id}: multiple → Canvas multiple answers; Classic Quizzes gives partial credit by its own rule, "
            "in New Quizzes choose 'Partial credit with penalty' (coursekit's rule)"
        )
        return "\n".join(_block("[*]" if o.id in q.answers else "[ ]", o.text) for o in q.options)
    if q.type == "numeric":
        return _numeric(q, notes)
    if q.type == "text":
        notes.append(f"{q.id}: text → short answer; the accepted answers were added in normalised form too")
        return "\n".join(_block("*", a) for a in accepted(q.forms()))
    if q.type == "ordering":
        notes.append(
            f"{q.id}: ordering → not supported by Canvas Classic Quizzes; exported as matching of position "
            "numbers (credit per item in the right place, not Kendall's tau)"
        )
    elif q.type not in ("matching", "written"):
        raise CourseError(f"question '{q.id}': type '{q.type}' has no Canvas export")
    if q.type == "written":
        notes.append(f"{q.id}: written → essay question, graded by hand in Canvas")
    return "___"


def _numeric(q, notes: list[str]) -> str:
    if q.tolerance > 0:
        return f"=   {_numbers(q.answer)} +- {_numbers(q.tolerance)}"
    if float(q.answer).is_integer():
        return f"=   {_numbers(q.answer)}"
    notes.append(f"{q.id}: numeric → Canvas needs a margin for a non-integer answer; exported with ±0.0001")
    return f"=   {_numbers(q.answer)} +- 0.0001"


CANVAS_TYPES = ("single", "multiple", "numeric", "text", "matching", "ordering", "written")


def quiz_text(title: str, description: str, questions: list, notes: list[str]) -> str:
    """The bank questions as text2qti's plain-text quiz format."""
    parts = [_block("Quiz title:", title or "Quiz")]
    if description.strip():
        parts.append(_block("Quiz description:", description))
    parts += ["Shuffle answers: false", ""]
    for n, q in enumerate(questions, start=1):
        head = f"Title: {q.id}\nPoints: {q.points:g}\n" + _block(f"{n}.", q.prompt)
        feedback = _block("...", q.explanation) if getattr(q, "explanation", None) else ""
        parts += [head, feedback, _body(q, notes), ""]
    return "\n".join(p for p in parts if p is not None) + "\n"


def canvas_package(title: str, description: str, questions: list) -> tuple[bytes, list[str]]:
    """(the QTI zip, notes) for ``questions`` as one Canvas quiz."""
    from text2qti.config import Config
    from text2qti.err import Text2qtiError
    from text2qti.qti import QTI
    from text2qti.quiz import Quiz

    notes: list[str] = []
    text = quiz_text(title, description, questions, notes)
    try:
        package = QTI(Quiz(text, config=Config(), source_name=title)).zip_bytes()
    except Text2qtiError as e:
        raise CourseError(f"{title}: text2qti could not convert the quiz ({e}); simplify the prompt it names") from None
    matching = {q.id: q for q in questions if q.type in ("matching", "ordering")}
    return (_rewrite(package, matching) if matching else package), notes


def _rewrite(package: bytes, matching: dict) -> bytes:
    """The package with each placeholder item of ``matching`` replaced by a Canvas matching item."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if _is_assessment(info.filename):
                data = _matching_items(data, matching)
            target.writestr(info, data)
    return out.getvalue()


def _is_assessment(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 2 and parts[1] == f"{parts[0]}.xml"


def _q(tag: str) -> str:
    return f"{{{QTI_NS}}}{tag}"


def _matching_items(data: bytes, matching: dict) -> bytes:
    root = etree.fromstring(data)
    for item in root.iter(_q("item")):
        q = matching.get(item.get("title"))
        if q is not None:
            _to_matching(item, *_pairs(q))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _pairs(q) -> tuple[list[str], list[str], dict[int, int]]:
    """(left texts, right texts, left index -> right index of its partner)."""
    if q.type == "matching":
        right = q.public()["right"]  # shuffled: the column order must not give the pairs away
        index = {r["id"]: j for j, r in enumerate(right)}
        return (
            [o.text for o in q.left],
            [r["text"] for r in right],
            {i: index[q.answer[o.id]] for i, o in enumerate(q.left)},
        )
    shown = q.public()["items"]  # the students' order, never the key's
    key = [o.id for o in q.items]
    positions = [f"position {p}" for p in range(1, len(key) + 1)]
    return [o["text"] for o in shown], positions, {i: key.index(o["id"]) for i, o in enumerate(shown)}


def _field(item, label: str, value: str) -> None:
    for f in item.iter(_q("qtimetadatafield")):
        if f.findtext(_q("fieldlabel")) == label:
            f.find(_q("fieldentry")).text = value


# Canvas's importer takes a right-hand choice's match id from the first run of digits in its identifier
# (canvas-lms gems/plugins/qti_exporter/lib/qti/associate_interaction.rb, get_canvas_matches), and an
# answer's id from "response_<number>" (assessment_item_converter.rb, get_or_generate_answer_id). So
# every identifier inside a matching item is a plain number, as in Canvas's own exports
# (lib/cc/qti/qti_items.rb, matching_response_lid): a prefix with digits, like "text2qti_", would give
# every choice the same match id and pair every left item with the first choice.
LEFT_BASE, RIGHT_BASE = 1000, 2000


def _to_matching(item, left: list[str], right: list[str], partner: dict[int, int]) -> None:
    """Rewrite an essay placeholder item in place as a Canvas matching question."""
    left_ids = [str(LEFT_BASE + i + 1) for i in range(len(left))]
    right_ids = [str(RIGHT_BASE + j + 1) for j in range(len(right))]
    _field(item, "question_type", "matching_question")
    _field(item, "original_answer_ids", ",".join(left_ids))
    presentation = item.find(_q("presentation"))
    for old in presentation.findall(_q("response_str")):
        presentation.remove(old)
    for lid_id, text in zip(left_ids, left, strict=True):
        lid = etree.SubElement(presentation, _q("response_lid"), ident=f"response_{lid_id}")
        _material(lid, text)
        choices = etree.SubElement(lid, _q("render_choice"))
        for rid, rtext in zip(right_ids, right, strict=True):
            _material(etree.SubElement(choices, _q("response_label"), ident=rid), rtext)
    _scoring(item, left_ids, right_ids, partner)


def _material(parent, text: str) -> None:
    material = etree.SubElement(parent, _q("material"))
    etree.SubElement(material, _q("mattext"), texttype="text/plain").text = text


def _scoring(item, left_ids: list[str], right_ids: list[str], partner: dict[int, int]) -> None:
    processing = item.find(_q("resprocessing"))
    for old in processing.findall(_q("respcondition")):
        if old.find(_q("displayfeedback")) is None:
            processing.remove(old)
    share = f"{math.floor(10000 / len(partner)) / 100:.2f}"
    for i, j in sorted(partner.items()):
        condition = etree.SubElement(processing, _q("respcondition"))
        var = etree.SubElement(condition, _q("conditionvar"))
        etree.SubElement(var, _q("varequal"), respident=f"response_{left_ids[i]}").text = right_ids[j]
        etree.SubElement(condition, _q("setvar"), varname="SCORE", action="Add").text = share
