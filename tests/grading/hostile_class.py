"""A graded class whose written answers and short-text answers attack whoever reads them (issue 17).

Each hostile student carries one attack: a script that, if it ever runs in a grader's browser, marks the page
(``window.__ck_pwned``), raises its own scores to full marks through formgrader's grade API, opens a Jupyter
terminal and writes a file into the course; or markup that makes the page fetch from elsewhere. Half the class is
graded by `coursekit grade`, the other half by plain `nbgrader autograde`, so both paths are proven.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from grading_helpers import BIN, REPO, copy_course, nbgrader
from quiz_course import must, run

from coursekit.bank.load import load_bank

QUIZ = "pogo-problem"
WRITTEN = "pp-written"  # the quiz's written question (graded by hand)
TEXT = "pp-term"  # its short-text question
MARK = "__ck_pwned"
EVIL = "https://evil.example"

# What the script does with the grader's session: everything issue 17 saw it do.
ATTACK = (
    f"window.{MARK}=(window.{MARK}||0)+1;(async()=>{{"
    "const m=document.cookie.match(/_xsrf=([^;]+)/);const h={'X-XSRFToken':m?decodeURIComponent(m[1]):''};"
    "const s=location.pathname.split('/').filter(Boolean).pop();"
    "const g=await(await fetch('/formgrader/api/grades?submission_id='+s)).json();"
    "for(const x of g){x.manual_score=x.max_score;"
    "await fetch('/formgrader/api/grade/'+x.id,{method:'PUT',headers:h,body:JSON.stringify(x)})}"
    "await fetch('/api/terminals',{method:'POST',headers:h});"
    "await fetch('/api/contents/pwned.txt',{method:'PUT',headers:h,"
    "body:JSON.stringify({type:'file',format:'text',content:'pwned'})})})()"
)
SET_MARK = f"window.{MARK}=1"

# student -> written answer (Markdown, as typed into the answer cell)
WRITTEN_ANSWERS = {
    "img": f'The Pogo problem. <img src=x onerror="{ATTACK}">',
    "svg": f"<svg><script>{ATTACK}</script></svg>\n\nThe alliances held.",
    "details": f'<details open ontoggle="{ATTACK}"><summary>Why</summary>the machinery</details>',
    "iframe": f'<iframe srcdoc="<script>parent.{SET_MARK}</script>"></iframe>'
    f'<iframe src="javascript:parent.{SET_MARK}">',
    "mxss": f'<math><mtext><table><mglyph><style><img src=x onerror="{ATTACK}">',
    "jslink": f"[Read my sources](javascript:{SET_MARK}) and [this](JaVaScRiPt:{SET_MARK}) and "
    f'<a href="&#106;avascript:{SET_MARK}">that</a> and [data](data:text/html;base64,PHNjcmlwdD4=)',
    "elsewhere": f'![chart]({EVIL}/pixel.png)\n\n<base href="{EVIL}/"><link rel=stylesheet href="{EVIL}/a.css">'
    f"<style>@import '{EVIL}/b.css'; body {{ background: url({EVIL}/c.png) }}</style>"
    f'<meta http-equiv="refresh" content="0;url=/api/terminals">',
    "second-line": "Its graded notebook is then edited to hold what the first line of defence removes (below).",
    "formatted": "In **2019** Washington pressed *Seoul* to pay far more:\n\n- the damage came from Washington\n"
    "- the machinery kept working\n\nSee [the brief](https://escholarship.org/uc/item/9jn4m1ws) and `burden sharing`.",
}
# Short-text answers: the same script, typed into a text widget (two students each, so the item report lists them).
TEXT_ANSWERS = {"img": f'<img src=x onerror="{ATTACK}">', "svg": f'<svg onload="{ATTACK}">'}
TEXT_ANSWERS |= {"details": TEXT_ANSWERS["img"], "iframe": TEXT_ANSWERS["svg"]}
# An answers file naming questions the quiz does not have: their ids are echoed in the feedback's notes.
UNKNOWN_IDS = {"mxss": {f'<img src=x onerror="{ATTACK}">': "x", f"<svg onload={SET_MARK}>": 1}}
BY_COURSEKIT = ("img", "details", "mxss", "elsewhere")  # the rest are graded by plain `nbgrader autograde`
# Two students answer every widget question right, so the class's scores vary and the item report has statistics.
_QUESTIONS = load_bank([REPO / "assignments/bank" / f"{QUIZ}.yaml"]).assignment(QUIZ).auto_graded()
RIGHT = {q.id: q.accept[0] if q.type == "text" else q.key() for q in _QUESTIONS}
KNOWS_THE_KEY = ("formatted", "iframe")


def hand_in(root: Path, student: str) -> None:
    """submitted/<student>/pogo-problem/: the released notebook with the written answer, and an answers file."""
    folder = root / "assignments" / "submitted" / student / QUIZ
    shutil.copytree(root / "assignments" / "release" / QUIZ, folder)
    path = folder / f"{QUIZ}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == WRITTEN:
            cell["source"] = WRITTEN_ANSWERS[student]
    path.write_text(json.dumps(nb), encoding="utf-8")
    answers = {**(RIGHT if student in KNOWS_THE_KEY else {"pp-years": 2019}), **UNKNOWN_IDS.get(student, {})}
    if student in TEXT_ANSWERS:
        answers[TEXT] = TEXT_ANSWERS[student]
    (folder / f"{QUIZ}.answers.json").write_text(json.dumps({"schema": 1, "answers": answers}), encoding="utf-8")
    (folder / "timestamp.txt").write_text("2026-03-01 09:00:00 UTC")


def _bypass_first_line(root: Path, student: str) -> None:
    """Put hostile HTML straight into a graded notebook, as if rebuilding had not made it inert: raw HTML in the
    written answer and in a grade cell's output (what a code exercise's kernel can print). Only the course config's
    sanitizer (nbconvert's SanitizeHTML in formgrader's exporter) stands in its way."""
    path = root / "assignments" / "autograded" / student / QUIZ / f"{QUIZ}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid == WRITTEN:
            cell["source"] = f'Raw HTML again: <img src=x onerror="{ATTACK}">'
        elif gid == TEXT:
            html = f'<svg onload="{ATTACK}"></svg><script>{ATTACK}</script><img src=x onerror="{ATTACK}">'
            cell["outputs"].append({"output_type": "display_data", "metadata": {}, "data": {"text/html": html}})
    path.write_text(json.dumps(nb), encoding="utf-8")


def graded_class(dest: Path) -> Path:
    """The course at ``dest``, released, handed in by every hostile student, graded by both paths."""
    root = copy_course(dest)
    nbgrader(root, "generate_assignment", QUIZ, "--force")
    for student in WRITTEN_ANSWERS:
        hand_in(root, student)
    picked = [a for s in BY_COURSEKIT for a in ("--student", s)]
    must(run([str(BIN / "coursekit"), "grade", QUIZ, "--quiet", *picked], root))
    nbgrader(root, "autograde", QUIZ, f"--CourseDirectory.student_id_exclude={','.join(BY_COURSEKIT)}")
    _bypass_first_line(root, "second-line")
    return root
