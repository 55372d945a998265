"""DugnadModel: the Mesa model that ties population, organisations, municipalities, ties and the
monthly mechanisms together."""

from __future__ import annotations

import time
from collections.abc import Callable

import mesa
import numpy as np

from model.agents import Municipality, Organisation, Person
from model.benefits import BenefitLog
from model.indicators import Observer
from model.interventions import build_interventions
from model.levers import Levers
from model.mechanisms import HELD_DURING_BURN_IN, ORDER, economy
from model.mechanisms.migration import renew_households
from model.population import build_world, new_household_rows
from model.roster import Roster, groups, random_in_group
from model.scenario import Scenario
from model.state import ADULTS_ONLY, KINDS


class DugnadModel(mesa.Model):
    """Civil society and integration in Norway, one month per step.

    ``DugnadModel(scenario, seed=None)``: the seed defaults to ``scenario.seed``; it seeds the one
    random generator (``self.rng``) every mechanism draws from. On construction the model builds
    the synthetic population and runs ``scenario.burn_in_months`` months so that memberships and
    ties emerge from the mechanisms; then ``self.month == 0`` and recording starts.
    """

    def __init__(self, scenario: Scenario | None = None, seed: int | None = None, *,
                 burn_in: bool = True, progress: Callable[[int], None] | None = None):
        scenario = scenario or Scenario()
        seed = scenario.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        self.seed = seed
        self.params = scenario
        self.timings: dict[str, float] = {}
        self.mechanism_seconds: dict[str, float] = {}  # time spent per mechanism, all steps
        t0 = time.perf_counter()
        self.world = build_world(scenario, self.rng)
        w = self.world
        self.people, self.orgs, self.ties, self.origins = w.people, w.orgs, w.ties, w.origins
        self.nb_municipality, self.n_municipalities = w.nb_municipality, w.n_municipalities
        self.n_workplaces = w.n_workplaces
        self.n_households = int(self.people.household.max()) + 1
        self.household_head_background = np.zeros(self.n_households, np.int8)
        first = np.unique(self.people.household, return_index=True)[1]
        self.household_head_background[self.people.household[first]] = self.people.background[first]
        self.volunteer_centre_kind = KINDS.index("volunteer_centre")
        self.month = -scenario.burn_in_months
        self.months_run = 0
        self.income_history = np.zeros((self.n_households, 12 * scenario.economy.low_income_years))
        # the levers interventions act on, neutral unless an active intervention moves them
        self.levers = Levers(len(self.people), len(self.orgs))
        self.benefits = BenefitLog(self)
        self.org_partners: set[tuple[int, int]] = set()  # organisation pairs that cooperate (meeting places)
        self._roster: Roster | None = None
        self._linked = None
        self._tie_counts = None
        self._index_places()
        Person.create_agents(self, len(self.people), idx=np.arange(len(self.people)))
        Organisation.create_agents(self, len(self.orgs), idx=np.arange(len(self.orgs)))
        share = scenario.municipalities.voluntary_policy_share
        policy = np.full(self.n_municipalities, share >= 1)
        if 0 < share < 1:  # round(share × n) municipalities, the fraction rounded at random
            x = share * self.n_municipalities
            k = int(x) + int(self.rng.random() < x - int(x))
            policy[self.rng.permutation(self.n_municipalities)[:k]] = True
        Municipality.create_agents(self, self.n_municipalities, idx=np.arange(self.n_municipalities),
                                   voluntary_policy=policy)
        self.municipalities = self.agents_by_type[Municipality]
        self.interventions = build_interventions(self, scenario.interventions)
        economy.step(self)
        self.parent_active = np.zeros(self.n_households, bool)
        self.timings["setup_s"] = time.perf_counter() - t0
        self.observer = Observer(self)
        self.recording = False
        t0 = time.perf_counter()
        if burn_in:
            for _ in range(scenario.burn_in_months):
                self.step()
                if progress:
                    progress(1)
        self.timings["burn_in_s"] = time.perf_counter() - t0
        self.recording = True
        self.observer.collect()

    # ------------------------------------------------------------------ stepping
    def step(self) -> None:
        burn_in = self.month < 0
        spent = self.mechanism_seconds
        self.levers.reset()
        if not burn_in and self.interventions:
            t0 = time.perf_counter()
            for intervention in self.interventions:
                intervention.step(self)
            for intervention in self.interventions:
                if intervention.active(self.month):
                    intervention.settle(self)
            spent["interventions"] = spent.get("interventions", 0.0) + time.perf_counter() - t0
        for name, mechanism in ORDER:
            if not (burn_in and name in HELD_DURING_BURN_IN):
                t0 = time.perf_counter()
                mechanism(self)
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0
        self.month += 1
        self.months_run += 1
        if self.recording:
            self.observer.collect()

    def run(self, months: int | None = None, progress: Callable[[int], None] | None = None) -> None:
        """Run ``months`` recorded months (default: the scenario's)."""
        t0 = time.perf_counter()
        for _ in range(self.params.months if months is None else months):
            self.step()
            if progress:
                progress(1)
        self.timings["run_s"] = self.timings.get("run_s", 0.0) + time.perf_counter() - t0

    # ------------------------------------------------------------------ caches
    def roster(self) -> Roster:
        if self._roster is None:
            self._roster = Roster(self.people, len(self.orgs))
        return self._roster

    def memberships_changed(self) -> None:
        self._roster = None

    def tie_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """(bonding, bridging) ties per person, cached until the ties change."""
        key = (self.ties.version, len(self.people))
        if self._tie_counts is None or self._tie_counts[0] != key:
            self._tie_counts = (key, self.ties.counts_by_kind(self.people.origin))
        return self._tie_counts[1]

    def linked_groups(self):
        """Organisations with a linking tie, grouped by municipality (the municipal channel)."""
        if self._linked is None:
            o = self.orgs
            ids = np.flatnonzero(o.linked)
            self._linked = groups(o.municipality[ids], ids, self.n_municipalities)
        return self._linked

    def links_changed(self) -> None:
        self._linked = None

    def _index_places(self) -> None:
        p, o = self.people, self.orgs
        n_nb = len(self.nb_municipality)
        self.nb_groups = groups(p.neighbourhood, np.arange(len(p)), n_nb)
        self.org_nb_groups = groups(o.neighbourhood, np.arange(len(o)), n_nb)
        youth = np.flatnonzero(o.age_profile != ADULTS_ONLY)
        self.youth_org_nb_groups = groups(o.neighbourhood[youth], youth, n_nb)
        self.youth_org_mun_groups = groups(o.municipality[youth], youth, self.n_municipalities)
        self.minority_orgs: dict[tuple[int, int], list[int]] = {}
        for i in np.flatnonzero(o.origin >= 0):
            self.minority_orgs.setdefault((int(o.municipality[i]), int(o.origin[i])), []).append(int(i))
        adults = np.flatnonzero(p.age >= 18)
        self._adults_by_hh = groups(p.household[adults], adults, self.n_households)

    def random_adult_in_household(self, households: np.ndarray) -> np.ndarray:
        return random_in_group(self._adults_by_hh, np.asarray(households, np.int64), self.rng)

    # ------------------------------------------------------------------ arrivals
    def add_households(self, origins: np.ndarray, neighbourhoods: np.ndarray, reason: int) -> np.ndarray:
        """Newly arrived immigrant households (one origin group and neighbourhood each) join the
        population; returns the new person rows. Used by :mod:`model.interventions.arrivals`."""
        first = self.n_households
        cols = new_household_rows(self.world, self.params, self.rng, origins, neighbourhoods, reason, first)
        rows = self.people.extend(**cols)
        n_new_hh = len(origins)
        self.n_households += n_new_hh
        self.world.hh_neighbourhood = np.concatenate([self.world.hh_neighbourhood, np.asarray(neighbourhoods, np.int32)])
        self.household_head_background = np.concatenate([self.household_head_background, np.full(n_new_hh, 1, np.int8)])
        self.income_history = np.concatenate([self.income_history, np.zeros((n_new_hh, self.income_history.shape[1]))])
        self.parent_active = np.concatenate([self.parent_active, np.zeros(n_new_hh, bool)])
        self.ties.grow(len(self.people))
        self.levers.grow(len(self.people))
        for intervention in self.interventions:
            intervention.grow(len(self.people))
        self._index_places()
        renew_households(self, np.arange(first, self.n_households))
        self.people.arrived_month[rows] = self.month
        economy.step(self)
        Person.create_agents(self, len(rows), idx=rows)
        self.memberships_changed()
        return rows

    def intervention_costs(self) -> dict[str, float]:
        """Cumulative NOK spent so far, per intervention label."""
        return {iv.label: iv.cost_nok for iv in self.interventions}
