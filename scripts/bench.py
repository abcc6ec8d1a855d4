"""Benchmark a render: cold, warm, one article changed (and optionally a tenfold page).

Usage: python scripts/bench.py [PAGE] [--long] [--jobs N]

Runs ``audiopaper render`` in a subprocess with an empty private cache, measures wall
time and the peak memory of the whole process tree (sampled from /proc every 250 ms), and
prints one JSON object. Not a test: timings depend on the machine (see README).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_PAGE = PROJECT / "examples" / "page-2025-03-14.md"
DATE = "2024-10-28"


def process_pss_bytes(pid: int) -> int:
    """Proportional set size of one process (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_memory_bytes(root: int) -> int:
    """Memory of ``root`` and all its descendants: the sum of their proportional set sizes.

    PSS counts a page shared by N processes (the forked workers share the parent's
    libraries and data) as 1/N in each, so the sum is the tree's real footprint; summing
    RSS would count shared pages once per process.
    """
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    family = {root}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                changed = True
    total = 0
    for pid in family:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def run_render(page: Path, out: Path, cache: Path, jobs: int | None) -> dict[str, float]:
    """One render; returns wall seconds, peak tree memory and the manifest's figures."""
    command = [sys.executable, "-m", "audiopaper.cli", "render", str(page), "--date", DATE,
               "--out", str(out), "--cache-dir", str(cache), "--engine", "offline"]  # fmt: skip
    if jobs:
        command += ["--jobs", str(jobs)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    parent_peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, parent_peak
        while not done.is_set():
            peak = max(peak, tree_memory_bytes(process.pid))
            parent_peak = max(parent_peak, process_pss_bytes(process.pid))
            time.sleep(0.25)  # sampling more often steals CPU from the render it measures

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode not in (0, 3):
        sys.exit(f"render failed ({process.returncode}):\n{stderr}")
    manifest = json.loads((out / "editions" / DATE / "edition.json").read_text(encoding="utf-8"))
    synthesis = manifest.get("synthesis", {})
    return {
        "wall_s": round(wall, 2),
        "peak_memory_mb": round(peak / 1024**2, 1),
        "peak_parent_memory_mb": round(parent_peak / 1024**2, 1),
        "audio_s": round(manifest["duration"], 1),
        "engine_s": synthesis.get("engine_seconds", 0.0),
        "synthesized": synthesis.get("synthesized", 0),
        "from_cache": synthesis.get("from_cache", 0),
    }


def changed_copy(page: Path, target: Path) -> None:
    """The page with one sentence added to its first long paragraph (one article changed)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if not line.startswith(("#", "■")) and len(line) > 40:
            lines[index] = line + "此稿件已于发稿前更新。"
            break
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def tenfold_page(base: Path, target: Path, reference: Path) -> None:
    """Copies of ``base`` with distinct numbering until the page is ten times ``reference``."""
    text = base.read_text(encoding="utf-8")
    goal = 10 * len(reference.read_text(encoding="utf-8"))
    copies = []
    number = 1
    while sum(len(c) for c in copies) < goal:
        copy = re.sub(r"^(#+ .*)$", rf"\1（第{number}组）", text, flags=re.M)
        copy = re.sub(r"^(本报讯 )", rf"\1第{number}组消息，", copy, flags=re.M)
        # A marker in every clause, in Chinese numerals: the cleaner removes any run of 32
        # Chinese characters printed twice, and digits do not count as Chinese characters.
        marker = "第" + str(number).translate(str.maketrans("0123456789", "零一二三四五六七八九")) + "组"
        copy = re.sub(r"([,，。、])(?!$)", rf"\1{marker}", copy)
        copies.append(copy)
        number += 1
    target.write_text("\n\n".join(copies), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("page", nargs="?", type=Path, default=DEFAULT_PAGE)
    parser.add_argument("--long", action="store_true", help="also render a page ten times as long")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="audiopaper-bench-") as temp:
        work = Path(temp)
        cold = run_render(args.page, work / "out", work / "cache", args.jobs)
        warm = run_render(args.page, work / "out", work / "cache", args.jobs)
        changed_copy(args.page, work / "changed.md")
        incremental = run_render(work / "changed.md", work / "out", work / "cache", args.jobs)
        jobs = args.jobs or os.cpu_count() or 1
        engine_wall = cold["engine_s"] / jobs  # workers run side by side
        result: dict[str, object] = {
            "page": str(args.page),
            "cpu_count": os.cpu_count(),
            "jobs": jobs,
            "audio_seconds": cold["audio_s"],
            "cold_wall_s": cold["wall_s"],
            "cold_rtf": round(cold["wall_s"] / cold["audio_s"], 4),
            "engine_seconds_sum": cold["engine_s"],
            "outside_engine_share": round(max(0.0, 1 - engine_wall / cold["wall_s"]), 3),
            "warm_wall_s": warm["wall_s"],
            "incremental_wall_s": incremental["wall_s"],
            "incremental_share_of_cold": round(incremental["wall_s"] / cold["wall_s"], 3),
            "incremental_lines_synthesized": incremental["synthesized"],
            "peak_memory_mb": max(
                cold["peak_memory_mb"], warm["peak_memory_mb"], incremental["peak_memory_mb"]
            ),
        }
        if args.long:
            tenfold_page(DEFAULT_PAGE, work / "long.md", args.page)
            long = run_render(work / "long.md", work / "out-long", work / "cache-long", args.jobs)
            result["long"] = {
                **long,
                "rtf": round(long["wall_s"] / long["audio_s"], 4),
                "memory_vs_page": round(long["peak_memory_mb"] / cold["peak_memory_mb"], 2),
            }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
