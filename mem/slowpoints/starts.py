"""Where the searches start: the paper's class-mean states and states along trajectories (chapter 3).

:func:`class_mean_states` gives one candidate per class the network knows (the paper's
starting points), :func:`trajectory_states` samples the states long-delay trials visit
(FixedPointFinder's way), both from the states :func:`states_along` computes;
:func:`find_class_slow_points` searches from the class means; :func:`saddles_between` searches from
the midpoints between known memories and follows each saddle's unstable direction to where it leads.
"""
from __future__ import annotations

import torch

from .._checks import (
    check_choice,
    check_count,
    check_float,
    check_int,
    check_model,
    check_model_task,
    check_tensor,
    seeded,
)
from ..models import RNNClassifier, State
from ..tasks import DelayedClassification
from .points import SlowPoints
from .search import find_slow_points
from .state_map import dynamics, flat_inputs

#: The most trials (or probe samples) the start functions sample at once, and the most steps in all of
#: :func:`trajectory_states`'s probe trials together.
MAX_TRIALS, MAX_PROBE_STEPS = 10**6, 10**7


__all__ = ["MAX_PROBE_STEPS", "MAX_TRIALS", "class_mean_states", "find_class_slow_points", "saddles_between",
           "states_along", "trajectory_states"]


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

    Raises
    ------
    TypeError
        ``model`` is not an RNNClassifier, ``x`` not a floating-point tensor, ``state`` not a State.
    ValueError
        ``x`` has the wrong shape or is not finite; ``state`` has the wrong shape or is not finite.
    """
    check_model(model)
    check_tensor("x", x, convert=False, floating=True)
    if x.dim() != 3 or x.shape[-1] != model.input_size:
        raise ValueError(f"x must have shape (B, T, {model.input_size}), got {tuple(x.shape)}")
    if state is not None:
        state = model.check_state(state)
        if state.h.shape[0] != x.shape[0]:
            raise ValueError(f"state and x must hold the same number of trials, got {state.h.shape[0]} "
                             f"and {x.shape[0]}")
        if not all(bool(torch.isfinite(t).all()) for t in state if t is not None):
            raise ValueError("state must be finite (no NaN or inf)")
    state = model.init_state(x.shape[0], x.device) if state is None else state
    out = []
    with torch.no_grad():
        for t in range(x.shape[1]):
            state = model.step(x[:, t], state)
            out.append(model.flatten_state(state))
    return torch.stack(out, 1)


def class_mean_states(model: RNNClassifier, task, n_trials: int = 1000, seed: int = 0,
                      split: str = "train", min_correct: int = 10,
                      min_recall: float = 0.5, min_precision: float = 0.5) -> tuple[State, torch.Tensor]:
    """Per-class mean state just before the trigger, over correctly reported trials (chapter 3).

    The paper's starting points: sample ``n_trials`` trials of ``task`` (trained
    timing), keep those the network reports correctly, and average the state at
    ``t_report - 1`` (the state the trigger acts on) over each class.

    The trials show *training* digits by default (``split="train"``), as the authors' code does: these
    states seed searches and the speed penalty's anchor points (:mod:`mem.regularize`), which feed a
    gradient, and test digits are kept for evaluation.

    Returns
    -------
    (State with h (K, H) (and c for LSTMs), labels (K,) int64): one row per class
    the network knows, classes in increasing order. A class is known when it has
    at least ``min_correct`` correct trials, at least ``min_recall`` of its trials
    are reported correctly, and at least ``min_precision`` of the reports of that
    class are right (an untrained network that always says the same digit knows
    none). K = 0 happens early in training.

    ``model`` is an RNNClassifier and ``task`` a DelayedClassification of its sizes; ``n_trials`` is at most
    :data:`MAX_TRIALS`; ``min_correct >= 1`` (a class needs a trial to have a mean); ``min_recall`` and
    ``min_precision`` lie in [0, 1].
    """
    check_model_task(model, task, DelayedClassification)
    check_int("n_trials", n_trials, 1, MAX_TRIALS)
    check_choice("split", split, ("train", "test"))
    check_int("min_correct", min_correct, 1)
    check_float("min_recall", min_recall, ge=0, le=1)
    check_float("min_precision", min_precision, ge=0, le=1)
    gen = seeded(seed)
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
                      noise_scale: float = 0.0, seed: int = 0, split: str = "train") -> tuple[State, torch.Tensor]:
    """States sampled from long-delay trajectories, optionally jittered (FixedPointFinder-style; chapter 3).

    Runs ``n_samples`` probe trials (digit at t = 0, then noise frames, no trigger)
    for ``max_delay`` steps and takes each trial's state at a uniformly drawn step
    in ``1..max_delay``, plus Gaussian noise of standard deviation ``noise_scale``. The trials show
    training digits by default (``split="train"``; test digits are kept for evaluation).

    Returns
    -------
    (State with h (n_samples, H) (and c), labels (n_samples,)): the class of each trial.

    ``n_samples`` and ``max_delay`` are at most :data:`MAX_TRIALS`, their product at most
    :data:`MAX_PROBE_STEPS`; ``noise_scale`` must leave the states finite.
    """
    check_model_task(model, task, DelayedClassification)
    check_int("n_samples", n_samples, 1, MAX_TRIALS)
    check_int("max_delay", max_delay, 1, MAX_TRIALS)
    if n_samples * (max_delay + 1) > MAX_PROBE_STEPS:
        raise ValueError(f"n_samples * (max_delay + 1) must be at most {MAX_PROBE_STEPS} steps, "
                         f"got n_samples={n_samples}, max_delay={max_delay}")
    check_float("noise_scale", noise_scale, ge=0)
    check_choice("split", split, ("train", "test"))
    gen = seeded(seed)
    probe = task.sample_probe(n_samples, max_delay, gen, split=split)
    V = states_along(model, probe.x.to(model.readout.weight.device))
    t = torch.randint(1, max_delay + 1, (n_samples,), generator=gen)
    v = V[torch.arange(n_samples), t.to(V.device)]
    if noise_scale:
        v = v + noise_scale * torch.randn(v.shape, generator=gen).to(v.device)
        if not bool(torch.isfinite(v).all()):
            raise ValueError(f"noise_scale must leave the states finite in {v.dtype}, got {noise_scale!r}")
    return model.unflatten_state(v), probe.label.to(v.device)


def find_class_slow_points(model: RNNClassifier, task, n_trials: int = 1000, seed: int = 0,
                           **kwargs) -> SlowPoints:
    """One search per class from its mean state (:func:`class_mean_states`), input ``task.mean_input()`` (chapter 3).

    Keyword arguments go to :func:`~mem.slowpoints.search.find_slow_points`. Returns SlowPoints with ``labels`` set.
    """
    start, labels = class_mean_states(model, task, n_trials=n_trials, seed=seed)
    return find_slow_points(model, start, task.mean_input(), labels=labels, **kwargs)



def saddles_between(model, memories: SlowPoints, inputs, n_iters: int = 400, tol: float = 1e-3,
                    eps: float = 1e-3, n_steps: int = 300) -> tuple[SlowPoints, torch.Tensor]:
    """The saddles with one unstable direction between a network's memories, and which memories each joins
    (chapter 3).

    Searches (:func:`~mem.slowpoints.search.find_slow_points`) start at the midpoint of every pair of
    ``memories``; the fixed points they reach are merged (``deduplicate(tol)``) and those with exactly one
    unstable direction (``n_unstable() == 1``) kept. From each such saddle the map is iterated
    ``n_steps`` times from ``saddle +- eps * v``, ``v`` its unstable eigenvector, and each end is
    assigned to the nearest memory: the two memories the saddle separates.

    Parameters
    ----------
    model : a discrete-time network :func:`~mem.slowpoints.state_map.dynamics` accepts (an
        RNNClassifier, a stacked ``nn.GRU``/``nn.LSTM``/``nn.RNN``, a callable ``step(h, u)`` whose state
        is one tensor)
    memories : SlowPoints, at least 2 fixed points (e.g. the stable ones found from trajectories)
    inputs : (D,) the constant input of the searches and of the iteration
    n_iters : iterations of each search
    tol : distance under which found points are merged
    eps : size of the step away from each saddle along its unstable direction
    n_steps : iterations of the map from each side

    Returns
    -------
    (saddles, ends): SlowPoints of the index-1 saddles (Jacobians kept) and an int64 tensor (n_saddles, 2)
    of indices into ``memories``: where the ``+v`` and the ``-v`` side end.
    """
    if not isinstance(memories, SlowPoints):
        raise TypeError(f"memories must be SlowPoints, got {type(memories).__name__}")
    if len(memories) < 2:
        raise ValueError(f"memories must hold at least 2 points, got {len(memories)}")
    n_iters, n_steps = check_count("n_iters", n_iters, 1, 10**6), check_count("n_steps", n_steps, 1, 10**6)
    check_float("tol", tol, gt=0)
    check_float("eps", eps, gt=0)
    dyn = dynamics(model)
    if getattr(dyn, "continuous", False):
        raise ValueError("model must be a discrete-time map (saddles_between iterates it), got a continuous-time one")
    if dyn.state_size is not None and memories.states.shape[-1] != dyn.state_size:
        raise ValueError(f"memories must be points of the model (state size {dyn.state_size}), "
                         f"got state size {memories.states.shape[-1]}")
    M = memories.states.detach().double()
    if getattr(dyn, "spec", False) is None:      # a callable's RecurrentMap learns its state's structure here
        dyn.flatten(M, "memories")
    i, j = torch.triu_indices(len(M), len(M), 1)
    found = find_slow_points(dyn, (M[i] + M[j]) / 2, inputs, n_iters=n_iters)   # dyn: a callable's structure is kept
    fixed = found.select("fixed").deduplicate(tol)
    saddles = fixed[fixed.n_unstable() == 1]
    if len(saddles) == 0:
        return saddles, torch.zeros(0, 2, dtype=torch.int64)
    _, vectors = saddles.eig()
    away = vectors[:, :, 0].real.double()
    away = away / away.norm(dim=1, keepdim=True)
    v = torch.cat([saddles.states.double() + eps * away, saddles.states.double() - eps * away]).to(dyn.dtype)
    x = flat_inputs(dyn, inputs, len(v), dyn.dtype)
    with torch.no_grad():
        for _ in range(n_steps):
            v = dyn._step(v, x)
    nearest = torch.cdist(v.double(), M).argmin(1)
    return saddles, nearest.reshape(2, len(saddles)).T.contiguous()
