"""Formation of slow points over training: the class slow points of every checkpoint (chapter 3).

:func:`formation` runs the paper's search (:func:`~mem.slowpoints.starts.class_mean_states`,
then :func:`~mem.slowpoints.search.find_slow_points`) on the network at each stored
checkpoint; :func:`formation_displacement` measures how far each class's point moved
between checkpoints.
"""
from __future__ import annotations

from tqdm.auto import tqdm

from .slowpoints import class_mean_states, find_slow_points

__all__ = ["formation", "formation_displacement"]


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

