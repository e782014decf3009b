"""The searches for fixed and slow points: Levenberg-Marquardt and Adam (chapter 3).

:func:`find_slow_points` minimises the speed ``S(v) = ||r(v)||^2``,
``r(v) = F(v) - v`` (:mod:`mem.slowpoints.state_map`), from every candidate at once.
Haviv, Rivkind & Barak (2019) did it by gradient descent on ``S`` with Adam, as
FixedPointFinder (Golub & Sussillo 2018) does (``method="adam"``). A fixed Adam budget
stops early, wherever the candidates happen to be (chapter 3 measures it), so the default
is a second-order search: Levenberg-Marquardt on ``r`` with geodesic acceleration and
batched Jacobians from ``torch.func.vmap``. It converges quadratically near a regular
fixed point and says, for every candidate, which of three things happened
(:data:`~mem.slowpoints.points.OUTCOMES`):

* ``"fixed"``: ``S < tol`` -- a fixed point to the tolerance;
* ``"slow"``: ``S >= tol`` but ``||grad S|| <= grad_tol`` -- a stationary slow point;
* ``"moving"``: neither after ``n_iters`` iterations -- still creeping.

Two details matter on trained networks (chapter 3 shows both). The search is
*bounded* by default to the states the network can reach (``|h_i| <= 1`` for
GRUs, tanh RNNs and LSTMs): unbounded, a GRU search can end at ``|h_i| > 1``,
where a saturated update gate gives ``h' = h`` at states no trajectory visits.
And the class memories of the zoo networks lie on a very flat slow manifold,
so a fixed-budget search stops wherever its budget runs out; the outcome says so.

Cost: the Levenberg-Marquardt steps use float32 Jacobians (forward mode, about
four times cheaper than float64 reverse mode) with the exact float64 gradient
``J^T r`` (one vector-Jacobian product); a candidate whose steps stall switches
to float64 Jacobians. Residuals, ``S``, the outcome tests and the Jacobians in
the result are all float64 (the ``dtype`` argument).
"""
from __future__ import annotations

import math
import time

import torch
from torch.func import jacfwd, jacrev, jvp, vjp, vmap
from tqdm.auto import tqdm

from .._checks import check_choice, check_count, check_positive
from .points import SlowPoints
from .state_map import COMPONENTS, dynamics, flat_inputs, flat_states

__all__ = ["METHODS", "find_slow_points"]

METHODS = ("newton", "adam")            #: search methods of :func:`find_slow_points`


# ---------------------------------------------------------------------------------------------
# The search
# ---------------------------------------------------------------------------------------------
def _batched_jacobian(fn, v, x):
    """(N, m, n) Jacobians of fn(v_i, x_i) with respect to v_i, by vmap(jacrev)."""
    return vmap(jacrev(fn, argnums=0))(v, x)


def _step_jacobian(dyn32, components, v, x):
    """Float32 Jacobians of the residual, for LM steps (forward mode: square and cheaper here)."""
    def res(v, x):
        return dyn32.residual(v, x, components)
    return vmap(jacfwd(res, argnums=0))(v.float(), x.float()).to(v.dtype)


def _projected(g, v, lo, hi):
    """The part of the gradient g that does not push v out of the box [lo, hi]."""
    if lo is None:
        return g
    stuck = ((v <= lo) & (g > 0)) | ((v >= hi) & (g < 0))
    return torch.where(stuck, torch.zeros_like(g), g)


