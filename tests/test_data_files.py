"""Every shipped data file loads, and a broken copy of each gives one clear error line naming the
file, the row or field and what is allowed (never a traceback, never a silent default).

Each broken file is the shipped file's text with one thing changed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from model.data_files import DATA_DIR, DataFileError, load_organisation_kinds, load_origin_groups
from model.state import KINDS
from model.validation.calibrate import CALIBRATION_FILE, CalibrationError, calibrate, load_spec
from model.validation.targets import TARGETS_FILE, TargetsError, load_targets

KINDS_FILE = DATA_DIR / "organisation_kinds.csv"
ORIGINS_FILE = DATA_DIR / "origin_groups.csv"


def broken(tmp_path: Path, src: Path, old: str, new: str) -> Path:
    """A copy of ``src`` in ``tmp_path`` with the first ``old`` replaced by ``new``."""
    text = src.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {src.name}: update the test"
    f = tmp_path / src.name
    f.write_text(text.replace(old, new, 1), encoding="utf-8")
    return f


def expect(error: type[Exception], load, f: Path, *words: str) -> str:
    """``load(f)`` raises ``error`` with one line starting with the file and holding ``words``."""
    with pytest.raises(error) as e:
        load(f)
    msg = str(e.value)
    assert msg.startswith(f"{f}: "), msg
    assert "\n" not in msg and "Traceback" not in msg, msg
    for w in words:
        assert w in msg, f"{w!r} not in {msg!r}"
    return msg


# ------------------------------------------------------------------------------ shipped files

def test_every_shipped_data_file_loads():
    kinds = load_organisation_kinds()
    assert list(kinds["kind"]) == list(KINDS)
    origins = load_origin_groups()
    assert origins["region"].iloc[0] == "majority" and len(origins) > 1
    assert len(load_targets()) > 0
    settings, params = load_spec()
    assert settings["population"] >= 4 and params


def test_a_byte_order_mark_is_accepted(tmp_path):
    for src, load in ((KINDS_FILE, load_organisation_kinds), (ORIGINS_FILE, load_origin_groups),
                      (TARGETS_FILE, load_targets), (CALIBRATION_FILE, load_spec)):
        f = tmp_path / src.name
        f.write_text("\ufeff" + src.read_text(encoding="utf-8"), encoding="utf-8")
        load(f)


# ------------------------------------------------------------------------------ organisation_kinds.csv

HEADER = "kind,fee_adult,fee_child,language_demand,commitment,children_share,all_ages_share,mean_size,openness_multiplier"
HUMANITARIAN = "humanitarian,300,0,0.60,0.45,0.00,0.00,40,1.0,"


@pytest.mark.parametrize("old, new, words", [
    (HEADER, HEADER.replace(",mean_size", ",size"), ["missing column(s) mean_size", "needed:"]),
    ("sport,1800", "sport,", ["row 2 (sport), column fee_adult", "from 0 to 1,000,000", "nan"]),
    ("culture,900", "culture,-900", ["row 3 (culture), column fee_adult", "from 0 to 1,000,000", "-900"]),
    ("sport,1800", "sport,inf", ["row 2 (sport), column fee_adult", "from 0 to 1,000,000", "inf"]),
    ("sport,1800,3000", "sport,1800,3000000", ["row 2 (sport), column fee_child", "from 0 to 1,000,000"]),
    ("sport,1800,3000,0.35", "sport,1800,3000,1.35", ["row 2 (sport), column language_demand", "from 0 to 1"]),
    (HUMANITARIAN, "#" + HUMANITARIAN, ["column kind", "unknown '#humanitarian'"]),
    ("culture,900", "sport,900", ["row 3, column kind", "duplicate name 'sport' (also row 2)", "each kind once"]),
    ("culture,900", "choir,900", ["row 3, column kind", "unknown 'choir'", "allowed: sport, culture"]),
    ("culture,900", ",900", ["row 3, column kind", "must be a non-empty name"]),
    ("culture,900", "  ,900", ["row 3, column kind", "must be a non-empty name"]),
    (",60,1.0,", ",0,1.0,", ["row 2 (sport), column mean_size", "above 0 and at most 10,000", "got 0"]),
    (",60,1.0,", ",-inf,1.0,", ["row 2 (sport), column mean_size", "above 0 and at most 10,000", "-inf"]),
    (",60,1.0,", ",20000,1.0,", ["row 2 (sport), column mean_size", "at most 10,000"]),
    ("0.55,0.15", "0.55,0.65", ["row 2 (sport), columns children_share + all_ages_share", "at most 1", "1.2"]),
    (",35,0.3,", ",35,11,", ["row 6 (minority), column openness_multiplier", "from 0 to 10"]),
    (",35,0.3,", ",35,-0.3,", ["row 6 (minority), column openness_multiplier", "from 0 to 10", "-0.3"]),
    (",35,0.3,", ",35,nan,", ["row 6 (minority), column openness_multiplier", "from 0 to 10", "nan"]),
])
def test_bad_organisation_kinds(tmp_path, old, new, words):
    expect(DataFileError, load_organisation_kinds, broken(tmp_path, KINDS_FILE, old, new), *words)


def test_missing_organisation_kind(tmp_path):
    lines = KINDS_FILE.read_text(encoding="utf-8").splitlines()
    f = tmp_path / KINDS_FILE.name
    f.write_text("\n".join(line for line in lines if not line.startswith(HUMANITARIAN)) + "\n", encoding="utf-8")
    expect(DataFileError, load_organisation_kinds, f, "column kind: missing kind(s) humanitarian")


def test_deleted_data_files(tmp_path):
    for load, name in ((load_organisation_kinds, "organisation_kinds.csv"), (load_origin_groups, "origin_groups.csv")):
        expect(DataFileError, load, tmp_path / name, "file not found")
    expect(TargetsError, load_targets, tmp_path / "targets.toml", "file not found")
    expect(CalibrationError, load_spec, tmp_path / "calibration.toml", "file not found")


def test_an_empty_or_binary_csv_is_named(tmp_path):
    f = tmp_path / "organisation_kinds.csv"
    f.write_text("")
    expect(DataFileError, load_organisation_kinds, f, "cannot be read as CSV")
    f.write_bytes(b"kind,fee\xff\n")
    expect(DataFileError, load_organisation_kinds, f, "not UTF-8")


# ------------------------------------------------------------------------------ origin_groups.csv

@pytest.mark.parametrize("old, new, words", [
    ("\nPoland,", "\n,", ["row 3, column group", "must be a non-empty name"]),
    ("\nPoland,", "\n   ,", ["row 3, column group", "must be a non-empty name"]),
    ("Poland,EU/EEA Eastern Europe,", "Poland,,", ["row 3, column region", "must be a non-empty name"]),
    ("Poland,EU/EEA Eastern Europe,", "Poland, ,", ["row 3, column region", "must be a non-empty name"]),
    ("\nLithuania,", "\nPoland,", ["row 4, column group", "duplicate name 'Poland' (also row 3)"]),
    ("0.126,8,", "inf,8,", ["row 3 (Poland), column share_of_immigrants", "from 0 to 1", "inf"]),
    ("0.126,8,", "0.126,-inf,", ["row 3 (Poland), column median_years_in_norway", "from 0 to 80", "-inf"]),
    ("0.20,0.25,0.76", "0.20,0.25,nan", ["row 3 (Poland), column employment_rate", "from 0 to 1", "nan"]),
    ("labour,0.126", "work,0.126", ["row 3 (Poland), column main_reason", "unknown 'work'", "allowed:"]),
    ("0.76,catholic", "0.76,jedi", ["row 3 (Poland), column religious_tradition", "unknown 'jedi'", "allowed:"]),
])
def test_bad_origin_groups(tmp_path, old, new, words):
    expect(DataFileError, load_origin_groups, broken(tmp_path, ORIGINS_FILE, old, new), *words)


def test_origin_rows_are_numbered_as_in_the_file(tmp_path):
    """The majority row may stand anywhere; messages still name the row's line in the file."""
    lines = ORIGINS_FILE.read_text(encoding="utf-8").splitlines()
    header, norway, rest = lines[0], lines[1], lines[2:]
    assert norway.startswith("Norway,majority")
    f = tmp_path / "origin_groups.csv"
    f.write_text("\n".join([header, *rest, norway]) + "\n", encoding="utf-8")
    origins = load_origin_groups(f)
    assert origins["group"].iloc[0] == "Norway"
    f.write_text("\n".join([header, rest[0].replace("0.126,8,", "7,8,"), *rest[1:], norway]) + "\n")
    expect(DataFileError, load_origin_groups, f, "row 2 (Poland), column share_of_immigrants")


