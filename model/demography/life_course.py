"""The life course, one step at a time: ageing, deaths, births, leaving home, couples, separations.

Every function works on a :class:`Population` – the model's stores while it runs, or the light
skeleton the builder settles before any trait is drawn – so the initial population and the running
model follow the same rules. Rates are indicative and named where they are set
(``model/data/life_table.csv``, ``fertility.csv``; the rest in ``DemographyParams``).

Statistics Norway's categories decide a newborn's background: a child of an immigrant mother and
an immigrant (or absent) father is *Norwegian-born to immigrant parents* (a descendant); every
other child born in Norway belongs to the rest of the population (background "majority"). A child
keeps the mother's origin group for ties and organisations unless the father is of the majority.

Randomness: every draw comes from the population's named streams (:mod:`model.streams`), keyed by
the key of the person who faces the decision (``people.key``) – whether someone dies, leaves home,
seeks a partner or separates this month does not depend on who else exists (who is matched with
whom, and which of the women give birth, does: the others are the competition). A newborn's key is
derived from the mother's key and the month (:func:`new_keys`), so a birth shifts nobody else's.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from model.demography.rates import Rates
from model.state import DESCENDANT, FEMALE, IMMIGRANT, MAJORITY
from model.streams import Streams, derive

ADULT = 18
NO_PARTNER = -1


class Population(Protocol):
    """What the life course needs of a population store. ``new_households(near, keys, origin)``:
    one new household per entry, near the household ``near`` (or -1: settled as newcomers of
    ``origin``), ``keys`` the keys of the persons each is formed around (for its draws).
    ``begin_step()``: a step begins; a store that keeps its own clock (the skeleton) moves its
    streams to a new month, the model's store leaves that to the model."""

    people: object    # columns: uid, key, household, background, origin, sex, age, years_in_norway, reason, partner
    streams: Streams  # keyed random streams; ``streams.month`` is the step's month

    def begin_step(self) -> None: ...
    def remove(self, rows: np.ndarray) -> None: ...
    def add(self, cols: dict[str, np.ndarray]) -> np.ndarray: ...   # cols include each new person's key
    def move(self, rows: np.ndarray, households: np.ndarray) -> None: ...
    def new_households(self, near: np.ndarray, keys: np.ndarray, origin: np.ndarray | None = None) -> np.ndarray: ...


def new_keys(tag: str, *parts) -> np.ndarray:
    """Keys (int64, like ``people.key``) for new persons, derived from what made them
    (:func:`model.streams.derive`), e.g. ``new_keys("birth", mother_key, month)``."""
    return derive(tag, *parts).view(np.int64)


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
    dead = np.flatnonzero(pop.streams.uniform("demography.death", p.key) < rates.monthly_death(p.age, p.sex, dt))
    widowed = rows_of(p, p.partner[dead])
    p.partner[widowed[widowed >= 0]] = NO_PARTNER
    return dead


def births(pop: Population, rates: Rates, n_majority: int, n_descendant: int, dt: float) -> np.ndarray:
    """``n_descendant`` children born to immigrant mothers with an immigrant or no partner, and
    ``n_majority`` to all other mothers, each drawn among women by the group's fertility and the
    age schedule (:meth:`Rates.fertility_weight`; women without a partner at a fifth of the weight,
    an assumption). The level is set by the caller (replacement, see :mod:`.migration`); fertility
    decides who gives birth: mothers are drawn by their keys (:meth:`Streams.weighted_sample`), and
    each newborn's key comes from the mother's key and the month. Returns the new rows."""
    p, streams = pop.people, pop.streams
    women = np.flatnonzero((p.sex == FEMALE) & (p.age >= 15) & (p.age < 50))
    partner = rows_of(p, p.partner[women])
    w = rates.fertility_weight(p.age[women], np.where(p.background[women] == IMMIGRANT, p.origin[women], 0))
    w = w * np.where(partner >= 0, 1.0, 0.2)
    father_bg = np.where(partner >= 0, p.background[np.maximum(partner, 0)], IMMIGRANT)
    desc_pool = (p.background[women] == IMMIGRANT) & (father_bg == IMMIGRANT)
    mothers = np.concatenate([
        women[pool][streams.weighted_sample("demography.mother", p.key[women[pool]], w[pool], k)]
        for pool, k in ((desc_pool, n_descendant), (~desc_pool, n_majority))])
    if not len(mothers):
        return mothers
    fathers = rows_of(p, p.partner[mothers])
    fb = np.where(fathers >= 0, p.background[np.maximum(fathers, 0)], IMMIGRANT)
    descendant = (p.background[mothers] == IMMIGRANT) & (fb == IMMIGRANT)
    origin = np.where(fb == MAJORITY, 0, p.origin[mothers])
    n = len(mothers)
    key = new_keys("birth", p.key[mothers], streams.month)
    born = (streams.uniform("demography.birth_time", key) * dt).astype(np.float32)
    return pop.add(dict(
        key=key, household=p.household[mothers], background=np.where(descendant, DESCENDANT, MAJORITY),
        origin=origin, sex=streams.below("demography.newborn_sex", key, 2), age=born, years_in_norway=born,
        reason=np.zeros(n), partner=np.full(n, NO_PARTNER)))


def leave_home(pop: Population, hazard: float, min_age: float, dt: float) -> np.ndarray:
    """Young adults living with their parents move out to a household of their own, near the
    parents, with yearly ``hazard`` from ``min_age`` (Norwegians leave home early: about half by
    20–21; SSB/Eurostat order of magnitude). Returns the rows who moved."""
    p = pop.people
    who = np.flatnonzero(lives_with_parents(p) & (p.age >= min_age))
    who = who[pop.streams.chance("demography.leave_home", p.key[who], 1 - np.exp(-hazard * dt))]
    if len(who):
        pop.move(who, pop.new_households(p.household[who], p.key[who]))
    return who


