"""Speed regularisation: make the slow points slower, and memories last longer (chapter 5).

Haviv, Rivkind & Barak (2019) added the speed at the slow points to the training loss,

    loss = cross-entropy + lambda * sum_i S(h_i, I),   S(h, I) = ||F(h, I) - h||^2,

and fine-tuned trained networks with it. Three *modes* compare where the penalty acts:

* ``"slowpoints"``: at the class slow points, found once by the paper's Adam search
  (:func:`mem.slowpoints.find_class_slow_points`);
* ``"centermass"``: at the class-mean states themselves, unoptimised
  (:func:`mem.slowpoints.class_mean_states`);
* ``"control"``: the same fine-tune with ``lambda = 0``: whatever fine-tuning alone does.

The points can stay where they were found (``tracking="fixed"``, the default) or follow
the changing network (``"retrack"``): a *persistent* Adam optimiser keeps minimising S
over the points under the current weights, a few steps per training step. (Restarting a
fresh Adam on points that are already found kicks them away: its first step moves every
coordinate by about its learning rate.)

:class:`SpeedPenalty` is the term itself, usable in :func:`mem.train.train` for training
from scratch; :func:`fine_tune` copies a trained network and fine-tunes the copy.
"""
from __future__ import annotations

import copy
import math

import torch

from . import slowpoints as _sp
from .models import RNNClassifier, State
from .protocols import NaCu
from .train import History, train

__all__ = ["MODES", "TRACKING", "speed_penalty", "SpeedPenalty", "anchor_points", "fine_tune"]

MODES = ("slowpoints", "centermass", "control")
TRACKING = ("fixed", "retrack")


def _check_choice(name, value, allowed):
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def _components(model, components):
    if components is None:
        return "h_tanh_c" if model.is_lstm else "full"
    _check_choice("components", components, _sp.COMPONENTS)
    return components


def _flat_points(model: RNNClassifier, points) -> torch.Tensor:
    """(N, state_size) detached states from SlowPoints, a State, or a flat tensor."""
    if isinstance(points, _sp.SlowPoints):
        v = points.states
    elif isinstance(points, State):
        v = model.flatten_state(model.check_state(points, points.h.shape[0]))
    elif isinstance(points, torch.Tensor):
        v = points
    else:
        raise ValueError(f"points must be SlowPoints, a State or a tensor (N, state_size), got {type(points).__name__}")
    if v.dim() != 2 or v.shape[1] != model.state_size:
        raise ValueError(f"points must have shape (N, {model.state_size}) for this model, got {tuple(v.shape)}")
    return v.detach()


def speed_penalty(model: RNNClassifier, points, inputs: torch.Tensor, components: str | None = None) -> torch.Tensor:
    """``sum_i S(h_i, I)`` at fixed points ``h_i``, differentiable in the model's parameters (chapter 5).

    Parameters
    ----------
    model : RNNClassifier (GRU, LSTM or vanilla RNN)
    points : SlowPoints, State with h (N, H) (and c), or tensor (N, state_size); treated as
        constants (no gradient flows into them)
    inputs : (D,) constant input (e.g. ``task.mean_input()``) or (N, D)
    components : what enters S for LSTMs (:func:`mem.slowpoints.speed`); default
        ``"h_tanh_c"`` for LSTMs (the paper's code), ``"full"`` otherwise

    Returns
    -------
    scalar tensor: the sum of the N speeds, with gradients for the model's parameters.
    """
    if not isinstance(model, RNNClassifier):
        raise ValueError(f"model must be a mem.models.RNNClassifier, got {type(model).__name__}")
    components = _components(model, components)
    p = next(model.parameters())
    v = _flat_points(model, points).to(device=p.device, dtype=p.dtype)
    x = torch.as_tensor(inputs, dtype=p.dtype, device=p.device)
    if x.dim() == 1:
        x = x.expand(v.shape[0], -1)
    if x.shape != (v.shape[0], model.input_size):
        raise ValueError(f"inputs must have shape ({model.input_size},) or ({v.shape[0]}, {model.input_size}), "
                         f"got {tuple(x.shape)}")
    f = model.flatten_state(model.step(x, model.unflatten_state(v)))
    r = _sp.residual_of(f, v, model.hidden_size if model.is_lstm else None, components)
    return (r * r).sum()


