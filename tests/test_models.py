import pytest
import torch

from mem.models import ARCHS, RNNClassifier, State


@pytest.mark.parametrize("arch", ARCHS)
def test_step_equals_fused_forward(arch, task, gen):
    """Stepping with `step` reproduces the fused nn.GRU / nn.LSTM / nn.RNN forward to 1e-6 (the elu network, which
    has no fused kernel, the equation h' = elu(W_ih x + b_ih + W_hh h + b_hh) computed in the test)."""
    model = RNNClassifier(arch, task.input_size, 32, seed=0)
    with torch.no_grad():  # trained-looking weights: larger than at initialisation
        for p in model.rnn.parameters():
            p.mul_(2.0)
    x = task.sample(8, gen).x
    s0 = model.init_state(8)
    s0 = State(torch.randn(8, 32, generator=gen) * 0.5, None if s0.c is None else torch.randn(8, 32, generator=gen))
    out = model(x, s0)
    s, hs = s0, []
    for t in range(x.shape[1]):
        s = model.step(x[:, t], s)
        hs.append(s.h)
    torch.testing.assert_close(torch.stack(hs, 1), out.h, atol=1e-6, rtol=0)
    if arch == "rnn_elu":  # no fused kernel: forward itself steps, so compare with the equation written out here
        w_ih, w_hh, b_ih, b_hh = (p.detach().double() for p in (model.rnn.weight_ih_l0, model.rnn.weight_hh_l0,
                                                                 model.rnn.bias_ih_l0, model.rnn.bias_hh_l0))
        h, ref = s0.h.double(), []
        for t in range(x.shape[1]):  # in double precision: float32 round-off of 20 steps stays below 1e-5
            pre = x[:, t].double() @ w_ih.T + b_ih + h @ w_hh.T + b_hh
            h = torch.where(pre > 0, pre, torch.expm1(pre))
            ref.append(h)
        torch.testing.assert_close(out.h.double(), torch.stack(ref, 1), atol=1e-5, rtol=0)
    torch.testing.assert_close(s.h, out.state.h, atol=1e-6, rtol=0)
    if arch == "lstm":
        torch.testing.assert_close(s.c, out.state.c, atol=1e-6, rtol=0)
    assert out.logits.shape == (8, 20, 11)
    torch.testing.assert_close(out.logits, model.readout(out.h))


@pytest.mark.parametrize("arch", ARCHS)
def test_state_continues_trajectory(arch, task, gen):
    model = RNNClassifier(arch, task.input_size, 16, seed=1)
    x = task.sample(4, gen).x
    full = model(x)
    first = model(x[:, :7])
    second = model(x[:, 7:], first.state)
    torch.testing.assert_close(torch.cat([first.h, second.h], 1), full.h, atol=1e-6, rtol=0)


def test_step_is_pure_and_jacrev_works(task, gen):
    model = RNNClassifier("lstm", task.input_size, 8, seed=0)
    x = task.sample(1, gen).x[:, 0]
    s = model.init_state(1)
    h_before = s.h.clone()
    model.step(x, s)
    assert torch.equal(s.h, h_before)

    def f(v):
        return model.flatten_state(model.step(x, model.unflatten_state(v[None])))[0]

    J = torch.func.jacrev(f)(torch.zeros(16))
    assert J.shape == (16, 16)


def test_seed_controls_initialisation():
    a, b, c = (RNNClassifier("gru", 10, 8, seed=s) for s in (0, 0, 1))
    assert torch.equal(a.rnn.weight_hh_l0, b.rnn.weight_hh_l0)
    assert not torch.equal(a.rnn.weight_hh_l0, c.rnn.weight_hh_l0)
    state = torch.random.get_rng_state()
    RNNClassifier("gru", 10, 8, seed=5)
    assert torch.equal(state, torch.random.get_rng_state())  # global RNG untouched


