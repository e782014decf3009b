"""Measuring memory: report accuracy, accuracy versus delay, and a memory lifetime (chapter 2).

:func:`accuracy_vs_delay` shows the image at ``t = 0`` and pulls the trigger at
each delay ``d`` of a list. All delays share **one** noise trajectory per trial:
the network runs once (fused kernel) up to the longest delay, and at each
``d`` one extra step with the trigger on branches off the stored state
``state_{d-1}`` to read the report. The trajectory itself never sees a trigger.

:func:`memory_lifetime` condenses a curve into one number: the delay at which
accuracy has fallen halfway from its value at the shortest probed delay to
chance, interpolated linearly in log-delay.

:func:`decoding_memory` (chapter 6) asks the same question of an *untrained*
network driven by a random signal: how well does a linear read-out of the
hidden state recover the input from ``k`` steps back?
"""
from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

import numpy as np
import torch
from tqdm.auto import tqdm

from ._checks import (
    check_array,
    check_bool,
    check_choice,
    check_dict,
    check_float,
    check_int,
    check_model,
    check_model_task,
    check_seed,
    positive_ints,
    seeded,
)
from .models import RNNClassifier
from .protocols import MAX_T
from .tasks import N_OUTPUTS, DelayedClassification

__all__ = [
    "DEFAULT_DELAYS",
    "MAX_BOOT",
    "MAX_DELAY",
    "MAX_STEPS",
    "MAX_TRIALS",
    "DelayCurve",
    "accuracy_on_classes",
    "accuracy_vs_delay",
    "class_table",
    "decoding_memory",
    "lifetime_interval",
    "memory_lifetime",
    "report_accuracy",
]

#: Delays probed by default (steps from the image to the trigger).
DEFAULT_DELAYS = (20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000)

#: The longest delay :func:`accuracy_vs_delay` probes (a batch of trials holds that many noise frames each).
MAX_DELAY = 10**6

#: The most trials :func:`accuracy_vs_delay` and :func:`report_accuracy` run.
MAX_TRIALS = 10**7

#: The longest run of :func:`decoding_memory` (one step at a time) and its longest burn-in.
MAX_STEPS = 10**7

#: The most redrawn curves of :func:`lifetime_interval` (one lifetime each).
MAX_BOOT = 10**6

_SPLITS = ("train", "test")


