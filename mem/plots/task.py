"""Figures of chapter 1, the delayed-classification task: trials drawn as image strips.

Each function draws on given axes or makes its own, and returns them; colours, markers and
labels come from :mod:`mem.plots.style`.
"""
from __future__ import annotations

import numpy as np

from .._checks import check_int
from .style import pyplot

__all__ = ["plot_trial", "plot_trials"]


def _trial_shape(batch, image_shape) -> tuple[int, int]:
    """``image_shape`` (h, w), checked against the frames of ``batch``, a delayed-task Batch (pixels + trigger)."""
    from ..tasks import DelayedBatch
    if not isinstance(batch, DelayedBatch):
        raise TypeError(f"batch must be a mem.tasks.DelayedBatch (DelayedClassification.sample), "
                        f"got {type(batch).__name__}")
    P = batch.x.shape[-1] - 1
    if len(image_shape) != 2 or image_shape[0] * image_shape[1] != P:
        raise ValueError(f"image_shape must be (height, width) with {P} pixels in all, got {tuple(image_shape)}")
    return tuple(image_shape)


def plot_trial(batch, i: int = 0, image_shape=(8, 8), ax=None, title: str | None = None):
    """One trial as an image strip: every frame of ``batch.x[i]`` left to right, targets underneath (chapter 1).

    The image frame is outlined in green, the trigger frame in orange; the row
    below gives the target (``·`` = null, otherwise the digit) and the report
    step's loss weight.
    """
    plt = pyplot()
    h, w = _trial_shape(batch, image_shape)
    x = batch.x[check_int("i", i, 0, len(batch.x) - 1)].detach().cpu().numpy()
    T = x.shape[0]
    P = h * w
    strip = np.full((h, T * (w + 1) - 1), np.nan)
    for t in range(T):
        strip[:, t * (w + 1):t * (w + 1) + w] = x[t, :P].reshape(h, w)
    if ax is None:
        _, ax = plt.subplots(figsize=(min(0.55 * T, 16), 1.6))
    ax.imshow(strip, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest", aspect="equal")
    tr, tp = int(batch.t_read[i]), int(batch.t_report[i])
    for t, color in ((tr, "tab:green"), (tp, "tab:orange")):
        # Outline drawn in the one-pixel gaps around the frame, unclipped so that all four sides show.
        ax.add_patch(plt.Rectangle((t * (w + 1) - 1, -1), w + 1, h + 1, fill=False, lw=2, ec=color,
                                   clip_on=False))
    for spine in ax.spines.values():
        spine.set_visible(False)
    centers = np.arange(T) * (w + 1) + (w - 1) / 2
    ax.set_xticks(centers)
    y = batch.y[i].cpu().numpy()
    ax.set_xticklabels([("·" if c == 0 else str(c - 1)) for c in y], fontsize=8)
    for t in (tr, tp):
        ax.get_xticklabels()[t].set_fontweight("bold")
    ax.set_yticks([])
    ax.tick_params(length=0)
    ax.set_xlabel("target per step (· = null); green: image, orange: trigger", fontsize=8)
    wgt = float(batch.w[i, tp])
    ax.set_title(title or f"t_read = {tr}, t_report = {tp}, delay = {tp - tr}, report weight = {wgt:g}",
                 fontsize=9)
    return ax


def plot_trials(batch, n: int = 4, image_shape=(8, 8)):
    """The first ``n`` trials of a batch, one strip each (chapter 1).

    The axis legend appears only under the last strip. Returns the figure.
    """
    plt = pyplot()
    h, w = _trial_shape(batch, image_shape)
    n = check_int("n", n, 1, len(batch.x))
    T = batch.x.shape[1]
    width = min(0.55 * T, 16)
    strip = width * h / (T * (w + 1) - 1)  # height of one strip drawn at full width, inches
    fig, axes = plt.subplots(n, 1, figsize=(width, n * (strip + 0.55) + 0.25))
    axes = np.atleast_1d(axes)
    for i, ax in enumerate(axes):
        plot_trial(batch, i, image_shape, ax=ax)
        if i < len(axes) - 1:
            ax.set_xlabel("")
    fig.tight_layout()
    return fig
