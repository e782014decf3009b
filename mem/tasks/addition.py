"""The addition task (Hochreiter & Schmidhuber 1997; the version of Orhan & Pitkow 2020; chapter 6).

Two input channels over ``T`` steps: a mask (channel 0) that is 1 at exactly
two steps, one in each half of the trial, and values drawn uniformly from
[0, 1) (channel 1). The target, read out at the last step, is the sum of the
two marked values. Predicting the constant 1 (remembering nothing) gives the
baseline mean squared error ``Var(a + b) = 1/6``.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .._checks import check_generator, check_int, check_size, seeded
from .base import MAX_BATCH, MAX_ELEMENTS, MAX_STEPS, Batch, Task, TrainingSettings

__all__ = ["AdditionTask"]


class AdditionTask(Task):
    """Sampler and loss of the addition task (chapter 6).

    Parameters
    ----------
    T : int, default 100; trial length (the paper uses 750), in 2.. :data:`mem.tasks.base.MAX_STEPS`
    """

    name = "addition"
    #: Orhan & Pitkow's recipe: RMSprop at 3e-4, batches of 16, gradient norm clipped at 10,
    #: validation every 100 updates on 500 fixed trials.
    training = TrainingSettings(optimizer="rmsprop", lr=3e-4, batch_size=16, clip=10.0, eval_every=100, n_val=500)
    input_size = 2
    n_outputs = 1
    baseline = 1.0 / 6.0

    def __init__(self, T: int = 100):
        self.T = check_int("T", T, 2, MAX_STEPS)

    def config(self) -> dict:
        """``{"T"}``: ``make_task("addition", **config)`` rebuilds the task."""
        return {"T": self.T}

    def sample(self, batch_size: int, generator: torch.Generator | None = None,
               split: str = "train") -> Batch:
        """Draw trials: ``x`` (B, T, 2) as [mask, value], ``y`` (B,) float32 (``split`` is ignored)."""
        B = self.check_batch_size(batch_size)
        check_generator("generator", generator, none_ok=True)
        self.check_split(split)
        check_size(f"batch_size * T * 2 = {B} * {self.T} * 2", B * self.T * 2, MAX_ELEMENTS)
        T, half = self.T, self.T // 2
        values = torch.rand(B, T, generator=generator)
        first = torch.randint(0, half, (B,), generator=generator)
        second = torch.randint(half, T, (B,), generator=generator)
        rows = torch.arange(B)
        mask = torch.zeros(B, T)
        mask[rows, first] = 1.0
        mask[rows, second] = 1.0
        y = values[rows, first] + values[rows, second]
        return Batch(torch.stack([mask, values], -1), y)

    def loss(self, logits: torch.Tensor, batch: Batch) -> torch.Tensor:
        """Mean squared error of the last step's output. ``logits``: (B, T, 1); NaN logits give a NaN loss
        (:func:`mem.train.train` reads it as divergence)."""
        self.check_logits(logits, batch, nan_ok=True)
        return F.mse_loss(logits[:, -1, 0], batch.y)

    def score(self, logits: torch.Tensor, batch: Batch) -> float:
        """The addition task has no accuracy; returns NaN (compare losses with ``baseline``)."""
        self.check_logits(logits, batch)
        return math.nan

    def validation_batch(self, n: int, seed: int) -> Batch:
        """``n`` trials drawn with a generator seeded by ``seed``."""
        n = check_int("n", n, 1, MAX_BATCH)
        return self.sample(n, seeded(seed), split="test")
