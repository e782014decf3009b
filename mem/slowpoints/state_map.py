"""The state map of a recurrent network and its speed (chapter 3).

A recurrent network with a constant input ``x`` is a map ``v -> F(v, x)`` on its state
``v``, flattened to one vector per candidate. :func:`dynamics` builds it from

* an RNNClassifier or a bare ``nn.GRU``/``nn.LSTM``/``nn.RNN`` with any number of layers
  (the state is every layer's ``h``, then every layer's ``c`` for LSTMs), or a cell:
  :class:`Dynamics`, with the exact equations of :func:`mem.models.cell_step`;
* any callable ``step(h, u) -> h_next`` on tensors, batched over candidates, whose state is
  one tensor or a tuple or dict of tensors: :class:`RecurrentMap`;
* a continuous-time network ``dh/dt = f(h, u)``: ``RecurrentMap(f, continuous=True)``.

Its *speed* at ``v`` is ``S(v, x) = ||F(v, x) - v||^2`` (:func:`speed`), the squared norm
of the residual :func:`residual_of`; in continuous time ``S = ||f(v, x)||^2``.

**LSTM states.** The state is ``(h, c)`` and ``F`` maps both. ``components``
chooses what enters ``S``: ``"full"`` (default) uses ``[h, c]``;
``"h_tanh_c"`` uses ``[h, tanh(c)]`` as the paper's code did (``tanh`` bounds
the cell's contribution); ``"h"`` uses ``h`` alone. All three vanish exactly at
the fixed points of the full map; they rank slow points differently. For GRUs
and vanilla RNNs there is no ``c`` and the three coincide. With ``"h_tanh_c"`` a
saturated cell coordinate (large ``|c|``) barely moves ``tanh c``: a point can pass
``S < tol`` while that ``c`` still drifts, so compare such points in ``[h, tanh c]``.
"""
from __future__ import annotations

import copy
import inspect
import math
from dataclasses import dataclass, replace

import numpy as np
import torch
from torch import nn
from torch.func import jacfwd, vmap

from .._checks import (
    check_bool,
    check_choice,
    check_device,
    check_float_dtype,
    check_int,
    check_model,
    check_tensor,
)
from ..models import ARCHS, RNNClassifier, cell_jacobian, cell_step

__all__ = [
    "COMPONENTS",
    "MAX_CANDIDATES",
    "Dynamics",
    "RecurrentMap",
    "dynamics",
    "flat_inputs",
    "flat_states",
    "paper_components",
    "residual_of",
    "speed",
]

COMPONENTS = ("full", "h_tanh_c", "h")  #: what enters S for LSTMs (see the module docstring)

#: The most candidates (rows) one search or one call of :func:`flat_inputs` takes: 10**7.
MAX_CANDIDATES = 10**7

_GATES = {"gru": 3, "lstm": 4}   # gates per unit in PyTorch's weight layout; 1 for vanilla RNNs


def _check_rows_finite(name: str, t: torch.Tensor) -> None:
    """Every row of ``t`` (N, n) must be finite: a ValueError naming ``name`` and the first bad rows."""
    bad = ~torch.isfinite(t).all(-1)
    if bool(bad.any()):
        raise ValueError(f"{name} must be finite; rows {bad.nonzero().squeeze(-1).tolist()[:10]} are not")


def _check_dyn(dyn) -> None:
    if not isinstance(dyn, (Dynamics, RecurrentMap)):
        raise TypeError(f"dyn must be a Dynamics or RecurrentMap (mem.slowpoints.dynamics(model)), "
                        f"got {type(dyn).__name__}")


# ---------------------------------------------------------------------------------------------
# The map F on flattened states, for RNNClassifier and bare torch modules and cells
# ---------------------------------------------------------------------------------------------
def residual_of(f: torch.Tensor, v: torch.Tensor, lstm_hidden: int | None = None,
                components: str = "full") -> torch.Tensor:
    """The residual whose squared norm is the speed: ``F(v) - v`` in the chosen components (chapters 3, 5).

    ``f`` and ``v`` are flattened states (..., n). For an LSTM pass ``lstm_hidden = H``
    (the state is ``[h, c]``); ``components`` then picks ``[h, c]`` ("full"), ``h``
    ("h") or ``[h, tanh c]`` ("h_tanh_c"). Differentiable in ``f`` and ``v``.

    Raises
    ------
    TypeError
        ``f`` or ``v`` is not a floating-point tensor, ``lstm_hidden`` not an int, ``components`` not a str.
    ValueError
        ``f`` or ``v`` holds NaN or inf, their shapes differ, ``2 * lstm_hidden`` is not their length, or
        ``components`` is not one of :data:`COMPONENTS`.
    """
    check_choice("components", components, COMPONENTS)
    check_tensor("f", f, convert=False, floating=True)
    check_tensor("v", v, convert=False, floating=True)
    if f.shape != v.shape:
        raise ValueError(f"f and v must have the same shape, got {tuple(f.shape)} and {tuple(v.shape)}")
    if lstm_hidden is not None:
        check_int("lstm_hidden", lstm_hidden)
        if f.dim() == 0 or 2 * lstm_hidden != f.shape[-1]:
            raise ValueError(f"lstm_hidden must be half the length of the state [h, c] "
                             f"({f.shape[-1] if f.dim() else 0}), got {lstm_hidden}")
    return _residual_of(f, v, lstm_hidden, components)


