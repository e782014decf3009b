"""Bad input at the reader-facing API gets a clear error: TypeError for the wrong kind of thing, ValueError
for a bad value.

These rows pin the exact messages of chosen bad calls (the offending parameter and, where the set is finite,
the allowed values). Completeness -- every public callable driven with generated bad input -- is the job of
the property-based contract suite (``tests/contract.py``, ``tests/test_contract_*.py``, issue 18).
"""
import dataclasses
import functools
import math
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import torch

import mem
import mem._checks
import mem.formation
import mem.searches
from mem import analysis as an
from mem import benchmarks as bm
from mem import (
    data,
    evaluate,
    formation,
    init,
    measures,
    models,
    plots,
    protocols,
    regularize,
    report,
    store,
    tasks,
    theory,
    train,
    zoo,
)
from mem import fingerprint as fp
from mem import reproduce as rp
from mem import slowpoints as sp


# ---------------------------------------------------------------------------------------------- small fixtures
@functools.cache
def _digits():
    return data.load_digits()


@functools.cache
def _task():
    return tasks.DelayedClassification(_digits(), T_max=6)


def _batch():
    return _task().sample(2, torch.Generator().manual_seed(0))


def _gru():
    return models.RNNClassifier("gru", 65, 4, seed=0)


def _addition():
    return tasks.AdditionTask(T=4)


def _history():
    z = np.zeros(3)
    return train.History(loss=z, accuracy=z, T_max=z + 6, n_classes=z + 11)


def _points():
    one, z = torch.ones(1), torch.zeros(1, 2)
    return sp.SlowPoints(states=z, speed=one, grad_norm=one, outcome=one.long(), n_iter=one.long(), inputs=z,
                         initial_states=z, labels=one.long(), jacobians=None, arch="rnn_tanh", hidden_size=2)


def _df():
    return pd.DataFrame({"a": [1.0, 2, 3, 4], "t": [2.0, 1, 4, 3], "arch": ["gru", "gru", "lstm", "lstm"]})


def _file(name, content: bytes) -> str:
    """Write ``content`` to ``name`` in the test's (temporary) working folder."""
    with open(name, "wb") as f:
        f.write(content)
    return name


def _one_of(name, allowed) -> str:
    """The pattern of ``<name> must be one of <allowed>``."""
    return re.escape(f"{name} must be one of {allowed}")


