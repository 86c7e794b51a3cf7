"""A jupyter_client kernel manager whose kernel runs in a box: Unix sockets, the sandbox command, limits.

The kernel talks over ``transport="ipc"`` (Unix sockets in the box's ``ipc/`` folder, shared
with the sandbox), so it needs no TCP port: that works without a network and ends the
``ZMQError: Address already in use`` race between parallel workers. Interrupts go as messages
(the kernel's own control thread raises KeyboardInterrupt), because a SIGINT sent to the
process group would reach bubblewrap and end the whole sandbox. Cleaning up removes the box.
"""

from __future__ import annotations

import os
import signal
from contextlib import suppress

from jupyter_client.manager import AsyncKernelManager

from . import bwrap
from .limits import Limits
from .workspace import Box


class SandboxKernelManager(AsyncKernelManager):
    def __init__(self, *, box: Box, limits: Limits, isolation: bwrap.Isolation, forbidden=(), **kwargs):
        kwargs.update(transport="ipc", ip=str(box.ipc / "kernel"), connection_file=str(box.ipc / "kernel.json"))
        super().__init__(**kwargs)
        self.box, self.limits, self.isolation, self.forbidden = box, limits, isolation, tuple(forbidden)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        self.box.hand_over(self.connection_file)
        env = bwrap.kernel_env(self.isolation, self.box, kw.get("env") or os.environ)
        cmd = bwrap.command(self.isolation, self.box, kernel_cmd, self.limits, env=env, forbidden=self.forbidden)
        kw.update(cwd=str(self.box.work), env=env)
        # What the kernel prints outside any cell goes to a file in the box, not to the grader's terminal.
        with open(self.box.log, "ab") as log:
            kw.update(stdout=log, stderr=log)
            await super()._async_launch_kernel(cmd, **kw)

    _launch_kernel = _async_launch_kernel

    async def _async_interrupt_kernel(self) -> None:
        if not self.has_kernel:
            raise RuntimeError("Cannot interrupt kernel. No kernel is running!")
        self._connect_control_socket()
        self.session.send(self._control_socket, self.session.msg("interrupt_request", content={}))

    interrupt_kernel = _async_interrupt_kernel

    def kill_now(self) -> None:
        """SIGKILL the sandbox at once, from synchronous code (a limit was broken): its PID namespace dies with it."""
        provisioner = self.provisioner
        if provisioner is None or getattr(provisioner, "process", None) is None:
            return
        with suppress(OSError):
            os.killpg(provisioner.pgid, signal.SIGKILL)
        with suppress(OSError):
            provisioner.process.kill()

    async def _async_kill_kernel(self, restart: bool = False) -> None:
        # A SIGKILLed sandbox is gone within milliseconds; jupyter_client would poll for it every 0.1 s.
        if self.has_kernel:
            self.kill_now()
            with suppress(Exception):
                self.provisioner.process.wait(timeout=5)
        await super()._async_kill_kernel(restart=restart)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            if not restart:
                self.box.remove()

    cleanup_resources = _async_cleanup_resources


def start_failure(km: SandboxKernelManager) -> str:
    """Why a kernel died before it answered, in one line (for the grader's report)."""
    why = km.box.last_log_line()
    where = "in its sandbox" if km.isolation.tool else "without a sandbox"
    return f"the grading kernel could not start {where}" + (f": {why}" if why else "")


def new_manager(kernel_name: str, config, limits: Limits, *, forbidden=(), tool: str = "bwrap") -> SandboxKernelManager:
    """A manager for one kernel in a new, empty box (the caller fills ``km.box.work`` before any cell runs)."""
    box = Box.create()
    kwargs = {"kernel_name": kernel_name} if kernel_name else {}
    iso = bwrap.isolation(tool)
    return SandboxKernelManager(box=box, limits=limits, isolation=iso, forbidden=forbidden, config=config, **kwargs)
