"""Checks of the arguments the figure functions share -- axes, colours, arrays, class labels, tables, format
strings -- at the boundary of :mod:`mem.plots` (issue 18; chapters 1-6).

Each raises ``TypeError`` for the wrong kind of thing and ``ValueError`` for a bad value, naming the parameter,
as :mod:`mem._checks` does; numbers, strings and flags use :mod:`mem._checks` itself.
"""
from __future__ import annotations

import numpy as np

from .._checks import check_dict, check_float, check_int, check_str
from .style import CLASS_COLORS

__all__ = ["as_array", "check_ax", "check_axes", "check_color", "check_column", "check_curves", "check_format",
           "check_frame", "check_history", "check_image_shape", "check_labels", "check_lookup", "check_pair"]


def check_ax(name: str, ax):
    """``ax`` unchanged: None or one matplotlib ``Axes`` (a ``TypeError`` naming ``name`` otherwise)."""
    from matplotlib.axes import Axes
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def check_axes(name: str, axes, n: int | None = None):
    """``axes`` unchanged: None, or a list, tuple or array of matplotlib ``Axes`` (``n`` of them when given).

    A single ``Axes``, a str or a number is a ``TypeError``; the wrong number of axes a ``ValueError``.
    """
    from matplotlib.axes import Axes
    if axes is None:
        return None
    what = f"{n} matplotlib Axes" if n is not None else "matplotlib Axes"
    if isinstance(axes, (str, bytes, Axes)) or not hasattr(axes, "__len__"):
        raise TypeError(f"{name} must be a sequence of {what} or None, got {type(axes).__name__}")
    flat = list(np.asarray(axes, dtype=object).flat)
    wrong = sorted({type(a).__name__ for a in flat if not isinstance(a, Axes)})
    if wrong:
        raise TypeError(f"{name} must be a sequence of {what} or None, got one holding {wrong}")
    if n is not None and len(flat) != n:
        raise ValueError(f"{name} must be a sequence of {what}, got {len(flat)}")
    return axes


def as_array(name: str, a, ndim: int | None = None, last: int | None = None, *, finite: bool = False,
             nan_ok: bool = False) -> np.ndarray:
    """A tensor, array or (nested) list of numbers as a numpy array, checked.

    Parameters
    ----------
    a : tensor, array or list of numbers (a str, None or an array of objects is a ``TypeError``)
    name : the parameter's name, for the messages
    ndim, last : the number of dimensions and the size of the last one, when given (``ValueError``)
    finite : refuse ``inf`` too (NaN is always refused unless ``nan_ok``)
    nan_ok : NaN is allowed (where a docstring says it means "not measured")
    """
    if hasattr(a, "detach"):
        a = a.detach().cpu().numpy()
    if a is None or isinstance(a, (str, bytes)):
        raise TypeError(f"{name} must be numbers (a tensor, an array or a list), got {type(a).__name__}")
    try:
        arr = np.asarray(a)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{name} must be a regular array of numbers: {e}") from None
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"{name} must be numbers (a tensor, an array or a list), got {type(a).__name__} "
                        f"of {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {arr.shape}")
    if last is not None and arr.shape[-1] != last:
        raise ValueError(f"{name} must have last dimension {last}, got shape {arr.shape}")
    if arr.dtype.kind in "fc":
        if not nan_ok and np.isnan(arr).any():
            raise ValueError(f"{name} must not contain NaN")
        if finite and np.isinf(arr).any():
            raise ValueError(f"{name} must be finite, got an infinite value")
    return arr


def check_labels(name: str, labels, n: int | None = None, ndim: int = 1) -> np.ndarray:
    """Class labels of the task (0, the null class, and 1..10, the digits) as an int64 array of ``ndim``
    dimensions (1: one label per row).

    ``n`` is the number of labels required. Integral floats are taken as their integers; a fraction,
    a label outside 0..10 or the wrong number is a ``ValueError``.
    """
    lab = as_array(name, labels, ndim)
    if lab.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be integer class labels, got an array of {lab.dtype}")
    if lab.dtype.kind == "f" and not np.all(lab == np.round(lab)):
        raise ValueError(f"{name} must be integer class labels, got {lab.tolist()[:5]}")
    if len(lab) and (lab.min() < 0 or lab.max() > len(CLASS_COLORS)):
        raise ValueError(f"{name} must be classes of the task, 0..{len(CLASS_COLORS)}, got values from "
                         f"{lab.min()} to {lab.max()}")
    if n is not None and len(lab) != n:
        raise ValueError(f"{name} must have one label per row ({n}), got {len(lab)}")
    return lab.astype(np.int64)


