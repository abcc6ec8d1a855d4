"""Listening pages: a large-type player for elderly readers, one per edition, plus an index.

Static files only (no CDN, no framework, no build step): each page carries its edition's
chapters and timed sentences as JSON, so it works from ``audiopaper serve``, from any
static host, and opened straight from disk. Every piece of article text reaches the page
either escaped into HTML or as JSON read with ``textContent`` — never as markup — so
whatever the cleaner let through shows as text and runs nothing.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path
from typing import Any

from audiopaper.publish.feed import clock
from audiopaper.publish.manifest import EditionManifest, read_published
from audiopaper.publish.outdir import EDITIONS_DIR, atomic_write_text
from audiopaper.publish.playlists import PLAYLIST_NAME, write_playlists
from audiopaper.publish.show import show_zone
from audiopaper.publish.status import read_status, status_line

LATEST_DIR = "latest"
"""``out/latest/``: one address that always plays the newest edition (a bookmark to keep)."""

STYLE = resources.files(__package__).joinpath("player.css").read_text(encoding="utf-8")
"""The page's style (player.css beside this module), inlined so a page is one file."""

SCRIPT = resources.files(__package__).joinpath("player.js").read_text(encoding="utf-8")
"""The page's script (player.js beside this module), inlined so a page is one file."""

ERROR_MESSAGE = "音频无法加载。请检查网络连接，然后按“播放”重试；如果仍然不行，请刷新页面。"
"""Shown when the MP3 cannot be fetched or decoded."""


def _json_for_script(value: Any) -> str:
    """JSON that is safe inside a <script> element (no </script>, no HTML-significant characters)."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def player_data(manifest: EditionManifest) -> dict[str, Any]:
    """What the page's script needs: chapters and timed lines and sentences, nothing more.

    Taken from edition.json's own serialization (manifest.to_dict), leaving out what the
    page does not use, so timed records are written one way.
    """
    data = manifest.to_dict()

    def section(value: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if value is None else value | {"lines": [_shown(line) for line in value["lines"]]}

    return {
        "date": data["date"],
        "title": data["title"],
        "duration": data["duration"],
        "opening": section(data["opening"]),
        "closing": section(data["closing"]),
        "articles": [
            {key: article[key] for key in ("title", "byline", "start", "end")}
            | {"heading": [_shown(line) for line in article["heading"]]}
            | {"sentences": [{k: v for k, v in s.items() if k != "spoken"} for s in article["sentences"]]}
            for article in data["articles"]
        ],
    }


def _shown(line: dict[str, Any]) -> dict[str, Any]:
    """A line as the page shows it: printed text and times (not what the engine was given)."""
    return {key: line[key] for key in ("text", "start", "end")}


# long: most of it is the page's HTML as one template, easier to read whole than in pieces
def player_page(
    manifest: EditionManifest,
    *,
    audio_src: str,
    others: list[tuple[str, str]],
    home: str | None,
    playlist: str | None = None,
    corrections: tuple[str, ...] = (),
    footer: str = "",
) -> str:
    """The HTML of one listening page. ``others`` lists (link, label) of earlier editions;
    ``corrections`` are its 更正 lines, ``footer`` the nightly job's state (status.json)."""
    e = html.escape
    corrected = "".join(f'<p class="correction">{e(line)}</p>' for line in corrections)
    status = f'<footer><p id="status">{e(footer)}</p></footer>' if footer else ""
    articles = "".join(
        f"<li>{i}. {e(a.title)}（{e(clock(a.end_s - a.start_s))}）</li>"
        for i, a in enumerate(manifest.articles, 1)
    )
    earlier = "".join(
        f'<li><a class="link" href="{e(link, quote=True)}">{e(label)}</a></li>' for link, label in others
    )
    back = f'<p><a class="link" href="{e(home, quote=True)}">返回最新一期</a></p>' if home else ""
    m3u = (
        f'<p><a class="link" href="{e(playlist, quote=True)}">本期文章播放列表（M3U，可用播放器打开）</a></p>'
        if playlist
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(manifest.title)}</title>
<style>{STYLE}</style>
</head>
<body>
<header id="bar" aria-label="播放控制">
<div class="inner">
<button id="play" type="button" aria-label="播放">播放</button>
<p id="clock"><span id="state">已暂停</span><span id="time"></span></p>
</div>
</header>
<main>
<h1>{e(manifest.title)}</h1>
{corrected}
<p id="error" role="alert" hidden>{e(ERROR_MESSAGE)}</p>
{back}
<audio id="audio" src="{e(audio_src, quote=True)}" preload="metadata"></audio>
<button id="resume" type="button" hidden>从上次停下的地方继续</button>
<div class="row" role="group" aria-label="跳转">
<button id="prev" type="button">上一篇</button>
<button id="next" type="button">下一篇</button>
<button id="back" type="button" aria-label="后退15秒">后退15秒</button>
<button id="forward" type="button" aria-label="前进15秒">前进15秒</button>
</div>
<div class="row" role="group" aria-labelledby="size-label">
<p class="label" id="size-label">字号：<span id="size">标准</span></p>
<button id="smaller" type="button">A− 字变小</button>
<button id="larger" type="button">A+ 字变大</button>
</div>
<div class="row" role="group" aria-label="语速">
<button type="button" data-rate="0.75" aria-pressed="false">慢速 0.75倍</button>
<button type="button" data-rate="1" aria-pressed="true">正常 1倍</button>
<button type="button" data-rate="1.25" aria-pressed="false">快速 1.25倍</button>
</div>
<p class="visually-hidden" id="live" aria-live="polite"></p>
<section aria-labelledby="now-heading">
<h2 id="now-heading">正在朗读</h2>
<div id="text"></div>
</section>
<section aria-labelledby="list-heading">
<h2 id="list-heading">本期文章</h2>
<ol id="articles"></ol>
<noscript><ol>{articles}</ol></noscript>
{m3u}
</section>
<section aria-labelledby="earlier-heading">
<h2 id="earlier-heading">往期</h2>
<ul id="editions">{earlier or "<li>暂无往期</li>"}</ul>
</section>
</main>
{status}
<script type="application/json" id="edition-data">{_json_for_script(player_data(manifest))}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""


