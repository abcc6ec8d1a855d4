"""The podcast feed and its cover art, rebuilt from the editions' manifests.

``feed.xml`` lists every complete edition under ``out/editions/`` (a directory named for
its date exists only once its edition was fully written), newest first. It carries what
Apple Podcasts, AntennaPod, Pocket Casts and gPodder need (research/feed.md): the itunes
tags, a square RGB cover, a stable guid per edition, exact enclosure lengths, and the
Podcasting 2.0 guid, chapters and transcript.
"""

from __future__ import annotations

import html
import logging
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urljoin, urlparse

from audiopaper.publish.cover import install_cover
from audiopaper.publish.manifest import EditionManifest, PublishedEdition, read_published
from audiopaper.publish.names import ascii_slug
from audiopaper.publish.outdir import EDITIONS_DIR, atomic_write_bytes

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

for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)


def podcast_guid(feed_url: str) -> str:
    """podcast:guid: UUIDv5 of the feed URL without scheme and trailing slashes."""
    parsed = urlparse(feed_url)
    bare = (parsed.netloc + parsed.path).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


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


def show_notes(manifest: EditionManifest) -> tuple[str, str]:
    """Plain-text and HTML show notes with a timestamped chapter list."""
    articles = manifest.articles
    lines = [f"{clock(a.start)} {a.title}" for a in articles]
    plain = f"{manifest.title}，共{len(articles)}篇报道。\n" + "\n".join(lines)
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    rich = f"<p>{html.escape(manifest.title)}，共{len(articles)}篇报道。</p><ol>{items}</ol>"
    return plain, rich


def _channel(rss: ET.Element, base: str, feed_url: str, *, paper: str, cover_name: str) -> ET.Element:
    """The channel element with the show's own tags (title, art, category, guid…)."""
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
    return channel


def feed_xml(editions: Iterable[PublishedEdition], base_url: str, *, paper: str, cover_name: str) -> bytes:
    """The podcast RSS document for the given editions (itunes + podcast namespaces)."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    feed_url = urljoin(base, "feed.xml")
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _channel(rss, base, feed_url, paper=paper, cover_name=cover_name)
    slug = ascii_slug(paper)
    for edition in editions:
        manifest = edition.manifest
        day = manifest.date.isoformat()
        edition_url = urljoin(base, f"{EDITIONS_DIR}/{day}/")
        plain, rich = show_notes(manifest)
        item = _sub(channel, "item")
        _sub(item, "title", manifest.title)
        _sub(item, "description", plain)
        _sub(item, "content:encoded", rich)
        _sub(item, "link", edition_url)
        _sub(item, "guid", f"audiopaper:{slug}:{day}", isPermaLink="false")
        published = datetime.fromisoformat(manifest.published)
        _sub(item, "pubDate", format_datetime(published.astimezone(UTC), usegmt=True))
        _sub(
            item,
            "enclosure",
            url=urljoin(edition_url, manifest.audio),
            length=str(edition.audio_bytes),
            type="audio/mpeg",
        )
        _sub(item, "itunes:duration", str(round(manifest.duration)))
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
    editions = read_published(out_dir)
    name = paper or (editions[0].manifest.paper if editions else "") or "audiopaper"
    cover_path = install_cover(out_dir, cover)
    path = out_dir / "feed.xml"
    atomic_write_bytes(path, feed_xml(editions, base_url, paper=name, cover_name=cover_path.name))
    return path
