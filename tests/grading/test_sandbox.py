"""Grading kernels in the sandbox: attacks from student code, through `nbgrader autograde` and `coursekit grade`.

One class of a code exercise (tests/grading/code_course.py): honest submissions, and one
submission per attack (code_attacks.py). The same submissions are graded twice, by nbgrader's own
command with a config that uses SandboxedExecute and by `coursekit grade` on two Dask workers;
every assertion holds for both. A last run without the sandbox shows the attacks are real. The
platform tests run this file again as an ordinary user (tests/platform/test_sandbox_unprivileged.py).
"""

from __future__ import annotations

import html
import os
import shutil
import socket
import threading

import code_attacks as ca
import code_course as cc
import pytest

from coursekit.grading.parallel.run import grade_assignment

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]

HONEST = {
    "ann": {},
    "bob": {},
    "cy": {"square": "def square(x):\n    return x ** 3"},  # wrong square: test_square and test_both fail
}
EARNED = {"ann": 4, "bob": 4, "cy": 2}
ATTACKERS = {f"z-{kind}": kind for kind in ca.attacks(cc.Path("/"), 0)}


def expected_score(student: str) -> float:
    kind = ATTACKERS.get(student)
    if kind is None:
        return EARNED[student]
    return cc.POINTS["test_add"] if kind in ca.CUT_OFF else sum(cc.POINTS.values())


class Listener:
    """A TCP server on the grader's loopback: any connection from a kernel is a breach."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port, self.hits = self.sock.getsockname()[1], []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.hits.append(conn.recv(100))
            conn.sendall(b"NETWORK-REACHED")
            conn.close()


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.sock.close()


def _class(root, listener, students: dict) -> None:
    code = ca.attacks(root, listener.port)
    for student, answers in students.items():
        kind = ATTACKERS.get(student)
        if kind is None:
            cc.submit(root, student, **answers)
        else:
            cc.submit(root, student, square=cc.RIGHT_SQUARE + "\n\n" + code[kind])


@pytest.fixture(scope="module")
def base(tmp_path_factory, listener):
    root = cc.make_course(tmp_path_factory.mktemp("base") / "repo")
    _class(root, listener, {**HONEST, **dict.fromkeys(ATTACKERS)})
    return root


def _clone(base, dest):
    shutil.copytree(base.parent, dest)
    return dest / "assignments"


def _feedback(root) -> None:
    done = cc.nbgrader(root, "generate_feedback", cc.ASSIGNMENT)
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def plain(base, tmp_path_factory):
    """The class after `nbgrader autograde exercise` with the sandboxed config, then generate_feedback."""
    root = _clone(base, tmp_path_factory.mktemp("plain") / "repo")
    done = cc.nbgrader(root, "autograde", cc.ASSIGNMENT)
    assert done.returncode == 0, done.stderr[-3000:]
    _feedback(root)
    return root, done.stderr


@pytest.fixture(scope="module")
def parallel(base, tmp_path_factory):
    """The class after `coursekit grade exercise` on 2 workers, then generate_feedback."""
    root = _clone(base, tmp_path_factory.mktemp("parallel") / "repo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COURSEKIT_COURSE", str(root.parent))
        report = grade_assignment(assignment=cc.ASSIGNMENT, workers=2, progress=False)
    _feedback(root)
    return root, report


@pytest.fixture(params=["plain", "parallel"])
def graded(request):
    return request.getfixturevalue(request.param)[0]


def _text(outputs: list) -> str:
    """What the outputs say, as a reader sees it (nbformat may store text as a list of lines)."""

    def joined(value) -> str:
        return "".join(value) if isinstance(value, list) else str(value)

    parts = []
    for o in outputs:
        data = "".join(joined(v) for v in o.get("data", {}).values())
        parts.append(joined(o.get("text", "")) + data + "\n".join(o.get("traceback", [])))
    return "\n".join(parts)


def test_every_submission_scores_what_its_code_earns(graded):
    """Do honest students and attackers alike get exactly their answers' points, with no manual score forged?"""
    found = cc.scores(graded)
    assert set(found) == set(HONEST) | set(ATTACKERS)
    for student, cells in found.items():
        assert sum(auto for auto, _ in cells.values()) == expected_score(student), (student, cells)
        assert all(manual is None for _, manual in cells.values()), (student, cells)


