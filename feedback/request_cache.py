"""Memoising a read for the length of one request (``g``), and not beyond."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import g, has_request_context

P = ParamSpec("P")
R = TypeVar("R")


def request_cached(fn: Callable[P, R]) -> Callable[P, R]:
    """Cache ``fn``'s result per request and arguments: pages ask the same question
    (the open round, who is invited) from many templates and permission checks.
    Outside a request (CLI, tests calling services) nothing is cached."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not has_request_context():
            return fn(*args, **kwargs)
        cache = g.setdefault("_request_cache", {})
        key = (fn.__qualname__, args, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = fn(*args, **kwargs)
        return cache[key]

    return wrapper


def forget() -> None:
    """Drop the request's cached reads (after a write changed what they answered)."""
    if has_request_context():
        g.pop("_request_cache", None)
