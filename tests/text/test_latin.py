"""Latin originals in brackets after a Chinese name are not read (a presenter reads the name)."""

from __future__ import annotations

import pytest

from audiopaper.text.latin import drop_bracketed_originals


@pytest.mark.parametrize(
    ("text", "expected", "removed"),
    [
        ("巴兹·奥尔德林（Buzz Aldrin）是第二个", "巴兹·奥尔德林是第二个", ["Buzz Aldrin"]),
        ("国际教科文组织(UNESCO)特聘", "国际教科文组织特聘", ["UNESCO"]),
        ("《纽约时报》（The New York Times）报道", "《纽约时报》报道", ["The New York Times"]),
        ("新冠肺炎（COVID-19）疫情", "新冠肺炎疫情", ["COVID-19"]),
        ("采用5G（fifth generation）", "采用5G（fifth generation）", []),  # not after a Chinese name
        ("方案（A）胜出", "方案（A）胜出", []),  # a label, not a name
        ("CEO（首席执行官）", "CEO（首席执行官）", []),
        ("他说（笑）", "他说（笑）", []),
    ],
)
def test_bracketed_latin_originals_go(text: str, expected: str, removed: list[str]) -> None:
    assert drop_bracketed_originals(text) == (expected, removed)
