"""Forms that hold a list of items (feeds, JSON exports, news-corpus XML) and posts with front matter.

Each fixture is our own writing, with the structure and damage real exports carry: a
channel's own title and blurb, the title repeated as the body's first line, site names
after titles, a keyword list for a description, text decoded wrongly upstream, an unfilled
template, an item listed under two categories, byte-shifted GBK, web markers in titles.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audiopaper.text.changes import ChangeKind
from audiopaper.text.clean import clean_pages
from audiopaper.text.ingest import parse_page, read_page
from audiopaper.text.items import Item, html_lines, item_blocks, strip_site_name
from audiopaper.text.page import BlockKind
from audiopaper.text.script import SpeechOptions, build_script

FORMS = Path(__file__).resolve().parent.parent / "fixtures" / "forms"
K = ChangeKind

CASES = [
    (
        "feed-rss-items.xml",
        "feed",
        ["江城地铁三号线本周六开通试运营", "春季植树活动报名开始", "老城区燃气管道改造完工"],
        {K.MARKUP, K.TITLE_ONLY},
        ["江城发布", "镜像订阅", "官方发布平台", "track"],
    ),
    (
        "feed-atom.xml",
        "feed",
        ["市民服务中心延长周末办事时间", "滨江步道新增二十处休息座椅"],
        set(),
        ["青梅日报"],
    ),
    (
        "json-newsapi.json",
        "json",
        [
            "江城举办第三届读书节活动吸引万人参与",
            "河北新建三百个乡村快递服务站",
            "南湖公园樱花进入盛花期",
            "俄罗斯等四国将举行“边界-2025”联合演习",
        ],
        {K.FURNITURE, K.DROPPED, K.TITLE_ONLY},
        ["江城新闻网", "河北日报新闻", "新浪网", "abstract", "\ufffd", "---"],
    ),
    (
        "json-wordpress.json",
        "json",
        ["社区食堂推出“老人套餐”", "旧厂房变身文化创意园"],
        set(),
        ["rendered", "&#8220;", "<p>"],
    ),
    (
        "json-categories.json",
        "json",
        ["全市中小学春季开学", "高铁新站启用", "自来水厂检修周末停水"],
        {K.DUPLICATE_REMOVED},
        ["今日热点", "民生追踪", "示例快讯", "\u200b"],
    ),
    (
        "json-collector.json",
        "json",
        ["春运返程客流进入高峰", "新建口袋公园向市民开放", "图书馆推出夜间借阅服务"],
        {K.FURNITURE, K.MARKUP, K.TITLE_ONLY},
        ["示例新闻网", "example", "Return travel", "要闻"],
    ),
    (
        "newscorpus-gbk.txt",
        "news-corpus",
        ["江城新建12座口袋公园 市民家门口有了好去处", "农机手忙春耕"],
        {K.REPAIRED, K.FURNITURE, K.DROPPED},
        ["Ｊ性傲志", "浇用裢", "组图", "关注春耕", "春季招聘会", "docno", "a1b2c3"],
    ),
    (
        "post-yaml-subheads.md",
        "post",
        ["古镇老街的第一家书店开张了"],
        set(),
        ["layout", "image_feature", "img.example.org", "---", "**", "figcaption", "本文转自", "水印"],
    ),
    ("post-toml.md", "post", ["河道清淤工程进入收尾阶段"], set(), ["水利", "+++", "*"]),
    ("plain-no-headline.txt", "plain", ["城东敬老院迎来了一群特别的客人"], {K.UNTITLED}, []),
    ("plain-c1-quotes.txt", "plain", ["社区图书角开放"], {K.REPAIRED}, ["\x93", "\x94"]),
    (
        "list-dump.txt",
        "list-dump",
        ["老城区三条背街小巷完成改造"],
        {K.FURNITURE, K.DROPPED},
        ["[]", "\\r\\n", "\\u3000", "来源", "游泳安全", "夜间开放"],
    ),
    (
        "plain-latin-originals.txt",
        "plain",
        ["登月老人回母校演讲"],
        {K.ORIGINAL_NAME},
        ["Buzz", "Aldrin", "New York", "NASA"],
    ),
]


@pytest.mark.parametrize(("name", "form", "titles", "kinds", "unheard"), CASES, ids=[c[0] for c in CASES])
def test_each_item_is_one_article_and_nothing_else_is_read(
    name: str, form: str, titles: list[str], kinds: set[ChangeKind], unheard: list[str]
) -> None:
    page = read_page(FORMS / name)
    assert page.form == form
    result = clean_pages([page])
    assert [a.title for a in result.articles] == titles
    assert kinds <= {c.kind for c in result.changes}
    script = build_script(result.articles, SpeechOptions(spell_letters=True))
    read = "\n".join([a.title for a in result.articles] + [p for a in result.articles for p in a.paragraphs])
    assert [word for word in unheard if word in read] == []
    spoken = [s.spoken for item in script.articles for s in item.sentences]
    assert not any("http" in s or "艾取提提批" in s for s in spoken)


def test_sub_heads_of_a_post_are_its_own_not_new_articles() -> None:
    result = clean_pages([read_page(FORMS / "post-yaml-subheads.md")])
    paragraphs = result.articles[0].paragraphs
    assert "为什么要开书店？" in paragraphs and "开张第一天" in paragraphs
    assert "书店里的读书角" in paragraphs


def test_shifted_gbk_is_read_again_and_the_lost_character_listed() -> None:
    result = clean_pages([read_page(FORMS / "newscorpus-gbk.txt")])
    paragraphs = result.articles[0].paragraphs
    assert paragraphs[1] == "市园林局负责人说：袋公园见缝插绿，方便市民就近休闲。据介绍，明年还将再建20座。"
    assert paragraphs[2].startswith("附近居民王阿说，")
    repaired = [c.detail for c in result.changes if c.kind is K.REPAIRED]
    assert len(repaired) == 2 and all("one character lost" in d for d in repaired)


@pytest.mark.parametrize(
    ("title", "site", "expected", "cut"),
    [
        (
            "澳媒文章：项目造福当地不容置疑-中新网 - 中国新闻网",
            "",
            "澳媒文章：项目造福当地不容置疑",
            ["中新网", "中国新闻网"],
        ),
        (
            "红色足迹之江西篇_习近平_新闻中心 - 沈阳网",
            "",
            "红色足迹之江西篇",
            ["习近平", "新闻中心", "沈阳网"],
        ),
        (
            "美国复苏可能会前所未见 - RFI - 法国国际广播电台",
            "",
            "美国复苏可能会前所未见",
            ["RFI", "法国国际广播电台"],
        ),
        ("四国将举行“边界-2018”联合军演", "", "四国将举行“边界-2018”联合军演", []),
        ("瞭望| 新西藏社会经济发展三次飞跃", "", "瞭望| 新西藏社会经济发展三次飞跃", []),
        ("斗鱼发布一季度财报：月活达1.92亿", "", "斗鱼发布一季度财报：月活达1.92亿", []),
        (
            "市民服务中心延长办事时间 Example News",
            "Example News",
            "市民服务中心延长办事时间",
            ["Example News"],
        ),
        ("短-新闻网", "", "短-新闻网", []),
    ],
)
def test_site_names_after_a_title_are_cut(title: str, site: str, expected: str, cut: list[str]) -> None:
    assert strip_site_name(title, site) == (expected, cut)


def test_html_bodies_split_at_blocks_and_line_breaks_without_scripts() -> None:
    lines = html_lines("<p>第一段。<br>第二行。</p><h2>小标题</h2><script>x()</script><div>末段。</div>")
    assert lines == [
        (BlockKind.TEXT, "第一段。"),
        (BlockKind.TEXT, "第二行。"),
        (BlockKind.SUBHEAD, "小标题"),
        (BlockKind.TEXT, "末段。"),
    ]


def test_an_item_without_a_title_is_not_lost() -> None:
    changes: list[ChangeKind] = []
    blocks = item_blocks([Item(title="", body="<p>只有正文的条目。</p>")], [])
    assert [b.text for b in blocks] == ["只有正文的条目。"] and changes == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
            "feed has no items",
        ),
        (b'{"status": "ok", "totalResults": 0, "articles": []}', "JSON holds no articles"),
    ],
)
def test_an_empty_feed_or_export_is_refused_in_its_own_words(data: bytes, message: str) -> None:
    from audiopaper.errors import InputError

    with pytest.raises(InputError, match=message):
        parse_page(data, "page", ".xml")


def test_paragraphs_and_list_items_of_a_post_stay_apart() -> None:
    paragraphs = clean_pages([read_page(FORMS / "post-toml.md")]).articles[0].paragraphs
    assert paragraphs[-3:] == ("工程完工后的三项变化", "河道拓宽到二十米", "两岸新建步道")
