import dataclasses
import gzip
import struct

import numpy as np
import pytest
import torch

import mem.data


def test_digits_scaled_split_and_noise_stats(digits):
    assert digits.x_train.shape == (1347, 64) and digits.x_test.shape == (450, 64)
    assert digits.x_train.dtype == torch.float32 and digits.y_train.dtype == torch.int64
    assert float(digits.x_train.min()) == 0.0 and float(digits.x_train.max()) == 1.0
    assert digits.image_shape == (8, 8) and digits.n_pixels == 64
    # stratified: every class's share of the test set matches its share of the data within one image
    tr = torch.bincount(digits.y_train, minlength=10).double()
    te = torch.bincount(digits.y_test, minlength=10).double()
    assert torch.all((te - (tr + te) * 450 / 1797).abs() <= 1)
    # noise statistics come from the training pixels only
    assert digits.noise_mean == pytest.approx(float(digits.x_train.mean()), abs=1e-6)
    assert digits.noise_std == pytest.approx(float(digits.x_train.std(unbiased=False)), abs=1e-6)


def test_digits_split_is_fixed():
    a, b = mem.data.load_digits(), mem.data.load_digits()
    assert torch.equal(a.x_test, b.x_test) and torch.equal(a.y_train, b.y_train)
    c = mem.data.load_digits(seed=1)
    assert not torch.equal(a.y_test, c.y_test)


def test_split_accessor(digits):
    x, y = digits.split("test")
    assert x is digits.x_test and y is digits.y_test
    with pytest.raises(ValueError, match="split"):
        digits.split("validation")


def test_digits_bad_test_size():
    with pytest.raises(ValueError, match="test_size"):
        mem.data.load_digits(test_size=5)


def _write_idx(path, array, code=0x08, compress=False):
    head = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    raw = head + array.astype(">u1" if code == 0x08 else array.dtype).tobytes()
    (gzip.open if compress else open)(path, "wb").write(raw)


@pytest.mark.parametrize("compress", [False, True])
def test_load_mnist_reads_tiny_idx_files(tmp_path, compress):
    rng = np.random.default_rng(0)
    tr_x = rng.integers(0, 256, size=(6, 4, 5), dtype=np.uint8)
    tr_y = np.array([0, 1, 2, 3, 4, 9], dtype=np.uint8)
    te_x = rng.integers(0, 256, size=(3, 4, 5), dtype=np.uint8)
    te_y = np.array([5, 6, 7], dtype=np.uint8)
    sfx = ".gz" if compress else ""
    for stem, arr in (("train-images-idx3-ubyte", tr_x), ("train-labels-idx1-ubyte", tr_y),
                      ("t10k-images-idx3-ubyte", te_x), ("t10k-labels-idx1-ubyte", te_y)):
        _write_idx(tmp_path / (stem + sfx), arr, compress=compress)
    d = mem.data.load_mnist(tmp_path)
    assert d.image_shape == (4, 5) and d.x_train.shape == (6, 20) and d.x_test.shape == (3, 20)
    np.testing.assert_allclose(d.x_train.numpy(), tr_x.reshape(6, -1) / 255.0, rtol=1e-6)
    assert d.y_test.tolist() == [5, 6, 7]
    assert d.noise_mean == pytest.approx(tr_x.mean() / 255.0, rel=1e-5)
    # the task runs on it
    task = mem.tasks.DelayedClassification(d, T_max=8, delta_min=2)
    assert task.sample(4, torch.Generator().manual_seed(0)).x.shape == (4, 8, 21)


def test_read_idx_rejects_bad_files(tmp_path):
    p = tmp_path / "bad"
    p.write_bytes(b"\x01\x02\x08\x01\x00\x00\x00\x02ab")
    with pytest.raises(ValueError, match="magic"):
        mem.data.read_idx(p)
    p.write_bytes(bytes([0, 0, 0x08, 1]) + struct.pack(">I", 5) + b"abc")
    with pytest.raises(ValueError, match="bytes"):
        mem.data.read_idx(p)


def test_load_mnist_missing_folder_and_files(tmp_path):
    with pytest.raises(ValueError, match="root"):
        mem.data.load_mnist(tmp_path / "nope")
    with pytest.raises(FileNotFoundError):
        mem.data.load_mnist(tmp_path)


def test_pixel_table_and_frame_detectability():
    d = mem.data.load_digits()
    gen = torch.Generator().manual_seed(0)
    noise = d.noise_mean + d.noise_std * torch.randn(400, d.n_pixels, generator=gen)
    table = mem.data.pixel_table({"images": d.x_train, "noise": noise}).splitlines()
    assert len(table) == 3 and table[1].split()[-2:] == ["0.000", "0.000"]      # no image pixel outside [0, 1]
    auc = mem.data.frame_detectability(d.x_train[:400], noise)
    assert auc["smallest pixel value"] == 1.0 and abs(auc["mean pixel value"] - 0.5) < 0.1
    assert auc["linear read-out (held out)"] > 0.99


