import math

import numpy as np
import pytest
import torch
from scipy import linalg

from mem import theory as th


def _chain(n, alpha=1.0):
    return alpha * np.eye(n, k=-1)                  # W[i + 1, i] = alpha: head (unit 0) -> tail (unit n-1)


def _e(n, i):
    return np.eye(n)[i]


def _unit(rng, n):
    v = rng.normal(size=n)
    return v / np.linalg.norm(v)


def _orthogonal(rng, n):
    return np.linalg.qr(rng.normal(size=(n, n)))[0]


def _scaled(M, radius):
    return M * radius / np.abs(np.linalg.eigvals(M)).max()


def _naive_fisher(A, v, T, noise=1.0):
    """Textbook finite-horizon curve: explicit sum of powers, dense solve."""
    powers = [np.linalg.matrix_power(A, k) for k in range(T)]
    C = noise * sum(P @ P.T for P in powers)
    return np.array([(P @ v) @ np.linalg.solve(C, P @ v) for P in powers])


# ------------------------------------------------------------------------------------------- delay line

def test_delay_line_with_unit_gain_is_harmonic():
    J = th.delay_line_memory(100)
    np.testing.assert_allclose(J, 1 / np.arange(1, 101), rtol=1e-14)
    assert J.sum() == pytest.approx(5.187377517639621, rel=1e-12)     # H_100


@pytest.mark.parametrize("alpha, total", [(1.02, 7.605957979515536), (1.05, 12.087272121224808),
                                          (2.0, 75.31582326452506)])
def test_delay_line_totals_match_the_direct_sum(alpha, total):
    J = th.delay_line_memory(100, alpha)
    direct = [alpha ** (2 * k) / sum(alpha ** (2 * j) for j in range(k + 1)) for k in range(100)]
    np.testing.assert_allclose(J, direct, rtol=1e-12)
    assert J.sum() == pytest.approx(total, rel=1e-12)


def test_delay_line_extreme_gains_noise_and_sign():
    big = th.delay_line_memory(50, 1e3)             # alpha^(2k) = 1e294 would overflow the naive formula
    assert np.isfinite(big).all() and big[0] == 1.0
    np.testing.assert_allclose(big[1:], 1 - 1e-6, rtol=1e-9)
    assert th.delay_line_memory(50, 1e200).sum() == pytest.approx(50)    # the bound N / noise
    np.testing.assert_allclose(th.delay_line_memory(4, 0.5), [1, 0.25 / 1.25, 0.0625 / 1.3125,
                                                              0.015625 / 1.328125], rtol=1e-13)
    np.testing.assert_allclose(th.delay_line_memory(10, -1.3), th.delay_line_memory(10, 1.3), rtol=1e-15)
    np.testing.assert_array_equal(th.delay_line_memory(3, 0.0, noise=0.5), [2.0, 0.0, 0.0])
    np.testing.assert_allclose(th.delay_line_memory(30, 1.02, noise=0.25), 4 * th.delay_line_memory(30, 1.02))
    near = th.delay_line_memory(100, 1 + 1e-12)     # expm1: no cancellation next to alpha = 1
    np.testing.assert_allclose(near, th.delay_line_memory(100, 1.0), rtol=1e-9)


@pytest.mark.parametrize("n", [20, 100])
@pytest.mark.parametrize("alpha", [1.0, 1.02, 1.3, 2.0])
def test_closed_form_agrees_with_stationary_and_finite_horizon(n, alpha):
    A, e0 = _chain(n, alpha), _e(n, 0)
    closed = th.delay_line_memory(n, alpha, noise=0.7)
    stationary = th.fisher_memory(A, e0, noise=0.7)
    assert len(stationary) == n                     # nilpotent: exactly zero from k = N on
    np.testing.assert_allclose(stationary, closed, rtol=1e-8)
    np.testing.assert_allclose(th.fisher_memory(A, e0, horizon=n, noise=0.7), closed, rtol=1e-8)
    np.testing.assert_allclose(th.fisher_memory(A, e0, horizon=n + 7, noise=0.7)[n:], 0.0, atol=0)


