"""The show's settings, kept in ``out/show.json`` so every later feed rebuild agrees.

``podcast:guid`` must be created once and never change (Podcasting 2.0), even when the
feed moves to another address; author, owner and the hour episodes are dated at are
settings a newsroom sets once. Options given to ``render`` or ``feed`` update the file;
options not given keep what it says.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from audiopaper.errors import OptionError
from audiopaper.publish.outdir import atomic_write_text, claim_output
from audiopaper.publish.websub import check_hub_url
from audiopaper.values import plain_text

SHOW_FILE = "show.json"
"""The settings file inside the output directory."""

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""UUIDv5 namespace of podcast:guid (Podcasting 2.0)."""

DEFAULT_TIME_ZONE = "Asia/Shanghai"
"""The paper's time zone unless configured."""

DEFAULT_PUBLISH_HOUR = 6
"""Local hour an edition is dated at in the feed (a morning paper)."""


def podcast_guid(feed_url: str) -> str:
    """podcast:guid: UUIDv5 of the feed URL without scheme and trailing slashes."""
    parsed = urlparse(feed_url)
    bare = (parsed.netloc + parsed.path).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


@dataclass(frozen=True)
class ShowSettings:
    """What the feed says about the show beyond its editions."""

    podcast_guid: str
    """podcast:guid, made from the first feed URL and then kept."""

    author: str = ""
    """itunes:author; empty means the paper's name."""

    owner_name: str = ""
    """itunes:owner's name; empty means the paper's name."""

    owner_email: str = ""
    """itunes:owner's email (Apple writes to it to verify the show); empty leaves it out."""

    publish_hour: int = DEFAULT_PUBLISH_HOUR
    """Local hour (0-23) of an edition's pubDate on its own date."""

    time_zone: str = DEFAULT_TIME_ZONE
    """IANA time zone of the paper."""

    print_kit: bool = False
    """Write the print kit (QR codes and the layout desk's sheet) with every rendered edition."""

    hold: bool = False
    """Keep every rendered edition in staging until ``audiopaper approve DATE`` releases it."""

    hub: str = ""
    """WebSub hub URL (``--websub-hub``): the feed names it, and every release pings it; "" for none."""

    def __post_init__(self) -> None:
        for name in ("podcast_guid", "author", "owner_name", "owner_email", "time_zone", "hub"):
            if not isinstance(getattr(self, name), str):  # a hand-edited show.json
                raise OptionError(f"{name} in {SHOW_FILE} must be text, got {getattr(self, name)!r:.40}")
        plain_text(self.author, "--author")
        plain_text(self.owner_name, "--owner-name")
        plain_text(self.owner_email, "--owner-email")
        if isinstance(self.publish_hour, bool) or not isinstance(self.publish_hour, int):
            raise OptionError(
                f"publish_hour in {SHOW_FILE} must be a whole hour 0-23, got {self.publish_hour!r:.40}"
            )
        if not 0 <= self.publish_hour <= 23:
            raise OptionError(f"--publish-hour must be 0-23, got {self.publish_hour}")
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise OptionError(
                f"unknown time zone {self.time_zone!r}; use a name like Asia/Shanghai"
            ) from error
        if not isinstance(self.print_kit, bool):
            raise OptionError(f"print_kit in {SHOW_FILE} must be true or false, got {self.print_kit!r}")
        if not isinstance(self.hold, bool):
            raise OptionError(f"hold in {SHOW_FILE} must be true or false, got {self.hold!r}")
        if self.hub:
            check_hub_url(self.hub)
        if self.owner_email and ("@" not in self.owner_email or any(c.isspace() for c in self.owner_email)):
            raise OptionError(f"--owner-email {self.owner_email!r} is not an email address")

    @property
    def zone(self) -> ZoneInfo:
        """The paper's time zone."""
        return ZoneInfo(self.time_zone)


def load_show(out_dir: Path, base_url: str) -> ShowSettings:
    """The saved settings, or new ones whose guid comes from ``base_url``'s feed URL."""
    path = out_dir / SHOW_FILE
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        base = base_url if base_url.endswith("/") else base_url + "/"
        return ShowSettings(podcast_guid=podcast_guid(urljoin(base, "feed.xml")))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise OptionError(f"cannot read {path}: {str(error)[:120]}; fix or delete it") from error
    if not isinstance(data, dict) or not isinstance(data.get("podcast_guid"), str):
        raise OptionError(f"{path} lacks a podcast_guid; fix or delete it")
    known = {key: data[key] for key in ShowSettings.__dataclass_fields__ if key in data}
    try:
        return ShowSettings(**known)
    except TypeError as error:
        raise OptionError(f"{path} has a field of the wrong type: {error}") from error


def show_zone(out_dir: Path) -> ZoneInfo:
    """The paper's time zone as show.json gives it (the default before there is one)."""
    if not (out_dir / SHOW_FILE).is_file():
        return ZoneInfo(DEFAULT_TIME_ZONE)
    return load_show(out_dir, "http://localhost/").zone  # the URL only seeds a guid, never saved


def update_show(out_dir: Path, base_url: str, **changes: Any) -> ShowSettings:
    """Load the settings, apply the options given (None means not given), and save them if changed.

    Unchanged settings are not rewritten: this runs before the output lock is taken, and a
    render starting meanwhile removes our temporary files (a ``feed`` during a render failed so).
    """
    show = load_show(out_dir, base_url)
    given = {key: value for key, value in changes.items() if value is not None}
    show = replace(show, **given)
    claim_output(out_dir)  # show.json would otherwise make any directory look like ours
    text = json.dumps(asdict(show), ensure_ascii=False, indent=2) + "\n"
    with contextlib.suppress(OSError):
        if (out_dir / SHOW_FILE).read_text(encoding="utf-8") == text:
            return show
    atomic_write_text(out_dir / SHOW_FILE, text)
    return show
