"""The storage engine: sha256-verified collections of stored results, built resumably on any Executor (chapter 2).

This module knows no experiment. A *collection* (:class:`Collection`) is a folder with a
manifest (a JSON file, ``manifest.json`` by default) listing *entries*: one per config of the
collection's recipe, each with the config, the metrics its ``train`` function measured and,
when the entry stores a file (network weights), that file's name and sha256. An entry without
a file (the chapter-5 sweep's measurements) lives in the manifest alone.

* integrity: :func:`read_verified` refuses a file whose sha256 differs from the manifest's
  (:class:`IntegrityError`); every entry carries a ``checksum`` of itself (:func:`entry_checksum`:
  its metrics, config, file sha256 and provenance), so that a number edited by hand in a manifest is
  refused by every read (:func:`manifest` and all that read through it) and reported by
  :func:`verify`, as is an entry without a checksum; :func:`atomic_write` writes every file and
  manifest so that a reader or a crash never sees half of one;
* finite numbers: an entry that stores inf anywhere, or NaN anywhere but where its collection
  documents NaN (``Collection(nan_ok=...)``: a network's ``metrics.lifetime`` when it remembered
  nothing, a benchmark run's ``metrics.score`` and ``metrics.curve`` on a task without a score or
  after a divergence), is refused when it is built, read or verified. A manifest's collection is
  the registered one stored at its path, else the one its ``"collection"`` field names (a copy
  elsewhere, a build into another folder), else none: then NaN is refused everywhere;
* builds: :func:`build` runs the missing entries of a collection as jobs (:func:`run_jobs`) on
  any ``concurrent.futures.Executor`` (a local process pool by default, or a thread pool, a dask
  or submitit executor), writes each entry as it finishes (so an interrupted build resumes where
  it stopped) and reports failed entries at the end (:class:`BuildError`); :func:`check`
  rebuilds one entry in memory and compares it with the stored one;
* the registry: the collections register themselves (:func:`register`) when their module is
  imported (:func:`unregister` removes one); :func:`lookup` and :func:`collections` find them by name.

How the registry finds collections that are not imported yet: :data:`PROVIDERS` names the modules
that define collections (as strings: this module imports none of them at import time, so the
dependencies run one way, from the collections down to the engine). :func:`lookup` and
:func:`collections` import those modules on first use, and each module's import registers its
collections. A collection defined elsewhere (a test's toy collection, say) is registered
directly with :func:`register`.

One command line for every registered collection::

    python -m mem.store build networks                 # every missing entry, 2 worker processes
    python -m mem.store build networks gru64-decu-s0   # one entry
    python -m mem.store build bridge                   # chapter 6's GRUs with chain/orthogonal init
    python -m mem.store build benchmarks               # chapter 6's copy/addition/digits runs
    python -m mem.store build sweep                    # chapter 5's regularisation sweep
    python -m mem.store check networks gru64-nacu-s0   # rebuild in memory and compare bit for bit
    python -m mem.store verify                         # every manifest and file: all problems, each with its repair
    python -m mem.store seal networks                  # add the checksum to entries written before checksums
    python -m mem.store summary                        # entries, training hours, threads, torch versions
    python -m mem.store list benchmarks                # one line per entry

Results are bit-identical for the same config at the same torch thread count (``cfg["threads"]``,
pinned by :func:`pinned_threads` in each job) where the numerics fingerprint
(:mod:`mem.fingerprint`, recorded with every entry by :func:`manifest_entry`) matches.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import functools
import hashlib
import importlib
import json
import math
import multiprocessing
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import torch
from filelock import FileLock

from ._checks import check_bool, check_float, check_int, check_names, positive_ints
from .fingerprint import fingerprint, level

__all__ = [
    "MANIFEST",
    "PROVIDERS",
    "BuildError",
    "Collection",
    "IntegrityError",
    "atomic_write",
    "build",
    "check",
    "collection_name",
    "collections",
    "entry_checksum",
    "lookup",
    "manifest",
    "manifest_entry",
    "pinned_threads",
    "read_verified",
    "rebuild_command",
    "register",
    "require_keys",
    "run_jobs",
    "seal",
    "sha256",
    "summary",
    "unregister",
    "verify",
    "write_manifest",
]

#: The default name of a collection's manifest inside its folder.
MANIFEST = "manifest.json"

#: The modules that register collections when imported (imported by :func:`lookup` and
#: :func:`collections` on first use; never by this module's own import).
PROVIDERS = ("mem.zoo", "mem.benchmarks", "mem.regularize")


class IntegrityError(RuntimeError):
    """A stored file is missing or its sha256 differs from the manifest's, or a manifest entry is altered,
    carries no checksum or stores numbers its collection does not allow (chapter 2)."""


class BuildError(RuntimeError):
    """Some entries of a build failed; the others were written (chapter 2).

    ``failures`` maps each failed entry's name to its error text.
    """

    def __init__(self, failures: dict):
        if not isinstance(failures, dict):
            raise TypeError(f"failures must be a dict {{entry name: error text}}, got {type(failures).__name__}")
        self.failures = failures
        super().__init__(f"{len(failures)} entries failed: " + "; ".join(f"{n}: {e}" for n, e in failures.items()))


@dataclass(frozen=True)
class Collection:
    """A folder of stored entries with its manifest, and how to build them (chapter 2).

    Parameters
    ----------
    name : the collection's name in the registry and on the command line
    folder : where its files and manifest live
    configs : ``configs()`` lists the recipe (config dicts, each with ``threads``)
    entry_name : ``entry_name(cfg)`` names an entry
    train : ``train(cfg)`` returns ``(file bytes or None, manifest entry)``: None for an entry
        stored in the manifest alone. Must be picklable (a module-level function) for process pools.
    summary : ``summary(entry)``, the line printed when an entry is done
    header : top-level manifest fields written by every build (description, recipe, settings, ...)
    evaluate : ``evaluate(cfg, raw, seconds)`` re-measures stored bytes without training when an
        entry's ``metrics_version`` is out of date; None: such entries are retrained
    metrics_version : the current version of the metrics (None: entries are not versioned)
    manifest_file : the manifest's file name in ``folder``
    suffix : the file name extension of the entries' files
    compare : ``compare(stored bytes, rebuilt bytes)`` returns a dict of extra fields for
        :func:`check` (e.g. the largest weight difference); None: no extra fields
    nan_ok : the fields of an entry where NaN is a documented value, as dotted paths (a path covers
        what lies under it, list items included), e.g. ``("metrics.lifetime",)``: a network that
        remembered nothing (:func:`mem.evaluate.memory_lifetime`). An entry with NaN anywhere else, or
        inf anywhere, is not written by :func:`build` and is refused by :func:`manifest` (so by every
        read) and :func:`verify`. Default: none (every number finite).
    """

    name: str
    folder: Path
    configs: Callable[[], list]
    entry_name: Callable[[dict], str]
    train: Callable
    summary: Callable[[dict], str]
    header: dict = field(default_factory=dict)
    evaluate: Callable | None = None
    metrics_version: int | None = None
    manifest_file: str = MANIFEST
    suffix: str = ".pt"
    compare: Callable | None = None
    nan_ok: tuple = ()

    def __post_init__(self):
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a collection's name (str), got {type(self.name).__name__}")
        if not self.name or any(c.isspace() for c in self.name):
            raise ValueError(f"name must be a non-empty name without spaces (a command-line word), got {self.name!r}")
        object.__setattr__(self, "folder", _folder(self.folder))
        for param in ("configs", "entry_name", "train", "summary", "evaluate", "compare"):
            value, none_ok = getattr(self, param), param in ("evaluate", "compare")
            if not callable(value) and not (none_ok and value is None):
                raise TypeError(f"{param} must be a function{' or None' if none_ok else ''}, "
                                f"got {type(value).__name__}")
        if not isinstance(self.header, dict):
            raise TypeError(f"header must be a dict of top-level manifest fields, got {type(self.header).__name__}")
        object.__setattr__(self, "metrics_version", check_int("metrics_version", self.metrics_version, lo=0,
                                                              none_ok=True))
        _file_name(self.manifest_file, "manifest_file")
        if not isinstance(self.suffix, str):
            raise TypeError(f"suffix must be a file name extension (str) such as '.pt', "
                            f"got {type(self.suffix).__name__}")
        object.__setattr__(self, "nan_ok", tuple(check_names("nan_ok", self.nan_ok)))


_REGISTRY: dict[str, Collection] = {}


def register(collection: Collection, replace: bool = False) -> Collection:
    """Add ``collection`` to the registry under its name (chapter 2); returns it.

    Raises ValueError if another collection already has that name, unless ``replace``.
    """
    if not isinstance(collection, Collection):
        raise TypeError(f"collection must be a Collection, got {type(collection).__name__}")
    check_bool("replace", replace)
    old = _REGISTRY.get(collection.name)
    if old is not None and old is not collection and not replace:
        raise ValueError(f"collection name {collection.name!r} is already registered (folder {old.folder}); "
                         "pass replace=True to replace it")
    _REGISTRY[collection.name] = collection
    return collection


def unregister(name: str) -> Collection:
    """Remove the collection called ``name`` from the registry and return it (chapter 2)."""
    _lookup(name, "name")
    return _REGISTRY.pop(name)


def _import_providers() -> None:
    for module in PROVIDERS:
        importlib.import_module(module)


def collections() -> list[str]:
    """Names of every registered collection, the :data:`PROVIDERS`' included (chapter 2)."""
    _import_providers()
    return sorted(_REGISTRY)


