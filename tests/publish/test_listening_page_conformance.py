"""The listening page against the 适老化 rules and WCAG 2.2, measured in a real browser.

Every number checked here is a row of the conformance table in docs/listening-page.md;
the tests fail on any value below the table's. Debian's chromium, driven by Playwright
(skipped where it is not installed; .ci/run installs it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from audiopaper.pipeline import RenderOptions, render
from audiopaper.profiles import Profile
from tests.conftest import EXAMPLE_PAGE, fake_synthesizer, oracle
from tests.publish.test_listening_page_browser import CHROMIUM, CHROMIUM_ARGS, contrast

pytestmark = [oracle("chromium", "chromium-browser"), pytest.mark.slow]

WIDTHS = (320, 390, 1280)
MIN_TEXT_PX = 24.0  # 18 pt: the elder-mode minimum for text
MAX_SETTING_PX = 40.0  # 30 pt: the text-size setting must reach at least this for the main text
MIN_LINE_HEIGHT = 1.3  # × font size
MIN_PARAGRAPH_PITCH = 1.3  # × line height, from the last line of a paragraph to the next one's first
MIN_CONTRAST = 4.5
MIN_TARGET_PX = 60.0  # elder-mode controls (others would need 44)
AUDIO_ON_ITS_OWN_S = 3.0  # WCAG 1.4.2: no sound that starts by itself for longer than this

EDITION = "editions/2025-03-14/index.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    profile = Profile.from_dict(
        "standard", {"pauses": {"sentence_ms": 300, "paragraph_ms": 500, "title_ms": 500, "article_ms": 800}}
    )
    render(
        [EXAMPLE_PAGE],
        RenderOptions(out_dir=out, day=date(2025, 3, 14), profile=profile),
        fake_synthesizer(cache_dir=tmp_path_factory.mktemp("cache")),
    )
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def open_page(browser: Any, url: str, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("window.audiopaper && window.audiopaper.audio.readyState >= 1")
    return page


def show_article_text(page: Any) -> None:
    """Cue the second article's second sentence, so its paragraphs and the highlight are shown."""
    page.evaluate(
        "(() => { const a = window.audiopaper.audio; a.currentTime ="
        " window.audiopaper.data.articles[1].sentences[1].start + 0.05; })()"
    )
    page.wait_for_function("document.querySelector('#text span.now') !== null")


# Every visible element with text of its own: its size, spacing and colours against the
# background actually behind it (the first ancestor that paints one).
TEXT_ELEMENTS = """() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const painted = (el) => { for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor); if (bg.length === 3 || bg[3] > 0) return bg; }
    return [255, 255, 255]; };
  return [...document.body.querySelectorAll('*')].filter((el) => {
      const r = el.getBoundingClientRect(), s = getComputedStyle(el);
      return r.width > 2 && r.height > 2 && s.visibility !== 'hidden' && s.clip === 'auto'
        && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    }).map((el) => { const s = getComputedStyle(el);
      return { text: el.textContent.trim().slice(0, 30), tag: el.tagName, size: parseFloat(s.fontSize),
               line: s.lineHeight === 'normal' ? 0 : parseFloat(s.lineHeight),
               ink: parse(s.color), paper: painted(el) }; });
}"""

TARGETS = """() => [...document.querySelectorAll('button, a, input, [role=button]')]
  .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
  .map((el) => { const r = el.getBoundingClientRect(); return [el.textContent.trim().slice(0, 20), r.width, r.height]; })"""

PARAGRAPH_PITCHES = """() => { const out = [];
  document.querySelectorAll('#text p + p').forEach((p) => { const prev = p.previousElementSibling;
    const line = parseFloat(getComputedStyle(p).lineHeight);
    const gap = p.getBoundingClientRect().top - prev.getBoundingClientRect().bottom;
    out.push((gap + line) / line); });
  return out; }"""

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"

OVERFLOWING = """() => [...document.querySelectorAll('button, p, h1, h2, li, a')]
  .filter((el) => el.getClientRects().length && getComputedStyle(el).clip === 'auto'
    && el.scrollWidth > el.clientWidth + 1)
  .map((el) => el.textContent.trim().slice(0, 20))"""