# ---------------------------------------------------------------------------------------------- the table
#: (``module.name``, a bad call, a pattern its message must match[, the error: ValueError unless given])
BAD_CALLS = [
    # mem.data
    ("mem.data.Digits", lambda: _digits().split("validation"), "split must be 'train' or 'test'"),
    ("mem.data.load_digits", lambda: data.load_digits(test_size=5), r"test_size must be an integer in 10\.\.1787"),
    ("mem.data.load_digits", lambda: data.load_digits(test_size=450.0), r"test_size must be an integer in 10\.\.1787",
     TypeError),
    ("mem.data.read_idx", lambda: data.read_idx(_file("bad.idx", b"\x01\x02\x03\x04")), "path must be an IDX file"),
    ("mem.data.load_mnist", lambda: data.load_mnist("no-such-folder"), "root must be an existing folder"),
    # mem.tasks
    ("mem.tasks.make_task", lambda: tasks.make_task("mnist"),
     _one_of("name", ["addition", "copy", "delayed", "flipflop", "psdigits"])),
    ("mem.tasks.delayed.DelayedClassification", lambda: tasks.DelayedClassification("digits"),
     "data must be a mem.data.Digits", TypeError),
    ("mem.tasks.delayed.DelayedClassification", lambda: tasks.DelayedClassification(_digits(), n_classes=12),
     r"n_classes must be an integer in 2\.\.11"),
    ("mem.tasks.delayed.DelayedClassification", lambda: _task().loss(torch.zeros(2, 6), _batch()),
     re.escape("logits must have shape (B, T, C) = (2, 6, 11)")),
    ("mem.tasks.delayed.DelayedClassification", lambda: _task().report_correct(torch.zeros(2, 5, 11), _batch()),
     re.escape("logits must have shape (B, T, C) = (2, 6, 11)")),
    ("mem.tasks.delayed.DelayedClassification", lambda: _task().score(torch.zeros(2, 6, 11), "batch"),
     "batch must be a mem.tasks.DelayedBatch", TypeError),
    ("mem.tasks.delayed.DelayedClassification", lambda: _task().validation_batch(4, -1),
     "seed must be a non-negative integer"),
    ("mem.tasks.copy.CopyTask", lambda: tasks.CopyTask(T=20, n_symbols=10), "T must be an integer >= 21"),
    ("mem.tasks.copy.CopyTask", lambda: tasks.CopyTask(T=30.0), "T must be an integer >= 21", TypeError),
    ("mem.tasks.addition.AdditionTask", lambda: tasks.AdditionTask(T=1), "T must be an integer >= 2"),
    ("mem.tasks.addition.AdditionTask", lambda: tasks.AdditionTask(T=True), "T must be an integer >= 2", TypeError),
    ("mem.tasks.permuted.PermutedDigits", lambda: tasks.PermutedDigits(_digits(), permutation_seed=-1),
     "permutation_seed must be a non-negative integer"),
    ("mem.tasks.permuted.PermutedDigits", lambda: tasks.PermutedDigits(pixels=784),
     "pixels must match the data"),
    ("mem.tasks.base.Task", lambda: _addition().loss(torch.zeros(2, 4), _addition().sample(2)),
     re.escape("logits must have shape (B, T, C) = (2, 4, 1)")),
    ("mem.tasks.base.Task", lambda: _addition().sample(2, split="validation"),
     "split must be 'train' or 'test'"),
    ("mem.tasks.base.load_images", lambda: tasks.base.load_images(_digits(), mnist_dir="x"),
     "give data or mnist_dir, not both"),
    # mem.models
    ("mem.models.cell_step", lambda: models.cell_step("transformer", torch.zeros(1, 2), torch.zeros(1, 3), None,
                                                      torch.zeros(3, 2), torch.zeros(3, 3)),
     _one_of("arch", models.ARCHS)),
    ("mem.models.RNNClassifier", lambda: models.RNNClassifier("transformer"), _one_of("arch", models.ARCHS)),
    ("mem.models.RNNClassifier", lambda: models.RNNClassifier(hidden_size=0), "hidden_size must be a positive integer"),
    ("mem.models.toy_rnn", lambda: models.toy_rnn(gain="2"), "gain must be a finite real number", TypeError),
    ("mem.models.toy_rnn", lambda: models.toy_rnn(bias=(0.1, 0.2, 0.3)), "bias must be a pair of numbers"),
    # mem.protocols
    ("mem.protocols.Protocol", lambda: protocols.Protocol(0), "n_iters must be a positive integer"),
    ("mem.protocols.NaCu", lambda: protocols.NaCu(T_max=1), "T_max must be an integer >= 2"),
    ("mem.protocols.DeCu", lambda: protocols.DeCu(fraction=1.0), re.escape("fraction must be in [0, 1)")),
    ("mem.protocols.VoCu", lambda: protocols.VoCu(classes_end=12), r"classes_end must be an integer in 3\.\.11"),
    ("mem.protocols.AccuracyCurriculum", lambda: protocols.AccuracyCurriculum([(6, 11)], threshold=0),
     re.escape("threshold must be in (0, 1]")),
    ("mem.protocols.make_protocol", lambda: protocols.make_protocol("curriculum"),
     re.escape("config must name a protocol, one of ['accuracy', 'decu', 'nacu', 'vocu']")),
    # mem.train
    ("mem.train.History", lambda: _history().smoothed("acc"), "key must be 'loss' or 'accuracy'"),
    ("mem.train.History", lambda: _history().smoothed(window=0), "window must be a positive integer"),
    ("mem.train.train", lambda: train.train(_gru(), "copy", n_iters=2, progress=False),
     "task must be a mem.tasks.Task", TypeError),
    ("mem.train.train", lambda: train.train(_gru(), _task(), progress=False),
     "n_iters must be given when there is no protocol"),
    ("mem.train.train", lambda: train.train(_gru(), _task(), n_iters=2, optimizer="sgd", progress=False),
     _one_of("optimizer", ["adam", "rmsprop"])),
    ("mem.train.History", lambda: _history().normalized, "normalized needs a run with validation"),
    ("mem.train.History", lambda: _history().to_dict(["seconds"]), "keys must be among"),
    ("mem.train.train", lambda: train.train(_gru(), _task(), protocols.NaCu(2), lr=0, progress=False),
     "lr must be a finite number > 0"),
    ("mem.train.pick_device", lambda: train.pick_device("gpu"), "device must be None, 'auto', 'cpu', 'cuda'"),
    ("mem.train.train", lambda: train.train(models.RNNClassifier("rnn_tanh", 2, 4, 1), _addition(), n_iters=0),
     "n_iters must be a positive integer"),
    # mem.evaluate
    ("mem.evaluate.DelayCurve", lambda: evaluate.DelayCurve(np.array([1, 2]), np.array([0.5, 0.3]), 10, 0.1).at(3),
     re.escape("delay must be one of [1, 2]")),
    ("mem.evaluate.accuracy_vs_delay", lambda: evaluate.accuracy_vs_delay(_gru(), _task(), [0]),
     "delays must be >= 1"),
    ("mem.evaluate.accuracy_vs_delay", lambda: evaluate.accuracy_vs_delay(_gru(), _task(), [5], batch_size=0),
     "batch_size must be a positive integer"),
    ("mem.evaluate.accuracy_vs_delay", lambda: evaluate.accuracy_vs_delay(_gru(), _addition(), [5]),
     "task must be a mem.tasks.DelayedClassification", TypeError),
    ("mem.evaluate.report_accuracy", lambda: evaluate.report_accuracy(_gru(), _task(), n_trials=0),
     "n_trials must be a positive integer"),
    ("mem.evaluate.memory_lifetime", lambda: evaluate.memory_lifetime(delays=[1, 2], accuracy=[0.5]),
     "delays and accuracy must be 1-D arrays of the same length"),
    ("mem.evaluate.memory_lifetime", lambda: evaluate.memory_lifetime("curve"), "curve must be a DelayCurve",
     TypeError),
    ("mem.evaluate.class_table", lambda: evaluate.class_table({"a": "curve"}),
     "curves must be a non-empty dict", TypeError),
    ("mem.evaluate.class_table", lambda: evaluate.class_table(
        {"a": evaluate.DelayCurve(np.array([1, 2]), np.array([0.5, 0.3]), 10, 0.1)}),
     "curves must carry per-class accuracy"),
    ("mem.evaluate.decoding_memory", lambda: evaluate.decoding_memory(_gru(), [1]),
     "model must have input_size 1"),
    ("mem.evaluate.decoding_memory", lambda: evaluate.decoding_memory(models.toy_rnn(), [1]),
     "model must be a mem.models.RNNClassifier", TypeError),
    # mem.zoo
    ("mem.zoo.ZooEntry", lambda: zoo.ZooEntry("x", _gru(), _history(), {}, {}, {0: _gru().state_dict()}).model_at(5),
     re.escape("step must be one of the stored checkpoints [0]")),
    ("mem.zoo.manifest", lambda: zoo.manifest(None), "zoo_dir must be a folder path"),
    ("mem.zoo.names", lambda: zoo.names(colour="red"), r"filters must be config keys, one of \[.*'arch'"),
    ("mem.zoo.table", lambda: zoo.table("."), "zoo_dir must hold built entries"),
    ("mem.zoo.class_table", lambda: zoo.class_table(None), "zoo_dir must be a folder path"),
    ("mem.zoo.entry_name", lambda: zoo.entry_name({}), r"cfg must have the keys .*missing \['arch'"),
    ("mem.zoo.load", lambda: zoo.load("nope"), "name must be one of the entries"),
    ("mem.zoo.train_entry", lambda: zoo.train_entry({"threads": 1}), r"cfg must have the keys .*missing \['arch'"),
    ("mem.zoo.evaluate_entry", lambda: zoo.evaluate_entry(zoo.default_configs()[0], "raw"),
     "raw must be the bytes"),
    ("mem.zoo.collection", lambda: zoo.collection("extra"), _one_of("collection", zoo.COLLECTIONS)),
    ("mem.zoo.measure_speed", lambda: zoo.measure_speed("gru", _task()), "model must be", TypeError),
    # mem.store
    ("mem.store.register", lambda: store.register(dataclasses.replace(zoo.NETWORKS, folder=".")),
     "collection name 'networks' is already registered"),
    ("mem.store.unregister", lambda: store.unregister("extra"), "collection must be one of"),
    ("mem.store.lookup", lambda: store.lookup("extra"), "collection must be one of"),
    ("mem.store.manifest", lambda: store.manifest(None), "folder must be a folder path"),
    ("mem.store.write_manifest", lambda: store.write_manifest(".", {}), "man must be a manifest dict"),
    ("mem.store.read_verified", lambda: store.read_verified("nope", zoo.ZOO_DIR), "name must be one of the entries"),
    ("mem.store.read_verified",
     lambda: store.read_verified("gru64-nacu-s0-control-fixed-lam0", zoo.ZOO_DIR, regularize.SWEEP_FILE),
     "name must be an entry with a file"),
    ("mem.store.run_jobs", lambda: store.run_jobs({}, print, workers=0), "workers must be a positive integer"),
    ("mem.store.build", lambda: store.build("networks", ["nope"]), "which must name entries of"),
    ("mem.store.check", lambda: store.check("networks", "nope"),
     "name must be a built entry of the networks collection"),
    ("mem.store.summary", lambda: store.summary(["extra"]), "collection must be one of"),
    # mem.slowpoints, mem.formation, mem.measures
    ("mem.slowpoints.state_map.residual_of", lambda: sp.residual_of(torch.zeros(4), torch.zeros(4), 2, "c"),
     _one_of("components", sp.COMPONENTS)),
    ("mem.slowpoints.state_map.residual_of", lambda: sp.residual_of(torch.zeros(4), torch.zeros(3)),
     "f and v must have the same shape"),
    ("mem.slowpoints.state_map.Dynamics", lambda: sp.Dynamics("transformer", 2, 1, ()), _one_of("arch", models.ARCHS)),
    ("mem.slowpoints.state_map.dynamics", lambda: sp.dynamics("model"),
     "model must be a mem.models.RNNClassifier, an nn.GRU", TypeError),
    ("mem.slowpoints.state_map.dynamics", lambda: sp.dynamics(torch.nn.LSTM(2, 3, bidirectional=True)),
     "model must be a unidirectional recurrent module"),
    ("mem.slowpoints.state_map.RecurrentMap", lambda: sp.RecurrentMap(torch.nn.Linear(2, 2)),
     r"step must be a callable step\(h, u\)", TypeError),
    ("mem.slowpoints.state_map.RecurrentMap", lambda: sp.RecurrentMap(lambda h, u: h, bounds=1.0),
     "bounds must be None or a pair", TypeError),
    ("mem.slowpoints.state_map.RecurrentMap", lambda: sp.RecurrentMap(lambda h, u: h).flatten([1.0]),
     "state must be a tensor", TypeError),
    ("mem.slowpoints.state_map.RecurrentMap", lambda: sp.RecurrentMap(lambda h, u: h).unflatten(torch.zeros(2)),
     "unflatten needs the state's structure"),
    ("mem.slowpoints.state_map.paper_components", lambda: sp.paper_components(_gru(), "c"),
     _one_of("components", sp.COMPONENTS)),
    ("mem.slowpoints.state_map.flat_states",
     lambda: sp.flat_states(sp.dynamics(_gru()), torch.zeros(3, 7), "initial_states", torch.float64),
     re.escape("initial_states.h must have shape (N, 4)")),
    ("mem.slowpoints.state_map.flat_inputs",
     lambda: sp.flat_inputs(sp.dynamics(_gru()), torch.zeros(64), 3, torch.float64),
     re.escape("inputs must have shape (65,) or (3, 65)")),
    ("mem.slowpoints.state_map.speed",
     lambda: sp.speed(models.toy_rnn(), torch.zeros(1, 2), torch.zeros(1), components="c"),
     _one_of("components", sp.COMPONENTS)),
    ("mem.slowpoints.points.SlowPoints", lambda: _points().select("stable"), _one_of("outcome", sp.OUTCOMES)),
    ("mem.slowpoints.points.SlowPoints", lambda: _points().n_slow(tau=0), "tau must be a positive number"),
    ("mem.slowpoints.search.find_slow_points",
     lambda: sp.find_slow_points(models.toy_rnn(), torch.zeros(1, 2), torch.zeros(1), method="lbfgs"),
     _one_of("method", sp.METHODS)),
    ("mem.slowpoints.starts.states_along", lambda: sp.states_along(_gru(), torch.zeros(2, 3, 5)),
     re.escape("x must have shape (B, T, 65)")),
    ("mem.slowpoints.starts.class_mean_states", lambda: sp.class_mean_states(_gru(), _task(), n_trials=0),
     "n_trials must be a positive integer"),
    ("mem.slowpoints.starts.trajectory_states", lambda: sp.trajectory_states(_gru(), _task(), noise_scale=-1),
     "noise_scale must be a finite number >= 0"),
    ("mem.slowpoints.starts.find_class_slow_points", lambda: sp.find_class_slow_points(_gru(), _task(), n_trials=0),
     "n_trials must be a positive integer"),
    ("mem.formation.formation", lambda: formation.formation([_gru()], _task()), "models must be a dict"),
    ("mem.formation.formation_displacement", lambda: formation.formation_displacement([]), "points must be a dict"),
    ("mem.measures.speed_measures", lambda: measures.speed_measures(_gru(), _task(), adam_n_iters=0),
     "adam_n_iters must be a positive integer"),
    # mem.analysis
    ("mem.analysis.partial_correlation", lambda: an.partial_correlation([1, 2, 3, 4], [1, 3, 2, 4], method="kendall"),
     _one_of("method", an.METHODS)),
    ("mem.analysis.partial_correlation", lambda: an.partial_correlation([1, 2, 3, 4], [1, 3, 2, 4], confidence=1.5),
     re.escape("confidence must be in (0, 1)")),
    ("mem.analysis.correlate", lambda: an.correlate([1, 2, 3, 4], [1, 3, 2, 4], method="kendall"),
     _one_of("method", an.METHODS)),
    ("mem.analysis.correlation_table", lambda: an.correlation_table(_df(), ["nope"], "t"),
     "'nope' must be a column of df"),
    ("mem.analysis.correlation_table", lambda: an.correlation_table(_df(), ["a"], "t", methods=("kendall",)),
     _one_of("method", an.METHODS)),
    ("mem.analysis.wide_table", lambda: an.wide_table(None, method="kendall"), _one_of("method", an.METHODS)),
    ("mem.analysis.within_network", lambda: an.within_network(_df(), "a", "t", method="kendall"),
     _one_of("method", an.METHODS)),
    # mem.regularize
    ("mem.regularize.speed_penalty", lambda: regularize.speed_penalty(models.toy_rnn(), torch.zeros(1, 2),
                                                                      torch.zeros(1)),
     "model must be a mem.models.RNNClassifier", TypeError),
    ("mem.regularize.speed_penalty", lambda: regularize.speed_penalty(_gru(), torch.zeros(1, 4), torch.zeros(65),
                                                                      components="c"),
     _one_of("components", sp.COMPONENTS)),
    ("mem.regularize.SpeedPenalty", lambda: regularize.SpeedPenalty(torch.zeros(1, 4), torch.zeros(65), lam=-1),
     "lam must be a finite number >= 0"),
    ("mem.regularize.SpeedPenalty",
     lambda: regularize.SpeedPenalty(torch.zeros(1, 4), torch.zeros(65), 1.0, tracking="moving"),
     _one_of("tracking", regularize.TRACKING)),
    ("mem.regularize.anchor_points", lambda: regularize.anchor_points(_gru(), _task(), mode="random"),
     _one_of("mode", regularize.MODES)),
    ("mem.regularize.fine_tune", lambda: regularize.fine_tune(_gru(), _task(), n_iters=0),
     "n_iters must be a positive integer"),
    ("mem.regularize.sweep_name", lambda: regularize.sweep_name({}),
     re.escape("cfg must have the keys ['network', 'mode', 'tracking', 'lam']")),
    ("mem.regularize.weights_sha256", lambda: regularize.weights_sha256("model"),
     "model must be a mem.models.RNNClassifier", TypeError),
    ("mem.regularize.sweep_entry", lambda: regularize.sweep_entry({"threads": 1}),
     r"cfg must have the keys .*missing \['network'"),
    ("mem.regularize.load_sweep", lambda: regularize.load_sweep("."), "path must be the sweep's JSON file"),
    ("mem.regularize.load_sweep", lambda: regularize.load_sweep(3), "path must be a file path"),
    ("mem.regularize.sweep_table", lambda: regularize.sweep_table({"networks": []}), "data must be a sweep dict"),
    ("mem.regularize.sweep_effects", lambda: regularize.sweep_effects(pd.DataFrame({"network": []})),
     re.escape("table must be mem.regularize.sweep_table()'s DataFrame")),
    ("mem.regularize.accuracy_table", lambda: regularize.accuracy_table(regularize.sweep_table(), delay=7),
     "delay must be one of the sweep's probed delays"),
    ("mem.regularize.accuracy_table", lambda: regularize.accuracy_table(regularize.sweep_table(), delay=500.0),
     "delay must be a positive integer", TypeError),
    ("mem.regularize.best_runs", lambda: regularize.best_runs(None),
     re.escape("table must be mem.regularize.sweep_table()'s DataFrame")),
    ("mem.regularize.sweep_job", lambda: regularize.sweep_job({"threads": 1}),
     r"cfg must have the keys .*missing \['network'"),
    # mem.init
    ("mem.init.chain_", lambda: init.chain_(torch.zeros(2, 3)), "tensor must be a square 2-D torch tensor"),
    ("mem.init.matrix", lambda: init.matrix(init.source_, 4), "fill must be one of mem.init's square initialisers",
     TypeError),
    ("mem.init.matrix", lambda: init.matrix(init.chain_, 0), "n must be a positive integer"),
    ("mem.init.chain_", lambda: init.chain_(torch.zeros(2, 2), alpha=float("inf")), "alpha must be finite"),
    ("mem.init.fbchain_", lambda: init.fbchain_(torch.zeros(2, 2), backward="x"), "backward must be a real number",
     TypeError),
    ("mem.init.orthogonal_", lambda: init.orthogonal_(torch.zeros(3)), "tensor must be a square 2-D torch tensor"),
    ("mem.init.identity_", lambda: init.identity_(torch.zeros(2, 2), gain=float("nan")), "gain must be finite"),
    ("mem.init.source_", lambda: init.source_(torch.zeros(2, 3)), "tensor must have at most as many columns"),
    ("mem.init.ramp_", lambda: init.ramp_(torch.zeros(2, 2), end_gain=None), "end_gain must be a real number",
     TypeError),
    ("mem.init.gated_", lambda: init.gated_(torch.zeros(6, 2), [init.chain_]),
     re.escape("weight_hh must have shape (1*N, N)")),
    ("mem.init.initialize", lambda: init.initialize(_gru(), "xavier"), _one_of("scheme", init.SCHEMES)),
    ("mem.init.comparison_matrices", lambda: init.comparison_matrices(10, seed=-1),
     "seed must be a non-negative integer"),
    # mem.theory
    ("mem.theory.fisher_memory", lambda: theory.fisher_memory(np.zeros((2, 3)), np.zeros(2)),
     "A must be a square 2-D matrix"),
    ("mem.theory.fisher_memory", lambda: theory.fisher_memory(np.eye(2) / 2, np.ones(2), noise=0),
     "noise must be > 0"),
    ("mem.theory.total_memory", lambda: theory.total_memory(np.eye(2) / 2, np.ones(3)),
     re.escape("v must have shape (N,) = (2,)")),
    ("mem.theory.total_memory", lambda: theory.total_memory(np.eye(2) / 2, np.ones(2), horizon=0),
     "horizon must be a positive integer"),
    ("mem.theory.delay_line_memory", lambda: theory.delay_line_memory(0), "n must be a positive integer"),
    ("mem.theory.harmonic_number", lambda: theory.harmonic_number(-1), "n must be a non-negative integer"),
    ("mem.theory.harmonic_number", lambda: theory.harmonic_number(2.0), "n must be a non-negative integer", TypeError),
    ("mem.theory.impulse_path", lambda: theory.impulse_path(np.eye(3), 0), "n_steps must be a positive integer"),
    ("mem.theory.impulse_path", lambda: theory.impulse_path(np.eye(3), 2, unit=3),
     r"unit must be an integer in 0\.\.2"),
    ("mem.theory.memory_table", lambda: theory.memory_table([np.eye(2)], np.ones(2)),
     "matrices must be a non-empty dict", TypeError),
    ("mem.theory.delay_line_totals", lambda: theory.delay_line_totals([1.0], 5),
     "sizes must be a non-empty sequence of positive integers", TypeError),
    ("mem.theory.delay_line_totals", lambda: theory.delay_line_totals([1.0], [0]), "n must be a positive integer"),
    ("mem.theory.memory_summary", lambda: theory.memory_summary(np.zeros((2, 3)), np.ones(2), 5),
     "A must be a square 2-D matrix"),
    ("mem.theory.transient_amplification", lambda: theory.transient_amplification(np.eye(2), np.ones(2), 0),
     "n_steps must be a positive integer"),
    ("mem.theory.schur_departure", lambda: theory.schur_departure(np.zeros((2, 3))), "W must be a square 2-D matrix"),
    ("mem.theory.henrici", lambda: theory.henrici(np.eye(2), method="qr"), _one_of("method", theory.METHODS)),
    ("mem.theory.chain_energy", lambda: theory.chain_energy(np.eye(2), offset=2),
     re.escape("offset must be an integer in -1..1")),
    ("mem.theory.chain_energy", lambda: theory.chain_energy(np.eye(2), offset=1.0),
     re.escape("offset must be an integer in -1..1"), TypeError),
    ("mem.theory.chain_profile", lambda: theory.chain_profile(np.eye(2), np.zeros((5, 3))),
     re.escape("activity must have shape (T, N) or (B, T, N) with N = 2")),
    # mem.benchmarks
    ("mem.benchmarks.entry_name", lambda: bm.entry_name({}),
     re.escape("cfg must have the keys ['task', 'scheme', 'lr', 'seed']")),
    ("mem.benchmarks.build_model", lambda: bm.build_model({}),
     re.escape("cfg must have the keys ['task', 'task_config'")),
    ("mem.benchmarks.build_model", lambda: bm.build_model(dict(bm.configs()[0], task="mnist")),
     _one_of("name", ["addition", "copy", "delayed", "flipflop", "psdigits"])),
    ("mem.benchmarks.train_entry", lambda: bm.train_entry({"threads": 1}),
     r"cfg must have the keys .*missing \['task'"),
    ("mem.benchmarks.load", lambda: bm.load("nope"), "name must be one of the entries"),
    ("mem.benchmarks.table", lambda: bm.table("."), "zoo_dir must hold benchmark runs"),
    ("mem.benchmarks.summary", lambda: bm.summary(pd.DataFrame({"task": ["copy"]})),
     r"runs must be a DataFrame like table\(\)'s, got one without the columns \['scheme'"),
    ("mem.benchmarks.curves", lambda: bm.curves("mnist"), _one_of("task", sorted(bm.TASKS))),
    ("mem.benchmarks.matched_perturbation", lambda: bm.matched_perturbation(torch.zeros(2, 2), torch.zeros(3, 3)),
     "W0 and W1 must be 2-D matrices of the same shape"),
    ("mem.benchmarks.nonnormality", lambda: bm.nonnormality("copy-chain-lr0.0003-s0"),
     "names must be a list of run names"),
    ("mem.benchmarks.activity", lambda: bm.activity("run"), "run must be a BenchmarkRun"),
    ("mem.benchmarks.excess", lambda: bm.excess(None, "frobenius"),
     _one_of("value", ("henrici", "henrici_rel", "chain_energy"))),
    ("mem.benchmarks.chain_profiles", lambda: bm.chain_profiles("run"), "run must be a BenchmarkRun"),
    ("mem.benchmarks.decoding_at_init", lambda: bm.decoding_at_init([0], schemes="chain"),
     "schemes and noises must be sequences", TypeError),
    ("mem.benchmarks.decoding_at_init", lambda: bm.decoding_at_init([0], hidden_size=0),
     "hidden_size must be a positive integer"),
    ("mem.benchmarks.nonnormality_summary", lambda: bm.nonnormality_summary(pd.DataFrame()),
     re.escape("nn must be mem.benchmarks.nonnormality()'s DataFrame")),
    ("mem.benchmarks.format_nonnormality", lambda: bm.format_nonnormality(pd.DataFrame()),
     re.escape("summary must be mem.benchmarks.nonnormality_summary()'s DataFrame")),
    ("mem.benchmarks.gate_chain_energy", lambda: bm.gate_chain_energy(torch.zeros(3, 2), torch.zeros(3, 2)),
     re.escape("W0 and W1 must be (G * N, N) matrices of the same shape")),
    ("mem.benchmarks.chain_asymmetry", lambda: bm.chain_asymmetry("copy-chain-lr0.0003-s0"),
     "names must be a list of run names"),
    # mem.plots
    ("mem.plots.task.plot_trial", lambda: plots.plot_trial(_batch(), i=2), r"i must be an integer in 0\.\.1"),
    ("mem.plots.task.plot_trial", lambda: plots.plot_trial(_batch(), image_shape=(4, 4)),
     re.escape("image_shape must be (height, width) with 64 pixels")),
    ("mem.plots.task.plot_trials", lambda: plots.plot_trials(_batch(), n=3), r"n must be an integer in 1\.\.2"),
    ("mem.plots.training.plot_history", lambda: plots.plot_history(_history(), window=0),
     "window must be a positive integer"),
    ("mem.plots.training.plot_delay_curves", lambda: plots.plot_delay_curves({}),
     re.escape("curves must be a non-empty dict {label: DelayCurve}")),
    # mem.drift, the new analysis and plot functions
    ("mem.drift.class_drift_table", lambda: mem.drift.class_drift_table([], _task(), _task().mean_input()),
     "networks must be a non-empty dict", TypeError),
    ("mem.drift.class_drift_table", lambda: mem.drift.class_drift_table({"a": (_gru(), None)}, _task(),
                                                                        _task().mean_input(), n_steps=0),
     "n_steps must be a positive integer"),
    ("mem.drift.ghost_passage", lambda: mem.drift.ghost_passage(0.6, n_steps=0), "n_steps must be"),
    ("mem.drift.drift", lambda: mem.drift.drift(_gru(), _task().mean_input(), _task().mean_input(trigger=True),
                                                _gru().unflatten_state(torch.zeros(1, 4)), torch.tensor([1]), 5,
                                                window=5), "window must be shorter than n_steps"),
    ("mem.drift.drift_speed", lambda: mem.drift.drift_speed(_gru(), _task().mean_input(),
                                                            _gru().unflatten_state(torch.zeros(1, 4)), n_steps=0),
     "n_steps must be"),
    ("mem.protocols.stage_starts", lambda: protocols.stage_starts([6, 8], [11]),
     "T_max and n_classes must be 1-D arrays of the same length"),
    ("mem.analysis.group_contrast", lambda: an.group_contrast(_df(), "init", "chain", "a"),
     "by must be a column of table"),
    ("mem.formation.stage_movement", lambda: mem.formation.stage_movement([100, 200], np.zeros((1, 2)), [150]),
     "displacement must have one row per interval"),
    ("mem.plots.slowpoints.plot_search_speeds", lambda: plots.plot_search_speeds({}),
     "speeds must be a non-empty dict"),
    # mem.report
    ("mem.report.setup", lambda: mem.report.setup(threads=0), "threads must be a positive integer"),
    ("mem.report.book_task", lambda: mem.report.book_task("digits"), "data must be", TypeError),
    ("mem.report.format_range", lambda: mem.report.format_range([]), "values must hold at least one number"),
    ("mem.report.success_counts", lambda: mem.report.success_counts(pd.DataFrame({"task": ["copy"]}), "copy"),
     "runs must be mem.benchmarks.table"),
    ("mem.report.reproduction_box", lambda: mem.report.reproduction_box([("claim", "measured")]),
     re.escape("rows must be (claim, measured, verdict) triples")),
    ("mem.report.fill_claims", lambda: mem.report.fill_claims([mem.claims.Claim("{x}", "", "")], {}),
     "values must define 'x'"),
    ("mem.report.what_reproduces", lambda: mem.report.what_reproduces(0, {}), "chapter must be one of"),
    ("mem.plots.training.plot_by_protocol", lambda: plots.plot_by_protocol({}),
     re.escape("values must be a non-empty dict {(arch, protocol, seed): float}")),
    ("mem.plots.style.class_color", lambda: plots.class_color(11), r"label must be a class of the task, 0\.\.10"),
    ("mem.plots.slowpoints.plot_speed_landscape", lambda: plots.plot_speed_landscape(_gru()),
     "model must have a 2-D state"),
    ("mem.plots.slowpoints.plot_speed_landscape", lambda: plots.plot_speed_landscape(models.toy_rnn(), lim=0),
     "lim must be a finite number > 0"),
    ("mem.plots.slowpoints.plot_state_space", lambda: plots.plot_state_space(np.zeros((2, 3)), [1, 2]),
     "traj must have 3 dimensions"),
    ("mem.plots.slowpoints.plot_eigenvalues", lambda: plots.plot_eigenvalues(np.zeros((2, 2)), n_top=0),
     "n_top must be a positive integer"),
    ("mem.plots.slowpoints.plot_drift", lambda: plots.plot_drift(np.ones((1, 3)), np.ones((1, 3)), [1], floor=0),
     "floor must be a finite number > 0"),
    ("mem.plots.slowpoints.plot_formation", lambda: plots.plot_formation({}, [0]), "points must be a non-empty dict"),
    ("mem.plots.slowpoints.plot_displacement", lambda: plots.plot_displacement([1, 2], np.zeros((2, 3)), [1]),
     re.escape("displacement must have shape (len(steps), len(labels)) = (2, 1)")),
    ("mem.plots.slowpoints.plot_against", lambda: plots.plot_against({}, {}), "x and y must be non-empty dicts"),
    ("mem.plots.speed.plot_measure", lambda: plots.plot_measure(_df(), "nope"), "x must be a column of df, got 'nope'"),
    ("mem.plots.speed.plot_correlations", lambda: plots.plot_correlations(pd.DataFrame({"method": ["spearman"]}),
                                                                    method="kendall"),
     _one_of("method", ["spearman"])),
    ("mem.plots.speed.plot_within", lambda: plots.plot_within({"m": pd.DataFrame({"rho": [0.1]})}),
     re.escape("per_network must be a non-empty dict {measure: DataFrame with column r}")),
    ("mem.plots.regularization.plot_fine_tune", lambda: plots.plot_fine_tune({}, _history(), _history(), {}),
     "speeds must be a non-empty dict"),
    ("mem.plots.regularization.plot_fine_tune", lambda: plots.plot_fine_tune({}, "h", _history(), {"a": 1.0}),
     "penalised must be a mem.train.History", TypeError),
    ("mem.plots.regularization.plot_state_space_panels",
     lambda: plots.plot_state_space_panels({"a": np.zeros((2, 3))}, [1, 2], np.zeros((1, 3)), [1]),
     "trajectories must be"),
    ("mem.plots.regularization.plot_sweep_grid", lambda: plots.plot_sweep_grid(None, []),
     "networks must name at least one network"),
    ("mem.plots.regularization.plot_class_memory",
     lambda: plots.plot_class_memory(pd.DataFrame({"a": [1.0]}), pd.DataFrame({"a": [1.0, 2.0]}), 10),
     "lifetimes and accuracy must be"),
    ("mem.plots.regularization.plot_class_drift", lambda: plots.plot_class_drift(pd.DataFrame(), {}, 0.0),
     re.escape("table must be mem.drift.class_drift_table()'s DataFrame")),
    ("mem.plots.regularization.plot_lambda_sweep",
     lambda: plots.plot_lambda_sweep(pd.DataFrame({"network": ["a"]}), "lifetime", "b"),
     _one_of("network", ["a"])),
    ("mem.plots.regularization.plot_sweep_curves",
     lambda: plots.plot_sweep_curves(pd.DataFrame({"network": ["a"]}), 1.0, ["b"], [20]),
     "networks must be in the table"),
    ("mem.plots.nonnormal.plot_fisher_curves", lambda: plots.plot_fisher_curves({}), "curves must be a non-empty dict"),
    ("mem.plots.nonnormal.plot_amplification", lambda: plots.plot_amplification({}), "norms must be a non-empty dict"),
    ("mem.plots.nonnormal.plot_linear_memory", lambda: plots.plot_linear_memory({}, {}),
     "curves and norms must be non-empty dicts"),
    ("mem.plots.nonnormal.plot_decoding_panels", lambda: plots.plot_decoding_panels([0], pd.DataFrame()),
     "decoding must be a DataFrame with rows"),
    ("mem.plots.nonnormal.plot_bridge", lambda: plots.plot_bridge(pd.DataFrame({"name": []}), {}),
     re.escape("table must be mem.zoo.table()'s DataFrame, got one without the columns")),
    ("mem.plots.nonnormal.plot_benchmark_overview", lambda: plots.plot_benchmark_overview({}, None),
     "curves must be a non-empty dict"),
    ("mem.plots.nonnormal.plot_chain_profile_panels", lambda: plots.plot_chain_profile_panels({}),
     "profiles must be a non-empty dict"),
    ("mem.plots.nonnormal.plot_benchmark_curves", lambda: plots.plot_benchmark_curves({"chain": [1.0]}),
     re.escape("curves must be a non-empty dict {scheme: (steps, losses, lr)}")),
    ("mem.plots.nonnormal.plot_success_counts", lambda: plots.plot_success_counts(pd.DataFrame({"task": ["copy"]})),
     re.escape("table must be mem.benchmarks.table()'s DataFrame, got one without the columns ['scheme', 'success']")),
    ("mem.plots.nonnormal.plot_success_counts", lambda: plots.plot_success_counts(
        pd.DataFrame({"task": ["copy"], "scheme": ["chain"], "success": [True]}), schemes=()),
     "schemes must name at least one scheme"),
    ("mem.plots.nonnormal.plot_decoding", lambda: plots.plot_decoding([0, 5], {"chain": [0.9]}),
     re.escape("r2 must give one value per lag (2) for every network, not for ['chain']")),
    ("mem.plots.nonnormal.plot_chain_profile", lambda: plots.plot_chain_profile({}, window=-1),
     "window must be a non-negative integer"),
    ("mem.plots.nonnormal.plot_chain_profile", lambda: plots.plot_chain_profile({"net": (np.arange(3), np.zeros(2))}),
     re.escape("profiles must be a dict {label: (offsets, profile)} of equal-length pairs")),
]

