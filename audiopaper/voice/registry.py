"""The engine registry: the only module that imports engine implementations.

An :class:`EngineSpec` says how to build an engine, here or in a worker process, and what
its identity will be without loading it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from audiopaper.errors import EngineError
from audiopaper.profiles import check_speed
from audiopaper.voice.engine import Engine, EngineIdentity, EngineTraits
from audiopaper.voice.fake import FakeEngine

if TYPE_CHECKING:
    from audiopaper.voice.edge import EdgeSettings

ENGINE_NAMES = ("auto", "offline", "edge", "fake")
"""Engine names the CLI accepts (``fake`` is for tests and quick dry runs)."""


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
        if self.name not in ("offline", "edge", "fake"):
            raise EngineError(f"unknown engine {self.name!r}; choose one of {', '.join(ENGINE_NAMES)}")
        try:
            check_speed(self.speed, "the offline voice's speed")
        except ValueError as error:
            raise EngineError(str(error)) from error
        if self.name == "edge":
            self.edge_settings()  # voice, rate and concurrency are checked now, not mid-render

    def build(self, threads: int | None = None) -> Engine:
        """Load the engine (for offline: the models, a second or two)."""
        if self.name == "fake":
            return FakeEngine(faults=self.fake_faults)
        if self.name == "edge":
            from audiopaper.voice.edge import EdgeEngine

            return EdgeEngine(self.edge_settings())
        from audiopaper.text.lexicon import default_lexicon
        from audiopaper.voice.offline import OfflineEngine

        return OfflineEngine(speed=self.speed, threads=threads, lexicon=default_lexicon())

    def load_shared_parts(self) -> None:
        """Load what worker processes can share by being forked after it (the offline front end).

        Never the inference sessions: onnxruntime's threads do not survive a fork.
        """
        if self.name == "offline":
            from audiopaper.text.lexicon import default_lexicon
            from audiopaper.voice.offline import front_end

            front_end(default_lexicon())

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
