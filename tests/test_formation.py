"""Tests for mem.formation: the class slow points of every checkpoint and how far they move (chapter 3)."""
import numpy as np
import pytest

from mem import zoo
from mem.formation import formation, formation_displacement


def test_formation_over_checkpoints():
    e = zoo.load("gru64-vocu-s0")
    from mem.data import load_digits
    from mem.tasks import DelayedClassification
    task = DelayedClassification(load_digits())
    steps = [0, 600, 3000]
    out = formation({s: e.model_at(s) for s in steps}, task, n_trials=300, n_iters=20, progress=False)
    assert out[0] is None  # the untrained network reports no class
    assert 0 < len(out[600]) < 10  # VoCu at step 600: only the first few digits are known
    assert len(out[3000]) == 10
    ends, D = formation_displacement(out)
    assert ends.tolist() == [3000] and D.shape == (1, 11)
    known = out[600].labels
    assert np.isfinite(D[0, known]).all() and np.isnan(D[0, 0])
    k = int(known[0])
    want = (out[3000].select(label=k).states - out[600].select(label=k).states).norm()
    assert D[0, k] == pytest.approx(float(want))
    with pytest.raises(ValueError, match="stored checkpoints"):
        e.model_at(123)


def _points(*labels):
    """Stand-ins for SlowPoints: what the helpers read is ``labels`` and ``h``."""
    from types import SimpleNamespace

    import torch
    return SimpleNamespace(labels=torch.tensor(labels), h=torch.arange(2.0 * len(labels)).reshape(len(labels), 2)
                           + sum(labels))


def test_first_seen_points_lost_and_digits():
    from mem.formation import first_seen, formation_digits, points_lost
    pts = {100: None, 200: _points(1, 2), 300: _points(2, 3), 400: _points(1, 2, 3)}
    assert first_seen(pts, n_digits=4) == {0: 200, 1: 200, 2: 300, 3: None}
    assert points_lost(pts) == 1                                    # class 1 (digit 0) is lost at step 300
    assert points_lost({1: _points(1), 2: None, 3: _points(1)}) == 1
    assert formation_digits(pts) == "100: -; 200: 01; 300: 12; 400: 012"


def test_formation_pca_projects_all_checkpoints_together():
    from sklearn.decomposition import PCA

    from mem.formation import formation_pca
    pts = {100: None, 200: _points(1, 2), 300: _points(2, 3, 4)}
    out = formation_pca(pts)
    assert out[100] is None and out[300][0].shape == (3, 2) and out[300][1].tolist() == [2, 3, 4]
    pca = PCA(2).fit(np.concatenate([pts[200].h.numpy(), pts[300].h.numpy()]))
    assert np.allclose(out[200][0], pca.transform(pts[200].h.numpy()))


def test_digit_displacement_keeps_the_digits_and_the_intervals_that_measure_something():
    from types import SimpleNamespace

    import torch

    from mem.formation import digit_displacement

    def pts(labels, h):
        return SimpleNamespace(labels=torch.tensor(labels), h=torch.tensor(h), states=torch.tensor(h))

    points = {100: pts([1, 2], [[0.0, 0.0], [1.0, 1.0]]), 200: pts([3], [[5.0, 5.0]]),
              300: pts([1, 3], [[3.0, 4.0], [5.0, 6.0]]), 400: pts([1], [[3.0, 4.0]])}
    ends, D, left_out = digit_displacement(points)
    assert ends.tolist() == [300, 400] and left_out == [200]      # 100 -> 200 shares no digit
    assert D.shape == (2, 10)
    assert D[0, 2] == pytest.approx(1.0) and np.isnan(D[0, 0])   # digit 2 (class 3) moved 1; digit 0 absent at 200
    assert D[1, 0] == pytest.approx(0.0) and np.isnan(D[1, 2])
    full_ends, full = formation_displacement(points)
    assert np.array_equal(D, full[1:, 1:], equal_nan=True) and full_ends.tolist() == [200, 300, 400]
    ends, D, left_out = digit_displacement(points, max_step=200)
    assert len(ends) == 0 and D.shape == (0, 10) and left_out == [200]
    with pytest.raises(TypeError, match="points must be a dict"):
        digit_displacement([1, 2])
