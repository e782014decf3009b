"""Slow points and fixed points of a recurrent network (chapter 3).

A network with a constant input ``x`` is a map ``v -> F(v, x)`` on its state
``v`` (``h``, or ``[h, c]`` for LSTMs). Its *speed* at ``v`` is

    S(v, x) = ||F(v, x) - v||^2.

Fixed points have ``S = 0``; *slow points* are local minima of ``S`` with
``S > 0``, where the network still moves, but slowly. Haviv, Rivkind & Barak
(2019) found them by gradient descent on ``S`` with Adam, as FixedPointFinder
(Golub & Sussillo 2018) does. A fixed Adam budget stops early, wherever the
candidates happen to be (chapter 3 measures it), so this module also offers a
second-order search: Levenberg-Marquardt on the residual ``r(v) = F(v) - v``
with geodesic acceleration and batched Jacobians from ``torch.func.vmap``. It
converges quadratically near a regular fixed point and says, for every
candidate, which of three things happened:

* ``"fixed"``: ``S < tol`` -- a fixed point to the tolerance;
* ``"slow"``: ``S >= tol`` but ``||grad S|| <= grad_tol`` -- a stationary slow point;
* ``"moving"``: neither after ``max_iter`` iterations -- still creeping.

Two details matter on trained networks (chapter 3 shows both). The search is
*bounded* by default to the states the network can reach (``|h_i| <= 1`` for
GRUs, tanh RNNs and LSTMs): unbounded, a GRU search can end at ``|h_i| > 1``,
where a saturated update gate gives ``h' = h`` at states no trajectory visits.
And the class memories of the zoo networks lie on a very flat slow manifold,
so a fixed-budget search stops wherever its budget runs out; the outcome says so.

Cost: the Levenberg-Marquardt steps use float32 Jacobians (forward mode, about
four times cheaper than float64 reverse mode) with the exact float64 gradient
``J^T r`` (one vector-Jacobian product); a candidate whose steps stall switches
to float64 Jacobians. Residuals, ``S``, the outcome tests and the Jacobians in
the result are all float64 (the ``dtype`` argument).

**LSTM states.** The state is ``(h, c)`` and ``F`` maps both. ``components``
chooses what enters ``S``: ``"full"`` (default) uses ``[h, c]``;
``"h_tanh_c"`` uses ``[h, tanh(c)]`` as the paper's code did (``tanh`` bounds
the cell's contribution); ``"h"`` uses ``h`` alone. All three vanish exactly at
the fixed points of the full map; they rank slow points differently. For GRUs
and vanilla RNNs there is no ``c`` and the three coincide. With ``"h_tanh_c"`` a
saturated cell coordinate (large ``|c|``) barely moves ``tanh c``: a point can pass
``S < tol`` while that ``c`` still drifts, so compare such points in ``[h, tanh c]``.

Everything here works on detached copies of the weights: the model's
parameters, their ``requires_grad`` and their ``.grad`` are never touched, and
the states passed in are never modified.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Optional

import torch
from torch import nn
from torch.func import jacfwd, jacrev, jvp, vjp, vmap
from tqdm.auto import tqdm

from ._checks import check_count, check_model, positive_ints
from .models import ARCHS, RNNClassifier, State, cell_step

__all__ = ["COMPONENTS", "METHODS", "OUTCOMES", "Dynamics", "dynamics", "speed", "find_slow_points",
           "SlowPoints", "states_along", "class_mean_states", "trajectory_states", "find_class_slow_points", "formation",
           "formation_displacement"]

COMPONENTS = ("full", "h_tanh_c", "h")  #: what enters S for LSTMs (see the module docstring)
METHODS = ("newton", "adam")            #: search methods of :func:`find_slow_points`
OUTCOMES = ("fixed", "slow", "moving")  #: per-candidate outcomes, in the order of their codes 0, 1, 2


# ---------------------------------------------------------------------------------------------
# The map F on flattened states, for RNNClassifier and bare torch modules and cells
# ---------------------------------------------------------------------------------------------
def residual_of(f: torch.Tensor, v: torch.Tensor, lstm_hidden: int | None = None,
                components: str = "full") -> torch.Tensor:
    """The residual whose squared norm is the speed: ``F(v) - v`` in the chosen components (chapters 3, 5).

    ``f`` and ``v`` are flattened states (..., n). For an LSTM pass ``lstm_hidden = H``
    (the state is ``[h, c]``); ``components`` then picks ``[h, c]`` ("full"), ``h``
    ("h") or ``[h, tanh c]`` ("h_tanh_c"). Differentiable in ``f`` and ``v``.
    """
    _check_choice("components", components, COMPONENTS)
    if f.shape != v.shape:
        raise ValueError(f"f and v must have the same shape, got {tuple(f.shape)} and {tuple(v.shape)}")
    if lstm_hidden is None or components == "full":
        return f - v
    H = lstm_hidden
    if components == "h":
        return f[..., :H] - v[..., :H]
    return torch.cat([f[..., :H] - v[..., :H], torch.tanh(f[..., H:]) - torch.tanh(v[..., H:])], -1)


@dataclass(frozen=True)
class Dynamics:
    """The state map ``v -> F(v, x)`` of a one-layer recurrent module, on detached weights (chapter 3).

    ``v`` is a flattened state of length ``state_size``: ``h`` (H), or ``[h, c]``
    (2H) for LSTMs. Build one with :func:`dynamics`.
    """

    arch: str
    hidden_size: int
    input_size: int
    weights: tuple          # (w_ih, w_hh, b_ih, b_hh), detached; biases may be None
    readout: Optional[tuple] = None  # (W (C, H), b (C,)) of an RNNClassifier, else None

    def __post_init__(self):
        _check_choice("arch", self.arch, ARCHS)

    @property
    def is_lstm(self) -> bool:
        return self.arch == "lstm"

    @property
    def state_size(self) -> int:
        return 2 * self.hidden_size if self.is_lstm else self.hidden_size

    @property
    def device(self) -> torch.device:
        return self.weights[0].device

    @property
    def dtype(self) -> torch.dtype:
        return self.weights[0].dtype

    def to(self, device=None, dtype=None) -> "Dynamics":
        def mv(t):
            return None if t is None else t.to(device=device, dtype=dtype)
        ro = None if self.readout is None else tuple(mv(t) for t in self.readout)
        return replace(self, weights=tuple(mv(t) for t in self.weights), readout=ro)

    def step(self, v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """``F(v, x)``: v (..., state_size), x (..., D) -> (..., state_size). Pure (jacrev/vmap apply)."""
        H = self.hidden_size
        if self.is_lstm:
            h, c = cell_step(self.arch, x, v[..., :H], v[..., H:], *self.weights)
            return torch.cat([h, c], -1)
        return cell_step(self.arch, x, v, None, *self.weights)[0]

    def residual(self, v: torch.Tensor, x: torch.Tensor, components: str = "full") -> torch.Tensor:
        """``r(v)`` with ``S = ||r||^2``: ``F(v) - v``, or its ``h`` / ``[h, tanh c]`` version for LSTMs."""
        return residual_of(self.step(v, x), v, self.hidden_size if self.is_lstm else None, components)

    def bounds(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(lower, upper), each (state_size,): the box the network's states can reach.

        ``h`` lies in [-1, 1] for GRUs (a convex mix of ``tanh`` and the old ``h``),
        tanh RNNs and LSTMs (``o * tanh(c)``); ``c`` and relu/elu states are unbounded.
        """
        n, H = self.state_size, self.hidden_size
        lo = torch.full((n,), -math.inf, dtype=self.dtype, device=self.device)
        hi = torch.full((n,), math.inf, dtype=self.dtype, device=self.device)
        if self.arch in ("gru", "rnn_tanh", "lstm"):
            lo[:H], hi[:H] = -1.0, 1.0
        return lo, hi

    def logits(self, v: torch.Tensor) -> torch.Tensor:
        """Read-out at states v (N, state_size) -> (N, C); needs an RNNClassifier's read-out."""
        if self.readout is None:
            raise ValueError("logits need a read-out: build the dynamics from an RNNClassifier")
        W, b = self.readout
        return torch.nn.functional.linear(v[..., :self.hidden_size].to(W.dtype), W, b)


