"""Intake on generated hostile trees: links of every kind, FIFOs, sockets, devices, hard links, odd and long names,
huge counts, deep chains, big sparse files and bad timestamps, mixed with honest files (see hostile_trees.py).

Invariants, for any tree and any budget: intake refuses exactly the trees a separate model says are over budget,
and moves such a tree whole (nothing left behind, nothing deleted); an admitted tree holds only regular files and
real folders afterwards, its admitted files are exactly what is there, and no byte of the canary (a file outside the
submission that links point at) is in any of them or in what ``coursekit grade`` copies; the walk never looks at
more than the budget's entries. The port of nbgrader's ignore rule is checked against nbgrader's ``find_all_files``.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import hostile_trees as ht
import pytest
from dateutil.tz import gettz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import find_all_files, parse_utc

from coursekit.grading.intake.admit import admit
from coursekit.grading.intake.budget import Budget
from coursekit.grading.intake.copying import NotRegular, copy_regular, to_copy
from coursekit.grading.intake.quarantine import quarantine_dir, refusals
from coursekit.grading.intake.timestamp import EXAMPLE, text_problem, timestamp_problem
from coursekit.grading.intake.walk import shown, walk

TREES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
IGNORE = [*CourseDirectory().ignore, "*.ipynb"]  # what nbgrader's init_assignment leaves out


def _course():
    """(course dir, canary outside it, another student's folder) in a fresh temporary folder."""
    top = Path(tempfile.mkdtemp(prefix="intake-"))
    canary = top / "elsewhere" / "canary.txt"
    canary.parent.mkdir()
    canary.write_bytes(ht.CANARY)
    other = top / "course" / "submitted" / "zed" / "quiz"
    other.mkdir(parents=True)
    (other / "quiz.answers.json").write_text('{"secret": "zed"}')
    return top, top / "course", canary, other


@TREES
@given(spec=ht.calm_trees)
def test_links_fifos_sockets_devices_and_hard_links_are_moved_aside_and_never_read(spec):
    """Within the default budget, is every entry that is not a regular file moved aside (nothing deleted), and does
    nothing admitted or copied hold a byte of the canary the links point at?"""
    _decide(spec, Budget())


@TREES
@given(spec=ht.trees, budget=ht.budgets)
def test_intake_refuses_exactly_what_is_over_budget(spec, budget):
    """Is every tree refused whole iff a separate model says it is over budget (after at most max_entries + 1
    entries looked at), and otherwise left holding regular files only, none with the canary's bytes?"""
    _decide(spec, budget)


def _decide(spec, budget: Budget) -> None:
    top, root, canary, other = _course()
    try:
        folder = root / "submitted" / "mal" / "quiz"
        made = ht.build(folder, ht.full_tree(spec), canary=canary, other=other)
        expect_refused = ht.refused(made, budget, folder)
        assert walk(str(folder), budget).entries <= min(len(made), budget.max_entries + 1)  # bounded work
        admission = admit(root=root, folder=folder, assignment="quiz", student="mal", budget=budget)
        assert bool(admission.refused) == expect_refused, admission
        if expect_refused:
            _moved_whole(root, folder, made)
        else:
            _admitted_clean(root, folder, made, admission)
    finally:
        _remove(top)


def _moved_whole(root: Path, folder: Path, made: list) -> None:
    assert not os.path.lexists(folder)
    record = refusals(root, "quiz")["mal"]
    moved = root / record["moved_to"]
    assert record["reason"] and record["at"]
    assert {m.rel for m in made} == _all_entries(moved)  # nothing left out, nothing deleted


def _admitted_clean(root: Path, folder: Path, made: list, admission) -> None:
    present = ht.regular_files_under(folder)  # asserts: nothing but regular files and real folders
    assert set(admission.files) == set(present)
    assert set(admission.moved) == ht.odd(made)
    (kept,) = (quarantine_dir(root, "quiz", "mal") / "files").iterdir() if admission.moved else [None]
    for rel in ht.odd(made):  # moved aside, not deleted
        assert os.path.lexists(kept / rel), rel
    assert not [rel for rel, data in present.items() if ht.CANARY in data]
    dest = root / "autograded" / "mal" / "quiz"
    for rel in to_copy(str(folder), admission.files, IGNORE):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        copy_regular(str(folder / rel), str(dest / rel))
    assert not [rel for rel, data in ht.regular_files_under(dest).items() if ht.CANARY in data]


def _all_entries(folder: Path) -> set[str]:
    found = set()
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            found.add(os.path.relpath(os.path.join(dirpath, name), folder))
    return found


def _remove(top: Path) -> None:
    shutil.rmtree(top)  # links, FIFOs, sockets and devices are unlinked, never followed


def test_five_thousand_entries_are_refused_after_looking_at_a_thousand_and_one(tmp_path):
    """Are 5,000 empty folders refused by looking at 1,001 of them?"""
    folder = tmp_path / "submitted" / "mal" / "quiz"
    folder.mkdir(parents=True)
    for i in range(5_000):
        os.mkdir(folder / f"e{i}")
    tree = walk(str(folder), Budget())
    assert tree.entries == 1001 and "more than 1,000 files and folders" in tree.over


honest_names = st.one_of(
    st.text(alphabet="abc.", min_size=1, max_size=4),
    st.sampled_from(
        [
            "feedback",
            "__pycache__",
            "x.pyc",
            ".x.pyc",
            ".ipynb_checkpoints",
            "nb.ipynb",
            ".hidden",
            "[a]",
            "a",
            "a*b",
            "q?",
            "*.pyc",
            "Feedback",
            ".*",
        ]
    ),  # fmt: skip
).filter(lambda n: n not in (".", ".."))
honest_trees = st.recursive(
    st.just(("file", 1)), lambda inner: st.dictionaries(honest_names, inner, max_size=4).map(lambda d: ("dir", d)),
    max_leaves=15,
)  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(tree=st.dictionaries(honest_names, honest_trees, max_size=5), top=st.sampled_from(["quiz", "feedback", "q[1]"]))
def test_coursekit_copies_exactly_the_files_nbgrader_would(tree, top):
    """Does the linear listing pick exactly what nbgrader's find_all_files picks (ignore globs, hidden names, magic)?"""
    tmp = Path(tempfile.mkdtemp(prefix="intake-port-"))
    try:
        folder = tmp / "submitted" / "mal" / top
        made = ht.build(folder, tree, canary=tmp / "none", other=tmp / "none")
        files = [m.rel for m in made if m.kind == "file"]
        theirs = {os.path.relpath(p, folder) for p in find_all_files(str(folder), IGNORE)}
        assert set(to_copy(str(folder), files, IGNORE)) == theirs
    finally:
        _remove(tmp)


NAMED = ("UTC", "Asia/Seoul", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata")  # as nbgrader's gettz gives them
zones = st.sampled_from([UTC, timezone(timedelta(hours=9)), timezone(timedelta(hours=-5, minutes=-30)), None,
                         *(gettz(z) for z in NAMED)])  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(when=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1)), zone=zones)
