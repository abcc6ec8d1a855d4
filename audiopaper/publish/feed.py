"""The podcast feed, rebuilt from the editions' manifests.

``feed.xml`` lists every complete edition under ``out/editions/`` (a directory named for
its date exists only once its edition was fully written), newest first. It carries what
Apple Podcasts, AntennaPod, Pocket Casts and gPodder need (research/feed.md): the itunes
tags, a square RGB cover, a stable guid per edition, exact enclosure lengths, and the
Podcasting 2.0 guid, chapters and transcript. Each episode is dated on its paper's date at
a morning hour in the paper's time zone (show.json), not when it was rendered, so a back
issue rendered today sorts where it belongs.
"""

from __future__ import annotations

import html
import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, datetime, time
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urljoin

from audiopaper.publish.briefing import BRIEFING_DIR, BRIEFING_FEED, Briefing, current_briefing
from audiopaper.publish.manifest import EditionManifest, PublishedEdition, read_published
from audiopaper.publish.names import ascii_slug
from audiopaper.publish.outdir import EDITIONS_DIR, atomic_write_bytes
from audiopaper.publish.release_record import ReleaseRecord
from audiopaper.publish.show import ShowSettings, load_show, podcast_guid, update_show

__all__ = [
    "FEED_NAME",
    "NAMESPACES",
    "briefing_feed_xml",
    "build_briefing_feed",
    "build_feed",
    "clock",
    "feed_xml",
    "podcast_guid",
    "pub_date",
    "show_notes",
    "write_feed",
]

_LOGGER = logging.getLogger(__name__)

FEED_NAME = "feed.xml"
"""The feed's file name in the output directory."""

NAMESPACES = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
"""XML namespaces of the feed (the itunes URI is case-sensitive)."""

for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)


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


def pub_date(manifest: EditionManifest, show: ShowSettings, release: ReleaseRecord | None = None) -> datetime:
    """When an edition is dated in the feed: its date at the show's hour in the paper's zone.

    Never later than when it first went out (release.json) or, without a record, when it was
    rendered, so an edition released before that hour is not dated in the future (some apps
    hide such episodes), and a correction keeps the date the episode first had.
    """
    scheduled = datetime.combine(manifest.date, time(show.publish_hour), tzinfo=show.zone)
    first = release.released if release is not None and release.released else manifest.published
    try:
        rendered = datetime.fromisoformat(first)
    except ValueError:
        return scheduled.astimezone(UTC)
    if rendered.tzinfo is None:
        rendered = rendered.replace(tzinfo=UTC)
    return min(scheduled, rendered).astimezone(UTC)


def show_notes(manifest: EditionManifest, corrections: tuple[str, ...] = ()) -> tuple[str, str]:
    """Plain-text and HTML show notes: the 更正 lines first, then a timestamped chapter list."""
    articles = manifest.articles
    lines = [f"{clock(c.start_s)} {c.title}" for c in manifest.chapters]
    plain = "".join(f"{line}\n" for line in corrections)
    plain += f"{manifest.title}，共{len(articles)}篇报道。\n" + "\n".join(lines)
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    rich = "".join(f"<p>{html.escape(line)}</p>" for line in corrections)
    rich += f"<p>{html.escape(manifest.title)}，共{len(articles)}篇报道。</p><ol>{items}</ol>"
    return plain, rich


