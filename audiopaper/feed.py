"""The podcast feed and its cover art, rebuilt from the editions' manifests.

``feed.xml`` lists every complete edition under ``out/editions/`` (a directory named for
its date exists only once its edition was fully written), newest first. It carries what
Apple Podcasts, AntennaPod, Pocket Casts and gPodder need (research/feed.md): the itunes
tags, a square RGB cover, a stable guid per edition, exact enclosure lengths, and the
Podcasting 2.0 guid, chapters and transcript.
"""

from __future__ import annotations

import html
import io
import json
import logging
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

from audiopaper.assemble import ascii_slug
from audiopaper.errors import OptionError
from audiopaper.publish import EDITIONS_DIR, atomic_write_bytes

_LOGGER = logging.getLogger(__name__)

NAMESPACES = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
"""XML namespaces of the feed (the itunes URI is case-sensitive)."""

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""UUIDv5 namespace of podcast:guid (Podcasting 2.0)."""

COVER_SIZE_PX = 1400
"""Side of the generated square cover (Apple: 1400 to 3000 px)."""

COVER_MIN_PX, COVER_MAX_PX = 1400, 3000
"""Allowed sides of a configured cover."""

REQUIRED_KEYS = ("date", "title", "duration", "published", "articles")
"""Manifest keys an edition must have to be listed."""

for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)


def podcast_guid(feed_url: str) -> str:
    """podcast:guid: UUIDv5 of the feed URL without scheme and trailing slashes."""
    parsed = urlparse(feed_url)
    bare = (parsed.netloc + parsed.path).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def generate_cover(size_px: int = COVER_SIZE_PX) -> bytes:
    """A square RGB PNG: a newspaper page with sound waves, in high-contrast colours.

    Drawn with Pillow (no font is needed, so it works on machines without Chinese fonts).
    """
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size_px, size_px), (16, 42, 84))
    draw = ImageDraw.Draw(image)
    unit = size_px / 14
    left, top, right, bottom = 2.2 * unit, 3 * unit, 8.4 * unit, 11 * unit
    draw.rounded_rectangle((left, top, right, bottom), radius=unit * 0.4, fill=(250, 246, 235))
    draw.rectangle(
        (left + 0.6 * unit, top + 0.7 * unit, right - 0.6 * unit, top + 2.0 * unit), fill=(178, 34, 34)
    )
    for row in range(7):
        y = top + 2.8 * unit + row * 0.95 * unit
        draw.rectangle(
            (left + 0.6 * unit, y, right - 0.6 * unit - (row % 3) * 0.6 * unit, y + 0.35 * unit),
            fill=(60, 60, 60),
        )
    center_y = (top + bottom) / 2
    for ring in range(3):
        radius = (1.6 + 1.3 * ring) * unit
        box = (right - radius, center_y - radius, right + radius, center_y + radius)
        draw.arc(box, start=-50, end=50, fill=(255, 196, 0), width=int(0.45 * unit))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def validate_cover(path: Path) -> str:
    """Check a configured cover (square, 1400–3000 px, RGB, JPEG or PNG); return its suffix."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height, mode, kind = image.width, image.height, image.mode, image.format
    except (OSError, UnidentifiedImageError) as error:
        raise OptionError(f"{path}: cannot read the cover image ({error})") from error
    if kind not in ("JPEG", "PNG"):
        raise OptionError(f"{path}: the cover must be JPEG or PNG, not {kind}")
    if width != height or not COVER_MIN_PX <= width <= COVER_MAX_PX:
        raise OptionError(f"{path}: the cover must be square, 1400 to 3000 px; it is {width}×{height}")
    if mode != "RGB":
        raise OptionError(f"{path}: the cover must be RGB (not {mode}); convert it and try again")
    return ".jpg" if kind == "JPEG" else ".png"


def install_cover(out_dir: Path, configured: Path | None = None) -> Path:
    """Put the show's cover into ``out_dir`` (a configured one, else keep or generate one)."""
    if configured is not None:
        suffix = validate_cover(configured)
        target = out_dir / f"cover{suffix}"
        atomic_write_bytes(target, configured.read_bytes())
        for other in (out_dir / "cover.jpg", out_dir / "cover.png"):
            if other != target:
                other.unlink(missing_ok=True)
        return target
    for existing in (out_dir / "cover.jpg", out_dir / "cover.png"):
        if existing.is_file():
            return existing
    target = out_dir / "cover.png"
    atomic_write_bytes(target, generate_cover())
    return target


