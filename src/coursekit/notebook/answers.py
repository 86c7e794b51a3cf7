"""The answers file beside a quiz notebook: ``<stem>.answers.json``.

Shape: ``{"schema": 1, "answers": {"<question-id>": <value>}}``. The kernel writes it
atomically on every change, merging per question, so answers survive restarts and
nbgrader's re-execution. Reading never raises: a bad file yields no answers plus a
note saying why, which grading turns into a feedback line.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA = 1
MAX_BYTES = 256 * 1024


def answers_path(folder: Path, quiz: str) -> Path:
    return Path(folder) / f"{quiz}.answers.json"


@dataclass
class Answers:
    values: dict = field(default_factory=dict)  # question id -> JSON value
    problem: str = ""  # why the file could not be read ("" if it was fine or absent)
    exists: bool = False


def read_answers(path: Path) -> Answers:
    """The answers in ``path``; a missing, corrupt or oversized file gives none, with a note."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            return Answers(problem=f"{path.name} is larger than {MAX_BYTES // 1024} kB and was ignored", exists=True)
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return Answers()
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, OSError) as e:
        return Answers(problem=f"{path.name} could not be read ({type(e).__name__}) and was ignored", exists=True)
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("answers"), dict):
        problem = f"{path.name} is not a coursekit answers file (schema {SCHEMA}) and was ignored"
        return Answers(problem=problem, exists=True)
    return Answers(values=dict(data["answers"]), exists=True)


def write_answer(path: Path, qid: str, value) -> None:
    """Record one answer, keeping the others; ``None`` removes it. Atomic: temp file + rename."""
    path = Path(path)
    current = read_answers(path)
    values = dict(current.values)
    if value is None:
        values.pop(qid, None)
    else:
        values[qid] = value
    payload = json.dumps({"schema": SCHEMA, "answers": values}, indent=1, sort_keys=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(payload + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
