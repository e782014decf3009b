"""The result of a slow-point search: :class:`SlowPoints`, one row per candidate (chapter 3).

In the spirit of FixedPointFinder's ``FixedPoints``: the points, their speed, outcome and
Jacobians, with indexing, selection, the linearisation (eigenvalues, time constants), cleaning
(deduplication, outliers), ``save``/``load`` and a summary table.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import torch

from .._checks import check_choice, check_device, check_float, check_int, check_model, check_positive
from ..models import State
from .state_map import dynamics, flat_inputs

__all__ = ["OUTCOMES", "SlowPoints"]

OUTCOMES = ("fixed", "slow", "moving")  #: per-candidate outcomes, in the order of their codes 0, 1, 2

_PER_POINT = ("states", "speed", "grad_norm", "outcome", "n_iter", "inputs", "initial_states", "labels",
              "jacobians", "stationarity", "nonfinite")


def _check_path(path, must_exist: bool) -> Path:
    """``path`` as a Path: a str or os.PathLike (TypeError otherwise) naming a file (ValueError otherwise)."""
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike naming a file, got {type(path).__name__}")
    p = Path(path)
    if str(path) == "" or p.is_dir():
        raise ValueError(f"path must name a file, got {str(path)!r}")
    if must_exist and not p.is_file():
        raise ValueError(f"path must be an existing file written by SlowPoints.save, got {str(path)!r}: no such file")
    return p


def _by_finite_rows(fn, J: torch.Tensor, fill: float = math.nan):
    """``fn`` of the matrices ``J`` (N, n, n) whose entries are all finite; NaN for the rows of the others
    (non-finite candidates, :attr:`SlowPoints.nonfinite`). With every row finite, ``fn(J)`` itself."""
    ok = torch.isfinite(J).flatten(1).all(-1)
    if bool(ok.all()):
        return fn(J)
    got = fn(J[ok])
    outs = got if isinstance(got, tuple) else (got,)
    full = []
    for o in outs:
        t = torch.full((len(J), *o.shape[1:]), fill, dtype=o.dtype, device=o.device)
        t[ok] = o
        full.append(t)
    return tuple(full) if isinstance(got, tuple) else full[0]


@dataclass
class SlowPoints:
    """Result of :func:`~mem.slowpoints.search.find_slow_points`, one row per candidate (chapter 3).

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
    jacobians : (N, n, n) ``dF/dv`` at ``states`` (``df/dv`` for a continuous-time map), or None
    arch, hidden_size, components, method : the setting (``hidden_size``: length of the ``h`` part)
    info : dict of the search's parameters (tol, gtol, n_iters, lr, ...), the number of candidates
        stopped for each reason (``"stopped"``: ``"fixed"``, ``"stationary"``, ``"no descent in this
        precision"``, ``"budget"``, and ``"non-finite"`` when a candidate became non-finite) and its
        wall time
    continuous : bool, the map is a continuous-time ``dh/dt = f(h, u)``: eigenvalues are those of
        ``df/dv``, stability is ``Re(lambda) < 0`` and time constants are ``-1 / Re(lambda)``
    stationarity : (N,) the first-order measure in [0, 1] that decides "slow"
        (:func:`~mem.slowpoints.search.stationarity`), or None
    nonfinite : (N,) bool, or None (read as all False): the candidate's speed, state, gradient or
        Jacobian became non-finite (NaN or inf) during the search, e.g. a map that overflows. Such a
        candidate is stopped at its last state with a finite speed (at its start, if the speed is not
        finite there), reported ``"moving"`` (it is neither fixed nor stationary), counted under
        ``info["stopped"]["non-finite"]`` and shown in :meth:`summary`; its eigenvalues are NaN where
        its Jacobian is not finite.
    """

    states: torch.Tensor
    speed: torch.Tensor
    grad_norm: torch.Tensor
    outcome: torch.Tensor
    n_iter: torch.Tensor
    inputs: torch.Tensor
    initial_states: torch.Tensor
    labels: torch.Tensor
    jacobians: torch.Tensor | None
    arch: str
    hidden_size: int
    components: str = "full"
    method: str = "newton"
    info: dict = field(default_factory=dict)
    continuous: bool = False
    stationarity: torch.Tensor | None = None
    nonfinite: torch.Tensor | None = None

    # -- views --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.states.shape[0]

    def __repr__(self) -> str:
        counts = ", ".join(f"{o}={int((self.outcome == i).sum())}" for i, o in enumerate(OUTCOMES))
        if self.n_nonfinite:
            counts += f" (non-finite={self.n_nonfinite})"
        return f"SlowPoints(n={len(self)}, {counts}, arch={self.arch!r}, method={self.method!r})"

    def __getitem__(self, idx) -> SlowPoints:
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
    def n_nonfinite(self) -> int:
        """How many candidates became non-finite during the search (:attr:`nonfinite`)."""
        return 0 if self.nonfinite is None else int(self.nonfinite.sum())

    @property
    def is_lstm(self) -> bool:
        return self.arch == "lstm"

    @property
    def h(self) -> torch.Tensor:
        """(N, H) hidden-state part of ``states``."""
        return self.states[:, :self.hidden_size]

    @property
    def c(self) -> torch.Tensor | None:
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
               label: int | None = None) -> SlowPoints:
        """Keep candidates with the given outcome(s), ``speed <= max_speed`` and/or ``label``.

        ``outcome`` is one of :data:`OUTCOMES` or a tuple of them; ``max_speed`` a number (not NaN);
        ``label`` an int >= -1.
        """
        if outcome is not None:
            if not isinstance(outcome, (str, tuple)):
                raise TypeError(f"outcome must be one of {OUTCOMES} or a tuple of them, got {type(outcome).__name__}")
            wanted = (outcome,) if isinstance(outcome, str) else tuple(outcome)
            for o in wanted:
                if not isinstance(o, str):
                    raise TypeError(f"outcome must be one of {OUTCOMES} or a tuple of them, got {o!r}")
                check_choice("outcome", o, OUTCOMES)
        check_float("max_speed", max_speed, finite=False, none_ok=True)
        check_int("label", label, -1, none_ok=True)
        keep = torch.ones(len(self), dtype=torch.bool, device=self.states.device)
        if outcome is not None:
            keep &= torch.isin(self.outcome, torch.tensor([OUTCOMES.index(o) for o in wanted],
                                                          device=self.outcome.device))
        if max_speed is not None:
            keep &= self.speed <= max_speed
        if label is not None:
            keep &= self.labels == label
        return self[keep]

    def sort(self) -> SlowPoints:
        """Ordered by speed, slowest first."""
        return self[torch.argsort(self.speed)]

    # -- linearisation ------------------------------------------------------------------------
    def _need_jacobians(self):
        if self.jacobians is None:
            raise ValueError("these slow points have no Jacobians: search with jacobians=True")

    def _slowness(self, vals: torch.Tensor) -> torch.Tensor:
        """The order of the modes, slowest first: ``|lambda|`` (discrete time) or ``Re(lambda)`` (continuous)."""
        return vals.real if self.continuous else vals.abs()

    def eig(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Eigen-decomposition of each Jacobian, sorted by decreasing ``|lambda|`` (by decreasing
        ``Re(lambda)`` in continuous time): the slowest mode first.

        Returns
        -------
        (values (N, n) complex, vectors (N, n, n) complex; column k goes with values[:, k])
        """
        self._need_jacobians()
        vals, vecs = _by_finite_rows(torch.linalg.eig, self.jacobians.cpu().double())
        order = torch.argsort(self._slowness(vals), dim=-1, descending=True)
        vals = torch.gather(vals, -1, order)
        vecs = torch.gather(vecs, -1, order.unsqueeze(-2).expand_as(vecs))
        return vals, vecs

    def eigenvalues(self) -> torch.Tensor:
        """(N, n) complex eigenvalues of ``dF/dv`` (``df/dv`` in continuous time) at each point, the
        slowest first: by decreasing modulus (by decreasing real part in continuous time)."""
        self._need_jacobians()
        vals = _by_finite_rows(torch.linalg.eigvals, self.jacobians.cpu().double())
        return torch.gather(vals, -1, torch.argsort(self._slowness(vals), dim=-1, descending=True))

    def max_abs_eigenvalue(self) -> torch.Tensor:
        """(N,) largest ``|lambda|`` of each Jacobian (discrete time)."""
        return self.eigenvalues().abs().max(-1).values

    def time_constant(self) -> torch.Tensor:
        """(N,) slowest time constant: ``tau = -1 / log|lambda_max|`` in steps (discrete time),
        ``tau = -1 / Re(lambda_max)`` in units of time (continuous time).

        ``inf`` on the border of stability; negative when the slowest mode is unstable
        (it grows with time constant ``|tau|``).
        """
        with torch.no_grad():
            if self.continuous:
                return -1.0 / self.eigenvalues().real[:, 0]
            return -1.0 / torch.log(self.max_abs_eigenvalue())

    def n_unstable(self) -> torch.Tensor:
        """(N,) number of unstable modes: ``|lambda| > 1`` (``Re(lambda) > 0`` in continuous time)."""
        vals = self.eigenvalues()
        return ((vals.real > 0.0) if self.continuous else (vals.abs() > 1.0)).sum(-1)

    def n_slow(self, tau: float = 20.0) -> torch.Tensor:
        """(N,) number of stable modes slower than ``tau``: ``exp(-1/tau) <= |lambda| <= 1``
        (``-1/tau <= Re(lambda) <= 0`` in continuous time)."""
        check_positive("tau", tau)
        vals = self.eigenvalues()
        if self.continuous:
            return ((vals.real >= -1.0 / tau) & (vals.real <= 0.0)).sum(-1)
        a = vals.abs()
        return ((a >= math.exp(-1.0 / tau)) & (a <= 1.0)).sum(-1)

    def readout(self, model, inputs: torch.Tensor | None = None) -> torch.Tensor:
        """(N,) the class an RNNClassifier reports from each point (arg-max of its read-out).

        With ``inputs`` (D,) or (N, D), the network first takes one step with that
        input, e.g. ``task.mean_input(trigger=True)``: the class it would report if
        the trigger arrived while the state sits at the point. Without, the
        read-out of the point itself (the null class 0 for a well-trained network).
        """
        check_model(model)
        dyn = dynamics(model)
        if self.states.shape[-1] != dyn.state_size:
            raise ValueError(f"model must be the network searched: its state size is {dyn.state_size}, "
                             f"the points' {self.states.shape[-1]}")
        x = None if inputs is None else flat_inputs(dyn, inputs, len(self), dyn.dtype)
        with torch.no_grad():
            v = self.states.to(device=dyn.device, dtype=dyn.dtype)
            if x is not None:
                v = dyn._step(v, x)
            return dyn.logits(v).argmax(-1).to(self.states.device)

    def uncertainty(self) -> torch.Tensor:
        """(N,) first-order bound on the distance to the exact fixed point: ``sqrt(S) / sigma_min(J - I)``.

        Newton's error estimate: a point with residual ``r`` lies within about
        ``||r|| / sigma_min(J - I)`` of the zero of ``r``. Large near marginal
        (``|lambda| ~ 1``) fixed points, where the position is poorly determined.
        """
        self._need_jacobians()
        J = self.jacobians.double()
        smin = _by_finite_rows(torch.linalg.svdvals, J - torch.eye(J.shape[-1], dtype=J.dtype, device=J.device))[:, -1]
        return (self.speed.double().sqrt() / smin).to(self.speed.dtype)

    # -- cleaning -----------------------------------------------------------------------------
    def deduplicate(self, tol: float = 1e-3) -> SlowPoints:
        """Merge points closer than ``tol`` (Euclidean distance in state space), keeping the slowest.

        Greedy: visit points from slowest to fastest and keep one unless a kept
        point lies within ``tol``. The default 1e-3 is FixedPointFinder's
        ``tol_unique``; state coordinates are O(1). Near a marginal fixed point
        copies converged from different sides can lie further apart than that:
        :meth:`uncertainty` estimates how far, so pick ``tol`` with it in view.
        """
        check_positive("tol", tol)
        order = torch.argsort(self.speed).tolist()
        d = torch.cdist(self.states.double(), self.states.double())
        kept: list[int] = []
        for i in order:
            if not kept or bool((d[i, kept] > tol).all()):
                kept.append(i)
        return self[torch.tensor(sorted(kept), dtype=torch.long, device=self.states.device)]

    def remove_outliers(self, scale: float = 10.0) -> SlowPoints:
        """Drop points far from where the search started (FixedPointFinder's rule).

        A point is an outlier if its distance to the centroid of ``initial_states``
        exceeds ``scale`` times the mean distance of the initial states from that
        centroid. Default ``scale = 10`` as in FixedPointFinder.
        """
        check_positive("scale", scale)
        centre = self.initial_states.mean(0, keepdim=True)
        spread = (self.initial_states - centre).norm(dim=-1).mean()
        return self[(self.states - centre).norm(dim=-1) <= scale * spread]

    # -- bookkeeping --------------------------------------------------------------------------
    def to(self, device) -> SlowPoints:
        """A copy with every per-point tensor on ``device`` (a torch.device or a string such as ``"cpu"``)."""
        check_device("device", device)
        kw = {f: (None if getattr(self, f) is None else getattr(self, f).to(device)) for f in _PER_POINT}
        return replace(self, **kw)

    def save(self, path) -> None:
        """Save to ``path`` (a str or os.PathLike naming a file) with ``torch.save`` (tensors and plain values only)."""
        path = _check_path(path, must_exist=False)
        torch.save({f.name: getattr(self, f.name) for f in fields(self)}, path)

    @classmethod
    def load(cls, path, map_location="cpu") -> SlowPoints:
        """Load what :meth:`save` wrote (``weights_only=True``: no code is unpickled) onto ``map_location``
        (a torch.device or a device string)."""
        path = _check_path(path, must_exist=True)
        map_location = check_device("map_location", map_location)
        return cls(**torch.load(path, map_location=map_location, weights_only=True))

    def summary(self, model=None, inputs: torch.Tensor | None = None):
        """A pandas DataFrame, one row per point: label, outcome, speed, ``|grad S|``, iterations,
        ``|lambda|_max``, tau, unstable and slow modes (if Jacobians were kept) and, given an
        RNNClassifier ``model``, a column ``readout``: the class :meth:`readout` gives with ``inputs``
        (chapter 3). Without ``inputs`` that is the read-out of the point itself, which is the null
        class 0 for a network that reports only on the trigger; with ``inputs`` (D,) or (N, D), e.g.
        ``task.mean_input(trigger=True)``, it is the class the network would report if the trigger
        arrived at the point, the digit the point remembers. Where a candidate became non-finite
        (:attr:`nonfinite`), a column ``nonfinite`` says which (its eigenvalue columns are NaN where its
        Jacobian is not finite)."""
        import pandas as pd

        if model is not None:
            check_model(model)
        elif inputs is not None:
            raise ValueError("inputs is the input of the read-out step: it needs a model")

        df = pd.DataFrame({"label": self.labels.cpu().numpy(), "outcome": self.outcome_names,
                           "speed": self.speed.cpu().double().numpy(),
                           "grad_norm": self.grad_norm.cpu().double().numpy(),
                           "stationarity": (self.stationarity.cpu().double().numpy() if self.stationarity is not None
                                            else float("nan")),
                           "n_iter": self.n_iter.cpu().numpy(), "in_bounds": self.in_bounds.cpu().numpy()})
        if self.n_nonfinite:
            df["nonfinite"] = self.nonfinite.cpu().numpy()
        if self.jacobians is not None:
            if self.continuous:
                df["re_lambda_max"] = self.eigenvalues().real[:, 0].numpy()
            else:
                df["abs_lambda_max"] = self.max_abs_eigenvalue().numpy()
            df["tau"] = self.time_constant().numpy()
            df["n_unstable"] = self.n_unstable().numpy()
            df["n_slow"] = self.n_slow().numpy()
        if model is not None:
            df["readout"] = self.readout(model, inputs).cpu().numpy()
        return df

