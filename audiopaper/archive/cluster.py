"""The Dask connection: a remote scheduler's client, or a local cluster run the same way.

Dask is the optional extra ``audiopaper[cluster]``: it is imported here, when a run has
work to send, so the rest of audiopaper (and ``archive --help``) works without it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

from audiopaper.errors import ClusterError

if TYPE_CHECKING:
    from distributed import Client

CONNECT_TIMEOUT_S = 30
"""How long to wait for a remote scheduler to answer."""


@contextlib.contextmanager
def connect(cluster: str | None, jobs: int) -> Iterator[Client]:
    """A client of the scheduler at ``cluster``, or of a local cluster of ``jobs`` processes."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as error:
        raise ClusterError(
            "the archive command needs Dask: pip install '.[cluster]' in audiopaper's source folder, "
            "or pip install 'dask[distributed]'"
        ) from error
    # Dask reports every connection at INFO; only its warnings (a worker lost…) belong on stderr.
    logging.getLogger("distributed").setLevel(logging.WARNING)
    if cluster is None:
        with (
            LocalCluster(
                n_workers=jobs,
                threads_per_worker=1,  # one inference thread per process beats two threads (scheduler.py)
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as local,
            Client(local) as client,
        ):
            yield client
        return
    try:
        client = Client(cluster, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {cluster} ({error}); start one with "
            "'dask scheduler' or check --cluster"
        ) from error
    with client:
        yield client