@dataclass(frozen=True)
class DelayCurve:
    """Report accuracy at each delay.

    Attributes
    ----------
    delays : ndarray (K,) int, increasing
    accuracy : ndarray (K,) float, fraction correct over ``n_trials``
    n_trials : int
    chance : float, 1 / number of digits probed
    class_accuracy : ndarray (K, C) float or None, accuracy on the trials of each digit
        (column k is label ``k + 1``; NaN for a digit with no trials; chapter 4)
    class_trials : ndarray (C,) int or None, trials of each digit
    """

    delays: np.ndarray
    accuracy: np.ndarray
    n_trials: int
    chance: float
    class_accuracy: np.ndarray | None = None
    class_trials: np.ndarray | None = None

    def __post_init__(self):
        """Check the fields (issue 18): a list or tensor is kept as a numpy array; arrays are not copied."""
        def keep(name, value):
            if not isinstance(getattr(self, name), np.ndarray):
                object.__setattr__(self, name, value)

        d = check_array("delays", self.delays, int)
        if d.ndim != 1 or d.size == 0 or d[0] < 1 or np.any(np.diff(d) <= 0):
            raise ValueError(f"delays must be a non-empty 1-D array of increasing integers >= 1, got {d.tolist()}")
        keep("delays", d)
        a = check_array("accuracy", self.accuracy)
        if a.shape != d.shape:
            raise ValueError(f"accuracy must have one value per delay, shape {d.shape}, got {a.shape}")
        if not np.isfinite(a).all() or np.any(a < 0) or np.any(a > 1):
            raise ValueError(f"accuracy must hold finite values in [0, 1], got {a.tolist()}")
        keep("accuracy", a)
        check_int("n_trials", self.n_trials)
        check_float("chance", self.chance, gt=0, lt=1)
        if (self.class_accuracy is None) != (self.class_trials is None):
            raise ValueError("class_accuracy and class_trials must be given together (or both be None)")
        if self.class_accuracy is not None:
            ca = check_array("class_accuracy", self.class_accuracy)
            if ca.ndim != 2 or ca.shape[0] != len(d) or ca.shape[1] < 1:
                raise ValueError(f"class_accuracy must have shape (len(delays), C) = ({len(d)}, C), got {ca.shape}")
            if np.isinf(ca).any() or np.any(ca < 0) or np.any(ca > 1):   # NaN: a digit without trials
                raise ValueError("class_accuracy must hold values in [0, 1] (or NaN for a digit with no trials)")
            keep("class_accuracy", ca)
            ct = check_array("class_trials", self.class_trials, int)
            if ct.shape != (ca.shape[1],) or np.any(ct < 0):
                raise ValueError(f"class_trials must hold C = {ca.shape[1]} counts >= 0, got {ct.tolist()}")
            keep("class_trials", ct)

    def at(self, delay: int) -> float:
        """Accuracy at one of the probed delays."""
        delay = check_int("delay", delay)
        hit = np.flatnonzero(self.delays == delay)
        if not len(hit):
            raise ValueError(f"delay must be one of {self.delays.tolist()}, got {delay}")
        return float(self.accuracy[hit[0]])

    def stderr(self) -> np.ndarray:
        """Binomial standard error of each accuracy, shape (K,)."""
        a = self.accuracy
        return np.sqrt(a * (1 - a) / self.n_trials)

    def class_lifetimes(self) -> np.ndarray:
        """Memory lifetime of each digit (:func:`memory_lifetime` on its own curve), shape (C,) (chapter 4)."""
        if self.class_accuracy is None:
            raise ValueError("this curve has no per-class accuracy (class_accuracy is None)")
        return np.array([memory_lifetime(delays=self.delays, accuracy=a, chance=self.chance)
                         if np.isfinite(a).all() else math.nan for a in self.class_accuracy.T])

    def to_dict(self) -> dict:
        """JSON-serialisable form (what the zoo's manifest stores)."""
        d = {"delays": self.delays.tolist(), "accuracy": [round(float(a), 6) for a in self.accuracy],
             "n_trials": self.n_trials, "chance": self.chance}
        if self.class_accuracy is not None:
            d["class_accuracy"] = [[None if math.isnan(a) else round(float(a), 6) for a in row]
                                   for row in self.class_accuracy]
            d["class_trials"] = self.class_trials.tolist()
        return d

    @classmethod
    def from_dict(cls, d: dict) -> DelayCurve:
        """Inverse of :meth:`to_dict`."""
        if not isinstance(d, dict):
            raise TypeError(f"d must be a dict from DelayCurve.to_dict, got {type(d).__name__}")
        missing = [k for k in ("delays", "accuracy", "n_trials", "chance") if k not in d]
        if missing:
            raise ValueError(f"d must be a dict from DelayCurve.to_dict, missing the keys {missing}")
        per_class = "class_accuracy" in d
        return cls(delays=np.asarray(d["delays"], dtype=np.int64), accuracy=np.asarray(d["accuracy"], dtype=float),
                   n_trials=int(d["n_trials"]), chance=float(d["chance"]),
                   class_accuracy=np.array(d["class_accuracy"], dtype=float) if per_class else None,
                   class_trials=np.asarray(d["class_trials"], dtype=np.int64) if per_class else None)


