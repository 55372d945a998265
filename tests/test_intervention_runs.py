"""Runs with interventions: determinism, the cost and benefit outputs, and who a measure reaches."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from conftest import small_scenario
from model.cli import main
from model.model import DugnadModel
from model.outputs import read_table, tables

COMBO = [
    {"type": "leisure_card", "name": "card", "outreach": True},
    {"type": "language_course", "name": "course", "start_month": 1, "end_month": 5},
    {"type": "mentor_programme", "name": "mentors", "pairs_per_year": 60},
    {"type": "arrivals", "persons": 60, "arrival_months": 3},
]


def run(seed: int) -> DugnadModel:
    m = DugnadModel(small_scenario(700, burn_in_months=18, months=8, interventions=COMBO), seed=seed)
    m.run()
    return m


@pytest.fixture(scope="module")
def combo_runs():
    return run(7), run(7), run(8)


def test_same_scenario_and_seed_give_identical_tables_with_interventions(combo_runs):
    a, b, c = (tables(m) for m in combo_runs)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)
    assert not a["benefits"].equals(c["benefits"])


def test_costs_and_benefits_add_up(combo_runs):
    m = combo_runs[0]
    b = m.benefits.table()
    ts = m.observer.table()
    last = ts[(ts.group == "all") & (ts.month == ts.month.max())].iloc[0]
    for iv in m.interventions:
        assert last[f"cost_nok.{iv.label}"] == pytest.approx(iv.cost_nok)
        assert b.loc[b.intervention == iv.label, "nok"].sum() == pytest.approx(iv.benefit_nok, rel=1e-6, abs=1.0)
    assert last["cost_nok"] == pytest.approx(sum(iv.cost_nok for iv in m.interventions))
    # the course ran in months 1-4 only
    course = b[b.intervention == "course"]
    assert set(course.month) <= {1, 2, 3, 4} and len(course)
    # leisure-card payments go to children 6-17
    card = b[b.intervention == "card"]
    assert len(card) and card.age.between(6, 18).all()


def test_benefits_keep_who_received_at_the_time(combo_runs):
    m = combo_runs[0]
    b = m.benefits.table()
    assert list(b.columns) == ["person_id", "intervention", "month", "nok", "household_id", "background",
                               "origin", "region", "age", "income_decile", "low_income"]
    assert b.income_decile.between(0, 10).all()
    assert set(b.background.astype(str)) <= {"majority", "immigrant", "descendant"}


def test_run_folder_has_benefits_and_intervention_costs(tmp_path):
    scen = tmp_path / "s.toml"
    scen.write_text('name = "with-campaign"\n[population]\npersons = 400\nneighbourhoods = 3\n'
                    '[[interventions]]\ntype = "information_campaign"\ngeneral_reach = 0.5\n')
    out = tmp_path / "run"
    assert main(["run", str(scen), "--months", "4", "--burn-in", "12", "--quiet", "--out", str(out)]) == 0
    man = json.loads((out / "manifest.json").read_text())
    [entry] = man["interventions"]
    assert entry["name"] == "information_campaign" and entry["type"] == "information_campaign"
    assert entry["cost_nok"] > 0 and entry["persons_reached"] > 0
    b = read_table(out, "benefits")
    assert len(b) == man["tables"]["benefits"] and b.nok.sum() == pytest.approx(entry["benefits_nok"], abs=1.0)
    ts = read_table(out, "timeseries")
    assert "cost_nok.information_campaign" in ts.columns
    assert ts.loc[ts.month == ts.month.max(), "cost_nok"].iloc[0] == pytest.approx(entry["cost_nok"], abs=0.01)


def test_baseline_run_has_an_empty_benefits_table(tmp_path):
    m = DugnadModel(small_scenario(300, burn_in_months=3, months=2), seed=1)
    m.run()
    b = m.benefits.table()
    assert len(b) == 0 and "person_id" in b.columns
    ts = m.observer.table()
    assert (ts.cost_nok == 0).all()


def test_arrivals_make_the_population_grow_and_tables_stay_consistent(combo_runs):
    m = combo_runs[0]
    t = tables(m)
    persons = t["persons"]
    assert len(persons) == len(m.people) > 700
    assert (persons.arrived_month >= 0).sum() >= 40
    assert persons.person_id.is_unique and persons.person_id.is_monotonic_increasing
    assert t["memberships"].person_id.isin(persons.person_id).all()


def test_voluntary_policy_share_sets_that_many_municipalities():
    sc = small_scenario(600, burn_in_months=0, months=1, population={"municipalities": 4, "neighbourhoods": 8},
                        municipalities={"voluntary_policy_share": 0.5})
    m = DugnadModel(sc, seed=2)
    assert sum(mu.voluntary_policy for mu in m.municipalities) == 2
