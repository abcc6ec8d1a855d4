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
from pathlib import Path
from typing import Any

from audiopaper.publish.feed import clock
from audiopaper.publish.manifest import EditionManifest, read_published
from audiopaper.publish.outdir import EDITIONS_DIR, atomic_write_text

STYLE = """
:root { --ink:#1a1a1a; --paper:#fffdf7; --accent:#0b3d91; --accent-ink:#ffffff; --mark:#ffe58a;
        --focus:#c2410c; --muted:#4a4a4a; font-size: 137.5%; }
* { box-sizing: border-box; }
body { margin:0; background:var(--paper); color:var(--ink); line-height:1.7;
       font-family: "Noto Sans CJK SC","PingFang SC","Microsoft YaHei","Source Han Sans SC",sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; } h2 { font-size: 1.25rem; margin: 1.2rem 0 .5rem; }
button, a.button { font: inherit; min-height: 3rem; min-width: 3rem; border-radius: .6rem; cursor: pointer;
       border: 2px solid var(--accent); background: #fff; color: var(--accent); padding: .35rem .8rem; }
button[aria-pressed="true"] { background: var(--accent); color: var(--accent-ink); }
button:focus-visible, a:focus-visible { outline: 4px solid var(--focus); outline-offset: 3px; }
#play { display:block; width:100%; min-height: 5.5rem; font-size: 2rem; font-weight: bold;
        background: var(--accent); color: var(--accent-ink); margin: .8rem 0; }
.row { display:flex; flex-wrap:wrap; gap:.6rem; margin:.6rem 0; }
.row button { flex: 1 1 6.5rem; }
#status { font-size: 1.1rem; color: var(--muted); }
#resume { width:100%; background:#fff4d6; border-color:#8a5a00; color:#5a3a00; }
ol#articles { list-style:none; padding:0; margin:0; }
ol#articles button { width:100%; text-align:left; display:flex; justify-content:space-between; gap:1rem;
        margin:.3rem 0; color: var(--ink); border-color:#8a8a8a; }
ol#articles button span:last-child { white-space: nowrap; }
ol#articles button[aria-current="true"] { border-color: var(--accent); border-width: 4px; }
#text p { margin: .6rem 0; font-size: 1.15rem; }
#text span.now { background: var(--mark); border-radius:.2rem; }
ul#editions { padding-left: 1.2rem; } ul#editions a { color: var(--accent); }
.visually-hidden { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
"""

SCRIPT = r"""
(function () {
  const data = JSON.parse(document.getElementById("edition-data").textContent);
  const audio = document.getElementById("audio");
  const play = document.getElementById("play");
  const status = document.getElementById("status");
  const live = document.getElementById("live");
  const list = document.getElementById("articles");
  const text = document.getElementById("text");
  const resume = document.getElementById("resume");
  const storeKey = "audiopaper:" + data.date;
  let current = -2, spans = [];

  function fmt(s) { s = Math.max(0, Math.floor(s)); const m = Math.floor(s / 60);
    return m + "分" + String(s % 60).padStart(2, "0") + "秒"; }
  function articleAt(t) { let found = -1;
    data.articles.forEach((a, i) => { if (t >= a.start - 0.05) found = i; }); return found; }
  function showArticle(i) {
    if (i === current) return; current = i;
    list.querySelectorAll("button").forEach((b, j) => b.setAttribute("aria-current", j === i ? "true" : "false"));
    text.replaceChildren(); spans = [];
    if (i < 0) { text.textContent = "正在播放开头和导读。"; return; }
    const a = data.articles[i];
    const h = document.createElement("h2"); h.textContent = (i + 1) + ". " + a.title; text.appendChild(h);
    if (a.byline) { const b = document.createElement("p"); b.textContent = a.byline; text.appendChild(b); }
    let p = null, para = null;
    a.sentences.forEach((s) => {
      if (p === null || s.paragraph !== para) { p = document.createElement("p"); text.appendChild(p); para = s.paragraph; }
      const span = document.createElement("span"); span.textContent = s.text; span.dataset.start = s.start;
      span.dataset.end = s.end; p.appendChild(span); spans.push(span);
    });
    live.textContent = "第" + (i + 1) + "篇：" + a.title;
  }
  function highlight(t) {
    let now = null;
    spans.forEach((s) => { const on = t >= +s.dataset.start && t < +s.dataset.end + 0.3;
      s.classList.toggle("now", on); if (on) now = s; });
    if (now && now !== highlight.last) { now.scrollIntoView({ block: "center", behavior: "smooth" }); }
    highlight.last = now;
  }
  function update() {
    const t = audio.currentTime;
    showArticle(articleAt(t)); highlight(t);
    status.textContent = fmt(t) + " / " + fmt(data.duration);
    if (t > 1) localStorage.setItem(storeKey, String(t));
  }
  function go(i) { i = Math.max(0, Math.min(data.articles.length - 1, i));
    audio.currentTime = data.articles[i].start; showArticle(i); audio.play(); }
  function toggle() { if (audio.paused) { audio.play(); } else { audio.pause(); } }
  function seek(d) { audio.currentTime = Math.max(0, Math.min(data.duration, audio.currentTime + d)); update(); }

  data.articles.forEach((a, i) => {
    const li = document.createElement("li"); const b = document.createElement("button");
    const name = document.createElement("span"); name.textContent = (i + 1) + ". " + a.title;
    const len = document.createElement("span"); len.textContent = fmt(a.end - a.start);
    b.append(name, len); b.setAttribute("aria-current", "false");
    b.addEventListener("click", () => go(i)); li.appendChild(b); list.appendChild(li);
  });
  play.addEventListener("click", toggle);
  document.getElementById("prev").addEventListener("click", () => go(current <= 0 ? 0 : current - 1));
  document.getElementById("next").addEventListener("click", () => go(current + 1));
  document.getElementById("back").addEventListener("click", () => seek(-15));
  document.getElementById("forward").addEventListener("click", () => seek(15));
  document.querySelectorAll("button[data-rate]").forEach((b) => b.addEventListener("click", () => {
    audio.playbackRate = +b.dataset.rate;
    document.querySelectorAll("button[data-rate]").forEach((o) => o.setAttribute("aria-pressed", o === b ? "true" : "false"));
  }));
  audio.addEventListener("play", () => { play.textContent = "暂停"; play.setAttribute("aria-label", "暂停"); });
  audio.addEventListener("pause", () => { play.textContent = "播放"; play.setAttribute("aria-label", "播放"); });
  audio.addEventListener("timeupdate", update);
  audio.addEventListener("seeked", update);
  document.addEventListener("keydown", (e) => {
    const onControl = e.target.closest && e.target.closest("button, a, input");
    if (e.key === " " && !onControl) { e.preventDefault(); toggle(); }
    else if (e.key === "ArrowLeft") { e.preventDefault(); seek(-15); }
    else if (e.key === "ArrowRight") { e.preventDefault(); seek(15); }
    else if (e.key === "ArrowUp") { e.preventDefault(); go(current - 1); }
    else if (e.key === "ArrowDown") { e.preventDefault(); go(current + 1); }
  });
  const saved = +localStorage.getItem(storeKey);
  if (saved > 5 && saved < data.duration - 5) {
    resume.hidden = false; resume.textContent = "从上次停下的地方继续（" + fmt(saved) + "）";
    resume.addEventListener("click", () => { audio.currentTime = saved; audio.play(); resume.hidden = true; });
  }
  window.audiopaper = { data: data, audio: audio, current: () => current };
  showArticle(-1); update();
})();
"""