def _check_delays(delays) -> np.ndarray:
    if delays is None or isinstance(delays, (str, bytes)):
        raise TypeError(f"delays must be a non-empty list of integers, got {type(delays).__name__}")
    d = np.asarray(delays)
    if d.dtype.kind not in "iuf":
        raise TypeError(f"delays must be a non-empty list of integers, got {delays!r}")
    if d.ndim != 1 or d.size == 0 or (not np.issubdtype(d.dtype, np.integer)
                                      and not (np.isfinite(d).all() and np.all(d == np.round(d)))):
        raise ValueError(f"delays must be a non-empty list of integers, got {delays!r}")
    d = np.unique(d.astype(np.int64))
    if d[0] < 1:
        raise ValueError(f"delays must be >= 1 (the trigger comes after the image), got {d[0]}")
    if d[-1] > MAX_DELAY:
        raise ValueError(f"delays must be at most MAX_DELAY = {MAX_DELAY}, got {d[-1]}")
    return d


@contextlib.contextmanager
def _eval_mode(model):
    """Put ``model`` in eval mode for the block (restoring its mode after); yields its device."""
    was_training = model.training
    model.eval()
    try:
        yield next(model.parameters()).device
    finally:
        model.train(was_training)


@torch.no_grad()
def accuracy_vs_delay(model: RNNClassifier, task: DelayedClassification, delays=DEFAULT_DELAYS,
                      n_trials: int = 1000, seed: int = 0, *, batch_size: int = 500, split: str = "test",
                      noise: bool = True, progress: bool = False) -> DelayCurve:
    """Accuracy when the trigger comes ``d`` steps after the image, for every ``d`` in ``delays`` (chapter 2).

    Parameters
    ----------
    model : RNNClassifier
    task : DelayedClassification (gives images and noise statistics)
    delays : iterable of int in 1.. :data:`MAX_DELAY`
    n_trials : int in 1.. :data:`MAX_TRIALS`, trials per delay (shared across delays)
    seed : int, seeds the probe trials (the same trials for every network)
    batch_size : int, trials run at once (memory: batch_size * (max delay + 1) * D floats)
    split : "test" (default) or "train" images
    noise : bool; if False the delay frames are the mean noise frame (noiseless drift)

    Returns
    -------
    DelayCurve with ``accuracy`` of shape (len(delays),) and ``class_accuracy`` of
    shape (len(delays), 10), one column per digit (NaN for a digit none of the trials showed).
    """
    check_model_task(model, task, DelayedClassification)
    d = _check_delays(delays)
    n_trials = check_int("n_trials", n_trials, 1, MAX_TRIALS)
    positive_ints(batch_size=batch_size)
    check_choice("split", split, _SPLITS)
    noise, progress = check_bool("noise", noise), check_bool("progress", progress)
    gen = seeded(seed)
    C = N_OUTPUTS - 1
    correct = np.zeros(len(d), dtype=np.int64)
    class_correct = np.zeros((len(d), C), dtype=np.int64)
    class_trials = np.zeros(C, dtype=np.int64)
    P = task.data.n_pixels
    with _eval_mode(model) as device:
        for start in tqdm(range(0, n_trials, batch_size), disable=not progress, desc="delays"):
            b = min(batch_size, n_trials - start)
            probe = task.sample_probe(b, int(d[-1]), gen, split=split)
            x = probe.x
            if not noise:
                x[:, 1:, :P] = task.data.noise_mean
            x, label = x.to(device), probe.label.to(device)
            class_trials += np.bincount(probe.label.numpy() - 1, minlength=C)
            state, t = None, 0
            for k, delay in enumerate(d):
                state = model(x[:, t:delay], state).state  # advance the shared trajectory to delay - 1
                t = int(delay)
                x_trig = x[:, delay].clone()
                x_trig[:, P] = 1.0                         # branch off: the trigger step at this delay
                pred = model.readout(model.step(x_trig, state).h).argmax(-1)
                hit = pred == label
                correct[k] += int(hit.sum())
                class_correct[k] += np.bincount((label[hit] - 1).cpu().numpy(), minlength=C)
    with np.errstate(invalid="ignore", divide="ignore"):
        class_acc = np.where(class_trials > 0, class_correct / np.maximum(class_trials, 1), np.nan)
    return DelayCurve(delays=d, accuracy=correct / n_trials, n_trials=n_trials, chance=1.0 / C,
                      class_accuracy=class_acc, class_trials=class_trials)


