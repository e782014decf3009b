"""The state map of a recurrent network and its speed (chapter 3).

A one-layer recurrent module with a constant input ``x`` is a map ``v -> F(v, x)`` on
its state ``v`` (``h``, or ``[h, c]`` for LSTMs): :class:`Dynamics`, built by
:func:`dynamics` from an RNNClassifier or a bare ``nn.GRU``/``nn.LSTM``/``nn.RNN``
or cell. Its *speed* at ``v`` is ``S(v, x) = ||F(v, x) - v||^2`` (:func:`speed`),
the squared norm of the residual :func:`residual_of`.

**LSTM states.** The state is ``(h, c)`` and ``F`` maps both. ``components``
chooses what enters ``S``: ``"full"`` (default) uses ``[h, c]``;
``"h_tanh_c"`` uses ``[h, tanh(c)]`` as the paper's code did (``tanh`` bounds
the cell's contribution); ``"h"`` uses ``h`` alone. All three vanish exactly at
the fixed points of the full map; they rank slow points differently. For GRUs
and vanilla RNNs there is no ``c`` and the three coincide. With ``"h_tanh_c"`` a
saturated cell coordinate (large ``|c|``) barely moves ``tanh c``: a point can pass
``S < tol`` while that ``c`` still drifts, so compare such points in ``[h, tanh c]``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch
from torch import nn

from .._checks import check_choice
from ..models import ARCHS, RNNClassifier, cell_step

__all__ = [
    "COMPONENTS",
    "Dynamics",
    "dynamics",
    "flat_inputs",
    "flat_states",
    "paper_components",
    "residual_of",
    "speed",
]

COMPONENTS = ("full", "h_tanh_c", "h")  #: what enters S for LSTMs (see the module docstring)


# ---------------------------------------------------------------------------------------------
# The map F on flattened states, for RNNClassifier and bare torch modules and cells
# ---------------------------------------------------------------------------------------------
def residual_of(f: torch.Tensor, v: torch.Tensor, lstm_hidden: int | None = None,
                components: str = "full") -> torch.Tensor:
    """The residual whose squared norm is the speed: ``F(v) - v`` in the chosen components (chapters 3, 5).

    ``f`` and ``v`` are flattened states (..., n). For an LSTM pass ``lstm_hidden = H``
    (the state is ``[h, c]``); ``components`` then picks ``[h, c]`` ("full"), ``h``
    ("h") or ``[h, tanh c]`` ("h_tanh_c"). Differentiable in ``f`` and ``v``.
    """
    check_choice("components", components, COMPONENTS)
    if f.shape != v.shape:
        raise ValueError(f"f and v must have the same shape, got {tuple(f.shape)} and {tuple(v.shape)}")
    if lstm_hidden is None or components == "full":
        return f - v
    H = lstm_hidden
    if components == "h":
        return f[..., :H] - v[..., :H]
    return torch.cat([f[..., :H] - v[..., :H], torch.tanh(f[..., H:]) - torch.tanh(v[..., H:])], -1)


@dataclass(frozen=True)
class Dynamics:
    """The state map ``v -> F(v, x)`` of a one-layer recurrent module, on detached weights (chapter 3).

    ``v`` is a flattened state of length ``state_size``: ``h`` (H), or ``[h, c]``
    (2H) for LSTMs. Build one with :func:`dynamics`.
    """

    arch: str
    hidden_size: int
    input_size: int
    weights: tuple          # (w_ih, w_hh, b_ih, b_hh), detached; biases may be None
    readout: tuple | None = None  # (W (C, H), b (C,)) of an RNNClassifier, else None

    def __post_init__(self):
        check_choice("arch", self.arch, ARCHS)

    @property
    def is_lstm(self) -> bool:
        return self.arch == "lstm"

    @property
    def state_size(self) -> int:
        return 2 * self.hidden_size if self.is_lstm else self.hidden_size

    @property
    def device(self) -> torch.device:
        return self.weights[0].device

    @property
    def dtype(self) -> torch.dtype:
        return self.weights[0].dtype

    def to(self, device=None, dtype=None) -> Dynamics:
        def mv(t):
            return None if t is None else t.to(device=device, dtype=dtype)
        ro = None if self.readout is None else tuple(mv(t) for t in self.readout)
        return replace(self, weights=tuple(mv(t) for t in self.weights), readout=ro)

    def step(self, v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """``F(v, x)``: v (..., state_size), x (..., D) -> (..., state_size). Pure (jacrev/vmap apply)."""
        H = self.hidden_size
        if self.is_lstm:
            h, c = cell_step(self.arch, x, v[..., :H], v[..., H:], *self.weights)
            return torch.cat([h, c], -1)
        return cell_step(self.arch, x, v, None, *self.weights)[0]

    def residual(self, v: torch.Tensor, x: torch.Tensor, components: str = "full") -> torch.Tensor:
        """``r(v)`` with ``S = ||r||^2``: ``F(v) - v``, or its ``h`` / ``[h, tanh c]`` version for LSTMs."""
        return residual_of(self.step(v, x), v, self.hidden_size if self.is_lstm else None, components)

    def bounds(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(lower, upper), each (state_size,): the box the network's states can reach.

        ``h`` lies in [-1, 1] for GRUs (a convex mix of ``tanh`` and the old ``h``),
        tanh RNNs and LSTMs (``o * tanh(c)``); ``c`` and relu/elu states are unbounded.
        """
        n, H = self.state_size, self.hidden_size
        lo = torch.full((n,), -math.inf, dtype=self.dtype, device=self.device)
        hi = torch.full((n,), math.inf, dtype=self.dtype, device=self.device)
        if self.arch in ("gru", "rnn_tanh", "lstm"):
            lo[:H], hi[:H] = -1.0, 1.0
        return lo, hi

    def logits(self, v: torch.Tensor) -> torch.Tensor:
        """Read-out at states v (N, state_size) -> (N, C); needs an RNNClassifier's read-out."""
        if self.readout is None:
            raise ValueError("logits need a read-out: build the dynamics from an RNNClassifier")
        W, b = self.readout
        return torch.nn.functional.linear(v[..., :self.hidden_size].to(W.dtype), W, b)


