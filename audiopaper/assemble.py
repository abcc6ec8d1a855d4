"""Assemble: sentences' audio into article MP3s and one edition MP3, with times.

Each article is synthesized once: its title and sentences, separated by the profile's
pauses, are brought to the target loudness and encoded as the article's MP3; the same
samples are kept in a raw scratch file and streamed into the edition between a chime,
the intro, the table of contents, per-article announcements and the outro. Memory holds
one article at a time, and every sentence's start and end in the edition is counted in
samples as it is written, so edition.json's times are exact.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audiopaper.errors import AudiopaperError, EncodeError
from audiopaper.profiles import Profile
from audiopaper.speech import ArticleScript, Frame
from audiopaper.synth import Clip, Engine, Samples, synthesize_clip

_LOGGER = logging.getLogger(__name__)

TARGET_LUFS = -16.0
"""Integrated loudness every segment is brought to (Apple's podcast figure)."""

LIMIT_DBFS = -2.0
"""Peak ceiling before MP3 encoding; encoding raises peaks a little, the target is -1 dBTP."""

MP3_SAMPLE_RATE_HZ = 44_100
"""Sample rate of the published MP3s (Apple recommends 44.1 or 48 kHz)."""

MP3_BITRATE_KBPS = 96
"""Constant bit rate of the published mono MP3s."""

CHIME_S = 1.6
"""Length of the chime that opens and closes the edition."""

_MIN_LOUDNESS_S = 0.4
"""pyloudnorm needs at least one 400 ms gating block."""


@dataclass(frozen=True)
class TimedSentence:
    """A sentence with its place in the edition MP3."""

    text: str
    """The sentence as printed."""

    spoken: str
    """The sentence as sent to the engine."""

    start_s: float
    """Start in seconds within edition.mp3."""

    end_s: float
    """End in seconds within edition.mp3."""


@dataclass(frozen=True)
class Cue:
    """One spoken line of the edition for the transcript (sentences, titles, intro…)."""

    text: str
    """What is heard."""

    start_s: float
    """Start in seconds within edition.mp3."""

    end_s: float
    """End in seconds within edition.mp3."""


@dataclass(frozen=True)
class AssembledArticle:
    """One article's audio: its own MP3 and its chapter of the edition."""

    index: int
    """1-based position in the edition."""

    title: str
    """Headline as displayed."""

    byline: str | None
    """Credits, or None."""

    file: str
    """The article MP3's path relative to the edition directory (``articles/NN-slug.mp3``)."""

    start_s: float
    """Chapter start in edition.mp3 (the announcement of its number)."""

    end_s: float
    """Chapter end in edition.mp3."""

    sentences: tuple[TimedSentence, ...]
    """Body sentences with their times in edition.mp3."""


@dataclass(frozen=True)
class AssembledEdition:
    """The edition MP3 and everything publish needs to describe it."""

    duration_s: float
    """Length of edition.mp3 in seconds."""

    articles: tuple[AssembledArticle, ...]
    """Articles that made it into the edition, in order."""

    cues: tuple[Cue, ...]
    """Every spoken line in order, for the transcript."""

    skipped: tuple[str, ...]
    """One line per article left out, saying why."""


def ascii_slug(title: str, *, max_chars: int = 40) -> str:
    """An ASCII file-name slug for a Chinese title, from its pinyin (a-z, 0-9 and '-')."""
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(title, errors=lambda chars: chars)
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-")
    slug = slug[:max_chars].rstrip("-")
    return slug or "article"


def chime(sample_rate_hz: int) -> Samples:
    """A soft two-note bell (E5 then A5) with decaying partials, generated in code."""
    t = np.arange(int(CHIME_S * sample_rate_hz), dtype=np.float64) / sample_rate_hz
    signal = np.zeros_like(t)
    for onset_s, pitch_hz in ((0.0, 659.25), (0.35, 880.0)):
        local = np.clip(t - onset_s, 0.0, None)
        active = t >= onset_s
        for partial, weight in ((1.0, 1.0), (2.0, 0.35), (3.01, 0.12)):
            signal += active * weight * np.exp(-3.2 * local) * np.sin(2 * np.pi * pitch_hz * partial * local)
    fade_in = np.minimum(1.0, t / 0.005)
    return (0.25 * fade_in * signal).astype(np.float32)


def silence(seconds: float, sample_rate_hz: int) -> Samples:
    """``seconds`` of silence."""
    return np.zeros(round(seconds * sample_rate_hz), dtype=np.float32)


def soft_limit(samples: Samples, ceiling: float) -> Samples:
    """Bend peaks above half the ceiling smoothly (tanh) so none exceeds ``ceiling``.

    Speech has rare, short peaks well above its loudness; bending just those keeps the
    loudness target reachable without clipping. ffmpeg's limiter stays as a safety net.
    """
    knee = ceiling / 2
    magnitude = np.abs(samples)
    over = magnitude > knee
    if not np.any(over):
        return samples
    shaped = samples.copy()
    shaped[over] = np.sign(samples[over]) * (
        knee + (ceiling - knee) * np.tanh((magnitude[over] - knee) / (ceiling - knee))
    )
    return shaped


def normalize_loudness(samples: Samples, sample_rate_hz: int) -> Samples:
    """Bring a segment to TARGET_LUFS (BS.1770 via pyloudnorm) with peaks under the ceiling.

    Limiting lowers loudness a little, so gain and limiting alternate until they agree.
    """
    import pyloudnorm

    if len(samples) < _MIN_LOUDNESS_S * sample_rate_hz or not np.any(samples):
        return samples
    meter = pyloudnorm.Meter(sample_rate_hz)
    ceiling = 10 ** (LIMIT_DBFS / 20)
    result = samples
    for _ in range(3):
        loudness = meter.integrated_loudness(result.astype(np.float64))
        if not math.isfinite(loudness) or abs(loudness - TARGET_LUFS) < 0.2:
            break
        gain = min(10 ** ((TARGET_LUFS - loudness) / 20), 10 ** (30 / 20))
        result = soft_limit((result * gain).astype(np.float32), ceiling)
    return result


class Mp3Writer:
    """Streams float32 samples into ffmpeg (from the imageio-ffmpeg wheel) to make a CBR MP3.

    A lookahead limiter keeps peaks under LIMIT_DBFS; ffmpeg resamples to 44.1 kHz.
    """

    def __init__(
        self,
        path: Path,
        sample_rate_hz: int,
        *,
        bitrate_kbps: int = MP3_BITRATE_KBPS,
        mp3_sample_rate_hz: int = MP3_SAMPLE_RATE_HZ,
    ) -> None:
        import imageio_ffmpeg

        self.path = path
        self.samples_written = 0
        limit = 10 ** (LIMIT_DBFS / 20)
        # fmt: off
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin",
            "-f", "f32le", "-ar", str(sample_rate_hz), "-ac", "1", "-i", "pipe:0",
            "-af", f"alimiter=limit={limit:.4f}:attack=5:release=50:level=disabled",
            "-ar", str(mp3_sample_rate_hz), "-ac", "1",
            "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k",
            "-id3v2_version", "0", "-write_id3v1", "0",
            "-f", "mp3", "-y", str(path),
        ]
        # fmt: on
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL
        )

    def write(self, samples: Samples) -> None:
        """Append samples to the MP3."""
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(np.ascontiguousarray(samples, dtype="<f4").tobytes())
        except BrokenPipeError as error:
            raise EncodeError(f"ffmpeg stopped while encoding {self.path.name}: {self._stderr()}") from error
        self.samples_written += len(samples)

    def _stderr(self) -> str:
        err = self._process.stderr.read() if self._process.stderr else b""
        lines = err.decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else "no message"

    def close(self) -> None:
        """Finish the MP3; raises :class:`EncodeError` if ffmpeg failed."""
        if self._process.stdin:
            with contextlib.suppress(BrokenPipeError):
                self._process.stdin.close()
        code = self._process.wait()
        if code != 0:
            raise EncodeError(f"ffmpeg could not encode {self.path.name}: {self._stderr()}")

    def abort(self) -> None:
        """Stop ffmpeg without finishing (the partial file is the caller's to delete)."""
        self._process.kill()
        self._process.wait()


