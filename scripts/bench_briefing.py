"""Benchmark the 要闻 briefing: how long it takes to make for an already rendered edition.

Usage: python scripts/bench_briefing.py [PAGE] [--runs N]

Renders PAGE once with the offline voice into a private directory, then makes its briefing
N times, each in a fresh process, and prints one JSON object: the making time itself (what a
render's publish step spends on it) and the whole process's wall time, and the renditions'
measured loudness. Not a test:
timings depend on the machine (docs/measurements.md).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_PAGE = PROJECT / "examples" / "page-2025-03-14.md"
DATE = "2024-10-28"

MAKE_BRIEFING = """
import sys
import time
from pathlib import Path
from audiopaper.publish.briefing import write_briefing
from audiopaper.publish.manifest import EditionManifest
edition = Path(sys.argv[1])
started = time.perf_counter()
write_briefing(edition, EditionManifest.read(edition / "edition.json"))
print(round(time.perf_counter() - started, 2))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("page", nargs="?", type=Path, default=DEFAULT_PAGE)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from audiopaper.audio.encode import measure_loudness
    from audiopaper.publish.briefing import BRIEFING_DIR, Briefing

    with tempfile.TemporaryDirectory(prefix="audiopaper-bench-briefing-") as temp:
        out = Path(temp) / "out"
        subprocess.run(
            [sys.executable, "-m", "audiopaper.cli", "render", str(args.page), "--date", DATE,
             "--out", str(out), "--cache-dir", str(Path(temp) / "cache"), "--engine", "offline"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        edition = out / "editions" / DATE
        walls, making = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            run = subprocess.run(
                [sys.executable, "-c", MAKE_BRIEFING, str(edition)],
                check=True,
                capture_output=True,
                text=True,
            )
            walls.append(round(time.perf_counter() - started, 2))
            making.append(float(run.stdout.strip()))
        briefing = Briefing.read(edition / BRIEFING_DIR / "briefing.json")
        edition_s = json.loads((edition / "edition.json").read_text(encoding="utf-8"))["duration"]
        podcast = measure_loudness(edition / BRIEFING_DIR / briefing.audio)
        speaker = measure_loudness(edition / BRIEFING_DIR / briefing.speaker_audio)
    print(json.dumps({
        "page": str(args.page),
        "edition_audio_s": round(edition_s, 1),
        "briefing_audio_s": round(briefing.duration, 1),
        "briefing_making_s": making,  # write_briefing itself, as a render's publish step runs it
        "briefing_process_wall_s": walls,  # a fresh process: start-up and imports too
        "podcast_lufs_dbtp": podcast,
        "speaker_lufs_dbtp": speaker,
        "goal_wall_s": 3.0,
    }, ensure_ascii=False, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
