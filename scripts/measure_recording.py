"""Loudness of a recorded piece before and after it stands in for an article (docs/measurements.md).

Run from the checkout: ``PYTHONPATH=. .venv/bin/python scripts/measure_recording.py``.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from audiopaper.audio.encode import measure_loudness
from audiopaper.pipeline import RenderOptions, render
from audiopaper.profiles import load_profile
from tests.audio.test_recording import PAGES, write_recording
from tests.conftest import fake_synthesizer


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        page = root / "day" / "01.md"
        page.parent.mkdir()
        page.write_text(PAGES, encoding="utf-8")
        for level in (0.02, 0.3):  # a quiet and a loud recording of the same tone
            recording = write_recording(root / "day" / "recordings" / "02.wav", level=level)
            options = RenderOptions(
                out_dir=root / f"out{level}",
                day=date(2025, 3, 14),
                profile=load_profile("standard"),
                recordings=(recording,),
            )
            result = render([page], options, fake_synthesizer(cache_dir=root / "cache"))
            before = measure_loudness(recording)
            after = measure_loudness(result.edition_dir / result.manifest.articles[1].file)
            print(
                f"recording at {before[0]:.1f} LUFS / {before[1]:.1f} dBTP -> "
                f"article MP3 {after[0]:.2f} LUFS / {after[1]:.2f} dBTP"
            )


if __name__ == "__main__":
    main()
