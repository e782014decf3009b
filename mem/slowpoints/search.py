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
* ``"slow"``: ``S >= tol`` at a stationary point of ``S``: the relative gradient
  (:func:`stationarity`) is ``<= gtol``, or no step, however small, lowers ``S`` any more in
  this precision (near a minimum with ``S > 0``, ``S`` resolves the position only to about
  the square root of the machine epsilon, so the relative gradient stalls near 1e-8). In a
  bounded search the test is the box's first-order condition, so a minimum on a face of the
  box is "slow" too;
* ``"moving"``: neither after ``n_iters`` iterations -- still descending.

A candidate whose speed (or state, gradient, Jacobian) becomes non-finite -- a map that overflows --
is reported ``"moving"`` too, and marked: ``points.nonfinite``, ``info["stopped"]["non-finite"]``
and a ``RuntimeWarning`` (:func:`find_slow_points`).

No candidate is given up early on a rule of thumb: a search runs until one of these three
holds (chapter 3 shows how long the flat valleys of trained networks take).

Two details matter on trained networks (chapter 3 shows both). The search is
*bounded* by default to the states the network can reach (``|h_i| <= 1`` for
GRUs, tanh RNNs and LSTMs): unbounded, a GRU search can end at ``|h_i| > 1``,
where a saturated update gate gives ``h' = h`` at states no trajectory visits.
And the class memories of the zoo networks lie on a very flat slow manifold,
so a fixed-budget search stops wherever its budget runs out; the outcome says so.

