"""Figures of chapter 1, the delayed-classification task: trials drawn as image strips, and trials of
one-dimensional signals (MNIST-1D) drawn as heatmaps.

Each function draws on given axes or makes its own, and returns them; colours, markers and
labels come from :mod:`mem.plots.style`, and every figure is at most one column
(:data:`~mem.plots.style.COLUMN_INCHES`) wide.
"""
from __future__ import annotations

import numpy as np

from .._checks import check_dict, check_float, check_int, check_seed, check_str, seeded
from ._validate import as_array, check_ax, check_image_shape
from .style import COLUMN_INCHES, FRAME_COLORS, TIMING_COLORS, class_color, figsize, pyplot

__all__ = ["plot_digit_examples", "plot_noise_frames", "plot_probe_frames", "plot_signal_examples",
           "plot_signal_trials", "plot_timing", "plot_trial", "plot_trial_row", "plot_trials", "plot_trials_beside",
           "trial_widget"]

#: Inches per frame of a trial strip, up to the column's width.
_FRAME_INCHES = 0.55
#: Units across of one step's column in a heatmap of 1-D signal frames (a one-unit gap between steps).
_FRAME_WIDTH = 8
#: Most frames of a probe trial drawn in one row.
_PROBE_PER_ROW = 9
#: Axis label of a trial strip; it names the outline colours of :data:`~mem.plots.style.FRAME_COLORS`.
_TRIAL_XLABEL = "target per step (· = null); green: image, orange: trigger"
#: Colour map of the heatmaps of 1-D signal frames: diverging, white at 0 (the signals are standardised).
_SIGNAL_CMAP = "RdBu_r"
#: What the colour of a signal heatmap is (its colour bar's label).
_SIGNAL_LABEL = "value (standardised)"
#: Inches of height of one signal trial's heatmap (its 40 or so samples).
_SIGNAL_INCHES = 0.75


def _frame_axes(ax) -> None:
    """No ticks, and a thin box around the frame (the book's style hides the top and right spines)."""
    ax.set_xticks([]), ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_linewidth(0.6)


def _trial_shape(batch, image_shape, name: str = "batch", shape_name: str = "image_shape") -> tuple[int, int]:
    """``image_shape`` (h, w), checked against the frames of ``batch``, a delayed-task Batch (pixels + trigger);
    the messages name the parameters ``name`` and ``shape_name``."""
    from ..tasks import DelayedBatch
    if not isinstance(batch, DelayedBatch):
        raise TypeError(f"{name} must be a mem.tasks.DelayedBatch (DelayedClassification.sample), "
                        f"got {type(batch).__name__}")
    return check_image_shape(shape_name, image_shape, batch.x.shape[-1] - 1)


def _trial_title(batch, i: int, sep: str = ", ") -> str:
    """The timing and report weight of trial ``i``, in two parts joined by ``sep``."""
    tr, tp = int(batch.t_read[i]), int(batch.t_report[i])
    return (f"t_read = {tr}, t_report = {tp}{sep}delay = {tp - tr}, "
            f"report weight = {float(batch.w[i, tp]):g}")


def _strip_width(T: int) -> float:
    """Width in inches of a figure with one strip of ``T`` frames: at most the column."""
    return min(_FRAME_INCHES * T, COLUMN_INCHES)


