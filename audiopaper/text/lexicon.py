"""The pronunciation lexicon: words the engines must say a particular way.

Editors extend ``voices/lexicon.toml`` without touching code. The offline voice takes each
entry's pinyin (it is loaded into pypinyin's phrase dictionary, so segmentation finds the
word); voices that take text only get the entry's respelling. The speech stage records
which entries each sentence uses so ``audiopaper script`` can show them.
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
class Lexicon:
    """All entries, longest words first (so 嘉兴港 wins over 嘉兴)."""

    entries: tuple[LexiconEntry, ...]
    """The entries."""

    def find(self, text: str) -> tuple[str, ...]:
        """The lexicon words that occur in ``text``, in the order of the entries."""
        return tuple(entry.word for entry in self.entries if entry.word in text)

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
        words = tomllib.loads(text).get("words", {})
        entries = [
            LexiconEntry(word=word, pinyin=tuple(str(spec["pinyin"]).split()), say=spec.get("say"))
            for word, spec in words.items()
        ]
    except (tomllib.TOMLDecodeError, KeyError, TypeError, AttributeError, ValueError) as error:
        raise ProfileError(f"{source}: invalid lexicon: {error}") from error
    entries.sort(key=lambda e: -len(e.word))
    return Lexicon(entries=tuple(entries))


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
