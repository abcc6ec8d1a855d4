"""The briefing's audio: cuts of the edition joined with chimes, levelled per rendition."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audiopaper.audio.briefing import (
    CHAPTER_GAP_S,
    LEVEL_TOLERANCE_LU,
    PIECE_GAP_S,
    PODCAST_CEILING_DBFS,
    PODCAST_LUFS,
    PODCAST_TRUE_PEAK_DBTP,
    SPEAKER_CEILING_DBFS,
    SPEAKER_LUFS,
    SPEAKER_TRUE_PEAK_DBTP,
    BriefingChapter,
    encode_rendition,
    faded,
    join_briefing,
    level,
    span_window,
)
from audiopaper.audio.encode import CHIME_S, measure_loudness
from audiopaper.audio.loudness import integrated_lufs
from audiopaper.audio.timeline import Span
from audiopaper.voice.engine import Samples

RATE = 8_000


def speech_like(seconds: float, rate: int = 24_000) -> np.ndarray:
    """A voiced sound (harmonics of a gliding 140-220 Hz pitch) in syllable-long bursts with pauses."""
    t = np.arange(int(seconds * rate)) / rate
    pitch = 180 + 40 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    voice = sum(np.sin(k * phase) / k for k in range(1, 12))
    envelope = np.clip(np.sin(2 * np.pi * 4.0 * t), 0, None) ** 2 * (np.sin(2 * np.pi * 0.3 * t) > -0.6)
    return (0.1 * envelope * voice).astype(np.float32)


def cut_samples(audio: Samples, chapters: list[BriefingChapter], sample_rate_hz: int) -> dict[Span, Samples]:
    """What cut_edition cuts from the edition MP3, cut here from samples in memory."""
    spans = [span for chapter in chapters for span in chapter.spans]
    return {
        span: faded(audio[slice(*span_window(span, sample_rate_hz))].copy(), sample_rate_hz) for span in spans
    }


def _cut_one(edition: Samples, span: Span) -> tuple[dict[Span, Samples], list[BriefingChapter]]:
    chapters = [BriefingChapter("导语", (span,))]
    return cut_samples(edition, chapters, RATE), chapters


def test_chapters_tile_the_briefing_and_pieces_are_cut_where_told() -> None:
    edition = np.ones(RATE * 20, dtype=np.float32)
    chapters = [
        BriefingChapter("导语", (Span(start_s=1.0, end_s=2.0),)),
        BriefingChapter("第一篇", (Span(start_s=5.0, end_s=6.0), Span(start_s=7.0, end_s=9.0))),
    ]
    samples, placed = join_briefing(cut_samples(edition, chapters, RATE), chapters, RATE)
    assert [c.title for c in placed] == ["导语", "第一篇"]
    assert placed[0].start_s == 0.0
    assert placed[0].end_s == pytest.approx(placed[1].start_s)
    assert placed[1].end_s == pytest.approx(len(samples) / RATE)
    cut = 0.12 + 0.25  # lead-in and tail around each span
    expected = 2 * CHIME_S + PIECE_GAP_S + (1 + cut) + CHAPTER_GAP_S + (1 + cut) + PIECE_GAP_S + (2 + cut)
    expected += CHAPTER_GAP_S
    assert len(samples) / RATE == pytest.approx(expected, abs=2 / RATE)


def test_every_cut_fades_so_nothing_clicks() -> None:
    edition = np.ones(RATE * 10, dtype=np.float32)
    samples, _ = join_briefing(*_cut_one(edition, Span(start_s=2.0, end_s=3.0)), RATE)
    start = round((CHIME_S + PIECE_GAP_S) * RATE)
    assert samples[start] == 0.0  # the piece begins at silence and rises
    assert samples[start + round(0.5 * RATE)] == 1.0
    assert np.max(np.abs(np.diff(samples[start : start + RATE]))) < 0.02


def test_a_span_past_the_end_is_cut_at_the_end() -> None:
    edition = np.ones(RATE * 3, dtype=np.float32)
    samples, _ = join_briefing(*_cut_one(edition, Span(start_s=2.5, end_s=9.0)), RATE)
    assert np.count_nonzero(samples == 1.0) < RATE  # only what exists was taken


@pytest.mark.parametrize(
    ("lufs", "ceiling", "true_peak"),
    [
        (PODCAST_LUFS, PODCAST_CEILING_DBFS, PODCAST_TRUE_PEAK_DBTP),
        (SPEAKER_LUFS, SPEAKER_CEILING_DBFS, SPEAKER_TRUE_PEAK_DBTP),
        (SPEAKER_LUFS, -0.5, SPEAKER_TRUE_PEAK_DBTP),  # a ceiling too high is lowered until the peak holds
    ],
)
def test_renditions_measure_their_loudness_and_keep_peaks_down(
    tmp_path: Path, lufs: float, ceiling: float, true_peak: float
) -> None:
    path = tmp_path / "brief.mp3"
    rendition = encode_rendition(
        speech_like(30.0), 24_000, path, lufs=lufs, ceiling_dbfs=ceiling, max_true_peak_dbtp=true_peak
    )
    measured, peak = measure_loudness(path)  # ffmpeg's ebur128, which prints tenths
    assert rendition.lufs == pytest.approx(measured, abs=0.1)  # what it reports is what ffmpeg measures
    assert peak <= rendition.true_peak_dbtp + 0.15  # measured, or a bound where far enough under
    assert abs(measured - lufs) <= 0.2
    assert peak <= true_peak


def test_a_rendition_is_byte_identical_when_made_again(tmp_path: Path) -> None:
    speech = speech_like(20.0)
    made = []
    for name in ("first.mp3", "second.mp3"):
        encode_rendition(
            speech, 24_000, tmp_path / name, lufs=SPEAKER_LUFS, ceiling_dbfs=SPEAKER_CEILING_DBFS,
            max_true_peak_dbtp=SPEAKER_TRUE_PEAK_DBTP,
        )  # fmt: skip
        made.append((tmp_path / name).read_bytes())
    assert made[0] == made[1]


def test_levelling_reaches_its_target_through_heavy_limiting() -> None:
    speech = speech_like(20.0)
    source = integrated_lufs(speech, 24_000)
    for target, ceiling in ((-16.0, -2.0), (-13.5, -3.2), (-10.0, -3.2)):  # the last: 7 dB under the peaks
        levelled, loudness = level(
            speech, 24_000, target_lufs=target, ceiling_dbfs=ceiling, source_lufs=source
        )
        assert abs(loudness - target) <= LEVEL_TOLERANCE_LU
        assert loudness == integrated_lufs(levelled, 24_000)
        assert np.max(np.abs(levelled)) <= 10 ** (ceiling / 20)
