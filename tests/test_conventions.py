"""The package's conventions (written down in ``mem.__doc__``) hold in every module: ``__all__`` is the public
API, the version has one source, and the one integer check is strict."""
import ast
import importlib
import inspect
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from mem_modules import mem_modules

import mem
from mem import _checks

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _defined_public(module) -> set[str]:
    """Public names a module defines itself (def, class, assignment at top level), read from its source."""
    tree = ast.parse(inspect.getsource(module))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                names |= {t.id for t in ast.walk(target) if isinstance(t, ast.Name)}
    return {n for n in names if not n.startswith("_")}


def _all_problems(name: str) -> list[str]:
    module = importlib.import_module(name)
    if not hasattr(module, "__all__"):
        return [f"{name}: no __all__"]
    problems = []
    listed = list(module.__all__)
    if len(set(listed)) != len(listed):
        problems.append(f"{name}: __all__ lists a name twice")
    undefined = [n for n in listed if not hasattr(module, n)]
    if undefined:
        problems.append(f"{name}: __all__ lists names it does not define: {undefined}")
    unlisted = sorted(_defined_public(module) - set(listed))
    if unlisted:
        problems.append(f"{name}: public names missing from __all__: {unlisted}")
    return problems


def test_the_module_walk_finds_the_package():
    names = mem_modules()
    assert names[0] == "mem" and "mem.models" in names and "mem._checks" in names
    assert all(n == "mem" or n.startswith("mem.") for n in names)


def test_every_module_has_all_equal_to_its_public_api():
    """``__all__`` exists, names only what the module has, and lists every public def, class and constant
    the module defines (imported names are not its API). The failure names every module that drifted."""
    problems = [p for name in mem_modules() for p in _all_problems(name)]
    assert not problems, "\n".join(problems)


def test_the_all_check_catches_drift(tmp_path, monkeypatch):
    (tmp_path / "drifted.py").write_text("from math import pi\n__all__ = ['f', 'gone']\n"
                                         "LIMIT = 3\n_hidden = 1\ndef f(): pass\nclass Thing: pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    problems = _all_problems("drifted")
    assert any("does not define: ['gone']" in p for p in problems)
    assert any("missing from __all__: ['LIMIT', 'Thing']" in p for p in problems)


def test_the_version_has_one_source():
    with open(ROOT / "pyproject.toml", "rb") as f:
        setup = tomllib.load(f)
    assert "version" not in setup["project"] and "version" in setup["project"]["dynamic"]
    assert setup["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "mem.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", mem.__version__)
    # nothing else in the repository spells the version out (the README's citation included) ...
    for path in [ROOT / "README.md", ROOT / "_config.yml"]:
        assert mem.__version__ not in path.read_text(encoding="utf-8"), path.name
    # ... except CITATION.cff, whose one "version:" line `make sync` writes from mem.__version__
    # (tests/test_packaging.py checks that the file is current)
    cff = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    lines = [line for line in cff.splitlines() if mem.__version__ in line]
    assert lines == [f"version: {mem.__version__}"]


@pytest.mark.parametrize("value", [True, np.bool_(True), 20.0, np.float64(3), "3", None])
def test_the_integer_check_refuses_what_is_not_an_integer(value):
    with pytest.raises(TypeError, match="n must be a positive integer, got"):
        _checks.check_int("n", value)


@pytest.mark.parametrize("value", [1, np.int64(7), np.int32(2)])
def test_the_integer_check_accepts_ints_and_numpy_integers(value):
    assert _checks.check_int("n", value) == value and type(_checks.check_int("n", value)) is int


def test_the_integer_check_has_one_behaviour():
    assert _checks.check_count is _checks.check_int
    with pytest.raises(ValueError, match=r"n must be an integer in 2\.\.4, got 5"):
        _checks.check_int("n", 5, 2, 4)
    assert _checks.check_int("seed", None, 0, none_ok=True) is None


def test_checks_imports_nothing_from_mem():
    """``mem._checks`` sits below every module that validates (no import cycle with mem.models)."""
    tree = ast.parse(inspect.getsource(_checks))
    relative = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and (n.level or
                                                                              (n.module or "").startswith("mem"))]
    assert not relative


# --- the import graph -----------------------------------------------------------------------------

def _imports(name: str) -> list[tuple[str, str]]:
    """``(module imported, name taken)`` for every ``mem`` import of module ``name`` (at any depth of its
    source, lazy imports included); ``name taken`` is ``""`` for a plain ``import``."""
    module = importlib.import_module(name)
    is_package = Path(module.__file__).name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(Path(module.__file__).read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "mem" or target.startswith("mem."):
                found += [(target, a.name) for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, "") for a in node.names if a.name == "mem" or a.name.startswith("mem.")]
    return found


def _graph(modules) -> dict[str, set[str]]:
    """Module -> the modules it imports (a name that is itself a module counts as that module). A package's
    own re-exports of its submodules are not edges of the graph (they are how a package is built)."""
    graph = {}
    for name in modules:
        edges = set()
        for target, taken in _imports(name):
            full = f"{target}.{taken}" if taken else target
            edge = full if full in modules else target
            if edge != name and not edge.startswith(name + "."):
                edges.add(edge)
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_import_graph_has_no_cycles():
    """Dependencies run one way (task -> model -> train -> slow points -> analysis -> plots)."""
    assert _cycles(_graph(mem_modules())) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_another_modules_private_names():
    """A name with a leading underscore never crosses modules (make it public, or move it)."""
    modules = set(mem_modules())
    crossing = [f"{name} takes {taken} from {target}" for name in sorted(modules)
                for target, taken in _imports(name)
                if taken.startswith("_") and f"{target}.{taken}" not in modules]
    assert crossing == []


def test_the_storage_engine_knows_no_experiment():
    """mem.store imports nothing of the experiments: the collections register into it (its PROVIDERS table
    names, as strings, the modules that register collections; its command line imports them)."""
    assert {t for t, _ in _imports("mem.store")} - {"mem.store"} <= {"mem._checks", "mem.fingerprint"}
