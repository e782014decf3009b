"""The contract of every public callable of ``mem`` under bad and edge-case input (issue 18), and its engine.

A :class:`Spec` names one public callable (a function, a class's constructor or a public method) and gives
one cheap *valid* call as keyword arguments. :func:`check_spec` then replaces one argument at a time by
values generated from what the valid one is -- a number, a string, a tensor, a list of names, a model, a
table -- and asserts the contract for each:

* it returns a result in which every number is finite (tensors, arrays, tables, records and
  containers are searched), or it raises ``TypeError`` / ``ValueError`` whose message names the
  parameter (or one of the spec's ``aliases`` for it);
* a value that is never meaningful (``NaN``, a string for a number, a number for a string, ``None``
  where ``None`` is not a default, a bare ``str`` for a list of names, a tensor with a NaN, ...) is
  *rejected*: returning with it is a silently accepted bad value. A wrong kind of thing raises
  ``TypeError``; a value of the right kind that is bad raises ``ValueError``;
* a value a user would naturally pass for the valid one (a numpy scalar for a Python number) is
  *accepted*;
* no call runs longer than its time bound (a hang fails the test);
* a call that raises leaves every argument it was given as it was (tensors, arrays, tables, a
  model's parameters, a task).

Generated values come from fixed families per kind (each value is tried) and from Hypothesis
strategies (integers and floats over many decades, tensors of random shapes), derandomised so that
a CI run is reproducible. ``tests/test_contract_*.py`` hold the specs, one file per group of
modules; ``tests/test_contract_coverage.py`` checks that every public callable has a spec or an
exemption with its reason.
"""
from __future__ import annotations

import copy
import dataclasses
import importlib
import inspect
import math
import signal
import warnings
from collections.abc import Callable
from typing import Any

import hypothesis
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from hypothesis import strategies as st

REJECT, EDGE, ACCEPT = "reject", "edge", "accept"
KIND, VALUE = TypeError, ValueError           # the error a rejected value must raise (None: either)


class CallTimeout(BaseException):
    """A call ran past its time bound (a BaseException, so that no ``except Exception`` in mem swallows it)."""


