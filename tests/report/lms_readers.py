"""Read exported LMS files back with lxml, into one plain record per question, for comparison with the bank.

A record: type, points, choices (texts), key (texts), and the type's own fields. Texts are compared
after ``plain()``: HTML tags and entities, typographic quotes and Markdown emphasis removed.
"""

from __future__ import annotations

import html
import io
import re
import zipfile

from lxml import etree

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


def plain(text: str | None) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", text or ""))
    text = text.translate(str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "*": "", "_": "", "`": ""}))
    return " ".join(text.split())


def qti_items(package: bytes) -> dict[str, dict]:
    """title (the question id) -> record, for every item of the package's assessment."""
    zf = zipfile.ZipFile(io.BytesIO(package))
    names = [n for n in zf.namelist() if n.count("/") == 1 and n.split("/")[1] == n.split("/")[0] + ".xml"]
    assert len(names) == 1, zf.namelist()
    root = etree.fromstring(zf.read(names[0]))
    assert zf.read("imsmanifest.xml") and any(n.endswith("assessment_meta.xml") for n in zf.namelist())
    return {item.get("title"): _qti_item(item) for item in root.iter(f"{QTI}item")}


def _meta(item, label: str) -> str:
    for f in item.iter(f"{QTI}qtimetadatafield"):
        if f.findtext(f"{QTI}fieldlabel") == label:
            return f.findtext(f"{QTI}fieldentry")
    return ""


def _qti_item(item) -> dict:
    kind = _meta(item, "question_type")
    record = {"type": kind, "points": float(_meta(item, "points_possible")), "prompt": _qti_prompt(item)}
    lids = item.findall(f"{QTI}presentation/{QTI}response_lid")
    conditions = list(item.iter(f"{QTI}respcondition"))
    feedback = item.find(f"{QTI}itemfeedback")
    record["feedback"] = plain(feedback.findtext(f".//{QTI}mattext")) if feedback is not None else ""
    if kind in ("multiple_choice_question", "multiple_answers_question"):
        labels = {
            lab.get("ident"): plain(lab.findtext(f".//{QTI}mattext")) for lab in lids[0].iter(f"{QTI}response_label")
        }
        record["choices"] = list(labels.values())
        keys = [v.text for c in conditions for v in c.iter(f"{QTI}varequal") if v.getparent().tag != f"{QTI}not"]
        record["key"] = [labels[k] for k in keys]
    elif kind == "matching_question":
        record["pairs"] = _qti_pairs(lids, conditions)
        record["choices"] = [plain(lab.findtext(f".//{QTI}mattext")) for lab in lids[0].iter(f"{QTI}response_label")]
    elif kind == "numerical_question":
        record["range"] = (float(item.findtext(f".//{QTI}vargte")), float(item.findtext(f".//{QTI}varlte")))
    elif kind == "short_answer_question":
        record["key"] = [v.text for c in conditions for v in c.iter(f"{QTI}varequal")]
    return record


def _qti_prompt(item) -> str:
    return plain(item.find(f"{QTI}presentation/{QTI}material").findtext(f"{QTI}mattext"))


def _qti_pairs(lids, conditions) -> dict[str, str]:
    texts = {}
    for lid in lids:
        for lab in lid.iter(f"{QTI}response_label"):
            texts[lab.get("ident")] = plain(lab.findtext(f".//{QTI}mattext"))
    left = {f"{lid.get('ident')}": plain(lid.find(f"{QTI}material").findtext(f"{QTI}mattext")) for lid in lids}
    pairs = {}
    for c in conditions:
        for v in c.iter(f"{QTI}varequal"):
            pairs[left[v.get("respident")]] = texts[v.text]
    return pairs


def moodle_questions(xml: str) -> dict[str, dict]:
    """name (the question id) -> record, for every question of a Moodle XML file (categories skipped)."""
    root = etree.fromstring(xml.encode("utf-8"))
    assert root.tag == "quiz"
    out = {}
    for q in root.findall("question"):
        if q.get("type") != "category":
            out[q.findtext("name/text").strip()] = _moodle_question(q)
    return out


def _moodle_question(q) -> dict:
    kind = q.get("type")
    record = {
        "type": kind,
        "points": float(q.findtext("defaultgrade")),
        "prompt": plain(q.findtext("questiontext/text")),
        "feedback": plain(q.findtext("generalfeedback/text")),
    }
    answers = q.findall("answer")
    if kind in ("multichoice", "shortanswer", "numerical"):
        record["single"] = (q.findtext("single") or "").strip()
        record["choices"] = [plain(a.findtext("text")) for a in answers]
        record["fractions"] = {plain(a.findtext("text")): float(a.get("fraction")) for a in answers}
        record["tolerance"] = [float(a.findtext("tolerance") or 0) for a in answers]
    elif kind == "matching":
        subs = q.findall("subquestion")
        record["pairs"] = {
            plain(s.findtext("text")): plain(s.findtext("answer/text")) for s in subs if plain(s.findtext("text"))
        }
        record["choices"] = [plain(s.findtext("answer/text")) for s in subs]
    elif kind == "ordering":
        ranked = sorted(answers, key=lambda a: float(a.get("fraction")))
        record["order"] = [plain(a.findtext("text")) for a in ranked]
    return record
