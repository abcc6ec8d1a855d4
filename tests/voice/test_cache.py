"""Tests for audiopaper.voice.cache: hits, misses, corruption, eviction, sharing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from audiopaper.voice.cache import ClipCache, clip_key, default_cache_dir


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
