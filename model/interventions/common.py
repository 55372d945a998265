"""Helpers shared by several interventions: drawing participants, counts, one-to-one pairs,
remembered information. Every draw comes from the model's keyed streams (:mod:`model.streams`)
under a name the calling intervention gives (``"intervention:<label>.<decision>"``)."""

from __future__ import annotations

import numpy as np
from scipy.stats import binom, poisson as poisson_dist

from model.state import MAJORITY, MEMBER, VOLUNTEER

HOURS_PER_MONTH_PER_WEEKLY_HOUR = 52 / 12


def draw(streams, name: str, candidates: np.ndarray, keys: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Up to ``k`` distinct candidates (in ascending order) drawn with probability proportional to
    ``weights``; ``keys`` are the candidates' stream keys."""
    candidates = np.asarray(candidates, np.int64)
    return np.sort(candidates[streams.weighted_sample(name, keys, weights, k)])


def by_size(streams, name: str, ids: np.ndarray, keys: np.ndarray, sizes: np.ndarray, k: int) -> np.ndarray:
    """``k`` of ``ids`` (sorted), one from each of k equal groups by size (smallest first), the one
    with the lowest uniform of ``name`` in its group: each organisation about as likely to be
    chosen as in a simple random draw (exactly when k divides the number; otherwise the groups of
    the smallest take one more and each of theirs is a little less likely), but every seed gets
    large and small ones alike (stratified sampling). Organisation sizes are heavy-tailed (§5.5), so a simple draw of 30 % let whether
    the few largest clubs took part decide most of the effect."""
    if k <= 0 or not len(ids):
        return np.empty(0, np.int64)
    rank = np.lexsort((keys, sizes))
    u = streams.uniform(name, keys)
    return np.sort(np.array([ids[g[np.argmin(u[g])]] for g in np.array_split(rank, min(k, len(ids)))]))


def quota(streams, name: str, per_year: float) -> int:
    """Whole number of places to fill this month for ``per_year`` a year (random rounding)."""
    x = per_year / 12.0
    return int(x) + int(streams.uniform(name, 0) < x - int(x))


def poisson(streams, name: str, keys: np.ndarray, mean, *salt) -> np.ndarray:
    """A Poisson count with ``mean`` (scalar or per key) for each key (inverse CDF)."""
    return np.maximum(poisson_dist.ppf(streams.uniform(name, keys, *salt), mean), 0).astype(np.int64)


def binomial(streams, name: str, keys: np.ndarray, n, p, *salt) -> np.ndarray:
    """A binomial count of ``n`` trials with chance ``p`` for each key (inverse CDF)."""
    return np.maximum(binom.ppf(streams.uniform(name, keys, *salt), n, p), 0).astype(np.int64)


def slots(counts: np.ndarray) -> np.ndarray:
    """0, 1, … within each run of ``np.repeat(x, counts)`` (the salt of several draws of one key)."""
    counts = np.asarray(counts, np.int64)
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


def meet_random(model, name: str, persons: np.ndarray, counts: np.ndarray, others: np.ndarray) -> None:
    """Each of ``persons`` meets ``counts`` (per person) of ``others``, each drawn uniformly."""
    a = np.repeat(np.asarray(persons, np.int64), counts)
    if len(a) and len(others):
        pick = model.streams.below(name, model.people.key[a], len(others), slots(counts))
        model.levers.meet(a, others[pick])


def volunteers_of(model, kinds: tuple[int, ...] | None, municipality: int | None = None,
                  min_role: int = VOLUNTEER) -> np.ndarray:
    """Adults doing unpaid work (role ≥ ``min_role``) in organisations of the given kinds."""
    R = model.roster()
    sel = R.role >= min_role
    if kinds is not None:
        sel &= np.isin(model.orgs.kind[R.org], kinds)
    if municipality is not None:
        sel &= model.orgs.municipality[R.org] == municipality
    people = np.unique(R.person[sel]).astype(np.int64)
    return people[model.people.age[people] >= 18]


class Pairs:
    """One-to-one pairs (mentor and mentee, refugee guide and newcomer) that meet every month.

    Who can be a mentor: an adult volunteer or member of the given organisation kinds with good
    Norwegian, by default of the majority. Pairs are matched within the municipality. The pair's
    meetings are extra meetings for the tie mechanism with affinity ``1 + 3·match_quality``; pairs
    break early with ``break_rate`` (halved with role training). Each mentee gets one pair; a row
    taken over by a newly arrived household may be paired again. Nothing here is about outcomes:
    ties, information and jobs follow from the mechanisms."""

    def __init__(self, n_persons: int):
        self.mentor = np.empty(0, np.int64)
        self.mentee = np.empty(0, np.int64)
        self.until = np.empty(0, np.int64)
        self.quality = np.empty(0, np.float64)
        self.since = np.empty(0, np.int64)
        self.ever = np.zeros(n_persons, bool)  # mentees who have had a pair (one pair each)
        self.n = n_persons

    def __len__(self) -> int:
        return len(self.mentee)

    def in_pair(self) -> np.ndarray:
        m = np.zeros(self.n, bool)
        m[self.mentee] = True
        m[self.mentor] = True
        return m

    def grow(self, n_persons: int) -> None:
        self.ever = np.concatenate([self.ever, np.zeros(n_persons - len(self.ever), bool)])
        self.n = n_persons

    def keep(self, mask: np.ndarray, remap: np.ndarray) -> None:
        """Persons left: pairs with a partner who is gone end; rows are renumbered."""
        self.ever = self.ever[mask]
        self.n = len(self.ever)
        mentor, mentee = remap[self.mentor], remap[self.mentee]
        stay = (mentor >= 0) & (mentee >= 0)
        self.mentor, self.mentee = mentor[stay], mentee[stay]
        for name in ("until", "quality", "since"):
            setattr(self, name, getattr(self, name)[stay])

    def form(self, model, name: str, mentees: np.ndarray, kinds: tuple[int, ...] | None, months: int,
             match_quality: float, mentor_background_majority: bool = True) -> int:
        """Match each of ``mentees`` to a free mentor in their municipality; returns pairs formed.
        Draws: ``<name>.mentee`` (which mentees come first when mentors are few, and who gets
        whom), ``<name>.mentor`` (which mentors), ``<name>.quality`` (keyed by the mentee)."""
        p, S = model.people, model.streams
        busy = self.in_pair()
        formed = 0
        for m in np.unique(p.municipality[mentees]):
            pool = volunteers_of(model, kinds, int(m), min_role=MEMBER)
            pool = pool[(p.norwegian[pool] >= 0.9) & ~busy[pool]]
            if mentor_background_majority:
                pool = pool[p.background[pool] == MAJORITY]
            want = mentees[(p.municipality[mentees] == m) & ~busy[mentees] & ~self.ever[mentees]]
            k = min(len(pool), len(want))
            if k == 0:
                continue
            want = want[S.order(f"{name}.mentee", p.key[want])][:k]
            # volunteers come forward before plain members
            w = 1.0 + 2.0 * (p.mem_role[pool].max(axis=1) >= VOLUNTEER)
            mentors = draw(S, f"{name}.mentor", pool, p.key[pool], w, k)
            self.mentor = np.concatenate([self.mentor, mentors])
            self.mentee = np.concatenate([self.mentee, want])
            self.until = np.concatenate([self.until, np.full(k, model.month + months)])
            quality = S.normal(f"{name}.quality", p.key[want], match_quality, 0.1)
            self.quality = np.concatenate([self.quality, np.clip(quality, 0, 1)])
            self.since = np.concatenate([self.since, np.full(k, model.month)])
            busy[mentors] = True
            busy[want] = True
            self.ever[want] = True
            formed += k
        return formed

    def end(self, model, name: str, break_rate: float) -> None:
        """Pairs whose time is up or that broke down (stream ``<name>.break``, keyed by the pair)
        end (pairs whose member died or emigrated ended already, in :meth:`keep`)."""
        key = model.people.key
        broke = model.streams.chance(f"{name}.break", key[self.mentee], break_rate * (1.0 - self.quality), key[self.mentor])
        keep = (self.until > model.month) & ~broke
        for col in ("mentor", "mentee", "until", "quality", "since"):
            setattr(self, col, getattr(self, col)[keep])

    def clear(self) -> None:
        """End all pairs (the programme stops); who has had a pair is remembered."""
        ever = self.ever
        self.__init__(self.n)
        self.ever = ever