WCAG_TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; }"
    " p { margin-bottom: 2em !important; }"
)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_text_is_large_spaced_and_contrasted(site: Path, browser: Any, width: int) -> None:
    page = open_page(browser, (site / EDITION).as_uri(), width)
    show_article_text(page)
    texts = page.evaluate(TEXT_ELEMENTS)
    assert len(texts) > 20
    small = [(t["text"], t["size"]) for t in texts if t["size"] < MIN_TEXT_PX]
    assert small == []
    tight = [(t["text"], t["line"] / t["size"]) for t in texts if t["line"] < MIN_LINE_HEIGHT * t["size"]]
    assert tight == []
    faint = [(t["text"], round(contrast(t["ink"], t["paper"]), 2)) for t in texts]
    assert [item for item in faint if item[1] < MIN_CONTRAST] == []
    pitches = page.evaluate(PARAGRAPH_PITCHES)
    assert pitches and min(pitches) >= MIN_PARAGRAPH_PITCH, pitches
    targets = page.evaluate(TARGETS)
    assert [t for t in targets if t[1] < MIN_TARGET_PX or t[2] < MIN_TARGET_PX] == []
    assert page.evaluate(NO_HORIZONTAL_SCROLL)


def test_text_size_control_reaches_30pt_and_is_remembered(site: Path, browser: Any) -> None:
    page = open_page(browser, (site / EDITION).as_uri(), 390)
    show_article_text(page)
    main_text = "parseFloat(getComputedStyle(document.querySelector('#text p:not(.kicker)')).fontSize)"
    before = page.evaluate(main_text)
    assert page.get_attribute("#smaller", "aria-disabled") == "true"  # already the smallest
    for _ in range(4):
        page.click("#larger")
    page.click("#larger", force=True)  # pressed once more at the largest: nothing changes
    assert page.evaluate(main_text) >= MAX_SETTING_PX > before
    assert page.get_attribute("#larger", "aria-disabled") == "true"
    assert page.inner_text("#size") == "最大"
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    page.reload()
    page.wait_for_function("window.audiopaper && window.audiopaper.audio.readyState >= 1")
    show_article_text(page)
    assert page.evaluate(main_text) >= MAX_SETTING_PX
    page.click("#smaller")
    assert page.inner_text("#size") == "很大"


def test_reflows_at_320px_with_doubled_text_and_wcag_text_spacing(site: Path, browser: Any) -> None:
    page = open_page(browser, (site / EDITION).as_uri(), 320)
    show_article_text(page)
    page.evaluate("document.documentElement.style.fontSize = '300%'")  # 200% of the page's own 150%
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert page.evaluate(OVERFLOWING) == []
    page.evaluate("document.documentElement.style.fontSize = ''")
    page.add_style_tag(content=WCAG_TEXT_SPACING)
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert page.evaluate(OVERFLOWING) == []
    targets = page.evaluate(TARGETS)
    assert [t for t in targets if t[1] < MIN_TARGET_PX or t[2] < MIN_TARGET_PX] == []


def test_nothing_plays_before_a_press(site: Path, browser: Any) -> None:
    # The browser is started with autoplay allowed: silence here is the page's own doing.
    edition = (site / EDITION).as_uri()
    for address in (edition, (site / "index.html").as_uri(), f"{edition}#article-2"):
        page = open_page(browser, address, 390)
        page.wait_for_timeout(AUDIO_ON_ITS_OWN_S * 1000 + 500)
        assert page.evaluate("window.audiopaper.audio.paused && window.audiopaper.audio.played.length === 0")
        assert page.evaluate("document.querySelectorAll('audio[autoplay], video').length") == 0


def test_article_address_selects_the_article_and_plays_it_on_a_press(site: Path, browser: Any) -> None:
    page = open_page(browser, (site / EDITION).as_uri() + "#article-3", 390)
    article = page.evaluate("window.audiopaper.data.articles[2]")
    assert page.evaluate("window.audiopaper.current()") == 2
    assert page.get_attribute("#articles li:nth-child(3) button", "aria-current") == "true"
    assert article["title"] in page.inner_text("#text")
    page.click("#play")
    page.wait_for_function("!window.audiopaper.audio.paused && window.audiopaper.audio.currentTime > 0")
    position = page.evaluate("window.audiopaper.audio.currentTime")
    assert article["start"] - 0.1 <= position < article["end"]
    assert page.evaluate("window.audiopaper.current()") == 2
