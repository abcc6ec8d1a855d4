"""Benchmark ``audiopaper script`` on pathological pages: long digit runs, tables, huge lines.

Usage: python scripts/bench_script.py [--prose-kib N]

The goal (issue 15): any page under the 4 MiB limit is scripted in under 30 s. Pages are
generated here (random digits and characters, nothing copied), each run in a subprocess,
and one JSON object is printed. Not a test: timings depend on the machine (see README).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 30.0
HAN = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主"
    "发年动同工也能下过子说产种面而方后多定行学法所民得经"
)


def pages(rng: random.Random, prose_kib: int) -> dict[str, str]:
    """Name -> page text of each pathological case."""

    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    def han(n: int) -> str:
        return "".join(rng.choice(HAN) for _ in range(n))

    rows = "\n".join(" ".join(str(rng.randint(1, 99999)) for _ in range(8)) for _ in range(500))

    def sentence() -> str:
        return f"{han(rng.randint(10, 30))}{rng.randint(1, 2000)}人，{han(8)}。"

    prose: list[str] = []
    size = 0
    while size * 3 < prose_kib * 1024:  # about 3 UTF-8 bytes a character
        prose.append("".join(sentence() for _ in range(5)))
        size += len(prose[-1])
    return {
        "digits-20000": f"## 标题\n\n{digits(20000)}\n",
        "digits-50000": f"## 标题\n\n本报讯 今天的数据是{digits(50000)}，请注意。\n",
        "table-500-rows": f"## 标题\n\n本报讯 下面是表格。\n\n{rows}\n",
        "unpunctuated-1.3M-han": f"标题一行\n\n{han(1_300_000)}。\n",
        f"prose-{prose_kib}KiB": "## 大页\n\n本报讯 " + "\n\n".join(prose) + "\n",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prose-kib", type=int, default=100, help="size of the realistic prose page")
    args = parser.parse_args()
    results = {}
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in pages(random.Random(15), args.prose_kib).items():
            path = Path(tmp) / f"{name}.md"
            path.write_text(text, encoding="utf-8")
            started = time.monotonic()
            run = subprocess.run(
                [sys.executable, "-m", "audiopaper.cli", "script", str(path)],
                capture_output=True, text=True, env=env, check=False,
            )  # fmt: skip
            elapsed = time.monotonic() - started
            results[name] = {
                "bytes": path.stat().st_size,
                "seconds": round(elapsed, 1),
                "exit": run.returncode,
                "within_goal": elapsed < GOAL_SECONDS,
            }
            print(f"{name}: {elapsed:.1f} s", file=sys.stderr)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