Cost: the Levenberg-Marquardt steps use float32 Jacobians (in closed form for one-layer
built-in networks, :func:`mem.models.cell_jacobian`; by forward-mode autograd otherwise) and
float32 factorisations of the damped systems, with the exact float64 gradient ``J^T r`` (one
vector-Jacobian product) and a float64 gain ratio; a candidate whose steps stall switches to
float64. Residuals, ``S``, the outcome tests and the Jacobians in the result are all float64
(the ``dtype`` argument). On a CPU, states of more than 64 numbers are factored by blocks
(:class:`_BlockCholesky`: torch's batched Cholesky calls LAPACK once per matrix, several times
slower at n = 128 on some CPUs), and the (N, n, n) Gauss-Newton matrices are written into memory
kept across iterations (a fresh allocation of that size costs more than the arithmetic).
``tests/benchmarks/bench_slowpoints.py`` compares the cost with FixedPointFinder's.
"""
from __future__ import annotations

import time
import warnings

import torch
from torch.func import jacfwd, jacrev, jvp, vjp, vmap
from tqdm.auto import tqdm

from .._checks import check_bool, check_choice, check_count, check_float, check_float_dtype, check_int, check_tensor
from .points import SlowPoints
from .state_map import COMPONENTS, MAX_CANDIDATES, dynamics, flat_inputs, flat_states

__all__ = ["METHODS", "PAPER_ADAM", "find_slow_points", "stationarity"]

METHODS = ("newton", "adam")            #: search methods of :func:`find_slow_points`

#: The authors' search budget, from their public code (github.com/DoronHaviv/MemoryRNN, ``BlackBoxMNIST.py``):
#: Adam at learning rate 1e-3 on the summed speed, 100,000 iterations, the rate divided by 10 at iteration
#: 40,000 (Adam's state kept). ``find_slow_points(model, starts, inputs, **PAPER_ADAM)`` runs it (chapters 3, 4);
#: about 45 s for 10 candidates of a 64-unit network on one CPU thread.
PAPER_ADAM = {"method": "adam", "lr": 1e-3, "n_iters": 100_000, "lr_milestones": (40_000,), "lr_gamma": 0.1}


# ---------------------------------------------------------------------------------------------
# The search
# ---------------------------------------------------------------------------------------------
def _batched_jacobian(fn, v, x):
    """(N, m, n) Jacobians of fn(v_i, x_i) with respect to v_i, by vmap(jacrev)."""
    return vmap(jacrev(fn, argnums=0))(v, x)


def _residual_jacobian(dyn, components, v, x):
    """(N, m, n) Jacobians of the residual r(v): ``dF/dv - I`` in closed form for one-layer built-in
    networks (:meth:`~mem.slowpoints.state_map.Dynamics.jacobian`), else by forward-mode autograd."""
    if getattr(dyn, "analytic", False) and not dyn.continuous and (components == "full" or not dyn.is_lstm):
        J = dyn._jacobian(v, x)
        J.diagonal(dim1=1, dim2=2).sub_(1)
        return J
    return vmap(jacfwd(lambda v, x: dyn._residual(v, x, components), argnums=0))(v, x)


def stationarity(J: torch.Tensor, r: torch.Tensor, v: torch.Tensor, lo=None, hi=None) -> torch.Tensor:
    """How far each point is from a stationary point of ``S = ||r||^2``, as a number in [0, 1] (chapter 3).

    The relative gradient ``||J^T r|| / (||J||_F ||r||)``: 0 exactly where ``grad S = 2 J^T r``
    vanishes, at most 1, and unchanged when ``S`` or the whole state is rescaled, so one
    tolerance serves every network (a relative form of MINPACK's first-order test, More,
    Garbow & Hillstrom 1980; MINPACK's per-column cosine is not used because at a slow point
    the column along the slow direction itself vanishes, and 0/0 can read as 1). In a box
    ``[lo, hi]`` a coordinate held at a bound by a gradient that pushes outward does not count
    (the first-order condition of the constrained problem), so a minimum on a face of the box
    is stationary by the same test.

    J (N, m, n), r (N, m), v (N, n): finite floating-point tensors of one dtype; lo, hi (n,) or None,
    both or neither (no NaN; inf is no bound). Returns (N,) float.
    """
    for name, t in (("J", J), ("r", r), ("v", v)):
        check_tensor(name, t, convert=False, floating=True)
    if J.dim() != 3 or r.shape != J.shape[:2] or v.shape != (J.shape[0], J.shape[2]):
        raise ValueError(f"J, r and v must have shapes (N, m, n), (N, m) and (N, n), got {tuple(J.shape)}, "
                         f"{tuple(r.shape)} and {tuple(v.shape)}")
    if not J.dtype == r.dtype == v.dtype:
        raise ValueError(f"J, r and v must have one dtype, got {J.dtype}, {r.dtype} and {v.dtype}")
    if (lo is None) != (hi is None):
        raise ValueError("lo and hi must be given together (a box) or both be None")
    for name, b in (("lo", lo), ("hi", hi)):
        if b is not None:
            check_tensor(name, b, finite=False, convert=False, floating=True)
            if b.shape != (J.shape[2],) or bool(torch.isnan(b).any()):
                raise ValueError(f"{name} must be a tensor ({J.shape[2]},) without NaN, got shape {tuple(b.shape)}")
    return _stationarity(J, r, v, lo, hi)


def _stationarity(J, r, v, lo=None, hi=None):
    """:func:`stationarity` without the checks (NaN where a candidate is not finite)."""
    g = torch.einsum("nmi,nm->ni", J, r)
    if lo is not None:
        g = _projected(g, v, lo, hi)
    gn = g.norm(dim=-1)
    rel = gn / (J.flatten(1).norm(dim=-1) * r.norm(dim=-1))
    return torch.where(gn == 0, torch.zeros_like(rel), rel)


def _projected(g, v, lo, hi):
    """The part of the gradient g that does not push v out of the box [lo, hi]."""
    if lo is None:
        return g
    stuck = ((v <= lo) & (g > 0)) | ((v >= hi) & (g < 0))
    return torch.where(stuck, torch.zeros_like(g), g)


class _BlockCholesky:
    """Batched Cholesky factorisation of A (N, n, n) by blocks of ``block`` rows (chapter 3).

    torch's batched ``cholesky_ex`` calls LAPACK once per matrix, which at n = 128 is several times
    slower on some CPUs than blocks of 32 whose off-diagonal work is batched matrix products.
    ``info`` (N,) is 0 where A is positive definite; ``solve(b)`` solves A x = b for b (N, n, k).
    """

    def __init__(self, G, rows, mu, free=None, block=32):
        n = G.shape[-1]
        self.edges = e = [*range(0, n, block), n]
        nb = len(e) - 1
        # the lower blocks of G[rows] (+ mu I, with the rows and columns of held coordinates zeroed), each
        # gathered on its own: no (len(rows), n, n) copy is allocated
        L = [[torch.index_select(G[:, e[i]:e[i + 1], e[j]:e[j + 1]], 0, rows) if j <= i else None
              for j in range(nb)] for i in range(nb)]
        for i in range(nb):
            if free is not None:
                fi = free[:, e[i]:e[i + 1]].to(G.dtype)
                for j in range(i + 1):
                    L[i][j].mul_(fi[:, :, None]).mul_(free[:, None, e[j]:e[j + 1]].to(G.dtype))
            L[i][i].diagonal(dim1=1, dim2=2).add_(mu[:, None].to(G.dtype))
        A = G
        info = torch.zeros(len(rows), dtype=torch.int32, device=A.device)
        for k in range(nb):
            L[k][k], bad = torch.linalg.cholesky_ex(L[k][k])
            info = torch.where((info == 0) & (bad != 0), bad + e[k], info)
            for i in range(k + 1, nb):
                L[i][k] = torch.linalg.solve_triangular(L[k][k].mT, L[i][k], upper=True, left=False)
            for i in range(k + 1, nb):
                for j in range(k + 1, i + 1):
                    L[i][j].baddbmm_(L[i][k], L[j][k].mT, alpha=-1)
        self.L, self.info = L, info

    def solve(self, b):
        L, e, nb = self.L, self.edges, len(self.edges) - 1
        y = []
        for i in range(nb):  # forward: L y = b
            r = b[:, e[i]:e[i + 1]]
            for j in range(i):
                r = r - L[i][j] @ y[j]
            y.append(torch.linalg.solve_triangular(L[i][i], r, upper=False))
        x = [None] * nb
        for i in reversed(range(nb)):  # back: L^T x = y
            r = y[i]
            for j in range(i + 1, nb):
                r = r - L[j][i].mT @ x[j]
            x[i] = torch.linalg.solve_triangular(L[i][i].mT, r, upper=True)
        return torch.cat(x, 1)

    def select(self, keep):
        out = object.__new__(_BlockCholesky)
        out.edges, out.info = self.edges, self.info[keep]
        out.L = [[blk[keep] if blk is not None else None for blk in row] for row in self.L]
        return out


def _damped_solver(G32, G64, a, precise, mu, free):
    """Factor the damped Gauss-Newton systems ``G + mu I`` of the candidates ``a`` (chapter 3).

    ``G32`` (N, n, n) float32 holds ``J^T J`` of candidates that step on float32 Jacobians,
    ``G64`` (N, n, n) float64 (or None) that of the ``precise`` ones. A float32 system is
    factored in float32 (half the cost; the float64 gain ratio judges the step) and again in
    float64 where that fails. ``free`` (len(a), n) bool or None zeroes the rows and columns of
    coordinates held at a bound. Returns ``solve(b)`` for right-hand sides b (len(a), n)
    float64 and ``ok`` (len(a),): the factorisation succeeded.
    """
    K = a.numel()
    ok = torch.ones(K, dtype=torch.bool, device=a.device)
    low = ~precise[a]
    groups = []                                    # (positions in a, Cholesky factor)

    def factor(pos, A):
        if free is not None:
            f = free[pos].to(A.dtype)
            A.mul_(f[:, :, None]).mul_(f[:, None, :])
        A.diagonal(dim1=1, dim2=2).add_(mu[a[pos], None].to(A.dtype))
        return torch.linalg.cholesky_ex(A)

    p32 = low.nonzero().squeeze(-1)
    if p32.numel():
        if G32.device.type == "cpu" and G32.shape[-1] > 64:
            L = _BlockCholesky(G32, a[p32], mu[a[p32]], None if free is None else free[p32])
            info = L.info
        else:
            L, info = factor(p32, G32[a[p32]])
        good = info == 0
        if bool(good.any()):
            groups.append((p32[good], (L.select(good) if isinstance(L, _BlockCholesky) else L[good])
                           if not bool(good.all()) else L))
        low[p32[~good]] = False
    p64 = (~low).nonzero().squeeze(-1)
    if p64.numel():
        idx = a[p64]
        A = torch.where(precise[idx, None, None], G64[idx], G32[idx].double()) if G64 is not None else \
            G32[idx].double()
        L, info = factor(p64, A)
        ok[p64] = info == 0
        groups.append((p64, L))

    def solve(b):
        out = torch.zeros_like(b)
        for pos, L in groups:
            if isinstance(L, _BlockCholesky):
                out[pos] = L.solve(b[pos].to(L.L[0][0].dtype).unsqueeze(-1)).squeeze(-1).to(b.dtype)
                continue
            y = torch.linalg.solve_triangular(L, b[pos].to(L.dtype).unsqueeze(-1), upper=False)
            out[pos] = torch.linalg.solve_triangular(L.mT, y, upper=True).squeeze(-1).to(b.dtype)
        return out
    return solve, ok


def _geodesic(res, v, x, r, step, ok, solve, free, alpha, h=0.1):
    """LM step plus half its geodesic acceleration, where that correction is small (ratio <= alpha).

    The second directional derivative of r along the step comes from one finite difference,
    r_vv = (2/h) ((r(v + h d) - r(v)) / h - J d), with J d from one `jvp`; the acceleration
    a solves the same damped system as the step, (J^T J + mu I) a = -J^T r_vv, by reusing its
    Cholesky factor (``solve``). Transtrum & Sethna (2012), arXiv:1201.5885.
    """
    d = torch.where(ok[:, None], step, torch.zeros_like(step))
    Jd = jvp(lambda u: res(u, x), (v,), (d,))[1]
    r_vv = (2 / h) * ((res(v + h * d, x) - r) / h - Jd)
    Jt_rvv = vjp(lambda u: res(u, x), v)[1](r_vv)[0]
    if free is not None and not bool(free.all()):
        Jt_rvv = Jt_rvv * free
    acc = -solve(Jt_rvv)
    use = ok & (2 * acc.norm(dim=-1) <= alpha * d.norm(dim=-1))
    return step + torch.where(use[:, None], 0.5 * acc, torch.zeros_like(acc))


def _lm(dyn, v, x, components, tol, gtol, n_iters, bar, box, fast_jacobians=True, accel=0.75):
    """Levenberg-Marquardt on r(v) = F(v) - v, every candidate with its own damping (Madsen & Nielsen).

    A candidate stops when it is fixed (``S < tol``), when it is stationary (:func:`stationarity`
    ``<= gtol``), or when no step lowers S any more in this precision (every step down to the
    rounding of ``v`` was rejected on an exact Jacobian): the only proof that it cannot move on.
    Else it runs to ``n_iters``. Returns the states (N, n), the iterations of each candidate (N,)
    and ``stuck`` (N,) bool: stopped because no step lowers S.
    """
    def res(v, x):
        return dyn._residual(v, x, components)

    N, n = v.shape
    r = res(v, x)
    S = (r * r).sum(-1)
    # Gauss-Newton matrices J^T J: float32 for candidates on float32 Jacobians, float64 for the precise
    G32 = torch.zeros(N, n, n, dtype=torch.float32, device=v.device)
    G64 = None
    g = torch.zeros_like(v)                                       # J^T r, exact
    trace = torch.zeros(N, dtype=v.dtype, device=v.device)       # ||J||_F^2 of the latest Jacobian
    n_iter = torch.zeros(N, dtype=torch.long, device=v.device)
    mu = torch.zeros(N, dtype=v.dtype, device=v.device)
    nu = torch.full((N,), 2.0, dtype=v.dtype, device=v.device)
    need_jac = torch.ones(N, dtype=torch.bool, device=v.device)
    need_grad = torch.ones(N, dtype=torch.bool, device=v.device)
    # Steps use float32 Jacobians and float32 factorisations (residuals, S, the gradient and
    # the gain ratio stay in float64) until a candidate stalls, which float32 cannot resolve;
    # from then on float64.
    dyn32 = dyn.to(dtype=torch.float32) if fast_jacobians and v.dtype != torch.float32 else None
    precise = torch.full((N,), dyn32 is None, dtype=torch.bool, device=v.device)
    mu0 = None
    stuck = torch.zeros(N, dtype=torch.bool, device=v.device)    # no step lowers S any more
    eps = 4 * torch.finfo(v.dtype).eps
    scratch = None
    for _ in range(n_iters):
        for exact in (False, True):
            idx = (need_jac & (precise == exact)).nonzero().squeeze(-1)
            if idx.numel():
                if exact:
                    Jx = _residual_jacobian(dyn, components, v[idx], x[idx])
                    if G64 is None:
                        G64 = torch.zeros(N, n, n, dtype=v.dtype, device=v.device)
                    G64[idx] = Jx.transpose(1, 2) @ Jx
                    trace[idx] = G64.diagonal(dim1=1, dim2=2)[idx].sum(-1)       # ||J||_F^2
                else:  # float32 Jacobian and product: about four times cheaper
                    Jx = _residual_jacobian(dyn32, components, v[idx].float(), x[idx].float())
                    # J^T J into stored memory (a fresh (N, n, n) allocation costs more than the product on a CPU)
                    if idx.numel() == N:
                        torch.bmm(Jx.transpose(1, 2), Jx, out=G32)
                    else:
                        if scratch is None:
                            scratch = torch.empty_like(G32)
                        G32.index_copy_(0, idx, torch.bmm(Jx.transpose(1, 2), Jx, out=scratch[:idx.numel()]))
                    trace[idx] = G32.diagonal(dim1=1, dim2=2)[idx].sum(-1).to(v.dtype)   # ||J||_F^2
        idx = need_grad.nonzero().squeeze(-1)
        if idx.numel():  # the gradient J^T r exactly, in the search dtype (one vector-Jacobian product)
            xi = x[idx]  # bound as a default: the lambda is called at once, in this iteration
            g[idx] = vjp(lambda u, xi=xi: res(u, xi), v[idx])[1](r[idx])[0]
        need_jac[:] = False
        need_grad[:] = False
        if mu0 is None:  # initial damping: 1e-3 x the largest diagonal entry of J^T J
            G = G64 if G64 is not None else G32
            mu0 = 1e-3 * torch.diagonal(G, dim1=1, dim2=2).amax(-1).to(v.dtype).clamp_min(1e-12)
            mu = mu0.clone()
        # first-order test (:func:`stationarity`, from the exact J^T r and ||J||_F^2 = trace J^T J
        # of the latest Jacobian)
        gn = _projected(g, v, *box).norm(dim=-1)
        rel = gn / (trace.sqrt() * S.sqrt())
        rel = torch.where(gn == 0, torch.zeros_like(rel), rel)
        active = (S >= tol) & (rel > gtol) & ~stuck
        if bar is not None:
            bar.update(1)
            bar.set_postfix(active=int(active.sum()), max_S=f"{float(S.max()):.1e}", refresh=False)
        if not active.any():
            break
        a = active.nonzero().squeeze(-1)
        ga = g[a]  # a copy: modified in place below
        free = None
        if box[0] is not None:  # active set: coordinates pinned at a bound take no step
            free = (_projected(ga, v[a], *box) != 0) | (ga == 0)
            if bool(free.all()):
                free = None
            else:
                ga.mul_(free)
        solve, ok = _damped_solver(G32, G64, a, precise, mu, free)
        step = -solve(ga)
        if accel:  # geodesic acceleration (Transtrum & Sethna 2012): follow the curved valley of S
            step = _geodesic(res, v[a], x[a], r[a], step, ok, solve, free, accel)
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
        # every accepted step gets a new Jacobian: on trained networks, steps on the previous one (chord
        # steps) were mostly rejected, each at the cost of a factorisation (issue 17)
        need_jac[acc] = True
        mu[acc] = mu[acc] / 3  # Marquardt's decrease (Madsen-Nielsen's rho-dependent one stalls in curved valleys)
        nu[acc] = 2.0
        rejected = ~accept
        rej = a[rejected]
        # a rejected step smaller than the rounding of v, on an exact Jacobian: no step can help
        tiny = step[rejected].norm(dim=-1) <= eps * (v[rej].norm(dim=-1) + eps)
        stuck[rej[tiny & precise[rej]]] = True
        mu[rej] = mu[rej] * nu[rej]
        nu[rej] = nu[rej] * 2
        to64 = rej[(mu[rej] > 1e8 * mu0[rej]) & ~precise[rej]]
        precise[to64], need_jac[to64], mu[to64], nu[to64] = True, True, mu0[to64], 2.0
        stuck |= ~torch.isfinite(mu)
    return v, n_iter, stuck


def _check_milestones(lr_milestones) -> tuple[int, ...]:
    """``lr_milestones`` as a tuple of increasing ints >= 1 (a list, tuple or array of them)."""
    if isinstance(lr_milestones, (str, bytes, dict)) or not hasattr(lr_milestones, "__iter__"):
        raise TypeError(f"lr_milestones must be a sequence of ints (iterations), got {type(lr_milestones).__name__}")
    out = tuple(check_int("lr_milestones", m, 1, 10**6) for m in lr_milestones)
    if any(b <= a for a, b in zip(out, out[1:])):
        raise ValueError(f"lr_milestones must be strictly increasing, got {list(out)}")
    return out


def _adam(dyn, v, x, components, tol, n_iters, lr, lr_decay, bar, box, milestones=(), gamma=0.1):
    """Adam on sum_i S(v_i): the paper's procedure. A candidate is frozen once its S < tol.

    A candidate whose S becomes non-finite (a step into a region where the map overflows) is put back
    to its previous state, the last with a finite S, and frozen there. Returns the states (N, n), the
    iterations of each candidate (N,) and ``bad`` (N,) bool: the candidates so frozen (or whose S was
    not finite at the start).
    """
    v = v.clone().requires_grad_(True)
    opt = torch.optim.Adam([v], lr=lr)
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=lr_decay) if lr_decay != 1.0 else None
    N = v.shape[0]
    n_iter = torch.zeros(N, dtype=torch.long, device=v.device)
    done = torch.zeros(N, dtype=torch.bool, device=v.device)
    bad = torch.zeros(N, dtype=torch.bool, device=v.device)    # S became non-finite: frozen (done | bad)
    prev = None                                                 # the states before the last step
    for it in range(n_iters):
        if it in milestones:
            for group in opt.param_groups:
                group["lr"] *= gamma
        r = dyn._residual(v, x, components)
        S = (r * r).sum(-1)
        new_bad = ~torch.isfinite(S.detach()) & ~bad
        if bool(new_bad.any()):  # back to the last state with a finite S, and frozen there
            bad |= new_bad
            if prev is not None:
                with torch.no_grad():
                    v[new_bad] = prev[new_bad]
                r = dyn._residual(v, x, components)
                S = (r * r).sum(-1)
        done |= S.detach() < tol
        stop = done | bad
        if bar is not None:
            bar.update(1)
            if it % 50 == 0:
                bar.set_postfix(active=int((~stop).sum()), max_S=f"{float(S.max()):.1e}", refresh=False)
        if stop.all():
            break
        any_stop = bool(stop.any())
        keep = v.detach()[stop].clone() if any_stop else None
        prev = v.detach().clone()
        opt.zero_grad(set_to_none=True)
        (S[~stop].sum() if any_stop else S.sum()).backward()
        opt.step()
        if sched is not None:
            sched.step()
        with torch.no_grad():
            if any_stop:
                v[stop] = keep
            if box[0] is not None:
                v.clamp_(min=box[0], max=box[1])
        n_iter[~stop] += 1
    return v.detach(), n_iter, bad


def find_slow_points(model, initial_states, inputs, method: str = "newton", tol: float = 1e-10,
                     n_iters: int | None = None, *, gtol: float = 1e-8, components: str = "full",
                     lr: float = 1e-2, lr_decay: float = 1.0, lr_milestones=(), lr_gamma: float = 0.1,
                     dtype: torch.dtype = torch.float64,
                     labels: torch.Tensor | None = None, jacobians: bool = True,
                     bounded: bool = True, progress: bool = False) -> SlowPoints:
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
          the class memories. Jacobians in closed form for built-in one-layer networks,
          else by ``torch.func``, recomputed after every accepted step.
        * ``"adam"``: gradient descent on ``sum_i S(v_i)`` with Adam at learning rate
          ``lr``, multiplied by ``lr_decay`` each iteration, for ``n_iters``
          iterations (the paper's procedure; FixedPointFinder's too).
    tol : float, default 1e-10
        A candidate is a fixed point when ``S < tol``; the search stops for it there.
    n_iters : int in 0..10**6, default 200 for "newton", 2000 for "adam"; the most iterations the search
        runs. A candidate stops earlier only for a reason that holds up: it is fixed, it is
        stationary, or (for "newton") no step lowers S any more in this precision;
        a candidate that is still creeping runs to ``n_iters`` and is reported "moving".
        ``info["stopped"]`` counts the candidates stopped for each reason.
    gtol : float in (0, 1), default 1e-8
        A candidate with ``S >= tol`` is a stationary slow point when its
        :func:`stationarity` (the relative gradient ``||J^T r|| / (||J||_F ||r||)``, with the
        box's first-order condition where the search is bounded) is ``<= gtol``, or when no
        step lowers ``S`` any more in this precision. Being a ratio in [0, 1], it means the
        same for every network and scale.
    components : {"full", "h_tanh_c", "h"}, what enters S for LSTMs (:mod:`mem.slowpoints.state_map`)
    lr, lr_decay : Adam's learning rate (finite, > 0) and per-iteration decay factor in (0, 1]
        (method "adam" only)
    lr_milestones, lr_gamma : a step schedule for Adam (method "adam" only): at each iteration in
        ``lr_milestones`` (increasing ints >= 1, default none) the learning rate is multiplied by
        ``lr_gamma`` in (0, 1] (Adam's moment estimates are kept). The authors' budget,
        :data:`PAPER_ADAM`, divides the rate by 10 at iteration 40,000.
    dtype : torch.float64 (default) or torch.float32, the dtype of the search (S < 1e-10 is below
        float32 resolution for states of norm ~5)
    labels : (N,) integer tensor, optional, carried along (e.g. the class of each candidate)
    jacobians : bool, keep ``dF/dv`` at every point (``df/dv`` in continuous time; needed for
        eigenvalues)
    bounded : bool, default True
        Keep the search inside the states the network can reach (a callable's: the ``bounds``
        given to its RecurrentMap, else unbounded) (:meth:`~mem.slowpoints.state_map.Dynamics.bounds`:
        ``|h_i| <= 1`` for GRU, tanh RNN and LSTM). Unbounded, a GRU search can run
        off to ``|h_i| > 1``, where saturated update gates (``z = 1``) make
        ``h' = h``: fixed points no trajectory can visit (chapter 3 shows them).
        Stationarity then uses the box's first-order condition: a coordinate held at a
        bound by a gradient that pushes outward does not count, so a minimum on a face of
        the box is a stationary slow point, with or without the box the same test.
    progress : bool, show a progress bar

    Returns
    -------
    SlowPoints with outcome "fixed", "slow" or "moving" for every candidate.
    The model's parameters, their ``requires_grad`` and ``.grad`` are untouched.

    Non-finite candidates: the starts and inputs must be finite, but the map may overflow on the
    way (or already at a start). Newton never accepts a step to a non-finite speed; Adam's steps
    can overshoot into one, and such a candidate is put back to its last state with a finite speed
    and stopped there. A candidate whose speed, state, gradient or Jacobian is not finite (at the
    start, or where Adam stopped it) is reported ``"moving"``, marked in ``points.nonfinite``,
    counted under ``info["stopped"]["non-finite"]`` (a key present only then) and announced by a
    ``RuntimeWarning``. Finite searches are not affected.
    """
    check_choice("method", method, METHODS)
    check_choice("components", components, COMPONENTS)
    check_float("tol", tol, gt=0)
    check_float("gtol", gtol, gt=0, lt=1)
    check_float("lr", lr, gt=0)
    check_float("lr_decay", lr_decay, gt=0, le=1)
    lr_milestones = _check_milestones(lr_milestones)
    check_float("lr_gamma", lr_gamma, gt=0, le=1)
    if n_iters is None:
        n_iters = 200 if method == "newton" else 2000
    check_count("n_iters", n_iters, 0, 10**6)
    check_float_dtype("dtype", dtype, allowed=(torch.float32, torch.float64))
    for name, value in (("jacobians", jacobians), ("bounded", bounded), ("progress", progress)):
        check_bool(name, value)
    if labels is not None and not isinstance(labels, torch.Tensor):
        raise TypeError(f"labels must be an integer tensor (N,) or None, got {type(labels).__name__}")
    if labels is not None and (labels.is_floating_point() or labels.is_complex() or labels.dtype == torch.bool):
        raise TypeError(f"labels must be an integer tensor (N,) or None, got {labels.dtype}")
    dyn = dynamics(model).to(dtype=dtype)
    v0 = flat_states(dyn, initial_states, "initial_states", dtype)     # refuses rows that are not finite
    N = v0.shape[0]
    if N > MAX_CANDIDATES:
        raise ValueError(f"initial_states must hold at most {MAX_CANDIDATES} candidates, got {N}")
    x = flat_inputs(dyn, inputs, N, dtype)                              # the same
    if labels is None:
        labels = torch.full((N,), -1, dtype=torch.long)
    elif labels.shape != (N,):
        raise ValueError(f"labels must have one entry per candidate of initial_states ({N},), "
                         f"got shape {tuple(labels.shape)}")
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
                v, n_iter, stuck = _lm(dyn, v0.clone(), x, components, tol, gtol, n_iters, bar, box,
                                       fast_jacobians=getattr(dyn, "castable", True))
            bad = torch.zeros(N, dtype=torch.bool, device=v.device)
        else:
            with torch.enable_grad():
                v, n_iter, bad = _adam(dyn, v0, x, components, tol, n_iters, lr, lr_decay, bar, box,
                                       lr_milestones, lr_gamma)
            stuck = torch.zeros(N, dtype=torch.bool, device=v.device)
    finally:
        if bar is not None:
            bar.close()

    def res(v, x):
        return dyn._residual(v, x, components)

    with torch.no_grad():
        r = res(v, x)
        S = (r * r).sum(-1)
        Jr = _residual_jacobian(dyn, components, v, x)
        grad_norm = 2 * _projected(torch.einsum("nmi,nm->ni", Jr, r), v, *box).norm(dim=-1)
        cos = _stationarity(Jr, r, v, *box)
        # a sum is NaN or inf when one of its terms is (a Jacobian's finite entries do not add up to 1e308)
        finite = torch.isfinite(v).all(-1) & torch.isfinite(S) & torch.isfinite(grad_norm) \
            & torch.isfinite(Jr.sum((1, 2)))
        JF = None
        if jacobians and dyn.continuous:
            JF = Jr                                  # df/dv: the residual is f itself
        elif jacobians and (components == "full" or not dyn.is_lstm):
            JF = Jr                                  # dF/dv = J_r + I, in place (Jr is not used again)
            JF.diagonal(dim1=1, dim2=2).add_(1)
        elif jacobians:
            JF = dyn._jacobian(v, x) if getattr(dyn, "analytic", False) else _batched_jacobian(dyn._step, v, x)
            finite &= torch.isfinite(JF.sum((1, 2)))
        nonfinite = bad | ~finite
    outcome = torch.full((N,), 2, dtype=torch.long, device=v.device)
    outcome[(cos <= gtol) | stuck] = 1
    outcome[S < tol] = 0
    outcome[nonfinite] = 2                   # neither fixed nor stationary: marked in points.nonfinite
    n_bad = int(nonfinite.sum())
    info = {"tol": tol, "gtol": gtol, "n_iters": n_iters, "bounded": bounded,
            "dtype": str(dtype).replace("torch.", ""),
            "stopped": {"fixed": int((outcome == 0).sum()), "stationary": int(((outcome == 1) & ~stuck).sum()),
                        "no descent in this precision": int(((outcome == 1) & stuck).sum()),
                        "budget": int(((outcome == 2) & ~nonfinite).sum())},
            "seconds": time.perf_counter() - t0}
    if n_bad:
        info["stopped"]["non-finite"] = n_bad
        warnings.warn(f"find_slow_points: {n_bad} of {N} candidates became non-finite (NaN or inf speed, state, "
                      f"gradient or Jacobian; e.g. the map overflows): reported 'moving' and marked in "
                      f"points.nonfinite", RuntimeWarning, stacklevel=2)
    if method == "adam":
        info.update(lr=lr, lr_decay=lr_decay)
        if lr_milestones:
            info.update(lr_milestones=list(lr_milestones), lr_gamma=lr_gamma)
    return SlowPoints(states=v, speed=S, grad_norm=grad_norm, outcome=outcome, n_iter=n_iter, inputs=x,
                      initial_states=v0, labels=labels, jacobians=JF, arch=dyn.arch,
                      hidden_size=dyn.h_size, components=components, method=method, info=info,
                      continuous=dyn.continuous, stationarity=cos, nonfinite=nonfinite)