BAD_CALLS += [
    ("mem.fingerprint.fingerprint", lambda: fp.fingerprint(threads=-1), "threads must be a positive integer"),
    ("mem.fingerprint.same_numerics", lambda: fp.same_numerics({"torch": "x"}), "stored must have the keys"),
    ("mem.fingerprint.level", lambda: fp.level(fp.fingerprint(), {}), "current must have the keys"),
    ("mem.fingerprint.describe", lambda: fp.describe({}), "fp must have the keys"),
    ("mem.store.require_keys", lambda: store.require_keys(["threads"], ("threads",)), "cfg must be a config dict"),
    ("mem.store.require_keys", lambda: store.require_keys({}, ("threads",)), r"cfg must have the keys \['threads'\]"),
    ("mem.store.manifest_entry", lambda: store.manifest_entry({"seed": 0, "threads": 1}, "raw", {}, 0.0),
     "raw must be the bytes"),
    ("mem.store.atomic_write", lambda: store.atomic_write("x.json", "text"), "data must be bytes"),
    ("mem.reproduce.nearest", lambda: rp.nearest(1.0, 0), "step must be a finite number > 0"),
    ("mem.reproduce.fixed", lambda: rp.fixed(1.0, zero=-1), "zero must be >= 0"),
    ("mem.reproduce.significant", lambda: rp.significant(1.0, n=0), "n must be a positive integer"),
    ("mem.reproduce.decade", lambda: rp.decade(0.0), "x must be a finite number > 0"),
    ("mem.reproduce.seed_tolerance", lambda: rp.seed_tolerance("networks", "lifetime"), "quantity must be one of"),
    ("mem.reproduce.kernel_tolerance", lambda: rp.kernel_tolerance("weights", "adam"), "kind must be 'speed' or"),
    ("mem.reproduce.kernel_tolerance", lambda: rp.kernel_tolerance("speed", "loss"), "quantity must be measured"),
    ("mem.reproduce.load_variability", lambda: rp.load_variability("no/such/file.json"),
     "path must be a variability file"),
    ("mem.reproduce.measure", lambda: rp.measure(["sse9"]), "dispatches must be names of DISPATCHES"),
    ("mem.reproduce.recheck", lambda: rp.recheck("gru64-nacu-s0", collection="extra"), "collection must be one of"),
    ("mem.reproduce.recheck_speed", lambda: rp.recheck_speed("gru64-nocu-s0"), "name must be one of"),
    ("mem.reproduce.recheck_fine_tune", lambda: rp.recheck_fine_tune("gru64-nacu-s0-nothing"),
     "name must be one of the sweep's entries"),
    ("mem.reproduce.recheck_fine_tune", lambda: rp.recheck_fine_tune("gru64-nacu-s0-control-fixed-lam0", rerun={},
                                                                     model=_gru()), "pass rerun or model, not both"),
    ("mem.regularize.evaluate_fine_tune", lambda: regularize.evaluate_fine_tune("gru", _task()), "model must be",
     TypeError),
    # mem._checks (the one integer check and the model checks behind the rows above)
    ("mem._checks.check_int", lambda: mem._checks.check_int("n", True), "n must be a positive integer", TypeError),
    ("mem._checks.check_names", lambda: mem._checks.check_names("which", "abc"), "which must be a list of names",
     TypeError),
    ("mem._checks.check_names", lambda: mem._checks.check_names("which", ["a", 3]),
     r"which must be a list of names \(str\)", TypeError),
    ("mem._checks.seeded", lambda: mem._checks.seeded(2**64), "seed must be a non-negative integer below 2\\*\\*63"),
    ("mem._checks.check_seed", lambda: mem._checks.check_seed("1"), "seed must be a non-negative integer", TypeError),
    ("mem._checks.check_int", lambda: mem._checks.check_int("n", 20.0), "n must be a positive integer", TypeError),
    ("mem._checks.check_int", lambda: mem._checks.check_int("n", 5, 0, 4), r"n must be an integer in 0\.\.4"),
    ("mem._checks.check_count", lambda: mem._checks.check_count("k", np.float64(3)), "k must be a positive integer",
     TypeError),
    ("mem._checks.positive_ints", lambda: mem._checks.positive_ints(a=1, b=0), "b must be a positive integer"),
    ("mem._checks.check_model", lambda: mem._checks.check_model(torch.nn.GRU(2, 3)),
     "model must be a mem.models.RNNClassifier, got GRU", TypeError),
    ("mem._checks.check_model_task", lambda: mem._checks.check_model_task(_gru(), _addition(), tasks.AdditionTask),
     re.escape("model sizes (input 65, outputs 11) do not match the task's (input 2, outputs 1)")),
    ("mem.tasks.flipflop.FlipFlop", lambda: tasks.FlipFlop(p_pulse=1.0), r"p_pulse must be in \(0, 1\)"),
    ("mem.tasks.flipflop.FlipFlop", lambda: tasks.FlipFlop(p_pulse="0.1"), "p_pulse must be a number", TypeError),
    ("mem.tasks.flipflop.FlipFlop", lambda: tasks.FlipFlop(n_bits=0), "n_bits must be a positive integer"),
    ("mem._checks.check_choice", lambda: mem._checks.check_choice("method", "lbfgs", ("newton", "adam")),
     re.escape("method must be one of ('newton', 'adam'), got 'lbfgs'")),
    ("mem._checks.check_dict", lambda: mem._checks.check_dict("runs", [], "{name: run}"), "runs must be a dict",
     TypeError),
    ("mem._checks.check_dict", lambda: mem._checks.check_dict("runs", {}, "{name: run}"),
     "runs must be a non-empty dict"),
    ("mem._checks.check_positive", lambda: mem._checks.check_positive("tau", 0.0), "tau must be a positive number"),
    ("mem._checks.check_positive", lambda: mem._checks.check_positive("tau", "1"), "tau must be a positive number",
     TypeError),
]


