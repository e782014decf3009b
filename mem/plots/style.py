"""The book's visual style: every figure (the intro's too) takes its fonts, sizes, colours, markers
and labels from here (chapters 1-6).

Sizes: the book's text column is :data:`COLUMN_INCHES` wide. :func:`use` (the set-up cell of every
page calls it) sets matplotlib's fonts to :data:`RC` and shows figures as high-DPI PNGs
(:data:`DPI` dots per inch, displayed at half their pixel size), each carrying the size of its
smallest text, so that the browser test can check what a reader sees: text at ``f`` points in a
figure at most one column wide is ``f * 100 / 72`` CSS px on the page (:func:`rendered_px`);
nothing may fall below :data:`MIN_TEXT_PX`. :func:`figsize` gives figure sizes in column widths.

Colours: one registry per thing drawn: protocols (chapter 2), architectures (chapters 3, 4),
regularisation modes (chapter 5), initialisation schemes (chapter 6), and digits (chapter 3). The
same colour means the same thing everywhere: no colour of one registry appears in another
(the ten digits excepted: they need a full palette, and no figure colours digits and another
registry at once).
"""
from __future__ import annotations

from numbers import Integral

__all__ = [
    "ARCH_COLORS",
    "ARCH_MARKERS",
    "BACKGROUND_GREY",
    "BIAS_CMAP",
    "CLASS_COLORS",
    "COLUMN_INCHES",
    "DATASET_COLORS",
    "DATASET_LABELS",
    "DPI",
    "FINE_TUNE_COLORS",
    "FRAME_COLORS",
    "GUIDE_COLORS",
    "MATRIX_COLORS",
    "MIN_TEXT_PX",
    "MODE_STYLES",
    "PARTIAL_COLOR",
    "POOLED_COLOR",
    "PROTOCOL_COLORS",
    "PROTOCOL_DESCRIPTIONS",
    "PROTOCOL_LABELS",
    "PROTOCOL_MARKERS",
    "RC",
    "REFERENCE_GREY",
    "SCHEME_COLORS",
    "SEED_MARKERS",
    "SLOW_POINT_COLOR",
    "TIMING_COLORS",
    "class_color",
    "figsize",
    "png",
    "pyplot",
    "rendered_px",
    "scheme_color",
    "smallest_text",
    "use",
]

#: Width of the book's text column in figure inches: 688 CSS px at a 1280 px window, and a figure
#: shown by :func:`use` takes 100 CSS px per inch (chapters 1-6).
COLUMN_INCHES = 6.8
#: Dots per inch of the book's PNG figures; :func:`png` tells the page to show them at half their
#: pixel size, so they stay sharp on high-DPI screens (chapters 1-6).
DPI = 200
#: The smallest text a figure may show, in CSS px as rendered at the column width (chapters 1-6).
MIN_TEXT_PX = 9.0
#: matplotlib settings of the book's figures, applied by :func:`use` (chapters 1-6): 8-9 pt text,
#: which is 11-12.5 CSS px in a figure one column wide.
RC = {
    "font.size": 9.0,
    "axes.titlesize": 9.0,
    "axes.labelsize": 9.0,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "legend.fontsize": 8.0,
    "legend.title_fontsize": 8.0,
    "figure.titlesize": 10.0,
    "figure.dpi": 100,
    "savefig.dpi": DPI,
    "axes.spines.top": False,
    "axes.spines.right": False,
}

#: One colour per protocol, used throughout the book (chapter 2).
PROTOCOL_COLORS = {"nacu": "#4d4d4d", "decu": "#1f77b4", "vocu": "#d62728", "accuracy": "#2ca02c"}
#: How the book writes each protocol's name (chapter 2).
PROTOCOL_LABELS = {"nacu": "NaCu", "decu": "DeCu", "vocu": "VoCu", "accuracy": "accuracy-triggered"}
#: Each protocol's name with what it means, for legends read without the chapter (the intro).
PROTOCOL_DESCRIPTIONS = {"nacu": "NaCu (no curriculum)", "decu": "DeCu (delay curriculum)",
                         "vocu": "VoCu (vocabulary curriculum)", "accuracy": "accuracy-triggered curriculum"}
#: One marker per protocol, where colour stands for the architecture (chapter 4).
PROTOCOL_MARKERS = {"nacu": "o", "decu": "s", "vocu": "^", "accuracy": "D"}
#: Markers of the seeds of one configuration, in order (chapter 2).
SEED_MARKERS = "osD^vP*X"

#: One colour per architecture, where the marker stands for the protocol (chapter 4).
ARCH_COLORS = {"gru": "#6a3d9a", "lstm": "#b15928", "rnn_tanh": "#17becf"}
#: One marker per architecture, where colour stands for the protocol (chapters 3, 4).
ARCH_MARKERS = {"gru": "o", "lstm": "s", "rnn_tanh": "^", "rnn_relu": "v", "rnn_elu": "D"}