def _geodesic(res, v, x, r, step, ok, L, free, alpha, h=0.1):
    """LM step plus half its geodesic acceleration, where that correction is small (ratio <= alpha).

    The second directional derivative of r along the step comes from one finite difference,
    r_vv = (2/h) ((r(v + h d) - r(v)) / h - J d), with J d from one `jvp`; the acceleration
    a solves the same damped system as the step, (J^T J + mu I) a = -J^T r_vv, by reusing its
    Cholesky factor L. Transtrum & Sethna (2012), arXiv:1201.5885.
    """
    d = torch.where(ok[:, None], step, torch.zeros_like(step))
    Jd = jvp(lambda u: res(u, x), (v,), (d,))[1]
    r_vv = (2 / h) * ((res(v + h * d, x) - r) / h - Jd)
    Jt_rvv = vjp(lambda u: res(u, x), v)[1](r_vv)[0]
    if free is not None and not bool(free.all()):
        Jt_rvv = Jt_rvv * free
    acc = -torch.cholesky_solve(Jt_rvv.unsqueeze(-1), L).squeeze(-1)
    use = ok & (2 * acc.norm(dim=-1) <= alpha * d.norm(dim=-1))
    return step + torch.where(use[:, None], 0.5 * acc, torch.zeros_like(acc))


def _lm(dyn, v, x, components, tol, grad_tol, n_iters, bar, box, patience, fast_jacobians=True, reuse=2,
        accel=0.75):
    """Levenberg-Marquardt on r(v) = F(v) - v, every candidate with its own damping (Madsen & Nielsen)."""
    def res(v, x):
        return dyn.residual(v, x, components)

    N, n = v.shape
    r = res(v, x)
    S = (r * r).sum(-1)
    JtJ = torch.zeros(N, n, n, dtype=v.dtype, device=v.device)  # Gauss-Newton matrix of each candidate
    g = torch.zeros_like(v)                                       # J^T r, exact
    n_iter = torch.zeros(N, dtype=torch.long, device=v.device)
    mu = torch.zeros(N, dtype=v.dtype, device=v.device)
    nu = torch.full((N,), 2.0, dtype=v.dtype, device=v.device)
    need_jac = torch.ones(N, dtype=torch.bool, device=v.device)
    need_grad = torch.ones(N, dtype=torch.bool, device=v.device)
    age = torch.zeros(N, dtype=torch.long, device=v.device)       # steps since the last Jacobian
    # Steps use float32 Jacobians (4x cheaper; residuals and S stay in float64) until a
    # candidate stalls, which a float32 gradient cannot resolve; from then on float64.
    dyn32 = dyn.to(dtype=torch.float32) if fast_jacobians and v.dtype != torch.float32 else None
    precise = torch.full((N,), dyn32 is None, dtype=torch.bool, device=v.device)
    mu0 = None
    stalled = torch.zeros(N, dtype=torch.bool, device=v.device)
    history = S.new_full((2, patience or 1, N), math.inf)  # S and ||grad S|| over the last `patience` iterations
    for it in range(n_iters):
        for exact in (False, True):
            idx = (need_jac & (precise == exact)).nonzero().squeeze(-1)
            if idx.numel():
                if exact:
                    Jx = _batched_jacobian(res, v[idx], x[idx])
                    JtJ[idx] = Jx.transpose(1, 2) @ Jx
                else:
                    Jx = _step_jacobian(dyn32, components, v[idx], x[idx])
                    JtJ[idx] = (Jx.transpose(1, 2) @ Jx).to(v.dtype)
        idx = need_grad.nonzero().squeeze(-1)
        if idx.numel():  # the gradient J^T r exactly, in the search dtype (one vector-Jacobian product)
            xi = x[idx]  # bound as a default: the lambda is called at once, in this iteration
            g[idx] = vjp(lambda u, xi=xi: res(u, xi), v[idx])[1](r[idx])[0]
        age[need_jac] = 0
        need_jac[:] = False
        need_grad[:] = False
        if mu0 is None:  # initial damping: 1e-3 x the largest diagonal entry of J^T J
            mu0 = 1e-3 * torch.diagonal(JtJ, dim1=1, dim2=2).amax(-1).clamp_min(1e-12)
            mu = mu0.clone()
        grad = 2 * _projected(g, v, *box).norm(dim=-1)
        if patience:  # in `patience` iterations neither S nor ||grad S|| halved: stop there
            k = it % patience
            stalled |= (S > 0.5 * history[0, k]) & (grad > 0.5 * history[1, k])
            history[0, k], history[1, k] = S, grad
        active = (S >= tol) & (grad > grad_tol) & (mu < 1e30) & ~stalled
        if bar is not None:
            bar.update(1)
            bar.set_postfix(active=int(active.sum()), max_S=f"{float(S.max()):.1e}", refresh=False)
        if not active.any():
            break
        a = active.nonzero().squeeze(-1)
        A, ga = JtJ[a], g[a]  # copies: modified in place below
        if box[0] is not None:  # active set: coordinates pinned at a bound take no step
            free = (_projected(ga, v[a], *box) != 0) | (ga == 0)
            if not bool(free.all()):
                free = free.to(v.dtype)
                A.mul_(free[:, :, None]).mul_(free[:, None, :])
                ga.mul_(free)
        A.diagonal(dim1=1, dim2=2).add_(mu[a, None])
        L, info = torch.linalg.cholesky_ex(A)
        step = -torch.cholesky_solve(ga.unsqueeze(-1), L).squeeze(-1)
        ok = info == 0
        if accel:  # geodesic acceleration (Transtrum & Sethna 2012): follow the curved valley of S
            step = _geodesic(res, v[a], x[a], r[a], step, ok, L, free if box[0] is not None else None, accel)
        v_new = v[a] + step
        if box[0] is not None:  # projected LM (Kanzow, Yamashita & Fukushima 2004)
            v_new = torch.maximum(torch.minimum(v_new, box[1]), box[0])
            step = v_new - v[a]
        r_new = res(v_new, x[a])
        S_new = (r_new * r_new).sum(-1)
        # gain ratio: actual / predicted decrease of S (predicted by the linear model of r)
        pred = (step * (mu[a, None] * step - ga)).sum(-1)
        rho = (S[a] - S_new) / pred.clamp_min(torch.finfo(v.dtype).tiny)
        accept = ok & torch.isfinite(S_new) & (S_new < S[a]) & (rho > 0)
        n_iter[a] += 1
        acc = a[accept]
        v[acc], r[acc], S[acc] = v_new[accept], r_new[accept], S_new[accept]
        need_grad[acc] = True
        age[acc] += 1
        # a good model (rho > 0.75) keeps its Jacobian for up to `reuse` more steps (chord steps)
        need_jac[acc] = (rho[accept] <= 0.75) | (age[acc] > reuse)
        mu[acc] = mu[acc] / 3  # Marquardt's decrease (Madsen-Nielsen's rho-dependent one stalls in curved valleys)
        nu[acc] = 2.0
        rej = a[~accept]
        stale = rej[age[rej] > 0]  # a rejected step on an old Jacobian: refresh it before damping more
        need_jac[stale] = True
        fresh_rej = rej[age[rej] == 0]
        mu[fresh_rej] = mu[fresh_rej] * nu[fresh_rej]
        nu[fresh_rej] = nu[fresh_rej] * 2
        stuck = rej[(mu[rej] > 1e8 * mu0[rej]) & ~precise[rej]]
        precise[stuck], need_jac[stuck], mu[stuck], nu[stuck] = True, True, mu0[stuck], 2.0
    return v, n_iter


