"""The memory limit where the Linux kernel cannot enforce it (no cgroup for this grader): a watchdog reads the
kernel's own accounting of each sandbox every ``TICK`` seconds and kills a sandbox that passed its limit.

What it counts, all from outside the sandbox, through ``/proc/<pid>/root`` of the sandbox's first process:

- each process's private memory and the shared memory it maps (``RssAnon`` + ``RssShmem`` in its status);
- the memfd files the processes hold open, mapped or not (the blocks each one has allocated, once per file);
- the scratch space's used bytes (``statvfs``): the submission's copy, /tmp, /dev/shm, files deleted but still open.

Shared memory is counted once per process that maps it and once more as a file, so a program sharing memory is
charged more than it uses, never less. SysV shared memory, which would outlive its mappings in the sandbox's own
IPC namespace where the grader cannot look, is refused in the sandbox (``_launcher.py``). Not seen: memory the
Linux kernel itself holds for the sandbox (pipes, sockets). Between two looks a program can pass the limit by what
it allocates in ``TICK``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from contextlib import suppress

TICK = 0.05


class Watch:
    """One sandbox under watch; ``tripped`` once it passed its limit and was killed."""

    def __init__(self, root: str, scratch: str, limit: int, kill: Callable[[], None]):
        self.root, self.scratch, self.limit, self.kill = root, scratch, limit, kill
        self.tripped = False

    def check(self) -> None:
        if not self.tripped and usage(self.root, self.scratch) > self.limit:
            self.tripped = True
            self.kill()


class Watchdog:
    """One thread per grading process, looking at every sandbox it watches in turn."""

    def __init__(self):
        self._watches: set[Watch] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, root: str, scratch: str, limit: int, kill: Callable[[], None]) -> Watch:
        watch = Watch(root, scratch, limit, kill)
        with self._lock:
            self._watches.add(watch)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sandbox-watchdog", daemon=True)
                self._thread.start()
        return watch

    def forget(self, watch: Watch) -> None:
        with self._lock:
            self._watches.discard(watch)

    def _run(self) -> None:
        event = threading.Event()
        while True:
            with self._lock:
                watches = list(self._watches)
            for watch in watches:
                with suppress(Exception):  # a sandbox that just died: nothing left to watch
                    watch.check()
            event.wait(TICK)


WATCHDOG = Watchdog()


def usage(root: str, scratch: str) -> int:
    """Bytes of memory the sandbox whose root is ``root`` uses now (see the module's docstring)."""
    total, memfds = _scratch_used(root + scratch), {}
    for pid in _pids(root):
        total += _resident(f"{root}/proc/{pid}/status")
        memfds.update(_memfds(f"{root}/proc/{pid}/fd"))
    return total + sum(memfds.values())


def _pids(root: str) -> list[str]:
    try:
        return [name for name in os.listdir(f"{root}/proc") if name.isdigit()]
    except OSError:
        return []


def _resident(status: str) -> int:
    """RssAnon + RssShmem of one process, in bytes (0 if it is gone)."""
    try:
        with open(status) as f:
            lines = f.read().splitlines()
    except OSError:
        return 0
    kb = [int(ln.split()[1]) for ln in lines if ln.startswith(("RssAnon:", "RssShmem:"))]
    return 1024 * sum(kb)


def _memfds(fd_folder: str) -> dict[tuple[int, int], int]:
    """(device, inode) -> allocated bytes of each memfd a process holds open."""
    found = {}
    try:
        fds = os.listdir(fd_folder)
    except OSError:
        return found
    for fd in fds:
        path = f"{fd_folder}/{fd}"
        try:
            if os.readlink(path).startswith("/memfd:"):
                st = os.stat(path)
                found[(st.st_dev, st.st_ino)] = st.st_blocks * 512
        except OSError:
            continue
    return found


def _scratch_used(path: str) -> int:
    try:
        st = os.statvfs(path)
    except OSError:
        return 0
    return (st.f_blocks - st.f_bfree) * st.f_frsize
