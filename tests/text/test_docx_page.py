"""Word files: built with python-docx at test time, read through the whole text stage."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from audiopaper.errors import InputError
from audiopaper.text.changes import ChangeKind
from audiopaper.text.clean import clean_pages
from audiopaper.text.ingest import read_page
from audiopaper.text.page import BlockKind


def styled_file(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("河畔夜市重新开张", level=1)
    document.add_paragraph(
        "本报讯（记者 田野）经过两个月的整修，河畔夜市前天晚上重新开张，首晚客流超过８０００人次。"
    )
    document.add_heading("摊位统一规划", level=2)
    document.add_paragraph("夜市共设一百二十个摊位，小吃、手工艺品和旧书各有分区，摊主统一穿工作服。")
    document.add_paragraph("图为市民在夜市品尝本地小吃。（吴桐 摄）", style="Caption")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows,
        [("时段", "客流", "摊位"), ("18-20时", "3200", "96"), ("20-22时", "4800", "120")],
        strict=True,
    ):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    document.add_heading("公园晨练区改造完工", level=1)
    document.add_paragraph("本报讯 滨江公园的晨练区完成改造，新铺设的塑胶地面更适合老人活动。")
    document.save(str(path))
    return path


def test_styled_word_file_gives_articles_sub_heads_and_drops_the_table(tmp_path: Path) -> None:
    page = read_page(styled_file(tmp_path / "page.docx"))
    assert page.form == "docx"
    kinds = [b.kind for b in page.blocks]
    assert kinds.count(BlockKind.HEADLINE) == 2 and BlockKind.SUBHEAD in kinds and BlockKind.CAPTION in kinds
    result = clean_pages([page])
    assert [a.title for a in result.articles] == ["河畔夜市重新开张", "公园晨练区改造完工"]
    first = result.articles[0]
    assert first.byline == "记者 田野"
    assert "摊位统一规划" in first.paragraphs
    assert "图为市民在夜市品尝本地小吃。" in first.paragraphs
    assert "8000" in first.paragraphs[0]
    assert not any("3200" in p for p in first.paragraphs)
    assert {ChangeKind.FIGURES, ChangeKind.PHOTO_CREDIT} <= {c.kind for c in result.changes}


def test_bold_short_lines_are_headlines_without_heading_styles(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph().add_run("社区图书角开放").bold = True
    document.add_paragraph("本报讯 新建的社区图书角昨天开放，居民可以免费借阅。")
    document.add_paragraph().add_run("借阅规则").bold = True
    document.add_paragraph("每人每次可借两本，借期两周，到期可以续借一次。")
    path = tmp_path / "bold.docx"
    document.save(str(path))
    result = clean_pages([read_page(path)])
    assert [a.title for a in result.articles] == ["社区图书角开放"]
    assert "借阅规则" in result.articles[0].paragraphs


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"this is not a zip at all", "not a Word .docx file"),
        (b"PK\x03\x04broken", "damaged zip"),
    ],
)
def test_a_docx_that_is_not_a_zip_ends_in_one_line(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_page(path)


def test_a_word_file_with_no_title_is_one_untitled_article(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("3月2日下午，城西小学在礼堂举行了春季运动会开幕式，全校八百名师生参加。")
    document.add_paragraph("开幕式上，各班级依次入场，校长为新当选的体育委员颁发了聘书。")
    path = tmp_path / "untitled.docx"
    document.save(str(path))
    result = clean_pages([read_page(path)])
    assert len(result.articles) == 1
    assert result.articles[0].title == "城西小学在礼堂举行了春季运动会开幕式"
    assert len(result.articles[0].paragraphs) == 2
    assert ChangeKind.UNTITLED in {c.kind for c in result.changes}


def bulleted_items_file(path: Path) -> Path:
    """A file of news items, each under a bold bullet line, below a bold section heading."""
    document = docx.Document()
    document.add_paragraph().add_run("近年来学院取得的重要成果、荣誉").bold = True
    document.add_paragraph().add_run("·学院代表队获全省大学生程序设计竞赛一等奖，并获最佳新人奖").bold = True
    document.add_paragraph("2021年5月8日，全省大学生程序设计竞赛在省城举行，我院代表队获一等奖。")
    document.add_paragraph().add_run("·学院与本市三家企业签订实习基地协议").bold = True
    document.add_paragraph("2022年3月1日，学院与三家企业签订协议，共建学生实习基地。")
    document.save(str(path))
    return path


def test_bold_bullet_lines_head_the_items_of_a_file(tmp_path: Path) -> None:
    result = clean_pages([read_page(bulleted_items_file(tmp_path / "items.docx"))])
    assert [a.title for a in result.articles] == [
        "学院代表队获全省大学生程序设计竞赛一等奖，并获最佳新人奖",
        "学院与本市三家企业签订实习基地协议",
    ]
    dropped = [c.text for c in result.changes if c.kind is ChangeKind.DROPPED]
    assert dropped == ["近年来学院取得的重要成果、荣誉"]


def test_a_link_to_a_missing_part_is_dropped_and_listed(tmp_path: Path) -> None:
    import zipfile

    source = bulleted_items_file(tmp_path / "good.docx")
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(source) as good, zipfile.ZipFile(broken, "w") as bad:
        for info in good.infolist():
            data = good.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                link = (
                    b'<Relationship Id="rId99" Target="../NULL" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/image"/>'
                )
                data = data.replace(b"</Relationships>", link + b"</Relationships>")
            bad.writestr(info, data)
    page = read_page(broken)
    repaired = [c.detail for c in page.notes if c.kind is ChangeKind.REPAIRED]
    assert len(repaired) == 1 and "../NULL" in repaired[0]
    assert len(clean_pages([page]).articles) == 2


def test_a_bold_title_above_styled_headings_heads_the_file(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph().add_run("老街书店迎来开业首日 读者排队进店").bold = True
    document.add_paragraph("3月1日，老街书店正式开业，开门前已有几十位读者在门口排队。")
    document.add_heading("店里的读书角", level=2)
    document.add_paragraph("书店二楼设有读书角，读者可以免费阅读。")
    path = tmp_path / "titled.docx"
    document.save(str(path))
    result = clean_pages([read_page(path)])
    assert [a.title for a in result.articles] == ["老街书店迎来开业首日 读者排队进店"]
    assert "店里的读书角" in result.articles[0].paragraphs


def _rewritten(path: Path, document_xml: bytes, *, dest: Path) -> Path:
    """A copy of the Word file at ``path`` whose word/document.xml is ``document_xml``."""
    import zipfile

    with zipfile.ZipFile(path) as source, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = document_xml if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info.filename, content)
    return dest


_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]><w:document "
    + _W
    + b"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)
_NESTED = b"<w:document " + _W + b"><w:body>" + b"<w:p>" * 300 + b"</w:p>" * 300 + b"</w:body></w:document>"
_PARAGRAPHS = (
    b"<w:document " + _W + b"><w:body>"
    + b"<w:p><w:r><w:t>\xe6\xae\xb5\xe8\x90\xbd</w:t></w:r></w:p>" * 200_000
    + b"</w:body></w:document>"
)  # fmt: skip


@pytest.mark.parametrize(
    ("document_xml", "message"),
    [
        (_LAUGHS, "declares a DTD"),
        (_NESTED, "damaged XML inside the Word file"),
        (b"<w:document " + _W + b"><w:body><w:p>", "damaged XML inside the Word file"),
        (b"\x00\xff garbage", "damaged XML inside the Word file"),
        (_PARAGRAPHS, "inflates"),  # 7 MB of one repeated paragraph: a zip bomb in small
    ],
    ids=["billion-laughs", "nesting-300", "truncated", "garbage", "repeated-run"],
)
def test_damaged_and_hostile_word_files_are_one_line(
    tmp_path: Path, document_xml: bytes, message: str
) -> None:
    hostile = _rewritten(styled_file(tmp_path / "good.docx"), document_xml, dest=tmp_path / "bad.docx")
    with pytest.raises(InputError, match=message) as raised:
        read_page(hostile)
    assert "\n" not in str(raised.value)


def test_a_word_file_with_too_much_text_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import random

    import audiopaper.text.docx_page as docx_page

    monkeypatch.setattr(docx_page, "MAX_XML_BYTES", 1024 * 1024)
    rng = random.Random(7)
    words = "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(400_000)).encode()  # compresses ~1.5x
    body = (
        b"<w:document "
        + _W
        + b"><w:body><w:p><w:r><w:t>"
        + words
        + b"</w:t></w:r></w:p></w:body></w:document>"
    )
    hostile = _rewritten(styled_file(tmp_path / "good.docx"), body, dest=tmp_path / "big.docx")
    with pytest.raises(InputError, match=r"MiB of text inside the Word file, over the 1 MiB limit"):
        read_page(hostile)
