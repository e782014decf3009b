"""Drift: where the state goes when nothing holds it, along noiseless trajectories under a constant
input (chapters 3, 5).

Between the image and the trigger a network of chapter 2 sees noise; replace the noise by its
mean and the state drifts. :func:`drift` follows that drift from each class's mean state, with
the speed and the reported digit at every step, and continues with a Newton search from where
it ends; :func:`drift_speed` is the speed after a fixed number of steps (chapter 5's per-digit
measure). :func:`ghost_passage` is the one-unit toy map that shows how long a ghost holds the
state (chapter 3).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ._checks import (
    check_choice,
    check_count,
    check_dict,
    check_float,
    check_labels,
    check_model,
    check_model_task,
    check_tensor,
)
from .slowpoints import COMPONENTS, SlowPoints, dynamics, find_slow_points, flat_states, speed, states_along
from .tasks import DelayedClassification

#: The most steps of a toy passage or a drift (:func:`ghost_passage`, :func:`drift`, :func:`drift_speed`,
#: :func:`speed_along`, :func:`ghost_scaling`).
MAX_STEPS = 10**6

__all__ = [
    "MAX_STEPS",
    "Drift",
    "approach_rates",
    "class_drift_table",
    "decay_rate",
    "drift",
    "drift_speed",
    "ghost_dwell",
    "ghost_passage",
    "ghost_point",
    "ghost_scaling",
    "saddle_node",
    "speed_along",
]


def ghost_passage(bias: float, h: float = -1.0, n_steps: int = 100) -> np.ndarray:
    """``h_1`` over ``n_steps`` steps of the toy network ``h' = tanh(2 h + bias)`` from ``h`` (chapter 3).

    The two units of :func:`mem.models.toy_rnn` are independent, so one unit is the whole story:
    past the saddle-node bias the state lingers near the ghost before it leaves.

    Returns
    -------
    (n_steps,) float array, the state after each step. ``bias`` and ``h`` are finite real numbers,
    ``n_steps`` at most :data:`MAX_STEPS`.
    """
    bias, h = check_float("bias", bias), check_float("h", h)
    steps = check_count("n_steps", n_steps, 1, MAX_STEPS)
    out = []
    for _ in range(steps):
        h = math.tanh(2 * h + bias)
        out.append(h)
    return np.array(out)


@dataclass
class Drift:
    """The noiseless drift of K states under a constant input, and where it ends (chapter 3).

    Attributes
    ----------
    S : (K, T) speed at every step, in the components the search used
    reported : (K, T) the class the network would report if the trigger came at that step
    end : SlowPoints, a Newton search started from the K final states
    last : (K,) distance moved over the last ``window`` steps
    travel : (K,) distance Newton went from each final state
    digits : sorted digits (0..9) reported at the last step
    own : how many trajectories still report their own class at the last step
    end_spread : largest distance between two Newton results (as ``S`` measures states)
    """

    S: torch.Tensor
    reported: torch.Tensor
    end: SlowPoints
    last: torch.Tensor
    travel: torch.Tensor
    digits: list
    own: int
    end_spread: float


def drift(model, inputs: torch.Tensor, trigger: torch.Tensor, starts, labels: torch.Tensor, n_steps: int,
          components: str = "full", window: int = 1000, newton_n_iters: int = 100) -> Drift:
    """Follow K states for ``n_steps`` noiseless steps of ``inputs``, then search for the fixed point
    that each reaches (chapter 3).

    Parameters
    ----------
    model : RNNClassifier
    inputs : (D,) the constant input, e.g. ``task.mean_input()``
    trigger : (D,) the input that asks for the report, e.g. ``task.mean_input(trigger=True)``
    starts : State with K rows, e.g. from
        :func:`~mem.slowpoints.starts.class_mean_states`
    labels : (K,) the class each start belongs to
    n_steps : trajectory length T (more than ``window``)
    components : what enters the speed (:func:`~mem.slowpoints.state_map.speed`)
    window : the last steps over which ``last`` measures movement
    newton_n_iters : iterations of the Newton search from the final states

    Returns
    -------
    Drift
    """
    K = _check_drift_args(model, inputs, starts, components)
    check_tensor("trigger", trigger, last=model.input_size, dims=(1,), convert=False, floating=True)
    check_labels("labels", labels, K)
    steps, window = check_count("n_steps", n_steps, 2, MAX_STEPS), check_count("window", window)
    check_count("newton_n_iters", newton_n_iters, 0, 10**6)
    if window >= steps:
        raise ValueError(f"window must be shorter than n_steps ({steps}), got {window}")
    V = states_along(model, inputs.expand(len(labels), steps, -1), starts)
    flat = model.unflatten_state(V.reshape(-1, V.shape[-1]))
    with torch.no_grad():
        S = speed(model, model.unflatten_state(V.reshape(-1, V.shape[-1]).double()), inputs,
                  components=components).reshape(V.shape[:2])
        reported = model.readout(model.step(trigger.expand(len(flat.h), -1), flat).h).argmax(-1).reshape(V.shape[:2])
    end = find_slow_points(model, model.unflatten_state(V[:, -1]), inputs, method="newton", n_iters=newton_n_iters,
                           labels=labels, components=components)
    seen = torch.cat([end.h, end.c.tanh()], 1) if model.is_lstm else end.states   # the state as S measures it
    return Drift(S=S, reported=reported, end=end, last=(V[:, -1] - V[:, -1 - window]).norm(dim=1),
                 travel=(end.states - end.initial_states).norm(dim=1),
                 digits=sorted(set((reported[:, -1] - 1).tolist())), own=int((reported[:, -1] == labels).sum()),
                 end_spread=torch.cdist(seen, seen).max().item())


def _check_drift_args(model, inputs, starts, components) -> int:
    """The checks shared by the drifts: an RNNClassifier, a finite input (D,), finite starts (a State with K
    rows) and ``components``. Returns K."""
    check_model(model)
    check_choice("components", components, COMPONENTS)
    check_tensor("inputs", inputs, last=model.input_size, dims=(1,), convert=False, floating=True)
    return len(flat_states(dynamics(model), starts, "starts", torch.float64))


def drift_speed(model, inputs: torch.Tensor, starts, n_steps: int = 100, components: str = "full") -> torch.Tensor:
    """Speed at the state reached after ``n_steps`` noiseless steps of ``inputs`` from each start (chapter 5).

    ``model`` is an RNNClassifier, ``inputs`` a finite (D,) tensor, ``starts`` a State with K finite rows,
    ``n_steps`` at most :data:`MAX_STEPS`.

    Returns
    -------
    (K,) tensor, one speed per start.
    """
    _check_drift_args(model, inputs, starts, components)
    steps = check_count("n_steps", n_steps, 1, MAX_STEPS)
    end = states_along(model, inputs.expand(len(starts.h), steps, -1), starts)[:, -1]
    return speed(model, model.unflatten_state(end), inputs, components=components)   # (h, c) for LSTMs


def class_drift_table(networks: dict, task, inputs: torch.Tensor, n_steps: int = 100):
    """Drift speed and memory lifetime of every class of several networks (chapter 5, exercise 5.2).

    Each network starts from its class means (:func:`~mem.slowpoints.starts.class_mean_states` on ``task``)
    and runs ``n_steps`` noiseless steps of ``inputs`` (:func:`drift_speed`); the lifetime of a class
    is read from the network's delay curve (:meth:`mem.evaluate.DelayCurve.class_lifetimes`).

    Parameters
    ----------
    networks : ``{label: (model, DelayCurve with per-class accuracy)}``
    task : the DelayedClassification whose class means start the drift
    inputs : (D,) input held during the drift (the task's mean input)
    n_steps : steps of drift, at most :data:`MAX_STEPS`

    Returns
    -------
    pandas DataFrame, one row per (network, class): ``network``, ``digit`` (label - 1: the digit of the
    book's task), ``log10 drift speed`` (``-inf`` where the drift reached a fixed point exactly, S = 0),
    ``lifetime`` (NaN or inf where the class has none).
    """
    import pandas as pd

    from .evaluate import DelayCurve
    from .slowpoints import class_mean_states

    check_dict("networks", networks, "{label: (model, DelayCurve)}")
    n_steps = check_count("n_steps", n_steps, 1, MAX_STEPS)
    for k, pair in networks.items():
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[1], DelayCurve)):
            raise TypeError(f"networks must be a non-empty dict {{label: (model, DelayCurve)}}; "
                            f"{k!r} maps to {type(pair).__name__}")
        check_model_task(pair[0], task, DelayedClassification)
        if pair[1].class_accuracy is None:
            raise ValueError(f"networks must hold DelayCurves with per-class accuracy; {k!r}'s has none")
        check_tensor("inputs", inputs, last=pair[0].input_size, dims=(1,), convert=False, floating=True)
    rows = []
    for k, (m, c) in networks.items():
        start, lab = class_mean_states(m, task)
        S = drift_speed(m, inputs, start, n_steps=n_steps)
        rows += [{"network": k, "digit": int(y) - 1, "log10 drift speed": float(s),
                  "lifetime": c.class_lifetimes()[y - 1]} for y, s in zip(lab, S.log10())]
    return pd.DataFrame(rows)


def saddle_node() -> tuple[float, float]:
    """Where the toy map ``h' = tanh(2 h + b)`` touches the diagonal, and the bias at which it does (chapter 3).

    The slope ``2 (1 - h^2)`` of ``tanh(2 h + b)`` is 1 at ``h = 1/sqrt(2)``; the bias that puts that
    point on the diagonal merges the stable and the unstable fixed point at ``h > 0`` (a saddle-node).

    Returns
    -------
    (h_touch, b_sn): ``1/sqrt(2)`` and ``atanh(h_touch) - 2 h_touch`` (about -0.533).
    """
    h_touch = 1 / math.sqrt(2)
    return h_touch, math.atanh(h_touch) - 2 * h_touch


def ghost_point(bias: float) -> tuple[float, float]:
    """The ghost of the toy map ``h' = tanh(2 h + bias)`` for ``bias`` past the saddle-node (chapter 3).

    Returns
    -------
    (h, S): where the distance ``tanh(2 h + bias) - h`` is smallest (``tanh(2 h + bias) = -1/sqrt(2)``),
    and the speed ``S = (h' - h)^2`` there. Meaningful for ``bias > |b_sn|`` (:func:`saddle_node`);
    ``bias`` must be a finite real number whose ``S`` is a float (``|bias|`` below about 1e154).
    """
    return _ghost_point(bias, "bias")


def _ghost_point(bias, name: str) -> tuple[float, float]:
    """:func:`ghost_point`, its errors naming ``name``."""
    if isinstance(bias, bool) or not isinstance(bias, (int, float, np.floating, np.integer)):
        raise TypeError(f"{name} must be a real number, got {type(bias).__name__}")
    check_float(name, bias)
    h_touch, _ = saddle_node()
    h = (math.atanh(-h_touch) - float(bias)) / 2
    try:
        return h, (-h_touch - h) ** 2
    except OverflowError:
        raise ValueError(f"{name} must be a real number whose ghost speed is a float, got {bias!r}") from None


def ghost_dwell(biases, radius: float = 0.1, n_steps: int = 100) -> dict:
    """Steps that :func:`ghost_passage` spends within ``radius`` of the ghost, per bias (chapter 3).

    Parameters
    ----------
    biases : sequence of floats past the saddle-node bias (:func:`saddle_node`)
    radius : distance from the ghost (:func:`ghost_point`) that counts as near
    n_steps : length of each passage, from ``h_1 = -1``

    Returns
    -------
    dict ``{bias: int}``, in the order of ``biases``.
    """
    if isinstance(biases, (str, bytes)) or not np.ndim(biases) == 1:
        raise TypeError(f"biases must be a sequence of numbers, got {type(biases).__name__}")
    for b in biases:
        check_float("biases", b)
    check_float("radius", radius, gt=0, finite=False)
    check_count("n_steps", n_steps, 1, MAX_STEPS)
    ghosts = [_ghost_point(b, "biases")[0] for b in biases]
    return {b: int((np.abs(ghost_passage(b, n_steps=n_steps) - g) < radius).sum()) for b, g in zip(biases, ghosts)}


def ghost_scaling(eps, n_steps: int = 2000) -> tuple[np.ndarray, np.ndarray]:
    """Speed of the ghost and time to pass it, at biases ``|b_sn| + eps`` of the toy network (chapter 3).

    For each ``eps`` a Newton search (:func:`~mem.slowpoints.search.find_slow_points`) starts 0.05 from the
    ghost (:func:`ghost_point`) of :func:`mem.models.toy_rnn` with bias ``(|b_sn| + eps, 0)``; the passage
    time is the number of steps of :func:`ghost_passage` from ``h_1 = -1`` until ``h_1 > 0``.

    Parameters
    ----------
    eps : (E,) distances of the bias past the saddle-node bias ``|b_sn|``, each in (0, 1]
    n_steps : longest passage followed, at most :data:`MAX_STEPS`

    Returns
    -------
    (S (E,) float array, T (E,) int array): the ghost's speed and the passage time.

    Raises
    ------
    ValueError
        An ``eps`` whose search does not end at a slow point (too far past the saddle-node for a ghost),
        or a passage that does not end within ``n_steps``.
    """
    from .models import toy_rnn

    if isinstance(eps, (str, bytes)) or not np.ndim(eps) == 1 \
            or not all(isinstance(e, (int, float, np.integer, np.floating)) and not isinstance(e, (bool, np.bool_))
                       for e in np.asarray(eps, dtype=object)):
        raise TypeError(f"eps must be a 1-D sequence of numbers in (0, 1], got {eps!r}")
    eps = np.asarray(eps, dtype=float)
    if eps.ndim != 1 or not ((eps > 0) & (eps <= 1)).all():
        raise ValueError(f"eps must be a 1-D sequence of numbers > 0 (at most 1), got {eps!r}")
    check_count("n_steps", n_steps, 1, MAX_STEPS)
    _, b_sn = saddle_node()
    S, T = [], []
    for e in eps:
        bias = abs(b_sn) + e
        near = torch.tensor([[ghost_point(bias)[0] + 0.05, 0.0]])
        found = find_slow_points(toy_rnn(bias=(bias, 0.0)), near, torch.zeros(1))
        if found.outcome_names != ["slow"]:
            raise ValueError(f"eps = {e} is too far past the saddle-node: the search ended {found.outcome_names}, "
                             f"not at a slow point")
        S.append(found.speed.item())
        path = ghost_passage(bias, n_steps=n_steps)
        if not (path > 0).any():
            raise ValueError(f"n_steps = {n_steps} is too short: the passage at eps = {e} does not end within it")
        T.append(int(np.argmax(path > 0)) + 1)
    return np.array(S), np.array(T)


def speed_along(model, inputs: torch.Tensor, starts, n_steps: int, components: str = "full",
                window: int | None = None) -> torch.Tensor:
    """Speed at every step of the noiseless trajectories from ``starts`` under ``inputs`` (chapter 3).

    Parameters
    ----------
    model : RNNClassifier
    inputs : (D,) the constant input
    starts : State with K rows
    n_steps : trajectory length T
    components : what enters the speed (:func:`~mem.slowpoints.state_map.speed`)
    window : only the last ``window`` steps (default: all T)

    Returns
    -------
    (K, T) float64 tensor (T = ``window`` when given).
    """
    _check_drift_args(model, inputs, starts, components)
    steps = check_count("n_steps", n_steps, 1, MAX_STEPS)
    window = check_count("window", steps if window is None else window)
    if window > steps:
        raise ValueError(f"window must be at most n_steps ({steps}), got {window}")
    V = states_along(model, inputs.expand(len(starts.h), steps, -1), starts)[:, steps - window:]
    flat = model.unflatten_state(V.reshape(-1, V.shape[-1]).double())
    return speed(model, flat, inputs, components=components).reshape(V.shape[:2])


def decay_rate(log_speed, lo: float = -np.inf, hi: float = np.inf, per: int = 1000) -> float:
    """Median over trajectories of the fitted slope of ``log10 S`` per ``per`` steps, where ``lo < log10 S < hi``
    (chapter 3).

    Parameters
    ----------
    log_speed : (K, T) array, ``log10 S`` along K trajectories (e.g. :attr:`Drift.S` or :func:`speed_along`)
    lo, hi : the band of ``log10 S`` fitted (each trajectory needs two steps in it)
    per : steps the slope is given for

    Returns
    -------
    float

    Raises
    ------
    ValueError
        ``log_speed`` is not a (K, T) array with K >= 1, holds NaN (``-inf``, for ``S = 0``, is allowed), or
        has a trajectory with fewer than two steps in the band.
    """
    if log_speed is None or isinstance(log_speed, (str, bytes)):
        raise TypeError(f"log_speed must be a (K, T) array of numbers, got {type(log_speed).__name__}")
    try:
        logS = np.asarray(log_speed, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"log_speed must be a (K, T) array of numbers, got {type(log_speed).__name__}") from None
    if logS.ndim != 2 or len(logS) == 0:
        raise ValueError(f"log_speed must be a (K, T) array with K >= 1, got shape {logS.shape}")
    if np.isnan(logS).any():
        raise ValueError("log_speed must not hold NaN")
    check_float("lo", lo, finite=False)
    check_float("hi", hi, finite=False)
    if not lo < hi:
        raise ValueError(f"lo must be below hi, got lo = {lo!r}, hi = {hi!r}")
    check_count("per", per)
    short = [i for i, s in enumerate(logS) if int(((s > lo) & (s < hi)).sum()) < 2]
    if short:
        raise ValueError(f"log_speed must have at least two steps in the band lo < log10 S < hi on every "
                         f"trajectory; trajectories {short[:10]} have fewer")
    t = np.arange(logS.shape[1])
    return per * np.median([np.polyfit(t[(s > lo) & (s < hi)], s[(s > lo) & (s < hi)], 1)[0] for s in logS])


def approach_rates(d: Drift, lo: float = -np.inf, hi: float = np.inf, n_modes: int = 2, per: int = 1000) -> dict:
    """How fast a drift's speed falls as it nears its fixed point, measured and as the linearisation predicts
    (chapter 3).

    Near a fixed point with eigenvalue ``lambda`` the distance shrinks as ``|lambda|^t``, so ``S`` as
    ``|lambda|^(2t)``: ``log10 S`` changes by ``2 per log10|lambda|`` every ``per`` steps.

    Parameters
    ----------
    d : Drift whose Newton search (``d.end``) converged (its first point is used)
    lo, hi : the band of ``log10 S`` fitted (:func:`decay_rate`)
    n_modes : how many of the slowest modes to predict from
    per : steps the rates are given for

    Returns
    -------
    dict with ``measured`` (float, :func:`decay_rate` of ``log10 d.S``) and ``predicted`` (list of
    ``n_modes`` floats, slowest mode first).
    """
    if not isinstance(d, Drift):
        raise TypeError(f"d must be a Drift, got {type(d).__name__}")
    check_count("n_modes", n_modes)
    if d.end.jacobians is None:
        raise ValueError("d must be a Drift whose search kept its Jacobians")
    moduli = d.end.eigenvalues()[0].abs()[:n_modes]
    return dict(measured=decay_rate(d.S.log10().numpy(), lo, hi, per),
                predicted=[2 * per * math.log10(x) for x in moduli.tolist()])
