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
    steps = [0, 300, 3000]
    out = formation({s: e.model_at(s) for s in steps}, task, n_trials=300, n_iters=20, progress=False)
    assert out[0] is None  # the untrained network reports no class
    assert 0 < len(out[300]) < 10  # VoCu at step 300: only the first few digits are known
    assert len(out[3000]) == 10
    ends, D = formation_displacement(out)
    assert ends.tolist() == [3000] and D.shape == (1, 11)
    known = out[300].labels
    assert np.isfinite(D[0, known]).all() and np.isnan(D[0, 0])
    k = int(known[0])
    want = (out[3000].select(label=k).states - out[300].select(label=k).states).norm()
    assert D[0, k] == pytest.approx(float(want))
    with pytest.raises(ValueError, match="stored checkpoints"):
        e.model_at(123)
