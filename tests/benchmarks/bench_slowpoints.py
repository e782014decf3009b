"""Benchmark: `mem.slowpoints` against FixedPointFinder (Golub & Sussillo 2018), in CPU time, in one run.

Not collected by pytest (no test_ prefix). Issue 17's setting, on two GRUs of the zoo
(``--networks``, default ``gru128-nacu-s0,gru128-vocu-s0``, 128 units each):

* 256 starting states sampled from 300-step noisy trajectories after a digit
  (:func:`mem.slowpoints.trajectory_states`, seed 0), the same for every method;
* the constant input ``task.mean_input()`` (the mean noise frame, trigger off);
* one thread for torch and for numpy's BLAS (``--threads``);
* quality: the largest speed ``S = ||F(h) - h||^2`` over the 256 candidates, recomputed in
  float64 by :func:`mem.slowpoints.speed` for every method.

What is timed, each once after an untimed warm-up, with CPU time (``time.process_time``)
beside wall time:

1. FixedPointFinder's PyTorch back end, if ``--fpf PATH`` is given: its own joint Adam
   optimisation, initial learning rate 0.1, ``max_iters = 20000``, ``tol_q = 5e-11``
   (``q = S / 2``), its default float32, ``tol_unique = 1e-3``, Jacobians and their
   eigen-decomposition as by default: the whole ``find_fixed_points`` call. Its final max S
   is the quality to reach;
2. ``find_slow_points(bounded=False)`` (Levenberg-Marquardt, float64) at increasing
   budgets (``--budgets``); each budget is a separate deterministic run, a prefix of the
   longer ones. The first budget whose max S is at or below FixedPointFinder's gives the
   CPU time "to FixedPointFinder's quality" and the ratio, both measured in this run;
3. the defaults, ``find_slow_points()`` (bounded to the reachable box ``|h_i| <= 1``,
   200 iterations), for its outcome counts and the reasons its candidates stopped.

Then the 3-bit flip-flop of ``book/your_network.ipynb`` (trained by `mem` with the page's
settings; its 8 memories and 12 index-1 saddles are known, ``tests/test_slowpoints_ground_truth.py``
checks them): both finders search from the page's 512 trajectory states, and again from the
28 midpoints between pairs of memories (where :func:`mem.slowpoints.saddles_between` starts;
400 iterations for ours), and we count how many of the 8 memories and of the 12 saddles each
returns as a fixed point (within 1e-3), and how many of the points each calls fixed have
S >= 1e-10 in float64 (false fixed points).

FixedPointFinder is third-party code (Apache-2.0) and is NOT vendored here. To run that
part, get a checkout anywhere outside the repository::

    git clone https://github.com/mattgolub/fixed-point-finder /tmp/fpf
    .venv/bin/python tests/benchmarks/bench_slowpoints.py --fpf /tmp/fpf --out mem/zoo_data/bench_slowpoints.json

(it needs only numpy and torch from our environment). The JSON file records the machine's
numerics fingerprint (:func:`mem.fingerprint.fingerprint`), the CPU model, the load average
before and after every measurement and a hash of the ``mem.slowpoints`` sources; the book's
page "Slow points of your own network" shows the stored file.

Measured on 2026-11-30 (the stored file; 2-core AMD EPYC, Zen 5, torch 2.13.0+cpu, one
thread, load average 1 to 2: the other core was not idle): FixedPointFinder took 28.2 s and 27.1 s
of CPU time and ended at max S 8.1e-5 and 1.6e-5, with none of the 256 candidates below
S = 1e-10. The unbounded search was at or below those max S after 18 and 16 iterations (the
budgets go one iteration at a time up to 30), 0.77 s and 0.68 s of CPU time: 36.5 and 40.0 times
less. An iteration over 256 candidates costs about 40 ms: the float32 Jacobians (in closed form),
J^T J written into memory kept across iterations, a blocked Cholesky factorisation (torch's
batched one takes 26 ms for 256 matrices of 128 x 128 on this CPU, the blocked one about 15 ms)
and the geodesic correction. The 3-bit flip-flop: both finders recover all 8 memories from the
trajectory states and all 12 saddles from the midpoints, with no false fixed point; the defaults
(bounded, 200 iterations) leave 191 and 256 of the GRUs' candidates "moving".
"""
import argparse
import copy
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path

import torch
from threadpoolctl import threadpool_limits

import mem
from mem import slowpoints as sp

TOL = 1e-10           # S < TOL: a fixed point
MATCH = 1e-3          # a found point is one of the known ones within this Euclidean distance


