"""The listening page in a real browser: Debian's chromium driven by Playwright, plus axe-core.

Skipped where no chromium is installed, failed under .ci/run (which installs one); nothing
is downloaded at test time. A phone-width screenshot is kept in test-artifacts/ as a test artifact.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from audiopaper.pipeline import RenderOptions, render
from audiopaper.profiles import Profile
from audiopaper.publish.listening_page import write_pages
from audiopaper.publish.serve import make_server
from tests.conftest import EXAMPLE_PAGE, PROJECT, fake_synthesizer, oracle, serve_in_background

HOSTILE = "<script>alert('x')</script> & <img src=x onerror=alert(2)>"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [oracle("chromium", "chromium-browser"), pytest.mark.slow]
ARTIFACTS = PROJECT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--autoplay-policy=no-user-gesture-required"]  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    out = tmp_path_factory.mktemp("site")
    page = tmp_path_factory.mktemp("pages") / "page.md"
    page.write_text(EXAMPLE_PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    server = make_server(out, "127.0.0.1", 0)
    serve_in_background(server)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    profile = Profile.from_dict(
        "standard", {"pauses": {"sentence_ms": 300, "paragraph_ms": 500, "title_ms": 500, "article_ms": 800}}
    )
    render(
        [page],
        RenderOptions(out_dir=out, day=date(2025, 3, 14), profile=profile, base_url=base),
        fake_synthesizer(cache_dir=tmp_path_factory.mktemp("cache")),
    )
    # The cleaner strips markup, but the page must not rely on it: plant a hostile title.
    manifest_path = out / "editions" / "2025-03-14" / "edition.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["articles"][-1]["title"] = HOSTILE
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    write_pages(out)
    # The same page with its MP3 out of reach (404), for the audio-error message.
    page_html = (out / "editions" / "2025-03-14" / "index.html").read_text(encoding="utf-8")
    audio = json.loads(manifest_path.read_text(encoding="utf-8"))["audio"]
    (out / "editions" / "2025-03-14" / "broken.html").write_text(
        page_html.replace(f'src="{audio}"', 'src="missing.mp3"'), encoding="utf-8"
    )
    yield base, out
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


PHONE = {"width": 390, "height": 844}


def open_page(browser: Any, url: str, width: int = 390, *, wait_audio: bool = True) -> Any:
    context = browser.new_context(viewport={"width": width, "height": PHONE["height"]})
    page = context.new_page()
    dialogs: list[str] = []

    def record_and_dismiss(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record_and_dismiss)
    page.dialogs = dialogs
    page.goto(url)
    if wait_audio:
        page.wait_for_function("window.audiopaper && window.audiopaper.audio.readyState >= 1")
    return page


def play_button_on_screen(page: Any) -> bool:
    box = page.locator("#play").bounding_box()
    return bool(box and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"])


def relative_luminance(rgb: list[float]) -> float:
    def channel(c: float) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: list[float], b: list[float]) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


RGB = "(c) => getComputedStyle(document.querySelector(c.sel))[c.prop].match(/[\\d.]+/g).map(Number)"


def test_play_next_speed_and_read_along(site: tuple[str, Path], browser: Any) -> None:
    base, _ = site
    page = open_page(browser, base + "editions/2025-03-14/index.html")
    page.click("#play")
    page.wait_for_function("window.audiopaper.audio.currentTime > 0.3")
    assert page.inner_text("#play") == "暂停"
    page.click("#next")
    page.wait_for_function("window.audiopaper.current() === 0")
    start = page.evaluate("window.audiopaper.data.articles[0].start")
    assert page.evaluate("window.audiopaper.audio.currentTime") >= start - 0.1
    page.click("#next")
    page.wait_for_function("window.audiopaper.current() === 1")
    assert page.get_attribute("#articles li:nth-child(2) button", "aria-current") == "true"
    page.click("button[data-rate='1.25']")
    assert page.evaluate("window.audiopaper.audio.playbackRate") == 1.25
    assert page.get_attribute("button[data-rate='1.25']", "aria-pressed") == "true"
    sentence = page.evaluate("window.audiopaper.data.articles[1].sentences[2]")
    page.evaluate(f"window.audiopaper.audio.currentTime = {sentence['start'] + 0.05}")
    page.wait_for_function("document.querySelector('#text span.now') !== null")
    assert page.inner_text("#text span.now") == sentence["text"]
    page.keyboard.press("Escape")
    page.locator("h1").click()
    page.keyboard.press(" ")
    page.wait_for_function("window.audiopaper.audio.paused")
    assert "第2篇" in page.inner_text("#live")


def test_phone_width_layout_screenshot_and_hostile_title(site: tuple[str, Path], browser: Any) -> None:
    base, _ = site
    page = open_page(browser, base + "index.html", width=360)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    sizes = page.evaluate(
        "[...document.querySelectorAll('button, a')].filter(b => b.offsetParent)"
        ".map(b => [b.textContent, b.offsetWidth, b.offsetHeight])"
    )
    assert len(sizes) > 10
    assert all(w >= 48 and h >= 48 for _, w, h in sizes), sizes
    font = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#text') || document.body).fontSize)"
    )
    assert font >= 20
    hostile = page.locator("#articles button", has_text="<script>alert")
    assert hostile.count() == 1, page.inner_text("#articles")
    assert HOSTILE in hostile.inner_text()
    assert page.dialogs == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "player-360px.png"), full_page=True)


def test_resume_from_where_the_listener_stopped(site: tuple[str, Path], browser: Any) -> None:
    base, _ = site
    url = base + "editions/2025-03-14/index.html"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("window.audiopaper && window.audiopaper.audio.readyState >= 1")
    page.evaluate("window.audiopaper.audio.currentTime = 42")
    page.wait_for_function("localStorage.getItem('audiopaper:2025-03-14') !== null")
    page.reload()
    page.wait_for_selector("#resume:not([hidden])")
    assert "从上次停下的地方继续" in page.inner_text("#resume")
    page.click("#resume")
    page.wait_for_function("window.audiopaper.audio.currentTime >= 41.5")


def test_no_serious_accessibility_violations(site: tuple[str, Path], browser: Any) -> None:
    import axe_playwright_python

    base, _ = site
    page = open_page(browser, base + "editions/2025-03-14/index.html")
    article = page.evaluate("window.audiopaper.data.articles[1]")
    page.evaluate(f"window.audiopaper.audio.currentTime = {article['sentences'][1]['start'] + 0.05}")
    page.wait_for_function("document.querySelector('#text span.now') !== null")  # check the highlight too
    axe_js = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    page.add_script_tag(path=str(axe_js))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious


def test_hostile_page_runs_no_script_anywhere(tmp_path: Path, browser: Any) -> None:
    page_file = tmp_path / "hostile.md"
    page_file.write_text(
        "## 标题<script>alert(1)</script> <img src=x onerror=alert(2)>\n\n"
        "■记者 <b onclick=alert(3)>王一</b>\n\n"
        "本报讯 请看[这里](javascript:alert(4))的通知，还有&lt;script&gt;alert(5)&lt;/script&gt;和&amp;符号。"
        '<a href="javascript:alert(6)" onmouseover="alert(7)">链接</a>文字结束。\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    profile = Profile.from_dict(
        "standard", {"pauses": {"sentence_ms": 300, "paragraph_ms": 500, "title_ms": 500, "article_ms": 800}}
    )
    render(
        [page_file], RenderOptions(out_dir=out, day=date(2025, 3, 14), profile=profile), fake_synthesizer()
    )
    for html_file in [out / "index.html", out / "editions/2025-03-14/index.html"]:
        page = open_page(browser, html_file.as_uri())
        page.evaluate(
            "window.audiopaper.audio.currentTime = window.audiopaper.data.articles[0].sentences[0].start + 0.05"
        )
        page.wait_for_function("document.querySelector('#text span') !== null")
        shown = page.inner_text("#text")
        assert "javascript:alert(4)" in shown  # what survives cleaning shows literally
        page.mouse.move(200, 300)
        page.wait_for_timeout(300)
        assert page.dialogs == []
        assert page.evaluate("document.querySelectorAll('script').length") == 2
        assert page.evaluate("document.querySelectorAll('img, a[href^=\"javascript\"]').length") == 0


def test_controls_stay_on_screen_while_playing_and_after_seeking(
    site: tuple[str, Path], browser: Any
) -> None:
    base, _ = site
    page = open_page(browser, base + "editions/2025-03-14/index.html")
    page.click("#play")
    page.wait_for_function("window.audiopaper.audio.currentTime > 0.3")
    page.evaluate("window.audiopaper.audio.currentTime = window.audiopaper.data.articles[0].start")
    off_screen, highlighted = [], 0
    started = time.monotonic()
    while time.monotonic() - started < 20:  # 20 s of playback, read-along following the text
        if not play_button_on_screen(page):
            off_screen.append(page.evaluate("window.audiopaper.audio.currentTime"))
        highlighted += page.evaluate("document.querySelector('#text span.now') !== null")
        page.wait_for_timeout(400)
    assert not page.evaluate("window.audiopaper.audio.paused")
    assert off_screen == []
    assert highlighted > 10
    assert page.evaluate("window.scrollY") > 0  # the text did move; the controls did not
    last = page.evaluate("window.audiopaper.data.articles.length") - 1
    sentence = page.evaluate(f"window.audiopaper.data.articles[{last}].sentences.at(-1)")
    page.evaluate(f"window.audiopaper.audio.currentTime = {sentence['start'] + 0.05}")
    page.wait_for_function(f"window.audiopaper.current() === {last}")
    page.wait_for_timeout(1500)
    assert play_button_on_screen(page)
    assert page.locator("#text span.now").is_visible()
    assert page.inner_text("#play") == "暂停" and page.inner_text("#state") == "正在播放"


def test_opening_closing_and_next_after_the_last_article(site: tuple[str, Path], browser: Any) -> None:
    base, _ = site
    page = open_page(browser, base + "editions/2025-03-14/index.html")
    data = page.evaluate("window.audiopaper.data")
    intro = data["opening"]["lines"][0]
    page.evaluate(f"window.audiopaper.audio.currentTime = {intro['start'] + 0.05}")
    page.wait_for_function("document.querySelector('#text span.now') !== null")
    assert page.inner_text("#text span.now") == intro["text"]
    assert "2025年3月14日" in intro["text"]
    last = len(data["articles"]) - 1
    title = data["articles"][last]["heading"][1]
    page.evaluate(f"window.audiopaper.audio.currentTime = {title['start'] + 0.05}")
    page.wait_for_function(f"window.audiopaper.current() === {last}")
    page.wait_for_function("document.querySelector('#text span.now') !== null")
    assert title["text"] in page.inner_text("#text span.now")
    page.click("#next")
    page.wait_for_function(f"window.audiopaper.current() === {last + 1}")
    assert page.evaluate("window.audiopaper.audio.currentTime") >= data["closing"]["start"] - 0.1
    page.wait_for_function("document.querySelector('#text span.now') !== null")
    assert page.inner_text("#text span.now") == data["closing"]["lines"][0]["text"]
    assert page.get_attribute("#next", "aria-disabled") == "true"
    page.click("#next", force=True)  # a listener may still press it: nothing happens
    page.wait_for_timeout(300)
    assert page.evaluate("window.audiopaper.current()") == last + 1
    # Hold playback on the closing line: a short line may have ended during the wait above.
    closing_line = data["closing"]["lines"][0]
    page.evaluate(
        f"window.audiopaper.audio.pause(); window.audiopaper.audio.currentTime = {closing_line['start'] + 0.05}"
    )
    page.wait_for_function("document.querySelector('#text span.now') !== null")
    mark = page.evaluate(RGB, {"sel": "#text span.now", "prop": "backgroundColor"})
    ink = page.evaluate(RGB, {"sel": "#text span.now", "prop": "color"})
    paper = page.evaluate(RGB, {"sel": "body", "prop": "backgroundColor"})
    assert contrast(mark, paper) >= 3.0
    assert contrast(mark, ink) >= 4.5


def test_audio_error_message_when_the_mp3_is_missing(site: tuple[str, Path], browser: Any) -> None:
    base, _ = site
    page = open_page(browser, base + "editions/2025-03-14/broken.html", wait_audio=False)
    page.wait_for_selector("#error:not([hidden])")
    assert "音频无法加载" in page.inner_text("#error")
    assert page.get_attribute("#error", "role") == "alert"
    page.click("#play")
    page.wait_for_timeout(800)
    assert page.is_visible("#error")
    assert page.inner_text("#state") == "无法播放" and page.inner_text("#play") == "播放"
    assert "正在播放" not in page.inner_text("body")


def test_latest_address_plays_the_newest_edition(site: tuple[str, Path], browser: Any) -> None:
    base, out = site
    page = open_page(browser, base + "latest/")
    src = page.evaluate("window.audiopaper.audio.currentSrc")
    audio = json.loads((out / "editions/2025-03-14/edition.json").read_text(encoding="utf-8"))["audio"]
    assert src == base + "editions/2025-03-14/" + audio
    assert page.evaluate("window.audiopaper.audio.duration") > 10
