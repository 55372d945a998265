"""The initial population's skeleton – age, sex, background, origin, household, partner, residence
– settled by the same life-course and migration rules the model runs, before any trait is drawn.

1. Ages of the majority and the descendants are drawn from the life table's stationary age
   distribution (its survivorship), so births that replace deaths keep them where they are.
2. Immigrants arrive as households (:func:`model.demography.migration.arrive`), then their
   residence is drawn from the steady state of their group's emigration hazard and added to their
   age (they arrived that long ago).
3. Children are placed with a mother of their group; adults start on their own.
4. A spin-up runs the life course (yearly steps, then a year of monthly steps) so that couples,
   children at home and young adults who left home are those the rules produce.
5. Above ``demography.spin_up_persons`` the caller settles a sample and :func:`replicate` copies it
   (``model.population.settled_skeleton``).

Randomness: the initial drawing (steps 1–3, except the immigrants' households) uses the builder's
generator; the arrivals and the spin-up draw from the skeleton's own keyed streams
(:mod:`model.streams`, seeded from that generator), each step of the life course as a month of its
own far below the model's months (:data:`SPIN_UP_MONTH`). The persons drawn first are keyed by their uid;
those born or arrived later by the keys their event derives.

Everything is array code; the spin-up's cost grows linearly with the population.
"""

from __future__ import annotations

import numpy as np

from model.demography.life_course import ADULT, NO_PARTNER, new_keys
from model.demography.society import Demography
from model.state import DESCENDANT, FEMALE, IMMIGRANT, MAJORITY, Columns
from model.streams import Streams

SKELETON = ("uid", "key", "household", "background", "origin", "sex", "age", "years_in_norway", "reason", "partner")
DTYPES = dict(uid=np.int64, key=np.int64, household=np.int64, background=np.int8, origin=np.int16, sex=np.int8,
              age=np.float32, years_in_norway=np.float32, reason=np.int8, partner=np.int64)
# the stream month of the skeleton's first life-course step (step i draws at SPIN_UP_MONTH + i, the
# initial immigrants' arrival before it at SPIN_UP_MONTH - 1): far below any month of the model's burn-in
SPIN_UP_MONTH = -10**6


