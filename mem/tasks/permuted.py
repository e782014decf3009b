"""Permuted sequential digits: an image shown one pixel per step, in a fixed random order (chapter 6).

The default images are the 8x8 digits (64 steps); :func:`mem.data.load_mnist`
gives the paper's 28x28 MNIST (784 steps, psMNIST) when its files are present.
The permutation, seeded by ``permutation_seed``, is the same for every trial,
so that pixels neighbouring in the image land far apart in time. The class is
read out at the last step; the baseline (no memory) is ``ln 10``.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ..data import Digits
from .._checks import check_int
from .sequence import SequenceBatch, SequenceTask

__all__ = ["PermutedDigits"]


class PermutedDigits(SequenceTask):
    """Pixel-by-pixel classification of permuted images (chapter 6).

    Parameters
    ----------
    data : Digits (:func:`mem.data.load_digits` or :func:`mem.data.load_mnist`)
    permutation_seed : int or None, default 0; ``None`` keeps the pixels in reading order
        (sequential digits, not permuted)
    """

    name = "psdigits"
    input_size = 1
    n_outputs = 10

    def __init__(self, data: Digits, permutation_seed: int | None = 0):
        if not isinstance(data, Digits):
            raise ValueError(f"data must be a mem.data.Digits, got {type(data).__name__}")
        self.data = data
        self.permutation_seed = None if permutation_seed is None else check_int("permutation_seed",
                                                                                permutation_seed, 0)
        P = data.n_pixels
        if permutation_seed is None:
            self.permutation = torch.arange(P)
        else:
            self.permutation = torch.randperm(P, generator=torch.Generator().manual_seed(self.permutation_seed))
        self.baseline = math.log(10)

    @property
    def T(self) -> int:
        """Trial length: the number of pixels."""
        return self.data.n_pixels

    def config(self) -> dict:
        return {"pixels": self.data.n_pixels, "permutation_seed": self.permutation_seed}

    def sample(self, batch_size: int, generator: torch.Generator | None = None,
               split: str = "train") -> SequenceBatch:
        """Draw images from ``split`` (with replacement): ``x`` (B, P, 1), ``y`` (B,) int64 in 0..9."""
        B = self._batch_size(batch_size)
        images, labels = self.data.split(self._split(split))
        idx = torch.randint(len(labels), (B,), generator=generator)
        return SequenceBatch(images[idx][:, self.permutation, None], labels[idx])

    def all(self, split: str = "test") -> SequenceBatch:
        """Every image of ``split`` once, in order: for exact validation losses."""
        images, labels = self.data.split(self._split(split))
        return SequenceBatch(images[:, self.permutation, None], labels)

    def loss(self, logits: torch.Tensor, batch: SequenceBatch) -> torch.Tensor:
        """Cross-entropy of the last step's read-out. ``logits``: (B, P, 10)."""
        self._check_logits(logits, batch)
        return F.cross_entropy(logits[:, -1], batch.y)

    def score(self, logits: torch.Tensor, batch: SequenceBatch) -> float:
        """Classification accuracy at the last step."""
        self._check_logits(logits, batch)
        return (logits[:, -1].argmax(-1) == batch.y).float().mean().item()
