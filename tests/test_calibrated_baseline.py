"""The calibrated baseline stays within tolerance on the targets it reproduces (issue 4).

Reduced size (5,000 persons; neighbourhoods scale with it), four seeds run in parallel, the baseline's full months. Deterministic (fixed seeds), so a failure means the model or its
calibration changed, not bad luck. The same runs show that the baseline stands still for ten years
and, with one 12,000-person run, that its levels do not depend on the population size. The full-size result (20,000 persons) is docs/VALIDATION.md;
since issue 11 levels no longer move with population size beyond seed noise
(test_levels_do_not_depend_on_population_size below), so the targets checked here are those the
20,000-person validation hits, plus the patterns that must hold at any size.
"""

from __future__ import annotations

import pandas as pd
import pytest

from model.validation.targets import load_targets
from model.validation.validate import summarise
from tests.baseline_runs import full_runs

SEEDS = (1, 2, 3, 4)
LARGE = (12000, 1, 12)  # persons, seed, recorded months: the size comparison needs the first year only

# Targets that hold at 20,000 persons (docs/VALIDATION.md) and here.
WITHIN = ["participation_immigrant_background", "participation_rest", "volunteer_ratio_ssb", "volunteer_rest",
          "secular_volunteering_immigrants", "youth_majority_above_minority",
          "minority_orgs_less_linked", "determinant_norwegian"]
# Minority youth 13-19 of one sex are about 40 persons a run here, and single seeds range from 0.30 to
# 0.60: the mean of four seeds has a standard error of about 0.03-0.05, near the targets' tolerance
# (0.06). Boys are checked against their tolerance widened by two standard errors of the seeds' mean;
# at 20,000 persons they hold without widening (docs/VALIDATION.md: 0.591).
NOISY = ["youth_minority_boys"]
# Known misses of the shipped fit, with how far beyond the tolerance they may be here: a guard against a
# slide, not a claim that they are within. youth_minority_girls is 0.598 here (four seeds at 5,000
# persons, standard error of the mean 0.03), 0.549 at 20,000 and 0.531 at 100,000 persons against
# <= 0.53 (session 17's fit, read after 120 months; the calibration reads after 12, where the fitted
# set gave 0.517 on eight seeds: docs/VALIDATION.md says why).
KNOWN_MISS = {"youth_minority_girls": 0.09}
# The other calibrated targets hold here as at 20,000 persons. Not listed: ladder_gradient and
# ladder_office_step (0.003 and 0.035 at 20,000; single seeds at 5,000 persons near 0),
# youth_majority_sex_gap (0.036 at 20,000, within 0.05; single seeds at 5,000 persons vary by more)
# and volunteer_hours_immigrants (-0.49 at 20,000 at session 17's fit; +0.23 at session 16's).


@pytest.fixture(scope="module")
def runs():
    return full_runs([(5000, s) for s in SEEDS] + [LARGE])


@pytest.fixture(scope="module")
def result(runs):
    values = pd.DataFrame.from_dict({s: runs[(5000, s)][0] for s in SEEDS}, orient="index").sort_index()
    values.index.name = "seed"
    return values, summarise(values).set_index("target")


def test_targets_within_tolerance(result):
    _, s = result
    missed = {t: round(s.loc[t, "model_mean"], 3) for t in WITHIN if not s.loc[t, "within"]}
    assert not missed, f"calibrated baseline drifted out of these targets: {missed}"


def test_small_youth_groups_within_seed_noise(result):
    values, _ = result
    targets = {t.id: t for t in load_targets()}
    for t in NOISY:
        x = values[t]
        se = x.std(ddof=1) / len(x) ** 0.5
        assert abs(x.mean() - targets[t].value) <= targets[t].tolerance + 2 * se, (t, round(x.mean(), 3), round(se, 3))


