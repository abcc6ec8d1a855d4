"""Tests for audiopaper.audio.xing: the Info (LAME) frame, read back by mutagen, ffmpeg and ffprobe."""

from __future__ import annotations

import os
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
from mutagen.mp3 import MP3, BitrateMode

from audiopaper.audio.encode import Mp3Writer
from audiopaper.audio.xing import (
    SAMPLES_PER_FRAME,
    EncodedPiece,
    FrameHeader,
    count_frames,
    crc16,
    crc16_combine,
    split_info_frame,
    write_joined,
)
from tests.conftest import oracle


def read_info_frame(path: Path) -> dict[str, int]:
    """An independent reading of the Info frame after the ID3 tag: frame count, bytes, delay, padding, CRCs."""
    data = path.read_bytes()
    start = 10 + ((data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]) if data[:3] == b"ID3" else 0
    header = int.from_bytes(data[start : start + 4], "big")
    mono = (header >> 6) & 3 == 3
    tag = start + 4 + (17 if mono else 32)
    assert data[tag : tag + 4] == b"Info"
    flags, frames, total_bytes = struct.unpack(">III", data[tag + 4 : tag + 16])
    assert flags & 0x3 == 0x3 and not flags & 0x4  # frame and byte counts, no seek table
    lame = tag + 20
    assert data[lame : lame + 9] == b"LAME3.100"
    delay_padding = int.from_bytes(data[lame + 21 : lame + 24], "big")
    frame_length = 144 * 96_000 // 44_100 + ((header >> 9) & 1)
    return {
        "frames": frames,
        "bytes": total_bytes,
        "delay": delay_padding >> 12,
        "padding": delay_padding & 0xFFF,
        "music_length": int.from_bytes(data[lame + 28 : lame + 32], "big"),
        "music_crc": int.from_bytes(data[lame + 32 : lame + 34], "big"),
        "tag_crc": int.from_bytes(data[lame + 34 : lame + 36], "big"),
        "tag_crc_expected": crc16(data[start : lame + 34]),
        "counted_frames": count_frames(data[start + frame_length :]),
        "stream_bytes": len(data) - start,
        "audio_crc": crc16(data[start + frame_length :]),
    }


def decoded_samples(path: Path) -> int:
    """Samples ffmpeg's decoder outputs (it honours the LAME tag's delay and padding)."""
    import imageio_ffmpeg

    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-"],
        capture_output=True, check=True,
    )  # fmt: skip
    return len(result.stdout) // 2


def encode(path: Path, seconds: float, rate: int = 24_000) -> EncodedPiece:
    """A tone of ``seconds`` encoded by Mp3Writer, its Info frame split off as segments do."""
    writer = Mp3Writer(path, rate)
    writer.write((0.2 * np.sin(np.arange(int(seconds * rate)) / 7)).astype(np.float32))
    writer.close()
    gapless, frames = split_info_frame(path.read_bytes())
    path.write_bytes(frames)
    return EncodedPiece(path, gapless)


def test_crc16_matches_ffmpeg_and_combines(tmp_path: Path) -> None:
    writer = Mp3Writer(tmp_path / "raw.mp3", 24_000)
    writer.write(np.zeros(24_000, dtype=np.float32))
    writer.close()
    data = (tmp_path / "raw.mp3").read_bytes()
    gapless, frames = split_info_frame(data)
    assert crc16(frames) == gapless.music_crc  # ffmpeg's own music CRC is the oracle
    assert gapless.delay == 576 and gapless.samples == 44_100  # 1 s at 24 kHz is 44100 samples at 44.1 kHz
    a, b = os.urandom(1000), os.urandom(777)
    assert crc16_combine(crc16(a), crc16(b), len(b)) == crc16(a + b)
    assert crc16_combine(0, crc16(b), len(b)) == crc16(b)


def test_joined_file_has_exact_info_frame(tmp_path: Path) -> None:
    pieces = [encode(tmp_path / f"{n}.mp3", seconds) for n, seconds in enumerate((1.3, 0.45, 2.05))]
    joined = tmp_path / "joined.mp3"
    write_joined(joined, pieces)
    info = read_info_frame(joined)
    assert info["frames"] == info["counted_frames"] == sum(p.gapless.frames for p in pieces)
    assert info["bytes"] == info["music_length"] == info["stream_bytes"]
    assert info["delay"] == 576 and info["padding"] == pieces[-1].gapless.padding
    assert info["music_crc"] == info["audio_crc"]
    assert info["tag_crc"] == info["tag_crc_expected"]
    expected = info["frames"] * SAMPLES_PER_FRAME - info["delay"] - info["padding"]
    # What a gapless decoder outputs: every segment's frames, less the first delay and last padding.
    assert (
        expected
        == sum(p.gapless.frames for p in pieces[:-1]) * SAMPLES_PER_FRAME + pieces[-1].gapless.samples
    )
    assert decoded_samples(joined) == expected
    mp3 = MP3(str(joined))
    assert mp3.info.length == pytest.approx(expected / 44_100, abs=1e-9)
    assert mp3.info.encoder_info.startswith("LAME 3.100") and mp3.info.bitrate_mode == BitrateMode.CBR
    assert mp3.info.bitrate == pytest.approx(96_000, abs=10)


@oracle("ffprobe")
def test_ffprobe_reads_frame_count_and_delay_from_the_info_frame(tmp_path: Path) -> None:
    """ffprobe's duration counts whole frames and its start_time is the delay it will skip;
    both come from the Info frame (without one it warns that it estimates from the bit rate)."""
    piece = encode(tmp_path / "a.mp3", 3.21)
    path = tmp_path / "one.mp3"
    write_joined(path, [piece])
    result = subprocess.run(
        ["ffprobe", "-v", "warning", "-show_entries", "stream=duration,start_time", "-of", "csv=p=0", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "Estimating" not in result.stderr
    start, duration = (float(x) for x in result.stdout.strip().split(","))
    assert duration == pytest.approx(piece.gapless.frames * SAMPLES_PER_FRAME / 44_100, abs=1e-6)
    assert start == pytest.approx((576 + 529) / 44_100, abs=1e-6)
    assert decoded_samples(path) == piece.gapless.samples == round(3.21 * 44_100)


def test_frame_header_sizes() -> None:
    header = FrameHeader.parse(bytes([0xFF, 0xFB, 0x70, 0xC4]))  # 96 kbps, 44.1 kHz, mono
    assert (header.bitrate_kbps, header.sample_rate_hz, header.mono, header.length) == (96, 44_100, True, 313)
    assert header.tag_offset == 21