def _lookup(name, param: str) -> Collection:
    """The registered collection called ``name``; errors name the caller's parameter ``param``."""
    if not isinstance(name, str):
        raise TypeError(f"{param} must be a collection's name (str), got {type(name).__name__}")
    if name not in _REGISTRY:
        _import_providers()
    if name not in _REGISTRY:
        raise ValueError(f"{param} must be one of {sorted(_REGISTRY)}, got {name!r}")
    return _REGISTRY[name]


def lookup(name: str) -> Collection:
    """The registered :class:`Collection` called ``name`` (chapter 2)."""
    return _lookup(name, "name")


def rebuild_command(name: str) -> str:
    """The command line that rebuilds collection ``name``'s entries, as manifests record it (chapter 2)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a collection's name (str), got {type(name).__name__}")
    return f"python -m mem.store build {name} [names]"


def collection_name(folder: Path | str) -> str:
    """The name of the registered collection stored in ``folder``, else ``"COLLECTION"``: for the repair
    commands in messages (chapter 2)."""
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path (str or pathlib.Path), got {type(folder).__name__}")
    for col in _REGISTRY.values():
        if Path(col.folder).resolve() == Path(folder).resolve():
            return col.name
    return "COLLECTION"


# ------------------------------------------------------------------------------------------------
# Integrity: checksums, atomic writes, manifests
# ------------------------------------------------------------------------------------------------
def sha256(data: bytes) -> str:
    """The sha256 hex digest of ``data`` (chapter 2)."""
    if not isinstance(data, bytes):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    return hashlib.sha256(data).hexdigest()


def atomic_write(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader (or a crash) never sees half a file (chapters 2, 5).

    Every file and manifest of every collection is written this way."""
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or Path), got {type(path).__name__}")
    if not isinstance(data, bytes):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    path = Path(path)
    if not path.name or path.name in (".", ".."):
        raise ValueError(f"path must be a file path (str or Path), got {str(path)!r}")
    if not path.parent.is_dir() or path.is_dir():
        raise ValueError(f"path must be a file path in an existing folder, got {str(path)!r}")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _folder(folder, param: str = "folder") -> Path:
    if isinstance(folder, bytes) or not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"{param} must be a folder path (str or Path), got {folder!r}")
    if isinstance(folder, str) and not folder:
        raise ValueError(f"{param} must be a folder path (str or Path), got the empty str")
    return Path(folder)