class Skeleton:
    """A bare population store that implements :class:`model.demography.life_course.Population`.
    ``rng`` draws the initial population; the life course draws from ``streams``, seeded from it."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.streams = Streams(int(rng.integers(2**62)))
        self.streams.month = SPIN_UP_MONTH - 1
        self.people = Columns(**{k: np.empty(0, DTYPES[k]) for k in SKELETON})
        self.n_households = 0
        self.next_uid = 0

    def begin_step(self) -> None:
        """Each step of the life course draws as a month of its own."""
        self.streams.month += 1

    def remove(self, rows: np.ndarray) -> None:
        keep = np.ones(len(self.people), bool)
        keep[rows] = False
        self.people.keep(keep)

    def add(self, cols: dict[str, np.ndarray]) -> np.ndarray:
        """New persons; those without a ``key`` (the initial drawing) are keyed by their uid."""
        n = len(cols["age"])
        uid = np.arange(self.next_uid, self.next_uid + n)
        cols = dict(cols, uid=uid, key=cols.get("key", uid))
        self.next_uid += n
        return self.people.extend(**cols)

    def move(self, rows: np.ndarray, households: np.ndarray) -> None:
        self.people.household[rows] = households

    def new_households(self, near: np.ndarray, keys: np.ndarray | None = None,
                       origin: np.ndarray | None = None) -> np.ndarray:
        ids = np.arange(self.n_households, self.n_households + len(near))
        self.n_households += len(near)
        return ids


def stationary_ages(rng, q_death: np.ndarray, sex: np.ndarray) -> np.ndarray:
    """Ages drawn from the stationary population of the life table (survivorship l(x))."""
    out = np.empty(len(sex), np.float32)
    for s in (0, 1):
        q = q_death[s]
        lx = np.concatenate([[1.0], np.cumprod(1 - q)[:-1]])
        sel = np.flatnonzero(sex == s)
        out[sel] = rng.choice(len(lx), len(sel), p=lx / lx.sum()) + rng.random(len(sel))
    return out


def build_skeleton(rng, demo: Demography, n_majority: int, n_descendant: int, imm_weights: np.ndarray,
                   n_immigrants: int, spin_up_years: int) -> Skeleton:
    """A settled skeleton with these sizes (the demography's targets)."""
    sk = Skeleton(rng)
    _natives(sk, demo, n_majority, MAJORITY, np.zeros(n_majority, np.int64))
    desc_origin = rng.choice(len(imm_weights), n_descendant, p=imm_weights) if n_descendant else np.empty(0, np.int64)
    _natives(sk, demo, n_descendant, DESCENDANT, desc_origin)
    _immigrants(sk, demo, n_immigrants * imm_weights)
    _place_children(sk)
    for year in range(spin_up_years):   # yearly steps, then a year of monthly ones
        monthly = year >= spin_up_years - 1
        for _ in range(12 if monthly else 1):
            demo.advance(sk, lambda: sk.n_households, 1 / 12 if monthly else 1.0)
    return sk


def replicate(sk: Skeleton, copies: int) -> Skeleton:
    """``copies`` copies of a settled skeleton in one (the first is ``sk`` itself): households,
    uids and partners shifted per copy, and each later copy's persons keyed anew from their key and
    the copy (:func:`model.streams.derive`), so every draw after the skeleton – places, traits, the
    burn-in – treats them as the different persons they are."""
    if copies <= 1:
        return sk
    p, n = sk.people, len(sk.people)
    c = np.repeat(np.arange(copies, dtype=np.int64), n)
    cols = {k: np.tile(getattr(p, k), copies) for k in SKELETON}
    cols["household"] = cols["household"] + c * sk.n_households
    cols["uid"] = copied_uids(p.uid, copies, sk.next_uid)
    cols["partner"] = np.where(cols["partner"] == NO_PARTNER, NO_PARTNER, copied_uids(p.partner, copies, sk.next_uid))
    later = c > 0
    cols["key"][later] = new_keys("replica", cols["key"][later], c[later])
    out = Skeleton.__new__(Skeleton)   # not __init__: it would draw a new stream seed from rng
    out.rng, out.streams = sk.rng, sk.streams
    out.people = Columns(**cols)
    out.n_households, out.next_uid = sk.n_households * copies, sk.next_uid * copies
    return out


def copied_uids(uids: np.ndarray, copies: int, next_uid: int) -> np.ndarray:
    """The uids ``uids`` take in each of :func:`replicate`'s copies, copy by copy."""
    return np.tile(uids, copies) + np.repeat(np.arange(copies, dtype=np.int64), len(uids)) * next_uid


def _natives(sk: Skeleton, demo: Demography, n: int, background: int, origin: np.ndarray) -> None:
    rng = sk.rng
    sex = rng.integers(0, 2, n)
    age = stationary_ages(rng, demo.rates.q_death, sex)
    sk.add(dict(household=sk.new_households(np.full(n, -1)), background=np.full(n, background), origin=origin,
                sex=sex, age=age, years_in_norway=age, reason=np.zeros(n), partner=np.full(n, NO_PARTNER)))


def _immigrants(sk: Skeleton, demo: Demography, per_group: np.ndarray) -> None:
    """Each group's households, arrived long enough ago for the steady state of its emigration."""
    from model.demography.migration import arrive

    need = np.round(per_group)
    groups = np.flatnonzero(need > 0)
    rows = arrive(sk, demo.origins, demo.rates.tfr, np.repeat(groups, need[groups].astype(np.int64)), need=need)
    p = sk.people
    hh, inv = np.unique(p.household[rows], return_inverse=True)
    first = rows[np.unique(inv, return_index=True)[1]]
    rate = np.maximum(demo.rates.emigration[p.origin[first]], 1e-3)
    years = sk.rng.exponential(1.0 / rate)
    oldest = np.zeros(len(hh))
    np.maximum.at(oldest, inv, p.age[rows])
    years = np.minimum(years, np.maximum(90 - oldest, 0))[inv]
    p.age[rows] += years.astype(np.float32)
    p.years_in_norway[rows] += years.astype(np.float32)


def _place_children(sk: Skeleton) -> None:
    """Majority and descendant children (under 18) move in with a woman of their group (origin
    for descendants) who is 20–40 years older; adults stay on their own until the spin-up pairs them."""
    p, rng = sk.people, sk.rng
    kids = np.flatnonzero((p.age < ADULT) & (p.background != IMMIGRANT))
    moms = np.flatnonzero((p.sex == FEMALE) & (p.age >= 20) & (p.background != IMMIGRANT) & (p.partner == NO_PARTNER))
    if not len(kids) or not len(moms):
        return
    # descendants' mothers are immigrant women of their origin group
    imm_moms = np.flatnonzero((p.sex == FEMALE) & (p.age >= 20) & (p.background == IMMIGRANT))
    for bg, pool in ((MAJORITY, moms[p.background[moms] == MAJORITY]), (DESCENDANT, imm_moms)):
        k = kids[p.background[kids] == bg]
        if not len(k) or not len(pool):
            continue
        key_k = p.origin[k].astype(np.int64) if bg == DESCENDANT else np.zeros(len(k), np.int64)
        key_m = p.origin[pool].astype(np.int64) if bg == DESCENDANT else np.zeros(len(pool), np.int64)
        want = p.age[k] + rng.uniform(20, 40, len(k))
        mother = _nearest_in_group(key_m, p.age[pool], key_k, want)
        ok = mother >= 0
        p.household[k[ok]] = p.household[pool[mother[ok]]]


def _nearest_in_group(key_pool, age_pool, key_want, age_want) -> np.ndarray:
    """For each want, the index into the pool of the member of the same key closest in age (-1 if none)."""
    order = np.lexsort((age_pool, key_pool))
    kp, ap = key_pool[order], age_pool[order]
    out = np.full(len(key_want), -1, np.int64)
    for key in np.unique(key_want):
        lo, hi = np.searchsorted(kp, key), np.searchsorted(kp, key, side="right")
        if lo == hi:
            continue
        sel = np.flatnonzero(key_want == key)
        pos = np.clip(np.searchsorted(ap[lo:hi], age_want[sel]), 0, hi - lo - 1)
        out[sel] = order[lo + pos]
    return out