@pytest.mark.parametrize("alpha", [1.0, 1.02, 2.0])
def test_chain_fed_at_its_tail_forgets_at_once(alpha):
    n, noise = 100, 0.5
    J = th.fisher_memory(_chain(n, alpha), _e(n, n - 1), noise=noise)
    assert len(J) == 1                              # A v = 0
    expected = 1 / (noise * sum(alpha ** (2 * j) for j in range(n)))    # 1 / C[n-1, n-1]
    assert J[0] == pytest.approx(expected, rel=1e-10)
    assert th.total_memory(_chain(n, alpha), _e(n, n - 1)) == pytest.approx(noise * expected, rel=1e-10)


def test_chain_fed_through_a_random_vector_remembers_much_less():
    n, alpha = 100, 1.02
    head = th.total_memory(_chain(n, alpha), _e(n, 0))
    for seed in range(3):
        mixed = th.total_memory(_chain(n, alpha), _unit(np.random.default_rng(seed), n))
        assert 0.1 < mixed < 2 < head / 3


# ------------------------------------------------------------------------------------------- Fisher memory

def _normal_matrices(n=30, seed=1):
    rng = np.random.default_rng(seed)
    S = rng.normal(size=(n, n))
    return {"orthogonal": 0.9 * _orthogonal(rng, n), "identity": 0.95 * np.eye(n),
            "symmetric": _scaled(S + S.T, 0.9)}


@pytest.mark.parametrize("name", ["orthogonal", "identity", "symmetric"])
def test_normal_matrices_have_total_memory_norm_v_squared_over_noise(name):
    A = _normal_matrices()[name]
    v = _unit(np.random.default_rng(2), len(A))
    assert th.total_memory(A, v) == pytest.approx(1.0, rel=1e-9)
    assert th.total_memory(A, 2 * v, noise=0.5) == pytest.approx(8.0, rel=1e-9)
    assert th.total_memory(A, v, horizon=20) == pytest.approx(1.0, rel=1e-9)   # exact for any horizon


def test_normal_memory_is_one_even_for_unstable_matrices_with_a_horizon():
    rng = np.random.default_rng(3)
    Q, v = _orthogonal(rng, 20), _unit(rng, 20)
    for radius in (1.0, 1.1):
        assert th.total_memory(radius * Q, v, horizon=50) == pytest.approx(1.0, rel=1e-9)


def test_total_memory_is_at_most_n_and_only_non_normal_matrices_exceed_one():
    n = 20
    for seed in range(5):
        rng = np.random.default_rng(seed)
        G, v = rng.normal(size=(n, n)), _unit(rng, n)
        stable = th.total_memory(_scaled(G, 0.95), v)
        unstable = th.total_memory(_scaled(G, 1.2), v, horizon=40)
        assert 0 < stable <= n and 0 < unstable <= n
        assert th.total_memory(_scaled(G, 0.95), 3 * v, noise=2.0) <= n * 9 / 2
    assert n >= th.total_memory(_chain(n, 3.0), _e(n, 0)) > 0.85 * n     # the chain nearly reaches the bound


def test_stationary_curve_matches_scipy_lyapunov_and_the_trace_formula():
    rng = np.random.default_rng(4)
    A, v = _scaled(rng.normal(size=(15, 15)), 0.9), _unit(rng, 15)
    C = 0.3 * linalg.solve_discrete_lyapunov(A, np.eye(15))
    J = th.fisher_memory(A, v, noise=0.3)
    expected = [(np.linalg.matrix_power(A, k) @ v) @ np.linalg.solve(C, np.linalg.matrix_power(A, k) @ v)
                for k in range(len(J))]
    np.testing.assert_allclose(J, expected, rtol=1e-9)
    Mv = linalg.solve_discrete_lyapunov(A, np.outer(v, v))       # sum_k A^k v v^T A^kT
    assert J.sum() == pytest.approx(np.trace(np.linalg.solve(C, Mv)), rel=1e-9)   # tail really negligible


def test_long_horizon_converges_to_the_stationary_curve_and_short_ones_remember_more():
    rng = np.random.default_rng(5)
    A, v = _scaled(rng.normal(size=(12, 12)), 0.8), _unit(rng, 12)
    stationary = th.fisher_memory(A, v)
    np.testing.assert_allclose(th.fisher_memory(A, v, horizon=400)[:len(stationary)], stationary, rtol=1e-10)
    assert (th.fisher_memory(A, v, horizon=5) > stationary[:5]).all()   # less noise has built up


