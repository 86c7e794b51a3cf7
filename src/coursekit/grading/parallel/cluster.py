"""The Dask cluster that grading runs on: a local one, or an existing scheduler by address."""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager

from ...errors import CourseError

CONNECT_TIMEOUT = 5  # seconds: an unreachable scheduler is reported quickly, not after Dask's 30 s


@contextmanager
def dask_client(*, scheduler: str | None, workers: int | None):
    """A distributed Client; a LocalCluster (one process per core, one thread each) unless ``scheduler``."""

    if scheduler and workers is not None:
        raise CourseError("--workers sizes the local cluster; with --scheduler the cluster's own workers are used.")
    quiet = _quiet_dask_logs()
    try:
        client = _connect(scheduler) if scheduler else _local(workers)
        with client:
            yield client
            if not scheduler:
                client.cluster.close()
    finally:
        quiet()


def _connect(address: str):
    from dask.distributed import Client

    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as e:
        why = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise CourseError(
            f"cannot reach the Dask scheduler at {address} within {CONNECT_TIMEOUT} s ({why}). "
            "Check the address (tcp://HOST:PORT) and that the scheduler runs, or drop --scheduler to grade here."
        ) from None
    try:
        client.wait_for_workers(1, timeout=30)
    except TimeoutError:
        client.close()
        raise CourseError(
            f"the Dask scheduler at {address} has no workers after 30 s; start some (dask worker {address})."
        ) from None
    return client


def _local(workers: int | None):
    from dask.distributed import Client, LocalCluster

    n = workers if workers is not None else os.cpu_count() or 1
    if n < 1:
        raise CourseError(f"--workers must be at least 1 (got {n}).")
    # Processes, one thread each: a kernel per worker at a time, and a kernel that takes its worker down
    # takes only that worker (the nanny restarts it and the scheduler re-runs its task elsewhere).
    cluster = LocalCluster(
        n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.CRITICAL
    )
    return Client(cluster)


def worker_threads(client) -> int:
    """How many submissions the cluster executes at once."""
    return max(1, sum(client.nthreads().values()))


def _quiet_dask_logs():
    """Dask logs worker restarts as warnings; the grading report says what matters, so hush them."""
    loggers = [logging.getLogger(n) for n in ("distributed", "distributed.nanny", "distributed.scheduler")]
    before = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)

    def restore():
        for lg, level in zip(loggers, before, strict=True):
            lg.setLevel(level)

    return restore
