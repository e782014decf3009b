"""mem.store, the storage engine, on a toy collection registered in a temporary folder: resumable
builds, integrity, any Executor, entries without a file, the registry and the command line."""
import concurrent.futures as cf
import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from mem import fingerprint as F
from mem import store

#: Entry ids whose job is interrupted (KeyboardInterrupt: a Ctrl-C, not an error the build records).
INTERRUPT = set()
#: The ids of the jobs run, in order.
CALLS = []


@store.pinned_threads
def toy_train(cfg):
    """A toy collection's job: a file holding the id's square (or none, for ``"file": False``)."""
    CALLS.append(cfg["id"])
    if cfg["id"] in INTERRUPT:
        raise KeyboardInterrupt
    metrics = {"square": cfg["id"] ** 2}
    if not cfg["file"]:
        return None, {"config": cfg, "metrics": metrics, "sha256": store.sha256(json.dumps(metrics).encode()),
                      "fingerprint": F.fingerprint(threads=cfg["threads"])}
    raw = json.dumps(metrics).encode()
    return raw, store.manifest_entry(cfg, raw, metrics, 0.0, metrics_version=1)


def toy_configs(file=True, n=3):
    return [{"id": i, "seed": 0, "threads": 1, "file": file} for i in range(n)]


@pytest.fixture
def toy(tmp_path):
    """Two toy collections in a temporary folder: ``toy`` (entries with files) and ``toy-nofile``."""
    CALLS.clear()
    INTERRUPT.clear()
    cols = [store.register(store.Collection(
        name, tmp_path / name, lambda file=file: toy_configs(file), lambda cfg: f"e{cfg['id']}", toy_train,
        lambda e: f"square {e['metrics']['square']}", header={"format": 1, "rebuild": store.rebuild_command(name)},
        metrics_version=1 if file else None, suffix=".json"))
        for name, file in (("toy", True), ("toy-nofile", False))]
    yield cols
    for col in cols:
        store.unregister(col.name)


def test_an_interrupted_build_resumes_where_it_stopped(toy):
    INTERRUPT.add(1)
    with cf.ThreadPoolExecutor(1) as ex, pytest.raises(KeyboardInterrupt):
        store.build("toy", executor=ex)
    folder = toy[0].folder
    assert list(store.manifest(folder)["entries"]) == ["e0"] and (folder / "e0.json").exists()
    assert not list(folder.glob(".*tmp"))                      # no half-written file left behind
    INTERRUPT.clear()
    CALLS.clear()
    with cf.ThreadPoolExecutor(1) as ex:
        man = store.build("toy", executor=ex)
    assert sorted(CALLS) == [1, 2] and list(man["entries"]) == ["e0", "e1", "e2"]
    assert json.loads(store.read_verified("e2", folder)) == {"square": 4}
    assert man["rebuild"] == "python -m mem.store build toy [names]"
    CALLS.clear()
    with cf.ThreadPoolExecutor(1) as ex:
        store.build("toy", executor=ex)                        # nothing left to do
    assert CALLS == []
    # an entry whose metrics are out of date is rebuilt (this collection has no evaluate)
    man = store.manifest(folder)
    man["entries"]["e1"]["metrics_version"] = 0
    store.write_manifest(folder, man)
    with cf.ThreadPoolExecutor(1) as ex:
        store.build("toy", executor=ex)
    assert CALLS == [1]


def test_a_tampered_file_is_refused_and_rebuilt(toy):
    folder = toy[0].folder
    with cf.ThreadPoolExecutor(1) as ex:
        store.build("toy", executor=ex)
    (folder / "e1.json").write_bytes(b'{"square": 2}')
    with pytest.raises(store.IntegrityError, match=r"sha256 mismatch.*python -m mem\.store build toy e1"):
        store.read_verified("e1", folder)
    CALLS.clear()
    with cf.ThreadPoolExecutor(1) as ex:
        store.build("toy", executor=ex)
    assert CALLS == [1] and json.loads(store.read_verified("e1", folder)) == {"square": 1}
    (folder / "e2.json").unlink()
    with pytest.raises(store.IntegrityError, match="missing"):
        store.read_verified("e2", folder)