@pytest.mark.parametrize("T", [1, 2, 3, 7, 13, 32])
def test_finite_horizon_matches_the_naive_sum(T):
    rng = np.random.default_rng(T)
    A, v = _scaled(rng.normal(size=(8, 8)), 1.1), _unit(rng, 8)
    np.testing.assert_allclose(th.fisher_memory(A, v, horizon=T, noise=2.0), _naive_fisher(A, v, T, 2.0),
                               rtol=1e-8)


def test_unstable_matrix_without_horizon_raises():
    Q = _orthogonal(np.random.default_rng(6), 5)
    for A in (Q, 1.01 * Q, _chain(5, 1.0) + np.eye(5)):
        with pytest.raises(ValueError, match=r"spectral radius .* >= 1.*pass horizon"):
            th.fisher_memory(A, _e(5, 0))


def test_fisher_memory_validates_its_arguments():
    A, v = 0.5 * np.eye(5), _e(5, 0)
    with pytest.raises(ValueError, match=r"A must be a square 2-D matrix \(N, N\), got shape \(3, 4\)"):
        th.fisher_memory(np.zeros((3, 4)), v)
    with pytest.raises(ValueError, match=r"A must be a square 2-D matrix \(N, N\), got shape \(5,\)"):
        th.total_memory(np.zeros(5), v)
    with pytest.raises(ValueError, match="A must be finite"):
        th.fisher_memory(np.full((5, 5), np.nan), v)
    with pytest.raises(ValueError, match=r"v must have shape \(N,\) = \(5,\), got \(4,\)"):
        th.fisher_memory(A, np.ones(4))
    with pytest.raises(ValueError, match="noise must be > 0, got -1"):
        th.fisher_memory(A, v, noise=-1)
    with pytest.raises(ValueError, match="noise must be > 0, got 0"):
        th.total_memory(A, v, noise=0)
    for bad, error in ((0, ValueError), (-3, ValueError), (2.5, TypeError), (True, TypeError)):
        with pytest.raises(error, match=r"horizon must be an integer in 1\.\.100000"):
            th.fisher_memory(A, v, horizon=bad)
    with pytest.raises(ValueError, match=r"n must be an integer in 1\.\.100000"):
        th.delay_line_memory(0)
    with pytest.raises(ValueError, match="alpha must be a finite number"):
        th.delay_line_memory(5, alpha=math.inf)
    with pytest.raises(ValueError, match="noise must be > 0"):
        th.delay_line_memory(5, noise=-0.1)
    with pytest.raises(ValueError, match=r"n_steps must be an integer in 1\.\.100000"):
        th.transient_amplification(A, v, 0)


def test_torch_tensors_are_accepted():
    rng = np.random.default_rng(7)
    A, v = _scaled(rng.normal(size=(6, 6)), 0.7), _unit(rng, 6)
    J = th.fisher_memory(torch.tensor(A, requires_grad=True), torch.tensor(v))
    assert isinstance(J, np.ndarray) and J.dtype == np.float64
    np.testing.assert_allclose(J, th.fisher_memory(A, v), rtol=1e-12)
    total = th.total_memory(torch.tensor(A, dtype=torch.float32), torch.tensor(v, dtype=torch.float32), horizon=10)
    assert type(total) is float and total == pytest.approx(th.total_memory(A, v, horizon=10), rel=1e-5)
    assert type(th.henrici(torch.tensor(A))) is float and type(th.chain_energy(torch.tensor(A))) is float


# ------------------------------------------------------------------------------------------- amplification

def test_transient_amplification_of_a_normal_contraction_never_grows():
    rng = np.random.default_rng(8)
    Q, v = _orthogonal(rng, 10), _unit(rng, 10)
    np.testing.assert_allclose(th.transient_amplification(0.9 * Q, v, 30), 0.9 ** np.arange(30), rtol=1e-12)
    S = rng.normal(size=(10, 10))
    norms = th.transient_amplification(_scaled(S + S.T, 0.95), v, 50)
    assert (np.diff(norms) <= 1e-15).all()


def test_transient_amplification_of_a_chain_grows_then_vanishes():
    norms = th.transient_amplification(_chain(10, 1.05), _e(10, 0), 15)
    np.testing.assert_allclose(norms[:10], 1.05 ** np.arange(10), rtol=1e-14)
    np.testing.assert_array_equal(norms[10:], 0.0)
    assert norms.argmax() == 9


