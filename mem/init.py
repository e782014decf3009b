"""Initialisers for recurrent weight matrices, normal and non-normal (Orhan & Pitkow 2020; chapter 6).

Every function fills a tensor in place and returns it, like ``torch.nn.init``.
Conventions are PyTorch's: the recurrent matrix ``W`` acts as ``h_t = W h_{t-1}``,
so ``W[i, j]`` is the weight *from* unit ``j`` *to* unit ``i``; the input matrix
``U`` has shape (N, D) and acts as ``U x_t``.

A chain moves activity from unit ``i`` to unit ``i + 1``, so its weights sit on
the **subdiagonal**, ``W[i + 1, i] = alpha``, and the input must enter at the
chain's head (unit 0): :func:`source_` feeds input ``d`` to unit ``d``. The
authors' Keras code multiplies on the other side (``h W``), where the same chain
is the superdiagonal. Their PyTorch helper (``NonnormalInit_torchrnn.py``) copied
the superdiagonal unchanged; under ``W h`` that chain runs from the last unit
to unit 0, away from the units the input feeds, so an impulse reaches no unit
after one step and the delay-line memory is lost. ``tests/test_init.py``
checks the orientation with an impulse response.

:func:`initialize` applies a whole scheme (recurrent and input weights, biases)
to a :class:`mem.models.RNNClassifier`, the way the paper's benchmarks do.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from ._checks import check_choice, check_int, check_model, seeded
from .models import RNNClassifier

__all__ = [
    "MAX_N",
    "SCHEMES",
    "chain_",
    "comparison_matrices",
    "fbchain_",
    "gated_",
    "identity_",
    "initialize",
    "matrix",
    "orthogonal_",
    "ramp_",
    "source_",
]

#: Schemes understood by :func:`initialize`. ``mixed`` is for LSTMs only (chain on the cell
#: candidate, ramp on the gates; section 3.3 of the paper).
SCHEMES = ("chain", "fbchain", "orthogonal", "identity", "mixed", "default")

#: The largest ``n`` of :func:`matrix` and :func:`comparison_matrices`: an (n, n) float64 matrix of this size
#: takes 512 MiB, and its orthogonal draw or eigenvalues minutes.
MAX_N = 2**13


def _square(tensor: torch.Tensor, name: str = "tensor") -> int:
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"{name} must be a square 2-D torch tensor (N, N), got {type(tensor).__name__}")
    if not tensor.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor (an integer one cannot hold the matrix), "
                        f"got {tensor.dtype}")
    if tensor.dim() != 2 or tensor.shape[0] != tensor.shape[1]:
        raise ValueError(f"{name} must be a square 2-D torch tensor (N, N), got {tuple(tensor.shape)}")
    return tensor.shape[0]


def _finite(name: str, value, dtype: torch.dtype | None = None) -> float:
    """``value`` as a finite float; with ``dtype``, also within that floating-point type's range (a weight of
    1e300 would be ``inf`` in float32)."""
    if isinstance(value, (bool, np.bool_, str, bytes)):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if dtype is not None and abs(value) > torch.finfo(dtype).max:
        raise ValueError(f"{name} must be finite in the tensor's {dtype} (|{name}| <= {torch.finfo(dtype).max:.4g}), "
                         f"got {value}")
    return value


@torch.no_grad()
def chain_(tensor: torch.Tensor, alpha: float = 1.02) -> torch.Tensor:
    """Fill ``tensor`` (N, N) with a feed-forward chain: ``W[i + 1, i] = alpha``, zero elsewhere (chapter 6).

    Activity at unit ``i`` moves to unit ``i + 1`` at the next step, scaled by
    ``alpha`` (the paper's gain, 1.02 by default). The matrix is nilpotent: every
    eigenvalue is 0, yet an impulse at unit 0 survives N - 1 steps, growing as
    ``alpha**k``. Feed the input at unit 0 (:func:`source_`).
    """
    n = _square(tensor)
    alpha = _finite("alpha", alpha, tensor.dtype)
    tensor.zero_()
    idx = torch.arange(n - 1)
    tensor[idx + 1, idx] = alpha
    return tensor


@torch.no_grad()
def fbchain_(tensor: torch.Tensor, forward: float = 0.99, backward: float = 0.04) -> torch.Tensor:
    """Fill ``tensor`` (N, N) with a forward chain plus a weak backward chain (chapter 6).

    ``W[i + 1, i] = forward`` (default 0.99) and ``W[i, i + 1] = backward``
    (default 0.04, the authors' value): still strongly non-normal, but no longer
    nilpotent.
    """
    n = _square(tensor)
    forward, backward = _finite("forward", forward, tensor.dtype), _finite("backward", backward, tensor.dtype)
    tensor.zero_()
    idx = torch.arange(n - 1)
    tensor[idx + 1, idx] = forward
    tensor[idx, idx + 1] = backward
    return tensor


@torch.no_grad()
def orthogonal_(tensor: torch.Tensor, gain: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
    """Fill ``tensor`` (N, N) with ``gain`` times a Haar-random orthogonal matrix (chapter 6).

    A normal matrix: all its eigenvalues have modulus ``gain``. Draws from
    ``generator`` (a ``torch.Generator``, or None for the global RNG), so a seeded generator gives the same matrix.
    """
    n = _square(tensor)
    gain = _finite("gain", gain, tensor.dtype)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {type(generator).__name__}")
    a = torch.randn(n, n, generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(a)
    q = q * torch.sign(torch.diagonal(r))  # sign fix: Haar measure (Mezzadri 2007)
    tensor.copy_(gain * q)
    return tensor


@torch.no_grad()
def identity_(tensor: torch.Tensor, gain: float = 1.0) -> torch.Tensor:
    """Fill ``tensor`` (N, N) with ``gain`` times the identity (the IRNN initialisation; chapter 6)."""
    _square(tensor)
    gain = _finite("gain", gain, tensor.dtype)
    tensor.copy_(gain * torch.eye(tensor.shape[0], dtype=tensor.dtype))
    return tensor


@torch.no_grad()
def source_(tensor: torch.Tensor, scale: float = 0.9) -> torch.Tensor:
    """Fill an input matrix (N, D) with ``scale * eye(N, D)``: input ``d`` drives unit ``d`` (chapter 6).

    Paired with :func:`chain_` this feeds the input into the chain's head (units
    ``0 .. D - 1``), where it then travels down the chain. Requires ``D <= N``.
    """
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"tensor must be a 2-D torch tensor (N, D), got {type(tensor).__name__}")
    if not tensor.is_floating_point():
        raise TypeError(f"tensor must be a floating-point tensor (an integer one cannot hold the matrix), "
                        f"got {tensor.dtype}")
    if tensor.dim() != 2:
        raise ValueError(f"tensor must be a 2-D torch tensor (N, D), got {tuple(tensor.shape)}")
    n, d = tensor.shape
    if d > n:
        raise ValueError(f"tensor must have at most as many columns (inputs, D={d}) as rows (units, N={n})")
    tensor.copy_(_finite("scale", scale, tensor.dtype) * torch.eye(n, d, dtype=tensor.dtype))
    return tensor


@torch.no_grad()
def ramp_(tensor: torch.Tensor, end_gain: float = 0.01) -> torch.Tensor:
    """Fill ``tensor`` (N, N) with the paper's ramp: ``W[i, j] = end_gain * (i - j) / (N - 1)`` (chapter 6).

    Excitatory from earlier to later units (``i > j``), inhibitory backwards, rising
    linearly with the distance; the transpose of the authors' Keras ``toeplitz``
    ramp, for torch's ``W h``. Used on the LSTM gates by the "mixed" scheme.
    """
    n = _square(tensor)
    end_gain = _finite("end_gain", end_gain, tensor.dtype)
    i = torch.arange(n, dtype=torch.float64)
    tensor.copy_(end_gain * (i[:, None] - i[None, :]) / max(n - 1, 1))
    return tensor


@torch.no_grad()
def gated_(weight_hh: torch.Tensor, fills) -> torch.Tensor:
    """Fill the G stacked gate blocks of a GRU/LSTM ``weight_hh`` (G*N, N), one initialiser per block (chapter 6).

    Parameters
    ----------
    weight_hh : (G*N, N) tensor in PyTorch's gate order (LSTM: i, f, g, o; GRU: r, z, n)
    fills : non-empty list of G callables ``fill(block) -> block`` (in place), e.g.
        ``[chain_] * 4`` (the paper's LSTM chain) or ``[ramp_, ramp_, chain_, ramp_]`` ("mixed").

    Every block is filled before ``weight_hh`` is written, so a fill that raises leaves it as it was.
    """
    if not isinstance(weight_hh, torch.Tensor):
        raise TypeError(f"weight_hh must be a 2-D torch tensor (G*N, N), got {type(weight_hh).__name__}")
    if not weight_hh.is_floating_point():
        raise TypeError(f"weight_hh must be a floating-point tensor, got {weight_hh.dtype}")
    if weight_hh.dim() != 2:
        raise ValueError(f"weight_hh must be a 2-D torch tensor (G*N, N), got {tuple(weight_hh.shape)}")
    if not isinstance(fills, (list, tuple)) or not all(callable(f) for f in fills):
        raise TypeError(f"fills must be a list of callables fill(block), got {fills!r}")
    if not fills:
        raise ValueError("fills must be a non-empty list of callables fill(block), got an empty one")
    n = weight_hh.shape[1]
    g = len(fills)
    if weight_hh.shape[0] != g * n:
        raise ValueError(f"weight_hh must have shape ({g}*N, N) for {g} fills, got {tuple(weight_hh.shape)}")
    blocks = []
    for fill in fills:
        block = torch.empty(n, n, dtype=weight_hh.dtype)
        fill(block)
        blocks.append(block)
    for k, block in enumerate(blocks):
        weight_hh[k * n:(k + 1) * n] = block
    return weight_hh


def matrix(fill, n: int, *args, **kwargs) -> np.ndarray:
    """An ``n`` x ``n`` matrix from one of the square in-place initialisers, as float64 numpy (chapter 6).

    For the linear theory of :mod:`mem.theory`: ``matrix(chain_, 100, 1.02)`` is the chain with
    gain 1.02, ``matrix(orthogonal_, 100, 0.99, generator=g)`` a scaled orthogonal matrix. The
    further arguments go to ``fill``; the matrix is filled in double precision.

    Parameters
    ----------
    fill : :func:`chain_`, :func:`fbchain_`, :func:`orthogonal_`, :func:`identity_` or :func:`ramp_`
    n : int in 1.. :data:`MAX_N`, the number of units

    Returns
    -------
    ndarray (n, n) float64
    """
    if fill not in (chain_, fbchain_, orthogonal_, identity_, ramp_):
        raise TypeError(f"fill must be one of mem.init's square initialisers (chain_, fbchain_, orthogonal_, "
                         f"identity_, ramp_), got {fill!r}")
    n = check_int("n", n, 1, MAX_N)
    return fill(torch.empty(n, n, dtype=torch.float64), *args, **kwargs).numpy()


def initialize(model: RNNClassifier, scheme: str, *, gain: float | None = None, seed: int = 0) -> RNNClassifier:
    """Apply an initialisation scheme to ``model``'s recurrent layer, in place, as in the paper (chapter 6).

    Parameters
    ----------
    model : RNNClassifier (any architecture)
    scheme : one of :data:`SCHEMES`
        * ``chain``: :func:`chain_` with ``alpha = gain`` (default 1.02), input through :func:`source_` (0.9).
        * ``fbchain``: :func:`fbchain_` (forward ``gain``, default 0.99; backward 0.04), input as for chain.
        * ``orthogonal`` / ``identity``: ``gain`` (default 1.0) times an orthogonal matrix / the identity;
          input weights Normal(0, 0.9 / sqrt(N)), the authors' choice for the normal schemes.
        * ``mixed`` (LSTM only): chain on the cell candidate ``g``, :func:`ramp_` on the i, f, o gates.
        * ``default``: leave PyTorch's initialisation untouched.
    gain : float, optional; the scheme's gain (see above)
    seed : int, seeds the random parts (orthogonal matrix, input weights)

    For GRUs and LSTMs every gate block gets the same recurrent matrix (the paper's LSTM
    chain) and input matrix. Recurrent and input biases are set to zero, as in Keras.

    Returns
    -------
    The same model.
    """
    check_model(model)
    check_choice("scheme", scheme, SCHEMES)
    gen = seeded(seed)
    if scheme == "mixed" and not model.is_lstm:
        raise ValueError(f"scheme 'mixed' is for LSTMs only, got a {model.arch} model")
    if gain is not None:
        gain = _finite("gain", gain, model.rnn.weight_hh_l0.dtype)
    if scheme == "default":
        return model
    n, d = model.hidden_size, model.input_size
    if scheme in ("chain", "fbchain") and d > n:   # checked before any weight is touched
        raise ValueError(f"scheme {scheme!r} feeds input d to unit d: input_size ({d}) must be "
                         f"<= hidden_size ({n})")
    blocks = {"gru": 3, "lstm": 4}.get(model.arch, 1)
    if scheme == "chain":
        fill = lambda w: chain_(w, 1.02 if gain is None else gain)  # noqa: E731
    elif scheme == "fbchain":
        fill = lambda w: fbchain_(w, 0.99 if gain is None else gain)  # noqa: E731
    elif scheme == "orthogonal":
        q = orthogonal_(torch.empty(n, n), 1.0 if gain is None else gain, generator=gen)
        fill = lambda w: w.copy_(q)  # noqa: E731  (the same matrix in every gate block)
    elif scheme == "identity":
        fill = lambda w: identity_(w, 1.0 if gain is None else gain)  # noqa: E731
    else:  # mixed
        fill = None
    with torch.no_grad():
        rnn = model.rnn
        if fill is None:
            gated_(rnn.weight_hh_l0, [ramp_, ramp_, lambda w: chain_(w, 1.02 if gain is None else gain), ramp_])
        else:
            gated_(rnn.weight_hh_l0, [fill] * blocks)
        if scheme in ("chain", "fbchain"):
            u = source_(torch.empty(n, d))
        else:
            u = torch.randn(n, d, generator=gen) * (0.9 / np.sqrt(n))
        rnn.weight_ih_l0.copy_(u.repeat(blocks, 1))
        rnn.bias_ih_l0.zero_()
        rnn.bias_hh_l0.zero_()
    return model


def comparison_matrices(n: int = 100, seed: int = 0) -> dict:
    """The six recurrent matrices chapter 6 compares in its linear theory, as float64 numpy (n, n) (chapter 6).

    Two chains (:func:`chain_` with gains 1.02 and 1, the delay line), :func:`fbchain_` at its defaults,
    and three matrices of spectral radius 0.99: orthogonal (:func:`orthogonal_`, torch generator seeded
    with ``seed``), the scaled identity, and a Gaussian random matrix (numpy ``default_rng(seed)``,
    entries of standard deviation 1 / sqrt(n)) rescaled to that radius.

    Returns
    -------
    ``{label: ndarray (n, n)}`` with labels ``"chain α=1.02"``, ``"chain α=1 (delay line)"``, ``"fbchain"``,
    ``"orthogonal ×0.99"``, ``"identity ×0.99"``, ``"random ×0.99"``. ``n`` is an integer in 1.. :data:`MAX_N`.
    """
    n, seed = check_int("n", n, 1, MAX_N), check_int("seed", seed, 0)
    R = np.random.default_rng(seed).normal(0, 1 / np.sqrt(n), (n, n))
    return {"chain α=1.02": matrix(chain_, n, 1.02), "chain α=1 (delay line)": matrix(chain_, n, 1.0),
            "fbchain": matrix(fbchain_, n),
            "orthogonal ×0.99": matrix(orthogonal_, n, 0.99, generator=seeded(seed)),
            "identity ×0.99": matrix(identity_, n, 0.99),
            "random ×0.99": R * 0.99 / np.abs(np.linalg.eigvals(R)).max()}