def _file_name(file, param: str = "file") -> str:
    """A manifest's file name inside its folder (no folder part)."""
    if not isinstance(file, str):
        raise TypeError(f"{param} must be a file name (str) such as {MANIFEST!r}, got {type(file).__name__}")
    if not file or file in (".", "..") or "/" in file or os.sep in file:
        raise ValueError(f"{param} must be a file name without a folder, such as {MANIFEST!r}, got {file!r}")
    return file


def entry_checksum(entry: dict) -> str:
    """The checksum of a manifest entry: the sha256 of its canonical JSON (chapter 2).

    It covers everything the entry records but its own ``"checksum"``: the metrics, the config, the
    file's name and sha256, the fingerprint, the training time. Canonical: the entry as a manifest
    stores it (JSON read back: tuples are lists, keys are strings), with sorted keys and no spaces, so
    that the same content always gives the same checksum (a NaN is written ``NaN``). :func:`build`
    stores it in every entry it writes; :func:`manifest` and :func:`verify` recompute it.
    """
    if not isinstance(entry, dict):
        raise TypeError(f"entry must be a manifest entry (dict), got {type(entry).__name__}")
    body = {k: v for k, v in entry.items() if k != "checksum"}
    try:
        body = json.loads(json.dumps(body))
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as err:
        raise ValueError(f"entry must hold JSON values only (str keys, numbers, strings, lists, dicts): {err}") \
            from None
    return sha256(text.encode())


def _nonfinite(x, nan_ok: tuple = (), where: str = "", field: str = "") -> str | None:
    """Where a JSON value holds inf, or NaN outside the fields ``nan_ok`` (``metrics.curve.normalized[3]``),
    or None. ``field`` is ``where`` without list indices (what ``nan_ok`` names)."""
    if isinstance(x, float):
        if math.isfinite(x) or (math.isnan(x) and any(field == p or field.startswith(p + ".") for p in nan_ok)):
            return None
        return f"{where or 'the value'} ({x})"
    if isinstance(x, dict):
        for k, v in x.items():
            found = _nonfinite(v, nan_ok, f"{where}.{k}" if where else str(k), f"{field}.{k}" if field else str(k))
            if found:
                return found
    elif isinstance(x, (list, tuple)):
        for i, v in enumerate(x):
            found = _nonfinite(v, nan_ok, f"{where}[{i}]", field)
            if found:
                return found
    return None


def _registered_at(path: Path) -> Collection | None:
    """The registered collection whose manifest is the file ``path``."""
    here = path.resolve()
    for col in _REGISTRY.values():
        if (Path(col.folder) / col.manifest_file).resolve() == here:
            return col
    return None


def _owner(path: Path, man: dict) -> Collection | None:
    """The collection a manifest belongs to: the registered one stored at ``path``, else the registered
    collection its ``"collection"`` field names (a copy, a build into another folder), else None."""
    col = _registered_at(path)
    if col is None and isinstance(man.get("collection"), str):
        try:
            col = lookup(man["collection"])
        except ValueError:
            return None
    return col


def _name_at(path: Path) -> str:
    """The name of the collection stored at ``path`` for the repair commands, else ``"COLLECTION"``."""
    col = _registered_at(path)
    return "COLLECTION" if col is None else col.name


def _entry_problem(e, nan_ok: tuple) -> tuple[str, str] | None:
    """(kind, what is wrong) for one stored entry, or None: kind is ``"unsealed"`` (no checksum), ``"altered"``
    (the checksum does not match the content) or ``"nonfinite"`` (inf, or NaN outside the fields ``nan_ok``)."""
    if not isinstance(e, dict):
        return "altered", f"is not a JSON object but a {type(e).__name__}"
    if "checksum" not in e:
        return "unsealed", "carries no checksum of its metrics (written before entries had one, or it was removed)"
    try:
        digest = entry_checksum(e)
    except ValueError as err:
        return "altered", str(err)
    if digest != e["checksum"]:
        return "altered", (f"was changed after it was written (a metric, config or sha256 edited by hand?): "
                           f"its checksum is {str(e['checksum'])[:16]}..., its content gives {digest[:16]}...")
    where = _nonfinite(e, nan_ok)
    if where:
        return "nonfinite", (f"stores a non-finite number at {where}, which its collection does not allow "
                             f"(NaN is allowed only in {list(nan_ok)})")
    return None


def _repair(kind: str, col: str, name: str, path: Path) -> str:
    """The repair of an entry problem of ``kind`` (:func:`_entry_problem`), as a command line."""
    rebuild = f"`python -m mem.store build {col} {name}`"
    if kind == "unsealed":
        return (f"if its stored metrics are as built, add the checksum with `python -m mem.store seal {col}`; "
                f"else restore the manifest with `git checkout -- {path}` or rebuild the entry with {rebuild}")
    return f"restore the manifest with `git checkout -- {path}`, or rebuild the entry with {rebuild}"


