"""Tests for audiopaper.audio.timeline: exact times from frame counts, no audio involved."""

from __future__ import annotations

import pytest

from audiopaper.audio.timeline import CLOSING_TITLE, OPENING_TITLE, Placement, lay_out
from audiopaper.audio.xing import SAMPLES_PER_FRAME
from audiopaper.text.clean import Article
from audiopaper.text.script import ArticleScript, SpeechOptions, build_script

MP3_RATE_HZ = 48_000
ENGINE_RATE_HZ = 24_000
FRAME_S = SAMPLES_PER_FRAME / MP3_RATE_HZ


def scripts() -> tuple[ArticleScript, ...]:
    articles = [
        Article("河边新修步道", "记者 王一", ("步道全长三公里。晚上散步的人多了。",)),
        Article("社区开设手机课堂", None, ("每周两次。",)),
    ]
    return build_script(articles, SpeechOptions(spell_letters=True)).articles


def body(script: ArticleScript, frames: int) -> Placement:
    texts = (script.title_spoken, *(s.spoken for s in script.sentences))
    lines = tuple((i * 24_000, i * 24_000 + 12_000) for i in range(len(texts)))
    return Placement(frames, lines, texts)


def test_times_come_from_frames_and_samples() -> None:
    first, second = scripts()
    opening = Placement(100, ((0, 24_000),), ("欢迎收听。",))
    announce = Placement(50, ((24_000, 48_000),), ("第一篇。",))
    closing = Placement(40, ((24_000, 36_000),), ("再见。",), unused_samples=1_000)
    timeline = lay_out(
        [opening],
        [(first, announce, body(first, 200)), (second, announce, body(second, 80))],
        closing,
        engine_rate_hz=ENGINE_RATE_HZ,
        mp3_rate_hz=MP3_RATE_HZ,
        article_gap_s=0.5,
    )
    assert timeline.duration_s == pytest.approx(
        (100 + 50 + 200 + 50 + 80 + 40) * FRAME_S - 1_000 / MP3_RATE_HZ
    )
    one, two = timeline.articles
    assert (one.index, one.title, one.byline) == (1, "河边新修步道", "记者 王一")
    assert one.start_s == pytest.approx(100 * FRAME_S + 0.5)
    assert one.end_s == pytest.approx(two.start_s)
    assert two.start_s == pytest.approx((100 + 50 + 200) * FRAME_S + 0.5)
    assert two.end_s == pytest.approx((100 + 50 + 200 + 50 + 80) * FRAME_S + 0.5)
    body_start = (100 + 50) * FRAME_S  # gapless: a segment's audio starts at its first frame
    assert [t for s in one.sentences for t in (s.start_s, s.end_s)] == pytest.approx(
        [body_start + 1.0, body_start + 1.5, body_start + 2.0, body_start + 2.5]
    )
    assert [c.text for c in timeline.cues][:3] == ["欢迎收听。", "第一篇。", first.title_spoken]
    assert timeline.cues[0].start_s == 0.0
    assert timeline.opening is not None and timeline.closing is not None
    assert (timeline.opening.title, timeline.opening.start_s) == (OPENING_TITLE, 0.0)
    assert timeline.opening.end_s == pytest.approx(one.start_s)
    assert timeline.closing.title == CLOSING_TITLE
    assert timeline.closing.start_s == pytest.approx(two.end_s)
    assert timeline.closing.end_s == pytest.approx(timeline.duration_s)


def test_no_articles_still_lays_out_the_frame() -> None:
    timeline = lay_out(
        [Placement(10, (), ())],
        [],
        Placement(5, (), ()),
        engine_rate_hz=ENGINE_RATE_HZ,
        mp3_rate_hz=MP3_RATE_HZ,
        article_gap_s=0.5,
    )
    assert timeline.articles == () and timeline.cues == ()
    assert timeline.duration_s == pytest.approx(15 * FRAME_S)


def test_a_line_count_mismatch_is_refused() -> None:
    (first, _) = scripts()
    with pytest.raises(ValueError):
        lay_out(
            [],
            [(first, Placement(1, (), ()), Placement(10, ((0, 1),), ("only one",)))],
            Placement(1, (), ()),
            engine_rate_hz=ENGINE_RATE_HZ,
            mp3_rate_hz=MP3_RATE_HZ,
            article_gap_s=0.0,
        )
