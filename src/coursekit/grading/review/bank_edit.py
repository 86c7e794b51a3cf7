"""Adding one form to a text question's `accept` or `refuse` list in a bank file, keeping everything else byte for byte.

ruamel.yaml (a round-trip YAML library) reads the file to find where the question and the list are; the edit itself is
a splice of one item into the original text, so comments, blank lines, quoting and line breaks elsewhere stay as the
author wrote them (a full round-trip dump would re-flow long flow lists). The result is read back with ruamel.yaml
and with the bank's own loader (PyYAML and the schema) before it replaces the file, atomically.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import yaml as pyyaml

from ...bank.load import check_bank
from ...errors import CourseError
from ..private_files import replace_file

FIELDS = ("accept", "refuse")
AFTER = ("optional", "core", "accept", "type")  # a new list goes after the first of these the question has


def add_form(path: Path, qid: str, field: str, text: str) -> int:
    """Append ``text`` to question ``qid``'s ``field`` list in ``path``; return the line it is on (1-based)."""
    from ruamel.yaml import YAML

    source = path.read_text(encoding="utf-8")
    reader = YAML()
    data = reader.load(source)
    questions = data.get("questions") if hasattr(data, "get") else None
    index = next((i for i, q in enumerate(questions or []) if hasattr(q, "get") and q.get("id") == qid), None)
    if index is None:
        raise CourseError(f"{path}: no question '{qid}' in this file (edited meanwhile?); run `coursekit check`.")
    lines = source.splitlines(keepends=True)
    new_lines, line = _spliced(lines, questions, index, field, _scalar(text))
    result = "".join(new_lines)
    _verify(path, data, result, index, field, text)
    replace_file(path, result)
    return line + 1


def _spliced(lines: list[str], questions, index: int, field: str, scalar: str) -> tuple[list[str], int]:
    q = questions[index]
    if field not in q:
        after = next(k for k in AFTER if k in q)
        at = _span_end(lines, questions, index, after)
        indent = " " * q.lc.key(after)[1]
        return lines[:at] + [f"{indent}{field}: [{scalar}]\n"] + lines[at:], at
    start, end = q.lc.key(field)[0], _span_end(lines, questions, index, field)
    if q[field].fa.flow_style():
        segment = "".join(lines[start:end])
        close = segment.rfind("]")
        joined = segment[:close].rstrip()
        glue = "" if joined.endswith("[") else ", "
        at = start + joined.count("\n")  # the line the new item ends up on
        segment = joined + glue + scalar + segment[close:]
        return lines[:start] + segment.splitlines(keepends=True) + lines[end:], at
    item = lines[q[field].lc.item(0)[0]]
    dash = re.match(r"^(\s*-\s+)", item)
    lead = dash.group(1) if dash else " " * q.lc.key(field)[1] + "  - "
    return lines[:end] + [f"{lead}{scalar}\n"] + lines[end:], end


def _span_end(lines: list[str], questions, index: int, key: str) -> int:
    """The line after the last one of ``key``'s value: before the next key (or question), and before any blank or
    comment lines that lead into it."""
    q = questions[index]
    keys = list(q)
    later = keys[keys.index(key) + 1 :]
    if later:
        end = q.lc.key(later[0])[0]
    elif index + 1 < len(questions):
        end = questions.lc.item(index + 1)[0]
    else:
        end = len(lines)
    while end > q.lc.key(key)[0] + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return end


def _scalar(text: str) -> str:
    """``text`` as a flow-list item both YAML readers take back as this same string: plain when safe, else quoted."""
    from ruamel.yaml import YAML

    plain = text.strip()
    try:
        same = pyyaml.safe_load(f"[{plain}]") == [text] and YAML(typ="safe").load(f"[{plain}]") == [text]
    except Exception:  # anything either reader refuses is quoted instead
        same = False
    return plain if same and plain == text else json.dumps(text, ensure_ascii=False)


def _verify(path: Path, before, result: str, index: int, field: str, text: str) -> None:
    """The new text must read as the old data with one item more, for ruamel.yaml and for the bank's loader."""
    from ruamel.yaml import YAML

    want = json.loads(json.dumps(before, default=str))
    q = want["questions"][index]
    q[field] = [*q.get(field, []), text]
    if json.loads(json.dumps(YAML().load(result), default=str)) != want:
        raise CourseError(f"{path}: could not add {text!r} without changing something else; add it by hand.")
    with tempfile.TemporaryDirectory() as folder:  # outside the bank, where no `coursekit check` would see it
        copy = Path(folder) / path.name
        copy.write_text(result, encoding="utf-8")
        problems = check_bank([copy]).problems
    if problems:
        raise CourseError(f"{path}: adding {text!r} would break the bank ({problems[0].text}); add it by hand.")
