"""The render pipeline: pages → clean → speech → synth/assemble → publish, one direction.

Kept apart from cli.py so the CLI stays a thin layer of options and messages, and so
tests can drive a whole render with an injected engine.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from audiopaper.audio.assemble import assemble_edition
from audiopaper.audio.recording import recording_number, recordings_by_article
from audiopaper.errors import OptionError
from audiopaper.memo import remembering
from audiopaper.profiles import Profile
from audiopaper.publish.cover import validate_cover
from audiopaper.publish.edition_files import write_edition_files
from audiopaper.publish.feed import FEED_NAME
from audiopaper.publish.manifest import MANIFEST_NAME, EditionManifest
from audiopaper.publish.outdir import EDITIONS_DIR
from audiopaper.publish.publisher import Clock, InstalledEdition, Publisher, publishing, utc_now
from audiopaper.publish.release import release_pending
from audiopaper.publish.release_record import RELEASE_NAME
from audiopaper.publish.show import show_zone
from audiopaper.publish.tags import EditionMeta
from audiopaper.recipe import lexicon_entries, settings_identity, source_hash
from audiopaper.text.clean import CleanResult, clean_pages
from audiopaper.text.ingest import parse_page_file, read_page, read_page_file
from audiopaper.text.lexicon import default_lexicon
from audiopaper.text.page import PageFile
from audiopaper.text.script import Frame, Script, SpeechOptions, build_script, edition_frame, printed_frame
from audiopaper.values import plain_text
from audiopaper.voice.engine import EngineTraits
from audiopaper.voice.scheduler import SynthesisStats, Synthesizer

_LOGGER = logging.getLogger(__name__)

DEFAULT_PAPER = "今日新闻"
"""Paper name spoken in the intro when none is given."""

DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
"""Where ``audiopaper serve`` publishes by default; feeds need absolute URLs."""


MAX_BASE_URL_CHARS = 1000
"""Longest --base-url: it is repeated in every link of the feed and the pages."""


def check_base_url(base_url: str) -> None:
    """Refuse a base URL podcast apps could not use (feeds need absolute http(s) URLs)."""
    plain_text(base_url, "--base-url", max_chars=MAX_BASE_URL_CHARS)
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise OptionError(f"--base-url must be an absolute http(s) URL, got {base_url!r}")


def check_show_options(base_url: str, paper: str, cover: Path | None) -> None:
    """What every publishing command checks where its options are built: the base URL, the
    paper's name and a configured cover."""
    check_base_url(base_url)
    plain_text(paper, "--paper")
    if not paper.strip():
        raise OptionError("--paper must not be empty")
    if cover is not None:
        validate_cover(cover)


@dataclass(frozen=True)
class RenderOptions:
    """Everything a render needs besides its pages and engine, validated on construction."""

    out_dir: Path
    """Output directory (``out/`` by default)."""

    day: date
    """The edition's date."""

    profile: Profile
    """Listening profile: pace and pauses."""

    base_url: str = DEFAULT_BASE_URL
    """Absolute URL the output directory is published at, for the feed's enclosures."""

    paper: str = DEFAULT_PAPER
    """The newspaper's name."""

    lead_first: bool = True
    """Move each page's lead story (``#`` headline) to the front."""

    cover: Path | None = None
    """A square JPEG/PNG cover to publish; None keeps the current one or generates one."""

    recordings: tuple[Path, ...] = ()
    """Recorded pieces (``03.mp3`` stands in for article 3's synthesis), MP3 or WAV."""

    hold: bool = False
    """Leave the edition waiting in ``.pending/`` (listed nowhere) for ``audiopaper approve``."""

    source_hash: str = ""
    """What edition.json records as its source (``watch`` gives its own hash of the inbox
    folder); "" computes archive's hash of the pages and options."""

    def __post_init__(self) -> None:
        for recording in self.recordings:
            recording_number(recording)
        check_show_options(self.base_url, self.paper, self.cover)


@dataclass(frozen=True)
class RenderResult:
    """What a render produced."""

    edition_dir: Path
    """The published edition directory (``out/editions/DATE``)."""

    feed_path: Path
    """The rebuilt feed."""

    manifest: EditionManifest
    """The edition.json record as written."""

    cleaning: CleanResult
    """Articles and the cleaner's report."""

    stats: SynthesisStats
    """Lines synthesized, from the cache, failed; time inside the engine."""

    segments_encoded: int
    """Audio segments encoded in this run (the rest were reused from the cache)."""


