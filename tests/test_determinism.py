"""The regression tests compare numbers, not just the shape of the output (issue 7, determinism).

`make test` re-executes every notebook page (the chapters and the intro) under nbval and compares
each text output with the one stored in the notebook, which an earlier, independent execution
wrote (`make execute`, possibly on another machine). So every page is executed twice and its
sanitized outputs must be identical. That check is only as strong as the sanitize file
(tests/nbval_sanitize.cfg) is tight: here we check, on the outputs actually stored in the
notebooks, that sanitizing erases only timings, progress bars and memory addresses, and that
changing any other number in any output changes what nbval compares.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbval_sanitizer import patterns, sanitize

ROOT = Path(__file__).resolve().parents[1]
PAGES = [*sorted((ROOT / "chapters").glob("*.ipynb")), ROOT / "book" / "intro.ipynb"]
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?")


def _erased_spans(text):
    """Spans of ``text`` that a pattern replaces by a fixed placeholder without digits (applied in order,
    so this is an over-approximation only if patterns overlap)."""
    spans = []
    for regex, replace in patterns():
        if not re.search(r"\d|\\\d", replace):
            spans += [m.span() for m in re.finditer(regex, text)]
    return spans


def _compared_texts(path):
    """Every text output nbval compares: streams and the text/* representations of results."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "nbval-ignore-output" in cell.metadata.get("tags", []):
            continue
        for out in cell.outputs:
            if out.output_type == "stream":
                yield i, out.text
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/"):
                    yield i, value if isinstance(value, str) else "".join(value)


def test_pages_exist():
    assert len(PAGES) >= 7 and all(p.exists() for p in PAGES)


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_sanitizing_erases_only_noise(path):
    numbers = erased = 0
    for _, text in _compared_texts(path):
        spans = _erased_spans(text)
        for m in NUMBER.finditer(text):
            numbers += 1
            if any(a <= m.start() < b for a, b in spans):
                erased += 1
                start = max(text.rfind("\n", 0, m.start()), text.rfind("\r", 0, m.start())) + 1
                ends = [e for e in (text.find("\n", m.end()), text.find("\r", m.end())) if e >= 0]
                context = text[start:min(ends, default=len(text))]      # the number's line
                timing = r"\d ?(ns|us|µs|ms|s|sec|secs|seconds|min|minutes)\b|it/s|s/it|%\|.*\[\d+:\d\d|0x"
                assert re.search(timing, context), \
                    f"a number that is not a timing, progress bar or address is erased: {context!r}"
    assert numbers > 20, "the page prints its results"
    assert erased <= 0.05 * numbers, f"{erased} of {numbers} numbers are erased by the sanitizer"


def _flip(text, i):
    return text[:i] + ("2" if text[i] == "1" else "1") + text[i + 1:]


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_every_kept_number_is_compared(path):
    """Change each number that the sanitizer does not erase, at its leading digit and at its last
    printed decimal up to the fourth: nbval must see both changes (rounded, not erased)."""
    checked = 0
    for cell, text in _compared_texts(path):
        spans = _erased_spans(text)
        clean = sanitize(text)
        for m in NUMBER.finditer(text):
            if any(a <= m.start() < b for a, b in spans):
                continue
            places = [m.start()]
            if "." in m.group():
                dot = m.start() + m.group().index(".")
                places.append(dot + min(len(m.group()) - (dot - m.start()) - 1, 4))
            for i in places:
                assert sanitize(_flip(text, i)) != clean, \
                    f"cell {cell}: changing digit {i - m.start()} of {m.group()!r} would pass nbval unnoticed"
            checked += 1
    assert checked > 20


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_only_widgets_and_machine_dependent_cells_are_not_compared(path):
    """Cells whose output nbval ignores (tag ``nbval-ignore-output``) are widget cells (tag
    ``remove-output``, their output is a widget), or cells that show what differs between machines
    by design (the level a re-run reached, the reader's own fingerprint), which say why in their
    metadata (``mem.ignore_output``, starting "by design"); at most two of the latter per page,
    none asserting a result. Markers are tags, never comments: a reader sees no plumbing."""
    from nbval.plugin import find_comment_markers

    nb = nbformat.read(path, as_version=4)
    by_design = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tags = set(cell.metadata.get("tags", []))
        assert not dict(find_comment_markers(cell.source)), f"cell {i}: an nbval comment marker; use a cell tag"
        assert "nbval-skip" not in tags and "NBVAL_SKIP" not in cell.source, f"cell {i}: nbval-skip"
        if "nbval-ignore-output" not in tags:
            continue
        if "remove-output" in tags and any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                                           for o in cell.outputs):
            continue
        reason = cell.metadata.get("mem", {}).get("ignore_output", "")
        assert reason.startswith("by design"), \
            f"cell {i}: an ignored output must say in metadata mem.ignore_output why it differs by design"
        assert "assert " not in cell.source, f"cell {i}: a claim asserted in a cell nbval does not compare"
        by_design += 1
    assert by_design <= 2