def _entry_problems(path: Path, man: dict, nan_ok: tuple | None = None) -> list[tuple[str, str]]:
    """(entry name, problem with its repair command) for every bad entry of the manifest ``man`` read from
    ``path``; ``nan_ok``: the fields where NaN is allowed (default: the manifest's collection's, else none)."""
    if nan_ok is None:
        owner = _owner(path, man)
        nan_ok = () if owner is None else owner.nan_ok
    col, out = _name_at(path), []
    for name, e in man["entries"].items():
        found = _entry_problem(e, nan_ok)
        if found:
            out.append((name, f"entry {name!r} of {path} {found[1]}; {_repair(found[0], col, name, path)}"))
    return out


def _read_manifest(path: Path) -> dict:
    """The manifest at ``path`` as stored (its entries not checked), ``{"format": 1, "entries": {}}`` if absent."""
    if not path.exists():
        return {"format": 1, "entries": {}}
    try:
        man = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise IntegrityError(f"manifest {path} is not readable JSON ({err}); restore it with `git checkout -- "
                             f"{path}`, or remove it and rebuild every entry with `python -m mem.store build "
                             f"{_name_at(path)}`") from None
    except IsADirectoryError:
        raise IntegrityError(f"manifest {path} is a folder, not a file") from None
    if not isinstance(man, dict) or not isinstance(man.get("entries"), dict):
        raise IntegrityError(f"manifest {path} has no 'entries' table; restore it with `git checkout -- {path}`")
    return man


def manifest(folder: Path | str, file: str = MANIFEST, param: str = "folder") -> dict:
    """A collection's manifest, ``{"entries": {name: {...}}, ...}``, after checking every entry (chapter 2).

    ``folder/file`` if it exists, else ``{"format": 1, "entries": {}}``. ``param`` is the name
    the caller's argument goes by in error messages.

    Raises
    ------
    IntegrityError
        With the command that repairs it, if the manifest is not readable or if an entry carries no
        checksum, does not match its checksum (a number edited by hand) or stores NaN or inf where its
        collection does not allow them (:class:`Collection`'s ``nan_ok``).
    """
    path = _folder(folder, param) / _file_name(file)
    man = _read_manifest(path)
    problems = _entry_problems(path, man)
    if problems:
        more, col = len(problems) - 1, _name_at(path)
        listing = f": `python -m mem.store verify {col}` lists them all" if col != "COLLECTION" else ""
        raise IntegrityError(problems[0][1] + (f" ({more} more entries with problems{listing})" if more else ""))
    return man


def write_manifest(folder: Path | str, man: dict, file: str = MANIFEST) -> None:
    """Write ``man`` (entries sorted by name, indented JSON) atomically to ``folder/file`` (chapter 2).

    The entries are written as they are: :func:`build` and :func:`seal` add their checksums."""
    folder, file = _folder(folder), _file_name(file)
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing folder, got {str(folder)!r}")
    if not isinstance(man, dict):
        raise TypeError(f"man must be a manifest dict with 'entries', got {type(man).__name__}")
    if not isinstance(man.get("entries"), dict):
        raise ValueError("man must be a manifest dict with 'entries', got one without an 'entries' dict")
    man["entries"] = dict(sorted(man["entries"].items()))
    atomic_write(folder / file, (json.dumps(man, indent=1) + "\n").encode())


def _file_problem(folder: Path, name: str, e: dict, col: str) -> tuple[bytes | None, str | None]:
    """(the bytes of entry ``name``'s file, None) if they match the entry's sha256, else (None, the problem)."""
    path = folder / e["file"]
    again = f"rebuild it with `python -m mem.store build {col} {name}`"
    if not path.exists():
        return None, f"file {path} is missing; {again}"
    raw = path.read_bytes()
    digest = sha256(raw)
    if digest != e.get("sha256"):
        return None, (f"sha256 mismatch for {path}: manifest says {e.get('sha256')}, file has {digest}. "
                      f"The file was altered or truncated; {again}")
    return raw, None


