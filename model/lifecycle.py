"""Persons come and go while the model runs: births, deaths, moves and migration applied to every
store that holds per-person or per-household state.

:class:`ModelPopulation` implements :class:`model.demography.life_course.Population` on a running
:class:`model.model.DugnadModel`. Removing persons compacts every per-person store in the same
order (the persons table, ties, levers, each intervention's own arrays) so rows stay dense and in
uid order; a person's uid never changes and is never reused. Household ids are never reused
either; per-household arrays grow as households form.

Randomness: the life course draws from ``model.streams`` (:mod:`model.streams`). New persons
come with their keys (derived by the event that brought them); their traits and workplaces are
drawn from a generator keyed by the batch's keys, and a new household's neighbourhood from one
keyed by the keys of the persons the households form around. ``model.rng`` is not used here.
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
    def streams(self):
        return self.model.streams

    def begin_step(self) -> None:
        """Nothing to do: setting the model's ``month`` moves ``streams.month`` (:attr:`model.model.DugnadModel.month`)."""

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
        """New persons from skeleton columns, each with its ``key``; returns their rows."""
        m = self.model
        if "key" not in cols:
            raise ValueError("new persons need a key each (model.demography.life_course.new_keys)")
        n = len(cols["age"])
        s = dict(cols, uid=np.arange(m.world.next_uid, m.world.next_uid + n))
        m.world.next_uid += n
        hh = np.asarray(s["household"], np.int64)
        s["neighbourhood"] = m.places.hh_neighbourhood[hh]
        s["municipality"] = m.nb_municipality[s["neighbourhood"]]
        newcomer = np.asarray(s["background"]) == 1
        mode = "newcomer" if newcomer.all() else "newborn"
        draw = m.streams.generator("lifecycle.traits", s["key"])
        rows = m.people.extend(**traits.draw(m.params, m.origins, s, draw, mode, self._household_tradition(hh)))
        m.people.arrived_month[rows[newcomer]] = m.month
        m.ties.grow(len(m.people))
        m.levers.grow(len(m.people))
        for iv in m.interventions:
            iv.grow(len(m.people))
        employed = rows[m.people.employed[rows]]
        if len(employed):
            m.workplaces.assign(m.people, employed, m.params.population.workplace_segregation,
                                m.streams.uniform("lifecycle.workplace", m.people.key[employed][:, None], np.arange(2)))
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
    def new_households(self, near: np.ndarray, keys: np.ndarray, origin: np.ndarray | None = None) -> np.ndarray:
        """New households: near the household in ``near``, or (-1) settled by the geography's rule
        for newcomers of ``origin`` (or where the arrivals intervention settles them). ``keys``:
        the keys of the persons (or arriving households) they form around, for the draws."""
        m = self.model
        near = np.asarray(near, np.int64)
        nb = np.empty(len(near), np.int64)
        local = near >= 0
        draw = m.streams.generator("lifecycle.household_place", keys) if len(near) else None
        if local.any():
            nb[local] = m.places.near(draw, near[local])
        if (~local).any():
            if self._settle_at is not None:
                nb[~local] = self._settle_at[: int((~local).sum())]
            else:
                o = np.asarray(origin, np.int64)[~local]
                nb[~local] = m.places.settle(draw, o, np.ones(len(o), np.int64))
        ids = m.places.add_households(nb)
        m.households_added(len(ids))
        return ids