#: One colour per digit (index = digit 0..9; class label k of the task is digit k - 1) (chapter 3).
CLASS_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                "#bcbd22", "#17becf"]

#: Line style of each fine-tuning mode and tracking of chapter 5, ``{(mode, tracking): plot kwargs}``.
MODE_STYLES = {("slowpoints", "fixed"): dict(color="#1b9e77", marker="o", label="SlowPoints"),
               ("slowpoints", "retrack"): dict(color="#1b9e77", marker="x", ls=":", label="SlowPoints, re-tracked"),
               ("slowpoints", "retrack_adam"): dict(color="#d95f02", marker="+", ls="none", ms=9,
                                                    label="SlowPoints, re-tracked with Adam"),
               ("centermass", "fixed"): dict(color="#e7298a", marker="s", ls="--", label="CenterMass")}

#: One colour per initialisation scheme (chapter 6).
SCHEME_COLORS = {"chain": "#800000", "fbchain": "#e6ab02", "orthogonal": "#000080", "identity": "#808000",
                 "default": "#999999", "random": "#fb9a99"}


def class_color(label: int) -> str:
    """Colour of task class ``label`` (1..10 = digits 0..9; 0, the null class, is black) (chapter 3).

    ``label`` is an int or numpy integer (a float, str or bool is a ``TypeError``).
    """
    if isinstance(label, bool) or not isinstance(label, Integral):
        raise TypeError(f"label must be a class of the task, an integer 0..{len(CLASS_COLORS)}, got {label!r} "
                        f"({type(label).__name__})")
    label = int(label)
    if not 0 <= label <= len(CLASS_COLORS):
        raise ValueError(f"label must be a class of the task, 0..{len(CLASS_COLORS)}, got {label}")
    return "k" if label == 0 else CLASS_COLORS[label - 1]


def scheme_color(label: str) -> str | None:
    """Colour of the scheme a label starts with (``"chain α=1.02"`` -> chain's), else None (chapter 6)."""
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, got {type(label).__name__}")
    return SCHEME_COLORS.get(label.split(" ")[0])


def pyplot():
    """``matplotlib.pyplot``, imported on first use so that importing :mod:`mem.plots` picks no backend (chapter 1)."""
    import matplotlib.pyplot as plt
    return plt


def figsize(width: float = 1.0, height: float | None = None, aspect: float = 0.6) -> tuple[float, float]:
    """A figure size ``(w, h)`` in inches for a figure ``width`` columns wide (chapters 1-6).

    ``width`` is a fraction of :data:`COLUMN_INCHES`, in ``(0, 1]``: a figure is never wider
    than the column, so that its text keeps the size :data:`RC` gives it. ``height`` is in
    inches; without it the height is ``aspect`` times the width.
    """
    from .._checks import check_float
    width = check_float("width", width, gt=0, le=1)
    aspect = check_float("aspect", aspect, gt=0, le=10)
    w = width * COLUMN_INCHES
    if height is None:
        return (w, aspect * w)
    return (w, check_float("height", height, gt=0, le=10 * COLUMN_INCHES))


def rendered_px(points: float, width_inches: float) -> float:
    """CSS px of text of ``points`` pt in a figure ``width_inches`` wide, as the book shows it (chapters 1-6).

    :func:`use` shows a figure at 100 CSS px per inch, scaled down to the column
    (:data:`COLUMN_INCHES`) when wider: ``points / 72 * min(100, 100 * COLUMN_INCHES / width_inches)``.
    """
    from .._checks import check_float
    points = check_float("points", points, gt=0)
    width_inches = check_float("width_inches", width_inches, gt=0)
    return points / 72 * min(100.0, 100.0 * COLUMN_INCHES / width_inches)


def smallest_text(fig) -> float:
    """The font size in points of the smallest visible, non-empty text of ``fig`` (chapters 1-6).

    ``fig`` is a ``matplotlib.figure.Figure``; it is drawn first, so that tick labels exist.
    Returns ``inf`` for a figure without text.
    """
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and _shown(t)]
    return float(min(sizes, default=float("inf")))


def _shown(text) -> bool:
    """Whether ``text`` is drawn: its axes (if any) are visible and it lies inside the figure."""
    axes = text.axes
    if axes is not None and not axes.get_visible():
        return False
    bbox = text.get_window_extent()
    return bbox.width > 0 and bbox.height > 0


