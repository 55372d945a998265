"""Scenario loading and validation."""

from pathlib import Path

import pytest

from model.scenario import Scenario, ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text)
    return f


def test_baseline_loads():
    s = load_scenario(ROOT / "scenarios" / "baseline.toml")
    assert isinstance(s, Scenario) and s.name == "baseline" and s.population.persons == 5000


def test_extends_merges_tables(tmp_path):
    write(tmp_path, "base.toml", 'name = "b"\n[population]\npersons = 800\nsegregation = 0.2\n')
    f = write(tmp_path, "child.toml", 'extends = "base.toml"\nname = "c"\n[population]\nsegregation = 0.9\n')
    s = load_scenario(f)
    assert (s.name, s.population.persons, s.population.segregation) == ("c", 800, 0.9)


@pytest.mark.parametrize("text, expected", [
    ('[population]\npersons = 5\n', r"bad.toml: line 2: population.persons: Input should be greater than or equal to 20 \(got 5\)"),
    ('[population]\npersns = 500\n', r"bad.toml: line 2: population.persns: unknown field"),
    ('[recruitment]\nhomophily = "high"\n', r"bad.toml: line 2: recruitment.homophily: Input should be a valid number"),
    ('months = -3\n', r"bad.toml: line 1: months: Input should be greater than or equal to 0 \(got -3\)"),
    ('[organisations.kind_shares]\nspaceflight = 0.5\n', r"organisations.kind_shares.spaceflight: unknown or not share-set organisation kind; allowed: sport"),
    ('[ties.meet_rate]\nchurch = 0.5\n', r"ties.meet_rate.church: unknown focus; allowed: organisation"),
    ('[preferences.girls]\nminority = 0.5\n', r"preferences.girls.minority: unknown kind with a preference; allowed: sport"),
    ('[preferences.men]\nsport = 1.5\n', r"preferences.men.sport: Input should be less than or equal to 1"),
    ('[population]\nimmigrant_share = 0.6\ndescendant_share = 0.4\n', r"population: immigrant_share \+ descendant_share must be ≤ 0.95"),
    ("name = \n", r"bad.toml: line 1: not valid TOML"),
])
def test_bad_files_name_file_line_field_and_value(tmp_path, text, expected):
    f = write(tmp_path, "bad.toml", text)
    with pytest.raises(ScenarioError, match=expected):
        load_scenario(f)


def test_every_problem_is_reported(tmp_path):
    f = write(tmp_path, "bad.toml", "months = -1\n[population]\npersons = 1\nsegregation = 2\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    assert len(e.value.problems) == 3


def test_missing_file_and_circular_extends(tmp_path):
    with pytest.raises(ScenarioError, match="nope.toml: file not found"):
        load_scenario(tmp_path / "nope.toml")
    write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="circular inheritance"):
        load_scenario(tmp_path / "a.toml")


def test_unknown_origin_in_mix_is_rejected_at_build(tmp_path):
    from model.errors import DugnadError
    from model.model import DugnadModel
    f = write(tmp_path, "mix.toml", '[population]\npersons = 100\n[population.origin_mix]\nAtlantis = 1.0\n')
    with pytest.raises(DugnadError, match="unknown origin group.*Atlantis"):
        DugnadModel(load_scenario(f), burn_in=False)
