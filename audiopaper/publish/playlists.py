"""M3U playlists of an edition's article MP3s, for players that take a playlist (VLC, mpv, phones).

Extended M3U in UTF-8 with each article's length and title; paths are relative to the
playlist, so the same files work from ``audiopaper serve``, any static host, or a disk.
"""

from __future__ import annotations

from pathlib import Path

from mutagen import MutagenError
from mutagen.mp3 import MP3

from audiopaper.publish.manifest import EditionManifest
from audiopaper.publish.outdir import EDITIONS_DIR, atomic_write_text

PLAYLIST_NAME = "articles.m3u"
"""The playlist's name in an edition directory and in ``out/latest/``."""


def _seconds(path: Path) -> int:
    try:
        return round(float(MP3(str(path)).info.length))
    except (MutagenError, OSError):
        return -1  # M3U's "unknown length"


def articles_m3u(manifest: EditionManifest, edition_dir: Path, prefix: str = "") -> str:
    """The playlist text; ``prefix`` leads from the playlist's directory to the edition's."""
    lines = ["#EXTM3U", f"#PLAYLIST:{manifest.title}"]
    for article in manifest.articles:
        title = f"{article.index}. {article.title}".replace("\n", " ")
        lines += [f"#EXTINF:{_seconds(edition_dir / article.file)},{title}", prefix + article.file]
    return "\n".join(lines) + "\n"


def write_playlists(out_dir: Path, manifest: EditionManifest, *, latest: bool) -> list[Path]:
    """Write the edition's playlist, and ``out/latest/articles.m3u`` too when it is the newest."""
    day = manifest.date.isoformat()
    edition_dir = out_dir / EDITIONS_DIR / day
    path = edition_dir / PLAYLIST_NAME
    atomic_write_text(path, articles_m3u(manifest, edition_dir))
    written = [path]
    if latest:
        newest = out_dir / "latest" / PLAYLIST_NAME
        atomic_write_text(newest, articles_m3u(manifest, edition_dir, prefix=f"../{EDITIONS_DIR}/{day}/"))
        written.append(newest)
    return written
