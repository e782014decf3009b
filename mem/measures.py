"""How slow a network's class memories are: chapter 4's speed measures.

:func:`speed_measures` computes, for every class a network knows, the measures named in
:data:`MEASURES` (the speed after the paper's Adam search, after the converged search, along
the noiseless drift, and the slowest time constants at the points), from the slow-point
machinery of :mod:`mem.slowpoints`; with ``paper=True`` also the speed after the authors' own search
budget (:data:`~mem.slowpoints.search.PAPER_ADAM`). The zoo stores them all for every network (chapter 4).
"""
from __future__ import annotations

import torch

from ._checks import check_bool, check_choice, check_float, check_int, check_model_task, check_seed
from .models import RNNClassifier
from .slowpoints import (
    COMPONENTS,
    PAPER_ADAM,
    class_mean_states,
    find_slow_points,
    paper_components,
    speed,
    states_along,
)
from .slowpoints.starts import MAX_TRIALS
from .tasks import DelayedClassification

__all__ = ["MEASURES", "MEASURE_LABELS", "PAPER_MEASURES", "speed_measures"]

#: The per-network speed measures of :func:`speed_measures` and the zoo (chapter 4); ``"paper"`` and
#: ``"lam_paper"`` (:data:`PAPER_MEASURES`) only with ``paper=True``, as the zoo measures them.
MEASURES = ("adam", "paper", "newton", "drift", "lam_adam", "lam_paper", "lam_newton")

#: The measures made after the authors' search budget (:data:`~mem.slowpoints.search.PAPER_ADAM`; chapters 3, 4).
PAPER_MEASURES = ("paper", "lam_paper")

#: Short display names of :data:`MEASURES` (chapter 4's tables and figures).
MEASURE_LABELS = {"adam": "Adam speed (2,000 steps)", "paper": "Adam speed (paper's 100,000)",
                  "newton": "Newton speed", "drift": "drift speed",
                  "lam_adam": "log|λ|max, Adam points", "lam_paper": "log|λ|max, paper's Adam points",
                  "lam_newton": "log|λ|max, Newton points"}


