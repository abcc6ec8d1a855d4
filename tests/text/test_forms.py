"""Every input form a newsroom has, on fixtures of our own with the damage real pages carry.

For each fixture: it is accepted, its articles and titles are as expected, nothing is lost
(every run of 4+ Chinese characters in the body reaches the script or the proof), no
markup, code or furniture is spoken, and no sentence is spoken twice.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from audiopaper.text.changes import ChangeKind
from audiopaper.text.clean import CleanResult, clean_pages
from audiopaper.text.ingest import read_page
from audiopaper.text.script import Script, SpeechOptions, build_script
from tests.conftest import assert_user_error

FORMS = Path(__file__).resolve().parent.parent / "fixtures" / "forms"

K = ChangeKind
CASES = [
    (
        "plain-untitled-subheads.txt",
        "plain",
        ["城东街道的社区食堂正式开张"],
        {K.SOURCE_CREDIT, K.UNTITLED, K.DATELINE},
    ),
    ("plain-comment-headline.txt", "plain", ["老街改造后迎来首批游客"], {K.DATELINE}),
    (
        "markdown-damage.md",
        "markdown",
        ["湿地公园春季观鸟季开幕", "本周天气", "市图书馆少儿阅览室完成改造"],
        {
            K.FOLDED,
            K.REPEATED_SENTENCE,
            K.PHOTO_CREDIT,
            K.SOURCE_CREDIT,
            K.FIGURES,
            K.SPLIT,
            K.FURNITURE,
            K.UNTITLED,
        },
    ),
    ("html-jsp-article.html", "html", ["南岭水厂完成扩建并投入运行"], {K.FURNITURE, K.DATELINE}),
    ("html-gb2312-fullwidth.html", "html", ["旧城区加装电梯进入快车道"], {K.FOLDED, K.FIGURES}),
    ("html-aspx-untitled.html", "html", ["新学期第一天"], {K.SOURCE_CREDIT, K.UNTITLED, K.DATELINE}),
    (
        "epaper-article.html",
        "epaper-article",
        ["江心岛生态步道全线贯通 全长十二公里 串起五处湿地"],
        {K.DATELINE},
    ),
]

HAN_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")
SPOKEN_MARKUP = re.compile(
    r"[A-Za-z<>{}=@#$]|来源[:：]|发布时间|发布人|责任编辑|编发|校对|打印|关闭|您的位置|首页|新闻中心"
)
"""What must never reach the voice: tags, code, template text, web furniture."""


def script_of(path: Path) -> tuple[CleanResult, Script]:
    result = clean_pages([read_page(path)])
    return result, build_script(result.articles, SpeechOptions(spell_letters=True))


def body_text(path: Path) -> str:
    """The fixture's article text: the element marked ``article-body`` in HTML, else the file."""
    data = path.read_bytes()
    if path.suffix != ".html":
        return data.decode("utf-8")
    tree = lxml_html.fromstring(data)
    return "\n".join("".join(node.itertext()) for node in tree.xpath('//*[@id="article-body"]'))


def reached(result: CleanResult, script: Script) -> str:
    """Everything the script speaks or the proof lists, as one text."""
    parts = [a.title for a in result.articles] + [a.byline or "" for a in result.articles]
    parts += [s.text for item in script.articles for s in item.sentences]
    parts += [c.detail + "\n" + c.text for c in result.changes]
    return "\n".join(parts)


@pytest.mark.parametrize(("name", "form", "titles", "kinds"), CASES, ids=[c[0] for c in CASES])
def test_fixture_is_read_in_full(name: str, form: str, titles: list[str], kinds: set[ChangeKind]) -> None:
    path = FORMS / name
    assert read_page(path).form == form
    result, script = script_of(path)
    assert [a.title for a in result.articles] == titles
    assert kinds <= {c.kind for c in result.changes}
    everything = reached(result, script)
    lost = [run for run in HAN_RUN.findall(body_text(path)) if run not in everything]
    assert lost == []
    spoken = [s.text for item in script.articles for s in item.sentences]
    assert [s for s in spoken if SPOKEN_MARKUP.search(s)] == []
    spoken_forms = [item.title_spoken for item in script.articles] + [
        s.spoken for item in script.articles for s in item.sentences
    ]
    assert len(spoken_forms) == len(set(spoken_forms))


def test_sub_heads_stay_their_own_sentence() -> None:
    result, _ = script_of(FORMS / "plain-untitled-subheads.txt")
    paragraphs = result.articles[0].paragraphs
    assert "饭菜价格实惠" in paragraphs and "送餐服务上门" in paragraphs
    assert not any(c.kind is K.JOINED for c in result.changes)


def test_caption_read_once_without_its_credit_and_kicker_apart() -> None:
    result, _ = script_of(FORMS / "markdown-damage.md")
    paragraphs = result.articles[0].paragraphs
    assert "图为观鸟爱好者在湖边架起望远镜。" in paragraphs
    assert "——专家提醒——" in paragraphs
    assert "".join(paragraphs).count("望远镜") == 1


def test_full_width_is_folded_before_normalization() -> None:
    _, script = script_of(FORMS / "html-gb2312-fullwidth.html")
    first = script.articles[0].sentences[0]
    assert "43.75%" in first.text
    assert "百分之四十三点七五" in first.spoken
    assert read_page(FORMS / "html-gb2312-fullwidth.html").encoding == "gb18030"


def test_byline_from_a_dateline_keeps_its_spaces() -> None:
    result, _ = script_of(FORMS / "plain-untitled-subheads.txt")
    assert result.articles[0].byline == "记者 林一 通讯员 周二"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("epaper-layout.html", "e-paper layout page"),
        ("html-no-article.html", "this web page holds no article text: save the article's own page"),
    ],
)
def test_pages_with_no_article_text_end_in_one_line(name: str, message: str) -> None:
    from typer.testing import CliRunner

    from audiopaper.cli import app

    assert_user_error(CliRunner().invoke(app, ["script", str(FORMS / name)]), message)
