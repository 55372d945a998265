"""Regression tests for the defects a hostile-but-fair probe found (issue 10): every accepted input
runs, bad input gets one clear line and exit 2, and nothing outside the output area is touched.

Sweep-store defects are in ``tests/test_sweep_safety.py``, data files in ``tests/test_data_files.py``,
the schema-wide property test in ``tests/test_schema_fuzz.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model.cli import main
from model.model import DugnadModel
from model.outputs import write_run
from model.safe_io import MAX_TOML_DEPTH, clean_stale
from model.scenario import MAX_EXTENDS, ScenarioError, load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
SM = ["--persons", "300", "--months", "2", "--burn-in", "2", "--quiet"]


def scenario_file(tmp_path: Path, body: str, name: str = "s.toml") -> Path:
    f = tmp_path / name
    f.write_text(f'extends = "{BASELINE}"\n{body}', encoding="utf-8")
    return f


def one_error(capsys, code: int, expected: int = 2) -> str:
    """The single stderr line of a refused command."""
    err = capsys.readouterr().err.strip().splitlines()
    assert code == expected and len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


@pytest.fixture
def tiny_model():
    m = DugnadModel(scenario_from_dict({"population": {"persons": 60}, "months": 1, "burn_in_months": 1}))
    m.run()
    return m


# ------------------------------------------------------------------ 1. --force never deletes a stranger's folder

def test_force_refuses_a_folder_that_is_not_a_run_folder(tmp_path, capsys):
    d = tmp_path / "d"
    d.mkdir()
    (d / "thesis.tex").write_text("x")
    line = one_error(capsys, main(["run", str(BASELINE), *SM, "--out", str(d), "--force"]))
    assert "not a Dugnad output folder" in line
    assert (d / "thesis.tex").read_text() == "x" and sorted(p.name for p in tmp_path.iterdir()) == ["d"]


def test_force_replaces_a_run_folder(tmp_path, tiny_model):
    out = write_run(tiny_model, tmp_path / "r")
    (out / "stray.txt").write_text("from an earlier run")
    write_run(tiny_model, out, force=True)
    assert not (out / "stray.txt").exists() and (out / "manifest.json").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["r"]          # nothing hidden left beside it


def test_without_force_a_run_folder_is_kept(tmp_path, tiny_model, capsys):
    out = write_run(tiny_model, tmp_path / "r")
    assert "--force" in one_error(capsys, main(["run", str(BASELINE), *SM, "--out", str(out)]))


# ------------------------------------------------------------------ 2. names are identifiers

@pytest.mark.parametrize("name", ["../../escaped", "/tmp/abs", "a/b", ".hidden", "", "x" * 65, "a\x00b", "sp ace"])
def test_scenario_names_that_are_not_identifiers_are_refused(tmp_path, capsys, name):
    f = scenario_file(tmp_path, f"name = {json.dumps(name)}\n")
    line = one_error(capsys, main(["run", str(f), *SM]))
    assert "name: must be a name of" in line and str(f) in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]


def test_intervention_names_are_identifiers(tmp_path):
    f = scenario_file(tmp_path, '[[interventions]]\ntype = "leisure_card"\nname = "../x"\n')
    with pytest.raises(ScenarioError, match=r"interventions\[0\]\.name: must be a name"):
        load_scenario(f)


def test_the_default_name_is_made_from_the_file_name(tmp_path):
    (tmp_path / "my scenario (2).toml").write_text("months = 1\n")
    assert load_scenario(tmp_path / "my scenario (2).toml").name == "my_scenario__2_"


# ------------------------------------------------------------------ 3. in-range values that crashed

@pytest.mark.parametrize("body, field", [
    ("[employment]\nnormal_hours = 0\n", "employment.normal_hours"),
    ("[economy]\nmedian_wage = 1e300\n", "economy.median_wage"),
    ("[economy]\nbenefit = 1e300\n", "economy.benefit"),
    ("[economy]\nwage_sd_log = 1e9\n", "economy.wage_sd_log"),
    ("[ties]\ninitial_ties = 1e6\n", "ties.initial_ties"),
    ("[population]\norigin_mix = { Poland = 1e308, Sweden = 1e308 }\n", "population.origin_mix.Poland"),
])
def test_values_the_model_cannot_run_with_are_out_of_range(tmp_path, body, field):
    with pytest.raises(ScenarioError) as e:
        load_scenario(scenario_file(tmp_path, body))
    assert f"{field}: Input should be" in str(e.value)


def test_homophily_zero_runs(tmp_path):
    """The board's candidate weights can all be zero: the office then stays vacant this month."""
    sc = load_scenario(scenario_file(tmp_path, "[recruitment]\nhomophily = 0\n"),
                       {"population": {"persons": 300}, "months": 2, "burn_in_months": 2})
    m = DugnadModel(sc)
    m.run()
    assert np.isfinite(m.observer.table()["office"]).all()


