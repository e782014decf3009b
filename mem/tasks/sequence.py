"""What the memory benchmarks of Orhan & Pitkow (2020) share (chapter 6).

A :class:`SequenceTask` samples :class:`SequenceBatch` es and scores a network's
read-out on them. The network is any :class:`mem.models.RNNClassifier` with
``input_size == task.input_size`` and ``n_outputs == task.n_outputs``; its
read-out ``logits`` (B, T, C) is scored at every step (copy) or at the last
step only (addition, permuted digits).

Each task has a ``baseline``: the loss of the best predictor that remembers
nothing. The paper calls a run *successful* when its validation loss ends below
half of it (:attr:`mem.train.TaskHistory.success`).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .._checks import check_int

__all__ = ["SequenceBatch", "SequenceTask"]


@dataclass(frozen=True)
class SequenceBatch:
    """One batch of a benchmark task (chapter 6).

    Attributes
    ----------
    x : Tensor (B, T, D) float32, the inputs
    y : Tensor, the targets: (B, T) int64 classes (copy), (B,) int64 classes (permuted
        digits) or (B,) float32 values (addition)
    """

    x: torch.Tensor
    y: torch.Tensor

    def to(self, device) -> "SequenceBatch":
        return SequenceBatch(self.x.to(device), self.y.to(device))


class SequenceTask:
    """Base class of the benchmarks: subclasses set ``name``, ``input_size``, ``n_outputs``,
    ``baseline`` and implement ``sample``, ``loss`` and ``score`` (chapter 6)."""

    name: str = "sequence"
    input_size: int
    n_outputs: int
    baseline: float

    def sample(self, batch_size: int, generator: torch.Generator | None = None,
               split: str = "train") -> SequenceBatch:  # pragma: no cover - abstract
        raise NotImplementedError

    def loss(self, logits: torch.Tensor, batch: SequenceBatch) -> torch.Tensor:  # pragma: no cover
        raise NotImplementedError

    def score(self, logits: torch.Tensor, batch: SequenceBatch) -> float:  # pragma: no cover
        """The task's accuracy-like score in [0, 1] (NaN where the task has none)."""
        raise NotImplementedError

    def config(self) -> dict:  # pragma: no cover
        """Constructor arguments, enough to rebuild the task (stored in the zoo)."""
        raise NotImplementedError

    # -- shared helpers --------------------------------------------------------------------------
    @staticmethod
    def _batch_size(batch_size) -> int:
        return check_int("batch_size", batch_size, 1)

    @staticmethod
    def _split(split: str) -> str:
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        return split

    def _check_logits(self, logits: torch.Tensor, batch: SequenceBatch) -> None:
        B, T = batch.x.shape[:2]
        if logits.dim() != 3 or tuple(logits.shape) != (B, T, self.n_outputs):
            raise ValueError(f"logits must have shape (B, T, C) = ({B}, {T}, {self.n_outputs}), "
                             f"got {tuple(logits.shape)}")

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"
