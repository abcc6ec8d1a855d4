"""Tests for audiopaper.text.ingest: decoding and block splitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiopaper.errors import InputError
from audiopaper.text.ingest import BlockKind, decode_page_bytes, read_page, split_blocks

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


def test_gb18030_page_reads_like_its_utf8_twin(write_page) -> None:  # type: ignore[no-untyped-def]
    utf8 = read_page(write_page(PAGE, "a.md"))
    gb = read_page(write_page(PAGE, "b.md", encoding="gb18030"))
    assert utf8.blocks == gb.blocks
    assert gb.encoding == "gb18030"
