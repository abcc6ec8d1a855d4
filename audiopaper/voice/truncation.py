"""The truncation check for the online voice: is a clip a whole reading of its sentence?

The online service can close a stream before ``turn.end``, and edge-tts then just stops
yielding audio, without an error: the clip is a sentence cut short. The service also sends
word boundaries (``audio.metadata``) in step with its audio when asked, each quoting a word
of the input with its offset and duration. A clip is taken as whole only when the
boundaries reach the end of the text, the audio lasts as long as the last word, and the
speaking rate is believable. Pure functions, so the rules are tested on their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

UNITS_PER_SECOND_BAND = (2.5, 8.0)
"""Believable speaking rates, in syllables a second of decoded audio, at rate +0%.

Microsoft's zh-CN neural voices (Xiaoxiao, Yunxi, Yunyang…) read news at about 4 to 6
characters a second at +0%, one syllable per character. The band is that range widened
for what the clip holds besides speech: the low end, 2.5, leaves room for the service's
leading and trailing silence and comma pauses, which weigh most in short lines (4
syllables at 4 a second plus ~0.6 s of silence is 2.5 a second); the high end, 8.0, is the
fastest voice (6) with a third of margin. Both ends scale with the profile's rate (-18% →
2.05 to 6.56). A clip cut at 60% of a 5-a-second reading already reads at 8.3 and fails
here; cuts later than that are caught by the word boundaries, which this band backs up.
The previous band, 1.5 to 12, let a sentence cut in half through. Lines of 3 syllables or
fewer are exempt below 4 s: their silence dominates."""

TICKS_PER_SECOND = 10_000_000
"""Boundary offsets and durations arrive in 100-ns ticks (edge_tts.constants)."""

DECODER_SLACK_S = 0.024
"""How far decoded audio may fall short of the last word's end: one MP3 frame (576 samples
at 24 kHz), for a boundary that runs to the end of the frame it ends in. Measured on
24 kHz 48 kbps MP3 encoded in one run by LAME (through ffmpeg) without an ID3 tag or Xing
header, as the service streams it, five sentences of 0.7 to 13.1 s: ffmpeg decodes a whole
reading to 0.052 to 0.068 s more than was encoded (the encoder's delay and padding, which
ffmpeg cannot trim without a LAME header), and the same streams cut mid-frame at 30%, 70%
or 95% of their speech to 0.022 to 0.078 s more than was sent. So a whole clip clears the
check with about 0.05 s to spare even when its last word runs to the very end of the
audio, and a cut clip fails once more than about 0.1 s of its last word is missing (less than a syllable)."""

_SYLLABLE_SOURCES = re.compile(r"[\u3400-\u9fff]|\d|[A-Z]{2,5}(?![a-z])|[A-Za-z]+")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+", re.I)


def speech_units(text: str) -> int:
    """Syllables ``text`` takes to say, roughly: one a Chinese character or digit, one a
    letter of an acronym (GDP), one a vowel group of another Latin word (Microsoft: 3)."""
    units = 0
    for match in _SYLLABLE_SOURCES.finditer(text):
        token = match.group()
        if token.isascii() and token.isalpha() and not token.isupper():
            units += max(1, len(_VOWEL_GROUPS.findall(token)))
        else:
            units += len(token)
    return units


def plausible(text: str, seconds: float, rate_factor: float = 1.0) -> bool:
    """True when ``seconds`` of audio is a believable reading of ``text`` (see the band)."""
    units = speech_units(text) or 1
    low, high = UNITS_PER_SECOND_BAND
    speed = units / max(seconds, 1e-3) / rate_factor
    return low <= speed <= high or (units <= 3 and seconds < 4.0)


@dataclass(frozen=True)
class WordBoundary:
    """One word the service says it spoke (an ``audio.metadata`` WordBoundary message)."""

    text: str
    """The word as it appears in the text sent (the service quotes the input)."""

    offset_s: float
    """When the word starts in the clip, in seconds."""

    duration_s: float
    """How long the word lasts, in seconds."""

    @property
    def end_s(self) -> float:
        """When the word ends in the clip, in seconds."""
        return self.offset_s + self.duration_s


def _content(text: str) -> str:
    """Letters and digits only, folded: what two spellings of the same words share."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(char for char in folded if unicodedata.category(char)[0] in "LN")


def uncovered_tail(text: str, words: Sequence[str]) -> str:
    """The end of ``text`` (letters and digits) that the boundary ``words`` never reach.

    The service quotes the input, one boundary per word in order (its own split of Chinese
    into words; punctuation may get a boundary of its own, which is ignored here). Each word
    is found at its earliest place after the previous one, so the walk never runs ahead of
    what was spoken. A word that is not found (the service's own rendering of a number or a
    special word) is set aside; if such words come after the last one found, they count for
    the rest of the text when they are at least half as long, and only then.
    Hand-written: no library aligns a word stream with its source text this way.
    """
    content = _content(text)
    cursor = 0
    unmatched = 0
    for word in words:
        piece = _content(word)
        if not piece:
            continue
        found = content.find(piece, cursor)
        if found < 0:
            unmatched += len(piece)
            continue
        cursor = found + len(piece)
        unmatched = 0
    tail = content[cursor:]
    if unmatched and 2 * unmatched >= len(tail):
        return ""
    return tail


def completeness_problem(
    text: str, seconds: float, boundaries: Sequence[WordBoundary], rate_factor: float = 1.0
) -> str | None:
    """Why ``seconds`` of audio with these ``boundaries`` is not a whole reading of ``text``, or None.

    A whole clip has boundaries up to the text's end, audio at least as long as the last word
    (less one MP3 frame), and a believable rate. A stream the service cut fails the first
    test when it stopped before the last word began, the second when it stopped inside it.
    """
    if _content(text) and not boundaries:
        return "the service sent no word boundaries"
    tail = uncovered_tail(text, [boundary.text for boundary in boundaries])
    if tail:
        return f"the speech stopped before the end: “{tail[:12]}” was never reached"
    spoken_to_s = max((boundary.end_s for boundary in boundaries), default=0.0)
    if seconds + DECODER_SLACK_S < spoken_to_s:
        return f"the audio stops at {seconds:.2f} s, inside the last word (it ends at {spoken_to_s:.2f} s)"
    if not plausible(text, seconds, rate_factor):
        return f"{seconds:.1f} s of audio is implausible for {speech_units(text)} syllables"
    return None
