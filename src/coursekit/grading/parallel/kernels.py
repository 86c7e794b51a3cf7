"""Kernels started ahead of need in a grading worker: a pool of one, each kernel used for ONE notebook.

nbclient starts a kernel, runs the notebook, then shuts the kernel down and waits for it to exit,
all on the critical path (seconds of mostly waiting per submission). Here, while a worker runs
notebook k, the kernel for notebook k+1 is already starting in the background, and kernel k
is shut down in the background afterwards. Isolation is unchanged: every notebook gets a new
kernel process that nothing ran in before.

The kernel is launched as nbclient would launch it (same kernel manager class, kernel name,
arguments, environment with NBGRADER_EXECUTION=autograde), except that the notebook's folder
is not known yet: it starts in an empty folder and, before the notebook runs, a silent
execution (no output, no execution count) moves it there and resets IPython's ``_dh``.
The first notebook of each worker gets a kernel started directly in its folder.

A sandboxed kernel (SandboxedExecute, see sandbox/) is started the same way, ahead of need, in
a new box whose working folder is still empty: SandboxedExecute copies the submission into it
when the kernel is taken, so nothing needs moving. A notebook already scored without a kernel
takes none.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, replace

from jupyter_client.manager import AsyncKernelManager

from ..sandbox.execute import SandboxedExecute, already_scored
from ..sandbox.kernel import SandboxKernelManager, new_manager
from ..sandbox.limits import Limits

STARTUP_TIMEOUT = 60


@dataclass(frozen=True)
class Plan:
    """Everything that decides how a kernel is launched; a kernel started for one plan serves only that plan."""

    kernel_name: str
    extra_arguments: tuple
    hist_file: str
    token: str  # one grading run's config: kernels are never shared between runs
    sandbox: Limits | None = None  # a SandboxedExecute kernel: started in a box under these limits
    forbidden: tuple = ()  # folders that never enter its sandbox


def plan_for(pp, nb, token: str) -> Plan | None:
    """How nbclient would launch the kernel for ``nb``; None when we cannot reproduce it (then nbclient does it)."""
    sandboxed = isinstance(pp, SandboxedExecute)
    if (pp.kernel_manager_class is not AsyncKernelManager and not sandboxed) or pp.km is not None:
        return None
    name = pp.kernel_name or nb.metadata.get("kernelspec", {}).get("name") or ""
    plan = Plan(name, tuple(pp.extra_arguments), pp.ipython_hist_file or "", token)
    if sandboxed:
        return replace(plan, sandbox=pp.limits(), forbidden=pp.forbidden())
    return plan


class _Loop:
    """One background thread with its own event loop: kernel managers live and die there."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="next-kernel", daemon=True).start()

    def run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop)


class NextKernel:
    def __init__(self):
        self._loop: _Loop | None = None
        self._pending = None  # (plan, concurrent future of a started AsyncKernelManager)
        self._lock = threading.Lock()
        self._folder: str | None = None  # where an unsandboxed kernel waits for its notebook
        self._retiring: set = set()  # shutdowns in flight: release() waits for them (they remove boxes)

    @property
    def folder(self) -> str:
        if self._folder is None:
            self._folder = tempfile.mkdtemp(prefix="coursekit-next-kernel-")
        return self._folder

    @property
    def loop(self) -> _Loop:
        if self._loop is None:
            self._loop = _Loop()
        return self._loop

    def take(self, plan: Plan, cwd: str, config):
        """A started kernel for ``plan`` moved to ``cwd``: the one prepared ahead, else a new one started in ``cwd``."""
        with self._lock:
            pending, self._pending = self._pending, None
        if pending is not None:
            ready_plan, future = pending
            try:
                km = future.result(timeout=STARTUP_TIMEOUT)
            except Exception:
                km = None
            if km is not None and ready_plan == plan:
                try:
                    if plan.sandbox is None:  # a sandboxed kernel already works in its box
                        self.loop.run(_move(km, cwd)).result(timeout=STARTUP_TIMEOUT)
                    return km
                except Exception:
                    pass
            if km is not None:
                self.retire(km)
        return self.loop.run(_start(plan, cwd, config)).result(timeout=STARTUP_TIMEOUT)

    def prepare(self, plan: Plan, config) -> None:
        """Start the next kernel for ``plan`` in the background (if none is waiting)."""
        with self._lock:
            if self._pending is None:
                folder = None if plan.sandbox else self.folder
                self._pending = (plan, self.loop.run(_start(plan, folder, config)))

    def retire(self, km) -> None:
        """Shut a used kernel down in the background (nbclient would wait for it); a sandboxed one is killed."""
        future = self.loop.run(_stop(km, now=isinstance(km, SandboxKernelManager)))
        with self._lock:
            self._retiring.add(future)
        future.add_done_callback(self._retired)

    def _retired(self, future) -> None:
        with self._lock:
            self._retiring.discard(future)

    def release(self) -> None:
        """Shut down the kernel waiting for work and wait for used ones to be gone (end of a grading run)."""
        with self._lock:
            pending, self._pending = self._pending, None
        if pending is not None:
            try:
                km = pending[1].result(timeout=STARTUP_TIMEOUT)
                self.loop.run(_stop(km, now=True)).result(timeout=30)  # it never ran any code: no need to wait
            except Exception:
                pass
        with self._lock:
            retiring = list(self._retiring)
        concurrent.futures.wait(retiring, timeout=30)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