def test_a_thread_pool_builds_what_a_sequential_build_builds(toy, tmp_path):
    with cf.ThreadPoolExecutor(3) as ex:
        par = store.build("toy", executor=ex)
    with cf.ThreadPoolExecutor(1) as ex:
        seq = store.build("toy", folder=tmp_path / "seq", executor=ex)
    assert par["entries"].keys() == seq["entries"].keys() == {"e0", "e1", "e2"}
    assert [e["sha256"] for e in par["entries"].values()] == [e["sha256"] for e in seq["entries"].values()]
    assert (toy[0].folder / "manifest.json").read_text() == (tmp_path / "seq" / "manifest.json").read_text()


def test_an_entry_without_a_file(toy):
    folder = toy[1].folder
    with cf.ThreadPoolExecutor(1) as ex:
        man = store.build("toy-nofile", executor=ex)
    assert [p.name for p in folder.iterdir()] == ["manifest.json"]          # the manifest alone
    assert man["entries"]["e2"]["metrics"] == {"square": 4} and "file" not in man["entries"]["e2"]
    with pytest.raises(ValueError, match="name must be an entry with a file"):
        store.read_verified("e2", folder)
    CALLS.clear()
    with cf.ThreadPoolExecutor(1) as ex:
        store.build("toy-nofile", executor=ex)
    assert CALLS == []                                                      # resumable too
    r = store.check("toy-nofile", "e2")
    assert r["bit_identical"] and r["level"] == "bit-identical" and r["rebuilt"]["metrics"] == {"square": 4}
    man = store.manifest(folder)
    man["entries"]["e2"]["sha256"] = "0" * 64
    store.write_manifest(folder, man)
    with pytest.raises(store.IntegrityError, match="changed after it was written"):   # an edit by hand is refused
        store.check("toy-nofile", "e2")
    man["entries"]["e2"]["checksum"] = store.entry_checksum(man["entries"]["e2"])     # as if built so
    store.write_manifest(folder, man)
    assert not store.check("toy-nofile", "e2")["bit_identical"]


def test_the_registry_and_the_command_line(toy, capsys):
    assert {"toy", "toy-nofile", "networks", "bridge", "benchmarks", "sweep"} <= set(store.collections())
    assert store.lookup("toy") is toy[0]
    with pytest.raises(ValueError, match="already registered"):
        store.register(store.Collection("toy", toy[0].folder, list, str, toy_train, str))
    with pytest.raises(TypeError, match="collection must be a Collection"):
        store.register("toy")
    assert store._main(["build", "toy", "--workers", "1"]) == 0 and store._main(["build", "toy-nofile", "e1"]) == 0
    assert store._main(["verify", "toy", "toy-nofile"]) == 0
    out = capsys.readouterr().out
    assert "toy: 3 files verified, 0 problem(s)" in out and "toy-nofile: 0 files verified, 0 problem(s)" in out
    assert store._main(["check", "toy", "e0"]) == 0
    assert json.loads(capsys.readouterr().out.strip())["bit_identical"] is True
    assert store._main(["summary", "toy"]) == 0 and "toy" in capsys.readouterr().out
    (toy[0].folder / "e0.json").write_bytes(b"{}")
    assert store._main(["verify", "toy"]) == 1          # reported with its repair command, not a traceback
    assert "sha256 mismatch" in capsys.readouterr().err


def test_the_engine_imports_no_experiment():
    code = "import sys, mem.store; print(sorted(m for m in sys.modules if m.startswith('mem')))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
                        .stdout.replace("'", '"'))
    assert loaded == ["mem", "mem._checks", "mem.fingerprint", "mem.store"]


def test_verify_reports_every_problem_at_once_with_its_repair_command(toy, capsys):
    """issue 18: damaged files, a corrupt or missing manifest: all reported, each with a command, exit 1."""
    with cf.ThreadPoolExecutor(1) as ex:
        store.build("toy", executor=ex)
    folder = toy[0].folder
    assert store.verify("toy") == (3, [])
    (folder / "e0.json").write_bytes(b"{}")                     # altered
    (folder / "e2.json").unlink()                               # missing
    n, problems = store.verify("toy")
    assert n == 1 and len(problems) == 2
    assert "sha256 mismatch" in problems[0] and "`python -m mem.store build toy e0`" in problems[0]
    assert "missing" in problems[1] and "`python -m mem.store build toy e2`" in problems[1]
    assert store._main(["verify", "toy"]) == 1 and "toy/e0" in capsys.readouterr().err
    (folder / "manifest.json").write_text('{"entries": {"e0": ')   # truncated
    n, problems = store.verify("toy")
    assert n == 0 and "not readable JSON" in problems[0] and "git checkout --" in problems[0]
    with pytest.raises(store.IntegrityError, match="not readable JSON"):
        store.manifest(folder)
    (folder / "manifest.json").unlink()                           # deleted
    n, problems = store.verify("toy")
    assert n == 0 and "is missing" in problems[0] and "`python -m mem.store build toy`" in problems[0]
    assert store._main(["verify", "toy"]) == 1