def _residual_of(f, v, lstm_hidden, components):
    """:func:`residual_of` without the checks (the searches call it under ``torch.func`` transforms)."""
    if lstm_hidden is None or components == "full":
        return f - v
    H = lstm_hidden
    if components == "h":
        return f[..., :H] - v[..., :H]
    return torch.cat([f[..., :H] - v[..., :H], torch.tanh(f[..., H:]) - torch.tanh(v[..., H:])], -1)


@dataclass(frozen=True)
class Dynamics:
    """The state map ``v -> F(v, x)`` of a (stacked) recurrent module, on detached weights (chapter 3).

    ``v`` is a flattened state of length ``state_size``: the ``h`` of every layer
    (``num_layers * hidden_size``), then, for LSTMs, the ``c`` of every layer. Layer ``k``
    takes the new ``h`` of layer ``k - 1`` as its input, as ``nn.GRU``/``nn.LSTM``/``nn.RNN``
    do. Build one with :func:`dynamics`. The constructor checks ``arch``, the sizes and that the weights
    are finite floating-point tensors of PyTorch's shapes for them (``TypeError`` / ``ValueError``).
    """

    arch: str
    hidden_size: int
    input_size: int
    weights: tuple          # (w_ih, w_hh, b_ih, b_hh) of each layer in turn, detached; biases may be None
    readout: tuple | None = None  # (W (C, H), b (C,)) of an RNNClassifier, else None
    num_layers: int = 1

    def __post_init__(self):
        check_choice("arch", self.arch, ARCHS)
        H, D = check_int("hidden_size", self.hidden_size), check_int("input_size", self.input_size)
        L = check_int("num_layers", self.num_layers)
        if not isinstance(self.weights, (tuple, list)):
            raise TypeError(f"weights must be a tuple (w_ih, w_hh, b_ih, b_hh) for each layer, "
                            f"got {type(self.weights).__name__}")
        if len(self.weights) != 4 * L:
            raise ValueError(f"weights must hold (w_ih, w_hh, b_ih, b_hh) for each of the num_layers={L} "
                             f"layer(s), got {len(self.weights)} tensors")
        GH = _GATES.get(self.arch, 1) * H
        setting = f"arch={self.arch!r}, hidden_size={H}, input_size={D} and num_layers={L}"
        for i, w in enumerate(self.weights):
            k, part = divmod(i, 4)
            what = ("w_ih", "w_hh", "b_ih", "b_hh")[part]
            if w is None and part >= 2:
                continue
            want = ((GH, D if k == 0 else H), (GH, H), (GH,), (GH,))[part]
            if not isinstance(w, torch.Tensor) or not w.is_floating_point():
                raise TypeError(f"weights must be floating-point tensors (biases may be None); layer {k}'s "
                                f"{what} is {type(w).__name__}")
            if tuple(w.shape) != want:
                raise ValueError(f"weights must fit {setting}: layer {k}'s {what} has shape {tuple(w.shape)}, "
                                 f"expected {want}")
            if not bool(torch.isfinite(w).all()):
                raise ValueError(f"weights must be finite: layer {k}'s {what} holds NaN or inf")
        if self.readout is not None:
            ro = self.readout
            if not (isinstance(ro, (tuple, list)) and len(ro) == 2 and all(isinstance(t, torch.Tensor) for t in ro)):
                raise TypeError(f"readout must be None or a pair of tensors (W (C, hidden_size), b (C,)), "
                                f"got {type(ro).__name__}")
            W, b = ro
            if W.dim() != 2 or W.shape[1] != H or tuple(b.shape) != (W.shape[0],):
                raise ValueError(f"readout must be (W (C, hidden_size={H}), b (C,)), got shapes {tuple(W.shape)} "
                                 f"and {tuple(b.shape)}")
            object.__setattr__(self, "readout", tuple(ro))
        object.__setattr__(self, "weights", tuple(self.weights))

    continuous = False  #: a discrete-time map (see :class:`RecurrentMap` for continuous time)

    @property
    def is_lstm(self) -> bool:
        return self.arch == "lstm"

    @property
    def h_size(self) -> int:
        """Length of the ``h`` part of the state: ``num_layers * hidden_size``."""
        return self.num_layers * self.hidden_size

    @property
    def state_size(self) -> int:
        return 2 * self.h_size if self.is_lstm else self.h_size

    @property
    def device(self) -> torch.device:
        return self.weights[0].device

    @property
    def dtype(self) -> torch.dtype:
        return self.weights[0].dtype

    def to(self, device=None, dtype=None) -> Dynamics:
        """A copy on ``device`` (a torch.device or string; None: the same) in the floating-point ``dtype``
        (None: the same)."""
        check_device("device", device, none_ok=True)
        check_float_dtype("dtype", dtype, none_ok=True)

        def mv(t):
            return None if t is None else t.to(device=device, dtype=dtype)
        ro = None if self.readout is None else tuple(mv(t) for t in self.readout)
        return replace(self, weights=tuple(mv(t) for t in self.weights), readout=ro)

    def _check_vx(self, v, x) -> None:
        """v (..., state_size) and x (..., input_size): finite tensors of the map's dtype, the same leading shape."""
        check_tensor("v", v, last=self.state_size, convert=False, floating=True)
        check_tensor("x", x, last=self.input_size, convert=False, floating=True)
        if v.shape[:-1] != x.shape[:-1]:
            raise ValueError(f"x must have the leading shape of v, got {tuple(x.shape)} for v {tuple(v.shape)}")
        if v.dtype != self.dtype or x.dtype != self.dtype:
            raise ValueError(f"v and x must have the map's dtype {self.dtype} (see to(dtype=...)), "
                             f"got {v.dtype} and {x.dtype}")

    def step(self, v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """``F(v, x)``: v (..., state_size), x (..., D) -> (..., state_size), finite tensors of the map's dtype."""
        self._check_vx(v, x)
        return self._step(v, x)

    def _step(self, v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """:meth:`step` without the checks: pure (``jacrev``/``vmap`` apply); the searches call it."""
        H, L = self.hidden_size, self.num_layers
        if L == 1:
            if self.is_lstm:
                h, c = cell_step(self.arch, x, v[..., :H], v[..., H:], *self.weights, check=False)
                return torch.cat([h, c], -1)
            return cell_step(self.arch, x, v, None, *self.weights, check=False)[0]
        hs, cs, inp = [], [], x
        for k in range(L):
            h = v[..., k * H:(k + 1) * H]
            c = v[..., self.h_size + k * H:self.h_size + (k + 1) * H] if self.is_lstm else None
            h, c = cell_step(self.arch, inp, h, c, *self.weights[4 * k:4 * k + 4], check=False)
            hs.append(h)
            cs.append(c)
            inp = h
        return torch.cat(hs + (cs if self.is_lstm else []), -1)

    def residual(self, v: torch.Tensor, x: torch.Tensor, components: str = "full") -> torch.Tensor:
        """``r(v)`` with ``S = ||r||^2``: ``F(v) - v``, or its ``h`` / ``[h, tanh c]`` version for LSTMs."""
        check_choice("components", components, COMPONENTS)
        self._check_vx(v, x)
        return self._residual(v, x, components)

    def _residual(self, v: torch.Tensor, x: torch.Tensor, components: str = "full") -> torch.Tensor:
        """:meth:`residual` without the checks (pure; the searches call it)."""
        return _residual_of(self._step(v, x), v, self.h_size if self.is_lstm else None, components)

    @property
    def analytic(self) -> bool:
        """True where :meth:`jacobian` is in closed form (one layer); stacks use autograd."""
        return self.num_layers == 1

    def jacobian(self, v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """``dF/dv`` (N, n, n) at states v (N, n) with inputs x (N, D): exact, in closed form for one
        layer (:func:`mem.models.cell_jacobian`), else by ``torch.func.jacfwd`` through :meth:`step`."""
        self._check_vx(v, x)
        if v.dim() != 2:
            raise ValueError(f"v must have shape (N, {self.state_size}), got {tuple(v.shape)}")
        return self._jacobian(v, x)

    def _jacobian(self, v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """:meth:`jacobian` without the checks (the searches call it)."""
        if not self.analytic:
            return vmap(jacfwd(self._step, argnums=0))(v, x)
        H = self.hidden_size
        c = v[..., H:] if self.is_lstm else None
        return cell_jacobian(self.arch, x, v[..., :H], c, *self.weights, check=False)

    def bounds(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(lower, upper), each (state_size,): the box the network's states can reach.

        ``h`` lies in [-1, 1] for GRUs (a convex mix of ``tanh`` and the old ``h``),
        tanh RNNs and LSTMs (``o * tanh(c)``), in every layer; ``c`` and relu/elu states
        are unbounded.
        """
        n, H = self.state_size, self.h_size
        lo = torch.full((n,), -math.inf, dtype=self.dtype, device=self.device)
        hi = torch.full((n,), math.inf, dtype=self.dtype, device=self.device)
        if self.arch in ("gru", "rnn_tanh", "lstm"):
            lo[:H], hi[:H] = -1.0, 1.0
        return lo, hi

    def logits(self, v: torch.Tensor) -> torch.Tensor:
        """Read-out at states v (N, state_size) -> (N, C); needs an RNNClassifier's read-out."""
        if self.readout is None:
            raise ValueError("logits need a read-out: build the dynamics from an RNNClassifier")
        check_tensor("v", v, last=self.state_size, convert=False, floating=True)
        W, b = self.readout
        return torch.nn.functional.linear(v[..., :self.hidden_size].to(W.dtype), W, b)


def _takes_two(fn) -> bool:
    """Whether ``fn(h, u)`` binds: two positional arguments (an ``nn.Module``'s ``forward``)."""
    try:
        inspect.signature(fn.forward if isinstance(fn, nn.Module) else fn).bind(None, None)
    except (TypeError, ValueError):
        return False
    return True


class RecurrentMap:
    """Any recurrent map as the finder takes it: ``step(h, u) -> h_next`` (chapter 3, for your own
    networks).

    Parameters
    ----------
    step : callable ``step(h, u)``, batched over candidates: ``h`` is the state of N candidates,
        one tensor (N, ...) or a tuple or dict of tensors (N, ...) (e.g. an LSTM's ``(h, c)``),
        ``u`` the input (N, D); it returns the next state in the same structure. It must be
        differentiable (``torch.func`` takes Jacobians of it) and compute in the dtype of ``h``:
        an ``nn.Module`` is copied and cast to the search's dtype for you (its parameters are
        not touched); a plain function must cast what it closes over itself.
    continuous : bool, default False
        ``True``: ``step`` is the vector field ``f(h, u) = dh/dt`` of a continuous-time
        network. The speed is ``||f||^2``, the Jacobians are ``df/dh`` and the time constants
        ``-1 / Re(lambda)`` (:class:`~mem.slowpoints.points.SlowPoints` reads them so).
    bounds : (lower, upper), optional, each a float or a tensor (state_size,): the box the
        network's states can reach, for ``bounded`` searches (None: unbounded)

    Notes
    -----
    The state's structure is learnt from the first states passed (:meth:`flatten`); results hold
    flattened states (N, state_size), which :meth:`unflatten` turns back into that structure.
    """

    arch = "map"
    is_lstm = False
    readout = None

    def __init__(self, step, *, continuous: bool = False, bounds=None):
        if not callable(step) or not _takes_two(step):
            raise TypeError(f"step must be a callable step(h, u) -> h_next, got {type(step).__name__}")
        continuous = check_bool("continuous", continuous)
        bounds = _check_bounds(bounds)
        self.fn, self.continuous, self.limits = step, continuous, bounds
        self.castable = isinstance(step, nn.Module)   # can run in float32 for cheaper Jacobians
        self.spec = None           # [(key, shape per candidate)], learnt by flatten
        self._kind = None          # the state's type: tensor, tuple or dict
        self.input_size = None     # learnt by flat_inputs
        self._dtype = None

    def __repr__(self) -> str:
        kind = "continuous" if self.continuous else "discrete"
        name = getattr(self.fn, "__name__", type(self.fn).__name__)
        return f"RecurrentMap({name}, {kind}, state_size={self.state_size})"

    # -- the state's structure ----------------------------------------------------------------
    @property
    def state_size(self) -> int | None:
        return None if self.spec is None else sum(math.prod(shape) for _, shape in self.spec)

    @property
    def hidden_size(self) -> int | None:
        """The whole flattened state (a RecurrentMap has no ``h``/``c`` split)."""
        return self.state_size

    h_size = hidden_size

    def flatten(self, state, name: str = "state") -> torch.Tensor:
        """A state of N candidates (tensor, tuple or dict of tensors (N, ...)) -> (N, state_size).

        The first call fixes the structure (keys and per-candidate shapes); later calls must match it.
        """
        if isinstance(state, torch.Tensor):
            items = [(None, state)]
        elif isinstance(state, tuple) and state and all(isinstance(t, torch.Tensor) for t in state):
            items = list(enumerate(state))
        elif isinstance(state, dict) and state and all(isinstance(t, torch.Tensor) for t in state.values()):
            items = list(state.items())
        else:
            raise TypeError(f"{name} must be a tensor (N, ...) or a tuple or dict of tensors (N, ...), "
                            f"got {type(state).__name__}")
        if any(t.dim() == 0 for _, t in items) or len({t.shape[0] for _, t in items}) != 1:
            raise ValueError(f"{name} must have one row per candidate in every tensor (N, ...), "
                             f"got shapes {[tuple(t.shape) for _, t in items]}")
        spec = [(k, tuple(t.shape[1:])) for k, t in items]
        if self.spec is not None and spec != self.spec:
            raise ValueError(f"{name} must have the structure of the map's states {self.spec}, got {spec}")
        N = items[0][1].shape[0]
        flat = torch.cat([t.reshape(N, math.prod(t.shape[1:])) for _, t in items], -1)
        _check_rows_finite(name, flat)
        if self.spec is None:       # learnt once the state has passed the checks
            self.spec = spec
            self._kind = type(state)
        return flat

    def _need_spec(self, what: str) -> None:
        if self.spec is None:
            raise ValueError(f"{what} needs the state's structure: flatten (or search from) a state first")

    def unflatten(self, v: torch.Tensor):
        """(..., state_size) -> the state's structure, each tensor of shape (..., per-candidate shape)."""
        self._need_spec("unflatten")
        check_tensor("v", v, last=self.state_size, convert=False, floating=True)
        return self._unflatten(v)

    def _unflatten(self, v: torch.Tensor):
        """:meth:`unflatten` without the checks (called under ``torch.func`` transforms)."""
        parts, i = [], 0
        for _, shape in self.spec:
            n = math.prod(shape)
            parts.append(v[..., i:i + n].reshape(*v.shape[:-1], *shape))
            i += n
        if issubclass(self._kind, torch.Tensor):
            return parts[0]
        if issubclass(self._kind, dict):
            return {k: p for (k, _), p in zip(self.spec, parts)}
        return tuple(parts)

    # -- the map on flattened states ------------------------------------------------------------
    @property
    def dtype(self) -> torch.dtype:
        return self._dtype or torch.get_default_dtype()

    @property
    def device(self) -> torch.device:
        if isinstance(self.fn, nn.Module):
            for p in self.fn.parameters():
                return p.device
        return torch.device("cpu")

    def to(self, device=None, dtype=None) -> RecurrentMap:
        """A copy computing in ``dtype`` (an ``nn.Module`` step is deep-copied, cast and frozen)."""
        check_device("device", device, none_ok=True)
        check_float_dtype("dtype", dtype, none_ok=True)
        fn = self.fn
        if isinstance(fn, nn.Module):
            fn = copy.deepcopy(fn).to(device=device, dtype=dtype).requires_grad_(False)
        out = RecurrentMap(fn, continuous=self.continuous, bounds=self.limits)
        out.spec, out._kind, out.input_size = self.spec, self._kind, self.input_size
        out._dtype = dtype or self._dtype
        return out

    def _call(self, v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """``step`` on flattened states, its output flattened: v (..., state_size), x (..., D)."""
        single = v.dim() == 1          # one candidate, as torch.func.vmap passes it
        vb, xb = (v.unsqueeze(0), x.unsqueeze(0)) if single else (v, x)
        out = self.fn(self._unflatten(vb), xb)
        items = [out] if isinstance(out, torch.Tensor) else (
            [out[k] for k, _ in self.spec] if isinstance(out, dict) else list(out))
        flat = torch.cat([t.reshape(vb.shape[0], -1) for t in items], -1)
        if flat.shape != vb.shape:
            raise ValueError(f"step must return the state's structure {self.spec}, got a state of size "
                             f"{flat.shape[-1]} instead of {vb.shape[-1]}")
        return flat.squeeze(0) if single else flat

    def _check_vx(self, v, x) -> None:
        """v (..., state_size) and x (..., D): finite floating-point tensors with the same leading shape."""
        self._need_spec("the map")
        check_tensor("v", v, last=self.state_size, convert=False, floating=True)
        check_tensor("x", x, last=self.input_size, convert=False, floating=True)
        if v.shape[:-1] != x.shape[:-1]:
            raise ValueError(f"x must have the leading shape of v, got {tuple(x.shape)} for v {tuple(v.shape)}")

    def step(self, v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """``F(v, x)`` on flattened states: v (..., state_size), x (..., D) -> (..., state_size).

        In continuous time ``F(v) = v + f(v)`` (one Euler step of unit length), so that the
        residual ``F(v) - v`` is ``f`` itself.
        """
        self._check_vx(v, x)
        return self._step(v, x)

    def _step(self, v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """:meth:`step` without the checks (the searches call it)."""
        return v + self._call(v, x) if self.continuous else self._call(v, x)

    def residual(self, v: torch.Tensor, x: torch.Tensor, components: str = "full") -> torch.Tensor:
        """``r(v) = F(v) - v`` (``f(v)`` in continuous time); only ``components="full"`` applies."""
        check_choice("components", components, COMPONENTS)
        self._check_vx(v, x)
        return self._residual(v, x, components)

    def _residual(self, v: torch.Tensor, x: torch.Tensor, components: str = "full") -> torch.Tensor:
        """:meth:`residual` without the checks of ``v`` and ``x`` (the searches call it)."""
        if components != "full":
            raise ValueError(f"components must be 'full' for a RecurrentMap (it has no h/c split), "
                             f"got {components!r}")
        return self._call(v, x) if self.continuous else self._call(v, x) - v

    def bounds(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(lower, upper), each (state_size,): the box given at construction, else unbounded."""
        self._need_spec("bounds")
        n = self.state_size
        lo, hi = (-math.inf, math.inf) if self.limits is None else self.limits
        lo, hi = (torch.as_tensor(b, dtype=self.dtype, device=self.device) for b in (lo, hi))
        if any(b.dim() > 1 or (b.dim() == 1 and len(b) not in (1, n)) for b in (lo, hi)):
            raise ValueError(f"bounds must be numbers or tensors of the state's length ({n}), got shapes "
                             f"{tuple(lo.shape)} and {tuple(hi.shape)}")
        return lo.expand(n).clone(), hi.expand(n).clone()

    def logits(self, v: torch.Tensor) -> torch.Tensor:
        raise ValueError("a RecurrentMap has no read-out; apply your own to unflatten(points.states)")


def _check_bounds(bounds) -> tuple | None:
    """A RecurrentMap's ``bounds``: None or a pair (lower, upper) of numbers or floating-point tensors,
    no NaN (inf is no bound), lower <= upper. Returns a tuple (or None)."""
    if bounds is None:
        return None
    allowed = "None or a pair (lower, upper) of numbers or tensors"
    if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
        raise TypeError(f"bounds must be {allowed}, got {bounds!r}")
    for b in bounds:
        if isinstance(b, torch.Tensor):
            if not b.is_floating_point():
                raise TypeError(f"bounds must be {allowed}; a tensor must be floating-point, got {b.dtype}")
        elif isinstance(b, (bool, np.bool_)) or not isinstance(b, (int, float, np.integer, np.floating)):
            raise TypeError(f"bounds must be {allowed}, got {bounds!r}")
    lo, hi = (torch.as_tensor(b, dtype=torch.float64) for b in bounds)
    if bool(torch.isnan(lo).any() | torch.isnan(hi).any()):
        raise ValueError(f"bounds must not hold NaN (inf: no bound), got {bounds!r}")
    try:
        crossed = bool((lo > hi).any())
    except RuntimeError:
        raise ValueError(f"bounds must have the same length, got shapes {tuple(lo.shape)} and {tuple(hi.shape)}") \
            from None
    if crossed:
        raise ValueError(f"bounds must have lower <= upper, got {bounds!r}")
    return tuple(bounds)


def _module_arch(m: nn.Module) -> str:
    if isinstance(m, (nn.GRU, nn.GRUCell)):
        return "gru"
    if isinstance(m, (nn.LSTM, nn.LSTMCell)):
        return "lstm"
    return "rnn_relu" if m.nonlinearity == "relu" else "rnn_tanh"


def dynamics(model) -> Dynamics | RecurrentMap:
    """The state map of ``model`` (chapter 3).

    Parameters
    ----------
    model : RNNClassifier; a unidirectional ``nn.GRU`` / ``nn.LSTM`` (without projections) /
        ``nn.RNN`` with any number of layers; ``nn.GRUCell`` / ``nn.LSTMCell`` / ``nn.RNNCell``;
        a :class:`Dynamics` or :class:`RecurrentMap` (returned as is); or any other callable
        ``step(h, u) -> h_next``, which becomes ``RecurrentMap(step)`` (discrete time; wrap a
        continuous-time ``f`` as ``RecurrentMap(f, continuous=True)`` yourself).

    Returns
    -------
    Dynamics (exact equations of the built-in architectures, weights ``detach()``-ed views: the
    model is not modified) or RecurrentMap.
    """
    if isinstance(model, (Dynamics, RecurrentMap)):
        return model
    if isinstance(model, RNNClassifier):
        r = model.rnn
        w = (r.weight_ih_l0, r.weight_hh_l0, r.bias_ih_l0, r.bias_hh_l0)
        ro = (model.readout.weight.detach(), model.readout.bias.detach())
        return Dynamics(model.arch, model.hidden_size, model.input_size, tuple(t.detach() for t in w), ro)
    layers = 1
    if isinstance(model, (nn.GRU, nn.LSTM, nn.RNN)):
        if model.bidirectional or getattr(model, "proj_size", 0):
            raise ValueError("model must be a unidirectional recurrent module without projections, "
                             f"got bidirectional={model.bidirectional}, proj_size={getattr(model, 'proj_size', 0)}")
        b, layers = model.bias, model.num_layers
        w = tuple(t for k in range(layers) for t in (
            getattr(model, f"weight_ih_l{k}"), getattr(model, f"weight_hh_l{k}"),
            getattr(model, f"bias_ih_l{k}") if b else None, getattr(model, f"bias_hh_l{k}") if b else None))
    elif isinstance(model, (nn.GRUCell, nn.LSTMCell, nn.RNNCell)):
        w = (model.weight_ih, model.weight_hh, model.bias_ih, model.bias_hh)
    elif callable(model) and not isinstance(model, type) and _takes_two(model):
        return RecurrentMap(model)
    else:
        raise TypeError("model must be a mem.models.RNNClassifier, an nn.GRU/nn.LSTM/nn.RNN, an "
                        f"nn.GRUCell/nn.LSTMCell/nn.RNNCell or a callable step(h, u), got {type(model).__name__}")
    w = tuple(None if t is None else t.detach() for t in w)
    return Dynamics(_module_arch(model), model.hidden_size, model.input_size, w, num_layers=layers)


# ---------------------------------------------------------------------------------------------
# States and inputs as the map takes them
# ---------------------------------------------------------------------------------------------
def flat_states(dyn: Dynamics, state, name: str, dtype) -> torch.Tensor:
    """State / (h, c) / tensor -> a new (N, state_size) tensor of ``dtype`` on the dynamics' device (chapter 3).

    ``state`` is a :class:`mem.models.State` with h (N, H) (and c (N, H) for LSTMs), or a
    tensor (N, H) for GRUs and RNNs; a single state (H,) counts as N = 1. A stacked module's
    state is given in torch's layout (num_layers, N, H) or flattened (N, num_layers * H); a
    :class:`RecurrentMap`'s in its own structure (:meth:`RecurrentMap.flatten`). ``name`` is the
    parameter named in the errors. The result is a detached copy: ``state`` is not modified.

    Raises
    ------
    TypeError
        ``dyn`` is not a map, ``state`` not a State or tensor, ``dtype`` not a floating-point dtype.
    ValueError
        ``state`` has the wrong shape or a row that is not finite.
    """
    _check_dyn(dyn)
    check_float_dtype("dtype", dtype)
    if isinstance(dyn, RecurrentMap):
        return dyn.flatten(state, name).detach().to(device=dyn.device, dtype=dtype).clone()
    H, L = dyn.hidden_size, dyn.num_layers
    if isinstance(state, torch.Tensor):
        if dyn.is_lstm:
            raise ValueError(f"{name}: an LSTM state needs the cell state c; pass State(h, c) "
                             "(mem.models.State), not a tensor")
        h, c = state, None
    elif isinstance(state, tuple) and len(state) in (1, 2):
        h, c = (state[0], None) if len(state) == 1 else state
    else:
        raise TypeError(f"{name} must be a mem.models.State(h, c) or a tensor of shape (N, {H}), "
                        f"got {type(state).__name__}")
    if not isinstance(h, torch.Tensor) or not (c is None or isinstance(c, torch.Tensor)):
        raise TypeError(f"{name} must be a mem.models.State(h, c) of tensors (c None but for LSTMs), "
                        f"got h {type(h).__name__} and c {type(c).__name__}")
    if h.dim() == 1:
        h = h.unsqueeze(0)
        c = None if c is None else c.unsqueeze(0)
    if h.dim() == 3 and h.shape[0] == L and h.shape[2] == H:   # torch's layout (num_layers, N, H)
        h = h.transpose(0, 1).reshape(h.shape[1], L * H)
        c = None if c is None or c.dim() != 3 else c.transpose(0, 1).reshape(c.shape[1], L * H)
    if h.dim() != 2 or h.shape[1] != L * H:
        layout = f"(N, {H})" if L == 1 else f"({L}, N, {H}) or (N, {L * H})"
        raise ValueError(f"{name}.h must have shape {layout} for this {dyn.arch} with hidden_size={H}, "
                         f"got {tuple(h.shape)}")
    if dyn.is_lstm:
        if c is None:
            raise ValueError(f"{name}: an LSTM state needs the cell state c; got State(h, c=None)")
        if c.shape != h.shape:
            raise ValueError(f"{name}.c must have the shape of h {tuple(h.shape)}, got {tuple(c.shape)}")
        v = torch.cat([h, c], -1)
    else:
        if c is not None:
            raise ValueError(f"{name}: a {dyn.arch} state has no cell state; pass c=None")
        v = h
    _check_rows_finite(name, v)
    return v.detach().to(device=dyn.device, dtype=dtype).clone()


def flat_inputs(dyn: Dynamics, inputs, N: int, dtype) -> torch.Tensor:
    """A constant input (D,) or one per state (1 or N, D) -> a new (N, D) tensor of ``dtype`` (chapter 3).

    On the dynamics' device, detached; ``inputs`` is not modified. ``N`` is at most
    :data:`MAX_CANDIDATES`. A :class:`RecurrentMap` learns its input size ``D`` here, once ``inputs``
    has passed the checks.

    Raises
    ------
    TypeError
        ``dyn`` is not a map, ``inputs`` not a tensor, ``N`` not an int, ``dtype`` not a floating-point dtype.
    ValueError
        ``inputs`` has the wrong shape or a row that is not finite; ``N`` is out of range.
    """
    _check_dyn(dyn)
    N = check_int("N", N, 0, MAX_CANDIDATES)
    check_float_dtype("dtype", dtype)
    learn = isinstance(dyn, RecurrentMap) and dyn.input_size is None and isinstance(inputs, torch.Tensor) \
        and inputs.dim() in (1, 2)
    D = inputs.shape[-1] if learn else dyn.input_size
    if not isinstance(inputs, torch.Tensor):
        raise TypeError(f"inputs must be a tensor of shape ({D},) or (N, {D}), got {type(inputs).__name__}")
    if inputs.dim() == 1:
        inputs = inputs.unsqueeze(0).expand(N, -1)
    if inputs.dim() != 2 or inputs.shape[1] != D or inputs.shape[0] not in (1, N):
        raise ValueError(f"inputs must have shape ({D},) or ({N}, {D}), got {tuple(inputs.shape)}")
    _check_rows_finite("inputs", inputs)
    if learn:
        dyn.input_size = D
    return inputs.detach().to(device=dyn.device, dtype=dtype).expand(N, -1).clone()




def paper_components(model, components: str | None = None) -> str:
    """What enters the speed S: ``components`` if given, else the paper's choice (chapter 4).

    The paper's choice is ``"h_tanh_c"`` for LSTMs and ``"full"`` otherwise. ``model`` is an RNNClassifier.
    """
    check_model(model)
    if components is None:
        return "h_tanh_c" if model.is_lstm else "full"
    return check_choice("components", components, COMPONENTS)




def speed(model, state, inputs, components: str = "full") -> torch.Tensor:
    """The speed ``S(v, x) = ||F(v, x) - v||^2`` of each state (chapter 3).

    Parameters
    ----------
    model : anything :func:`dynamics` accepts
    state : State with h (N, H) (and c (N, H) for LSTMs), or a tensor (N, H) for GRUs/RNNs; a
        stacked module's in torch's layout (num_layers, N, H); a RecurrentMap's in its own structure
    inputs : (D,) shared input, or (N, D)
    components : {"full", "h_tanh_c", "h"}, which parts of an LSTM state enter S

    Returns
    -------
    (N,) tensor in the state's floating dtype. ``state`` is not modified.
    """
    check_choice("components", components, COMPONENTS)
    dyn = dynamics(model)
    h = state if isinstance(state, torch.Tensor) else (
        state[0] if isinstance(state, tuple) and state else
        next(iter(state.values()), None) if isinstance(state, dict) else None)
    dtype = h.dtype if isinstance(h, torch.Tensor) and h.is_floating_point() else dyn.dtype
    v = flat_states(dyn, state, "state", dtype)
    x = flat_inputs(dyn, inputs, v.shape[0], dtype)
    with torch.no_grad():
        r = dyn.to(dtype=dtype)._residual(v, x, components)
    return (r * r).sum(-1)

