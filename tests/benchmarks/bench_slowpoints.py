"""Benchmark: finding the fixed points of a zoo GRU-128 -- `mem.slowpoints` vs FixedPointFinder.

Not collected by pytest (no test_ prefix). Issue 3's setting: the zoo network
``gru128-nacu-s0``, input ``task.mean_input()`` (mean noise frame, trigger 0), and
256 candidates: the 10 class-mean states (:func:`mem.slowpoints.class_mean_states`) and
246 states sampled from 500-step probe trajectories
(:func:`mem.slowpoints.trajectory_states`, seed 0). A candidate counts as converged when
its speed ``S = ||F(h) - h||^2 < 1e-10``, recomputed in float64 with
:func:`mem.slowpoints.speed` for every method. Timed, each once:

1. ``find_slow_points(method="newton")`` (Levenberg-Marquardt, float64) at several
   iteration budgets (``--newton-curve``), so that the budget after which the number of
   fixed points stops changing can be read off; ``--newton-iters`` is the one reported as
   "ours". Run both bounded (the default: states kept in the GRU's reachable box
   ``|h_i| <= 1``) and with ``bounded=False`` (``--no-unbounded`` skips that);
2. ``find_slow_points(method="adam")`` (``--adam-iters``, ``--adam-lr``);
3. FixedPointFinder's PyTorch back end (Golub & Sussillo 2018), if ``--fpf`` is given:
   joint Adam optimisation with initial learning rate 0.1 (its default 1.0 collapses on
   these networks), ``max_iters = --fpf-iters``, ``tol_q = 5e-11`` (its
   ``q = 0.5 ||F(h) - h||^2``, so q < 5e-11 is S < 1e-10), its default float32,
   ``tol_unique = 1e-3``, outlier exclusion and Jacobians as by default. The wall time is
   that of its whole ``find_fixed_points`` call. Its "unique fixed points" are then
   checked with our float64 speed, classified where they are by
   ``find_slow_points(n_iters=0, bounded=False)`` (fixed / stationary slow / still
   moving), and polished by our Newton search (bounded and unbounded).

A fair comparison is wall time to the same quality, so the output also gives, for each
Newton variant, the smallest budget of the curve whose median and max S (or median S
alone) are at or below FixedPointFinder's, and the speed-up at that budget. All runs
are single, after an untimed warm-up; numpy's BLAS is pinned to ``--threads`` as well.

FixedPointFinder is third-party code (Apache-2.0) and is NOT vendored in this
repository. To run that part, get a checkout anywhere outside the repository::

    git clone https://github.com/mattgolub/fixed-point-finder /tmp/fpf
    .venv/bin/python tests/benchmarks/bench_slowpoints.py --threads 1 --fpf /tmp/fpf --out results.json

(it needs only numpy and torch from our environment; it imports ``FixedPointFinderTorch``
and ``FixedPoints`` from that directory, never from this repository). Without ``--fpf``
the FixedPointFinder part is skipped. On a 2-core CPU with one thread, FixedPointFinder's
20000 iterations take about a minute (2.5-3 ms per iteration, plus ~13 s computing its
Jacobians twice and their eigenvalues) and the whole benchmark about 8 minutes. Timings
on a shared machine are noisy: the load average is recorded next to every measurement
in the JSON file, and the hash of the ``mem/slowpoints`` package's sources with it.
"""
import argparse
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_limits

import mem
from mem import slowpoints as sp

TOL = 1e-10           # S < TOL: a fixed point (issue 3)
DEDUP = (1e-3, 0.05)  # Euclidean merge radii: FixedPointFinder's tol_unique, and one for ill-conditioned points


def sources_sha256() -> str:
    """The first 16 hex digits of the sha256 of the mem.slowpoints sources, file by file in name order."""
    h = hashlib.sha256()
    for f in sorted(Path(sp.__file__).parent.glob("*.py")):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def load_avg():
    return [round(x, 2) for x in os.getloadavg()]