def read_verified(name: str, folder: Path | str, file: str = MANIFEST, param: str = "folder") -> bytes:
    """The bytes of entry ``name``'s file, after checking them against the manifest's sha256 (chapter 2).

    The manifest is read by :func:`manifest`, which checks every entry's checksum.

    Raises
    ------
    ValueError
        For an unknown name or an entry without a file.
    IntegrityError
        If the file is missing or altered, or the manifest is (:func:`manifest`).
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be an entry's name (str), got {type(name).__name__}")
    folder = _folder(folder, param)
    entries = manifest(folder, file, param)["entries"]
    if name not in entries:
        raise ValueError(f"name must be one of the entries {sorted(entries)} in {param} {str(folder)!r} "
                         f"(manifest file {file!r}), got {name!r}")
    e = entries[name]
    if "file" not in e:
        raise ValueError(f"name must be an entry with a file; {name!r} is stored in the manifest alone")
    raw, problem = _file_problem(folder, name, e, _name_at(folder / file))
    if problem:
        raise IntegrityError(problem)
    return raw


def verify(collection: str) -> tuple[int, list[str]]:
    """Check a collection's manifest, every entry and every file it lists, and report every problem at once
    (chapter 2).

    The manifest must exist and be readable; every entry must match its checksum (:func:`entry_checksum`:
    no metric edited since it was built; an entry without one is a problem too) and hold no inf, and
    no NaN but where the collection documents it (``nan_ok``); every entry with a file must have that file,
    with the recorded sha256. Returns ``(number of files verified, problems)``, each problem one line
    ending in the command that repairs it; ``python -m mem.store verify`` prints them and exits
    non-zero if there are any.
    """
    col = _lookup(collection, "collection")
    path = Path(col.folder) / col.manifest_file
    if not path.exists():
        return 0, [f"{collection}: manifest {path} is missing; restore it with `git checkout -- {path}` "
                   f"or rebuild with `python -m mem.store build {collection}`"]
    try:
        entries = _read_manifest(path)["entries"]
    except IntegrityError as err:
        return 0, [f"{collection}: {err}"]
    problems = [f"{collection}/{name}: {p}" for name, p in _entry_problems(path, {"entries": entries},
                                                                              col.nan_ok)]
    n = 0
    for name, e in entries.items():
        if not isinstance(e, dict) or "file" not in e:
            continue
        _, problem = _file_problem(Path(col.folder), name, e, collection)
        if problem:
            problems.append(f"{collection}/{name}: {problem}")
        else:
            n += 1
    return n, problems


def _lock(path: Path) -> FileLock:
    """The lock of the manifest ``path``, in the temporary folder (the collection's folder stays clean)."""
    key = sha256(str(path.resolve()).encode())[:16]
    return FileLock(str(Path(tempfile.gettempdir()) / f"mem-store-{key}.lock"))


def _with_collection(man: dict, col: Collection) -> dict:
    """``man`` with the collection's header and, first, its name (how a copy elsewhere knows its collection)."""
    out = {"collection": col.name, **{k: v for k, v in man.items() if k != "collection"}}
    out.update(col.header)
    return out


def seal(collection: str, folder: Path | str | None = None) -> tuple[int, list[str]]:
    """Add the checksum (:func:`entry_checksum`) to every entry of a collection that has none (chapter 2).

    For manifests written before entries carried checksums: the checksum is computed from the entry
    as it is stored -- nothing is retrained or re-measured -- so seal only what you trust as built
    (the package's manifests were sealed so, from their committed state). An entry whose checksum
    does not match is left as it is (seal never overwrites a checksum; restore or rebuild it), and
    an entry with NaN or inf in a collection that does not allow them is not sealed. The manifest
    also gets its ``"collection"`` field. ``python -m mem.store seal <collection>`` runs this.

    Parameters
    ----------
    collection : name of a registered collection
    folder : the folder of the manifest (default: the collection's own)

    Returns
    -------
    ``(number of entries sealed, problems)``, each problem one line with its repair command.
    """
    col = _lookup(collection, "collection")
    folder = _folder(col.folder if folder is None else folder)
    path = folder / col.manifest_file
    if not path.exists():
        return 0, [f"{collection}: manifest {path} is missing: nothing to seal"]
    with _lock(path):
        man = _read_manifest(path)
        n, problems = 0, []
        for name, e in man["entries"].items():
            if isinstance(e, dict) and "checksum" not in e:
                where = _nonfinite(e, col.nan_ok)
                if where is None:
                    e["checksum"] = entry_checksum(e)
                    n += 1
                else:
                    problems.append(f"{collection}/{name}: entry stores a non-finite number at {where}, which the "
                                    f"{collection} collection does not allow: not sealed; rebuild it with "
                                    f"`python -m mem.store build {collection} {name}`")
                continue
            found = _entry_problem(e, col.nan_ok)
            if found:
                problems.append(f"{collection}/{name}: entry {found[1]}; {_repair(found[0], collection, name, path)}")
        header = {"collection": col.name, **col.header}
        if n or any(k not in man or man[k] != v for k, v in header.items()):
            write_manifest(folder, _with_collection(man, col), col.manifest_file)
    return n, problems


# ------------------------------------------------------------------------------------------------
# What every collection's train function shares
# ------------------------------------------------------------------------------------------------
def require_keys(cfg, keys) -> None:
    """``cfg`` must be a dict with every one of ``keys`` (a list of names); otherwise a ValueError naming
    the missing ones (a TypeError if ``cfg`` is not a dict).

    Shared by every collection's recipe (chapters 2, 5, 6)."""
    if not isinstance(cfg, dict):
        raise TypeError(f"cfg must be a config dict, got {type(cfg).__name__}")
    keys = check_names("keys", keys)
    missing = [k for k in keys if k not in cfg]
    if missing:
        raise ValueError(f"cfg must have the keys {list(keys)}, missing {missing}")


def pinned_threads(fn):
    """Decorator: run ``fn(cfg, ...)`` at the config's recorded torch thread count ``cfg["threads"]``
    (results depend on it; chapters 2, 5, 6). Every collection's train function uses it."""
    if not callable(fn):
        raise TypeError(f"fn must be a function fn(cfg, ...), got {type(fn).__name__}")
    @functools.wraps(fn)  # keeps the name, so process pools can pickle the function
    def run(cfg, *args, **kwargs):
        require_keys(cfg, ("threads",))
        before = torch.get_num_threads()
        torch.set_num_threads(cfg["threads"])
        try:
            return fn(cfg, *args, **kwargs)
        finally:
            torch.set_num_threads(before)
    return run


def manifest_entry(cfg: dict, raw: bytes, metrics: dict, seconds: float, metrics_version: int | None = None,
                   evaluation: dict | None = None) -> dict:
    """A manifest entry for one built file (without ``file``; chapters 2, 5, 6).

    Records the file's sha256 and size, the config, seed and thread count, the torch version,
    the numerics fingerprint of this build (:func:`mem.fingerprint.fingerprint` at the config's
    thread count), the metrics, their version, the evaluation settings and the training time
    (``seconds``, a finite number >= 0).
    """
    require_keys(cfg, ("seed", "threads"))
    if not isinstance(raw, bytes):
        raise TypeError(f"raw must be the bytes of the entry's file, got {type(raw).__name__}")
    if not isinstance(metrics, dict):
        raise TypeError(f"metrics must be a dict of the entry's measurements, got {type(metrics).__name__}")
    check_float("seconds", seconds, ge=0)
    check_int("metrics_version", metrics_version, lo=0, none_ok=True)
    if evaluation is not None and not isinstance(evaluation, dict):
        raise TypeError(f"evaluation must be a dict of the evaluation settings or None, got "
                        f"{type(evaluation).__name__}")
    return {"sha256": sha256(raw), "bytes": len(raw), "config": cfg, "seed": cfg["seed"], "threads": cfg["threads"],
            "torch_version": torch.__version__, "fingerprint": fingerprint(threads=cfg["threads"]),
            "metrics": metrics, "metrics_version": metrics_version, "evaluation": evaluation,
            "train_seconds": round(seconds, 1)}


# ------------------------------------------------------------------------------------------------
# Builds
# ------------------------------------------------------------------------------------------------
def _exit_with_parent(parent: int, interval: float = 1.0) -> None:
    """A pool worker's initializer: a daemon thread ends the worker once its parent process is gone.

    A build killed outright (SIGKILL, a closed terminal) cannot shut its pool down, and its
    workers would go on training, orphaned; this makes them stop within ``interval`` seconds.
    """
    import threading

    def watch():
        while True:
            time.sleep(interval)
            if os.getppid() != parent:      # re-parented: the build that started us is gone
                os._exit(1)
    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def _check_executor(executor) -> None:
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise TypeError(f"executor must be a concurrent.futures.Executor (with a submit method) or None, "
                        f"got {type(executor).__name__}")


def run_jobs(jobs: dict, done, executor: cf.Executor | None = None, workers: int = 2) -> dict:
    """Run ``{name: (fn, args)}`` on an Executor, calling ``done(name, result)`` as each finishes (chapter 2).

    Default executor: a spawn process pool of ``workers`` processes, each of which ends itself if
    the build's process dies (no orphaned workers). A job that raises is recorded and the others go on.

    Returns
    -------
    ``{name: "ErrorType: message"}`` for the jobs that failed.
    """
    if not isinstance(jobs, dict):
        raise TypeError(f"jobs must be a dict {{name: (fn, args)}}, got {type(jobs).__name__}")
    bad = [n for n, job in jobs.items() if not (isinstance(job, (tuple, list)) and len(job) == 2 and callable(job[0])
                                                and isinstance(job[1], (tuple, list)))]
    if bad:
        raise TypeError(f"jobs must be a dict {{name: (fn, args)}}, a function and its argument tuple; "
                        f"not so for {bad[:3]}")
    if not callable(done):
        raise TypeError(f"done must be a callable done(name, result), got {type(done).__name__}")
    _check_executor(executor)
    positive_ints(workers=workers)
    failures = {}
    own = executor is None and bool(jobs)
    if own:
        executor = cf.ProcessPoolExecutor(max_workers=min(workers, len(jobs)),
                                          mp_context=multiprocessing.get_context("spawn"),
                                          initializer=_exit_with_parent, initargs=(os.getpid(),))
    try:
        futures = {executor.submit(fn, *args): n for n, (fn, args) in jobs.items()}
        for fut in cf.as_completed(futures):
            n = futures[fut]
            try:
                result = fut.result()
            except Exception as err:  # one job's crash must not lose the others
                failures[n] = f"{type(err).__name__}: {err}"
                print(f"{n}: FAILED ({failures[n]})", flush=True)
                continue
            done(n, result)
    finally:
        if own:
            executor.shutdown()
    return failures


def _status(name: str, cfg: dict, man: dict, folder: Path, col: Collection) -> tuple[str, bytes | None]:
    """("done" | "evaluate" | "train", file bytes if the stored file is valid for this config).

    An entry that fails its checks (no checksum, edited by hand, NaN or inf its collection does not allow)
    is measured again: re-evaluated from its intact file where the collection can, else rebuilt."""
    e = man["entries"].get(name)
    if not isinstance(e, dict) or e.get("config") != cfg:
        return "train", None
    raw = None
    if "file" in e:
        path = folder / e["file"]
        if not path.exists():
            return "train", None
        raw = path.read_bytes()
        if sha256(raw) != e.get("sha256"):
            return "train", None
    if _entry_problem(e, col.nan_ok) is not None:
        return ("evaluate", raw) if col.evaluate is not None and raw is not None else ("train", None)
    if col.metrics_version is None or e.get("metrics_version") == col.metrics_version:
        return "done", raw
    return "evaluate", raw


def build(collection: str, which: list[str] | None = None, folder: Path | str | None = None,
          executor: cf.Executor | None = None, workers: int = 2, configs: list[dict] | None = None,
          force: bool = False, replace: bool = False) -> dict:
    """Build a collection's entries (default: all of its recipe); write files and manifest (chapters 2, 4, 5, 6).

    Resumable: an entry whose config matches the manifest's (and whose file matches its sha256)
    is skipped, or re-measured without retraining if its metrics predate the collection's
    metrics version or the entry fails its checks (no checksum, edited by hand, NaN or inf its
    collection does not allow; retrained where the collection cannot re-measure). Every entry is
    written with its checksum (:func:`entry_checksum`); an entry holding NaN or inf that its
    collection does not allow is not written and counts as failed. Every file and the manifest are
    written atomically as each entry finishes, so an interrupted build keeps what it finished; an
    entry that raises does not stop the others and is reported at the end. Builds into one folder
    may run at once: each adds its entries to the manifest under a file lock, after re-reading it,
    so none is lost.

    Parameters
    ----------
    collection : name of a registered collection (:func:`collections`)
    which : list of entry names, optional
    folder : folder to write to (default: the collection's own)
    executor : any ``concurrent.futures.Executor`` (a process pool, ``dask.distributed``'s
        ``client.get_executor()``, a submitit executor, ...); default a local process pool
        of ``workers`` processes. Each job pins its own torch thread count (the config's
        ``threads``), so results do not depend on the executor.
    configs : list of config dicts, optional; a recipe other than the collection's
    force : rebuild even entries that are already built
    replace : when a forced rebuild of an intact entry gives other bytes than those recorded (another
        machine's numerics, :mod:`mem.fingerprint`), write them over the stored entry; by default the
        stored entry is kept and the build says why

    Returns
    -------
    The updated manifest.

    Raises
    ------
    BuildError after the build if any entry failed (the others are written).
    """
    col = _lookup(collection, "collection")
    if configs is not None:
        if not isinstance(configs, (list, tuple)) or not all(isinstance(c, dict) for c in configs):
            raise TypeError(f"configs must be a list of config dicts or None, got {type(configs).__name__}"
                            + ("" if not isinstance(configs, (list, tuple)) else " with other things in it"))
    which = check_names("which", which, none_ok=True)
    folder = _folder(col.folder if folder is None else folder)
    _check_executor(executor)
    positive_ints(workers=workers)
    force, replace = check_bool("force", force), check_bool("replace", replace)
    configs = {col.entry_name(c): c for c in (col.configs() if configs is None else configs)}
    which = sorted(configs) if not which else which
    unknown = [n for n in which if n not in configs]
    if unknown:
        raise ValueError(f"which must name entries of {sorted(configs)} (the configs' names), got unknown {unknown}")
    path = folder / col.manifest_file
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"folder must be a folder, got the file {str(folder)!r}")
    folder.mkdir(parents=True, exist_ok=True)
    man = _with_collection(_read_manifest(path), col)   # as stored: entries that fail their checks are rebuilt
    jobs, intact = {}, {}
    for n in which:
        state, raw = _status(n, configs[n], man, folder, col)
        if state != "train":           # a stored entry valid for this config: its sha256
            intact[n] = man["entries"][n]["sha256"]
        if force or state == "train" or (state == "evaluate" and (col.evaluate is None or raw is None)):
            jobs[n] = (col.train, (configs[n],))
        elif state == "evaluate":
            jobs[n] = (col.evaluate, (configs[n], raw, man["entries"][n].get("train_seconds", 0.0)))
    skipped = [n for n in which if n not in jobs]
    if skipped:
        print(f"{len(skipped)} entries already built, skipped", flush=True)

    lock = _lock(path)   # one lock per manifest
    state, refused = {"man": man}, {}

    def done(n, result):
        raw, entry = result
        if n in intact and entry["sha256"] != intact[n] and not replace:
            here, stored = entry.get("fingerprint"), man["entries"][n].get("fingerprint")
            promise = level(stored, here) if here and stored else "unknown"
            print(f"{n}: kept the stored entry: the rebuild gave other bytes (sha256 {entry['sha256'][:12]}, "
                  f"stored {intact[n][:12]}; what a re-run here promises: {promise}). Pass --replace "
                  f"(replace=True) to overwrite it.", flush=True)
            return
        if raw is not None:
            entry = {"file": f"{n}{col.suffix}", **entry}
        where = _nonfinite(json.loads(json.dumps(entry)), col.nan_ok)
        if where:
            refused[n] = (f"ValueError: the entry stores a non-finite number at {where}, which the {col.name} "
                          f"collection does not allow (NaN is allowed only in {list(col.nan_ok)}); nothing was written")
            print(f"{n}: FAILED ({refused[n]})", flush=True)
            return
        entry = {**entry, "checksum": entry_checksum(entry)}
        if raw is not None:
            atomic_write(folder / entry["file"], raw)
        # another build may have written this folder's manifest since we read it: under the lock,
        # re-read it, add this entry, write it back, so that concurrent builds never lose an entry
        with lock:
            current = _with_collection(_read_manifest(path), col)
            current["entries"][n] = entry
            write_manifest(folder, current, col.manifest_file)
        state["man"] = current
        print(f"{n}: {col.summary(entry)}", flush=True)

    failures = run_jobs(jobs, done, executor, workers)
    failures.update(refused)
    if failures:
        raise BuildError(failures)
    return state["man"]


