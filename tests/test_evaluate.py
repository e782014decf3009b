import math

import numpy as np
import pytest
import torch

from mem.evaluate import DelayCurve, accuracy_vs_delay, memory_lifetime, report_accuracy
from mem.models import RNNClassifier


@pytest.mark.parametrize("arch", ["gru", "lstm"])
def test_shared_trajectory_equals_separate_runs(arch, task):
    """One trajectory branching at each delay == a separate full run per delay with the trigger at d."""
    m = RNNClassifier(arch, task.input_size, 16, seed=0)
    with torch.no_grad():
        m.readout.weight.mul_(20)  # spread the predictions so that they are not all one class
    delays = [3, 7, 12]
    curve = accuracy_vs_delay(m, task, delays, n_trials=50, seed=5, batch_size=50)
    probe = task.sample_probe(50, 12, torch.Generator().manual_seed(5))  # the same trials
    for k, d in enumerate(delays):
        x = probe.x[:, :d + 1].clone()
        x[:, d, -1] = 1.0
        with torch.no_grad():
            pred = m(x).logits[:, d].argmax(-1)
        assert round(curve.accuracy[k] * 50) == int((pred == probe.label).sum())
        for digit in range(1, 11):  # per-class accuracy: the same trials, split by digit
            mine = probe.label == digit
            if mine.any():
                assert curve.class_accuracy[k, digit - 1] == pytest.approx(float((pred[mine] == digit).float().mean()))
            else:
                assert math.isnan(curve.class_accuracy[k, digit - 1])
    assert curve.accuracy.shape == (3,) and curve.n_trials == 50 and curve.class_accuracy.shape == (3, 10)
    assert curve.class_trials.sum() == 50
    np.testing.assert_allclose(np.nansum(curve.class_accuracy * curve.class_trials, 1) / 50, curve.accuracy)
    back = DelayCurve.from_dict(curve.to_dict())
    # stored to 6 digits
    np.testing.assert_allclose(back.class_accuracy, curve.class_accuracy, atol=1e-6, equal_nan=True)
    assert back.class_lifetimes().shape == (10,)


def test_class_lifetimes_use_each_digits_curve():
    acc = np.array([[0.9, 0.9], [0.9, 0.2], [0.9, 0.1]])   # delays 10, 100, 1000; digit 1 remembered, digit 2 not
    c = DelayCurve(np.array([10, 100, 1000]), acc.mean(1), 100, 0.1, class_accuracy=acc,
                   class_trials=np.array([50, 50]))
    life = c.class_lifetimes()
    assert life[0] == math.inf and life[1] == pytest.approx(memory_lifetime(delays=c.delays, accuracy=acc[:, 1]))
    with pytest.raises(ValueError, match="class_accuracy"):
        DelayCurve(c.delays, c.accuracy, 100, 0.1).class_lifetimes()


def test_curve_is_reproducible_and_counts(task):
    m = RNNClassifier("gru", task.input_size, 8, seed=0)
    a = accuracy_vs_delay(m, task, [5, 10], n_trials=30, seed=1, batch_size=7)
    b = accuracy_vs_delay(m, task, [10, 5], n_trials=30, seed=1, batch_size=7)
    np.testing.assert_array_equal(a.accuracy, b.accuracy)
    assert np.all(a.accuracy * 30 == np.round(a.accuracy * 30))
    assert a.at(10) == a.accuracy[1]
    b = DelayCurve.from_dict(a.to_dict())
    np.testing.assert_array_equal(b.delays, a.delays) and np.testing.assert_allclose(b.accuracy, a.accuracy)
    with pytest.raises(ValueError, match="delay"):
        a.at(11)


def test_untrained_network_near_chance_and_noiseless_option(task):
    m = RNNClassifier("gru", task.input_size, 8, seed=0)
    c = accuracy_vs_delay(m, task, [20, 50], n_trials=600, noise=False)
    assert np.all(c.accuracy < 0.3)
    assert report_accuracy(m, task, n_trials=300) < 0.3


def test_memory_lifetime_definition():
    d = [10, 100, 1000]
    # a0 = 0.9, chance 0.1: half = 0.5, crossed between 100 (0.7) and 1000 (0.3) at log-midpoint
    assert memory_lifetime(delays=d, accuracy=[0.9, 0.7, 0.3]) == pytest.approx(math.sqrt(100 * 1000))
    assert memory_lifetime(delays=d, accuracy=[0.9, 0.8, 0.6]) == math.inf
    assert math.isnan(memory_lifetime(delays=d, accuracy=[0.1, 0.1, 0.1]))
    assert memory_lifetime(delays=d, accuracy=[0.9, 0.5, 0.1]) == pytest.approx(100.0)  # exactly at half: not below
    c = DelayCurve(np.array(d), np.array([0.9, 0.3, 0.1]), 100, 0.1)
    assert 10 < memory_lifetime(c) < 100


