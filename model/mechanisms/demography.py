"""Time passes and the population renews itself: ageing, deaths, births, the household life course
and migration by origin group (:mod:`model.demography`; rates and sources in docs/demography.md).

Persons also change as they age, by the same rules the initial population was drawn with
(:mod:`model.traits`), so that a society renewed by births keeps the profile it started with:
at 20 young people finish their education and earn by it; after 40 health declines with age.
Draws come from ``model.streams`` (:mod:`model.streams`), keyed by the persons concerned.
"""

from __future__ import annotations

import numpy as np

from model.state import IMMIGRANT, MAJORITY
from model.traits import HEALTH_DECLINE, education_for, wage_for

MONTH = 1.0 / 12.0


def step(model) -> None:
    counts = model.demography.advance(model.population, lambda: model.n_households, MONTH)
    model.demography_events = {k: model.demography_events.get(k, 0) + v for k, v in counts.items()}
    p = model.people
    finish_education(model, np.flatnonzero((p.age >= 20) & (p.age < 20 + MONTH)))
    older = p.age > 40
    p.health[older] = np.maximum(p.health[older] - HEALTH_DECLINE * MONTH, 0.05)


def finish_education(model, persons: np.ndarray) -> None:
    """At 20, young people's education is drawn as for adults of their group (origin_groups.csv;
    descendants as the population initialiser does), and their wage follows from it. (Drawn at
    birth, the wage of everyone born in the run would keep a child's education: incomes, and with
    them leisure budgets, would fall for decades.) Drawn from a generator keyed by the persons."""
    if not len(persons):
        return
    p = model.people
    draw = model.streams.generator("demography.education", p.key[persons])
    profile = np.where(p.background[persons] == MAJORITY, 0, p.origin[persons])
    high = model.origins["share_higher_education"].to_numpy(float)[profile]
    p.education[persons] = education_for(draw, p.background[persons], high)
    p.wage[persons] = wage_for(model.params, draw, p.education[persons], p.background[persons] == IMMIGRANT)
