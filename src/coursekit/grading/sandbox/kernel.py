"""A jupyter_client kernel manager whose kernel runs in a box: Unix sockets, the sandbox command, limits.

The kernel talks over ``transport="ipc"`` (Unix sockets, see ``sockets.py``), so it needs no TCP
port: that works without a network and ends the ``ZMQError: Address already in use`` race between
parallel workers. Interrupts go as messages (the kernel's own control thread raises
KeyboardInterrupt), because a SIGINT sent to the process group would reach bubblewrap and end the
whole sandbox. Memory and processes are limited by the sandbox's own cgroup where the grader can
make one (``cgroups.py``), else memory by a watchdog (``watchdog.py``). Cleaning up removes the box.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from contextlib import suppress
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from . import bwrap, cgroups
from .limits import MB, Limits
from .sockets import CappedContext, SandboxKernelClient, SandboxRoute, message_cap
from .watchdog import WATCHDOG, Watch
from .workspace import Box

STARTUP_TIMEOUT = 60


class SandboxKernelManager(SandboxRoute, AsyncKernelManager):
    def __init__(self, *, box: Box, limits: Limits, isolation: bwrap.Isolation, forbidden=(), **kwargs):
        self.box, self.limits, self.isolation, self.forbidden = box, limits, isolation, tuple(forbidden)
        self.guard: cgroups.Cgroup | Watch | None = None
        # Isolated, the kernel binds its sockets in its sandbox; else beside its connection file.
        ip = f"{bwrap.SOCKETS}/kernel" if isolation.tool else str(box.ipc / "kernel")
        kwargs.update(transport="ipc", ip=ip, connection_file=str(box.connection))
        kwargs.setdefault("client_class", "coursekit.grading.sandbox.sockets.SandboxKernelClient")
        super().__init__(**kwargs)

    def _context_default(self) -> CappedContext:
        self._created_context = True  # so jupyter_client destroys it with the kernel
        return CappedContext(self.message_cap)

    @property
    def message_cap(self) -> int:
        """The largest message part the grader's sockets to this kernel accept."""
        return message_cap(self.limits.output_bytes)

    def client(self, **kwargs) -> SandboxKernelClient:
        kc = super().client(**kwargs)
        kc.sandbox_root = self.sandbox_root
        return kc

    @property
    def workdir(self) -> Path:
        """The kernel's working folder, as the grader reaches it (where the submission is copied)."""
        return Path(f"{self.sandbox_root}{bwrap.INSIDE}") if self.sandbox_root else self.box.work

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        self.box.hand_over(self.connection_file)
        env = bwrap.kernel_env(self.isolation, self.box, kw.get("env") or os.environ)
        cmd = bwrap.command(self.isolation, self.box, kernel_cmd, self.limits, env=env, forbidden=self.forbidden)
        if self.isolation.tool and cgroups.support().parents:
            self.guard = cgroups.Cgroup.create(self.box.root.name, self.limits, cgroups.support())
            cmd = [*self.guard.join_prefix(), *cmd]
        kw.update(cwd=str(self.box.work), env=env)
        # What the kernel prints outside any cell goes to a file in the box, not to the grader's terminal.
        with open(self.box.log, "ab") as log:
            kw.update(stdout=log, stderr=log)
            await super()._async_launch_kernel(cmd, **kw)
        if self.isolation.tool:
            self.sandbox_root = await self._sandbox_root()
            if self.guard is None and self.limits.memory_mb:
                self.guard = WATCHDOG.watch(self.sandbox_root, bwrap.INSIDE, self.limits.memory_mb * MB, self.kill_now)

    _launch_kernel = _async_launch_kernel

    async def _sandbox_root(self) -> str:
        """``/proc/<pid>/root`` of the sandbox, once the kernel's sockets are bound in it."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        ports = [self.shell_port, self.iopub_port, self.stdin_port, self.control_port, self.hb_port]
        while time.monotonic() < deadline and self.provisioner.process.poll() is None:
            for pid in _children(self.provisioner.pid):
                root = f"/proc/{pid}/root"
                if _moved(root) and all(os.path.exists(f"{root}{self.ip}-{port}") for port in ports):
                    return root
            await asyncio.sleep(0.01)
        self.kill_now()
        raise RuntimeError(start_failure(self))

    def broken_limit(self) -> str | None:
        """The limit the Linux kernel or the watchdog enforced by killing the sandbox, if any."""
        guard = self.guard
        hit = guard.tripped if isinstance(guard, Watch) else guard is not None and guard.out_of_memory()
        return self.limits.memory_reason() if hit else None

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

    def cleanup_ipc_files(self) -> None:
        if not self.sandbox_root:  # in a sandbox, the sockets went with its scratch space
            super().cleanup_ipc_files()

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            if not restart:
                self._release()

    cleanup_resources = _async_cleanup_resources

    def _release(self) -> None:
        guard, self.guard = self.guard, None
        if isinstance(guard, Watch):
            WATCHDOG.forget(guard)
        elif guard is not None:
            guard.remove()
        self.box.remove()


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (bubblewrap's: the sandbox's first process)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:  # a Linux built without CONFIG_PROC_CHILDREN: ask every process for its parent
        return [int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(p) == pid]
    except (OSError, ValueError):
        return []


def _parent(pid: str) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def _moved(root: str) -> bool:
    """Has the process at ``root`` entered its own root folder (bubblewrap set the sandbox up)?"""
    try:
        inside, here = os.stat(root), os.stat("/")
    except OSError:
        return False
    return (inside.st_dev, inside.st_ino) != (here.st_dev, here.st_ino)


def start_failure(km: SandboxKernelManager) -> str:
    """Why a kernel died before it answered, in one line (for the grader's report)."""
    why = km.box.last_log_line()
    where = "in its sandbox" if km.isolation.tool else "without a sandbox"
    return f"the grading kernel could not start {where}" + (f": {why}" if why else "")


def new_manager(kernel_name: str, config, limits: Limits, *, forbidden=(), tool: str = "bwrap") -> SandboxKernelManager:
    """A manager for one kernel in a new, empty box (the caller copies the submission into ``km.workdir`` once the
    kernel runs, before any cell)."""
    box = Box.create()
    kwargs = {"kernel_name": kernel_name} if kernel_name else {}
    iso = bwrap.isolation(tool)
    return SandboxKernelManager(box=box, limits=limits, isolation=iso, forbidden=forbidden, config=config, **kwargs)
