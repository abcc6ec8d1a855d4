"""Headline: the rule that picks a web page's headline among its candidates."""

from __future__ import annotations

import lxml.html
import pytest

from audiopaper.text.headline import find_headline, glued_tail, title_without_site


def page(head: str, body: str) -> str:
    return f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


ARTICLE = "<div id='body'><p>全市今年新建口袋公园三十座，市民出门五分钟就能走进绿地。</p></div>"

CASES = [
    (
        "og:title",
        page(
            "<meta property='og:title' content='口袋公园遍布全城'><title>口袋公园遍布全城_城市网</title>",
            ARTICLE,
        ),
        "口袋公园遍布全城",
    ),
    (
        "a sidebar heading never wins over the heading <title> confirms",
        page(
            "<title>港隊接力奪亞運銅牌 刷新香港紀錄 - 新聞網</title>",
            "<div class='side'><h2>熱門新聞排行榜今日最多人閱讀</h2></div><h1>港隊接力奪亞運銅牌 刷新香港紀錄</h1>"
            + ARTICLE,
        ),
        "港隊接力奪亞運銅牌 刷新香港紀錄",
    ),
    (
        "site name after a space, headline in a div styled as a title",
        page(
            "<title>【不忘初心】我院举办中药知识技能大赛 南城中医院</title>",
            "<div class='title'>【不忘初心】我院举办中药知识技能大赛</div>" + ARTICLE,
        ),
        "【不忘初心】我院举办中药知识技能大赛",
    ),
    (
        "a <title> that is only the site's name",
        page(
            "<title>科普天地-辟谣文章</title>",
            "<div class='rumor-title'>隔夜的白开水真的不能喝吗？</div>" + ARTICLE,
        ),
        "隔夜的白开水真的不能喝吗？",
    ),
    (
        "an empty <h1>, the headline in a div",
        page(
            "<title>法国全国大罢工再次严重影响交通-新华网</title>",
            "<h1></h1><div class='h-title'>法国全国大罢工再次严重影响交通</div>" + ARTICLE,
        ),
        "法国全国大罢工再次严重影响交通",
    ),
    (
        "the site's logo in <h1>",
        page(
            "<title>被控受贿超5亿 原主席受审|山东省|青岛市_新浪新闻</title>",
            "<h1>新闻中心</h1><h1>被控受贿超5亿 原主席受审</h1>" + ARTICLE,
        ),
        "被控受贿超5亿 原主席受审",
    ),
    (
        "a month range is not a site separator",
        page("<title>1-10月德清县固定资产投资结构趋稳趋优</title>", ARTICLE),
        "1-10月德清县固定资产投资结构趋稳趋优",
    ),
    (
        "a breadcrumb is never the headline",
        page(
            "<title>江门七旬阿婆被骗上百万 警方端掉电诈团伙</title>",
            "<div class='title'>首页 > 时政新闻 > 江门七旬阿婆被骗上百万</div>" + ARTICLE,
        ),
        "江门七旬阿婆被骗上百万 警方端掉电诈团伙",
    ),
    (
        "a dash inside the headline is kept",
        page(
            "<title>积极因素不断增多 动能增强-前4个月外贸向好-今日头条</title>",
            "<h1>积极因素不断增多 动能增强——前4个月外贸向好</h1>" + ARTICLE,
        ),
        "积极因素不断增多 动能增强——前4个月外贸向好",
    ),
]


@pytest.mark.parametrize(("case", "markup", "headline"), CASES, ids=[c[0] for c in CASES])
def test_headline(case: str, markup: str, headline: str) -> None:
    assert find_headline(lxml.html.fromstring(markup)) == headline


def test_no_headline_on_a_page_with_none() -> None:
    assert find_headline(lxml.html.fromstring(page("<title>首页</title>", ARTICLE))) is None


def test_a_source_line_glued_to_the_headline_is_cut_and_kept() -> None:
    tree = lxml.html.fromstring(
        page(
            "<title>关于我们</title>",
            "<h3 class='art-title'>南岭水厂完成扩建<span>来源：南岭日报</span></h3>",
        )
    )
    assert find_headline(tree) == "南岭水厂完成扩建"
    assert glued_tail(tree, "南岭水厂完成扩建") == "来源：南岭日报"


@pytest.mark.parametrize(
    ("title", "headline"),
    [
        ("外媒眼中的武汉长假：蓬勃发展_首页武汉_新闻中心_长江网", "外媒眼中的武汉长假：蓬勃发展"),
        ("科普中国-辟谣文章", ""),
        (
            "天宫一号与神舟九号载人交会对接任务第二场新闻发布会_中国载人航天官方网站",
            "天宫一号与神舟九号载人交会对接任务第二场新闻发布会",
        ),
    ],
)
def test_title_without_site(title: str, headline: str) -> None:
    assert title_without_site(title) == headline
