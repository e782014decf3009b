"""Every chapter has the same reader-facing frame (issue 7).

A chapter opens with its title and learning goals, and closes with, in this order: the
"What reproduces" box (one call, ``mem.report.what_reproduces``), exercises whose solutions are
code cells that use ``mem``, are hidden on the rendered page (tag ``hide-cell``) and assert what
they conclude, and a references section that lists every work the chapter cites.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
CITE = re.compile(r"\{cite:[a-z]+\}`([^`]+)`")
EXERCISE = re.compile(r"^```\{admonition\} Exercise (\d+)\.(\d+): \S", re.MULTILINE)
SOLUTION = re.compile(r"\A# Solution to exercise (\d+)\.(\d+)\b")


def _heading(cells, text):
    """Index of the markdown cell with the level-2 heading ``text`` (exactly one must exist)."""
    hits = [i for i, c in enumerate(cells)
            if c.cell_type == "markdown" and re.search(rf"^## {re.escape(text)}\s*$", c.source, re.MULTILINE)]
    assert len(hits) == 1, f"expected one '## {text}' heading, found {len(hits)}"
    return hits[0]


def _cited(cells):
    keys = set()
    for c in cells:
        if c.cell_type == "markdown":
            for group in CITE.findall(c.source):
                keys.update(k.strip() for k in group.split(","))
    return keys


@pytest.fixture(params=CHAPTERS, ids=lambda p: p.stem)
def chapter(request):
    path = request.param
    return int(path.stem.split("_")[0]), nbformat.read(path, as_version=4).cells


def test_chapters_exist():
    assert len(CHAPTERS) >= 6


def test_opens_with_title_and_learning_goals(chapter):
    _, cells = chapter
    first = cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    goals = first.source.split("By the end of", 1)
    assert len(goals) == 2, "the first cell states the learning goals ('By the end of this chapter you will ...')"
    assert len(re.findall(r"^- ", goals[1], re.MULTILINE)) >= 3, "at least three learning goals, as a list"


def test_closes_with_box_exercises_and_references(chapter):
    _number, cells = chapter
    box = _heading(cells, "What reproduces")
    exercises = _heading(cells, "Exercises")
    references = _heading(cells, "References")
    assert box < exercises < references == len(cells) - 1, \
        "order: What reproduces, Exercises, References (the last cell)"
    box_code = [c for c in cells[box:exercises] if c.cell_type == "code"]
    box_call = r"^mem\.report\.what_reproduces\(\d, globals\(\)\)$"
    assert any(re.search(box_call, c.source, re.MULTILINE) for c in box_code), \
        "the box is one call, mem.report.what_reproduces(<chapter>, globals())"


def test_exercises_have_hidden_solutions_that_use_mem(chapter):
    number, cells = chapter
    start, end = _heading(cells, "Exercises"), _heading(cells, "References")
    asked, solved = [], []
    for c in cells[start:end]:
        if c.cell_type == "markdown":
            asked += [tuple(map(int, m)) for m in EXERCISE.findall(c.source)]
        else:
            m = SOLUTION.match(c.source)
            assert m, (f"every code cell under Exercises is a solution ('# Solution to exercise {number}.k'): "
                       f"{c.source[:60]!r}")
            solved.append(tuple(map(int, m.groups())))
            assert "hide-cell" in c.metadata.get("tags", []), \
                f"solution {m.group(0)} is hidden on the page (tag hide-cell)"
            assert c.metadata.get("mystnb", {}).get("code_prompt_show") == "Show solution", \
                f"{m.group(0)}: the toggle says 'Show solution' (cell metadata mystnb.code_prompt_show)"
            assert re.search(r"\bmem\.", c.source), f"{m.group(0)} uses the mem package"
            assert re.search(r"^\s*assert\b", c.source, re.MULTILINE), f"{m.group(0)} asserts what it concludes"
            assert c.outputs, f"{m.group(0)} is executed (its outputs are stored)"
    assert len(asked) >= 2, "at least two exercises"
    assert all(ch == number for ch, _ in asked), "exercises are numbered <chapter>.<k>"
    assert [k for _, k in asked] == list(range(1, len(asked) + 1)), "exercises are numbered 1, 2, ... in order"
    assert solved and set(solved) <= set(asked), "every solution belongs to an exercise"
    assert len(solved) == len(set(solved)), "one solution cell per exercise"


def test_references_list_every_cited_work(chapter):
    _, cells = chapter
    refs = cells[_heading(cells, "References")]
    listed = {k for line in refs.source.splitlines() if line.startswith("- ")
              for k in _cited([nbformat.v4.new_markdown_cell(line)])}
    missing = _cited(cells[:-1]) - listed
    assert not missing, f"cited in the chapter but not in its References: {sorted(missing)}"
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    unknown = {k for k in listed if not re.search(rf"@\w+\{{{re.escape(k)},", bib)}
    assert not unknown, f"not in book/references.bib: {sorted(unknown)}"


def test_training_from_scratch_picks_the_device():
    """A chapter that trains a network from scratch trains it on ``mem.train.pick_device()``.

    That is the GPU when there is one (Colab), else the CPU; ``MEM_DEVICE=cpu`` reproduces the
    stored outputs. Zoo networks, fine-tunes and retraining checks stay on the CPU, where runs are
    bit-identical (they do not call ``mem.train.train`` in a chapter).
    """
    training = 0
    for path in CHAPTERS:
        code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        trains = [s for s in code if re.search(r"\bmem\.train\.train(_task)?\(", s)]
        if trains:
            training += 1
            assert any(re.search(r"^DEVICE = mem\.train\.pick_device\(\)", s, re.MULTILINE) for s in code), \
                f"{path.name} trains a network: it sets DEVICE = mem.train.pick_device()"
            for s in trains:
                assert "device=DEVICE" in s, f"{path.name}: training call without device=DEVICE:\n{s}"
    assert training >= 1, "chapter 2 trains a network live"


DEFINITION = re.compile(r"^\s*def \w+\(|^\s*\w+\s*=\s*lambda\b", re.MULTILINE)


@pytest.mark.parametrize("path", [*CHAPTERS, ROOT / "book" / "intro.ipynb", ROOT / "book" / "your_network.ipynb"],
                         ids=lambda p: p.stem)
def test_no_function_is_defined_in_a_notebook_outside_widgets_and_solutions(path):
    """Chapters hold narrative and calls (issue 16): what they compute lives in ``mem``.

    Only widget callbacks (cells that build ipywidgets) and exercise solutions may define functions.
    """
    for c in nbformat.read(path, as_version=4).cells:
        if c.cell_type != "code" or SOLUTION.match(c.source) or "widgets" in c.source:
            continue
        found = DEFINITION.search(c.source)
        assert not found, (f"{path.name}: a function defined in the notebook: {found.group(0).strip()!r}\n"
                           f"{c.source[:200]}")