def speed_measures(model: RNNClassifier, task, *, adam_n_iters: int = 2000, adam_lr: float = 1e-2,
                   newton_n_iters: int = 200, drift_n_steps: int = 100, components: str = "full",
                   n_trials: int = 1000, seed: int = 0, paper: bool = False) -> dict:
    """Several ways to measure "how slow" a network's class memories are, one value per class (chapter 4).

    All start from the paper's starting points (:func:`~mem.slowpoints.starts.class_mean_states`:
    the mean state before the trigger over correctly reported trials of each class) with the
    constant input ``task.mean_input()``:

    * ``"adam"``: ``log10 S`` after ``adam_n_iters`` Adam steps at learning rate ``adam_lr``
      (the paper's fixed-budget measure, with this book's budget);
    * ``"paper"`` (only with ``paper=True``): ``log10 S`` after the authors' own budget,
      :data:`~mem.slowpoints.search.PAPER_ADAM` (100,000 Adam steps at 1e-3, divided by 10 at step 40,000; about
      45 s for a 64-unit network on one CPU thread);
    * ``"newton"``: ``log10 S`` after continuing from those points with the second-order
      search (:func:`~mem.slowpoints.search.find_slow_points`, ``n_iters=newton_n_iters``): the
      converged speed where the search converges (in the zoo, for a minority of the digits; chapter 4).
      Fixed points (``S < 1e-10``) are reported as ``-10``: below the tolerance, S only
      measures round-off;
    * ``"drift"``: ``log10 S`` at the state reached after ``drift_n_steps`` noiseless steps
      of the mean input from the class mean (no search at all);
    * ``"lam_adam"``, ``"lam_newton"`` (and ``"lam_paper"``): ``log |lambda|_max`` of the Jacobian at the
      Adam and at the Newton points (and at the points of the authors' budget); the slowest time constant
      is ``tau = -1 / log|lambda|_max``.

    The class means are taken over trials of *training* digits (the default of
    :func:`~mem.slowpoints.starts.class_mean_states`), as in the authors' code.

    Parameters
    ----------
    model, task : an RNNClassifier and a DelayedClassification of its sizes
    adam_n_iters, newton_n_iters, drift_n_steps : ints in 1..10**6;  adam_lr : a finite number > 0
    components : what enters S (see :func:`~mem.slowpoints.state_map.speed`), default ``"full"``; the
        paper's choice (``"h_tanh_c"`` for LSTMs, ``"full"`` otherwise) is ``paper_components(model)``,
        which the zoo passes (:func:`mem.zoo.measure_speed`)
    paper : bool, default False; also measure ``"paper"`` and ``"lam_paper"``

    Returns
    -------
    dict with ``"labels"`` (list of K digits the network knows, see
    :func:`~mem.slowpoints.starts.class_mean_states`), one list of K floats per name in
    :data:`MEASURES` (``"paper"`` and ``"lam_paper"`` only with ``paper=True``),
    ``"own"`` (list of K bools: does the read-out at the Adam point report
    its class) and ``"settings"`` (the arguments, under the keys the zoo stores: ``adam_iters``,
    ``newton_iters``, ``drift_steps`` for ``adam_n_iters``, ``newton_n_iters``, ``drift_n_steps``).
    """

    check_model_task(model, task, DelayedClassification)
    for name, value in (("adam_n_iters", adam_n_iters), ("newton_n_iters", newton_n_iters),
                        ("drift_n_steps", drift_n_steps)):
        check_int(name, value, 1, 10**6)
    check_float("adam_lr", adam_lr, gt=0)
    check_int("n_trials", n_trials, 1, MAX_TRIALS)
    check_seed(seed)
    check_choice("components", components, COMPONENTS)
    check_bool("paper", paper)
    components = paper_components(model, components)  # checks the value; "full" stays "full"
    x = task.mean_input().to(model.readout.weight.device)
    start, labels = class_mean_states(model, task, n_trials=n_trials, seed=seed)
    # the settings under the zoo's stored key names (mem/zoo_data must not change)
    out = {"labels": labels.tolist(), "settings": {"adam_iters": adam_n_iters, "adam_lr": adam_lr,
           "newton_iters": newton_n_iters, "drift_steps": drift_n_steps, "components": components,
           "n_trials": n_trials, "seed": seed}}
    names = MEASURES if paper else tuple(m for m in MEASURES if m not in PAPER_MEASURES)
    if paper:
        out["settings"]["paper"] = {k: list(v) if isinstance(v, tuple) else v for k, v in PAPER_ADAM.items()}
    if len(labels) == 0:
        return {**out, **{m: [] for m in names}, "own": []}
    adam = find_slow_points(model, start, x, method="adam", n_iters=adam_n_iters, lr=adam_lr, labels=labels,
                            components=components)
    newton = find_slow_points(model, adam.state, x, n_iters=newton_n_iters, labels=labels, components=components)
    V = states_along(model, x.expand(len(labels), drift_n_steps, -1), start)
    drift = speed(model, model.unflatten_state(V[:, -1].double()), x, components=components)
    with torch.no_grad():
        trigger = task.mean_input(trigger=True).to(x.device)
        own = adam.readout(model, trigger) == labels

    def log10(S):
        return S.clamp_min(1e-10).log10().tolist()

    out.update({"adam": log10(adam.speed), "newton": log10(newton.speed), "drift": log10(drift),
                "lam_adam": adam.max_abs_eigenvalue().log().tolist(),
                "lam_newton": newton.max_abs_eigenvalue().log().tolist(), "own": own.tolist()})
    if paper:
        long = find_slow_points(model, start, x, labels=labels, components=components, **PAPER_ADAM)
        out.update({"paper": log10(long.speed), "lam_paper": long.max_abs_eigenvalue().log().tolist()})
    return out
