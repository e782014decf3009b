"""mem.init: orientation (impulse responses), the matrices themselves, and initialize()."""
import re

import pytest
import torch

from mem import init
from mem.models import RNNClassifier


def _impulse(W, steps):
    """Linear impulse response of h_t = W h_{t-1} from unit 0: (steps, N), row t = W^t e_0."""
    h = torch.zeros(W.shape[0])
    h[0] = 1.0
    out = []
    for _ in range(steps):
        out.append(h)
        h = W @ h
    return torch.stack(out)


def test_chain_moves_an_impulse_from_the_head_down_the_chain():
    n, alpha = 6, 1.5
    W = init.chain_(torch.empty(n, n), alpha)
    r = _impulse(W, n + 1)
    for t in range(n):  # at step t all activity sits at unit t, amplified alpha**t
        expected = torch.zeros(n)
        expected[t] = alpha ** t
        assert torch.allclose(r[t], expected)
    assert r[n].abs().max() == 0  # nilpotent: gone after N steps


def test_the_authors_torch_orientation_loses_the_impulse_at_once():
    """The superdiagonal (the Keras matrix used unchanged under W h) sends unit 0's activity nowhere."""
    n = 6
    W = init.chain_(torch.empty(n, n), 1.0).T
    r = _impulse(W, 3)
    assert r[1].abs().max() == 0


def test_the_input_enters_at_the_chains_head_in_a_real_network():
    m = RNNClassifier("rnn_tanh", 3, 10, 2)
    init.initialize(m, "chain", gain=1.0)
    x = torch.zeros(1, 12, 3)
    x[0, 0, 0] = 1.0  # input channel 0 once, at t = 0
    h = m(x).h[0].detach()
    active = (h.abs() > 1e-6).int()
    assert torch.equal(active[:10], torch.eye(10, dtype=torch.int32))  # unit t is active at step t
    assert active[10:].sum() == 0
    assert h[0, 0] == pytest.approx(torch.tanh(torch.tensor(0.9)).item())


