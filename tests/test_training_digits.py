"""No gradient ever sees a test digit (issue 19): where the anchor points, search starts and batches come from.

Every function whose output feeds a gradient (of the weights: training, fine-tuning, the speed penalty's anchor
points; or of a state: the slow-point searches' starting points) must draw its trials from the training digits.
The task's samplers are wrapped to record the split of every trial drawn; evaluation, by contrast, draws test
digits (the positive control below, so that the recording is known to work).
"""
from __future__ import annotations

import dataclasses

import pytest
import torch

import mem
from mem import regularize as rg
from mem import slowpoints as sp
from mem.tasks import DelayedClassification


@pytest.fixture
def recorded(monkeypatch):
    """The splits (and what drew them) of every trial the delayed task samples during a test."""
    seen = []
    sample, probe = DelayedClassification.sample, DelayedClassification.sample_probe

    def record_sample(self, *args, split="train", **kwargs):
        seen.append(split)
        return sample(self, *args, split=split, **kwargs)

    def record_probe(self, *args, split="train", **kwargs):
        seen.append(split)
        return probe(self, *args, split=split, **kwargs)

    monkeypatch.setattr(DelayedClassification, "sample", record_sample)
    monkeypatch.setattr(DelayedClassification, "sample_probe", record_probe)
    return seen


@pytest.fixture(scope="module")
def network():
    entry = mem.zoo.load("gru64-nacu-s0")
    return entry.model, DelayedClassification(T_max=20, delta_min=4)


def _train_only(seen):
    assert seen, "nothing was sampled: the recording is broken"
    assert set(seen) == {"train"}, f"test digits were drawn: {seen.count('test')} of {len(seen)} samples"


def test_the_starting_points_of_the_searches_are_training_digits(network, recorded):
    model, task = network
    sp.class_mean_states(model, task, n_trials=200)
    sp.trajectory_states(model, task, n_samples=8, max_delay=10)
    sp.find_class_slow_points(model, task, n_trials=200, method="adam", n_iters=2)
    _train_only(recorded)


@pytest.mark.parametrize("mode", rg.MODES)
def test_the_anchor_points_of_the_penalty_are_training_digits(network, recorded, mode):
    model, task = network
    _, labels = rg.anchor_points(model, task, mode, n_iters=2, n_trials=200)
    assert len(labels) > 0
    _train_only(recorded)


def test_a_fine_tune_sees_training_digits_only(network, recorded):
    model, task = network
    rg.fine_tune(model, task, lam=10.0, n_iters=2, progress=False)       # anchors, then the training batches
    _train_only(recorded)


def test_the_speed_measures_start_from_training_digits(network, recorded):
    model, task = network
    mem.measures.speed_measures(model, task, adam_n_iters=2, newton_n_iters=1, drift_n_steps=2, n_trials=200)
    _train_only(recorded)


def test_training_sees_training_digits_only(recorded):
    task = DelayedClassification(T_max=8, delta_min=2)
    model = mem.models.RNNClassifier("gru", task.input_size, 8, seed=0)
    mem.train.train(model, task, mem.protocols.NaCu(3), batch_size=8, progress=False)
    _train_only(recorded)


def test_evaluation_draws_test_digits(network, recorded):
    """The positive control: the recording sees the test split where the book evaluates."""
    model, task = network
    mem.evaluate.accuracy_vs_delay(model, task, [20, 30], n_trials=50)
    mem.evaluate.report_accuracy(model, task, n_trials=50)
    assert recorded and set(recorded) == {"test"}


def test_the_test_digits_never_reach_the_anchor_points(network):
    """The same, by value: with the test images replaced by noise, the anchors and a fine-tune are unchanged."""
    model, task = network
    digits = task.data
    scrambled = dataclasses.replace(digits, x_test=torch.rand(digits.x_test.shape,
                                                              generator=torch.Generator().manual_seed(0)))
    other = DelayedClassification(scrambled, T_max=20, delta_min=4)
    assert not torch.equal(other.data.x_test, task.data.x_test)
    for mode in ("slowpoints", "centermass"):
        before, _ = rg.anchor_points(model, task, mode, n_iters=5, n_trials=200)
        after, _ = rg.anchor_points(model, other, mode, n_iters=5, n_trials=200)
        assert torch.equal(before, after)
    tuned = [rg.fine_tune(model, t, lam=10.0, n_iters=3, progress=False)[0] for t in (task, other)]
    assert rg.weights_sha256(tuned[0]) == rg.weights_sha256(tuned[1])
    # ... while the evaluation does see them
    assert mem.evaluate.report_accuracy(model, task, n_trials=200) != \
        mem.evaluate.report_accuracy(model, other, n_trials=200)
