"""Tests for audiopaper.voice.sandhi: the tones of 一 and 不 the offline voice receives.

Each phrase of sandhi_golden.tsv is checked syllable by syllable against what the offline
front end (shipped lexicon, sandhi on, as the engine uses it) turns into Baker symbols.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from audiopaper.errors import ProfileError
from audiopaper.text.lexicon import LEXICON_FILE, load_lexicon
from audiopaper.voice.offline import SYMBOL_MAP, front_end, model_dir
from audiopaper.voice.phonemes import Phonemizer
from audiopaper.voice.sandhi import parse_sandhi

GOLDEN_FILE = Path(__file__).with_name("sandhi_golden.tsv")
LEXICON = load_lexicon(Path(__file__).parents[2] / "voices" / LEXICON_FILE)


def _golden() -> list[tuple[str, str, list[str]]]:
    rows = []
    for line in GOLDEN_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, text, syllables = line.split("\t")
            rows.append((kind, text, syllables.split()))
    return rows


GOLDEN = _golden()


@pytest.fixture(scope="module")
def phonemizer() -> Phonemizer:
    return front_end(LEXICON)


@pytest.mark.parametrize(("kind", "text", "syllables"), GOLDEN)
def test_every_syllable_is_what_a_presenter_says(
    phonemizer: Phonemizer, kind: str, text: str, syllables: list[str]
) -> None:
    assert phonemizer.syllables(text) == syllables, kind


def test_the_symbols_carry_the_same_tones(phonemizer: Phonemizer) -> None:
    finals = [s for s in phonemizer.symbols("他不去，看一看") if s[-1].isdigit() and not s.startswith("#")]
    assert finals == ["a1", "u2", "v4", "an4", "i5", "an4"]


def test_the_table_covers_each_kind() -> None:
    counts = Counter(kind for kind, _, _ in GOLDEN)
    assert len(GOLDEN) >= 60
    for kind in ("yi-before-1", "yi-before-2", "yi-before-3", "yi-before-4", "across-words", "a-not-a"):
        assert counts[kind] >= 5, kind
    for kind in ("bu-before-4", "set-phrase", "digit", "ordinal", "date", "word-final"):
        assert counts[kind] >= 4, kind


def test_lexicon_words_keep_their_own_tones() -> None:
    from pypinyin import load_phrases_dict

    load_phrases_dict({"一中": [["yī"], ["zhōng"]]})  # as a lexicon entry "一中" = "yi1 zhong1" does
    phonemizer = Phonemizer(model_dir() / SYMBOL_MAP, ("一中",), tone_sandhi=True)
    assert phonemizer.syllables("一中") == ["yi1", "zhong1"]  # not yi4: the editor's reading wins


def test_bad_lists_are_refused_with_the_file_named() -> None:
    with pytest.raises(ProfileError, match=r"sandhi\.toml: invalid sandhi lists"):
        parse_sandhi('[yi]\ncounting_words = "这"', "sandhi.toml")
