"""Tests for audiopaper.voice.phonemes: text to the Baker model's symbols, on the shipped map."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from audiopaper.voice.offline import SYMBOL_MAP, model_dir
from audiopaper.voice.phonemes import Phonemizer, simplified


def test_phonemizer_maps_pinyin_to_baker_symbols() -> None:
    phonemizer = Phonemizer(model_dir() / SYMBOL_MAP)
    assert phonemizer.syllables("中文") == ["zhong1", "wen2"]
    ids = phonemizer.ids("中文")
    # sil zh ong1 #0 ^ en2 sil eos
    assert len(ids) == 8
    assert ids[0] == 1 and ids[3] == 2 and ids[-2] == 1


def test_phonemizer_marks_words_and_breaks() -> None:
    phonemizer = Phonemizer(model_dir() / SYMBOL_MAP, ("乍浦",))
    symbols = phonemizer.symbols("乍浦镇，你好")
    assert symbols[0] == "sil" and symbols[-1] == "sil"
    assert symbols[1:4] == ["zh", "a4", "#0"]  # 乍浦 is one word: #0 inside it
    assert "#3" in symbols  # the comma
    assert "#1" in symbols  # between words


def test_tone_sandhi_is_applied_only_when_asked() -> None:
    plain = Phonemizer(model_dir() / SYMBOL_MAP)
    sandhi = Phonemizer(model_dir() / SYMBOL_MAP, tone_sandhi=True)
    assert plain.syllables("不断") == ["bu4", "duan4"]
    assert sandhi.syllables("不断") == ["bu2", "duan4"]
    assert sandhi.syllables("你好") == ["ni2", "hao3"]


def _tones(phonemizer: Phonemizer, text: str) -> list[str]:
    """The toned finals of ``text``'s symbols, in order (initials and marks left out)."""
    return [s for s in phonemizer.symbols(text) if s[-1].isdigit() and not s.startswith("#")]


def test_ordinals_keep_the_first_tone_of_yi() -> None:
    sandhi = Phonemizer(model_dir() / SYMBOL_MAP, tone_sandhi=True)
    assert _tones(sandhi, "第一名") == ["i4", "i1", "ing2"]  # pypinyin's sandhi alone gave yi4
    assert _tones(sandhi, "第一次") == ["i4", "i1", "ii4"]  # not yi2


@pytest.fixture(scope="module")
def phonemizer() -> Phonemizer:
    return Phonemizer(model_dir() / SYMBOL_MAP)


@pytest.mark.parametrize(
    ("traditional", "simplified_reading"),
    [
        ("世界冠軍", ["shi4", "jie4", "guan4", "jun1"]),
        ("分析師認為", ["fen1", "xi1", "shi1", "ren4", "wei2"]),
        ("各大銀行", ["ge4", "da4", "yin2", "hang2"]),
        ("評級下調", ["ping2", "ji2", "xia4", "tiao2"]),
    ],
)
def test_traditional_text_is_read_as_its_simplified_form(
    traditional: str, simplified_reading: list[str]
) -> None:
    phonemizer = Phonemizer(model_dir() / SYMBOL_MAP)
    assert phonemizer.syllables(traditional) == simplified_reading
    assert phonemizer.symbols(traditional) == phonemizer.symbols(simplified(traditional))


def test_simplified_text_passes_through_unchanged() -> None:
    assert (
        simplified("乍浦镇召开城乡居民医疗保险参保动员部署会") == "乍浦镇召开城乡居民医疗保险参保动员部署会"
    )


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("zhao1 yang2", ["zhao1", "yang2", "qu1"]),
        ("chao2 yang2", ["chao2", "yang2", "qu1"]),
    ],
)
def test_a_lexicon_entry_wins_inside_a_longer_pypinyin_phrase(entry: str, expected: list[str]) -> None:
    # pypinyin's own phrase dictionary holds 朝阳区; the editor's entry for 朝阳 must still decide.
    # In a fresh process: pypinyin's phrase dictionary is global, and earlier tests load others.
    script = """
import json, sys
from pypinyin import load_phrases_dict
from audiopaper.text.lexicon import parse_lexicon
from audiopaper.voice.phonemes import Phonemizer
from audiopaper.voice.offline import SYMBOL_MAP, model_dir
lexicon = parse_lexicon('[words]\\n"朝阳" = { pinyin = "%s" }' % sys.argv[1], "lexicon.toml")
assert lexicon.phrases(), "the entry was not read"
load_phrases_dict(lexicon.phrases())  # as the offline voice's front end does
print(json.dumps([
    Phonemizer(model_dir() / SYMBOL_MAP, ("朝阳",), tone_sandhi=sandhi).syllables(text)
    for sandhi in (False, True) for text in ("朝阳区", "家住朝阳区北路")
]))
"""
    run = subprocess.run([sys.executable, "-c", script, entry], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    with_sandhi_or_not = [expected, ["jia1", "zhu4", *expected, "bei3", "lu4"]] * 2
    assert json.loads(run.stdout) == with_sandhi_or_not
