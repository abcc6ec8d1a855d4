"""WeChat page: a saved 微信公众号 article (``mp.weixin.qq.com``), read from its own markup.

A saved WeChat article is the same template everywhere: the title in ``og:title`` (or
``#activity-name``, or the script's ``msg_title``), the account in ``#js_name`` (or
``nickname``), and the article in ``#js_content``. Everything else on the page (the account
card 微信号/功能介绍, the 赞/在看/分享 buttons, 微信扫一扫关注该公众号, the 赞赏 panel) is
the app's interface, so only ``#js_content`` is read. General extractors score the card and
buttons as text (measured in docs/input-forms.md), hence this reader.
"""

from __future__ import annotations

import re
from typing import Any

from audiopaper.errors import InputError
from audiopaper.text.page import Block, BlockKind
from audiopaper.text.web_blocks import element_text, region_blocks

TITLE_LEVEL = 2
"""Level of a WeChat article's headline (a web page has no lead story)."""

WITHDRAWN_MARKS = (
    "该内容已被发布者删除",
    "此内容因违规无法查看",
    "该公众号已迁移",
    "此内容被投诉且经审核涉嫌侵权",
)
"""What WeChat prints in place of an article that was deleted, blocked or moved."""

_MARKS = re.compile(r"""id=["']js_content["']""")
_TEMPLATE = re.compile(r"rich_media|mp\.weixin\.qq\.com|var\s+msg_title|js_name")
_SCRIPT_VALUE = r"""var\s+{name}\s*=\s*(?:htmlDecode\()?\s*(["'])(?P<value>(?:(?!\1).){{1,300}})\1"""


def is_wechat(markup: str) -> bool:
    """True for a saved WeChat article page (its ``#js_content`` and the app's template)."""
    return _MARKS.search(markup) is not None and _TEMPLATE.search(markup) is not None


def _script_value(markup: str, name: str) -> str:
    match = re.search(_SCRIPT_VALUE.format(name=name), markup)
    return match.group("value").strip() if match else ""


def _first_text(tree: Any, *xpaths: str) -> str:
    for xpath in xpaths:
        for found in tree.xpath(xpath):
            text = found.strip() if isinstance(found, str) else element_text(found)
            if text:
                return re.sub(r"\s+", " ", text)
    return ""


def wechat_blocks(markup: str, tree: Any, source: str) -> tuple[tuple[Block, ...], tuple[str, ...]]:
    """Blocks of a saved WeChat article (headline, account as byline, body) and notes for the proof.

    Raises :class:`InputError` when the page has neither a body nor a summary to read.
    """
    title = _first_text(
        tree, '//meta[@property="og:title"]/@content', '//*[@id="activity-name"]'
    ) or _script_value(markup, "msg_title")
    account = _first_text(
        tree, '//*[@id="js_name"]', '//*[@id="profileBt"]', '//*[contains(@class, "wx_follow_nickname")]'
    ) or _script_value(markup, "nickname")
    content = tree.xpath('//*[@id="js_content"]')
    body = region_blocks(content[0]) if content else []
    notes: list[str] = [
        "WeChat article: read its #js_content only (account card, buttons, counters left out)"
    ]
    if not any(b.kind is not BlockKind.CODE and re.search(r"\w", b.text) for b in body):
        summary = _first_text(
            tree, '//meta[@property="og:description"]/@content', '//meta[@name="description"]/@content'
        ) or _script_value(markup, "msg_desc")
        withdrawn = next((m for m in WITHDRAWN_MARKS if m in markup), "")
        if withdrawn:
            raise InputError(
                f"{source}: this WeChat article is not there any more (“{withdrawn}”); nothing to read"
            )
        if not summary:
            raise InputError(
                f"{source}: this WeChat page holds no article text (its body is empty); open the "
                "article in a browser, let it load, and save it again"
            )
        notes.append(
            f"the WeChat article's body (#js_content) is missing; read its summary instead: “{summary}”"
        )
        body = [Block(BlockKind.TEXT, summary, 0, 0)]
    blocks = [Block(BlockKind.HEADLINE, title, TITLE_LEVEL, 0)] if title else []
    if account:
        blocks.append(Block(BlockKind.BYLINE, f"微信公众号 {account}", 0, 0))
    return (*blocks, *body), tuple(notes)