@dataclass(frozen=True)
class _ArticleTake:
    """An article synthesized and encoded, waiting to be placed in the edition."""

    index: int
    script: ArticleScript
    file: str
    raw_path: Path
    sample_count: int
    sentence_spans: tuple[tuple[int, int], ...]
    title_span: tuple[int, int]


def _article_samples(
    script: ArticleScript, engine: Engine, profile: Profile
) -> tuple[Samples, tuple[int, int], tuple[tuple[int, int], ...]]:
    """Synthesize one article: title, pause, sentences with pauses; with sample spans."""
    rate = engine.sample_rate_hz
    pauses = profile.pauses
    parts: list[Samples] = []
    position = 0

    def add(samples: Samples) -> tuple[int, int]:
        nonlocal position
        parts.append(samples)
        span = (position, position + len(samples))
        position += len(samples)
        return span

    title_span = add(synthesize_clip(engine, script.title_spoken).samples)
    add(silence(pauses.title_ms / 1000, rate))
    spans: list[tuple[int, int]] = []
    previous_paragraph = None
    for sentence in script.sentences:
        if previous_paragraph is not None:
            gap = pauses.paragraph_ms if sentence.paragraph != previous_paragraph else pauses.sentence_ms
            add(silence(gap / 1000, rate))
        spans.append(add(synthesize_clip(engine, sentence.spoken).samples))
        previous_paragraph = sentence.paragraph
    return np.concatenate(parts), title_span, tuple(spans)


