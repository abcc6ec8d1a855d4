"""The Xing/Info (LAME) header: one frame at the start of every published MP3.

Players read it for the exact frame count (so they need not estimate the duration from
the bit rate) and for the encoder delay and end padding (so gapless decoders drop the
codec's silence and the times in edition.json match what they play). ffmpeg writes such
a frame for each segment it encodes; segments are then joined frame by frame, so the
header of a joined file must be written anew: its frame and byte counts are the sums,
its delay the first segment's, its padding the last's, and its music CRC the CRC of all
the frames. Written here because neither ffmpeg nor mutagen writes a header for frames
joined outside an encoder; the layout is LAME's ("Mp3 Info Tag rev 1", VbrTag.c), with
no seek table: for constant bit rate a TOC only makes ExoPlayer seek less precisely
(research/feed.md A2).
"""

from __future__ import annotations

import shutil
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from audiopaper.errors import EncodeError

SAMPLES_PER_FRAME = 1152
"""PCM samples in one MPEG-1 Layer III frame."""

DECODER_DELAY_SAMPLES = 529
"""Samples an MP3 decoder's filter bank lags behind (LAME's and ffmpeg's 528 + 1)."""

LAME_VERSION = b"LAME3.100"
"""Encoder version string: the audio is encoded by libmp3lame 3.100 inside ffmpeg."""

_FLAG_FRAMES, _FLAG_BYTES, _FLAG_SCALE = 0x1, 0x2, 0x8
_BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_SAMPLE_RATES_HZ = (44_100, 48_000, 32_000)
_LAME_QUALITY_SCALE = 100 - 10 * 4
"""LAME's vbr_scale field is 100 - 10 × VBR quality (4, its default) - algorithm quality."""

_CRC_TABLE = []
for _byte in range(256):
    _value = _byte
    for _ in range(8):
        _value = (_value >> 1) ^ 0xA001 if _value & 1 else _value >> 1
    _CRC_TABLE.append(_value)


