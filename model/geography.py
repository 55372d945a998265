"""Places: municipalities, neighbourhoods and workplaces, and where households live.

Neighbourhoods are spread evenly over municipalities. Immigrant-background households settle,
with chance ``population.segregation``, in their municipality's immigrant cluster (the first
:data:`NEIGHBOURHOOD_CLUSTER` of its neighbourhoods; half of them in their origin group's favourite
neighbourhood there), else anywhere in the municipality; the majority fills the room that is left.
A household formed by someone leaving home or separating settles near the old one
(:data:`STAY_NEAR` of them in the same neighbourhood). All assumptions; FACTS §7 describes
neighbourhoods with high immigrant density.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.state import IMMIGRANT, MAJORITY

NEIGHBOURHOOD_CLUSTER = 0.3  # share of each municipality's neighbourhoods that form the immigrant cluster (assumption)
STAY_NEAR = 0.7              # chance a new household stays in the old one's neighbourhood (assumption)


@dataclass
class Places:
    """The map: which municipality each neighbourhood is in, each origin group's favourite
    neighbourhood in the cluster, the residential segregation and where each household lives."""

    nb_municipality: np.ndarray     # per neighbourhood
    n_municipalities: int
    favourite: np.ndarray           # per origin row: an index into a municipality's cluster
    segregation: float
    hh_neighbourhood: np.ndarray    # per household

    @classmethod
    def create(cls, n_municipalities: int, n_neighbourhoods: int, n_origins: int, segregation: float, rng) -> Places:
        n_nb = max(n_neighbourhoods, n_municipalities)
        return cls(np.arange(n_nb) % n_municipalities, n_municipalities,
                   rng.integers(0, 10**6, n_origins), segregation, np.empty(0, np.int32))

    def neighbourhoods_of(self, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(neighbourhoods of municipality m, its cluster) for one municipality index."""
        nbs = np.flatnonzero(self.nb_municipality == m)
        return nbs, nbs[: max(1, round(NEIGHBOURHOOD_CLUSTER * len(nbs)))]

    def settle(self, rng, origin: np.ndarray, background: np.ndarray, municipality: np.ndarray | None = None) -> np.ndarray:
        """A neighbourhood for each new immigrant-background or majority household (uniform within
        the municipality for the majority; the cluster rule for others)."""
        n = len(origin)
        mun = rng.integers(0, self.n_municipalities, n) if municipality is None else municipality
        out = np.empty(n, np.int64)
        for m in np.unique(mun):
            sel = np.flatnonzero(mun == m)
            nbs, cluster = self.neighbourhoods_of(m)
            anywhere = nbs[rng.integers(0, len(nbs), len(sel))]
            fav = cluster[self.favourite[origin[sel]] % len(cluster)]
            in_cluster = np.where(rng.random(len(sel)) < 0.5, fav, cluster[rng.integers(0, len(cluster), len(sel))])
            seg = (background[sel] != MAJORITY) & (rng.random(len(sel)) < self.segregation)
            out[sel] = np.where(seg, in_cluster, anywhere)
        return out

    def near(self, rng, households: np.ndarray) -> np.ndarray:
        """A neighbourhood for a household formed out of each of ``households``."""
        home = self.hh_neighbourhood[households]
        mun = self.nb_municipality[home]
        out = home.astype(np.int64).copy()
        move = np.flatnonzero(rng.random(len(home)) >= STAY_NEAR)
        for m in np.unique(mun[move]):
            sel = move[mun[move] == m]
            nbs, _ = self.neighbourhoods_of(m)
            out[sel] = nbs[rng.integers(0, len(nbs), len(sel))]
        return out

    def add_households(self, neighbourhoods: np.ndarray) -> np.ndarray:
        """Register new households living in ``neighbourhoods``; returns their ids."""
        first = len(self.hh_neighbourhood)
        self.hh_neighbourhood = np.concatenate([self.hh_neighbourhood, np.asarray(neighbourhoods, np.int32)])
        return np.arange(first, len(self.hh_neighbourhood))


def place_households(places: Places, rng, hh_background: np.ndarray, hh_origin: np.ndarray,
                     hh_size: np.ndarray) -> np.ndarray:
    """Neighbourhoods for the initial households: immigrant-background ones by the cluster rule,
    then the majority weighted by the room left (each neighbourhood holding about as many persons)."""
    n_hh = len(hh_background)
    n_nb = len(places.nb_municipality)
    mun = rng.integers(0, places.n_municipalities, n_hh)
    nb = np.full(n_hh, -1, np.int64)
    minority = np.flatnonzero(hh_background != MAJORITY)
    nb[minority] = places.settle(rng, hh_origin[minority], hh_background[minority], mun[minority])
    room = np.full(n_nb, hh_size.sum() / n_nb) - np.bincount(nb[minority], weights=hh_size[minority], minlength=n_nb)
    majority = np.flatnonzero(hh_background == MAJORITY)
    for m in range(places.n_municipalities):
        sel = majority[mun[majority] == m]
        nbs, _ = places.neighbourhoods_of(m)
        w = np.maximum(room[nbs], 0.5)
        nb[sel] = nbs[rng.choice(len(nbs), len(sel), p=w / w.sum())]
    return nb


# ----------------------------------------------------------------------------- workplaces

@dataclass
class Workplaces:
    municipality: np.ndarray   # per workplace
    niche: np.ndarray          # per workplace: an immigrant-heavy niche workplace

    @classmethod
    def create(cls, n_employed: int, workplace_size: float, n_municipalities: int, rng) -> Workplaces:
        n = max(1, int(n_employed / workplace_size))
        niche = np.zeros(n, bool)
        niche[rng.permutation(n)[: max(1, n // 5)]] = True
        return cls((np.arange(n) % n_municipalities).astype(np.int32), niche)

    def __len__(self) -> int:
        return len(self.municipality)

    def assign(self, p, persons: np.ndarray, segregation: float, rng) -> None:
        """Give each of ``persons`` a workplace in their municipality; immigrants with chance
        ``segregation`` land in an immigrant-heavy niche workplace (assumption)."""
        if not len(persons):
            return
        niche_pref = (p.background[persons] == IMMIGRANT) & (rng.random(len(persons)) < segregation)
        wps = np.empty(len(persons), np.int32)
        for m in np.unique(p.municipality[persons]):
            in_m = p.municipality[persons] == m
            all_wp = np.flatnonzero(self.municipality == m)
            if not len(all_wp):
                all_wp = np.arange(len(self))
            niche_wp = all_wp[self.niche[all_wp]]
            if not len(niche_wp):
                niche_wp = all_wp
            sel = in_m & niche_pref
            wps[sel] = niche_wp[rng.integers(0, len(niche_wp), int(sel.sum()))]
            sel = in_m & ~niche_pref
            wps[sel] = all_wp[rng.integers(0, len(all_wp), int(sel.sum()))]
        p.workplace[persons] = wps