def test_flatten_roundtrip_and_sizes():
    lstm = RNNClassifier("lstm", 5, 6)
    s = State(torch.randn(3, 6), torch.randn(3, 6))
    v = lstm.flatten_state(s)
    assert v.shape == (3, 12) and lstm.state_size == 12
    back = lstm.unflatten_state(v)
    assert torch.equal(back.h, s.h) and torch.equal(back.c, s.c)
    assert RNNClassifier("gru", 5, 6).state_size == 6


def test_bad_arguments():
    with pytest.raises(ValueError, match="arch"):
        RNNClassifier("transformer")
    with pytest.raises(ValueError, match="hidden_size"):
        RNNClassifier("gru", 5, 0)
    lstm, gru = RNNClassifier("lstm", 5, 6), RNNClassifier("gru", 5, 6)
    with pytest.raises(ValueError, match="cell state"):
        lstm(torch.zeros(2, 3, 5), State(torch.zeros(2, 6)))
    with pytest.raises(ValueError, match="no cell state"):
        gru(torch.zeros(2, 3, 5), State(torch.zeros(2, 6), torch.zeros(2, 6)))
    with pytest.raises(ValueError, match=r"state.h must have shape"):
        gru(torch.zeros(2, 3, 5), State(torch.zeros(2, 7)))
    with pytest.raises(ValueError, match="x must have shape"):
        gru(torch.zeros(2, 3, 4))
    with pytest.raises(ValueError, match="state_size"):
        gru.unflatten_state(torch.zeros(2, 5))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_matches_cpu(task, gen):
    model = RNNClassifier("gru", task.input_size, 16, seed=0)
    x = task.sample(4, gen).x
    cpu = model(x).logits
    model.to("cuda")
    # cuDNN runs recurrent layers in TF32 by default on Ampere and later (10-bit mantissa):
    # on an H200 that moved logits by 2e-4. In full float32 the GPU agrees with the CPU to 1e-4;
    # in TF32, to TF32's own resolution (2^-10 relative, summed over 20 steps).
    tf32 = torch.backends.cudnn.allow_tf32
    try:
        torch.backends.cudnn.allow_tf32 = False
        torch.testing.assert_close(cpu, model(x.cuda()).logits.cpu(), atol=1e-4, rtol=1e-4)
        torch.backends.cudnn.allow_tf32 = True
        torch.testing.assert_close(cpu, model(x.cuda()).logits.cpu(), atol=2e-3, rtol=2e-3)
    finally:
        torch.backends.cudnn.allow_tf32 = tf32


@pytest.mark.parametrize("arch", ["gru", "lstm", "rnn_tanh", "rnn_relu", "rnn_elu"])
def test_cell_jacobian_is_the_autograd_jacobian(arch):
    from torch.func import jacrev, vmap

    from mem.models import cell_jacobian, cell_step
    g = torch.Generator().manual_seed(1)
    G, H, D, N = {"gru": 3, "lstm": 4}.get(arch, 1), 6, 3, 5
    w = [torch.randn(s, generator=g, dtype=torch.float64) for s in ((G * H, D), (G * H, H), (G * H,), (G * H,))]
    x = torch.randn(N, D, generator=g, dtype=torch.float64)
    h = 0.5 * torch.randn(N, H, generator=g, dtype=torch.float64)
    c = torch.randn(N, H, generator=g, dtype=torch.float64)
    if arch == "lstm":
        def F(v, x):
            return torch.cat(cell_step(arch, x, v[:H], v[H:], *w))
        ref, J = vmap(jacrev(F))(torch.cat([h, c], -1), x), cell_jacobian(arch, x, h, c, *w)
    else:
        ref = vmap(jacrev(lambda v, x: cell_step(arch, x, v, None, *w)[0]))(h, x)
        J = cell_jacobian(arch, x, h, None, *w)
    torch.testing.assert_close(J, ref, atol=1e-13, rtol=0)
