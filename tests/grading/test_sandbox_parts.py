"""The sandbox's parts on their own: the submission copy, the launcher, the paths it binds, the limits' words."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from coursekit.grading.sandbox import bwrap
from coursekit.grading.sandbox.limits import Limits, Meter, annotate_errors, stopped_output
from coursekit.grading.sandbox.workspace import Box, TooLarge, sweep_stale


@pytest.fixture
def box():
    made = Box.create()
    yield made
    made.remove()
    assert not made.root.exists()


def test_copy_takes_regular_files_only(tmp_path, box):
    """Are symlinks (to files and folders), hard links, FIFOs, sockets and notebooks left out, and nested folders
    copied?"""
    src = tmp_path / "sub"
    (src / "data").mkdir(parents=True)
    (src / "data" / "rows.csv").write_text("1,2\n")
    (src / "answers.json").write_text("{}")
    (src / "ex.ipynb").write_text("{}")  # holds the hidden tests once autograded
    (src / "passwd").symlink_to("/etc/passwd")
    (src / "up").symlink_to(tmp_path)
    (tmp_path / "key.yaml").write_text("answer: 42")
    os.link(tmp_path / "key.yaml", src / "key.yaml")  # the same file as one outside the submission
    os.mkfifo(src / "pipe")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(src / "sock"))
    copied = box.fill(src, limit_mb=1)
    found = sorted(str(p.relative_to(box.work)) for p in box.work.rglob("*"))
    assert found == ["answers.json", "data", "data/rows.csv"]
    assert copied == len("1,2\n") + len("{}")
    if box.uid >= 0:  # as root, the box's own uid owns the copy
        assert {p.stat().st_uid for p in box.work.rglob("*")} == {box.uid}


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda src: (src / "big").write_bytes(b"0" * (1024 * 1024 + 1)), "more than 1 MB"),
        (lambda src: [(src / f"f{i}").touch() for i in range(10_001)], "more than 10000 files"),
    ],
)
def test_copy_is_bounded(tmp_path, box, make, why):
    """Does a submission over the size or file-count bound stop the copy with a reason?"""
    src = tmp_path / "sub"
    src.mkdir()
    make(src)
    with pytest.raises(TooLarge, match=why):
        box.fill(src, limit_mb=1)


def test_boxes_as_root_get_distinct_uids():
    """As root, does each box get a uid of its own, never 0, claimed by its folder?"""
    boxes = [Box.create() for _ in range(5)]
    try:
        uids = {b.uid for b in boxes}
        if os.geteuid() == 0:
            assert len(uids) == 5 and 0 not in uids
            assert all(b.root.name == f"coursekit-sandbox-{b.uid}" for b in boxes)
        else:
            assert uids == {-1}
    finally:
        for b in boxes:
            b.remove()


def test_launcher_closes_inherited_files_and_sets_limits(tmp_path):
    """Does the launcher close every file it inherited and set the address-space, file-size, process, open-file and
    core limits?"""
    secret = os.open(tmp_path, os.O_RDONLY)  # a folder outside any sandbox: the classic escape
    names = ("AS", "FSIZE", "NPROC", "NOFILE", "CORE")
    probe = (
        "import os, resource; print(sorted(os.listdir('/proc/self/fd')), "
        f"[resource.getrlimit(getattr(resource, 'RLIMIT_' + r)) for r in {names!r}])"
    )
    spec = bwrap.rlimits(Limits(memory_mb=2048, disk_mb=1, max_processes=5000, max_open_files=100), isolated=True)
    cmd = [sys.executable, "-I", "-S", "-c", bwrap.LAUNCHER, json.dumps({"uid": -1, "rlimits": spec}), "--"]
    try:
        done = subprocess.run([*cmd, sys.executable, "-c", probe], pass_fds=(secret,), capture_output=True, text=True)
    finally:
        os.close(secret)
    assert done.returncode == 0, done.stderr
    limits = [(n, n) for n in (2**31, 2**20, 5000, 100, 0)]
    assert done.stdout.strip() == f"['0', '1', '2', '3'] {limits}"  # 3: the listing's own


def test_python_paths_never_hold_the_course(tmp_path, monkeypatch):
    """Are only the prefixes and package folders mounted: never a sys.path folder that holds (or lies in) the
    course, holds the working folder, or is any other folder (a repository root a test runner or a Dask worker
    put on sys.path: found on a fresh clone, where such a root also blocked the kernel's way to its Python)?"""
    course = tmp_path / "repo" / "assignments"
    (course / "bank").mkdir(parents=True)
    (tmp_path / "repo" / "src").mkdir()
    (tmp_path / "work").mkdir()
    (tmp_path / "elsewhere" / "site-packages").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "work")
    other = tmp_path / "other-repo"  # holds neither the course nor the working folder: still not mounted
    other.mkdir()
    packages = str(tmp_path / "elsewhere" / "site-packages")
    extra = [str(tmp_path / "repo"), str(course / "bank"), str(tmp_path / "repo" / "src"), "", str(tmp_path)]
    monkeypatch.setattr(sys, "path", [*sys.path, *extra, str(other), packages])
    paths = bwrap.python_paths([str(course)])
    unwanted = {str(tmp_path / "repo"), str(course / "bank"), str(tmp_path / "work"), str(tmp_path), str(other)}
    unwanted.add(str(tmp_path / "repo" / "src"))  # on sys.path, but no .pth file names it
    assert not unwanted & set(paths)
    assert packages in paths


