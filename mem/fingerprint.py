"""The numerics fingerprint: the facts that decide whether two runs agree bit for bit (all chapters).

Given its seeds, a computation in ``mem`` gives bit-identical results on two machines only when
they run the same floating-point kernels in the same order. That is decided by

* the versions of torch and numpy,
* the machine's architecture, CPU vendor and widest vector instruction set (MKL and oneDNN
  choose their kernels by them),
* torch's CPU dispatch (``torch.backends.cpu.get_cpu_capability()``: ``DEFAULT``, ``AVX2``,
  ``AVX512``; the environment variable ``ATEN_CPU_CAPABILITY`` lowers it),
* the instruction set oneDNN may use (its recurrent kernels run torch's LSTMs on the CPU; the
  environment variable ``ONEDNN_MAX_CPU_ISA`` lowers it),
* MKL's conditional-numerical-reproducibility branch (``MKL_CBWR``, if set),
* numpy's BLAS library, version and kernel core (threadpoolctl; ``OPENBLAS_CORETYPE`` changes it),
* the number of torch threads (a different split of a sum rounds differently).

:func:`fingerprint` reads them; :func:`level` compares a stored fingerprint with this machine's
and names the level of reproduction a re-run can promise: ``"bit-identical"`` where every key
of :data:`KEYS` matches, ``"same conclusions"`` elsewhere (checked against the tolerances of
:mod:`mem.reproduce`). Every zoo entry, every entry of the regularisation sweep and every executed
notebook records the fingerprint it was computed under.
"""
from __future__ import annotations

import os
import platform

__all__ = ["KEYS", "LEVELS", "describe", "fingerprint", "level", "same_numerics"]

#: The keys of a fingerprint, all of which must match for bit-identical results.
KEYS = ("torch", "numpy", "machine", "cpu_vendor", "cpu_isa", "cpu_capability", "onednn_isa", "mkl_cbwr", "blas",
        "threads")
#: x86 vector instruction sets from narrow to wide, as /proc/cpuinfo flags and as named here.
_ISAS = (("sse4_2", "SSE41"), ("avx", "AVX"), ("avx2", "AVX2"), ("avx512f", "AVX512"))
#: The two levels of reproduction, the stronger first.
LEVELS = ("bit-identical", "same conclusions")


def _cpu_vendor() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("vendor_id"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _cpu_isa() -> str:
    """The CPU's widest vector instruction set (``"AVX512"``, ``"AVX2"``, ...; x86 Linux), else the machine."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        flags = []
    best = [name for flag, name in _ISAS if flag in flags]
    return best[-1] if best else platform.machine()


def _onednn_isa(cpu_isa: str) -> str:
    """The instruction set oneDNN uses: the CPU's, lowered by ``ONEDNN_MAX_CPU_ISA`` (or ``DNNL_MAX_CPU_ISA``)."""
    cap = (os.environ.get("ONEDNN_MAX_CPU_ISA") or os.environ.get("DNNL_MAX_CPU_ISA") or "").upper()
    names = [name for _, name in _ISAS]
    if cpu_isa not in names or not cap or cap == "ALL":
        return cpu_isa
    wanted = next((n for n in reversed(names) if cap.startswith(n)), None)
    if wanted is None:
        return f"{cpu_isa} (ONEDNN_MAX_CPU_ISA={cap})"
    return names[min(names.index(wanted), names.index(cpu_isa))]


def _blas() -> str:
    """numpy's BLAS as ``"<library> <version> <core>"`` (threadpoolctl), e.g. ``"openblas 0.3.31 Haswell"``."""
    import numpy as np
    from threadpoolctl import threadpool_info

    np.ones(2) @ np.ones(2)   # make sure numpy's BLAS is loaded
    for info in threadpool_info():
        if info.get("user_api") == "blas" and "numpy" in str(info.get("filepath", "")):
            return " ".join(str(info.get(k) or "?") for k in ("internal_api", "version", "architecture"))
    for info in threadpool_info():
        if info.get("user_api") == "blas":
            return " ".join(str(info.get(k) or "?") for k in ("internal_api", "version", "architecture"))
    return "unknown"


def fingerprint(threads: int | None = None) -> dict:
    """This machine's numerics fingerprint, a dict with the keys of :data:`KEYS` (chapter 2).

    Parameters
    ----------
    threads : int or None
        The torch thread count the computation runs at (default: the current
        ``torch.get_num_threads()``). The zoo passes the count its builds pin.

    Returns
    -------
    dict
        One value per key of :data:`KEYS`, JSON-serialisable: ``threads`` an int, the others
        strings (``mkl_cbwr`` empty where unset). The book's reproducibility page prints the
        zoo's and the reader's.
    """
    import numpy as np
    import torch

    from ._checks import check_int  # lazily, as numpy and torch: importing this module stays cheap

    check_int("threads", threads, none_ok=True)
    isa = _cpu_isa()
    return {"torch": torch.__version__, "numpy": np.__version__, "machine": platform.machine(),
            "cpu_vendor": _cpu_vendor(), "cpu_isa": isa, "cpu_capability": torch.backends.cpu.get_cpu_capability(),
            "onednn_isa": _onednn_isa(isa), "mkl_cbwr": os.environ.get("MKL_CBWR", ""), "blas": _blas(),
            "threads": torch.get_num_threads() if threads is None else threads}


def _check(fp, name: str) -> dict:
    if not isinstance(fp, dict):
        raise TypeError(f"{name} must be a fingerprint dict (mem.fingerprint.fingerprint()), got {type(fp).__name__}")
    missing = [k for k in KEYS if k not in fp]
    if missing:
        raise ValueError(f"{name} must have the keys {list(KEYS)}, missing {missing}")
    return fp


def same_numerics(stored: dict, current: dict | None = None) -> bool:
    """Whether two fingerprints promise bit-identical results (every key of :data:`KEYS` equal; chapter 2).

    ``current`` defaults to :func:`fingerprint` at ``stored``'s thread count.
    """
    stored = _check(stored, "stored")
    current = fingerprint(threads=stored["threads"]) if current is None else _check(current, "current")
    return all(stored[k] == current[k] for k in KEYS)


def level(stored: dict, current: dict | None = None) -> str:
    """The level of reproduction a re-run on ``current`` (default: this machine) promises (chapter 2).

    Returns
    -------
    ``"bit-identical"`` if :func:`same_numerics`, else ``"same conclusions"`` (:data:`LEVELS`).
    """
    return LEVELS[0] if same_numerics(stored, current) else LEVELS[1]


def describe(fp: dict) -> str:
    """One line naming a fingerprint's values, e.g. for a notebook's set-up cell (chapter 2)."""
    fp = _check(fp, "fp")
    return ", ".join(f"{k} {fp[k]}" if fp[k] != "" else f"{k} unset" for k in KEYS)
