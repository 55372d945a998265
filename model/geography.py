"""Places: municipalities, neighbourhoods and workplaces, and where households live.

Neighbourhoods are spread evenly over municipalities. Immigrant-background households settle,
with chance ``population.segregation``, in their municipality's immigrant cluster (the first
:data:`NEIGHBOURHOOD_CLUSTER` of its neighbourhoods; half of them in their origin group's favourite
area there, :data:`FAVOURITE_SHARE` of the cluster), else anywhere in the municipality; the majority
fills the room that is left. The favourite area grows with the cluster, so a group makes up the
same share of its favourite neighbourhoods at any population size: with one favourite
neighbourhood whatever the size, the largest groups filled whole neighbourhoods at 20,000 persons
and more (the immigrant-background share of the most immigrant neighbourhood was 0.38 at 5,000
persons and 0.95 at 20,000; docs/demography.md, Size).
With a geography (``population.geography`` / ``places_file``, :class:`Geography`) the
municipalities are the places of a data file (municipalities or city districts), each with its
population share, immigrant-background share and optional origin mix: households are first given
a place (:func:`assign_places`), then a neighbourhood inside it by the same rules.
A household formed by someone leaving home or separating settles near the old one
(:data:`STAY_NEAR` of them in the same neighbourhood). All assumptions; FACTS §7 describes
neighbourhoods with high immigrant density.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.errors import DugnadError
from model.state import IMMIGRANT, MAJORITY

NEIGHBOURHOOD_CLUSTER = 0.3  # share of each municipality's neighbourhoods that form the immigrant cluster (assumption)
FAVOURITE_SHARE = 0.25       # share of the cluster that is an origin group's favourite area, at least one neighbourhood (assumption)
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
    names: tuple[str, ...] = ()     # per municipality: the place's name (a geography), else empty
    arrival_weight: np.ndarray | None = field(default=None)  # per municipality: where newcomers settle (None: uniform)

    @classmethod
    def create(cls, n_municipalities: int, n_neighbourhoods: int, n_origins: int, segregation: float, rng) -> Places:
        n_nb = max(n_neighbourhoods, n_municipalities)
        return cls(np.arange(n_nb) % n_municipalities, n_municipalities,
                   rng.integers(0, 10**6, n_origins), segregation, np.empty(0, np.int32))

    @classmethod
    def from_geography(cls, geo: Geography, n_neighbourhoods: int, n_origins: int, segregation: float, rng) -> Places:
        """Places of a geography: each place a municipality with its neighbourhoods in a row (place
        order of the file); newcomers settle by the places' immigrant-background populations."""
        counts = geo.neighbourhoods(n_neighbourhoods)
        ib = geo.share * geo.background_share
        w = ib / ib.sum() if ib.sum() > 0 else geo.share
        return cls(np.repeat(np.arange(len(counts)), counts), len(counts), rng.integers(0, 10**6, n_origins),
                   segregation, np.empty(0, np.int32), tuple(geo.places), w)

    def neighbourhoods_of(self, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(neighbourhoods of municipality m, its cluster) for one municipality index."""
        nbs = np.flatnonzero(self.nb_municipality == m)
        return nbs, nbs[: max(1, round(NEIGHBOURHOOD_CLUSTER * len(nbs)))]

    def settle(self, rng, origin: np.ndarray, background: np.ndarray, municipality: np.ndarray | None = None) -> np.ndarray:
        """A neighbourhood for each new immigrant-background or majority household (uniform within
        the municipality for the majority; the cluster rule for others)."""
        n = len(origin)
        if municipality is not None:
            mun = municipality
        elif self.arrival_weight is not None:
            mun = rng.choice(self.n_municipalities, n, p=self.arrival_weight)
        else:
            mun = rng.integers(0, self.n_municipalities, n)
        out = np.empty(n, np.int64)
        for m in np.unique(mun):
            sel = np.flatnonzero(mun == m)
            nbs, cluster = self.neighbourhoods_of(m)
            anywhere = nbs[rng.integers(0, len(nbs), len(sel))]
            u = rng.random(len(sel))
            # the group's favourite neighbourhoods: a run of FAVOURITE_SHARE of the cluster from its own start
            k = max(1, round(FAVOURITE_SHARE * len(cluster)))
            fav = cluster[(self.favourite[origin[sel]] + (2 * u * k).astype(np.int64)) % len(cluster)]
            in_cluster = np.where(u < 0.5, fav, cluster[rng.integers(0, len(cluster), len(sel))])
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
                     hh_size: np.ndarray, mun: np.ndarray | None = None) -> np.ndarray:
    """Neighbourhoods for the initial households: immigrant-background ones by the cluster rule,
    then the majority weighted by the room left (each neighbourhood of a municipality holding about
    as many persons). ``mun``: each household's municipality (a geography); default at random."""
    n_hh = len(hh_background)
    n_nb = len(places.nb_municipality)
    if mun is None:
        mun = rng.integers(0, places.n_municipalities, n_hh)
        room = np.full(n_nb, hh_size.sum() / n_nb)
    else:  # each municipality's persons spread evenly over its neighbourhoods
        per_mun = np.bincount(mun, weights=hh_size, minlength=places.n_municipalities)
        nb_count = np.bincount(places.nb_municipality, minlength=places.n_municipalities)
        room = (per_mun / nb_count)[places.nb_municipality]
    nb = np.full(n_hh, -1, np.int64)
    minority = np.flatnonzero(hh_background != MAJORITY)
    nb[minority] = places.settle(rng, hh_origin[minority], hh_background[minority], mun[minority])
    room = room - np.bincount(nb[minority], weights=hh_size[minority], minlength=n_nb)
    majority = np.flatnonzero(hh_background == MAJORITY)
    for m in range(places.n_municipalities):
        sel = majority[mun[majority] == m]
        nbs, _ = places.neighbourhoods_of(m)
        w = np.maximum(room[nbs], 0.5)
        nb[sel] = nbs[rng.choice(len(nbs), len(sel), p=w / w.sum())]
    return nb


# ----------------------------------------------------------------------------- geographies

BACKGROUND_TOLERANCE = 0.03  # how far the scenario's immigrant + descendant share may be from the geography's


@dataclass(frozen=True)
class Geography:
    """Several municipalities or city districts from a places file (``model/data/places.csv``):
    per place its population share (normalised), immigrant-background share, persons per
    organisation (NaN: the scenario's) and origin mix (None: the scenario's)."""

    name: str
    places: list[str]
    share: np.ndarray
    background_share: np.ndarray
    persons_per_organisation: np.ndarray
    mix: list[dict[str, float] | None]

    @property
    def mean_background_share(self) -> float:
        return float((self.share * self.background_share).sum())

    def neighbourhoods(self, n_neighbourhoods: int) -> np.ndarray:
        """Neighbourhoods per place: the scenario's persons per neighbourhood applied to the place's
        population (its share of ``n_neighbourhoods``), at least one."""
        return np.maximum(1, np.round(n_neighbourhoods * self.share)).astype(np.int64)

    def org_density(self, default: float) -> np.ndarray:
        """Persons per organisation per place (the scenario's ``default`` where the file has none)."""
        return np.where(np.isnan(self.persons_per_organisation), default, self.persons_per_organisation)


def load_geography(pop, groups: list[str] | None = None) -> Geography | None:
    """The geography a scenario's population selects (``geography`` in ``places_file`` or the
    shipped places file), or None for the single-municipality default. A file with one geography
    needs no name. :class:`DugnadError` for an unknown name; the file's own errors are
    :class:`model.data_files.DataFileError`."""
    from model.data_files import load_places

    if pop.geography is None and pop.places_file is None:
        return None
    df = load_places(pop.places_file, groups)
    names = list(dict.fromkeys(df["geography"]))
    name = pop.geography
    if name is None:
        if len(names) != 1:
            raise DugnadError(f"the places file has several geographies; choose one with population.geography: {', '.join(names)}")
        name = names[0]
    if name not in names:
        raise DugnadError(f"unknown geography; allowed: {', '.join(names)}")
    d = df[df["geography"] == name]
    share = d["population_share"].to_numpy(float)
    return Geography(name, list(d["place"]), share / share.sum(), d["immigrant_background_share"].to_numpy(float),
                     d["persons_per_organisation"].to_numpy(float), list(d["mix"]))


def _ipf(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray, iterations: int = 200) -> np.ndarray:
    """Scale ``seed`` (places × origin groups) to the row and column sums (iterative proportional
    fitting); rows and columns with a zero target stay zero."""
    t = seed.copy()
    for _ in range(iterations):
        r = t.sum(axis=1)
        t *= np.divide(rows, r, out=np.zeros_like(r), where=r > 0)[:, None]
        c = t.sum(axis=0)
        t *= np.divide(cols, c, out=np.zeros_like(c), where=c > 0)[None, :]
    return t


def _fill(rng, members: np.ndarray, weight: np.ndarray, quota: np.ndarray) -> np.ndarray:
    """A place for each household of ``members``: in random order, the households fill the places'
    ``quota`` (of ``weight``, indexed by household) in turn, so each place gets its quota to within
    one household. Returned in the order of ``members``."""
    perm = rng.permutation(len(members))
    w = weight[members[perm]]
    mid = np.cumsum(w) - w / 2
    edges = np.cumsum(quota) / max(quota.sum(), 1e-12) * w.sum()
    out = np.empty(len(members), np.int64)
    out[perm] = np.minimum(np.searchsorted(edges, mid, side="right"), len(quota) - 1)
    return out


def assign_places(geo: Geography, rng, hh_background: np.ndarray, hh_origin: np.ndarray, hh_size: np.ndarray,
                  hh_minority_persons: np.ndarray, national_mix: np.ndarray, groups: list[str]) -> np.ndarray:
    """A place for each initial household, so that each place gets its population share and its
    immigrant-background share, and (where the file gives one) its origin mix.

    Immigrant- and descendant-headed households are placed first, origin group by origin group,
    into quotas fitted (IPF) to the places' immigrant-background persons and the groups' sizes
    (seed: the place's origin mix, else ``national_mix``, both per origin row named in ``groups``); the immigrant-background members of
    majority-headed households (partners) are counted in advance. Majority households then fill
    each place's remaining room. Array code: one pass per origin group."""
    n_places = len(geo.places)
    total = hh_size.sum()
    target = total * geo.share
    minority = hh_background != MAJORITY
    ib_total = hh_minority_persons.sum()
    ib_target = target * geo.background_share
    if ib_target.sum() > 0:
        ib_target = np.minimum(ib_target * ib_total / ib_target.sum(), target)
    # immigrant-background persons living in majority-headed households land with the majority
    in_majority_hh = hh_minority_persons[~minority].sum()
    maj_room = np.maximum(target - ib_target, 0)
    rows = np.maximum(ib_target - in_majority_hh * maj_room / max(maj_room.sum(), 1e-12), 0)
    n_origins = len(national_mix)
    cols = np.bincount(hh_origin[minority], weights=hh_minority_persons[minority], minlength=n_origins).astype(float)
    seed = np.tile(national_mix, (n_places, 1)) + 1e-9
    for i, m in enumerate(geo.mix):
        if m:
            seed[i] = 1e-3 * national_mix + 1e-9
            for g, w in m.items():
                seed[i, groups.index(g)] += w / sum(m.values())
    quota = _ipf(seed, rows, cols)
    place = np.zeros(len(hh_background), np.int64)
    for g in np.flatnonzero(cols > 0):
        members = np.flatnonzero(minority & (hh_origin == g))
        place[members] = _fill(rng, members, hh_minority_persons.astype(float), quota[:, g])
    placed = np.bincount(place[minority], weights=hh_size[minority], minlength=n_places)
    majority = np.flatnonzero(~minority)
    room = np.maximum(target - placed, 0)
    if room.sum() <= 0:
        room = geo.share.copy()
    place[majority] = _fill(rng, majority, hh_size.astype(float), room)
    return place


# ----------------------------------------------------------------------------- workplaces

@dataclass
class Workplaces:
    municipality: np.ndarray   # per workplace
    niche: np.ndarray          # per workplace: an immigrant-heavy niche workplace

    @classmethod
    def create(cls, n_employed: int, workplace_size: float, n_municipalities: int, rng,
               weights: np.ndarray | None = None) -> Workplaces:
        """About ``n_employed / workplace_size`` workplaces, spread evenly over the municipalities
        or, with ``weights`` (a geography: employed persons per place), in proportion to them (at
        least one per place)."""
        n = max(1, int(n_employed / workplace_size))
        if weights is None:
            mun = np.arange(n) % n_municipalities
        else:
            w = np.asarray(weights, float)
            w = w / w.sum() if w.sum() > 0 else np.full(n_municipalities, 1 / n_municipalities)
            mun = np.repeat(np.arange(n_municipalities), np.maximum(1, np.round(n * w)).astype(np.int64))
            n = len(mun)
        niche = np.zeros(n, bool)
        niche[rng.permutation(n)[: max(1, n // 5)]] = True
        return cls(mun.astype(np.int32), niche)

    def __len__(self) -> int:
        return len(self.municipality)

    def assign(self, p, persons: np.ndarray, segregation: float, u: np.ndarray) -> None:
        """Give each of ``persons`` a workplace in their municipality; immigrants with chance
        ``segregation`` land in an immigrant-heavy niche workplace (assumption). ``u``: two
        uniforms per person (niche or not, which workplace), so a person's workplace depends on
        their own draws only."""
        if not len(persons):
            return
        niche_pref = (p.background[persons] == IMMIGRANT) & (u[:, 0] < segregation)
        wps = np.empty(len(persons), np.int32)
        for m in np.unique(p.municipality[persons]):
            in_m = p.municipality[persons] == m
            all_wp = np.flatnonzero(self.municipality == m)
            if not len(all_wp):
                all_wp = np.arange(len(self))
            niche_wp = all_wp[self.niche[all_wp]]
            if not len(niche_wp):
                niche_wp = all_wp
            for sel, options in ((in_m & niche_pref, niche_wp), (in_m & ~niche_pref, all_wp)):
                wps[sel] = options[np.minimum((u[sel, 1] * len(options)).astype(np.int64), len(options) - 1)]
        p.workplace[persons] = wps
