"""Argument validation at the package's boundary: one integer check and the model checks.

Every message has the same form, ``"<parameter> must be <what is allowed>, got <value>"``;
a value of the wrong kind raises ``TypeError``, a value of the right kind out of range ``ValueError``.

This module imports nothing from :mod:`mem`: a model is recognised by what it has (the attributes and
methods of :class:`mem.models.RNNClassifier`), so that :mod:`mem.models` can use these checks without a cycle.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import torch

__all__ = [
    "MAX_SEED",
    "MODEL_INTERFACE",
    "check_array",
    "check_bool",
    "check_choice",
    "check_count",
    "check_device",
    "check_dict",
    "check_float",
    "check_float_dtype",
    "check_frame",
    "check_generator",
    "check_int",
    "check_labels",
    "check_model",
    "check_model_task",
    "check_names",
    "check_path",
    "check_positive",
    "check_seed",
    "check_size",
    "check_str",
    "check_tensor",
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


def check_choice(name: str, value, allowed):
    """``value`` must be one of ``allowed``, returned as it is: a ValueError naming ``name`` and the allowed values
    otherwise -- a ``TypeError`` when the allowed values are all ``str`` and ``value`` is not one (None, a number,
    bytes, a list; issue 18)."""
    if all(isinstance(a, str) for a in allowed) and not isinstance(value, str):
        raise TypeError(f"{name} must be one of {allowed}, got {value!r} ({type(value).__name__})")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


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
    """``value`` as a ``bool``: ``True``, ``False`` or a numpy bool; anything else (a str such as ``"false"``,
    a number, None) is a ``TypeError`` naming ``name`` (issue 18)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r} ({type(value).__name__})")
    return bool(value)


def _bounds(gt, ge, lt, le) -> str:
    lo = f"({gt}" if gt is not None else f"[{ge}" if ge is not None else None
    hi = f"{lt})" if lt is not None else f"{le}]" if le is not None else None
    if lo and hi:
        return f" in {lo}, {hi}"
    if lo:
        return f" > {gt}" if gt is not None else f" >= {ge}"
    if hi:
        return f" < {lt}" if lt is not None else f" <= {le}"
    return ""


def check_float(name: str, value, *, gt=None, ge=None, lt=None, le=None, finite: bool = True,
                none_ok: bool = False) -> float | None:
    """``value`` as a ``float`` within the given bounds, the package's one real-number check (issue 18).

    Parameters
    ----------
    name : str
        The parameter's name, for the message.
    value : int, float or numpy number
        A ``bool`` is not a number here, nor is a str, a list or a tensor.
    gt, ge, lt, le : float, optional
        Bounds: ``value > gt``, ``>= ge``, ``< lt``, ``<= le``.
    finite : bool, default True
        Refuse ``inf`` and ``-inf`` (NaN is always refused).
    none_ok : bool, default False
        Let ``None`` through (returned as ``None``).

    Raises
    ------
    TypeError
        ``value`` is not a real number; the message names ``name`` and what is allowed.
    ValueError
        ``value`` is NaN, infinite (when ``finite``) or out of bounds.
    """
    if none_ok and value is None:
        return None
    allowed = ("a finite number" if finite else "a number") + _bounds(gt, ge, lt, le) + (" or None" if none_ok else "")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be {allowed}, got {value!r} ({type(value).__name__})")
    try:
        x = float(value)
    except OverflowError:  # an int too large for a float
        raise ValueError(f"{name} must be {allowed}, got {value!r}") from None
    if math.isnan(x) or (finite and math.isinf(x)) or (gt is not None and not x > gt) or \
            (ge is not None and not x >= ge) or (lt is not None and not x < lt) or (le is not None and not x <= le):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return x


def check_generator(name: str, value, none_ok: bool = False) -> torch.Generator | None:
    """``value`` must be a ``torch.Generator`` (or None when ``none_ok``); otherwise a ``TypeError`` naming ``name``
    (issue 18). Build one from a seed with :func:`seeded`."""
    if none_ok and value is None:
        return None
    if not isinstance(value, torch.Generator):
        raise TypeError(f"{name} must be a torch.Generator{' or None' if none_ok else ''} (mem._checks.seeded(seed)), "
                        f"got {type(value).__name__}")
    return value


