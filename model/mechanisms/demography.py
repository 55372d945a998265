"""Time passes and the population renews itself: ageing, deaths, births, the household life course
and migration by origin group (:mod:`model.demography`; rates and sources in docs/demography.md).
Young people finish their education at 20."""

from __future__ import annotations

import numpy as np

from model.state import MAJORITY
from model.traits import education_for

MONTH = 1.0 / 12.0


def step(model) -> None:
    counts = model.demography.advance(model.population, lambda: model.n_households, MONTH)
    model.demography_events = {k: model.demography_events.get(k, 0) + v for k, v in counts.items()}
    p = model.people
    finish_education(model, np.flatnonzero((p.age >= 20) & (p.age < 20 + MONTH)))


def finish_education(model, persons: np.ndarray) -> None:
    """At 20, young people's education is drawn as for adults of their group (origin_groups.csv;
    descendants as the population initialiser does)."""
    if not len(persons):
        return
    p = model.people
    profile = np.where(p.background[persons] == MAJORITY, 0, p.origin[persons])
    high = model.origins["share_higher_education"].to_numpy(float)[profile]
    p.education[persons] = education_for(model.rng, p.background[persons], high)
