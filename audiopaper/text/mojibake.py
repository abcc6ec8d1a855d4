"""Mojibake: text damaged by a wrong decoding, put back where the damage can be undone.

Two kinds are repaired, each listed in the proof:

- **C1 controls** (U+0080–U+009F) in decoded text are Windows-1252 punctuation read as
  Latin-1: ``\\x93…\\x94`` were curly quotes. They go back to what cp1252 meant.
- **Byte-shifted GBK**: a GBK export that lost its paragraph breaks left, at each, a ``?``
  and an orphan ``0xA3`` byte, so the text after it decodes one byte out of step (黄明：现在
  我宣布 reads ``?；泼鳎合衷谖倚?布``) until the next ``?``, where the lost byte realigns it.
  Such a run is decoded again one byte on, and kept when its characters are far more
  common Chinese than the run's (jieba's dictionary gives the frequencies). The character
  cut in two at the run's end is lost; the proof says so. The paragraph break comes back.

No library undoes the second kind (ftfy handles UTF-8/Latin-1 mix-ups, not shifted
double-byte text); the C1 mapping is the standard library's cp1252 codec.
"""

from __future__ import annotations

import math
import re
from functools import cache

_C1 = re.compile("[\u0080-\u009f]")

MOJIBAKE_MAX_LOG_FREQUENCY = 8.0
"""A run whose Chinese characters average below this log frequency (jieba) may be mojibake;
real news text averages 8.8–11 on the corpus studied, shifted text 4–7.5."""

MAX_SHIFTED_RUN_CHARS = 300
"""A shifted run ends at the next ``?``; a longer stretch is text, not one damaged run."""

_HAN = re.compile(r"[\u4e00-\u9fff]")


def repair_c1_controls(text: str) -> tuple[str, list[str]]:
    """Map C1 controls back to the cp1252 punctuation they were (``\\x93`` → ``“``).

    Returns the text and the distinct characters repaired, as ``\\x93→“``.
    """
    repaired: dict[str, str] = {}

    def fix(match: re.Match[str]) -> str:
        control = match.group(0)
        try:
            meant = control.encode("latin-1").decode("cp1252")
        except UnicodeDecodeError:
            meant = ""  # 0x81, 0x8d, 0x8f, 0x90, 0x9d mean nothing in cp1252
        repaired[control] = meant
        return meant

    text = _C1.sub(fix, text)
    return text, [f"U+{ord(c):04X}→{m or '(removed)'}" for c, m in repaired.items()]


@cache
def _char_log_frequency() -> dict[str, float]:
    """Log frequency of each character that jieba's dictionary lists as a word of its own.

    Read from the dictionary file (0.2 s) rather than through ``jieba.initialize``, which
    builds the whole prefix dictionary (1-2 s) this does not need.
    """
    import jieba

    table: dict[str, float] = {}
    with jieba.get_dict_file() as lines:
        for raw in lines:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if len(line) > 2 and line[1] == " ":
                table[line[0]] = math.log(int(line.split(" ")[1]) + 1)
    return table


def _commonness(text: str) -> float:
    han = _HAN.findall(text)
    if not han:
        return 0.0
    table = _char_log_frequency()
    return sum(table.get(ch, 0.0) for ch in han) / len(han)


def _shifted(run: str) -> str | None:
    """The run decoded one byte on, without the character cut at its end; None if it will not decode."""
    data = run.encode("gb18030")[1:]
    for end in (len(data), len(data) - 1):
        try:
            return data[:end].decode("gb18030")
        except UnicodeDecodeError:
            continue
    return None


def _opens_shift(run: str) -> bool:
    """A shifted run starts where the orphan 0xA3 byte joined the next one (a full-width form)."""
    try:
        return run[:1].encode("gb18030")[:1] == b"\xa3"
    except UnicodeEncodeError:
        return False


def repair_shifted_gbk(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Undo byte-shifted GBK runs (``?；泼鳎合衷谖倚?`` → ``黄明：现在我``).

    Returns the text and the (damaged, repaired) pairs, for the proof.
    """
    if "?" not in text:
        return text, []
    pieces = text.split("?")
    out = [pieces[0]]
    repairs: list[tuple[str, str]] = []
    index = 1
    while index < len(pieces):
        run = pieces[index]
        closed = index < len(pieces) - 1
        fixed = _shifted(run) if closed and _opens_shift(run) and len(run) <= MAX_SHIFTED_RUN_CHARS else None
        before = _commonness(run) if fixed is not None else 0.0
        if (
            fixed is not None
            and before < MOJIBAKE_MAX_LOG_FREQUENCY
            and (_commonness(fixed) > before or not fixed)
        ):
            repairs.append((run, fixed))
            out.append(
                "\n" + fixed + pieces[index + 1]
            )  # the break comes back; the closing ? was the lost byte
            index += 2
            continue
        out.append("?" + run)
        index += 1
    return "".join(out), repairs
