"""Migration turnover: the immigrant population renews itself.

Immigrants keep arriving and many leave again (return and onward migration; labour migrants
especially, FACTS §4.10 on Poles' closeness to Poland), so at any time a share of immigrants are
newcomers with short residence, little Norwegian and no networks — the groups FACTS §4.2 names as
facing barriers. Without renewal a closed population would drift toward full integration over a
ten-year run. Each month every immigrant-headed household leaves with ``turnover / 12`` and a newly
arrived household of the same origin group and composition takes its place (same rows, so the
population size and origin mix stay as the scenario set them): residence restarts near zero,
Norwegian and dugnad literacy are those of newcomers, ties and memberships are gone, employment is
redrawn at half the group's rate. Children born in Norway to the leaving family are replaced by
children arriving with the new one.
"""

from __future__ import annotations

import numpy as np

from model.population import assign_workplaces
from model.state import IMMIGRANT, NEVER, REASONS


def step(model) -> None:
    rate, rng = model.params.population.turnover, model.rng
    if rate <= 0:
        return
    head_imm = model.household_head_background == IMMIGRANT
    leaving = np.flatnonzero(head_imm & (rng.random(model.n_households) < rate / 12.0))
    if not len(leaving):
        return
    renew_households(model, leaving)


def renew_households(model, households: np.ndarray) -> np.ndarray:
    """Replace the members of ``households`` by newly arrived people; returns their rows."""
    p, rng = model.people, model.rng
    rows = np.flatnonzero(np.isin(p.household, households))
    n = len(rows)
    origins = model.origins
    o = p.origin[rows]
    p.background[rows] = IMMIGRANT
    p.years_in_norway[rows] = rng.uniform(0.0, 1.0, n)
    good = origins["share_good_norwegian"].to_numpy(float)[o]
    # newcomers: Scandinavian speakers understand Norwegian, others start near zero
    p.norwegian[rows] = np.where(good > 0.9, rng.uniform(0.7, 0.95, n), rng.uniform(0.02, 0.2, n)).astype(np.float32)
    similar = np.isin(origins["region"].to_numpy()[o], ["Nordic", "Western Europe"])
    p.literacy[rows] = np.clip(0.12 + 0.3 * similar + rng.normal(0, 0.1, n), 0.02, 0.98).astype(np.float32)
    p.trust[rows] = p.trust0[rows]
    labour = p.reason[rows] == REASONS.index("labour")
    emp = origins["employment_rate"].to_numpy(float)[o]
    working_age = (p.age[rows] >= 20) & (p.age[rows] < model.params.employment.retirement_age)
    # labour migrants come for work; others look for it
    employed = working_age & np.where(labour, rng.random(n) < 0.9, rng.random(n) < 0.5 * emp)
    p.employed[rows] = employed
    p.work_hours[rows] = np.where(employed, np.where(labour, model.params.employment.labour_migrant_hours,
                                                     model.params.employment.normal_hours), 0.0)
    p.workplace[rows] = -1
    p.right_to_training[rows] = np.isin(p.reason[rows], [REASONS.index("refugee"), REASONS.index("family")])
    p.mem_org[rows] = -1
    p.mem_role[rows] = 0
    for col in ("last_volunteer", "last_volunteer_secular", "last_help", "last_asked"):
        getattr(p, col)[rows] = NEVER
    p.arrived_month[rows] = model.month
    model.ties.remove_persons(rows)
    model.memberships_changed()
    assign_workplaces(model.world, rows[employed], model.params, rng)
    return rows