def check(collection: str, name: str, folder: Path | str | None = None) -> dict:
    """Rebuild one entry in memory and compare it with the stored one (chapters 2, 5, 6).

    Where this machine's numerics fingerprint matches the entry's (``level`` is
    ``"bit-identical"``, :mod:`mem.fingerprint`) the rebuilt entry's ``sha256`` must equal the
    stored one; elsewhere they differ, and :func:`mem.reproduce.recheck` judges the metrics
    against the tolerances instead.

    Returns
    -------
    ``{"level": "bit-identical" | "same conclusions", "bit_identical": bool, **extra,
    "stored": stored entry, "rebuilt": rebuilt entry}``, ``extra`` being the collection's
    ``compare`` of the stored and rebuilt files (e.g. ``max_abs_weight_diff``).

    Raises
    ------
    IntegrityError if the stored entry fails its checks (:func:`manifest`): there is nothing to compare with.
    """
    col = _lookup(collection, "collection")
    if not isinstance(name, str):
        raise TypeError(f"name must be an entry's name (str), got {type(name).__name__}")
    folder = _folder(col.folder if folder is None else folder)
    stored = manifest(folder, col.manifest_file)["entries"].get(name)
    if stored is None:
        raise ValueError(f"name must be a built entry of the {col.name} collection in folder {str(folder)!r}, "
                         f"got {name!r}")
    raw, entry = col.train(stored["config"])
    extra = {}
    if col.compare is not None and raw is not None and "file" in stored:
        extra = col.compare(read_verified(name, folder, col.manifest_file), raw)
    return {"level": level(stored["fingerprint"], entry["fingerprint"]),
            "bit_identical": entry["sha256"] == stored["sha256"], **extra, "stored": stored, "rebuilt": entry}


