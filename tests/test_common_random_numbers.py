"""Common random numbers across the model: no draw from a shared generator once the model steps,
branching from one burn-in gives the same tables as a fresh run, and paired runs of a reaching
intervention stay far closer than runs with different seeds (the variance reduction)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.model import DugnadModel
from tests.conftest import burned_in, small_scenario


class _NoDraws:
    def __getattr__(self, name):
        raise AssertionError(f"model.rng.{name} used after the build: draw from model.streams instead")


def test_no_mechanism_draws_from_the_shared_generator():
    m = DugnadModel(small_scenario(400), seed=2, burn_in=False)
    m.rng = _NoDraws()
    for _ in range(6):
        m.step()


def test_a_branched_run_gives_the_tables_of_a_fresh_run(tmp_path):
    from model.experiments.definition import run_specs_for
    from model.experiments.runner import burn_in, run

    f = tmp_path / "s.toml"
    f.write_text('name = "s"\nmonths = 4\nburn_in_months = 6\n[population]\npersons = 300\nneighbourhoods = 3\n'
                 '[[interventions]]\ntype = "leisure_card"\n')
    spec = run_specs_for(f, {}, [3], None, None, None, [4])[0]
    fresh, branched = run(spec), run(spec, state=burn_in(spec))
    assert branched["info"]["branched"] and not fresh["info"]["branched"]
    for name, table in fresh["tables"].items():
        pd.testing.assert_frame_equal(table, branched["tables"][name])


def test_specs_branch_by_seed_and_everything_but_interventions(tmp_path):
    from model.experiments.definition import run_specs_for
    from model.experiments.sweep import branches

    base = 'months = 4\nburn_in_months = 6\n[population]\npersons = 300\nneighbourhoods = 3\n'
    (tmp_path / "a.toml").write_text('name = "a"\n' + base)
    (tmp_path / "b.toml").write_text('name = "b"\n' + base + '[[interventions]]\ntype = "leisure_card"\n')
    (tmp_path / "c.toml").write_text('name = "c"\n' + base + '[ties]\nform_prob = 0.3\n')
    specs = [s for n in "abc" for s in run_specs_for(tmp_path / f"{n}.toml", {}, [1, 2], None, None, None, [4])]
    got = sorted(sorted(s.scenario_name + str(s.seed) for s in g) for g in branches(specs))
    assert got == [["a1", "b1"], ["a2", "b2"], ["c1"], ["c2"]]


def _participation(seed: int, interventions: list) -> float:
    m = burned_in(small_scenario(400, months=12, interventions=interventions), seed)
    m.run()
    ts = m.observer.table()
    return float(ts[(ts.month == 12) & (ts.group == "all")]["participation"].iloc[0])


def test_paired_runs_vary_far_less_than_independent_ones():
    """Variance reduction: the spread of paired differences (same seed) against that of differences
    between runs with different seeds, 8 fixed seeds; with one shared generator they were alike.
    The leisure card: open recruitment's effect itself varies from seed to seed since motivation
    (session 16: paired/independent 0.32, against 0.03 before), so its paired spread holds the
    effect's heterogeneity as well as noise; the card's is 0.02."""
    card = [{"type": "leisure_card"}]
    base = np.array([_participation(s, []) for s in range(1, 9)])
    with_card = np.array([_participation(s, card) for s in range(1, 9)])
    paired = with_card - base
    independent = with_card - np.roll(base, 1)
    assert paired.var(ddof=1) < 0.25 * independent.var(ddof=1)