def test_every_timestamp_nbgrader_writes_is_accepted(when, zone):
    """Are the times nbgrader's exchange (strftime) and zip_collect (isoformat) write all accepted?"""
    when = when.replace(tzinfo=zone)
    for text in (when.strftime("%Y-%m-%d %H:%M:%S.%f %Z"), when.isoformat(" ")):
        assert text_problem(text.encode()) == "", text
        parse_utc(text)  # nbgrader reads it the same way afterwards


@settings(max_examples=500, deadline=None)
@given(data=st.one_of(st.binary(max_size=100), st.text(max_size=100).map(str.encode)))
def test_a_timestamp_is_accepted_only_if_nbgrader_can_read_it(data):
    """Is any text accepted only when nbgrader's parse_utc reads it, and never with an exception of ours?"""
    problem = text_problem(data)
    assert isinstance(problem, str)
    text = data.decode("ascii", "replace").strip()  # as nbgrader strips it (str.strip: \x1c-\x1f are white space too)
    if not problem and text:
        parse_utc(text)
    if problem:
        assert EXAMPLE in problem and "\n" not in problem


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p: p.write_bytes(b"2021-04-01 " + b"1" * 10_000_000), "timestamp.txt is larger than 100 bytes"),
        (lambda p: os.mkfifo(p), "timestamp.txt is a named pipe (FIFO), not a regular file"),
        (lambda p: os.symlink("/dev/zero", p), "timestamp.txt is a symbolic link"),
        (lambda p: p.write_text("2021-04-01 12:00 PST PDT"), "timestamp.txt does not hold one time"),
    ],
)
def test_a_hostile_timestamp_is_refused_without_being_read(tmp_path, make, why):
    """Are a 10 MB timestamp (45-90 s in nbgrader), a FIFO (blocks a reader) and a link to /dev/zero refused?"""
    make(tmp_path / "timestamp.txt")
    assert timestamp_problem(tmp_path).startswith(why)