def check_path(name: str, value, none_ok: bool = False) -> Path | None:
    """``value`` as a ``Path`` from a ``str`` or ``os.PathLike`` (issue 18).

    Anything else (None unless ``none_ok``, bytes, a number, a list) is a ``TypeError`` naming ``name``; the
    empty string, which ``Path`` would read as the current folder, is a ``ValueError``. Whether the path
    exists is the caller's check.
    """
    if none_ok and value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (str or os.PathLike){' or None' if none_ok else ''}, "
                        f"got {type(value).__name__}")
    if isinstance(value, str) and not value:
        raise ValueError(f"{name} must be a path, got the empty string")
    try:
        return Path(value)
    except TypeError:  # an os.PathLike whose __fspath__ gives bytes
        raise TypeError(f"{name} must be a path (str or os.PathLike), got {type(value).__name__}") from None


def check_size(what: str, n: int, limit: int) -> None:
    """Something of ``n`` numbers, described by ``what`` (which names the parameters that size it), must fit in
    ``limit``: a ``ValueError`` rather than a call that exhausts memory or runs for hours (issue 18)."""
    if n > limit:
        raise ValueError(f"{what} = {n} numbers, more than the {limit} allowed: ask for less")


def check_str(name: str, value, none_ok: bool = False) -> str | None:
    """``value`` as a ``str`` (or None when ``none_ok``): anything else -- bytes, a number, a list of
    strings -- is a ``TypeError`` naming ``name`` (issue 18)."""
    if none_ok and value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str{' or None' if none_ok else ''}, got {value!r} "
                        f"({type(value).__name__})")
    return value


def check_tensor(name: str, value, finite: bool = True, *, convert: bool = True, floating: bool = False,
                 last: int | None = None, dims: tuple | None = None) -> torch.Tensor:
    """``value`` as a tensor, the package's one tensor check (issue 18).

    A torch tensor is returned as it is; with ``convert`` a numpy array or a nested list of numbers is read by
    ``torch.as_tensor`` (without it, anything but a tensor is a ``TypeError``). None, a str, bytes or anything
    that cannot be read is a ``TypeError`` naming ``name``, as is an integer tensor where ``floating``. A NaN
    inside (or an infinity, when ``finite``), a number of axes not in ``dims`` or a last axis of other than
    ``last`` entries is a ``ValueError``.
    """
    if isinstance(value, torch.Tensor):
        t = value
    elif not convert or value is None or isinstance(value, (str, bytes)):
        what = "a torch.Tensor" if not convert else "a tensor (or an array of numbers)"
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    else:
        try:
            t = torch.as_tensor(value)
        except (TypeError, ValueError, RuntimeError):
            raise TypeError(f"{name} must be a tensor (or an array of numbers), got {type(value).__name__}") from None
    if floating and not t.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {t.dtype}")
    if dims is not None and t.dim() not in dims:
        raise ValueError(f"{name} must have {' or '.join(map(str, dims))} axes, got shape {tuple(t.shape)}")
    if last is not None and (t.dim() == 0 or t.shape[-1] != last):
        raise ValueError(f"{name} must have {last} entries along its last axis, got shape {tuple(t.shape)}")
    if t.is_floating_point() or t.is_complex():
        bad = torch.isnan(t).any() if not finite else ~torch.isfinite(t).all()
        if bool(bad):
            raise ValueError(f"{name} must be {'finite (no NaN or inf)' if finite else 'free of NaN'}, "
                             f"got a tensor {tuple(t.shape)} with {'NaN' if torch.isnan(t).any() else 'inf'}")
    return t


def check_labels(name: str, labels, N: int) -> torch.Tensor:
    """``labels`` must be an integer tensor of shape (N,): a TypeError or ValueError naming ``name`` (issue 18)."""
    if not isinstance(labels, torch.Tensor) or labels.is_floating_point() or labels.is_complex() \
            or labels.dtype == torch.bool:
        raise TypeError(f"{name} must be an integer tensor ({N},), got "
                        f"{labels.dtype if isinstance(labels, torch.Tensor) else type(labels).__name__}")
    if labels.shape != (N,):
        raise ValueError(f"{name} must have shape ({N},), got {tuple(labels.shape)}")
    return labels


