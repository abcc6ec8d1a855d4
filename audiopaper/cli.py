# long: one typer signature per command (six of them), one option per line; the work is in the stages
"""The command line: parse options, call the stages, print progress (stderr) and data (stdout).

Only this module turns :class:`AudiopaperError` into exit codes: 1 for an error the user
can fix (the message says how), 3 when an edition was published without some articles.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Generic, ParamSpec, TypeVar

import typer

from audiopaper import __version__
from audiopaper.archive.source import DatedEntry, recording_files
from audiopaper.audio.recording import recording_number
from audiopaper.command_options import EditionChoices, ShowChanges, option_group
from audiopaper.errors import AudiopaperError, EngineError, OptionError, ProfileError
from audiopaper.pipeline import (
    DEFAULT_BASE_URL,
    RenderOptions,
    RenderResult,
    check_base_url,
    make_script,
    read_and_clean,
    render,
)
from audiopaper.profiles import DEFAULT_PROFILE, available_profiles
from audiopaper.publish.manifest import EditionManifest
from audiopaper.publish.outdir import EDITIONS_DIR
from audiopaper.publish.publisher import publishing
from audiopaper.text.lexicon import default_lexicon
from audiopaper.text.proof import proof_lines, script_document
from audiopaper.values import iso_day
from audiopaper.voice.cache import ClipCache
from audiopaper.voice.registry import (
    ENGINES,
    EngineSpec,
    default_traits,
    load_profile,
    online_voices,
)
from audiopaper.voice.scheduler import Synthesizer
from audiopaper.watch.inbox import DEFAULT_SETTLE_MIN

EXIT_USER_ERROR = 1
EXIT_PARTIAL = 3

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Turn a Chinese newspaper's pages into an audio edition and podcast feed.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"audiopaper {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Turn a Chinese newspaper's pages into an audio edition and podcast feed."""


Out = Annotated[Path, typer.Option("--out", help="Output directory.")]


Pages = Annotated[
    list[Path],
    typer.Argument(
        help="Page files: printed-page markdown, plain text, saved HTML or .docx (UTF-8, GB18030, declared).",
        show_default=False,
    ),
]


def _say(message: str) -> None:
    """Progress and messages to stderr; a closed stderr must not stop a render."""
    with contextlib.suppress(OSError):
        typer.echo(message, err=True)


P = ParamSpec("P")


