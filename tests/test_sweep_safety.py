"""Sweeps and their stores under bad conditions: failed runs are retried and never reported as
success, torn files, unwritable output places, bad scheduler addresses, bad experiment names.

The sweeps here run on an in-process Dask cluster (threads, loopback tcp) with the model replaced
by a stand-in, so a run fails or succeeds on demand and takes no time; the real model on a real
``LocalCluster`` is covered by tests/test_experiments.py."""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

import pandas as pd
import pytest

from model.cli import main
from model.errors import DugnadError
from model.experiments.definition import ExperimentError, load_experiment
from model.experiments.store import Store, StoreError
from model.experiments.sweep import check_definition, check_scheduler

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
SMALL = f'name = "safety"\nscenarios = ["{BASELINE}"]\nseeds = 3\nmonths = 2\npersons = 150\nburn_in_months = 2\n'


def experiment(tmp_path: Path, body: str = SMALL, name: str = "exp.toml") -> Path:
    f = tmp_path / name
    f.write_text(body)
    return f


def one_line(capsys) -> str:
    """The only line written to stderr (a bad input gets one line, no traceback)."""
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


# ----------------------------------------------------------------------------- failed runs are retried

@pytest.fixture(scope="module")
def scheduler():
    """An in-process Dask cluster on loopback: its worker threads see this process's monkeypatches."""
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp://", host="127.0.0.1",
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def fake_model(monkeypatch):
    """The model replaced by a stand-in that fails for the seeds in ``failing`` and logs its calls."""
    state = {"failing": set(), "calls": []}

    def run(spec, indicators=None, groups=None, branch_state=None):
        state["calls"].append(spec.seed)
        if spec.seed in state["failing"]:
            raise RuntimeError(f"deliberate failure of seed {spec.seed}")
        ts = pd.DataFrame({"month": [0, 1], "group": "all", "indicator": "participation", "value": [0.1, 0.2]})
        return {"tables": {"timeseries": ts}, "info": {}}

    monkeypatch.setattr("model.experiments.runner.run", run)
    return state


def test_failed_runs_are_retried_and_the_sweep_fails_until_they_succeed(tmp_path, scheduler, fake_model, capsys):
    f, out = experiment(tmp_path), tmp_path / "store"
    cmd = ["sweep", str(f), "--out", str(out), "--scheduler", scheduler, "--quiet"]
    fake_model["failing"] = {2, 3}
    assert main(cmd) == 1
    assert "2 failed" in capsys.readouterr().out
    assert sorted(fake_model["calls"]) == [1, 2, 3]
    fake_model["calls"].clear()
    assert main(cmd) == 1  # the same command again: the failed runs are retried, and still fail
    assert sorted(fake_model["calls"]) == [2, 3]
    assert "2 failed" in capsys.readouterr().out
    store = Store(out)
    assert len(store.failed()) == 2 and len(store.done()) == 1
    assert load_ok_run_ids(store) == store.done()  # readers only see runs recorded ok
    fake_model["failing"], fake_model["calls"] = {3}, []
    assert main(cmd) == 1  # one of them recovers, the other still fails: still not a success
    assert sorted(fake_model["calls"]) == [2, 3] and len(store.failed()) == 1
    fake_model["failing"], fake_model["calls"] = set(), []
    assert main(cmd) == 0
    assert fake_model["calls"] == [3] and not store.failed() and len(store.done()) == 3
    assert "0 failed" in capsys.readouterr().out
    assert load_ok_run_ids(store) == store.done()
    fake_model["calls"].clear()
    assert main(cmd) == 0 and fake_model["calls"] == []  # all done: nothing runs


def load_ok_run_ids(store: Store) -> set[str]:
    return set(store.load("timeseries")["run_id"])


def test_a_result_that_cannot_be_written_is_one_line_and_leaves_nothing(tmp_path, scheduler, fake_model, capsys,
                                                                        monkeypatch):
    import model.experiments.store as store_module

    def disk_full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store_module, "write_atomic", disk_full)
    out = tmp_path / "store"
    assert main(["sweep", str(experiment(tmp_path)), "--out", str(out), "--scheduler", scheduler, "--quiet"]) == 2
    line = one_line(capsys)
    assert "cannot write the result" in line and "No space left" in line and "re-run" in line
    assert not list((out / "runs").iterdir()) and not (out / "timeseries").exists()
    assert not [p for p in out.rglob("*") if ".tmp" in p.name]