def test_fbchain_orthogonal_identity_source_ramp():
    n = 5
    W = init.fbchain_(torch.empty(n, n))
    assert W[1, 0] == pytest.approx(0.99) and W[0, 1] == pytest.approx(0.04) and W.diagonal().abs().sum() == 0
    Q = init.orthogonal_(torch.empty(n, n), gain=0.5, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(Q @ Q.T, 0.25 * torch.eye(n), atol=1e-6)
    Q2 = init.orthogonal_(torch.empty(n, n), gain=0.5, generator=torch.Generator().manual_seed(0))
    assert torch.equal(Q, Q2)
    assert torch.equal(init.identity_(torch.empty(n, n), 2.0), 2.0 * torch.eye(n))
    U = init.source_(torch.empty(n, 2))
    assert torch.equal(U, 0.9 * torch.eye(n, 2))
    R = init.ramp_(torch.empty(n, n), end_gain=0.01)
    assert R[n - 1, 0] == pytest.approx(0.01) and R[0, n - 1] == pytest.approx(-0.01)
    assert R[2, 1] > 0 > R[1, 2] and R.diagonal().abs().sum() == 0


@pytest.mark.parametrize("arch,blocks", [("rnn_elu", 1), ("gru", 3), ("lstm", 4)])
def test_initialize_fills_every_gate_block(arch, blocks):
    m = RNNClassifier(arch, 4, 8, 3, seed=0)
    init.initialize(m, "chain")
    W = m.rnn.weight_hh_l0.detach()
    assert W.shape == (blocks * 8, 8)
    for k in range(blocks):
        assert torch.equal(W[8 * k:8 * (k + 1)], init.chain_(torch.empty(8, 8), 1.02))
        assert torch.equal(m.rnn.weight_ih_l0.detach()[8 * k:8 * (k + 1)], 0.9 * torch.eye(8, 4))
    assert m.rnn.bias_hh_l0.abs().sum() == 0 and m.rnn.bias_ih_l0.abs().sum() == 0


def test_initialize_orthogonal_is_seeded_and_mixed_is_lstm_only():
    a = init.initialize(RNNClassifier("rnn_elu", 1, 6, 2), "orthogonal", seed=3).rnn.weight_hh_l0.detach()
    b = init.initialize(RNNClassifier("rnn_elu", 1, 6, 2), "orthogonal", seed=3).rnn.weight_hh_l0.detach()
    c = init.initialize(RNNClassifier("rnn_elu", 1, 6, 2), "orthogonal", seed=4).rnn.weight_hh_l0.detach()
    assert torch.equal(a, b) and not torch.equal(a, c)
    m = init.initialize(RNNClassifier("lstm", 2, 6, 2), "mixed")
    W = m.rnn.weight_hh_l0.detach()
    assert torch.equal(W[12:18], init.chain_(torch.empty(6, 6), 1.02))  # the cell candidate g
    assert torch.allclose(W[:6], init.ramp_(torch.empty(6, 6)))
    with pytest.raises(ValueError, match="'mixed' is for LSTMs only"):
        init.initialize(RNNClassifier("gru", 2, 6, 2), "mixed")
    before = {k: v.clone() for k, v in RNNClassifier("gru", 2, 6, 2, seed=1).state_dict().items()}
    after = init.initialize(RNNClassifier("gru", 2, 6, 2, seed=1), "default").state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


def test_validation():
    with pytest.raises(ValueError, match="tensor must be a square 2-D"):
        init.chain_(torch.empty(3, 4))
    with pytest.raises(ValueError, match="alpha must be finite"):
        init.chain_(torch.empty(3, 3), float("nan"))
    with pytest.raises(ValueError, match="at most as many columns"):
        init.source_(torch.empty(2, 3))
    with pytest.raises(ValueError, match="scheme must be one of"):
        init.initialize(RNNClassifier("rnn_elu", 1, 4, 2), "xavier")
    with pytest.raises(TypeError, match=re.escape("model must be a mem.models.RNNClassifier")):
        init.initialize(torch.nn.RNN(2, 3), "chain")
    with pytest.raises(ValueError, match=r"input_size \(5\) must be <= hidden_size \(4\)"):
        init.initialize(RNNClassifier("rnn_elu", 5, 4, 2), "chain")
    with pytest.raises(ValueError, match="weight_hh must have shape"):
        init.gated_(torch.empty(12, 4), [init.chain_] * 4)


def test_matrix_is_the_initialiser_in_double_precision():
    A = init.matrix(init.chain_, 4, 1.5)
    assert A.dtype == "float64" and A.shape == (4, 4)
    assert (A == torch.diag(torch.full((3,), 1.5, dtype=torch.float64), -1).numpy()).all()
    g = torch.Generator().manual_seed(0)
    Q = init.matrix(init.orthogonal_, 6, 0.5, generator=g)
    assert abs(Q @ Q.T - 0.25 * torch.eye(6, dtype=torch.float64).numpy()).max() < 1e-12


def test_comparison_matrices_are_chapter_6s():
    import numpy as np
    mats = init.comparison_matrices(20, seed=0)
    assert list(mats) == ["chain α=1.02", "chain α=1 (delay line)", "fbchain", "orthogonal ×0.99", "identity ×0.99",
                          "random ×0.99"]
    for label in ("orthogonal ×0.99", "identity ×0.99", "random ×0.99"):
        assert np.abs(np.linalg.eigvals(mats[label])).max() == pytest.approx(0.99)
    assert np.array_equal(mats["chain α=1.02"], init.matrix(init.chain_, 20, 1.02))
    assert not np.array_equal(mats["random ×0.99"], init.comparison_matrices(20, seed=1)["random ×0.99"])


def test_a_refused_initialisation_leaves_the_model_as_it_was():
    # issue 18: chain with more inputs than units used to overwrite the recurrent weights, then raise
    from mem.init import initialize
    from mem.models import RNNClassifier
    m = RNNClassifier("gru", 5, 4, seed=0)
    before = {k: v.clone() for k, v in m.state_dict().items()}
    for scheme in ("chain", "fbchain"):
        with pytest.raises(ValueError, match="input_size \\(5\\) must be <= hidden_size \\(4\\)"):
            initialize(m, scheme)
    assert all(torch.equal(before[k], v) for k, v in m.state_dict().items())