def read_manifests(out_dir: Path) -> list[dict[str, Any]]:
    """Every complete edition's manifest under ``out_dir``, newest first, with its MP3 size."""
    manifests = []
    pattern = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]/edition.json"
    for path in sorted((out_dir / EDITIONS_DIR).glob(pattern)):
        mp3 = path.parent / "edition.mp3"
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            missing = [key for key in REQUIRED_KEYS if key not in manifest]
            if missing or not mp3.is_file():
                raise ValueError(f"missing {missing or 'edition.mp3'}")
            manifest["size"] = mp3.stat().st_size
        except (OSError, ValueError) as error:
            _LOGGER.warning("leaving %s out of the feed: %s", path.parent.name, error)
            continue
        manifests.append(manifest)
    return sorted(manifests, key=lambda m: str(m["date"]), reverse=True)


def _sub(parent: ET.Element, tag: str, text: str | None = None, /, **attrs: str) -> ET.Element:
    prefix, _, local = tag.rpartition(":")
    name = f"{{{NAMESPACES[prefix]}}}{local}" if prefix else tag
    element = ET.SubElement(parent, name, attrs)
    if text is not None:
        element.text = text
    return element


def clock(seconds: float) -> str:
    """HH:MM:SS for show notes."""
    total = int(seconds)
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def show_notes(manifest: dict[str, Any]) -> tuple[str, str]:
    """Plain-text and HTML show notes with a timestamped chapter list."""
    articles = manifest["articles"]
    lines = [f"{clock(a['start'])} {a['title']}" for a in articles]
    plain = f"{manifest['title']}，共{len(articles)}篇报道。\n" + "\n".join(lines)
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    rich = f"<p>{html.escape(str(manifest['title']))}，共{len(articles)}篇报道。</p><ol>{items}</ol>"
    return plain, rich


def feed_xml(manifests: Iterable[dict[str, Any]], base_url: str, *, paper: str, cover_name: str) -> bytes:
    """The podcast RSS document for the given editions (itunes + podcast namespaces)."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    feed_url = urljoin(base, "feed.xml")
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", f"{paper}有声版")
    _sub(channel, "link", base)
    _sub(channel, "description", f"{paper}每日有声版：每篇报道由语音朗读，附章节与文字稿，方便收听。")
    _sub(channel, "language", "zh-cn")
    _sub(channel, "generator", "audiopaper")
    _sub(channel, "atom:link", href=feed_url, rel="self", type="application/rss+xml")
    _sub(channel, "itunes:author", paper)
    _sub(channel, "itunes:image", href=urljoin(base, cover_name))
    category = _sub(channel, "itunes:category", text="News")
    _sub(category, "itunes:category", text="Daily News")
    _sub(channel, "itunes:explicit", "false")
    _sub(channel, "itunes:type", "episodic")
    _sub(channel, "podcast:guid", podcast_guid(feed_url))
    _sub(channel, "podcast:locked", "yes")
    image = _sub(channel, "image")
    _sub(image, "url", urljoin(base, cover_name))
    _sub(image, "title", f"{paper}有声版")
    _sub(image, "link", base)
    slug = ascii_slug(paper)
    for manifest in manifests:
        edition_url = urljoin(base, f"{EDITIONS_DIR}/{manifest['date']}/")
        plain, rich = show_notes(manifest)
        item = _sub(channel, "item")
        _sub(item, "title", str(manifest["title"]))
        _sub(item, "description", plain)
        _sub(item, "content:encoded", rich)
        _sub(item, "link", edition_url)
        _sub(item, "guid", f"audiopaper:{slug}:{manifest['date']}", isPermaLink="false")
        published = datetime.fromisoformat(str(manifest["published"]))
        _sub(item, "pubDate", format_datetime(published.astimezone(UTC), usegmt=True))
        _sub(
            item,
            "enclosure",
            url=urljoin(edition_url, "edition.mp3"),
            length=str(manifest["size"]),
            type="audio/mpeg",
        )
        _sub(item, "itunes:duration", str(round(float(manifest["duration"]))))
        _sub(item, "itunes:episodeType", "full")
        _sub(item, "itunes:explicit", "false")
        _sub(
            item,
            "podcast:chapters",
            url=urljoin(edition_url, "chapters.json"),
            type="application/json+chapters",
        )
        _sub(
            item,
            "podcast:transcript",
            url=urljoin(edition_url, "transcript.vtt"),
            type="text/vtt",
            language="zh-cn",
            rel="captions",
        )
    ET.indent(rss)
    body: bytes = ET.tostring(rss, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def write_feed(out_dir: Path, base_url: str, *, paper: str | None = None, cover: Path | None = None) -> Path:
    """Rebuild ``feed.xml`` (and make sure a cover exists) from every edition under ``out_dir``."""
    manifests = read_manifests(out_dir)
    name = paper or (str(manifests[0].get("paper")) if manifests else "audiopaper")
    cover_path = install_cover(out_dir, cover)
    path = out_dir / "feed.xml"
    atomic_write_bytes(path, feed_xml(manifests, base_url, paper=name, cover_name=cover_path.name))
    return path
