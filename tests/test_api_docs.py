"""The public API is documented: every public function and class of every module has a
docstring that names the chapter explaining it, and the API reference page covers every module."""
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import mem
import mem.plots

ROOT = Path(__file__).resolve().parents[1]
MODULES = [m for m in mem.__all__ if m != "tasks"] + [
    "tasks", "tasks.delayed", "tasks.sequence", "tasks.copy", "tasks.addition", "tasks.permuted"] + [
    f"plots.{m.name}" for m in pkgutil.iter_modules(mem.plots.__path__)]


def _public(module):
    for name, obj in vars(module).items():
        if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj)) \
                and obj.__module__ == module.__name__:
            yield name, obj


@pytest.mark.parametrize("name", MODULES)
def test_every_public_function_and_class_is_documented_with_its_chapter(name):
    module = importlib.import_module(f"mem.{name}")
    assert "chapter" in (module.__doc__ or "").lower(), f"mem.{name}: module docstring names no chapter"
    missing = [n for n, obj in _public(module) if "chapter" not in (inspect.getdoc(obj) or "").lower()]
    assert not missing, f"mem.{name}: no docstring citing a chapter for {missing}"


def test_the_api_page_covers_every_module():
    page = (ROOT / "book" / "api.md").read_text()
    for name in MODULES:
        assert f".. automodule:: mem.{name}\n" in page, name
