"""Loading the question bank: YAML files -> validated questions, with people-readable errors.

Every problem is reported as ``FILE:LINE: question 'ID': what is wrong. What to do.``
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from .errors import BankError
from .reading import quote_in_reading
from .schema import QUESTION_TYPES, BankFile

MAX_FILE_BYTES = 1_000_000


@dataclass
class Bank:
    """All questions of the course, by id, and the files they came from."""

    files: dict[Path, BankFile] = field(default_factory=dict)
    questions: dict = field(default_factory=dict)  # id -> question model
    origin: dict[str, Path] = field(default_factory=dict)  # id -> file

    def question(self, qid: str):
        try:
            return self.questions[qid]
        except KeyError:
            raise BankError([f"question '{qid}' is not in the bank; run `coursekit check` to list ids"]) from None

    def assignment(self, name: str) -> BankFile:
        for f in self.files.values():
            if f.kind == "graded" and f.assignment == name:
                return f
        known = ", ".join(sorted(self.assignments())) or "none"
        raise BankError([f"no graded quiz named '{name}' in the bank (known: {known})"])

    def assignments(self) -> list[str]:
        return [f.assignment for f in self.files.values() if f.kind == "graded"]

    def kind_of(self, qid: str) -> str:
        return self.files[self.origin[qid]].kind


def bank_files(paths: list[Path]) -> list[Path]:
    """The YAML files named by ``paths`` (files, or folders searched recursively)."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(q for q in p.rglob("*.y*ml") if q.suffix in (".yaml", ".yml"))
        elif p.is_file():
            found.append(p)
        else:
            raise BankError([f"{p}: no such file or folder; give the bank folder, e.g. assignments/bank"])
    if not found:
        raise BankError([f"{', '.join(map(str, paths))}: no .yaml files found; the bank is empty"])
    return found


def load_bank(paths: list[Path], reading: str | None = None) -> Bank:
    """Load and validate every file; raise BankError listing every problem found."""
    bank, problems = Bank(), []
    for path in bank_files(paths):
        parsed = _load_file(path, problems)
        if parsed is None:
            continue
        bank.files[path] = parsed
        for q in parsed.questions:
            if q.id in bank.origin:
                first = bank.origin[q.id]
                problems.append(
                    f"{path}:{_line_of_question(path, q.id)}: question '{q.id}': duplicate id, "
                    f"already used in {first}:{_line_of_question(first, q.id)}. Give one of them a new id."
                )
                continue
            bank.questions[q.id], bank.origin[q.id] = q, path
            if reading is not None and not quote_in_reading(q.source.quote, reading):
                problems.append(
                    f"{path}:{_line_of_question(path, q.id, 'source')}: question '{q.id}': the quote "
                    f"\"{q.source.quote[:60]}\" is not found in the reading. Copy it verbatim from book/reading.md."
                )
    names = bank.assignments()
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"assignment '{name}' is defined by more than one bank file; merge them")
    if problems:
        raise BankError(problems)
    return bank


def _load_file(path: Path, problems: list[str]) -> BankFile | None:
    try:
        raw = path.read_bytes()
        if len(raw) > MAX_FILE_BYTES:
            problems.append(f"{path}: file is larger than 1 MB; split it into several bank files")
            return None
        text = raw.decode("utf-8")
        data, root = yaml.safe_load(text), yaml.compose(text)
    except UnicodeDecodeError as e:
        problems.append(f"{path}: not UTF-8 text (byte {e.start}); save the file as UTF-8")
        return None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        what = getattr(e, "problem", None) or str(e).splitlines()[0]
        problems.append(f"{path}:{line}: YAML syntax error: {what}. Fix the indentation or quoting there.")
        return None
    if not isinstance(data, dict):
        problems.append(f"{path}:1: expected a mapping with kind, title and questions; see assignments/bank/README.md")
        return None
    try:
        return TypeAdapter(BankFile).validate_python(data)
    except ValidationError as e:
        problems += [_describe(path, root, data, err) for err in e.errors()]
        return None


def _describe(path: Path, root, data: dict, err: dict) -> str:
    loc = tuple(err["loc"])
    where = f"{path}:{_line_at(root, loc)}"
    qid = _question_id(data, loc)
    who = f"question '{qid}'" if qid else "file"
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        text = f"unknown field '{loc[-1]}'. Remove it or fix its spelling."
    elif kind == "missing":
        text = f"missing field '{loc[-1]}'. Add it."
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        text = f"unknown or missing type. Use one of: {', '.join(QUESTION_TYPES)}."
    elif kind == "literal_error":
        text = f"'{loc[-1]}' {msg[0].lower()}{msg[1:]}."
    elif kind == "value_error":
        text = msg.removeprefix("Value error, ") + "."
    else:
        field = ".".join(str(p) for p in _strip_loc(loc)[-2:])
        text = f"field '{field}': {msg[0].lower()}{msg[1:]}."
    return f"{where}: {who}: {text}"


def _strip_loc(loc: tuple) -> tuple:
    """Drop pydantic's union tag names (e.g. 'numeric') from an error location."""
    out, i = [], 0
    while i < len(loc):
        out.append(loc[i])
        if loc[i] == "questions" and i + 2 < len(loc) and loc[i + 2] in QUESTION_TYPES:
            out.append(loc[i + 1])
            i += 3
            continue
        i += 1
    return tuple(out)


def _question_id(data: dict, loc: tuple) -> str | None:
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        qs = data.get("questions")
        if isinstance(qs, list) and loc[1] < len(qs) and isinstance(qs[loc[1]], dict):
            return str(qs[loc[1]].get("id", f"#{loc[1] + 1}"))
        return f"#{loc[1] + 1}"
    return None


def _line_at(node, loc: tuple) -> int:
    """The 1-based line of the YAML node at ``loc``, or of its nearest existing parent."""
    line = node.start_mark.line + 1 if node is not None else 1
    for key in _strip_loc(loc):
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            child = node.value[key]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def _line_of_question(path: Path, qid: str, field_name: str | None = None) -> int:
    root = yaml.compose(path.read_text(encoding="utf-8"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for i, q in enumerate(data.get("questions", [])):
        if isinstance(q, dict) and q.get("id") == qid:
            return _line_at(root, ("questions", i) + ((field_name,) if field_name else ()))
    return 1
