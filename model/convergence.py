"""Has the burn-in reached the steady state? A diagnostic for the manifest.

Over the last :data:`WINDOW` burn-in months the headline indicators (participation, volunteering,
office holding and informal help by background; youth and children's participation; Norwegian;
employment; bonding and bridging ties per adult) are recorded, and each one's linear trend is
fitted with its standard error. A run counts as not converged when some indicator's trend is
*clearly* steeper than the bound: the 98 % interval of its slope (:data:`Z_CLEAR` standard errors
either side; twenty indicators are judged at once) lies beyond :data:`MAX_SHARE_SLOPE` a year
(percentage points) for a share or :data:`MAX_LEVEL_SLOPE` of its level a year for a tie count.
The standard error allows for month-to-month persistence (memberships last, so the residuals are
autocorrelated; the effective number of months is n·(1 − ρ)/(1 + ρ) with ρ their lag-1
autocorrelation). Without it the bound alone flagged seed noise: a 5,000-person run has about 80
immigrant-background children, whose share moves by points from month to month, and `make run`
warned after a settled 480-month burn-in. The diagnostic reports every slope and standard error,
and the run only warns.
"""

from __future__ import annotations

import numpy as np

from model.indicators import snapshot

WINDOW = 24
GROUPS = ("majority", "immigrant_background")
SHARES = ("participation", "volunteer", "office", "informal_help", "youth_participation",
          "children_participation", "norwegian", "employment")
LEVELS = ("bonding_ties", "bridging_ties")
MAX_SHARE_SLOPE = 0.01   # 1 percentage point a year
MAX_LEVEL_SLOPE = 0.025  # 2.5 % of the level a year
Z_CLEAR = 2.326          # 98 % interval (one side 1 %): twenty indicators are judged at once


class BurnInMonitor:
    def __init__(self):
        self.rows: list[dict[str, float]] = []

    def record(self, model) -> None:
        by_group = {r["group"]: r for r in snapshot(model)}
        self.rows.append({f"{k}:{g}": float(by_group[g][k]) for g in GROUPS for k in SHARES + LEVELS})

    def report(self) -> dict:
        """Slope per year of each indicator over the window with its standard error, and whether
        none is clearly beyond its bound."""
        if len(self.rows) < 6:
            return {"months": len(self.rows), "converged": None, "slopes_per_year": {}}
        t = np.arange(len(self.rows)) / 12.0
        slopes, ses, worst = {}, {}, []
        for key in self.rows[0]:
            y = np.array([r[key] for r in self.rows])
            ok = np.isfinite(y)
            if ok.sum() < 6:
                continue
            slope, se = trend(t[ok], y[ok])
            slopes[key], ses[key] = round(slope, 5), round(se, 5)
            bound = MAX_LEVEL_SLOPE * abs(float(np.mean(y[ok])) or 1.0) if key.split(":")[0] in LEVELS else MAX_SHARE_SLOPE
            if abs(slope) - Z_CLEAR * se > bound:
                worst.append(key)
        return {"months": len(self.rows), "converged": not worst, "not_converged": worst,
                "slopes_per_year": slopes, "slope_se_per_year": ses}


def trend(t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope of ``y`` on ``t`` and its standard error, widened for lag-1
    autocorrelation of the residuals (effective sample size n·(1 − ρ)/(1 + ρ), ρ ≥ 0)."""
    slope, intercept = np.polyfit(t, y, 1)
    resid = y - (slope * t + intercept)
    n = len(y)
    ss = float(resid @ resid)
    rho = float(np.clip(resid[1:] @ resid[:-1] / ss, 0.0, 0.9)) if ss > 0 else 0.0
    n_eff = max(3.0, n * (1 - rho) / (1 + rho))
    se = np.sqrt(ss / (n - 2) / float(((t - t.mean()) ** 2).sum()) * n / n_eff)
    return float(slope), float(se)
