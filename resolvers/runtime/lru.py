"""The bounded caches of the request runtime: compiled writers, page statements, parsed documents."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A small bounded least-recently-used map that counts its misses (tests read them)."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.misses = 0
        self.hits = 0
        self._data: OrderedDict[K, V] = OrderedDict()

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        try:
            value = self._data[key]
        except KeyError:
            self.misses += 1
            value = make()  # an exception (a syntax error) is raised, not cached
            self._data[key] = value
            if len(self._data) > self.maxsize:
                self._data.popitem(last=False)
            return value
        self.hits += 1
        self._data.move_to_end(key)
        return value

    def __len__(self) -> int:
        return len(self._data)

    def clear(self) -> None:
        self._data.clear()
