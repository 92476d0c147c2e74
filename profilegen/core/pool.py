"""Run a function over chunks of a list in worker processes, results in the list's order.

validate uses it for many files: each chunk's results and its validate.Pair summary come back
in chunk order, so the output is the one a serial run prints, byte for byte, and the cross-file
login/menu bar comparison happens in the parent.

Decisions:
- Below MIN_PER_WORKER items per worker a pool costs more than it saves (starting a worker and
  sending results back), so small batches, the common `validate ONE_FILE`, stay in-process
  unless --jobs asks for workers explicitly.
- Workers are forked on Linux and the other Unixes: they inherit the loaded rules and catalogs
  instead of importing and reading them again. On macOS they are spawned: Python's docs say
  "the fork start method should be considered unsafe as it can lead to crashes of the
  subprocess as macOS system libraries may start threads" and made spawn the default there in
  3.8 (https://docs.python.org/3/library/multiprocessing.html#contexts-and-start-methods). A
  spawned worker imports profilegen afresh and receives the context pickled, so what is in it
  must pickle (signing.trust.Trust pickles its certificates as DER). Without fork (Windows) the
  run stays serial, as before.
- PROFILEGEN_POOL_START=spawn|fork|forkserver picks the start method anyway: the tests run
  spawn on Linux through the code path macOS takes and compare its output byte for byte.
- Chunks are small enough (a few per worker) that one slow file cannot leave a core idle for
  long, and large enough that sending results back is cheap.
- ProcessPoolExecutor, not multiprocessing.Pool: a worker that dies (killed, out of memory)
  raises BrokenProcessPool instead of leaving the run waiting forever.
"""

from __future__ import annotations

import os
import sys
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


START_METHODS = ("fork", "spawn", "forkserver")
START_ENV = "PROFILEGEN_POOL_START"


def start_method(platform: str | None = None) -> str | None:
    """How workers start: spawn on macOS, fork where there is fork, None (no workers) elsewhere."""
    forced = os.environ.get(START_ENV)
    if forced in START_METHODS:
        return forced
    if (platform or sys.platform) == "darwin":
        return "spawn"
    return "fork" if hasattr(os, "fork") else None


def plan(items: int, jobs: int | None) -> int:
    """How many worker processes to use for ``items`` items (1: no pool). The default keeps
    MIN_PER_WORKER items per worker; an explicit --jobs N is honoured up to one per item."""
    if start_method() is None:
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
    method = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(workers, mp_context=method, initializer=_init, initargs=(func, context)) as pool:
        yield from pool.map(_run, chunks)


def _init(func: Callable[..., Any], context: tuple[Any, ...]) -> None:
    _job[:] = [func, context]


def _run(chunk: Sequence[Any]) -> Any:
    func, context = _job
    return func(chunk, *context)
