"""A grading kernel's own cgroup: its memory (shared memory, memfd and tmpfs pages included) and its processes,
limited by the Linux kernel itself, where this machine lets the grader make one.

Each sandbox gets ``coursekit-sandbox-<id>`` under the grader's OWN cgroup (so whatever limits the grader's
machine or container already sets still hold): with cgroup v1, one folder per controller
(``/sys/fs/cgroup/memory/<own path>/...`` and ``/sys/fs/cgroup/pids/...``); with cgroup v2, one folder whose
parent has the memory and pids controllers enabled for its children. A shell writes its own pid into the
cgroups, then becomes bubblewrap, so every process of the sandbox is counted from the first.

Where no cgroup can be made (usually: not root on cgroup v1), ``support().problem`` says why in one line, and
the caller falls back to ``watchdog.py``.
"""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .limits import MB, Limits

PREFIX = "coursekit-sandbox-"
CONTROLLERS = ("memory", "pids")
SLACK_PROCESSES = 4  # bubblewrap's own two processes and the shell, besides the kernel's
# Join every cgroup file named before "--", then become the command after it.
JOIN = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"'


@dataclass(frozen=True)
class Support:
    """Where this process can make cgroups: controller -> parent folder (empty when it cannot, ``problem`` says why)."""

    version: int = 0
    parents: dict = field(default_factory=dict)
    problem: str = ""


def support() -> Support:
    return _support(os.geteuid(), Path("/proc/self/mountinfo"), Path("/proc/self/cgroup"))


@functools.lru_cache(maxsize=4)
def _support(euid: int, mountinfo: Path, own: Path) -> Support:
    mounts, paths = _mounts(mountinfo), _own_paths(own)
    v1 = {c: mounts[c] / paths[c].lstrip("/") for c in CONTROLLERS if c in mounts and c in paths}
    if len(v1) == len(CONTROLLERS):
        found = Support(1, v1)
    elif "cgroup2" in mounts and "" in paths:
        found = _v2(mounts["cgroup2"] / paths[""].lstrip("/"))
    else:
        return Support(problem="this machine has no memory and pids cgroup controllers")
    return found if found.problem else _probe(found, euid)


def _mounts(mountinfo: Path) -> dict[str, Path]:
    """controller (or "cgroup2") -> where its hierarchy is mounted."""
    found: dict[str, Path] = {}
    for line in mountinfo.read_text().splitlines():
        left, _, right = line.partition(" - ")
        fstype, _, options = (right.split() + ["", "", ""])[:3]
        point = Path(left.split()[4])
        if fstype == "cgroup2":
            found.setdefault("cgroup2", point)
        elif fstype == "cgroup":
            found.update({c: point for c in options.split(",") if c in CONTROLLERS})
    return found


def _own_paths(own: Path) -> dict[str, str]:
    """controller -> this process's cgroup path in it ("" for the v2 hierarchy)."""
    found = {}
    for line in own.read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for c in controllers.split(",") if controllers else [""]:
            found[c] = path
    return found


def _v2(parent: Path) -> Support:
    enabled = _read(parent / "cgroup.subtree_control").split()
    if all(c in enabled for c in CONTROLLERS):
        return Support(2, dict.fromkeys(CONTROLLERS, parent))
    try:
        (parent / "cgroup.subtree_control").write_text(" ".join(f"+{c}" for c in CONTROLLERS))
    except OSError as e:
        return Support(problem=f"cgroup v2: cannot enable memory and pids for children of {parent} ({e.strerror})")
    return Support(2, dict.fromkeys(CONTROLLERS, parent))


def _probe(found: Support, euid: int) -> Support:
    """Make and remove one cgroup: permission is only known by trying."""
    try:
        Cgroup.create(f"probe-{os.getpid()}", Limits(), found).remove()
    except OSError as e:
        who = "root" if euid == 0 else "this user"
        return Support(problem=f"{who} cannot make cgroups under {next(iter(found.parents.values()))} ({e.strerror})")
    return found


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


class Cgroup:
    """One sandbox's cgroup folders (one per controller with v1, one shared with v2)."""

    def __init__(self, folders: dict[str, Path], version: int):
        self.folders, self.version = folders, version

    @classmethod
    def create(cls, name: str, limits: Limits, found: Support) -> Cgroup:
        folders = {c: parent / f"{PREFIX}{name}" for c, parent in found.parents.items()}
        made = cls(folders, found.version)
        try:
            for folder in dict.fromkeys(folders.values()):
                folder.mkdir()
            made._set_limits(limits)
        except OSError:
            made.remove()
            raise
        return made

    def _set_limits(self, limits: Limits) -> None:
        memory, pids = self.folders["memory"], self.folders["pids"]
        if limits.memory_mb:
            value = str(limits.memory_mb * MB)
            names = ("memory.limit_in_bytes", "memory.memsw.limit_in_bytes") if self.version == 1 else (
                "memory.max", "memory.swap.max")  # fmt: skip
            _write(memory / names[0], value)
            _write(memory / names[1], value if self.version == 1 else "0", optional=True)  # no swapping it out
        if limits.max_processes:
            _write(pids / "pids.max", str(limits.max_processes + SLACK_PROCESSES))

    def join_prefix(self) -> list[str]:
        """Put before a command: it runs inside these cgroups from its first instruction."""
        procs = [str(f / "cgroup.procs") for f in dict.fromkeys(self.folders.values())]
        return ["/bin/sh", "-c", JOIN, "sh", *procs, "--"]

    def out_of_memory(self) -> bool:
        """Did the kernel's OOM killer act in this cgroup (its memory limit was reached)?"""
        name = "memory.oom_control" if self.version == 1 else "memory.events"
        for line in _read(self.folders["memory"] / name).splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill" and value.strip() not in ("", "0"):
                return True
        return False

    def remove(self) -> None:
        """Remove the folders once their processes are gone (a killed sandbox takes a moment to exit)."""
        for folder in dict.fromkeys(self.folders.values()):
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def _write(path: Path, value: str, *, optional: bool = False) -> None:
    try:
        path.write_text(value)
    except OSError:
        if not optional:
            raise


def sweep_stale(boxes: Path) -> int:
    """Remove the empty cgroups of sandboxes whose box (in ``boxes``, named alike) is gone: a killed grader's."""
    swept = 0
    for parent in dict.fromkeys(support().parents.values()):
        for folder in parent.glob(f"{PREFIX}*"):
            if not (boxes / folder.name).exists() and not _read(folder / "cgroup.procs").strip():
                try:
                    folder.rmdir()
                    swept += 1
                except OSError:
                    pass
    return swept