def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC (LAME's and ffmpeg's AV_CRC_16_ANSI_LE): reflected 0x8005, initial 0."""
    table = _CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def _apply(matrix: Sequence[int], vector: int) -> int:
    result, bit = 0, 0
    while vector:
        if vector & 1:
            result ^= matrix[bit]
        vector >>= 1
        bit += 1
    return result


def crc16_combine(first: int, second: int, second_length: int) -> int:
    """The CRC of A followed by B from crc16(A), crc16(B) and len(B), without reading them.

    The CRC is linear over GF(2), so A's CRC only has to be advanced over len(B) zero
    bytes; that operator is raised to the power by squaring (as zlib's crc32_combine),
    which keeps joining an edition's segments free of a pass over their megabytes.
    """
    operator = [crc16(b"\x00", 1 << bit) for bit in range(16)]  # one zero byte
    state = first
    count = second_length
    while count:
        if count & 1:
            state = _apply(operator, state)
        operator = [_apply(operator, column) for column in operator]
        count >>= 1
    return state ^ second


@dataclass(frozen=True)
class FrameHeader:
    """The fields of an MPEG-1 Layer III frame header the Info frame needs."""

    raw: int
    """The four header bytes as an integer."""

    bitrate_kbps: int
    """Bit rate of the frame."""

    sample_rate_hz: int
    """Sample rate of the frame."""

    mono: bool
    """Single channel (side information is then 17 bytes instead of 32)."""

    @classmethod
    def parse(cls, data: bytes, position: int = 0) -> FrameHeader:
        """The header at ``position``; EncodeError when it is not MPEG-1 Layer III."""
        if position + 4 > len(data):
            raise EncodeError("no MP3 frame to read a header from")
        raw = int.from_bytes(data[position : position + 4], "big")
        if raw >> 21 != 0x7FF or (raw >> 19) & 3 != 3 or (raw >> 17) & 3 != 1:
            raise EncodeError(f"not an MPEG-1 Layer III frame at byte {position}")
        bitrate = _BITRATES_KBPS[(raw >> 12) & 0xF]
        rate_index = (raw >> 10) & 3
        if not bitrate or rate_index == 3:
            raise EncodeError(f"invalid MP3 frame header at byte {position}")
        return cls(raw, bitrate, _SAMPLE_RATES_HZ[rate_index], (raw >> 6) & 3 == 3)

    @property
    def padded(self) -> bool:
        """Whether this frame carries the padding byte."""
        return bool((self.raw >> 9) & 1)

    @property
    def length(self) -> int:
        """Bytes in this frame."""
        return 144 * self.bitrate_kbps * 1000 // self.sample_rate_hz + int(self.padded)

    @property
    def tag_offset(self) -> int:
        """Where a Xing/Info tag starts in the frame: after the header and side information."""
        return 4 + (17 if self.mono else 32)


def count_frames(data: bytes) -> int:
    """Number of MPEG-1 Layer III frames in ``data`` (frames only: no ID3, no Info frame).

    Written here because mutagen reports a length but not the frame count, and the
    edition's timing is built from exact frame counts of its segments.
    """
    count = 0
    position = 0
    while position + 4 <= len(data):
        position += FrameHeader.parse(data, position).length
        count += 1
    if position != len(data):
        raise EncodeError("the MP3 data ends inside a frame")
    return count


@dataclass(frozen=True)
class Gapless:
    """What an Info frame says about the audio frames that follow it."""

    frames: int
    """Audio frames (the Info frame not counted)."""

    audio_bytes: int
    """Bytes of those frames."""

    delay: int
    """Encoder delay in samples at the start (LAME: 576)."""

    padding: int
    """Samples of padding at the end, after the last real sample."""

    music_crc: int
    """CRC-16 of the audio frames."""

    @property
    def samples(self) -> int:
        """Real samples a gapless decoder outputs."""
        return self.frames * SAMPLES_PER_FRAME - self.delay - self.padding


def split_info_frame(data: bytes) -> tuple[Gapless, bytes]:
    """Read the Info frame ffmpeg wrote at the start of ``data``; return it and the frames after it."""
    header = FrameHeader.parse(data)
    tag = header.tag_offset
    if data[tag : tag + 4] not in (b"Info", b"Xing"):
        raise EncodeError("the encoder wrote no Info frame")
    (flags,) = struct.unpack(">I", data[tag + 4 : tag + 8])
    lame = tag + 8 + 4 * bin(flags & 0xB).count("1") + (100 if flags & 0x4 else 0)
    delay_padding = int.from_bytes(data[lame + 21 : lame + 24], "big")
    (music_crc,) = struct.unpack(">H", data[lame + 32 : lame + 34])
    frames = data[header.length :]
    count = count_frames(frames)
    gapless = Gapless(count, len(frames), delay_padding >> 12, delay_padding & 0xFFF, music_crc)
    return gapless, frames


def info_frame(first_frame: bytes, gapless: Gapless) -> bytes:
    """An Info frame with a LAME tag for the frames described by ``gapless``.

    It copies the first audio frame's header (bit rate, sample rate, mode), so the frame
    has the stream's size and is skipped as silence by decoders that ignore the tag.
    """
    source = FrameHeader.parse(first_frame)
    raw = source.raw & ~(1 << 9)  # no padding byte
    header = FrameHeader(raw, source.bitrate_kbps, source.sample_rate_hz, source.mono)
    frame = bytearray(header.length)
    frame[0:4] = raw.to_bytes(4, "big")
    position = header.tag_offset
    total_bytes = gapless.audio_bytes + header.length
    frame[position : position + 20] = b"Info" + struct.pack(
        ">IIII", _FLAG_FRAMES | _FLAG_BYTES | _FLAG_SCALE, gapless.frames, total_bytes, _LAME_QUALITY_SCALE
    )
    position += 20
    if not (0 <= gapless.delay < 4096 and 0 <= gapless.padding < 4096):
        raise EncodeError(f"encoder delay {gapless.delay} or padding {gapless.padding} out of range")
    rate_code = {32_000: 0, 44_100: 1, 48_000: 2}.get(header.sample_rate_hz, 0)
    lame = bytearray(36)
    lame[0:9] = LAME_VERSION
    lame[9] = 0x01  # tag revision 0, method 1: constant bit rate
    # 10: lowpass unknown (0); 11-18: no ReplayGain; 19: flags and ATH type unknown (0)
    lame[20] = min(header.bitrate_kbps, 255)
    lame[21:24] = (gapless.delay << 12 | gapless.padding).to_bytes(3, "big")
    lame[24] = rate_code << 6  # source rate; unwise settings 0; mono 0; noise shaping 0
    # 25: mp3 gain 0; 26-27: surround and preset unknown (0)
    lame[28:32] = total_bytes.to_bytes(4, "big")
    lame[32:34] = gapless.music_crc.to_bytes(2, "big")
    frame[position : position + 34] = lame[:34]
    # The tag CRC covers every byte of the frame before it, as LAME's VbrTag.c computes it.
    frame[position + 34 : position + 36] = crc16(bytes(frame[: position + 34])).to_bytes(2, "big")
    return bytes(frame)


@dataclass(frozen=True)
class EncodedPiece:
    """Encoded MP3 frames on disk (no tags, no Info frame) and what their Info frame said."""

    mp3: Path
    """The frames."""

    gapless: Gapless
    """Frame count, bytes, delay, padding and CRC of those frames."""


def joined_gapless(pieces: Sequence[EncodedPiece]) -> Gapless:
    """The Info fields of ``pieces`` joined in order: sums, first delay, last padding, combined CRC."""
    if not pieces:
        raise EncodeError("nothing to join")
    crc = 0
    for piece in pieces:
        crc = crc16_combine(crc, piece.gapless.music_crc, piece.gapless.audio_bytes)
    return Gapless(
        frames=sum(p.gapless.frames for p in pieces),
        audio_bytes=sum(p.gapless.audio_bytes for p in pieces),
        delay=pieces[0].gapless.delay,
        padding=pieces[-1].gapless.padding,
        music_crc=crc,
    )


def write_joined(path: Path, pieces: Sequence[EncodedPiece]) -> None:
    """Write an MP3 at ``path``: one Info frame, then every piece's frames in order."""
    gapless = joined_gapless(pieces)
    with open(pieces[0].mp3, "rb") as first:
        header = first.read(4)
    with open(path, "wb") as out:
        out.write(info_frame(header, gapless))
        for piece in pieces:
            with open(piece.mp3, "rb") as source:
                shutil.copyfileobj(source, out, 1024 * 1024)
