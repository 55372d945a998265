"""The burn-in convergence diagnostic (model/convergence.py) on hand-made indicator series: seed
noise around a level is not a trend, a clear trend is, and persistence widens the interval."""

from __future__ import annotations

import numpy as np

from model.convergence import GROUPS, LEVELS, SHARES, WINDOW, BurnInMonitor, trend


def monitor(series: dict[str, np.ndarray]) -> BurnInMonitor:
    """A monitor holding WINDOW months: every indicator flat at 0.5 (ties at 10) unless given."""
    m = BurnInMonitor()
    keys = [f"{k}:{g}" for g in GROUPS for k in SHARES + LEVELS]
    for i in range(WINDOW):
        m.rows.append({k: float(series[k][i]) if k in series else (10.0 if k.split(":")[0] in LEVELS else 0.5)
                       for k in keys})
    return m


def test_a_flat_run_is_converged():
    r = monitor({}).report()
    assert r["converged"] is True and r["not_converged"] == []


def test_noise_of_a_small_group_is_not_a_trend():
    # about 80 children: a share of 0.35 with binomial noise of 5 points a month, no trend. The slope
    # over 24 months then has a standard error of about 1.9 points a year, so the bound of 1 point
    # alone flagged about 60 % of such series; beyond the 98 % interval about 1 % are.
    rng = np.random.default_rng(3)
    flagged = sum(not monitor({"children_participation:immigrant_background": rng.binomial(80, 0.35, WINDOW) / 80})
                  .report()["converged"] for _ in range(400))
    assert flagged <= 16  # 4 %


def test_a_clear_trend_is_flagged():
    months = np.arange(WINDOW)
    rising = 0.40 + 0.05 * months / 12  # 5 points a year
    r = monitor({"participation:majority": rising}).report()
    assert r["converged"] is False and r["not_converged"] == ["participation:majority"]
    assert abs(r["slopes_per_year"]["participation:majority"] - 0.05) < 1e-6


def test_tie_counts_are_judged_relative_to_their_level():
    months = np.arange(WINDOW)
    slow = 10 * (1 + 0.01 * months / 12)   # 1 % a year: within 2.5 %
    fast = 10 * (1 + 0.10 * months / 12)   # 10 % a year
    assert monitor({"bonding_ties:majority": slow}).report()["converged"] is True
    assert monitor({"bonding_ties:majority": fast}).report()["not_converged"] == ["bonding_ties:majority"]


def test_persistence_widens_the_interval():
    rng = np.random.default_rng(1)
    t = np.arange(WINDOW) / 12
    white = rng.normal(0, 0.02, WINDOW)
    walk = np.cumsum(rng.normal(0, 0.01, WINDOW))  # persistent wandering
    _, se_white = trend(t, white)
    slope, se_walk = trend(t, walk)
    plain = np.sqrt(((walk - np.polyval(np.polyfit(t, walk, 1), t)) ** 2).sum() / (WINDOW - 2) / ((t - t.mean()) ** 2).sum())
    assert se_walk > plain * 1.2 and se_white > 0


def test_too_few_months_gives_no_verdict():
    m = monitor({})
    m.rows = m.rows[:5]
    assert m.report()["converged"] is None


def test_a_short_burn_in_is_reported_unsettled():
    """From the empty start participation and ties rise steeply for years (docs/demography.md), so
    a five-year burn-in must be reported as not converged."""
    from model.model import DugnadModel
    from model.scenario import load_scenario

    sc = load_scenario("scenarios/baseline.toml", {"population": {"persons": 2000}, "burn_in_months": 60, "months": 1})
    conv = DugnadModel(sc, seed=1).convergence
    assert conv["converged"] is False and "participation:majority" in conv["not_converged"]
    assert set(conv["slope_se_per_year"]) == set(conv["slopes_per_year"])
