"""Benchmark the printed-page reader: seconds and peak memory per page, text layer and OCR.

Usage: python scripts/bench_pdf.py [--no-ocr]

Each page is read (ingest, layout and cleaning, as ``audiopaper script`` does) in a fresh
subprocess, so its peak resident memory is its own: the larger of that process's and its
children's (the bounded reader forks one). Pages: our own four typeset fixture pages and
their two phone-photo shots, and the real 新三门 page of ../shared/corpus/pdf when it is
there (its text layer, and the page rendered at 200 dpi through OCR). Goals (issue 27):
a text-layer page in under 2 s, an OCR page in under 60 s and 1.5 GB. Prints one JSON
object. Not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "tests" / "fixtures" / "printed"
SHARED = Path(os.environ.get("AUDIOPAPER_SHARED", PROJECT.parent / "shared"))
SANMEN = SHARED / "corpus" / "pdf" / "sanmen_2011-05-24_p02.pdf"
GOALS = {"text": (2.0, None), "ocr": (60.0, 1.5e9)}
"""Seconds and peak bytes a page may take, by how it is read."""

_ONE = """
import json, resource, sys, time
from pathlib import Path
from audiopaper.text.clean import clean_pages
from audiopaper.text.ingest import read_page
start = time.perf_counter()
result = clean_pages([read_page(Path(sys.argv[1]))])
seconds = time.perf_counter() - start
usage = resource.getrusage
peak = max(usage(resource.RUSAGE_SELF).ru_maxrss, usage(resource.RUSAGE_CHILDREN).ru_maxrss)
found = len(result.articles)
print(json.dumps({"seconds": round(seconds, 2), "peak_mb": round(peak / 1024), "articles": found}))
"""


def measure(path: Path) -> dict[str, object]:
    """Read one page in a fresh interpreter; its seconds, peak resident MB and articles found."""
    done = subprocess.run([sys.executable, "-c", _ONE, str(path)], capture_output=True, text=True, check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _rendered_sanmen(folder: Path) -> Path:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(SANMEN))
    path = folder / "sanmen-200dpi.png"
    pdf[0].render(scale=200 / 72).to_pil().save(path, dpi=(200, 200))
    pdf.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-ocr", action="store_true", help="measure the text layer only")
    args = parser.parse_args()
    # The typeset pages (each with its truth file), not the damaged ones the refusal tests use.
    typeset = [p for p in sorted(FIXTURES.glob("*.pdf")) if p.with_suffix(".truth.json").is_file()]
    pages: list[tuple[str, str, Path]] = [("text", p.stem, p) for p in typeset]
    if SANMEN.exists():
        pages.insert(0, ("text", "sanmen (real page)", SANMEN))
    with tempfile.TemporaryDirectory() as folder:
        if not args.no_ocr:
            pages += [("ocr", p.stem, p) for p in sorted(FIXTURES.glob("*-photo.jpg"))]
            if SANMEN.exists():
                pages.insert(
                    len(pages), ("ocr", "sanmen 200 dpi (real page)", _rendered_sanmen(Path(folder)))
                )
        report = []
        for how, name, path in pages:
            figures = measure(path)
            seconds_goal, memory_goal = GOALS[how]
            within = float(str(figures["seconds"])) < seconds_goal and (
                memory_goal is None or float(str(figures["peak_mb"])) * 2**20 < memory_goal
            )
            report.append({"read": how, "page": name, **figures, "within_goal": within})
            print(json.dumps(report[-1], ensure_ascii=False), file=sys.stderr)
    print(
        json.dumps(
            {"pages": report, "goals": {k: {"seconds": s, "bytes": b} for k, (s, b) in GOALS.items()}},
            ensure_ascii=False,
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
