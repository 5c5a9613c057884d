"""Extraction on dask.distributed workers, for batches larger than one machine.

The workers only compute: each gets a task (and the document's bytes, unless it can read the
raw store at the same path) and returns the rendered JSON text. Everything that writes stays
in the client, as with the process pool: the catalog, the outputs (atomic renames, edits kept),
the index. So the incremental rules and kill -9 safety are the process pool's, and the outputs
are byte for byte the same.

A worker that dies (killed, out of memory, its machine gone) loses only time: the scheduler
hands its tasks to other workers. A document that kills every worker it is given (Dask's
`allowed-failures`, 3 by default) is reported as an error, as in the process pool.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

from extract import __version__
from extract.errors import ExtractError
from extract.ingest.batch import Result, Task, render_version, write_rendered
from extract.ingest.store import RawStore

IN_FLIGHT_PER_WORKER = 4  # tasks queued per worker: none idles, the client holds few bytes
LOCAL_MEMORY_LIMIT = "4GiB"  # per LocalCluster worker: Dask restarts a worker past it
CONNECT_TIMEOUT = "30s"  # to reach a scheduler: a busy one answers in well under a second


class ClusterMismatch(ExtractError):
    """The Dask workers run another version of the extractor than this client."""


class ClusterUnavailable(ExtractError):
    """No Dask scheduler answers at the address given."""


def _worker_facts(store_object: str | None) -> tuple[str, bool]:
    """On a worker: the extractor version it imports, and whether it sees the store's file."""
    import extract

    return extract.__version__, store_object is not None and os.path.isfile(store_object)


def _warm() -> None:
    """On a worker: load the pipeline and its Sudachi dictionary before the first document."""
    import extract.pipeline  # noqa: F401
    from extract.structure.segment import tokenizer

    tokenizer()


def _client(address: str, workers: int, stack: ExitStack) -> Any:
    """Return a client of the scheduler at `address`, or of a new LocalCluster ("local")."""
    from distributed import Client, LocalCluster

    if address == "local":
        cluster = stack.enter_context(LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
            memory_limit=LOCAL_MEMORY_LIMIT, silence_logs=40))
        return stack.enter_context(Client(cluster))
    try:
        return stack.enter_context(Client(address, timeout=CONNECT_TIMEOUT))
    except OSError as error:  # distributed's connection timeouts are OSErrors
        raise ClusterUnavailable(f"no Dask scheduler answers at {address}: {error}") from None


def execute_on_dask(tasks: list[Task], address: str, workers: int, store: RawStore,
                    ship_bytes: bool | None = None) -> Iterator[Result]:
    """Yield the result of every task, extracted on Dask workers and written here.

    `ship_bytes`: send each document's bytes to the workers (True), let them read the store
    (False), or find out whether every worker sees the store at our path (None).
    """
    from distributed import as_completed
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    with ExitStack() as stack:
        client = _client(address, workers, stack)
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except TimeoutError:
            raise ClusterUnavailable(f"the Dask scheduler at {address} has no workers: start "
                                     "some with `dask worker ADDRESS`") from None
        facts = client.run(_worker_facts, tasks[0].stored if tasks else None)
        versions = {version for version, _ in facts.values()}
        if versions != {__version__}:
            raise ClusterMismatch(f"the Dask workers run extract {', '.join(sorted(versions))}"
                                  f", this client {__version__}: install the same version")
        if ship_bytes is None:
            ship_bytes = not all(seen for _, seen in facts.values())
        client.run(_warm)
        in_flight = max(1, len(facts)) * IN_FLIGHT_PER_WORKER
        pending = list(reversed(tasks))
        by_key: dict[str, Task] = {}
        running = as_completed()

        def submit() -> None:
            while pending and len(by_key) < in_flight:
                task = pending.pop()
                data = (client.scatter(store.read(task.sha256), hash=False)
                        if ship_bytes else None)
                key = f"extract-{task.version_id}-{uuid.uuid4().hex[:8]}"
                by_key[key] = task
                running.add(client.submit(render_version, task, data, key=key, pure=False))

        submit()
        for future in running:
            task = by_key.pop(future.key)
            try:
                rendered = future.result()
            except (KilledWorker, FutureCancelledError) as error:
                rendered = Result(task.version_id, "error", error="the Dask workers given "
                                  f"this document died ({type(error).__name__})")
            except Exception as error:
                rendered = Result(task.version_id, "error", error=f"{type(error).__name__}: "
                                  f"{error}")
            future.release()
            try:
                yield write_rendered(task, rendered)
            except OSError as error:  # the output folder: full, read-only, gone
                yield Result(task.version_id, "error", error=f"cannot write {task.output}: "
                             f"{error.strerror}")
            submit()
