"""Benchmark ``audiopaper archive``: throughput on a local Dask cluster of 1 and of 2 workers.

Usage: python scripts/bench_archive.py [--editions N] [--page PAGE] [--workers 1,2]

Builds an archive of N dates, each holding the example page, and archives it with the real
offline voice, once per worker count, into a fresh output directory. Every edition must
cost what a new day's paper costs, so the workers' sentence cache is bounded at 1 MB
(AUDIOPAPER_CACHE_MB): it is trimmed after each edition, and no edition reuses another's
audio. Prints one JSON object: per worker count, wall time (cluster start-up included),
hours of audio per hour, the real-time factor, each edition's task time, the workers'
busy share, and the CPU time the workers spent per edition (what an unshared core would
take); then the scaling factor, the measured overhead of one Dask task, and the
load average before and after. Not a test: the machine is shared, figures are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_PAGE = PROJECT / "examples" / "page-2025-03-14.md"
FIRST_DAY = date(2025, 3, 1)


def make_source(root: Path, page: Path, editions: int) -> Path:
    source = root / "source"
    source.mkdir()
    for offset in range(editions):
        shutil.copyfile(page, source / f"{FIRST_DAY + timedelta(days=offset)}{page.suffix}")
    return source


def task_overhead_ms(workers: int) -> float:
    """Round trip of a trivial task through a local cluster (submit, run, result), in ms."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.submit(abs, -1, pure=False).result()  # warm the connections
        count = 100
        started = time.perf_counter()
        futures = [client.submit(abs, -n, pure=False) for n in range(count)]
        client.gather(futures)
        return (time.perf_counter() - started) / count * 1000


def run(source: Path, root: Path, workers: int) -> dict[str, object]:
    from audiopaper.archive import ArchiveOptions, archive
    from audiopaper.profiles import load_profile
    from audiopaper.voice.registry import EngineSpec

    profile = load_profile("standard")
    options = ArchiveOptions(
        source=source,
        out_dir=root / f"out-{workers}",
        base_url="http://127.0.0.1:8000/",
        paper="青梅日报",
        profile=profile,
        lead_first=True,
        engine=EngineSpec("offline", profile.offline_speed),
        jobs=workers,
        cache_dir=root / f"cache-{workers}",
    )
    report = archive(options, progress=lambda line: print(line, file=sys.stderr))
    if report.failed or len(report.published) != report.total:
        raise SystemExit(f"the archive failed: {report.failed}")
    seconds = sorted(report.edition_s.values())
    cpu = sum(report.edition_cpu_s.values())
    busy = sum(report.worker_busy_s.values())
    return {
        "workers": workers,
        "editions": len(report.published),
        "wall_s": round(report.elapsed_s, 1),
        "audio_s": round(report.audio_s, 1),
        "audio_hours_per_hour": round(report.audio_s / report.elapsed_s, 2),
        "real_time_factor": round(report.elapsed_s / report.audio_s, 4),
        "edition_task_s": {
            "mean": round(statistics.mean(seconds), 1),
            "min": round(seconds[0], 1),
            "max": round(seconds[-1], 1),
        },
        "workers_busy_share": round(busy / (workers * report.elapsed_s), 3),
        "edition_cpu_s_mean": round(cpu / len(report.published), 1),
        "audio_hours_per_cpu_hour": round(report.audio_s / cpu, 2),
        "summary": report.summary(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editions", type=int, default=4)
    parser.add_argument("--page", type=Path, default=DEFAULT_PAGE)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="audiopaper-bench-archive-") as temp:
        root = Path(temp)
        os.environ["AUDIOPAPER_CACHE_MB"] = "1"  # inherited by the local workers: every edition cold
        source = make_source(root, args.page, args.editions)
        results = [run(source, root, workers) for workers in counts]
        overhead = task_overhead_ms(max(counts))
    by_workers = {r["workers"]: r for r in results}
    scaling = None
    if 1 in by_workers and len(counts) > 1:
        top = max(counts)
        scaling = round(
            float(by_workers[top]["audio_hours_per_hour"])  # type: ignore[arg-type]
            / float(by_workers[1]["audio_hours_per_hour"]),  # type: ignore[arg-type]
            2,
        )
    print(
        json.dumps(
            {
                "page": str(args.page),
                "editions": args.editions,
                "cpus": os.cpu_count(),
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
                "runs": results,
                "scaling_factor": scaling,
                "dask_task_overhead_ms": round(overhead, 2),
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
