"""Time passes: everyone ages a month; immigrants' residence time grows (FACTS §4.2: short
residence is a barrier; §4.4: language grows with residence). No births, deaths or moves in the
baseline; arrivals are an intervention (issue 3)."""

from __future__ import annotations

import numpy as np


def step(model) -> None:
    p = model.people
    before = p.age.copy()
    p.age += 1.0 / 12.0
    p.years_in_norway += 1.0 / 12.0
    finish_education(model, np.flatnonzero((before < 20) & (p.age >= 20)))


def finish_education(model, persons: np.ndarray) -> None:
    """At 20, young people's education is drawn as for adults of their group (origin_groups.csv;
    descendants as the population initialiser does)."""
    if not len(persons):
        return
    p, rng = model.people, model.rng
    high = np.where(p.background[persons] == 2, 0.45,
                    model.origins["share_higher_education"].to_numpy(float)[p.origin[persons]])
    low = np.where(p.background[persons] == 1, 0.40, 0.25) * (1 - high)
    u = rng.random(len(persons))
    p.education[persons] = np.where(u < high, 2, np.where(u < high + low, 0, 1))
