"""Persons come and go while the model runs: births, deaths, moves and migration applied to every
store that holds per-person or per-household state.

:class:`ModelPopulation` implements :class:`model.demography.life_course.Population` on a running
:class:`model.model.DugnadModel`. Removing persons compacts every per-person store in the same
order (the persons table, ties, levers, each intervention's own arrays) so rows stay dense and in
uid order; a person's uid never changes and is never reused. Household ids are never reused
either; per-household arrays grow as households form.
"""

from __future__ import annotations

import numpy as np

from model import traits


class ModelPopulation:
    def __init__(self, model, settle_at: np.ndarray | None = None):
        self.model = model
        self._settle_at = settle_at   # neighbourhoods for the next new households (the arrivals intervention)

    @property
    def people(self):
        return self.model.people

    @property
    def rng(self):
        return self.model.rng

    # ------------------------------------------------------------------ persons
    def remove(self, rows: np.ndarray) -> None:
        m = self.model
        rows = np.asarray(rows, np.int64)
        if not len(rows):
            return
        n = len(m.people)
        keep = np.ones(n, bool)
        keep[rows] = False
        remap = np.cumsum(keep) - 1
        remap[~keep] = -1
        m.people.keep(keep)
        m.ties.keep(remap, len(m.people))
        m.levers.keep(keep)
        for iv in m.interventions:
            iv.keep(keep, remap)
        m.people_changed()

    def add(self, cols: dict[str, np.ndarray]) -> np.ndarray:
        m = self.model
        n = len(cols["age"])
        s = dict(cols, uid=np.arange(m.world.next_uid, m.world.next_uid + n))
        m.world.next_uid += n
        hh = np.asarray(s["household"], np.int64)
        s["neighbourhood"] = m.places.hh_neighbourhood[hh]
        s["municipality"] = m.nb_municipality[s["neighbourhood"]]
        newcomer = np.asarray(s["background"]) == 1
        mode = "newcomer" if newcomer.all() else "newborn"
        rows = m.people.extend(**traits.draw(m.params, m.origins, s, m.rng, mode, self._household_tradition(hh)))
        m.people.arrived_month[rows[newcomer]] = m.month
        m.ties.grow(len(m.people))
        m.levers.grow(len(m.people))
        for iv in m.interventions:
            iv.grow(len(m.people))
        employed = rows[m.people.employed[rows]]
        m.workplaces.assign(m.people, employed, m.params.population.workplace_segregation, m.rng)
        m.people_changed()
        return rows

    def _household_tradition(self, households: np.ndarray) -> np.ndarray:
        """The religious tradition of a person already living in each household (-1 if none)."""
        p = self.model.people
        known = np.full(len(self.model.places.hh_neighbourhood), -1, np.int64)
        known[p.household] = p.tradition
        return known[households]

    def move(self, rows: np.ndarray, households: np.ndarray) -> None:
        m, p = self.model, self.model.people
        rows = np.asarray(rows, np.int64)
        p.household[rows] = households
        p.neighbourhood[rows] = m.places.hh_neighbourhood[households]
        p.municipality[rows] = m.nb_municipality[p.neighbourhood[rows]]
        m.people_changed()

    # ------------------------------------------------------------------ households
    def new_households(self, near: np.ndarray, origin: np.ndarray | None = None) -> np.ndarray:
        """New households: near the household in ``near``, or (-1) settled by the geography's rule
        for newcomers of ``origin`` (or where the arrivals intervention settles them)."""
        m = self.model
        near = np.asarray(near, np.int64)
        nb = np.empty(len(near), np.int64)
        local = near >= 0
        nb[local] = m.places.near(m.rng, near[local])
        if (~local).any():
            if self._settle_at is not None:
                nb[~local] = self._settle_at[: int((~local).sum())]
            else:
                o = np.asarray(origin, np.int64)[~local]
                nb[~local] = m.places.settle(m.rng, o, np.ones(len(o), np.int64))
        ids = m.places.add_households(nb)
        m.households_added(len(ids))
        return ids