def test_write_run_removes_the_tables_it_wrote_when_a_later_one_fails(tmp_path, monkeypatch):
    import model.experiments.store as store_module

    real, calls = store_module.write_atomic, []

    def second_fails(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(path, data)

    monkeypatch.setattr(store_module, "write_atomic", second_fails)
    store, df = Store(tmp_path / "s"), pd.DataFrame({"x": [1]})
    with pytest.raises(StoreError, match="nothing of it was kept"):
        store.write_run("abc", {"timeseries": df, "subgroups": df}, {"scenario": "x"})
    assert not (tmp_path / "s" / "timeseries" / "run_id=abc").exists()
    assert not store.records()


# ----------------------------------------------------------------------------- torn files

def test_torn_run_records_and_failed_runs_partitions_are_cleaned(tmp_path):
    store = Store(tmp_path / "s")
    (tmp_path / "s" / "runs" / "torn.json").write_text('{"run_id": "torn", "sta')
    (tmp_path / "s" / "runs" / "list.json").write_text("[1, 2]")
    (tmp_path / "s" / "runs" / ".old.json.tmp12345").write_text("{")  # left by an older version
    store.write_record("bad", {"status": "failed", "scenario": "x"})
    part = tmp_path / "s" / "timeseries" / "run_id=bad"  # a retry that died before its record
    part.mkdir(parents=True)
    (part / "part.parquet").write_bytes(b"PAR1")
    assert set(store.records()) == {"bad"} and store.failed() == {"bad"} and not store.done()
    assert store.clean_orphans() == 1
    assert sorted(p.name for p in (tmp_path / "s" / "runs").iterdir()) == ["bad.json"]
    assert not part.exists()


def test_a_torn_experiment_json_of_this_experiment_is_rewritten(tmp_path):
    text = json.dumps({"file": "x.toml", "experiment": {"name": "a"}, "runs": 1}, indent=2)
    (tmp_path / "experiment.json").write_text(text[:17])  # what an in-place write leaves after a crash
    assert check_definition(tmp_path, text) is True
    (tmp_path / "experiment.json").write_text("")
    assert check_definition(tmp_path, text) is True
    (tmp_path / "experiment.json").write_text(text)
    assert check_definition(tmp_path, text) is False
    assert check_definition(tmp_path / "new", text) is True


def test_an_unreadable_experiment_json_is_one_line_naming_it(tmp_path, capsys):
    out = tmp_path / "store"
    out.mkdir()
    (out / "experiment.json").write_text('{"file": "other.toml", "experiment": {"name": "oth')
    assert main(["sweep", str(experiment(tmp_path)), "--out", str(out), "--quiet"]) == 2
    line = one_line(capsys)
    assert str(out / "experiment.json") in line and "another --out" in line
    assert not (out / "runs").exists()


def test_sweep_writes_experiment_json_atomically(tmp_path, scheduler, fake_model):
    out = tmp_path / "store"
    assert main(["sweep", str(experiment(tmp_path)), "--out", str(out), "--scheduler", scheduler, "--quiet"]) == 0
    assert json.loads((out / "experiment.json").read_text())["experiment"]["name"] == "safety"
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


# ----------------------------------------------------------------------------- output location

@pytest.mark.parametrize("where", ["proc", "long", "nul", "file", "read-only"])
def test_unwritable_out_fails_before_anything_runs(tmp_path, capsys, where):
    if where == "read-only" and os.geteuid() == 0:
        pytest.skip("root can write into a read-only folder")
    ro = tmp_path / "ro"
    ro.mkdir()
    (tmp_path / "a_file").write_text("x")
    out = {"proc": "/proc/dugnad-x/store", "long": str(tmp_path / ("x" * 300)), "nul": str(tmp_path / "a\0b"),
           "file": str(tmp_path / "a_file"), "read-only": str(ro / "store")}[where]
    os.chmod(ro, 0o555)
    f = experiment(tmp_path)
    before = set(tmp_path.rglob("*"))
    try:
        assert main(["sweep", str(f), "--out", out, "--quiet"]) == 2
    finally:
        os.chmod(ro, 0o755)
    assert one_line(capsys).startswith("dugnad: error: --out ")
    assert set(tmp_path.rglob("*")) == before


# ----------------------------------------------------------------------------- scheduler addresses

@pytest.mark.parametrize("address", ["foo", "tcp://", "tcp://host:notaport", "http://x", "tcp://host", "tcp://h:0",
                                     "tcp://h:65536", "tcp://[::1", "tcp://h:1/path", "tcp://u@h:1", "", "tcp://a b:1",
                                     "inproc://", "x" * 5000])
def test_malformed_scheduler_addresses(address):
    with pytest.raises(DugnadError, match="--scheduler"):
        check_scheduler(address)


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "127.0.0.1:8786", "tls://sched.example.org:8786",
                                     "tcp://[::1]:8786", "ucx://10.0.0.1:13337", "inproc://192.0.2.2/3458/1"])