def assemble_edition(
    scripts: Sequence[ArticleScript],
    make_frame: Callable[[Sequence[str]], Frame],
    engine: Engine,
    profile: Profile,
    edition_dir: Path,
    *,
    progress: Callable[[str], None] = lambda message: None,
) -> AssembledEdition:
    """Synthesize and encode every article, then the edition around them, into ``edition_dir``.

    An article whose synthesis or encoding fails is reported in ``skipped`` and left out;
    the edition is built from the rest. ``make_frame`` gets the spoken titles of the
    articles that made it, so the intro's count and the table of contents are true.
    """
    rate = engine.sample_rate_hz
    encoding = {"bitrate_kbps": profile.mp3_bitrate_kbps, "mp3_sample_rate_hz": profile.mp3_sample_rate_hz}
    articles_dir = edition_dir / "articles"
    articles_dir.mkdir(parents=True, exist_ok=True)
    scratch = edition_dir / ".scratch"
    scratch.mkdir(exist_ok=True)
    takes: list[_ArticleTake] = []
    skipped: list[str] = []
    for script in scripts:
        number = len(takes) + 1
        progress(f"[{number}/{len(scripts) - len(skipped)}] {script.article.title}")
        file = f"articles/{number:02d}-{ascii_slug(script.article.title)}.mp3"
        try:
            samples, title_span, spans = _article_samples(script, engine, profile)
            samples = normalize_loudness(samples, rate)
            writer = Mp3Writer(edition_dir / file, rate, **encoding)
            try:
                writer.write(samples)
                writer.close()
            except AudiopaperError:
                writer.abort()
                (edition_dir / file).unlink(missing_ok=True)
                raise
        except AudiopaperError as error:
            skipped.append(f"skipped “{script.article.title}”: {error}")
            _LOGGER.warning("skipping article %r: %s", script.article.title, error)
            continue
        raw_path = scratch / f"{number:02d}.f32"
        samples.astype("<f4").tofile(raw_path)
        takes.append(_ArticleTake(number, script, file, raw_path, len(samples), spans, title_span))
    if not takes:
        raise EncodeError("no article could be synthesized; see the messages above")

    frame = make_frame([take.script.title_spoken for take in takes])
    cues: list[Cue] = []
    assembled: list[AssembledArticle] = []
    writer = Mp3Writer(edition_dir / "edition.mp3", rate, **encoding)
    try:

        def seconds() -> float:
            return writer.samples_written / rate

        def speak(text: str) -> None:
            clip: Clip = synthesize_clip(engine, text)
            start = seconds()
            writer.write(normalize_loudness(clip.samples, rate))
            cues.append(Cue(text, start, seconds()))

        def pause(milliseconds: int) -> None:
            writer.write(silence(milliseconds / 1000, rate))

        progress("intro and table of contents")
        writer.write(normalize_loudness(chime(rate), rate))
        pause(500)
        # Intro and contents are one block for loudness, pauses included, like an article.
        opening_lines = (frame.intro, *frame.toc)
        gaps_ms = [profile.pauses.paragraph_ms] + [profile.pauses.sentence_ms] * len(frame.toc)
        opening_parts: list[Samples] = []
        block_start = seconds()
        position = 0
        for line, gap_ms in zip(opening_lines, gaps_ms, strict=True):
            clip = synthesize_clip(engine, line).samples
            cues.append(Cue(line, block_start + position / rate, block_start + (position + len(clip)) / rate))
            gap = silence(gap_ms / 1000, rate)
            opening_parts += [clip, gap]
            position += len(clip) + len(gap)
        writer.write(normalize_loudness(np.concatenate(opening_parts), rate))
        pause(profile.pauses.article_ms)
        for take, announcement in zip(takes, frame.announcements, strict=True):
            chapter_start = seconds()
            speak(announcement)
            pause(profile.pauses.sentence_ms)
            offset = writer.samples_written
            writer.write(np.fromfile(take.raw_path, dtype="<f4"))
            take.raw_path.unlink()
            start, end = take.title_span
            cues.append(Cue(take.script.title_spoken, (offset + start) / rate, (offset + end) / rate))
            timed = []
            for sentence, (start, end) in zip(take.script.sentences, take.sentence_spans, strict=True):
                timed.append(
                    TimedSentence(
                        sentence.text,
                        sentence.spoken,
                        (offset + start) / rate,
                        (offset + end) / rate,
                    )
                )
                cues.append(Cue(sentence.spoken, (offset + start) / rate, (offset + end) / rate))
            pause(profile.pauses.article_ms)
            article = take.script.article
            assembled.append(
                AssembledArticle(
                    take.index,
                    article.title,
                    article.byline,
                    take.file,
                    chapter_start,
                    seconds(),
                    tuple(timed),
                )
            )
        progress("outro")
        speak(frame.outro)
        pause(700)
        writer.write(normalize_loudness(chime(rate), rate))
        writer.close()
    except BaseException:
        writer.abort()
        raise
    finally:
        for leftover in scratch.glob("*"):
            leftover.unlink()
        scratch.rmdir()
    return AssembledEdition(
        duration_s=writer.samples_written / rate,
        articles=tuple(assembled),
        cues=tuple(cues),
        skipped=tuple(skipped),
    )


def measure_loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of a decoded file, by ffmpeg's ebur128."""
    import imageio_ffmpeg

    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path),
         "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise EncodeError(f"ffmpeg could not measure {path.name}: {result.stderr.strip()[-200:]}")
    summary = result.stderr[result.stderr.rfind("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if not integrated or not peak:
        raise EncodeError(f"could not read ffmpeg's loudness summary for {path.name}")
    return float(integrated.group(1)), float(peak.group(1))