def summary(names=None):
    """What each collection's build cost, from the manifests (chapter 2; the book's performance page).

    ``names``: the collections (default: every registered one).

    Returns
    -------
    pandas DataFrame indexed by collection: ``entries``, ``train_hours`` (the sum of the entries'
    recorded training times), ``megabytes`` (its manifest and entry files, as the package ships them, in
    units of 10^6 bytes), ``threads`` and ``torch_versions`` recorded.
    """
    import pandas as pd

    names = collections() if names is None else check_names("names", names)
    cols = [_lookup(name, "names") for name in names]
    rows = {}
    for name, col in zip(names, cols):
        entries = manifest(col.folder, col.manifest_file)["entries"].values()
        rows[name] = {"entries": len(entries),
                      "train_hours": round(sum(e.get("train_seconds", 0.0) for e in entries) / 3600, 2),
                      "megabytes": round(sum((Path(col.folder) / f).stat().st_size for f in
                                             [col.manifest_file, *(e["file"] for e in entries if "file" in e)])
                                         / 1e6, 1),
                      "threads": sorted({e.get("threads", e["config"].get("threads")) for e in entries}),
                      "torch_versions": sorted({e["torch_version"] for e in entries})}
    return pd.DataFrame(rows).T


def _main(argv=None) -> int:
    import mem.store as st  # the importable module, not __main__: its registry, and jobs that worker processes unpickle
    names = st.collections()
    ap = argparse.ArgumentParser(prog="python -m mem.store", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="build a collection's entries (all missing ones by default)")
    b.add_argument("collection", choices=names)
    b.add_argument("names", nargs="*")
    b.add_argument("--workers", type=int, default=2)
    b.add_argument("--out", default=None, help="folder (default: the collection's folder in the package)")
    b.add_argument("--force", action="store_true", help="rebuild entries that are already built")
    b.add_argument("--replace", action="store_true",
                   help="with --force: overwrite stored entries whose rebuild gives other bytes (another machine)")
    c = sub.add_parser("check", help="rebuild one entry in memory and compare it with the stored one")
    c.add_argument("collection", choices=names)
    c.add_argument("name")
    ls = sub.add_parser("list", help="list a collection's entries with a summary of their metrics")
    ls.add_argument("collection", choices=names)
    v = sub.add_parser("verify", help="check every entry's checksum and every file's sha256 of the collections "
                                      "(default: all)")
    v.add_argument("collections", nargs="*", help=f"any of {names}")
    se = sub.add_parser("seal", help="add the checksum to entries without one, from their stored metrics as they are")
    se.add_argument("collections", nargs="+", choices=names, metavar="collection", help=f"any of {names}")
    s = sub.add_parser("summary", help="entries, training hours, threads and torch versions per collection")
    s.add_argument("collections", nargs="*", help=f"any of {names}")
    a = ap.parse_args(argv)
    try:
        return _command(st, a, names)
    except st.IntegrityError as err:   # a damaged manifest: its repair command, not a traceback
        print(f"{type(err).__name__}: {err}", file=sys.stderr)
        return 1


