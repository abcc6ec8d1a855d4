"""The pronunciation lexicon: words the engines must say a particular way.

Editors extend ``voices/lexicon.toml`` without touching code. The offline voice takes each
entry's pinyin (it is loaded into pypinyin's phrase dictionary, so segmentation finds the
word); voices that take text only get the entry's respelling. The speech stage records
which entries each sentence uses so ``audiopaper script`` can show them.

Latin words (brands, organisations, units: ``Netflix``, ``WHO``, ``Hz``) sit in a second
table, ``[latin]``, with the Chinese a presenter says for them. Only a voice with no English
phones uses it; a voice that reads English gets the word as written.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from audiopaper.errors import ProfileError
from audiopaper.profiles import profile_dirs

LEXICON_FILE = "lexicon.toml"
"""File name of the lexicon in a voices directory."""

_SYLLABLE = re.compile(r"^[a-zü]+[1-5]$")
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z .&'’-]*[A-Za-z]$|^[A-Za-z]$")
_ANY_LATIN = re.compile(r"[A-Za-z]")
"""Any Latin letter: texts without one need no Latin lookups."""
_CHINESE_READING = re.compile(r"^[\u4e00-\u9fff·]+$")


@dataclass(frozen=True)
class LexiconEntry:
    """How to say one word."""

    word: str
    """The word as printed (Chinese characters)."""

    pinyin: tuple[str, ...]
    """One toned syllable per character, tone as a digit (``zha4``, ``pu3``)."""

    say: str | None
    """A respelling for text-only voices, or None to leave the word as printed."""

    def __post_init__(self) -> None:
        if len(self.pinyin) != len(self.word):
            raise ValueError(f"{self.word}: {len(self.pinyin)} syllables for {len(self.word)} characters")
        for syllable in self.pinyin:
            if not _SYLLABLE.match(syllable):
                raise ValueError(f"{self.word}: {syllable!r} is not pinyin with a tone digit 1-5")


@dataclass(frozen=True)
class LatinEntry:
    """How a voice with no English phones says one Latin word."""

    word: str
    """The word as printed (``Netflix``, ``WHO``); all-capital words match only in capitals."""

    say: str
    """The Chinese a presenter says for it (奈飞, 世卫组织)."""

    def __post_init__(self) -> None:
        if not _LATIN_WORD.match(self.word):
            raise ValueError(f"{self.word!r}: a [latin] word must be Latin letters")
        if not _CHINESE_READING.match(self.say):
            raise ValueError(f"{self.word}: say = {self.say!r} must be Chinese characters only")

    def pattern(self) -> re.Pattern[str]:
        """The word as a whole word; case-insensitive unless it is written in capitals."""
        return _whole_word(self.word)


@lru_cache(maxsize=4096)
def _whole_word(word: str) -> re.Pattern[str]:
    """Compiled once per word: re's own cache (512 patterns) is too small for every rule and word."""
    flags = 0 if word.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", flags)


@dataclass(frozen=True)
class Lexicon:
    """All entries, longest words first (so 嘉兴港 wins over 嘉兴)."""

    entries: tuple[LexiconEntry, ...]
    """The entries."""

    latin: tuple[LatinEntry, ...] = ()
    """Latin words and their Chinese readings, longest first."""

    def find(self, text: str) -> tuple[str, ...]:
        """The lexicon words that occur in ``text``, in the order of the entries."""
        chinese = tuple(entry.word for entry in self.entries if entry.word in text)
        if not _ANY_LATIN.search(text):
            return chinese
        return chinese + tuple(entry.word for entry in self.latin if entry.pattern().search(text))

    def readings(self, text: str) -> tuple[str, ...]:
        """The syllables the lexicon gives ``text`` (``word=pin1 yin1`` per entry in it): part of
        a line's cache key for a voice that takes pinyin, so editing an entry redoes exactly
        the lines that contain its word."""
        return tuple(f"{e.word}={' '.join(e.pinyin)}" for e in self.entries if e.word in text)

    def described(self, text: str) -> tuple[str, ...]:
        """Every entry that can change how ``text`` is said (pinyin, respelling, Latin reading),
        one line each: part of an edition's content hash."""
        chinese = tuple(
            f"{e.word}={' '.join(e.pinyin)}|{e.say or ''}" for e in self.entries if e.word in text
        )
        if not _ANY_LATIN.search(text):
            return chinese
        return chinese + tuple(f"{e.word}={e.say}" for e in self.latin if e.pattern().search(text))

    def read_latin(self, text: str) -> str:
        """Replace the Latin words the lexicon knows by their Chinese readings."""
        if not _ANY_LATIN.search(text):
            return text
        for entry in self.latin:
            text = entry.pattern().sub(entry.say, text)
        return text

    def respell(self, text: str) -> str:
        """Replace words that have a respelling (for voices that take text only)."""
        for entry in self.entries:
            if entry.say:
                text = text.replace(entry.word, entry.say)
        return text

    def phrases(self) -> dict[str, list[list[str]]]:
        """The entries as pypinyin phrase-dictionary items (tone-marked pinyin)."""
        from pypinyin.contrib.tone_convert import to_tone

        return {e.word: [[to_tone(s.replace("5", ""))] for s in e.pinyin] for e in self.entries}


EMPTY_LEXICON = Lexicon(entries=())
"""A lexicon with no entries."""


def parse_lexicon(text: str, source: str) -> Lexicon:
    """Parse lexicon TOML; any mistake names the file and the word."""
    try:
        document = tomllib.loads(text)
        entries = [
            LexiconEntry(word=word, pinyin=tuple(str(spec["pinyin"]).split()), say=spec.get("say"))
            for word, spec in document.get("words", {}).items()
        ]
        latin = [
            LatinEntry(word=word, say=str(spec["say"])) for word, spec in document.get("latin", {}).items()
        ]
    except (tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError, ValueError) as error:
        raise ProfileError(f"{source}: invalid lexicon: {error}") from error
    entries.sort(key=lambda e: -len(e.word))
    latin.sort(key=lambda e: -len(e.word))
    return Lexicon(entries=tuple(entries), latin=tuple(latin))


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The first ``lexicon.toml`` found in the profile directories (empty if none)."""
    for directory in profile_dirs():
        path = directory / LEXICON_FILE
        if path.is_file():
            return load_lexicon(path)
    return EMPTY_LEXICON


def load_lexicon(path: Path) -> Lexicon:
    """Read a lexicon file."""
    try:
        return parse_lexicon(path.read_text(encoding="utf-8"), str(path))
    except OSError as error:
        raise ProfileError(f"{path}: cannot read the lexicon ({error.strerror})") from error
