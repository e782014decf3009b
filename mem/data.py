"""Images for the delayed-classification task (chapter 1).

The default data set is scikit-learn's 8x8 digits, which ships inside
scikit-learn, so nothing is downloaded. ``load_mnist1d`` generates MNIST-1D
(Greydanus & Kobak 2024; ten classes of 40-sample one-dimensional signals) with
the ``mnist1d`` package, locally and deterministically: a second data set that
needs no download either. ``load_mnist`` reads the standard IDX files from a
local folder for readers who want the paper's 28x28 MNIST.

All three loaders return a :class:`Digits` container: flattened images scaled to
[0, 1], integer labels 0..9, a fixed stratified train/test split, and the noise
statistics (mean and standard deviation of the training pixels) that the task
uses for its noise frames. ``frame_baseline`` measures how hard a data set is for a classifier that
sees the one image frame and needs no memory.
"""
from __future__ import annotations

import gzip
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ._checks import check_dict, check_int, check_path, check_seed

__all__ = [
    "MNIST1D_SAMPLES",
    "Digits",
    "frame_baseline",
    "frame_detectability",
    "load_digits",
    "load_mnist",
    "load_mnist1d",
    "pixel_table",
    "read_idx",
]


@dataclass(frozen=True)
class Digits:
    """Images and labels with a fixed train/test split (chapter 1).

    Attributes
    ----------
    x_train, x_test : Tensor, shape (N, P), float32 in [0, 1]
        Flattened images, P = height * width pixels.
    y_train, y_test : Tensor, shape (N,), int64 in 0..9
        Digit labels.
    noise_mean, noise_std : float
        Mean and standard deviation over all training pixels; the task draws
        its noise frames i.i.d. Normal(noise_mean, noise_std) per pixel.
    image_shape : tuple[int, int]
        (height, width) for plotting.
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    noise_mean: float
    noise_std: float
    image_shape: tuple[int, int]

    @property
    def n_pixels(self) -> int:
        """Number of pixels P of one flattened image."""
        return int(self.x_train.shape[1])

    def split(self, name: str) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(x, y)`` of the ``"train"`` or ``"test"`` split."""
        if not isinstance(name, str):
            raise TypeError(f"name must be a split, 'train' or 'test', got {type(name).__name__}")
        if name == "train":
            return self.x_train, self.y_train
        if name == "test":
            return self.x_test, self.y_test
        raise ValueError(f"name must be a split, 'train' or 'test', got {name!r}")


def _make_digits(x: np.ndarray, y: np.ndarray, x_test: np.ndarray, y_test: np.ndarray,
                 image_shape: tuple[int, int]) -> Digits:
    x = np.asarray(x, dtype=np.float32)
    x_test = np.asarray(x_test, dtype=np.float32)
    return Digits(
        x_train=torch.from_numpy(x), y_train=torch.from_numpy(np.asarray(y, dtype=np.int64)),
        x_test=torch.from_numpy(x_test), y_test=torch.from_numpy(np.asarray(y_test, dtype=np.int64)),
        noise_mean=float(x.mean()), noise_std=float(x.std()), image_shape=image_shape,
    )


def load_digits(test_size: int = 450, seed: int = 0) -> Digits:
    """scikit-learn's 8x8 digits (1797 images), pixels scaled from 0..16 to [0, 1] (chapter 1).

    The split is stratified by label and fixed by ``seed``, an int in ``0..2**32 - 1`` (scikit-learn's
    range; default: 1347 train, 450 test). Noise statistics come from the training pixels only.

    Returns
    -------
    Digits with ``x_*`` of shape (N, 64) and ``image_shape == (8, 8)``.
    """
    from sklearn.datasets import load_digits as _sk_load
    from sklearn.model_selection import train_test_split

    check_int("seed", check_seed(seed), 0, 2**32 - 1)
    bunch = _sk_load()
    n = len(bunch.target)
    check_int("test_size", test_size, 10, n - 10)
    x = bunch.data.astype(np.float32) / 16.0
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, bunch.target, test_size=test_size, stratify=bunch.target, random_state=seed)
    return _make_digits(x_tr, y_tr, x_te, y_te, (8, 8))


#: The MNIST-1D of :func:`load_mnist1d`: the ``mnist1d`` package's default arguments (5000 signals of 40
#: samples, 4000 train and 1000 test, seed 42), as its authors publish the data set (chapter 1).
MNIST1D_SAMPLES = 5000


