"""Speed regularisation: make the slow points slower, and memories last longer (chapter 5).

Haviv, Rivkind & Barak (2019) added the speed at the slow points to the training loss,

    loss = cross-entropy + lambda * sum_i S(h_i, I),   S(h, I) = ||F(h, I) - h||^2,

and fine-tuned trained networks with it. Three *modes* compare where the penalty acts:

* ``"slowpoints"``: at the class slow points, found once by the paper's Adam search
  (:func:`~mem.slowpoints.starts.find_class_slow_points`);
* ``"centermass"``: at the class-mean states themselves, unoptimised
  (:func:`~mem.slowpoints.starts.class_mean_states`);
* ``"control"``: the same fine-tune with ``lambda = 0``: whatever fine-tuning alone does.

The points can stay where they were found (``tracking="fixed"``, the default) or follow
the changing network (``"retrack"``): before each training step, plain gradient descent on
S moves the points under the current weights, kept inside the states the network can reach.
Not Adam: Adam normalises its steps, so its first step moves every coordinate by about its
learning rate and kicks points that are already found out of their slow region (chapter 5
shows what that does).

Two normalisations of the penalty: ours evaluates S once per point at the mean input
(``noise_frames=0``); the authors' code evaluates it at ``noise_frames`` independent noise frames
per point (the task's own noise, trigger off, fresh at every training step) and sums over points x
frames. :func:`penalty_conversion` measures how the two weights lambda convert on a network.

:class:`SpeedPenalty` is the term itself, usable in :func:`mem.train.train` for training
from scratch; :func:`fine_tune` copies a trained network and fine-tunes the copy.
"""
from __future__ import annotations

import copy
import hashlib
import io
import math

import numpy as np
import torch

from . import slowpoints as _sp
from . import store, zoo
from ._checks import (
    check_bool,
    check_choice,
    check_float,
    check_frame,
    check_generator,
    check_int,
    check_model,
    check_model_task,
    check_names,
    check_path,
    check_seed,
    check_tensor,
    seeded,
)
from .data import load_digits
from .evaluate import accuracy_vs_delay, memory_lifetime, report_accuracy
from .fingerprint import fingerprint
from .models import RNNClassifier, State
from .protocols import NaCu
from .store import Collection, pinned_threads, require_keys
from .tasks import DelayedClassification
from .train import History, train

__all__ = [
    "MODES",
    "RECIPES",
    "SWEEP",
    "SWEEP_COLLECTION",
    "SWEEP_FILE",
    "TEST_ANCHORS_FILE",
    "TRACKING",
    "SpeedPenalty",
    "accuracy_table",
    "anchor_points",
    "best_runs",
    "compare_conclusions",
    "compare_sweeps",
    "components_comparison",
    "control_comparison",
    "evaluate_fine_tune",
    "fine_tune",
    "load_sweep",
    "penalty_conversion",
    "recipe_comparison",
    "speed_penalty",
    "sweep_configs",
    "sweep_effects",
    "sweep_entry",
    "sweep_job",
    "sweep_name",
    "sweep_table",
    "weights_sha256",
]

MODES = ("slowpoints", "centermass", "control")
TRACKING = ("fixed", "retrack")
#: The most updates (fine-tuning, re-tracking, slow-point search) and trials (batch, class means) one call takes.
_MAX_STEPS, _MAX_TRIALS = 10**6, 10_000
#: The most noise frames per point (the authors' normalisation of the penalty) and frames a conversion averages.
_MAX_FRAMES = 10_000


def _config(cfg, keys) -> dict:
    """``cfg`` must be a dict (a ``TypeError`` otherwise) with every one of ``keys`` (``store.require_keys``)."""
    if not isinstance(cfg, dict):
        raise TypeError(f"cfg must be a config dict, got {type(cfg).__name__}")
    require_keys(cfg, keys)
    return cfg


def _check_points(points):
    """``points`` checked: SlowPoints, a State, or a tensor or numpy array (returned as a tensor), all finite."""
    if isinstance(points, _sp.SlowPoints):
        check_tensor("points", points.states)
    elif isinstance(points, State):
        for v in points:
            if v is not None:
                check_tensor("points", v)
    elif isinstance(points, (torch.Tensor, np.ndarray)):
        return check_tensor("points", points)
    else:
        raise TypeError(f"points must be SlowPoints, a State or a tensor (N, state_size), got {type(points).__name__}")
    return points


def _check_tracking(tracking, retrack_n_iters, retrack_lr, retrack_optimizer, components) -> None:
    """The settings of :class:`SpeedPenalty` that :func:`fine_tune` passes on."""
    check_choice("tracking", tracking, TRACKING)
    check_int("retrack_n_iters", retrack_n_iters, hi=_MAX_STEPS)
    check_float("retrack_lr", retrack_lr, gt=0)
    check_choice("retrack_optimizer", retrack_optimizer, ("sgd", "adam"))
    check_choice("components", components, _sp.COMPONENTS)


def _flat_points(model: RNNClassifier, points) -> torch.Tensor:
    """(N, state_size) detached states from SlowPoints, a State, or a flat tensor (or numpy array)."""
    points = _check_points(points)
    if isinstance(points, _sp.SlowPoints):
        v = points.states
    elif isinstance(points, State):
        v = model.flatten_state(model.check_state(points, points.h.shape[0]))
    else:
        v = points
    if v.dim() != 2 or v.shape[1] != model.state_size:
        raise ValueError(f"points must have shape (N, {model.state_size}) for this model, got {tuple(v.shape)}")
    return v.detach()


def speed_penalty(model: RNNClassifier, points, inputs: torch.Tensor, components: str = "full",
                  noise_frames: int = 0, *, task=None, generator: torch.Generator | None = None) -> torch.Tensor:
    """``sum_i S(h_i, I)`` at fixed points ``h_i``, differentiable in the model's parameters (chapter 5).

    Parameters
    ----------
    model : RNNClassifier (GRU, LSTM or vanilla RNN)
    points : SlowPoints, State with h (N, H) (and c), or tensor (N, state_size); treated as
        constants (no gradient flows into them)
    inputs : (D,) constant input (e.g. ``task.mean_input()``) or (N, D)
    components : {"full", "h_tanh_c", "h"}, what enters S for LSTMs
        (:func:`~mem.slowpoints.state_map.speed`); default ``"full"``, the whole
        state. The paper's choice (``"h_tanh_c"`` for LSTMs) is ``mem.slowpoints.paper_components(model)``,
        passed explicitly (as :func:`sweep_entry` does)
    noise_frames : int in 0..10000. 0 (default): S once per point, at ``inputs``. M > 0: the authors'
        normalisation: S at M independent noise frames per point, summed over points x frames. Each
        frame is ``inputs`` with its pixel channels replaced by the task's noise (``task.noise``; the
        trigger channel keeps its value in ``inputs``, off in ``task.mean_input()``)
    task : DelayedClassification, required when ``noise_frames > 0`` (its noise is drawn); otherwise unused
    generator : torch.Generator drawing the frames (default: torch's global generator); unused
        when ``noise_frames == 0``

    Returns
    -------
    scalar tensor: the sum of the N (or N x M) speeds, with gradients for the model's parameters.
    """
    check_model(model)
    check_choice("components", components, _sp.COMPONENTS)
    noise_frames = check_int("noise_frames", noise_frames, 0, _MAX_FRAMES)
    check_generator("generator", generator, none_ok=True)
    if noise_frames or task is not None:
        check_model_task(model, task, DelayedClassification, " (its noise frames)")
    p = next(model.parameters())
    v = _flat_points(model, points).to(device=p.device, dtype=p.dtype)
    x = torch.as_tensor(check_tensor("inputs", inputs), dtype=p.dtype, device=p.device)
    if x.dim() == 1:
        x = x.expand(v.shape[0], -1)
    if x.shape != (v.shape[0], model.input_size):
        raise ValueError(f"inputs must have shape ({model.input_size},) or ({v.shape[0]}, {model.input_size}), "
                         f"got {tuple(x.shape)}")
    if noise_frames:
        x = _noise_frames(task, x, noise_frames, generator).reshape(-1, x.shape[1])
        v = v.repeat(noise_frames, 1)
    return _speed_sum(model, v, x, components)