def _channel(
    rss: ET.Element,
    base: str,
    feed_url: str,
    *,
    paper: str,
    cover_name: str,
    show: ShowSettings,
    briefing: bool = False,
) -> ET.Element:
    """The channel element with the show's own tags (title, owner, art, category, guid…).

    The briefings' feed is a show of its own (its own title and podcast:guid), so an app
    lists it beside the full edition rather than mixing short and long episodes.
    """
    channel = _sub(rss, "channel")
    title = f"{paper}要闻" if briefing else f"{paper}有声版"
    _sub(channel, "title", title)
    _sub(channel, "link", base)
    _sub(
        channel,
        "description",
        f"{paper}每日要闻：每篇报道的标题和导语，几分钟听完。"
        if briefing
        else f"{paper}每日有声版：每篇报道由语音朗读，附章节与文字稿，方便收听。",
    )
    _sub(channel, "language", "zh-cn")
    _sub(channel, "generator", "audiopaper")
    _sub(channel, "atom:link", href=feed_url, rel="self", type="application/rss+xml")
    if show.hub:  # WebSub: apps subscribe at the hub and hear of each release at once
        _sub(channel, "atom:link", href=show.hub, rel="hub")
    _sub(channel, "itunes:author", show.author or paper)
    owner = _sub(channel, "itunes:owner")
    _sub(owner, "itunes:name", show.owner_name or paper)
    if show.owner_email:
        _sub(owner, "itunes:email", show.owner_email)
    _sub(channel, "itunes:image", href=urljoin(base, cover_name))
    category = _sub(channel, "itunes:category", text="News")
    _sub(category, "itunes:category", text="Daily News")
    _sub(channel, "itunes:explicit", "false")
    _sub(channel, "itunes:type", "episodic")
    own_guid = podcast_guid(feed_url) if briefing else show.podcast_guid
    _sub(channel, "podcast:guid", own_guid or podcast_guid(feed_url))
    _sub(channel, "podcast:locked", "yes")
    image = _sub(channel, "image")
    _sub(image, "url", urljoin(base, cover_name))
    _sub(image, "title", title)
    _sub(image, "link", base)
    return channel


def _item(
    channel: ET.Element, edition: PublishedEdition, edition_url: str, *, slug: str, show: ShowSettings
) -> None:
    """One episode: title, notes, guid, date, enclosure, duration, chapters and transcript."""
    manifest = edition.manifest
    day = manifest.date.isoformat()
    plain, rich = show_notes(manifest, edition.release.correction_lines())
    item = _sub(channel, "item")
    _sub(item, "title", manifest.title)
    _sub(item, "description", plain)
    _sub(item, "content:encoded", rich)
    _sub(item, "link", edition_url)
    _sub(item, "guid", f"audiopaper:{slug}:{day}", isPermaLink="false")
    _sub(item, "pubDate", format_datetime(pub_date(manifest, show, edition.release), usegmt=True))
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


def _briefing_item(
    channel: ET.Element,
    edition: PublishedEdition,
    briefing: Briefing,
    edition_url: str,
    *,
    slug: str,
    show: ShowSettings,
    audio_bytes: int,
) -> None:
    """One briefing episode: dated as its edition, its chapters, its podcast rendition."""
    manifest = edition.manifest
    folder = urljoin(edition_url, f"{BRIEFING_DIR}/")
    notes = [f"{manifest.title}要闻：{briefing.articles}篇报道的标题和导语。"]
    notes += [f"{n}. {article.title}" for n, article in enumerate(manifest.articles[: briefing.articles], 1)]
    item = _sub(channel, "item")
    _sub(item, "title", briefing.title)
    _sub(item, "description", "\n".join(notes))
    _sub(item, "link", edition_url)
    _sub(item, "guid", f"audiopaper:{slug}:{manifest.date.isoformat()}:yaowen", isPermaLink="false")
    _sub(item, "pubDate", format_datetime(pub_date(manifest, show, edition.release), usegmt=True))
    _sub(item, "enclosure", url=urljoin(folder, briefing.audio), length=str(audio_bytes), type="audio/mpeg")
    _sub(item, "itunes:duration", str(round(briefing.duration)))
    _sub(item, "itunes:episodeType", "full")
    _sub(item, "itunes:explicit", "false")
    chapters = urljoin(folder, "chapters.json")
    _sub(item, "podcast:chapters", url=chapters, type="application/json+chapters")