def test_kind_shares_mean_the_same_as_fractions_or_percentages(tmp_path):
    """Weights are normalised over all four kinds: percentages give the fractions' landscape."""
    kinds = []
    for shares in ("{ sport = 0.3, culture = 0.36, religious = 0.1, humanitarian = 0.14 }",
                   "{ sport = 30, culture = 36, religious = 10, humanitarian = 14 }"):
        sc = load_scenario(scenario_file(tmp_path, f"[organisations]\nkind_shares = {shares}\n"),
                           {"population": {"persons": 3000}, "months": 0, "burn_in_months": 0})
        m = DugnadModel(sc, burn_in=False)
        kinds.append(np.bincount(m.orgs.kind, minlength=6))
    assert (kinds[0] == kinds[1]).all()
    sport, culture, religious, humanitarian = kinds[1][:4]
    assert religious < sport and religious < culture and humanitarian > 0


# ------------------------------------------------------------------ 4. the output location is checked first

@pytest.mark.parametrize("out", ["/proc/x/y", "a" * 300, "bad\x00name"])
def test_unwritable_out_fails_before_simulating(tmp_path, capsys, monkeypatch, out):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(DugnadModel, "run", lambda *a, **k: pytest.fail("simulated before checking --out"))
    assert "--out" in one_error(capsys, main(["run", str(BASELINE), *SM, "--out", out]))
    assert list(tmp_path.iterdir()) == []


def test_out_that_is_a_file_is_called_a_file(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    assert "is a file, not a folder" in one_error(capsys, main(["run", str(BASELINE), *SM, "--out", str(tmp_path / "f")]))


def test_animate_out_checked_first(tmp_path, capsys):
    assert "--out" in one_error(capsys, main(["animate", str(BASELINE), "--out", "/proc/x/a.gif", "--persons", "100"]))


def test_a_failure_while_writing_is_one_line_and_leaves_nothing(tmp_path, tiny_model, monkeypatch):
    import pandas as pd

    def disk_full(*a, **k):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full)
    with pytest.raises(Exception) as e:
        write_run(tiny_model, tmp_path / "r")
    assert "No space left on device" in str(e.value) and "nothing was written" in str(e.value)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ 6. stale temporary folders are cleaned

def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path, tiny_model):
    pid = _dead_pid()
    for kind in ("tmp", "old"):
        (tmp_path / f".r.{kind}-{pid}-0a1b2c3d").mkdir()
        (tmp_path / f".r.{kind}-{pid}-0a1b2c3d" / "part.parquet").write_text("torn")
    (tmp_path / ".other.tmp-1-ab").mkdir()                      # someone else's: left alone
    write_run(tiny_model, tmp_path / "r")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.tmp-1-ab", "r"]


def test_leftovers_of_a_running_writer_are_kept(tmp_path):
    import os
    live = tmp_path / f".r.tmp-{os.getpid()}-00"
    live.mkdir()
    absurd = tmp_path / f".r.tmp-{10**20}-00"                    # no such process can exist: not judged
    absurd.mkdir()
    assert clean_stale(tmp_path / "r") == 0 and live.exists() and absurd.exists()