def _noise_frames(task, x: torch.Tensor, m: int, generator) -> torch.Tensor:
    """(m, N, D) frames: ``x`` (N, D) with its pixel channels replaced by ``m`` x N fresh noise frames of ``task``."""
    frames = x.expand(m, *x.shape).clone()
    frames[..., :task.data.n_pixels] = task.noise((m, x.shape[0]), generator).to(frames)
    return frames


def _speed_sum(model: RNNClassifier, v: torch.Tensor, x: torch.Tensor, components: str) -> torch.Tensor:
    """``sum_i S(v_i, x_i)`` through the model's own step: gradients reach its weights (and ``v``, if it needs them)."""
    f = model.flatten_state(model.step(x, model.unflatten_state(v)))
    r = _sp.residual_of(f, v, model.hidden_size if model.is_lstm else None, components)
    return (r * r).sum()


class SpeedPenalty:
    """``lam * sum_i S(h_i, I)`` as a training-loss term: ``train(..., penalty=SpeedPenalty(...))`` (chapter 5).

    Parameters
    ----------
    points : SlowPoints, State or tensor (N, state_size): where the speed is penalised
    inputs : (D,) constant input, e.g. ``task.mean_input()``
    lam : float >= 0, the weight lambda
    tracking : "fixed" (default: the points never move) or "retrack" (before each training
        step, ``retrack_n_iters`` (at most 10**6) steps of gradient descent on S at learning rate ``retrack_lr``
        move the points under the current weights, clamped to the reachable box
        :meth:`mem.slowpoints.Dynamics.bounds <mem.slowpoints.state_map.Dynamics.bounds>`)
    retrack_optimizer : "sgd" (default) or "adam" (one persistent Adam optimiser: kicks the
        points on its first step; kept to show why not)
    components : {"full", "h_tanh_c", "h"}, what enters S for LSTMs; default ``"full"`` (as in
        :func:`speed_penalty`; the paper's choice is ``mem.slowpoints.paper_components(model)``)
    noise_frames : int in 0..10000; 0 (default): S at ``inputs``. M > 0: the authors' normalisation, S at M
        noise frames of ``task`` per point (:func:`speed_penalty`), summed over points x frames; the frames
        of training step ``t`` are drawn afresh from a generator seeded by ``(seed, t)``, so a run is
        reproducible and every step sees new frames. Re-tracking moves the points by their speed at ``inputs``
    task : DelayedClassification whose noise is drawn (required when ``noise_frames > 0``)
    seed : int, seeds the noise frames (unused when ``noise_frames == 0``)

    Notes
    -----
    The current points are in ``self.points`` (N, state_size). The same object works for
    fine-tuning and for training from scratch; from scratch, start from states the network
    visits (e.g. :func:`~mem.slowpoints.starts.trajectory_states`) and re-track them.
    """

    def __init__(self, points, inputs: torch.Tensor, lam: float, *, tracking: str = "fixed",
                 retrack_n_iters: int = 1, retrack_lr: float = 0.1, retrack_optimizer: str = "sgd",
                 components: str = "full", noise_frames: int = 0, task=None, seed: int = 0):
        points, inputs = _check_points(points), check_tensor("inputs", inputs)
        check_float("lam", lam, ge=0)
        _check_tracking(tracking, retrack_n_iters, retrack_lr, retrack_optimizer, components)
        self.noise_frames = check_int("noise_frames", noise_frames, 0, _MAX_FRAMES)
        if self.noise_frames and not isinstance(task, DelayedClassification):
            raise TypeError(f"task must be a mem.tasks.DelayedClassification when noise_frames > 0 (its noise "
                            f"frames), got {type(task).__name__}")
        if task is not None and not isinstance(task, DelayedClassification):
            raise TypeError(f"task must be a mem.tasks.DelayedClassification or None, got {type(task).__name__}")
        self.task, self.seed = task, check_seed(seed)
        self.retrack_optimizer = retrack_optimizer
        self.raw_points, self.inputs, self.lam = points, inputs, float(lam)
        self.tracking, self.retrack_n_iters, self.retrack_lr, self.components = (tracking, retrack_n_iters,
                                                                                retrack_lr, components)
        self.points = None
        self._opt = None

    def _init(self, model):
        p = next(model.parameters())
        self.points = _flat_points(model, self.raw_points).to(device=p.device, dtype=p.dtype).clone()
        self._x = self.inputs.to(self.points).expand(self.points.shape[0], -1)
        if self.tracking == "retrack":
            self.points.requires_grad_(True)
            opt = torch.optim.SGD if self.retrack_optimizer == "sgd" else torch.optim.Adam
            self._opt = opt([self.points], lr=self.retrack_lr)   # persistent: created once
            lo, hi = _sp.dynamics(model).bounds()
            self._box = (lo.to(p.dtype), hi.to(p.dtype))

    def _retrack(self, model):
        frozen = [q.requires_grad for q in model.parameters()]
        for q in model.parameters():
            q.requires_grad_(False)
        try:
            for _ in range(self.retrack_n_iters):
                self._opt.zero_grad(set_to_none=True)
                _speed_sum(model, self.points, self._x, self.components).backward()
                self._opt.step()
                with torch.no_grad():
                    self.points.copy_(torch.maximum(torch.minimum(self.points, self._box[1]), self._box[0]))
        finally:
            for q, f in zip(model.parameters(), frozen):
                q.requires_grad_(f)

    def _frames_generator(self, step: int) -> torch.Generator:
        """The generator of training step ``step``'s noise frames, seeded by ``(seed, step)``."""
        step = check_int("step", step, 0)
        state = np.random.SeedSequence([self.seed, step]).generate_state(2, np.uint32)
        return torch.Generator().manual_seed(int(state[0]) << 31 | int(state[1]) >> 1)

    def __call__(self, model: RNNClassifier, step: int) -> torch.Tensor:
        if self.points is None:
            self._init(model)
        if self.tracking == "retrack":
            self._retrack(model)
        if self.lam == 0:
            return next(model.parameters()).new_zeros(())
        if self.noise_frames:
            return self.lam * speed_penalty(model, self.points.detach(), self.inputs, self.components,
                                            self.noise_frames, task=self.task, generator=self._frames_generator(step))
        return self.lam * speed_penalty(model, self.points.detach(), self.inputs, self.components)