def resolve(name: str):
    """The object a dotted name such as ``mem.tasks.delayed.DelayedClassification.sample`` names."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for p in parts[i:]:
            obj = getattr(obj, p)
        return obj
    raise ImportError(name)


@dataclasses.dataclass
class Spec:
    """One public callable and a cheap valid call of it.

    name : ``module.function``, ``module.Class`` (its constructor) or ``module.Class.method``
    args : a zero-argument function returning a valid call's keyword arguments, fresh each time
    of : for a method, a zero-argument factory of a fresh instance to call it on
    fixed : parameters not to mutate, each with its reason ({name: reason})
    aliases : {parameter: (other names a message may use for it)}
    finite : the result's numbers must be finite (False where NaN/inf is a documented result)
    nan_ok : parameters where a NaN inside a tensor/array/table is meaningful (e.g. "not measured")
    none_ok : parameters where None is meaningful although the default is not None
    seconds : the time bound of one call
    examples : Hypothesis examples per parameter, beyond the fixed families
    kinds : {parameter: kind} to override the kind inferred from the valid value
    skip_valid : why the valid call is not made here (an expensive call tested elsewhere), or None; the bad
        values are still tried, and every one must then be refused
    """
    name: str
    args: Callable[[], dict] = dict
    of: Callable | None = None
    fixed: dict = dataclasses.field(default_factory=dict)
    aliases: dict = dataclasses.field(default_factory=dict)
    finite: bool = True
    nan_ok: tuple = ()
    none_ok: tuple = ()
    seconds: float = 10.0
    examples: int = 4
    kinds: dict = dataclasses.field(default_factory=dict)
    skip_valid: str | None = None

    def bound(self):
        """(the callable, the instance it is bound to or None): a fresh instance for a method."""
        if self.of is None:
            return resolve(self.name), None
        obj = self.of()
        return getattr(obj, self.name.rsplit(".", 1)[1]), obj


# ------------------------------------------------------------------------------------------------ kinds
def kind_of(value) -> str:
    """The kind of a valid value, which decides the bad values generated for it."""
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, torch.Tensor):
        return "tensor" if value.is_floating_point() else "int_tensor"
    if isinstance(value, np.ndarray):
        return "array" if np.issubdtype(value.dtype, np.floating) else "int_array"
    if isinstance(value, pd.DataFrame):
        return "frame"
    if isinstance(value, torch.nn.Module):
        return "module"
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, str) for v in value):
            return "names"
        if value and all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in value):
            return "numbers"
        return "sequence"
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, torch.dtype):
        return "dtype"
    if isinstance(value, plt.Axes):
        return "axes"
    if callable(value) and not isinstance(value, type):
        return "callable"
    return "object"


def _nan_first(t):
    t = t.clone() if isinstance(t, torch.Tensor) else t.copy()
    if t.size == 0 if isinstance(t, np.ndarray) else t.numel() == 0:
        return t
    t.reshape(-1)[0] = float("nan")
    return t


def family(kind: str, value, none_ok: bool) -> list[tuple[str, Any, str, type | None]]:
    """Fixed bad and edge values for a parameter of ``kind`` whose valid value is ``value``.

    Returns (label, value, mode, error) rows: mode is REJECT, EDGE or ACCEPT; error is the exception a
    rejected value must raise (TypeError for a wrong kind of thing, ValueError for a bad value).
    """
    rows = [("None", None, EDGE if none_ok else REJECT, None if none_ok else KIND)]
    if kind == "bool":
        rows += [("str 'false'", "false", REJECT, KIND), ("float 0.5", 0.5, REJECT, KIND),
                 ("int 2", 2, EDGE, None), ("numpy bool", np.bool_(value), EDGE, None)]
    elif kind == "int":
        rows += [("str", str(int(value)), REJECT, KIND), ("float 2.5", 2.5, REJECT, KIND),
                 ("float nan", float("nan"), REJECT, KIND), ("bool True", True, EDGE, None),
                 ("-1", -1, EDGE, None), ("0", 0, EDGE, None), ("2**62", 2**62, EDGE, None),
                 ("numpy int", np.int64(value), ACCEPT, None)]
    elif kind == "float":
        rows += [("str", "0.5", REJECT, KIND), ("nan", float("nan"), REJECT, VALUE),
                 ("inf", float("inf"), EDGE, None), ("-inf", float("-inf"), EDGE, None),
                 ("0.0", 0.0, EDGE, None), ("-1.0", -1.0, EDGE, None), ("1e300", 1e300, EDGE, None),
                 ("numpy float", np.float64(value), ACCEPT, None), ("list", [float(value)], REJECT, KIND)]
    elif kind == "str":
        rows += [("int 3", 3, REJECT, KIND), ("bytes", b"x", REJECT, KIND), ("empty", "", EDGE, None),
                 ("unknown", "no-such-thing", EDGE, None), ("list", [value], REJECT, KIND)]
    elif kind in ("tensor", "int_tensor"):
        rows += [("str", "x", REJECT, KIND), ("numpy", value.detach().cpu().numpy().copy(), EDGE, None),
                 ("list", value.tolist(), EDGE, None), ("empty", value[:0].clone(), EDGE, None),
                 ("extra axis", value.clone()[None], EDGE, None)]
        if value.dim():
            rows += [("last axis cut", value[..., :1].clone(), EDGE, None)]
        if kind == "tensor":
            rows += [("nan inside", _nan_first(value), REJECT, VALUE), ("int dtype", value.long(), EDGE, None),
                     ("inf inside", value.clone().reshape(-1).index_fill(0, torch.tensor([0]), float("inf"))
                      .reshape(value.shape) if value.numel() else value.clone(), EDGE, None)]
        else:
            rows += [("float dtype", value.double(), EDGE, None), ("negative", -value - 1, EDGE, None)]
    elif kind in ("array", "int_array"):
        rows += [("str", "x", REJECT, KIND), ("tensor", torch.from_numpy(value.copy()), EDGE, None),
                 ("list", value.tolist(), EDGE, None), ("empty", value[:0].copy(), EDGE, None),
                 ("extra axis", value.copy()[None], EDGE, None)]
        if kind == "array":
            rows += [("nan inside", _nan_first(value), REJECT, VALUE)]
        else:
            rows += [("negative", -value - 1, EDGE, None)]
    elif kind == "frame":
        rows += [("str", "x", REJECT, KIND), ("empty", value.iloc[:0].copy(), EDGE, None),
                 ("dict", value.to_dict("list"), EDGE, None)]
        num = value.select_dtypes("number").columns
        if len(num) and len(value):
            bad = value.copy()
            bad.loc[bad.index[0], num[0]] = float("nan")
            rows += [("nan inside", bad, EDGE, None)]
    elif kind == "module":
        rows += [("str", "gru", REJECT, KIND), ("int", 3, REJECT, KIND), ("Linear", torch.nn.Linear(2, 2), EDGE, None)]
    elif kind == "names":
        rows += [("bare str", value[0], REJECT, KIND), ("empty", [], EDGE, None), ("ints", [3], REJECT, KIND),
                 ("unknown", ["no-such-thing"], EDGE, None), ("int", 3, REJECT, KIND)]
    elif kind == "numbers":
        nan_error = VALUE if isinstance(value[0], (float, np.floating)) else None
        rows += [("str", "x", REJECT, KIND), ("empty", [], EDGE, None),
                 ("nan inside", [float("nan"), *value[1:]], REJECT, nan_error),
                 ("strings", [str(v) for v in value], REJECT, KIND), ("numpy", np.asarray(value), EDGE, None)]
    elif kind == "sequence":
        rows += [("str", "x", EDGE, None), ("empty", [], EDGE, None), ("int", 3, REJECT, KIND)]
    elif kind == "dict":
        rows += [("str", "x", REJECT, KIND), ("list", [], REJECT, KIND), ("empty", {}, EDGE, None)]
    elif kind == "dtype":
        rows += [("str", "float64", EDGE, None), ("int64", torch.int64, EDGE, None), ("int", 3, REJECT, KIND)]
    elif kind == "axes":
        rows += [("str", "ax", REJECT, KIND), ("int", 3, REJECT, KIND)]
    elif kind == "callable":
        rows += [("str", "f", REJECT, KIND), ("int", 3, REJECT, KIND)]
    else:  # a task, a protocol, a record, a generator, ...
        rows += [("str", "x", REJECT, KIND), ("int", 3, REJECT, KIND), ("object", object(), REJECT, KIND)]
    return rows


def strategy(kind: str, value):
    """A Hypothesis strategy of edge-case values of ``kind`` (None where the fixed family is enough)."""
    if kind == "int":  # absurd sizes are the fixed family's 2**62; generated ones stay where an answer is quick
        return st.one_of(st.integers(-10, 10), st.integers(-10**4, 10**4))
    if kind == "float":
        return st.floats(allow_nan=False, width=64)
    if kind == "tensor":
        shapes = st.lists(st.integers(0, 3), min_size=max(value.dim() - 1, 0), max_size=value.dim() + 1)
        return shapes.map(lambda s: torch.zeros(s, dtype=value.dtype))
    if kind == "numbers":
        if all(isinstance(v, (int, np.integer)) for v in value):
            return st.lists(st.integers(-10**4, 10**4), min_size=0, max_size=4)
        return st.lists(st.floats(allow_nan=False, width=64), min_size=0, max_size=4)
    return None


# ------------------------------------------------------------------------------------------------ checks
def nonfinite(x, depth: int = 0, seen=None) -> str | None:
    """Where ``x`` holds a non-finite number (a short path), or None; searches containers and records."""
    seen = set() if seen is None else seen
    if depth > 6 or id(x) in seen:
        return None
    seen.add(id(x))
    if isinstance(x, (bool, np.bool_, str, bytes, type(None))):
        return None
    if isinstance(x, (float, np.floating)):
        return None if math.isfinite(x) else repr(x)
    if isinstance(x, torch.Tensor):
        return None if (not x.is_floating_point() and not x.is_complex()) or bool(torch.isfinite(x).all()) \
            else f"tensor {tuple(x.shape)}"
    if isinstance(x, np.ndarray):
        return None if not np.issubdtype(x.dtype, np.inexact) or bool(np.isfinite(x).all()) \
            else f"array {x.shape}"
    if isinstance(x, (pd.DataFrame, pd.Series)):
        num = x.select_dtypes("number") if isinstance(x, pd.DataFrame) else x if pd.api.types.is_numeric_dtype(x) \
            else None
        return None if num is None or bool(np.isfinite(num.to_numpy(dtype=float)).all()) else "table"
    if isinstance(x, torch.nn.Module):
        bad = [n for n, p in x.state_dict().items() if p.is_floating_point() and not bool(torch.isfinite(p).all())]
        return f"weights {bad[:3]}" if bad else None
    if isinstance(x, dict):
        items = x.items()
    elif isinstance(x, (list, tuple)):
        items = enumerate(x)
    elif dataclasses.is_dataclass(x) and not isinstance(x, type):
        items = ((f.name, getattr(x, f.name)) for f in dataclasses.fields(x))
    else:
        return None
    for k, v in items:
        where = nonfinite(v, depth + 1, seen)
        if where is not None:
            return f"[{k!r}] {where}"
    return None


def snapshot(x, depth: int = 0):
    """A comparable copy of ``x`` (tensors, arrays, tables, modules' weights, containers, objects' dicts)."""
    if depth > 4:
        return None
    if isinstance(x, torch.Tensor):
        return ("t", x.detach().clone(), x.requires_grad)
    if isinstance(x, np.ndarray):
        return ("a", x.copy())
    if isinstance(x, (pd.DataFrame, pd.Series)):
        return ("p", x.copy(deep=True))
    if isinstance(x, torch.nn.Module):
        return ("m", {k: v.detach().clone() for k, v in x.state_dict().items()},
                {n: p.requires_grad for n, p in x.named_parameters()}, x.training)
    if isinstance(x, (list, tuple)):
        return ("l", type(x), [snapshot(v, depth + 1) for v in x])
    if isinstance(x, dict):
        return ("d", {k: snapshot(v, depth + 1) for k, v in x.items()})
    if hasattr(x, "__dict__") and not isinstance(x, type) and not callable(x):
        return ("o", {k: snapshot(v, depth + 1) for k, v in vars(x).items()})
    return ("v", x)


def same(a, b) -> bool:
    """Whether two snapshots are equal (NaN equals NaN)."""
    if a is None or b is None or a[0] != b[0]:
        return a is b or (a is not None and b is not None and a[0] == b[0])
    tag = a[0]
    if tag == "t":
        x, y = a[1], b[1]
        return a[2] == b[2] and x.shape == y.shape and x.dtype == y.dtype and bool(
            torch.equal(torch.nan_to_num(x.double(), nan=0.5), torch.nan_to_num(y.double(), nan=0.5))
            if x.is_floating_point() else torch.equal(x, y))
    if tag == "a":
        x, y = a[1], b[1]
        return x.shape == y.shape and x.dtype == y.dtype and bool(
            np.array_equal(x, y, equal_nan=np.issubdtype(x.dtype, np.inexact)))
    if tag == "p":
        return a[1].equals(b[1])
    if tag == "m":
        return a[1].keys() == b[1].keys() and all(torch.equal(a[1][k], b[1][k]) for k in a[1]) and a[2:] == b[2:]
    if tag == "l":
        return a[1] is b[1] and len(a[2]) == len(b[2]) and all(same(x, y) for x, y in zip(a[2], b[2]))
    if tag in ("d", "o"):
        return a[1].keys() == b[1].keys() and all(same(a[1][k], b[1][k]) for k in a[1])
    x, y = a[1], b[1]
    if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
        return True
    try:
        eq = x == y
        return bool(eq) if isinstance(eq, (bool, np.bool_)) else True
    except Exception:
        return True


def _alarm(signum, frame):
    raise CallTimeout()


def run_call(fn, kwargs: dict, seconds: float):
    """Call ``fn(**kwargs)`` under a time bound; returns ("ok", result) or ("raised", exception)."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "ok", fn(**kwargs)
    except CallTimeout:
        return "hang", None
    except Exception as e:
        return "raised", e
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        plt.close("all")