@dataclass(frozen=True)
class WrittenEdition:
    """What :func:`write_edition` wrote and what it cost."""

    manifest: EditionManifest
    """The manifest, for the publisher to write as edition.json and install."""

    synthesis: SynthesisStats
    """Lines synthesized, from the cache, failed; time inside the engine."""

    segments_encoded: int
    """Audio segments encoded (the rest were reused from the cache)."""


def read_and_clean(paths: Sequence[Path], *, lead_first: bool = True) -> CleanResult:
    """Ingest and clean the pages of one edition, in the given order."""
    return clean_pages([read_page(path) for path in paths], lead_first=lead_first)


def speech_options_for(traits: EngineTraits, profile: Profile | None = None) -> SpeechOptions:
    """Speech options matching an engine's needs and limits and a profile, with the lexicon."""
    return SpeechOptions(
        spell_letters=traits.spells_letters,
        engine_limit_chars=traits.max_sentence_chars,
        respell=traits.respells,
        lexicon=default_lexicon(),
        repeat_key_facts=profile.repeat_key_facts if profile else False,
    )


def make_script(cleaning: CleanResult, traits: EngineTraits, profile: Profile | None = None) -> Script:
    """The edition's script for an engine with these traits, in a listening profile."""
    return build_script(cleaning.articles, speech_options_for(traits, profile))


def spoken_frame(
    traits: EngineTraits, profile: Profile, *, paper: str, day: date
) -> Callable[[Sequence[str]], Frame]:
    """The edition's spoken frame (intro, contents, announcements, outro) for its titles."""
    speech_options = speech_options_for(traits, profile)

    def frame(titles: Sequence[str]) -> Frame:
        return edition_frame(titles, paper=paper, day=day, options=speech_options)

    return frame


def render(
    paths: Sequence[Path],
    options: RenderOptions,
    synthesizer: Synthesizer,
    *,
    progress: Callable[[str], None] = lambda message: None,
    synthesis_progress: Callable[[int, int], None] | None = None,
    presenter: Synthesizer | None = None,
    clock: Clock = utc_now,
) -> RenderResult:
    """Render pages into a published edition under ``options.out_dir`` and rebuild the feed.

    ``presenter`` (a second voice for the intro, contents and announcements) is used only
    when the profile asks for one; articles are always in ``synthesizer``'s voice.
    """
    # wetext's and pypinyin's answers are remembered in the cache: a re-render loads neither
    # (unless the cache cannot be written: then they are computed again, and not kept).
    cache = synthesizer.cache
    with cache.in_use(), remembering(cache.directory if cache.overlay is None else None):
        files = tuple(read_page_file(path) for path in paths)
        pages = [parse_page_file(page) for page in files]
        cleaning = clean_pages(pages, lead_first=options.lead_first)
        with publishing(
            options.out_dir,
            options.base_url,
            paper=options.paper,
            cover=options.cover,
            progress=progress,
            clock=clock,
        ) as publisher:
            cover_jpeg = publisher.tag_cover(cache)
            with publisher.staging(options.day) as staging:
                written = write_edition(
                    staging,
                    cleaning,
                    edition_meta(options.paper, options.day, options.profile, synthesizer, presenter),
                    options.profile,
                    synthesizer,
                    cover_jpeg=cover_jpeg,
                    progress=progress,
                    synthesis_progress=synthesis_progress,
                    presenter=presenter,
                    recordings=options.recordings,
                )
                digest = options.source_hash or _content_hash(
                    options, files, lexicon_entries(pages), (synthesizer, presenter), cover_jpeg
                )
                manifest = dataclasses.replace(written.manifest, source_hash=digest)
                installed = _place(publisher, staging, manifest, options.hold, clock)
        cache.trim()
    return RenderResult(
        edition_dir=installed.directory,
        feed_path=options.out_dir / FEED_NAME,
        manifest=installed.manifest,
        cleaning=cleaning,
        stats=written.synthesis,
        segments_encoded=written.segments_encoded,
    )


