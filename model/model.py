"""DugnadModel: the Mesa model that ties population, organisations, municipalities, ties and the
monthly mechanisms together."""

from __future__ import annotations

import time
from collections.abc import Callable

import mesa
import numpy as np

from model.agents import Municipality, Organisation, Person
from model.benefits import BenefitLog
from model.convergence import WINDOW, BurnInMonitor
from model.demography import migration as mig
from model.demography.life_course import rows_of
from model.indicators import Observer
from model.interventions import build_interventions
from model.levers import Levers
from model.lifecycle import ModelPopulation
from model.mechanisms import ORDER, demography, economy
from model.organisations import association_groups, own_association_min, pooled_index
from model.population import build_world
from model.roster import Places, Roster, groups, random_in_group
from model.scenario import Scenario
from model.streams import Streams
from model.state import ADULTS_ONLY, KINDS


class DugnadModel(mesa.Model):
    """Civil society and integration in Norway, one month per step.

    ``DugnadModel(scenario, seed=None)``: the seed defaults to ``scenario.seed``. It seeds Mesa's
    generator (``self.rng``), which builds the population and nothing else, and the named streams
    (``self.streams``, :mod:`model.streams`) every random decision draws from once the model steps
    (common random numbers: paired runs differ only where a scenario changed what someone faces).
    On construction the model builds
    the synthetic population and runs ``scenario.burn_in_months`` months so that memberships and
    ties emerge from the mechanisms; then ``self.month == 0`` and recording starts.
    """

    def __init__(self, scenario: Scenario | None = None, seed: int | None = None, *,
                 burn_in: bool = True, progress: Callable[[int], None] | None = None):
        scenario = scenario or Scenario()
        seed = scenario.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        self.seed = seed
        self.streams = Streams(seed)  # every random draw after the build (common random numbers)
        self.params = scenario
        self.timings: dict[str, float] = {}
        self.mechanism_seconds: dict[str, float] = {}  # time spent per mechanism, all steps
        t0 = time.perf_counter()
        self.world = build_world(scenario, self.rng)
        w = self.world
        self.people, self.orgs, self.ties, self.origins = w.people, w.orgs, w.ties, w.origins
        self.places, self.workplaces, self.demography = w.places, w.workplaces, w.demography
        self.nb_municipality, self.n_municipalities = w.places.nb_municipality, w.places.n_municipalities
        self.population = ModelPopulation(self)
        self.demography_events: dict[str, int] = {}
        self.municipal_kinds = [KINDS.index("volunteer_centre"), KINDS.index("youth_club")]
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
        self._people_index = None
        self._association_groups = None
        self.pooled_origin = pooled_index(self.origins) if scenario.organisations.pool_small_groups else -1
        self._index_places()
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
        self.parent_active = np.zeros(self.n_households, bool)
        # sport, culture and humanitarian organisations per person served (children's activities
        # per child, the others per inhabitant) at the start: the density founding restores
        # (model.mechanisms.organisations.density)
        self.org_density: dict[int, np.ndarray] | None = None  # kind → municipality × age profile
        economy.step(self)
        self.timings["setup_s"] = time.perf_counter() - t0
        self.observer = Observer(self)
        self.recording = False
        t0 = time.perf_counter()
        monitor = BurnInMonitor()
        if burn_in:
            for i in range(scenario.burn_in_months):
                self.step()
                if i >= scenario.burn_in_months - WINDOW:
                    monitor.record(self)
                if progress:
                    progress(1)
        self.convergence = monitor.report()
        self.timings["burn_in_s"] = time.perf_counter() - t0
        self.recording = True
        self.observer.collect()

    # ------------------------------------------------------------------ stepping
    def step(self) -> None:
        burn_in = self.month < 0
        spent = self.mechanism_seconds
        # persons are born, die and move first: interventions and mechanisms then see this month's rows
        t0 = time.perf_counter()
        demography.step(self)
        spent["demography"] = spent.get("demography", 0.0) + time.perf_counter() - t0
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

    @property
    def month(self) -> int:
        """The model month (negative during the burn-in); the random streams draw for this month."""
        return self._month

    @month.setter
    def month(self, value: int) -> None:
        self._month = value
        self.streams.month = value

    # ------------------------------------------------------------------ caches
    def roster(self) -> Roster:
        if self._roster is None:
            self._roster = Roster(self.people, len(self.orgs))
        return self._roster

    def memberships_changed(self) -> None:
        self._roster = None

    def people_changed(self) -> None:
        """Persons were added, removed or moved: drop everything derived from the persons table."""
        self._roster = None
        self._tie_counts = None
        self._people_index = None
        self._association_groups = None

    @property
    def n_households(self) -> int:
        return len(self.places.hh_neighbourhood)

    def households_added(self, k: int) -> None:
        """Per-household arrays grow by ``k`` new households (ids are never reused)."""
        self.income_history = np.concatenate([self.income_history, np.zeros((k, self.income_history.shape[1]))])
        self.parent_active = np.concatenate([self.parent_active, np.zeros(k, bool)])
        for name in ("has_school_child", "household_literacy"):  # the economy's family facts, redrawn monthly
            if hasattr(self, name):
                old = getattr(self, name)
                setattr(self, name, np.concatenate([old, np.zeros(k, old.dtype)]))
        for intervention in getattr(self, "interventions", ()):
            intervention.grow_households(self.n_households)

    def person(self, row: int) -> Person:
        """A readable view of the person in ``row`` (a Mesa agent made on demand)."""
        return Person(self, int(self.people.uid[row]))

    def row_of(self, uid: int) -> int:
        return int(rows_of(self.people, np.array([uid]))[0])

    def tie_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """(bonding, bridging) ties per person, cached until the ties change."""
        key = (self.ties.version, len(self.people))
        if self._tie_counts is None or self._tie_counts[0] != key:
            self._tie_counts = (key, self.ties.counts_by_kind(self.people.origin))
        return self._tie_counts[1]

    def association_group(self, persons: np.ndarray) -> np.ndarray:
        """The origin group whose minority associations serve each person: their own, or the pooled
        group where theirs is small in their municipality (:func:`model.organisations.association_groups`);
        0 for the majority. Cached until the persons change."""
        if self.pooled_origin < 0:  # no pooling: everyone's own group, no table to keep
            return self.people.origin[persons].astype(np.int64)
        if self._association_groups is None:
            self._association_groups = association_groups(
                self.people, self.n_municipalities, len(self.origins),
                own_association_min(self.params.organisations), self.pooled_origin)
        p = self.people
        return self._association_groups[p.municipality[persons], p.origin[persons]]

    def own_group_orgs(self, persons: np.ndarray, orgs: np.ndarray) -> np.ndarray:
        """Whether each organisation is a minority association of the person's own group: of
        their origin group or of the group that serves them (:meth:`association_group`)."""
        origin = self.orgs.origin[orgs]
        return (origin >= 0) & ((origin == self.people.origin[persons]) | (origin == self.association_group(persons)))

    def linked_groups(self):
        """Organisations with a linking tie, grouped by municipality (the municipal channel)."""
        if self._linked is None:
            o = self.orgs
            ids = np.flatnonzero(o.linked & o.active)
            self._linked = groups(o.municipality[ids], ids, self.n_municipalities)
        return self._linked

    def links_changed(self) -> None:
        self._linked = None

    def _people_groups(self):
        if self._people_index is None:
            p = self.people
            adults = np.flatnonzero(p.age >= 18)
            self._people_index = (groups(p.neighbourhood, np.arange(len(p)), len(self.nb_municipality)),
                                  groups(p.municipality, np.arange(len(p)), self.n_municipalities),
                                  groups(p.household[adults], adults, self.n_households))
        return self._people_index

    @property
    def nb_groups(self):
        """Persons grouped by neighbourhood (for drawing neighbours)."""
        return self._people_groups()[0]

    def nb_share(self, nb: np.ndarray) -> np.ndarray:
        """Each neighbourhood's share of its municipality's inhabitants."""
        nb_pop = self.nb_groups[2]
        mun_pop = np.bincount(self.nb_municipality, weights=nb_pop, minlength=self.n_municipalities)
        return nb_pop[nb] / np.maximum(1.0, mun_pop[self.nb_municipality[nb]])

    @property
    def municipality_groups(self):
        """Persons grouped by municipality (for city-wide recruitment)."""
        return self._people_groups()[1]

    def _index_places(self) -> None:
        """Organisations by place (:class:`model.roster.Places`), for those who look for one; folded
        organisations (``orgs.active`` false) are left out. Redone when organisations fold or are
        founded (:mod:`model.mechanisms.organisations`)."""
        o = self.orgs
        self.org_places = Places(o, o.active, len(self.nb_municipality), self.n_municipalities)
        club = o.kind == KINDS.index("youth_club")   # youth look in on their own, parents enrol in the rest
        self.youth_org_places = Places(o, o.active & (o.age_profile != ADULTS_ONLY) & ~club, len(self.nb_municipality),
                                          self.n_municipalities)
        self.youth_club_places = Places(o, o.active & club, len(self.nb_municipality), self.n_municipalities)
        self.minority_orgs: dict[tuple[int, int], list[int]] = {}
        for i in np.flatnonzero((o.origin >= 0) & o.active):
            self.minority_orgs.setdefault((int(o.municipality[i]), int(o.origin[i])), []).append(int(i))
        self.congregations: dict[tuple[int, int], list[int]] = {}  # (municipality, tradition) → congregations
        for i in np.flatnonzero((o.tradition >= 0) & o.active):
            self.congregations.setdefault((int(o.municipality[i]), int(o.tradition[i])), []).append(int(i))

    def orgs_added(self, ids: np.ndarray) -> None:
        """Organisations ``ids`` were appended to ``self.orgs`` (founding): every per-organisation
        store grows — levers, interventions' per-organisation state, the Mesa agents and the
        indexes by place (ids are never reused)."""
        ids = np.asarray(ids, np.int64)
        n = len(self.orgs)
        self.levers.grow_orgs(n)
        for intervention in self.interventions:
            intervention.grow_orgs(n)
        Organisation.create_agents(self, len(ids), idx=ids)
        self.orgs_changed()

    def orgs_changed(self) -> None:
        """Organisations were founded or folded: rebuild the indexes that choose among them."""
        self._index_places()
        self._linked = None
        self._roster = None

    def random_adult_in_household(self, households: np.ndarray, u: np.ndarray) -> np.ndarray:
        """An adult of each household, drawn uniformly with ``u`` (-1 where there is none)."""
        return random_in_group(self._people_groups()[2], np.asarray(households, np.int64), u)

    # ------------------------------------------------------------------ arrivals
    def add_households(self, origins: np.ndarray, neighbourhoods: np.ndarray, reason: int) -> np.ndarray:
        """Newly arrived immigrant households (one origin group and neighbourhood each) join the
        population as any newcomers do (:func:`model.demography.migration.arrive`); returns the
        new person rows. Used by :mod:`model.interventions.arrivals`."""
        d = self.demography
        return mig.arrive(ModelPopulation(self, settle_at=np.asarray(neighbourhoods, np.int64)), self.origins,
                          d.rates.tfr, origins, reasons=np.full(len(origins), reason), state=d.migration,
                          reunify_share=self.params.demography.reunification_share)

    def intervention_costs(self) -> dict[str, float]:
        """Cumulative NOK spent so far, per intervention label."""
        return {iv.label: iv.cost_nok for iv in self.interventions}
