"""Where runs execute: one process, a local process pool, or a Dask cluster.

Every experiment submits its runs to a :class:`concurrent.futures.Executor`, whatever runs
them, so there is one code path:

* :class:`SerialExecutor`: in this process, one run at a time (the default; easiest to debug);
* ``concurrent.futures.ProcessPoolExecutor`` (``workers=N``), with the ``spawn`` start method
  so that workers never inherit this process's threads or state;
* Dask distributed (``scheduler="tcp://HOST:PORT"`` or the standard environment variable
  ``DASK_SCHEDULER_ADDRESS``): ``distributed.Client(address).get_executor()``.

Results do not depend on the executor: every run's seed is fixed before it is submitted
(``sim.experiments.design.run_seeds``), and nothing a run computes depends on where or when it
ran. Dask is imported only when a scheduler is used.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

from ..extras import require

__all__ = [
    "SCHEDULER_ENV",
    "SerialExecutor",
    "executor_capacity",
    "given_or_open",
    "open_executor",
]

#: The environment variable Dask itself reads for the scheduler's address.
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"


class SerialExecutor(Executor):
    """Runs each submitted call at once, in this process; returns a finished Future."""

    def __init__(self) -> None:
        self._shutdown = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        if self._shutdown:
            raise RuntimeError("cannot submit after shutdown")
        future: Future = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the caller decides; KeyboardInterrupt still propagates
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._shutdown = True


def executor_capacity(executor: Executor) -> int:
    """How many runs the executor can work on at once (1 when it cannot tell)."""
    workers = getattr(executor, "_max_workers", None)  # ProcessPoolExecutor, ThreadPoolExecutor
    if isinstance(workers, int):
        return workers
    client = getattr(executor, "_client", None)  # distributed.cfexecutor.ClientExecutor
    if client is not None:
        with contextlib.suppress(Exception):
            return max(1, sum(client.nthreads().values()))
    return 1


def _ignore_sigint() -> None:
    """Pool workers leave Ctrl-C to the main process, which stops them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _terminate_workers(ex: Executor) -> None:
    """Stop a process pool's workers now (a run cut short writes nothing: results are
    written by the main process)."""
    terminate = getattr(ex, "terminate_workers", None)  # Python >= 3.14
    if callable(terminate):
        terminate()
        return
    for proc in list((getattr(ex, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            proc.terminate()


@contextlib.contextmanager
def open_executor(
    *, workers: int | None = None, scheduler: str | None = None
) -> Iterator[Executor]:
    """An executor for ``workers`` local processes or the Dask ``scheduler`` at an address.

    Precedence: ``scheduler``; then ``workers`` (> 1: a process pool, 1: serial); then the
    ``DASK_SCHEDULER_ADDRESS`` environment variable; else serial. The executor (and the Dask
    client) is shut down on exit; an interrupted experiment cancels what has not started.
    """
    if workers is not None and workers < 1:
        raise ValueError(f"workers = {workers!r}: use an integer >= 1")
    if scheduler is None and workers is None:
        scheduler = os.environ.get(SCHEDULER_ENV) or None
    if scheduler is not None:
        require("experiments", "a Dask scheduler", ("distributed",))
        from distributed import Client

        try:
            client = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise OSError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
        return
    if workers is None or workers == 1:
        ex: Executor = SerialExecutor()
    else:
        ex = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"), initializer=_ignore_sigint
        )
    try:
        yield ex
    except BaseException:  # Ctrl-C or an error: drop what has not started, stop the workers
        ex.shutdown(wait=False, cancel_futures=True)
        _terminate_workers(ex)
        raise
    else:
        ex.shutdown(wait=True)


def given_or_open(
    executor: Executor | None, *, workers: int | None = None, scheduler: str | None = None
) -> contextlib.AbstractContextManager[Executor]:
    """``executor`` as it is (the caller owns it), or :func:`open_executor` when it is None."""
    if executor is not None:
        return contextlib.nullcontext(executor)
    return open_executor(workers=workers, scheduler=scheduler)