def test_load_mnist1d_generates_the_published_data_set_locally():
    """MNIST-1D from the mnist1d package: no network (conftest refuses any), deterministic, the package's
    split, values standardised by the training values, and the global generators left as they were."""
    import random
    # the legacy global generators are the ones mnist1d seeds
    np.random.seed(3)  # noqa: NPY002
    random.seed(3)
    before = np.random.get_state()[1].copy(), random.getstate()  # noqa: NPY002
    d = mem.data.load_mnist1d()
    assert (np.random.get_state()[1] == before[0]).all() and random.getstate() == before[1]  # noqa: NPY002
    assert d.x_train.shape == (4000, 40) and d.x_test.shape == (1000, 40) and d.image_shape == (1, 40)
    assert set(d.y_train.tolist()) == set(d.y_test.tolist()) == set(range(10))
    assert d.noise_mean == pytest.approx(0.0, abs=1e-6) and d.noise_std == pytest.approx(1.0, rel=1e-5)
    assert d.noise_mean == pytest.approx(float(d.x_train.double().mean()), abs=1e-6)
    assert d.noise_std == pytest.approx(float(d.x_train.double().std(unbiased=False)), rel=1e-4)
    assert abs(float(d.x_test.mean())) < 0.1 and 0.9 < float(d.x_test.std()) < 1.1   # the test split's own
    again = mem.data.load_mnist1d()
    assert torch.equal(d.x_train, again.x_train) and torch.equal(d.y_test, again.y_test)
    other = mem.data.load_mnist1d(seed=0)
    assert not torch.equal(d.x_train, other.x_train)
    assert mem.data.load_mnist1d(num_samples=105).x_train.shape == (80, 40)     # 100 (10 per class), 80% train
    with pytest.raises(ValueError, match="num_samples"):
        mem.data.load_mnist1d(num_samples=10)
    with pytest.raises(TypeError, match="seed"):
        mem.data.load_mnist1d(seed="42")


def _train_and_evaluate(data, hidden_size=8):
    """The chapters' stack on ``data``: the delayed task, a GRU, a few NaCu steps, accuracy against delay."""
    task = mem.tasks.DelayedClassification(data, T_max=8, delta_min=2)
    model = mem.models.RNNClassifier("gru", task.input_size, hidden_size, seed=0)
    history = mem.train.train(model, task, mem.protocols.NaCu(n_iters=5, T_max=8), seed=0, batch_size=16,
                              progress=False)
    curve = mem.evaluate.accuracy_vs_delay(model, task, delays=[2, 5, 10], n_trials=20, batch_size=20)
    return task, history, curve


def test_the_chapters_stack_runs_on_mnist1d():
    d = mem.data.load_mnist1d(num_samples=200)
    task, history, curve = _train_and_evaluate(d)
    assert task.input_size == 41                       # 40 samples + the trigger
    assert len(history.loss) == 5 and np.isfinite(history.loss).all()
    assert curve.accuracy.shape == (3,) and ((curve.accuracy >= 0) & (curve.accuracy <= 1)).all()


def test_a_reader_with_mnist_on_disk_can_train_on_it(tmp_path):
    """load_mnist end to end: tiny generated IDX files (the four standard names, one gzip-compressed), the
    delayed task, a few training steps and an evaluation on the test images."""
    rng = np.random.default_rng(1)
    files = {"train-images-idx3-ubyte": rng.integers(0, 256, size=(40, 4, 5), dtype=np.uint8),
             "train-labels-idx1-ubyte": (np.arange(40) % 10).astype(np.uint8),
             "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, size=(20, 4, 5), dtype=np.uint8),
             "t10k-labels-idx1-ubyte": (np.arange(20) % 10).astype(np.uint8)}
    for name, array in files.items():
        _write_idx(tmp_path / name, array, compress=name.endswith(".gz"))
    d = mem.data.load_mnist(tmp_path)
    task, history, curve = _train_and_evaluate(d)
    assert task.input_size == 21 and d.image_shape == (4, 5)
    assert len(history.loss) == 5 and np.isfinite(history.loss).all()
    assert curve.n_trials == 20 and ((curve.accuracy >= 0) & (curve.accuracy <= 1)).all()


def test_frame_baseline_scores_a_memoryless_classifier_on_the_test_frames_only(digits):
    """Logistic regression fitted on the training frames, scored on the test frames, deterministic; MNIST-1D is far
    harder for it than the digits."""
    from sklearn.linear_model import LogisticRegression
    acc = mem.data.frame_baseline(digits)
    assert isinstance(acc, float) and 0.9 < acc <= 1.0
    assert mem.data.frame_baseline(digits) == acc
    direct = LogisticRegression(max_iter=2000).fit(digits.x_train.double().numpy(), digits.y_train.numpy())
    assert acc == pytest.approx(direct.score(digits.x_test.double().numpy(), digits.y_test.numpy()), abs=1 / 450)
    # the test frames are never fitted: with every test label shifted to another class, nothing is right
    shifted = dataclasses.replace(digits, y_test=(digits.y_test + 1) % 10)
    assert mem.data.frame_baseline(shifted) < 0.05
    m1d = mem.data.frame_baseline(mem.data.load_mnist1d())
    assert 0.1 < m1d < acc - 0.3
    with pytest.raises(TypeError, match=r"data must be mem\.data\.Digits"):
        mem.data.frame_baseline(digits.x_train)
    with pytest.raises(ValueError, match="two classes"):
        mem.data.frame_baseline(dataclasses.replace(digits, y_train=torch.zeros_like(digits.y_train)))
    x = digits.x_test.clone()
    x[0, 0] = float("nan")
    with pytest.raises(ValueError, match="data must hold finite values"):
        mem.data.frame_baseline(dataclasses.replace(digits, x_test=x))