def judge(spec: Spec, param: str, label: str, mode: str, error, outcome: str, result, before, kwargs) -> str | None:
    """The contract for one call; returns what is wrong, or None."""
    where = f"{spec.name}({param}={label})"
    if outcome == "hang":
        return f"{where}: no answer within {spec.seconds} s"
    if outcome == "ok":
        if mode == REJECT or (spec.skip_valid and mode == EDGE):
            return f"{where}: a bad value silently accepted (returned {type(result).__name__})"
        bad = nonfinite(result) if spec.finite else None
        return f"{where}: returned a non-finite number at {bad}" if bad else None
    e = result
    names = (param, *spec.aliases.get(param, ()))
    if mode == ACCEPT:
        return f"{where}: a value a user would pass was refused: {type(e).__name__}: {e}"
    if not isinstance(e, (TypeError, ValueError)):
        return f"{where}: unclear {type(e).__module__}.{type(e).__name__}: {str(e)[:200]}"
    if not any(n in str(e) for n in names):
        return f"{where}: the message does not name {param!r}: {type(e).__name__}: {str(e)[:200]}"
    if error is TypeError and not isinstance(e, TypeError):
        return f"{where}: a wrong kind of thing must raise TypeError, got ValueError: {str(e)[:160]}"
    if error is ValueError and isinstance(e, TypeError):
        return f"{where}: a bad value of the right kind must raise ValueError, got TypeError: {str(e)[:160]}"
    changed = [k for k in before if not same(before[k], snapshot(kwargs[k]))]
    if changed:
        return f"{where}: raised but changed its arguments {changed}"
    return None