@pytest.mark.parametrize("kind", sorted(ca.BLOCKED))
def test_each_escape_is_refused_in_its_own_cell(graded, kind):
    """Is each attempt (bank, gradebook, submitted/, network, fork loop, memory, disk, files) refused, and the rest
    graded?"""
    cells = cc.autograded(graded, f"z-{kind}")
    errors = [o for o in cells["square"] if o["output_type"] == "error"]
    assert [e["ename"] for e in errors] == [ca.BLOCKED[kind]], _text(cells["square"])
    assert "correct" in _text(cells["test_both"])  # the notebook went on after the refusal


@pytest.mark.parametrize("kind", sorted(ca.NOTES))
def test_each_refusal_names_its_limit_in_the_feedback(graded, kind):
    """Does a refused fork, allocation, write or open say, in the student's feedback, which limit refused it?"""
    note = ca.NOTES[kind]
    assert note in _text(cc.autograded(graded, f"z-{kind}")["square"])
    assert html.escape(note, quote=False) in _feedback_page(graded, f"z-{kind}")


@pytest.mark.parametrize("kind", sorted(ca.CUT_OFF))
def test_a_broken_limit_stops_the_notebook_with_one_line(graded, kind):
    """Does sleeping past the wall clock, a fork bomb, memfd memory or a flood of output stop the notebook, with a
    reason on each lost cell and in the student's feedback?"""
    cells = cc.autograded(graded, f"z-{kind}")
    reason = ca.CUT_OFF[kind]
    assert "add: correct" in _text(cells["test_add"])
    assert f"stopped: {reason}" in _text(cells["square"]).splitlines()
    for lost in ("test_square", "test_both"):
        assert _text(cells[lost]) == f"stopped: {reason}; this cell did not run"
    assert html.escape(f"stopped: {reason}", quote=False) in _feedback_page(graded, f"z-{kind}")


def _feedback_page(course, student: str) -> str:
    pages = list((course / "feedback" / student).rglob("*.html"))
    assert len(pages) == 1, pages
    return pages[0].read_text()


@pytest.mark.parametrize("kind", sorted(ca.floods()))
def test_output_is_cut_at_the_byte_limit(graded, kind):
    """Is a notebook that floods its output (text, JSON numbers and keys, images, HTML, many small outputs, display
    updates) kept within the output limit, counted in the bytes the graded notebook really holds?"""
    honest = _autograded_bytes(graded, "ann")
    assert _autograded_bytes(graded, f"z-{kind}") <= honest + ca.FLOOD + 1_000  # + the stop lines


def _autograded_bytes(course, student: str) -> int:
    return (course / "autograded" / student / cc.ASSIGNMENT / f"{cc.ASSIGNMENT}.ipynb").stat().st_size


def test_a_cut_stream_keeps_what_fitted(graded):
    """Does a student who printed megabytes see where their output was cut?"""
    assert "x" * 1000 in _text(cc.autograded(graded, "z-flood")["square"])


def test_nothing_outside_the_submission_reaches_any_output(graded):
    """Does no notebook or feedback page show the bank's key, another student's files or the course folder?"""
    students = set(HONEST) | set(ATTACKERS)
    for student in students:
        text = cc.outputs_of(graded, student)
        assert cc.SECRET not in text, student
        assert not [s for s in students - {student} if cc.private(s) in text], student
    tree = _text(sum(cc.autograded(graded, "z-tree").values(), []))
    assert "'notes.txt'" in tree  # the kernel sees its own copy of the submission...
    for name in ("gradebook.db", "submitted", "bank", "autograded", "nbgrader_config.py"):
        assert f"'{name}'" not in tree  # ...and none of the course around it


