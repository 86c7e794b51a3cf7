"""The capstone `since-the-brief` in a throw-away course, released with the real commands, and its students.

The quiz's key is read from the bank, so these tests follow the quiz's content. The code part's answers are
written here: the solution, a wrong one, and an attacker's (right code plus cells that reach for the bank, write
outside the sandbox, try to print the key and rewrite a test).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from quiz_course import BIN, REPO, must, run

from coursekit.bank.load import load_bank

QUIZ = "since-the-brief"
DATA_NB = f"{QUIZ}-data.ipynb"
BANK = load_bank([REPO / "assignments" / "bank" / f"{QUIZ}.yaml"]).assignment(QUIZ)
AUTO = BANK.auto_graded()
CODE_POINTS = {"test_load_rows": 1.0, "test_export_share": 2.0, "test_plot": 1.0}


def key_answer(q):
    """What the widget saves for the right answer."""
    if q.type == "multiple":
        return [o.id for o in q.options if o.id in q.answers]
    return q.key()


def wrong_answer(q):
    """An answer that scores 0 for the question."""
    if q.type == "single":
        return next(o.id for o in q.options if o.id != q.answer)
    if q.type == "multiple":
        return [next(o.id for o in q.options if o.id not in q.answers)]
    if q.type == "numeric":
        return q.answer + 100
    if q.type == "ordering":
        return [i.id for i in reversed(q.items)]
    right = [r.id for r in q.right]
    return {left: next(r for r in right if r != q.answer[left]) for left in q.answer}


KEY = {q.id: key_answer(q) for q in AUTO}
WRONG = {q.id: wrong_answer(q) for q in AUTO}
FULL = {q.id: float(q.points) for q in AUTO}
ZERO = dict.fromkeys(FULL, 0.0)

LOAD = """def load_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["year"], row["value"] = int(row["year"]), float(row["value"])
    return rows"""
SHARE = """def export_share(rows, *, reporter, partner, year):
    mine = {r["partner"]: r["value"] for r in rows
            if r["reporter"] == reporter and r["year"] == year and r["measure"] == "exports"}
    if partner in mine and "World" in mine:
        return 100 * mine[partner] / mine["World"]
    return None"""
PLOT = """def plot_export_shares(rows, *, reporter):
    fig, ax = plt.subplots()
    for partner in ("China", "United States"):
        pts = sorted((r["year"], r["value"]) for r in rows
                     if (r["reporter"], r["partner"], r["measure"]) == (reporter, partner, "export_share"))
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=partner)
    ax.set_ylabel("share of exports (%)")
    ax.set_title(reporter)
    ax.legend()
    return fig"""
RIGHT_CODE = {"load_rows": LOAD, "export_share": SHARE, "plot_export_shares": PLOT}
WRONG_CODE = {
    "load_rows": LOAD,
    "export_share": SHARE.replace('mine["World"]', "sum(mine.values())"),  # divides by the wrong total
    "plot_export_shares": PLOT.replace("label=partner", 'label="share"'),  # unlabelled lines
}


def attack(course: Path) -> str:
    """A cell that tries to read the bank, write outside its folder, print the key and forge the quiz answers."""
    return (
        "import json, pathlib\n"
        f"for path in ['../../../bank/{QUIZ}.yaml', {str(course / 'bank' / f'{QUIZ}.yaml')!r}]:\n"
        "    try:\n        print(open(path).read())\n    except OSError as e:\n        print(type(e).__name__)\n"
        f"for path in ['../../../pwned.txt', {str(course / 'pwned.txt')!r}, '/tmp/capstone-pwned.txt']:\n"
        "    try:\n        open(path, 'w').write('pwned')\n    except OSError as e:\n        print(type(e).__name__)\n"
        f"pathlib.Path('{QUIZ}.answers.json').write_text(json.dumps({{'schema': 1, 'answers': {KEY!r}}}))\n"
        "from coursekit.grading.scoring.key import load_quiz\n"
        f"print(load_quiz(None, {QUIZ!r}))\n"
    )


def build(dest: Path) -> Path:
    """A course at ``dest`` with the capstone generated from bank and materials and released (key scan included)."""
    (dest / "assignments" / "bank").mkdir(parents=True)
    (dest / "book").mkdir()
    shutil.copy(REPO / "assignments" / "bank" / f"{QUIZ}.yaml", dest / "assignments" / "bank")
    shutil.copytree(REPO / "assignments" / "materials", dest / "assignments" / "materials")
    for name in ("nbgrader_config.py", "coursekit.toml"):
        shutil.copy(REPO / "assignments" / name, dest / "assignments")
    shutil.copy(REPO / "book" / "reading.md", dest / "book")
    must(run([str(BIN / "coursekit"), "generate", QUIZ], dest))
    must(run([str(BIN / "coursekit"), "release", QUIZ], dest))
    return dest


def release(root: Path) -> Path:
    return root / "assignments" / "release" / QUIZ


def hand_in(root: Path, student: str, answers: dict, code: dict, *, extra: str = "", edit_tests: bool = False) -> Path:
    """submitted/<student>/since-the-brief/: the release with these quiz answers and this code in the answer cells;
    ``extra`` is a cell the student adds after the last answer, ``edit_tests`` rewrites the share test to pass.

    Every student hands in an emptied trade.csv: grading must use the instructor's data, restored from source/.
    """
    folder = root / "assignments" / "submitted" / student / QUIZ
    shutil.copytree(release(root), folder)
    (folder / f"{QUIZ}.answers.json").write_text(json.dumps({"schema": 1, "answers": answers}))
    path = folder / DATA_NB
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in code:
            cell["source"] = code[grade_id]
        if edit_tests and grade_id == "test_export_share":
            cell["source"] = "print('Step 2: correct')"
    if extra:
        cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": extra}
        nb["cells"].insert(len(nb["cells"]) - 1, cell)
    path.write_text(json.dumps(nb, indent=1))
    (folder / "trade.csv").write_text("reporter,partner,year,measure,unit,value,source\n")
    return folder
