"""The modules of :mod:`mem`, found by walking the package (so that a new or split module needs no test edit)."""
import pkgutil

import mem


def mem_modules(private: bool = True) -> list[str]:
    """Dotted names of every module of ``mem`` (the package itself first); ``private=False`` leaves out
    modules whose own name starts with an underscore (``mem._checks``) and ``__main__`` entry points."""
    names = sorted(m.name for m in pkgutil.walk_packages(mem.__path__, "mem.")
                   if not m.name.startswith("mem.zoo_data") and m.name.rsplit(".", 1)[-1] != "__main__")
    return ["mem"] + [n for n in names if private or not n.rsplit(".", 1)[-1].startswith("_")]
