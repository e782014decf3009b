"""Recurrent classifiers: GRU, LSTM and vanilla RNNs with a linear read-out (chapter 2).

Training runs through PyTorch's fused ``nn.GRU`` / ``nn.LSTM`` / ``nn.RNN``.
:meth:`RNNClassifier.step` computes one step with the *same* parameters written
out as plain tensor algebra, so that ``torch.func`` can differentiate it (the
Jacobians of chapter 3) and so that a reader can see the equations. A unit test
checks that stepping reproduces the fused forward to 1e-6.

States are :class:`State` named tuples ``(h, c)``; ``c`` is ``None`` except for
LSTMs. All tensors are batch-first.
"""
from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from ._checks import check_bool, check_choice, check_device, check_int, check_seed

__all__ = ["ARCHS", "MAX_BATCH", "MAX_SIZE", "RNNClassifier", "RNNOutput", "State", "cell_jacobian", "cell_step",
           "toy_rnn"]

#: Supported architectures. ``rnn_elu`` has no fused kernel and runs step by step.
ARCHS = ("gru", "lstm", "rnn_tanh", "rnn_relu", "rnn_elu")

#: The largest ``input_size``, ``hidden_size`` and ``n_outputs`` of a :class:`RNNClassifier` (a GRU of this
#: width would already hold 3 * 2**32 recurrent weights).
MAX_SIZE = 2**16

#: The largest number of trials in one batch (:meth:`RNNClassifier.init_state`, the samplers of the training loop
#: and the evaluations): 2**24 trials of 64 units are 4 GiB of state.
MAX_BATCH = 2**24

_wrapped = getattr(torch._C._functorch, "is_functorch_wrapped_tensor", lambda t: False)


def _device(device) -> torch.device:
    """``device`` (a str such as "cpu", "cuda", "cuda:1" or a torch.device) as a torch.device of type cpu or cuda
    that this machine has: a TypeError for another kind of thing, a ValueError otherwise, each naming ``device``."""
    dev = check_device("device", device)
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"device must be of type cpu or cuda, got {device!r}")
    if dev.type == "cuda" and (dev.index or 0) >= torch.cuda.device_count():
        raise ValueError(f"device is {device!r}, but this machine has {torch.cuda.device_count()} CUDA device(s)")
    return dev


def _tensor(name: str, t, shape: str, dim: int | None = None) -> torch.Tensor:
    """``t`` must be a floating-point torch tensor (of ``dim`` dimensions, if given) holding finite numbers.

    The finiteness check is skipped for the tensors a ``torch.func`` transform (``vmap``, ``jacrev``) passes in,
    whose values cannot be inspected; the tensors they were built from were checked where they entered.
    """
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"{name} must be a torch tensor {shape}, got {type(t).__name__}")
    if not t.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor {shape}, got dtype {t.dtype}")
    if dim is not None and t.dim() != dim:
        raise ValueError(f"{name} must have shape {shape}, got {tuple(t.shape)}")
    if not _wrapped(t) and not bool(torch.isfinite(t).all()):
        raise ValueError(f"{name} must hold finite numbers (no NaN or inf)")
    return t


