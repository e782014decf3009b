"""Benchmark: time per iteration of `mem.train.train` vs a bare nn.GRU + Adam loop.

Not collected by pytest (no test_ prefix). Run::

    .venv/bin/python tests/benchmarks/bench_train.py [--threads 2] [--hidden 64 128]

Both loops use the same model, batch size (128), T = 20, Adam and grad-norm clipping,
and are timed in three settings:

* ``fixed``: both train on one fixed batch. The ratio is the cost of the library's loop
  itself (protocol, loss, NaN guard, accuracy, history, progress bar).
* ``fresh``: both draw a fresh batch from `task.sample` at every step.
* ``mixed``: the bare loop on one fixed batch, `mem.train` drawing fresh batches; the
  extra time is mostly drawing 128 x 20 x 64 Gaussian noise pixels per step.

Each number is the best of ``--repeats`` runs (timings on a shared machine are noisy).
"""
import argparse
import time

import torch
from torch import nn

import mem


class FixedBatchTask(mem.tasks.DelayedClassification):
    """A task whose `sample` always returns the same batch (for timing only)."""

    def __init__(self, task, batch):
        super().__init__(task.data, task.T_max, task.delta_min)
        self._batch = batch

    def sample(self, *args, **kwargs):
        return self._batch


def bare_loop(task, hidden, n_iters, seed=0, fresh=False):
    torch.manual_seed(seed)
    rnn = nn.GRU(task.input_size, hidden, batch_first=True)
    out = nn.Linear(hidden, task.n_outputs)
    params = list(rnn.parameters()) + list(out.parameters())
    opt = torch.optim.Adam(params, lr=3e-3)
    gen = torch.Generator().manual_seed(seed)
    batch = task.sample(128, gen)
    t0 = time.perf_counter()
    for _ in range(n_iters):
        if fresh:
            batch = task.sample(128, gen)
        y, w = batch.y.reshape(-1), batch.w.reshape(-1)
        h, _ = rnn(batch.x)
        logits = out(h)
        ce = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y, reduction="none")
        loss = (ce * w).sum() / y.numel()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
    return (time.perf_counter() - t0) / n_iters


def mem_loop(task, hidden, n_iters, seed=0):
    model = mem.models.RNNClassifier("gru", task.input_size, hidden, seed=seed)
    t0 = time.perf_counter()
    mem.train.train(model, task, mem.protocols.NaCu(n_iters), seed=seed, progress=True)
    return (time.perf_counter() - t0) / n_iters


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--hidden", type=int, nargs="+", default=[64, 128])
    ap.add_argument("--iters", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    task = mem.tasks.DelayedClassification(mem.data.load_digits())
    fixed = FixedBatchTask(task, task.sample(128, torch.Generator().manual_seed(0)))
    print(f"torch {torch.__version__}, {a.threads} thread(s), {a.iters} iterations, best of {a.repeats}")
    for H in a.hidden:
        runs = {k: [] for k in ("bare fixed", "bare fresh", "mem fixed", "mem fresh")}
        for _ in range(a.repeats):  # interleaved, so that load changes hit every variant alike
            runs["bare fixed"].append(bare_loop(task, H, a.iters))
            runs["bare fresh"].append(bare_loop(task, H, a.iters, fresh=True))
            runs["mem fixed"].append(mem_loop(fixed, H, a.iters))
            runs["mem fresh"].append(mem_loop(task, H, a.iters))
        t = {k: min(v) for k, v in runs.items()}
        print(f"GRU-{H}: " + ", ".join(f"{k} {1e3 * v:.2f} ms/it" for k, v in t.items()))
        print(f"GRU-{H}: ratio fixed {t['mem fixed'] / t['bare fixed']:.3f}, "
              f"fresh {t['mem fresh'] / t['bare fresh']:.3f}, "
              f"mixed {t['mem fresh'] / t['bare fixed']:.3f}")