# ------------------------------------------------------------------------------ targets.toml

REST_ID = 'id = "participation_rest"'


@pytest.mark.parametrize("old, new, words", [
    ("value = 0.43", "value = nan", ["target[0] (participation_immigrant_background), field value", "finite number", "nan"]),
    ("value = 0.43", "value = inf", ["field value", "finite number", "inf"]),
    ("value = 0.43", "value = -inf", ["field value", "finite number", "-inf"]),
    ("value = 0.43", "value = true", ["field value", "finite number", "True"]),
    ("value = 0.43", 'value = "0.43"', ["field value", "finite number", "'0.43'"]),
    ("tolerance = 0.05", "tolerance = nan", ["target[0] (participation_immigrant_background), field tolerance", "finite number ≥ 0"]),
    ("tolerance = 0.05", "tolerance = inf", ["field tolerance", "finite number ≥ 0", "inf"]),
    ("tolerance = 0.05", "tolerance = -0.05", ["field tolerance", "finite number ≥ 0", "-0.05"]),
    ("tolerance = 0.05", "tolerance = false", ["field tolerance", "finite number ≥ 0", "False"]),
    ("value = -1", "value = -0.5", ["(determinant_female), field value", "1 or -1 for kind sign"]),
    (REST_ID, "id = 7", ["target[1], field id", "must be a string", "7"]),
    (REST_ID, 'id = " "', ["target[1], field id", "must not be empty"]),
    (REST_ID, 'id = "participation_immigrant_background"', ["target[1]", "duplicate id", "also target[0]"]),
    ('pattern = "took part', 'pattern = ["took part"]\n#', ["target[0], field pattern", "must be a string"]),
    ('source = "Frivillig', 'source = 2009\n#', ["field source", "must be a string", "2009"]),
    ('level = "individual"', 'level = "planet"', ["field level", "must be one of individual, youth", "'planet'"]),
    ('level = "individual"', 'level = 1', ["field level", "must be a string"]),
    ('role = "calibrated"', 'role = true', ["field role", "must be a string"]),
    ('role = "calibrated"', 'role = "fitted"', ["field role", "must be one of calibrated", "'fitted'"]),
    ('kind = "value"', 'kind = "exact"', ["field kind", "must be one of value, max, min, sign"]),
    ('statistic = "participation_immigrant_background"', 'statistic = "nope"', ["field statistic", "unknown statistic 'nope'"]),
    ('statistic = "participation_immigrant_background"\n', "", ["target[0] (participation_immigrant_background)", "missing field statistic"]),
    ('role = "calibrated"', 'role = "calibrated"\nweight = 2', ["target[0]", "unknown field(s) weight"]),
    ('source = "SSB (Barstad 2019)"', 'source = "SSB (Barstad 2019)', ["cannot read", "not valid TOML", "line "]),
])
def test_bad_targets(tmp_path, old, new, words):
    expect(TargetsError, load_targets, broken(tmp_path, TARGETS_FILE, old, new), *words)


