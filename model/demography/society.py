"""One demographic step for a whole population: the order of events and the replacement rule.

Order (each step of ``dt`` years): everyone ages; deaths (life table); emigration (by origin
group); families of refugees arrive (reunification); births; arrivals; young adults leave home;
couples form; couples separate; children left without adults move in with relatives.

**Replacement rule (a stated modelling choice).** The baseline is a steady state: the rest of the
population (the majority), the Norwegian-born to immigrant parents and each immigrant origin group
are each held at the size the scenario gives them. Births to immigrant mothers with an immigrant
or no partner (descendants) replace the descendants who died or left; births to all other mothers
replace the rest of the population; arrivals replace each immigrant group's losses. Fertility by
origin and age decides *who* gives birth, not how many: Norway's total fertility (about 1.5) is
below replacement and its descendants are young because immigration is recent, so observed rates
would make the baseline drift, which is what this issue removes. A scenario's
``migration.arrivals_scale`` lets a group's arrivals – and so its size – grow or shrink.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.demography import life_course as lc
from model.demography import migration as mig
from model.demography.rates import Rates
from model.state import DESCENDANT, IMMIGRANT, MAJORITY


@dataclass
class Demography:
    """Rates, parameters and the sizes each part of the population is held at."""

    rates: Rates
    origins: pd.DataFrame
    params: object                 # scenario.demography (DemographyParams)
    arrivals_scale: np.ndarray     # per origin row
    target_majority: int
    target_descendant: int
    migration: mig.MigrationState

    @classmethod
    def create(cls, rates: Rates, origins: pd.DataFrame, params, majority: int, descendant: int,
               immigrants: np.ndarray) -> Demography:
        scale = np.ones(len(origins))
        for g, s in (params.arrivals_scale or {}).items():
            scale[list(origins["group"]).index(g)] = s
        return cls(rates, origins, params, scale, int(majority), int(descendant),
                   mig.MigrationState(target=np.asarray(immigrants, np.float64).copy(),
                                     base=np.asarray(immigrants, np.float64).copy()))

    def counts(self, p) -> tuple[int, int, np.ndarray]:
        imm = p.background == IMMIGRANT
        by_group = np.bincount(p.origin[imm], minlength=len(self.origins))
        return int((p.background == MAJORITY).sum()), int((p.background == DESCENDANT).sum()), by_group

    def advance(self, pop: lc.Population, n_households: callable, dt: float) -> dict[str, int]:
        """One step of ``dt`` years; returns counts of the events (for tests and the manifest)."""
        p, dp, rates = pop.people, self.params, self.rates
        pop.begin_step()
        lc.age(p, dt)
        dead = lc.deaths(pop, rates, dt)
        gone = np.union1d(dead, mig.emigrants(pop, rates.emigration, n_households(), dt))
        n_emigrated = len(gone) - len(dead)
        lost_imm = np.bincount(p.origin[gone][p.background[gone] == IMMIGRANT], minlength=len(self.origins))
        pop.remove(gone)
        reunited = mig.reunite(pop, self.migration, rates.tfr, dt)
        maj, desc, imm = self.counts(pop.people)
        born = lc.births(pop, rates, max(0, self.target_majority - maj), max(0, self.target_descendant - desc), dt)
        arrived = self._arrivals(pop, lost_imm, dt)
        left_home = lc.leave_home(pop, dp.leave_home_rate, dp.leave_home_age, dt)
        formed = lc.couples(pop, dp.partner_rate, dp.homogamy, dt)
        separated = lc.separations(pop, dp.separation_rate, dt)
        moved = lc.orphans(pop, n_households())
        return dict(deaths=len(dead), emigrants=n_emigrated, births=len(born), arrivals=len(arrived) + len(reunited),
                    left_home=len(left_home), couples=formed, separations=separated, orphans_moved=moved)

    def _arrivals(self, pop, lost: np.ndarray, dt: float) -> np.ndarray:
        """Each group gets as many newcomers as make it whole again; whole households, so a group
        may overshoot by part of one household. With an arrivals scale s ≠ 1 the size a group is
        held at moves toward s times its scenario size at the pace of its own turnover (what s
        times the yearly arrivals give in a steady state), so it cannot grow without bound."""
        target, base = self.migration.target, self.migration.base
        size = np.maximum(base, 1.0)
        pace = np.minimum(1.0, lost / size)        # share of the group renewed this step
        target += (self.arrivals_scale * base - target) * pace
        target[0] = 0
        need = target - self.counts(pop.people)[2]
        groups = np.flatnonzero(need > 0)
        if not len(groups):
            return np.empty(0, np.int64)
        # households are drawn until each group has its persons (at least one person each)
        per_group = np.ceil(need[groups]).astype(np.int64)
        return mig.arrive(pop, self.origins, self.rates.tfr, np.repeat(groups, per_group), dt=dt,
                          state=self.migration, reunify_share=self.params.reunification_share,
                          need=np.maximum(need, 0))
