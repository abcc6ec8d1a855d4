"""Recorded pieces: a WAV or MP3 under recordings/ stands in for an article, levelled and captioned."""

from __future__ import annotations

import json
import subprocess
import wave
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from audiopaper.audio.encode import ffmpeg_executable, measure_loudness
from audiopaper.audio.recording import decode_recording, recordings_by_article, spread_lines
from audiopaper.cli import app
from audiopaper.errors import EncodeError
from audiopaper.pipeline import RenderOptions, render
from audiopaper.profiles import Profile
from audiopaper.publish.captions import APPROXIMATE_NOTE
from audiopaper.voice.fake import FakeEngine
from tests.conftest import fake_synthesizer

PAGES = (
    "# 青梅湖畔新添百亩花海\n\n本报讯 三月以来，青梅湖畔的花海迎来盛放期。\n\n"
    "# 记者手记：花海背后的人\n\n守园人老李每天清晨五点就来到湖边。他说，看到游客的笑脸就觉得值。\n\n"
    "# 社区食堂开门迎客\n\n新开的社区食堂每天供应两餐。\n"
)
RECORDING_HZ = 1000.0
"""The recording's tone: far above the fake voice's 150-405 Hz, so it is found by pitch."""


def write_recording(path: Path, seconds: float = 6.0, rate: int = 44_100, level: float = 0.02) -> Path:
    """A quiet stereo WAV of an amplitude-wobbling tone (about -36 LUFS: levelling has work to do)."""
    t = np.arange(int(seconds * rate)) / rate
    tone = level * (0.6 + 0.4 * np.sin(2 * np.pi * 2.5 * t)) * np.sin(2 * np.pi * RECORDING_HZ * t)
    pcm = (np.stack([tone, tone], axis=1) * 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return path


def dominant_hz(path: Path, start_s: float, end_s: float) -> float:
    pcm = subprocess.run(
        [ffmpeg_executable(), "-v", "error", "-ss", str(start_s), "-to", str(end_s), "-i", str(path),
         "-f", "f32le", "-ac", "1", "-ar", "16000", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    samples = np.frombuffer(pcm, dtype="<f4")
    spectrum = np.abs(np.fft.rfft(samples))
    return float(np.fft.rfftfreq(len(samples), 1 / 16000)[int(np.argmax(spectrum))])


def test_a_recording_stands_in_for_its_article(tmp_path: Path, standard_profile: Profile) -> None:
    page = tmp_path / "day" / "01.md"
    page.parent.mkdir()
    page.write_text(PAGES, encoding="utf-8")
    recording = write_recording(page.parent / "recordings" / "02.wav")
    engine = FakeEngine()
    options = RenderOptions(
        out_dir=tmp_path / "out", day=date(2025, 3, 14), profile=standard_profile, recordings=(recording,)
    )
    result = render([page], options, fake_synthesizer(engine))
    assert not any("守园人" in text for text in engine.calls)  # never synthesized
    recorded = result.manifest.articles[1]
    assert recorded.title == "记者手记：花海背后的人"
    edition = result.edition_dir / result.manifest.audio
    middle = (recorded.start_s + recorded.end_s) / 2
    assert abs(dominant_hz(edition, middle - 1, middle + 1) - RECORDING_HZ) < 5
    first = result.manifest.articles[0]
    assert dominant_hz(edition, first.start_s + 1, first.end_s - 0.5) < 420
    assert 6.0 < recorded.end_s - recorded.start_s < 9.0  # the recording, its pause, the announcement
    loudness, peak = measure_loudness(result.edition_dir / recorded.file)
    assert -17.0 <= loudness <= -15.0 and peak < -1.0
    vtt = (result.edition_dir / "transcript.vtt").read_text(encoding="utf-8")
    assert vtt.count(APPROXIMATE_NOTE) == 1
    after_note = vtt.split(APPROXIMATE_NOTE)[1]
    assert "守园人老李每天清晨五点就来到湖边。" in after_note.replace("\n", "")
    sentences = recorded.sentences
    assert recorded.start_s <= sentences[0].start_s < sentences[-1].end_s <= recorded.end_s
    chapters = json.loads((result.edition_dir / "chapters.json").read_text())["chapters"]
    assert [c["title"] for c in chapters][2] == "记者手记：花海背后的人"


def test_an_mp3_recording_decodes_to_the_engine_rate(tmp_path: Path) -> None:
    wav = write_recording(tmp_path / "piece.wav", seconds=2.0)
    mp3 = tmp_path / "piece.mp3"
    subprocess.run([ffmpeg_executable(), "-v", "error", "-i", str(wav), str(mp3)], check=True)
    samples = decode_recording(mp3, 24_000)
    assert abs(len(samples) / 24_000 - 2.0) < 0.1 and samples.dtype == np.float32


def test_an_undecodable_recording_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "03.mp3"
    bad.write_bytes(b"not audio at all" * 100)
    with pytest.raises(EncodeError, match=r"^03\.mp3: cannot decode \(.*\); give an MP3 or WAV file$"):
        decode_recording(bad, 24_000)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["intro.mp3"], "recordings/intro.mp3: name a recording by its article's number"),
        (["04.mp3"], "recordings/04.mp3: the edition has only 3 articles"),
        (["02.mp3", "2.wav"], "recordings/2.wav and 02.mp3 are both article 2"),
        (["02.ogg"], "recordings/02.ogg: name a recording by its article's number"),
    ],
)
def test_bad_recording_names_are_refused(names: list[str], message: str) -> None:
    with pytest.raises(EncodeError, match="^" + message.replace(".", r"\.")):
        recordings_by_article([Path(name) for name in names], 3)


def test_cues_are_spread_by_text_length() -> None:
    assert spread_lines(100, ["一二", "三四五六五六", "七八"]) == ((0, 20), (20, 80), (80, 100))


def test_the_proof_lists_recorded_articles(tmp_path: Path) -> None:
    page = tmp_path / "01.md"
    page.write_text(PAGES, encoding="utf-8")
    write_recording(tmp_path / "recordings" / "02.wav", seconds=1.0)
    result = CliRunner().invoke(app, ["script", str(page)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "2. 记者手记：花海背后的人  [录音：recordings/02.wav，不合成 (recorded)]" in lines
    assert "录音稿 (recorded articles): 2. recordings/02.wav" in lines