def test_known_misses_stay_near_their_edge(result):
    _, s = result
    targets = {t.id: t for t in load_targets()}
    for t, slack in KNOWN_MISS.items():
        miss = abs(s.loc[t, "model_mean"] - targets[t].value) - targets[t].tolerance
        assert miss <= slack, (t, round(s.loc[t, "model_mean"], 3), round(miss, 3))


def test_the_gaps_the_research_reports(result):
    values, s = result
    # immigrants take part less than the majority in every seed, and clearly less on average (at
    # 5,000 persons a few large organisations make single seeds vary by ±0.05)
    assert (values["participation_immigrant_background"] < values["participation_rest"]).all()
    assert (s.loc["participation_rest", "model_mean"] - s.loc["participation_immigrant_background", "model_mean"]) > 0.10
    assert s.loc["volunteer_ratio_ssb", "model_mean"] < 0.7
    assert abs(s.loc["participation_immigrant_background", "model_mean"] - 0.43) < 0.10
    # participation_rest sits near the lower edge of its tolerance (0.666 at 20,000 persons,
    # docs/VALIDATION.md): this bound guards against a slide
    assert abs(s.loc["participation_rest", "model_mean"] - 0.70) < 0.12


def test_every_target_is_computed(result):
    values, _ = result
    assert set(values.columns) == {t.id for t in load_targets()}
    assert not values.drop(columns=[c for c in values.columns if c.startswith("determinant_")]).isna().any().any()


# Adult shares compared across sizes (youth groups are too small at 12,000 persons and one seed).
SIZE_SHARES = ["participation:majority", "participation:immigrant_background", "volunteer:majority",
               "volunteer:immigrant_background"]


def test_levels_do_not_depend_on_population_size(runs):
    """The same scenario at 5,000 (four seeds) and 12,000 persons (one), in the first recorded year
    (mean of its twelve months, after the burn-in), density per neighbourhood
    kept as ``--persons`` does (a small version of ``benchmarks/stationarity.py --sizes``). The
    seed sd of immigrant-background participation is about 2.3 points at 5,000 persons and 1.5 at
    12,000, so the difference of the two means has a standard error of about 2 points; the
    tolerance is 2.5 times that. Small origin groups are served by pooled multicultural
    associations (``organisations.pool_small_groups``, ``minority_min_share``), so a small run has
    as many minority associations per immigrant as a large one (docs/demography.md, Size).
    Before issue 11 the immigrant-background share differed by 9 points between 5,000 and 100,000
    persons. What differs only above 20,000 persons (founding capped at one organisation a month,
    one favourite neighbourhood per origin group, size quantiles reaching deeper into the tail) is
    tested on hand-made cases in test_organisations.py and test_geography.py."""
    first_year = lambda job: runs[job][1].loc[0:11, SIZE_SHARES].mean()
    at_5000 = sum(first_year((5000, s)) for s in SEEDS) / len(SEEDS)
    diff = (at_5000 - first_year(LARGE)).abs().round(3).to_dict()
    assert all(d < 0.05 for d in diff.values()), diff


def test_baseline_holds_still_for_ten_years(runs):
    """The first and the last recorded year of the four 5,000-person runs (a small version of
    ``benchmarks/stationarity.py``, which measures 30 years at 20,000 persons), after the default
    480-month burn-in (after 120 months participation still moved by 5–7 points over the next ten
    years). Before issue 11 the baseline drifted by 10 points in 10 years. Majority youth 13–19 are
    about 330 persons here: among the 130 of a 2,000-person run single seeds moved by −2 to +11
    points in ten years (sd 5.5), which scales to a standard error of about 2 points for the mean
    of four runs here; at 20,000 persons they move 1.2 points in 30 years (docs/demography.md)."""
    mean = sum(runs[(5000, s)][1] for s in SEEDS) / len(SEEDS)
    drift = (mean.loc[109:120].mean() - mean.loc[0:11].mean()).abs()
    tolerance = pd.Series(0.04, index=drift.index)
    tolerance["youth_participation:majority"] = 0.06
    assert (drift < tolerance).all(), drift.round(3).to_dict()
