"""Every public callable of ``mem`` -- function, class (its constructor) and public method -- has a contract
spec in ``tests/test_contract_*.py`` (tests/contract.py), or an exemption here with its reason (issue 18).

The callables are found by walking the package (a new module, function or method is covered without an edit
here). Run as a script, this file prints the counts for the issue's note: callables covered and cases generated.
"""
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

from mem_modules import mem_modules

#: Public callables without a contract spec, and why, beyond the ``EXEMPT`` dicts of the spec files.
EXEMPT = {}


def public_callables() -> list[str]:
    """``module.name`` of every public function and class, and ``module.Class.method`` of every public method
    defined in a public class of a public ``mem`` module (properties and inherited methods not counted)."""
    out = []
    for name in mem_modules(private=False):
        module = importlib.import_module(name)
        for n, obj in vars(module).items():
            if n.startswith("_") or getattr(obj, "__module__", None) != name:
                continue
            if inspect.isfunction(obj):
                out.append(f"{name}.{n}")
            elif inspect.isclass(obj):
                out.append(f"{name}.{n}")
                out += [f"{name}.{n}.{m}" for m, v in vars(obj).items() if not m.startswith("_")
                        and (inspect.isfunction(v) or isinstance(v, (classmethod, staticmethod)))]
    return out


def spec_modules() -> list:
    here = Path(__file__).parent
    sys.path.insert(0, str(here))
    return [importlib.import_module(m.name) for m in pkgutil.iter_modules([str(here)])
            if m.name.startswith("test_contract_") and m.name != "test_contract_coverage"]


def all_specs() -> list:
    return [s for m in spec_modules() for s in m.SPECS]


def all_exempt() -> dict:
    out = dict(EXEMPT)
    for m in spec_modules():
        out.update(getattr(m, "EXEMPT", {}))
    return out


def test_every_public_callable_has_a_spec_or_a_reason():
    public = public_callables()
    EXEMPT = all_exempt()
    covered = {s.name for s in all_specs()}
    missing = [n for n in public if n not in covered and n not in EXEMPT]
    assert not missing, f"{len(missing)} public callables with neither a contract spec nor a reason in EXEMPT: " \
                        f"{missing}"
    assert not covered & set(EXEMPT), f"both specified and exempt: {sorted(covered & set(EXEMPT))}"
    stale = sorted((covered | set(EXEMPT)) - set(public))
    assert not stale, f"not public callables of mem (renamed or removed?): {stale}"
    assert all(EXEMPT.values()), "every exemption needs a reason"


if __name__ == "__main__":  # the counts for the note: python tests/test_contract_coverage.py
    import os
    import tempfile
    import time

    from contract import check_spec
    specs, counter, t0 = all_specs(), {}, time.perf_counter()
    failed = 0
    for s in specs:
        os.chdir(tempfile.mkdtemp())  # as under pytest: what a call writes to a relative path lands in its own folder
        try:
            check_spec(s, counter)
        except AssertionError as e:
            failed += 1
            print(e)
    public = public_callables()
    print(f"{len(public)} public callables: {len({s.name for s in specs})} with a spec, "
          f"{len(all_exempt())} exempt; {len(specs)} specs, {counter.get('cases', 0)} generated calls, "
          f"{failed} specs failing, {time.perf_counter() - t0:.0f} s")