@torch.no_grad()
def report_accuracy(model: RNNClassifier, task: DelayedClassification, n_trials: int = 2000, seed: int = 0,
                    *, T_max: int = 20, split: str = "test", batch_size: int = 1000) -> float:
    """Report accuracy on the trained task: all ten digits, delays ``delta_min .. T_max - 1`` (chapter 2).

    ``n_trials`` is at most :data:`MAX_TRIALS`, ``T_max`` at most :data:`mem.protocols.MAX_T`.

    Returns
    -------
    float, fraction of ``n_trials`` held-out trials whose report is correct.
    """
    check_model_task(model, task, DelayedClassification)
    n_trials = check_int("n_trials", n_trials, 1, MAX_TRIALS)
    positive_ints(batch_size=batch_size)
    T_max = check_int("T_max", T_max, 2, MAX_T)
    check_choice("split", split, _SPLITS)
    gen = seeded(seed)
    correct = 0
    with _eval_mode(model) as device:
        for start in range(0, n_trials, batch_size):
            batch = task.sample(min(batch_size, n_trials - start), gen, T_max=T_max, n_classes=N_OUTPUTS,
                                split=split).to(device)
            correct += int(task.report_correct(model(batch.x).logits, batch).sum())
    return correct / n_trials


def memory_lifetime(curve: DelayCurve | None = None, *, delays=None, accuracy=None,
                    chance: float | None = None) -> float:
    """Delay at which accuracy falls halfway from its first value to chance (chapter 2).

    With ``a0`` the accuracy at the shortest probed delay and ``c`` chance, the
    threshold is ``c + (a0 - c) / 2``. The lifetime is the first crossing of the
    threshold, interpolated linearly in ``log(delay)`` between the two probed
    delays that bracket it.

    Pass a :class:`DelayCurve`, or ``delays`` and ``accuracy`` arrays (and ``chance``,
    default 0.1). Accuracies must be finite and in [0, 1], delays finite, positive and increasing,
    ``chance`` in (0, 1).

    Returns
    -------
    float: the lifetime in steps; ``inf`` if accuracy stays above the threshold
    at every probed delay (the memory outlasts the probe); ``nan`` if ``a0 <= c``
    (nothing was remembered to begin with).
    """
    if curve is not None and not isinstance(curve, DelayCurve):
        raise TypeError(f"curve must be a DelayCurve or None, got {type(curve).__name__}")
    if curve is not None:
        delays, accuracy, chance = curve.delays, curve.accuracy, curve.chance if chance is None else chance
    if delays is None or accuracy is None:
        raise ValueError("pass curve (a DelayCurve) or both delays and accuracy")
    d = check_array("delays", delays)
    a = check_array("accuracy", accuracy)
    if d.shape != a.shape or d.ndim != 1 or len(d) < 1:
        raise ValueError(f"delays and accuracy must be 1-D arrays of the same length, got {d.shape} and {a.shape}")
    if not np.isfinite(d).all() or np.any(d <= 0) or np.any(np.diff(d) <= 0):
        raise ValueError("delays must be finite, positive and increasing")
    if not np.isfinite(a).all() or np.any(a < 0) or np.any(a > 1):
        raise ValueError(f"accuracy must hold finite values in [0, 1], got {a.tolist()}")
    c = 1.0 / (N_OUTPUTS - 1) if chance is None else check_float("chance", chance, gt=0, lt=1)
    if a[0] <= c:
        return math.nan
    half = c + (a[0] - c) / 2
    below = np.flatnonzero(a < half)
    if not len(below):
        return math.inf
    k = below[0]
    if k == 0:  # cannot happen (a[0] > half), kept for clarity
        return float(d[0])
    x0, x1 = np.log(d[k - 1]), np.log(d[k])
    frac = (a[k - 1] - half) / (a[k - 1] - a[k])
    return float(np.exp(x0 + frac * (x1 - x0)))


