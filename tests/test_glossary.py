"""The glossary covers the chapters' technical terms, and the chapters link to it (issue 20).

Every term of ``book/glossary.md`` is defined once and linked (MyST ``{term}`` role) from at least one
page, so no entry is padding; every {term} link names an entry (the book build's ``-n -W`` would
refuse it too, this says which page); each chapter links the terms it introduces: at least
:data:`MIN_TERMS_PER_CHAPTER`, including its own topic's central terms (:data:`CENTRAL`).
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "book" / "glossary.md"
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
PAGES = CHAPTERS + sorted((ROOT / "book").glob("*.ipynb"))
ROLE = re.compile(r"\{term\}`([^`]+)`")
MIN_TERMS_PER_CHAPTER = 8
#: Terms each chapter must link (its subject; a chapter that stops using one should say why here).
CENTRAL = {
    "01_task": ["Delayed classification", "Trigger", "Null class", "Curriculum"],
    "02_training_protocols": ["Curriculum", "Memory lifetime"],
    "03_slow_points": ["Speed", "Fixed point", "Slow point"],
    "04_speed_predicts_memory": ["Speed", "Slow point"],
    "05_speed_regularization": ["Speed", "Slow point"],
    "06_nonnormal_init": ["Non-normal", "Chain", "Fisher memory"],
}


def glossary_terms() -> list[str]:
    """The terms of the glossary block, in order (a term is an unindented line inside ```{glossary})."""
    text = GLOSSARY.read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.DOTALL)
    assert block, "book/glossary.md has no {glossary} block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip() and not line[0].isspace()
            and not line.startswith(":")]


def linked_terms(path: Path) -> list[str]:
    """The glossary terms that ``path`` links ({term}`T` or {term}`text <T>`), in its markdown cells and
    its figure captions (MyST too)."""
    texts = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            texts.append(cell.source)
        texts.append(cell.metadata.get("mystnb", {}).get("figure", {}).get("caption", ""))
    terms = []
    for m in ROLE.finditer("\n".join(texts)):
        target = re.search(r"<([^>]+)>\s*$", m.group(1))
        terms.append((target.group(1) if target else m.group(1)).strip())
    return terms


def test_every_term_is_defined_once_and_used():
    terms = glossary_terms()
    lower = [t.lower() for t in terms]
    assert len(set(lower)) == len(lower), sorted({t for t in lower if lower.count(t) > 1})
    used = {t.lower() for p in PAGES for t in linked_terms(p)}
    md_pages = [p for p in (ROOT / "book").glob("*.md") if p != GLOSSARY]
    for p in md_pages:
        used |= {m.group(1).split("<")[-1].rstrip(">").strip().lower() for m in ROLE.finditer(p.read_text())}
    unused = [t for t in terms if t.lower() not in used]
    assert not unused, f"glossary terms no page links: {unused}"


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_every_link_names_a_glossary_entry(path):
    terms = {t.lower() for t in glossary_terms()}
    missing = sorted({t for t in linked_terms(path) if t.lower() not in terms})
    assert not missing, f"{path.name} links terms the glossary lacks: {missing}"


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_each_chapter_links_its_terms(path):
    linked = {t.lower() for t in linked_terms(path)}
    assert len(linked) >= MIN_TERMS_PER_CHAPTER, f"{path.name} links {len(linked)} glossary terms"
    missing = [t for t in CENTRAL[path.stem] if t.lower() not in linked]
    assert not missing, f"{path.name} does not link {missing}"