def _module_arch(m: nn.Module) -> str:
    if isinstance(m, (nn.GRU, nn.GRUCell)):
        return "gru"
    if isinstance(m, (nn.LSTM, nn.LSTMCell)):
        return "lstm"
    return "rnn_relu" if m.nonlinearity == "relu" else "rnn_tanh"


def dynamics(model) -> Dynamics:
    """The state map of ``model`` with detached weights (chapter 3).

    Parameters
    ----------
    model : RNNClassifier, or a one-layer unidirectional ``nn.GRU`` / ``nn.LSTM``
        (without projections) / ``nn.RNN``, or ``nn.GRUCell`` / ``nn.LSTMCell`` /
        ``nn.RNNCell``, or a :class:`Dynamics` (returned as is).

    Returns
    -------
    Dynamics. Its weights are ``detach()``-ed views: the model is not modified.
    """
    if isinstance(model, Dynamics):
        return model
    if isinstance(model, RNNClassifier):
        r = model.rnn
        w = (r.weight_ih_l0, r.weight_hh_l0, r.bias_ih_l0, r.bias_hh_l0)
        ro = (model.readout.weight.detach(), model.readout.bias.detach())
        return Dynamics(model.arch, model.hidden_size, model.input_size, tuple(t.detach() for t in w), ro)
    if isinstance(model, (nn.GRU, nn.LSTM, nn.RNN)):
        if model.num_layers != 1 or model.bidirectional or getattr(model, "proj_size", 0):
            raise ValueError("model must be a one-layer, unidirectional recurrent module without projections, "
                             f"got num_layers={model.num_layers}, bidirectional={model.bidirectional}, "
                             f"proj_size={getattr(model, 'proj_size', 0)}")
        b = model.bias
        w = (model.weight_ih_l0, model.weight_hh_l0, model.bias_ih_l0 if b else None,
             model.bias_hh_l0 if b else None)
    elif isinstance(model, (nn.GRUCell, nn.LSTMCell, nn.RNNCell)):
        w = (model.weight_ih, model.weight_hh, model.bias_ih, model.bias_hh)
    else:
        raise ValueError("model must be a mem.models.RNNClassifier, an nn.GRU/nn.LSTM/nn.RNN or an "
                         f"nn.GRUCell/nn.LSTMCell/nn.RNNCell, got {type(model).__name__}")
    w = tuple(None if t is None else t.detach() for t in w)
    return Dynamics(_module_arch(model), model.hidden_size, model.input_size, w)


