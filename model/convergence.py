"""Has the burn-in reached the steady state? A diagnostic for the manifest.

Over the last :data:`WINDOW` burn-in months the headline indicators (participation, volunteering,
office holding and informal help by background; youth and children's participation; Norwegian;
employment; bonding and bridging ties per adult) are recorded, and each one's linear trend is
fitted. A run counts as converged when no share moves more than :data:`MAX_SHARE_SLOPE` a year
(percentage points) and no tie count more than :data:`MAX_LEVEL_SLOPE` of its level a year. Seed
noise in a small run makes single slopes wander, so the diagnostic reports every slope and the
run only warns.
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


class BurnInMonitor:
    def __init__(self):
        self.rows: list[dict[str, float]] = []

    def record(self, model) -> None:
        by_group = {r["group"]: r for r in snapshot(model)}
        self.rows.append({f"{k}:{g}": float(by_group[g][k]) for g in GROUPS for k in SHARES + LEVELS})

    def report(self) -> dict:
        """Slope per year of each indicator over the window, and whether all are within bounds."""
        if len(self.rows) < 6:
            return {"months": len(self.rows), "converged": None, "slopes_per_year": {}}
        t = np.arange(len(self.rows)) / 12.0
        slopes, worst = {}, []
        for key in self.rows[0]:
            y = np.array([r[key] for r in self.rows])
            ok = np.isfinite(y)
            if ok.sum() < 6:
                continue
            slope = float(np.polyfit(t[ok], y[ok], 1)[0])
            slopes[key] = round(slope, 5)
            if key.split(":")[0] in LEVELS:
                level = float(np.mean(y[ok])) or 1.0
                if abs(slope) > MAX_LEVEL_SLOPE * abs(level):
                    worst.append(key)
            elif abs(slope) > MAX_SHARE_SLOPE:
                worst.append(key)
        return {"months": len(self.rows), "converged": not worst, "not_converged": worst,
                "slopes_per_year": slopes}