def test_validate_never_replaces_a_folder_that_is_not_a_validation_folder(tmp_path, capsys, monkeypatch):
    import model.validation.validate as v
    monkeypatch.setattr(v, "run_seeds", lambda *a, **k: pytest.fail("ran before checking --out"))
    d = tmp_path / "thesis"
    d.mkdir()
    (d / "thesis.tex").write_text("x")
    assert "not a Dugnad output folder" in one_error(capsys, main(["validate", str(BASELINE), "--seeds", "1", "--out", str(d)]))
    assert (d / "thesis.tex").exists()


def test_sweep_never_cleans_a_folder_that_is_not_a_store(tmp_path, capsys):
    d = tmp_path / "mine"
    (d / "timeseries" / "run_id=mine").mkdir(parents=True)
    (d / "runs").mkdir()
    (d / "runs" / "notes.json").write_text("not json")
    line = one_error(capsys, main(["sweep", str(ROOT / "experiments" / "tiny.toml"), "--out", str(d)]))
    assert "not a sweep store" in line
    assert (d / "runs" / "notes.json").exists() and (d / "timeseries" / "run_id=mine").exists()


def test_sigkill_while_writing_then_rerun(tmp_path):
    """A real SIGKILL of `dugnad run` during its write leaves hidden leftovers at most; the next
    run into the same folder removes them and completes."""
    code = ("import os, signal, model.outputs as o\n"
            "orig = o._write_tables\n"
            "def killed(*a, **k):\n"
            "    orig(*a, **k)\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n"
            "o._write_tables = killed\n"
            "from model.cli import main\n"
            f"main(['run', {str(BASELINE)!r}, '--persons', '60', '--months', '1', '--burn-in', '1', '--quiet', '--out', 'r'])\n")
    killed = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True)
    assert killed.returncode == -9
    assert [p.name.split("-")[0] for p in tmp_path.iterdir()] == [".r.tmp"]
    assert main(["run", str(BASELINE), "--persons", "60", "--months", "1", "--burn-in", "1", "--quiet",
                 "--out", str(tmp_path / "r")]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["r"]


# ------------------------------------------------------------------ 7. deep nesting and long chains

@pytest.mark.parametrize("text", [
    "a = " + "[" * 600 + "]" * 600,
    "a = " + "{ b = " * 600 + "1" + " }" * 600,
    "[" + ".".join(["t"] * 1500) + "]\n",
])
def test_deep_nesting_is_refused(tmp_path, text):
    f = tmp_path / "deep.toml"
    f.write_text(text)
    with pytest.raises(ScenarioError, match=f"nested too deeply \\(at most {MAX_TOML_DEPTH} levels\\)"):
        load_scenario(f)


def test_a_long_extends_chain_is_refused(tmp_path):
    (tmp_path / "f0.toml").write_text("months = 1\n")
    for i in range(1, 1000):
        (tmp_path / f"f{i}.toml").write_text(f'extends = "f{i - 1}.toml"\n')
    with pytest.raises(ScenarioError, match=f"at most {MAX_EXTENDS} files"):
        load_scenario(tmp_path / "f999.toml")
    (tmp_path / "ok.toml").write_text(f'extends = "f{MAX_EXTENDS - 2}.toml"\n')
    assert load_scenario(tmp_path / "ok.toml").name == "ok"


# ------------------------------------------------------------------ 9. unbounded counts

@pytest.mark.parametrize("argv", [
    ["compare", str(BASELINE), str(BASELINE), "--seeds", "100000000"],
    ["compare", str(BASELINE), str(BASELINE), "--posterior", "100000000"],
    ["validate", "--seeds", "100000000"],
    ["sweep", "experiments/tiny.toml", "--workers", "100000"],
    ["run", str(BASELINE), "--persons", "100000000"],
    ["run", str(BASELINE), "--seed", str(2**64)],
])
def test_counts_are_bounded(capsys, argv):
    with pytest.raises(SystemExit) as e:
        main(argv)
    err = capsys.readouterr().err
    assert e.value.code == 2 and "must be from" in err and "Traceback" not in err


@pytest.mark.parametrize("argv, says", [
    (["compare", str(BASELINE), str(BASELINE), "--posterior", "1"], "--posterior: must be 0 (none) or from 2"),
    (["compare", "--store", "runs/nowhere", "--posterior", "3"], "cannot be used with --store"),
])
def test_posterior_needs_two_draws_and_new_runs(capsys, argv, says):
    assert says in one_error(capsys, main(argv))


def test_check_of_an_endless_file(capsys):
    assert "file too large" in one_error(capsys, main(["check", "/dev/zero"]))


# ------------------------------------------------------------------ 10. smaller ones

def test_shares_on_the_bound_are_accepted(tmp_path):
    f = scenario_file(tmp_path, "[population]\nimmigrant_share = 0.9\ndescendant_share = 0.05\n")
    assert load_scenario(f).population.immigrant_share == 0.9


def test_a_byte_order_mark_is_accepted(tmp_path):
    f = tmp_path / "bom.toml"
    f.write_bytes(b"\xef\xbb\xbf" + f'extends = "{BASELINE}"\nname = "bom"\n'.encode())
    assert load_scenario(f).name == "bom"


@pytest.mark.parametrize("body, field", [
    ('[recruitment]\nask_rate = "0.5"\n', "recruitment.ask_rate"),
    ("seed = true\n", "seed"),
    ("[population]\npersons = 3000.0\n", "population.persons"),
    ('[[interventions]]\ntype = "leisure_card"\noutreach = 1\n', "interventions[0].outreach"),
])
def test_types_are_strict(tmp_path, body, field):
    with pytest.raises(ScenarioError, match=rf"{field.replace('[', r'\[').replace(']', r'\]')}: Input should be"):
        load_scenario(scenario_file(tmp_path, body))


@pytest.mark.parametrize("persons", [20, 300, 1458])
def test_small_copies_keep_the_neighbourhoods_their_measures_name(persons):
    sc = load_scenario(ROOT / "scenarios" / "area_initiative.toml", {"population": {"persons": persons}})
    named = max(x for iv in sc.interventions for x in getattr(iv, "neighbourhoods", [0]))
    assert sc.population.neighbourhoods > named


def test_too_many_persons_for_the_density_names_the_override(tmp_path):
    f = scenario_file(tmp_path, "[population]\npersons = 100\nneighbourhoods = 10\n")
    with pytest.raises(ScenarioError, match=r"population.persons = 2000000 \(override\).*give fewer persons"):
        load_scenario(f, {"population": {"persons": 2_000_000}})


def test_a_megabyte_key_is_not_echoed(tmp_path):
    f = tmp_path / "k.toml"
    f.write_text("[population]\n" + "x" * 500_000 + " = 1\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    assert len(str(e.value)) < 400


def test_a_closed_pipe_is_not_a_traceback():
    files = " ".join([f"{ROOT}/scenarios/*.toml"] * 4)   # ~400 kB: far more than a pipe holds
    cmd = f"{sys.executable} -m model.cli check {files} --show | head -1"
    r = subprocess.run(["bash", "-c", cmd + "; echo ${PIPESTATUS[0]} >&2"], cwd=ROOT, capture_output=True, text=True)
    assert "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr
    assert r.stderr.strip().splitlines()[-1] == "141"            # the writer did meet the closed pipe


# ------------------------------------------------------------------ 8. `check` reads the data files too

def test_check_reads_the_organisation_kinds(tmp_path, monkeypatch, capsys):
    import shutil

    import model.data_files as data_files
    for f in data_files.DATA_DIR.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    kinds = tmp_path / "organisation_kinds.csv"
    lines = kinds.read_text().splitlines()
    kinds.write_text("\n".join([*lines, lines[1]]) + "\n")          # the sport row twice
    monkeypatch.setattr(data_files, "DATA_DIR", tmp_path)
    line = one_error(capsys, main(["check", str(BASELINE)]))
    assert "organisation_kinds.csv" in line and "sport" in line
