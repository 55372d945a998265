"""The life course, one step at a time: ageing, deaths, births, leaving home, couples, separations.

Every function works on a :class:`Population` – the model's stores while it runs, or the light
skeleton the builder settles before any trait is drawn – so the initial population and the running
model follow the same rules. Rates are indicative and named where they are set
(``model/data/life_table.csv``, ``fertility.csv``; the rest in ``DemographyParams``).

Statistics Norway's categories decide a newborn's background: a child of an immigrant mother and
an immigrant (or absent) father is *Norwegian-born to immigrant parents* (a descendant); every
other child born in Norway belongs to the rest of the population (background "majority"). A child
keeps the mother's origin group for ties and organisations unless the father is of the majority.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from model.demography.rates import Rates
from model.state import DESCENDANT, FEMALE, IMMIGRANT, MAJORITY

ADULT = 18
NO_PARTNER = -1


class Population(Protocol):
    """What the life course needs of a population store."""

    people: object          # columns: uid, household, background, origin, sex, age, years_in_norway, reason, partner
    rng: np.random.Generator

    def remove(self, rows: np.ndarray) -> None: ...
    def add(self, cols: dict[str, np.ndarray]) -> np.ndarray: ...
    def move(self, rows: np.ndarray, households: np.ndarray) -> None: ...
    def new_households(self, near: np.ndarray) -> np.ndarray: ...


# ----------------------------------------------------------------------------- queries

def rows_of(p, uids: np.ndarray) -> np.ndarray:
    """Rows of persons by uid (rows are kept in uid order); -1 where the uid is gone."""
    uids = np.asarray(uids, np.int64)
    if not len(p.uid):
        return np.full(len(uids), -1, np.int64)
    pos = np.minimum(np.searchsorted(p.uid, uids), len(p.uid) - 1)
    return np.where((uids >= 0) & (p.uid[pos] == uids), pos, -1)


def household_max(household: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per person, the largest value in their household (``ufunc.at`` is fast only when the
    output has the values' dtype, hence the matching array)."""
    top = np.full(int(household.max()) + 1 if len(household) else 0, -np.inf, values.dtype)
    np.maximum.at(top, household, values)
    return top[household]


def lives_with_parents(p) -> np.ndarray:
    """Persons under 30 without a partner whose household has an adult at least 16 years older."""
    return (p.age < 30) & (p.partner == NO_PARTNER) & (household_max(p.household, p.age) >= p.age + 16)


def household_has_adult(p, n_households: int) -> np.ndarray:
    return np.bincount(p.household[p.age >= ADULT], minlength=n_households) > 0


# ----------------------------------------------------------------------------- events

def age(p, dt: float) -> None:
    p.age += np.float32(dt)
    p.years_in_norway += np.float32(dt)


def deaths(pop: Population, rates: Rates, dt: float) -> np.ndarray:
    """Each person dies with the life table's chance for their age and sex; returns the rows who
    died (not yet removed). Their partners become single (widowhood)."""
    p = pop.people
    dead = np.flatnonzero(pop.rng.random(len(p.age)) < rates.monthly_death(p.age, p.sex, dt))
    widowed = rows_of(p, p.partner[dead])
    p.partner[widowed[widowed >= 0]] = NO_PARTNER
    return dead


def births(pop: Population, rates: Rates, n_majority: int, n_descendant: int, dt: float) -> np.ndarray:
    """``n_descendant`` children born to immigrant mothers with an immigrant or no partner, and
    ``n_majority`` to all other mothers, each drawn among women by the group's fertility and the
    age schedule (:meth:`Rates.fertility_weight`; women without a partner at a fifth of the weight,
    an assumption). The level is set by the caller (replacement, see :mod:`.migration`); fertility
    decides who gives birth. Returns the new rows."""
    p, rng = pop.people, pop.rng
    women = np.flatnonzero((p.sex == FEMALE) & (p.age >= 15) & (p.age < 50))
    partner = rows_of(p, p.partner[women])
    w = rates.fertility_weight(p.age[women], np.where(p.background[women] == IMMIGRANT, p.origin[women], 0))
    w = w * np.where(partner >= 0, 1.0, 0.2)
    father_bg = np.where(partner >= 0, p.background[np.maximum(partner, 0)], IMMIGRANT)
    desc_pool = (p.background[women] == IMMIGRANT) & (father_bg == IMMIGRANT)
    mothers = np.concatenate([_draw(rng, women[desc_pool], w[desc_pool], n_descendant),
                              _draw(rng, women[~desc_pool], w[~desc_pool], n_majority)])
    if not len(mothers):
        return mothers
    fathers = rows_of(p, p.partner[mothers])
    fb = np.where(fathers >= 0, p.background[np.maximum(fathers, 0)], IMMIGRANT)
    descendant = (p.background[mothers] == IMMIGRANT) & (fb == IMMIGRANT)
    origin = np.where(fb == MAJORITY, 0, p.origin[mothers])
    n = len(mothers)
    born = (rng.random(n) * dt).astype(np.float32)
    return pop.add(dict(
        household=p.household[mothers], background=np.where(descendant, DESCENDANT, MAJORITY),
        origin=origin, sex=rng.integers(0, 2, n), age=born, years_in_norway=born,
        reason=np.zeros(n), partner=np.full(n, NO_PARTNER)))


def _draw(rng, rows: np.ndarray, weight: np.ndarray, k: int) -> np.ndarray:
    """``k`` distinct rows drawn with chance proportional to ``weight`` (fewer if too few)."""
    ok = weight > 0
    rows, weight = rows[ok], weight[ok]
    k = min(int(k), len(rows))
    if k <= 0:
        return np.empty(0, np.int64)
    return rng.choice(rows, k, replace=False, p=weight / weight.sum())


