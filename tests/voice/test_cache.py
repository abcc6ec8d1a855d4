"""Tests for audiopaper.voice.cache: hits, misses, corruption, eviction, sharing."""

from __future__ import annotations

import logging
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from audiopaper.pipeline import RenderOptions, RenderResult, render
from audiopaper.profiles import load_profile
from audiopaper.voice.cache import ClipCache, clip_key, default_cache_dir
from audiopaper.voice.registry import EngineSpec
from audiopaper.voice.scheduler import Synthesizer
from tests.conftest import EXAMPLE_PAGE, WritePage, fake_synthesizer


def tone(seconds: float = 0.5) -> np.ndarray:
    return (0.1 * np.sin(np.arange(int(24_000 * seconds)) / 10)).astype(np.float32)


def test_key_covers_everything_that_changes_the_sound() -> None:
    base = clip_key("offline", "baker", "speed=1.000", "你好")
    assert len({base, clip_key("edge", "baker", "speed=1.000", "你好"),
                clip_key("offline", "other", "speed=1.000", "你好"),
                clip_key("offline", "baker", "speed=0.800", "你好"),
                clip_key("offline", "baker", "speed=1.000", "您好")}) == 5  # fmt: skip
    assert base == clip_key("offline", "baker", "speed=1.000", "你好")