def test_two_builds_into_one_folder_at_once_lose_no_entry(tmp_path):
    """issue 18: build B reads the manifest, build A writes an entry, then B writes its own: both stay."""
    import threading
    release = threading.Event()

    def job(cfg):
        if cfg["id"] == 1:
            assert release.wait(30)
        raw = json.dumps({"square": cfg["id"] ** 2}).encode()
        return raw, store.manifest_entry(cfg, raw, {"square": cfg["id"] ** 2}, 0.0, metrics_version=1)

    col = store.register(store.Collection("toy-race", tmp_path, lambda: toy_configs(True, 2), lambda c: f"e{c['id']}",
                                          job, lambda e: "", metrics_version=1, suffix=".json"))
    try:
        with cf.ThreadPoolExecutor(1) as ex_b, cf.ThreadPoolExecutor(1) as ex_a:
            b = threading.Thread(target=store.build, args=("toy-race", ["e1"]), kwargs={"executor": ex_b})
            b.start()                                   # B has read the (empty) manifest; its job waits
            store.build("toy-race", ["e0"], executor=ex_a)
            release.set()
            b.join(30)
        assert sorted(store.manifest(tmp_path)["entries"]) == ["e0", "e1"]
        assert store.verify("toy-race") == (2, [])
    finally:
        store.unregister(col.name)


def test_a_rebuild_with_other_bytes_keeps_the_stored_entry_unless_asked(tmp_path, capsys):
    """issue 18: a forced rebuild whose bytes differ (another machine's numerics) does not overwrite silently."""
    shift = {"value": 0}

    def job(cfg):
        metrics = {"square": cfg["id"] ** 2 + shift["value"]}
        raw = json.dumps(metrics).encode()
        return raw, store.manifest_entry(cfg, raw, metrics, 0.0, metrics_version=1)

    col = store.register(store.Collection("toy-drift", tmp_path, lambda: toy_configs(True, 2), lambda c: f"e{c['id']}",
                                          job, lambda e: "", metrics_version=1, suffix=".json"))
    try:
        with cf.ThreadPoolExecutor(1) as ex:
            first = store.build("toy-drift", executor=ex)
        shift["value"] = 1                                  # the same configs now give other bytes
        with cf.ThreadPoolExecutor(1) as ex:
            kept = store.build("toy-drift", ["e0"], executor=ex, force=True)
        assert kept["entries"]["e0"]["sha256"] == first["entries"]["e0"]["sha256"]
        assert json.loads((tmp_path / "e0.json").read_text()) == {"square": 0}
        assert "e0: kept the stored entry" in capsys.readouterr().out and store.verify("toy-drift") == (2, [])
        with cf.ThreadPoolExecutor(1) as ex:
            replaced = store.build("toy-drift", ["e0"], executor=ex, force=True, replace=True)
        assert replaced["entries"]["e0"]["sha256"] != first["entries"]["e0"]["sha256"]
        assert json.loads((tmp_path / "e0.json").read_text()) == {"square": 1} and store.verify("toy-drift") == (2, [])
    finally:
        store.unregister(col.name)


def test_a_killed_build_leaves_no_orphaned_worker(tmp_path):
    """issue 18: SIGKILL the process that runs a build: its pool's workers end within seconds."""
    script = tmp_path / "build.py"
    pids = tmp_path / "pids"
    script.write_text(textwrap.dedent(f"""
        import os, time, concurrent.futures as cf
        from mem import store
        def slow(i):
            open({str(pids)!r}, "a").write(f"{{os.getpid()}}\\n")
            time.sleep(60)
        if __name__ == "__main__":
            store.run_jobs({{"a": (slow, (0,)), "b": (slow, (1,))}}, lambda n, r: None, workers=2)
    """))
    proc = subprocess.Popen([sys.executable, str(script)], cwd=tmp_path)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and (not pids.exists() or len(pids.read_text().split()) < 2):
            time.sleep(0.2)
        workers = [int(p) for p in pids.read_text().split()]
        assert len(workers) == 2
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.time() + 15
        alive = workers
        while time.time() < deadline and alive:
            time.sleep(0.5)
            alive = [p for p in workers if _alive(p)]
        assert not alive, f"orphaned workers still running: {alive}"
    finally:
        if proc.poll() is None:
            proc.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:   # a zombie (exited, not yet reaped) is not running
        return open(f"/proc/{pid}/stat").read().split()[2] != "Z"
    except OSError:
        return True


