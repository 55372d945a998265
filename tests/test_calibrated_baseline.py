"""The calibrated baseline stays within tolerance on the targets it reproduces (issue 4).

Reduced size (5,000 persons, above the size where small origin groups lose their organisations;
neighbourhoods scale with it), four seeds run in parallel, the baseline's full months. Deterministic (fixed seeds), so a failure means the model or its
calibration changed, not bad luck. The full-size result (20,000 persons) is docs/VALIDATION.md;
since issue 11 levels no longer move with population size beyond seed noise
(tests/test_stationarity.py), so the targets checked here are those the 20,000-person validation
hits, plus the patterns that must hold at any size.
"""

from __future__ import annotations

import pytest

from model.validation.targets import load_targets
from model.validation.validate import run_seeds, summarise

# Targets that hold at 20,000 persons (docs/VALIDATION.md) and here. secular_volunteering_immigrants
# holds at 20,000 (0.095) but not at 5,000 (0.083 against 0.13 ± 0.04, issue 12's run), so it is
# left to the full-size validation.
WITHIN = ["participation_immigrant_background", "volunteer_rest", "youth_majority_above_minority",
          "youth_majority_sex_gap", "minority_orgs_less_linked", "determinant_norwegian"]
# Missed at 20,000 persons since issue 11's recalibrations (docs/VALIDATION.md): minority boys take
# part less than observed (0.44 against 0.59) with every youth parameter inside its prior; the
# structure, not the fit, is short (issue 13 replaces the penalties).
# Strict: the test fails if they start to hold.
KNOWN_MISSES = ["youth_minority_boys", "hobby_minority_girls"]


@pytest.fixture(scope="module")
def result():
    values, _ = run_seeds("scenarios/baseline.toml", {"population": {"persons": 5000}}, [1, 2, 3, 4], workers=2,
                          progress=False)
    return values, summarise(values).set_index("target")


def test_targets_within_tolerance(result):
    _, s = result
    missed = {t: round(s.loc[t, "model_mean"], 3) for t in WITHIN if not s.loc[t, "within"]}
    assert not missed, f"calibrated baseline drifted out of these targets: {missed}"


@pytest.mark.xfail(strict=True, reason="known misses after issue 11's recalibration; see KNOWN_MISSES")
def test_known_misses_still_missed(result):
    _, s = result
    assert all(s.loc[t, "within"] for t in KNOWN_MISSES)


def test_the_gaps_the_research_reports(result):
    values, s = result
    # immigrants take part less than the majority in every seed, and clearly less on average (at
    # 5,000 persons a few large organisations make single seeds vary by ±0.05)
    assert (values["participation_immigrant_background"] < values["participation_rest"]).all()
    assert (s.loc["participation_rest", "model_mean"] - s.loc["participation_immigrant_background", "model_mean"]) > 0.10
    assert s.loc["volunteer_ratio_ssb", "model_mean"] < 0.7
    assert abs(s.loc["participation_immigrant_background", "model_mean"] - 0.43) < 0.10
    # the fit misses participation_rest (0.61 at 20,000 persons, docs/VALIDATION.md; 0.60 here):
    # this bound guards against a further slide
    assert abs(s.loc["participation_rest", "model_mean"] - 0.70) < 0.12


def test_every_target_is_computed(result):
    values, _ = result
    assert set(values.columns) == {t.id for t in load_targets()}
    assert not values.drop(columns=[c for c in values.columns if c.startswith("determinant_")]).isna().any().any()