@pytest.mark.parametrize("kwargs, match", [
    (dict(delays=[0, 5]), "delays"),
    (dict(delays=[-3]), "delays"),
    (dict(delays=[]), "delays"),
    (dict(n_trials=0), "n_trials"),
])
def test_bad_arguments(task, kwargs, match):
    m = RNNClassifier("gru", task.input_size, 8)
    args = dict(delays=[5], n_trials=5) | kwargs
    with pytest.raises(ValueError, match=match):
        accuracy_vs_delay(m, task, **args)


def test_lifetime_bad_arguments():
    with pytest.raises(ValueError, match="increasing"):
        memory_lifetime(delays=[10, 5], accuracy=[0.9, 0.1])
    with pytest.raises(ValueError, match="same length"):
        memory_lifetime(delays=[10, 20], accuracy=[0.9])
    with pytest.raises(ValueError, match="DelayCurve"):
        memory_lifetime()


def test_lifetime_interval_is_reproducible_and_brackets_the_lifetime():
    from mem.evaluate import lifetime_interval
    curve = DelayCurve(np.array([20, 50, 100, 200, 500]), np.array([0.95, 0.8, 0.5, 0.3, 0.12]), 1000, 0.1)
    lo, hi = lifetime_interval(curve, n_boot=300, seed=3)
    assert lo < memory_lifetime(curve) < hi and hi / lo < 1.3
    assert np.array_equal(lifetime_interval(curve, n_boot=300, seed=3), [lo, hi])
    rng = np.random.default_rng(3)
    assert np.array_equal(lifetime_interval(curve, n_boot=300, seed=rng), [lo, hi])
    assert not np.array_equal(lifetime_interval(curve, n_boot=300, seed=rng), [lo, hi])   # the generator moved on
    lo50, hi50 = lifetime_interval(curve, n_boot=300, seed=3, level=0.5)
    assert lo < lo50 < hi50 < hi


def test_accuracy_on_classes_weights_the_digits_by_their_trials():
    from mem.evaluate import accuracy_on_classes
    class_acc = np.array([[1.0, 0.5, 0.0], [0.5, 0.5, 0.5]])
    trials = np.array([1, 3, 6])
    overall = (class_acc * trials).sum(1) / trials.sum()
    curve = DelayCurve(np.array([1, 2]), overall, 10, 0.1, class_accuracy=class_acc, class_trials=trials)
    assert np.allclose(accuracy_on_classes(curve, 3), curve.accuracy)
    assert np.allclose(accuracy_on_classes(curve, 2), [(1 + 1.5) / 4, 0.5])


def test_class_table_has_a_column_per_network():
    from mem.evaluate import class_table
    acc = np.array([[0.9, 0.9], [0.9, 0.2], [0.9, 0.1]])
    c = DelayCurve(np.array([10, 100, 1000]), acc.mean(1), 100, 0.1, class_accuracy=acc,
                   class_trials=np.array([50, 50]))
    life = class_table({"a": c, "b": c})
    assert list(life.columns) == ["a", "b"] and life.index.name == "digit" and list(life.index) == [0, 1]
    assert np.array_equal(life["a"].to_numpy(), c.class_lifetimes())
    assert class_table({"a": c}, 100)["a"].tolist() == [0.9, 0.2]
    with pytest.raises(ValueError, match="delay must be one of the probed delays"):
        class_table({"a": c}, 50)


@pytest.mark.parametrize("chance", [0.0, 1.0, math.nan, math.inf, -0.1])
def test_lifetime_refuses_a_chance_outside_0_1(chance):
    # issue 18: chance must lie in (0, 1): at 0 or 1 the halfway threshold means nothing
    with pytest.raises(ValueError, match=r"chance must be a finite number in \(0, 1\)"):
        memory_lifetime(delays=[10, 20], accuracy=[0.9, 0.2], chance=chance)


@pytest.mark.parametrize("accuracy", [[math.nan, 0.2], [0.9, math.inf], [1.5, 0.2], [0.9, -0.1]])
def test_lifetime_refuses_non_finite_or_out_of_range_accuracy(accuracy):
    with pytest.raises(ValueError, match=r"accuracy must hold finite values in \[0, 1\]"):
        memory_lifetime(delays=[10, 20], accuracy=accuracy)
    with pytest.raises(ValueError, match=r"accuracy must hold finite values in \[0, 1\]"):
        DelayCurve(np.array([10, 20]), np.array(accuracy), 100, 0.1)


def test_a_curve_may_hold_nan_for_a_digit_without_trials():
    acc = np.array([[0.9, np.nan], [0.4, np.nan]])
    c = DelayCurve(np.array([10, 100]), np.array([0.9, 0.4]), 10, 0.1, class_accuracy=acc,
                   class_trials=np.array([10, 0]))
    assert np.isnan(c.class_lifetimes()[1]) and DelayCurve.from_dict(c.to_dict()).to_dict() == c.to_dict()
