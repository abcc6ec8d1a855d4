"""Groups of command-line options that several commands share, each declared once.

typer has no option groups: without them the six show settings would be written out again in
the signatures of render, archive, watch and feed, and the engine and voice choices in three,
with help texts that drift apart. :func:`option_group` gives a command the options of a
record's fields and hands them to it as one record. It is written by hand (some twenty
lines) because neither typer nor click offers this for typer's annotated signatures.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from audiopaper.errors import EngineError, OptionError
from audiopaper.pipeline import DEFAULT_BASE_URL, DEFAULT_PAPER
from audiopaper.profiles import DEFAULT_PROFILE, Profile
from audiopaper.publish.show import ShowSettings
from audiopaper.voice.registry import (
    OFFERED_ENGINE_NAMES,
    EngineSpec,
    check_engine_name,
    engine_specs,
    load_profile,
    resolve_engine,
)

ORDERS = ("lead", "source")
"""Article orders: the lead story first, or the order of the pages."""


def _kept(help_text: str, *names: str, lowest: int | None = None, highest: int | None = None) -> Any:
    """A show option: its value is kept in show.json, so later runs need not give it again."""
    return typer.Option(*names, help=f"{help_text}; kept in show.json.", min=lowest, max=highest)


@dataclasses.dataclass(frozen=True)
class ShowChanges:
    """The show settings given on the command line; ``None`` keeps what show.json says.

    Each field's help text is its documentation: it is what ``--help`` prints.
    """

    author: Annotated[str | None, _kept("itunes:author (default: the paper's name)")] = None
    owner_name: Annotated[str | None, _kept("itunes:owner name (default: the paper's name)")] = None
    owner_email: Annotated[str | None, _kept("itunes:owner email (Apple verifies shows by it)")] = None
    publish_hour: Annotated[
        int | None, _kept("Local hour episodes are dated at on their date (default 6)", lowest=0, highest=23)
    ] = None
    time_zone: Annotated[str | None, _kept("The paper's time zone (default Asia/Shanghai)")] = None
    websub_hub: Annotated[
        str | None, _kept("WebSub hub URL the feed names and every release pings", "--websub-hub")
    ] = None

    def save(self, out: Path, base_url: str) -> ShowSettings:
        """Write the settings given into out/show.json (the others stay as they are)."""
        from audiopaper.publish.show import update_show

        try:
            out.mkdir(parents=True, exist_ok=True)
            return update_show(
                out, base_url, author=self.author, owner_name=self.owner_name, owner_email=self.owner_email,
                publish_hour=self.publish_hour, time_zone=self.time_zone, hub=self.websub_hub,
            )  # fmt: skip
        except OSError as error:
            raise OptionError(f"cannot write {out}: {error.strerror}; choose a writable --out") from error


@dataclasses.dataclass(frozen=True)
class EditionChoices:
    """How the commands that make editions (render, archive, watch) voice and frame them."""

    engine: Annotated[str, typer.Option(help=f"Speech engine: {'|'.join(OFFERED_ENGINE_NAMES)}.")] = "auto"
    """The engine's name, or ``auto`` for the online voice when it answers."""
    profile: Annotated[
        str, typer.Option(help="Listening profile from voices/ (see 'audiopaper voices').")
    ] = DEFAULT_PROFILE
    """The listening profile's name."""
    base_url: Annotated[str, typer.Option(help="Absolute URL where --out is published.")] = DEFAULT_BASE_URL
    """Where out/ is published; every link in the feed and pages starts with it."""
    jobs: Annotated[
        int | None,
        typer.Option(help="Worker processes for synthesis (default: one per core).", min=1, max=64),
    ] = None
    """Worker processes; ``None`` for one per core."""
    paper: Annotated[str, typer.Option(help="The newspaper's name, spoken in the intro.")] = DEFAULT_PAPER
    """The paper's name, spoken in the intro and shown in the feed."""
    order: Annotated[
        str, typer.Option(help="Article order: lead (lead story first) or source (page order).")
    ] = "lead"
    """One of :data:`ORDERS`."""
    cover: Annotated[Path | None, typer.Option(help="Square JPEG/PNG show cover, 1400-3000 px.")] = None
    """The show's cover image, if one is given."""
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            help="Sentence audio cache (default: $AUDIOPAPER_CACHE_DIR or the user cache; "
            "remote archive workers use their own)."
        ),
    ] = None
    """The sentence cache; ``None`` for the default place."""

    @property
    def lead_first(self) -> bool:
        """Whether the lead story is read first."""
        return self.order == "lead"

    def chosen_profile(self) -> Profile:
        """Check the engine and order names, then load the profile (each fails in one line)."""
        try:
            check_engine_name(self.engine)
        except EngineError as error:
            raise OptionError(str(error)) from error
        if self.order not in ORDERS:
            raise OptionError("--order must be 'lead' or 'source'")
        return load_profile(self.profile)

    def specs(self, profile: Profile, say: Callable[[str], None]) -> tuple[EngineSpec, EngineSpec | None]:
        """The voice's and the presenter's engine specs; ``auto`` is resolved, and ``say`` told which."""
        return engine_specs(resolve_engine(self.engine, say), profile)


Command = Callable[..., None]


def option_group(parameter: str, record: type[Any]) -> Callable[[Command], Command]:
    """Give a command the options of ``record``'s fields, passed to it as one record named ``parameter``."""
    fields = dataclasses.fields(record)
    hints = typing.get_type_hints(record, include_extras=True)

    def decorate(command: Command) -> Command:
        signature = inspect.signature(command, eval_str=True)
        kept = [p for p in signature.parameters.values() if p.name != parameter]
        added = [
            inspect.Parameter(
                f.name, inspect.Parameter.KEYWORD_ONLY, annotation=hints[f.name], default=f.default
            )
            for f in fields
        ]

        @functools.wraps(command)
        def run(**options: Any) -> None:
            grouped = record(**{f.name: options.pop(f.name) for f in fields})
            command(**options, **{parameter: grouped})

        run.__signature__ = signature.replace(parameters=[*kept, *added])  # type: ignore[attr-defined]
        return run

    return decorate
