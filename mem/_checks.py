"""Argument validation at the package's boundary: one integer check and the model checks.

Every message has the same form, ``"<parameter> must be <what is allowed>, got <value>"``;
a value of the wrong kind raises ``TypeError``, a value of the right kind out of range ``ValueError``.

This module imports nothing from :mod:`mem`: a model is recognised by what it has (the attributes and
methods of :class:`mem.models.RNNClassifier`), so that :mod:`mem.models` can use these checks without a cycle.
"""
from __future__ import annotations

import numpy as np
import torch

__all__ = [
    "MAX_SEED",
    "MODEL_INTERFACE",
    "check_bool",
    "check_choice",
    "check_count",
    "check_dict",
    "check_int",
    "check_model",
    "check_model_task",
    "check_names",
    "check_number",
    "check_positive",
    "check_seed",
    "check_str",
    "positive_ints",
    "seeded",
]


def _allowed(lo: int, hi: int | None) -> str:
    if hi is not None:
        return f"an integer in {lo}..{hi}"
    return {0: "a non-negative integer", 1: "a positive integer"}.get(lo, f"an integer >= {lo}")


def check_int(name: str, value, lo: int = 1, hi: int | None = None, none_ok: bool = False) -> int | None:
    """The package's one integer check: ``value`` as an ``int`` in ``lo..hi``.

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    value : int or numpy integer
        A ``bool`` is not an integer here, nor is an integral float such as ``20.0``.
    lo, hi : int, default 1 and None
        Smallest and largest allowed value (``hi=None``: no upper bound).
    none_ok : bool, default False
        Let ``None`` through (returned as ``None``).

    Returns
    -------
    int (or None when ``none_ok`` and ``value is None``)

    Raises
    ------
    TypeError
        ``value`` is not an int or numpy integer (or is a bool); the message names ``name`` and what is allowed.
    ValueError
        ``value`` is outside ``lo..hi``.
    """
    if none_ok and value is None:
        return None
    allowed = _allowed(lo, hi) + (" or None" if none_ok else "")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be {allowed}, got {value!r} ({type(value).__name__})")
    if value < lo or (hi is not None and value > hi):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return int(value)


#: The same check as :func:`check_int` (one convention; the second name is kept for the modules that import it).
check_count = check_int

def check_names(name: str, value, none_ok: bool = False) -> list[str] | None:
    """A list of names (strings) from a list, tuple or other iterable of ``str`` (issue 18).

    A bare ``str`` is refused with a ``TypeError`` (iterating it would give its letters), as is
    anything that is not an iterable of strings. Returns a new list (or None when ``none_ok``).
    """
    if none_ok and value is None:
        return None
    if isinstance(value, str):
        raise TypeError(f"{name} must be a list of names, got the str {value!r} (write [{value!r}])")
    try:
        out = list(value)
    except TypeError:
        raise TypeError(f"{name} must be a list of names, got {type(value).__name__}") from None
    wrong = [v for v in out if not isinstance(v, str)]
    if wrong:
        raise TypeError(f"{name} must be a list of names (str), got {wrong[:3]!r} among them")
    return out


#: The largest seed torch's generators take.
MAX_SEED = 2**63 - 1


def seeded(seed, name: str = "seed") -> torch.Generator:
    """A ``torch.Generator`` seeded with ``seed``, after the package's one seed check (issue 18).

    ``seed`` must be an int or numpy integer in ``0..2**63 - 1`` (``TypeError`` for a str, float, bool
    or None, ``ValueError`` out of range, each naming ``name``). The generator is the one
    ``torch.Generator().manual_seed(seed)`` gives, so results do not change.
    """
    return torch.Generator().manual_seed(check_seed(seed, name))


def check_seed(seed, name: str = "seed", none_ok: bool = False) -> int | None:
    """``seed`` as an int in ``0..2**63 - 1`` (or None when ``none_ok``), the one seed check (issue 18)."""
    if none_ok and seed is None:
        return None
    allowed = "a non-negative integer below 2**63" + (" or None" if none_ok else "")
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{name} must be {allowed}, got {seed!r} ({type(seed).__name__})")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"{name} must be {allowed}, got {seed!r}")
    return int(seed)


def positive_ints(**values) -> None:
    """Check that every keyword argument is an integer >= 1 with :func:`check_int`."""
    for name, value in values.items():
        check_int(name, value)