def plot_trial(batch, i: int = 0, image_shape=(8, 8), ax=None, title: str | None = None):
    """One trial as an image strip: every frame of ``batch.x[i]`` left to right, targets underneath (chapter 1).

    The image frame is outlined in green, the trigger frame in orange
    (:data:`~mem.plots.style.FRAME_COLORS`); the row below gives the target
    (``·`` = null, otherwise the digit), the title the timing and the report
    step's loss weight. Without ``ax`` the figure is at most one column wide.
    """
    plt = pyplot()
    h, w = _trial_shape(batch, image_shape)
    x = batch.x[check_int("i", i, 0, len(batch.x) - 1)].detach().cpu().numpy()
    check_ax("ax", ax)
    check_str("title", title, none_ok=True)
    T = x.shape[0]
    P = h * w
    strip = np.full((h, T * (w + 1) - 1), np.nan)
    for t in range(T):
        strip[:, t * (w + 1):t * (w + 1) + w] = x[t, :P].reshape(h, w)
    own = ax is None
    if own:
        _, ax = plt.subplots(figsize=figsize(_strip_width(T) / COLUMN_INCHES, 1.2))
    ax.imshow(strip, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest", aspect="equal")
    tr, tp = int(batch.t_read[i]), int(batch.t_report[i])
    for t, color in ((tr, FRAME_COLORS["image"]), (tp, FRAME_COLORS["trigger"])):
        # Outline drawn in the one-pixel gaps around the frame, unclipped so that all four sides show.
        ax.add_patch(plt.Rectangle((t * (w + 1) - 1, -1), w + 1, h + 1, fill=False, lw=2, ec=color,
                                   clip_on=False))
    for spine in ax.spines.values():
        spine.set_visible(False)
    centers = np.arange(T) * (w + 1) + (w - 1) / 2
    ax.set_xticks(centers)
    y = batch.y[i].cpu().numpy()
    ax.set_xticklabels([("·" if c == 0 else str(c - 1)) for c in y])
    for t in (tr, tp):
        ax.get_xticklabels()[t].set_fontweight("bold")
    ax.set_yticks([])
    ax.tick_params(length=0)
    ax.set_xlabel(_TRIAL_XLABEL)
    ax.set_title(title or _trial_title(batch, i))
    if own:
        ax.figure.tight_layout()
    return ax


def plot_trials(batch, n: int = 4, image_shape=(8, 8)):
    """The first ``n`` trials of a batch, one strip each (chapter 1).

    The axis legend appears only under the last strip. Returns the figure.
    """
    plt = pyplot()
    h, w = _trial_shape(batch, image_shape)
    n = check_int("n", n, 1, len(batch.x))
    T = batch.x.shape[1]
    width = _strip_width(T)
    strip = width * h / (T * (w + 1) - 1)  # height of one strip drawn at full width, inches
    fig, axes = plt.subplots(n, 1, figsize=figsize(width / COLUMN_INCHES, n * (strip + 0.6) + 0.25))
    axes = np.atleast_1d(axes)
    for i, ax in enumerate(axes):
        plot_trial(batch, i, image_shape, ax=ax)
        if i < len(axes) - 1:
            ax.set_xlabel("")
    fig.tight_layout()
    return fig


def _check_digits(data):
    from ..data import Digits
    if not isinstance(data, Digits):
        raise TypeError(f"data must be mem.data.Digits (mem.data.load_digits), got {type(data).__name__}")
    return data


def plot_digit_examples(data, n_examples: int = 6):
    """The first ``n_examples`` training images of each digit, one column per digit (chapter 1).

    Parameters
    ----------
    data : :class:`mem.data.Digits`
    n_examples : int, rows, 1..20 (the figure is one column wide and 4.6 inches high)

    Returns the figure.
    """
    plt = pyplot()
    data = _check_digits(data)
    n_examples = check_int("n_examples", n_examples, 1, 20)
    fig, axes = plt.subplots(n_examples, 10, figsize=figsize(1.0, 4.6), squeeze=False)
    for digit in range(10):
        for row, image in enumerate(data.x_train[data.y_train == digit][:n_examples]):
            axes[row, digit].imshow(image.reshape(data.image_shape), cmap="gray_r", vmin=0, vmax=1)
        axes[0, digit].set_title(str(digit))
    for ax in axes.flat:
        ax.set_axis_off()
    fig.suptitle("Training images, one column per digit")
    return fig


def plot_noise_frames(data, noise, n: int = 6):
    """Image frames above noise frames, and the histograms of their pixel values (chapter 1).

    The frames fill the left of a figure one column wide, the histograms (log density) its right.

    Parameters
    ----------
    data : :class:`mem.data.Digits`, the images (and their shape)
    noise : (N, P) tensor or array of noise frames (:meth:`~mem.tasks.delayed.DelayedClassification.noise`),
        N >= n, finite
    n : int, frames of each kind drawn

    Returns the figure.
    """
    plt = pyplot()
    data = _check_digits(data)
    noise = as_array("noise", noise, 2, data.x_train.shape[-1], finite=True)
    if not len(noise):
        raise ValueError("noise must hold at least one frame, got none")
    n = check_int("n", n, 1, min(len(noise), len(data.x_train)))
    fig = plt.figure(figsize=figsize(1.0, 2.6))
    grid = fig.add_gridspec(1, 2, width_ratios=[1.15, 1], wspace=0.3)
    frames = grid[0, 0].subgridspec(4, n, height_ratios=[1, 2, 2, 1], wspace=0.1, hspace=0.15)
    for col in range(n):
        for row, (frame, name) in enumerate(((data.x_train[col], "digit"), (noise[col], "noise"))):
            ax = fig.add_subplot(frames[row + 1, col])
            ax.imshow(frame.reshape(data.image_shape), cmap="gray_r", vmin=0, vmax=1)
            _frame_axes(ax)
            if col == 0:
                ax.set_ylabel(name)
    ax = fig.add_subplot(grid[0, 1])
    bins = (np.arange(-24, 35) - 0.5) / 16                 # one bin per image level k/16
    ax.hist(data.x_train.flatten().numpy(), bins, density=True, histtype="step", lw=1.5,
            color=FRAME_COLORS["image"], label="image pixels")
    ax.hist(noise.flatten(), bins, density=True, histtype="step", lw=1.5, color=FRAME_COLORS["noise"],
            label="noise pixels")
    ax.set(yscale="log", xlabel="pixel value", ylabel="density", title="Same mean and std,\ndifferent shape")
    ax.legend(loc="lower center")
    return fig


def plot_timing(freq: dict, exact: dict, n_trials: int):
    """Sampled frequencies of the trial timing against the exact distribution, one panel each (chapter 1).

    Parameters
    ----------
    freq : dict ``{name: (T,) array}``, sampled frequency of each value (e.g. ``"t_read"``, ``"t_report"``,
        ``"delay"``)
    exact : dict with the same names, the exact probabilities
        (:meth:`~mem.tasks.delayed.DelayedClassification.timing_distribution`)
    n_trials : int, trials sampled (for the legend)

    Returns the axes.
    """
    plt = pyplot()
    check_dict("freq", freq, "{name: frequencies}")
    if not isinstance(exact, dict):
        raise TypeError(f"exact must be a dict {{name: probabilities}}, got {type(exact).__name__}")
    if not all(k in exact for k in freq):
        raise ValueError("freq must be a non-empty dict whose names exact also has")
    freq = {k: as_array(f"freq[{k!r}]", v, 1, finite=True) for k, v in freq.items()}
    exact = {k: as_array(f"exact[{k!r}]", exact[k], 1, finite=True) for k in freq}
    short = [k for k in freq if len(exact[k]) < len(freq[k])]
    if short:
        raise ValueError(f"exact must give at least as many values as freq for every name, not for {short}")
    check_int("n_trials", n_trials)
    across = min(len(freq), 3)                      # at most three panels across, more in rows
    rows = -(-len(freq) // across)
    fig, axes = plt.subplots(rows, across, figsize=figsize(1.0, 2.3 * rows), sharey=True, squeeze=False)
    for ax, k in zip(axes.flat, freq):
        T = len(freq[k])
        ax.bar(range(T), freq[k], width=0.8, color=TIMING_COLORS["sampled"], label=f"{n_trials} sampled trials")
        ax.plot(range(T), exact[k][:T], "o", ms=3, color=TIMING_COLORS["exact"], label="exact")
        ax.set(xlabel=k, xticks=range(0, T, max(1, round(T / 4))))
    for ax in axes.flat[len(freq):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("fraction of trials")
    axes[0, 0].legend(loc="upper left")
    fig.tight_layout()
    return axes.flat[:len(freq)]


def plot_probe_frames(probe, times, image_shape=(8, 8), title: str | None = None):
    """Frames of the first probe trial at chosen steps (chapter 1).

    Parameters
    ----------
    probe : :class:`mem.tasks.Probe` (``x`` (B, n_steps, P + 1))
    times : sequence of steps to show, at most nine in a row (more in further rows)
    image_shape : (h, w) of a frame
    title : str, optional

    Returns the axes, one per step.
    """
    from ..tasks import Probe
    plt = pyplot()
    if not isinstance(probe, Probe):
        raise TypeError(f"probe must be a mem.tasks.Probe (DelayedClassification.sample_probe), "
                        f"got {type(probe).__name__}")
    if isinstance(times, (str, bytes)) or not hasattr(times, "__iter__"):
        raise TypeError(f"times must be a sequence of steps, got {type(times).__name__}")
    times = [check_int("times", t, 0, probe.x.shape[1] - 1) for t in times]
    if not times:
        raise ValueError("times must name at least one step")
    image_shape = check_image_shape("image_shape", image_shape, probe.x.shape[-1] - 1)
    check_str("title", title, none_ok=True)
    P = image_shape[0] * image_shape[1]
    across = min(len(times), _PROBE_PER_ROW)
    rows = -(-len(times) // across)
    side = COLUMN_INCHES / _PROBE_PER_ROW                   # inches per frame, the same for any count
    fig, axes = plt.subplots(rows, across, figsize=figsize(across / _PROBE_PER_ROW, rows * (side + 0.3)),
                             squeeze=False, gridspec_kw=dict(wspace=0.35))
    for ax, t in zip(axes.flat, times):
        ax.imshow(probe.x[0, t, :P].reshape(image_shape), cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"t = {t}")
        _frame_axes(ax)
    for ax in axes.flat[len(times):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title, y=1.0 + 0.12 / rows)
    return axes.flat[:len(times)]


def trial_widget(task, t_read: int = 3, delay: int = 8, seed: int = 1, image_shape=(8, 8)):
    """Two sliders, ``t_read`` and the delay, and the trial they give, redrawn as they move (chapter 1).

    Parameters
    ----------
    task : :class:`mem.tasks.DelayedClassification`
    t_read, delay : int, the sliders' starting values
    seed : int, seed of the one trial drawn (the same images and noise at every setting)
    image_shape : (h, w) of a frame

    Returns an ``ipywidgets.VBox`` (it needs a running kernel to respond).
    """
    import ipywidgets as widgets

    from ..tasks import DelayedClassification
    if not isinstance(task, DelayedClassification):
        raise TypeError(f"task must be a mem.tasks.DelayedClassification, got {type(task).__name__}")
    T, dm = task.T_max, task.delta_min
    t_read = check_int("t_read", t_read, 0, T - 1 - dm)
    delay = check_int("delay", delay, dm, T - 1 - t_read)
    check_seed(seed)
    image_shape = check_image_shape("image_shape", image_shape, task.input_size - 1)
    t_read_slider = widgets.IntSlider(value=t_read, min=0, max=T - 1 - dm, description="t_read")
    delay_slider = widgets.IntSlider(value=delay, min=dm, max=T - 1 - t_read, description="delay")
    t_read_slider.observe(lambda change: setattr(delay_slider, "max", T - 1 - change.new), names="value")
    view = widgets.interactive_output(
        lambda t_read, delay: plot_trial(task.sample(1, seeded(seed), t_read=t_read,
                                                     t_report=t_read + delay), image_shape=image_shape),
        {"t_read": t_read_slider, "delay": delay_slider})
    return widgets.VBox([widgets.HBox([t_read_slider, delay_slider]), view])


def plot_trial_row(batch, n: int = 2, image_shape=(8, 8)):
    """The first ``n`` trials of a batch side by side, for short trials (chapter 1).

    At most two strips across (more in rows), in a figure one column wide; the axis legend is
    written once, under the figure. Returns the axes.
    """
    plt = pyplot()
    h, w = _trial_shape(batch, image_shape)
    n = check_int("n", n, 1, len(batch.x))
    across = min(n, 2)
    rows = -(-n // across)
    T = batch.x.shape[1]
    strip = COLUMN_INCHES / across * 0.9 * h / (T * (w + 1) - 1)   # height of one strip, inches
    fig, axes = plt.subplots(rows, across, figsize=figsize(1.0, rows * (strip + 0.5) + 0.3), squeeze=False)
    for i, ax in enumerate(axes.flat[:n]):
        plot_trial(batch, i, image_shape, ax=ax, title=_trial_title(batch, i, sep=",\n"))
        ax.set_xlabel("")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    fig.supxlabel(_TRIAL_XLABEL, fontsize=plt.rcParams["axes.labelsize"])
    fig.tight_layout(w_pad=2)
    return axes.flat[:n]


def _check_signal_shape(name: str, image_shape, pixels: int) -> tuple[int, int]:
    """``image_shape`` of 1-D signal frames, ``(1, pixels)``: a ``ValueError`` naming ``name`` for an image."""
    h, w = check_image_shape(name, image_shape, pixels)
    if h != 1:
        raise ValueError(f"{name} must be (1, samples), the shape of 1-D signal frames such as MNIST-1D's, "
                         f"got {(h, w)}; images are drawn by plot_trials")
    return h, w


def _signal_strip(ax, batch, i: int, P: int, width: int, vmax: float, title: str):
    """Trial ``i`` of ``batch`` as a heatmap on ``ax``: rows the ``P`` samples of a frame, one column of
    ``width`` units per step with a one-unit gap, outlines and targets as in :func:`plot_trial`; returns
    the image."""
    plt = pyplot()
    x = batch.x[i].detach().cpu().numpy()
    T = x.shape[0]
    strip = np.full((P, T * (width + 1) - 1), np.nan)
    for t in range(T):
        strip[:, t * (width + 1):t * (width + 1) + width] = x[t, :P, None]
    image = ax.imshow(strip, cmap=_SIGNAL_CMAP, vmin=-vmax, vmax=vmax, interpolation="nearest", aspect="auto")
    tr, tp = int(batch.t_read[i]), int(batch.t_report[i])
    for t, color in ((tr, FRAME_COLORS["image"]), (tp, FRAME_COLORS["trigger"])):
        ax.add_patch(plt.Rectangle((t * (width + 1) - 1, 0), width + 1, 1, fill=False, lw=2, ec=color,
                                   clip_on=False, transform=ax.get_xaxis_transform()))
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xticks(np.arange(T) * (width + 1) + (width - 1) / 2)
    ax.set_xticklabels([("·" if c == 0 else str(c - 1)) for c in batch.y[i].cpu().numpy()])
    for t in (tr, tp):
        ax.get_xticklabels()[t].set_fontweight("bold")
    ax.set_yticks([0, P - 1])
    ax.set_ylabel("sample")
    ax.tick_params(length=0)
    ax.set_title(title)
    return image


def _signal_colorbar(fig, image, cax):
    """The colour bar of the signal heatmaps on ``cax``, saying what the colour is."""
    bar = fig.colorbar(image, cax=cax, extend="both")
    bar.set_label(_SIGNAL_LABEL)
    return bar


def plot_signal_examples(data, n_examples: int = 3):
    """The first ``n_examples`` training signals of each class of a 1-D data set such as MNIST-1D, one panel
    per class (chapter 1).

    Ten panels, two rows of five, share their axes: the value of each of the signal's samples (x: the
    sample's index), in the class's colour (:func:`~mem.plots.style.class_color`).

    Parameters
    ----------
    data : :class:`mem.data.Digits` of 1-D signals (``image_shape == (1, samples)``,
        :func:`mem.data.load_mnist1d`), labels 0..9
    n_examples : int, signals per class, 1..10 (fewer where a class has fewer)

    Returns the figure (one column wide, 2.9 inches high).
    """
    plt = pyplot()
    data = _check_digits(data)
    _check_signal_shape("data.image_shape", data.image_shape, data.n_pixels)
    n_examples = check_int("n_examples", n_examples, 1, 10)
    fig, axes = plt.subplots(2, 5, figsize=figsize(1.0, 2.9), sharex=True, sharey=True)
    samples = np.arange(data.n_pixels)
    for digit, ax in enumerate(axes.flat):
        for signal in data.x_train[data.y_train == digit][:n_examples]:
            ax.plot(samples, signal.numpy(), lw=1, color=class_color(digit + 1))
        ax.set_title(f"class {digit}")
        ax.set_xticks([0, data.n_pixels - 1])
    fig.supxlabel("sample", fontsize=plt.rcParams["axes.labelsize"])
    fig.supylabel(_SIGNAL_LABEL, fontsize=plt.rcParams["axes.labelsize"])
    fig.suptitle(f"Training signals, {n_examples} per class")
    fig.tight_layout(h_pad=0.6, w_pad=0.4)
    return fig


def plot_signal_trials(batch, n: int = 2, image_shape=(1, 40), vmax: float = 3.0):
    """The first ``n`` trials of a batch of 1-D signal frames (MNIST-1D), one heatmap each (chapter 1).

    A heatmap's rows are the samples of a frame, its columns the ``T`` steps; the colour is the
    value, on a diverging map symmetric about 0 (the signals are standardised) clipped at ``±vmax``,
    with a colour bar. The image step is outlined in green and the trigger step in orange
    (:data:`~mem.plots.style.FRAME_COLORS`), the targets are written underneath (``·`` = null) and
    the timing above, as in :func:`plot_trial`.

    Parameters
    ----------
    batch : :class:`mem.tasks.DelayedBatch` of a task on 1-D signals, ``x`` (B, T, P + 1)
    n : int, trials drawn, 1..B
    image_shape : (1, P), the shape of a frame (a 2-D image is a ``ValueError``: see :func:`plot_trials`)
    vmax : float > 0, the value at either end of the colour map

    Returns the axes, one per trial (the figure is one column wide).
    """
    plt = pyplot()
    _, P = _check_signal_shape("image_shape", _trial_shape(batch, image_shape), batch.x.shape[-1] - 1)
    n = check_int("n", n, 1, len(batch.x))
    vmax = check_float("vmax", vmax, gt=0)
    fig, axes = plt.subplots(n, 2, figsize=figsize(1.0, n * (_SIGNAL_INCHES + 0.55) + 0.3), squeeze=False,
                             gridspec_kw=dict(width_ratios=[1, 0.02]))
    for i in range(n):
        image = _signal_strip(axes[i, 0], batch, i, P, _FRAME_WIDTH, vmax, _trial_title(batch, i))
    for ax in axes[1:, 1]:
        ax.set_visible(False)
    _signal_colorbar(fig, image, axes[0, 1])
    fig.supxlabel(_TRIAL_XLABEL, fontsize=plt.rcParams["axes.labelsize"])
    fig.tight_layout()
    return axes[:, 0]


def plot_trials_beside(digit_batch, signal_batch, n: int = 2, image_shape=(8, 8), signal_shape=(1, 40),
                       labels=("8×8 digits", "MNIST-1D"), vmax: float = 3.0):
    """Trials of an image data set above trials of a 1-D signal data set, step under step (chapter 1).

    The first ``n`` trials of ``digit_batch`` are drawn as image strips (:func:`plot_trial`), then the
    first ``n`` of ``signal_batch`` as heatmaps (:func:`plot_signal_trials`), with every step at the
    same place across, the outlines, targets and timing as in :func:`plot_trial`, and one colour bar
    for the heatmaps. Both batches must have the same trial length.

    Parameters
    ----------
    digit_batch, signal_batch : :class:`mem.tasks.DelayedBatch`, of a task on images and on 1-D signals
    n : int, trials of each, 1 up to the smaller batch
    image_shape : (h, w) of an image frame
    signal_shape : (1, P) of a signal frame
    labels : two str, the data sets' names, at the start of each trial's title
    vmax : float > 0, the value at either end of the heatmaps' colour map

    Returns the axes, the image strips' then the heatmaps' (the figure is one column wide).
    """
    plt = pyplot()
    h, w = _trial_shape(digit_batch, image_shape, "digit_batch")
    signal_shape = _trial_shape(signal_batch, signal_shape, "signal_batch", "signal_shape")
    _, P = _check_signal_shape("signal_shape", signal_shape, signal_batch.x.shape[-1] - 1)
    T = digit_batch.x.shape[1]
    if signal_batch.x.shape[1] != T:
        raise ValueError(f"signal_batch must have the trial length of digit_batch, {T} steps, "
                         f"got {signal_batch.x.shape[1]}")
    n = check_int("n", n, 1, min(len(digit_batch.x), len(signal_batch.x)))
    if isinstance(labels, (str, bytes)) or not isinstance(labels, (list, tuple)):
        raise TypeError(f"labels must be two str, the data sets' names, got {type(labels).__name__}")
    labels = [check_str("labels", label) for label in labels]
    if len(labels) != 2:
        raise ValueError(f"labels must be two str, the data sets' names, got {len(labels)}")
    vmax = check_float("vmax", vmax, gt=0)
    # the strips span the heatmaps' width (about 0.8 of the column): square pixels at this height
    strip = 0.8 * COLUMN_INCHES * h / (T * (w + 1) - 1)
    heights = [strip] * n + [_SIGNAL_INCHES] * n
    fig, axes = plt.subplots(2 * n, 2, figsize=figsize(1.0, sum(heights) + 0.52 * 2 * n + 0.3), squeeze=False,
                             gridspec_kw=dict(width_ratios=[1, 0.02], height_ratios=heights))
    for i in range(n):
        plot_trial(digit_batch, i, (h, w), ax=axes[i, 0], title=f"{labels[0]}: {_trial_title(digit_batch, i)}")
        axes[i, 0].set_xlabel("")
        axes[i, 0].set_aspect("auto")          # the heatmaps' width, step under step
        image = _signal_strip(axes[n + i, 0], signal_batch, i, P, w, vmax,
                              f"{labels[1]}: {_trial_title(signal_batch, i)}")
    for ax in [*axes[:n, 1], *axes[n + 1:, 1]]:
        ax.set_visible(False)
    _signal_colorbar(fig, image, axes[n, 1])
    fig.supxlabel(_TRIAL_XLABEL, fontsize=plt.rcParams["axes.labelsize"])
    fig.tight_layout()
    return [*axes[:, 0]]
