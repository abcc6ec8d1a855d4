"""Tests for audiopaper.voice.polyphones: 为 read wéi or wèi from the words around it.

Each sentence of wei_golden.tsv gives the syllable of every 为 the offline front end (shipped
lexicon, as the engine uses it) must produce.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from audiopaper.errors import ProfileError
from audiopaper.text.lexicon import LEXICON_FILE, load_lexicon
from audiopaper.voice.offline import front_end
from audiopaper.voice.phonemes import Phonemizer
from audiopaper.voice.polyphones import parse_polyphones

GOLDEN_FILE = Path(__file__).with_name("wei_golden.tsv")
LEXICON = load_lexicon(Path(__file__).parents[2] / "voices" / LEXICON_FILE)


def _golden() -> list[tuple[str, str, list[str]]]:
    rows = []
    for line in GOLDEN_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            reading, text, syllables = line.split("\t")
            rows.append((reading, text, syllables.split()))
    return rows


GOLDEN = _golden()


@pytest.fixture(scope="module")
def phonemizer() -> Phonemizer:
    return front_end(LEXICON)


@pytest.mark.parametrize(("reading", "text", "syllables"), GOLDEN)
def test_wei_is_read_from_its_context(
    phonemizer: Phonemizer, reading: str, text: str, syllables: list[str]
) -> None:
    chinese = re.sub(r"[^\u4e00-\u9fff]", "", text)
    read = [s for char, s in zip(chinese, phonemizer.syllables(text), strict=True) if char == "为"]
    assert read == syllables, reading


def test_the_table_has_twenty_sentences_of_each_reading() -> None:
    counts = Counter(reading for reading, _, _ in GOLDEN)
    assert counts["wei2"] >= 20 and counts["wei4"] >= 20


def test_the_district_name_chaoyang_is_chao(phonemizer: Phonemizer) -> None:
    assert phonemizer.syllables("朝阳区")[:2] == ["chao2", "yang2"]


def test_bad_lists_are_refused_with_the_file_named() -> None:
    with pytest.raises(ProfileError, match=r"polyphones\.toml: invalid polyphone lists"):
        parse_polyphones('[wei]\nwei2_words = "作为"', "polyphones.toml")
