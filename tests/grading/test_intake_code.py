"""Intake in front of a code exercise (tests/grading/code_course.py): what a kernel's sandbox copy could leak.

Without intake, nbgrader copied a link hidden in a submission into ``autograded/`` (following it), and the sandbox
then copied that file into the kernel's folder, where the student's code printed it into the graded notebook and
the feedback: the bank's key, another student's file. Here one student hides links (to the bank's key, another
student's notes, /dev/zero) and a hard link to the key eight folders deep and prints every file the kernel can
see; another hands in 5,000 folders. Both through plain `nbgrader autograde` (the course config with intake's two
lines) and `coursekit grade` (kernels on Dask).
"""

from __future__ import annotations

import os

import code_course as cc
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

INTAKE = """
c.Autograde.exporter_class = "coursekit.grading.intake.gate.IntakeFirst"
c.Autograde.pre_convert_hook = "coursekit.grading.nbgrader_steps.before_autograde"
"""
LOOK = """
import os
for folder, _, files in os.walk('.'):
    for name in files:
        path = os.path.join(folder, name)
        try:
            print('SAW', path, open(path, errors='replace').read(200))
        except OSError as e:
            print('SAW', path, type(e).__name__)
"""


def _class(root) -> None:
    cc.submit(root, "ann")
    cc.submit(root, "zoe", square=cc.RIGHT_SQUARE + "\n" + LOOK)
    deep = (root / "submitted/zoe" / cc.ASSIGNMENT).joinpath(*["d"] * 8)
    deep.mkdir(parents=True)
    os.symlink(root / "bank/key.yaml", deep / "key.txt")
    os.symlink(os.path.relpath(root / "submitted/ann" / cc.ASSIGNMENT / "notes.txt", deep), deep / "ann.txt")
    os.symlink("/dev/zero", deep / "zero.bin")
    os.link(root / "bank/key.yaml", deep / "hard.txt")
    cc.submit(root, "yan")
    for i in range(5000):
        (root / "submitted/yan" / cc.ASSIGNMENT / f"e{i}").mkdir()


@pytest.fixture(scope="module", params=["nbgrader", "coursekit"])
def graded(request, tmp_path_factory):
    """(how, course assignments/ folder, grading run) after grading and generate_feedback."""
    root = cc.make_course(tmp_path_factory.mktemp(request.param) / "repo")
    with open(root / "nbgrader_config.py", "a") as f:
        f.write(INTAKE)
    _class(root)
    if request.param == "nbgrader":
        done = cc.nbgrader(root, "autograde", cc.ASSIGNMENT)
    else:
        cmd = [str(cc.BIN / "coursekit"), "grade", cc.ASSIGNMENT, "--workers", "1", "--quiet"]
        environ = cc.env(COURSEKIT_COURSE=str(root.parent))
        done = cc.subprocess.run(cmd, cwd=root.parent, env=environ, capture_output=True, text=True, timeout=600)
    feedback = cc.nbgrader(root, "generate_feedback", cc.ASSIGNMENT)
    assert feedback.returncode == 0, feedback.stderr[-3000:]
    return request.param, root, done


def test_the_kernel_sees_its_own_files_and_no_hidden_link(graded):
    """Does the student's code see its own notes but not the key, ann's notes or /dev/zero, in any output?"""
    _, root, _ = graded
    text = cc.outputs_of(root, "zoe")
    assert "SAW ./notes.txt private-notes-of-zoe" in text  # it did look
    assert cc.SECRET not in text and cc.private("ann") not in text
    assert "zero.bin" not in text and "key.txt" not in text and "hard.txt" not in text


def test_both_are_graded_by_their_code_and_the_folder_flood_is_refused(graded):
    """Do ann and zoe score full marks, while the 5,000-folder submission is refused in one line, not graded?"""
    how, root, done = graded
    found = cc.scores(root)
    assert {s: sum(a for a, _ in cells.values()) for s, cells in found.items()} == {"ann": 4, "zoe": 4}
    said = done.stdout if how == "coursekit" else done.stderr
    named = "yan" if how == "coursekit" else f"yan/{cc.ASSIGNMENT}"
    assert f"{named}: refused at intake: more than 1,000 files and folders" in said, said[-3000:]
