"""The contract of :mod:`mem.models`, :mod:`mem.init`, :mod:`mem.train`, :mod:`mem.protocols` and
:mod:`mem.evaluate` under generated bad input (tests/contract.py, issue 18).

Every valid call is tiny (a few units, a few trials, one to three training steps) so that the whole file runs
in seconds.
"""
import functools

import numpy as np
import pytest
import torch
from contract import Spec, check_spec

from mem import data, init, tasks
from mem import evaluate as ev
from mem import protocols as pr
from mem.models import RNNClassifier, State
from mem.train import History


@functools.cache
def _task():
    return tasks.DelayedClassification(data.load_digits(), T_max=6, delta_min=2)


def _gru(D=None, H=4):
    return RNNClassifier("gru", _task().input_size if D is None else D, H, seed=0)


def _lstm():
    return RNNClassifier("lstm", 3, 4, n_outputs=2, seed=0)


def _cell(arch="gru", B=2, D=3, H=4):
    G = {"gru": 3, "lstm": 4}.get(arch, 1)
    g = torch.Generator().manual_seed(0)
    return dict(arch=arch, x=torch.randn(B, D, generator=g), h=torch.randn(B, H, generator=g),
                c=torch.randn(B, H, generator=g) if arch == "lstm" else None,
                w_ih=torch.randn(G * H, D, generator=g), w_hh=torch.randn(G * H, H, generator=g),
                b_ih=torch.randn(G * H, generator=g), b_hh=torch.randn(G * H, generator=g), check=True)


def _history():
    n = 6
    return History(loss=np.linspace(2, 1, n, dtype=np.float32), accuracy=np.linspace(0, 0.5, n, dtype=np.float32),
                   T_max=np.full(n, 6), n_classes=np.full(n, 11))


def _curve(per_class=True):
    acc = np.array([[0.9, 0.8], [0.6, 0.4], [0.2, 0.1]])          # delays 1, 2, 4; two digits
    kw = dict(class_accuracy=acc, class_trials=np.array([5, 5])) if per_class else {}
    return ev.DelayCurve(delays=np.array([1, 2, 4]), accuracy=acc.mean(1), n_trials=10, chance=0.1, **kw)


class _Fixed(pr.Protocol):
    """The smallest protocol: the base class's schedule and reset, a fixed task."""

    name = "fixed"

    def __call__(self, step, accuracy=None):
        return pr.TaskParams(6, 3)

    def config(self):
        return {"name": self.name, "n_iters": self.n_iters}


def _accuracy_curriculum():
    p = pr.AccuracyCurriculum([(6, 3), (8, 3)], n_iters=4, threshold=0.5, window=1)
    p(0, 0.9)                                       # moves to the second stage
    return p


EXEMPT = {
    "mem.models.State": "a NamedTuple record (h, c), built on every step from what the dynamics give (NaN "
                        "included when a run diverges: train then raises TrainingDiverged); it is checked where "
                        "it enters: RNNClassifier.check_state, forward and step",
    "mem.models.RNNOutput": "a NamedTuple record (logits, h, state) that RNNClassifier.forward returns",
    "mem.train.TrainingDiverged": "an exception class",
    "mem.train.History": "a dataclass record of a run that train builds; History.from_dict is where stored "
                         "histories enter",
    "mem.protocols.Protocol.config": "abstract (raises NotImplementedError) and without parameters; every "
                                      "protocol's own config is specified",
    "mem.protocols.TaskParams": "a frozen dataclass record (T_max, n_classes) that the protocols build from checked "
                                "values (AccuracyCurriculum checks the stages it is given)",
}