# chapter 2's spread statistics, figures and helpers (issue 16: chapters as narrative and calls)
BAD_CALLS += [
    ("mem.analysis.seed_spread", lambda: an.seed_spread([1.0]), "values must be a dict", TypeError),
    ("mem.analysis.seed_spread", lambda: an.seed_spread({("gru", "decu", 0): 1.0, ("gru", "vocu", 1): 2.0}),
     r"values must hold every \(group, condition, seed\)"),
    ("mem.analysis.seed_spread", lambda: an.seed_spread({("gru", "decu", 0): 0.0}), "values must be positive"),
    ("mem.analysis.compare_conditions", lambda: an.compare_conditions({("gru", "decu", 0): 1.0}, "vocu", "decu"),
     "a must be a condition of values"),
    ("mem.analysis.compare_conditions", lambda: an.compare_conditions({}, "vocu", "decu"),
     "values must be a non-empty dict"),
    ("mem.protocols.curriculum_stages", lambda: protocols.curriculum_stages(protocols.NaCu()),
     "protocol must be a mem.protocols.AccuracyCurriculum", TypeError),
    ("mem.protocols.loss_jumps", lambda: protocols.loss_jumps(np.ones(3), [6, 6, 8, 8], [11] * 4),
     "loss must have the shape of T_max"),
    ("mem.protocols.loss_jumps", lambda: protocols.loss_jumps(np.ones(2), [6, 8], [11, 11], width=0),
     "width must be a positive integer"),
    ("mem.protocols.schedule_shares", lambda: protocols.schedule_shares(protocols.NaCu(), 1, 11),
     r"T_max must be an integer"),
    ("mem.protocols.schedule_shares", lambda: protocols.schedule_shares("nacu", 20, 11), "protocol must be",
     TypeError),
    ("mem.evaluate.lifetime_interval", lambda: evaluate.lifetime_interval([0.5, 0.3]), "curve must be a DelayCurve",
     TypeError),
    ("mem.evaluate.lifetime_interval", lambda: evaluate.lifetime_interval(
        evaluate.DelayCurve(np.array([1, 2]), np.array([0.5, 0.3]), 10, 0.1), level=1.5), r"level must be a number in"),
    ("mem.evaluate.accuracy_on_classes", lambda: evaluate.accuracy_on_classes(
        evaluate.DelayCurve(np.array([1, 2]), np.array([0.5, 0.3]), 10, 0.1), 3), "curve must have per-class accuracy"),
    ("mem.plots.training.plot_schedules", lambda: plots.plot_schedules({}), "protocols must be a non-empty dict"),
    ("mem.plots.training.plot_curriculum_run", lambda: plots.plot_curriculum_run(None, protocols.NaCu()),
     "protocol must be a mem.protocols.AccuracyCurriculum", TypeError),
    ("mem.plots.training.plot_histories", lambda: plots.plot_histories({("gru", "nacu", 0): 1.0}),
     "histories must be a non-empty dict"),
    ("mem.plots.training.plot_delay_curves_by_arch", lambda: plots.plot_delay_curves_by_arch([]),
     "curves must be a dict", TypeError),
    ("mem.plots.training.plot_lifetime", lambda: plots.plot_lifetime([0.5]), "curve must be a mem.evaluate.DelayCurve",
     TypeError),
    ("mem.plots.training.plot_lifetimes", lambda: plots.plot_lifetimes({}),
     re.escape("curves must be a non-empty dict {label: DelayCurve}")),
    ("mem.plots.training.plot_lifetime_strip", lambda: plots.plot_lifetime_strip({("gru", "nacu", 0): 50.0}, 0, 1000),
     "trained_delay must be a positive integer"),
]