def check_frame(name: str, df, columns=(), source: str = "a pandas DataFrame"):
    """``df`` unchanged: a pandas ``DataFrame`` (``TypeError``) holding ``columns`` (``ValueError``).

    ``source`` names where such a table comes from (``"mem.zoo.table()"``) for the messages.
    """
    import pandas as pd
    what = source if source == "a pandas DataFrame" else f"{source}'s DataFrame"
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be {what}, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing and source == "a pandas DataFrame":
        raise ValueError(f"{name} must be a DataFrame with the columns {list(columns)}, got one without {missing}")
    if missing:
        raise ValueError(f"{name} must be {what}, got one without the columns {missing}")
    return df


def check_column(name: str, value, df, frame: str = "df") -> str:
    """``value``, a str (``TypeError``) naming a column of ``df`` (``ValueError``)."""
    check_str(name, value)
    if value not in df.columns:
        raise ValueError(f"{name} must be a column of {frame}, got {value!r}; columns: {list(df.columns)}")
    return value


def check_lookup(name: str, value, shape: str) -> dict:
    """``value`` as a dict: None (an empty one) or a dict such as ``{label: colour}`` (``shape``), else a
    ``TypeError``."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict {shape} or None, got {type(value).__name__}")
    return value


def check_color(name: str, value, none_ok: bool = True):
    """``value`` unchanged: a matplotlib colour (or None): an unknown colour name or bad RGB(A) numbers is a
    ``ValueError``, anything else a ``TypeError``."""
    from matplotlib.colors import is_color_like
    if value is None and none_ok:
        return None
    if isinstance(value, (str, tuple, list, np.ndarray)) and not isinstance(value, bytes) and is_color_like(value):
        return value
    numbers = isinstance(value, (tuple, list, np.ndarray)) and len(value) in (3, 4) and all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in value)
    error = ValueError if isinstance(value, str) or numbers else TypeError
    raise error(f"{name} must be a matplotlib colour{' or None' if none_ok else ''}, got {value!r}")


def check_image_shape(name: str, image_shape, pixels: int | None = None) -> tuple[int, int]:
    """``(height, width)``, two positive ints (a list, tuple or array of them), with ``pixels`` pixels in all
    when given."""
    if isinstance(image_shape, (str, bytes)) or not hasattr(image_shape, "__len__"):
        raise TypeError(f"{name} must be (height, width), two positive integers, got {type(image_shape).__name__}")
    if len(image_shape) != 2:
        raise ValueError(f"{name} must be (height, width), two positive integers, got {tuple(image_shape)}")
    h, w = (check_int(name, v) for v in image_shape)
    if pixels is not None and h * w != pixels:
        raise ValueError(f"{name} must be (height, width) with {pixels} pixels in all, got {(h, w)}")
    return h, w


def check_pair(name: str, value, lo: float | None = None, strict: bool = False) -> tuple[float, float]:
    """Two finite numbers (a list, tuple or array; each ``> lo`` or ``>= lo`` when given), e.g. a figure size or
    axis limits."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise TypeError(f"{name} must be a pair of numbers, got {type(value).__name__}")
    if len(value) != 2:
        raise ValueError(f"{name} must be a pair of numbers, got {len(value)} of them")
    bound = {} if lo is None else {"gt": lo} if strict else {"ge": lo}
    a, b = (check_float(name, v, **bound) for v in value)
    return a, b


def check_format(name: str, template, *args, **fields) -> str:
    """``template``, a str (``TypeError``) that ``str.format(*args, **fields)`` accepts (``ValueError`` naming
    the fields allowed); e.g. a panel title with ``{label}``."""
    check_str(name, template)
    try:
        template.format(*args, **fields)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as e:
        allowed = ", ".join([f"{{{k}}}" for k in fields] + ["{}"] * bool(args)) or "no fields"
        raise ValueError(f"{name} must be a format string with {allowed}, got {template!r} ({e!r})") from None
    return template


def check_history(name: str, history):
    """``history`` unchanged: a :class:`mem.train.History` (a ``TypeError`` naming ``name`` otherwise)."""
    from ..train import History
    if not isinstance(history, History):
        raise TypeError(f"{name} must be a mem.train.History, got {type(history).__name__}")
    return history


def check_curves(name: str, curves) -> dict:
    """``curves`` unchanged: a non-empty dict ``{label: DelayCurve}`` (``TypeError`` for another kind of thing or
    of value, ``ValueError`` when empty)."""
    from ..evaluate import DelayCurve
    check_dict(name, curves, "{label: DelayCurve}")
    wrong = sorted({type(c).__name__ for c in curves.values() if not isinstance(c, DelayCurve)})
    if wrong:
        raise TypeError(f"{name} must be a non-empty dict {{label: DelayCurve}}, got values of type {wrong}")
    return curves
