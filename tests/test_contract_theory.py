"""The contract of :mod:`mem.theory` and :mod:`mem.fingerprint` under generated bad input (tests/contract.py)."""
import numpy as np
import pytest
from contract import Spec, check_spec

from mem import fingerprint as fp


def _A():
    return 0.5 * np.eye(4, k=-1)


def _v():
    return np.eye(4)[0]


SPECS = [
    Spec("mem.theory.fisher_memory", lambda: dict(A=_A(), v=_v(), horizon=6, noise=1.0)),
    Spec("mem.theory.total_memory", lambda: dict(A=_A(), v=_v(), horizon=6, noise=1.0)),
    Spec("mem.theory.delay_line_memory", lambda: dict(n=4, alpha=0.9, noise=1.0)),
    Spec("mem.theory.transient_amplification", lambda: dict(A=_A(), v=_v(), n_steps=5)),
    Spec("mem.theory.schur_departure", lambda: dict(W=_A())),
    Spec("mem.theory.henrici", lambda: dict(W=_A(), relative=True, method="schur")),
    Spec("mem.theory.chain_energy", lambda: dict(W=_A(), offset=1)),
    Spec("mem.theory.chain_profile", lambda: dict(W=_A(), activity=np.ones((3, 4)))),
    Spec("mem.theory.harmonic_number", lambda: dict(n=5)),
    Spec("mem.theory.impulse_path", lambda: dict(W=_A(), n_steps=4, unit=0)),
    Spec("mem.theory.memory_table", lambda: dict(matrices={"chain": _A(), "zero": np.zeros((4, 4))}, v=_v())),
    Spec("mem.theory.delay_line_totals", lambda: dict(alphas=[0.5, 1.0], sizes=[2, 4], noise=1.0)),
    Spec("mem.theory.memory_summary", lambda: dict(A=_A(), v=_v(), n_steps=5)),
    Spec("mem.fingerprint.fingerprint", lambda: dict(threads=1)),
    Spec("mem.fingerprint.same_numerics", lambda: dict(stored=fp.fingerprint(), current=fp.fingerprint())),
    Spec("mem.fingerprint.level", lambda: dict(stored=fp.fingerprint(), current=fp.fingerprint())),
    Spec("mem.fingerprint.describe", lambda: dict(fp=fp.fingerprint())),
]


@pytest.mark.parametrize("spec", SPECS, ids=[s.name.removeprefix("mem.") for s in SPECS])
def test_contract(spec):
    check_spec(spec)