def couples(pop: Population, hazard: float, homogamy: float, dt: float) -> int:
    """Single adults from 20 to 65 look for a partner with yearly ``hazard``. A seeker finds the
    single of the other sex nearest in age in their pool (age plus noise, women counted 2 years
    older: women partner men about 2 years older): their origin group (immigrants and descendants
    with chance ``homogamy``, an assumption in line with SSB's marriage statistics) or the open pool.
    Every single of the pool can be found, not only this month's other seekers, so a seeker's chance
    does not depend on how many others seek in the same month – nor on the population's size. (Pairing
    seekers only with each other matched min(men, women) of a pool a month and sent the rest away:
    fewer couples in small towns and small origin groups.) A single thus partners at about twice
    ``hazard`` a year: by seeking, or by being found. The couple settles in the woman's household if
    she lives on her own, else in the man's if he does, else in a new one; a partner who lives on
    their own brings their whole household. Returns the number of couples formed."""
    p, streams = pop.people, pop.streams
    single = np.flatnonzero((p.partner == NO_PARTNER) & (p.age >= 20) & (p.age < 65))
    keys = p.key[single]
    seeks = streams.chance("demography.partner_seek", keys, 1 - np.exp(-hazard * dt))
    if not seeks.any():
        return 0
    within = (p.background[single] != MAJORITY) & streams.chance("demography.homogamy", keys, homogamy)
    pool = np.where(within, p.origin[single].astype(np.int64) + 1, 0)
    female = p.sex[single] == FEMALE
    noisy_age = p.age[single] + streams.normal("demography.partner_age", keys, 0.0, 3.0) + 2.0 * female
    found = _find_partners(seeks, pool, female, noisy_age, streams.uniform("demography.partner_turn", keys))
    men = single[~female & (found >= 0)]
    women = single[found[~female & (found >= 0)]]
    if not len(men):
        return 0
    at_home = lives_with_parents(p)
    p.partner[men], p.partner[women] = p.uid[women], p.uid[men]
    her_home = ~at_home[women]
    his_home = ~her_home & ~at_home[men]
    new = ~her_home & ~his_home
    target = np.where(her_home, p.household[women], p.household[men])
    if new.any():
        target[new] = pop.new_households(p.household[women[new]], p.key[women[new]])
    mover = np.where(her_home, men, women)
    _move_with_household(pop, mover, target, ~at_home[mover])
    stay = np.where(her_home, women, men)
    pop.move(stay[new], target[new])
    return len(men)


def _find_partners(seeks, pool, female, noisy_age, turn, rounds: int = 3) -> np.ndarray:
    """For singles (positions 0..n-1): each seeker takes the free single of the other sex in their
    ``pool`` nearest in ``noisy_age``; men's seekers choose first, then women's, ``rounds`` times;
    where several want the same single, the lowest ``turn`` wins and the others try again in the
    next round (after the last they wait for another month). Returns each single's partner's
    position, -1 for none."""
    n = len(pool)
    partner = np.full(n, -1, np.int64)
    at = np.arange(n)
    place = pool * 1000.0 + noisy_age      # pools apart; ages are far below 1000
    for _ in range(rounds):
        for sex in (False, True):
            free = partner < 0
            who = at[seeks & free & (female == sex)]
            cand = at[free & (female != sex)]
            if not len(who) or not len(cand):
                continue
            pick = _nearest(place, pool, who, cand)
            who, pick = who[pick >= 0], pick[pick >= 0]
            if not len(who):
                continue
            order = np.lexsort((turn[who], pick))
            first = np.r_[True, pick[order][1:] != pick[order][:-1]]
            who, pick = who[order][first], pick[order][first]
            partner[who], partner[pick] = pick, who
    return partner


def _nearest(place, pool, who, cand) -> np.ndarray:
    """For each of ``who``, the one of ``cand`` in the same pool nearest in ``place``; -1 if none."""
    cand = cand[np.argsort(place[cand], kind="stable")]
    i = np.searchsorted(place[cand], place[who])
    lo, hi = cand[np.maximum(i - 1, 0)], cand[np.minimum(i, len(cand) - 1)]
    ok_lo = (i > 0) & (pool[lo] == pool[who])
    ok_hi = (i < len(cand)) & (pool[hi] == pool[who])
    hi_nearer = ok_hi & (~ok_lo | (place[hi] - place[who] < place[who] - place[lo]))
    return np.where(hi_nearer, hi, np.where(ok_lo, lo, -1))


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
    """Couples separate with yearly ``hazard`` (assumption, SSB order of magnitude; drawn by the
    man's key); the man moves out to a household of his own nearby and the children stay with the
    mother."""
    p = pop.people
    men = np.flatnonzero((p.partner != NO_PARTNER) & (p.sex != FEMALE))
    men = men[pop.streams.chance("demography.separation", p.key[men], 1 - np.exp(-hazard * dt))]
    if not len(men):
        return 0
    women = rows_of(p, p.partner[men])
    p.partner[men] = NO_PARTNER
    p.partner[women[women >= 0]] = NO_PARTNER
    pop.move(men, pop.new_households(p.household[men], p.key[men]))
    return len(men)


def orphans(pop: Population, n_households: int) -> int:
    """Children left in a household without adults move to a household with an adult of their
    origin group (relatives or foster care; assumption), else to any household with an adult
    (drawn by the key of the sibling first in row order)."""
    p = pop.people
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
        pick = pop.streams.below("demography.foster_home", p.key[sib[:1]], len(pool))[0]
        pop.move(sib, np.full(len(sib), p.household[pool[pick]], np.int64))
    return len(kids)
