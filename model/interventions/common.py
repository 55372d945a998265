"""Helpers shared by several interventions: drawing participants, one-to-one pairs, remembered
information."""

from __future__ import annotations

import numpy as np

from model.state import MAJORITY, MEMBER, VOLUNTEER

HOURS_PER_MONTH_PER_WEEKLY_HOUR = 52 / 12


def draw(rng, candidates: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Up to ``k`` distinct candidates drawn with probability proportional to ``weights``."""
    candidates = np.asarray(candidates, np.int64)
    w = np.asarray(weights, np.float64)
    ok = w > 0
    candidates, w = candidates[ok], w[ok]
    k = int(min(k, len(candidates)))
    if k <= 0:
        return np.empty(0, np.int64)
    return rng.choice(candidates, k, replace=False, p=w / w.sum())


def quota(rng, per_year: float) -> int:
    """Whole number of places to fill this month for ``per_year`` a year (random rounding)."""
    x = per_year / 12.0
    return int(x) + int(rng.random() < x - int(x))


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

    def form(self, model, mentees: np.ndarray, kinds: tuple[int, ...] | None, months: int,
             match_quality: float, mentor_background_majority: bool = True) -> int:
        """Match each of ``mentees`` to a free mentor in their municipality; returns pairs formed."""
        p, rng = model.people, model.rng
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
            # volunteers come forward before plain members
            w = 1.0 + 2.0 * (p.mem_role[pool].max(axis=1) >= VOLUNTEER)
            mentors = draw(rng, pool, w, k)
            self.mentor = np.concatenate([self.mentor, mentors])
            self.mentee = np.concatenate([self.mentee, want[:k]])
            self.until = np.concatenate([self.until, np.full(k, model.month + months)])
            self.quality = np.concatenate([self.quality, np.clip(match_quality + rng.normal(0, 0.1, k), 0, 1)])
            self.since = np.concatenate([self.since, np.full(k, model.month)])
            busy[mentors] = True
            busy[want[:k]] = True
            self.ever[want[:k]] = True
            formed += k
        return formed

    def end(self, model, break_rate: float) -> None:
        """Pairs whose time is up or that broke down end (pairs whose member died or emigrated
        ended already, in :meth:`keep`)."""
        broke = model.rng.random(len(self)) < break_rate * (1.0 - self.quality)
        keep = (self.until > model.month) & ~broke
        for name in ("mentor", "mentee", "until", "quality", "since"):
            setattr(self, name, getattr(self, name)[keep])

    def clear(self) -> None:
        """End all pairs (the programme stops); who has had a pair is remembered."""
        ever = self.ever
        self.__init__(self.n)
        self.ever = ever
