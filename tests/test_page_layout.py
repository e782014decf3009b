"""What a reader sees on every page of the book, checked on the stored notebooks (issue 20).

The browser test (tests/browser) checks the rendered pages; these checks run without a browser:

- every figure is one PNG per cell, with a numbered caption and alt text (MyST-NB's ``mystnb``
  cell metadata), made by :func:`mem.plots.style.png` at high DPI, and its smallest text is at
  least :data:`mem.plots.style.MIN_TEXT_PX` CSS px when shown at the column width;
- a cell whose output is a widget (a control or a progress bar) is tagged ``remove-output`` and
  shows nothing else, and no page stores widget state: the rendered page never draws a dead control;
- no progress-bar text reaches the page;
- the code a reader sees fits the column, nbval markers are cell tags (not comments), and the
  "What reproduces" box is one short call;
- the code in view is the science: assertions and formatting sit in cells behind a toggle
  (``hide-input``; their output stays on the page), so no visible cell asserts, and a chapter
  shows at most :data:`VISIBLE_CODE_LINES` lines of code.
"""
from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import nbformat
import pytest

from mem.plots import style

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "book").glob("*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"
#: Characters of code that fit the column without a scroll bar (14 px DejaVu Sans Mono in 684 px).
CODE_COLUMNS = 76
#: The column's width in CSS px at a 1280 px window (the browser test measures it).
COLUMN_PX = 688
HIDDEN = {"hide-input", "hide-cell", "remove-input", "remove-cell"}
#: The most lines of code a chapter shows before a reader opens anything (they were 158-398 before issue 20).
VISIBLE_CODE_LINES = 150
TQDM = re.compile(r"\d+%\|.*\|\s*\d+/\d+|\[\d+:\d\d(<|,)")


def _cells(path):
    return [(i, c) for i, c in enumerate(nbformat.read(path, as_version=4).cells) if c.cell_type == "code"]


def _tags(cell):
    return set(cell.metadata.get("tags", []))


def png_text_size(data: bytes, display_width: float | None = None) -> tuple[float, float]:
    """(smallest text in CSS px as shown, display width in CSS px) of a PNG made by ``style.png``."""
    from PIL import Image
    image = Image.open(io.BytesIO(data))
    assert "mem:smallest_text_pt" in image.text, "a figure not made by mem.plots.style.png (call style.use())"
    points, dpi = float(image.text["mem:smallest_text_pt"]), float(image.text["mem:dpi"])
    natural = image.size[0]
    shown = min(display_width if display_width is not None else natural, COLUMN_PX)
    return points * dpi / 72 * shown / natural, shown


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_every_figure_has_a_caption_alt_text_and_legible_text(path):
    names = set()
    for i, cell in _cells(path):
        images = [o for o in cell.outputs if "image/png" in o.get("data", {})]
        if not images:
            continue
        assert len(images) == 1, f"cell {i}: {len(images)} figures in one cell (one figure, one caption)"
        meta = cell.metadata.get("mystnb", {})
        figure, image = meta.get("figure", {}), meta.get("image", {})
        caption, alt, name = figure.get("caption", ""), image.get("alt", ""), figure.get("name", "")
        assert len(caption) >= 20, f"cell {i}: no caption (metadata mystnb.figure.caption)"
        assert len(alt) >= 30 and alt != caption, f"cell {i}: no alt text of its own (metadata mystnb.image.alt)"
        assert re.fullmatch(r"fig-[a-z0-9-]+", name) and name not in names, f"cell {i}: figure name {name!r}"
        names.add(name)
        output = images[0]
        width = output.get("metadata", {}).get("image/png", {}).get("width")
        px, shown = png_text_size(base64.b64decode(output["data"]["image/png"]), width)
        assert px >= style.MIN_TEXT_PX, \
            f"cell {i}: smallest text {px:.1f} CSS px at {shown:.0f} px wide (at least {style.MIN_TEXT_PX})"


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_widgets_and_progress_bars_never_reach_the_page(path):
    nb = nbformat.read(path, as_version=4)
    assert "widgets" not in nb.metadata, "stored widget state draws controls that do nothing on the page"
    for i, cell in _cells(path):
        widget = any(WIDGET in o.get("data", {}) for o in cell.outputs)
        if widget:
            assert "remove-output" in _tags(cell), f"cell {i}: a widget output without the remove-output tag"
            shown = [o for o in cell.outputs if WIDGET not in o.get("data", {})]
            assert not shown, f"cell {i}: a widget cell also shows other output; split the cell"
            continue
        if "remove-output" in _tags(cell):
            continue
        for o in cell.outputs:
            text = o.get("text", "") + o.get("data", {}).get("text/plain", "")
            assert not TQDM.search(text), f"cell {i}: progress-bar text on the page: {text[:80]!r}"


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_the_code_in_view_fits_the_column_and_carries_no_plumbing(path):
    for i, cell in _cells(path):
        assert not re.search(r"(?m)^\s*#\s*NBVAL_", cell.source), f"cell {i}: an nbval comment; use a cell tag"
        if _tags(cell) & HIDDEN or cell.source.startswith("# Colab set-up:"):
            continue
        wide = [line for line in cell.source.splitlines() if len(line) > CODE_COLUMNS]
        assert not wide, f"cell {i}: {len(wide)} lines wider than {CODE_COLUMNS} characters: {wide[0]!r}"
        if "what_reproduces(" in cell.source:
            assert len(cell.source.splitlines()) <= 3, f"cell {i}: the What reproduces box is not a short call"


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_assertions_and_formatting_sit_behind_a_toggle(path):
    shown = 0
    for i, cell in _cells(path):
        if _tags(cell) & HIDDEN or cell.source.startswith("# Colab set-up:"):
            continue
        assert not re.search(r"(?m)^\s*assert\b", cell.source), \
            f"cell {i}: an assertion in view; move it to a hide-input cell after it"
        shown += len(cell.source.splitlines())
    if path.parent.name == "chapters":
        assert shown <= VISIBLE_CODE_LINES, f"{shown} lines of code in view (at most {VISIBLE_CODE_LINES})"


def test_png_text_size_reads_what_style_png_writes():
    import matplotlib
    matplotlib.use("Agg")
    plt = style.pyplot()
    with matplotlib.rc_context(style.RC):
        for width, points in ((0.5, 8), (1.0, 6), (2.0, 8)):
            fig, ax = plt.subplots(figsize=(width * style.COLUMN_INCHES, 2))
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title("a title", fontsize=points)
            data, meta = style.png(fig)
            plt.close(fig)
            px, _shown = png_text_size(data, meta["width"])
            expected = style.rendered_px(points, meta["width"] / 100)
            assert px == pytest.approx(expected, rel=0.02), (width, points, px, expected)
    assert style.rendered_px(6, style.COLUMN_INCHES) < style.MIN_TEXT_PX <= style.rendered_px(7, style.COLUMN_INCHES)
