"""Install `mem` with `pip install .` (not editable) into a fresh virtual environment and run a
chapter there with nbval: proves that the package, including the zoo's three collections of
package data, works from a wheel, away from this checkout.

Run by `make test` (`make installed`); it takes a few minutes (a new environment).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "chapters" / "06_nonnormal_init.ipynb"   # uses every zoo collection


def _torch_pin() -> str:
    m = re.search(r"^TORCH\s*:?=\s*(\S+)", (ROOT / "Makefile").read_text(), re.MULTILINE)
    return m.group(1)


def _run(*args, cwd=None):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    r = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True)
    assert r.returncode == 0, f"{' '.join(map(str, args))} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r.stdout


@pytest.mark.slow
def test_a_chapter_runs_from_a_non_editable_install(tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    py = venv / "bin" / "python"
    # the CPU wheel first, from the index the Makefile uses (TORCH_INDEX, exported by `make`; none outside make)
    index = os.environ.get("TORCH_INDEX", "")
    _run(py, "-m", "pip", "install", "-q", *(["--extra-index-url", index] if index else []), _torch_pin())
    src = tmp_path / "src"                                      # a copy: building never writes into the checkout
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".venv", "_build", ".git", "build", "*.egg-info",
                                                             "__pycache__", ".pytest_cache"))
    _run(py, "-m", "pip", "install", "-q", f"{src}[test]")      # a wheel built from this checkout's files
    work = tmp_path / "elsewhere"                               # nothing of the checkout on sys.path
    work.mkdir()
    where = _run(py, "-c", "import mem, mem.zoo as z, mem.benchmarks as b; print(mem.__file__); "
                 "print(len(z.names()), len(z.names(z.BRIDGE_DIR)), len(b.table()))", cwd=work).split()
    assert Path(where[0]).is_relative_to(venv), f"mem was imported from {where[0]}, not from the install"
    from mem import benchmarks, zoo
    here = [len(zoo.names()), len(zoo.names(zoo.BRIDGE_DIR)), len(benchmarks.table())]   # this checkout's counts
    assert [int(n) for n in where[1:]] == here and here[0] == 54
    _run(py, "-m", "mem.store", "verify", cwd=work)              # every file matches its sha256
    shutil.copy(CHAPTER, work)
    _run(py, "-m", "ipykernel", "install", "--prefix", venv, "--name", "python3")
    _run(py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", ROOT / "tests" / "nbval_sanitize.cfg", work / CHAPTER.name, cwd=work)