def load_mnist1d(num_samples: int = MNIST1D_SAMPLES, seed: int = 42) -> Digits:
    """MNIST-1D: ten classes of 40-sample one-dimensional signals, generated locally (chapter 1).

    The ``mnist1d`` package :cite:p:`greydanus2024` builds each signal from one of ten digit-like
    templates by padding, shifting, scaling, shearing and adding correlated and i.i.d. noise; its
    ``make_dataset`` runs here, with its default arguments but for ``num_samples`` and ``seed`` (never
    its ``get_dataset``, which downloads). The split is the package's own, fixed: the first 80% of its
    shuffled samples train, the rest test. Values are standardised by the mean and standard deviation
    of the training values only, so the noise statistics (as for the digits, the mean and standard
    deviation of the training values) are 0 and 1: the noise frames have the signals' scale. (Mapped
    to [0, 1] by the training range like the digits instead, the signals' spread would be a tenth of
    the range, and the networks learn the task far less well.) The generator seeds numpy's and
    Python's global generators; their states are restored afterwards.

    Parameters
    ----------
    num_samples : int
        Signals in all, 100 to 100,000 (default 5000: 4000 train, 1000 test); a multiple of 10 is
        used as it is, anything else is rounded down to one (the package draws equally per class).
    seed : int
        The package's seed, in ``0..2**32 - 1`` (default 42, the published data set).

    Returns
    -------
    Digits
        ``x_*`` of shape (N, 40), ``image_shape == (1, 40)``.
    """
    import random

    num_samples = check_int("num_samples", num_samples, 100, 100_000)
    seed = check_int("seed", check_seed(seed), 0, 2**32 - 1)
    from mnist1d.data import get_dataset_args, make_dataset
    args = get_dataset_args()
    args.num_samples, args.seed = num_samples, seed
    # mnist1d seeds numpy's legacy global generator (and Python's): keep the caller's states
    np_state, py_state = np.random.get_state(), random.getstate()  # noqa: NPY002
    try:
        data = make_dataset(args)
    finally:
        np.random.set_state(np_state)  # noqa: NPY002
        random.setstate(py_state)
    x, x_test = np.asarray(data["x"], dtype=np.float64), np.asarray(data["x_test"], dtype=np.float64)
    mean, std = float(x.mean()), float(x.std())
    return _make_digits((x - mean) / std, data["y"], (x_test - mean) / std, data["y_test"], (1, int(x.shape[1])))


_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
               0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def read_idx(path: str | Path) -> np.ndarray:
    """Read one IDX file (optionally gzip-compressed) into a numpy array (chapter 1).

    The IDX header is two zero bytes, a type code, the number of dimensions,
    then one big-endian uint32 per dimension.

    Raises
    ------
    TypeError if ``path`` is not a str or ``os.PathLike``; ValueError if it is not an existing file or not IDX.
    """
    path = check_path("path", path)
    if not path.is_file():
        raise ValueError(f"path must be an existing IDX file, got {str(path)!r}")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"path must be an IDX file, got {str(path)!r} (bad magic number)")
    code, ndim = raw[2], raw[3]
    if code not in _IDX_DTYPES:
        raise ValueError(f"path must be an IDX file, got {str(path)!r} (unknown type code {code:#x})")
    if len(raw) < 4 + 4 * ndim:
        raise ValueError(f"path must be an IDX file, got {str(path)!r} (a header of {ndim} sizes cut short)")
    shape = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    dtype = np.dtype(_IDX_DTYPES[code])
    expected = int(np.prod(shape)) * dtype.itemsize
    body = raw[4 + 4 * ndim:]
    if len(body) != expected:
        raise ValueError(f"{path}: header says {expected} bytes of data, file has {len(body)}")
    return np.frombuffer(body, dtype=dtype).reshape(shape)


