"""Argument validation shared by the modules, so that every message has the same form:
``"<parameter> must be <what is allowed>, got <value>"``."""
from __future__ import annotations

import numpy as np


def check_int(name: str, value, lo: int, hi: int | None = None) -> int:
    """``value`` as an int in ``lo..hi``; otherwise a ValueError naming ``name`` and the allowed range.

    Lenient: an integral float (``20.0``) is accepted. :func:`check_count` is the strict form."""
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


def check_count(name: str, value, lo: int = 1, hi: int | None = None, none_ok: bool = False) -> int | None:
    """``value`` as an int in ``lo..hi``; it must be an int or numpy integer (a bool or a float is not).

    ``none_ok`` lets ``None`` through. Otherwise a ValueError names ``name`` and the allowed values.
    """
    if none_ok and value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < lo or \
            (hi is not None and value > hi):
        allowed = (f"an integer in {lo}..{hi}" if hi is not None else "a positive integer" if lo == 1
                   else "a non-negative integer" if lo == 0 else f"an integer >= {lo}")
        raise ValueError(f"{name} must be {allowed}{' or None' if none_ok else ''}, got {value!r}")
    return int(value)


def positive_ints(**values) -> None:
    """Check that every keyword argument is an integer >= 1 (a bool is not)."""
    for name, value in values.items():
        check_count(name, value)


def check_model(model) -> None:
    """``model`` must be a :class:`mem.models.RNNClassifier`."""
    from .models import RNNClassifier

    if not isinstance(model, RNNClassifier):
        raise ValueError(f"model must be a mem.models.RNNClassifier, got {type(model).__name__}")


def check_model_task(model, task, kind: type, hint: str = "") -> None:
    """``model`` an RNNClassifier, ``task`` an instance of ``kind``, and their input and output sizes equal."""
    check_model(model)
    if not isinstance(task, kind):
        raise ValueError(f"task must be a mem.tasks.{kind.__name__}{hint}, got {type(task).__name__}")
    if model.input_size != task.input_size or model.n_outputs != task.n_outputs:
        raise ValueError(f"model sizes (input {model.input_size}, outputs {model.n_outputs}) do not match "
                         f"the task's (input {task.input_size}, outputs {task.n_outputs})")


def check_choice(name: str, value, allowed) -> None:
    """``value`` must be one of ``allowed``; otherwise a ValueError naming ``name`` and the allowed values."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def check_positive(name: str, value) -> None:
    """``value`` must be a positive int or float (a bool is not); otherwise a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