#: What :func:`check_model` requires of a model: the attributes and methods of :class:`mem.models.RNNClassifier`.
MODEL_INTERFACE = ("arch", "input_size", "hidden_size", "n_outputs", "state_size", "init_state", "step",
                   "flatten_state", "unflatten_state", "readout")


def check_model(model) -> None:
    """``model`` must be a :class:`mem.models.RNNClassifier` (a ``torch.nn.Module`` with :data:`MODEL_INTERFACE`).

    Raises
    ------
    TypeError
        naming ``model``, what is allowed and the type passed.
    """
    if not isinstance(model, torch.nn.Module) or not all(hasattr(model, a) for a in MODEL_INTERFACE):
        raise TypeError(f"model must be a mem.models.RNNClassifier, got {type(model).__name__}")


def check_model_task(model, task, kind: type, hint: str = "") -> None:
    """``model`` an RNNClassifier, ``task`` an instance of ``kind``, and their input and output sizes equal.

    Raises
    ------
    TypeError
        ``model`` is not a model or ``task`` not a ``kind``.
    ValueError
        the sizes of the model and the task differ.
    """
    check_model(model)
    if not isinstance(task, kind):
        raise TypeError(f"task must be a mem.tasks.{kind.__name__}{hint}, got {type(task).__name__}")
    if model.input_size != task.input_size or model.n_outputs != task.n_outputs:
        raise ValueError(f"model sizes (input {model.input_size}, outputs {model.n_outputs}) do not match "
                         f"the task's (input {task.input_size}, outputs {task.n_outputs})")


def check_choice(name: str, value, allowed) -> None:
    """``value`` must be one of ``allowed``; otherwise a ValueError naming ``name`` and the allowed values."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def check_positive(name: str, value) -> None:
    """``value`` must be a positive int or float (a bool is not): a TypeError for another kind of thing,
    a ValueError for a number that is not > 0, each naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    if not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")


def check_dict(name: str, value, shape: str) -> dict:
    """``value`` must be a non-empty dict: a TypeError for another kind of thing, a ValueError when it is
    empty, each naming ``name`` and the expected ``shape`` (e.g. ``"{title: SlowPoints}"``)."""
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict {shape}, got {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must be a non-empty dict {shape}")
    return value


def check_bool(name: str, value) -> bool:
    """``value`` as a ``bool`` (a ``bool`` or numpy bool; issue 18).

    Anything else -- ``0``/``1``, ``None``, a str such as ``"false"`` (which is truthy) -- is a ``TypeError``
    naming ``name``.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return bool(value)


def check_number(name: str, value, lo: float | None = None, hi: float | None = None, *, strict: bool = False,
                 finite: bool = True, none_ok: bool = False) -> float | None:
    """``value`` as a ``float``: an int, float or numpy number (not a bool), never NaN (issue 18).

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    lo, hi : float, optional
        Bounds of the allowed range (``strict``: the bounds themselves are outside it).
    finite : bool, default True
        Refuse ``inf`` and ``-inf`` too (False where an infinity means something, e.g. a lifetime that
        outlasts the probe).
    none_ok : bool, default False
        Let ``None`` through (returned as ``None``).

    Raises
    ------
    TypeError
        ``value`` is not a real number (a str, a list, a bool, None unless ``none_ok``).
    ValueError
        ``value`` is NaN, infinite (with ``finite``) or outside the range; the message names ``name``
        and what is allowed.
    """
    if none_ok and value is None:
        return None
    kind = "a finite number" if finite else "a number"
    if lo is not None or hi is not None:
        op_lo, op_hi = (">", "<") if strict else (">=", "<=")
        kind += " " + " and ".join(f"{op} {b:g}" for op, b in ((op_lo, lo), (op_hi, hi)) if b is not None)
    kind += " or None" if none_ok else ""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be {kind}, got {value!r} ({type(value).__name__})")
    x = float(value)
    out = x != x or (finite and x in (float("inf"), float("-inf")))
    if lo is not None:
        out = out or (x <= lo if strict else x < lo)
    if hi is not None:
        out = out or (x >= hi if strict else x > hi)
    if out:
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    return x


def check_str(name: str, value, none_ok: bool = False) -> str | None:
    """``value`` as a ``str`` (or None when ``none_ok``): anything else -- bytes, a number, a list of
    strings -- is a ``TypeError`` naming ``name`` (issue 18)."""
    if none_ok and value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str{' or None' if none_ok else ''}, got {value!r} "
                        f"({type(value).__name__})")
    return value