def s_stats(S):
    S = S.double()
    return {"n_converged": int((S < TOL).sum()), "median_S": float(S.median()), "max_S": float(S.max()),
            "min_S": float(S.min())}


def counts(pts):
    return {o: int((pts.outcome == i).sum()) for i, o in enumerate(sp.OUTCOMES)}


def unique_fixed(pts):
    """Unique fixed points at each merge radius, with their largest |eigenvalue|."""
    fixed = pts.select("fixed")
    out = {}
    for tol in DEDUP:
        u = fixed.deduplicate(tol) if len(fixed) else fixed
        lam = u.max_abs_eigenvalue().tolist() if len(u) and u.jacobians is not None else []
        out[str(tol)] = {"n": len(u), "max_abs_eig": [round(v, 6) for v in lam[:20]]}
    return out


def run_ours(model, start, x, labels, method, max_iter, **kw):
    load0 = load_avg()
    t0, c0 = time.perf_counter(), time.process_time()
    pts = sp.find_slow_points(model, start, x, method=method, tol=TOL, n_iters=max_iter, labels=labels, **kw)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    S = sp.speed(model, pts.states.double(), x)  # independent float64 recomputation
    wrong = int(((pts.outcome == 0) & (S >= TOL)).sum())
    res = {"method": method, "max_iter": max_iter, "seconds": wall, "cpu_seconds": cpu,
           "load_before": load0, "load_after": load_avg(),
           **s_stats(S), **counts(pts), "labelled_fixed": int((pts.outcome == 0).sum()), "wrong_fixed": wrong,
           "mean_iters": float(pts.n_iter.double().mean())}
    res.update(kw)
    return res, pts


