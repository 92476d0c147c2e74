"""Run a function over chunks of a list in worker processes, results in the list's order.

validate uses it for many files: each chunk's results and its validate.Pair summary come back
in chunk order, so the output is the one a serial run prints, byte for byte, and the cross-file
login/menu bar comparison happens in the parent.

Decisions:
- Below MIN_PER_WORKER items per worker a pool costs more than it saves (starting a worker and
  sending results back), so small batches, the common `validate ONE_FILE`, stay in-process
  unless --jobs asks for workers explicitly.
- Workers are forked where the platform can fork: they inherit the loaded rules, catalogs and
  the --ca-file trust store instead of importing and reading them again (and the trust store's
  certificates need not be picklable). Without fork (Windows) the run stays serial.
- Chunks are small enough (a few per worker) that one slow file cannot leave a core idle for
  long, and large enough that sending results back is cheap.
- ProcessPoolExecutor, not multiprocessing.Pool: a worker that dies (killed, out of memory)
  raises BrokenProcessPool instead of leaving the run waiting forever.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PER_WORKER = 150
CHUNKS_PER_WORKER = 4
MAX_CHUNK = 500
SERIAL_CHUNK = 64

_job: list[Any] = []


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS has no sched_getaffinity
        return os.cpu_count() or 1


def plan(items: int, jobs: int | None) -> int:
    """How many worker processes to use for ``items`` items (1: no pool). The default keeps
    MIN_PER_WORKER items per worker; an explicit --jobs N is honoured up to one per item."""
    if not hasattr(os, "fork"):
        return 1
    if jobs is None:
        return max(1, min(default_jobs(), items // MIN_PER_WORKER))
    return max(1, min(jobs, items))


def run_chunks(func: Callable[..., R], items: Sequence[T], context: tuple[Any, ...], jobs: int | None) -> Iterator[R]:
    """``func(chunk, *context)`` for consecutive chunks of ``items``, in order."""
    workers = plan(len(items), jobs)
    if workers == 1:
        # In chunks here too, so that results can be given out (and forgotten) as the run goes.
        for i in range(0, len(items), SERIAL_CHUNK):
            yield func(items[i : i + SERIAL_CHUNK], *context)
        return
    import multiprocessing  # here, not at the top: a one-file run never pays for these imports
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, min(MAX_CHUNK, -(-len(items) // (workers * CHUNKS_PER_WORKER))))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=fork, initializer=_init, initargs=(func, context)) as pool:
        yield from pool.map(_run, chunks)


def _init(func: Callable[..., Any], context: tuple[Any, ...]) -> None:
    _job[:] = [func, context]


def _run(chunk: Sequence[Any]) -> Any:
    func, context = _job
    return func(chunk, *context)
