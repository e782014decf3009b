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

from .._checks import check_generator, check_int, check_seed, seeded
from ..data import Digits
from .base import MAX_BATCH, Batch, Task, TrainingSettings, load_images

__all__ = ["PermutedDigits"]


class PermutedDigits(Task):
    """Pixel-by-pixel classification of permuted images (chapter 6).

    Parameters
    ----------
    data : Digits, optional; default: the 8x8 digits (:func:`mem.data.load_digits`)
    permutation_seed : int or None, default 0; ``None`` keeps the pixels in reading order
        (sequential digits, not permuted)
    pixels : int, optional; checked against the images' pixel count (the stored :meth:`config` names it)
    mnist_dir : str, optional; read MNIST from this folder (:func:`mem.data.load_mnist`) instead of ``data``
    """

    name = "psdigits"
    input_size = 1
    n_outputs = 10
    #: Orhan & Pitkow's recipe: RMSprop at 3e-4, batches of 16, gradient norm clipped at 10,
    #: validation every 100 updates (on every test image: :meth:`validation_batch`).
    training = TrainingSettings(optimizer="rmsprop", lr=3e-4, batch_size=16, clip=10.0, eval_every=100, n_val=500)

    def __init__(self, data: Digits | None = None, permutation_seed: int | None = 0, *,
                 pixels: int | None = None, mnist_dir: str | None = None):
        self.data = load_images(data, pixels, mnist_dir)
        self.mnist_dir = None if mnist_dir is None else str(mnist_dir)
        self.permutation_seed = check_seed(permutation_seed, "permutation_seed", none_ok=True)
        P = self.data.n_pixels
        if permutation_seed is None:
            self.permutation = torch.arange(P)
        else:
            self.permutation = torch.randperm(P, generator=seeded(self.permutation_seed, "permutation_seed"))
        self.baseline = math.log(10)

    @property
    def T(self) -> int:
        """Trial length: the number of pixels."""
        return self.data.n_pixels

    def config(self) -> dict:
        """``{"pixels", "permutation_seed"}`` (and ``"mnist_dir"`` for MNIST):
        ``make_task("psdigits", **config)`` rebuilds the task."""
        cfg = {"pixels": self.data.n_pixels, "permutation_seed": self.permutation_seed}
        return cfg if self.mnist_dir is None else {**cfg, "mnist_dir": self.mnist_dir}

    def sample(self, batch_size: int, generator: torch.Generator | None = None,
               split: str = "train") -> Batch:
        """Draw images from ``split`` (with replacement): ``x`` (B, P, 1), ``y`` (B,) int64 in 0..9."""
        B = self.check_batch_size(batch_size)
        check_generator("generator", generator, none_ok=True)
        images, labels = self.data.split(self.check_split(split))
        idx = torch.randint(len(labels), (B,), generator=generator)
        return Batch(images[idx][:, self.permutation, None], labels[idx])

    def all(self, split: str = "test") -> Batch:
        """Every image of ``split`` once, in order: for exact validation losses."""
        images, labels = self.data.split(self.check_split(split))
        return Batch(images[:, self.permutation, None], labels)

    def validation_batch(self, n: int | None = None, seed: int | None = None) -> Batch:
        """Every test image once (:meth:`all`): the validation loss is exact, so ``n`` and ``seed`` are unused
        (but checked, so that a wrong call is not silent)."""
        check_int("n", n, 1, MAX_BATCH, none_ok=True)
        check_seed(seed, "seed", none_ok=True)
        return self.all("test")

    def loss(self, logits: torch.Tensor, batch: Batch) -> torch.Tensor:
        """Cross-entropy of the last step's read-out. ``logits``: (B, P, 10); NaN logits give a NaN loss
        (:func:`mem.train.train` reads it as divergence)."""
        self.check_logits(logits, batch, nan_ok=True)
        return F.cross_entropy(logits[:, -1], batch.y)

    def score(self, logits: torch.Tensor, batch: Batch) -> float:
        """Classification accuracy at the last step."""
        self.check_logits(logits, batch)
        return (logits[:, -1].argmax(-1) == batch.y).float().mean().item()