def sources_sha256() -> str:
    """The first 16 hex digits of the sha256 of the mem.slowpoints sources, file by file in name order."""
    h = hashlib.sha256()
    for f in sorted(Path(sp.__file__).parent.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def load_avg():
    return [round(x, 2) for x in os.getloadavg()]


def stats(S):
    S = S.double()
    return {"max_S": float(S.max()), "median_S": float(S.median()), "n_below_tol": int((S < TOL).sum())}


def timed(fn):
    load0 = load_avg()
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, {"wall_seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0,
                 "load_before": load0, "load_after": load_avg()}


def run_ours(model, start, x, **kw):
    pts, t = timed(lambda: sp.find_slow_points(model, start, x, tol=TOL, **kw))
    S = sp.speed(model, pts.states.double(), x)              # recomputed, independently of the search
    return pts, {**t, **stats(S), "n_iters": kw.get("n_iters", 200), "bounded": kw.get("bounded", True),
                 "outcomes": {o: int((pts.outcome == i).sum()) for i, o in enumerate(sp.OUTCOMES)},
                 "stopped": pts.info["stopped"], "max_abs_h": float(pts.h.abs().max())}


def run_fpf(path, module, start, x, iters=20000):
    """FixedPointFinder's whole find_fixed_points on a copy of `module`; its points and our float64 S at them."""
    sys.path.insert(0, os.path.abspath(path))
    from FixedPointFinderTorch import FixedPointFinderTorch

    rnn = copy.deepcopy(module).float()                      # a copy: FPF freezes its requires_grad
    fpf = FixedPointFinderTorch(rnn, lr_init=0.1, max_iters=iters, tol_q=TOL / 2, tol_unique=MATCH,
                                do_compute_jacobians=True, dtype="float32", verbose=False, super_verbose=False)
    # copies: FixedPointFinder optimises the states it is given in place, through torch.from_numpy
    h0, x0 = start.detach().float().numpy().copy(), x.detach().float().numpy()[None].copy()
    (unique, all_fps), t = timed(lambda: fpf.find_fixed_points(h0, x0))
    return unique, all_fps, {**t, "max_iters": iters, "iterations_run": int(all_fps.n_iters[0]), "lr_init": 0.1,
                             "dtype": "float32", "tol_q": TOL / 2, "tol_unique": MATCH}


def gru_benchmark(name, task, a):
    model = mem.zoo.load(name).model
    states, _ = sp.trajectory_states(model, task, n_samples=256, max_delay=300, seed=0)
    start, x = states.h, task.mean_input()
    sp.find_slow_points(model, start, x, n_iters=2, jacobians=False, bounded=False)   # warm-up, untimed
    out = {"network": name, "n_candidates": len(start), "initial": stats(sp.speed(model, start.double(), x))}
    if a.fpf:
        _, all_fps, t = run_fpf(a.fpf, model.rnn, start, x, a.fpf_iters)
        S = sp.speed(model, torch.from_numpy(all_fps.xstar).double(), x)
        out["fpf"] = {**t, **stats(S), "outside_box": int((torch.from_numpy(all_fps.xstar).abs() > 1).any(1).sum())}
        print(f"{name}: FixedPointFinder {t['cpu_seconds']:.1f} s CPU ({t['wall_seconds']:.1f} s wall), "
              f"max S {out['fpf']['max_S']:.2e}, median {out['fpf']['median_S']:.1e}, "
              f"{out['fpf']['n_below_tol']} below 1e-10", flush=True)
    out["curve"] = []
    for k in a.budgets:
        _, r = run_ours(model, start, x, n_iters=k, bounded=False, jacobians=True)
        out["curve"].append(r)
        print(f"  unbounded, {k:4d} iterations: {r['cpu_seconds']:5.2f} s CPU, max S {r['max_S']:.2e}, "
              f"median {r['median_S']:.1e}, {r['outcomes']}", flush=True)
        if "fpf" in out and r["max_S"] <= out["fpf"]["max_S"] and "to_fpf_quality" not in out:
            out["to_fpf_quality"] = {"n_iters": k, "cpu_seconds": r["cpu_seconds"], "wall_seconds": r["wall_seconds"],
                                     "cpu_ratio": out["fpf"]["cpu_seconds"] / r["cpu_seconds"],
                                     "wall_ratio": out["fpf"]["wall_seconds"] / r["wall_seconds"]}
            if a.stop_at_quality:
                break
    _, out["default"] = run_ours(model, start, x)
    d = out["default"]
    print(f"  defaults (bounded, 200 iterations): {d['cpu_seconds']:.1f} s CPU, {d['outcomes']}, "
          f"stopped {d['stopped']}, max S {d['max_S']:.1e}", flush=True)
    if "to_fpf_quality" in out:
        q = out["to_fpf_quality"]
        print(f"  FixedPointFinder's max S reached after {q['n_iters']} iterations: {q['cpu_seconds']:.2f} s CPU, "
              f"{q['cpu_ratio']:.1f} times less CPU time ({q['wall_ratio']:.1f} in wall time)", flush=True)
    return out


def flipflop_benchmark(a):
    """Recovery of the 3-bit flip-flop's known memories and saddles (book/your_network's network)."""
    task = mem.tasks.FlipFlop(3, T=100)
    model = mem.models.RNNClassifier("rnn_tanh", 3, 24, 3, seed=0)
    mem.train.train(model, task, n_iters=600, seed=0, progress=False)
    batch = task.validation_batch(200, 1)
    flat = sp.states_along(model, batch.x).reshape(-1, 24)
    starts = flat[torch.randperm(len(flat), generator=torch.Generator().manual_seed(0))[:512]]
    x = torch.zeros(3)
    pts, ours = run_ours(model, starts, x)
    memories = pts.select("fixed").deduplicate(MATCH)
    saddles, _ = sp.saddles_between(model, memories, x)
    known = {"memories": memories.states, "saddles": saddles.states}
    out = {"n_memories": len(memories), "n_saddles": len(saddles), "n_starts": len(starts)}

    def recovered(points):  # how many of the known points has some returned point within MATCH
        return {k: int((torch.cdist(v, points.double()).min(1).values < MATCH).sum()) if len(points) else 0
                for k, v in known.items()}

    # the second set of starts: the midpoints of every pair of memories, where saddles_between starts
    i, j = torch.triu_indices(len(memories), len(memories), 1)
    mid = (memories.states[i] + memories.states[j]) / 2
    out["n_midpoints"] = len(mid)
    for where, h0 in (("trajectories", starts), ("midpoints", mid)):
        pts, ours = (pts, ours) if where == "trajectories" else run_ours(model, h0, x, n_iters=400)
        fixed = pts.select("fixed")
        kept = {k: v for k, v in ours.items() if k.endswith("seconds") or k in ("outcomes", "stopped")}
        out[f"mem/{where}"] = {**kept,
                               "recovered": recovered(fixed.states), "reported_fixed": len(fixed.deduplicate(MATCH)),
                               "false_fixed": int((sp.speed(model, fixed.states, x) >= TOL).sum())}
        if a.fpf:
            unique, _, t = run_fpf(a.fpf, model.rnn, h0, x, a.fpf_iters)
            xu = torch.from_numpy(unique.xstar).double()
            out[f"fpf/{where}"] = {**t, "recovered": recovered(xu), "reported_fixed": int(unique.n),
                                   "false_fixed": int((sp.speed(model, xu, x) >= TOL).sum()) if len(xu) else 0}
        for k in (f"mem/{where}", f"fpf/{where}"):
            if k in out:
                r = out[k]
                print(f"flip-flop, {k}: {r['cpu_seconds']:.2f} s CPU; memories {r['recovered']['memories']}/"
                      f"{len(memories)}, saddles {r['recovered']['saddles']}/{len(saddles)}, {r['reported_fixed']} "
                      f"reported fixed, {r['false_fixed']} of them false", flush=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--fpf", metavar="PATH", default=None, help="FixedPointFinder checkout (skipped if absent)")
    ap.add_argument("--fpf-iters", type=int, default=20000)
    ap.add_argument("--networks", default="gru128-nacu-s0,gru128-vocu-s0")
    ap.add_argument("--budgets", type=int, nargs="*", default=[*range(5, 31), 40, 60, 80, 120, 200])
    ap.add_argument("--stop-at-quality", action="store_true", help="stop the curve once FPF's max S is reached")
    ap.add_argument("--out", default="bench_slowpoints.json")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    threadpool_limits(a.threads)  # numpy's BLAS too (FixedPointFinder's eigen-decompositions)
    task = mem.tasks.DelayedClassification(mem.data.load_digits())
    fp = mem.fingerprint.fingerprint(threads=a.threads)
    results = {"config": {"date": time.strftime("%Y-%m-%d"), "fingerprint": fp,
                          "cpu": cpu_model(), "cpu_count": os.cpu_count(), "python": platform.python_version(),
                          "mem": mem.__version__, "slowpoints_sha256": sources_sha256(), "tol_S": TOL,
                          "fpf": bool(a.fpf), "load_start": load_avg()},
               "gru": [gru_benchmark(n, task, a) for n in a.networks.split(",")],
               "flipflop": flipflop_benchmark(a)}
    results["config"]["load_end"] = load_avg()
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {a.out}; load at start {results['config']['load_start']}, at end {results['config']['load_end']}")


if __name__ == "__main__":
    main()