def run_fpf(path, model, start, x, iters, dtype, tol_unique):
    sys.path.insert(0, os.path.abspath(path))
    import FixedPoints
    from FixedPointFinderTorch import FixedPointFinderTorch

    timing = {}

    def timed(key, f):  # accumulate the wall time of f under timing[key]
        def g(*a, **k):
            t = time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                timing[key] = timing.get(key, 0.0) + time.perf_counter() - t
        return g

    class TimedFPF(FixedPointFinderTorch):  # times its phases (same code, only wrapped)
        _run_joint_optimization = timed("optimisation_seconds", FixedPointFinderTorch._run_joint_optimization)
        _compute_recurrent_jacobians = timed("jacobian_seconds", FixedPointFinderTorch._compute_recurrent_jacobians)

    fp_cls = FixedPoints.FixedPoints
    saved = fp_cls.get_unique, fp_cls.decompose_jacobians
    fp_cls.get_unique = timed("dedup_seconds", fp_cls.get_unique)
    fp_cls.decompose_jacobians = timed("eig_seconds", fp_cls.decompose_jacobians)

    gru = torch.nn.GRU(model.input_size, model.hidden_size, batch_first=True)
    gru.load_state_dict(model.rnn.state_dict())  # a copy: FPF freezes its requires_grad
    gru = gru.to(getattr(torch, dtype))
    fpf = TimedFPF(gru, lr_init=0.1, max_iters=iters, tol_q=TOL / 2, tol_unique=tol_unique,
                   do_compute_jacobians=True, dtype=dtype, verbose=True, super_verbose=True,
                   n_iters_per_print_update=max(1, iters // 10))
    load0 = load_avg()
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        unique, all_fps = fpf.find_fixed_points(start.numpy().astype(dtype), x.numpy()[None].astype(dtype))
    finally:
        fp_cls.get_unique, fp_cls.decompose_jacobians = saved
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    S_all = sp.speed(model, torch.from_numpy(all_fps.xstar).double(), x)
    xu = torch.from_numpy(unique.xstar).double()
    S_u = sp.speed(model, xu, x)
    res = {"method": "fpf", "max_iters": iters, "iterations_run": int(all_fps.n_iters[0]), "lr_init": 0.1,
           "dtype": dtype, "tol_q": TOL / 2, "tol_unique": tol_unique, "seconds": wall, "cpu_seconds": cpu,
           "load_before": load0, "load_after": load_avg(), **timing, **s_stats(S_all),
           "own_max_q": float(all_fps.qstar.max()), "own_median_q": float(np.median(all_fps.qstar)),
           "n_own_q_below_tol_q": int((all_fps.qstar < TOL / 2).sum()),
           "labelled_fixed": int(unique.n), "labelled_fixed_true": int((S_u < TOL).sum()),
           "wrong_fixed": int((S_u >= TOL).sum()),
           "unique_median_S": float(S_u.median()) if len(S_u) else None,
           "unique_max_abs_h": float(xu.abs().max()) if len(xu) else None,
           "params_frozen_by_fpf": all(not p.requires_grad for p in gru.parameters())}
    if unique.n and getattr(unique, "eigval_J_xstar", None) is not None:
        lam = np.abs(unique.eigval_J_xstar).max(1)
        res["unique_max_abs_eig"] = {"min": float(lam.min()), "median": float(np.median(lam)), "max": float(lam.max())}
    return res, xu


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def table(rows):
    head = f"{'method':<22}{'iters':>7}{'wall s':>9}{'cpu s':>8}{'S<1e-10':>9}{'median S':>10}{'max S':>10}" \
           f"{'fix/slow/mov':>15}{'labelled':>10}{'wrong':>7}{'uniq 1e-3/0.05':>16}{'max|lam|':>10}"
    print(head)
    print("-" * len(head))
    for r in rows:
        u = r.get("unique", {})
        uq = f"{u[str(DEDUP[0])]['n']}/{u[str(DEDUP[1])]['n']}" if u else "-"
        lam = ""
        if u and u[str(DEDUP[1])]["max_abs_eig"]:
            lam = f"{max(u[str(DEDUP[1])]['max_abs_eig']):.5f}"
        elif "unique_max_abs_eig" in r:
            lam = f"{r['unique_max_abs_eig']['median']:.4f}*"
        fsm = f"{r['fixed']}/{r['slow']}/{r['moving']}" if "fixed" in r else "-"
        it = r.get("max_iter", r.get("iterations_run"))
        name = r["method"] if r["method"] != "fpf" else f"FPF lr0.1 {r['dtype']}"
        name = name.replace("newton-unbounded", "newton unbnd")
        print(f"{name:<22}{it:>7}{r['seconds']:>9.1f}{r['cpu_seconds']:>8.1f}{r['n_converged']:>9}{r['median_S']:>10.1e}{r['max_S']:>10.1e}"
              f"{fsm:>15}{r['labelled_fixed']:>10}{r['wrong_fixed']:>7}{uq:>16}{lam:>10}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--fpf", metavar="PATH", default=None, help="FixedPointFinder checkout (skipped if absent)")
    ap.add_argument("--fpf-iters", type=int, default=20000)
    ap.add_argument("--fpf-dtype", choices=("float32", "float64"), default="float32", help="FPF default: float32")
    ap.add_argument("--newton-iters", type=int, default=200)
    ap.add_argument("--newton-curve", type=int, nargs="*", default=[10, 20, 50, 100, 200],
                    help="extra Newton budgets for the (iterations, time, #fixed, median S) curve")
    ap.add_argument("--adam-iters", type=int, default=20000)
    ap.add_argument("--adam-lr", type=float, default=1e-2)
    ap.add_argument("--no-unbounded", action="store_true", help="skip the unbounded Newton runs")
    ap.add_argument("--no-polish", action="store_true", help="do not polish FPF's points with our Newton search")
    ap.add_argument("--out", default="results.json")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    threadpool_limits(a.threads)  # numpy's BLAS too (FixedPointFinder's eigen-decompositions)
    task = mem.tasks.DelayedClassification(mem.data.load_digits())
    entry = mem.zoo.load("gru128-nacu-s0")
    model = entry.model
    s1, l1 = sp.class_mean_states(model, task)
    s2, l2 = sp.trajectory_states(model, task, n_samples=246, max_delay=500, seed=0)
    start, labels = torch.cat([s1.h, s2.h]), torch.cat([l1, l2])
    x = task.mean_input()
    S0 = sp.speed(model, start.double(), x)
    for method in ("newton", "adam"):  # warm-up (the first vmap/jacrev call is slower), untimed
        sp.find_slow_points(model, start, x, method=method, n_iters=2, jacobians=False)
    cfg = {"torch": torch.__version__, "python": platform.python_version(), "threads": a.threads,
           "cpu_count": os.cpu_count(),
           "slowpoints_sha256": sources_sha256(), "network": "gru128-nacu-s0", "n_candidates": len(start),
           "n_class_means": len(s1.h), "tol_S": TOL, "dedup_radii": list(DEDUP), "load_start": load_avg(),
           "initial": s_stats(S0)}
    print(f"torch {torch.__version__}, {a.threads} thread(s), {len(start)} candidates "
          f"({len(s1.h)} class means), initial median S {cfg['initial']['median_S']:.2e}, load {cfg['load_start']}")
    results = {"config": cfg, "newton_curve": [], "methods": {}}

    # 1. Newton at several budgets (each a separate, deterministic run: budget k is a prefix of budget k' > k),
    #    bounded (the default) and unbounded
    budgets = sorted(set(a.newton_curve) | {a.newton_iters})
    main_pts = None
    for name, kw in (("newton", {}), ("newton-unbounded", {"bounded": False})):
        if name == "newton-unbounded" and a.no_unbounded:
            continue
        for k in budgets:
            r, pts = run_ours(model, start, x, labels, "newton", k, **kw)
            r["method"] = name
            r["unique"] = unique_fixed(pts)
            r["max_abs_h"] = float(pts.h.abs().max())
            results["newton_curve"].append(r)
            print(f"  {name} {k:4d} its: {r['seconds']:6.1f} s, fixed {r['fixed']:3d}, slow {r['slow']:3d}, "
                  f"moving {r['moving']:3d}, median S {r['median_S']:.1e}, max S {r['max_S']:.1e}, "
                  f"max|h| {r['max_abs_h']:.2f}, load {r['load_after']}", flush=True)
            if k == a.newton_iters:
                results["methods"][name] = r
                if name == "newton":
                    main_pts = pts

    # 2. Our Adam
    r, adam_pts = run_ours(model, start, x, labels, "adam", a.adam_iters, lr=a.adam_lr)
    r["unique"] = unique_fixed(adam_pts)
    results["methods"]["adam"] = r
    print(f"  adam {a.adam_iters} its: {r['seconds']:.1f} s, load {r['load_after']}", flush=True)

    # 3. FixedPointFinder
    if a.fpf is None:
        print("FixedPointFinder skipped (no --fpf PATH; see the docstring for how to get it)")
        results["methods"]["fpf"] = None
    else:
        r, xu = run_fpf(a.fpf, model, start, x, a.fpf_iters, a.fpf_dtype, 1e-3)
        # what are its "unique fixed points"? Classify them where they are (bounded=False: no clipping into
        # the box, no iterations), then polish them with our Newton search, bounded (default) and unbounded
        r["unique_outside_box"] = int((xu.abs() > 1).any(1).sum())
        cls = sp.find_slow_points(model, xu, x, method="newton", tol=TOL, n_iters=0, jacobians=False, bounded=False)
        r["unique_classified"] = counts(cls)
        r["unique_grad_norm_median"] = float(cls.grad_norm.median()) if len(cls) else None
        for name, kw in (("", {}), ("_unbounded", {"bounded": False})):
            if a.no_polish or not len(xu) or (kw and a.no_unbounded):
                continue
            rp, pol = run_ours(model, xu, x, None, "newton", a.newton_iters, **kw)
            rp["unique"] = unique_fixed(pol)
            rp["max_abs_h"] = float(pol.h.abs().max())
            if main_pts is not None and len(pol.select("fixed")) and len(main_pts.select("fixed")):
                d = torch.cdist(pol.select("fixed").states, main_pts.select("fixed").states)
                rp["max_dist_to_our_fixed_points"] = float(d.min(1).values.max())
            r["polished_by_newton" + name] = rp
        results["methods"]["fpf"] = r
        # the cheapest Newton budget at FPF's quality: median and max S (or median S alone) at or below FPF's
        sq = {}
        for name in ("newton", "newton-unbounded"):
            curve = [c for c in results["newton_curve"] if c["method"] == name]
            if not curve:
                continue
            for crit, ok in (("median_and_max", lambda c: c["median_S"] <= r["median_S"] and c["max_S"] <= r["max_S"]),
                             ("median", lambda c: c["median_S"] <= r["median_S"])):
                same = [c for c in curve if ok(c)]
                sq[f"{name}/{crit}"] = {"newton_iters": same[0]["max_iter"], "newton_seconds": same[0]["seconds"],
                                        "fpf_over_newton": r["seconds"] / same[0]["seconds"]} if same else None
        results["speedup"] = {name: r["seconds"] / m["seconds"] for name, m in results["methods"].items()
                              if name.startswith("newton")}
        results["speedup_cpu"] = {name: r["cpu_seconds"] / m["cpu_seconds"] for name, m in results["methods"].items()
                                  if name.startswith("newton")}
        results["speedup_same_quality"] = sq

    print()
    rows = results["newton_curve"] + [results["methods"]["adam"]]
    if results["methods"]["fpf"]:
        rows.append(results["methods"]["fpf"])
    table(rows)
    f = results["methods"]["fpf"]
    if f:
        nan = float("nan")
        print(f"\nFPF: {f['seconds']:.1f} s (optimising {f.get('optimisation_seconds', nan):.1f} s, dedup "
              f"{f.get('dedup_seconds', nan):.1f} s, Jacobians {f.get('jacobian_seconds', nan):.1f} s, "
              f"eig {f.get('eig_seconds', nan):.1f} s), "
              f"{f['iterations_run']} iterations; own q < tol_q for {f['n_own_q_below_tol_q']}/{len(start)}; "
              f"{f['labelled_fixed']} 'unique fixed points', {f['labelled_fixed_true']} with S < 1e-10 "
              f"(median S {fmt(f['unique_median_S'], '.1e')}); as classified by us: {f['unique_classified']}")
        print(f"FPF: {f['unique_outside_box']} of its points lie outside the GRU's reachable box |h_i| <= 1 "
              f"(max |h_i| {fmt(f['unique_max_abs_h'], '.2f')})")
        for name in ("", "_unbounded"):
            if "polished_by_newton" + name in f:
                p = f["polished_by_newton" + name]
                u = ", ".join(f"{k}: {v['n']}" for k, v in p["unique"].items())
                print(f"FPF's points polished by Newton{name.replace('_', ' ')} "
                      f"({p['max_iter']} its, {p['seconds']:.1f} s): "
                      f"fixed {p['fixed']}, slow {p['slow']}, moving {p['moving']}; unique fixed points ({u}), "
                      f"max |lambda| {max(p['unique']['0.05']['max_abs_eig'], default=float('nan')):.5f}, "
                      f"max distance to ours {fmt(p.get('max_dist_to_our_fixed_points'), '.3f')}")
        print("speed-up (FPF wall time / ours) at --newton-iters:",
              ", ".join(f"{k} {v:.1f}x" for k, v in results["speedup"].items()))
        print("speed-up in CPU time (one thread, so less sensitive to other load):",
              ", ".join(f"{k} {v:.1f}x" for k, v in results["speedup_cpu"].items()))
        for k, v in results["speedup_same_quality"].items():
            print(f"  cheapest {k.split('/')[0]} budget at FPF's quality ({k.split('/')[1]} S): " +
                  (f"{v['newton_iters']} its, {v['newton_seconds']:.1f} s -> {v['fpf_over_newton']:.1f}x" if v
                   else "none in the curve"))
    results["config"]["load_end"] = load_avg()
    with open(a.out, "w") as fh:
        json.dump(results, fh, indent=1)
    print(f"wrote {a.out}; load at end {results['config']['load_end']}")


if __name__ == "__main__":
    main()