@torch.no_grad()
def decoding_memory(model: RNNClassifier, lags, n_steps: int = 4000, seed: int = 0, noise: float = 0.0,
                    burn_in: int = 100, ridge: float = 1e-3) -> np.ndarray:
    """Linear decodability of the input from ``k`` steps back, for each lag ``k`` (chapter 6).

    The network (``input_size`` 1) is driven by one long i.i.d. standard-normal
    signal ``s_t``, optionally with Gaussian noise of standard deviation ``noise``
    added to every unit at every step. For each lag ``k`` a ridge regression
    (scikit-learn, penalty ``ridge``) predicts ``s_{t-k}`` from ``h_t``; it is fit on
    the first half of the run (after ``burn_in`` steps) and scored on the second.
    This is the nonlinear counterpart of the linear Fisher memory curve
    (:func:`mem.theory.fisher_memory`), as in Orhan & Pitkow (2020).

    Parameters
    ----------
    model : RNNClassifier with ``input_size == 1``
    lags : sequence of ints >= 0
    n_steps : int, length of the run (> burn_in + 2 * max(lags) + 20, at most :data:`MAX_STEPS`)
    seed : int, seeds the signal and the noise
    noise : float >= 0, finite;  burn_in : int >= 0;  ridge : float >= 0, finite

    Returns
    -------
    ndarray (len(lags),): held-out R^2 of each lag (1 = perfect recall, <= 0 = nothing).
    """
    from sklearn.linear_model import Ridge

    check_model(model)
    if model.input_size != 1:
        raise ValueError(f"model must have input_size 1 (one signal channel), got {model.input_size}")
    lags = check_array("lags", lags, int)
    if lags.ndim != 1 or lags.size == 0 or lags.min() < 0:
        raise ValueError(f"lags must be a non-empty list of integers >= 0, got {lags!r}")
    burn_in = check_int("burn_in", burn_in, 0, MAX_STEPS)
    n_steps = check_int("n_steps", n_steps, 1, MAX_STEPS)
    need = burn_in + 2 * int(lags.max()) + 21
    if n_steps < need:
        raise ValueError(f"n_steps must be > burn_in + 2 * max(lags) + 20 = {need - 1}, got {n_steps}")
    check_float("noise", noise, ge=0)
    check_float("ridge", ridge, ge=0)
    gen = seeded(seed)
    s = torch.randn(n_steps, generator=gen)
    with _eval_mode(model) as device:
        state = model.init_state(1, device)
        hs = []
        for t in range(n_steps):
            state = model.step(s[t].view(1, 1).to(device), state, check=False)   # finite input, checked at the end
            if noise:
                state = state._replace(h=state.h + noise * torch.randn(state.h.shape, generator=gen).to(device))
            hs.append(state.h[0])
        h = torch.stack(hs)
        if not bool(torch.isfinite(h).all()):
            raise ValueError(f"the model's hidden state stopped being finite during the run (noise = {noise!r}, "
                             f"{h.dtype}): use a smaller noise or a network that does not diverge")
        h = h.cpu().double().numpy()
    s = s.double().numpy()
    out = []
    for k in lags:
        X, y = h[burn_in + k:], s[burn_in:n_steps - k]
        half = len(y) // 2
        fit = Ridge(alpha=ridge).fit(X[:half], y[:half])
        out.append(fit.score(X[half:], y[half:]))
    return np.asarray(out)


