"""Benchmark: time per iteration of `mem.train.train` vs a bare nn.GRU + Adam loop.

Not collected by pytest (no test_ prefix). Run: .venv/bin/python tests/benchmarks/bench_train.py [--threads 2]

Both loops use the same model size, batch size (128), T = 20, Adam and
clipping. The bare loop trains on one fixed batch (no sampling, no logging);
`mem.train` samples a fresh batch every step, records loss and accuracy and
updates a progress bar, so the ratio is the whole cost of the library's loop.
"""
import argparse
import time

import torch
from torch import nn

import mem


def bare_loop(task, hidden, n_iters, seed=0):
    torch.manual_seed(seed)
    rnn = nn.GRU(task.input_size, hidden, batch_first=True)
    out = nn.Linear(hidden, task.n_outputs)
    params = list(rnn.parameters()) + list(out.parameters())
    opt = torch.optim.Adam(params, lr=3e-3)
    batch = task.sample(128, torch.Generator().manual_seed(seed))
    x, y, w = batch.x, batch.y.reshape(-1), batch.w.reshape(-1)
    t0 = time.perf_counter()
    for _ in range(n_iters):
        h, _ = rnn(x)
        logits = out(h)
        loss = (nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y, reduction="none") * w).sum() / y.numel()
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
    ap.add_argument("--iters", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    task = mem.tasks.DelayedClassification(mem.data.load_digits())
    print(f"torch {torch.__version__}, {a.threads} thread(s), {a.iters} iterations, best of {a.repeats}")
    for H in a.hidden:
        bare_loop(task, H, 20), mem_loop(task, H, 20)  # warm-up
        tb = min(bare_loop(task, H, a.iters) for _ in range(a.repeats))
        tm = min(mem_loop(task, H, a.iters) for _ in range(a.repeats))
        print(f"GRU-{H}: bare {1e3 * tb:.2f} ms/it, mem.train {1e3 * tm:.2f} ms/it, ratio {tm / tb:.3f}")