def leave_home(pop: Population, hazard: float, min_age: float, dt: float) -> np.ndarray:
    """Young adults living with their parents move out to a household of their own, near the
    parents, with yearly ``hazard`` from ``min_age`` (Norwegians leave home early: about half by
    20–21; SSB/Eurostat order of magnitude). Returns the rows who moved."""
    p, rng = pop.people, pop.rng
    who = np.flatnonzero(lives_with_parents(p) & (p.age >= min_age)
                         & (rng.random(len(p.age)) < 1 - np.exp(-hazard * dt)))
    if len(who):
        pop.move(who, pop.new_households(p.household[who]))
    return who


def couples(pop: Population, hazard: float, homogamy: float, dt: float) -> int:
    """Single adults from 20 to 65 look for a partner with yearly ``hazard``; seekers are matched
    man to woman by age within their origin group (immigrants and descendants with chance
    ``homogamy``, an assumption in line with SSB's marriage statistics) or in the open pool. The
    couple settles in the woman's household if she lives on her own, else in the man's if he does,
    else in a new one; a partner who lives on their own brings their whole household. Returns
    the number of couples formed."""
    p, rng = pop.people, pop.rng
    single = (p.partner == NO_PARTNER) & (p.age >= 20) & (p.age < 65)
    seek = np.flatnonzero(single & (rng.random(len(p.age)) < 1 - np.exp(-hazard * dt)))
    if len(seek) < 2:
        return 0
    within = (p.background[seek] != MAJORITY) & (rng.random(len(seek)) < homogamy)
    key = np.where(within, p.origin[seek].astype(np.int64) + 1, 0)
    men, women = _match(rng, seek, key, p.sex[seek] == FEMALE, p.age[seek])
    if not len(men):
        return 0
    at_home = lives_with_parents(p)
    p.partner[men], p.partner[women] = p.uid[women], p.uid[men]
    her_home = ~at_home[women]
    his_home = ~her_home & ~at_home[men]
    new = ~her_home & ~his_home
    target = np.where(her_home, p.household[women], p.household[men])
    if new.any():
        target[new] = pop.new_households(p.household[women[new]])
    mover = np.where(her_home, men, women)
    _move_with_household(pop, mover, target, ~at_home[mover])
    stay = np.where(her_home, women, men)
    pop.move(stay[new], target[new])
    return len(men)


def _match(rng, seek, key, female, age):
    """Pair men and women of the same key by rank of (age + noise); returns (men, women) rows."""
    noisy = age + rng.normal(0, 3, len(seek)) - 2.0 * female   # women partner men about 2 years older
    out = []
    for sex in (False, True):
        sel = female == sex
        order = np.lexsort((noisy[sel], key[sel]))
        out.append((seek[sel][order], key[sel][order]))
    (m, km), (w, kw) = out
    n_keys = int(max(km.max(initial=0), kw.max(initial=0))) + 1
    cm, cw = np.bincount(km, minlength=n_keys), np.bincount(kw, minlength=n_keys)
    take = np.minimum(cm, cw)
    rank = lambda k, c: np.arange(len(k)) - np.concatenate([[0], np.cumsum(c)[:-1]])[k]
    m = m[rank(km, cm) < take[km]]
    w = w[rank(kw, cw) < take[kw]]
    return m, w


def _move_with_household(pop: Population, movers, target, whole: np.ndarray) -> None:
    """Move ``movers`` to ``target``; where ``whole``, everyone in the mover's household comes."""
    p = pop.people
    alone = movers[~whole]
    rows = [alone]
    dest = [target[~whole]]
    if whole.any():
        lookup = np.full(int(p.household.max()) + 1, -1, np.int64)
        lookup[p.household[movers[whole]]] = target[whole]
        members = np.flatnonzero(lookup[p.household] >= 0)
        rows.append(members)
        dest.append(lookup[p.household[members]])
    rows, dest = np.concatenate(rows), np.concatenate(dest)
    keep = p.household[rows] != dest
    pop.move(rows[keep], dest[keep])


def separations(pop: Population, hazard: float, dt: float) -> int:
    """Couples separate with yearly ``hazard`` (assumption, SSB order of magnitude); the man moves
    out to a household of his own nearby and the children stay with the mother."""
    p, rng = pop.people, pop.rng
    men = np.flatnonzero((p.partner != NO_PARTNER) & (p.sex != FEMALE))
    men = men[rng.random(len(men)) < 1 - np.exp(-hazard * dt)]
    if not len(men):
        return 0
    women = rows_of(p, p.partner[men])
    p.partner[men] = NO_PARTNER
    p.partner[women[women >= 0]] = NO_PARTNER
    pop.move(men, pop.new_households(p.household[men]))
    return len(men)


def orphans(pop: Population, n_households: int) -> int:
    """Children left in a household without adults move to a household with an adult of their
    origin group (relatives or foster care; assumption), else to any household with an adult."""
    p, rng = pop.people, pop.rng
    has_adult = household_has_adult(p, n_households)
    kids = np.flatnonzero(~has_adult[p.household])
    if not len(kids):
        return 0
    adults = np.flatnonzero(p.age >= ADULT)
    if not len(adults):
        return 0
    for h in np.unique(p.household[kids]):  # rare: a handful a year in a city; siblings go together
        sib = kids[p.household[kids] == h]
        pool = adults[p.origin[adults] == p.origin[sib[0]]]
        pool = pool if len(pool) else adults
        pop.move(sib, np.full(len(sib), p.household[pool[rng.integers(len(pool))]], np.int64))
    return len(kids)