class SpeedPenalty:
    """``lam * sum_i S(h_i, I)`` as a training-loss term: ``train(..., penalty=SpeedPenalty(...))`` (chapter 5).

    Parameters
    ----------
    points : SlowPoints, State or tensor (N, state_size): where the speed is penalised
    inputs : (D,) constant input, e.g. ``task.mean_input()``
    lam : float >= 0, the weight lambda
    tracking : "fixed" (default: the points never move) or "retrack" (before each training
        step, ``retrack_steps`` steps of one persistent Adam optimiser, learning rate
        ``retrack_lr``, lower S at the points under the current weights)
    components : what enters S for LSTMs (default as in :func:`speed_penalty`)

    The current points are in ``self.points`` (N, state_size). The same object works for
    fine-tuning and for training from scratch; from scratch, start from states the network
    visits (e.g. :func:`mem.slowpoints.trajectory_states`) and re-track them.
    """

    def __init__(self, points, inputs: torch.Tensor, lam: float, *, tracking: str = "fixed",
                 retrack_steps: int = 1, retrack_lr: float = 1e-2, components: str | None = None):
        if not (isinstance(lam, (int, float)) and math.isfinite(lam) and lam >= 0):
            raise ValueError(f"lam must be a finite number >= 0, got {lam!r}")
        _check_choice("tracking", tracking, TRACKING)
        if isinstance(retrack_steps, bool) or not isinstance(retrack_steps, int) or retrack_steps < 1:
            raise ValueError(f"retrack_steps must be a positive integer, got {retrack_steps!r}")
        if not retrack_lr > 0:
            raise ValueError(f"retrack_lr must be > 0, got {retrack_lr!r}")
        self.raw_points, self.inputs, self.lam = points, inputs, float(lam)
        self.tracking, self.retrack_steps, self.retrack_lr, self.components = (tracking, retrack_steps,
                                                                                retrack_lr, components)
        self.points = None
        self._opt = None

    def _init(self, model):
        p = next(model.parameters())
        self.points = _flat_points(model, self.raw_points).to(device=p.device, dtype=p.dtype).clone()
        if self.tracking == "retrack":
            self.points.requires_grad_(True)
            self._opt = torch.optim.Adam([self.points], lr=self.retrack_lr)   # persistent: created once

    def _retrack(self, model):
        frozen = [q.requires_grad for q in model.parameters()]
        for q in model.parameters():
            q.requires_grad_(False)
        try:
            for _ in range(self.retrack_steps):
                self._opt.zero_grad(set_to_none=True)
                speed_penalty_tracked(model, self.points, self.inputs, self.components).backward()
                self._opt.step()
        finally:
            for q, f in zip(model.parameters(), frozen):
                q.requires_grad_(f)

    def __call__(self, model: RNNClassifier, step: int) -> torch.Tensor:
        if self.points is None:
            self._init(model)
        if self.tracking == "retrack":
            self._retrack(model)
        if self.lam == 0:
            return next(model.parameters()).new_zeros(())
        return self.lam * speed_penalty(model, self.points.detach(), self.inputs, self.components)


def speed_penalty_tracked(model, v, inputs, components):
    """``sum_i S`` with gradients flowing into the points ``v`` (used to re-track them)."""
    components = _components(model, components)
    x = inputs.to(v).expand(v.shape[0], -1) if inputs.dim() == 1 else inputs.to(v)
    f = model.flatten_state(model.step(x, model.unflatten_state(v)))
    r = _sp.residual_of(f, v, model.hidden_size if model.is_lstm else None, components)
    return (r * r).sum()


def anchor_points(model: RNNClassifier, task, mode: str = "slowpoints", *, adam_iters: int = 2000,
                  adam_lr: float = 1e-2, components: str | None = None, n_trials: int = 1000,
                  seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Where the penalty acts, for each digit the network knows (chapter 5).

    ``"slowpoints"``: the paper's Adam slow points (``adam_iters`` steps at ``adam_lr``,
    from the class means); ``"centermass"`` and ``"control"``: the class-mean states.

    Returns
    -------
    (points (K, state_size) float32, labels (K,) int64)
    """
    _check_choice("mode", mode, MODES)
    start, labels = _sp.class_mean_states(model, task, n_trials=n_trials, seed=seed)
    if mode != "slowpoints":
        return model.flatten_state(start).detach().float(), labels
    pts = _sp.find_slow_points(model, start, task.mean_input(), method="adam", max_iter=adam_iters, lr=adam_lr,
                               labels=labels, components=_components(model, components), jacobians=False)
    return pts.states.float(), labels


def fine_tune(model: RNNClassifier, task, points=None, lam: float = 100.0, steps: int = 500, *,
              mode: str = "slowpoints", tracking: str = "fixed", lr: float = 3e-4, clip: float = 1.0,
              batch_size: int = 128, seed: int = 0, components: str | None = None, retrack_steps: int = 1,
              retrack_lr: float = 1e-2, progress: bool = True) -> tuple[RNNClassifier, History]:
    """Fine-tune a copy of ``model`` on the full task with the speed penalty (chapter 5).

    Parameters
    ----------
    model : a trained RNNClassifier; it is not modified
    task : DelayedClassification (full task: ``T_max`` and all digits)
    points : where to penalise; default :func:`anchor_points` for ``mode``
    lam : weight of the penalty (forced to 0 for ``mode="control"``)
    steps : fine-tuning steps (Adam at ``lr``, gradient-norm clip ``clip``)
    mode : "slowpoints", "centermass" or "control" (module docstring)
    tracking : "fixed" or "retrack" (:class:`SpeedPenalty`)
    seed : seeds the batches (the same for every mode and lambda, so runs differ only by the penalty)

    Returns
    -------
    (the fine-tuned copy in eval mode, History with ``loss`` (cross-entropy), ``accuracy``
    and ``penalty`` per step)
    """
    if not isinstance(model, RNNClassifier):
        raise ValueError(f"model must be a mem.models.RNNClassifier, got {type(model).__name__}")
    _check_choice("mode", mode, MODES)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    if mode == "control":
        lam = 0.0
    if points is None:
        points, _ = anchor_points(model, task, mode, components=components)
    tuned = copy.deepcopy(model)
    for q in tuned.parameters():
        q.requires_grad_(True)
    penalty = SpeedPenalty(points, task.mean_input(), lam, tracking=tracking, retrack_steps=retrack_steps,
                           retrack_lr=retrack_lr, components=components)
    hist = train(tuned, task, NaCu(steps), batch_size=batch_size, lr=lr, clip=clip, seed=seed, progress=progress,
                 desc=f"fine-tune {mode} lam={lam:g}", penalty=penalty)
    tuned.eval()
    return tuned, hist
