"""`coursekit answers` as text: each question, its groups of answers with counts, students and how each matched."""

from __future__ import annotations

from .answers import SECTIONS, Group, QuestionAnswers

MAX_STUDENTS = 8  # ids shown per group; the rest are counted
MAX_SPELLING = 70


def answers_text(found: list[QuestionAnswers], *, assignment: str, everything: bool = False) -> str:
    """The listing: per question the groups to decide on (and every group with ``everything``), then what to do."""
    lines, decide = [], []
    for qa in found:
        lines += _question(qa, everything)
        if any(g.section != "right" for g in qa.groups) and qa.question.type == "text":
            decide.append(qa.question.id)
    if decide:
        qid = decide[0]
        command = f"coursekit answers {assignment} {qid}"
        lines += [
            "",
            f"Accept a group (adds it under `accept` in the bank): {command} --accept NUMBER",
            f"Refuse a right group (adds it under `refuse`): {command} --refuse NUMBER",
            f"Then preview and apply: coursekit regrade {assignment} --dry-run",
        ]
    return "\n".join(lines)


def _question(qa: QuestionAnswers, everything: bool) -> list[str]:
    q = qa.question
    answered = sum(len(g.students) for g in qa.groups)
    head = f"{q.id} ({q.type}, {q.points:g} point{'s' if q.points != 1 else ''}): {' '.join(q.prompt.split())}"
    lines = ["", head, f"  {answered} answered, {qa.blank} blank; {len(qa.groups)} distinct answer(s)"]
    for section, title in SECTIONS.items():
        groups = [g for g in qa.groups if g.section == section]
        if not groups or (section == "right" and not everything):
            continue
        lines.append(f"  {title}:")
        lines += [_group_line(g) for g in groups]
    if not any(g.section != "right" for g in qa.groups):
        lines.append("  every answer gets full credit.")
    return lines


def printable(text: str) -> str:
    """``text`` safe for a terminal: a control character a student typed (an escape sequence could clear or rewrite
    the grader's screen) is shown as its code instead."""
    return "".join(c if c.isprintable() or c == " " else f"\\x{ord(c):02x}" for c in text)


def _group_line(g: Group) -> str:
    shown = printable(g.shown if len(g.shown) <= MAX_SPELLING else g.shown[: MAX_SPELLING - 1] + "…")
    others = len(g.spellings) - 1
    spelled = f" (+{others} other spelling{'s' if others > 1 else ''})" if others else ""
    n = len(g.students)
    more = f" and {n - MAX_STUDENTS} more" if n > MAX_STUDENTS else ""
    who = printable(", ".join(g.students[:MAX_STUDENTS])) + more
    points = f"{g.points:g}/{g.max_points:g}"
    how = f"; {printable(g.matched)}" if g.matched else ""
    return f"    [{g.number}] {n} student{'s' if n != 1 else ''}, {points}: “{shown}”{spelled}{how} — {who}"
