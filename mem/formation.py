"""Formation of slow points over training: the class slow points of every checkpoint (chapter 3).

:func:`formation` runs the paper's search (:func:`~mem.slowpoints.starts.class_mean_states`,
then :func:`~mem.slowpoints.search.find_slow_points`) on the network at each stored
checkpoint; :func:`formation_displacement` measures how far each class's point moved
between checkpoints; :func:`mem.formation.stage_movement` asks whether they move more in the intervals where
the curriculum changed the task.
"""
from __future__ import annotations

import numpy as np
from scipy import stats
from tqdm.auto import tqdm

from ._checks import check_array, check_bool, check_count, check_int, check_model_task
from .slowpoints import class_mean_states, find_slow_points
from .tasks import DelayedClassification

__all__ = ["digit_displacement", "first_seen", "formation", "formation_digits", "formation_displacement",
           "formation_pca", "points_lost", "stage_movement"]


def formation(models: dict, task, n_trials: int = 1000, seed: int = 0, progress: bool = True,
              **kwargs) -> dict:
    """Class slow points of every checkpoint: ``{step: SlowPoints}`` (chapter 3).

    Parameters
    ----------
    models : {step: RNNClassifier}, e.g. ``{s: entry.model_at(s) for s in entry.checkpoints}``
    task : the task whose class means start the searches (same seed at every step)
    **kwargs : further arguments of :func:`~mem.slowpoints.search.find_slow_points`

    A checkpoint without any class reported correctly (early in training) maps to None.
    """
    if not isinstance(models, dict):
        raise TypeError(f"models must be a dict {{step: RNNClassifier}}, got {type(models).__name__}")
    for step, model in models.items():
        check_int("models", step, 0)
        check_model_task(model, task, DelayedClassification)
    check_bool("progress", progress)
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
    n_classes : read-out size, at most 10**4; classes are 0..n_classes-1 (the digits are 1..10)

    Returns
    -------
    (ends (M,) int array, D (M, n_classes) float array): ``ends[m]`` is the later step of
    the m-th interval whose two checkpoints both have points; ``D[m, k]`` is the Euclidean
    distance class k's point moved in it (NaN if class k lacks a point at either end).
    """
    _check_points(points)
    check_int("max_step", max_step, 0, none_ok=True)
    check_int("n_classes", n_classes, 1, 10**4)
    labels = {k for p in points.values() if p is not None for k in p.labels.tolist()}
    if labels and not 0 <= min(labels) <= max(labels) < n_classes:
        raise ValueError(f"n_classes must exceed every label of the points (up to {max(labels)}), got {n_classes}")
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



def digit_displacement(points: dict, max_step: int | None = None) -> tuple:
    """How far each digit's slow point moved between consecutive checkpoints, over the intervals that measure
    something (chapter 3).

    :func:`formation_displacement` of the ten digits (read-out classes 1..10; the null class 0 is left out),
    without the intervals in which no digit has a point at both ends.

    Parameters
    ----------
    points : {step: SlowPoints with labels 1..10, or None}, e.g. the output of :func:`formation`
    max_step : only checkpoints up to this step (default: all)

    Returns
    -------
    (ends (M,) int array, D (M, 10) float array, left_out list of int): the later step of each interval kept,
    the distance digit d's point moved in it in column d (NaN where that digit lacks a point at either end),
    and the later steps of the intervals left out.
    """
    ends, D = formation_displacement(points, max_step=max_step, n_classes=11)
    D = D[:, 1:]                                             # the ten digits
    empty = np.isnan(D).all(1)                              # no digit with a point at both ends
    return ends[~empty], D[~empty], ends[empty].tolist()


def _check_points(points):
    """``points`` must be a dict {step (int): SlowPoints with labels, or None} (anything with ``labels`` and ``h``)."""
    if not isinstance(points, dict):
        raise TypeError(f"points must be a dict {{step: SlowPoints or None}}, got {type(points).__name__}")
    for s, p in points.items():
        check_int("points", s, 0)
        if p is not None and not (hasattr(p, "labels") and hasattr(p, "h")):
            raise TypeError(f"points must be a dict {{step: SlowPoints or None}}; step {s} holds {type(p).__name__}")


def first_seen(points: dict, n_digits: int = 10) -> dict:
    """The first checkpoint at which each digit has a slow point (chapter 3).

    Parameters
    ----------
    points : {step: SlowPoints with labels, or None}, the output of :func:`formation`
    n_digits : digits 0..n_digits-1 (read-out classes 1..n_digits)

    Returns
    -------
    dict ``{digit: step or None}`` (None: never). ``n_digits`` is at most 10**4.
    """
    _check_points(points)
    check_count("n_digits", n_digits, 1, 10**4)
    return {d: next((s for s, p in sorted(points.items()) if p is not None and d + 1 in p.labels.tolist()), None)
            for d in range(n_digits)}


def points_lost(points: dict) -> int:
    """How often a class had a slow point at one checkpoint and none at the next (chapter 3).

    Parameters
    ----------
    points : {step: SlowPoints with labels, or None}, the output of :func:`formation`

    Returns
    -------
    int, summed over classes and consecutive checkpoints.
    """
    _check_points(points)
    have = [set() if p is None else set(p.labels.tolist()) for _, p in sorted(points.items())]
    return sum(len(a - b) for a, b in zip(have, have[1:]))


def formation_pca(points: dict) -> dict:
    """The slow points of every checkpoint projected on the first two principal components of all of them
    (chapter 3), as :func:`~mem.plots.slowpoints.plot_formation` takes them.

    Parameters
    ----------
    points : {step: SlowPoints with labels, or None}, the output of :func:`formation`

    Returns
    -------
    dict ``{step: ((K, 2) array, (K,) labels) or None}``.

    Raises
    ------
    ValueError
        fewer than two points in all, or states with fewer than two units (no plane to project on).
    """
    from sklearn.decomposition import PCA

    _check_points(points)
    found = [p.h.numpy() for p in points.values() if p is not None]
    if sum(len(h) for h in found) < 2 or found[0].shape[-1] < 2:
        raise ValueError(f"points must hold at least two slow points of at least two units in all, got "
                         f"{sum(len(h) for h in found)}")
    pca = PCA(2).fit(np.concatenate(found))
    return {s: None if p is None else (pca.transform(p.h.numpy()), p.labels) for s, p in points.items()}


def formation_digits(points: dict) -> str:
    """Which digits have a slow point at each checkpoint, as one line ``"step: digits; ..."`` (chapter 3).

    Parameters
    ----------
    points : {step: SlowPoints with labels, or None}, the output of :func:`formation` (classes 1..10 are
        digits 0..9; ``-`` marks a checkpoint without points)

    Returns
    -------
    str
    """
    _check_points(points)
    return "; ".join(f"{s}: {'-' if p is None else ''.join(str(int(k) - 1) for k in p.labels)}"
                     for s, p in points.items())


def stage_movement(ends, displacement, events, interval: int = 100) -> dict:
    """How far class slow points move in checkpoint intervals with and without a stage start (chapter 3).

    Checkpoint ``s`` holds the weights after batches ``0..s-1``, so the interval ending at ``s``
    trained on batches ``s - interval .. s - 1``; it "has a stage start" when one of ``events``
    falls in it. Movement is the median over classes, compared raw and relative to the overall
    decline (a straight line fitted to its log against step), each with an exact two-sided
    Mann-Whitney test.

    Parameters
    ----------
    ends : (M,) the later step of each interval (:func:`mem.formation.formation_displacement`)
    displacement : (M, K) distance moved by each class's point in each interval (NaN: no point)
    events : steps at which the training task changed (:func:`mem.protocols.stage_starts`)
    interval : steps between checkpoints

    Returns
    -------
    dict with ``all`` (M,) median movement, ``change`` / ``quiet`` its values in intervals with /
    without a stage start, ``p`` their Mann-Whitney p; ``ex_change`` / ``ex_quiet`` the same relative
    to the trend, ``p_local`` their p, and ``jump`` the ratio of their medians.

    Raises
    ------
    ValueError
        an interval without any measured class, a median movement that is not positive, or ``events``
        that leave no interval with (or none without) a stage start: nothing to compare.
    """
    ends, D = check_array("ends", ends, ndim=1), check_array("displacement", displacement, ndim=2)
    if len(D) != len(ends):
        raise ValueError(f"displacement must have one row per interval of ends ({len(ends)}), got shape {D.shape}")
    if np.isinf(D).any() or np.isnan(ends).any() or np.isinf(ends).any():
        raise ValueError("displacement and ends must be finite (NaN in displacement: a class without a point)")
    if isinstance(events, (str, bytes)) or not hasattr(events, "__iter__"):
        raise TypeError(f"events must be a sequence of steps (ints), got {type(events).__name__}")
    events = [check_int("events", c, lo=-2**62) for c in events]
    check_count("interval", interval)
    if np.isnan(D).all(axis=1).any():
        raise ValueError("displacement must measure at least one class in every interval")
    change = np.array([any(s - interval <= c < s for c in events) for s in ends], dtype=bool)
    if change.all() or not change.any():
        raise ValueError(f"ends and events must leave intervals both with and without a stage start, got events "
                         f"{events!r}")
    med = np.nanmedian(D, axis=1)
    if not (med > 0).all():
        raise ValueError("displacement must have a positive median in every interval (its log is fitted)")
    raw = stats.mannwhitneyu(med[change], med[~change], alternative="two-sided", method="exact")
    trend = np.polyval(np.polyfit(ends, np.log(med), 1), ends)
    excess = np.exp(np.log(med) - trend)
    local = stats.mannwhitneyu(excess[change], excess[~change], alternative="two-sided", method="exact")
    return dict(all=med, change=med[change], quiet=med[~change], p=raw.pvalue,
                ex_change=excess[change], ex_quiet=excess[~change], p_local=local.pvalue,
                jump=np.median(excess[change]) / np.median(excess[~change]))
