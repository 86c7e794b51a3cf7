"""What a grading kernel may use, and the one-line reasons a grader and a student read when a limit stops it.

A notebook that breaks a limit is stopped: the cell that was running, and every code cell after
it, get an error output saying why. nbgrader scores a grade cell with an error output 0, so the
submission gets 0 for what did not finish and keeps what it earned before.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from nbformat.v4 import new_output

MB = 1024 * 1024
STOPPED = "NotebookStopped"  # the ename of the error outputs we add


@dataclass(frozen=True)
class Limits:
    """Per notebook; 0 turns a limit off."""

    wall_seconds: float = 120
    memory_mb: int = 2048
    output_bytes: int = 2 * MB
    max_processes: int = 64
    max_open_files: int = 512
    submission_mb: int = 100
    disk_mb: int = 256
    max_files: int = 20_000

    def wall_reason(self) -> str:
        return f"the notebook ran longer than {self.wall_seconds:g} s"

    def output_reason(self) -> str:
        return f"the notebook printed more than {_size(self.output_bytes)} of output"

    def submission_reason(self, why: str) -> str:
        return f"the submission is too large to grade ({why}; at most {self.submission_mb} MB is copied)"

    def memory_reason(self) -> str:
        return f"the notebook used more than {self.memory_mb} MB of memory (shared memory and files it wrote count)"

    def memory_note(self) -> str:
        return f"(a notebook may use at most {self.memory_mb} MB of memory while it is graded)"

    def processes_note(self) -> str:
        return f"(a notebook may run at most {self.max_processes} processes and threads while it is graded)"

    def open_files_note(self) -> str:
        return f"(a notebook may keep at most {self.max_open_files} files open at once while it is graded)"

    def disk_note(self) -> str:
        return (
            f"(a notebook may write at most {self.disk_mb} MB in at most {self.max_files:,} files and folders while "
            "it is graded: its folder, /tmp and /dev/shm together)"
        )


def _size(n: int) -> str:
    if n >= MB and n % MB == 0:
        return f"{n // MB} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n:,} bytes"


class Meter:
    """One notebook's run: its wall clock (started by the first cell), its output budget, and why it stopped."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline: float | None = None
        self.output_left = limits.output_bytes or None
        self.reason: str | None = None

    def start_clock(self) -> None:
        if self.deadline is None and self.limits.wall_seconds:
            self.deadline = time.monotonic() + self.limits.wall_seconds

    def remaining(self) -> float | None:
        return None if self.deadline is None else max(0.01, self.deadline - time.monotonic())

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline - 0.05

    def spend(self, n: int) -> int | None:
        """Charge ``n`` bytes of output; None if they fit, else how many of them still fit (maybe 0)."""
        if self.output_left is None:
            return None
        if n <= self.output_left:
            self.output_left -= n
            return None
        fit, self.output_left = self.output_left, 0
        return fit


def stopped_output(reason: str, *, ran: bool):
    """The error output of a cell the limit stopped (``ran``) or that never ran because of it."""
    line = f"stopped: {reason}" + ("" if ran else "; this cell did not run")
    return new_output("error", ename=STOPPED, evalue=reason, traceback=[line])


def mark_not_run(cell, reason: str) -> None:
    if cell.cell_type == "code" and cell.source.strip():
        cell.outputs = [stopped_output(reason, ran=False)]
        cell.execution_count = None


def annotate_errors(cell, limits: Limits) -> None:
    """Say which limit a MemoryError, a refused fork or thread, a full disk or too many open files came from, on
    the error output itself."""
    for out in cell.get("outputs", []):
        if out.get("output_type") != "error":
            continue
        note = _note_for(out.get("ename", ""), str(out.get("evalue", "")), limits)
        if note and note not in out.get("traceback", []):
            out.setdefault("traceback", []).append(note)


NOTES = {  # errno in an OSError's text -> the limit that refused it, and the setting that turns it off
    "[Errno 12]": ("memory_note", "memory_mb"),  # ENOMEM: the sandbox's cgroup refused a page
    "[Errno 24]": ("open_files_note", "max_open_files"),  # EMFILE
    "[Errno 27]": ("disk_note", "disk_mb"),  # EFBIG: a file larger than the whole space
    "[Errno 28]": ("disk_note", "disk_mb"),  # ENOSPC: the space, or its count of files, is full
}


def _note_for(ename: str, evalue: str, limits: Limits) -> str | None:
    if ename == "MemoryError":
        return limits.memory_note() if limits.memory_mb else None
    if "can't start new thread" in evalue or (ename == "BlockingIOError" and "[Errno 11]" in evalue):
        return limits.processes_note() if limits.max_processes else None
    for errno, (note, setting) in NOTES.items():
        if ename == "OSError" and errno in evalue and getattr(limits, setting):
            return getattr(limits, note)()
    return None