def test_an_editable_install_is_mounted_through_its_pth_file(tmp_path, monkeypatch):
    """Is the folder an editable install's .pth file adds (its src) mounted, so a kernel can import the package?"""
    site = tmp_path / "env" / "site-packages"
    src = tmp_path / "checkout" / "src"
    site.mkdir(parents=True)
    src.mkdir(parents=True)
    (site / "__editable__.pkg.pth").write_text(f"{src}\n")
    (site / "other.pth").write_text("import sys\n# a comment\n")
    monkeypatch.setattr(sys, "path", [*sys.path, str(site), str(src)])
    paths = bwrap.python_paths([])
    assert str(src) in paths and str(tmp_path / "checkout") not in paths
    assert any(sys.prefix == p or sys.prefix.startswith(p + "/") for p in [*paths, "/usr"])


def test_meter_charges_output_until_the_limit():
    """Does the output meter say how much of the message that crosses the limit still fits?"""
    meter = Meter(Limits(output_bytes=10))
    assert meter.spend(6) is None and meter.spend(6) == 4 and meter.spend(1) == 0
    assert Meter(Limits(output_bytes=0)).spend(10**9) is None  # 0 turns it off


@pytest.mark.parametrize(
    ("ename", "evalue", "note"),
    [
        ("MemoryError", "", "(a notebook may use at most 512 MB of memory while it is graded)"),
        ("BlockingIOError", "[Errno 11] Resource temporarily unavailable", "at most 64 processes and threads"),
        ("RuntimeError", "can't start new thread", "at most 64 processes and threads"),
        ("OSError", "[Errno 24] Too many open files: 'x'", "at most 512 files open at once"),
        ("OSError", "[Errno 28] No space left on device", "write at most 256 MB in at most 20,000 files"),
        ("OSError", "[Errno 27] File too large", "its folder, /tmp and /dev/shm together"),
        ("ValueError", "[Errno 28] in a message the student made up", None),
    ],
)
def test_refusals_name_their_limit(ename, evalue, note):
    """Does each error a limit causes get one line naming that limit (and an unrelated error none)?"""
    limits = Limits(memory_mb=512)
    cell = {"outputs": [{"output_type": "error", "ename": ename, "evalue": evalue, "traceback": [ename]}]}
    annotate_errors(cell, limits)
    added = cell["outputs"][0]["traceback"][1:]
    if ename == "ValueError":
        assert added == []
    else:
        assert len(added) == 1 and note in added[0] and "\n" not in added[0]


def test_reasons_read_as_one_line():
    """Are the stop reasons one readable line each?"""
    limits = Limits(wall_seconds=60, output_bytes=2 * 1024 * 1024, memory_mb=512)
    assert stopped_output(limits.wall_reason(), ran=True).traceback == ["stopped: the notebook ran longer than 60 s"]
    assert limits.output_reason() == "the notebook printed more than 2 MB of output"
    assert limits.memory_reason().startswith("the notebook used more than 512 MB of memory")


def test_warning_names_the_tool_and_how_to_get_it():
    """Is the missing-tool warning one line that says kernels are not isolated and how to install bubblewrap?"""
    line = bwrap.Isolation(None, privileged=True, problem="was not found").warning()
    assert "\n" not in line and "NOT isolated" in line and "apt-get install bubblewrap" in line
    assert bwrap._isolation("no-such-bwrap-tool", os.environ["PATH"], os.geteuid() == 0).tool is None


def test_boxes_of_a_killed_grader_are_swept():
    """Is a box whose grading process is gone removed, and a box of a live grader kept?"""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphan, mine = Box.create(), Box.create()
    try:
        (orphan.root / "owner").write_text(f"{done.stdout.strip()} 1")  # that process has exited
        assert sweep_stale() >= 1
        assert not orphan.root.exists() and mine.root.exists()
    finally:
        orphan.remove()
        mine.remove()