SPECS = [
    # ------------------------------------------------------------------------------------------- mem.models
    Spec("mem.models.cell_step", lambda: _cell("gru")),
    Spec("mem.models.cell_step", lambda: _cell("lstm")),
    Spec("mem.models.cell_jacobian", lambda: _cell("gru")),
    Spec("mem.models.cell_jacobian", lambda: _cell("lstm")),
    Spec("mem.models.State.to", lambda: dict(device="cpu"), of=lambda: State(torch.zeros(2, 4))),
    Spec("mem.models.State.detach", of=lambda: State(torch.zeros(2, 4), torch.zeros(2, 4))),
    Spec("mem.models.RNNClassifier", lambda: dict(arch="gru", input_size=3, hidden_size=4, n_outputs=2, seed=0)),
    Spec("mem.models.RNNClassifier.extra_repr", of=_lstm),
    Spec("mem.models.RNNClassifier.init_state", lambda: dict(batch_size=2, device="cpu"), of=_lstm),
    Spec("mem.models.RNNClassifier.check_state", lambda: dict(state=State(torch.zeros(2, 4), torch.zeros(2, 4)),
                                                               batch_size=2), of=_lstm),
    Spec("mem.models.RNNClassifier.flatten_state", lambda: dict(state=State(torch.zeros(2, 4), torch.zeros(2, 4))),
         of=_lstm),
    Spec("mem.models.RNNClassifier.unflatten_state", lambda: dict(v=torch.zeros(2, 8)), of=_lstm),
    Spec("mem.models.RNNClassifier.forward", lambda: dict(x=torch.randn(2, 3, 3), state=None), of=_lstm),
    Spec("mem.models.RNNClassifier.forward", lambda: dict(x=torch.randn(2, 3, 3),
                                                          state=State(torch.zeros(2, 4), torch.zeros(2, 4))),
         of=_lstm),
    Spec("mem.models.RNNClassifier.step", lambda: dict(x_t=torch.randn(2, 3),
                                                       state=State(torch.zeros(2, 4), torch.zeros(2, 4)), check=True),
         of=_lstm),
    Spec("mem.models.toy_rnn", lambda: dict(gain=2.0, bias=(0.1, -0.1), rotation=0.3)),
    # --------------------------------------------------------------------------------------------- mem.init
    # the tensor an initialiser fills is overwritten, never read: NaN in it (torch.empty may hold NaN) is fine
    Spec("mem.init.chain_", lambda: dict(tensor=torch.zeros(4, 4), alpha=1.02), nan_ok=("tensor",)),
    Spec("mem.init.fbchain_", lambda: dict(tensor=torch.zeros(4, 4), forward=0.99, backward=0.04),
         nan_ok=("tensor",)),
    Spec("mem.init.orthogonal_", lambda: dict(tensor=torch.zeros(4, 4), gain=0.9,
                                              generator=torch.Generator().manual_seed(0)), nan_ok=("tensor",)),
    Spec("mem.init.identity_", lambda: dict(tensor=torch.zeros(4, 4), gain=0.9), nan_ok=("tensor",)),
    Spec("mem.init.source_", lambda: dict(tensor=torch.zeros(4, 2), scale=0.9), nan_ok=("tensor",)),
    Spec("mem.init.ramp_", lambda: dict(tensor=torch.zeros(4, 4), end_gain=0.01), nan_ok=("tensor",)),
    Spec("mem.init.gated_", lambda: dict(weight_hh=torch.zeros(8, 4), fills=[init.chain_, init.ramp_]),
         nan_ok=("weight_hh",)),
    Spec("mem.init.matrix", lambda: dict(fill=init.chain_, n=4)),
    Spec("mem.init.initialize", lambda: dict(model=_gru(3), scheme="chain", gain=1.02, seed=0)),
    Spec("mem.init.initialize", lambda: dict(model=_lstm(), scheme="orthogonal", gain=0.9, seed=1)),
    # one generated example: the second (n = 2041) is a valid size whose eigenvalues take seconds
    Spec("mem.init.comparison_matrices", lambda: dict(n=4, seed=0), examples=1),
    # -------------------------------------------------------------------------------------------- mem.train
    Spec("mem.train.pick_device", lambda: dict(device="cpu")),
    Spec("mem.train.History.smoothed", lambda: dict(key="loss", window=2), of=_history),
    Spec("mem.train.History.to_dict", lambda: dict(keys=["loss", "T_max"]), of=_history),
    Spec("mem.train.History.from_dict", lambda: dict(d={"loss": [1.0, 0.5], "T_max": [6, 6]}),
         finite=False),   # documented: a rebuilt history's seconds is NaN (not measured, not stored)
    Spec("mem.train.train", lambda: dict(model=_gru(), task=_task(), n_iters=2, optimizer="adam", lr=1e-3,
                                         batch_size=4, clip=1.0, seed=0, eval_every=1, n_val=4, checkpoints=[0, 2],
                                         device="cpu", progress=False, desc="run"),
         examples=1),   # one generated example: the second (n_iters = 2041) is a valid run of seconds
    Spec("mem.train.train", lambda: dict(model=_gru(), task=_task(), protocol=pr.NaCu(2, T_max=6),
                                         optimizer="rmsprop", batch_size=4, clip=0.0,
                                         penalty=lambda model, step: model.readout.weight.pow(2).sum())),
    # ---------------------------------------------------------------------------------------- mem.protocols
    Spec("mem.protocols.Protocol", lambda: dict(n_iters=3)),
    Spec("mem.protocols.Protocol.reset", of=lambda: _Fixed(3)),
    Spec("mem.protocols.Protocol.schedule", of=lambda: _Fixed(3)),
    Spec("mem.protocols.NaCu", lambda: dict(n_iters=3, T_max=6, n_classes=3)),
    Spec("mem.protocols.NaCu.config", of=lambda: pr.NaCu(3)),
    Spec("mem.protocols.DeCu", lambda: dict(n_iters=4, T_start=6, T_end=10, T_step=2, fraction=0.5, n_classes=11)),
    Spec("mem.protocols.DeCu.config", of=lambda: pr.DeCu(4)),
    Spec("mem.protocols.VoCu", lambda: dict(n_iters=4, classes_start=3, classes_end=5, fraction=0.5, T_max=6)),
    Spec("mem.protocols.VoCu.config", of=lambda: pr.VoCu(4)),
    Spec("mem.protocols.AccuracyCurriculum", lambda: dict(stages=[(6, 3), (8, 3)], n_iters=4, threshold=0.9,
                                                          window=2, min_steps=1)),
    Spec("mem.protocols.AccuracyCurriculum.delay", lambda: dict(n_iters=4, T_start=6, T_end=10, T_step=2)),
    Spec("mem.protocols.AccuracyCurriculum.vocabulary", lambda: dict(n_iters=4, classes_start=9, T_max=6)),
    Spec("mem.protocols.AccuracyCurriculum.reset", of=_accuracy_curriculum),
    Spec("mem.protocols.AccuracyCurriculum.schedule", of=_accuracy_curriculum),
    Spec("mem.protocols.AccuracyCurriculum.config", of=_accuracy_curriculum),
    Spec("mem.protocols.make_protocol", lambda: dict(config="nacu", n_iters=3, T_max=6)),
    Spec("mem.protocols.stage_starts", lambda: dict(T_max=np.array([6, 6, 8, 8]), n_classes=np.array([3, 3, 3, 4]))),
    Spec("mem.protocols.curriculum_stages", lambda: dict(protocol=_accuracy_curriculum())),
    Spec("mem.protocols.loss_jumps", lambda: dict(loss=np.linspace(2.0, 1.0, 6), T_max=np.array([6, 6, 6, 8, 8, 8]),
                                                  n_classes=np.full(6, 11), width=2)),
    Spec("mem.protocols.schedule_shares", lambda: dict(protocol=pr.DeCu(4), T_max=20, n_classes=11)),
    Spec("mem.protocols.protocol_stage_starts", lambda: dict(config="decu")),
    Spec("mem.protocols.digit_entry_steps", lambda: dict(config="vocu")),
    # ----------------------------------------------------------------------------------------- mem.evaluate
    Spec("mem.evaluate.DelayCurve", lambda: dict(delays=np.array([1, 2, 4]), accuracy=np.array([0.9, 0.5, 0.2]),
                                                 n_trials=10, chance=0.1, class_accuracy=np.full((3, 2), 0.5),
                                                 class_trials=np.array([5, 5])),
         # documented: class_accuracy is NaN for a digit with no trials (and the curve then holds that NaN)
         nan_ok=("class_accuracy",), finite=False),
    Spec("mem.evaluate.DelayCurve.at", lambda: dict(delay=2), of=_curve),
    Spec("mem.evaluate.DelayCurve.stderr", of=_curve),
    Spec("mem.evaluate.DelayCurve.class_lifetimes", of=_curve),
    Spec("mem.evaluate.DelayCurve.to_dict", of=_curve),
    Spec("mem.evaluate.DelayCurve.from_dict", lambda: dict(d=_curve().to_dict())),
    Spec("mem.evaluate.accuracy_vs_delay", lambda: dict(model=_gru(), task=_task(), delays=[1, 3], n_trials=4, seed=0,
                                                        batch_size=3, split="test", noise=True, progress=False),
         finite=False),   # documented: class_accuracy is NaN for a digit none of the (4) trials showed
    Spec("mem.evaluate.report_accuracy", lambda: dict(model=_gru(), task=_task(), n_trials=4, seed=0, T_max=6,
                                                      split="test", batch_size=3)),
    Spec("mem.evaluate.memory_lifetime", lambda: dict(curve=_curve(), chance=0.1),
         finite=False),      # documented: inf when the memory outlasts the probe, NaN when nothing was remembered
    Spec("mem.evaluate.memory_lifetime", lambda: dict(delays=np.array([1, 2, 4]), accuracy=np.array([0.9, 0.5, 0.2]),
                                                      chance=0.1), finite=False),   # as above
    Spec("mem.evaluate.decoding_memory", lambda: dict(model=RNNClassifier("rnn_tanh", 1, 4, seed=0), lags=[0, 1],
                                                      n_steps=40, seed=0, noise=0.1, burn_in=5, ridge=1e-3)),
    Spec("mem.evaluate.lifetime_interval", lambda: dict(curve=_curve(), n_boot=5, seed=0, level=0.9)),
    Spec("mem.evaluate.accuracy_on_classes", lambda: dict(curve=_curve(), n_digits=2)),
    Spec("mem.evaluate.class_table", lambda: dict(curves={"a": _curve(), "b": _curve()}, delay=2)),
]


@pytest.mark.parametrize("spec", SPECS, ids=[s.name.removeprefix("mem.") for s in SPECS])
def test_contract(spec):
    check_spec(spec)
