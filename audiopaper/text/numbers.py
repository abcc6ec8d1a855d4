"""Pre-pass rules for numbers in context: years, date ranges, codes, places, per-units, 两/二.

wetext reads a number from its own few characters of context; a presenter reads it from
the sentence. These rules, written by hand because no TN library covers them (see
research/mandarin.md), run before wetext and settle the cases it is measured to get wrong
on news text: years without 年 (titles, parentheses, ranges), dashes after dates and between
places, bus routes and model codes with a dash, money per person and day, 两 before measure
words and 二 in dates, spaces around numbers and Latin words, and full-width digits.
"""

from __future__ import annotations

import re

from audiopaper.text.line_roles import FULL_WIDTH_FOLD
from audiopaper.text.rewrites import Rewrite, rewrites

HAN = "\u4e00-\u9fff"
"""Character class of the common CJK ideographs."""

PLAIN_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")
"""Digits read one by one where 幺 would be odd (years, route and model numbers)."""

PHONE_DIGITS = str.maketrans("0123456789", "零幺二三四五六七八九")
"""Digits of phone numbers, hotlines and codes: 1 is 幺 so it is not heard as 七."""

MEASURE_CHARS = (
    "个人名位元万亿千百十米吨户家辆台件次项条场座所株棵亩份只头匹张本部套间栋幢层级号"
    "克斤升度岁倍批包轮种类余多来天周期届篇笔块片根支把颗粒瓶杯盒袋箱双对枚册页幅首门"
    "道组队架艘列趟季处例宗起圈遍成角分秒点时"
)
"""Characters that make a number before them a count or amount (so never a year or a code)."""

LIANG_MEASURES = (
    "包|次|倍|批|项|轮|届|种|类|台|期|成|角|部|篇|份|笔|场|所|座|栋|幢|块|片|根|支|把|颗|粒|瓶|杯"
    "|盒|袋|箱|双|对|套|枚|本|册|页|幅|首|门|道|组|队|户|家|间|架|艘|列|趟|处|例|宗|起|圈|遍"
    "|张|条|只|头|匹|位|名|人|个|天|周|岁|辆|斤|点(?!\\d)|年(?!级|度)"
)
"""Measure words before which 2 is 两 (2包 → 两包, 每2年 → 每两年, 下午2点 → 两点)."""

_DASH = "[—–\\-－~～]"
_YEAR = "(?:1[89]\\d\\d|20\\d\\d)"
_NOT_A_COUNT = rf"(?![\d.]|\s*[{MEASURE_CHARS}%‰℃]|\s*[A-Za-z])"
_RANGE_OF_COUNTS = "个人名位元万亿千百米吨户家辆台件次项条座所株棵亩份只头张本套克斤升度岁倍批包种余多"
_NOT_A_RANGE_OF_COUNTS = rf"(?![\d.]|\s*[{_RANGE_OF_COUNTS}%‰℃]|\s*[A-Za-z])"

_FULLWIDTH_COLON = re.compile(r"(?<=\d)[：∶](?=\d)")
_SPACE_AROUND_NUMBER_OR_LATIN = re.compile(
    rf"(?<=[{HAN}])[^\S\n]+(?=[0-9A-Za-z¥￥])|(?<=[0-9A-Za-z%℃])[^\S\n]+(?=[{HAN}])"
)

_PLACE_END = "路街道巷弄桥站港头场园村镇乡区县市省口门湾岛山湖江河"

_PER_UNIT_NAMES = {
    "kg": "千克", "g": "克", "mg": "毫克", "μg": "微克", "ug": "微克", "L": "升", "mL": "毫升",
    "ml": "毫升", "m": "米", "km": "公里", "s": "秒", "h": "小时", "min": "分钟", "d": "天",
    "t": "吨", "m²": "平方米", "m³": "立方米", "㎡": "平方米", "mmol": "毫摩尔", "kWh": "千瓦时",
}  # fmt: skip
_LEFT_UNIT_NAMES = _PER_UNIT_NAMES | {"元": "元", "克": "克", "千克": "千克", "公斤": "公斤", "毫克": "毫克"}
_PER_SYMBOL = (
    r"(?<=[\d万亿])\s*("
    + "|".join(re.escape(u) for u in sorted(_LEFT_UNIT_NAMES, key=len, reverse=True))
    + r")((?:/(?:"
    + "|".join(re.escape(u) for u in sorted(_PER_UNIT_NAMES, key=len, reverse=True))
    + r"))+)(?![A-Za-z])"
)
_AMOUNT = rf"\d+(?:\.\d+)?(?:\s*(?:{_DASH}|到|至)\s*\d+(?:\.\d+)?)?\s*[万千百]?元"
_QUALIFIER = "约|超|近|达|仅|共|最高|最低|平均|超过|高达|至少|不超过|不足|大约"
_COUNT_NOUN = "人次|人|天|日|月|年|次|户|件|台|晚|间|小时|周|张|份|位|课时|节|亩|辆|床"

_DURATION_BEFORE = ("为期", "历时", "连续", "用时", "耗时", "仅用", "近", "共", "这", "头", "过去")


def read_plain(digits: str) -> str:
    """Digits one by one without 幺: 620 → 六二零."""
    return digits.translate(PLAIN_DIGITS)


