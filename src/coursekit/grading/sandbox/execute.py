"""SandboxedExecute: nbgrader's Execute, with every grading kernel in a sandbox and limits per notebook.

An instructor's ``nbgrader_config.py`` puts it in ``c.Autograde.autograde_preprocessors`` in place
of ``Execute``; ``coursekit grade`` uses it for every kernel it starts. Each notebook gets a new
kernel in a throwaway box (``workspace.py``), isolated by bubblewrap (``bwrap.py``), talking over
Unix sockets (``kernel.py``, ``sockets.py``); once the kernel runs, and before any cell, a copy of
its own submission goes into its sandbox. Limits (``limits.py``) are per notebook: wall clock,
memory, output in the bytes written into the notebook (``notebook_bytes.py``), processes, open
files, disk. A broken limit stops the notebook; what did not finish scores 0 with a one-line
reason, and ``resources["coursekit"]["stopped"]`` holds that reason for the grading report.

A notebook that coursekit already scored without a kernel (``resources["coursekit"]["scored"]``,
set by the quiz scorer that runs just before) is returned unchanged and starts no kernel.
"""

from __future__ import annotations

import os
from pathlib import Path

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from traitlets import Integer, default

from . import bwrap, cgroups
from .kernel import SandboxKernelManager, new_manager, start_failure
from .limits import Limits, Meter, annotate_errors, mark_not_run, stopped_output
from .notebook_bytes import message_bytes, stream_head
from .sockets import SandboxKernelClient
from .workspace import TooLarge, sweep_stale

DISPLAYS = ("display_data", "execute_result", "update_display_data")  # what may carry a display id
_warned: set[tuple] = set()  # first use in this process: sweep old boxes, warn once about what is missing


class _Halted(Exception):
    """A limit stopped the notebook (the reason is in the Meter)."""


def autograde_preprocessors(*first) -> list:
    """nbgrader's autograde steps with Execute replaced by SandboxedExecute and ``first`` just before it.

    For a course's nbgrader_config.py:
    ``c.Autograde.autograde_preprocessors = autograde_preprocessors()``.
    """
    from nbgrader.converters import Autograde

    steps = list(Autograde.class_traits()["autograde_preprocessors"].make_dynamic_default())
    i = steps.index(Execute)
    return [*steps[:i], *first, SandboxedExecute, *steps[i + 1 :]]


def already_scored(resources) -> bool:
    """The contract with the kernel-free quiz scorer that runs just before this preprocessor."""
    return bool((resources or {}).get("coursekit", {}).get("scored"))


