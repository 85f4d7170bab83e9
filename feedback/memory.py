"""Least recently used values kept in a process's memory, up to a number of bytes.

For things named by what they are (a page of one data generation, stored bytes by their
SHA-256): a process keeps them only as long as the name says they are the same as what
the database holds, so every server of a deployment still answers alike."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Lru(Generic[V]):
    def __init__(self) -> None:
        self._items: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: V, size: int, limit: int) -> None:
        """Keep ``value`` (``size`` bytes), dropping the least recently used beyond ``limit``."""
        if size > limit:
            return
        with self._lock:
            old = self._items.pop(key, None)
            self._size += size - (old[1] if old else 0)
            self._items[key] = (value, size)
            while self._size > limit:
                _key, (_value, dropped) = self._items.popitem(last=False)
                self._size -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0