EMPTY_PAGE = (
    '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>暂无节目</title>\n'
    f"<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>暂无节目</h1>\n</main>\n</body>\n</html>\n"
)
"""The index when no edition is listed (all withdrawn)."""


def write_pages(out_dir: Path) -> list[Path]:
    """Write every edition's page and playlist, ``out/index.html`` and ``out/latest/``.

    ``out/index.html`` and ``out/latest/index.html`` both play the newest edition; the
    latest directory also holds its playlist, so one bookmark or one playlist URL always
    gives today's paper. Each file is replaced atomically.
    """
    editions = read_published(out_dir)
    manifests = [edition.manifest for edition in editions]
    footer = status_line(read_status(out_dir), show_zone(out_dir))
    written: list[Path] = []
    if not manifests:  # every edition withdrawn: the index must not keep playing one
        for target in (out_dir / "index.html", out_dir / LATEST_DIR / "index.html"):
            if target.is_file():
                atomic_write_text(target, EMPTY_PAGE)
                written.append(target)
        (out_dir / LATEST_DIR / PLAYLIST_NAME).unlink(missing_ok=True)
    for number, manifest in enumerate(manifests):
        corrections = editions[number].release.correction_lines()
        day = manifest.date.isoformat()
        others = [(f"../{m.date}/index.html", m.title) for m in manifests if m is not manifest]
        page = player_page(
            manifest, audio_src=manifest.audio, others=others, home="../../index.html", playlist=PLAYLIST_NAME,
            corrections=corrections, footer=footer,
        )  # fmt: skip
        path = out_dir / EDITIONS_DIR / day / "index.html"
        atomic_write_text(path, page)
        written.append(path)
        written += write_playlists(out_dir, manifest, latest=number == 0)
        if number == 0:
            for prefix, target in (
                ("", out_dir / "index.html"),
                ("../", out_dir / LATEST_DIR / "index.html"),
            ):
                index = player_page(
                    manifest,
                    audio_src=f"{prefix}{EDITIONS_DIR}/{day}/{manifest.audio}",
                    others=[(f"{prefix}{EDITIONS_DIR}/{m.date}/index.html", m.title) for m in manifests[1:]],
                    home=None,
                    playlist=f"{prefix}{EDITIONS_DIR}/{day}/{PLAYLIST_NAME}",
                    corrections=corrections,
                    footer=footer,
                )
                atomic_write_text(target, index)
                written.append(target)
    return written