class SandboxedExecute(Execute):
    """Execute, in a sandbox, under per-notebook limits (0 turns a limit off)."""

    wall_seconds = Integer(120, help="Wall-clock limit for a whole notebook, in seconds.").tag(config=True)
    memory_mb = Integer(
        2048, help="Memory the sandbox may use, in MB: shared memory, memfd and the files it writes count too."
    ).tag(config=True)
    output_bytes = Integer(
        2 * 1024 * 1024, help="Bytes of output a notebook may write into the graded notebook, in total."
    ).tag(config=True)
    max_processes = Integer(64, help="Processes and threads the kernel may run at once.").tag(config=True)
    max_open_files = Integer(512, help="Files each process of the kernel may keep open at once.").tag(config=True)
    submission_mb = Integer(100, help="Largest submission copied into the sandbox, in MB.").tag(config=True)
    disk_mb = Integer(
        256, help="Everything the kernel may write, in MB: its copy of the submission, /tmp and /dev/shm together."
    ).tag(config=True)
    max_files = Integer(20_000, help="Files and folders the kernel may have in that space, in total.").tag(config=True)

    @default("shutdown_kernel")
    def _kill_when_done(self) -> str:
        # Nothing a sandboxed kernel leaves behind is kept, so there is nothing to wait for: it is killed.
        return "immediate"

    def limits(self) -> Limits:
        return Limits(**{n: getattr(self, n) for n in Limits.__dataclass_fields__})

    def forbidden(self, folder: str = "") -> tuple[str, ...]:
        """The course and the notebook's folder: never in the sandbox, nor any folder in or around them."""
        return tuple(os.path.abspath(f) for f in (CourseDirectory(config=self.config).root, folder) if f)

    def preprocess(self, nb, resources=None, km=None):
        if already_scored(resources):
            return nb, resources
        self._warn_once()
        self.meter = Meter(self.limits())
        self._owned = None
        self._folder = Path((resources or {}).get("metadata", {}).get("path") or os.getcwd())
        km = km if km is not None else self._new_manager(nb, str(self._folder))
        self._box = km.box
        try:
            return super().preprocess(nb, resources, km=km)
        except Exception:
            km.box.remove()  # a kernel that never started leaves no box behind
            raise
        finally:
            self._record(resources)

    def _new_manager(self, nb, folder: str) -> SandboxKernelManager:
        name = self.kernel_name or nb.metadata.get("kernelspec", {}).get("name") or ""
        km = new_manager(name, self.config, self.meter.limits, forbidden=self.forbidden(folder))
        self._owned = km
        return km

    def setup_kernel(self, **kwargs):
        # We create the manager (so we can fill its box first), but the kernel is ours to shut down.
        kwargs.setdefault("cleanup_kc", self.km is getattr(self, "_owned", None))
        return super().setup_kernel(**kwargs)

    async def async_start_new_kernel(self, **kwargs):
        kwargs["cwd"] = str(self._box.work)
        await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)  # nbconvert's preprocess calls the synchronous one

    async def async_start_new_kernel_client(self):
        km = self.km  # nbclient forgets it when the kernel fails to start
        try:
            kc = await super().async_start_new_kernel_client()
        except RuntimeError as e:
            raise RuntimeError(f"{start_failure(km)} ({e})") from None
        self._fill()
        return kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def _fill(self) -> None:
        """Copy the submission into the running kernel's folder: a kernel started ahead of need had none yet."""
        try:
            self._box.fill(self._folder, self.meter.limits.submission_mb, self.km.workdir)
        except TooLarge as e:
            self.meter.reason = self.meter.limits.submission_reason(str(e))  # no cell will run

    def _warn_once(self) -> None:
        """Once per process: a one-line warning for each limit this machine cannot enforce; old boxes swept."""
        iso, groups = bwrap.isolation(), cgroups.support()
        if (iso.problem, groups.problem) in _warned:
            return
        _warned.add((iso.problem, groups.problem))
        sweep_stale()
        if iso.tool is None:
            self.log.warning(iso.warning())
        elif groups.problem:
            self.log.warning(
                "coursekit: no cgroup for grading kernels (%s): a watchdog kills a sandbox past its memory "
                "limit instead, and processes are limited per sandbox by RLIMIT_NPROC", groups.problem)  # fmt: skip

    def _record(self, resources) -> None:
        if resources is not None and self.meter.reason:
            resources.setdefault("coursekit", {})["stopped"] = self.meter.reason
            who = resources.get("nbgrader", {}).get("student", "")
            self.log.warning("%sstopped: %s", f"{who}: " if who else "", self.meter.reason)

    # --- limits while cells run ---------------------------------------------------------------

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code" or not cell.source.strip():
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        if self.meter.reason:
            mark_not_run(cell, self.meter.reason)
            return cell
        self.meter.start_clock()
        try:
            cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except (DeadKernelError, CellTimeoutError, _Halted):
            self.meter.reason = self.meter.reason or self._limit_enforced()
            if not self.meter.reason:
                raise  # nbgrader's own failure (a kernel that died by itself), as with Execute
        else:
            if not self._dropped():
                return cell
            self._halt(self.meter.limits.output_reason(), cancel=False)
        cell.outputs.append(stopped_output(self.meter.reason, ran=True))
        if execution_count:
            cell.execution_count = execution_count
        self.nb.cells[cell_index] = cell
        return cell

    execute_cell = run_sync(async_execute_cell)

    def _limit_enforced(self) -> str | None:
        """Why the kernel died or went silent, if a limit did it: memory (the Linux kernel's or the watchdog's
        kill) or a message larger than the output limit (refused, it never arrived)."""
        broken = self.km.broken_limit() if isinstance(self.km, SandboxKernelManager) else None
        return broken or (self.meter.limits.output_reason() if self._dropped() else None)

    def _dropped(self) -> bool:
        return isinstance(self.kc, SandboxKernelClient) and self.kc.dropped()

    def _get_timeout(self, cell):
        timeout = super()._get_timeout(cell)
        remaining = self.meter.remaining() if cell is not None else None
        if remaining is None:
            return timeout
        return remaining if timeout is None else min(timeout, remaining)

    async def _async_handle_timeout(self, timeout, cell=None):
        if not self.meter.out_of_time():
            return await super()._async_handle_timeout(timeout, cell)
        self._halt(self.meter.limits.wall_reason(), cancel=False)
        raise _Halted()

    def process_message(self, msg, cell, cell_index):
        if self.meter.reason:
            return None  # the kernel is being killed: nothing more is recorded
        if not isinstance(msg.get("content"), dict):
            return super().process_message(msg, cell, cell_index)  # as nbclient makes of it: nothing to count
        fit = self.meter.spend(message_bytes(msg, rewritten=self._rewritten(msg)))
        if fit is not None:
            self._keep_head(msg, cell, cell_index, fit)
            self._halt(self.meter.limits.output_reason(), cancel=True)
            return None
        return super().process_message(msg, cell, cell_index)

    def _rewritten(self, msg) -> int:
        """How many outputs already in the notebook a display message rewrites (nbclient's display-id map)."""
        transient = msg["content"].get("transient")
        display_id = transient.get("display_id") if isinstance(transient, dict) else None
        if not isinstance(display_id, str) or msg["msg_type"] not in DISPLAYS:
            return 0
        return sum(len(indices) for indices in self._display_id_map.get(display_id, {}).values())

    def _keep_head(self, msg, cell, cell_index, fit: int) -> None:
        """The part of a stream that still fits, so the student sees where the output was cut."""
        if msg["msg_type"] == "stream" and isinstance(msg["content"].get("text"), str):
            output = {"output_type": "stream", "name": msg["content"].get("name"), "text": msg["content"]["text"]}
            text = stream_head(output, fit)
            if text:
                super().process_message({**msg, "content": {**msg["content"], "text": text}}, cell, cell_index)

    def _halt(self, reason: str, *, cancel: bool) -> None:
        self.meter.reason = reason
        if isinstance(self.km, SandboxKernelManager):
            self.km.kill_now()
        if cancel and self.task_poll_for_reply is not None and not self.task_poll_for_reply.done():
            self.task_poll_for_reply.cancel()  # nbclient turns this into DeadKernelError, caught above

    def on_cell_executed(self, **kwargs):
        super().on_cell_executed(**kwargs)
        annotate_errors(kwargs["cell"], self.meter.limits)
