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

from ._checks import check_count
from .slowpoints import class_mean_states, find_slow_points

__all__ = ["first_seen", "formation", "formation_digits", "formation_displacement", "formation_pca", "points_lost",
           "stage_movement"]


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



def _check_points(points):
    if not isinstance(points, dict):
        raise TypeError(f"points must be a dict {{step: SlowPoints or None}}, got {type(points).__name__}")


def first_seen(points: dict, n_digits: int = 10) -> dict:
    """The first checkpoint at which each digit has a slow point (chapter 3).

    Parameters
    ----------
    points : {step: SlowPoints with labels, or None}, the output of :func:`formation`
    n_digits : digits 0..n_digits-1 (read-out classes 1..n_digits)

    Returns
    -------
    dict ``{digit: step or None}`` (None: never).
    """
    _check_points(points)
    from ._checks import check_count

    check_count("n_digits", n_digits)
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
    """
    import numpy as np
    from sklearn.decomposition import PCA

    _check_points(points)
    pca = PCA(2).fit(np.concatenate([p.h.numpy() for p in points.values() if p is not None]))
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
    """
    ends, D = np.asarray(ends), np.asarray(displacement)
    if D.ndim != 2 or len(D) != len(ends):
        raise ValueError(f"displacement must have one row per interval ({len(ends)}), got shape {D.shape}")
    check_count("interval", interval)
    change = np.array([any(s - interval <= c < s for c in events) for s in ends])
    med = np.nanmedian(D, axis=1)
    raw = stats.mannwhitneyu(med[change], med[~change], alternative="two-sided", method="exact")
    trend = np.polyval(np.polyfit(ends, np.log(med), 1), ends)
    excess = np.exp(np.log(med) - trend)
    local = stats.mannwhitneyu(excess[change], excess[~change], alternative="two-sided", method="exact")
    return dict(all=med, change=med[change], quiet=med[~change], p=raw.pvalue,
                ex_change=excess[change], ex_quiet=excess[~change], p_local=local.pvalue,
                jump=np.median(excess[change]) / np.median(excess[~change]))