def _module_arch(m: nn.Module) -> str:
    if isinstance(m, (nn.GRU, nn.GRUCell)):
        return "gru"
    if isinstance(m, (nn.LSTM, nn.LSTMCell)):
        return "lstm"
    return "rnn_relu" if m.nonlinearity == "relu" else "rnn_tanh"


def dynamics(model) -> Dynamics:
    """The state map of ``model`` with detached weights (chapter 3).

    Parameters
    ----------
    model : RNNClassifier, or a one-layer unidirectional ``nn.GRU`` / ``nn.LSTM``
        (without projections) / ``nn.RNN``, or ``nn.GRUCell`` / ``nn.LSTMCell`` /
        ``nn.RNNCell``, or a :class:`Dynamics` (returned as is).

    Returns
    -------
    Dynamics. Its weights are ``detach()``-ed views: the model is not modified.
    """
    if isinstance(model, Dynamics):
        return model
    if isinstance(model, RNNClassifier):
        r = model.rnn
        w = (r.weight_ih_l0, r.weight_hh_l0, r.bias_ih_l0, r.bias_hh_l0)
        ro = (model.readout.weight.detach(), model.readout.bias.detach())
        return Dynamics(model.arch, model.hidden_size, model.input_size, tuple(t.detach() for t in w), ro)
    if isinstance(model, (nn.GRU, nn.LSTM, nn.RNN)):
        if model.num_layers != 1 or model.bidirectional or getattr(model, "proj_size", 0):
            raise ValueError("model must be a one-layer, unidirectional recurrent module without projections, "
                             f"got num_layers={model.num_layers}, bidirectional={model.bidirectional}, "
                             f"proj_size={getattr(model, 'proj_size', 0)}")
        b = model.bias
        w = (model.weight_ih_l0, model.weight_hh_l0, model.bias_ih_l0 if b else None,
             model.bias_hh_l0 if b else None)
    elif isinstance(model, (nn.GRUCell, nn.LSTMCell, nn.RNNCell)):
        w = (model.weight_ih, model.weight_hh, model.bias_ih, model.bias_hh)
    else:
        raise ValueError("model must be a mem.models.RNNClassifier, an nn.GRU/nn.LSTM/nn.RNN or an "
                         f"nn.GRUCell/nn.LSTMCell/nn.RNNCell, got {type(model).__name__}")
    w = tuple(None if t is None else t.detach() for t in w)
    return Dynamics(_module_arch(model), model.hidden_size, model.input_size, w)


