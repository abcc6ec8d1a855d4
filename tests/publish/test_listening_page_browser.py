"""The listening page in a real browser: Debian's chromium driven by Playwright, plus axe-core.

Skipped where no chromium is installed (.ci/run installs one); nothing is downloaded at
test time. A phone-width screenshot is kept in test-artifacts/ as a test artifact.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from audiopaper.pipeline import RenderOptions, render
from audiopaper.profiles import Profile
from audiopaper.publish.listening_page import write_pages
from audiopaper.publish.serve import make_server
from tests.conftest import EXAMPLE_PAGE, PROJECT, fake_synthesizer

HOSTILE = "<script>alert('x')</script> & <img src=x onerror=alert(2)>"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed")
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
    threading.Thread(target=server.serve_forever, daemon=True).start()
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


def open_page(browser: Any, url: str, width: int = 390) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    page.goto(url)
    page.wait_for_function("window.audiopaper && window.audiopaper.audio.readyState >= 1")
    return page


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
        "[...document.querySelectorAll('button')].filter(b => b.offsetParent).map(b => [b.offsetWidth, b.offsetHeight])"
    )
    assert all(w >= 48 and h >= 48 for w, h in sizes), sizes
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
    page = open_page(browser, base + "editions/2025-03-14/index.html", width=360)
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