# chapter 1's tables, figures and reference predictors (issue 16: chapters as narrative and calls)
BAD_CALLS += [
    ("mem.data.pixel_table", lambda: data.pixel_table({"noise": [0.1]}), "frames must be a non-empty dict"),
    ("mem.data.frame_detectability", lambda: data.frame_detectability(torch.zeros(3), torch.zeros(3, 2)),
     "images must be a 2-D tensor"),
    ("mem.tasks.delayed.reference_predictors", lambda: tasks.reference_predictors(_task().sample(2), confidence=0),
     "confidence must be a positive number"),
    ("mem.tasks.delayed.reference_predictors", lambda: tasks.reference_predictors("batch"), "batch must be",
     TypeError),
    ("mem.tasks.delayed.weighting_schemes", lambda: tasks.weighting_schemes(None), "batch must be", TypeError),
    ("mem.tasks.delayed.report_share", lambda: tasks.report_share(torch.zeros(2, 3, 11), _task().sample(2)),
     r"logits must be a tensor of shape \(B, T, classes\)"),
    ("mem.tasks.delayed.report_weight_line", lambda: tasks.report_weight_line(_addition(), torch.zeros(2, 6, 11),
                                                                               _task().sample(2)), "task must be",
     TypeError),
    ("mem.plots.task.plot_digit_examples", lambda: plots.plot_digit_examples(_digits(), n_examples=0),
     r"n_examples must be an integer in 1\.\.20"),
    ("mem.plots.task.plot_noise_frames", lambda: plots.plot_noise_frames("digits", torch.zeros(6, 64)),
     "data must be mem.data.Digits", TypeError),
    ("mem.plots.task.plot_timing", lambda: plots.plot_timing({"delay": np.ones(3)}, {}, 10),
     "freq must be a non-empty dict whose names exact also has"),
    ("mem.plots.task.plot_probe_frames", lambda: plots.plot_probe_frames(_task().sample(2), [0]), "probe must be",
     TypeError),
    ("mem.plots.task.plot_trial_row", lambda: plots.plot_trial_row(_task().sample(2), n=3),
     r"n must be an integer in 1\.\.2"),
    ("mem.plots.task.trial_widget", lambda: plots.trial_widget(_task(), t_read=9),
     r"t_read must be an integer in 0\.\.1"),
]
BAD_CALLS += [   # chapter 3's calls (issue 16, second round)
    ("mem.drift.ghost_point", lambda: mem.drift.ghost_point("0.6"), "bias must be a real number", TypeError),
    ("mem.drift.ghost_dwell", lambda: mem.drift.ghost_dwell([0.6], radius=0), "radius must be > 0"),
    ("mem.drift.ghost_scaling", lambda: mem.drift.ghost_scaling([0.0]), "eps must be a 1-D sequence of numbers > 0"),
    ("mem.drift.speed_along", lambda: mem.drift.speed_along(_gru(), _task().mean_input(),
                                                            _gru().unflatten_state(torch.zeros(1, 4)), n_steps=0),
     "n_steps must be"),
    ("mem.drift.speed_along", lambda: mem.drift.speed_along(_gru(), _task().mean_input(),
                                                            _gru().unflatten_state(torch.zeros(1, 4)), 3, window=4),
     r"window must be at most n_steps \(3\)"),
    ("mem.drift.decay_rate", lambda: mem.drift.decay_rate(np.zeros(3)), re.escape("log_speed must be a (K, T) array")),
    ("mem.drift.decay_rate", lambda: mem.drift.decay_rate(np.zeros((1, 3)), lo=1, hi=0), "lo must be below hi"),
    ("mem.drift.approach_rates", lambda: mem.drift.approach_rates(None), "d must be a Drift", TypeError),
    ("mem.analysis.correlate_groups", lambda: an.correlate_groups({("gru", "vocu", 0): 1.0}, {}),
     "x and y must have the same non-empty set of keys"),
    ("mem.analysis.correlate_groups", lambda: an.correlate_groups([1.0], [2.0]), "x and y must be dicts", TypeError),
    ("mem.searches.class_point_summary", lambda: mem.searches.class_point_summary(_gru(), _task(), points="adam"),
     "points must be SlowPoints or None", TypeError),
    ("mem.searches.search_budgets", lambda: mem.searches.search_budgets(_gru(), None, None, None, [], None, done=[]),
     "done must be a dict", TypeError),
    ("mem.searches.search_budgets", lambda: mem.searches.search_budgets(_gru(), None, None, None, [0], None),
     "budgets must be a positive integer"),
    ("mem.searches.nearest_cloud", lambda: mem.searches.nearest_cloud(_gru(), None, None, None, steps=(3, 2)),
     re.escape("steps must be (first, stop)")),
    ("mem.searches.search_summary", lambda: mem.searches.search_summary("points", _gru(), None),
     "points must be SlowPoints", TypeError),
    ("mem.analysis.movement_ratio", lambda: an.movement_ratio([], [1.0]), "a and b must be non-empty 1-D arrays"),
    ("mem.formation.first_seen", lambda: formation.first_seen([]), "points must be a dict", TypeError),
    ("mem.formation.first_seen", lambda: formation.first_seen({}, n_digits=0), "n_digits must be a positive integer"),
    ("mem.formation.points_lost", lambda: formation.points_lost([]), "points must be a dict", TypeError),
    ("mem.formation.formation_pca", lambda: formation.formation_pca([]), "points must be a dict", TypeError),
    ("mem.formation.formation_digits", lambda: formation.formation_digits([]), "points must be a dict", TypeError),
    ("mem.protocols.protocol_stage_starts", lambda: protocols.protocol_stage_starts("nope"),
     "config must name a protocol"),
    ("mem.plots.slowpoints.plot_points_pca", lambda: plots.plot_points_pca(_gru(), None, None, "points"),
     "points must be SlowPoints", TypeError),
    ("mem.plots.slowpoints.plot_ghost_passage", lambda: plots.plot_ghost_passage({}), "dwell must be a non-empty dict"),
    ("mem.plots.slowpoints.plot_ghost_passage", lambda: plots.plot_ghost_passage([0.6]), "dwell must be a dict",
     TypeError),
    ("mem.plots.slowpoints.plot_against_panels", lambda: plots.plot_against_panels({}, {}),
     "measures must be a non-empty dict"),
    ("mem.plots.slowpoints.plot_search_budgets", lambda: plots.plot_search_budgets({}, [1]),
     "result must be the dict of mem.searches.search_budgets"),
    ("mem.plots.slowpoints.plot_eigenvalue_panels", lambda: plots.plot_eigenvalue_panels({}),
     "points must be a non-empty dict"),
    ("mem.plots.slowpoints.plot_drift_panels", lambda: plots.plot_drift_panels([]), "drifts must be a dict",
     TypeError),
    ("mem.plots.slowpoints.plot_displacement_panels", lambda: plots.plot_displacement_panels({}, [1]),
     "panels must be a non-empty dict"),
    ("mem.report.point_table", lambda: mem.report.point_table(None, columns=("speed",)), "columns must be among"),
    ("mem.report.point_table", lambda: mem.report.point_table(None, columns="kind"),
     "columns must be a sequence of column names", TypeError),
    ("mem.report.drift_summary", lambda: mem.report.drift_summary(None), "d must be a mem.drift.Drift", TypeError),
    ("mem.report.stage_movement_summary", lambda: mem.report.stage_movement_summary({}),
     "c must be the dict returned by mem.formation.stage_movement", TypeError),
    ("mem.report.format_groups", lambda: mem.report.format_groups([]), "r must be a dict", TypeError),
    ("mem.report.stability_summary", lambda: mem.report.stability_summary(None, tol=0), "tol must be > 0"),
    ("mem.plots.slowpoints.plot_ghost", lambda: plots.plot_ghost(models.toy_rnn(), None, [0.6]),
     "dwell must be a dict", TypeError),
    ("mem.plots.slowpoints.plot_points_pca_panels", lambda: plots.plot_points_pca_panels({}, None, None),
     "panels must be a non-empty dict"),
]

