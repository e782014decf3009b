"""The book's one style module (issue 20): fonts and sizes that stay legible at the column width,
figures shown as high-DPI PNGs that carry their smallest text size, and colours that mean one thing."""
from __future__ import annotations

import io
import re
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from mem.plots import style

PLOTS = Path(style.__file__).parent


def _colours() -> dict[str, set[str]]:
    """Every colour of a style registry, with what it stands for: {hex: {"protocol decu", ...}}.

    The registries are the module's upper-case ``*_COLOR``/``*_COLORS`` constants (a str or a dict of
    names to colours) and MODE_STYLES; CLASS_COLORS (the ten digits) is the one palette left out.
    """
    meaning: dict[str, set[str]] = {}

    def add(colour, what):
        meaning.setdefault(matplotlib.colors.to_hex(colour), set()).add(what)

    for name in dir(style):
        value = getattr(style, name)
        if not re.fullmatch(r"[A-Z_]+_COLORS?", name) or name == "CLASS_COLORS":
            continue
        if isinstance(value, str):
            add(value, name.lower())
        elif isinstance(value, dict):
            for key, colour in value.items():
                add(colour, f"{name.removesuffix('_COLORS').lower()} {key}")
    for (mode, _tracking), kwargs in style.MODE_STYLES.items():
        add(kwargs["color"], f"mode {mode}" if _tracking != "retrack_adam" else "mode re-tracked with Adam")
    return meaning


def test_the_same_colour_means_the_same_thing_everywhere():
    meaning = _colours()
    assert len(meaning) >= 15
    clashes = {c: sorted(w) for c, w in meaning.items() if len(w) > 1}
    assert not clashes, f"colours that stand for two things: {clashes}"


def test_plot_modules_take_their_colours_from_the_style_module():
    """No plot module spells a colour of its own (hex or matplotlib's tab: palette); neutral black and
    greys for axes, reference lines and text are the exception."""
    for path in sorted(PLOTS.glob("*.py")):
        if path.name == "style.py":
            continue
        text = path.read_text(encoding="utf-8")
        found = re.findall(r"[\"'](#[0-9a-fA-F]{6}|tab:\w+|C\d)[\"']", text)
        assert not found, f"{path.name} spells colours itself: {sorted(set(found))}"


def test_figure_sizes_fit_the_column_and_text_stays_legible():
    assert style.figsize(1.0)[0] == style.COLUMN_INCHES and style.figsize(0.5, 2.0) == (style.COLUMN_INCHES / 2, 2.0)
    for bad in (0, 1.2, float("nan")):
        with pytest.raises(ValueError, match="width"):
            style.figsize(bad)
    with pytest.raises(TypeError):
        style.figsize("wide")
    # text of the RC sizes is at least MIN_TEXT_PX in a figure one column wide; 6 pt would not be
    smallest = min(v for k, v in style.RC.items() if k.endswith("size"))
    assert style.rendered_px(smallest, style.COLUMN_INCHES) >= style.MIN_TEXT_PX
    assert style.rendered_px(6, style.COLUMN_INCHES) < style.MIN_TEXT_PX
    # a figure twice the column is shown at half the size: its text shrinks with it
    assert style.rendered_px(8, 2 * style.COLUMN_INCHES) == pytest.approx(style.rendered_px(8, style.COLUMN_INCHES) / 2)


def test_png_carries_the_smallest_visible_text_and_shows_at_half_its_pixels():
    from PIL import Image
    plt = style.pyplot()
    with matplotlib.rc_context(style.RC):
        fig, (a, b) = plt.subplots(1, 2, figsize=style.figsize(1.0))
        a.set_title("seen", fontsize=8.5)
        a.text(0.5, 0.5, "tiny but hidden", fontsize=3, visible=False)
        b.set_visible(False)
        b.set_title("hidden axes", fontsize=2)
        data, meta = style.png(fig)
        plt.close(fig)
    image = Image.open(io.BytesIO(data))
    smallest = float(image.text["mem:smallest_text_pt"])
    assert smallest == min(8.5, style.RC["xtick.labelsize"], style.RC["ytick.labelsize"])
    assert int(image.text["mem:dpi"]) == style.DPI
    assert meta == {"width": round(image.size[0] * 100 / style.DPI), "height": round(image.size[1] * 100 / style.DPI)}
    with pytest.raises(TypeError, match="Figure"):
        style.png("not a figure")


def test_use_sets_the_fonts_and_the_png_formatter_of_ipython():
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure
    shell = InteractiveShell.instance()
    with matplotlib.rc_context():
        style.use()
        assert matplotlib.rcParams["font.size"] == style.RC["font.size"]
        fig = Figure(figsize=style.figsize(0.5))
        fig.add_subplot().plot([0, 1])
        data, meta = shell.display_formatter.format(fig)
    assert data["image/png"].startswith(b"\x89PNG") and meta["image/png"]["width"] > 0
    shell.display_formatter.formatters["image/png"].pop(Figure, None)
    InteractiveShell.clear_instance()
