"""Render a paper's archive (one edition per dated entry of a directory) on a Dask cluster.

source.py lists the dates and reads their pages; task.py is what a worker runs (page bytes
in, the edition's files out as bytes); run.py is the coordinator, the only writer of out/.
Dask is an optional extra (``audiopaper[cluster]``), imported only when a run starts.
"""

from audiopaper.archive.run import ArchiveOptions, ArchiveReport, archive, parse_day

__all__ = ["ArchiveOptions", "ArchiveReport", "archive", "parse_day"]
