"""The offline voice's front end: Chinese text to the Baker model's symbol ids.

Written here because no maintained library produces the Baker corpus's symbol set with
its prosody marks: pypinyin gives the syllables, jieba the word boundaries, and the
model's own symbol map (baker_mapper.json, shipped with the models) the ids.

Traditional Chinese (Hong Kong and Taiwan pages) is read through its Simplified form,
converted by OpenCC: jieba's dictionary and pypinyin's phrase readings are Simplified, so
a Traditional 冠軍, 認為, 銀行, 下調 is cut into single characters and misread (guan1,
wei4, xing2, diao4). On the three Traditional pages of the development corpus, 72 of
7,167 syllables change with the conversion, nearly all to the right reading
(docs/measurements.md). Simplified text passes through unchanged.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from audiopaper.voice.polyphones import read_wei
from audiopaper.voice.sandhi import apply_sandhi

_LOGGER = logging.getLogger(__name__)

PHRASE_BREAK = re.compile(r"([，、：；,;:“”‘’《》（）()【】「」—…。！？!?])")
"""Punctuation where a sentence may be split into phrases (captured, to keep it)."""

CJK = re.compile(r"[\u4e00-\u9fff]")
"""One Chinese character."""

_CJK_RUN = re.compile(r"([\u4e00-\u9fff]+)")


class Phonemizer:
    """Chinese text to the Baker model's symbol ids: pinyin initials and toned finals.

    Each syllable becomes ``initial final+tone``. As in the Baker corpus labels, ``#0``
    joins syllables within a word, ``#1`` separates words (jieba's segmentation), ``#3``
    marks a punctuation break inside the text, and ``sil`` stands at both ends.
    Non-Chinese characters are skipped: the speech stage has already spelled digits and
    letters in Chinese.
    """

    def __init__(
        self, mapper_path: Path, lexicon_words: tuple[str, ...] = (), *, tone_sandhi: bool = False
    ) -> None:
        from pypinyin import Style
        from pypinyin.contrib.neutral_tone import NeutralToneWith5Mixin
        from pypinyin.contrib.tone_sandhi import ToneSandhiMixin
        from pypinyin.converter import DefaultConverter
        from pypinyin.core import Pinyin

        class _Converter(NeutralToneWith5Mixin, DefaultConverter):
            """Writes the neutral tone as 5, as the Baker labels do."""

        class _ThirdToneConverter(ToneSandhiMixin, _Converter):
            """pypinyin's third-tone rule inside words; 一 and 不 are set by voice.sandhi."""

            def _bu(self, han: str, pinyin_list: list[list[str]]) -> list[list[str]]:
                return pinyin_list

            def _yi(self, han: str, pinyin_list: list[list[str]]) -> list[list[str]]:
                return pinyin_list

        mapper = json.loads(mapper_path.read_text(encoding="utf-8"))
        self._symbol_to_id: dict[str, int] = mapper["symbol_to_id"]
        self._pinyin_dict: dict[str, list[str]] = mapper["pinyin_dict"]
        self._tone_sandhi = tone_sandhi
        self._pinyin = Pinyin(_ThirdToneConverter() if tone_sandhi else _Converter())
        self._citation = Pinyin(_Converter())
        self._style = Style.TONE3
        self._lexicon_by_length = sorted(set(lexicon_words), key=len, reverse=True)
        self.words: Callable[[str], list[str]] = _segmenter(lexicon_words)
        """Splits a run of Chinese characters into words."""

    def syllables(self, text: str) -> list[str]:
        """Toned pinyin syllables of the Chinese characters in ``text``, as the voice gets them."""
        return [
            syllable
            for run in _CJK_RUN.findall(simplified(text))
            for syllable in self._run_syllables(run, self.words(run))
        ]

    def _citation_syllable(self, char: str) -> str:
        """A character's own syllable, whatever its neighbours (for sandhi before a neutral tone)."""
        return str(self._citation.lazy_pinyin(char, style=self._style, errors="ignore")[0])

    def _run_syllables(self, run: str, words: list[str]) -> list[str]:
        """One toned syllable per character of a run of Chinese characters.

        pypinyin reads word by word, as measured: pinyin for the whole run judged no better
        (0.1307 and 0.1472 against 0.1302 and 0.1444; sample page, seeds 7 and 1). Then 为
        is read from its context and, with sandhi on, 一 and 不 get their tones from the next
        syllable across word boundaries (voice.sandhi). Lexicon words, wherever they stand, get
        their entries' syllables and are left as written.
        """
        syllables = [
            syllable
            for word in words
            for syllable in self._pinyin.lazy_pinyin(word, style=self._style, errors="ignore")
        ]
        if len(syllables) != len(run):  # never seen: pypinyin gives one per Chinese character
            raise ValueError(f"pypinyin gave {len(syllables)} syllables for {len(run)} characters")
        keep = self._apply_lexicon(run, syllables)
        syllables = read_wei(words, syllables, keep)
        if self._tone_sandhi:
            syllables = apply_sandhi(words, syllables, self._citation_syllable, keep)
        return syllables

    def _apply_lexicon(self, run: str, syllables: list[str]) -> frozenset[int]:
        """Give every lexicon word in the run its entry's syllables, longest match first, and
        return the positions so set.

        Wherever the word stands: jieba or pypinyin may hold a longer phrase containing it
        (朝阳区 is one pypinyin phrase, read chao2 yang2 qu1 whatever the entry for 朝阳 says),
        and an editor's entry must win over that. The word alone is read through pypinyin,
        which has the entry in its phrase dictionary, so the third-tone rule still applies
        inside it as before.
        """
        positions: set[int] = set()
        start = 0
        while start < len(run):
            word = next((w for w in self._lexicon_by_length if run.startswith(w, start)), None)
            if word is None:
                start += 1
                continue
            reading = self._pinyin.lazy_pinyin(word, style=self._style, errors="ignore")
            if len(reading) == len(word):
                syllables[start : start + len(word)] = reading
            positions.update(range(start, start + len(word)))
            start += len(word)
        return frozenset(positions)

    def _symbols(self, syllable: str) -> list[str]:
        tone, base = syllable[-1], syllable[:-1]
        if not tone.isdigit():
            tone, base = "5", syllable
        if base in self._pinyin_dict:
            initial, final = self._pinyin_dict[base]
            return [initial, final + tone]
        if base.endswith("r") and base[:-1] in self._pinyin_dict:  # erhua: 花儿 → hua1 er5
            initial, final = self._pinyin_dict[base[:-1]]
            return [initial, final + tone, "er5"]
        if base in ("n", "ng", "m"):  # 嗯, 呣
            return ["^", "en" + tone]
        _LOGGER.debug("no Baker symbols for syllable %r; skipped", syllable)
        return []

    def symbols(self, text: str) -> list[str]:
        """Baker symbols for ``text`` with prosody marks, from ``sil`` to ``sil``."""
        symbols = ["sil"]
        mark = "#1"  # what goes before the next word
        for piece in _CJK_RUN.split(simplified(text)):
            if not piece:
                continue
            if not CJK.match(piece):
                if PHRASE_BREAK.search(piece):
                    mark = "#3"
                continue
            words = self.words(piece)
            syllables = iter(self._run_syllables(piece, words))
            for word in words:
                for _ in word:
                    parts = self._symbols(next(syllables))
                    if parts:
                        if symbols[-1] != "sil":
                            symbols.append(mark)
                        symbols.extend(parts)
                        mark = "#0"
                mark = "#1"
        symbols.append("sil")
        return symbols

    def ids(self, text: str) -> list[int]:
        """Symbol ids for ``text``, ending with the end-of-sentence id."""
        ids = [self._symbol_to_id[s] for s in self.symbols(text)]
        return [*ids, self._symbol_to_id["eos"]]


@cache
def _to_simplified() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """``text`` with Traditional characters in their Simplified form (OpenCC's t2s)."""
    return str(_to_simplified().convert(text))


def _segmenter(lexicon_words: tuple[str, ...] = ()) -> Any:
    """jieba's word segmenter for runs of Chinese characters, loaded quietly.

    pypinyin's own splitter breaks common words (国务院 → 国/务/院), so word boundaries
    (the ``#1`` marks) come from jieba; lexicon words are added so none is split.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it logs "Building prefix dict…" at INFO
    tokenizer = jieba.Tokenizer()
    for word in lexicon_words:
        tokenizer.add_word(word, freq=100_000)
    return lambda run: tokenizer.lcut(run, HMM=True)
