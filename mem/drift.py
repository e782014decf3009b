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

from ._checks import check_count
from .slowpoints import SlowPoints, find_slow_points, speed, states_along

__all__ = ["Drift", "class_drift_table", "drift", "drift_speed", "ghost_passage"]


def ghost_passage(bias: float, h: float = -1.0, n_steps: int = 100) -> np.ndarray:
    """``h_1`` over ``n_steps`` steps of the toy network ``h' = tanh(2 h + bias)`` from ``h`` (chapter 3).

    The two units of :func:`mem.models.toy_rnn` are independent, so one unit is the whole story:
    past the saddle-node bias the state lingers near the ghost before it leaves.

    Returns
    -------
    (n_steps,) float array, the state after each step.
    """
    steps = check_count("n_steps", n_steps)
    bias, h = float(bias), float(h)
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
        :func:`mem.slowpoints.class_mean_states <mem.slowpoints.starts.class_mean_states>`
    labels : (K,) the class each start belongs to
    n_steps : trajectory length T (more than ``window``)
    components : what enters the speed (:func:`mem.slowpoints.speed <mem.slowpoints.state_map.speed>`)
    window : the last steps over which ``last`` measures movement
    newton_n_iters : iterations of the Newton search from the final states

    Returns
    -------
    Drift
    """
    steps, window = check_count("n_steps", n_steps, 2), check_count("window", window)
    if window >= steps:
        raise ValueError(f"window must be shorter than n_steps ({steps}), got {window}")
    V = states_along(model, inputs.expand(len(labels), steps, -1), starts)
    flat = model.unflatten_state(V.reshape(-1, V.shape[-1]))
    with torch.no_grad():
        S = speed(model, model.unflatten_state(V.reshape(-1, V.shape[-1]).double()), inputs,
                  components=components).reshape(V.shape[:2])
        reported = model.readout(model.step(trigger.expand(len(flat.h), -1), flat).h).argmax(-1).reshape(V.shape[:2])
    end = find_slow_points(model, model.unflatten_state(V[:, -1]), inputs, method="newton", n_iters=newton_n_iters,
                           patience=None, labels=labels, components=components)
    seen = torch.cat([end.h, end.c.tanh()], 1) if model.is_lstm else end.states   # the state as S measures it
    return Drift(S=S, reported=reported, end=end, last=(V[:, -1] - V[:, -1 - window]).norm(dim=1),
                 travel=(end.states - end.initial_states).norm(dim=1),
                 digits=sorted(set((reported[:, -1] - 1).tolist())), own=int((reported[:, -1] == labels).sum()),
                 end_spread=torch.cdist(seen, seen).max().item())


def drift_speed(model, inputs: torch.Tensor, starts, n_steps: int = 100, components: str = "full") -> torch.Tensor:
    """Speed at the state reached after ``n_steps`` noiseless steps of ``inputs`` from each start (chapter 5).

    Returns
    -------
    (K,) tensor, one speed per start.
    """
    steps = check_count("n_steps", n_steps)
    end = states_along(model, inputs.expand(len(starts.h), steps, -1), starts)[:, -1]
    return speed(model, end, inputs, components=components)


def class_drift_table(networks: dict, task, inputs: torch.Tensor, n_steps: int = 100):
    """Drift speed and memory lifetime of every class of several networks (chapter 5, exercise 5.2).

    Each network starts from its class means (:func:`mem.slowpoints.class_mean_states` on ``task``)
    and runs ``n_steps`` noiseless steps of ``inputs`` (:func:`drift_speed`); the lifetime of a class
    is read from the network's delay curve (:meth:`mem.evaluate.DelayCurve.class_lifetimes`).

    Parameters
    ----------
    networks : ``{label: (model, DelayCurve with per-class accuracy)}``
    task : the task whose class means start the drift
    inputs : (1, 1, I) input held during the drift (the task's mean input)
    n_steps : steps of drift

    Returns
    -------
    pandas DataFrame, one row per (network, class): ``network``, ``digit`` (label - 1: the digit of the
    book's task), ``log10 drift speed``, ``lifetime`` (NaN or inf where the class has none).
    """
    import pandas as pd

    from .slowpoints import class_mean_states

    if not isinstance(networks, dict) or not networks:
        raise TypeError(f"networks must be a non-empty dict {{label: (model, DelayCurve)}}, got "
                        f"{type(networks).__name__}")
    n_steps = check_count("n_steps", n_steps)
    rows = []
    for k, (m, c) in networks.items():
        start, lab = class_mean_states(m, task)
        S = drift_speed(m, inputs, start, n_steps=n_steps)
        rows += [{"network": k, "digit": int(y) - 1, "log10 drift speed": float(s),
                  "lifetime": c.class_lifetimes()[y - 1]} for y, s in zip(lab, S.log10())]
    return pd.DataFrame(rows)
