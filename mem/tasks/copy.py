"""The copy task (Hochreiter & Schmidhuber 1997; the version of Orhan & Pitkow 2020; chapter 6).

A trial has ``T`` steps. Steps ``0 .. n_symbols - 1`` show symbols drawn from
``1 .. n_letters`` (default 10 symbols from 1..8), then blanks (0) follow; a
marker (``n_letters + 1``, i.e. 9) appears at step ``T - n_symbols - 1``, and the
network must reproduce the symbols, in order, at the last ``n_symbols`` steps.
Every other step's target is the blank. Inputs are one-hot over
``0 .. n_letters + 1``; outputs are classes ``0 .. n_letters``.

Each symbol must be held for ``delay = T - n_symbols`` steps. A pure chain of N
units forgets everything after N steps, so chapter 6 keeps ``delay < N``.
The baseline (recall nothing, output blanks and then uniform guesses) has loss
``n_symbols * ln(n_letters) / T``.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .._checks import check_generator, check_int, check_size, seeded
from .base import MAX_BATCH, MAX_ELEMENTS, MAX_STEPS, Batch, Task, TrainingSettings

__all__ = ["CopyTask"]


class CopyTask(Task):
    """Sampler and loss of the copy task (chapter 6).

    Parameters
    ----------
    T : int, default 100; trial length (the paper uses 500), at most :data:`mem.tasks.base.MAX_STEPS`
    n_symbols : int, default 10; symbols to remember, ``2 * n_symbols + 1 <= T``
    n_letters : int, default 8; alphabet size (symbols ``1 .. n_letters``)
    """

    name = "copy"
    #: Orhan & Pitkow's recipe: RMSprop at 3e-4, batches of 16, gradient norm clipped at 10,
    #: validation every 100 updates on 500 fixed trials.
    training = TrainingSettings(optimizer="rmsprop", lr=3e-4, batch_size=16, clip=10.0, eval_every=100, n_val=500)

    def __init__(self, T: int = 100, n_symbols: int = 10, n_letters: int = 8):
        self.n_symbols = check_int("n_symbols", n_symbols, 1, (MAX_STEPS - 1) // 2)
        self.n_letters = check_int("n_letters", n_letters, 2)
        self.T = check_int("T", T, 3, MAX_STEPS)
        if self.T < 2 * self.n_symbols + 1:
            raise ValueError(f"T must be an integer >= {2 * self.n_symbols + 1}, got {T!r} (2 * n_symbols + 1)")
        self.baseline = self.n_symbols * math.log(self.n_letters) / self.T

    @property
    def input_size(self) -> int:
        """One-hot over blank, letters and marker: ``n_letters + 2``."""
        return self.n_letters + 2

    @property
    def n_outputs(self) -> int:
        """Classes blank and letters: ``n_letters + 1``."""
        return self.n_letters + 1

    @property
    def delay(self) -> int:
        """Steps between a symbol and its recall: ``T - n_symbols``."""
        return self.T - self.n_symbols

    def config(self) -> dict:
        """``{"T", "n_symbols", "n_letters"}``: ``make_task("copy", **config)`` rebuilds the task."""
        return {"T": self.T, "n_symbols": self.n_symbols, "n_letters": self.n_letters}

    def sample(self, batch_size: int, generator: torch.Generator | None = None,
               split: str = "train") -> Batch:
        """Draw trials: ``x`` (B, T, n_letters + 2) one-hot, ``y`` (B, T) int64 (``split`` is ignored:
        every trial is freshly random)."""
        B = self.check_batch_size(batch_size)
        check_generator("generator", generator, none_ok=True)
        self.check_split(split)
        check_size(f"batch_size * T * (n_letters + 2) = {B} * {self.T} * {self.input_size}",
                   B * self.T * self.input_size, MAX_ELEMENTS)
        S, T = self.n_symbols, self.T
        symbols = torch.randint(1, self.n_letters + 1, (B, S), generator=generator)
        seq = torch.zeros(B, T, dtype=torch.long)
        seq[:, :S] = symbols
        seq[:, T - S - 1] = self.n_letters + 1
        y = torch.zeros(B, T, dtype=torch.long)
        y[:, T - S:] = symbols
        return Batch(F.one_hot(seq, self.input_size).float(), y)

    def loss(self, logits: torch.Tensor, batch: Batch) -> torch.Tensor:
        """Cross-entropy averaged over every step and trial (as in the paper). ``logits``: (B, T, n_letters + 1);
        NaN logits give a NaN loss (:func:`mem.train.train` reads it as divergence)."""
        self.check_logits(logits, batch, nan_ok=True)
        return F.cross_entropy(logits.reshape(-1, self.n_outputs), batch.y.reshape(-1))

    def score(self, logits: torch.Tensor, batch: Batch) -> float:
        """Fraction of the recalled symbols that are right (chance: ``1 / n_letters``)."""
        self.check_logits(logits, batch)
        S = self.n_symbols
        return (logits[:, -S:].argmax(-1) == batch.y[:, -S:]).float().mean().item()

    def validation_batch(self, n: int, seed: int) -> Batch:
        """``n`` trials drawn with a generator seeded by ``seed``."""
        n = check_int("n", n, 1, MAX_BATCH)
        return self.sample(n, seeded(seed), split="test")