def _json_for_script(value: Any) -> str:
    """JSON that is safe inside a <script> element (no </script>, no HTML-significant characters)."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def player_data(manifest: EditionManifest) -> dict[str, Any]:
    """What the page's script needs: chapters and timed sentences, nothing more."""
    return {
        "date": manifest.date.isoformat(),
        "title": manifest.title,
        "duration": round(manifest.duration, 3),
        "articles": [
            {
                "title": a.title, "byline": a.byline, "start": round(a.start, 3), "end": round(a.end, 3),
                "sentences": [
                    {"text": s.text, "start": round(s.start, 3), "end": round(s.end, 3), "paragraph": s.paragraph}
                    for s in a.sentences
                ],
            }
            for a in manifest.articles
        ],
    }  # fmt: skip


def player_page(
    manifest: EditionManifest, *, audio_src: str, others: list[tuple[str, str]], home: str | None
) -> str:
    """The HTML of one listening page. ``others`` lists (link, label) of earlier editions."""
    e = html.escape
    articles = "".join(
        f"<li>{i}. {e(a.title)}（{e(clock(a.end - a.start))}）</li>"
        for i, a in enumerate(manifest.articles, 1)
    )
    earlier = "".join(f'<li><a href="{e(link, quote=True)}">{e(label)}</a></li>' for link, label in others)
    back = f'<p><a href="{e(home, quote=True)}">返回最新一期</a></p>' if home else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(manifest.title)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>{e(manifest.title)}</h1>
{back}
<audio id="audio" src="{e(audio_src, quote=True)}" preload="metadata"></audio>
<button id="resume" type="button" hidden>从上次停下的地方继续</button>
<button id="play" type="button" aria-label="播放">播放</button>
<p id="status" aria-hidden="true"></p>
<div class="row" role="group" aria-label="跳转">
<button id="prev" type="button">上一篇</button>
<button id="next" type="button">下一篇</button>
<button id="back" type="button" aria-label="后退15秒">后退15秒</button>
<button id="forward" type="button" aria-label="前进15秒">前进15秒</button>
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
</section>
<section aria-labelledby="earlier-heading">
<h2 id="earlier-heading">往期</h2>
<ul id="editions">{earlier or "<li>暂无往期</li>"}</ul>
</section>
</main>
<script type="application/json" id="edition-data">{_json_for_script(player_data(manifest))}</script>
<script>{SCRIPT}</script>
</body>
</html>
"""


def write_pages(out_dir: Path) -> list[Path]:
    """Write every edition's page and ``out/index.html`` (the newest edition on top)."""
    manifests = [edition.manifest for edition in read_published(out_dir)]
    written: list[Path] = []
    for number, manifest in enumerate(manifests):
        date = manifest.date.isoformat()
        others = [(f"../{m.date}/index.html", m.title) for m in manifests if m is not manifest]
        page = player_page(manifest, audio_src=manifest.audio, others=others, home="../../index.html")
        path = out_dir / EDITIONS_DIR / date / "index.html"
        atomic_write_text(path, page)
        written.append(path)
        if number == 0:
            index_others = [(f"{EDITIONS_DIR}/{m.date}/index.html", m.title) for m in manifests[1:]]
            index = player_page(
                manifest, audio_src=f"{EDITIONS_DIR}/{date}/{manifest.audio}", others=index_others, home=None
            )
            atomic_write_text(out_dir / "index.html", index)
            written.append(out_dir / "index.html")
    return written
