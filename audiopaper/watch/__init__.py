"""``audiopaper watch``: the nightly edition, unattended, from a drop folder of dated page folders."""

from audiopaper.watch.loop import Watcher, WatchOptions

__all__ = ["WatchOptions", "Watcher"]
