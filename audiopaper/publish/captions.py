"""Captions: transcript.vtt in the words the paper prints, with the times of the speech.

Each spoken line becomes one or more cues of at most CUE_LINES lines of about
LINE_CHARS characters (a subtitle's usual size for Chinese); a long sentence's time is
shared among its cues in proportion to how long each piece takes to say, measured on its
spoken form, because digits and symbols (0573-85120000, 12.6%) take far longer to say
than to print. Line breaking is written here: CJK text has no spaces, and no subtitle
library at hand breaks it at punctuation while keeping numbers whole.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from audiopaper.audio.timeline import Cue

LINE_CHARS = 20
"""Characters on a caption line, at most (a longer unbreakable token gets a line of its own)."""

CUE_LINES = 2
"""Lines in one cue, at most."""

_TOKEN = re.compile(
    r"[A-Za-z0-9０-９.,:/%％+\-‰℃°]+[，。、；：！？,.;:!?）」』”’》)]*|.[，。、；：！？）」』”’》)]*", re.S
)
"""A piece that must not be broken: a run of Latin letters, digits and number signs, or one
character, each with the closing punctuation after it (no line starts with a comma)."""

_BREAK_AFTER = frozenset("，。、；：！？,;:!?）」』”》")
"""Characters after which a line break reads well."""


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.strip())


def split_lines(text: str, width: int = LINE_CHARS) -> list[str]:
    """``text`` in balanced lines of at most ``width`` characters, broken after punctuation when possible."""
    tokens = _tokens(text)
    total = sum(len(t) for t in tokens)
    if total <= width:
        return ["".join(tokens)] if tokens else []
    target = math.ceil(total / math.ceil(total / width))
    lines: list[str] = []
    current = ""
    for token in tokens:
        if current and len(current) + len(token) > width:
            lines.append(current)
            current = ""
        current += token
        if len(current) >= target or (len(current) >= target * 0.6 and current[-1] in _BREAK_AFTER):
            lines.append(current)
            current = ""
    if current:
        lines.append(current)
    return [line.strip() for line in lines if line.strip()]  # a break at a space: no leading blank


def split_cue(cue: Cue, spoken_length: Callable[[str], int]) -> list[Cue]:
    """``cue`` as cues of at most CUE_LINES lines, its time shared by each piece's spoken length."""
    lines = split_lines(cue.text)
    if len(lines) <= CUE_LINES:
        return [replace(cue, text="\n".join(lines) or cue.text)]
    groups = [lines[i : i + CUE_LINES] for i in range(0, len(lines), CUE_LINES)]
    weights = [max(1, spoken_length("".join(group))) for group in groups]
    total = sum(weights)
    cues, done = [], 0
    span = cue.end_s - cue.start_s
    for group, weight in zip(groups, weights, strict=True):
        start = cue.start_s + span * done / total
        done += weight
        end = cue.start_s + span * done / total
        cues.append(replace(cue, text="\n".join(group), start_s=start, end_s=end))
    return cues


def spoken_length(text: str) -> int:
    """Characters of ``text`` once normalized for speech (what the time is spent on)."""
    from audiopaper.text.normalize import normalize

    try:
        return len(normalize(text, spell_letters=True))
    except Exception:
        return len(text)


APPROXIMATE_NOTE = "NOTE 录音稿：以下字幕的时间按文字长度估计，只是大致位置 (approximate timing)"
"""Put before the cues of a recorded piece, whose times are spread by text length."""


def _vtt_time(seconds: float) -> str:
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def transcript_vtt(cues: Sequence[Cue], weigh: Callable[[str], int] = spoken_length) -> str:
    """WebVTT transcript: the printed words of every spoken line, in cues of two short lines."""
    lines = ["WEBVTT", ""]
    number = 0
    previous: Cue | None = None
    for cue in cues:
        if cue.approximate and not (previous and previous.approximate):
            lines += [APPROXIMATE_NOTE, ""]
        previous = cue
        for piece in split_cue(cue, weigh):
            number += 1
            text = piece.text.replace("-->", "→")
            lines += [str(number), f"{_vtt_time(piece.start_s)} --> {_vtt_time(piece.end_s)}", text, ""]
    return "\n".join(lines)