def fold_fullwidth(text: str) -> str:
    """Full-width digits, letters and number marks as ASCII (２０１１－０８－２３ → 2011-08-23)."""
    return _FULLWIDTH_COLON.sub(":", text.translate(FULL_WIDTH_FOLD))


def _code(m: re.Match[str]) -> str:
    """A route or model number with a dash: 620-2 → 六二零杠二 (letters stay for later).

    Two letter groups with no digit (A-B) are not a code: the dash is left to other rules.
    """
    if not re.search(r"\d", m.group(0)):
        return m.group(0)
    return f"{read_plain(m.group(1))}杠{read_plain(m.group(2))}"


def _years_range(m: re.Match[str]) -> str:
    first, last = m.group(1), m.group(2)
    if int(last) <= int(first):
        return m.group(0)
    return f"{read_plain(first)}到{read_plain(last)}"


def _per_symbol(m: re.Match[str]) -> str:
    """5mg/kg → 5毫克每千克: a slash between units is read 每."""
    pers = [_PER_UNIT_NAMES[u] for u in m.group(2).split("/")[1:]]
    return _LEFT_UNIT_NAMES[m.group(1)] + "".join("每" + p for p in pers)


def _money_per(m: re.Match[str]) -> str:
    """20元/人/天 → 每人每天20元, the order a presenter uses; 约20元/人 → 每人约20元."""
    pers = "".join("每" + unit for unit in m.group(3).split("/")[1:])
    return f"{pers}{m.group(1)}{m.group(2)}"


def _two_as_day(m: re.Match[str]) -> str:
    """7月2日 → 7月二日; 为期2日 and 2日内 keep 两."""
    before = m.string[max(0, m.start() - 2) : m.start()]
    within = m.string.startswith("日内", m.end())
    return "两" if within or before.endswith(_DURATION_BEFORE) else "二"


def join_spaced(text: str) -> str:
    """Drop spaces between Chinese and a number or Latin word: they are not pauses."""
    return _SPACE_AROUND_NUMBER_OR_LATIN.sub("", text)


CODE_RULES: tuple[Rewrite, ...] = rewrites(
    (rf"(?<![\d.])([A-Za-z]?\d{{1,4}})\s*{_DASH}\s*(\d{{1,3}})(?=\s*路)", _code),  # routes: 620-2路
    (r"(?<![A-Za-z\d])([A-Z]+\d*[A-Z]*)\s*[-—–－]\s*([A-Z\d]+)(?![A-Za-z\d.])", _code),  # models: CR400-AF
    (r"(?<=[歼运轰直])[-—–－](?=\d)", ""),  # aircraft: 歼-20
)
"""Codes with a dash, before the phone rules can read their digits as a phone number."""

DATE_RULES: tuple[Rewrite, ...] = rewrites(
    (rf"(?<=[年月日号])\s*{_DASH}{{1,2}}\s*(?=\d)", "到"),  # after a date
    (rf"(?<![\d.])({_YEAR})\s*(?:{_DASH}{{1,2}}|至|到)\s*({_YEAR}){_NOT_A_RANGE_OF_COUNTS}", _years_range),
    (rf"(?<=[（(〔［\[])\s*({_YEAR})\s*(?=[）)〕］\]])", lambda m: read_plain(m.group(1))),  # in brackets
    (  # leading a title or phrase
        rf"(?:^|(?<=[《“「『\s]))({_YEAR})(?=[{HAN}A-Za-z])(?!年){_NOT_A_COUNT}",
        lambda m: read_plain(m.group(1)),
    ),
    (rf"(?<![\d.])({_YEAR})(?=版|届|款|级)", lambda m: read_plain(m.group(1))),  # an edition: 2024版
)
"""Years and date ranges: 1994年—2001年 → 到; （2012—2020）, 2010地球一小时 digit by digit."""

PLACE_AND_UNIT_RULES: tuple[Rewrite, ...] = rewrites(
    (  # between places
        rf"(?<=[{_PLACE_END}])\s*[—–\-－~～](?![—–\-－])\s*(?=[{HAN}]{{1,8}}?(?:大道|[{_PLACE_END}]))",
        "至",
    ),
    (  # before a route's kind
        rf"(?<=[{HAN}])\s*[—–\-－](?![—–\-－])\s*(?=[{HAN}]{{1,4}}?(?:高铁|铁路|高速|航线|城际|动车|班车|航班|专线))",
        "至",
    ),
    (_PER_SYMBOL, _per_symbol),
    (rf"(?<![\d.])((?:{_QUALIFIER})?)({_AMOUNT})((?:/(?:{_COUNT_NOUN}))+)", _money_per),
)
"""兰亭路—世纪大道 → 至; 10mg/kg → 毫克每千克; 20元/人/天 → 每人每天20元."""

TWO_RULES: tuple[Rewrite, ...] = rewrites(
    (r"(?<![\d.])2(?=[日号])", _two_as_day),
    (r"(?<![\d.])2(?![\d.])(?=[段级])", "二"),  # a name: 2段, 2级
    (rf"(?<![\d.])2(?![\d.])(?=\s*(?:{LIANG_MEASURES}|(?:到|至)\d+\s*(?:{LIANG_MEASURES})))", "两"),
)
"""两 or 二 by context, after dates, ordinals and codes have taken their digits."""