def briefing_feed_xml(
    out_dir: Path,
    editions: Iterable[PublishedEdition],
    base_url: str,
    *,
    paper: str,
    cover_name: str,
    show: ShowSettings,
) -> bytes:
    """briefing.xml: one episode for every listed edition whose briefing is whole and current."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _channel(
        rss, base, urljoin(base, BRIEFING_FEED), paper=paper, cover_name=cover_name, show=show, briefing=True
    )
    slug = ascii_slug(paper)
    for edition in editions:
        day = edition.manifest.date.isoformat()
        found = current_briefing(out_dir / EDITIONS_DIR / day, edition.manifest)
        if found is not None:
            briefing, audio_bytes = found
            edition_url = urljoin(base, f"{EDITIONS_DIR}/{day}/")
            _briefing_item(
                channel, edition, briefing, edition_url, slug=slug, show=show, audio_bytes=audio_bytes
            )
    return _document(rss)


def _document(rss: ET.Element) -> bytes:
    ET.indent(rss)
    body: bytes = ET.tostring(rss, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


def feed_url(base_url: str) -> str:
    """The feed's absolute URL for a base URL (with or without its trailing slash)."""
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", "feed.xml")


def published_base_url(out_dir: Path, default: str) -> str:
    """The base URL the current feed.xml was built for (its rel="self" link), else ``default``.

    ``approve`` and ``withdraw`` take no --base-url: they rebuild the feed for the address
    it already has.
    """
    try:
        root = ET.parse(out_dir / "feed.xml").getroot()
    except (OSError, ET.ParseError):
        return default
    for link in root.iter(f"{{{NAMESPACES['atom']}}}link"):
        href = link.get("href", "")
        if link.get("rel") == "self" and href.endswith("feed.xml"):
            return href[: -len("feed.xml")]
    return default


def feed_xml(
    editions: Iterable[PublishedEdition],
    base_url: str,
    *,
    paper: str,
    cover_name: str,
    show: ShowSettings | None = None,
) -> bytes:
    """The podcast RSS document for the given editions (itunes + podcast namespaces)."""
    show = show or ShowSettings(podcast_guid="")
    base = base_url if base_url.endswith("/") else base_url + "/"
    feed_url = urljoin(base, FEED_NAME)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _channel(rss, base, feed_url, paper=paper, cover_name=cover_name, show=show)
    slug = ascii_slug(paper)
    for edition in editions:
        edition_url = urljoin(base, f"{EDITIONS_DIR}/{edition.manifest.date.isoformat()}/")
        _item(channel, edition, edition_url, slug=slug, show=show)
    return _document(rss)


def _show_context(out_dir: Path, paper: str | None) -> tuple[list[PublishedEdition], str, str]:
    """The listed editions, the paper's name and the cover's file name, for both feeds."""
    editions = read_published(out_dir)
    name = paper or (editions[0].manifest.paper if editions else "") or "audiopaper"
    cover = next((c for c in (out_dir / "cover.jpg", out_dir / "cover.png") if c.is_file()), None)
    return editions, name, cover.name if cover else "cover.png"


def build_feed(out_dir: Path, base_url: str, *, paper: str | None = None) -> bytes:
    """The feed for the editions under ``out_dir`` as published at ``base_url`` (nothing written)."""
    editions, name, cover_name = _show_context(out_dir, paper)
    return feed_xml(editions, base_url, paper=name, cover_name=cover_name, show=load_show(out_dir, base_url))


def build_briefing_feed(out_dir: Path, base_url: str, *, paper: str | None = None) -> bytes:
    """briefing.xml for the editions under ``out_dir`` (nothing written)."""
    editions, name, cover_name = _show_context(out_dir, paper)
    show = load_show(out_dir, base_url)
    return briefing_feed_xml(out_dir, editions, base_url, paper=name, cover_name=cover_name, show=show)


def write_feed(out_dir: Path, base_url: str, *, paper: str | None = None) -> Path:
    """Rebuild ``feed.xml`` and ``briefing.xml`` from every edition (publisher.py installs the cover)."""
    update_show(out_dir, base_url)  # creates show.json, and so the podcast:guid, the first time
    path = out_dir / FEED_NAME
    atomic_write_bytes(path, build_feed(out_dir, base_url, paper=paper))
    atomic_write_bytes(out_dir / BRIEFING_FEED, build_briefing_feed(out_dir, base_url, paper=paper))
    return path