def lifetime_interval(curve: DelayCurve, n_boot: int = 1000, seed=0, level: float = 0.95) -> np.ndarray:
    """Interval of a memory lifetime from the probe's measurement noise alone: a parametric bootstrap (chapter 2).

    Each accuracy of ``curve`` is redrawn ``n_boot`` times as a binomial fraction of ``curve.n_trials``
    trials (delays independently), and :func:`memory_lifetime` is taken of every redrawn curve.

    Parameters
    ----------
    curve : :class:`DelayCurve`
    n_boot : int in 1.. :data:`MAX_BOOT`, redrawn curves
    seed : int or numpy.random.Generator (a Generator is drawn from, so successive calls differ)
    level : float in (0, 1), the central share of the redrawn lifetimes the interval holds

    Returns
    -------
    (2,) float array: the interval's lower and upper ends, in steps.
    """
    if not isinstance(curve, DelayCurve):
        raise TypeError(f"curve must be a DelayCurve, got {type(curve).__name__}")
    n_boot = check_int("n_boot", n_boot, 1, MAX_BOOT)
    if not isinstance(seed, (int, np.integer, np.random.Generator)) or isinstance(seed, (bool, np.bool_)):
        raise TypeError(f"seed must be an int or a numpy.random.Generator, got {type(seed).__name__}")
    if not isinstance(seed, np.random.Generator):
        check_seed(seed)
    check_float("level", level, gt=0, lt=1)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    redrawn = rng.binomial(curve.n_trials, curve.accuracy, size=(n_boot, len(curve.delays))) / curve.n_trials
    tail = round(50 * (1 - level), 10)   # 2.5 for level 0.95, exactly
    return np.percentile([memory_lifetime(delays=curve.delays, accuracy=acc, chance=curve.chance) for acc in redrawn],
                         [tail, 100 - tail])


def accuracy_on_classes(curve: DelayCurve, n_digits: int) -> np.ndarray:
    """Accuracy at each delay over the trials of the first ``n_digits`` digits only (labels 1..n_digits;
    chapter 2).

    Parameters
    ----------
    curve : :class:`DelayCurve` with per-class accuracy (``accuracy_vs_delay`` gives it)
    n_digits : int, 1 .. number of digits

    Returns
    -------
    (K,) float array, the trial-weighted accuracy over those digits at each delay.
    """
    if not isinstance(curve, DelayCurve):
        raise TypeError(f"curve must be a DelayCurve, got {type(curve).__name__}")
    if curve.class_accuracy is None:
        raise ValueError("curve must have per-class accuracy (class_accuracy is None)")
    n_digits = check_int("n_digits", n_digits, 1, curve.class_accuracy.shape[1])
    counts = curve.class_trials[:n_digits]
    return (curve.class_accuracy[:, :n_digits] * counts).sum(1) / counts.sum()


def class_table(curves: dict, delay: int | None = None):
    """Per-class memory of several networks, one column per network (chapter 5, exercise 5.1).

    Parameters
    ----------
    curves : ``{label: DelayCurve}`` with per-class accuracy (:func:`accuracy_vs_delay`)
    delay : None for each class's lifetime (:meth:`DelayCurve.class_lifetimes`); a probed delay for the
        accuracy on each class's trials at that delay

    Returns
    -------
    pandas DataFrame (C, len(curves)), index ``digit`` 0..C-1 (column k of ``class_accuracy`` is label
    k + 1, the digit k of the book's task).
    """
    import pandas as pd

    check_dict("curves", curves, "{label: DelayCurve}")
    if not all(isinstance(c, DelayCurve) for c in curves.values()):
        raise TypeError("curves must be a non-empty dict {label: DelayCurve}")
    delay = check_int("delay", delay, none_ok=True)
    if any(c.class_accuracy is None for c in curves.values()):
        raise ValueError("curves must carry per-class accuracy (class_accuracy is None)")
    if delay is not None and not all(delay in list(c.delays) for c in curves.values()):
        raise ValueError(f"delay must be one of the probed delays, got {delay!r}")
    n = len(next(iter(curves.values())).class_accuracy[0])
    digit = pd.Index(range(n), name="digit")
    if delay is None:
        return pd.DataFrame({k: c.class_lifetimes() for k, c in curves.items()}, index=digit)
    return pd.DataFrame({k: c.class_accuracy[list(c.delays).index(delay)] for k, c in curves.items()}, index=digit)
