"""The baseline stands still (issue 11).

A small version of ``benchmarks/stationarity.py`` (which measures 30 years at 20,000 persons),
with the default burn-in of 360 months (after 120 months participation still moves by 5–7 points
over the next ten years). Before issue 11 the baseline drifted by 10 points in 10 years. The size
test is in ``tests/test_calibrated_baseline.py``, which reuses its 5,000-person runs.
"""

from __future__ import annotations

import pandas as pd

from model.model import DugnadModel
from model.scenario import load_scenario

BASELINE = "scenarios/baseline.toml"

LEVELS = [("participation", "majority"), ("participation", "immigrant_background"),
          ("volunteer", "majority"), ("volunteer", "immigrant_background"),
          ("youth_participation", "majority"), ("norwegian", "immigrant"),
          ("employment", "immigrant_background")]


def levels(persons: int, seed: int, months: int = 0) -> pd.DataFrame:
    """Headline shares per recorded month (rows) of one run of the shipped (calibrated) baseline,
    density per neighbourhood kept as ``--persons`` does."""
    sc = load_scenario(BASELINE, {"population": {"persons": persons}, "months": months})
    m = DugnadModel(sc, seed=seed)
    if months:
        m.run(months)
    ts = m.observer.table()
    return pd.DataFrame({f"{ind}:{grp}": ts[ts.group == grp].set_index("month")[ind] for ind, grp in LEVELS})


def test_baseline_holds_still_for_ten_years():
    # four seeds: at 2,000 persons single seeds wander by up to 5 points over ten years
    # (immigrant-background employment, about 300 adults), in both directions
    runs = [levels(2000, s, months=120) for s in (1, 2, 3, 4)]
    mean = sum(runs) / len(runs)
    start, end = mean.loc[0:11].mean(), mean.loc[109:120].mean()
    drift = (end - start).abs()
    tolerance = pd.Series(0.04, index=drift.index)
    # majority youth 13–19 are about 130 persons here: single seeds moved by −2 to +11 points over
    # ten years (sd about 5.5), so the mean of four has a standard error of about 2.7 points; at
    # 20,000 persons their largest departure over 30 years is 1.2 points (docs/demography.md)
    tolerance["youth_participation:majority"] = 0.07
    assert (drift < tolerance).all(), drift.round(3).to_dict()
