"""Tests for audiopaper.memo: answers kept between runs, bounded, and harmless when damaged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audiopaper import memo
from audiopaper.memo import recall, remembering


class Counter:
    """A compute function that counts its calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, key: str) -> str:
        self.calls.append(key)
        return key.upper()


def test_a_second_run_answers_from_disk(tmp_path: Path) -> None:
    first, second = Counter(), Counter()
    with remembering(tmp_path):
        assert recall("ns-1", "abc", first) == "ABC"
        assert recall("ns-1", "abc", first) == "ABC"
    with remembering(tmp_path):
        assert recall("ns-1", "abc", second) == "ABC"
    assert first.calls == ["abc"]
    assert second.calls == []


def test_another_namespace_does_not_see_the_answers(tmp_path: Path) -> None:
    with remembering(tmp_path):
        recall("wetext-1.0", "x", Counter())
    later = Counter()
    with remembering(tmp_path):
        recall("wetext-2.0", "x", later)
    assert later.calls == ["x"]


def test_outside_remembering_nothing_is_written(tmp_path: Path) -> None:
    counter = Counter()
    assert recall("ns", "k", counter) == "K"
    assert recall("ns", "k", counter) == "K"
    assert counter.calls == ["k", "k"]
    assert not any(tmp_path.iterdir())


def test_a_damaged_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    (tmp_path / memo.MEMO_DIR).mkdir()
    (tmp_path / memo.MEMO_DIR / "ns.json").write_text("{not json", encoding="utf-8")
    counter = Counter()
    with remembering(tmp_path):
        assert recall("ns", "k", counter) == "K"
    assert counter.calls == ["k"]
    assert json.loads((tmp_path / memo.MEMO_DIR / "ns.json").read_text(encoding="utf-8")) == {"k": "K"}


def test_entries_used_now_are_kept_first_and_the_file_stays_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memo, "MAX_ENTRIES", 3)
    with remembering(tmp_path):
        for key in ("a", "b", "c"):
            recall("ns", key, Counter())
    with remembering(tmp_path):
        recall("ns", "d", Counter())
        recall("ns", "e", Counter())
    kept = json.loads((tmp_path / memo.MEMO_DIR / "ns.json").read_text(encoding="utf-8"))
    assert list(kept) == ["d", "e", "a"]


def test_a_failed_run_keeps_nothing_new(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), remembering(tmp_path):
        recall("ns", "k", Counter())
        raise RuntimeError("render failed")
    assert not (tmp_path / memo.MEMO_DIR / "ns.json").exists()


def test_threads_may_recall_at_once(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    keys = [f"k{n}" for n in range(400)]
    with remembering(tmp_path), ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda key: recall(f"ns{int(key[1:]) % 3}", key, str.upper), keys))
    assert answers == [key.upper() for key in keys]
    kept: dict[str, str] = {}
    for n in range(3):
        kept |= json.loads((tmp_path / memo.MEMO_DIR / f"ns{n}.json").read_text(encoding="utf-8"))
    assert kept == {key: key.upper() for key in keys}