def test_a_copy_refuses_links_fifos_and_devices(tmp_path):
    """Does copy_regular refuse a link, a FIFO (without blocking) and a device, and drop set-id bits?"""
    os.symlink("/etc/passwd", tmp_path / "link")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(OSError):
        copy_regular(str(tmp_path / "link"), str(tmp_path / "out1"))
    for source in (tmp_path / "fifo", Path("/dev/null")):
        with pytest.raises(NotRegular):
            copy_regular(str(source), str(tmp_path / "out2"))
    (tmp_path / "suid").write_text("x")
    os.chmod(tmp_path / "suid", 0o4755)
    copy_regular(str(tmp_path / "suid"), str(tmp_path / "copy"))
    assert stat.S_IMODE(os.lstat(tmp_path / "copy").st_mode) == 0o755
    assert not any(p.name.startswith("out") for p in tmp_path.iterdir())


def test_a_unix_socket_left_by_a_kernel_is_moved_aside(tmp_path):
    """Is a real Unix socket (as a student's kernel might leave) moved aside, the rest admitted?"""
    folder = tmp_path / "submitted" / "mal" / "quiz"
    folder.mkdir(parents=True)
    (folder / "ok.txt").write_text("fine")
    here = os.getcwd()
    os.chdir(folder)  # a socket's path must be short
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.bind("kernel.sock")
    finally:
        os.chdir(here)
    admission = admit(root=tmp_path, folder=folder, assignment="quiz", student="mal", budget=Budget())
    assert admission.files == ("ok.txt",) and admission.moved == {"kernel.sock": {"kind": "a socket"}}


@given(name=st.text(max_size=200))
def test_a_name_in_a_report_is_one_printable_line(name):
    """Does any name, however odd, show as one printable line of bounded length?"""
    text = shown(name)
    assert text.isprintable() and len(text) <= 82


@settings(max_examples=80, deadline=None)
@given(student=st.text(min_size=1, max_size=40).filter(lambda s: "/" not in s and "\x00" not in s))
def test_a_student_id_that_could_carry_markup_is_refused_whole(tmp_path_factory, student):
    """A folder under submitted/ names the student, and formgrader writes that name into its pages unescaped. Is a
    submission whose student id holds anything but letters, digits and . _ @ + - refused whole (moved to quarantine,
    never graded), and one with an ordinary id admitted?"""
    root = tmp_path_factory.mktemp("ids")
    try:
        folder = root / "submitted" / student / "quiz"
        folder.mkdir(parents=True)
    except OSError:
        return  # a name this file system does not take cannot be handed in either
    (folder / "quiz.answers.json").write_text("{}")
    admission = admit(root=root, folder=folder, assignment="quiz", student=student, budget=Budget())
    markup = any(c in student for c in "<>&\"'` \t\n\r=;:()[]{}\\") or not student.isprintable()
    assert bool(admission.refused) == (markup or not all(c.isalnum() or c in "._@+-_" for c in student)
                                       or student in (".", ".."))  # fmt: skip
    if admission.refused:
        assert "student id" in admission.refused and not folder.exists()


def test_a_formgrader_script_in_a_student_id_is_refused(tmp_path):
    """Is the folder `submitted/<img src=x onerror=alert(1)>/quiz` refused, with a reason a grader can act on?"""
    student = "<img src=x onerror=alert(1)>"
    folder = tmp_path / "submitted" / student / "quiz"
    folder.mkdir(parents=True)
    admission = admit(root=tmp_path, folder=folder, assignment="quiz", student=student, budget=Budget())
    assert "rename the folder to the student's id" in admission.line() and admission.moved_to