def _command(st, a, names) -> int:
    if a.cmd == "build":
        t0 = time.time()
        try:
            st.build(a.collection, a.names, a.out, workers=a.workers, force=a.force, replace=a.replace)
        except st.BuildError as err:
            print(err, file=sys.stderr)
            return 1
        finally:
            print(f"build took {time.time() - t0:.0f} s")
    elif a.cmd == "check":
        r = st.check(a.collection, a.name)
        print(json.dumps({k: v for k, v in r.items() if k not in ("stored", "rebuilt")}))
        return 0 if r["bit_identical"] or r["level"] != "bit-identical" else 1
    elif a.cmd == "list":
        col = st.lookup(a.collection)
        for n, e in st.manifest(col.folder, col.manifest_file)["entries"].items():
            print(f"{n:40s} {col.summary(e)}")
    elif a.cmd == "verify":
        problems = []
        for name in a.collections or names:
            n, found = st.verify(name)
            problems += found
            col = st.lookup(name)
            try:    # the entries whose checksums were checked (the sweep's have no file)
                k = len(st._read_manifest(Path(col.folder) / col.manifest_file)["entries"])
            except st.IntegrityError:
                k = 0
            print(f"{name}: {n} files verified, {len(found)} problem(s); {k} entries' checksums checked")
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    elif a.cmd == "seal":
        problems = []
        for name in a.collections:
            n, found = st.seal(name)
            problems += found
            print(f"{name}: {n} entries sealed, {len(found)} problem(s)")
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    else:
        print(st.summary(a.collections or None).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(_main())
