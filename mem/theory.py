"""Linear theory of memory: Fisher memory curves and measures of non-normality (chapter 6).

Why do chain-like recurrent matrices remember better than orthogonal or identity
ones (Orhan & Pitkow 2020, "Improved memory in recurrent neural networks with
sequential non-normal dynamics", ICLR)? Their answer is the *Fisher memory* of
linear networks (Ganguli, Huh & Sompolinsky 2008, PNAS)::

    x_{t+1} = A x_t + v s_t + z_t,        z_t ~ N(0, noise * I),   s_t of unit variance

:func:`fisher_memory` returns J(k) = (A^k v)^T C^{-1} (A^k v), how much the state
says about the signal ``k`` steps ago, with C the covariance of the noise in the
state. For every *normal* A the total :func:`total_memory` is ``||v||^2 / noise``,
whatever the eigenvalues; for any A it is at most ``N ||v||^2 / noise``.
Only non-normal matrices approach that bound, and the chain (a delay line,
:func:`delay_line_memory`) does so in closed form.

Conventions are torch's: ``h_{t+1} = W h_t``, so ``W[i, j]`` is the weight *from*
unit ``j`` *to* unit ``i`` and a chain from unit 0 (its head, where the input
enters) to unit N-1 has ``W[i + 1, i] = alpha`` (the **subdiagonal**).

The second half measures non-normality: :func:`henrici` (departure from
normality), :func:`schur_departure` (the matrix behind it), :func:`chain_energy`
(weight on one diagonal) and :func:`chain_profile` (the "hidden chain" motif of
the paper's Fig. 5). Everything accepts numpy arrays or torch tensors and
returns numpy arrays or python floats.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import linalg

from ._checks import check_array, check_bool, check_count, check_dict, check_float

__all__ = [
    "MAX_HARMONIC",
    "MAX_HORIZON",
    "METHODS",
    "RADIUS_TOL",
    "chain_energy",
    "chain_profile",
    "delay_line_memory",
    "delay_line_totals",
    "fisher_memory",
    "harmonic_number",
    "henrici",
    "impulse_path",
    "memory_summary",
    "memory_table",
    "schur_departure",
    "total_memory",
    "transient_amplification",
]

#: Longest default horizon of :func:`fisher_memory` (steps); reached only for spectral radii very close to 1.
#: Also the largest ``horizon`` and ``n_steps`` the functions here take (longer runs would exhaust memory or hang).
MAX_HORIZON = 100_000
#: Largest ``n`` of :func:`harmonic_number` (summed term by term; H_n = ln n + 0.5772... + 1/(2n) beyond).
MAX_HARMONIC = 10_000_000
#: Spectral radii within this of 1 count as 1 in :func:`fisher_memory` (sqrt of float64's epsilon): the
#: computed eigenvalues of a unit-radius matrix carry round-off of either sign, which depends on the CPU's
#: kernels, and a stationary covariance this close to the edge cannot be summed anyway.
RADIUS_TOL = 1.5e-8
_RTOL = 1e-12   # default horizon: stop once the neglected tail is below this fraction of the memory so far
#: Methods of :func:`henrici`.
METHODS = ("schur", "eigvals")


# ---------------------------------------------------------------------------------------------- validation

def _matrix(A, name: str = "A") -> np.ndarray:
    A = check_array(name, A)
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise ValueError(f"{name} must be a square 2-D matrix (N, N), got shape {A.shape}")
    if not np.isfinite(A).all():
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return A


def _vector(v, n: int) -> np.ndarray:
    v = check_array("v", v)
    if v.shape != (n,):
        raise ValueError(f"v must have shape (N,) = ({n},), got {v.shape}")
    if not np.isfinite(v).all():
        raise ValueError("v must be finite (no NaN or inf)")
    return v


def _positive(value, name: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number > 0, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite and > 0, got {value:g}")
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {value:g}")
    return value


# ---------------------------------------------------------------------------------------------- Fisher memory

def _gramian(A: np.ndarray, steps: int | None = None) -> np.ndarray:
    """sum_{k < steps} A^k A^kT (N, N) by doubling; ``steps=None``: the infinite sum (spectral radius < 1).

    Doubling (Smith's method) adds positive semi-definite terms only, so nothing cancels,
    and it is exact for nilpotent matrices, where scipy's Lyapunov solver can fail.
    """
    n = len(A)
    C, P = np.eye(n), A.copy()                      # C = C_m, P = A^m, with m = 1, 2, 4, ...
    blocks = [(C, P)]                               # (C_{2^j}, A^{2^j})
    for _ in range(100):
        if steps is not None and 2 ** len(blocks) > steps:
            break
        term = P @ C @ P.T
        C, P = C + term, P @ P
        if not (np.isfinite(C).all() and np.isfinite(P).all()):
            raise ValueError("the state covariance overflows: A grows too fast for this horizon")
        blocks.append((C, P))
        if steps is None and (not P.any() or np.abs(term).max() <= 1e-17 * np.abs(C).max()):
            return (C + C.T) / 2
    if steps is None:
        raise ValueError("the state covariance does not converge (spectral radius too close to 1): pass horizon")
    S, R = np.zeros((n, n)), np.eye(n)              # C_T = sum over the bits of T: C_{a+b} = C_a + A^a C_b A^aT
    for j, (Cj, Pj) in enumerate(blocks):
        if steps >> j & 1:
            S, R = S + R @ Cj @ R.T, R @ Pj
    return (S + S.T) / 2


def fisher_memory(A, v, horizon: int | None = None, noise: float = 1.0) -> np.ndarray:
    """Fisher memory curve J(k) of the linear network x_{t+1} = A x_t + v s_t + z_t (chapter 6).

    J(k) = (A^k v)^T C^{-1} (A^k v) (Ganguli et al. 2008) is the Fisher information that the
    current state carries about the signal ``s`` of ``k`` steps ago (unit signal variance,
    noise ``z_t ~ N(0, noise * I)``).

    * ``horizon=None``: the network has run forever. Needs spectral radius < 1; C is the
      stationary noise covariance ``noise * sum_k A^k A^kT`` (solution of C = A C A^T + noise I).
      The curve stops at the first K where the neglected tail sum_{k >= K} J(k), bounded by
      ``||C^-1|| u^T P u`` with u = A^K v and P = sum_k A^kT A^k, is below 1e-12 of sum_{k < K} J(k)
      (at most :data:`MAX_HORIZON` steps, with a warning). For nilpotent A (a chain) the
      curve is exactly zero from k = N on, so K <= N. Strongly non-normal A (an fbchain with a
      large backward weight) can make C too ill-conditioned to compute: then a ValueError says
      so, rather than a wrong curve.
    * ``horizon=T``: the network started from zero and ran T steps; C_T = noise * sum_{k<T} A^k A^kT
      and k = 0..T-1. Works for any spectral radius (unstable, explosive matrices included),
      as long as C_T stays well-conditioned.

    Parameters
    ----------
    A : (N, N) array or tensor, recurrent matrix (torch convention, ``x_{t+1} = A x_t``)
    v : (N,) array or tensor, input vector
    horizon : None (stationary network) or a positive integer T, at most :data:`MAX_HORIZON`
    noise : variance of the state noise per unit, > 0

    Returns
    -------
    J : ndarray (K,), J(k) for k = 0..K-1 (K = T when ``horizon`` is given)
    """
    A = _matrix(A)
    v = _vector(v, len(A))
    noise = _positive(noise, "noise")
    if horizon is not None:
        T = check_count("horizon", horizon, 1, MAX_HORIZON)
        U = np.empty((len(A), T))                    # column k: A^k v
        U[:, 0] = v
        for k in range(1, T):
            U[:, k] = A @ U[:, k - 1]
        C = linalg.cho_factor(noise * _gramian(A, T))
        return np.einsum("ik,ik->k", U, linalg.cho_solve(C, U))
    radius = np.abs(np.linalg.eigvals(A)).max()
    if radius >= 1 - RADIUS_TOL:   # an orthogonal matrix's radius can come out 1 - 4e-16 on some CPU kernels
        raise ValueError(f"A has spectral radius {radius:.4g} >= 1 (to within {RADIUS_TOL:g}): no stationary state; "
                         "pass horizon (a positive integer) for the finite-time memory")
    C = noise * _gramian(A)
    floor = np.linalg.eigvalsh(C)[0]                 # ||C^-1|| = 1 / floor (and floor >= noise)
    if not floor >= noise * (1 - 1e-6):              # C = noise I + (PSD): anything less is round-off
        raise ValueError(f"A is too far from normal for an accurate stationary covariance (its smallest "
                         f"eigenvalue came out {floor:.3g}, but it must be >= noise = {noise:g}); "
                         "pass horizon (a positive integer) for the finite-time memory")
    P = _gramian(A.T)                                # sum_k A^kT A^k: tail from u = A^K v <= u^T P u / floor
    C, J, total, u = linalg.cho_factor(C), [], 0.0, v
    while u @ P @ u / floor > _RTOL * total or not J:
        if len(J) == MAX_HORIZON:
            warnings.warn(f"fisher_memory: stopped at MAX_HORIZON = {MAX_HORIZON} steps with a tail of up "
                          f"to {u @ P @ u / floor:.3g} left out; pass horizon", RuntimeWarning, stacklevel=2)
            break
        J.append(u @ linalg.cho_solve(C, u))
        total += J[-1]
        u = A @ u
    return np.array(J)


def total_memory(A, v, horizon: int | None = None, noise: float = 1.0) -> float:
    """Total Fisher memory J_tot = sum_k J(k) of :func:`fisher_memory` (chapter 6).

    ``||v||^2 / noise`` for every normal A (orthogonal, scaled identity, symmetric; also for
    a finite ``horizon``), and at most ``N ||v||^2 / noise`` for any A (Ganguli et al. 2008).
    Same arguments as :func:`fisher_memory`; returns a python float.
    """
    return float(fisher_memory(A, v, horizon=horizon, noise=noise).sum())


def delay_line_memory(n: int, alpha: float = 1.0, noise: float = 1.0) -> np.ndarray:
    """Closed-form Fisher memory curve of a chain fed at its head (chapter 6).

    The chain is ``W[i + 1, i] = alpha`` (N = n units) with input ``v = e_0``. Then
    A^k v = alpha^k e_k and C is diagonal, C_ii = noise * sum_{j<=i} alpha^{2j}, so

        J(k) = alpha^{2k} / (noise * sum_{j=0}^{k} alpha^{2j})   for k < n (and 0 beyond).

    With alpha = 1, J(k) = 1 / (k + 1) and the total is the harmonic number H_n; as alpha
    grows, J(k) -> 1 - 1/alpha^2 for every k and the total approaches the bound n / noise.
    The geometric sums are taken with ``expm1`` in powers of min(alpha^2, alpha^-2) <= 1: no overflow.

    Parameters
    ----------
    n : number of units, a positive integer (at most :data:`MAX_HORIZON`)
    alpha : chain gain, a finite real (only ``|alpha|`` matters)
    noise : state noise variance, > 0

    Returns
    -------
    J : ndarray (n,)
    """
    n = check_count("n", n, 1, MAX_HORIZON)
    noise = _positive(noise, "noise")
    a = abs(check_float("alpha", alpha))
    k = np.arange(n, dtype=float)
    if a == 0:
        return np.where(k == 0, 1.0, 0.0) / noise
    if a == 1:
        return 1.0 / ((k + 1) * noise)
    L = -2 * abs(math.log(a))                        # log of the ratio q = min(a^2, a^-2) < 1
    S = np.expm1((k + 1) * L) / math.expm1(L)        # sum_{m=0}^{k} q^m
    # a > 1: J = 1 / sum_m a^{-2m};  a < 1: J = a^{2k} / sum_m a^{2m}
    return (np.ones(n) if a > 1 else np.exp(k * L)) / (noise * S)


def transient_amplification(A, v, n_steps: int) -> np.ndarray:
    """Norms ||A^k v|| for k = 0..n_steps-1, shape (n_steps,) (chapter 6).

    Orhan & Pitkow's "transient amplification": for a normal contraction the norm never
    grows; for a chain with alpha > 1 fed at its head it grows as alpha^k up to k = N - 1
    and is exactly 0 from k = N on. A : (N, N); v : (N,); n_steps : at most :data:`MAX_HORIZON`.
    """
    A = _matrix(A)
    v = _vector(v, len(A))
    out = np.empty(check_count("n_steps", n_steps, 1, MAX_HORIZON))
    for k in range(len(out)):
        out[k], v = np.linalg.norm(v), A @ v
    return out


# ---------------------------------------------------------------------------------------------- non-normality

def schur_departure(W) -> np.ndarray:
    """Strictly upper-triangular part N (complex, (N, N)) of the complex Schur form W = Z (D + N) Z^H (chapter 6).

    D holds the eigenvalues; N is what makes W non-normal (N = 0 iff W is normal), and
    ``||N||_F`` is Henrici's departure from normality (:func:`henrici`). Z is not unique,
    and neither is N, but its Frobenius norm is.
    """
    T, _ = linalg.schur(_matrix(W, "W"), output="complex")
    return np.triu(T, 1)


def henrici(W, relative: bool = False, method: str = "schur") -> float:
    """Henrici's departure from normality ``d(W) = sqrt(||W||_F^2 - sum_i |lambda_i|^2)`` (chapter 6).

    0 for normal matrices (orthogonal, symmetric, scaled identity). ``relative=True``
    divides by ||W||_F: 0 for normal, 1 for nilpotent matrices (all eigenvalues 0).

    ``method="schur"`` (default) returns ||N||_F of :func:`schur_departure`, which equals
    the formula exactly, since ``||W||_F^2 = sum |lambda|^2 + ||N||_F^2``, without subtracting
    two nearly equal sums. ``method="eigvals"`` is the textbook formula with
    ``np.linalg.eigvals`` (what the paper's code computes), clipped at 0.

    Warning: for (near-)nilpotent chain matrices the eigenvalues are hypersensitive. A
    Jordan-like block of size N perturbed by eps moves its eigenvalues by ~ eps^(1/N) (0.8 for
    eps = 1e-10 and N = 100), so the Henrici index of an exact chain is unreliable by either
    method and collapses under tiny perturbations (training noise, rounding). For chains,
    :func:`chain_energy` is the robust detector.

    Parameters
    ----------
    W : (N, N) array or tensor
    relative : divide by ||W||_F (0 is returned for W = 0)
    method : "schur" or "eigvals"

    Returns
    -------
    float
    """
    if not isinstance(method, str):
        raise TypeError(f"method must be one of {METHODS}, got {method!r} ({type(method).__name__})")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    relative = check_bool("relative", relative)
    W = _matrix(W, "W")
    if method == "schur":
        d = float(np.linalg.norm(schur_departure(W)))
    else:
        d = math.sqrt(max(np.sum(W ** 2) - np.sum(np.abs(np.linalg.eigvals(W)) ** 2), 0.0))
    norm = float(np.linalg.norm(W))
    return (d / norm if norm > 0 else 0.0) if relative else d


def chain_energy(W, offset: int = 1) -> float:
    """Fraction of ||W||_F^2 on the diagonal i - j = offset (chapter 6).

    With torch's convention (W[i, j]: from unit j to unit i) a forward chain lives on
    offset +1 and gives 1; a random matrix gives about ``(N - |offset|) / N^2``, roughly 1/N.
    Unlike :func:`henrici` it does not depend on eigenvalues, so it stays put under small
    perturbations. W : (N, N), not all zero; offset : integer with ``|offset| < N``.
    """
    W = _matrix(W, "W")
    n = len(W)
    offset = check_count("offset", offset, -(n - 1), n - 1)  # |offset| < N
    total = np.sum(W ** 2)
    if total == 0:
        raise ValueError("W must not be all zero (chain_energy is a fraction of its squared norm)")
    return float(np.sum(np.diagonal(W, -offset) ** 2) / total)


def chain_profile(W, activity) -> tuple[np.ndarray, np.ndarray]:
    """The "hidden chain" motif of Orhan & Pitkow's Fig. 5 (Rajan, Harvey & Tank 2016) (chapter 6).

    Units are ordered by the time at which their mean activity peaks (argmax over time,
    ties to the earlier time, then to the lower unit index); W's rows and columns are
    permuted into that order and averaged over each diagonal i - j = offset. Since
    W[i, j] is the weight from unit j to unit i, a forward chain (earlier-peaking units
    driving later ones) shows a bump at *positive* offsets, whatever the units' labels.

    Parameters
    ----------
    W : (N, N) array or tensor, recurrent matrix
    activity : (T, N) or (B, T, N) hidden states (averaged over the batch first)

    Returns
    -------
    offsets : ndarray (2N-1,) int, -(N-1)..N-1
    profile : ndarray (2N-1,), mean of the reordered W over each diagonal i - j = offset
    """
    W = _matrix(W, "W")
    n = len(W)
    h = check_array("activity", activity)
    if h.ndim not in (2, 3) or h.shape[-1] != n or h.shape[-2] == 0 or h.size == 0:
        raise ValueError(f"activity must have shape (T, N) or (B, T, N) with N = {n}, got {h.shape}")
    if not np.isfinite(h).all():
        raise ValueError("activity must be finite (no NaN or inf)")
    mean = h.mean(axis=0) if h.ndim == 3 else h
    order = np.argsort(np.argmax(mean, axis=0), kind="stable")
    Wp = W[np.ix_(order, order)]
    offsets = np.arange(-(n - 1), n)
    return offsets, np.array([np.diagonal(Wp, -o).mean() for o in offsets])


# ---------------------------------------------------------------------------------------------- tables of chapter 6

def harmonic_number(n: int) -> float:
    """H_n = 1 + 1/2 + ... + 1/n, the total Fisher memory of a delay line of n units fed at its head
    (:func:`delay_line_memory` with alpha = 1) (chapter 6). ``n`` : a non-negative integer (H_0 = 0), at most
    :data:`MAX_HARMONIC`."""
    n = check_count("n", n, 0, MAX_HARMONIC)
    return sum(1 / k for k in range(1, n + 1))


def impulse_path(W, n_steps: int, unit: int = 0) -> list:
    """Which unit holds an impulse put into ``unit``, step by step under ``h_t = W h_{t-1}`` (chapter 6).

    Parameters
    ----------
    W : (N, N) matrix (numpy or torch); ``W[i, j]`` is the weight from unit j to unit i
    n_steps : number of steps t = 0..n_steps-1, at most :data:`MAX_HORIZON`
    unit : the unit the impulse starts in, 0..N-1

    Returns
    -------
    list of n_steps entries: the index of the largest entry of ``W^t e_unit``, or None once it is all zero.
    A subdiagonal chain gives ``[0, 1, 2, ...]``; a superdiagonal one loses an impulse at its head at once.
    """
    W = _matrix(W, "W")
    n_steps = check_count("n_steps", n_steps, 1, MAX_HORIZON)
    unit = check_count("unit", unit, 0, len(W) - 1)
    path = []
    for t in range(n_steps):
        r = np.linalg.matrix_power(W, t)[:, unit]
        path.append(int(np.argmax(r)) if r.any() else None)
    return path


def memory_table(matrices, v):
    """Total Fisher memory, its support and Henrici's relative index of several matrices (chapter 6).

    Parameters
    ----------
    matrices : dict ``{label: A (N, N)}`` (numpy or torch)
    v : (N,) input vector, the same for every matrix

    Returns
    -------
    pandas DataFrame, one row per label, with columns ``J_tot`` (:func:`total_memory`),
    ``lags with J > 0`` (lags where :func:`fisher_memory` exceeds 1e-12) and ``Henrici (relative)``
    (:func:`henrici` with ``relative=True``).
    """
    import pandas as pd

    check_dict("matrices", matrices, "{label: (N, N) matrix}")
    J = {k: fisher_memory(A, v) for k, A in matrices.items()}
    return pd.DataFrame({"J_tot": {k: j.sum() for k, j in J.items()},
                         "lags with J > 0": {k: int((j > 1e-12).sum()) for k, j in J.items()},
                         "Henrici (relative)": {k: henrici(A, relative=True) for k, A in matrices.items()}})


def delay_line_totals(alphas, sizes, noise: float = 1.0):
    """Total Fisher memory of a chain fed at its head against its gain and its length (chapter 6).

    Parameters
    ----------
    alphas : sequence of chain gains (A,)
    sizes : sequence of chain lengths N (S,), positive integers (at most :data:`MAX_HORIZON`)
    noise : state noise variance, > 0

    Returns
    -------
    pandas DataFrame (A, S): rows ``alphas``, columns ``sizes``, entries ``delay_line_memory(N, alpha).sum()``.
    """
    import pandas as pd

    for i, n in enumerate(_sequence("sizes", sizes, "positive integers")):
        check_count(f"sizes[{i}]", n, 1, MAX_HORIZON)
    for i, a in enumerate(_sequence("alphas", alphas, "real numbers")):
        check_float(f"alphas[{i}]", a)
    noise = _positive(noise, "noise")
    return pd.DataFrame({n: [delay_line_memory(n, a, noise).sum() for a in alphas] for n in sizes}, index=alphas)


def _sequence(name: str, values, what: str) -> list:
    """``values`` (a list, tuple, array or other sized iterable, not a str or a dict) as a non-empty list."""
    if isinstance(values, (str, bytes, dict)) or not (hasattr(values, "__len__") and hasattr(values, "__iter__")):
        raise TypeError(f"{name} must be a non-empty sequence of {what}, got {values!r}")
    values = list(values)
    if not values:
        raise ValueError(f"{name} must be a non-empty sequence of {what}, got an empty one")
    return values


def memory_summary(A, v, n_steps: int) -> dict:
    """One matrix's memory in four numbers, input ``v`` (chapter 6).

    Parameters
    ----------
    A : (N, N) matrix; v : (N,) input vector
    n_steps : steps of :func:`transient_amplification` searched for the peak

    Returns
    -------
    ``{"J_tot": total Fisher memory, "J at lags ≥ N": the part of it beyond lag N - 1 (0 for a pure chain),
    "peak ‖A^k v‖": largest transient amplification, "Henrici (rel.)": relative departure from normality}``.
    """
    A = _matrix(A)
    J = fisher_memory(A, v)
    return {"J_tot": J.sum(), "J at lags ≥ N": J[len(A):].sum(),
            "peak ‖A^k v‖": transient_amplification(A, v, n_steps).max(), "Henrici (rel.)": henrici(A, relative=True)}