BAD_CALLS += [   # "Slow points of your own network" (book/your_network)
    ("mem.plots.slowpoints.plot_fixed_points_pca",
     lambda: plots.plot_fixed_points_pca(np.zeros((5, 3)), "memories", ["a"]), "memories must be SlowPoints",
     TypeError),
    ("mem.plots.slowpoints.plot_fixed_points_pca",
     lambda: plots.plot_fixed_points_pca(np.zeros((5, 3)), np.zeros((2, 3)), ["a"]),
     r"labels must have one entry per memory \(2\)"),
    ("mem.plots.slowpoints.plot_fixed_points_pca",
     lambda: plots.plot_fixed_points_pca(np.zeros((5, 3)), np.zeros((1, 3)), ["a"], directions=np.zeros((1, 3))),
     "directions needs saddles"),
    ("mem.slowpoints.starts.saddles_between", lambda: sp.saddles_between(_gru(), "points", torch.zeros(65)),
     "memories must be SlowPoints", TypeError),
    ("mem.slowpoints.starts.saddles_between", lambda: sp.saddles_between(_gru(), _points(), torch.zeros(65)),
     "memories must hold at least 2 points"),
]

BAD_CALLS += [   # issue 17: the first-order test and closed-form Jacobians
    ("mem.slowpoints.search.stationarity", lambda: sp.stationarity(np.zeros((2, 3, 3)), torch.zeros(2, 3),
                                                                    torch.zeros(2, 3)), "J must be a torch.Tensor",
     TypeError),
    ("mem.slowpoints.search.stationarity", lambda: sp.stationarity(torch.zeros(2, 3, 3), torch.zeros(3),
                                                                    torch.zeros(2, 3)), "J, r and v must have shapes"),
    ("mem.models.cell_jacobian", lambda: models.cell_jacobian("elman", torch.zeros(1), torch.zeros(2), None,
                                                              torch.zeros(2, 1), torch.zeros(2, 2)),
     "arch must be one of"),
    ("mem.models.cell_jacobian", lambda: models.cell_jacobian("lstm", torch.zeros(1), torch.zeros(2), None,
                                                              torch.zeros(8, 1), torch.zeros(8, 2)),
     "c must be the cell state"),
]

