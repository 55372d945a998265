"""The dugnad command, output folder, manifest, determinism and a small-run regression."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from model.cli import main
from model.outputs import read_table

ROOT = Path(__file__).resolve().parent.parent
BASELINE = str(ROOT / "scenarios" / "baseline.toml")
SMALL = ["--persons", "400", "--months", "6", "--burn-in", "6", "--quiet"]

PERSON_COLS = ["person_id", "household_id", "background", "origin", "sex", "age", "years_in_norway", "norwegian",
               "education", "employed", "income_decile", "low_income", "trust", "member", "volunteer", "office",
               "bonding_ties", "bridging_ties", "motivation", "volunteer_hours", "institutional_trust"]
ORG_COLS = ["org_id", "kind", "minority", "formal", "members", "immigrant_members", "volunteers",
            "immigrant_volunteers", "offices", "immigrant_offices"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "r"
    assert main(["run", BASELINE, *SMALL, "--seed", "4", "--out", str(out)]) == 0
    return out


def test_run_writes_every_table_and_manifest(run_dir):
    names = {p.name for p in run_dir.iterdir()}
    assert names == {"manifest.json", "timeseries.parquet", "persons.parquet", "organisations.parquet",
                     "memberships.parquet", "ties.parquet", "benefits.parquet"}
    persons = read_table(run_dir, "persons")
    assert set(PERSON_COLS) <= set(persons.columns)
    assert persons["income_decile"].between(1, 10).all()
    assert set(ORG_COLS) <= set(read_table(run_dir, "organisations").columns)
    assert list(read_table(run_dir, "memberships").columns)[:3] == ["person_id", "org_id", "role"]
    ties = read_table(run_dir, "ties")
    assert set(ties["kind"]) <= {"bonding", "bridging", "linking"} and "linking" in set(ties["kind"])
    ts = read_table(run_dir, "timeseries")
    assert ts.groupby(["month", "group"]).size().max() == 1
    assert sorted(ts["month"].unique()) == list(range(0, 7))
    man = json.loads((run_dir / "manifest.json").read_text())
    for key in ("scenario", "seed", "versions", "git", "timings_s"):
        assert key in man
    assert man["seed"] == 4 and man["scenario"]["population"]["persons"] == 400
    assert man["versions"]["mesa"] and man["tables"]["persons"] == len(persons)


def test_tables_agree_with_each_other(run_dir):
    persons = read_table(run_dir, "persons")
    orgs = read_table(run_dir, "organisations")
    mem = read_table(run_dir, "memberships")
    assert orgs["offices"].sum() == (mem["role"] == "office").sum()
    assert persons["office"].sum() == mem.loc[mem["role"] == "office", "person_id"].nunique()
    assert persons["participant"].sum() == mem["person_id"].nunique()
    ties = read_table(run_dir, "ties")
    pt = ties[ties["a_type"] == "person"]
    assert len(pt) * 2 == persons["bonding_ties"].sum() + persons["bridging_ties"].sum()


def test_csv_format(tmp_path):
    out = tmp_path / "csv"
    assert main(["run", BASELINE, *SMALL, "--out", str(out), "--format", "csv"]) == 0
    assert {p.suffix for p in out.iterdir()} == {".csv", ".json"}
    assert len(read_table(out, "persons")) >= 400


def test_same_seed_gives_byte_identical_tables(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((a, "7"), (b, "7"), (c, "8")):
        assert main(["run", BASELINE, *SMALL, "--seed", seed, "--out", str(out), "--format", "csv"]) == 0
    for t in ("timeseries", "persons", "organisations", "memberships", "ties"):
        assert (a / f"{t}.csv").read_bytes() == (b / f"{t}.csv").read_bytes(), t
    assert (a / "persons.csv").read_bytes() != (c / "persons.csv").read_bytes()


@pytest.mark.parametrize("args, message", [
    (["run", BASELINE, "--persons", "ten"], "argument --persons: must be a whole number"),
    (["run", BASELINE, "--months", "-1"], "argument --months: must be from 0 to 1200"),
    (["run", BASELINE, "--format", "xlsx"], "argument --format: invalid choice"),
    (["run", "scenarios/missing.toml"], "missing.toml: file not found"),
    (["run"], "the following arguments are required: scenario"),
    (["fly"], "invalid choice: 'fly'"),
])
def test_bad_cli_arguments_one_line_exit_2(args, message, tmp_path):
    r = subprocess.run([sys.executable, "-m", "model.cli", *args, "--out", str(tmp_path / "x")] if args[0] == "run" and len(args) > 1 else
                       [sys.executable, "-m", "model.cli", *args], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    assert message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "x").exists()


def test_bad_scenario_creates_no_output_folder(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text("[population]\npersons = 2\n")
    out = tmp_path / "out"
    assert main(["run", str(bad), "--out", str(out)]) == 2
    assert not out.exists()
    assert "population.persons" in capsys.readouterr().err


def test_existing_output_folder_is_not_overwritten_without_force(run_dir, capsys):
    before = (run_dir / "manifest.json").read_text()
    assert main(["run", BASELINE, *SMALL, "--out", str(run_dir)]) == 2
    assert "--force" in capsys.readouterr().err
    assert (run_dir / "manifest.json").read_text() == before


def test_check_command(tmp_path, capsys):
    assert main(["check", BASELINE, "--show"]) == 0
    assert '"persons": 5000' in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text("months = -5\n")
    assert main(["check", str(bad)]) == 2
    assert "bad.toml: line 1: months" in capsys.readouterr().err
