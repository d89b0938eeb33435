"""Every memo a process keeps for itself, registered here so that whatever must start afresh
(each test) forgets them all with one call instead of knowing each by name."""

from collections.abc import Callable
from typing import Any, TypeVar

Memo = TypeVar("Memo")

_REGISTERED: dict[int, tuple[Any, Callable[[], None]]] = {}


def register(memo: Memo) -> Memo:
    """Registers memo and returns it: an lru_cache/cache-wrapped function, a container with
    clear() (dict, set, WeakKeyDictionary), or a function that forgets a module's state."""
    if hasattr(memo, "cache_clear"):
        clear = memo.cache_clear
    elif hasattr(memo, "clear"):
        clear = memo.clear
    elif callable(memo):
        clear = memo
    else:
        raise TypeError(f"{memo!r} cannot be cleared")
    _REGISTERED[id(memo)] = (memo, clear)
    return memo


def is_registered(memo: object) -> bool:
    return id(memo) in _REGISTERED


def clear_all() -> None:
    for _, clear in list(_REGISTERED.values()):
        clear()