def _edit(path, old: str, new: str) -> None:
    """Edit a manifest as text, as a person would by hand (one occurrence)."""
    text = path.read_text()
    assert text.count(old) == 1, (old, text.count(old))
    path.write_text(text.replace(old, new))


def test_an_edited_metric_is_refused_by_every_read_and_reported_with_its_repair(toy, capsys):
    """issue 18: each entry carries a checksum of itself; a number edited by hand in a manifest is caught."""
    with cf.ThreadPoolExecutor(1) as ex:
        store.build("toy", executor=ex)
    folder = toy[0].folder
    man = store.manifest(folder)
    assert man["collection"] == "toy" and all(e["checksum"] == store.entry_checksum(e) for e in man["entries"].values())
    _edit(folder / "manifest.json", '"square": 4', '"square": 5')                # e2's metric
    repair = r"git checkout -- .*manifest\.json`, or rebuild the entry with `python -m mem\.store build toy e2`"
    for read in (lambda: store.manifest(folder), lambda: store.read_verified("e0", folder),
                 lambda: store.summary(["toy"]), lambda: store.check("toy", "e0")):
        with pytest.raises(store.IntegrityError, match="'e2' .* was changed after it was written.*" + repair):
            read()
    n, problems = store.verify("toy")
    assert n == 3 and len(problems) == 1 and problems[0].startswith("toy/e2: ") and "changed after" in problems[0]
    assert store._main(["verify", "toy"]) == 1 and "python -m mem.store build toy e2" in capsys.readouterr().err
    assert store._main(["list", "toy"]) == 1 and "IntegrityError" in capsys.readouterr().err   # no traceback
    # the repair command rebuilds the edited entry, and only it
    CALLS.clear()
    with cf.ThreadPoolExecutor(1) as ex:
        man = store.build("toy", ["e2"], executor=ex)
    assert CALLS == [2] and man["entries"]["e2"]["metrics"] == {"square": 4} and store.verify("toy") == (3, [])
    # an altered config is caught the same way
    _edit(folder / "manifest.json", '"id": 1', '"id": 7')
    with pytest.raises(store.IntegrityError, match=r"'e1' .* changed after it was written"):
        store.manifest(folder)


def test_an_entry_without_a_checksum_is_a_problem_until_sealed(toy, capsys):
    """issue 18: manifests from before the checksums: verify says so; seal adds them from the stored metrics."""
    with cf.ThreadPoolExecutor(1) as ex:
        store.build("toy", executor=ex)
    folder = toy[0].folder
    man = json.loads((folder / "manifest.json").read_text())
    for e in man["entries"].values():
        del e["checksum"]
    man["entries"]["e1"]["metrics"]["square"] = 9                          # edited, then its checksum removed
    del man["collection"]
    (folder / "manifest.json").write_text(json.dumps(man))
    with pytest.raises(store.IntegrityError, match=r"carries no checksum.*`python -m mem\.store seal toy`.*"
                                                   r"\(2 more entries with problems"):
        store.manifest(folder)
    n, problems = store.verify("toy")
    assert n == 3 and len(problems) == 3 and all("python -m mem.store seal toy" in p for p in problems)
    assert store._main(["seal", "toy"]) == 0 and "toy: 3 entries sealed, 0 problem(s)" in capsys.readouterr().out
    assert store.verify("toy") == (3, []) and store.manifest(folder)["collection"] == "toy"
    assert store.manifest(folder)["entries"]["e1"]["metrics"] == {"square": 9}   # sealed as stored: nothing re-measured
    assert store.seal("toy") == (0, []) and not list(folder.glob(".*tmp"))       # nothing left to seal
    # seal never overwrites a checksum that does not match
    _edit(folder / "manifest.json", '"square": 4', '"square": 5')
    n, problems = store.seal("toy")
    assert n == 0 and len(problems) == 1 and "changed after it was written" in problems[0]
    with pytest.raises(store.IntegrityError, match="changed after it was written"):
        store.manifest(folder)


