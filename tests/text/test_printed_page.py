"""The printed-page reader: real page PDFs by their layout, and bad PDFs within their limits."""

from __future__ import annotations

import io
import re

import pytest

from audiopaper.errors import InputError
from audiopaper.text import ocr_page, printed_page
from audiopaper.text.clean import clean_pages
from audiopaper.text.ingest import parse_page, read_page
from audiopaper.text.printed_page import MAX_PDF_PAGES, garbled, is_printed_page
from tests.text.printed_truth import FIXTURES, SANMEN, SANMEN_TRUTH, norm, score

needs_sanmen = pytest.mark.skipif(not SANMEN.exists(), reason="../shared/corpus/pdf is not here")


def _blank_pdf(pages: int) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


@needs_sanmen
def test_the_real_page_gives_all_ten_items_in_reading_order() -> None:
    page = read_page(SANMEN)
    assert page.form == "pdf"
    result = clean_pages([page])
    found = score(result.articles, SANMEN_TRUTH, max_cer=0.0)
    assert found.missed == [] and len(found.found) == 10
    by_title = {norm(a.title): a for a in result.articles}
    assert by_title[norm("县残联派送助残“大礼包”")].lead
    assert norm(by_title[norm("县残联派送助残“大礼包”")].byline or "") == norm("记者陈晓辉通讯员吴敏杰")
    assert norm(by_title[norm("我县“假证被拘”第一人现身")].byline or "") == norm("记者陈玲玲通讯员杨淑茗")
    briefs = [a for a in result.articles if a.paragraphs[0].startswith("为进一步增强学校")]
    assert [a.byline for a in briefs] == ["陈佳"] and not briefs[0].paragraphs[-1].endswith("）")


@needs_sanmen
def test_the_real_page_speaks_no_masthead_and_lists_what_it_dropped() -> None:
    result = clean_pages([read_page(SANMEN)])
    spoken = "".join(a.title + "".join(a.paragraphs) for a in result.articles)
    for furniture in ("责任编辑", "版式设计", "星期二", "NEW", "综合新闻", "陈维连/摄", "简讯"):
        assert furniture not in spoken
    dropped = " ".join(c.detail for c in result.changes)
    assert "责任编辑" in dropped and "陈维连/摄" in dropped and "简讯" in dropped


def test_ten_thousand_pages_are_refused_in_one_line() -> None:
    with pytest.raises(InputError, match=rf"10000 pages .*limit {MAX_PDF_PAGES}"):
        parse_page(_blank_pdf(10_000), "edition.pdf")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "damaged or truncated PDF"),
        (b"%PDF-1.4\n" + bytes(range(256)) * 64, "damaged or truncated PDF"),
    ],
)
def test_damaged_pdfs_are_refused_in_one_line(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_page(data, "bad.pdf")
    assert "\n" not in str(caught.value)


def _pdf_with_content(stream: bytes) -> bytes:
    """A one-page PDF whose content stream is ``stream``, deflated (a hand-made file)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_decompression_bomb_stops_at_the_memory_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import zlib

    monkeypatch.setattr(printed_page, "TEXT_MEMORY_BYTES", 48 * 2**20)
    squeeze = zlib.compressobj(1)
    bomb = b"".join(squeeze.compress(b" " * 2**24) for _ in range(8)) + squeeze.flush()  # 128 MiB in ~0.5 MB
    with pytest.raises(InputError, match=r"48 MiB") as caught:
        parse_page(_pdf_with_content(bomb), "bomb.pdf")
    assert "\n" not in str(caught.value)


def test_an_encrypted_pdf_is_refused_with_what_to_do() -> None:
    with pytest.raises(InputError, match="encrypted with a password; save an unprotected copy"):
        read_page(FIXTURES / "encrypted.pdf")


def test_a_truncated_pdf_is_refused_or_read_never_a_crash() -> None:
    data = _blank_pdf(3)
    with pytest.raises(InputError) as caught:
        parse_page(data[: len(data) // 2], "cut.pdf")
    assert "\n" not in str(caught.value) and str(caught.value).startswith("cut.pdf: ")


def test_a_page_without_text_layer_is_refused_without_the_ocr_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr_page, "available", lambda: False)
    with pytest.raises(InputError, match=re.escape(f"needs OCR; install it with {ocr_page.INSTALL_HINT}")):
        parse_page(_blank_pdf(1), "scan.pdf")
    with pytest.raises(InputError, match=re.escape(ocr_page.INSTALL_HINT)):
        parse_page(b"\x89PNG\r\n\x1a\n" + bytes(64), "scan.png")


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("本报讯 记者从县民政局了解到，现在结婚登记的年轻人都喜欢有着特殊寓意的日子。" * 6, False),
        ("\ue000\ue001\ue002" * 20 + "文字", True),
        ("".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(300)), True),
        ("", True),
    ],
)
def test_garbled_text_layers_are_told_from_text(text: str, bad: bool) -> None:
    assert garbled(text) is bad


def test_printed_forms_are_told_by_their_signature() -> None:
    assert (
        is_printed_page(b"%PDF-1.7") and is_printed_page(b"\x89PNG\r\n\x1a\n") and is_printed_page(b"II*\x00")
    )
    assert not is_printed_page("# 标题\n正文".encode())
