"""Tests for audiopaper.profiles: loading and validating listening profiles."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiopaper.errors import ProfileError
from audiopaper.profiles import available_profiles, load_profile


def test_shipped_profiles() -> None:
    assert {"standard", "elder"} <= set(available_profiles())
    standard, elder = load_profile("standard"), load_profile("elder")
    assert elder.offline_speed < standard.offline_speed
    assert elder.pauses.sentence_ms > standard.pauses.sentence_ms
    assert elder.pauses.article_ms > standard.pauses.article_ms
    assert elder.repeat_key_facts and not standard.repeat_key_facts
    assert (standard.mp3_bitrate_kbps, standard.mp3_sample_rate_hz) == (96, 44_100)


def test_lexicon_is_not_a_profile() -> None:
    assert "lexicon" not in available_profiles()


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[pauses]\nsentence_ms = 300\n", "paragraph_ms"),
        ("[pauses]\nsentence_ms=1\nparagraph_ms=1\ntitle_ms=1\narticle_ms=-5\n", "article_ms"),
        (
            "colour = 'red'\n[pauses]\nsentence_ms=1\nparagraph_ms=1\ntitle_ms=1\narticle_ms=1\n",
            "unknown keys",
        ),
        (
            "[offline]\nspeed = 5\n[pauses]\nsentence_ms=1\nparagraph_ms=1\ntitle_ms=1\narticle_ms=1\n",
            "speed",
        ),
        (
            "[audio]\nbitrate_kbps = 100\n[pauses]\nsentence_ms=1\nparagraph_ms=1\ntitle_ms=1\narticle_ms=1\n",
            "bitrate",
        ),
        (
            "[audio]\nsample_rate_hz = 24000\n[pauses]\nsentence_ms=1\nparagraph_ms=1\ntitle_ms=1\narticle_ms=1\n",
            "sample_rate_hz must be one of",
        ),
        (
            "[offline]\nvoice = 'xiaoyu'\n[pauses]\nsentence_ms=1\nparagraph_ms=1\ntitle_ms=1\narticle_ms=1\n",
            "offline.voice",
        ),
        (
            "[edge]\nreader = 'Xiaoxiao'\n[pauses]\nsentence_ms=1\nparagraph_ms=1\ntitle_ms=1\narticle_ms=1\n",
            "edge.reader",
        ),
        (
            "[edge]\nrate = 'fast'\n[pauses]\nsentence_ms=1\nparagraph_ms=1\ntitle_ms=1\narticle_ms=1\n",
            "edge.rate",
        ),
        ("not toml = = =", "invalid profile"),
    ],
)
def test_bad_profiles_name_the_file_and_key(tmp_path: Path, toml: str, message: str) -> None:
    """As commands load them: read here, voice names checked by their engines (voice.registry)."""
    from audiopaper.voice.registry import load_profile as load_checked

    path = tmp_path / "mine.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ProfileError, match=message) as caught:
        load_checked(str(path))
    assert "mine.toml" in str(caught.value)


def test_unknown_profile_lists_the_choices() -> None:
    with pytest.raises(ProfileError, match="available: elder, standard"):
        load_profile("loud")