# ---------------------------------------------------------------------------------------------
# States and inputs as the map takes them
# ---------------------------------------------------------------------------------------------
def flat_states(dyn: Dynamics, state, name: str, dtype) -> torch.Tensor:
    """State / (h, c) / tensor -> a new (N, state_size) tensor of ``dtype`` on the dynamics' device (chapter 3).

    ``state`` is a :class:`mem.models.State` with h (N, H) (and c (N, H) for LSTMs), or a
    tensor (N, H) for GRUs and RNNs; a single state (H,) counts as N = 1. ``name`` is the
    parameter named in the errors. The result is a detached copy: ``state`` is not modified.
    """
    H = dyn.hidden_size
    if isinstance(state, torch.Tensor):
        if dyn.is_lstm:
            raise ValueError(f"{name}: an LSTM state needs the cell state c; pass State(h, c) "
                             "(mem.models.State), not a tensor")
        h, c = state, None
    elif isinstance(state, tuple) and len(state) in (1, 2):
        h, c = (state[0], None) if len(state) == 1 else state
    else:
        raise ValueError(f"{name} must be a mem.models.State(h, c) or a tensor of shape (N, {H}), "
                         f"got {type(state).__name__}")
    if h.dim() == 1:
        h = h.unsqueeze(0)
        c = None if c is None else c.unsqueeze(0)
    if h.dim() != 2 or h.shape[1] != H:
        raise ValueError(f"{name}.h must have shape (N, {H}) for this {dyn.arch} with hidden_size={H}, "
                         f"got {tuple(h.shape)}")
    if dyn.is_lstm:
        if c is None:
            raise ValueError(f"{name}: an LSTM state needs the cell state c; got State(h, c=None)")
        if c.shape != h.shape:
            raise ValueError(f"{name}.c must have the shape of h {tuple(h.shape)}, got {tuple(c.shape)}")
        v = torch.cat([h, c], -1)
    else:
        if c is not None:
            raise ValueError(f"{name}: a {dyn.arch} state has no cell state; pass c=None")
        v = h
    return v.detach().to(device=dyn.device, dtype=dtype).clone()


def flat_inputs(dyn: Dynamics, inputs, N: int, dtype) -> torch.Tensor:
    """A constant input (D,) or one per state (1 or N, D) -> a new (N, D) tensor of ``dtype`` (chapter 3).

    On the dynamics' device, detached; ``inputs`` is not modified.
    """
    D = dyn.input_size
    if not isinstance(inputs, torch.Tensor):
        raise ValueError(f"inputs must be a tensor of shape ({D},) or (N, {D}), got {type(inputs).__name__}")
    if inputs.dim() == 1:
        inputs = inputs.unsqueeze(0).expand(N, -1)
    if inputs.dim() != 2 or inputs.shape[1] != D or inputs.shape[0] not in (1, N):
        raise ValueError(f"inputs must have shape ({D},) or ({N}, {D}), got {tuple(inputs.shape)}")
    return inputs.detach().to(device=dyn.device, dtype=dtype).expand(N, -1).clone()




def paper_components(model, components: str | None = None) -> str:
    """What enters the speed S: ``components`` if given, else the paper's choice (chapter 4).

    The paper's choice is ``"h_tanh_c"`` for LSTMs and ``"full"`` otherwise.
    """
    if components is None:
        return "h_tanh_c" if model.is_lstm else "full"
    check_choice("components", components, COMPONENTS)
    return components




def speed(model, state, inputs, components: str = "full") -> torch.Tensor:
    """The speed ``S(v, x) = ||F(v, x) - v||^2`` of each state (chapter 3).

    Parameters
    ----------
    model : anything :func:`dynamics` accepts
    state : State with h (N, H) (and c (N, H) for LSTMs), or a tensor (N, H) for GRUs/RNNs
    inputs : (D,) shared input, or (N, D)
    components : {"full", "h_tanh_c", "h"}, which parts of an LSTM state enter S

    Returns
    -------
    (N,) tensor in the state's floating dtype. ``state`` is not modified.
    """
    check_choice("components", components, COMPONENTS)
    dyn = dynamics(model)
    h = state if isinstance(state, torch.Tensor) else (state[0] if isinstance(state, tuple) else None)
    dtype = h.dtype if isinstance(h, torch.Tensor) and h.is_floating_point() else dyn.dtype
    v = flat_states(dyn, state, "state", dtype)
    x = flat_inputs(dyn, inputs, v.shape[0], dtype)
    with torch.no_grad():
        r = dyn.to(dtype=dtype).residual(v, x, components)
    return (r * r).sum(-1)

