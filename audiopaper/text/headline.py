"""Headline: which text of a saved web page is the article's headline.

No extractor gets this right on Chinese pages (measured in docs/input-forms.md): a page's
``<h1>`` is often the site's logo or empty, sidebars set their own headings (热点搜索,
其他人也在看) in ``<h2>``/``<h3>``, and ``<title>`` carries the site's name (``_新浪新闻``,
``-新华网``, or after a space). So the headline is chosen by our rule among candidates:
``og:title``, the article's ``<h1>``, elements styled as a title (``class="title"``,
``h-title``), the heading nearest before or first inside the body region, and ``<title>``
without the site's name. A candidate the page's ``<title>`` confirms (its words are part
of the ``<title>``) wins, the longest first; a sidebar's heading never is part of the
``<title>``. Only when nothing is confirmed (a ``<title>`` that is only the site's name) do
the heading nearest the body, ``<h1>``, ``og:title``, ``<title>`` without the site's name,
and then a styled title count. A breadcrumb or other furniture line styled as a heading is never one.
"""

from __future__ import annotations

import re
from typing import Any

from audiopaper.text.furniture import furniture_rules
from audiopaper.text.line_roles import CJK, fold_full_width
from audiopaper.text.web_blocks import element_text

MIN_HEADLINE_HAN = 4
"""A headline has at least this many Chinese characters (fewer: a logo or section name)."""

MIN_TITLE_HAN = 6
"""A ``<title>`` segment or an unconfirmed heading needs this many Chinese characters to be a
headline (shorter ones are page names: 新闻中心, 商品销售)."""

MAX_HEADLINE_CHARS = 120
"""A heading longer than this is a paragraph styled large, not a headline."""

MAX_SITE_CHARS = 24
"""A site's name in a ``<title>`` is at most this long (新浪新闻, 中国载人航天官方网站)."""

_MENU_ANCESTORS = frozenset({"a", "li", "nav", "footer", "aside", "option", "button"})
_TITLE_CLASS = re.compile(r"title|headline|biaoti|^tit$|^bt$", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:_+|\||｜| - |(?<!\d)-+|-+(?!\d)|–| — )\s*")
_DASHES = re.compile(r"[-_|｜–—―]+")
_FURNITURE_TAIL = re.compile(r"\s*(?:来源|发布时间|发布人|作者|时间|日期)[:：][\s\S]*$")


def _han(text: str) -> int:
    return len(re.findall(r"[" + CJK + r"]", text))


def _key(text: str) -> str:
    """Text as compared with the ``<title>``: full width folded, no spaces, dashes alike."""
    return _DASHES.sub("-", re.sub(r"\s+", "", fold_full_width(text)))


def _is_furniture(text: str) -> bool:
    """A breadcrumb (首页 > 时政新闻 > …) or another furniture line styled as a heading."""
    return furniture_rules().line_rule(text) is not None


def _in_menu(element: Any) -> bool:
    """Inside a link, list, navigation or the page's header (an article's own ``<header>`` is not)."""
    ancestors = [a.tag for a in element.iterancestors()]
    if any(tag in _MENU_ANCESTORS for tag in ancestors):
        return True
    if "header" in ancestors:
        return not any(tag in ("article", "main") for tag in ancestors[ancestors.index("header") :])
    return False


def _heading_text(element: Any) -> str:
    """A heading's words: a source or date line glued on (``…调研来源：中国石化报``) is cut."""
    whole = element_text(element)
    return _FURNITURE_TAIL.sub("", whole).strip()


def _is_heading(element: Any) -> bool:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in ("h1", "h2", "h3"):
        return True
    marks = f"{element.get('class') or ''} {element.get('id') or ''}".split()
    return tag in ("div", "p", "span", "td", "strong", "b") and any(_TITLE_CLASS.search(m) for m in marks)


def _headings(tree: Any) -> list[Any]:
    return [e for e in tree.iter() if _is_heading(e) and not _in_menu(e)]


def glued_tail(tree: Any, headline: str) -> str:
    """A source or date line glued to the headline's element (``来源：… 发布时间：…``), or ``""``."""
    for element in _headings(tree):
        whole = element_text(element)
        if whole.startswith(headline) and whole != headline and _FURNITURE_TAIL.match(whole[len(headline) :]):
            return whole[len(headline) :].strip()
    return ""


def page_title(tree: Any) -> str:
    """The text of the page's ``<title>``."""
    titles = [element_text(e) for e in tree.iter("title")]
    return next((t for t in titles if t), "")


def title_without_site(title: str) -> str:
    """``<title>`` without the site's name: its first segment long enough to be a headline."""
    parts = [p.strip() for p in _SEPARATOR.split(title) if p.strip()]
    named = [p for p in parts if _han(p) >= MIN_TITLE_HAN]
    return named[0] if named else ""


def _near_region(region: Any) -> list[str]:
    """The heading nearest before the body region, then the first one inside it."""
    before: str = ""
    for element in region.getroottree().getroot().iter():
        if element is region:
            break
        if _is_heading(element) and not _in_menu(element) and _han(_heading_text(element)) >= MIN_TITLE_HAN:
            before = _heading_text(element)
    inside = [
        _heading_text(e) for e in region.iter("h1", "h2", "h3") if _han(_heading_text(e)) >= MIN_TITLE_HAN
    ]
    return [t for t in (before, *inside[:1]) if t]


def _strip_site(text: str, title: str) -> str:
    """Cut the site's name and section names (the ``<title>``'s later segments) off a candidate.

    Only short segments are names (``_经济_宏观频道首页_财经网``), and only while a headline
    is left before them.
    """
    parts = [p.strip() for p in _SEPARATOR.split(title) if p.strip()]
    for name in reversed(parts[1:]):
        if len(name) > MAX_SITE_CHARS or not text.endswith(name) or len(text) == len(name):
            continue
        if text[-len(name) - 1] not in "-_|｜– ":
            break  # joined by ——, or run on: a subtitle, not a site's segment
        rest = text[: -len(name)].rstrip(" -_|｜–—")
        if _han(rest) < MIN_HEADLINE_HAN:
            break
        text = rest
    return text


def find_headline(tree: Any, region: Any = None) -> str | None:
    """The page's headline by the rule in the module docstring, or ``None`` if it has none.

    ``region`` is the body region the extractor chose (an element of its own tree), when
    there is one: the heading nearest it is the unconfirmed headline's first choice.
    """
    if tree is None:
        return None
    title = page_title(tree)
    og = [str(c).strip() for c in tree.xpath('//meta[@property="og:title"]/@content') if str(c).strip()]
    h1 = [_heading_text(e) for e in tree.iter("h1") if not _in_menu(e)]
    styled = [_heading_text(e) for e in _headings(tree)]
    near = _near_region(region) if region is not None else []
    candidates = [
        _strip_site(c, title)
        for c in (*og, *h1, *near, *styled)
        if _han(c) >= MIN_HEADLINE_HAN and len(c) <= MAX_HEADLINE_CHARS and not _is_furniture(c)
    ]
    title_key = _key(title)
    confirmed = [c for c in candidates if _key(c) in title_key]
    if confirmed:
        return max(confirmed, key=len)
    for choice in (*near, *h1, *og, title_without_site(title), *styled):
        if _han(choice) >= MIN_TITLE_HAN and len(choice) <= MAX_HEADLINE_CHARS and not _is_furniture(choice):
            return choice
    return None