def test_targets_file_holds_only_target_tables(tmp_path):
    f = tmp_path / "targets.toml"
    f.write_text("version = 2\n" + TARGETS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    expect(TargetsError, load_targets, f, "unknown key(s) version", "only [[target]]")
    f.write_text("target = 3\n")
    expect(TargetsError, load_targets, f, "needs [[target]] tables")
    f.write_text("target = [1]\n")
    expect(TargetsError, load_targets, f, "target[0]: must be a table")


def test_deeply_nested_toml_is_refused(tmp_path):
    for load, error in ((load_targets, TargetsError), (load_spec, CalibrationError)):
        f = tmp_path / "deep.toml"
        f.write_text("x = " + "[" * 40 + "]" * 40 + "\n")
        expect(error, load, f, "cannot read", "nested too deeply")


# ------------------------------------------------------------------------------ calibration.toml

ASK = '"recruitment.ask_rate" = [0.10, 0.80]'


@pytest.mark.parametrize("old, new, words", [
    ("population = 40 ", "population = nan ", ["settings.population", "whole number from 4 to 10,000", "nan"]),
    ("population = 40 ", "population = inf ", ["settings.population", "whole number from 4 to 10,000", "inf"]),
    ("population = 40 ", "population = 16.5 ", ["settings.population", "whole number", "16.5"]),
    ("population = 40 ", "population = 3 ", ["settings.population", "whole number from 4", "got 3"]),
    ("population = 40 ", "population = 1000000 ", ["settings.population", "to 10,000", "1000000"]),
    ("population = 40 ", 'population = "40" ', ["settings.population", "whole number", "'40'"]),
    ("population = 40 ", "population = true ", ["settings.population", "whole number", "True"]),
    ("generations = 4 ", "generations = 0 ", ["settings.generations", "whole number from 1 to 100", "got 0"]),
    ("max_simulations = 240 ", "max_simulations = -5 ", ["settings.max_simulations", "whole number from 1", "-5"]),
    ("persons = 5000", "persons = 10", ["settings.persons", "from 20 to 2,000,000", "10"]),
    ("months = 12 ", "months = 0 ", ["settings.months", "whole number from 1 to 1,200", "got 0"]),
    ("min_distance = 0.1", "min_distance = -0.1", ["settings.min_distance", "a number from 0 to 100", "-0.1"]),
    ("min_distance = 0.1", "min_distance = nan", ["settings.min_distance", "a number from 0 to 100", "nan"]),
    ("min_distance = 0.1", "min_distance = inf", ["settings.min_distance", "a number from 0 to 100", "inf"]),
    ("refine = 6", "refine = 2.5", ["settings.refine", "whole number from 1 to 10,000", "2.5"]),
    ("refine_seeds = 8", "refine_seeds = 0", ["settings.refine_seeds", "whole number from 1 to 1,000"]),
    ("refine_seeds = 8 ", "refine_seeds = 8\nworkers = 2\n", ["settings.workers", "unknown setting", "allowed: population"]),
    ("refine_seeds = 8 ", "# ", ["settings.refine_seeds", "missing"]),
    ("refine_persons = 20000", "refine_persons = 19", ["settings.refine_persons", "from 20 to 2,000,000", "19"]),
    ("refine_persons = 20000", "refine_persons = 20000.5", ["settings.refine_persons", "whole number", "20000.5"]),
    ("refine_persons = 20000", "", ["settings.refine_persons", "missing"]),
    ("prior_share = 0.3 ", "prior_share = 0.95 ", ["settings.prior_share", "a number from 0 to 0.9", "0.95"]),
    ("prior_share = 0.3 ", "prior_share = -0.1 ", ["settings.prior_share", "a number from 0 to 0.9", "-0.1"]),
    (ASK, ASK.replace("0.80", "1.35"), ["parameters.recruitment.ask_rate", "outside what the scenario allows", "≤ 1", "1.35"]),
    ('"membership.leave_base" = [0.002, 0.012]', '"membership.leave_base" = [-0.2, 0.012]',
     ["parameters.membership.leave_base", "outside what the scenario allows", "≥ 0", "-0.2"]),
    (ASK, ASK.replace("0.10", "nan"), ["parameters.recruitment.ask_rate", "two finite numbers with low < high", "nan"]),
    (ASK, ASK.replace("0.80", "inf"), ["parameters.recruitment.ask_rate", "two finite numbers", "inf"]),
    (ASK, ASK.replace("0.10", "true"), ["parameters.recruitment.ask_rate", "two finite numbers", "True"]),
    (ASK, ASK.replace("0.10", '"0.1"'), ["parameters.recruitment.ask_rate", "two finite numbers"]),
    (ASK, ASK.replace("0.80", "0.80, 0.7"), ["parameters.recruitment.ask_rate", "[low, high]"]),
    (ASK, ASK.replace("0.10, 0.80", "0.80, 0.10"), ["parameters.recruitment.ask_rate", "low < high"]),
    (ASK, ASK.replace("0.10, 0.80", "0.2, 0.2"), ["parameters.recruitment.ask_rate", "low < high"]),
    (ASK, ASK.replace("[0.10, 0.80]", "0.2"), ["parameters.recruitment.ask_rate", "[low, high]", "0.2"]),
    (ASK, ASK.replace("ask_rate", "nope"), ["parameters.recruitment.nope", "not a scenario parameter"]),
    (ASK, '"population.persons" = [100, 200]', ["parameters.population.persons", "type int", "float"]),
    (ASK, '"ties.meet_rate" = [0.1, 0.2]', ["parameters.ties.meet_rate", "type dict", "float"]),
    (ASK, '"seed" = [1, 2]', ["parameters.seed", "not a scenario parameter"]),
    ("refine_seeds = 8", 'refine_seeds = 8"', ["cannot read", "not valid TOML", "line "]),
])
def test_bad_calibration_spec(tmp_path, old, new, words):
    expect(CalibrationError, load_spec, broken(tmp_path, CALIBRATION_FILE, old, new), *words)


FIX = '"recruitment.spillover" = 1.40294'


@pytest.mark.parametrize("old, new, words", [
    (FIX, '"recruitment.nope" = 1.0', ["fixed.recruitment.nope", "not a scenario parameter"]),
    (FIX, '"recruitment.spillover" = -1.0', ["fixed.recruitment.spillover", "outside what the scenario allows", "-1"]),
    (FIX, '"recruitment.spillover" = "1"', ["fixed.recruitment.spillover", "finite number"]),
    (FIX, '"recruitment.spillover" = nan', ["fixed.recruitment.spillover", "finite number"]),
    (FIX, '"population.persons" = 100.0', ["fixed.population.persons", "real-number"]),
    (FIX, '"recruitment.ask_rate" = 0.5', ["fixed.recruitment.ask_rate", "also in [parameters]"]),
])
def test_bad_fixed_parameters(tmp_path, old, new, words):
    """[fixed] in the calibration file: held values are checked like the ranges, naming file and key."""
    from model.validation.calibrate import load_fixed

    expect(CalibrationError, load_fixed, broken(tmp_path, CALIBRATION_FILE, old, new), *words)


def test_the_shipped_fixed_values_are_written_with_the_fit(tmp_path):
    from model.validation.calibrate import load_fixed, write_calibrated

    fixed = load_fixed()
    summary = {"method": "m", "settings": {"refine_seeds": 1, "refine_persons": 10, "fixed": fixed},
               "created_utc": "now", "distance_fitted": 0.1, "simulations": 1, "generations": [{}]}
    write_calibrated(tmp_path / "c.toml", {**fixed, "recruitment.ask_rate": 0.5}, summary)
    text = (tmp_path / "c.toml").read_text(encoding="utf-8")
    assert "spillover = 1.40294" in text and "ask_rate = 0.5" in text and "# Held fixed" in text


def _without_table(name: str) -> str:
    """The shipped calibration file without its [name] table (up to the next table or the end)."""
    text = CALIBRATION_FILE.read_text(encoding="utf-8")
    out, n = re.subn(rf"(?ms)^\[{name}\]\n.*?(?=^\[|\Z)", "", text)
    assert n == 1
    return out


@pytest.mark.parametrize("name", ["settings", "parameters", "fixed"])
def test_calibration_tables_must_be_tables(tmp_path, name):
    f = tmp_path / "calibration.toml"
    f.write_text(f"{name} = 3\n" + _without_table(name), encoding="utf-8")
    expect(CalibrationError, load_spec, f, f"{name}: must be a table", "got 3")


def test_calibration_needs_parameters(tmp_path):
    f = tmp_path / "calibration.toml"
    f.write_text(_without_table("parameters") + "[parameters]\n", encoding="utf-8")
    expect(CalibrationError, load_spec, f, "[parameters] is empty")
    f.write_text("version = 1\n" + CALIBRATION_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    expect(CalibrationError, load_spec, f, "unknown key(s) version")


@pytest.fixture
def no_model_runs(monkeypatch):
    """Should a bad file slip through, fail at once rather than run a calibration."""
    import model.validation.calibrate as cal

    def refuse(*args, **kwargs):
        pytest.fail("the bad calibration file was accepted and model runs started")
    monkeypatch.setattr(cal, "_evaluate_all", refuse)
    monkeypatch.setattr(cal, "_run_abc", refuse)


def test_a_range_outside_the_scenario_names_the_calibration_file(tmp_path, no_model_runs):
    """Before: the range passed load_spec and each sample outside it failed in a worker, reported
    against scenarios/../model/data/calibrated.toml (which sets the parameter)."""
    f = broken(tmp_path, CALIBRATION_FILE, ASK, ASK.replace("0.80", "1.35"))
    out = tmp_path / "cal"
    with pytest.raises(CalibrationError) as e:
        calibrate("scenarios/baseline.toml", out, tmp_path / "fitted.toml", workers=1, spec_file=f, progress=False)
    msg = str(e.value)
    assert msg.startswith(f"{f}: parameters.recruitment.ask_rate: ") and "calibrated.toml" not in msg
    assert not out.exists()  # refused before any work


def test_cli_reports_a_bad_calibration_file_in_one_line(tmp_path, capsys, no_model_runs):
    from model.cli import main

    f = broken(tmp_path, CALIBRATION_FILE, "population = 40 ", "population = nan ")
    code = main(["calibrate", "--spec", str(f), "--out", str(tmp_path / "cal"), "--write", str(tmp_path / "w.toml"), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert err == f"dugnad: error: {f}: settings.population: must be a whole number from 4 to 10,000 (got nan)"