def _adam(dyn, v, x, components, tol, n_iters, lr, lr_decay, bar, box):
    """Adam on sum_i S(v_i): the paper's procedure. A candidate is frozen once its S < tol."""
    v = v.clone().requires_grad_(True)
    opt = torch.optim.Adam([v], lr=lr)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=lr_decay) if lr_decay != 1.0 else None
    N = v.shape[0]
    n_iter = torch.zeros(N, dtype=torch.long, device=v.device)
    done = torch.zeros(N, dtype=torch.bool, device=v.device)
    for it in range(n_iters):
        r = dyn.residual(v, x, components)
        S = (r * r).sum(-1)
        done |= S.detach() < tol
        if bar is not None:
            bar.update(1)
            if it % 50 == 0:
                bar.set_postfix(active=int((~done).sum()), max_S=f"{float(S.max()):.1e}", refresh=False)
        if done.all():
            break
        any_done = bool(done.any())
        keep = v.detach()[done].clone() if any_done else None
        opt.zero_grad(set_to_none=True)
        (S[~done].sum() if any_done else S.sum()).backward()
        opt.step()
        if sched is not None:
            sched.step()
        with torch.no_grad():
            if any_done:
                v[done] = keep
            if box[0] is not None:
                v.clamp_(min=box[0], max=box[1])
        n_iter[~done] += 1
    return v.detach(), n_iter