def _user_errors(command: Callable[P, None]) -> Callable[P, None]:
    """Turn audiopaper's errors into one line on stderr and exit code 1, never a traceback."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            command(*args, **kwargs)
        except AudiopaperError as error:
            _say(f"error: {error}")
            raise typer.Exit(EXIT_USER_ERROR) from None

    return run


def _parse_date(value: str | None) -> date:
    if value is None:
        return date.today()
    return iso_day(value, "--date")


class ProgressBar:
    """A one-line progress bar on stderr: lines done / total, elapsed, remaining."""

    WIDTH = 30

    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.started
        remaining = elapsed / done * (total - done) if done else 0.0
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        end = "\n" if done >= total else ""
        sys.stderr.write(
            f"\r合成 [{bar}] {done}/{total}  {elapsed:.0f} s, about {remaining:.0f} s left {end}"
        )
        sys.stderr.flush()


def _render_with(
    pages: Sequence[Path],
    options: RenderOptions,
    specs: tuple[EngineSpec, EngineSpec | None],
    cache_dir: Path | None,
    jobs: int | None,
) -> RenderResult:
    """One render with its own synthesizers (the presenter's only when the profile names one)."""
    spec, presenter_spec = specs
    bar = ProgressBar() if sys.stderr.isatty() else None
    with contextlib.ExitStack() as stack:
        cache = ClipCache(cache_dir)  # one for both voices: a render holds and trims it once
        synthesizer = stack.enter_context(Synthesizer(cache, spec=spec, jobs=jobs))
        presenter = None
        if presenter_spec is not None:  # only when the profile asks for a second voice
            presenter = stack.enter_context(Synthesizer(cache, spec=presenter_spec, jobs=jobs))
        return render(pages, options, synthesizer, progress=_say, synthesis_progress=bar, presenter=presenter)


@app.command("render")
@_user_errors
@option_group("show", ShowChanges)
@option_group("choices", EditionChoices)
def render_command(
    pages: Pages,
    day: Annotated[
        str | None, typer.Option("--date", help="Edition date, YYYY-MM-DD (default: today).")
    ] = None,
    out: Out = Path("out"),
    *,
    choices: EditionChoices,
    show: ShowChanges,
) -> None:
    """Render PAGE... into out/editions/DATE/ (MP3s, chapters, transcript) and rebuild out/feed.xml."""
    started = time.monotonic()
    chosen_profile = choices.chosen_profile()
    try:
        options = RenderOptions(
            out_dir=out, day=_parse_date(day), profile=chosen_profile, base_url=choices.base_url,
            paper=choices.paper, lead_first=choices.lead_first, cover=choices.cover,
            recordings=recording_files(pages[0].parent),
        )  # fmt: skip
    except ValueError as error:
        raise OptionError(str(error)) from error
    settings = show.save(out, choices.base_url)
    specs = choices.specs(chosen_profile, _say)
    options = dataclasses.replace(options, hold=settings.hold)
    result = _render_with(pages, options, specs, choices.cache_dir, choices.jobs)
    if settings.hold:
        _say(f"held (hold is on in show.json): release it with 'audiopaper approve {options.day}'")
    manifest = result.manifest
    stats = result.stats
    sentences = sum(len(a.sentences) for a in manifest.articles)
    elapsed = time.monotonic() - started
    _say(
        f"done: {len(manifest.articles)} articles, {sentences} sentences; "
        f"{stats.synthesized} lines synthesized, {stats.from_cache} from cache; "
        f"{manifest.duration / 60:.1f} min of audio in {elapsed:.1f} s "
        f"(real-time factor {elapsed / manifest.duration:.3f}); engine {manifest.engine}"
    )
    typer.echo(str(result.edition_dir / manifest.audio))
    if manifest.skipped:
        for line in manifest.skipped:
            _say(line)
        raise typer.Exit(EXIT_PARTIAL)


@app.command("archive")
@_user_errors
@option_group("show", ShowChanges)
@option_group("choices", EditionChoices)
def archive_command(
    source: Annotated[
        Path, typer.Argument(help="A folder of YYYY-MM-DD/ page folders or YYYY-MM-DD.<ext> pages.")
    ],
    out: Out = Path("out"),
    cluster: Annotated[
        str | None, typer.Option(help="Dask scheduler, tcp://HOST:PORT (default: a local cluster).")
    ] = None,
    since: Annotated[str | None, typer.Option(help="First date, YYYY-MM-DD (inclusive).")] = None,
    until: Annotated[str | None, typer.Option(help="Last date, YYYY-MM-DD (inclusive).")] = None,
    *,
    choices: EditionChoices,
    show: ShowChanges,
) -> None:
    """Render every dated edition in SOURCE into --out, here or on a Dask cluster; reruns skip the done."""
    from audiopaper.archive import ArchiveOptions, archive, parse_day
    from audiopaper.voice.scheduler import default_jobs

    chosen_profile = choices.chosen_profile()
    first, last = parse_day(since, "--since"), parse_day(until, "--until")
    spec, presenter = choices.specs(chosen_profile, _say)
    options = ArchiveOptions(
        source=source, out_dir=out, base_url=choices.base_url, paper=choices.paper, profile=chosen_profile,
        lead_first=choices.lead_first, engine=spec, presenter=presenter, cover=choices.cover, since=first,
        until=last, cluster=cluster, jobs=choices.jobs or default_jobs(), cache_dir=choices.cache_dir,
    )  # fmt: skip
    show.save(out, choices.base_url)
    report = archive(options, progress=_say, on_published=lambda path: typer.echo(str(path)))
    for line in report.partial:
        _say(line)
    _say(report.summary())
    if report.failed or report.partial:
        raise typer.Exit(EXIT_PARTIAL)


@app.command("watch")
@_user_errors
@option_group("show", ShowChanges)
@option_group("choices", EditionChoices)
def watch_command(
    inbox: Annotated[Path, typer.Argument(help="The drop folder: a YYYY-MM-DD/ folder of pages per date.")],
    out: Out = Path("out"),
    once: Annotated[
        bool, typer.Option("--once", help="One pass over the inbox, then exit (for cron).")
    ] = False,
    hold: Annotated[
        bool, typer.Option("--hold", help="Keep rendered editions for 'audiopaper approve'.")
    ] = False,
    settle: Annotated[
        float, typer.Option("--settle", help="Minutes a folder without READY must stay unchanged.")
    ] = DEFAULT_SETTLE_MIN,
    notify: Annotated[
        str | None, typer.Option("--notify", help="Shell command run after each date, JSON summary on stdin.")
    ] = None,
    *,
    choices: EditionChoices,
    show: ShowChanges,
) -> None:
    """Render each date dropped into INBOX when it is complete, and release it at the publish hour."""
    import signal

    from audiopaper.publish.cover import install_cover
    from audiopaper.watch import Watcher, WatchOptions

    chosen_profile = choices.chosen_profile()
    show.save(out, choices.base_url)
    specs = choices.specs(chosen_profile, _say)
    identity = {
        "engine": [dataclasses.asdict(s.identity()) if s else None for s in specs],
        "profile": choices.profile, "paper": choices.paper, "order": choices.order, "version": __version__,
    }  # fmt: skip
    options = WatchOptions(
        inbox=inbox, out_dir=out, base_url=choices.base_url, settle_min=settle, hold=hold, notify=notify,
        identity=json.dumps(identity, sort_keys=True, default=str),
    )  # fmt: skip
    show_cover = install_cover(out, choices.cover)

    def render_date(entry: DatedEntry, source_hash: str) -> EditionManifest:
        day_options = RenderOptions(
            out_dir=out, day=entry.day, profile=chosen_profile, base_url=choices.base_url,
            paper=choices.paper, lead_first=choices.lead_first, cover=show_cover,
            recordings=recording_files(entry.pages[0].parent), hold=True, source_hash=source_hash,
        )  # fmt: skip
        return _render_with(entry.pages, day_options, specs, choices.cache_dir, choices.jobs).manifest

    watcher = Watcher(options, render_date, progress=_say)
    signal.signal(signal.SIGTERM, lambda signum, frame: watcher.stop.set())
    _say(f"watching {inbox} (settle {settle:g} min{', hold' if hold else ''}); SIGTERM stops between steps")
    watcher.run(once=once)


T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class _ReleaseStep(Generic[T]):
    """What approve or withdraw did, and when and where, for the status file and the hub."""

    day: date
    """The edition's date."""
    base_url: str
    """The public address the feed was built with."""
    now: datetime
    """When the step ran, in the paper's time zone."""
    outcome: T
    """What the release function returned."""


def _release_step(out: Path, day: str, step: Callable[..., T]) -> _ReleaseStep[T]:
    """Run ``step(publisher, day, now=now)`` under the publishing lock, in the paper's time zone."""
    from audiopaper.publish.feed import published_base_url
    from audiopaper.publish.show import show_zone

    if not out.is_dir():
        raise OptionError(f"{out} does not exist; give the --out the edition was rendered into")
    when, base_url = _parse_date(day), published_base_url(out, DEFAULT_BASE_URL)
    now = datetime.now(show_zone(out))
    with publishing(out, base_url, progress=_say, brief=True) as publisher:
        outcome = step(publisher, when, now=now)
    return _ReleaseStep(when, base_url, now, outcome)


def _note_status(out: Path, done: _ReleaseStep[Any], state: str, detail: str, **known: str) -> None:
    """Record in the status file what a release step did to its date."""
    from audiopaper.publish.status import DateStatus, update_date

    status = DateStatus(state, done.now.isoformat(timespec="seconds"), detail=detail, **known)
    update_date(out, done.day.isoformat(), status)


DayArgument = Annotated[str, typer.Argument(help="The edition's date, YYYY-MM-DD.")]


@app.command("approve")
@_user_errors
def approve_command(day: DayArgument, out: Out = Path("out")) -> None:
    """Release a held (or scheduled) edition now: into the feed and pages, and ping the hub."""
    from audiopaper.publish.release import announce, release_pending

    done = _release_step(out, day, release_pending)
    release = done.outcome
    ping = announce(out, done.base_url) if release.kind != "unchanged" else None
    if ping is not None and not ping.ok:
        _say(f"warning: the WebSub ping {ping.detail}; 'audiopaper watch' tries again")
    detail = {
        "released": "approved and released",
        "unchanged": "the text is unchanged; nothing was republished",
    }
    source = out / EDITIONS_DIR / done.day.isoformat()
    source_hash = EditionManifest.read(source / "edition.json").source_hash
    _note_status(
        out, done, "unchanged" if release.kind == "unchanged" else "released",
        detail.get(release.kind, "corrected: " + "、".join(release.changed)),
        source_hash=source_hash, hub=ping.detail if ping else "",
    )  # fmt: skip
    typer.echo(str(source / release.audio))


@app.command("withdraw")
@_user_errors
def withdraw_command(day: DayArgument, out: Out = Path("out")) -> None:
    """Take a released episode out of the feed and pages; its files stay where they are."""
    from audiopaper.publish.release import announce, withdraw
    from audiopaper.publish.status import read_status

    done = _release_step(out, day, withdraw)
    if not done.outcome:
        _say(f"{done.day} was already withdrawn")
        return
    ping = announce(out, done.base_url)
    known = read_status(out).dates.get(done.day.isoformat())
    _note_status(
        out, done, "withdrawn", "withdrawn; its files are kept",
        source_hash=known.source_hash if known else "", hub=ping.detail if ping else "",
    )  # fmt: skip
    kept = out / EDITIONS_DIR / done.day.isoformat()
    _say(f"{done.day} withdrawn from the feed and pages; its files stay in {kept}")


@app.command("script")
@_user_errors
def script_command(
    pages: Pages,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (for tools).")] = False,
    order: Annotated[str, typer.Option(help="Article order: lead or source.")] = "lead",
    profile: Annotated[str, typer.Option(help="Listening profile from voices/.")] = DEFAULT_PROFILE,
) -> None:
    """Print what will be spoken for PAGE..., without synthesis: a proof for the editor."""
    chosen_profile = load_profile(profile)
    cleaning = read_and_clean(pages, lead_first=order != "source")
    # Shaped for the default offline voice; no model is loaded.
    script = make_script(cleaning, default_traits(), chosen_profile)
    if as_json:
        typer.echo(json.dumps(script_document(script), ensure_ascii=False, indent=2))
        return
    recorded = {recording_number(p): f"recordings/{p.name}" for p in recording_files(pages[0].parent)}
    for line in proof_lines(script, cleaning, default_lexicon(), recorded):
        typer.echo(line)


@app.command("voices")
@_user_errors
def voices_command() -> None:
    """List the listening profiles and the engines' voices."""
    profiles = available_profiles()
    if not profiles:
        raise ProfileError("no profiles found; run from the project directory or set AUDIOPAPER_VOICES")
    typer.echo("profiles:")
    for name in sorted(profiles):
        profile = load_profile(name)
        typer.echo(
            f"  {name:10s} {profile.description}  "
            f"[offline {profile.offline_voice} speed {profile.offline_speed}; "
            f"edge {profile.edge_voice} {profile.edge_rate}]"
        )
    typer.echo("engines:")
    for kind in ENGINES.values():
        if kind.offered:
            typer.echo(f"  {kind.name:10s} {kind.summary}")
    try:
        voices = online_voices()
    except EngineError as error:
        typer.echo(f"online zh-CN voices: not available offline ({error})")
        return
    typer.echo("online zh-CN voices:")
    for voice in voices:
        typer.echo(f"  {voice['name']:28s} {voice['gender']:7s} {voice['styles']}")


@app.command("feed")
@_user_errors
@option_group("show", ShowChanges)
def feed_command(
    out: Annotated[Path, typer.Option("--out", help="Output directory holding editions/.")] = Path("out"),
    base_url: Annotated[str, typer.Option(help="Absolute URL where --out is published.")] = DEFAULT_BASE_URL,
    paper: Annotated[
        str | None, typer.Option(help="The newspaper's name (default: from the editions).")
    ] = None,
    cover: Annotated[Path | None, typer.Option(help="Square JPEG/PNG show cover, 1400-3000 px.")] = None,
    *,
    show: ShowChanges,
) -> None:
    """Rebuild feed.xml, the listening pages, out/latest/ and the playlists from the editions in --out."""
    if not (out / "editions").is_dir():
        raise OptionError(f"{out} has no editions/; render an edition first")
    check_base_url(base_url)
    show.save(out, base_url)
    with publishing(out, base_url, paper=paper, cover=cover, progress=_say, brief=True) as publisher:
        indexes = publisher.rebuild_indexes()
    typer.echo(str(indexes.feed))
    for page in indexes.pages:
        _say(f"page: {page}")


@app.command("print-kit")
@_user_errors
def print_kit_command(
    day: Annotated[str, typer.Argument(help="The edition's date, YYYY-MM-DD.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Output directory holding editions/.")] = Path("out"),
    base_url: Annotated[
        str | None, typer.Option(help="Public URL of --out (default: the one feed.xml was built with).")
    ] = None,
) -> None:
    """QR codes (SVG, 300 dpi PNG) and a sheet (PNG, PDF) for the layout desk, in the edition's print/."""
    from audiopaper.publish.feed import published_base_url
    from audiopaper.publish.print_kit import write_print_kit
    from audiopaper.publish.release import released_manifest

    edition_day = _parse_date(day)
    manifest = released_manifest(out, edition_day)
    if manifest is None:
        raise OptionError(f"no edition of {edition_day.isoformat()} in {out}; render it first")
    base = base_url or published_base_url(out, "")
    if not base:
        raise OptionError(f"{out} has no feed.xml naming its public address; give --base-url")
    kit = write_print_kit(out / EDITIONS_DIR / manifest.date.isoformat(), manifest, base)
    for code in kit.codes:
        _say(f"{code.name}: {code.url}")
    typer.echo(str(kit.directory))


@app.command("serve")
@_user_errors
def serve_command(
    out: Annotated[Path, typer.Option("--out", help="Output directory to serve.")] = Path("out"),
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0 for the whole network).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
) -> None:
    """Serve --out for podcast apps and browsers (byte ranges, HEAD, CORS)."""
    from audiopaper.publish.serve import make_server

    if not out.is_dir():
        raise OptionError(f"{out} does not exist; render an edition first")
    try:
        server = make_server(out, host, port)
    except OSError as error:
        raise OptionError(f"cannot listen on {host}:{port}: {error.strerror}; try another --port") from error
    address = f"http://{host}:{server.server_address[1]}/"
    _say(
        f"serving {out} at {address} (feed: {address}feed.xml, links rewritten for the address "
        "each listener uses; today's paper: /latest/); Ctrl-C stops"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        _say("stopped")
    finally:
        server.server_close()


def main() -> None:
    """Entry point: run the app, turning audiopaper's errors into one line and an exit code."""
    logging.basicConfig(level=logging.WARNING, format="audiopaper: %(message)s", stream=sys.stderr)
    try:
        app()
    except KeyboardInterrupt:
        _say("interrupted; the previous edition and feed are unchanged")
        sys.exit(130)


if __name__ == "__main__":
    main()
