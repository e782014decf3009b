"""The delayed-classification task of Haviv, Rivkind & Barak (2019) (chapter 1).

A trial is a sequence of ``T`` frames. Every frame shows pixel noise, except
the read step ``t_read``, which shows a digit image. An extra input channel,
the trigger, is 1 at the report step ``t_report >= t_read + delta_min`` and 0
elsewhere. The network must output the null class 0 at every step except the
report step, where it must output the digit's class ``digit + 1`` (classes
1..10). The report step's loss is weighted by ``report_weight`` (default ``T``)
so that the one informative step is not drowned by the ``T - 1`` null steps.

Curricula change two task parameters during training (see :mod:`mem.protocols`):
``T_max`` (the trial length, which bounds the delay) and ``n_classes`` (the
vocabulary, null included: ``n_classes = 3`` means null, "0" and "1"). The
read-out always has 11 units.

Inputs are batch-first: ``x`` has shape (B, T, P + 1), the last channel being
the trigger.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import torch

from .._checks import check_bool, check_dict, check_float, check_generator, check_size, seeded
from .._checks import check_int as _check_int
from ..data import Digits
from .base import MAX_BATCH, MAX_ELEMENTS, MAX_STEPS, Batch, Task, TrainingSettings, load_images

__all__ = ["NULL", "N_OUTPUTS", "DelayedBatch", "DelayedClassification", "Probe", "loss_table",
           "reference_predictors", "report_share", "report_weight_line", "weighting_schemes"]

NULL = 0        #: class index of the null output
N_OUTPUTS = 11  #: null + 10 digits
_MAX_TIMING_T = 4096  # timing_distribution's joint table is T x T


@dataclass(frozen=True)
class DelayedBatch(Batch):
    """One batch of delayed-classification trials (chapter 1).

    Attributes
    ----------
    x : Tensor (B, T, P + 1) float32 -- noise frames, one image frame, trigger channel last
    y : Tensor (B, T) int64 -- target class per step: 0 (null) except ``y[b, t_report[b]]``
    w : Tensor (B, T) float32 -- loss weight per step: 1, and ``report_weight`` at the report
    t_read, t_report : Tensor (B,) int64 -- step of the image and of the trigger
    label : Tensor (B,) int64 -- the trial's class, ``digit + 1`` in 1..10
    """

    w: torch.Tensor
    t_read: torch.Tensor
    t_report: torch.Tensor
    label: torch.Tensor


@dataclass(frozen=True)
class Probe:
    """Trials for measuring memory at long delays (chapter 2).

    The image is shown at ``t = 0`` and noise follows up to ``t = max_delay``,
    with the trigger off everywhere: :func:`mem.evaluate.accuracy_vs_delay`
    switches it on at each delay ``d`` while sharing one trajectory per trial.

    Attributes
    ----------
    x : Tensor (B, max_delay + 1, P + 1) float32
    label : Tensor (B,) int64 in 1..10
    """

    x: torch.Tensor
    label: torch.Tensor


class DelayedClassification(Task):
    """Sampler and loss of delayed-classification trials (Haviv et al. 2019; chapter 1).

    Parameters
    ----------
    data : Digits, optional
        Images and noise statistics; default: the 8x8 digits (:func:`mem.data.load_digits`).
    T_max : int, default 20
        Trial length T, at most :data:`mem.tasks.base.MAX_STEPS`. Delays ``t_report - t_read`` range over
        ``delta_min .. T_max - 1``.
    delta_min : int, default 4
        Shortest delay; must be >= 1 and < ``T_max``.
    n_classes : int, default 11
        Active vocabulary including null, 2..11: digits ``0 .. n_classes - 2``.
    report_weight : float or None
        Loss weight of the report step, a finite number > 0; ``None`` means the trial length T.
    pixels : int, optional
        Checked against the images' pixel count (the stored :meth:`config` names it).
    mnist_dir : str, optional
        Read MNIST from this folder (:func:`mem.data.load_mnist`) instead of ``data``.

    Timing: ``t_read`` is uniform on ``0 .. T - 1 - delta_min``; given it,
    ``t_report`` is uniform on ``t_read + delta_min .. T - 1``.
    """

    name = "delayed"
    #: Haviv et al.'s recipe: Adam at 3e-3, batches of 128, gradient norm clipped at 1, no validation set.
    training = TrainingSettings(optimizer="adam", lr=3e-3, batch_size=128, clip=1.0)

    def __init__(self, data: Digits | None = None, T_max: int = 20, delta_min: int = 4, n_classes: int = 11,
                 report_weight: float | None = None, *, pixels: int | None = None, mnist_dir: str | None = None):
        self.data = load_images(data, pixels, mnist_dir)
        self.mnist_dir = None if mnist_dir is None else str(mnist_dir)
        self.delta_min = _check_int("delta_min", delta_min, 1)
        self.T_max = self._check_T(T_max)
        self.n_classes = _check_int("n_classes", n_classes, 2, N_OUTPUTS)
        check_float("report_weight", report_weight, gt=0, none_ok=True)
        self.report_weight = report_weight
        self._by_split = {s: self._index(s) for s in ("train", "test")}

    def _check_T(self, T_max) -> int:
        T_max = _check_int("T_max", T_max, 2, MAX_STEPS)
        if self.delta_min >= T_max:
            raise ValueError(f"delta_min must be < T_max (allowed: 1..{T_max - 1}), "
                             f"got delta_min={self.delta_min} with T_max={T_max}")
        return T_max

    def _index(self, split):
        x, y = self.data.split(split)
        order = torch.argsort(y, stable=True)
        counts = torch.bincount(y, minlength=10)
        return x, y, order, torch.cumsum(counts, 0)

    @property
    def input_size(self) -> int:
        """P + 1: pixels plus the trigger channel."""
        return self.data.n_pixels + 1

    @property
    def n_outputs(self) -> int:
        """Read-out size: always 11 (null + 10 digits), whatever the vocabulary."""
        return N_OUTPUTS

    def config(self) -> dict:
        """``{"T_max", "delta_min", "n_classes", "report_weight", "pixels"}`` (and ``"mnist_dir"`` for MNIST):
        ``make_task("delayed", **config)`` rebuilds the task."""
        cfg = {"T_max": self.T_max, "delta_min": self.delta_min, "n_classes": self.n_classes,
               "report_weight": self.report_weight, "pixels": self.data.n_pixels}
        return cfg if self.mnist_dir is None else {**cfg, "mnist_dir": self.mnist_dir}

    def __repr__(self) -> str:
        return (f"DelayedClassification(T_max={self.T_max}, delta_min={self.delta_min}, "
                f"n_classes={self.n_classes}, pixels={self.data.n_pixels})")

    # -- sampling -----------------------------------------------------------------------------
    def _images(self, n: int, n_classes: int, generator, split: str):
        """Draw ``n`` images uniformly among digits 0..n_classes-2. Returns (x (n, P), label (n,))."""
        x, y, order, cum = self._by_split[split]
        n_pool = int(cum[n_classes - 2])  # images of digits < n_classes - 1 come first in `order`
        idx = order[torch.randint(n_pool, (n,), generator=generator)]
        return x[idx], y[idx] + 1

    def mean_input(self, trigger: bool = False) -> torch.Tensor:
        """The mean noise frame with the trigger off (or on), shape (P + 1,) (chapter 3).

        With the trigger off this is the input between events, averaged: slow
        points are found for it. With ``trigger=True`` it asks for the report.
        """
        trigger = check_bool("trigger", trigger)
        x = torch.full((self.data.n_pixels + 1,), float(self.data.noise_mean))
        x[-1] = 1.0 if trigger else 0.0
        return x

    def noise(self, shape, generator=None) -> torch.Tensor:
        """Noise frames: i.i.d. Normal(noise_mean, noise_std), shape ``(*shape, P)`` (chapter 1).

        ``shape`` is a tuple or list of ints >= 0; ``generator`` a ``torch.Generator`` or None.
        """
        if not isinstance(shape, (tuple, list, torch.Size)):
            raise TypeError(f"shape must be a tuple of ints, got {type(shape).__name__}")
        shape = tuple(_check_int(f"shape[{i}]", n, 0) for i, n in enumerate(shape))
        check_size(f"shape {shape} of frames of {self.data.n_pixels} pixels",
                   math.prod(shape) * self.data.n_pixels, MAX_ELEMENTS)
        check_generator("generator", generator, none_ok=True)
        z = torch.randn(*shape, self.data.n_pixels, generator=generator)
        return z.mul_(self.data.noise_std).add_(self.data.noise_mean)

    def sample(self, batch_size: int, generator: torch.Generator | None = None, *,
               T_max: int | None = None, n_classes: int | None = None,
               t_read: int | None = None, t_report: int | None = None,
               split: str = "train") -> DelayedBatch:
        """Sample a batch of trials (chapter 1).

        Parameters
        ----------
        batch_size : int >= 1
        generator : torch.Generator, optional
            Source of all randomness (images, timing, noise).
        T_max, n_classes : int, optional
            Override the task's values (curricula pass them per step).
        t_read, t_report : int, optional
            Fix the timing of every trial (for figures); must satisfy
            ``0 <= t_read`` and ``t_read + delta_min <= t_report <= T - 1``.
            Fixing only one draws the other uniformly among the allowed steps.
        split : "train" or "test"

        Returns
        -------
        DelayedBatch with ``x`` (B, T, P + 1), ``y`` and ``w`` (B, T).
        """
        B = self.check_batch_size(batch_size)
        check_generator("generator", generator, none_ok=True)
        T = self.T_max if T_max is None else self._check_T(T_max)
        C = self.n_classes if n_classes is None else _check_int("n_classes", n_classes, 2, N_OUTPUTS)
        self.check_split(split)
        check_size(f"batch_size * T_max * (P + 1) = {B} * {T} * {self.input_size}", B * T * self.input_size,
                   MAX_ELEMENTS)
        dm = self.delta_min
        if t_read is not None:
            t_read = _check_int("t_read", t_read, 0, T - 1 - dm)
        if t_report is not None:
            t_report = _check_int("t_report", t_report, dm, T - 1)
            if t_read is not None and t_report < t_read + dm:
                raise ValueError(f"t_report must be >= t_read + delta_min = {t_read + dm}, got t_report={t_report} "
                                 f"with t_read={t_read}")

        if t_read is None and t_report is not None:  # fixed report only: draw t_read to fit it
            tr = torch.randint(t_report - dm + 1, (B,), generator=generator)
        elif t_read is None:
            tr = torch.randint(T - dm, (B,), generator=generator)
        else:
            tr = torch.full((B,), t_read, dtype=torch.long)
        if t_report is None:
            span = (T - dm - tr).double()  # number of allowed report steps per trial
            u = torch.rand(B, generator=generator, dtype=torch.float64)
            tp = tr + dm + (u * span).long().clamp_max(span.long() - 1)
        else:
            tp = torch.full((B,), t_report, dtype=torch.long)

        images, label = self._images(B, C, generator, split)
        P = self.data.n_pixels
        x = torch.empty(B, T, P + 1)
        x[:, :, :P] = self.noise((B, T), generator)
        x[:, :, P] = 0.0
        rows = torch.arange(B)
        x[rows, tr, :P] = images
        x[rows, tp, P] = 1.0

        y = torch.zeros(B, T, dtype=torch.long)
        y[rows, tp] = label
        w = torch.ones(B, T)
        w[rows, tp] = float(T if self.report_weight is None else self.report_weight)
        return DelayedBatch(x=x, y=y, w=w, t_read=tr, t_report=tp, label=label)

    def sample_probe(self, batch_size: int, max_delay: int, generator: torch.Generator | None = None,
                     *, split: str = "test", n_classes: int | None = None) -> Probe:
        """Trials for extrapolation: image at ``t = 0``, noise up to ``t = max_delay``, no trigger (chapters 1, 2).

        Returns
        -------
        Probe with ``x`` of shape (B, max_delay + 1, P + 1).
        """
        B = self.check_batch_size(batch_size)
        D = _check_int("max_delay", max_delay, 1, MAX_STEPS)
        check_generator("generator", generator, none_ok=True)
        C = self.n_classes if n_classes is None else _check_int("n_classes", n_classes, 2, N_OUTPUTS)
        self.check_split(split)
        check_size(f"batch_size * (max_delay + 1) * (P + 1) = {B} * {D + 1} * {self.input_size}",
                   B * (D + 1) * self.input_size, MAX_ELEMENTS)
        images, label = self._images(B, C, generator, split)
        P = self.data.n_pixels
        x = torch.zeros(B, D + 1, P + 1)
        x[:, :, :P] = self.noise((B, D + 1), generator)
        x[:, 0, :P] = images
        return Probe(x=x, label=label)

    def validation_batch(self, n: int, seed: int) -> DelayedBatch:
        """``n`` trials of the full task from the test images, drawn with a generator seeded by ``seed``."""
        n = _check_int("n", n, 1, MAX_BATCH)
        return self.sample(n, seeded(seed), split="test")

    # -- scoring ----------------------------------------------------------------------------------
    def _check_logits(self, logits, batch, nan_ok: bool = False) -> None:
        """``batch`` must be a :class:`DelayedBatch` and ``logits`` (B, T, 11) must match its ``y`` (B, T)."""
        if not isinstance(batch, DelayedBatch):
            raise TypeError(f"batch must be a mem.tasks.DelayedBatch, got {type(batch).__name__}")
        self.check_logits(logits, batch, nan_ok=nan_ok)

    def loss(self, logits: torch.Tensor, batch: DelayedBatch) -> torch.Tensor:
        """Weighted cross-entropy summed over steps, divided by T, averaged over trials (chapter 1).

        Parameters
        ----------
        logits : (B, T, 11) read-out at every step
        batch : DelayedBatch with ``y`` and ``w`` of shape (B, T)

        Returns
        -------
        Scalar tensor ``mean_b sum_t w[b, t] * CE(logits[b, t], y[b, t]) / T``; NaN or inf where ``logits``
        are not finite (not an error: :func:`mem.train.train` reads it as divergence).
        """
        self._check_logits(logits, batch, nan_ok=True)
        B, T, C = logits.shape
        ce = torch.nn.functional.cross_entropy(logits.reshape(B * T, C), batch.y.reshape(-1), reduction="none")
        return (ce * batch.w.reshape(-1)).sum() / (B * T)

    def report_correct(self, logits: torch.Tensor, batch: DelayedBatch) -> torch.Tensor:
        """Boolean (B,): is the arg-max class at each trial's report step its label? (chapters 1, 2).

        ``logits`` (B, T, 11) must not hold NaN (a ValueError)."""
        self._check_logits(logits, batch)
        rows = torch.arange(logits.shape[0], device=logits.device)
        return logits[rows, batch.t_report].argmax(-1) == batch.label

    def score(self, logits: torch.Tensor, batch: DelayedBatch) -> float:
        """Report accuracy: the fraction of trials whose report is right (:meth:`report_correct`)."""
        return self.report_correct(logits, batch).float().mean().item()

    def timing_distribution(self, T_max: int | None = None) -> dict[str, np.ndarray]:
        """The exact distribution of a trial's timing, from the sampling rule (chapter 1).

        ``t_read`` is uniform on ``0 .. T - 1 - delta_min``; given it, ``t_report`` is uniform on
        ``t_read + delta_min .. T - 1``. Short delays are therefore more common than long ones.

        Parameters
        ----------
        T_max : int, optional, the trial length T (default the task's), at most 4096 (the joint table is T x T)

        Returns
        -------
        dict of (T,) float arrays, each summing to 1: ``"t_read"``, ``"t_report"`` and ``"delay"``
        (``t_report - t_read``), the probability of each value ``0 .. T - 1``; and ``"joint"`` (T, T),
        ``joint[r, q] = P(t_read = r, t_report = q)``.
        """
        T = self.T_max if T_max is None else self._check_T(T_max)
        _check_int("T_max", T, 2, _MAX_TIMING_T)
        dm, n_read = self.delta_min, T - self.delta_min
        joint = np.zeros((T, T))
        for r in range(n_read):
            joint[r, r + dm:] = 1 / n_read / (n_read - r)
        return {"t_read": joint.sum(1), "t_report": joint.sum(0),
                "delay": np.array([np.trace(joint, offset=d) for d in range(T)]), "joint": joint}


def _check_batch(batch) -> DelayedBatch:
    if not isinstance(batch, DelayedBatch):
        raise TypeError(f"batch must be a mem.tasks.DelayedBatch (DelayedClassification.sample), "
                        f"got {type(batch).__name__}")
    return batch


def reference_predictors(batch: DelayedBatch, confidence: float = 5.0) -> dict[str, torch.Tensor]:
    """Logits of five fixed predictors of ``batch``, to see what the loss rewards (chapter 1).

    Parameters
    ----------
    batch : :class:`DelayedBatch`, targets ``y`` (B, T)
    confidence : float in (0, float32's largest], the logit ``s`` a predictor gives its chosen class (the others 0)

    Returns
    -------
    dict of (B, T, N_OUTPUTS) logits: ``"uniform"`` (all zero), ``"always null"``, ``"answers early"``
    (the digit from ``t_read`` on), ``"memoryless"`` (null except at the report, where it rules out
    null only) and ``"perfect"`` (the target at every step).
    """
    batch = _check_batch(batch)
    s = check_float("confidence", confidence, gt=0, le=torch.finfo(torch.float32).max)  # logits are float32
    B, T = batch.y.shape
    rows, steps = torch.arange(B), torch.arange(T)
    confident = s * torch.eye(N_OUTPUTS)              # confident[classes]: logit s on each class
    memoryless = confident[torch.zeros_like(batch.y)]
    memoryless[rows, batch.t_report] = torch.tensor([-s] + [0.0] * (N_OUTPUTS - 1))
    return {"uniform": torch.zeros(B, T, N_OUTPUTS),
            "always null": confident[torch.zeros_like(batch.y)],
            "answers early": confident[torch.where(steps >= batch.t_read[:, None], batch.label[:, None], 0)],
            "memoryless": memoryless,
            "perfect": confident[batch.y]}


def weighting_schemes(batch: DelayedBatch) -> dict[str, DelayedBatch]:
    """``batch`` under three loss weightings (chapter 1).

    Returns
    -------
    dict of :class:`DelayedBatch`: ``"task loss"`` (``batch`` itself: null targets, report weighted),
    ``"weights 1"`` (every step weight 1) and ``"report only"`` (weight T at the report, 0 elsewhere).
    """
    batch = _check_batch(batch)
    B, T = batch.y.shape
    return {"task loss": batch,
            "weights 1": replace(batch, w=torch.ones(B, T)),
            "report only": replace(batch, w=torch.where(batch.y > 0, float(T), 0.0))}


def report_share(logits: torch.Tensor, batch: DelayedBatch) -> float:
    """Share of the weighted cross-entropy of ``batch`` that falls on the report steps (chapter 1).

    Parameters
    ----------
    logits : (B, T, N_OUTPUTS)
    batch : :class:`DelayedBatch`, with the weights ``w`` (B, T) to apply

    Returns
    -------
    float in [0, 1].

    Raises
    ------
    ValueError
        ``logits`` are not finite, or the weighted loss is 0 (perfect logits: no share to report).
    """
    batch = _check_batch(batch)
    shape = (*batch.y.shape, N_OUTPUTS)
    if not isinstance(logits, torch.Tensor):
        raise TypeError(f"logits must be a tensor of shape (B, T, classes) = {shape}, got {type(logits).__name__}")
    if tuple(logits.shape) != shape:
        raise ValueError(f"logits must be a tensor of shape (B, T, classes) = {shape} matching batch.y, "
                         f"got {tuple(logits.shape)}")
    _check_finite_logits(logits)
    ce = torch.nn.functional.cross_entropy(logits.transpose(1, 2), batch.y, reduction="none")
    rows = torch.arange(len(batch.y))
    total = (ce * batch.w).sum()
    if not total > 0:
        raise ValueError("logits give a weighted loss of 0 on every step: no share to report")
    return float((ce * batch.w)[rows, batch.t_report].sum() / total)


def _check_finite_logits(logits: torch.Tensor) -> None:
    if not logits.is_floating_point():
        raise TypeError(f"logits must be a floating-point tensor, got {logits.dtype}")
    if not bool(torch.isfinite(logits).all()):
        raise ValueError("logits must be finite (no NaN or inf)")


def report_weight_line(task: DelayedClassification, logits: torch.Tensor, batch: DelayedBatch) -> tuple:
    """The loss of ``logits`` as a line in the report weight ``w`` (chapter 1).

    The loss is linear in ``w``: fitted from ``w = 1`` and ``w = T`` (every other step weight 1), and
    checked at ``w = 2T``.

    Parameters
    ----------
    task : :class:`DelayedClassification`, whose :meth:`~DelayedClassification.loss` is used
    logits : (B, T, N_OUTPUTS)
    batch : :class:`DelayedBatch`, the targets (its weights are replaced)

    Returns
    -------
    (intercept, slope, off_line): floats; ``loss(w) = intercept + slope * w``, and ``off_line`` is
    ``|loss(2T) - (intercept + slope * 2T)|`` (zero up to rounding).

    Raises
    ------
    ValueError
        ``logits`` do not match ``batch`` or are not finite (a loss of NaN or inf has no line).
    """
    if not isinstance(task, DelayedClassification):
        raise TypeError(f"task must be a mem.tasks.DelayedClassification, got {type(task).__name__}")
    batch = _check_batch(batch)
    task.check_logits(logits, batch)
    _check_finite_logits(logits)
    T = batch.y.shape[1]
    at = lambda w: float(task.loss(logits, replace(batch, w=torch.where(batch.y > 0, float(w), 1.0))))  # noqa: E731
    l1, lT = at(1), at(T)
    slope = (lT - l1) / (T - 1)
    return l1 - slope, slope, abs(at(2 * T) - (l1 + slope * (2 * T - 1)))


def _scored(name: str, table, low: float, high: float) -> dict:
    """``table`` as ``{(predictor, weighting): float in [low, high]}``, checked, naming ``name``."""
    check_dict(name, table, "{(predictor, weighting): value}")
    out = {}
    for key, value in table.items():
        if not (isinstance(key, tuple) and len(key) == 2 and all(isinstance(k, str) for k in key)):
            raise TypeError(f"{name} must be keyed by (predictor, weighting) pairs of str, got the key {key!r}")
        out[key] = check_float(f"{name}[{key!r}]", value, ge=low, le=high)
    return out


def _names(keys, i: int) -> list[str]:
    return list(dict.fromkeys(k[i] for k in keys))


def loss_table(loss: dict, share: dict) -> str:
    """The losses of reference predictors under several weightings, and the report step's share of them,
    as a text table (chapter 1).

    Parameters
    ----------
    loss : dict ``{(predictor, weighting): float >= 0}``, every predictor under every weighting, e.g. the
        loss (:meth:`DelayedClassification.loss`) of each of :func:`reference_predictors` under each of
        :func:`weighting_schemes`; predictors and weightings are listed in the order of the keys
    share : dict ``{(predictor, weighting): float in [0, 1]}``, the report step's share of the loss
        (:func:`report_share`) of every predictor of ``loss`` under some of the weightings

    Returns
    -------
    str, two header lines and one row per predictor: its loss under each weighting (three decimals),
    then its report share under each weighting of ``share`` (a percentage with one decimal).

    Raises
    ------
    ValueError
        ``loss`` lacks a predictor under a weighting, a value is negative, NaN or infinite (a share
        outside [0, 1]), or ``share`` names another predictor or lacks one.
    """
    loss = _scored("loss", loss, 0.0, math.inf)
    share = _scored("share", share, 0.0, 1.0)
    predictors, weightings = _names(loss, 0), _names(loss, 1)
    missing = [(p, k) for p in predictors for k in weightings if (p, k) not in loss]
    if missing:
        raise ValueError(f"loss must hold every predictor under every weighting, missing {missing}")
    shared = _names(share, 1)
    if set(_names(share, 0)) != set(predictors) or any((p, k) not in share for p in predictors for k in shared):
        raise ValueError(f"share must hold every predictor of loss ({predictors}) under each of its weightings "
                         f"({shared}), and no other")
    share_width = 13 + 12 * (len(shared) - 1)
    lines = [f"{'':14}{'---------- loss ----------':>{13 * len(weightings) - 1}}   "
             f"{'report share of loss':>{share_width - 3}}",
             f"{'predictor':14}" + "".join(f"{k:>13}" for k in weightings)
             + "".join(f"{k:>{13 if j == 0 else 12}}" for j, k in enumerate(shared))]
    for p in predictors:
        lines.append(f"{p:14}" + "".join(f"{loss[p, k]:13.3f}" for k in weightings)
                     + "".join(f"{share[p, k]:{13 if j == 0 else 12}.1%}" for j, k in enumerate(shared)))
    return "\n".join(lines)