def check_frame(name: str, value, columns=(), what: str = "a pandas DataFrame"):
    """``value`` must be a pandas DataFrame with ``columns`` (issue 18): a ``TypeError`` for another kind of
    thing, a ``ValueError`` naming the missing columns, each naming ``name`` and ``what`` is expected
    (e.g. ``"mem.benchmarks.nonnormality()'s DataFrame"``). Returns ``value``."""
    import pandas as pd

    if not isinstance(value, pd.DataFrame):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise ValueError(f"{name} must be {what}, got one without the columns {missing}")
    return value


def check_device(name: str, value, none_ok: bool = False) -> torch.device | None:
    """``value`` as a ``torch.device``: a ``torch.device`` or a device string such as ``"cpu"`` or
    ``"cuda:0"`` (issue 18). Another kind of thing raises a ``TypeError``, a string torch does not read as
    a device a ``ValueError``, each naming ``name``; ``None`` passes when ``none_ok``."""
    if none_ok and value is None:
        return None
    allowed = "a torch.device or a device string such as 'cpu'" + (" or None" if none_ok else "")
    if not isinstance(value, (str, torch.device)):
        raise TypeError(f"{name} must be {allowed}, got {value!r} ({type(value).__name__})")
    try:
        return torch.device(value)
    except (RuntimeError, ValueError):
        raise ValueError(f"{name} must be {allowed}, got {value!r}") from None


def check_float_dtype(name: str, value, none_ok: bool = False, allowed=None) -> torch.dtype | None:
    """``value`` must be a floating-point ``torch.dtype`` (one of ``allowed`` when given) (issue 18):
    a ``TypeError`` for another kind of thing (a str such as ``"float64"``, a number), a ``ValueError``
    for an integer or excluded dtype, each naming ``name``; ``None`` passes when ``none_ok``."""
    if none_ok and value is None:
        return None
    what = "a floating-point torch.dtype" if allowed is None else " or ".join(map(str, allowed))
    what += " or None" if none_ok else ""
    if not isinstance(value, torch.dtype):
        raise TypeError(f"{name} must be {what}, got {value!r} ({type(value).__name__})")
    if not value.is_floating_point or (allowed is not None and value not in allowed):
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return value


def check_array(name: str, value, dtype=float, *, ndim: int | None = None, finite: bool = False) -> np.ndarray:
    """``value`` (a list, tuple, numpy array, torch tensor or pandas Series of numbers) as a numpy array, the
    package's one array check (issue 18).

    ``dtype`` ``float`` gives float64 (bools and integers are numbers too), ``int`` gives int64 and refuses
    anything but integers, None keeps the numeric dtype numpy gives. None, a str, bytes, a mapping, a ragged
    list, strings or other objects are a ``TypeError`` naming ``name``; a number of axes other than ``ndim``, or
    NaN or inf when ``finite``, a ``ValueError``.
    """
    what = (f"a {ndim}-D array" if ndim is not None else "an array") + \
        (" of integers" if dtype is int else " of real numbers")
    wrong = TypeError(f"{name} must be {what}, got {type(value).__name__}")
    if value is None or isinstance(value, (str, bytes, dict)):
        raise wrong
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    try:
        a = np.asarray(value)
    except (TypeError, ValueError, RuntimeError):          # e.g. a ragged list
        raise wrong from None
    if a.dtype.kind == "O" and not any(isinstance(e, (str, bytes)) for e in a.ravel()):
        try:                                               # numbers held as objects (a pandas object column)
            a = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise wrong from None
    if a.dtype.kind not in ("iu" if dtype is int else "biuf"):   # strings, objects, complex numbers
        raise TypeError(f"{name} must be {what}, got dtype {a.dtype}")
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must be {what}, got shape {a.shape}")
    if finite and a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError(f"{name} must hold finite numbers (no NaN or inf)")
    return a.astype(np.int64) if dtype is int else a.astype(np.float64) if dtype is float else a
