"""Experiments: experiment files, Dask sweeps (resumable, atomic), paired comparisons, sensitivity."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from model.cli import main
from model.experiments.definition import ExperimentError, load_experiment
from model.experiments.store import Store, load

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"


def write_experiment(tmp_path, body: str, name: str = "exp.toml") -> Path:
    f = tmp_path / name
    f.write_text(body)
    return f


TINY = f'''name = "t"
scenarios = ["{BASELINE}", "{ROOT / 'scenarios' / 'leisure_card.toml'}"]
seeds = 2
months = 3
persons = 200
burn_in_months = 3
indicators = ["participation", "bridging_ties"]
[grid]
"recruitment.ask_rate" = [0.15, 0.3]
'''


def test_experiment_expands_scenarios_points_and_seeds(tmp_path):
    exp, runs = load_experiment(write_experiment(tmp_path, TINY))
    assert len(runs) == 2 * 2 * 2
    assert len({r.run_id for r in runs}) == 8
    _, again = load_experiment(write_experiment(tmp_path, TINY, "same.toml"))
    assert [r.run_id for r in runs] == [r.run_id for r in again]  # stable ids: resuming finds them


@pytest.mark.parametrize("body, expected", [
    ('name = "x"\nscenarios = []\n', "scenarios: List should have at least 1 item"),
    (f'name = "x"\nscenarios = ["{BASELINE}"]\ncolour = 1\n', "colour: unknown field"),
    (f'name = "x"\nscenarios = ["{BASELINE}"]\nindicators = ["happiness"]\n', "unknown indicator(s) happiness"),
    (f'name = "x"\nscenarios = ["{BASELINE}"]\nseeds = 0\n', "seeds: must be between 1 and 100000"),
    (f'name = "x"\nscenarios = ["{BASELINE}"]\n[grid]\n"a.b" = [1]\n[sample]\nn = 2\nparameters = {{"a.b" = [0, 1]}}\n',
     "give [grid] or [sample], not both"),
    (f'name = "x"\nscenarios = ["{BASELINE}"]\n[grid]\n"recruitment.ask_rte" = [0.1]\n', "recruitment.ask_rte: unknown field"),
    (f'name = "x"\nscenarios = ["{BASELINE}"]\n[grid]\n"recruitment.ask_rate" = [7]\n', "recruitment.ask_rate: Input should be less than or equal to 1"),
    ('name = "x"\nscenarios = ["nope.toml"]\n', "file not found"),
    ('name = \n', "cannot read"),
])
def test_bad_experiment_files(tmp_path, body, expected):
    f = write_experiment(tmp_path, body)
    with pytest.raises(ExperimentError) as e:
        load_experiment(f)
    assert expected in str(e.value) and str(f) in str(e.value)


def test_bad_experiment_file_exits_2_without_traceback(tmp_path, capsys):
    f = write_experiment(tmp_path, 'name = "x"\nscenarios = ["nope.toml"]\n')
    assert main(["sweep", str(f), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "file not found" in err and "Traceback" not in err


def test_two_worker_local_cluster_sweep_end_to_end(tmp_path):
    f = write_experiment(tmp_path, TINY)
    out = tmp_path / "store"
    assert main(["sweep", str(f), "--out", str(out), "--workers", "2", "--quiet"]) == 0
    runs = Store(out).run_table()
    assert len(runs) == 8 and (runs["status"] == "ok").all()
    assert set(runs["param:recruitment.ask_rate"]) == {0.15, 0.3}
    ts = load(out, "timeseries")
    assert set(ts["indicator"]) >= {"participation", "bridging_ties", "cost_nok"}
    assert ts.groupby("run_id").size().nunique() == 2  # baseline has no intervention cost column
    import duckdb
    n = duckdb.sql(f"SELECT count(DISTINCT run_id) FROM read_parquet('{out}/timeseries/*/*.parquet', hive_partitioning = true)").fetchall()[0][0]
    assert n == 8
    # running again does nothing
    mtimes = {p: p.stat().st_mtime_ns for p in (out / "runs").glob("*.json")}
    assert main(["sweep", str(f), "--out", str(out), "--workers", "2", "--quiet"]) == 0
    assert {p: p.stat().st_mtime_ns for p in (out / "runs").glob("*.json")} == mtimes


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    from model.experiments.sweep import run_specs
    scen = tmp_path / "gone.toml"
    scen.write_text(f'extends = "{BASELINE}"\nname = "gone"\n')
    f = write_experiment(tmp_path, f'name = "f"\nscenarios = ["{scen}", "{BASELINE}"]\nseeds = 1\nmonths = 2\n'
                                   'persons = 150\nburn_in_months = 2\n')
    _, specs = load_experiment(f)
    scen.unlink()  # the worker will not find it
    store = Store(tmp_path / "s")
    counts = run_specs(specs, store, workers=1, progress=False)
    assert counts["ok"] == 1 and counts["failed"] == 1
    rt = store.run_table()
    failed = rt[rt["status"] == "failed"].iloc[0]
    assert "file not found" in failed["error"]
    assert len(load(tmp_path / "s", "timeseries")["run_id"].unique()) == 1


def test_resume_after_sigkill_leaves_no_partial_or_duplicate_runs(tmp_path):
    body = TINY.replace("seeds = 2", "seeds = 6").replace("months = 3", "months = 12").replace("persons = 200", "persons = 400")
    f = write_experiment(tmp_path, body)
    out = tmp_path / "store"
    cmd = [sys.executable, "-m", "model.cli", "sweep", str(f), "--out", str(out), "--workers", "2", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((out / "runs").glob("*.json"))) < 3:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its Dask workers, mid-run
    proc.wait()
    n_before = len(list((out / "runs").glob("*.json")))
    assert 3 <= n_before < 24, "kill should land mid-sweep"
    assert main(["sweep", str(f), "--out", str(out), "--workers", "2", "--quiet"]) == 0
    records = list((out / "runs").glob("*.json"))
    assert len(records) == 24
    ids = [json.loads(p.read_text())["run_id"] for p in records]
    assert len(set(ids)) == 24
    parts = list((out / "timeseries").glob("run_id=*"))
    assert len(parts) == 24 and not list(out.rglob("*.tmp*"))
    ts = load(out, "timeseries")
    per_run = ts.groupby("run_id").size()
    assert len(per_run) == 24
    assert not ts.duplicated(["run_id", "month", "group", "indicator"]).any()


def test_paired_differences_are_exactly_zero_for_a_copy_of_the_baseline(tmp_path):
    from model.experiments.compare import compare
    copy = tmp_path / "same.toml"
    copy.write_text(f'extends = "{BASELINE}"\nname = "same_as_baseline"\n')
    res = compare(str(BASELINE), [str(copy)], seeds=2, out=tmp_path / "c", months=6, persons=300, horizons=[3, 6],
                  workers=1, progress=False, burn_in=6)
    eff = res["effects"]
    assert len(eff) > 50
    assert (eff["difference"].fillna(0) == 0).all()


def test_compare_report_has_every_requested_indicator(tmp_path, capsys):
    """The whole compare path, with parameter uncertainty: the report's first screen, every
    indicator in the details, the posterior intervals beside the seed ones."""
    out = tmp_path / "cmp"
    assert main(["compare", str(BASELINE), str(ROOT / "scenarios" / "leisure_card.toml"),
                 str(ROOT / "scenarios" / "language_cafe.toml"), "--seeds", "2", "--months", "6", "--persons", "400",
                 "--burn-in", "12", "--horizons", "3,6", "--workers", "1", "--out", str(out), "--quiet",
                 "--posterior", "2"]) == 0
    md = (out / "report.md").read_text()
    assert md.startswith("# What the measures do after 6 months (month 6), against Baseline")
    from model.experiments.compare import KEY_TIMESERIES
    for _, label in KEY_TIMESERIES:
        assert label in md, label
    for section in ("## How sure: power of this run", "### Parameter uncertainty", "### Cost-effectiveness",
                    "### Who the resources reached", "NOK per extra participant", "[param. "):
        assert section in md, section
    from model.experiments.posterior import distinct_sets
    k, n = distinct_sets()
    assert f"posterior, which holds {k} distinct sets of {n}" in md   # how much the posterior is worth, said
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 3 and "class='headline'" in html and "param. " in html
    eff = pd.read_csv(out / "effects.csv")
    assert {"background", "region", "sex", "age_band", "income"} <= set(eff["dimension"])
    assert set(eff["month"]) == {3, 6} and eff["seeds"].max() == 2   # posterior runs are not seed runs
    pe = pd.read_csv(out / "posterior_effects.csv")
    assert set(pe["scenario"]) == {"leisure_card", "language_cafe"} and (pe["post_draws"] == 2).all()
    printed = capsys.readouterr().out
    assert "Leisure card" in printed and "After 6 months" in printed


def test_sensitivity_morris_ranks_every_parameter(tmp_path):
    from model.experiments.sensitivity import sensitivity
    params = {"recruitment.ask_rate": (0.05, 0.4), "ladder.volunteer_rate": (0.01, 0.08)}
    df = sensitivity(str(BASELINE), tmp_path, "morris", n=2, seeds=1, persons=200, months=3,
                     indicators=["participation"], params=params, workers=1, progress=False, burn_in=3)
    assert set(df["parameter"]) == set(params) and sorted(df["rank"]) == [1, 2]
    assert (tmp_path / "sensitivity_morris.png").exists()


@pytest.mark.parametrize("path", sorted((ROOT / "experiments").glob("*.toml")), ids=lambda p: p.name)
def test_shipped_experiment_files_load(path):
    exp, runs = load_experiment(path)
    assert runs and exp.name


def test_compare_from_a_sweep_store(tmp_path, capsys):
    body = TINY.replace('[grid]\n"recruitment.ask_rate" = [0.15, 0.3]\n', 'horizons = [3]\n').replace(
        'indicators = ["participation", "bridging_ties"]\n', "")
    f = write_experiment(tmp_path, body)
    out = tmp_path / "store"
    assert main(["sweep", str(f), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert main(["compare", "--store", str(out), "--out", str(tmp_path / "cmp")]) == 0
    eff = pd.read_csv(tmp_path / "cmp" / "effects.csv")
    assert set(eff["scenario"]) == {"leisure_card"} and 3 in set(eff["month"])
    assert (tmp_path / "cmp" / "report.html").exists()
    # a store with a parameter grid cannot be paired
    grid = write_experiment(tmp_path, TINY, "grid.toml")
    assert main(["sweep", str(grid), "--out", str(tmp_path / "g"), "--workers", "1", "--quiet"]) == 0
    assert main(["compare", "--store", str(tmp_path / "g")]) == 2
    assert "several runs per scenario and seed" in capsys.readouterr().err
