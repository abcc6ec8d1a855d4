"""Phrasing: a sentence cut at its punctuation into model-sized chunks with pauses between.

FastSpeech2 garbles the end of inputs past about 35 syllables, so long sentences are
spoken in chunks of phrases, with the silence their punctuation calls for between chunks.
"""

from __future__ import annotations

from collections.abc import Callable

from audiopaper.voice.phonemes import CJK, PHRASE_BREAK

PHRASE_GAP_S = {"，": 0.16, "、": 0.10, "：": 0.16, "；": 0.22, "—": 0.12}
"""Silence inserted where a sentence is split into phrases, by the punctuation there."""

DEFAULT_GAP_S = 0.12
"""Silence between phrases for any other break (quotes, brackets)."""

CHUNK_CHARS = 24
"""Most Chinese characters per model call: phrases are grouped up to this length and
spoken in one inference, with ``#3`` at their commas. Much longer inputs (about 35+
syllables) make FastSpeech2 garble the end of the utterance."""


def split_phrases(text: str) -> list[tuple[str, float]]:
    """Split a sentence at its punctuation into (phrase, silence after it in seconds).

    The phrases are then grouped by ``chunk_phrases``; silence is inserted only between
    chunks, where a long sentence has to be cut for the model.
    """
    phrases: list[tuple[str, float]] = []
    for piece in PHRASE_BREAK.split(text):
        if not piece:
            continue
        if PHRASE_BREAK.fullmatch(piece):
            if phrases:
                gap = PHRASE_GAP_S.get(piece, DEFAULT_GAP_S)
                last, old_gap = phrases[-1]
                phrases[-1] = (last, max(old_gap, gap))
            continue
        if CJK.search(piece):
            phrases.append((piece, 0.0))
    if phrases:
        phrases[-1] = (phrases[-1][0], 0.0)
    return phrases


def chunk_phrases(
    phrases: list[tuple[str, float]],
    max_chars: int = CHUNK_CHARS,
    words: Callable[[str], list[str]] | None = None,
) -> list[tuple[str, float]]:
    """Join consecutive phrases into chunks of at most ``max_chars`` Chinese characters.

    Each chunk is one model call; its phrases are joined with "，" (``#3`` to the model),
    the way the Baker recordings read a whole sentence with its commas. A chunk keeps
    the silence that followed its last phrase. A longer phrase is first cut between words.
    """
    chunks: list[tuple[str, float]] = []
    size = 0
    for phrase, gap_s in _split_long(phrases, max_chars, words or list):
        chars = len(CJK.findall(phrase))
        if chunks and size + chars <= max_chars:
            chunks[-1] = (chunks[-1][0] + "，" + phrase, gap_s)
            size += chars
        else:
            chunks.append((phrase, gap_s))
            size = chars
    return chunks


def _split_long(
    phrases: list[tuple[str, float]], max_chars: int, words: Callable[[str], list[str]]
) -> list[tuple[str, float]]:
    """Cut a phrase longer than ``max_chars`` (no punctuation in it) between jieba words.

    FastSpeech2 garbles the end of an input past about 35 syllables, so a long
    unpunctuated run is spoken in pieces with a breath (DEFAULT_GAP_S) between them.
    """
    result: list[tuple[str, float]] = []
    for phrase, gap_s in phrases:
        if len(phrase) <= max_chars:
            result.append((phrase, gap_s))
            continue
        piece = ""
        for word in words(phrase):
            if piece and len(piece) + len(word) > max_chars:
                result.append((piece, DEFAULT_GAP_S))
                piece = ""
            piece += word
        result.append((piece, gap_s))
    return result