def anchor_points(model: RNNClassifier, task, mode: str = "slowpoints", *, n_iters: int = 2000,
                  adam_lr: float = 1e-2, components: str = "full", n_trials: int = 1000,
                  seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Where the penalty acts, for each digit the network knows (chapter 5).

    ``"slowpoints"``: the paper's Adam slow points (``n_iters`` steps at ``adam_lr``,
    from the class means); ``"centermass"`` and ``"control"``: the class-mean states.

    Parameters
    ----------
    model, task : RNNClassifier and the DelayedClassification it was trained on
    n_iters : int in 0..10**6, the most Adam iterations of the ``"slowpoints"`` search (it may stop earlier
        for points that are fixed: :func:`mem.slowpoints.find_slow_points
        <mem.slowpoints.search.find_slow_points>`)
    components : {"full", "h_tanh_c", "h"}, what enters S for LSTMs in the ``"slowpoints"`` search;
        default ``"full"``, the whole state. The paper's choice (``"h_tanh_c"`` for LSTMs) is
        ``mem.slowpoints.paper_components(model)``, passed explicitly (as :func:`sweep_entry` does)
    n_trials : int in 1..10000, the trials the class means are taken over

    Returns
    -------
    (points (K, state_size) float32, labels (K,) int64)
    """
    check_model_task(model, task, DelayedClassification)
    check_choice("mode", mode, MODES)
    check_int("n_iters", n_iters, 0, _MAX_STEPS)
    check_float("adam_lr", adam_lr, gt=0)
    check_choice("components", components, _sp.COMPONENTS)
    check_int("n_trials", n_trials, hi=_MAX_TRIALS)
    check_seed(seed)
    start, labels = _sp.class_mean_states(model, task, n_trials=n_trials, seed=seed)
    if mode != "slowpoints":
        return model.flatten_state(start).detach().float(), labels
    pts = _sp.find_slow_points(model, start, task.mean_input(), method="adam", n_iters=n_iters, lr=adam_lr,
                               labels=labels, components=components, jacobians=False)
    return pts.states.float(), labels


def fine_tune(model: RNNClassifier, task, points=None, lam: float = 100.0, n_iters: int = 500, *,
              mode: str = "slowpoints", tracking: str = "fixed", lr: float = 3e-4, clip: float = 1.0,
              batch_size: int = 128, seed: int = 0, components: str = "full", retrack_n_iters: int = 1,
              retrack_lr: float = 0.1, retrack_optimizer: str = "sgd", noise_frames: int = 0,
              progress: bool = True) -> tuple[RNNClassifier, History]:
    """Fine-tune a copy of ``model`` on the full task with the speed penalty (chapter 5).

    Parameters
    ----------
    model : a trained RNNClassifier; it is not modified
    task : DelayedClassification (full task: ``T_max`` and all digits)
    points : where to penalise; default :func:`anchor_points` for ``mode``
    lam : weight of the penalty, >= 0 and at most the largest float of the model's dtype (forced to 0 for
        ``mode="control"``)
    n_iters : int in 1..10**6, the number of fine-tuning updates (Adam at ``lr``, gradient-norm clip ``clip``;
        ``lr`` > 0 and at most the largest float of the model's dtype, ``clip`` >= 0, 0 or inf: no clipping)
    batch_size : int in 1..10000
    mode : "slowpoints", "centermass" or "control" (module docstring)
    tracking : "fixed" or "retrack" (:class:`SpeedPenalty`)
    seed : seeds the batches (the same for every mode and lambda, so runs differ only by the penalty)
    components : {"full", "h_tanh_c", "h"}, what enters S for LSTMs, in :func:`anchor_points` and in
        the penalty; default ``"full"``, the whole state. The paper's choice (``"h_tanh_c"`` for
        LSTMs) is ``mem.slowpoints.paper_components(model)``, passed explicitly (as :func:`sweep_entry` does)
    noise_frames : int in 0..10000; 0 (default): our normalisation, S once per point at the mean input.
        M > 0: the authors', S at M fresh noise frames of ``task`` per point and training step, summed
        (:class:`SpeedPenalty`; the frames are seeded by ``seed`` and the step, apart from the batches)

    Returns
    -------
    (the fine-tuned copy in eval mode, History with ``loss`` (cross-entropy), ``accuracy``
    and ``penalty`` per step)
    """
    check_model_task(model, task, DelayedClassification)
    if points is not None:
        points = _check_points(points)
    biggest = torch.finfo(next(model.parameters()).dtype).max   # a larger lam or lr overflows the model's floats
    check_float("lam", lam, ge=0, le=biggest)
    check_int("n_iters", n_iters, hi=_MAX_STEPS)
    check_choice("mode", mode, MODES)
    _check_tracking(tracking, retrack_n_iters, retrack_lr, retrack_optimizer, components)
    check_float("lr", lr, gt=0, le=biggest)
    check_float("clip", clip, ge=0, finite=False)
    check_int("batch_size", batch_size, hi=_MAX_TRIALS)
    check_seed(seed)
    noise_frames = check_int("noise_frames", noise_frames, 0, _MAX_FRAMES)
    check_bool("progress", progress)
    if mode == "control":
        lam = 0.0
    if points is None:
        points, _ = anchor_points(model, task, mode, components=components)
    tuned = copy.deepcopy(model)
    for q in tuned.parameters():
        q.requires_grad_(True)
    penalty = SpeedPenalty(points, task.mean_input(), lam, tracking=tracking, retrack_n_iters=retrack_n_iters,
                           retrack_lr=retrack_lr, retrack_optimizer=retrack_optimizer, components=components,
                           noise_frames=noise_frames, task=task, seed=seed)
    hist = train(tuned, task, NaCu(n_iters), optimizer="adam", batch_size=batch_size, lr=lr, clip=clip, seed=seed,
                 progress=progress, desc=f"fine-tune {mode} lam={lam:g}", penalty=penalty)
    tuned.eval()
    return tuned, hist


def penalty_conversion(model: RNNClassifier, task, points, noise_frames: int = 10, n_frames: int = 1000,
                       seed: int = 0, components: str = "full") -> float:
    """How the authors' penalty weight converts into ours on a network, at given points (chapter 5).

    The ratio ``noise_frames * mean_frames[sum_i S(h_i, noise frame)] / sum_i S(h_i, mean input)``: the
    authors' penalty (``noise_frames`` noise frames per point, summed) over ours (the mean input once per
    point), at the same points and weights, its numerator averaged over ``n_frames`` frames per point.
    Their ``lam_authors`` puts the same weight on the penalty as our ``lam = lam_authors * ratio``,
    at these points and weights (the two penalties' gradients still differ: the noisy one also
    penalises how strongly the noise moves the state).

    Parameters
    ----------
    model, task : RNNClassifier and its DelayedClassification (whose noise is drawn)
    points : SlowPoints, State or tensor (N, state_size), e.g. :func:`anchor_points`; their summed speed at
        the mean input must be > 0 (it divides)
    noise_frames : int in 1..10000, M of the authors' normalisation (their code: 10)
    n_frames : int in 1..10000, the noise frames per point the mean is taken over
    seed : int, seeds the frames
    components : {"full", "h_tanh_c", "h"}, what enters S for LSTMs (:func:`speed_penalty`)

    Returns
    -------
    float, the ratio (our lambda per unit of the authors').
    """
    check_model_task(model, task, DelayedClassification)
    noise_frames = check_int("noise_frames", noise_frames, 1, _MAX_FRAMES)
    n_frames = check_int("n_frames", n_frames, 1, _MAX_FRAMES)
    gen = seeded(seed)
    x = task.mean_input()
    with torch.no_grad():
        ours = float(speed_penalty(model, points, x, components))
        if not ours > 0:
            raise ValueError(f"points must have a summed speed > 0 at the mean input (it divides), got {ours!r}")
        noisy = float(speed_penalty(model, points, x, components, n_frames, task=task, generator=gen))
    return noise_frames * (noisy / n_frames) / ours


# ---------------------------------------------------------------------------------------------
# The precomputed sweep (chapter 5): lambda x mode x network, measured once, stored with the zoo.
# A collection of mem.store whose entries have no file: `python -m mem.store build sweep` (resumable).
# ---------------------------------------------------------------------------------------------
#: The sweep's manifest, in the zoo's folder.
SWEEP_FILE = "regularization_sweep.json"
#: The sweep as first built (its 56 runs; commit edd5758), when the class means that start the slow-point
#: search, and the CenterMass points, were taken over test digits; kept to show what moved (chapter 5).
TEST_ANCHORS_FILE = "regularization_sweep_test_anchors.json"
#: Networks, weights and settings of the sweep (stored in the file with every entry). Beside the main
#: sweep (``networks`` x modes x ``lams``): the authors' recipe (``authors``: their lambda, noise
#: frames, steps and learning rate) on the same networks; the LSTMs' penalty on the whole state
#: ``[h, c]`` (``full_state``) beside the paper's ``[h, tanh c]``; and Control, SlowPoints and
#: CenterMass at ``more_lam`` on ``more_networks`` (other protocols and sizes).
SWEEP = {"networks": ["gru64-nacu-s0", "gru64-nacu-s1", "lstm64-nacu-s0", "lstm64-nacu-s1"],
         "lams": [1.0, 10.0, 100.0, 1000.0, 10000.0], "retrack_lams": [100.0, 1000.0],
         "steps": 500, "lr": 3e-4, "clip": 1.0, "batch_size": 128, "seed": 0, "threads": 1,
         "delays": [20, 50, 100, 200, 300, 500, 700, 1000, 1500, 2000], "n_trials_delay": 1000,
         "n_trials_report": 2000, "eval_seed": 1234,
         "authors": {"lam": 0.001, "noise_frames": 10, "steps": 5000, "lr": 1e-5},
         "full_state": {"networks": ["lstm64-nacu-s0", "lstm64-nacu-s1"], "lams": [100.0, 1000.0]},
         "more_networks": ["gru64-decu-s0", "gru64-vocu-s0", "lstm64-decu-s0", "lstm64-vocu-s0", "gru128-nacu-s0",
                           "lstm128-nacu-s0"],
         "more_lam": 1000.0}

#: The recipes of the sweep's runs (:func:`sweep_table`'s ``recipe`` column): ``"ours"`` (S at the mean
#: input, :data:`SWEEP`'s steps and learning rate, the paper's components), ``"authors"`` (their
#: normalisation, lambda, steps and learning rate; their Control is 5000 steps at their learning rate),
#: ``"authors-penalty"`` (their normalisation and lambda with our steps and learning rate; its Control is
#: ours) and ``"full-state"`` (ours, on an LSTM's whole state ``[h, c]``).
RECIPES = ("ours", "authors", "authors-penalty", "full-state")

#: What :func:`sweep_entry` reads from a config (``retrack_optimizer``, ``retrack_lr``, ``noise_frames`` and
#: ``components`` are optional: without them a run is our recipe, with the paper's components).
_SWEEP_KEYS = ("network", "mode", "tracking", "lam", "steps", "lr", "clip", "batch_size", "seed", "threads")
_SHARED = ("steps", "lr", "clip", "batch_size", "seed", "threads")


def sweep_configs() -> list[dict]:
    """One config per run (chapter 5): every network x (control; slowpoints and centermass at every lambda;
    re-tracked slow points at ``retrack_lams``), then the authors' recipe, the LSTMs' whole-state penalty and
    the runs on more networks (:data:`SWEEP`)."""
    def run(net, mode, lam, tracking="fixed", **extra):
        return {"network": net, "mode": mode, "tracking": tracking, "lam": lam, **{k: SWEEP[k] for k in _SHARED},
                **extra}

    out = []
    for net in SWEEP["networks"]:
        runs = [("control", "fixed", 0.0)] + [(m, "fixed", lam) for m in ("slowpoints", "centermass")
                                              for lam in SWEEP["lams"]]
        runs += [("slowpoints", "retrack", lam) for lam in SWEEP["retrack_lams"]]
        for mode, tracking, lam in runs:
            out.append(run(net, mode, lam, tracking))
            if tracking == "retrack":
                out[-1].update(retrack_optimizer="sgd", retrack_lr=0.1)
        # the pitfall: re-tracking with a persistent Adam optimiser (its first step kicks the points)
        out.append(dict(out[-1], retrack_optimizer="adam", retrack_lr=1e-2))
    au = SWEEP["authors"]
    for net in SWEEP["networks"]:
        out.append(run(net, "control", 0.0, steps=au["steps"], lr=au["lr"]))
        out += [run(net, mode, au["lam"], steps=au["steps"], lr=au["lr"], noise_frames=au["noise_frames"])
                for mode in ("slowpoints", "centermass")]
    # the authors' penalty (their lambda and noise frames) with our steps and learning rate: the normalisation alone
    out += [run(net, mode, au["lam"], noise_frames=au["noise_frames"]) for net in SWEEP["networks"]
            for mode in ("slowpoints", "centermass")]
    out += [run(net, "slowpoints", lam, components="full") for net in SWEEP["full_state"]["networks"]
            for lam in SWEEP["full_state"]["lams"]]
    out += [run(net, mode, lam) for net in SWEEP["more_networks"]
            for mode, lam in (("control", 0.0), ("slowpoints", SWEEP["more_lam"]), ("centermass", SWEEP["more_lam"]))]
    return out


def sweep_name(cfg: dict) -> str:
    """A sweep run's name, ``<network>-<mode>-<tracking>-lam<lam>`` (chapter 5), then ``-noise<M>`` with noise
    frames, ``-<components>`` with explicit components, and ``-steps<n>-lr<lr>`` with steps or a learning rate
    other than :data:`SWEEP`'s."""
    _config(cfg, ("network", "mode", "tracking", "lam"))
    tracking = cfg["tracking"] + ("_adam" if cfg.get("retrack_optimizer") == "adam" else "")
    name = f"{cfg['network']}-{cfg['mode']}-{tracking}-lam{cfg['lam']:g}"
    if cfg.get("noise_frames"):
        name += f"-noise{cfg['noise_frames']}"
    if "components" in cfg:
        name += f"-{cfg['components']}"
    steps, lr = cfg.get("steps", SWEEP["steps"]), cfg.get("lr", SWEEP["lr"])
    if (steps, lr) != (SWEEP["steps"], SWEEP["lr"]):
        name += f"-steps{steps}-lr{lr:g}"
    return name


def _recipe(cfg: dict) -> str:
    """The recipe of a run's config (:data:`RECIPES`), ``"other"`` for a config of none of them."""
    au = SWEEP["authors"]
    if (cfg["steps"], cfg["lr"]) == (au["steps"], au["lr"]) and cfg.get("noise_frames", 0) == (
            0 if cfg["mode"] == "control" else au["noise_frames"]) and "components" not in cfg:
        return "authors"
    if (cfg["steps"], cfg["lr"]) != (SWEEP["steps"], SWEEP["lr"]):
        return "other"
    if cfg.get("noise_frames", 0):
        return "authors-penalty" if (cfg["noise_frames"], cfg["lam"]) == (au["noise_frames"], au["lam"]) \
            and "components" not in cfg else "other"
    return {None: "ours", "full": "full-state"}.get(cfg.get("components"), "other")


def evaluate_fine_tune(model: RNNClassifier, task) -> dict:
    """A network measured with the sweep's settings (:data:`SWEEP`), in the sweep's format (chapter 5).

    Returns
    -------
    ``{"report_accuracy": float, "delays": list, "accuracy": list (rounded to 6 decimals),
    "lifetime": float or None}`` (None: the memory outlasts the longest probed delay; NaN: nothing was
    remembered at the shortest delay, :func:`mem.evaluate.memory_lifetime`).
    """
    check_model_task(model, task, DelayedClassification)
    curve = accuracy_vs_delay(model, task, SWEEP["delays"], SWEEP["n_trials_delay"], SWEEP["eval_seed"])
    life = memory_lifetime(curve)
    return {"report_accuracy": report_accuracy(model, task, SWEEP["n_trials_report"], SWEEP["eval_seed"]),
            "delays": curve.delays.tolist(), "accuracy": [round(float(a), 6) for a in curve.accuracy],
            "lifetime": None if math.isinf(life) else life}


def weights_sha256(model: RNNClassifier) -> str:
    """sha256 of a model's weights (its float32 state dict as ``torch.save`` writes it), to check a
    rerun reproduces a stored result bit for bit (chapter 5)."""
    check_model(model)
    buf = io.BytesIO()
    torch.save({k: v.detach().cpu().clone() for k, v in model.state_dict().items()}, buf)
    return hashlib.sha256(buf.getvalue()).hexdigest()


def sweep_entry(cfg: dict) -> dict:
    """Run one fine-tune of the sweep and measure it (at the config's thread count) (chapter 5).

    The config's optional ``components`` (default: the paper's, ``mem.slowpoints.paper_components``) says
    where the anchor slow points are searched and what the penalty sums; its optional ``noise_frames``
    (default 0) is :func:`fine_tune`'s. The speeds are always measured the paper's way (its components,
    at its slow points), so that every entry's are comparable.

    Returns
    -------
    dict with the config, the network's metrics before (``before``) and after (``after``),
    the summed speed at each network's own slow points before and after (and the tuned
    network's at the original points: ``after_at_old_points``), the penalty history's first
    and last values, the sha256 of the fine-tuned weights (they are not stored: a rebuild on a
    machine with the same numerics fingerprint can check it reproduces them) and that fingerprint
    (:mod:`mem.fingerprint`); with noise frames also ``lam_conversion``, :func:`penalty_conversion` at
    the penalised points of the network before fine-tuning (our lambda per unit of the authors').
    """
    return _sweep_entry(_config(cfg, _SWEEP_KEYS))


@pinned_threads
def _sweep_entry(cfg: dict) -> dict:
    """:func:`sweep_entry` after its checks, at the config's thread count."""
    task = DelayedClassification(load_digits(), T_max=20, delta_min=4)
    model = zoo.load(cfg["network"]).model
    comp = _sp.paper_components(model)   # the sweep measures what the paper's code does
    penalised = cfg.get("components", comp)
    check_choice("cfg['components']", penalised, _sp.COMPONENTS)
    noise_frames = check_int("cfg['noise_frames']", cfg.get("noise_frames", 0), 0, _MAX_FRAMES)
    points, _ = anchor_points(model, task, cfg["mode"], components=penalised)
    x = task.mean_input()
    # the stored config's "steps" is fine_tune's n_iters (stored keys stay as they are)
    tuned, hist = fine_tune(model, task, points, cfg["lam"], n_iters=cfg["steps"], mode=cfg["mode"],
                            tracking=cfg["tracking"], lr=cfg["lr"], clip=cfg["clip"],
                            batch_size=cfg["batch_size"], seed=cfg["seed"], progress=False,
                            retrack_optimizer=cfg.get("retrack_optimizer", "sgd"),
                            retrack_lr=cfg.get("retrack_lr", 0.1), components=penalised, noise_frames=noise_frames)
    slow, _ = anchor_points(model, task, "slowpoints", components=comp)    # the original network's slow points
    own, _ = anchor_points(tuned, task, "slowpoints", components=comp)     # the fine-tuned network's own
    with torch.no_grad():
        speed = {"before": float(speed_penalty(model, slow, x, comp)),
                 "after": float(speed_penalty(tuned, own, x, comp)),
                 "after_at_old_points": float(speed_penalty(tuned, slow, x, comp))}
    extra = {}
    if noise_frames:
        extra["lam_conversion"] = penalty_conversion(model, task, points, noise_frames, seed=cfg["seed"],
                                                     components=penalised)
    return {"config": cfg, "before": evaluate_fine_tune(model, task), "after": evaluate_fine_tune(tuned, task),
            "speed_at_slow_points": speed,
            "penalty": [float(hist.penalty[0]), float(hist.penalty[-1])],
            "final_train_loss": float(hist.loss[-50:].mean()), **extra,
            "sha256": weights_sha256(tuned), "torch_version": torch.__version__,
            "fingerprint": fingerprint(threads=cfg["threads"])}


def sweep_job(cfg: dict) -> tuple[None, dict]:
    """:func:`sweep_entry` as a job of :mod:`mem.store` (chapter 5): ``(None, entry)``, stored without a file."""
    return None, sweep_entry(cfg)


def load_sweep(path=None) -> dict:
    """The stored sweep: ``{"settings": SWEEP, "entries": {name: entry}}`` (chapter 5).

    ``path``: the sweep's JSON file (default: the ``sweep`` collection's manifest, :data:`SWEEP_FILE`
    in the zoo's folder)."""
    path = check_path("path", path, none_ok=True) or zoo.ZOO_DIR / SWEEP_FILE
    if not path.exists():
        return {"settings": SWEEP, "entries": {}}
    if not path.is_file():
        raise ValueError(f"path must be the sweep's JSON file, got the folder {str(path)!r}")
    return store.manifest(path.parent, path.name)


def sweep_table(data: dict | None = None, recipe: str | None = "ours"):
    """The sweep as a DataFrame, one row per run (chapter 5).

    Parameters
    ----------
    data : :func:`load_sweep`'s dict (default: the stored sweep)
    recipe : the runs of one recipe (:data:`RECIPES`; default ``"ours"``, the main sweep and its runs on
        more networks), or None for every run

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``network``, ``arch``, ``mode``, ``tracking``, ``lam``, ``recipe``,
        ``noise_frames``, ``components`` (``"paper"`` unless the config names them), ``steps``, ``lr``;
        then for the fine-tuned network ``report_accuracy``, ``lifetime`` (``inf`` if the memory
        outlasts the longest probed delay) and ``acc_<d>`` for every probed delay, each also as
        ``<column>_before`` for the network before fine-tuning; ``speed_before``, ``speed_after``
        (summed S at the slow points of the network before and of the fine-tuned network, each found
        by the paper's search), ``speed_after_old`` (the fine-tuned network's summed S at the original
        slow points), ``speed_ratio`` (after / before), ``lam_conversion`` (:func:`penalty_conversion`
        for runs with noise frames, NaN for the others).
    """
    import pandas as pd

    data = load_sweep() if data is None else data
    if not isinstance(data, dict):
        raise TypeError(f"data must be a sweep dict with 'entries' (load_sweep()'s), got {type(data).__name__}")
    if "entries" not in data:
        raise ValueError(f"data must be a sweep dict with 'entries' (load_sweep()'s), got {type(data).__name__}")
    if recipe is not None:
        check_choice("recipe", recipe, RECIPES)
    rows = []
    for name, e in data["entries"].items():
        c, a, b = e["config"], e["after"], e["before"]
        if recipe is not None and _recipe(c) != recipe:
            continue
        tracking = c["tracking"] + ("_adam" if c.get("retrack_optimizer") == "adam" else "")
        row = {"name": name, "network": c["network"], "arch": c["network"].split("64")[0].split("128")[0],
               "mode": c["mode"], "tracking": tracking, "lam": c["lam"], "recipe": _recipe(c),
               "noise_frames": c.get("noise_frames", 0), "components": c.get("components", "paper"),
               "steps": c["steps"], "lr": c["lr"],
               "report_accuracy": a["report_accuracy"], "report_accuracy_before": b["report_accuracy"],
               "lifetime": math.inf if a["lifetime"] is None else a["lifetime"],
               "lifetime_before": math.inf if b["lifetime"] is None else b["lifetime"],
               "speed_before": e["speed_at_slow_points"]["before"], "speed_after": e["speed_at_slow_points"]["after"],
               "speed_after_old": e["speed_at_slow_points"]["after_at_old_points"],
               "lam_conversion": e.get("lam_conversion", math.nan)}
        row["speed_ratio"] = row["speed_after"] / row["speed_before"]
        row.update({f"acc_{d}": x for d, x in zip(a["delays"], a["accuracy"])})
        row.update({f"acc_{d}_before": x for d, x in zip(b["delays"], b["accuracy"])})
        rows.append(row)
    return pd.DataFrame(rows)


def _sweep_summary(entry: dict) -> str:
    a = entry["after"]
    return f"report {a['report_accuracy']:.3f}, lifetime {a['lifetime']}"


#: The ``sweep`` collection (chapter 5), registered with :mod:`mem.store`: its entries are
#: measurements in the manifest alone (the fine-tuned weights are not stored, only their sha256).
SWEEP_COLLECTION = store.register(Collection(
    "sweep", zoo.ZOO_DIR, sweep_configs, sweep_name, sweep_job, _sweep_summary, header={"settings": SWEEP},
    manifest_file=SWEEP_FILE,
    nan_ok=("before.lifetime", "after.lifetime")))   # NaN: a network that remembers nothing (memory_lifetime)


def _sweep_rows(table):
    """``row[network, mode, tracking, lam]``: one sweep run as a Series."""
    check_frame("table", table, ("network", "mode", "tracking", "lam"), "mem.regularize.sweep_table()'s DataFrame")
    if "recipe" in table.columns:                     # one run per key: our recipe's
        table = table[table["recipe"] == "ours"]
    return _Rows(table.set_index(["network", "mode", "tracking", "lam"]).sort_index().loc)


class _Rows:
    """``row[network, mode, tracking, lam]`` of :func:`_sweep_rows`: a missing run is a ValueError naming ``table``."""

    def __init__(self, loc):
        self.loc = loc

    def __getitem__(self, key):
        try:
            return self.loc[key]
        except KeyError:
            raise ValueError(f"table must hold the run (network, mode, tracking, lam) = {key}") from None


def _networks(table, networks) -> list[str]:
    """``networks`` (default :data:`SWEEP`'s) checked: names of networks in ``table``."""
    networks = list(SWEEP["networks"]) if networks is None else check_names("networks", networks)
    unknown = [n for n in networks if n not in set(table["network"])]
    if unknown or not networks:
        raise ValueError(f"networks must be networks of the table, got {'the unknown ' if unknown else ''}"
                         f"{unknown[:5] if unknown else networks}")
    return networks


def _lams(table, name: str, lams) -> list[float]:
    """``lams`` checked: penalty weights of the table's fixed slow-point fine-tunes (``name`` for the message)."""
    if isinstance(lams, (str, bytes)) or not hasattr(lams, "__iter__"):
        raise TypeError(f"{name} must be a list of penalty weights, got {type(lams).__name__}")
    lams = [check_float(name, x) for x in lams]
    known = sorted(set(table.loc[(table["mode"] == "slowpoints") & (table["tracking"] == "fixed"), "lam"]))
    unknown = [x for x in lams if x not in known]
    if not lams or unknown:
        raise ValueError(f"{name} must be penalty weights of the table's slow-point fine-tunes {known}, got "
                         f"{unknown if unknown else 'an empty list'}")
    return lams


def sweep_effects(table, networks=None, lam: float = 1000.0, lams=None):
    """What the sweep's fine-tunes did to each network, as chapter 5 reports it (chapter 5).

    Parameters
    ----------
    table : :func:`sweep_table`
    networks : networks to report (default :data:`SWEEP`'s, in its order)
    lam : the penalty weight compared (the chapter's λ = 1000)
    lams : the λ over which the largest cost is taken (default :data:`SWEEP`'s ``lams``)

    Returns
    -------
    eight dicts ``{network: value}``, in this order:
    ``gain`` (accuracy at delay 500, SlowPoints at ``lam`` minus Control), ``cost`` (largest change of
    trained-delay accuracy against Control, SlowPoints at any of ``lams``), ``cm`` (lifetime, CenterMass /
    SlowPoints at ``lam``), ``rt`` (lifetime, re-tracked / fixed points at ``lam``), ``rt_adam``
    ((lifetime / before, trained-delay accuracy) re-tracked with Adam at ``lam``), ``old_speed`` (summed speed
    at the penalised points, after / before), ``own_speed`` (at the network's own slow points, after / before),
    ``ctrl_change`` (lifetime, Control / before).
    """
    row = _sweep_rows(table)
    networks = _networks(table, networks)
    lam = _lams(table, "lam", [lam])[0]
    lams = SWEEP["lams"] if lams is None else _lams(table, "lams", lams)
    gain, cost, cm, rt, rt_adam, old_speed, own_speed, ctrl_change = {}, {}, {}, {}, {}, {}, {}, {}
    for n in networks:
        c, s = row[n, "control", "fixed", 0.0], row[n, "slowpoints", "fixed", lam]
        gain[n] = s["acc_500"] - c["acc_500"]
        cost[n] = max(abs(row[n, "slowpoints", "fixed", x]["report_accuracy"] - c["report_accuracy"]) for x in lams)
        cm[n] = row[n, "centermass", "fixed", lam]["lifetime"] / s["lifetime"]
        rt[n] = row[n, "slowpoints", "retrack", lam]["lifetime"] / s["lifetime"]
        a = row[n, "slowpoints", "retrack_adam", lam]
        rt_adam[n] = (a["lifetime"] / a["lifetime_before"], a["report_accuracy"])
        old_speed[n] = s["speed_after_old"] / s["speed_before"]
        own_speed[n] = s["speed_after"] / s["speed_before"]
        ctrl_change[n] = c["lifetime"] / c["lifetime_before"]
    return gain, cost, cm, rt, rt_adam, old_speed, own_speed, ctrl_change


def accuracy_table(table, delay: int = 500, networks=None):
    """Accuracy at ``delay`` of each network before and after every fine-tune of the sweep (chapter 5).

    Returns
    -------
    pandas DataFrame, one row per network (index ``network``), columns ``before``, ``Control``,
    ``SlowPoints λ=<λ>`` for :data:`SWEEP`'s ``lams``, ``CenterMass λ=100`` and ``λ=1000``, and
    ``re-tracked λ=<λ>`` for its ``retrack_lams``.
    """
    row = _sweep_rows(table)
    col = f"acc_{check_int('delay', delay)}"
    if col not in table.columns:
        raise ValueError(f"delay must be one of the sweep's probed delays {list(SWEEP['delays'])}, got {delay}")
    networks = _networks(table, networks)
    return _frame([{"network": n,
                      "before": row[n, "control", "fixed", 0.0][f"{col}_before"],
                      "Control": row[n, "control", "fixed", 0.0][col],
                      **{f"SlowPoints λ={lam:g}": row[n, "slowpoints", "fixed", lam][col] for lam in SWEEP["lams"]},
                      **{f"CenterMass λ={lam:g}": row[n, "centermass", "fixed", lam][col] for lam in (100.0, 1000.0)},
                      **{f"re-tracked λ={lam:g}": row[n, "slowpoints", "retrack", lam][col]
                         for lam in SWEEP["retrack_lams"]}} for n in networks]).set_index("network")


def best_runs(table, networks=None):
    """The fine-tune with the longest memory of each network, any mode but Control (chapter 5).

    Returns
    -------
    pandas DataFrame, one row per network: ``best run`` (mode, tracking, λ), ``lifetime before``,
    ``lifetime`` (rounded to a step; ``inf`` if the memory outlasts the longest probed delay),
    ``acc 1000 before``, ``acc 1000``, ``acc 2000``, ``trained-delay acc``
    and ``before`` (trained-delay accuracy before fine-tuning).
    """
    _sweep_rows(table)
    networks = _networks(table, networks)
    best = table[table["mode"] != "control"].sort_values("lifetime").groupby("network").tail(1).set_index("network")
    if any(n not in best.index for n in networks):
        raise ValueError("table must hold a fine-tune other than Control of each of the networks")
    return _frame({"best run": best["mode"] + ", " + best["tracking"] + ", λ = " + best["lam"].map("{:g}".format),
                     "lifetime before": best["lifetime_before"].round(0), "lifetime": best["lifetime"].round(0),
                     "acc 1000 before": best["acc_1000_before"], "acc 1000": best["acc_1000"],
                     "acc 2000": best["acc_2000"],
                     "trained-delay acc": best["report_accuracy"],
                     "before": best["report_accuracy_before"]}).loc[networks]


def _ours(table, name: str = "table"):
    """``table`` checked (a :func:`sweep_table` DataFrame, of any recipe) and its runs of our recipe."""
    check_frame(name, table, ("network", "mode", "tracking", "lam", "lifetime", "lifetime_before"),
                "mem.regularize.sweep_table()'s DataFrame")
    return table[table["recipe"] == "ours"] if "recipe" in table.columns else table


def _run_of(t, network: str, mode: str, lam: float, **where):
    """The one fixed-points run of ``network`` in ``t`` with ``mode``, ``lam`` and the column values ``where``."""
    sel = (t["network"] == network) & (t["mode"] == mode) & (t["tracking"] == "fixed") & (t["lam"] == lam)
    for k, v in where.items():
        sel &= t[k] == v
    r = t[sel]
    if len(r) != 1:
        raise ValueError(f"table must hold exactly one fixed-points run of network {network!r} with mode {mode!r}, "
                         f"lam = {lam:g}{f' and {where}' if where else ''}, got {len(r)}")
    return r.iloc[0]


def _has(t, mode: str, lam: float) -> bool:
    """Whether ``t`` holds a fixed-points run with ``mode`` and ``lam``."""
    return bool(((t["mode"] == mode) & (t["tracking"] == "fixed") & (t["lam"] == lam)).any())


def control_comparison(table, lam: float = 1000.0, margin: float = 1.1):
    """SlowPoints against Control, and Control against the network before, on every network of the sweep
    (chapter 5).

    The rules, per network (lifetimes of our recipe, fixed points, at ``lam``): SlowPoints *beats* Control if
    its lifetime exceeds the Control's by more than the factor ``margin``; the Control *helps* if its lifetime
    exceeds the one before fine-tuning by more than ``margin``, *hurts* if it falls below it by more than
    ``margin``. Each count comes with an exact one-sided sign (binomial) test against chance (probability 1/2
    each way): ``p`` is the chance of at least that many networks beating Control, or of at least that many
    Controls not helping (hurting or within the margin).

    Parameters
    ----------
    table : :func:`sweep_table` (any recipe; the runs of ours are used)
    lam : the SlowPoints and CenterMass weight compared (a weight every network of the table was run at)
    margin : float > 1, the factor a lifetime must change by to count

    Returns
    -------
    (pandas DataFrame, one row per network with Control and SlowPoints at ``lam`` (index ``network``, in the
    table's order): ``lifetime before``, ``Control``, ``SlowPoints``, ``CenterMass`` (NaN where not run),
    ``SlowPoints / Control``, ``Control / before``, ``acc 500 Control``, ``acc 500 SlowPoints``;
    dict ``{"slowpoints beats control": (k, n, p), "control helps": (k, n, p), "control hurts": (k, n, p)}``,
    where ``p`` for "control helps" is the chance of at most ``k`` helping.)
    """
    from scipy import stats

    t = _ours(table)
    lam = check_float("lam", lam, gt=0)
    margin = check_float("margin", margin, gt=1)
    rows = []
    for n in dict.fromkeys(t["network"]):
        d = t[t["network"] == n]
        if not (_has(d, "control", 0.0) and _has(d, "slowpoints", lam)):
            continue
        c, sp_ = _run_of(d, n, "control", 0.0), _run_of(d, n, "slowpoints", lam)
        cm = _run_of(d, n, "centermass", lam)["lifetime"] if _has(d, "centermass", lam) else math.nan
        rows.append({"network": n, "lifetime before": c["lifetime_before"], "Control": c["lifetime"],
                     "SlowPoints": sp_["lifetime"], "CenterMass": cm,
                     "SlowPoints / Control": sp_["lifetime"] / c["lifetime"],
                     "Control / before": c["lifetime"] / c["lifetime_before"],
                     "acc 500 Control": c.get("acc_500", math.nan), "acc 500 SlowPoints": sp_.get("acc_500", math.nan)})
    if not rows:
        raise ValueError(f"table must hold Control and SlowPoints at lam = {lam:g} of at least one network")
    frame = _frame(rows).set_index("network")
    n = len(frame)
    beats = int((frame["SlowPoints / Control"] > margin).sum())
    helps = int((frame["Control / before"] > margin).sum())
    hurts = int((frame["Control / before"] < 1 / margin).sum())
    p = lambda k, alt: float(stats.binomtest(k, n, 0.5, alternative=alt).pvalue)  # noqa: E731
    return frame, {"slowpoints beats control": (beats, n, p(beats, "greater")),
                   "control helps": (helps, n, p(helps, "less")),
                   "control hurts": (hurts, n, p(hurts, "greater"))}


def recipe_comparison(table, lam: float = 1000.0, networks=None):
    """Our recipe beside the authors' on each network (chapter 5): lifetime and accuracy at delay 500 before
    fine-tuning, after the recipe's Control, SlowPoints and CenterMass.

    Three recipes (:data:`RECIPES`): ``"ours"`` at ``lam``; ``"authors-penalty"``, their penalty (their
    lambda and noise frames) with our steps and learning rate, against our Control (the normalisation
    alone); ``"authors"``, their penalty, steps and learning rate, against their Control.

    Parameters
    ----------
    table : :func:`sweep_table` with ``recipe=None`` (runs of every recipe)
    lam : our weight compared (the authors' is :data:`SWEEP`'s ``authors["lam"]``)
    networks : default :data:`SWEEP`'s ``networks`` (those the authors' recipes ran on)

    Returns
    -------
    pandas DataFrame with index (``network``, ``recipe``) and columns ``λ``, ``noise frames``, ``steps``,
    ``lr``, ``lifetime before``, ``lifetime Control``, ``lifetime SlowPoints``, ``lifetime CenterMass``, the
    same four as ``acc 500 ...``, and ``our λ per theirs`` (:func:`penalty_conversion` at the SlowPoints
    run's points, as its entry stores it; NaN for ours).
    """
    check_frame("table", table, ("network", "mode", "tracking", "lam", "recipe", "lifetime", "acc_500"),
                "mem.regularize.sweep_table(recipe=None)'s DataFrame")
    lam = check_float("lam", lam, gt=0)
    networks = _networks(table, networks)
    au = SWEEP["authors"]
    recipes = {"ours": (lam, 0, SWEEP["steps"], SWEEP["lr"], "ours"),
               "authors-penalty": (au["lam"], au["noise_frames"], SWEEP["steps"], SWEEP["lr"], "ours"),
               "authors": (au["lam"], au["noise_frames"], au["steps"], au["lr"], "authors")}
    rows = []
    for n in networks:
        for recipe, (x, frames, steps, lr, control) in recipes.items():
            t = table[table["recipe"] == recipe]
            c = _run_of(table[table["recipe"] == control], n, "control", 0.0)
            sp_, cm = _run_of(t, n, "slowpoints", x), _run_of(t, n, "centermass", x)
            row = {"network": n, "recipe": recipe, "λ": x, "noise frames": frames, "steps": steps, "lr": lr}
            for q, col in (("lifetime", "lifetime"), ("acc 500", "acc_500")):
                row.update({f"{q} before": c[f"{col}_before"], f"{q} Control": c[col], f"{q} SlowPoints": sp_[col],
                            f"{q} CenterMass": cm[col]})
            rows.append({**row, "our λ per theirs": sp_.get("lam_conversion", math.nan)})
    return _frame(rows).set_index(["network", "recipe"])


def components_comparison(table):
    """The LSTMs' penalty on ``[h, tanh c]`` (the paper's) beside the whole state ``[h, c]`` (chapter 5).

    Parameters
    ----------
    table : :func:`sweep_table` with ``recipe=None`` (it needs the ``"full-state"`` runs)

    Returns
    -------
    pandas.DataFrame
        Index (``network``, ``λ``) over :data:`SWEEP`'s ``full_state`` networks and weights; columns
        ``lifetime before``, ``lifetime [h, tanh c]``, ``lifetime [h, c]``, ``acc 500 [h, tanh c]``,
        ``acc 500 [h, c]``, ``trained-delay acc [h, tanh c]``, ``trained-delay acc [h, c]``.
    """
    check_frame("table", table, ("network", "mode", "tracking", "lam", "recipe", "lifetime", "acc_500"),
                "mem.regularize.sweep_table(recipe=None)'s DataFrame")
    rows = []
    for n in SWEEP["full_state"]["networks"]:
        for lam in SWEEP["full_state"]["lams"]:
            paper = _run_of(table[table["recipe"] == "ours"], n, "slowpoints", lam)
            full = _run_of(table[table["recipe"] == "full-state"], n, "slowpoints", lam)
            rows.append({"network": n, "λ": lam, "lifetime before": paper["lifetime_before"],
                         "lifetime [h, tanh c]": paper["lifetime"], "lifetime [h, c]": full["lifetime"],
                         "acc 500 [h, tanh c]": paper["acc_500"], "acc 500 [h, c]": full["acc_500"],
                         "trained-delay acc [h, tanh c]": paper["report_accuracy"],
                         "trained-delay acc [h, c]": full["report_accuracy"]})
    return _frame(rows).set_index(["network", "λ"])


def compare_sweeps(old, new):
    """The runs two sweeps share, measured in each (chapter 5: the sweep with its anchors from test digits,
    :data:`TEST_ANCHORS_FILE`, against the stored one).

    Parameters
    ----------
    old, new : :func:`sweep_table` DataFrames (any recipes; runs are matched by ``name``)

    Returns
    -------
    pandas DataFrame, one row per shared run (index ``name``): ``network``, ``mode``, ``tracking``, ``lam``,
    ``lifetime old``, ``lifetime new``, ``log10 ratio`` (new / old; inf-inf counts as 0), ``factor``
    (``10 ** |log10 ratio|``: how far the lifetime moved, either way; inf where only one is infinite),
    ``acc 500 old``, ``acc 500 new``, ``trained-delay acc old``, ``trained-delay acc new``.
    """
    for name, t in (("old", old), ("new", new)):
        check_frame(name, t, ("name", "network", "mode", "tracking", "lam", "lifetime", "acc_500",
                              "report_accuracy"), "mem.regularize.sweep_table()'s DataFrame")
    both = old.merge(new, on="name", suffixes=(" old", " new"))
    if both.empty:
        raise ValueError("old and new must share at least one run (by name)")
    lo, ln = both["lifetime old"].to_numpy(float), both["lifetime new"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(np.isinf(lo) & np.isinf(ln), 0.0, np.log10(ln / lo))
    return _frame({"name": both["name"], "network": both["network old"], "mode": both["mode old"],
                   "tracking": both["tracking old"], "lam": both["lam old"], "lifetime old": lo, "lifetime new": ln,
                   "log10 ratio": ratio, "factor": 10 ** np.abs(ratio),
                   "acc 500 old": both["acc_500 old"], "acc 500 new": both["acc_500 new"],
                   "trained-delay acc old": both["report_accuracy old"],
                   "trained-delay acc new": both["report_accuracy new"]}).set_index("name")


def _conclusions(effects, networks: list[str], tol: float) -> dict:
    """Chapter 5's rules on one sweep's :func:`sweep_effects` (its first five dicts): ``{rule: holds}``."""
    gain, cost, cm, rt, rt_adam = effects[:5]
    gru = [n for n in networks if n.startswith("gru")]
    lstm = [n for n in networks if n.startswith("lstm")]
    return {"SlowPoints above Control at delay 500 by > 0.2": all(g > 0.2 for g in gain.values()),
            "trained-delay cost <= TOL": all(c <= tol for c in cost.values()),
            "CenterMass / SlowPoints > 0.95 (GRUs), < 0.5 (LSTMs)":
                all(cm[n] > 0.95 for n in gru) and all(cm[n] < 0.5 for n in lstm),
            "re-tracked / fixed < 1.15": all(v < 1.15 for v in rt.values()),
            "Adam re-tracking: lifetime < 0.7 of before": all(v[0] < 0.7 for v in rt_adam.values())}


def compare_conclusions(old, new, networks=None, lam: float = 1000.0, tol: float = 0.02) -> dict:
    """Whether chapter 5's conclusions on the λ sweep hold in each of two sweeps (chapter 5: the sweep with
    its anchors from test digits, :data:`TEST_ANCHORS_FILE`, against the stored one).

    Each rule is one conclusion the chapter asserts, checked on :func:`sweep_effects` at ``lam``: SlowPoints
    above Control at delay 500 by more than 0.2 in every network; the trained-delay accuracy within ``tol``
    (the chapter's ``TOL``) of the Control's at every λ; CenterMass / SlowPoints lifetime above 0.95 for the
    GRUs and below 0.5 for the LSTMs (networks named ``gru...`` and ``lstm...``); re-tracked / fixed
    lifetime below 1.15; re-tracking with Adam leaving less than 0.7 of the lifetime before fine-tuning.

    Parameters
    ----------
    old, new : :func:`sweep_table` DataFrames (our recipe), each holding every run :func:`sweep_effects` reads
    networks : networks of both tables to check (default :data:`SWEEP`'s)
    lam : the penalty weight compared, a weight of both sweeps' slow-point fine-tunes
    tol : float >= 0, the largest change of trained-delay accuracy against Control that counts as none

    Returns
    -------
    dict ``{rule: (holds in old, holds in new)}`` of bools, five rules in the order above.
    """
    columns = ("network", "mode", "tracking", "lam", "lifetime", "lifetime_before", "acc_500", "report_accuracy",
               "speed_before", "speed_after", "speed_after_old")
    for name, t in (("old", old), ("new", new)):
        check_frame(name, t, columns, "mem.regularize.sweep_table()'s DataFrame")
    tol = check_float("tol", tol, ge=0, le=1)
    lam = check_float("lam", lam, gt=0)
    networks = list(SWEEP["networks"]) if networks is None else check_names("networks", networks)
    if not networks:
        raise ValueError("networks must name at least one network")
    found = {}
    for name, t in (("old", old), ("new", new)):
        lacking = [n for n in networks if n not in set(t["network"])]
        if lacking:
            raise ValueError(f"networks must be networks of both tables, and {name} lacks {lacking[:5]}")
        try:
            found[name] = _conclusions(sweep_effects(t, networks, lam=lam), networks, tol)
        except ValueError as err:
            if str(err).startswith(("networks", "lam ")):
                raise
            raise ValueError(f"{name} must hold every run the rules read: {err}") from None
    return {rule: (found["old"][rule], found["new"][rule]) for rule in found["new"]}


def _frame(data):
    """``pandas.DataFrame(data)`` (pandas is imported only when a table is made)."""
    import pandas as pd
    return pd.DataFrame(data)
