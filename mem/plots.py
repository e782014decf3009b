"""The book's figures (chapters 1 and 2). Each function draws on given axes or makes its own and returns them."""
from __future__ import annotations

import numpy as np

__all__ = ["PROTOCOL_COLORS", "PROTOCOL_LABELS", "plot_trial", "plot_trials", "plot_schedule", "plot_history",
           "plot_delay_curves", "plot_by_protocol", "reproduction_box"]

#: One colour per protocol, used throughout the book.
PROTOCOL_COLORS = {"nacu": "#4d4d4d", "decu": "#1f77b4", "vocu": "#d62728", "accuracy": "#2ca02c"}
#: How the book writes each protocol's name.
PROTOCOL_LABELS = {"nacu": "NaCu", "decu": "DeCu", "vocu": "VoCu", "accuracy": "accuracy-triggered"}


def _plt():
    import matplotlib.pyplot as plt
    return plt


def plot_trial(batch, i: int = 0, image_shape=(8, 8), ax=None, title: str | None = None):
    """One trial as an image strip: every frame of ``batch.x[i]`` left to right, targets underneath.

    The image frame is outlined in green, the trigger frame in orange; the row
    below gives the target (``·`` = null, otherwise the digit) and the report
    step's loss weight.
    """
    plt = _plt()
    h, w = image_shape
    x = batch.x[i].detach().cpu().numpy()
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
    """The first ``n`` trials of a batch, one strip each (the axis legend only under the last). Returns the figure."""
    plt = _plt()
    h, w = image_shape
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


def plot_schedule(schedule: dict, axes=None, label: str | None = None, **kw):
    """Trial length and number of digits against step (``Protocol.schedule()``). Returns the two axes."""
    plt = _plt()
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 2.6))
    color = kw.pop("color", PROTOCOL_COLORS.get(label))
    axes[0].step(schedule["step"], schedule["T_max"], where="post", label=label, color=color, **kw)
    axes[1].step(schedule["step"], schedule["n_classes"] - 1, where="post", label=label, color=color, **kw)
    axes[0].set(xlabel="training step", ylabel="trial length T_max", ylim=(0, None))
    axes[1].set(xlabel="training step", ylabel="digits in the task", ylim=(0, 10.5))
    return axes


def plot_history(history, axes=None, label: str | None = None, window: int = 50, **kw):
    """Smoothed training loss (log scale) and report accuracy against step. Returns the two axes."""
    plt = _plt()
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 2.8))
    color = kw.pop("color", PROTOCOL_COLORS.get(label))
    axes[0].plot(history.smoothed("loss", window), label=label, color=color, **kw)
    axes[1].plot(history.smoothed("accuracy", window), label=label, color=color, **kw)
    axes[0].set(xlabel="training step", ylabel="loss", yscale="log")
    axes[1].set(xlabel="training step", ylabel=f"report accuracy ({window}-step mean)", ylim=(0, 1.02))
    return axes


def plot_delay_curves(curves: dict, ax=None, colors: dict | None = None, styles: dict | None = None,
                      trained_delay: int | None = 19):
    """Accuracy against delay (log axis) for ``{label: DelayCurve}``, with chance and binomial error bars."""
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.6))
    for label, c in curves.items():
        ax.errorbar(c.delays, c.accuracy, yerr=c.stderr(), label=label, capsize=2, marker="o", ms=3,
                    color=(colors or {}).get(label), ls=(styles or {}).get(label, "-"))
    chance = next(iter(curves.values())).chance
    ax.axhline(chance, color="k", lw=0.8, ls=":", label="chance")
    if trained_delay:
        ax.axvline(trained_delay, color="0.6", lw=0.8, ls="--")
        # Above accuracy 1 (the axis runs to 1.1), so that the label never sits on a curve.
        ax.text(trained_delay, 1.09, " longest trained delay", fontsize=7, color="0.4", va="top")
    ax.set(xscale="log", xlabel="delay d (steps from image to trigger)", ylabel="report accuracy", ylim=(0, 1.1),
           yticks=np.linspace(0, 1, 6))
    # Plain numbers at 1-2-5 steps instead of powers of ten.
    lo, hi = ax.get_xlim()
    ticks = [m * 10 ** e for e in range(0, 6) for m in (1, 2, 5) if lo <= m * 10 ** e <= hi]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    return ax


def reproduction_box(rows, title: str = "What reproduces"):
    """A chapter's closing table: the paper's claim beside the number this chapter measured.

    Parameters
    ----------
    rows : list of (claim, measured, verdict) strings; ``measured`` should be
        formatted from variables computed in the notebook, never typed in.

    Returns
    -------
    IPython.display.Markdown (rendered by Jupyter, Colab, GitHub and the book).
    """
    from IPython.display import Markdown

    def cell(s):
        return str(s).replace("|", "\\|").replace("\n", " ")

    lines = [f"**{title}**", "", "| Paper's claim | Measured here | Reproduces? |", "|---|---|---|"]
    lines += [f"| {cell(c)} | {cell(m)} | {cell(v)} |" for c, m, v in rows]
    return Markdown("\n".join(lines))


def plot_by_protocol(values: dict, ax=None, ylabel: str = "", log: bool = False,
                     protocols=("nacu", "decu", "vocu"), outlasts: float | None = None):
    """One number per network, grouped by architecture and protocol: a strip plot.

    Parameters
    ----------
    values : dict ``{(arch, protocol, seed): float}``, e.g. report accuracy or
        memory lifetime of each zoo network.
    ax : matplotlib axes, optional
    ylabel : str
    log : bool, log-scaled y axis (for lifetimes)
    protocols : order of the protocols within each architecture
    outlasts : float, optional
        Where to draw non-finite values (a lifetime of ``inf``: the memory
        outlasts the probe); they are drawn as upward triangles at this height.

    Each architecture gets a block of columns, one column per protocol in its
    colour (:data:`PROTOCOL_COLORS`); seeds are points side by side with a
    different marker each, joined by a thin line that shows their spread.
    Returns the axes.
    """
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2))
    archs = list(dict.fromkeys(a for a, _, _ in values))
    seeds = sorted({s for _, _, s in values})
    markers = "osD^vP*X"
    width = 0.5 / max(len(seeds), 1)
    ticks, labels = [], []
    for i, arch in enumerate(archs):
        for j, proto in enumerate(protocols):
            x0 = i * (len(protocols) + 1) + j
            ticks.append(x0)
            labels.append(PROTOCOL_LABELS.get(proto, proto))
            xs, ys = [], []
            for k, seed in enumerate(seeds):
                if (arch, proto, seed) not in values:
                    continue
                v = float(values[arch, proto, seed])
                x = x0 + (k - (len(seeds) - 1) / 2) * width
                finite = np.isfinite(v)
                if not finite and outlasts is None:
                    continue
                y = v if finite else outlasts
                ax.plot(x, y, marker=markers[k % len(markers)] if finite else "^", ls="none", ms=7,
                        color=PROTOCOL_COLORS.get(proto), mec="k", mew=0.5,
                        label=f"seed {seed}" if (i, j) == (0, 0) else None)
                xs.append(x)
                ys.append(y)
            if len(xs) > 1:
                ax.plot(xs, ys, color=PROTOCOL_COLORS.get(proto), lw=1, zorder=0)
        ax.text(i * (len(protocols) + 1) + (len(protocols) - 1) / 2, 1.0, arch.upper(), ha="center",
                va="bottom", fontsize=10, fontweight="bold", transform=ax.get_xaxis_transform())
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels)
    ax.set_xlim(-0.6, ticks[-1] + 0.6)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    return ax