def parameters(spec: Spec) -> dict[str, tuple[str, Any, bool]]:
    """{parameter: (kind, valid value, None allowed)} of the spec's valid call."""
    fn, _ = spec.bound()
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        sig = None
    out = {}
    for name, value in spec.args().items():
        if name in spec.fixed:
            continue
        p = sig.parameters.get(name) if sig is not None else None
        none_ok = value is None or (p is not None and p.default is None) or name in spec.none_ok
        kind = spec.kinds.get(name) or kind_of(value)
        out[name] = (kind, none_ok)
    return out


def check_valid(spec: Spec) -> Any:
    """The spec's valid call must answer, within its time bound, with a finite result."""
    if spec.skip_valid:
        return None
    fn, _ = spec.bound()
    outcome, result = run_call(fn, spec.args(), spec.seconds)
    assert outcome == "ok", f"{spec.name}: the spec's valid call failed: {outcome} {result!r}"
    bad = nonfinite(result) if spec.finite else None
    assert bad is None, f"{spec.name}: the valid call returned a non-finite number at {bad}"
    return result


def check_param(spec: Spec, param: str, kind: str, none_ok: bool, counter: dict | None = None) -> list[str]:
    """Every fixed bad/edge value of ``param`` and Hypothesis-generated ones; returns the failures."""
    problems = []

    def one(label, make_value, mode, error):
        kwargs = spec.args()
        kwargs[param] = make_value(kwargs[param])
        if param in spec.nan_ok and label == "nan inside":
            mode, error = EDGE, None
        fn, obj = spec.bound()
        if obj is not None:
            kwargs["<self>"] = obj
        before = {k: snapshot(v) for k, v in kwargs.items()}
        kwargs.pop("<self>", None)
        outcome, result = run_call(fn, kwargs, spec.seconds)
        if obj is not None:
            kwargs["<self>"] = obj
        if counter is not None:
            counter["cases"] = counter.get("cases", 0) + 1
        p = judge(spec, param, label, mode, error, outcome, result, before, kwargs)
        if p:
            problems.append(p)

    valid = spec.args()[param]
    for label, value, mode, error in family(kind, valid, none_ok):
        one(label, lambda v, value=value: copy.deepcopy(value) if not isinstance(value, torch.nn.Module) else value,
            mode, error)
    strat = strategy(kind, valid)
    if strat is not None and spec.examples:
        @hypothesis.settings(max_examples=spec.examples, derandomize=True, deadline=None, database=None,
                             suppress_health_check=list(hypothesis.HealthCheck), phases=[hypothesis.Phase.generate])
        @hypothesis.given(strat)
        def generated(value):
            one(f"generated {value!r}"[:80], lambda v: value, EDGE, None)
        generated()
    return problems


def check_spec(spec: Spec, counter: dict | None = None) -> None:
    """Assert the contract of one spec: its valid call, then every parameter's generated values."""
    check_valid(spec)
    problems = []
    for param, (kind, none_ok) in parameters(spec).items():
        problems += check_param(spec, param, kind, none_ok, counter)
    assert not problems, f"{len(problems)} contract violations:\n" + "\n".join(problems)
