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

from audiopaper.errors import InputError
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
        "wechat-article.html",
        "wechat",
        ["河西：十二支志愿服务队受到表彰"],
        {K.READING, K.FURNITURE, K.MARKUP, K.REPEATED_SENTENCE},
    ),
    ("wechat-no-body.html", "wechat", ["东湖春季花展开幕"], {K.READING}),
    (
        "html-gazette-links.html",
        "html",
        ["南川市人民代表大会常务委员会 关于批准南川市二〇二四年市级预算 调整方案的决议"],
        {K.READING},
    ),
    ("html-site-title.html", "html", ["隔夜的白开水真的不能喝吗？"], {K.FURNITURE}),
    ("html-tc-sidebar.html", "html", ["港隊接力奪亞運銅牌 刷新香港紀錄"], {K.READING}),
    (
        "html-portal-furniture.html",
        "html",
        ["江城灯会今晚亮灯 十万市民赏灯过元宵"],
        {K.DATELINE, K.PHOTO_CREDIT, K.SOURCE_CREDIT, K.FURNITURE, K.REPEATED_SENTENCE},
    ),
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
    body = tree.xpath('//*[@id="article-body" or @id="js_content"]')
    return "\n".join("".join(node.itertext()) for node in body)


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


def spoken_text(path: Path) -> str:
    _, script = script_of(path)
    return "\n".join(
        [item.title_spoken for item in script.articles]
        + [s.text for item in script.articles for s in item.sentences]
    )


def test_wechat_article_reads_its_body_not_the_app() -> None:
    result, _ = script_of(FORMS / "wechat-article.html")
    assert result.articles[0].byline == "微信公众号 掌上河西"
    heard = spoken_text(FORMS / "wechat-article.html")
    app = [
        "微信号",
        "功能介绍",
        "关注该公众号",
        "轻点两下取消赞",
        "已发送",
        "发送中",
        "赞赏",
        "预览时标签不可点",
        "推荐阅读",
    ]
    assert [word for word in app if word in heard] == []
    assert "每一支服务队都要建立自己的服务台账" in heard  # a list item nested in a <section>
    assert any(c.kind is K.MARKUP and "print(team.name)" in c.detail for c in result.changes)


def test_wechat_page_without_a_body_is_read_from_its_summary_and_says_so() -> None:
    result, _ = script_of(FORMS / "wechat-no-body.html")
    assert result.articles[0].paragraphs == (
        "东湖春季花展今天开幕，三十万株郁金香迎来盛花期，花展持续到四月底。",
    )
    assert any("body (#js_content) is missing" in c.detail for c in result.changes)


def test_wechat_page_with_neither_body_nor_summary_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    markup = (FORMS / "wechat-no-body.html").read_text(encoding="utf-8")
    page.write_text(re.sub(r'<meta property="og:description"[^>]*>', "", markup), encoding="utf-8")
    with pytest.raises(InputError, match="this WeChat page holds no article text"):
        read_page(page)


def test_web_furniture_and_other_stories_are_not_heard() -> None:
    heard = spoken_text(FORMS / "html-tc-sidebar.html") + spoken_text(FORMS / "html-portal-furniture.html")
    furniture = [
        "其他人也在看",
        "熱門新聞",
        "天文台",
        "閱讀整篇文章",
        "為什麼顯示",
        "摄",
        "供图",
        "总台记者",
        "出品",
        "编辑",
        "微博",
    ]
    assert [word for word in furniture if word in heard] == []
    assert heard.count("灯会现场流光溢彩") == 1  # a gallery's repeated caption is read once


def test_a_passage_note_in_brackets_stays_its_own_sentence() -> None:
    result, _ = script_of(FORMS / "html-gazette-links.html")
    assert (
        result.articles[0].paragraphs[0]
        == "（2024年8月28日南川市第九届人民代表大会常务委员会第二十一次会议通过）"
    )


def test_a_withdrawn_wechat_article_is_refused_as_such(tmp_path: Path) -> None:
    page = tmp_path / "gone.html"
    markup = (FORMS / "wechat-no-body.html").read_text(encoding="utf-8")
    markup = re.sub(r'<meta property="og:description"[^>]*>', "", markup)
    page.write_text(
        markup.replace("</body>", "<p class='weui-msg__title'>该内容已被发布者删除</p></body>"),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="not there any more"):
        read_page(page)