def _check_cell(arch, x, h, c, w_ih, w_hh, b_ih, b_hh) -> None:
    """The arguments of :func:`cell_step` and :func:`cell_jacobian`: kinds, shapes, one dtype, finite numbers."""
    check_choice("arch", arch, ARCHS)
    _tensor("x", x, "(..., D)")
    _tensor("h", h, "(..., H)")
    if x.dim() < 1 or h.dim() < 1 or x.shape[-1] < 1 or h.shape[-1] < 1:
        raise ValueError(f"x (..., D) and h (..., H) need a last dimension of at least 1, got x {tuple(x.shape)} "
                         f"and h {tuple(h.shape)}")
    try:
        torch.broadcast_shapes(x.shape[:-1], h.shape[:-1])
    except RuntimeError:
        raise ValueError(f"x (..., D) and h (..., H) must have the same (or broadcastable) leading dimensions, got x "
                         f"{tuple(x.shape)} and h {tuple(h.shape)}") from None
    H, D, G = h.shape[-1], x.shape[-1], {"gru": 3, "lstm": 4}.get(arch, 1)
    if arch == "lstm":
        if c is None:
            raise TypeError("c must be the cell state (..., H) for an LSTM, got None")
        _tensor("c", c, "(..., H) like h")
        if c.shape != h.shape:
            raise ValueError(f"c must have the shape of h {tuple(h.shape)}, got {tuple(c.shape)}")
    elif c is not None:
        if not isinstance(c, torch.Tensor):
            raise TypeError(f"c must be None for a {arch} cell (only an LSTM has a cell state), got {type(c).__name__}")
        raise ValueError(f"c must be None for a {arch} cell (only an LSTM has a cell state), got a tensor")
    _tensor("w_ih", w_ih, f"(G*H, D) = ({G * H}, {D})", 2)
    _tensor("w_hh", w_hh, f"(G*H, H) = ({G * H}, {H})", 2)
    if w_ih.shape != (G * H, D):
        raise ValueError(f"w_ih must have shape (G*H, D) = ({G * H}, {D}) for a {arch} cell with x {tuple(x.shape)} "
                         f"and h {tuple(h.shape)}, got {tuple(w_ih.shape)}")
    if w_hh.shape != (G * H, H):
        raise ValueError(f"w_hh must have shape (G*H, H) = ({G * H}, {H}) for a {arch} cell with h {tuple(h.shape)}, "
                         f"got {tuple(w_hh.shape)}")
    for name, b in (("b_ih", b_ih), ("b_hh", b_hh)):
        if b is not None:
            _tensor(name, b, f"(G*H,) = ({G * H},) or None", 1)
            if b.shape != (G * H,):
                raise ValueError(f"{name} must have shape (G*H,) = ({G * H},) or be None, got {tuple(b.shape)}")
    given = {"x": x, "h": h, "c": c, "w_ih": w_ih, "w_hh": w_hh, "b_ih": b_ih, "b_hh": b_hh}
    dtypes = {k: t.dtype for k, t in given.items() if t is not None}
    if len(set(dtypes.values())) > 1:
        raise TypeError(f"x, h, c and the weights must share one dtype, got {dtypes}")


def cell_step(arch: str, x, h, c, w_ih, w_hh, b_ih=None, b_hh=None, *, check: bool = True):
    """One step of a GRU, LSTM or vanilla RNN cell from its weights, as plain tensor algebra (chapters 2, 3).

    Parameters
    ----------
    arch : one of :data:`ARCHS`
    x : (..., D) input;  h : (..., H) hidden state;  c : (..., H) cell state (LSTM) or None
    w_ih : (G*H, D), w_hh : (G*H, H), b_ih, b_hh : (G*H,) or None, in PyTorch's gate
        order (G = 3 for GRUs, 4 for LSTMs, 1 otherwise)
    check : bool, default True
        Check the tensors: floating-point, of one dtype, holding finite numbers, of these shapes
        (``TypeError`` for another kind of thing or mixed dtypes, ``ValueError`` for a wrong shape or a
        NaN or inf). :mod:`mem.slowpoints` passes False: its search evaluates the cell on whole batches
        of trial states, some of which may not be finite (it rejects those steps), many times a second.

    Returns
    -------
    (h', c') with ``c' = None`` except for LSTMs. A pure function: ``torch.func``
    transforms (``jacrev``, ``vmap``) apply (values inside a transform are not inspected). Used by
    :meth:`RNNClassifier.step` and by :mod:`mem.slowpoints` for bare ``nn.GRU``/``nn.GRUCell``-style modules.
    """
    if check_bool("check", check):
        _check_cell(arch, x, h, c, w_ih, w_hh, b_ih, b_hh)
    return _cell_step(arch, x, h, c, w_ih, w_hh, b_ih, b_hh)


