"""Common random numbers in the demography (:mod:`model.streams`): every demographic draw is keyed
by the person (or arriving household) who faces it, and persons born or arriving during a run get
keys derived from what brought them. An extra birth or an extra arriving household therefore
leaves everyone else's draws – and their deaths, moves and separations – as they were."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from conftest import small_scenario
from model.data_files import load_origin_groups
from model.demography import life_course as lc
from model.demography import migration as mig
from model.demography.rates import load_rates
from model.demography.skeleton import Skeleton
from model.lifecycle import ModelPopulation
from model.mechanisms.demography import step as demography_step
from model.model import DugnadModel
from model.state import FEMALE, IMMIGRANT, MAJORITY, REASONS

ORIGINS = load_origin_groups()
RATES = load_rates(ORIGINS)
MONTH = 1 / 12
SEED = 7


def town(n_households: int = 120, seed: int = SEED) -> Skeleton:
    """A hand-made town of families: a man, a woman (partners) and two children from 8 to 27 in
    each household; every third household immigrants from origin row 5. Keys are the uids."""
    r = np.random.default_rng(0)     # the town's make-up; the same in every call
    sk = Skeleton(np.random.default_rng(seed))
    n = 4 * n_households
    hh = np.repeat(np.arange(n_households), 4)
    member = np.tile(np.arange(4), n_households)
    parent_age = r.uniform(40, 75, n_households)
    age = np.where(member < 2, parent_age[hh] + (member == 0) * 2.0, r.uniform(8, 27, n))
    immigrant = hh % 3 == 0
    uid = np.arange(n)
    partner = np.where(member == 0, uid + 1, np.where(member == 1, uid - 1, -1))
    sk.n_households = n_households
    sk.add(dict(household=hh, background=np.where(immigrant, IMMIGRANT, MAJORITY), origin=np.where(immigrant, 5, 0),
                sex=np.where(member == 1, FEMALE, np.where(member == 0, 1 - FEMALE, r.integers(0, 2, n))),
                age=age.astype(np.float32), years_in_norway=np.where(immigrant, 10.0, age).astype(np.float32),
                reason=np.where(immigrant, REASONS.index("refugee"), 0), partner=partner))
    return sk


def keys(sk: Skeleton, rows) -> set[int]:
    return set(sk.people.key[np.asarray(rows, np.int64)].tolist())


def migration_state() -> mig.MigrationState:
    return mig.MigrationState(target=np.zeros(len(ORIGINS)), base=np.zeros(len(ORIGINS)))


def life(sk: Skeleton, state: mig.MigrationState, months: int, births: int = 0) -> list[dict[str, set[int]]]:
    """Months of deaths, emigration, reunification, ``births`` births, leaving home and separations
    (high hazards, so that every kind of event happens); per month the keys of those each event
    touched. Persons born later come after an extra person in row order, but draw as if it were not
    there."""
    emigration = np.where(np.arange(len(ORIGINS)) == 5, 0.5, 0.0)
    log = []
    for _ in range(months):
        sk.begin_step()
        p = sk.people
        lc.age(p, MONTH)
        dead = lc.deaths(sk, RATES, MONTH * 40)
        gone = np.union1d(dead, mig.emigrants(sk, emigration, sk.n_households, MONTH))
        month = dict(dead=keys(sk, dead), emigrated=keys(sk, np.setdiff1d(gone, dead)))
        sk.remove(gone)
        month["reunited"] = keys(sk, mig.reunite(sk, state, RATES.tfr, MONTH))
        month["born"] = keys(sk, lc.births(sk, RATES, n_majority=births, n_descendant=0, dt=MONTH))
        month["left_home"] = keys(sk, lc.leave_home(sk, hazard=2.0, min_age=18, dt=MONTH))
        men_before = sk.people.key[sk.people.partner >= 0]
        lc.separations(sk, hazard=1.0, dt=MONTH)
        month["separated"] = set(men_before.tolist()) - set(sk.people.key[sk.people.partner >= 0].tolist())
        log.append(month)
    return log


def without(log: list[dict[str, set[int]]], extra: set[int]) -> list[dict[str, set[int]]]:
    return [{k: v - extra for k, v in month.items()} for month in log]


# ----------------------------------------------------------------------------- births

def test_an_extra_birth_leaves_everyone_elses_draws_and_events_alone():
    a, b = town(), town()
    for sk in (a, b):
        sk.begin_step()
    born = lc.births(b, RATES, n_majority=1, n_descendant=0, dt=MONTH)
    assert len(born) == 1
    extra = keys(b, born)
    common = a.people.key
    assert np.array_equal(a.streams.uniform("demography.death", common), b.streams.uniform("demography.death", common))
    log_a, log_b = life(a, migration_state(), 24, births=3), life(b, migration_state(), 24, births=3)
    assert without(log_b, extra) == log_a
    assert sum(len(m["dead"]) for m in log_a) > 10 and sum(len(m["left_home"]) for m in log_a) > 10
    assert sum(len(m["separated"]) for m in log_a) > 5 and sum(len(m["emigrated"]) for m in log_a) > 5


def test_newborn_keys_come_from_the_mother_and_the_month():
    one, five = town(), town()
    for sk in (one, five):
        sk.begin_step()
    month = one.streams.month
    born1 = lc.births(one, RATES, n_majority=1, n_descendant=0, dt=MONTH)
    born5 = lc.births(five, RATES, n_majority=5, n_descendant=0, dt=MONTH)
    p1, p5 = one.people, five.people
    women = np.flatnonzero(p1.sex == FEMALE)          # the same rows in both towns
    for p, born in ((p1, born1), (p5, born5)):
        child_of = lc.new_keys("birth", p.key[women], month)
        for row in born:                              # one of the women's key and the month made it
            mother = women[child_of == p.key[row]]
            assert len(mother) == 1 and p.household[mother[0]] == p.household[row]
    # however many others are born, the child of the same mother is the same child
    assert keys(one, born1) <= keys(five, born5)
    row5 = np.flatnonzero(p5.key == p1.key[born1[0]])
    assert p5.sex[row5] == p1.sex[born1] and p5.age[row5] == p1.age[born1]
    assert p5.household[row5] == p1.household[born1]
    # the same mother's child next month is another person
    mother = women[lc.new_keys("birth", p1.key[women], month) == p1.key[born1[0]]]
    assert lc.new_keys("birth", p1.key[mother], month + 1)[0] != p1.key[born1[0]]


def test_newborn_keys_are_unique():
    sk = town(300)
    for _ in range(24):
        sk.begin_step()
        lc.births(sk, RATES, n_majority=15, n_descendant=5, dt=MONTH)
    assert len(sk.people) > 1200 + 24 * 15
    assert len(np.unique(sk.people.key)) == len(sk.people)


# ----------------------------------------------------------------------------- arrivals

def test_an_extra_arriving_household_leaves_everyone_elses_draws_and_events_alone():
    a, b = town(), town()
    sa, sb = migration_state(), migration_state()
    for sk, state in ((a, sa), (b, sb)):
        sk.begin_step()
        mig.arrive(sk, ORIGINS, RATES.tfr, np.array([5] * 8 + [9, 18, 5, 5]), state=state, reunify_share=0.8)
    # an extra household later in the month, as the arrivals intervention adds one (without a
    # family to follow, whose keys would be new too)
    extra = keys(b, mig.arrive(b, ORIGINS, RATES.tfr, np.array([5]), state=sb))
    assert extra and not extra & set(a.people.key.tolist())
    log_a, log_b = life(a, sa, 36), life(b, sb, 36)
    assert without(log_b, extra) == log_a
    assert sum(len(m["reunited"]) for m in log_a) > 0


def test_a_household_of_another_group_or_later_in_line_does_not_shift_the_others():
    a, b = town(), town()
    for sk in (a, b):
        sk.begin_step()
    ra = mig.arrive(a, ORIGINS, RATES.tfr, np.array([5, 9]), state=migration_state())
    rb = mig.arrive(b, ORIGINS, RATES.tfr, np.array([9, 5, 5]), state=migration_state())
    pa, pb = a.people, b.people
    persons = lambda p, rows: {(int(k), int(o), int(s), float(g)) for k, o, s, g in
                               zip(p.key[rows], p.origin[rows], p.sex[rows], p.age[rows])}
    assert persons(pa, ra) < persons(pb, rb)


def test_arrival_keys_follow_the_place_in_line_through_the_month():
    sk, state = town(), migration_state()
    sk.begin_step()
    first = mig.arrive(sk, ORIGINS, RATES.tfr, np.array([5, 5]), state=state)
    second = mig.arrive(sk, ORIGINS, RATES.tfr, np.array([5]), state=state)
    assert not keys(sk, first) & keys(sk, second)
    assert state.line(sk.streams.month, len(ORIGINS))[5] == 3
    sk.begin_step()
    assert state.line(sk.streams.month, len(ORIGINS))[5] == 0


# ----------------------------------------------------------------------------- keyed draws are fair

# ----------------------------------------------------------------------------- the running model

def test_the_model_refuses_new_persons_without_a_key():
    with pytest.raises(ValueError, match="key"):
        ModelPopulation(SimpleNamespace()).add(dict(age=np.zeros(1, np.float32)))


def test_in_the_model_an_extra_household_changes_no_one_elses_deaths(monkeypatch):
    """Two runs of one seed, one with an extra arriving household: month by month, of the persons
    alive in both runs the same die (emigration, couples and births may differ, deaths cannot)."""
    deaths: list[set[int]] = []

    def logged(pop, rates, dt):
        dead = real_deaths(pop, rates, dt)
        deaths.append(set(pop.people.key[dead].tolist()))
        return dead

    real_deaths = lc.deaths
    monkeypatch.setattr(lc, "deaths", logged)
    logs, alive = [], []
    for extra in (False, True):
        m = DugnadModel(small_scenario(1200), seed=SEED, burn_in=False)
        deaths.clear()
        before = []
        for month in range(m.month, m.month + 12):
            m.month = m.streams.month = month
            before.append(set(m.people.key.tolist()))
            demography_step(m)
            if extra and len(before) == 1:   # after the month's demography, as the arrivals intervention
                m.add_households(np.array([5]), np.array([0]), REASONS.index("refugee"))
        logs.append(list(deaths))
        alive.append(before)
    assert sum(map(len, logs[0])) > 0
    for (dead_a, dead_b, alive_a, alive_b) in zip(logs[0], logs[1], alive[0], alive[1]):
        both = alive_a & alive_b
        assert dead_a & both == dead_b & both
