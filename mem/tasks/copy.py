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

from .._checks import check_int
from .sequence import SequenceBatch, SequenceTask

__all__ = ["CopyTask"]


class CopyTask(SequenceTask):
    """Sampler and loss of the copy task (chapter 6).

    Parameters
    ----------
    T : int, default 100; trial length (the paper uses 500)
    n_symbols : int, default 10; symbols to remember, ``2 * n_symbols + 1 <= T``
    n_letters : int, default 8; alphabet size (symbols ``1 .. n_letters``)
    """

    name = "copy"

    def __init__(self, T: int = 100, n_symbols: int = 10, n_letters: int = 8):
        self.n_symbols = check_int("n_symbols", n_symbols, 1)
        self.n_letters = check_int("n_letters", n_letters, 2)
        self.T = check_int("T", T, 2 * self.n_symbols + 1)
        self.input_size = self.n_letters + 2   # blank, letters, marker
        self.n_outputs = self.n_letters + 1    # blank and letters
        self.baseline = self.n_symbols * math.log(self.n_letters) / self.T

    @property
    def delay(self) -> int:
        """Steps between a symbol and its recall: ``T - n_symbols``."""
        return self.T - self.n_symbols

    def config(self) -> dict:
        return {"T": self.T, "n_symbols": self.n_symbols, "n_letters": self.n_letters}

    def sample(self, batch_size: int, generator: torch.Generator | None = None,
               split: str = "train") -> SequenceBatch:
        """Draw trials: ``x`` (B, T, n_letters + 2) one-hot, ``y`` (B, T) int64 (``split`` is ignored:
        every trial is freshly random)."""
        B = self._batch_size(batch_size)
        self._split(split)
        S, T = self.n_symbols, self.T
        symbols = torch.randint(1, self.n_letters + 1, (B, S), generator=generator)
        seq = torch.zeros(B, T, dtype=torch.long)
        seq[:, :S] = symbols
        seq[:, T - S - 1] = self.n_letters + 1
        y = torch.zeros(B, T, dtype=torch.long)
        y[:, T - S:] = symbols
        return SequenceBatch(F.one_hot(seq, self.input_size).float(), y)

    def loss(self, logits: torch.Tensor, batch: SequenceBatch) -> torch.Tensor:
        """Cross-entropy averaged over every step and trial (as in the paper). ``logits``: (B, T, n_letters + 1)."""
        self._check_logits(logits, batch)
        return F.cross_entropy(logits.reshape(-1, self.n_outputs), batch.y.reshape(-1))

    def score(self, logits: torch.Tensor, batch: SequenceBatch) -> float:
        """Fraction of the recalled symbols that are right (chance: ``1 / n_letters``)."""
        self._check_logits(logits, batch)
        S = self.n_symbols
        return (logits[:, -S:].argmax(-1) == batch.y[:, -S:]).float().mean().item()