# ------------------------------------------------------------------------------------------- non-normality

@pytest.mark.parametrize("method", ["schur", "eigvals"])
def test_henrici_is_zero_for_normal_and_one_for_nilpotent_matrices(method):
    for A in _normal_matrices(n=20).values():
        assert th.henrici(A, relative=True, method=method) < 1e-6
    assert th.henrici(_chain(5, 1.3), relative=True, method=method) == pytest.approx(1.0, abs=1e-12)
    assert th.henrici(_chain(5, 1.3), method=method) == pytest.approx(1.3 * 2, abs=1e-12)
    assert th.henrici(np.zeros((3, 3)), relative=True, method=method) == 0.0


def test_henrici_known_value_and_both_methods_agree():
    b = 3.0
    W = np.array([[1.0, b], [0.0, 2.0]])
    assert th.henrici(W) == pytest.approx(b, rel=1e-12)
    assert th.henrici(W, relative=True) == pytest.approx(b / math.sqrt(5 + b * b), rel=1e-12)
    G = np.random.default_rng(9).normal(size=(30, 30))
    assert th.henrici(G, method="eigvals") == pytest.approx(th.henrici(G), rel=1e-8)
    N = th.schur_departure(G)
    assert np.iscomplexobj(N) and np.allclose(np.tril(N), 0)
    assert np.linalg.norm(N) == pytest.approx(th.henrici(G), rel=1e-12)


def test_schur_method_is_accurate_for_nearly_normal_matrices_of_large_norm():
    rng = np.random.default_rng(10)
    n = 20
    Q = _orthogonal(rng, n)
    upper = np.triu(rng.normal(size=(n, n)), 1)
    upper *= 1e-3 / np.linalg.norm(upper)           # departure 1e-3 on eigenvalues of size 1e6
    W = Q @ (np.diag(np.linspace(1e6, 2e6, n)) + upper) @ Q.T
    assert th.henrici(W) == pytest.approx(1e-3, rel=1e-3)


def test_henrici_of_a_chain_collapses_under_a_tiny_perturbation_but_chain_energy_does_not():
    n = 100
    A = _chain(n, 1.02) + 1e-10 * np.random.default_rng(11).normal(size=(n, n))
    assert th.henrici(A, relative=True) < 0.8       # the exact chain gives 1
    assert th.henrici(A, relative=True, method="eigvals") < 0.8
    assert th.chain_energy(A) > 1 - 1e-12


def test_chain_energy():
    assert th.chain_energy(_chain(50, 1.7)) == pytest.approx(1.0, abs=1e-15)
    assert th.chain_energy(_chain(50, 1.7), offset=-1) == 0.0
    assert th.chain_energy(_chain(50).T, offset=-1) == pytest.approx(1.0, abs=1e-15)      # a backward chain
    n = 200
    G = np.random.default_rng(12).normal(size=(n, n))
    for offset in (1, 0, -5):
        assert 0.5 / n < th.chain_energy(G, offset) < 2 / n
    for bad, error in ((50, ValueError), (-50, ValueError), (1.0, TypeError), (True, TypeError)):
        with pytest.raises(error, match=r"offset must be an integer in -49\.\.49"):
            th.chain_energy(_chain(50), offset=bad)
    with pytest.raises(ValueError, match="W must not be all zero"):
        th.chain_energy(np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"W must be a square 2-D matrix \(N, N\), got shape \(2, 3\)"):
        th.chain_energy(np.zeros((2, 3)))


def _impulse_response(A, steps):
    x, out = _e(len(A), 0), []
    for _ in range(steps):
        out.append(x)
        x = A @ x
    return np.array(out)                            # (T, N)


def test_chain_profile_of_a_chain_peaks_at_plus_one():
    n, alpha = 12, 0.9
    A = _chain(n, alpha)
    offsets, profile = th.chain_profile(A, _impulse_response(A, n))
    np.testing.assert_array_equal(offsets, np.arange(-(n - 1), n))
    assert profile[offsets == 1][0] == pytest.approx(alpha)
    assert profile[offsets == -1][0] == 0.0
    assert np.abs(np.delete(profile, np.flatnonzero(offsets == 1))).max() == 0.0
    # time reversed: the later-peaking units now drive the earlier ones, a backward chain
    _, backward = th.chain_profile(A, _impulse_response(A, n)[::-1])
    assert backward[offsets == -1][0] == pytest.approx(alpha) and backward[offsets == 1][0] == 0.0


