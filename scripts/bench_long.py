"""Peak memory of a render of a synthetic six-hour edition with the fake voice.

Usage: python scripts/bench_long.py [--hours 6] [--article-chars 3000]

Builds a page of our own (seeded sentences of common characters, 3,000 characters an
article by default), renders it in this process with the fake voice slowed to 0.2 s a character (so
6 hours are 108,000 characters, within the text limits), and prints one JSON object: the
audio's length, wall time, and the peak resident memory of this process and of its
largest child (the ffmpeg encoders), from getrusage, against the bound docs/reliability.md
sets (1 GB). Not a test itself: the figures depend on the machine; tests/test_reliability.py
runs it small to check that the peak does not grow with the edition.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audiopaper.pipeline import RenderOptions, render
from audiopaper.profiles import load_profile
from audiopaper.voice.cache import ClipCache
from audiopaper.voice.fake import FakeEngine
from audiopaper.voice.scheduler import Synthesizer

SECONDS_PER_CHAR = 0.2
"""The fake voice's pace here (the offline voice reads about 0.23 s a character)."""

ARTICLE_CHARS = 3000
"""Characters in each synthetic article by default (10 minutes at SECONDS_PER_CHAR)."""

BOUND_MB = 1024
"""What the peak of either process must stay under for a six-hour edition (docs/reliability.md)."""

_COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经"
)


def synthetic_page(hours: float, seed: int = 6, article_chars: int = ARTICLE_CHARS) -> str:
    """A markdown page whose reading at SECONDS_PER_CHAR lasts about ``hours``."""
    rng = random.Random(seed)
    articles = max(1, round(hours * 3600 / SECONDS_PER_CHAR / article_chars))
    parts = []
    for number in range(articles):
        sentences = []
        while sum(map(len, sentences)) < article_chars:
            sentences.append("".join(rng.choice(_COMMON) for _ in range(rng.randrange(12, 40))) + "。")
        parts.append(
            f"## 第{number + 1}篇合成报道\n\n"
            + "\n\n".join("".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))
        )
    return "\n\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=6.0)
    parser.add_argument("--article-chars", type=int, default=ARTICLE_CHARS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        page = Path(temp) / "long.md"
        page.write_text(synthetic_page(args.hours, article_chars=args.article_chars), encoding="utf-8")
        options = RenderOptions(
            out_dir=Path(temp) / "out", day=date(2025, 3, 14), profile=load_profile("standard")
        )
        engine = FakeEngine(seconds_per_char=SECONDS_PER_CHAR)
        started = time.monotonic()
        with Synthesizer(
            ClipCache(Path(temp) / "cache", max_bytes=64 * 1024**3), engine=engine, jobs=1
        ) as synthesizer:
            result = render([page], options, synthesizer)
        wall = time.monotonic() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({
        "edition_hours": round(result.manifest.duration / 3600, 2), "articles": len(result.manifest.articles),
        "wall_s": round(wall, 1), "peak_rss_mb": round(own), "largest_child_rss_mb": round(child),
        "bound_mb": BOUND_MB, "under_bound": max(own, child) < BOUND_MB,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
