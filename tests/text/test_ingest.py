"""Tests for audiopaper.text.ingest: decoding and block splitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiopaper.errors import InputError
from audiopaper.text.ingest import BlockKind, decode_page_bytes, read_page, split_blocks
from tests.conftest import WritePage

PAGE = "## 第一条标题\n\n■记者 王一\n\n本报讯 正文第一段,有逗号。\n\n# 头版 标题\n正文\n"


def test_split_blocks_finds_headlines_and_text() -> None:
    blocks = split_blocks(PAGE)
    assert [(b.kind, b.level, b.text) for b in blocks] == [
        (BlockKind.HEADLINE, 2, "第一条标题"),
        (BlockKind.TEXT, 0, "■记者 王一"),
        (BlockKind.TEXT, 0, "本报讯 正文第一段,有逗号。"),
        (BlockKind.HEADLINE, 1, "头版 标题"),
        (BlockKind.TEXT, 0, "正文"),
    ]
    assert blocks[0].line == 1 and blocks[3].line == 7


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (PAGE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + PAGE.encode("utf-8"), "utf-8"),
        (PAGE.encode("gb18030"), "gb18030"),
    ],
)
def test_decode_utf8_bom_and_gb18030(data: bytes, encoding: str) -> None:
    text, used = decode_page_bytes(data, "p")
    assert text == PAGE
    assert used == encoding


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(1, 32)) * 20, "binary"),
    ],
)
def test_bad_bytes_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode_page_bytes(data, "p")


def test_read_page_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_page(tmp_path / "nope.md")


def test_read_page_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        read_page(tmp_path)


def test_gb18030_page_reads_like_its_utf8_twin(write_page: WritePage) -> None:
    utf8 = read_page(write_page(PAGE, "a.md"))
    gb = read_page(write_page(PAGE, "b.md", encoding="gb18030"))
    assert utf8.blocks == gb.blocks
    assert gb.encoding == "gb18030"


HTML_ARTICLE = (
    '<html><head><meta charset="{charset}"><title>站名</title></head><body>'
    "<h1>河边新修步道</h1><p>本报讯 近日，河边新修了一条步道，居民傍晚散步的地方多了一处。</p>"
    "<p>步道全长三公里，沿途种了桂花和樱花，还设了六处休息座椅。</p></body></html>"
)


@pytest.mark.parametrize(
    ("name", "data", "form", "encoding"),
    [
        ("a.md", PAGE.encode("utf-8"), "markdown", "utf-8"),
        ("a.txt", PAGE.encode("utf-8"), "markdown", "utf-8"),
        ("a.txt", "河边新修步道\n\n本报讯 近日，河边新修了一条步道。\n".encode(), "plain", "utf-8"),
        ("a.html", "河边新修步道\n\n本报讯 近日，河边新修了一条步道。\n".encode(), "plain", "utf-8"),
        ("a.txt", HTML_ARTICLE.format(charset="utf-8").encode(), "html", "utf-8"),
        ("a.htm", HTML_ARTICLE.format(charset="gb2312").encode("gb18030"), "html", "gb18030"),
        ("a.jsp", HTML_ARTICLE.format(charset="GBK").encode("gbk"), "html", "gb18030"),
        ("a.html", b"\xef\xbb\xbf" + HTML_ARTICLE.format(charset="utf-8").encode(), "html", "utf-8"),
    ],
)
def test_form_is_found_by_content_with_the_extension_as_a_hint(
    tmp_path: Path, name: str, data: bytes, form: str, encoding: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page = read_page(path)
    assert (page.form, page.encoding) == (form, encoding)
    assert any(b.kind is BlockKind.HEADLINE for b in page.blocks)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, r"old Word \.doc"),
        ("a.zip", b"PK\x05\x06" + b"\x00" * 18, "binary"),
        ("a.bin", bytes(range(256)) * 4, "binary"),
        ("a.docx", "不是压缩包".encode(), r"not a Word \.docx"),
        ("a.sql", "-- dump\nINSERT INTO `posts` VALUES (1,'标题','正文。');\n".encode(), "database dump"),
    ],
)
def test_unknown_and_binary_forms_are_refused(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_page(path)


def test_a_zip_that_is_not_a_word_file_is_refused(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "a.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(InputError, match=r"not a Word \.docx"):
        read_page(path)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused_without_reading_it(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"{device} is not on this system")
    with pytest.raises(InputError, match="not a regular file"):
        read_page(Path(device))


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    import os
    import time

    fifo = tmp_path / "page.md"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(InputError, match=r"not a regular file \(a device, pipe or socket\)"):
        read_page(fifo)  # nobody writes to it: opening it blocking would hang
    assert time.monotonic() - started < 1.0


def test_a_page_past_the_limit_is_refused_having_read_only_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import audiopaper.text.ingest as ingest

    monkeypatch.setattr(ingest, "MAX_PAGE_BYTES", 1000)
    page = tmp_path / "page.md"
    page.write_text("## 标题\n\n" + "正文。" * 400, encoding="utf-8")
    with pytest.raises(InputError, match=r"too large for a page \(over 1000 bytes, the limit\)"):
        read_page(page)
