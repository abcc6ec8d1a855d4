"""The print kit: every code decodes, with a real decoder, to exactly the URL it promises."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from PIL import Image
from typer.testing import CliRunner

from audiopaper.cli import app
from audiopaper.errors import OptionError
from audiopaper.pipeline import RenderOptions, render
from audiopaper.profiles import load_profile
from audiopaper.publish.manifest import EditionManifest
from audiopaper.publish.print_kit import (
    CAPTION_LINE_EM,
    CAPTION_TITLE_LINES,
    PRINT_DPI,
    PrintCode,
    cjk_font_path,
    code_svg,
    kit_codes,
    listening_time,
    public_base,
    wrap,
    write_print_kit,
)
from tests.conftest import EXAMPLE_PAGE, fake_synthesizer, oracle, under_ci
from tests.publish.test_listening_page_browser import CHROMIUM, CHROMIUM_ARGS

BASE = "https://news.example.cn/audio/"
ZBARIMG = shutil.which("zbarimg")
needs_zbar = oracle("zbarimg")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, EditionManifest]:
    out = tmp_path_factory.mktemp("out")
    options = RenderOptions(
        out_dir=out, day=date(2025, 3, 14), profile=load_profile("standard"), base_url=BASE, paper="青梅日报"
    )
    render([EXAMPLE_PAGE], options, fake_synthesizer(cache_dir=tmp_path_factory.mktemp("cache")))
    return out, EditionManifest.read(out / "editions/2025-03-14/edition.json")


def decode(path: Path) -> list[str]:
    """Every QR code zbarimg finds in an image, in its order."""
    run = subprocess.run(
        [ZBARIMG or "zbarimg", "--quiet", "--raw", "-Sqrcode.enable", str(path)], capture_output=True
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.decode("utf-8").splitlines()


def test_codes_are_the_edition_each_article_and_latest(published: tuple[Path, EditionManifest]) -> None:
    _, manifest = published
    codes = kit_codes(manifest, BASE)
    page = BASE + "editions/2025-03-14/index.html"
    assert [code.url for code in codes] == [
        page,
        *(f"{page}#article-{n}" for n in range(1, len(manifest.articles) + 1)),
        BASE + "latest/",
    ]
    assert [code.name for code in codes][:2] == ["edition", "article-01"]
    first = manifest.articles[0]
    assert codes[1].caption.startswith(f"扫码收听 · {first.title} · ")
    assert codes[1].caption_lines()[0] == "扫码收听"
    assert codes[1].caption_lines()[-1] == codes[1].length
    assert codes[1].length.endswith("秒") and "分" in codes[0].length
    assert codes[-1].caption == "扫码收听 · 青梅日报 · 最新一期"


@pytest.mark.parametrize(
    "base",
    ["http://127.0.0.1:8000/", "http://localhost/", "editions/", "ftp://news.example.cn/", "http://[::1]/"],
)
def test_codes_refuse_addresses_a_reader_cannot_reach(base: str) -> None:
    with pytest.raises(OptionError):
        public_base(base)


def test_base_without_a_trailing_slash_is_the_same_address() -> None:
    assert public_base("https://news.example.cn/audio") == BASE


def test_svg_is_millimetre_sized_with_its_caption_as_text() -> None:
    code = PrintCode("edition", BASE, "市民热线<&>今起试运行夜间专线服务", "3分05秒")
    root = ET.fromstring(code_svg(code).encode("utf-8"))
    assert root.get("width") == "30mm"
    lines = [el.text for el in root.iter("{http://www.w3.org/2000/svg}tspan")]
    assert lines == ["扫码收听", "市民热线<&>今起试", "运行夜间专线服务", "3分05秒"]
    assert (
        root.findtext("{http://www.w3.org/2000/svg}title")
        == "扫码收听 · 市民热线<&>今起试运行夜间专线服务 · 3分05秒"
    )


@pytest.mark.parametrize(("seconds", "said"), [(4.2, "4秒"), (78.4, "1分18秒"), (605, "10分05秒")])
def test_lengths_read_as_minutes_and_seconds(seconds: float, said: str) -> None:
    assert listening_time(seconds) == said


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("短标题", ["短标题"]),
        ("一二三四五六七八九十", ["一二三四五六七八九", "十"]),
        ("iPhone 16发布会现场", ["iPhone 16发布会现", "场"]),
        ("港区外贸同比增长12.6%", ["港区外贸同比增长", "12.6%"]),
        ("一二三四五六七八九。十", ["一二三四五六七八九。", "十"]),  # a full stop never opens a line
        (
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十",
            ["一二三四五六七八九", "十一二三四五六七八", "九十一二三四五六…"],
        ),
    ],
)
def test_headlines_wrap_to_the_code_width(text: str, lines: list[str]) -> None:
    assert wrap(text, CAPTION_LINE_EM, CAPTION_TITLE_LINES) == lines


@needs_zbar
def test_every_png_and_the_sheet_decode_to_exactly_their_urls(
    published: tuple[Path, EditionManifest],
) -> None:
    out, manifest = published
    kit = write_print_kit(out / "editions/2025-03-14", manifest, BASE)
    captioned = cjk_font_path() is not None
    assert kit.directory == out / "editions/2025-03-14/print"
    assert captioned or not under_ci()  # CI installs a Chinese font
    for code in kit.codes:
        png = kit.directory / f"{code.name}.png"
        assert decode(png) == [code.url]
        with Image.open(png) as image:
            dpi = image.info["dpi"]
            assert round(dpi[0]) == PRINT_DPI
            width_mm = image.width / PRINT_DPI * 25.4
            assert 27 <= width_mm <= 33  # about 30 mm of code (whole modules); the caption may not widen it
            assert (image.height > image.width) == captioned  # the caption sits below
    assert sorted(decode(kit.directory / "sheet.png")) == sorted(code.url for code in kit.codes)
    assert (kit.directory / "sheet.pdf").read_bytes().startswith(b"%PDF-")


def test_kit_files_are_the_same_bytes_when_made_again(published: tuple[Path, EditionManifest]) -> None:
    out, manifest = published
    first = write_print_kit(out / "editions/2025-03-14", manifest, BASE)
    before = {path.name: path.read_bytes() for path in first.files if path.suffix in (".png", ".svg")}
    again = write_print_kit(out / "editions/2025-03-14", manifest, BASE)
    assert {path.name: path.read_bytes() for path in again.files if path.suffix in (".png", ".svg")} == before


def test_cli_takes_the_address_from_the_feed(published: tuple[Path, EditionManifest]) -> None:
    out, _ = published
    result = CliRunner().invoke(app, ["print-kit", "2025-03-14", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out / "editions/2025-03-14/print")


def test_cli_refuses_a_missing_date_and_a_loopback_feed(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["print-kit", "2025-03-15", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: no edition of 2025-03-15 in {tmp_path}; render it first"
    out = tmp_path / "out"
    options = RenderOptions(out_dir=out, day=date(2025, 3, 14), profile=load_profile("standard"))
    render([EXAMPLE_PAGE], options, fake_synthesizer(cache_dir=tmp_path / "cache"))
    result = CliRunner().invoke(app, ["print-kit", "2025-03-14", "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: printed codes need the edition's public address")
    assert len(result.stderr.strip().splitlines()) == 1


@needs_zbar
@oracle("chromium", "chromium-browser")
@pytest.mark.slow
def test_each_article_code_opens_its_article_ready_to_play(published: tuple[Path, EditionManifest]) -> None:
    from playwright.sync_api import sync_playwright

    out, manifest = published
    kit = write_print_kit(out / "editions/2025-03-14", manifest, BASE)
    local = out.as_uri() + "/"  # the published address, here: the same files on disk
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for number, article in enumerate(manifest.articles):
            [url] = decode(kit.directory / f"article-{article.index:02d}.png")
            assert url.startswith(BASE)
            page = browser.new_page(viewport={"width": 390, "height": 800})
            page.goto(local + url.removeprefix(BASE))
            page.wait_for_function("window.audiopaper && window.audiopaper.audio.readyState >= 1")
            assert page.evaluate("window.audiopaper.current()") == number
            assert page.evaluate("window.audiopaper.audio.paused")
            page.click("#play")
            page.wait_for_function(
                "!window.audiopaper.audio.paused && window.audiopaper.audio.currentTime > 0"
            )
            assert (
                article.start_s - 0.1 <= page.evaluate("window.audiopaper.audio.currentTime") < article.end_s
            )
            page.close()
        browser.close()


def test_render_writes_the_kit_when_show_json_asks(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "show.json").write_text(json.dumps({"podcast_guid": "g", "print_kit": True}), encoding="utf-8")
    options = RenderOptions(
        out_dir=out, day=date(2025, 3, 14), profile=load_profile("standard"), base_url=BASE
    )
    render([EXAMPLE_PAGE], options, fake_synthesizer(cache_dir=tmp_path / "cache"))
    kit = out / "editions/2025-03-14/print"
    assert sorted(p.name for p in kit.iterdir())[:2] == ["article-01.png", "article-01.svg"]
    assert (kit / "sheet.pdf").is_file()
    loopback = RenderOptions(out_dir=out, day=date(2025, 3, 15), profile=load_profile("standard"))
    render([EXAMPLE_PAGE], loopback, fake_synthesizer(cache_dir=tmp_path / "cache"))
    assert (out / "editions/2025-03-15/edition.json").is_file()  # published all the same
    assert not (out / "editions/2025-03-15/print").exists()
    assert "no print kit" in caplog.text
