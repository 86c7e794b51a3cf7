"""Reading from a submission folder: symlinks, FIFOs, devices and oversized files are refused, never followed."""

from __future__ import annotations

import os

import pytest

from coursekit.grading.intake.admit import admit
from coursekit.grading.intake.budget import Budget
from coursekit.grading.intake.handin import read_regular
from coursekit.grading.intake.quarantine import quarantined


@pytest.fixture
def submitted(tmp_path):
    folder = tmp_path / "submitted" / "alice" / "quiz"
    folder.mkdir(parents=True)
    return tmp_path / "submitted"


def test_a_regular_file_is_read(submitted):
    """Is a plain file read whole?"""
    (submitted / "alice/quiz/a.json").write_bytes(b"hello")
    assert read_regular(submitted, ("alice", "quiz", "a.json"), 100).data == b"hello"


def test_a_missing_file_is_simply_absent(submitted):
    """Is a missing file reported as absent, not refused?"""
    found = read_regular(submitted, ("alice", "quiz", "a.json"), 100)
    assert found.data is None and found.refused == ""


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p: os.symlink("/etc/passwd", p), "a.json is a symbolic link"),
        (lambda p: os.mkfifo(p), "a.json is a named pipe (FIFO), not a regular file"),
        (lambda p: p.mkdir(), "a.json is a folder, not a regular file"),
        (lambda p: p.write_bytes(b"x" * 2048), "a.json is larger than 1 kB"),
    ],
)
def test_hostile_files_are_refused_without_following_or_blocking(submitted, make, why):
    """Are a symlink, a FIFO (which would block a reader), a folder and a too-large file refused with a reason?"""
    make(submitted / "alice/quiz/a.json")
    found = read_regular(submitted, ("alice", "quiz", "a.json"), 1024)
    assert found.data is None and found.refused == why


def test_a_symlinked_submission_folder_is_not_followed(submitted):
    """Is a submission folder that is a symlink to another student's refused, not read through?"""
    (submitted / "bob/quiz").mkdir(parents=True)
    (submitted / "bob/quiz/a.json").write_text("bob's")
    os.symlink(submitted / "bob/quiz", submitted / "carol")
    found = read_regular(submitted, ("carol", "a.json"), 100)
    assert found.data is None and "symbolic link" in found.refused


def test_a_device_is_refused(submitted):
    """Is a character device (here /dev/null, through a hard-to-forge path) refused as a device?"""
    device = submitted / "alice/quiz/dev"
    try:
        os.mknod(device, 0o600 | 0o020000, os.makedev(1, 3))  # a character device, like /dev/null
    except PermissionError:
        pytest.skip("creating a device node needs root")
    found = read_regular(submitted, ("alice", "quiz", "dev"), 100)
    assert found.data is None and found.refused == "dev is a device, not a regular file"


def test_quarantine_moves_links_and_special_files_and_keeps_regular_ones(submitted, tmp_path):
    """Does quarantine move every symlink and FIFO (in subfolders too) aside, record it, and leave plain files?"""
    folder = submitted / "alice/quiz"
    (folder / "keep.txt").write_text("mine")
    (folder / "sub").mkdir()
    os.symlink("/dev/zero", folder / "sub/zero")
    os.mkfifo(folder / "pipe")
    moved = admit(root=tmp_path, folder=folder, assignment="quiz", student="alice", budget=Budget()).moved
    assert moved == {
        "sub/zero": {"kind": "a symbolic link", "target": "/dev/zero"},
        "pipe": {"kind": "a named pipe (FIFO)"},
    }
    assert quarantined(tmp_path, "quiz", "alice") == moved
    assert sorted(p.name for p in folder.rglob("*")) == ["keep.txt", "sub"]
    (kept,) = (tmp_path / ".coursekit/quarantine/quiz/alice/files").iterdir()
    assert os.path.islink(kept / "sub/zero")


def test_a_link_kept_from_an_earlier_hand_in_never_receives_a_later_entry(submitted, tmp_path):
    """When a link `sub` (to a folder outside) was moved aside before, is a later `sub/pipe` moved elsewhere, never
    through that link into the folder it points at?"""
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = submitted / "alice/quiz"
    os.symlink(outside, folder / "sub")
    admit(root=tmp_path, folder=folder, assignment="quiz", student="alice", budget=Budget())
    (folder / "sub").mkdir()
    os.mkfifo(folder / "sub/pipe")
    admission = admit(root=tmp_path, folder=folder, assignment="quiz", student="alice", budget=Budget())
    assert admission.moved == {"sub/pipe": {"kind": "a named pipe (FIFO)"}}
    assert list(outside.iterdir()) == []