BAD_CALLS += [   # issue 17: the stored comparison with FixedPointFinder
    ("mem.report.finder_benchmark",
     lambda: report.finder_benchmark(Path(mem.__file__).parent / "zoo_data" / "variability.json"),
     "path must hold a bench_slowpoints.py result"),
    ("mem.report.finder_comparison", lambda: report.finder_comparison([1, 2]), "results must be the dict",
     TypeError),
]

BAD_CALLS += [   # issue 18: nothing non-finite gets in
    ("mem.evaluate.memory_lifetime", lambda: evaluate.memory_lifetime(delays=[10, 20], accuracy=[math.nan, math.nan]),
     r"accuracy must hold finite values in \[0, 1\]"),
    ("mem.evaluate.memory_lifetime", lambda: evaluate.memory_lifetime(delays=[10, 20], accuracy=[5.0, 0.2]),
     r"accuracy must hold finite values in \[0, 1\]"),
    ("mem.evaluate.memory_lifetime", lambda: evaluate.memory_lifetime(delays=[10, math.inf], accuracy=[0.9, 0.2]),
     "delays must be finite"),
    ("mem.evaluate.memory_lifetime", lambda: evaluate.memory_lifetime(delays=[10, 20], accuracy=[0.9, 0.2], chance=1.5),
     r"chance must lie in \[0, 1\)"),
    ("mem.slowpoints.search.find_slow_points",
     lambda: sp.find_slow_points(models.toy_rnn(), torch.tensor([[0.1, math.nan]]), torch.zeros(1)),
     r"initial_states must be finite; rows \[0\]"),
    ("mem.slowpoints.search.find_slow_points",
     lambda: sp.find_slow_points(models.toy_rnn(), torch.zeros(1, 2), torch.tensor([math.inf])),
     "inputs must be finite"),
]

