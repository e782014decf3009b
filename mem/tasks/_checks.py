"""Argument validation shared by the tasks."""
from __future__ import annotations


def check_int(name: str, value, lo: int, hi: int | None = None) -> int:
    """``value`` as an int in ``lo..hi``; otherwise a ValueError naming ``name`` and the allowed range."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            if int(value) != value:
                raise TypeError
            value = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be an integer, got {value!r}") from None
    if value < lo or (hi is not None and value > hi):
        allowed = f"in {lo}..{hi}" if hi is not None else f">= {lo}"
        raise ValueError(f"{name} must be {allowed}, got {value}")
    return value