async def _start(plan: Plan, cwd: str | None, config) -> AsyncKernelManager:
    """A started kernel for ``plan`` in ``cwd``; a sandboxed one starts in a new box instead."""
    # As nbclient's create_kernel_manager and async_start_new_kernel do it.
    if plan.sandbox is not None:
        km = new_manager(plan.kernel_name, config, plan.sandbox, forbidden=plan.forbidden)
        cwd = str(km.box.work)
    else:
        km = AsyncKernelManager(kernel_name=plan.kernel_name, config=config) if plan.kernel_name else None
        km = km or AsyncKernelManager(config=config)
    args = list(plan.extra_arguments)
    if km.ipykernel and plan.hist_file and not any(a.startswith("--HistoryManager.hist_file") for a in args):
        args.append(f"--HistoryManager.hist_file={plan.hist_file}")
    env = {**os.environ, "NBGRADER_EXECUTION": "autograde"}  # what nbgrader's setenv gives the kernel
    try:
        await km.start_kernel(extra_arguments=args, cwd=cwd, env=env)
    except BaseException:
        await _stop(km, now=True)  # also removes a sandboxed kernel's box
        raise
    return km


_MOVE = """\
import os as __coursekit_os
__coursekit_os.chdir({cwd!r})
try:
    get_ipython().user_ns["_dh"][:] = [__import__("pathlib").Path({cwd!r})]
except Exception:
    pass
del __coursekit_os
"""


async def _move(km: AsyncKernelManager, cwd: str) -> None:
    """Silently make ``cwd`` the kernel's working folder, as if it had been started there."""
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
        reply = await kc.execute_interactive(
            _MOVE.format(cwd=cwd), silent=True, store_history=False, timeout=STARTUP_TIMEOUT
        )
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not move the kernel to {cwd}")
    finally:
        kc.stop_channels()


async def _stop(km: AsyncKernelManager, now: bool = False) -> None:
    try:
        if await km.is_alive():
            await km.shutdown_kernel(now=now)
        else:
            await km.cleanup_resources()
    except Exception:
        pass


NEXT = NextKernel()  # one per worker process


def execute(pp, nb, resources, token: str):
    """Run nbgrader's Execute preprocessor ``pp`` with a kernel from NEXT; nbclient's own path when unsupported."""
    if not pp.enabled or already_scored(resources):
        return nb, resources
    plan = plan_for(pp, nb, token)
    if plan is None:
        return pp(nb, resources)
    cwd = resources.get("metadata", {}).get("path") or os.getcwd()
    km = NEXT.take(plan, cwd, pp.config)
    NEXT.prepare(plan, pp.config)
    try:
        return pp.preprocess(nb, resources, km=km)
    finally:
        kc = getattr(pp, "kc", None)
        if kc is not None:
            kc.stop_channels()
        NEXT.retire(km)


def release() -> int:
    """End of a grading run: no kernel left waiting in this worker."""
    NEXT.release()
    return 0
