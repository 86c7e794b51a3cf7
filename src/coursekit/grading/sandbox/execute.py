"""SandboxedExecute: nbgrader's Execute, with every grading kernel in a sandbox and limits per notebook.

An instructor's ``nbgrader_config.py`` puts it in ``c.Autograde.autograde_preprocessors`` in place
of ``Execute``; ``coursekit grade`` uses it for every kernel it starts. Each notebook gets a new
kernel in a throwaway box (``workspace.py``) holding a copy of its own submission, isolated by
bubblewrap (``bwrap.py``), talking over Unix sockets (``sandbox_kernel.py``). Limits
(``limits.py``) are per notebook: wall clock, memory, output in bytes, processes, disk.
A broken limit stops the notebook; what did not finish scores 0 with a one-line reason, and
``resources["coursekit"]["stopped"]`` holds that reason for the grading report.

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

from . import bwrap
from .kernel import SandboxKernelManager, new_manager, start_failure
from .limits import Limits, Meter, annotate_errors, mark_not_run, payload_bytes, stopped_output
from .workspace import TooLarge, sweep_stale

COUNTED = {"stream", "display_data", "execute_result", "error", "update_display_data", "comm_open", "comm_msg"}
_warned: set[str] = set()  # first use in this process: sweep old boxes, warn once if not isolated


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
    memory_mb = Integer(2048, help="Address space the kernel may use, in MB (MemoryError beyond it).").tag(config=True)
    output_bytes = Integer(2 * 1024 * 1024, help="Output a notebook may produce in total, in bytes.").tag(config=True)
    max_processes = Integer(64, help="Processes and threads the kernel may run at once.").tag(config=True)
    submission_mb = Integer(100, help="Largest submission copied into the sandbox, in MB.").tag(config=True)
    disk_mb = Integer(256, help="Largest file the kernel may write, and the size of its /tmp, in MB.").tag(config=True)

    @default("shutdown_kernel")
    def _kill_when_done(self) -> str:
        # Nothing a sandboxed kernel leaves behind is kept, so there is nothing to wait for: it is killed.
        return "immediate"

    def limits(self) -> Limits:
        names = ("wall_seconds", "memory_mb", "output_bytes", "max_processes", "submission_mb", "disk_mb")
        return Limits(**{n: getattr(self, n) for n in names})

    def forbidden(self, folder: str = "") -> tuple[str, ...]:
        """The course and the notebook's folder: never in the sandbox, nor any folder in or around them."""
        return tuple(os.path.abspath(f) for f in (CourseDirectory(config=self.config).root, folder) if f)

    def preprocess(self, nb, resources=None, km=None):
        if already_scored(resources):
            return nb, resources
        self._warn_if_not_isolated()
        self.meter = Meter(self.limits())
        self._owned = None
        folder = (resources or {}).get("metadata", {}).get("path") or os.getcwd()
        km = km if km is not None else self._new_manager(nb, folder)
        self._box = km.box
        try:
            km.box.fill(Path(folder), self.meter.limits.submission_mb)
        except TooLarge as e:
            km.box.remove()
            return self._stop_before_start(nb, resources, self.meter.limits.submission_reason(str(e)))
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

    async def async_start_new_kernel_client(self):
        try:
            return await super().async_start_new_kernel_client()
        except RuntimeError as e:
            raise RuntimeError(f"{start_failure(self.km)} ({e})") from None

    def _warn_if_not_isolated(self) -> None:
        """Once per process: the one-line warning if kernels cannot be isolated, and old boxes swept."""
        iso = bwrap.isolation()
        if iso.problem not in _warned:
            _warned.add(iso.problem)
            sweep_stale()
            if iso.tool is None:
                self.log.warning(iso.warning())

    def _stop_before_start(self, nb, resources, reason: str):
        self.meter.reason = reason
        for cell in nb.cells:
            mark_not_run(cell, reason)
        self._record(resources)
        return nb, resources

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
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except (DeadKernelError, CellTimeoutError, _Halted):
            if not self.meter.reason:
                raise  # nbgrader's own failure (a kernel that died by itself), as with Execute
        cell.outputs.append(stopped_output(self.meter.reason, ran=True))
        if execution_count:
            cell.execution_count = execution_count
        self.nb.cells[cell_index] = cell
        return cell

    execute_cell = run_sync(async_execute_cell)

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
        if msg["msg_type"] in COUNTED:
            fit = self.meter.spend(payload_bytes(msg["msg_type"], msg["content"]))
            if fit is not None:
                self._keep_head(msg, cell, cell_index, fit)
                self._halt(self.meter.limits.output_reason(), cancel=True)
                return None
        return super().process_message(msg, cell, cell_index)

    def _keep_head(self, msg, cell, cell_index, fit: int) -> None:
        """The part of a stream that still fits, so the student sees where the output was cut."""
        if msg["msg_type"] == "stream" and fit > 0:
            text = msg["content"]["text"].encode("utf-8", "surrogatepass")[:fit].decode("utf-8", "ignore")
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
