#!/usr/bin/env python
"""Keep the Colab install cell of every chapter notebook, and CITATION.cff, in sync with their sources.

The repository URL lives in exactly one place, ``repository: url:`` in ``_config.yml``, and the
version in one, ``mem.__version__``.
The first code cell of every notebook of the book (``chapters/*.ipynb`` and ``book/*.ipynb``:
each has a Colab launch button) must be :data:`TEMPLATE` with that URL
filled in, tagged ``hide-input`` (plumbing: the page shows it behind a toggle): in Colab it
pip-installs ``mem`` from the repository, keeping Colab's own torch and ipywidgets (pinned to the
versions Colab has), elsewhere it does nothing. ``CITATION.cff`` is :data:`CITATION` with the URL and
the version filled in.

Usage (from the repository root)::

    python scripts/sync_install_cells.py            # rewrite stale cells and CITATION.cff (`make sync`)
    python scripts/sync_install_cells.py --check    # exit 1 and list stale notebooks (and CITATION.cff)
    python scripts/sync_install_cells.py --print    # print the cell for the current URL

Rewriting: if the first code cell is an install cell (it starts with :data:`MARKER`) its
source is replaced, its ``execution_count`` kept and its outputs cleared (the cell prints
nothing outside Colab). Otherwise a new install cell is inserted before the first code cell
(and any install cell further down is removed), so that no author code is ever overwritten.
Checking never modifies a notebook.

Chapter authors can get the cell from Python too::

    sys.path.insert(0, "scripts")
    from sync_install_cells import install_cell_source
    print(install_cell_source())
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "_config.yml"
CHAPTERS = ROOT / "chapters"
BOOK = ROOT / "book"

MARKER = "# Colab set-up:"
TAG = "hide-input"

TEMPLATE = '''\
# Colab set-up: installs `mem` in Colab only, keeping Colab's own torch and
# ipywidgets (written by `make sync` from _config.yml; do not edit).
import subprocess, sys
if "google.colab" in sys.modules:
    from importlib.metadata import version
    keep = [f"{p}=={version(p)}" for p in ("torch", "ipywidgets")]
    url = "git+{url}"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *keep,
                    "memory-in-rnns @ " + url], check=True)'''

CITATION_FILE = ROOT / "CITATION.cff"
CITATION = '''\
# Written by `make sync` from _config.yml (the URL) and mem/__init__.py (the version); do not edit.
cff-version: 1.2.0
message: >-
  If you use the mem package or the Memory in RNNs book, please cite it as below,
  and cite the two papers whose experiments it rebuilds (listed under references).
type: software
title: "Memory in RNNs: an executable book and the mem package"
abstract: >-
  An executable Jupyter Book, and the Python package mem behind it, that rebuilds at small
  scale the experiments of Haviv, Rivkind & Barak (2019) on memory, training curricula and
  slow points in recurrent networks, and of Orhan & Pitkow (2020) on non-normal
  initialisation, on a laptop CPU.
authors:
  - name: The Memory in RNNs authors
version: {version}
license:
  - MIT
  - CC-BY-4.0
repository-code: "{url}"
keywords:
  - recurrent neural networks
  - working memory
  - slow points
  - fixed points
  - curriculum learning
  - non-normal dynamics
references:
  - type: conference-paper
    authors:
      - family-names: Haviv
        given-names: Doron
      - family-names: Rivkind
        given-names: Alexander
      - family-names: Barak
        given-names: Omri
    title: Understanding and Controlling Memory in Recurrent Neural Networks
    collection-title: Proceedings of the 36th International Conference on Machine Learning
    volume: 97
    start: 2663
    end: 2671
    publisher:
      name: PMLR
    year: 2019
  - type: conference-paper
    authors:
      - family-names: Orhan
        given-names: A. Emin
      - family-names: Pitkow
        given-names: Xaq
    title: Improved memory in recurrent neural networks with sequential non-normal dynamics
    collection-title: International Conference on Learning Representations
    year: 2020
'''


def repository_url(config: Path = CONFIG) -> str:
    """The repository URL from ``_config.yml`` (``repository: url:``)."""
    import yaml

    with open(config, encoding="utf-8") as f:
        cfg = yaml.safe_load(f)
    try:
        url = cfg["repository"]["url"]
    except (KeyError, TypeError):
        raise SystemExit(f"{config}: no `repository: url:` entry") from None
    if not isinstance(url, str) or not url.startswith("https://"):
        raise SystemExit(f"{config}: repository url must be an https:// URL, got {url!r}")
    return url.rstrip("/")


def mem_version() -> str:
    """``mem.__version__`` as written in ``mem/__init__.py`` (read without importing the package)."""
    import ast

    tree = ast.parse((ROOT / "mem" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets):
            return node.value.value
    raise SystemExit("mem/__init__.py defines no __version__")


def citation_text(url: str | None = None) -> str:
    """The exact text of CITATION.cff for ``url`` (default: from ``_config.yml``) and this version."""
    return CITATION.replace("{url}", url if url is not None else repository_url()).replace("{version}", mem_version())


def install_cell_source(url: str | None = None) -> str:
    """The exact source of the install cell for ``url`` (default: from ``_config.yml``)."""
    return TEMPLATE.replace("{url}", url if url is not None else repository_url())


def chapter_notebooks(chapters: Path = CHAPTERS) -> list[Path]:
    return sorted(p for p in chapters.glob("*.ipynb") if p.is_file())


def book_notebooks() -> list[Path]:
    """Every notebook page of the book: the chapters, then the notebooks in ``book/`` (intro, performance)."""
    return chapter_notebooks(CHAPTERS) + chapter_notebooks(BOOK)


def _first_code_cell(nb):
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            return i, cell
    return None, None


def is_current(nb, source: str) -> bool:
    _, cell = _first_code_cell(nb)
    return cell is not None and cell.source == source and TAG in cell.metadata.get("tags", [])


def update(nb, source: str) -> bool:
    """Make the first code cell of ``nb`` the install cell; return True if ``nb`` changed."""
    import nbformat

    if is_current(nb, source):
        return False
    i, cell = _first_code_cell(nb)
    if cell is not None and cell.source.lstrip().startswith(MARKER):
        cell.source = source
        cell.outputs = []
        cell.metadata["tags"] = sorted({*cell.metadata.get("tags", []), TAG})
        return True
    # An install cell further down (e.g. after author code was put above it) would become
    # a duplicate: drop it before inserting the new one at the top.
    nb.cells = [c for c in nb.cells
                if not (c.cell_type == "code" and c.source.lstrip().startswith(MARKER))]
    i, _ = _first_code_cell(nb)
    new = nbformat.v4.new_code_cell(source, metadata={"tags": [TAG]})
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        new.pop("id", None)  # cell ids only exist from nbformat 4.5 on
    nb.cells.insert(len(nb.cells) if i is None else i, new)
    return True


def sync(paths, url: str, check: bool) -> list[Path]:
    """Return the notebooks whose install cell is stale; rewrite them unless ``check``."""
    import nbformat

    source = install_cell_source(url)
    stale = []
    for path in paths:
        path = Path(path)
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        if is_current(nb, source):
            continue
        stale.append(path)
        if not check:
            update(nb, source)
            nbformat.write(nb, path)
    return stale


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="do not modify anything; exit 1 if a notebook is stale")
    mode.add_argument("--print", action="store_true",
                      help="print the install cell for the current URL and exit")
    parser.add_argument("--config", type=Path, default=CONFIG,
                        help="the book's _config.yml (default: %(default)s)")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to process (default: chapters/*.ipynb and book/*.ipynb)")
    args = parser.parse_args(argv)

    url = repository_url(args.config)
    if args.print:
        print(install_cell_source(url))
        return 0
    paths = args.notebooks or book_notebooks()
    stale = sync(paths, url, check=args.check)
    if not args.notebooks:
        text = citation_text(url)
        if not CITATION_FILE.exists() or CITATION_FILE.read_text(encoding="utf-8") != text:
            stale.append(CITATION_FILE)
            if not args.check:
                CITATION_FILE.write_text(text, encoding="utf-8")
    for path in stale:
        verb = "stale install cell" if args.check else "updated"
        print(f"{verb}: {path}")
    if args.check and stale:
        print(f"{len(stale)} file(s) out of date with {args.config} or mem.__version__; run `make sync`.",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