def _cell_step(arch: str, x, h, c, w_ih, w_hh, b_ih=None, b_hh=None):
    """:func:`cell_step`'s equations (its arguments checked, or not, by the caller)."""
    gi = F.linear(x, w_ih, b_ih)
    gh = F.linear(h, w_hh, b_hh)
    if arch == "gru":
        ir, iz, in_ = gi.chunk(3, -1)
        hr, hz, hn = gh.chunk(3, -1)
        rg = torch.sigmoid(ir + hr)
        z = torch.sigmoid(iz + hz)
        n = torch.tanh(in_ + rg * hn)
        return (1 - z) * n + z * h, None
    if arch == "lstm":
        i, f, g, o = (gi + gh).chunk(4, -1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c
    phi = {"rnn_tanh": torch.tanh, "rnn_relu": torch.relu, "rnn_elu": F.elu}.get(arch)
    if phi is None:
        raise ValueError(f"arch must be one of {ARCHS}, got {arch!r}")
    return phi(gi + gh), None


def cell_jacobian(arch: str, x, h, c, w_ih, w_hh, b_ih=None, b_hh=None, *, check: bool = True) -> torch.Tensor:
    """The exact Jacobian of one :func:`cell_step` with respect to the state, in closed form (chapter 3).

    Same arguments as :func:`cell_step`, batched over the leading dimensions of ``h``. Returns
    ``dF/dh`` (..., H, H), or for LSTMs ``dF/d[h, c]`` (..., 2H, 2H) with the state ordered
    ``[h, c]``. Only row scalings of ``w_hh`` are formed, so it costs a few passes over
    (..., H, H) numbers, several times less than ``torch.func.jacfwd`` through the cell;
    a unit test checks it against autograd to round-off. :mod:`mem.slowpoints` uses it for
    one-layer built-in networks. The arguments (and ``check``) are :func:`cell_step`'s.
    """
    if check_bool("check", check):
        _check_cell(arch, x, h, c, w_ih, w_hh, b_ih, b_hh)
    if arch not in ARCHS:
        raise ValueError(f"arch must be one of {ARCHS}, got {arch!r}")
    if arch == "lstm" and c is None:
        raise ValueError("c must be the cell state (..., H) for an LSTM, got None")
    gi = F.linear(x, w_ih, b_ih)
    gh = F.linear(h, w_hh, b_hh)

    def rows(scale, W):  # diag(scale) @ W, batched: (..., m) x (m, H) -> (..., m, H)
        return scale.unsqueeze(-1) * W

    if arch == "gru":
        ir, iz, in_ = gi.chunk(3, -1)
        hr, hz, hn = gh.chunk(3, -1)
        Wr, Wz, Wn = w_hh.chunk(3, 0)
        rg, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
        n = torch.tanh(in_ + rg * hn)
        dn = 1 - n * n                     # dn/dh = diag(dn) (diag(r) Wn + diag(hn r (1 - r)) Wr)
        # one (..., H, H) result written in place: a CPU allocation of that size costs more than the arithmetic
        J = rows((1 - z) * dn * rg, Wn)
        J.addcmul_(((1 - z) * dn * hn * rg * (1 - rg)).unsqueeze(-1), Wr)
        J.addcmul_((z * (1 - z) * (h - n)).unsqueeze(-1), Wz)
        J.diagonal(dim1=-2, dim2=-1).add_(z)
        return J
    if arch == "lstm":
        i, f, g, o = (gi + gh).chunk(4, -1)
        Wi, Wf, Wg, Wo = w_hh.chunk(4, 0)
        si, sf, tg, so = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c_new = sf * c + si * tg
        tc = torch.tanh(c_new)
        dc_dh = rows(c * sf * (1 - sf), Wf) + rows(tg * si * (1 - si), Wi) + rows(si * (1 - tg * tg), Wg)
        dh_dh = rows(tc * so * (1 - so), Wo) + (so * (1 - tc * tc)).unsqueeze(-1) * dc_dh
        dh_dc = torch.diag_embed(so * (1 - tc * tc) * sf)
        dc_dc = torch.diag_embed(sf)
        return torch.cat([torch.cat([dh_dh, dh_dc], -1), torch.cat([dc_dh, dc_dc], -1)], -2)
    pre = gi + gh
    if arch == "rnn_tanh":
        d = 1 - torch.tanh(pre) ** 2
    elif arch == "rnn_relu":
        d = (pre > 0).to(pre.dtype)
    elif arch == "rnn_elu":
        d = torch.where(pre > 0, torch.ones_like(pre), torch.exp(pre.clamp_max(0)))
    else:
        raise ValueError(f"arch must be one of {ARCHS}, got {arch!r}")
    return rows(d, w_hh)


class State(NamedTuple):
    """Hidden state of a batch: ``h`` (B, H) and, for LSTMs only, the cell ``c`` (B, H) (chapter 2)."""

    h: torch.Tensor
    c: torch.Tensor | None = None

    def to(self, device) -> State:
        """The state on ``device`` ("cpu", "cuda", "cuda:<index>" or a torch.device of type cpu or cuda)."""
        device = _device(device)
        return State(self.h.to(device), None if self.c is None else self.c.to(device))

    def detach(self) -> State:
        """The state without its autograd history."""
        return State(self.h.detach(), None if self.c is None else self.c.detach())


class RNNOutput(NamedTuple):
    """Output of :meth:`RNNClassifier.forward` (chapter 2).

    logits : (B, T, C) read-out at every step
    h : (B, T, H) hidden states ``h_1 .. h_T`` (for LSTMs, the ``h`` part)
    state : State, the final state (feed it back to continue the trajectory)
    """

    logits: torch.Tensor
    h: torch.Tensor
    state: State


class RNNClassifier(nn.Module):
    """A one-layer recurrent network with a linear read-out at every step (chapter 2).

    Parameters
    ----------
    arch : {"gru", "lstm", "rnn_tanh", "rnn_relu", "rnn_elu"}
    input_size : int
        D, e.g. ``task.input_size`` (65 for 8x8 digits plus the trigger).
    hidden_size : int
        H, the number of units.
    n_outputs : int, default 11
        C, the read-out size (null + 10 digits). Each size is an integer in 1.. :data:`MAX_SIZE`.
    seed : int, optional
        Seeds the initial weights without touching the global RNG.

    The recurrent module is ``self.rnn`` (an ``nn.GRU``/``nn.LSTM``/``nn.RNN``
    with ``batch_first=True``) and the read-out is ``self.readout``.
    """

    def __init__(self, arch: str = "gru", input_size: int = 65, hidden_size: int = 64,
                 n_outputs: int = 11, seed: int | None = None):
        super().__init__()
        check_choice("arch", arch, ARCHS)
        input_size = check_int("input_size", input_size, 1, MAX_SIZE)
        hidden_size = check_int("hidden_size", hidden_size, 1, MAX_SIZE)
        n_outputs = check_int("n_outputs", n_outputs, 1, MAX_SIZE)
        seed = check_seed(seed, none_ok=True)
        self.arch, self.input_size, self.hidden_size, self.n_outputs = arch, input_size, hidden_size, n_outputs
        with torch.random.fork_rng(devices=[]):
            if seed is not None:
                torch.manual_seed(seed)
            if arch == "gru":
                self.rnn = nn.GRU(input_size, hidden_size, batch_first=True)
            elif arch == "lstm":
                self.rnn = nn.LSTM(input_size, hidden_size, batch_first=True)
            else:  # the elu network keeps nn.RNN's parameter layout and initialisation
                nonlin = "relu" if arch == "rnn_relu" else "tanh"
                self.rnn = nn.RNN(input_size, hidden_size, nonlinearity=nonlin, batch_first=True)
            self.readout = nn.Linear(hidden_size, n_outputs)

    @property
    def is_lstm(self) -> bool:
        return self.arch == "lstm"

    @property
    def state_size(self) -> int:
        """Length of a flattened state: H, or 2H for LSTMs (h then c)."""
        return 2 * self.hidden_size if self.is_lstm else self.hidden_size

    def extra_repr(self) -> str:
        """``arch='gru'``: what ``repr(model)`` adds to the modules it lists."""
        return f"arch={self.arch!r}"

    def _dtype(self) -> torch.dtype:
        return self.readout.weight.dtype

    def _finite_state(self, state: State) -> State:
        """``state`` (already through :meth:`check_state`) in the model's dtype, holding finite numbers."""
        for name, t in (("state.h", state.h), ("state.c", state.c)):
            if t is not None:
                if t.dtype != self._dtype():
                    raise TypeError(f"{name} must have the model's dtype {self._dtype()}, got {t.dtype}")
                _tensor(name, t, f"(B, {self.hidden_size})")
        return state

    # -- states -------------------------------------------------------------------------------
    def init_state(self, batch_size: int, device=None) -> State:
        """All-zero state for ``batch_size`` trials (1.. :data:`MAX_BATCH`), on ``device`` (default: the model's)."""
        batch_size = check_int("batch_size", batch_size, 1, MAX_BATCH)
        device = _device(device) if device is not None else self.readout.weight.device
        h = torch.zeros(batch_size, self.hidden_size, device=device)
        return State(h, torch.zeros_like(h) if self.is_lstm else None)

    def check_state(self, state: State, batch_size: int | None = None) -> State:
        """Validate a state's type and shapes (and its batch size, if ``batch_size`` is given); returns it as a
        :class:`State` (a bare tensor is taken for ``h``)."""
        batch_size = check_int("batch_size", batch_size, 0, none_ok=True)
        if isinstance(state, torch.Tensor):
            state = State(state)
        elif isinstance(state, tuple) and len(state) in (1, 2):
            state = State(*state)
        else:
            raise TypeError(f"state must be a mem.models.State(h, c), got {type(state).__name__}")
        for name, t in (("state.h", state.h), ("state.c", state.c)):
            if not isinstance(t, torch.Tensor) and not (name == "state.c" and t is None):
                raise TypeError(f"{name} must be a torch tensor (B, {self.hidden_size}), got {type(t).__name__}")
        H = self.hidden_size
        if state.h.dim() != 2 or state.h.shape[1] != H:
            raise ValueError(f"state.h must have shape (B, {H}), got {tuple(state.h.shape)}")
        if batch_size is not None and state.h.shape[0] != batch_size:
            raise ValueError(f"state must have batch_size = {batch_size} rows, got {state.h.shape[0]}")
        if self.is_lstm:
            if state.c is None:
                raise ValueError("an LSTM state needs the cell state: State(h, c), got c=None")
            if state.c.shape != state.h.shape:
                raise ValueError(f"state.c must have shape {tuple(state.h.shape)}, got {tuple(state.c.shape)}")
        elif state.c is not None:
            raise ValueError(f"a {self.arch} state has no cell state: pass State(h) with c=None")
        return state

    def flatten_state(self, state: State) -> torch.Tensor:
        """State -> (B, state_size): ``h`` or ``[h, c]``."""
        state = self.check_state(state)
        return torch.cat([state.h, state.c], -1) if self.is_lstm else state.h

    def unflatten_state(self, v: torch.Tensor) -> State:
        """(B, state_size) -> State; inverse of :meth:`flatten_state`. ``v`` must be a floating-point tensor holding
        finite numbers."""
        _tensor("v", v, f"(B, state_size={self.state_size})")
        if v.dim() < 1 or v.shape[-1] != self.state_size:
            raise ValueError(f"v must have last dimension state_size={self.state_size}, got shape {tuple(v.shape)}")
        if self.is_lstm:
            return State(v[..., :self.hidden_size], v[..., self.hidden_size:])
        return State(v)

    # -- dynamics -----------------------------------------------------------------------------
    def forward(self, x: torch.Tensor, state: State | None = None) -> RNNOutput:
        """Run a sequence through the fused kernel.

        Parameters
        ----------
        x : (B, T, D) inputs, a floating-point tensor of the model's dtype holding finite numbers (B, T >= 1)
        state : State, optional, initial state (default zeros), finite

        Returns
        -------
        RNNOutput(logits (B, T, C), h (B, T, H), state)
        """
        _tensor("x", x, f"(B, T, {self.input_size})", 3)
        if x.shape[-1] != self.input_size or x.shape[0] < 1 or x.shape[1] < 1:
            raise ValueError(f"x must have shape (B, T, {self.input_size}) with B, T >= 1, got {tuple(x.shape)}")
        if x.dtype != self._dtype():
            raise TypeError(f"x must have the model's dtype {self._dtype()}, got {x.dtype}")
        B = x.shape[0]
        if state is None:
            state = self.init_state(B, x.device)
        else:
            state = self._finite_state(self.check_state(state))
            if state.h.shape[0] != B:
                raise ValueError(f"state must have one row per trial of x ({B}), got {state.h.shape[0]}")
        if self.arch == "rnn_elu":
            hs = []
            for t in range(x.shape[1]):
                state = self.step(x[:, t], state, check=False)   # x and state were checked above
                hs.append(state.h)
            h = torch.stack(hs, 1)
        elif self.is_lstm:
            h, (hn, cn) = self.rnn(x, (state.h.unsqueeze(0).contiguous(), state.c.unsqueeze(0).contiguous()))
            state = State(hn[0], cn[0])
        else:
            h, hn = self.rnn(x, state.h.unsqueeze(0).contiguous())
            state = State(hn[0])
        return RNNOutput(self.readout(h), h, state)

    def step(self, x_t: torch.Tensor, state: State, *, check: bool = True) -> State:
        """One time step ``state_{t+1} = F(state_t, x_t)`` with the fused module's parameters (chapters 2, 3).

        Parameters
        ----------
        x_t : (B, D) input at this step, a floating-point tensor of the model's dtype holding finite numbers
        state : State with ``h`` (B, H) (and ``c`` for LSTMs), finite
        check : bool, default True
            Check ``x_t`` and ``state`` as above; a loop that stepped from checked values may pass False
            (the elu network's :meth:`forward`, :func:`mem.evaluate.decoding_memory`).

        Returns
        -------
        State of the next step. Pure function of its arguments: nothing is
        modified in place, so ``torch.func.jacrev`` / ``vmap`` apply.

        Equations (PyTorch's gate order and conventions):

        * GRU: ``r, z = sigmoid(W_i{r,z} x + b_i{r,z} + W_h{r,z} h + b_h{r,z})``,
          ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``, ``h' = (1 - z) n + z h``.
        * LSTM: ``i, f, o = sigmoid(.)``, ``g = tanh(.)`` of ``W_i x + b_i + W_h h + b_h``;
          ``c' = f c + i g``, ``h' = o tanh(c')``.
        * RNN: ``h' = phi(W_ih x + b_ih + W_hh h + b_hh)`` with phi = tanh, relu or elu.
        """
        if check_bool("check", check):
            state = self._check_step(x_t, state)
        r = self.rnn
        h, c = _cell_step(self.arch, x_t, state.h, state.c,
                          r.weight_ih_l0, r.weight_hh_l0, r.bias_ih_l0, r.bias_hh_l0)
        return State(h, c)

    def _check_step(self, x_t: torch.Tensor, state: State) -> State:
        """:meth:`step`'s arguments: ``x_t`` (B, D) and ``state`` of B trials, finite, of the model's dtype."""
        _tensor("x_t", x_t, f"(B, {self.input_size})", 2)
        if x_t.shape[-1] != self.input_size:
            raise ValueError(f"x_t must have shape (B, {self.input_size}), got {tuple(x_t.shape)}")
        if x_t.dtype != self._dtype():
            raise TypeError(f"x_t must have the model's dtype {self._dtype()}, got {x_t.dtype}")
        state = self.check_state(state)
        if state.h.shape[0] != x_t.shape[0]:
            raise ValueError(f"state must have one row per trial of x_t ({x_t.shape[0]}), got {state.h.shape[0]}")
        return self._finite_state(state)


def toy_rnn(gain: float = 2.0, bias: tuple = (0.0, 0.0), rotation: float = 0.0) -> nn.RNNCell:
    """A hand-built 2-D tanh RNN, ``h' = tanh(gain * R(rotation) h + bias)``, with one (unused) input (chapter 3).

    With the defaults (gain 2, no bias, no rotation) the two units are
    independent bistable switches: four stable fixed points ``(+-a, +-a)`` with
    ``a = tanh(2a)`` (a = 0.9575), four saddles ``(+-a, 0)``, ``(0, +-a)`` and an
    unstable origin. A bias near ``gain``'s saddle-node value removes a pair of
    fixed points and leaves a slow point (a "ghost") behind.

    Returns
    -------
    nn.RNNCell(1, 2) with ``weight_ih = 0``; its parameters do not require grad.
    """
    big = torch.finfo(torch.float32).max
    for name, value in (("gain", gain), ("rotation", rotation)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a finite real number, got {value!r} ({type(value).__name__})")
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite real number, got {value!r}")
    if abs(gain) > big:        # the weights are float32
        raise ValueError(f"gain must be a finite real number of float32's range (|gain| <= {big:.4g}), got {gain!r}")
    if isinstance(bias, (str, bytes)):
        raise TypeError(f"bias must be a pair of numbers (b_1, b_2), got {bias!r}")
    try:
        b = torch.as_tensor(bias, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError, OverflowError):
        raise TypeError(f"bias must be a pair of numbers (b_1, b_2), got {bias!r}") from None
    if b.shape != (2,):
        raise ValueError(f"bias must be a pair of numbers (b_1, b_2), got {bias!r}")
    if not bool(torch.isfinite(b).all()):
        raise ValueError(f"bias must be a pair of finite numbers of float32's range, got {bias!r}")
    cell = nn.RNNCell(1, 2, nonlinearity="tanh")
    c, s = math.cos(rotation), math.sin(rotation)
    with torch.no_grad():
        cell.weight_hh.copy_(gain * torch.tensor([[c, -s], [s, c]]))
        cell.weight_ih.zero_()
        cell.bias_ih.zero_()
        cell.bias_hh.copy_(b)
    cell.requires_grad_(False)
    return cell