def test_miss_then_hit_round_trips_exactly(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    key = clip_key("fake", "tone", "", "你好")
    assert cache.get(key) is None and key not in cache
    samples = tone()
    cache.put(key, samples, 24_000)
    clip = cache.get(key)
    assert clip is not None and np.array_equal(clip.samples, samples)
    assert clip.sample_rate_hz == 24_000 and clip.duration_s == pytest.approx(0.5)
    assert (cache.hits, cache.misses) == (1, 1)
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_corrupt_entries_are_detected_and_removed(tmp_path: Path, damage: str) -> None:
    cache = ClipCache(tmp_path)
    key = clip_key("fake", "tone", "", "你好")
    cache.put(key, tone(), 24_000)
    (path,) = tmp_path.rglob("*.clip")
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data[-100] ^= 0xFF
    elif damage == "garbage":
        data = bytearray(b"not audio at all" * 10)
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    assert cache.get(key) is None
    assert cache.corrupt == 1
    assert not path.exists()


def test_trim_evicts_least_recently_used_first(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path, max_bytes=10**9)
    keys = [clip_key("fake", "tone", "", str(i)) for i in range(4)]
    for number, key in enumerate(keys):
        cache.put(key, tone(), 24_000)
        old = time.time() - 1000 + number * 10
        (path,) = [p for p in tmp_path.rglob("*.clip") if p.stem == key]
        os.utime(path, (old, old))
    assert cache.get(keys[0]) is not None  # using the oldest makes it the newest
    entry_size = cache.size_bytes() // 4
    cache.max_bytes = 2 * entry_size
    assert cache.trim() == 2 * entry_size
    assert [key in cache for key in keys] == [True, False, False, True]


def test_cache_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDIOPAPER_CACHE_DIR", str(tmp_path / "here"))
    assert default_cache_dir() == tmp_path / "here"
    monkeypatch.delenv("AUDIOPAPER_CACHE_DIR")
    assert default_cache_dir().name == "audiopaper"


def test_two_caches_on_one_directory_share_entries(tmp_path: Path) -> None:
    first, second = ClipCache(tmp_path), ClipCache(tmp_path)
    key = clip_key("fake", "tone", "", "共享")
    first.put(key, tone(), 24_000)
    second.put(key, tone(), 24_000)  # a concurrent render writing the same entry
    clip = second.get(key)
    assert clip is not None and np.array_equal(clip.samples, tone())


def test_segment_files_share_the_size_bound_and_trim(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path, max_bytes=1)
    cache.put(clip_key("fake", "tone", "", "一句话"), np.zeros(2400, dtype=np.float32), 24_000)
    mp3 = cache.put_file("ab" * 32, ".mp3", b"\xff" * 5000)
    meta = cache.put_file("ab" * 32, ".json", b"{}")
    assert cache.get_file("ab" * 32, ".json") == b"{}"
    assert cache.size_bytes() > 5000
    assert not list(tmp_path.rglob(".*"))  # atomic writes leave no temporary files
    cache.trim()
    assert not mp3.exists() and not meta.exists()
    assert cache.size_bytes() == 0
    with pytest.raises(ValueError, match="suffix"):
        cache.file_path("ab" * 32, ".wav")


def snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    """(size, mtime in ns) of everything under ``directory``, itself included."""
    return {str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in [directory, *directory.rglob("*")]}  # fmt: skip


def make_read_only(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Take write permission away; as root, which writes anyway, os.access says no instead."""
    for path in [directory, *directory.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    monkeypatch.setattr(os, "access", lambda path, mode, access=os.access: (
        Path(path) != directory if mode & os.W_OK and os.geteuid() == 0 else access(path, mode)))  # fmt: skip


def render_into(out: Path, page: Path, synthesizer: Synthesizer) -> RenderResult:
    options = RenderOptions(out_dir=out, day=date(2025, 3, 14), profile=load_profile("standard"))
    with synthesizer:
        return render([page], options, synthesizer)


@pytest.mark.slow
def test_a_cache_that_cannot_be_written_is_read_and_left_untouched(
    tmp_path: Path, write_page: WritePage, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    text = EXAMPLE_PAGE.read_text(encoding="utf-8")
    render_into(
        tmp_path / "first", EXAMPLE_PAGE, Synthesizer(ClipCache(cache), spec=EngineSpec("fake"), jobs=2)
    )
    page = write_page(text + "\n\n# 新增一条\n\n本报讯 这是之前没有读过的一句新话。\n")
    make_read_only(cache, monkeypatch)
    before = snapshot(cache)
    try:
        with caplog.at_level(logging.WARNING, logger="audiopaper"):
            result = render_into(
                tmp_path / "out", page, Synthesizer(ClipCache(cache), spec=EngineSpec("fake"), jobs=2)
            )
        assert result.stats.from_cache > 0 and result.stats.synthesized > 0  # read the old, made the new
        assert result.edition_dir.is_dir() and result.stats.failed == 0
        warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(warnings) == 1 and "cannot be written" in warnings[0], warnings
        assert snapshot(cache) == before  # nothing written, touched or trimmed there
        assert not list(Path(tempfile.gettempdir()).glob("audiopaper-cache-*"))  # the overlay went
    finally:
        for path in [cache, *cache.rglob("*")]:
            path.chmod(0o755)


@pytest.mark.slow
def test_a_cache_that_cannot_be_created_is_skipped_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    with caplog.at_level(logging.WARNING, logger="audiopaper"):
        result = render_into(
            tmp_path / "out", EXAMPLE_PAGE, fake_synthesizer(cache_dir=tmp_path / "a-file" / "cache")
        )
    assert result.edition_dir.is_dir() and result.stats.from_cache == 0 and result.stats.failed == 0
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "cannot be created (Not a directory)" in warnings[0], warnings


def test_a_read_only_cache_reads_its_entries_and_writes_beside_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = clip_key("fake", "tone", "", "旧"), clip_key("fake", "tone", "", "新")
    ClipCache(tmp_path).put(old, tone(), 24_000)
    make_read_only(tmp_path, monkeypatch)
    before = snapshot(tmp_path)
    cache = ClipCache(tmp_path, max_bytes=1)
    try:
        with cache.in_use():
            assert cache.overlay is not None and old in cache and cache.get(old) is not None
            cache.put(new, tone(), 24_000)
            assert new in cache and (cache.overlay / new[:2] / f"{new}.clip").is_file()
            assert cache.trim() == 0
        assert cache.overlay is None and new not in cache
        assert snapshot(tmp_path) == before
    finally:
        for path in [tmp_path, *tmp_path.rglob("*")]:
            path.chmod(0o755)