def test_nan_and_inf_are_refused_unless_the_collection_documents_nan_there(tmp_path):
    """issue 18: Collection.nan_ok: NaN only in the fields named (a benchmark's score); inf never."""
    values = {"value": math.nan}

    def job(cfg):
        metrics = {"score": values["value"], "curve": [1.0, values["value"]], "loss": 0.5}
        raw = json.dumps(metrics).encode()
        return raw, store.manifest_entry(cfg, raw, metrics, 0.0, metrics_version=1)

    strict = store.register(store.Collection("toy-strict", tmp_path / "strict", lambda: toy_configs(True, 1),
                                             lambda c: f"e{c['id']}", job, lambda e: "", suffix=".json"))
    lenient = store.register(store.Collection("toy-nan", tmp_path / "nan", lambda: toy_configs(True, 1),
                                              lambda c: f"e{c['id']}", job, lambda e: "", suffix=".json",
                                              nan_ok=("metrics.score", "metrics.curve")))
    try:
        with cf.ThreadPoolExecutor(1) as ex, pytest.raises(store.BuildError, match=r"non-finite number at "
                                                                                    r"metrics\.score \(nan\)"):
            store.build("toy-strict", executor=ex)
        assert not list(strict.folder.iterdir())                                # nothing written
        with cf.ThreadPoolExecutor(1) as ex:
            store.build("toy-nan", executor=ex)
        assert math.isnan(store.manifest(lenient.folder)["entries"]["e0"]["metrics"]["curve"][1])
        assert store.verify("toy-nan") == (1, [])
        # a copy elsewhere keeps its collection's rule (the manifest names its collection) ...
        (tmp_path / "copy").mkdir()
        (tmp_path / "copy" / "manifest.json").write_text((lenient.folder / "manifest.json").read_text())
        assert store.manifest(tmp_path / "copy")["collection"] == "toy-nan"
        # ... and a manifest of no collection allows no NaN at all
        man = json.loads((tmp_path / "copy" / "manifest.json").read_text())
        del man["collection"]
        (tmp_path / "copy" / "manifest.json").write_text(json.dumps(man))
        with pytest.raises(store.IntegrityError, match=r"non-finite number at metrics\.score \(nan\)"):
            store.manifest(tmp_path / "copy")
        # NaN in a field not named, sealed as if built so, is refused by reads and verify
        e = man["entries"]["e0"]
        e["metrics"]["loss"] = math.nan
        e["checksum"] = store.entry_checksum(e)
        man["collection"] = "toy-nan"
        (lenient.folder / "manifest.json").write_text(json.dumps(man))
        with pytest.raises(store.IntegrityError, match=r"metrics\.loss \(nan\).*build toy-nan e0"):
            store.manifest(lenient.folder)
        assert "metrics.loss" in store.verify("toy-nan")[1][0]
        # inf is allowed nowhere, not even where NaN is
        values["value"] = math.inf
        with cf.ThreadPoolExecutor(1) as ex, pytest.raises(store.BuildError, match=r"metrics\.score \(inf\)"):
            store.build("toy-nan", executor=ex, force=True)
    finally:
        store.unregister("toy-strict")
        store.unregister("toy-nan")


def test_the_stored_manifests_are_sealed_and_an_edit_of_a_copy_is_refused(tmp_path):
    """issue 18: every stored collection verifies clean; one number edited in a copy of its manifest is caught."""
    for name in ("networks", "bridge", "mnist1d", "benchmarks", "sweep"):
        col = store.lookup(name)
        assert store.verify(name)[1] == [], name
        copy = tmp_path / name
        copy.mkdir()
        text = (col.folder / col.manifest_file).read_text()
        (copy / col.manifest_file).write_text(text)
        man = store.manifest(copy, col.manifest_file)                # a copy reads (benchmarks: its NaN scores too)
        assert man["collection"] == name and len(man["entries"]) == len(col.configs())
        end = text.index(",", text.index('"train_seconds": ' if name != "sweep" else '"final_train_loss": '))
        digit = str((int(text[end - 1]) + 1) % 10)                   # the number's last digit, changed
        (copy / col.manifest_file).write_text(text[:end - 1] + digit + text[end:])
        with pytest.raises(store.IntegrityError, match=r"was changed after it was written.*git checkout"):
            store.manifest(copy, col.manifest_file)
