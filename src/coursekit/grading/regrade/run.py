"""`coursekit regrade ASSIGNMENT`: preview (``--dry-run``) or apply a regrade, and say what it did, in one report."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ...course import find_course
from ..gradebook_rows import configured_db_url
from ..parallel.fastimport import without_iri_grammar

with without_iri_grammar():  # nbformat's jsonschema would build grammars no notebook uses (seconds of CPU)
    from .apply import Applied, apply_plan
    from .plan import Change, Plan, plan_regrade

SHOWN = 40  # changes listed one per line; more are counted per question


@dataclass
class RegradeReport:
    plan: Plan
    applied: Applied | None = None  # None for a dry run
    regenerated: list[str] = field(default_factory=list)  # students whose feedback pages were made again
    feedback_failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        plan = self.plan
        lines = [_header(plan, self.applied is None, self.seconds)]
        lines += _changes(plan.changes)
        lines += [f"  could not re-score {m}" for m in plan.missing]
        if self.applied is None:
            if plan.changes:
                lines.append(f"Nothing was changed (dry run). Apply it with `coursekit regrade {plan.assignment}`.")
            return "\n".join(lines)
        return "\n".join(lines + self._applied_lines())

    def _applied_lines(self) -> list[str]:
        applied, assignment = self.applied, self.plan.assignment
        lines = [f"Applied: the gradebook and {len(applied.rewritten)} graded notebook(s) updated; the ledger records "
                 f"the bank's version now ({', '.join(sorted(set(self.plan.versions.values())))})."]  # fmt: skip
        lines += [f"  skipped {s}" for s in applied.skipped]
        review = self.plan.manual_to_review()
        if review:
            lines.append(f"{review} score(s) a grader set in the notebooks graded again stay and count; nbgrader marks "
                         "them for review again in formgrader (its rule whenever it grades a notebook).")  # fmt: skip
        if self.regenerated:
            lines.append(f"Feedback pages made again for {len(self.regenerated)} student(s).")
        for student, why in sorted(self.feedback_failed.items()):
            lines.append(f"  feedback of {student} failed: {why}")
        stale = [s for s in applied.stale_feedback if s not in self.regenerated]
        if stale:
            lines.append(f"Feedback pages now out of date ({len(stale)}): {', '.join(stale)}. Make them again with "
                         f"`coursekit regrade {assignment} --feedback` (or `nbgrader generate_feedback {assignment} "
                         "--force`), then release them.")  # fmt: skip
        return lines


def _header(plan: Plan, dry: bool, seconds: float) -> str:
    who = len(plan.changed_students)
    took = f" in {seconds:.1f} s" if seconds else ""
    verb = "would change" if dry else "changed"
    return (f"regrade {plan.assignment}: {len(plan.students)} submission(s) re-scored with the bank as it is now"
            f"{took}; {verb} {len(plan.changes)} score(s) of {who} student(s).")  # fmt: skip


def _changes(changes: list[Change]) -> list[str]:
    if not changes:
        return ["  every autograded score already matches the bank as it is now."]
    lines = []
    for c in changes[:SHOWN]:
        old = "none" if c.old is None else f"{c.old:g}"
        manual = f" (manual score {c.manual:g} stays)" if c.manual is not None else ""
        lines.append(f"  {c.student}: {c.question}: {old} -> {c.new:g}{manual}")
    if len(changes) > SHOWN:
        per_question: dict[str, int] = {}
        for c in changes[SHOWN:]:
            per_question[c.question] = per_question.get(c.question, 0) + 1
        more = ", ".join(f"{q} {n}" for q, n in sorted(per_question.items()))
        lines.append(f"  ... and {len(changes) - SHOWN} more ({more})")
    return lines


def regrade_assignment(
    *, assignment: str, dry_run: bool = False, feedback: bool = False, progress: bool = True
) -> RegradeReport:
    """Re-score every ledgered submission of ``assignment`` with the bank now; apply it unless ``dry_run``."""
    course = find_course()
    start = time.monotonic()
    plan = plan_regrade(course=course, assignment=assignment, db_url=configured_db_url(course.assignments))
    report = RegradeReport(plan)
    if not dry_run:
        report.applied = apply_plan(plan, progress=progress)
        if feedback:
            _feedback_again(course, report)
    report.seconds = time.monotonic() - start
    return report


def _feedback_again(course, report: RegradeReport) -> None:
    """nbgrader's generate_feedback (the course's template) for each student whose page is out of date."""
    from ...release.nbgrader_release import nbgrader_api

    api = nbgrader_api(course)
    for student in report.applied.stale_feedback:
        done = api.generate_feedback(report.plan.assignment, student_id=student, force=True)
        if done.get("success"):
            report.regenerated.append(student)
        else:
            report.feedback_failed[student] = (done.get("error") or "nbgrader gave no reason").strip().splitlines()[-1]
