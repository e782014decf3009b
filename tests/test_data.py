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