def test_chain_profile_recovers_a_hidden_chain_under_a_permutation():
    n, alpha = 30, 1.05
    A = _chain(n, alpha)
    rng = np.random.default_rng(13)
    p = rng.permutation(n)
    Ap = A[np.ix_(p, p)]                            # P A P^T: unit i of the new labels is unit p[i] of the chain
    h = _impulse_response(A, n)[:, p]
    batch = h[None] + 0.01 * rng.normal(size=(8, n, n))   # (B, T, N), averaged over the batch
    for activity in (h, torch.tensor(batch)):
        offsets, profile = th.chain_profile(Ap, activity)
        assert profile[offsets == 1][0] == pytest.approx(alpha)
        assert profile.argmax() == np.flatnonzero(offsets == 1)[0]
    assert th.chain_energy(Ap) < 0.1               # the chain is hidden from the unordered matrix


def test_chain_profile_validates_activity():
    with pytest.raises(ValueError, match=r"activity must have shape \(T, N\) or \(B, T, N\) with N = 4, got \(5, 3\)"):
        th.chain_profile(np.eye(4), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="activity must have shape"):
        th.chain_profile(np.eye(4), np.zeros(4))
    with pytest.raises(ValueError, match="method must be one of"):
        th.henrici(np.eye(3), method="svd")


def test_ill_conditioned_stationary_covariance_raises_instead_of_a_wrong_curve():
    """An fbchain with backward weight 0.16 (N = 100) has a stationary covariance whose computed smallest
    eigenvalue comes out negative; the stationary curve would stop after one lag (J_tot 0.98, truth about
    12.5). It must raise, and the finite-horizon curve still works."""
    from mem import init
    W = torch.empty(100, 100)
    init.fbchain_(W, 0.99, 0.16)
    A, v = W.double().numpy(), np.eye(100)[0]
    with pytest.raises(ValueError, match=r"A is too far from normal.*pass horizon"):
        th.fisher_memory(A, v)
    finite = th.total_memory(A, v, horizon=400)
    assert 12 < finite < 13


def test_chapter6_tables_agree_with_the_closed_forms():
    assert th.harmonic_number(0) == 0 and th.harmonic_number(3) == 1 + 1 / 2 + 1 / 3
    assert th.harmonic_number(50) == pytest.approx(th.delay_line_memory(50).sum(), rel=1e-12)
    W = _chain(5)
    assert th.impulse_path(W, 6) == [0, 1, 2, 3, 4, None]
    assert th.impulse_path(W.T, 3) == [0, None, None]              # the superdiagonal runs backwards
    assert th.impulse_path(W, 3, unit=3) == [3, 4, None]
    n = 30
    mats = {"chain": _chain(n, 1.0), "orthogonal": 0.9 * _orthogonal(np.random.default_rng(0), n)}
    t = th.memory_table(mats, _e(n, 0))
    assert list(t.columns) == ["J_tot", "lags with J > 0", "Henrici (relative)"] and list(t.index) == list(mats)
    assert t.loc["chain", "J_tot"] == pytest.approx(th.harmonic_number(n))
    assert t.loc["chain", "lags with J > 0"] == n and t.loc["chain", "Henrici (relative)"] == pytest.approx(1)
    assert t.loc["orthogonal", "J_tot"] == pytest.approx(1) and t.loc["orthogonal", "Henrici (relative)"] < 1e-6
    totals = th.delay_line_totals([0.9, 1.0, 1.1], (10, 20))
    assert totals.loc[1.0, 20] == pytest.approx(th.harmonic_number(20))
    assert totals.loc[1.1, 10] == pytest.approx(th.delay_line_memory(10, 1.1).sum())
    s = th.memory_summary(_chain(n, 1.0), _e(n, 0), 2 * n)
    assert s["J_tot"] == pytest.approx(th.harmonic_number(n)) and s["J at lags ≥ N"] == 0
    assert s["peak ‖A^k v‖"] == 1 and s["Henrici (rel.)"] == pytest.approx(1)
    back = th.memory_summary(_chain(n, 0.9) + 0.05 * _chain(n).T, _e(n, 0), 4 * n)
    assert back["J at lags ≥ N"] > 0                                # a backward chain keeps signal beyond N