def test_kernel_runs_as_an_unprivileged_user_in_namespaces_of_its_own(graded):
    """Does student code run with no root uid, gid or extra groups, in its own mount, PID, network, IPC and (for an
    ordinary grader, whose uid it keeps) user namespace?"""
    said = _text(cc.autograded(graded, "z-whoami")["square"])
    line = next(ln for ln in said.splitlines() if ln.startswith("uid"))
    _, uid, _, gid, _, groups = line.split(" ", 5)
    assert int(uid) != 0 and int(gid) != 0 and groups == "[]", line
    if os.geteuid() == 0:
        assert int(uid) != os.geteuid()  # as root, a uid of the box's own
    namespaces = dict(ln.split(" ", 1) for ln in said.splitlines() if ln.startswith("ns:"))
    ours = {f"ns:{name}": os.readlink(f"/proc/self/ns/{name}") for name in ("mnt", "pid", "net", "ipc", "uts", "user")}
    different = {name for name, link in ours.items() if namespaces[name] != link}
    assert {"ns:mnt", "ns:pid", "ns:net", "ns:ipc", "ns:uts"} <= different
    assert "ns:user" in different or os.geteuid() == 0  # root runs bubblewrap without a user namespace


def test_no_kernel_reached_the_network(plain, parallel, listener):
    """Did no kernel of either run connect to a server on the grader's loopback?"""
    assert listener.hits == []


def test_coursekit_grade_reports_who_was_stopped(parallel):
    """Does `coursekit grade` grade every submission and list the stopped ones with their reason?"""
    _, report = parallel
    assert report.ok and len(report.graded) == len(HONEST) + len(ATTACKERS), report.summary()
    assert report.stopped == {f"z-{k}": why for k, why in ca.CUT_OFF.items()}
    assert f"stopped: z-sleep: {ca.CUT_OFF['sleep']}" in report.summary()


def test_nbgrader_logs_who_was_stopped(plain):
    """Does plain `nbgrader autograde` say in its log which submission a limit stopped, and why?"""
    _, stderr = plain
    assert f"z-sleep: stopped: {ca.CUT_OFF['sleep']}" in stderr
    assert "NOT isolated" not in stderr


def test_the_attacks_work_without_the_sandbox(tmp_path, listener):
    """With nbgrader's own Execute, do these attacks really read the bank, forge a grade and reach the network?"""
    root = cc.make_course(tmp_path / "repo", sandboxed=False)
    picked = {f"z-{k}": k for k in ("bank-up", "gradebook", "network", "submitted")}
    _class(root, listener, {**dict.fromkeys(picked), "ann": {}})
    before = len(listener.hits)
    done = cc.nbgrader(root, "autograde", cc.ASSIGNMENT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert cc.SECRET in cc.outputs_of(root, "z-bank-up")
    assert "NETWORK-REACHED" in cc.outputs_of(root, "z-network") and len(listener.hits) > before
    assert "'ann'" in cc.outputs_of(root, "z-submitted")
    assert any(manual == 99 for cells in cc.scores(root).values() for _, manual in cells.values())


def test_without_bubblewrap_grading_runs_and_says_so_once(tmp_path, listener):
    """With no bwrap on PATH, is the class still graded, limits included, after one line saying how to get it?"""
    root = cc.make_course(tmp_path / "repo")
    _class(root, listener, {"ann": {}, "z-flood": None, "bob": {}})
    done = cc.nbgrader(root, "autograde", cc.ASSIGNMENT, environ=cc.env(PATH=str(cc.BIN)))
    assert done.returncode == 0, done.stderr[-3000:]
    warned = [ln for ln in done.stderr.splitlines() if "NOT isolated" in ln]
    assert len(warned) == 1 and "apt-get install bubblewrap" in warned[0], done.stderr[-3000:]
    assert {s: sum(a for a, _ in c.values()) for s, c in cc.scores(root).items()} == {"ann": 4, "bob": 4, "z-flood": 2}
    assert f"stopped: {ca.CUT_OFF['flood']}" in _text(cc.autograded(root, "z-flood")["square"]).splitlines()