def test_scheduler_addresses_dask_accepts(address):
    assert check_scheduler(address) == address


@pytest.mark.parametrize("address", ["foo", "tcp://", "tcp://host:notaport", "http://x", "tcp://127.0.0.1:1"])
def test_bad_scheduler_fails_fast_before_anything_runs(tmp_path, capsys, monkeypatch, address):
    monkeypatch.setattr("model.experiments.sweep.CONNECT_TIMEOUT", "1s")
    out = tmp_path / "store"
    t0 = time.perf_counter()
    assert main(["sweep", str(experiment(tmp_path)), "--out", str(out), "--scheduler", address, "--quiet"]) == 2
    assert time.perf_counter() - t0 < 15
    line = one_line(capsys)
    assert line.startswith("dugnad: error: --scheduler ")
    assert ("cannot connect" in line) == address.endswith(":1")
    assert not out.exists()


# ----------------------------------------------------------------------------- experiment files

@pytest.mark.parametrize("name", ["../../escaped", "a/b", "/abs", ".hidden", "", "x" * 65, "a\\b", "nul\0byte"])
def test_experiment_names_must_be_plain_names(tmp_path, name):
    f = experiment(tmp_path, SMALL.replace('name = "safety"', f"name = {json.dumps(name)}"))
    with pytest.raises(ExperimentError) as e:
        load_experiment(f)
    assert str(f) in str(e.value) and ": name: " in str(e.value)


def test_an_escaping_name_creates_nothing(tmp_path, monkeypatch, capsys):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    f = experiment(tmp_path, SMALL.replace('name = "safety"', 'name = "../../escaped"'))
    assert main(["sweep", str(f), "--quiet"]) == 2
    assert ": name: must be a name of" in one_line(capsys)
    assert not list(tmp_path.rglob("escaped")) and not (work / "runs").exists()


@pytest.mark.parametrize("extra, expected", [
    ("seeds = [1, 9223372036854775808]\n", "seeds: must be a non-empty list of distinct seeds between 0 and 2**63-1"),
    ('[sample]\nn = 2\nseed = 9223372036854775808\nparameters = { "recruitment.ask_rate" = [0.1, 0.3] }\n',
     "sample.seed: Input should be less than or equal to 9223372036854775807"),
    ("[grid]\n" + '"recruitment.ask_rate" = [' + ", ".join(["0.2"] * 1000) + "]\n"
     + '"ladder.volunteer_rate" = [' + ", ".join(["0.02"] * 1000) + "]\n",
     "3,000,000 runs (1 scenarios × 1,000,000 parameter points × 3 seeds); at most 1,000,000"),
])
def test_experiment_bounds(tmp_path, extra, expected):
    body = SMALL.replace("seeds = 3\n", "") if extra.startswith("seeds") else SMALL
    f = experiment(tmp_path, body + extra)
    with pytest.raises(ExperimentError) as e:
        load_experiment(f)
    assert expected in str(e.value) and str(f) in str(e.value)


def test_experiment_files_are_read_safely(tmp_path):
    f = tmp_path / "bom.toml"
    f.write_bytes(b"\xef\xbb\xbf" + SMALL.encode())  # as Notepad saves it
    assert load_experiment(f)[0].name == "safety"
    deep = experiment(tmp_path, SMALL + "x = " + "[" * 40 + "]" * 40 + "\n", "deep.toml")
    with pytest.raises(ExperimentError, match="nested too deeply") as e:
        load_experiment(deep)
    assert str(e.value).startswith(f"{deep}: cannot read: ")
    big = experiment(tmp_path, SMALL + "#" * 1_100_000 + "\n", "big.toml")
    with pytest.raises(ExperimentError, match="file too large"):
        load_experiment(big)