def _place(
    publisher: Publisher, staging: Path, manifest: EditionManifest, hold: bool, clock: Clock
) -> InstalledEdition:
    """Hold the edition, install it, or, when its date went out through a release, correct it.

    A date released by ``watch`` or ``approve`` has a release record: rendering it again goes
    through the release path, so changed text is a correction (same GUID and pubDate, a new
    MP3 name, a 更正 line) and unchanged text changes nothing.
    """
    released = publisher.out_dir / EDITIONS_DIR / manifest.date.isoformat() / RELEASE_NAME
    if not hold and not released.is_file():
        return publisher.install(staging, manifest)
    held = publisher.hold(staging, manifest)
    if hold:
        return held
    release_pending(publisher, manifest.date, now=clock().astimezone(show_zone(publisher.out_dir)))
    return InstalledEdition(released.parent, EditionManifest.read(released.parent / MANIFEST_NAME))


def _content_hash(
    options: RenderOptions,
    files: Sequence[PageFile],
    lexicon: Sequence[str],
    voices: tuple[Synthesizer, Synthesizer | None],
    cover_jpeg: bytes,
) -> str:
    """The edition's source_hash, as ``archive`` computes it for the same pages and options."""
    synthesizer, presenter = voices
    settings = settings_identity(
        paper=options.paper,
        profile=options.profile,
        lead_first=options.lead_first,
        engine=synthesizer.identity,
        presenter=presenter.identity if presenter is not None else None,
        cover_jpeg=cover_jpeg,
    )
    recorded = tuple(PageFile(f"recordings/{path.name}", path.read_bytes()) for path in options.recordings)
    return source_hash(options.day, (*files, *recorded), settings, lexicon)


def edition_meta(
    paper: str, day: date, profile: Profile, synthesizer: Synthesizer, presenter: Synthesizer | None
) -> EditionMeta:
    """What describes the edition beyond its audio: paper, date, voices and profile."""
    return EditionMeta(
        paper=paper,
        day=day,
        engine=synthesizer.identity.name,
        voice=synthesizer.identity.voice,
        profile=profile.name,
        presenter_voice=presenter.identity.voice if presenter is not None else None,
    )


def write_edition(
    directory: Path,
    cleaning: CleanResult,
    meta: EditionMeta,
    profile: Profile,
    synthesizer: Synthesizer,
    *,
    cover_jpeg: bytes | None,
    progress: Callable[[str], None] = lambda message: None,
    synthesis_progress: Callable[[int, int], None] | None = None,
    presenter: Synthesizer | None = None,
    recordings: Sequence[Path] = (),
) -> WrittenEdition:
    """Speak, assemble and write one edition's files (all but edition.json) into ``directory``.

    The seam between rendering and publishing, the same for ``render`` (into a staging
    directory under ``out/``) and ``archive`` (on a worker, in a private directory whose
    files are sent back). Returns the manifest for the publisher to write and install, and
    what the render cost. ``recordings`` (``03.mp3`` for article 3)
    stand in for synthesis.
    """
    traits = synthesizer.identity.traits
    script = make_script(cleaning, traits, profile)
    recorded = recordings_by_article(recordings, len(script.articles))
    for index, path in sorted(recorded.items()):
        progress(f"article {index + 1} is recorded: {path.name} stands in for its synthesis")
    assembled = assemble_edition(
        script.articles,
        spoken_frame(traits, profile, paper=meta.paper, day=meta.day),
        synthesizer,
        profile,
        progress=progress,
        synthesis_progress=synthesis_progress,
        presenter=presenter,
        show_frame=lambda titles: printed_frame(titles, paper=meta.paper, day=meta.day),
        recordings=recorded,
    )
    progress("tags, chapters and transcript")
    stats = assembled.synthesis
    synthesis: dict[str, float] = {
        "synthesized": stats.synthesized,
        "from_cache": stats.from_cache,
        "failed": stats.failed,
        "engine_seconds": round(stats.engine_seconds, 3),
        "segments_encoded": assembled.segments_encoded,
    }
    manifest = write_edition_files(directory, meta, assembled, cover_jpeg=cover_jpeg, synthesis=synthesis)
    return WrittenEdition(manifest, stats, assembled.segments_encoded)