def png(fig) -> tuple[bytes, dict]:
    """``fig`` as the book shows it: PNG bytes at :data:`DPI` and the display metadata (chapters 1-6).

    Returns ``(data, metadata)``, IPython's form of a formatter's result: ``metadata`` says to show
    the image at half its pixel size (100 CSS px per figure inch). The PNG carries text chunks
    ``mem:smallest_text_pt`` (:func:`smallest_text`) and ``mem:dpi``, which the browser test reads.
    """
    import io

    from matplotlib.figure import Figure
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    smallest = smallest_text(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", facecolor="white",
                metadata={"mem:smallest_text_pt": f"{smallest:g}", "mem:dpi": str(DPI)})
    data = buf.getvalue()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")   # the IHDR chunk
    scale = 100 / DPI
    return data, {"width": round(width * scale), "height": round(height * scale)}


def use() -> None:
    """Use the book's style in this session: :data:`RC`, and figures shown by :func:`png` in IPython (chapters 1-6).

    The set-up cell of every page calls it. Outside IPython only the matplotlib settings change.
    """
    import matplotlib
    matplotlib.rcParams.update(RC)
    try:
        from IPython import get_ipython
    except ImportError:    # pragma: no cover - IPython comes with the book's extras
        return
    shell = get_ipython()
    if shell is None:
        return
    # matplotlib loads its backend lazily, at the first figure, and IPython's inline backend sets
    # the figure formatters when it loads, which would undo the one set below: load it now.
    pyplot().switch_backend(matplotlib.get_backend())
    from matplotlib.figure import Figure
    formatters = shell.display_formatter.formatters
    formatters["image/png"].for_type(Figure, png)
    for mime in ("image/svg+xml", "image/jpeg", "application/pdf"):
        formatters[mime].pop(Figure, None)


# --- chapter 1 ---
#: Colours of the kinds of frame in chapter 1's figures: the outlines of the image frame ("green") and of
#: the trigger frame ("orange") in a trial strip, whose axis label names them so, and the histogram of the
#: noise pixels beside the image pixels' (in the image colour) (chapter 1).
FRAME_COLORS = {"image": "#1b7837", "trigger": "#fdb863", "noise": "#9e9ac8"}
#: The timing figure's bars of sampled frequencies and markers of the exact probabilities (chapter 1).
TIMING_COLORS = {"sampled": "#d9d9d9", "exact": "#000000"}

# --- chapter 2 ---
#: Greys of the reference lines of chapter 2's figures, all lighter than NaCu's (chapter 2): "guide" for
#: the end of the curricula and the longest trained and probed delays (dashed or dotted), "transition" for
#: the stage transitions of a curriculum run, "text" for the labels of guides and the level a curve starts at.
GUIDE_COLORS = {"guide": "#b0b0b0", "transition": "#d4d4d4", "text": "#707070"}

# --- chapter 4 ---
#: Correlations over all networks of both architectures, and each network's own correlation in the
#: within-network figure (chapter 4; a subset of one architecture takes that architecture's colour).
POOLED_COLOR = "#262626"
#: Correlations over all networks with the architecture partialled out (chapter 4).
PARTIAL_COLOR = "#66a61e"

# --- the intro and chapter 5 ---
#: Runs other than the speed penalty's (whose colour is SlowPoints' in :data:`MODE_STYLES`): the network
#: before fine-tuning and after the control fine-tune, λ = 0 (the intro, chapter 5).
FINE_TUNE_COLORS = {"before": "#bdbdbd", "control": "#5e5e5e"}

# --- chapter 3 ---
#: Slow points (``S > 0``) on a speed landscape (chapter 3); no registry colour.
SLOW_POINT_COLOR = "#f46d43"
#: What stays in the background: search candidates still moving when their budget ran out, and the
#: trajectories behind a network's fixed points (chapter 3, "your network"); no registry grey.
BACKGROUND_GREY = "#c0c0c0"
#: Reference marks that are not data: the dashed lines of curriculum stage starts, empty-panel notes
#: (chapter 3); no registry grey.
REFERENCE_GREY = "#a0a0a0"
#: Colour map of ordered parameter values drawn as lines, such as the biases of the toy network's ghost passages
#: (chapter 3): a sequence, not a registry of things; the book uses its part from dark blue to salmon.
BIAS_CMAP = "plasma"

# --- chapter 6 ---
#: One colour per matrix of a hidden-chain profile: the initial recurrent matrix, the trained one, and
#: its control (the initial matrix moved at random by as much as training moved it) (chapter 6).
MATRIX_COLORS = {"initial": "#a6cee3", "trained": "#1a1a1a", "control": "#ff7f00"}

# --- issue 21: the two datasets ---
#: One colour per dataset of the delayed task, where the marker stands for the architecture (chapters 2, 4).
DATASET_COLORS = {"digits": "#01665e", "mnist1d": "#c51b7d"}
#: How the book writes each dataset's name (chapters 1, 2, 4).
DATASET_LABELS = {"digits": "8×8 digits", "mnist1d": "MNIST-1D"}
