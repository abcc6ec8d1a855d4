(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("edition-data").textContent);
  const $ = (id) => document.getElementById(id);
  const audio = $("audio"), play = $("play"), state = $("state"), clock = $("time"), live = $("live");
  const list = $("articles"), text = $("text"), resume = $("resume"), error = $("error"), next = $("next");
  const storeKey = "audiopaper:" + data.date;
  const last = data.articles.length;  // section numbers: -1 opening, 0..last-1 articles, last closing
  let current = null, spans = [], lastNow = null, failed = false, userScrolled = 0;

  function fmt(s) { s = Math.max(0, Math.floor(s || 0)); const m = Math.floor(s / 60);
    return m + "分" + String(s % 60).padStart(2, "0") + "秒"; }
  function sectionAt(t) {
    if (data.closing && t >= data.closing.start - 0.05) return last;
    let found = -1;
    data.articles.forEach((a, i) => { if (t >= a.start - 0.05) found = i; });
    return found;
  }
  function startOf(i) {
    if (i < 0) return 0;
    if (i >= last) return data.closing ? data.closing.start : data.duration;
    return data.articles[i].start;
  }
  function line(parent, tag, item, cls) {
    const el = document.createElement(tag); if (cls) el.className = cls;
    const span = document.createElement("span"); span.textContent = item.text;
    span.dataset.start = item.start; span.dataset.end = item.end;
    el.appendChild(span); parent.appendChild(el); spans.push(span); return el;
  }
  function heading(title) { const h = document.createElement("h2"); h.textContent = title; text.appendChild(h); }
  function showSection(i) {
    if (i === current) return; current = i; lastNow = null;
    list.querySelectorAll("button").forEach((b, j) => b.setAttribute("aria-current", j === i ? "true" : "false"));
    next.setAttribute("aria-disabled", i >= last ? "true" : "false");
    text.replaceChildren(); spans = [];
    const section = i < 0 ? data.opening : i >= last ? data.closing : null;
    if (section || i < 0 || i >= last) {
      heading(section ? section.title : (i < 0 ? "开头和导读" : "结束语"));
      (section ? section.lines : []).forEach((l) => line(text, "p", l));
      live.textContent = section ? section.title : "";
      return;
    }
    const a = data.articles[i];
    const [announce, title] = a.heading.length === 2 ? a.heading : [null, null];
    if (announce) line(text, "p", announce, "kicker");
    if (title) { line(text, "h2", { text: (i + 1) + ". " + title.text, start: title.start, end: title.end }); }
    else heading((i + 1) + ". " + a.title);
    if (a.byline) { const b = document.createElement("p"); b.textContent = a.byline; text.appendChild(b); }
    let p = null, para = null;
    a.sentences.forEach((s) => {
      if (p === null || s.paragraph !== para) { p = document.createElement("p"); text.appendChild(p); para = s.paragraph; }
      const span = document.createElement("span"); span.textContent = s.text; span.dataset.start = s.start;
      span.dataset.end = s.end; p.appendChild(span); spans.push(span);
    });
    live.textContent = "第" + (i + 1) + "篇：" + a.title;
  }
  function inView(el) {
    const r = el.getBoundingClientRect(), top = $("bar").getBoundingClientRect().bottom;
    return r.top >= top && r.bottom <= window.innerHeight;
  }
  function highlight(t) {
    let now = null;
    spans.forEach((s) => { const on = t >= +s.dataset.start && t < +s.dataset.end + 0.3;
      s.classList.toggle("now", on); if (on) now = s; });
    // Follow the text only when it leaves the screen, and not while the reader scrolls.
    // The controls sit in a sticky bar, so following never moves them.
    if (now && now !== lastNow && !inView(now) && Date.now() - userScrolled > 8000) {
      now.scrollIntoView({ block: "center", behavior: "smooth" });
    }
    lastNow = now;
  }
  function update() {
    const t = audio.currentTime;
    showSection(sectionAt(t)); highlight(t);
    clock.textContent = fmt(t) + " / " + fmt(data.duration);
    if (t > 1) { try { localStorage.setItem(storeKey, String(t)); } catch (e) { /* private mode */ } }
  }
  function say(kind) {
    const words = { playing: "正在播放", paused: "已暂停", loading: "正在加载……", failed: "无法播放", ended: "已播完" };
    state.textContent = words[kind];
    const label = kind === "playing" || kind === "loading" ? "暂停" : "播放";
    play.textContent = label; play.setAttribute("aria-label", label);
  }
  function fail() {
    failed = true; say("failed"); error.hidden = false;
  }
  function start() {
    if (failed) { failed = false; error.hidden = true; audio.load(); }
    const p = audio.play();
    if (p && p.catch) p.catch(() => { if (audio.error) fail(); else say("paused"); });
  }
  function go(i) {
    i = Math.max(data.opening ? -1 : 0, Math.min(data.closing ? last : last - 1, i));
    if (failed) { fail(); return; }
    audio.currentTime = startOf(i); showSection(i); update(); start();
  }
  function toggle() { if (audio.paused || failed) start(); else audio.pause(); }
  function seek(d) { audio.currentTime = Math.max(0, Math.min(data.duration, audio.currentTime + d)); update(); }

  data.articles.forEach((a, i) => {
    const li = document.createElement("li"); const b = document.createElement("button"); b.type = "button";
    const name = document.createElement("span"); name.textContent = (i + 1) + ". " + a.title;
    const len = document.createElement("span"); len.textContent = fmt(a.end - a.start);
    b.append(name, len); b.setAttribute("aria-current", "false");
    b.addEventListener("click", () => go(i)); li.appendChild(b); list.appendChild(li);
  });
  play.addEventListener("click", toggle);
  $("prev").addEventListener("click", () => go(current === null ? -1 : current - 1));
  next.addEventListener("click", () => { if (current === null || current < last) go((current === null ? -1 : current) + 1); });
  $("back").addEventListener("click", () => seek(-15));
  $("forward").addEventListener("click", () => seek(15));
  document.querySelectorAll("button[data-rate]").forEach((b) => b.addEventListener("click", () => {
    audio.playbackRate = +b.dataset.rate;
    document.querySelectorAll("button[data-rate]").forEach((o) => o.setAttribute("aria-pressed", o === b ? "true" : "false"));
  }));
  audio.addEventListener("playing", () => say("playing"));
  audio.addEventListener("waiting", () => { if (!audio.paused) say("loading"); });
  audio.addEventListener("pause", () => { if (!failed) say(audio.ended ? "ended" : "paused"); });
  audio.addEventListener("error", fail);
  audio.addEventListener("timeupdate", update);
  audio.addEventListener("seeked", update);
  ["wheel", "touchmove"].forEach((e) => window.addEventListener(e, () => { userScrolled = Date.now(); }, { passive: true }));
  document.addEventListener("keydown", (e) => {
    const onControl = e.target.closest && e.target.closest("button, a, input");
    if (e.key === " " && !onControl) { e.preventDefault(); toggle(); }
    else if (e.key === "ArrowLeft") { e.preventDefault(); seek(-15); }
    else if (e.key === "ArrowRight") { e.preventDefault(); seek(15); }
    else if (e.key === "ArrowUp") { e.preventDefault(); go((current === null ? -1 : current) - 1); }
    else if (e.key === "ArrowDown") { e.preventDefault(); if (current < last) go((current === null ? -1 : current) + 1); }
    else if (e.key === "PageUp" || e.key === "PageDown" || e.key === "Home" || e.key === "End") { userScrolled = Date.now(); }
  });
  // Text size: steps of the root size in percent of the browser's own (which WeChat's care
  // mode and the browser's settings scale), remembered on this device for every edition.
  const sizes = [150, 175, 200, 225, 250], sizeNames = ["标准", "较大", "大", "很大", "最大"];
  const sizeKey = "audiopaper:text-size";
  let size = 0;
  try { size = Math.max(0, Math.min(sizes.length - 1, +(localStorage.getItem(sizeKey) || 0) || 0)); } catch (e) { size = 0; }
  function applySize(step) {
    size = Math.max(0, Math.min(sizes.length - 1, step));
    document.documentElement.style.fontSize = sizes[size] + "%";
    $("size").textContent = sizeNames[size];
    $("smaller").setAttribute("aria-disabled", size === 0 ? "true" : "false");
    $("larger").setAttribute("aria-disabled", size === sizes.length - 1 ? "true" : "false");
    try { localStorage.setItem(sizeKey, String(size)); } catch (e) { /* private mode */ }
  }
  $("smaller").addEventListener("click", () => applySize(size - 1));
  $("larger").addEventListener("click", () => applySize(size + 1));
  applySize(size);
  // A printed code opens the page at one article (#article-N): it is shown and cued, and
  // plays from there when the listener presses play. Nothing plays on its own.
  function cue() {
    const m = /^#article-(\d+)$/.exec(location.hash);
    const i = m ? +m[1] - 1 : -2;
    if (i < 0 || i >= last) return false;
    audio.currentTime = startOf(i); showSection(i); return true;
  }
  window.addEventListener("hashchange", () => { if (cue()) update(); });
  audio.addEventListener("loadedmetadata", () => {
    const i = current;
    if (i !== null && i >= 0 && i < last && audio.currentTime < startOf(i) - 0.5) audio.currentTime = startOf(i);
  });
  let saved = 0;
  try { saved = +localStorage.getItem(storeKey); } catch (e) { saved = 0; }
  if (saved > 5 && saved < data.duration - 5) {
    resume.hidden = false; resume.textContent = "从上次停下的地方继续（" + fmt(saved) + "）";
    resume.addEventListener("click", () => { audio.currentTime = saved; start(); resume.hidden = true; });
  }
  if (audio.error) fail();
  window.audiopaper = { data: data, audio: audio, current: () => current };
  say("paused");
  if (!cue()) update();
})();