def _find(root: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"):
        if (root / name).exists():
            return root / name
    raise FileNotFoundError(f"no {stem}[.gz] in {root}")


def load_mnist(root: str | Path) -> Digits:
    """MNIST from the four standard IDX files in a local folder, no download (chapter 1).

    Expects ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each optionally
    ``.gz``). Pixels are scaled from 0..255 to [0, 1]; MNIST's own train/test
    split is kept.

    Returns
    -------
    Digits with ``x_*`` of shape (N, H*W) and ``image_shape == (H, W)``.

    Raises
    ------
    TypeError if ``root`` is not a str or ``os.PathLike``; ValueError if it is not an existing folder;
    FileNotFoundError if a file is missing.
    """
    root = check_path("root", root)
    if not root.is_dir():
        raise ValueError(f"root must be an existing folder, got {str(root)!r}")
    parts = {}
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images = read_idx(_find(root, f"{prefix}-images-idx3-ubyte"))
        labels = read_idx(_find(root, f"{prefix}-labels-idx1-ubyte"))
        if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
            raise ValueError(f"{root}: {prefix} images {images.shape} and labels {labels.shape} do not match")
        parts[split] = (images.reshape(len(images), -1).astype(np.float32) / 255.0, labels)
    h, w = images.shape[1:]
    return _make_digits(*parts["train"], *parts["test"], (int(h), int(w)))


def pixel_table(frames: dict) -> str:
    """Mean, std, range and the shares below 0 and above 1 of the pixel values of each set of frames (chapter 1).

    Parameters
    ----------
    frames : dict ``{name: (N, P) tensor}``, e.g. training images and noise frames

    Returns
    -------
    str, a header and one row per name.
    """
    check_dict("frames", frames, "{name: tensor of pixel values}")
    for name, v in frames.items():
        if not isinstance(v, torch.Tensor) or not v.is_floating_point():
            raise TypeError(f"frames must be a dict {{name: tensor of pixel values}}, got {type(v).__name__} "
                            f"for {name!r}")
        if v.numel() < 2:
            raise ValueError(f"frames[{name!r}] must hold at least two pixel values, got {v.numel()}")
        if not bool(torch.isfinite(v).all()):
            raise ValueError(f"frames[{name!r}] must be finite (no NaN or inf)")
    lines = [f"{'':14}{'mean':>8}{'std':>8}{'min':>8}{'max':>8}{'< 0':>8}{'> 1':>8}"]
    for name, v in frames.items():
        lines.append(f"{name:14}{v.mean():8.3f}{v.std():8.3f}{v.min():8.2f}{v.max():8.2f}"
                     f"{(v < 0).float().mean():8.3f}{(v > 1).float().mean():8.3f}")
    return "\n".join(lines)


def frame_detectability(images, noise) -> dict:
    """How well single frames give away whether they are an image or noise: ROC AUCs (chapter 1).

    Three read-outs of a frame are scored: its mean pixel value, its smallest pixel value, and a
    logistic regression fitted on every other frame and scored on the rest (one linear unit).

    Parameters
    ----------
    images, noise : (N, P) and (M, P) tensors of frames, finite, at least two of each

    Returns
    -------
    dict ``{"mean pixel value", "smallest pixel value", "linear read-out (held out)": AUC}``; 0.5 is
    chance, 1 a perfect separation.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    for name, v in (("images", images), ("noise", noise)):
        if not isinstance(v, torch.Tensor):
            raise TypeError(f"{name} must be a 2-D tensor (frames, pixels), got {type(v).__name__}")
        if v.ndim != 2 or len(v) < 2 or v.shape[1] < 1:
            raise ValueError(f"{name} must be a 2-D tensor (frames, pixels) of at least two frames and a pixel, "
                             f"got shape {tuple(v.shape)}")
        if not bool(torch.isfinite(v).all()):
            raise ValueError(f"{name} must be finite (no NaN or inf)")
    if images.shape[1] != noise.shape[1]:
        raise ValueError(f"images and noise must have the same number of pixels, got {images.shape[1]} "
                         f"and {noise.shape[1]}")
    frames = torch.cat([images, noise])
    is_image = np.r_[np.ones(len(images)), np.zeros(len(noise))]
    fit_half = np.arange(len(frames)) % 2 == 0                  # fit on every other frame, score on the rest
    linear = LogisticRegression(max_iter=1000).fit(frames[fit_half].numpy(), is_image[fit_half])
    return {"mean pixel value": roc_auc_score(is_image, frames.mean(1).numpy()),
            "smallest pixel value": roc_auc_score(is_image, frames.min(1).values.numpy()),
            "linear read-out (held out)": roc_auc_score(is_image[~fit_half],
                                                        linear.decision_function(frames[~fit_half].numpy()))}


def frame_baseline(data: Digits) -> float:
    """Test accuracy of a memoryless classifier that sees the one image frame: how hard a data set is (chapter 1).

    scikit-learn's multinomial logistic regression (L2 penalty, ``C = 1``, L-BFGS, at most 2000
    iterations) is fitted on the training frames only and scored on the test frames. It needs no
    memory, so it tells how well a single frame can be classified at all, apart from holding it
    through a delay. The fit is deterministic: float64 values, and BLAS limited to one thread while
    it runs, so that the thread count of the machine does not change the result; it takes well under
    a second for the book's data sets.

    Parameters
    ----------
    data : Digits
        Images and labels with their train/test split (:func:`load_digits`, :func:`load_mnist1d`,
        :func:`load_mnist`); finite values, at least two classes in the training split.

    Returns
    -------
    float
        The fraction of test frames classified correctly, in [0, 1].
    """
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits
    if not isinstance(data, Digits):
        raise TypeError(f"data must be mem.data.Digits (mem.data.load_digits, load_mnist1d), "
                        f"got {type(data).__name__}")
    for split in ("train", "test"):
        x, y = data.split(split)
        if not len(x) or len(x) != len(y):
            raise ValueError(f"data must hold frames and one label each in its {split} split, "
                             f"got {len(x)} frames and {len(y)} labels")
        if not bool(torch.isfinite(x).all()):
            raise ValueError(f"data must hold finite values (no NaN or inf) in its {split} split")
    if len(torch.unique(data.y_train)) < 2:
        raise ValueError("data must hold at least two classes in its training split")
    x_train, x_test = data.x_train.double().numpy(), data.x_test.double().numpy()
    with threadpool_limits(1):
        model = LogisticRegression(max_iter=2000).fit(x_train, data.y_train.numpy())
        return float(model.score(x_test, data.y_test.numpy()))