def find_slow_points(model, initial_states, inputs, method: str = "newton", tol: float = 1e-10,
                     n_iters: int | None = None, *, grad_tol: float = 1e-9, components: str = "full",
                     lr: float = 1e-2, lr_decay: float = 1.0, dtype: torch.dtype = torch.float64,
                     labels: torch.Tensor | None = None, jacobians: bool = True,
                     bounded: bool = True, patience: int | None = 10, progress: bool = False) -> SlowPoints:
    """Search for fixed and slow points from every candidate at once (chapter 3).

    Parameters
    ----------
    model : anything :func:`~mem.slowpoints.state_map.dynamics` accepts: RNNClassifier,
        nn.GRU/LSTM/RNN with any number of layers, their cells, a callable ``step(h, u)``, or a
        :class:`~mem.slowpoints.state_map.RecurrentMap` (e.g. a continuous-time ``f``)
    initial_states : State with h (N, H) (and c (N, H) for LSTMs), or a tensor (N, H)
        for GRUs/RNNs; a stacked module's in torch's layout (num_layers, N, H); a callable's
        as a tensor, tuple or dict of tensors (N, ...): the N candidates. Not modified.
    inputs : (D,) constant input shared by all candidates, or (N, D), one per candidate
    method : "newton" (default) or "adam"
        * ``"newton"``: Levenberg-Marquardt on ``r(v) = F(v) - v``; per candidate
          damping ``mu`` (initial 1e-3 max diag(J^T J); divided by 3 after an accepted
          step, multiplied by a growing factor after a rejected one), so steps become
          Newton steps ``-J^{-1} r`` as it converges, plus a geodesic acceleration
          (Transtrum & Sethna 2012) that follows the curved, flat valleys of S around
          the class memories. Jacobians by ``torch.func.vmap``, recomputed only for
          candidates that moved and whose linear model was poor.
        * ``"adam"``: gradient descent on ``sum_i S(v_i)`` with Adam at learning rate
          ``lr``, multiplied by ``lr_decay`` each iteration, for ``n_iters``
          iterations (the paper's procedure; FixedPointFinder's too).
    tol : float, default 1e-10
        A candidate is a fixed point when ``S < tol``; the search stops for it there.
    n_iters : int >= 0, default 200 for "newton", 2000 for "adam"; the most iterations the search
        runs. It may stop earlier: a candidate stops when it is fixed or slow (or, for "newton",
        stalls: ``patience``), and the search ends when every candidate has stopped
    grad_tol : float, default 1e-9
        A candidate with ``S >= tol`` is a stationary slow point when ``||grad S|| <= grad_tol``.
    components : {"full", "h_tanh_c", "h"}, what enters S for LSTMs (:mod:`mem.slowpoints.state_map`)
    lr, lr_decay : Adam's learning rate and per-iteration decay factor (method "adam" only)
    dtype : torch dtype of the search, default float64 (S < 1e-10 is below float32 resolution
        for states of norm ~5)
    labels : (N,) int64, optional, carried along (e.g. the class of each candidate)
    jacobians : bool, keep ``dF/dv`` at every point (``df/dv`` in continuous time; needed for
        eigenvalues)
    bounded : bool, default True
        Keep the search inside the states the network can reach (a callable's: the ``bounds``
        given to its RecurrentMap, else unbounded) (:meth:`~mem.slowpoints.state_map.Dynamics.bounds`:
        ``|h_i| <= 1`` for GRU, tanh RNN and LSTM). Unbounded, a GRU search can run
        off to ``|h_i| > 1``, where saturated update gates (``z = 1``) make
        ``h' = h``: fixed points no trajectory can visit (chapter 3 shows them).
        Stationarity then uses the projected gradient.
    patience : int or None, default 10 (method "newton" only)
        Stop searching from a candidate when, in ``patience`` iterations, neither its S
        nor its ``||grad S||`` has halved; it is reported as "moving" (None: always run
        ``n_iters``). (The gradient test lets searches that settle on a slow point,
        where S stops falling, finish.) On a
        flat slow manifold S can creep down by a few percent per iteration for
        thousands of iterations; this keeps those from using the whole budget.
    progress : bool, show a progress bar

    Returns
    -------
    SlowPoints with outcome "fixed", "slow" or "moving" for every candidate.
    The model's parameters, their ``requires_grad`` and ``.grad`` are untouched.
    """
    check_choice("method", method, METHODS)
    check_choice("components", components, COMPONENTS)
    for name, value in (("tol", tol), ("grad_tol", grad_tol), ("lr", lr), ("lr_decay", lr_decay)):
        check_positive(name, value)
    if n_iters is None:
        n_iters = 200 if method == "newton" else 2000
    check_count("n_iters", n_iters, 0)
    check_count("patience", patience, none_ok=True)
    if dtype not in (torch.float32, torch.float64):
        raise ValueError(f"dtype must be torch.float32 or torch.float64, got {dtype!r}")
    dyn = dynamics(model).to(dtype=dtype)
    v0 = flat_states(dyn, initial_states, "initial_states", dtype)
    N = v0.shape[0]
    x = flat_inputs(dyn, inputs, N, dtype)
    if labels is None:
        labels = torch.full((N,), -1, dtype=torch.long)
    elif not isinstance(labels, torch.Tensor) or labels.shape != (N,):
        raise ValueError(f"labels must be a tensor of shape ({N},), got {getattr(labels, 'shape', labels)}")
    labels = labels.to(device=dyn.device, dtype=torch.long)

    box = (None, None)
    if bounded:
        lo, hi = dyn.bounds()
        if torch.isfinite(lo).any():
            box = (lo, hi)
            v0 = torch.maximum(torch.minimum(v0, hi), lo)
    t0 = time.perf_counter()
    bar = tqdm(total=n_iters, desc=f"slow points ({method})", leave=False, mininterval=0.5) if progress else None
    try:
        if method == "newton":
            with torch.no_grad():
                v, n_iter = _lm(dyn, v0.clone(), x, components, tol, grad_tol, n_iters, bar, box, patience,
                                fast_jacobians=getattr(dyn, "castable", True))
        else:
            with torch.enable_grad():
                v, n_iter = _adam(dyn, v0, x, components, tol, n_iters, lr, lr_decay, bar, box)
    finally:
        if bar is not None:
            bar.close()

    def res(v, x):
        return dyn.residual(v, x, components)

    with torch.no_grad():
        r = res(v, x)
        S = (r * r).sum(-1)
        Jr = _batched_jacobian(res, v, x)
        grad_norm = 2 * _projected(torch.einsum("nmi,nm->ni", Jr, r), v, *box).norm(dim=-1)
        JF = None
        if jacobians and dyn.continuous:
            JF = Jr                                  # df/dv: the residual is f itself
        elif jacobians:
            JF = Jr + torch.eye(v.shape[1], dtype=dtype, device=v.device) if (
                components == "full" or not dyn.is_lstm) else _batched_jacobian(dyn.step, v, x)
    outcome = torch.full((N,), 2, dtype=torch.long, device=v.device)
    outcome[grad_norm <= grad_tol] = 1
    outcome[S < tol] = 0
    info = {"tol": tol, "grad_tol": grad_tol, "n_iters": n_iters, "bounded": bounded,
            "dtype": str(dtype).replace("torch.", ""),
            "seconds": time.perf_counter() - t0}
    if method == "adam":
        info.update(lr=lr, lr_decay=lr_decay)
    else:
        info.update(patience=patience)
    return SlowPoints(states=v, speed=S, grad_norm=grad_norm, outcome=outcome, n_iter=n_iter, inputs=x,
                      initial_states=v0, labels=labels, jacobians=JF, arch=dyn.arch,
                      hidden_size=dyn.h_size, components=components, method=method, info=info,
                      continuous=dyn.continuous)

