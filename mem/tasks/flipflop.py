"""The N-bit flip-flop task (Sussillo & Barak 2013): known fixed points for chapter 3's slow-point finder.

``n_bits`` input channels carry rare pulses of +1 or -1; output channel ``i`` must hold the sign of
the last pulse on channel ``i`` until the next one. A network that solves it stores ``2^n_bits``
memories, so it has (at least) ``2^n_bits`` stable fixed points, one per pattern of bits, with saddles
between neighbouring patterns: a network whose fixed points are known by construction, for testing a
slow-point finder. Every channel is pulsed at step 0, so the target is defined from the start.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from .._checks import check_float, check_generator, check_int, check_size, seeded
from .base import MAX_BATCH, MAX_ELEMENTS, MAX_STEPS, Batch, Task, TrainingSettings

__all__ = ["FlipFlop"]


class FlipFlop(Task):
    """Sampler and loss of the N-bit flip-flop (chapter 3's finder is tested on networks trained on it).

    Parameters
    ----------
    n_bits : int, default 3; input and output channels
    T : int, default 100; trial length, at most :data:`mem.tasks.base.MAX_STEPS`
    p_pulse : float in (0, 1), default 0.05; probability of a pulse per channel and step (after step 0)
    """

    name = "flipflop"
    #: Adam at 1e-2 on batches of 64, gradient norm clipped at 1, as small-network studies do.
    training = TrainingSettings(optimizer="adam", lr=1e-2, batch_size=64, clip=1.0)

    def __init__(self, n_bits: int = 3, T: int = 100, p_pulse: float = 0.05):
        self.n_bits = check_int("n_bits", n_bits, 1)
        self.T = check_int("T", T, 2, MAX_STEPS)
        self.p_pulse = check_float("p_pulse", p_pulse, gt=0, lt=1)

    @property
    def input_size(self) -> int:
        return self.n_bits

    @property
    def n_outputs(self) -> int:
        return self.n_bits

    def config(self) -> dict:
        """``{"n_bits", "T", "p_pulse"}``: ``make_task("flipflop", **config)`` rebuilds the task."""
        return {"n_bits": self.n_bits, "T": self.T, "p_pulse": self.p_pulse}

    def sample(self, batch_size: int, generator: torch.Generator | None = None, *,
               split: str = "train") -> Batch:
        """Draw trials: ``x`` (B, T, n_bits) in {-1, 0, +1}, ``y`` (B, T, n_bits) in {-1, +1}
        (``split`` is ignored: every trial is freshly random)."""
        B = self.check_batch_size(batch_size)
        check_generator("generator", generator, none_ok=True)
        self.check_split(split)
        check_size(f"batch_size * T * n_bits = {B} * {self.T} * {self.n_bits}", B * self.T * self.n_bits,
                   MAX_ELEMENTS)
        pulse = torch.rand(B, self.T, self.n_bits, generator=generator) < self.p_pulse
        pulse[:, 0] = True
        sign = torch.randint(0, 2, (B, self.T, self.n_bits), generator=generator).float() * 2 - 1
        x = torch.where(pulse, sign, torch.zeros(()))
        last = torch.where(pulse, torch.arange(self.T)[None, :, None], torch.zeros((), dtype=torch.long))
        last = torch.cummax(last, dim=1).values                    # step of the latest pulse, per channel
        y = torch.gather(x, 1, last)
        return Batch(x, y)

    def loss(self, logits: torch.Tensor, batch: Batch) -> torch.Tensor:
        """Mean squared error of the outputs at every step. ``logits``: (B, T, n_bits); NaN logits give a NaN loss
        (:func:`mem.train.train` reads it as divergence)."""
        self.check_logits(logits, batch, nan_ok=True)
        return F.mse_loss(logits, batch.y)

    def score(self, logits: torch.Tensor, batch: Batch) -> float:
        """Fraction of (step, bit) outputs with the right sign."""
        self.check_logits(logits, batch)
        return (torch.sign(logits) == batch.y).float().mean().item()

    def validation_batch(self, n: int, seed: int) -> Batch:
        """``n`` trials drawn with a generator seeded by ``seed``."""
        n = check_int("n", n, 1, MAX_BATCH)
        return self.sample(n, seeded(seed), split="test")