BAD_CALLS += [   # issue 18: one seed check, no string iterated as a list, no bool taken from a string
    ("mem.train.train", lambda: train.train(_gru(), _task(), n_iters=1, seed="0"), "seed must be", TypeError),
    ("mem.train.train", lambda: train.train(_gru(), _task(), n_iters=1, seed=2**70), "seed must be"),
    ("mem.train.train", lambda: train.train(_gru(), _task(), n_iters=1, seed=1.0), "seed must be", TypeError),
    ("mem.models.RNNClassifier", lambda: models.RNNClassifier("gru", 65, 4, seed=0.5), "seed must be", TypeError),
    ("mem.models.RNNClassifier", lambda: models.RNNClassifier("gru", 65, 4, seed=-1), "seed must be"),
    ("mem.evaluate.report_accuracy", lambda: evaluate.report_accuracy(_gru(), _task(), 8, seed=None),
     "seed must be", TypeError),
    ("mem.tasks.delayed.DelayedClassification", lambda: _task().mean_input(trigger="false"),
     "trigger must be True or False", TypeError),
    ("mem.store.build", lambda: store.build("networks", "gru64-nacu-s0"), "which must be a list of names, got the str",
     TypeError),
    ("mem.plots.nonnormal.plot_success_counts",
     lambda: plots.plot_success_counts(pd.DataFrame({"task": ["copy"], "scheme": ["chain"], "success": [True]}),
                                       schemes="chain"), "schemes must be a list of names", TypeError),
    ("mem.slowpoints.starts.trajectory_states",
     lambda: sp.trajectory_states(_gru(), _task(), n_samples=2, noise_scale=math.nan), "noise_scale must be a finite"),
]

BAD_CALLS += [   # issue 18: a degenerate fit is reported, not returned as a number
    ("mem.analysis.partial_correlation", lambda: an.partial_correlation([1.0, 2, 3, 4, 5], [2.0, 1, 4, 3, 5],
                                                                        [1.0, 2, 3, 4, 5], n_boot=0),
     "covariates must not explain x completely"),
    ("mem.analysis.partial_correlation", lambda: an.partial_correlation([1.0, 1, 1, 1, 1], [2.0, 1, 4, 3, 5], n_boot=0),
     "x must vary"),
]

BAD_CALLS += [   # issue 18: nothing is changed before the arguments are checked; no integer "matrices"
    ("mem.init.orthogonal_", lambda: init.orthogonal_(torch.empty(3, 3, dtype=torch.long)),
     "tensor must be a floating-point tensor", TypeError),
    ("mem.init.chain_", lambda: init.chain_(torch.empty(3, 3, dtype=torch.int32)), "tensor must be a floating-point",
     TypeError),
]

BAD_CALLS += [   # issue 18: the store's check of a whole collection
    ("mem.store.verify", lambda: store.verify("no-such-collection"), "collection must be one of"),
    ("mem.store.collection_name", lambda: store.collection_name(3), "folder must be a path", TypeError),
]

BAD_CALLS += [   # chapter 4's calls (issue 16, second round)
    ("mem.analysis.partial_correlations", lambda: an.partial_correlations(_df(), ["a"], "t", controls=("size",)),
     "controls must be columns of df"),
    ("mem.analysis.partial_correlations", lambda: an.partial_correlations(_df(), "a", "t"),
     "measures must be a sequence of column names", TypeError),
    ("mem.analysis.partial_correlations", lambda: an.partial_correlations(_df(), ["a"], "t", ("arch",), ranked=["a"]),
     "ranked must name controls"),
    ("mem.analysis.delay_correlations", lambda: an.delay_correlations(_df(), ["a"], [200], controls=("arch",)),
     "target must be columns of df"),
    ("mem.analysis.subsample_correlations", lambda: an.subsample_correlations(_df(), ["a"], "t", size=5),
     r"size must be at most the number of rows \(4\)"),
    ("mem.analysis.within_networks", lambda: an.within_networks(_df(), ["nope"], "t"),
     "measures must be columns of df"),
    ("mem.analysis.significance_rate", lambda: an.significance_rate({}, alpha=1.5), r"alpha must be in \(0, 1\)"),
    ("mem.analysis.significance_rate", lambda: an.significance_rate([]), "correlations must be a dict", TypeError),
    ("mem.plots.speed.plot_by_protocol_panels", lambda: plots.plot_by_protocol_panels(_df()),
     re.escape("df must be a DataFrame with the columns ['arch', 'protocol', 'seed'], got one without ['protocol'")),
    ("mem.plots.speed.plot_measure_panels", lambda: plots.plot_measure_panels(_df(), ["a"], "t", {}),
     "correlations must be a dict"),
    ("mem.plots.speed.plot_correlation_panels", lambda: plots.plot_correlation_panels({}),
     "tables must be a non-empty dict"),
    ("mem.plots.speed.plot_delay_measure", lambda: plots.plot_delay_measure(_df(), "a", 7),
     "delay must be a probed delay"),
    ("mem.report.within_summary", lambda: mem.report.within_summary({"median_r": 0.1}),
     "s must be the summary dict returned by mem.analysis.within_network", TypeError),
]



@pytest.fixture(autouse=True)
def in_tmp_folder(tmp_path, monkeypatch):
    """Run each bad call in an empty temporary folder (files it writes land there); close its figures."""
    monkeypatch.chdir(tmp_path)
    yield
    plt.close("all")


@pytest.mark.parametrize("name, call, match, error", [(*row, ValueError)[:4] for row in BAD_CALLS],
                         ids=[f"{row[0].removeprefix('mem.')}-{i}" for i, row in enumerate(BAD_CALLS)])
def test_bad_input_raises_a_clear_error(name, call, match, error):
    with pytest.raises(error, match=match) as raised:
        call()
    assert type(raised.value) is error or not issubclass(error, ValueError) or \
        not isinstance(raised.value, TypeError), "a bad value is a ValueError, not a TypeError"