# ---------------------------------------------------------------------------------------------
# Argument handling
# ---------------------------------------------------------------------------------------------
def _flat_states(dyn: Dynamics, state, name: str, dtype) -> torch.Tensor:
    """State / (h, c) / tensor -> a new (N, state_size) tensor of ``dtype`` on the dynamics' device."""
    H = dyn.hidden_size
    if isinstance(state, torch.Tensor):
        if dyn.is_lstm:
            raise ValueError(f"{name}: an LSTM state needs the cell state c; pass State(h, c) "
                             "(mem.models.State), not a tensor")
        h, c = state, None
    elif isinstance(state, tuple) and len(state) in (1, 2):
        h, c = (state[0], None) if len(state) == 1 else state
    else:
        raise ValueError(f"{name} must be a mem.models.State(h, c) or a tensor of shape (N, {H}), "
                         f"got {type(state).__name__}")
    if h.dim() == 1:
        h = h.unsqueeze(0)
        c = None if c is None else c.unsqueeze(0)
    if h.dim() != 2 or h.shape[1] != H:
        raise ValueError(f"{name}.h must have shape (N, {H}) for this {dyn.arch} with hidden_size={H}, "
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
    return v.detach().to(device=dyn.device, dtype=dtype).clone()


def _inputs(dyn: Dynamics, inputs, N: int, dtype) -> torch.Tensor:
    D = dyn.input_size
    if not isinstance(inputs, torch.Tensor):
        raise ValueError(f"inputs must be a tensor of shape ({D},) or (N, {D}), got {type(inputs).__name__}")
    if inputs.dim() == 1:
        inputs = inputs.unsqueeze(0).expand(N, -1)
    if inputs.dim() != 2 or inputs.shape[1] != D or inputs.shape[0] not in (1, N):
        raise ValueError(f"inputs must have shape ({D},) or ({N}, {D}), got {tuple(inputs.shape)}")
    return inputs.detach().to(device=dyn.device, dtype=dtype).expand(N, -1).clone()


def _check_choice(name, value, allowed):
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def paper_components(model, components: str | None = None) -> str:
    """What enters the speed S: ``components`` if given, else the paper's choice (chapter 4).

    The paper's choice is ``"h_tanh_c"`` for LSTMs and ``"full"`` otherwise.
    """
    if components is None:
        return "h_tanh_c" if model.is_lstm else "full"
    _check_choice("components", components, COMPONENTS)
    return components


def _check_positive(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")


def speed(model, state, inputs, components: str = "full") -> torch.Tensor:
    """The speed ``S(v, x) = ||F(v, x) - v||^2`` of each state (chapter 3).

    Parameters
    ----------
    model : anything :func:`dynamics` accepts
    state : State with h (N, H) (and c (N, H) for LSTMs), or a tensor (N, H) for GRUs/RNNs
    inputs : (D,) shared input, or (N, D)
    components : {"full", "h_tanh_c", "h"}, which parts of an LSTM state enter S

    Returns
    -------
    (N,) tensor in the state's floating dtype. ``state`` is not modified.
    """
    _check_choice("components", components, COMPONENTS)
    dyn = dynamics(model)
    h = state if isinstance(state, torch.Tensor) else (state[0] if isinstance(state, tuple) else None)
    dtype = h.dtype if isinstance(h, torch.Tensor) and h.is_floating_point() else dyn.dtype
    v = _flat_states(dyn, state, "state", dtype)
    x = _inputs(dyn, inputs, v.shape[0], dtype)
    with torch.no_grad():
        r = dyn.to(dtype=dtype).residual(v, x, components)
    return (r * r).sum(-1)


# ---------------------------------------------------------------------------------------------
# The container
# ---------------------------------------------------------------------------------------------
_PER_POINT = ("states", "speed", "grad_norm", "outcome", "n_iter", "inputs", "initial_states", "labels",
              "jacobians")


@dataclass
class SlowPoints:
    """Result of :func:`find_slow_points`, one row per candidate (chapter 3).

    In the spirit of FixedPointFinder's ``FixedPoints``: index it (``sp[3]``,
    ``sp[mask]``, ``sp[:5]``) to get a smaller ``SlowPoints``, select by outcome
    or speed, ``to(device)``, ``save``/``load``, and ``summary()`` for a table.

    Attributes
    ----------
    states : (N, n) flattened states ``h`` or ``[h, c]``
    speed : (N,) S at ``states`` (with the search's ``components``)
    grad_norm : (N,) ``||grad S||`` at ``states``
    outcome : (N,) int codes into :data:`OUTCOMES` (0 fixed, 1 slow, 2 moving)
    n_iter : (N,) iterations spent on each candidate
    inputs : (N, D) the constant input of the search
    initial_states : (N, n) where each search started
    labels : (N,) int64, the class a candidate belongs to (-1 if none)
    jacobians : (N, n, n) ``dF/dv`` at ``states``, or None
    arch, hidden_size, components, method : the setting
    info : dict of the search's parameters (tol, grad_tol, max_iter, lr, ...) and its wall time
    """

    states: torch.Tensor
    speed: torch.Tensor
    grad_norm: torch.Tensor
    outcome: torch.Tensor
    n_iter: torch.Tensor
    inputs: torch.Tensor
    initial_states: torch.Tensor
    labels: torch.Tensor
    jacobians: Optional[torch.Tensor]
    arch: str
    hidden_size: int
    components: str = "full"
    method: str = "newton"
    info: dict = field(default_factory=dict)

    # -- views --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.states.shape[0]

    def __repr__(self) -> str:
        counts = ", ".join(f"{o}={int((self.outcome == i).sum())}" for i, o in enumerate(OUTCOMES))
        return f"SlowPoints(n={len(self)}, {counts}, arch={self.arch!r}, method={self.method!r})"

    def __getitem__(self, idx) -> "SlowPoints":
        if isinstance(idx, int):
            idx = slice(idx, idx + 1 if idx != -1 else None)
        if isinstance(idx, torch.Tensor):
            idx = idx.to(self.states.device)
        kw = {}
        for f in _PER_POINT:
            t = getattr(self, f)
            kw[f] = None if t is None else t[idx].clone()  # a copy, never a view into self
        return replace(self, **kw)

    @property
    def is_lstm(self) -> bool:
        return self.arch == "lstm"

    @property
    def h(self) -> torch.Tensor:
        """(N, H) hidden-state part of ``states``."""
        return self.states[:, :self.hidden_size]

    @property
    def c(self) -> Optional[torch.Tensor]:
        """(N, H) cell-state part for LSTMs, else None."""
        return self.states[:, self.hidden_size:] if self.is_lstm else None

    @property
    def state(self) -> State:
        """The points as a :class:`mem.models.State`."""
        return State(self.h, self.c)

    @property
    def outcome_names(self) -> list[str]:
        return [OUTCOMES[int(i)] for i in self.outcome]

    @property
    def converged(self) -> torch.Tensor:
        """(N,) bool: fixed points (S < tol)."""
        return self.outcome == 0

    @property
    def stationary(self) -> torch.Tensor:
        """(N,) bool: fixed points or stationary slow points (the search stopped for a reason)."""
        return self.outcome <= 1

    @property
    def in_bounds(self) -> torch.Tensor:
        """(N,) bool: the point lies in the box of reachable states, closed (``|h_i| <= 1`` for GRU,
        tanh RNN and LSTM; always True for relu/elu RNNs). Bounded searches stay in it, and may
        end on its faces ``|h_i| = 1``, the limit that states approach under saturation.
        Unbounded searches can leave it."""
        if self.arch in ("gru", "rnn_tanh", "lstm"):
            return (self.h.abs() <= 1).all(-1)
        return torch.ones(len(self), dtype=torch.bool, device=self.states.device)

    def select(self, outcome: str | tuple | None = None, max_speed: float | None = None,
               label: int | None = None) -> "SlowPoints":
        """Keep candidates with the given outcome(s), ``speed <= max_speed`` and/or ``label``."""
        keep = torch.ones(len(self), dtype=torch.bool, device=self.states.device)
        if outcome is not None:
            wanted = (outcome,) if isinstance(outcome, str) else tuple(outcome)
            for o in wanted:
                _check_choice("outcome", o, OUTCOMES)
            keep &= torch.isin(self.outcome, torch.tensor([OUTCOMES.index(o) for o in wanted],
                                                          device=self.outcome.device))
        if max_speed is not None:
            keep &= self.speed <= max_speed
        if label is not None:
            keep &= self.labels == label
        return self[keep]

    def sort(self) -> "SlowPoints":
        """Ordered by speed, slowest first."""
        return self[torch.argsort(self.speed)]

    # -- linearisation ------------------------------------------------------------------------
    def _need_jacobians(self):
        if self.jacobians is None:
            raise ValueError("these slow points have no Jacobians: search with jacobians=True")

    def eig(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Eigen-decomposition of each Jacobian, sorted by decreasing ``|lambda|``.

        Returns
        -------
        (values (N, n) complex, vectors (N, n, n) complex; column k goes with values[:, k])
        """
        self._need_jacobians()
        vals, vecs = torch.linalg.eig(self.jacobians.cpu().double())
        order = torch.argsort(vals.abs(), dim=-1, descending=True)
        vals = torch.gather(vals, -1, order)
        vecs = torch.gather(vecs, -1, order.unsqueeze(-2).expand_as(vecs))
        return vals, vecs

    def eigenvalues(self) -> torch.Tensor:
        """(N, n) complex eigenvalues of ``dF/dv`` at each point, sorted by decreasing modulus."""
        self._need_jacobians()
        vals = torch.linalg.eigvals(self.jacobians.cpu().double())
        return torch.gather(vals, -1, torch.argsort(vals.abs(), dim=-1, descending=True))

    def max_abs_eigenvalue(self) -> torch.Tensor:
        """(N,) largest ``|lambda|`` of each Jacobian."""
        return self.eigenvalues().abs()[:, 0]

    def time_constant(self) -> torch.Tensor:
        """(N,) slowest time constant ``tau = -1 / log|lambda_max|`` in steps (discrete time).

        ``inf`` when ``|lambda_max| = 1``; negative when the slowest mode is
        unstable (``|lambda_max| > 1``; it grows with time constant ``|tau|``).
        """
        lam = self.max_abs_eigenvalue()
        with torch.no_grad():
            return -1.0 / torch.log(lam)

    def n_unstable(self) -> torch.Tensor:
        """(N,) number of eigenvalues with ``|lambda| > 1``."""
        return (self.eigenvalues().abs() > 1.0).sum(-1)

    def n_slow(self, tau: float = 20.0) -> torch.Tensor:
        """(N,) number of stable modes slower than ``tau`` steps: ``exp(-1/tau) <= |lambda| <= 1``."""
        _check_positive("tau", tau)
        a = self.eigenvalues().abs()
        return ((a >= math.exp(-1.0 / tau)) & (a <= 1.0)).sum(-1)

    def readout(self, model, inputs: torch.Tensor | None = None) -> torch.Tensor:
        """(N,) the class an RNNClassifier reports from each point (arg-max of its read-out).

        With ``inputs`` (D,) or (N, D), the network first takes one step with that
        input, e.g. ``task.mean_input(trigger=True)``: the class it would report if
        the trigger arrived while the state sits at the point. Without, the
        read-out of the point itself (the null class 0 for a well-trained network).
        """
        dyn = dynamics(model)
        with torch.no_grad():
            v = self.states.to(device=dyn.device, dtype=dyn.dtype)
            if inputs is not None:
                v = dyn.step(v, _inputs(dyn, inputs, len(self), dyn.dtype))
            return dyn.logits(v).argmax(-1).to(self.states.device)

    def uncertainty(self) -> torch.Tensor:
        """(N,) first-order bound on the distance to the exact fixed point: ``sqrt(S) / sigma_min(J - I)``.

        Newton's error estimate: a point with residual ``r`` lies within about
        ``||r|| / sigma_min(J - I)`` of the zero of ``r``. Large near marginal
        (``|lambda| ~ 1``) fixed points, where the position is poorly determined.
        """
        self._need_jacobians()
        J = self.jacobians.double()
        smin = torch.linalg.svdvals(J - torch.eye(J.shape[-1], dtype=J.dtype, device=J.device))[:, -1]
        return (self.speed.double().sqrt() / smin).to(self.speed.dtype)

    # -- cleaning -----------------------------------------------------------------------------
    def deduplicate(self, tol: float = 1e-3) -> "SlowPoints":
        """Merge points closer than ``tol`` (Euclidean distance in state space), keeping the slowest.

        Greedy: visit points from slowest to fastest and keep one unless a kept
        point lies within ``tol``. The default 1e-3 is FixedPointFinder's
        ``tol_unique``; state coordinates are O(1). Near a marginal fixed point
        copies converged from different sides can lie further apart than that:
        :meth:`uncertainty` estimates how far, so pick ``tol`` with it in view.
        """
        _check_positive("tol", tol)
        order = torch.argsort(self.speed).tolist()
        d = torch.cdist(self.states.double(), self.states.double())
        kept: list[int] = []
        for i in order:
            if not kept or bool((d[i, kept] > tol).all()):
                kept.append(i)
        return self[torch.tensor(sorted(kept), dtype=torch.long, device=self.states.device)]

    def remove_outliers(self, scale: float = 10.0) -> "SlowPoints":
        """Drop points far from where the search started (FixedPointFinder's rule).

        A point is an outlier if its distance to the centroid of ``initial_states``
        exceeds ``scale`` times the mean distance of the initial states from that
        centroid. Default ``scale = 10`` as in FixedPointFinder.
        """
        _check_positive("scale", scale)
        centre = self.initial_states.mean(0, keepdim=True)
        spread = (self.initial_states - centre).norm(dim=-1).mean()
        return self[(self.states - centre).norm(dim=-1) <= scale * spread]

    # -- bookkeeping --------------------------------------------------------------------------
    def to(self, device) -> "SlowPoints":
        kw = {f: (None if getattr(self, f) is None else getattr(self, f).to(device)) for f in _PER_POINT}
        return replace(self, **kw)

    def save(self, path) -> None:
        """Save to ``path`` with ``torch.save`` (tensors and plain values only)."""
        torch.save({f.name: getattr(self, f.name) for f in fields(self)}, Path(path))

    @classmethod
    def load(cls, path, map_location="cpu") -> "SlowPoints":
        """Load what :meth:`save` wrote (``weights_only=True``: no code is unpickled)."""
        return cls(**torch.load(Path(path), map_location=map_location, weights_only=True))

    def summary(self, model=None):
        """A pandas DataFrame, one row per point: label, outcome, speed, ``|grad S|``, iterations,
        ``|lambda|_max``, tau, unstable and slow modes (if Jacobians were kept) and, given an
        RNNClassifier ``model``, the class its read-out reports."""
        import pandas as pd

        df = pd.DataFrame({"label": self.labels.cpu().numpy(), "outcome": self.outcome_names,
                           "speed": self.speed.cpu().double().numpy(),
                           "grad_norm": self.grad_norm.cpu().double().numpy(),
                           "n_iter": self.n_iter.cpu().numpy(), "in_bounds": self.in_bounds.cpu().numpy()})
        if self.jacobians is not None:
            lam = self.max_abs_eigenvalue()
            df["abs_lambda_max"] = lam.numpy()
            df["tau"] = (-1.0 / torch.log(lam)).numpy()
            df["n_unstable"] = self.n_unstable().numpy()
            df["n_slow"] = self.n_slow().numpy()
        if model is not None:
            df["readout"] = self.readout(model).cpu().numpy()
        return df


# ---------------------------------------------------------------------------------------------
# The search
# ---------------------------------------------------------------------------------------------
def _batched_jacobian(fn, v, x):
    """(N, m, n) Jacobians of fn(v_i, x_i) with respect to v_i, by vmap(jacrev)."""
    return vmap(jacrev(fn, argnums=0))(v, x)


def _step_jacobian(dyn32, components, v, x):
    """Float32 Jacobians of the residual, for LM steps (forward mode: square and cheaper here)."""
    def res(v, x):
        return dyn32.residual(v, x, components)
    return vmap(jacfwd(res, argnums=0))(v.float(), x.float()).to(v.dtype)


def _projected(g, v, lo, hi):
    """The part of the gradient g that does not push v out of the box [lo, hi]."""
    if lo is None:
        return g
    stuck = ((v <= lo) & (g > 0)) | ((v >= hi) & (g < 0))
    return torch.where(stuck, torch.zeros_like(g), g)


def _geodesic(res, v, x, r, step, ok, L, free, alpha, h=0.1):
    """LM step plus half its geodesic acceleration, where that correction is small (ratio <= alpha).

    The second directional derivative of r along the step comes from one finite difference,
    r_vv = (2/h) ((r(v + h d) - r(v)) / h - J d), with J d from one `jvp`; the acceleration
    a solves the same damped system as the step, (J^T J + mu I) a = -J^T r_vv, by reusing its
    Cholesky factor L. Transtrum & Sethna (2012), arXiv:1201.5885.
    """
    d = torch.where(ok[:, None], step, torch.zeros_like(step))
    Jd = jvp(lambda u: res(u, x), (v,), (d,))[1]
    r_vv = (2 / h) * ((res(v + h * d, x) - r) / h - Jd)
    Jt_rvv = vjp(lambda u: res(u, x), v)[1](r_vv)[0]
    if free is not None and not bool(free.all()):
        Jt_rvv = Jt_rvv * free
    acc = -torch.cholesky_solve(Jt_rvv.unsqueeze(-1), L).squeeze(-1)
    use = ok & (2 * acc.norm(dim=-1) <= alpha * d.norm(dim=-1))
    return step + torch.where(use[:, None], 0.5 * acc, torch.zeros_like(acc))


def _lm(dyn, v, x, components, tol, grad_tol, max_iter, bar, box, patience, fast_jacobians=True, reuse=2,
        accel=0.75):
    """Levenberg-Marquardt on r(v) = F(v) - v, every candidate with its own damping (Madsen & Nielsen)."""
    def res(v, x):
        return dyn.residual(v, x, components)

    N, n = v.shape
    r = res(v, x)
    S = (r * r).sum(-1)
    JtJ = torch.zeros(N, n, n, dtype=v.dtype, device=v.device)  # Gauss-Newton matrix of each candidate
    g = torch.zeros_like(v)                                       # J^T r, exact
    n_iter = torch.zeros(N, dtype=torch.long, device=v.device)
    mu = torch.zeros(N, dtype=v.dtype, device=v.device)
    nu = torch.full((N,), 2.0, dtype=v.dtype, device=v.device)
    need_jac = torch.ones(N, dtype=torch.bool, device=v.device)
    need_grad = torch.ones(N, dtype=torch.bool, device=v.device)
    age = torch.zeros(N, dtype=torch.long, device=v.device)       # steps since the last Jacobian
    # Steps use float32 Jacobians (4x cheaper; residuals and S stay in float64) until a
    # candidate stalls, which a float32 gradient cannot resolve; from then on float64.
    dyn32 = dyn.to(dtype=torch.float32) if fast_jacobians and v.dtype != torch.float32 else None
    precise = torch.full((N,), dyn32 is None, dtype=torch.bool, device=v.device)
    mu0 = None
    stalled = torch.zeros(N, dtype=torch.bool, device=v.device)
    history = S.new_full((2, patience or 1, N), math.inf)  # S and ||grad S|| over the last `patience` iterations
    for it in range(max_iter):
        for exact in (False, True):
            idx = (need_jac & (precise == exact)).nonzero().squeeze(-1)
            if idx.numel():
                if exact:
                    Jx = _batched_jacobian(res, v[idx], x[idx])
                    JtJ[idx] = Jx.transpose(1, 2) @ Jx
                else:
                    Jx = _step_jacobian(dyn32, components, v[idx], x[idx])
                    JtJ[idx] = (Jx.transpose(1, 2) @ Jx).to(v.dtype)
        idx = need_grad.nonzero().squeeze(-1)
        if idx.numel():  # the gradient J^T r exactly, in the search dtype (one vector-Jacobian product)
            g[idx] = vjp(lambda u: res(u, x[idx]), v[idx])[1](r[idx])[0]
        age[need_jac] = 0
        need_jac[:] = False
        need_grad[:] = False
        if mu0 is None:  # initial damping: 1e-3 x the largest diagonal entry of J^T J
            mu0 = 1e-3 * torch.diagonal(JtJ, dim1=1, dim2=2).amax(-1).clamp_min(1e-12)
            mu = mu0.clone()
        grad = 2 * _projected(g, v, *box).norm(dim=-1)
        if patience:  # in `patience` iterations neither S nor ||grad S|| halved: stop there
            k = it % patience
            stalled |= (S > 0.5 * history[0, k]) & (grad > 0.5 * history[1, k])
            history[0, k], history[1, k] = S, grad
        active = (S >= tol) & (grad > grad_tol) & (mu < 1e30) & ~stalled
        if bar is not None:
            bar.update(1)
            bar.set_postfix(active=int(active.sum()), max_S=f"{float(S.max()):.1e}", refresh=False)
        if not active.any():
            break
        a = active.nonzero().squeeze(-1)
        A, ga = JtJ[a], g[a]  # copies: modified in place below
        if box[0] is not None:  # active set: coordinates pinned at a bound take no step
            free = (_projected(ga, v[a], *box) != 0) | (ga == 0)
            if not bool(free.all()):
                free = free.to(v.dtype)
                A.mul_(free[:, :, None]).mul_(free[:, None, :])
                ga.mul_(free)
        A.diagonal(dim1=1, dim2=2).add_(mu[a, None])
        L, info = torch.linalg.cholesky_ex(A)
        step = -torch.cholesky_solve(ga.unsqueeze(-1), L).squeeze(-1)
        ok = info == 0
        if accel:  # geodesic acceleration (Transtrum & Sethna 2012): follow the curved valley of S
            step = _geodesic(res, v[a], x[a], r[a], step, ok, L, free if box[0] is not None else None, accel)
        v_new = v[a] + step
        if box[0] is not None:  # projected LM (Kanzow, Yamashita & Fukushima 2004)
            v_new = torch.maximum(torch.minimum(v_new, box[1]), box[0])
            step = v_new - v[a]
        r_new = res(v_new, x[a])
        S_new = (r_new * r_new).sum(-1)
        # gain ratio: actual / predicted decrease of S (predicted by the linear model of r)
        pred = (step * (mu[a, None] * step - ga)).sum(-1)
        rho = (S[a] - S_new) / pred.clamp_min(torch.finfo(v.dtype).tiny)
        accept = ok & torch.isfinite(S_new) & (S_new < S[a]) & (rho > 0)
        n_iter[a] += 1
        acc = a[accept]
        v[acc], r[acc], S[acc] = v_new[accept], r_new[accept], S_new[accept]
        need_grad[acc] = True
        age[acc] += 1
        # a good model (rho > 0.75) keeps its Jacobian for up to `reuse` more steps (chord steps)
        need_jac[acc] = (rho[accept] <= 0.75) | (age[acc] > reuse)
        mu[acc] = mu[acc] / 3  # Marquardt's decrease (Madsen-Nielsen's rho-dependent one stalls in curved valleys)
        nu[acc] = 2.0
        rej = a[~accept]
        stale = rej[age[rej] > 0]  # a rejected step on an old Jacobian: refresh it before damping more
        need_jac[stale] = True
        fresh_rej = rej[age[rej] == 0]
        mu[fresh_rej] = mu[fresh_rej] * nu[fresh_rej]
        nu[fresh_rej] = nu[fresh_rej] * 2
        stuck = rej[(mu[rej] > 1e8 * mu0[rej]) & ~precise[rej]]
        precise[stuck], need_jac[stuck], mu[stuck], nu[stuck] = True, True, mu0[stuck], 2.0
    return v, n_iter


def _adam(dyn, v, x, components, tol, max_iter, lr, lr_decay, bar, box):
    """Adam on sum_i S(v_i): the paper's procedure. A candidate is frozen once its S < tol."""
    v = v.clone().requires_grad_(True)
    opt = torch.optim.Adam([v], lr=lr)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=lr_decay) if lr_decay != 1.0 else None
    N = v.shape[0]
    n_iter = torch.zeros(N, dtype=torch.long, device=v.device)
    done = torch.zeros(N, dtype=torch.bool, device=v.device)
    for it in range(max_iter):
        r = dyn.residual(v, x, components)
        S = (r * r).sum(-1)
        done |= S.detach() < tol
        if bar is not None:
            bar.update(1)
            if it % 50 == 0:
                bar.set_postfix(active=int((~done).sum()), max_S=f"{float(S.max()):.1e}", refresh=False)
        if done.all():
            break
        any_done = bool(done.any())
        keep = v.detach()[done].clone() if any_done else None
        opt.zero_grad(set_to_none=True)
        (S[~done].sum() if any_done else S.sum()).backward()
        opt.step()
        if sched is not None:
            sched.step()
        with torch.no_grad():
            if any_done:
                v[done] = keep
            if box[0] is not None:
                v.clamp_(min=box[0], max=box[1])
        n_iter[~done] += 1
    return v.detach(), n_iter


def find_slow_points(model, initial_states, inputs, method: str = "newton", tol: float = 1e-10,
                     max_iter: int | None = None, *, grad_tol: float = 1e-9, components: str = "full",
                     lr: float = 1e-2, lr_decay: float = 1.0, dtype: torch.dtype = torch.float64,
                     labels: torch.Tensor | None = None, jacobians: bool = True,
                     bounded: bool = True, patience: int | None = 10, progress: bool = False) -> SlowPoints:
    """Search for fixed and slow points from every candidate at once (chapter 3).

    Parameters
    ----------
    model : anything :func:`dynamics` accepts (RNNClassifier, nn.GRU/LSTM/RNN, their cells)
    initial_states : State with h (N, H) (and c (N, H) for LSTMs), or a tensor (N, H)
        for GRUs/RNNs: the N candidates. Not modified.
    inputs : (D,) constant input shared by all candidates, or (N, D)
    method : "newton" (default) or "adam"
        * ``"newton"``: Levenberg-Marquardt on ``r(v) = F(v) - v``; per candidate
          damping ``mu`` (initial 1e-3 max diag(J^T J); divided by 3 after an accepted
          step, multiplied by a growing factor after a rejected one), so steps become
          Newton steps ``-J^{-1} r`` as it converges, plus a geodesic acceleration
          (Transtrum & Sethna 2012) that follows the curved, flat valleys of S around
          the class memories. Jacobians by ``torch.func.vmap``, recomputed only for
          candidates that moved and whose linear model was poor.
        * ``"adam"``: gradient descent on ``sum_i S(v_i)`` with Adam at learning rate
          ``lr``, multiplied by ``lr_decay`` each iteration, for ``max_iter``
          iterations (the paper's procedure; FixedPointFinder's too).
    tol : float, default 1e-10
        A candidate is a fixed point when ``S < tol``; the search stops for it there.
    max_iter : int, default 200 for "newton", 2000 for "adam"
    grad_tol : float, default 1e-9
        A candidate with ``S >= tol`` is a stationary slow point when ``||grad S|| <= grad_tol``.
    components : {"full", "h_tanh_c", "h"}, what enters S for LSTMs (module docstring)
    lr, lr_decay : Adam's learning rate and per-iteration decay factor (method "adam" only)
    dtype : torch dtype of the search, default float64 (S < 1e-10 is below float32 resolution
        for states of norm ~5)
    labels : (N,) int64, optional, carried along (e.g. the class of each candidate)
    jacobians : bool, keep ``dF/dv`` at every point (needed for eigenvalues)
    bounded : bool, default True
        Keep the search inside the states the network can reach (:meth:`Dynamics.bounds`:
        ``|h_i| <= 1`` for GRU, tanh RNN and LSTM). Unbounded, a GRU search can run
        off to ``|h_i| > 1``, where saturated update gates (``z = 1``) make
        ``h' = h``: fixed points no trajectory can visit (chapter 3 shows them).
        Stationarity then uses the projected gradient.
    patience : int or None, default 10 (method "newton" only)
        Stop searching from a candidate when, in ``patience`` iterations, neither its S
        nor its ``||grad S||`` has halved; it is reported as "moving" (None: always run
        ``max_iter``). (The gradient test lets searches that settle on a slow point,
        where S stops falling, finish.) On a
        flat slow manifold S can creep down by a few percent per iteration for
        thousands of iterations; this keeps those from using the whole budget.
    progress : bool, show a progress bar

    Returns
    -------
    SlowPoints with outcome "fixed", "slow" or "moving" for every candidate.
    The model's parameters, their ``requires_grad`` and ``.grad`` are untouched.
    """
    _check_choice("method", method, METHODS)
    _check_choice("components", components, COMPONENTS)
    for name, value in (("tol", tol), ("grad_tol", grad_tol), ("lr", lr), ("lr_decay", lr_decay)):
        _check_positive(name, value)
    if max_iter is None:
        max_iter = 200 if method == "newton" else 2000
    check_count("max_iter", max_iter, 0)
    check_count("patience", patience, none_ok=True)
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype!r}")
    dyn = dynamics(model).to(dtype=dtype)
    v0 = _flat_states(dyn, initial_states, "initial_states", dtype)
    N = v0.shape[0]
    x = _inputs(dyn, inputs, N, dtype)
    if labels is None:
        labels = torch.full((N,), -1, dtype=torch.long)
    elif not isinstance(labels, torch.Tensor) or labels.shape != (N,):
        raise ValueError(f"labels must be a tensor of shape ({N},), got {getattr(labels, 'shape', labels)}")
    labels = labels.to(device=dyn.device, dtype=torch.long)

    box = (None, None)
    if bounded:
        lo, hi = dyn.bounds()
        if torch.isfinite(lo).any():
            box = (lo, hi)
            v0 = torch.maximum(torch.minimum(v0, hi), lo)
    t0 = time.perf_counter()
    bar = tqdm(total=max_iter, desc=f"slow points ({method})", leave=False, mininterval=0.5) if progress else None
    try:
        if method == "newton":
            with torch.no_grad():
                v, n_iter = _lm(dyn, v0.clone(), x, components, tol, grad_tol, max_iter, bar, box, patience)
        else:
            with torch.enable_grad():
                v, n_iter = _adam(dyn, v0, x, components, tol, max_iter, lr, lr_decay, bar, box)
    finally:
        if bar is not None:
            bar.close()

    def res(v, x):
        return dyn.residual(v, x, components)

    with torch.no_grad():
        r = res(v, x)
        S = (r * r).sum(-1)
        Jr = _batched_jacobian(res, v, x)
        grad_norm = 2 * _projected(torch.einsum("nmi,nm->ni", Jr, r), v, *box).norm(dim=-1)
        JF = None
        if jacobians:
            JF = Jr + torch.eye(v.shape[1], dtype=dtype, device=v.device) if (
                components == "full" or not dyn.is_lstm) else _batched_jacobian(dyn.step, v, x)
    outcome = torch.full((N,), 2, dtype=torch.long, device=v.device)
    outcome[grad_norm <= grad_tol] = 1
    outcome[S < tol] = 0
    info = {"tol": tol, "grad_tol": grad_tol, "max_iter": max_iter, "bounded": bounded, "dtype": str(dtype).replace("torch.", ""),
            "seconds": time.perf_counter() - t0}
    if method == "adam":
        info.update(lr=lr, lr_decay=lr_decay)
    else:
        info.update(patience=patience)
    return SlowPoints(states=v, speed=S, grad_norm=grad_norm, outcome=outcome, n_iter=n_iter, inputs=x,
                      initial_states=v0, labels=labels, jacobians=JF, arch=dyn.arch,
                      hidden_size=dyn.hidden_size, components=components, method=method, info=info)


# ---------------------------------------------------------------------------------------------
# Starting points
# ---------------------------------------------------------------------------------------------
def states_along(model: RNNClassifier, x: torch.Tensor, state: State | None = None) -> torch.Tensor:
    """Flattened states after each step of ``x``, by :meth:`mem.models.RNNClassifier.step` (chapter 3).

    Parameters
    ----------
    model : RNNClassifier
    x : (B, T, D) inputs, e.g. ``task.mean_input().expand(B, T, -1)`` for the noiseless drift
    state : State with h (B, H) (and c), optional; default the zero state

    Returns
    -------
    (B, T, state_size): ``h`` (or ``[h, c]`` for LSTMs) after steps 1..T. No gradients.
    """
    check_model(model)
    if not isinstance(x, torch.Tensor) or x.dim() != 3 or x.shape[-1] != model.input_size:
        raise ValueError(f"x must have shape (B, T, {model.input_size}), got {tuple(getattr(x, 'shape', ()))}")
    state = model.init_state(x.shape[0], x.device) if state is None else model.check_state(state, x.shape[0])
    out = []
    with torch.no_grad():
        for t in range(x.shape[1]):
            state = model.step(x[:, t], state)
            out.append(model.flatten_state(state))
    return torch.stack(out, 1)


def class_mean_states(model: RNNClassifier, task, n_trials: int = 1000, seed: int = 0,
                      split: str = "test", min_correct: int = 10,
                      min_recall: float = 0.5, min_precision: float = 0.5) -> tuple[State, torch.Tensor]:
    """Per-class mean state just before the trigger, over correctly reported trials (chapter 3).

    The paper's starting points: sample ``n_trials`` trials of ``task`` (trained
    timing), keep those the network reports correctly, and average the state at
    ``t_report - 1`` (the state the trigger acts on) over each class.

    Returns
    -------
    (State with h (K, H) (and c for LSTMs), labels (K,) int64): one row per class
    the network knows, classes in increasing order. A class is known when it has
    at least ``min_correct`` correct trials, at least ``min_recall`` of its trials
    are reported correctly, and at least ``min_precision`` of the reports of that
    class are right (an untrained network that always says the same digit knows
    none). K = 0 happens early in training.
    """
    check_model(model)
    positive_ints(n_trials=n_trials)
    gen = torch.Generator().manual_seed(seed)
    batch = task.sample(n_trials, gen, split=split).to(model.readout.weight.device)
    V = states_along(model, batch.x)                       # (B, T, n)
    rows = torch.arange(n_trials, device=V.device)
    with torch.no_grad():
        logits = model.readout(V[rows, batch.t_report, :model.hidden_size])
    correct = logits.argmax(-1) == batch.label
    before = V[rows, batch.t_report - 1]
    C = task.n_outputs
    counts = torch.bincount(batch.label[correct], minlength=C)
    recall = counts / torch.bincount(batch.label, minlength=C).clamp_min(1)
    precision = counts / torch.bincount(logits.argmax(-1), minlength=C).clamp_min(1)
    labels = ((counts >= min_correct) & (recall >= min_recall) & (precision >= min_precision)).nonzero().squeeze(-1)
    means = torch.stack([before[correct & (batch.label == k)].mean(0) for k in labels]) if len(labels) \
        else before.new_zeros(0, before.shape[-1])
    return model.unflatten_state(means), labels


def trajectory_states(model: RNNClassifier, task, n_samples: int = 256, max_delay: int = 200,
                      noise_scale: float = 0.0, seed: int = 0, split: str = "test") -> tuple[State, torch.Tensor]:
    """States sampled from long-delay trajectories, optionally jittered (FixedPointFinder-style; chapter 3).

    Runs ``n_samples`` probe trials (digit at t = 0, then noise frames, no trigger)
    for ``max_delay`` steps and takes each trial's state at a uniformly drawn step
    in ``1..max_delay``, plus Gaussian noise of standard deviation ``noise_scale``.

    Returns
    -------
    (State with h (n_samples, H) (and c), labels (n_samples,)): the class of each trial.
    """
    check_model(model)
    positive_ints(n_samples=n_samples)
    if not isinstance(noise_scale, (int, float)) or noise_scale < 0:
        raise ValueError(f"noise_scale must be >= 0, got {noise_scale!r}")
    gen = torch.Generator().manual_seed(seed)
    probe = task.sample_probe(n_samples, max_delay, gen, split=split)
    V = states_along(model, probe.x.to(model.readout.weight.device))
    t = torch.randint(1, max_delay + 1, (n_samples,), generator=gen)
    v = V[torch.arange(n_samples), t.to(V.device)]
    if noise_scale:
        v = v + noise_scale * torch.randn(v.shape, generator=gen).to(v.device)
    return model.unflatten_state(v), probe.label.to(v.device)


def find_class_slow_points(model: RNNClassifier, task, n_trials: int = 1000, seed: int = 0,
                           **kwargs) -> SlowPoints:
    """One search per class from its mean state (:func:`class_mean_states`), input ``task.mean_input()`` (chapter 3).

    Keyword arguments go to :func:`find_slow_points`. Returns SlowPoints with ``labels`` set.
    """
    start, labels = class_mean_states(model, task, n_trials=n_trials, seed=seed)
    return find_slow_points(model, start, task.mean_input(), labels=labels, **kwargs)


def formation(models: dict, task, n_trials: int = 1000, seed: int = 0, progress: bool = True,
              **kwargs) -> dict:
    """Class slow points of every checkpoint: ``{step: SlowPoints}`` (chapter 3).

    Parameters
    ----------
    models : {step: RNNClassifier}, e.g. ``{s: entry.model_at(s) for s in entry.checkpoints}``
    task : the task whose class means start the searches (same seed at every step)
    **kwargs : further arguments of :func:`find_slow_points`

    A checkpoint without any class reported correctly (early in training) maps to None.
    """
    if not isinstance(models, dict):
        raise ValueError(f"models must be a dict {{step: RNNClassifier}}, got {type(models).__name__}")
    out = {}
    for step in tqdm(sorted(models), desc="checkpoints", disable=not progress):
        start, labels = class_mean_states(models[step], task, n_trials=n_trials, seed=seed)
        out[step] = None if len(labels) == 0 else find_slow_points(
            models[step], start, task.mean_input(), labels=labels, **kwargs)
    return out


def formation_displacement(points: dict, max_step: int | None = None, n_classes: int = 11):
    """How far each class's slow point moved between consecutive checkpoints (chapter 3).

    Parameters
    ----------
    points : {step: SlowPoints with labels, or None}, e.g. the output of :func:`formation`
    max_step : only checkpoints up to this step (default: all)
    n_classes : read-out size; classes are 0..n_classes-1 (the digits are 1..10)

    Returns
    -------
    (ends (M,) int array, D (M, n_classes) float array): ``ends[m]`` is the later step of
    the m-th interval whose two checkpoints both have points; ``D[m, k]`` is the Euclidean
    distance class k's point moved in it (NaN if class k lacks a point at either end).
    """
    import numpy as np

    if not isinstance(points, dict):
        raise ValueError(f"points must be a dict {{step: SlowPoints or None}}, got {type(points).__name__}")
    steps = [s for s in sorted(points) if max_step is None or s <= max_step]
    ends, rows = [], []
    for s0, s1 in zip(steps, steps[1:]):
        a, b = points[s0], points[s1]
        if a is None or b is None:
            continue
        d = np.full(n_classes, np.nan)
        for i, k in enumerate(b.labels.tolist()):
            j = (a.labels == k).nonzero()
            if len(j):
                d[k] = float((b.states[i] - a.states[int(j[0])]).norm())
        ends.append(s1)
        rows.append(d)
    return np.array(ends, dtype=int), np.array(rows).reshape(len(rows), n_classes)


#: The per-network speed measures of :func:`speed_measures` (chapter 4).
MEASURES = ("adam", "newton", "drift", "lam_adam", "lam_newton")

#: Short display names of :data:`MEASURES` (chapter 4's tables and figures).
MEASURE_LABELS = {"adam": "Adam speed", "newton": "converged speed", "drift": "drift speed",
                  "lam_adam": "log|λ|max, Adam points", "lam_newton": "log|λ|max, Newton points"}


def speed_measures(model: RNNClassifier, task, *, adam_iters: int = 2000, adam_lr: float = 1e-2,
                   newton_iters: int = 200, drift_steps: int = 100, components: str | None = None,
                   n_trials: int = 1000, seed: int = 0) -> dict:
    """Several ways to measure "how slow" a network's class memories are, one value per class (chapter 4).

    All start from the paper's starting points (:func:`class_mean_states`: the mean state
    before the trigger over correctly reported trials of each class) with the constant
    input ``task.mean_input()``:

    * ``"adam"``: ``log10 S`` after ``adam_iters`` Adam steps at learning rate ``adam_lr``
      (the paper's fixed-budget measure);
    * ``"newton"``: ``log10 S`` after continuing from those points with the second-order
      search (:func:`find_slow_points`, ``max_iter=newton_iters``): the converged speed.
      Fixed points (``S < 1e-10``) are reported as ``-10``: below the tolerance, S only
      measures round-off;
    * ``"drift"``: ``log10 S`` at the state reached after ``drift_steps`` noiseless steps
      of the mean input from the class mean (no search at all);
    * ``"lam_adam"``, ``"lam_newton"``: ``log |lambda|_max`` of the Jacobian at the Adam and
      at the Newton points; the slowest time constant is ``tau = -1 / log|lambda|_max``.

    Parameters
    ----------
    components : what enters S (see :func:`speed`); default ``"h_tanh_c"`` for LSTMs (as in
        the paper's code) and ``"full"`` otherwise

    Returns
    -------
    dict with ``"labels"`` (list of K digits the network knows, see :func:`class_mean_states`),
    one list of K floats per name in :data:`MEASURES`, ``"own"`` (list of K bools: does the
    read-out at the Adam point report its class) and ``"settings"`` (the arguments).
    """
    check_model(model)
    positive_ints(adam_iters=adam_iters, newton_iters=newton_iters, drift_steps=drift_steps)
    components = paper_components(model, components)
    x = task.mean_input().to(model.readout.weight.device)
    start, labels = class_mean_states(model, task, n_trials=n_trials, seed=seed)
    out = {"labels": labels.tolist(), "settings": {"adam_iters": adam_iters, "adam_lr": adam_lr,
           "newton_iters": newton_iters, "drift_steps": drift_steps, "components": components,
           "n_trials": n_trials, "seed": seed}}
    if len(labels) == 0:
        return {**out, **{m: [] for m in MEASURES}, "own": []}
    adam = find_slow_points(model, start, x, method="adam", max_iter=adam_iters, lr=adam_lr, labels=labels,
                            components=components)
    newton = find_slow_points(model, adam.state, x, max_iter=newton_iters, labels=labels, components=components)
    V = states_along(model, x.expand(len(labels), drift_steps, -1), start)
    drift = speed(model, model.unflatten_state(V[:, -1].double()), x, components=components)
    with torch.no_grad():
        trigger = task.mean_input(trigger=True).to(x.device)
        own = adam.readout(model, trigger) == labels

    def log10(S):
        return S.clamp_min(1e-10).log10().tolist()

    return {**out, "adam": log10(adam.speed), "newton": log10(newton.speed), "drift": log10(drift),
            "lam_adam": adam.max_abs_eigenvalue().log().tolist(),
            "lam_newton": newton.max_abs_eigenvalue().log().tolist(), "own": own.tolist()}
