"""The synthetic population: persons in households and neighbourhoods, municipalities, workplaces
and voluntary organisations, built with array operations.

The order: the demographic skeleton (:mod:`model.demography.skeleton`: ages, households,
couples, immigrants' residence, settled by the life-course rules), places
(:mod:`model.geography`), traits (:mod:`model.traits`), workplaces, the organisation landscape
(:mod:`model.organisations`) and a few initial ties. Sources: FACTS §6 (scale, immigrant and
descendant shares), ``origin_groups.csv`` and the demographic data files (indicative).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model import traits
from model.data_files import load_organisation_kinds, load_origin_groups
from model.demography.rates import load_rates
from model.demography.skeleton import Skeleton, build_skeleton, copied_uids, replicate
from model.demography.society import Demography
from model.errors import DugnadError
from model.geography import Geography, Places, Workplaces, assign_places, load_geography, place_households
from model.network import TieStore
from model.organisations import build_orgs, found_boards
from model.state import IMMIGRANT, MAJORITY, Orgs, People

if TYPE_CHECKING:
    from model.scenario import Scenario


@dataclass
class World:
    people: People
    orgs: Orgs
    ties: TieStore
    origins: pd.DataFrame          # row 0 = majority
    kinds: pd.DataFrame            # organisation kind profiles
    places: Places
    workplaces: Workplaces
    demography: Demography
    next_uid: int                  # the uid the next new person gets


def origin_weights(pop, origins: pd.DataFrame) -> np.ndarray:
    """Each origin row's share of the immigrants (row 0, the majority, gets 0)."""
    if pop.origin_mix is not None:
        unknown = [k for k in pop.origin_mix if k not in set(origins["group"])]
        if unknown:
            raise DugnadError(f"population.origin_mix: unknown origin group(s) {', '.join(unknown)}; "
                              f"allowed: {', '.join(origins['group'][1:])}")
        w = np.array([pop.origin_mix.get(g, 0.0) for g in origins["group"][1:]], float)
    else:
        w = origins["share_of_immigrants"].to_numpy(float)[1:]
    return np.concatenate([[0.0], w / w.sum()])


def settled_skeleton(sc: Scenario, origins, rng: np.random.Generator) -> tuple[Demography, Skeleton]:
    """The scenario's demography and its settled skeleton (ages, households, residence; no traits)."""
    pop = sc.population
    w = origin_weights(pop, origins)
    n_imm = round(pop.persons * pop.immigrant_share)
    n_desc = round(pop.persons * pop.descendant_share)
    n_maj = pop.persons - n_imm - n_desc
    rates, dp = load_rates(origins), sc.demography
    demo = Demography.create(rates, origins, dp, n_maj, n_desc, n_imm * w)
    copies = -(-pop.persons // dp.spin_up_persons)
    if copies == 1:
        return demo, build_skeleton(rng, demo, n_maj, n_desc, w, n_imm, dp.spin_up_years)
    # a larger population: a sample settled, then copied (skeleton.replicate)
    m, d, i = (round(x / copies) for x in (n_maj, n_desc, n_imm))
    sample = Demography.create(rates, origins, dp, m, d, i * w)
    sk = build_skeleton(rng, sample, m, d, w, i, dp.spin_up_years)
    demo.migration.pending_uid = copied_uids(sample.migration.pending_uid, copies, sk.next_uid)
    demo.migration.pending_due = np.tile(sample.migration.pending_due, copies)
    return demo, replicate(sk, copies)


def build_world(sc: Scenario, rng: np.random.Generator) -> World:
    pop = sc.population
    origins = load_origin_groups(pop.origin_groups_file)
    kinds = load_organisation_kinds()
    kinds["mean_size"] *= sc.organisations.size_scale
    w = origin_weights(pop, origins)
    demo, sk = settled_skeleton(sc, origins, rng)
    s = {k: getattr(sk.people, k) for k in sk.people.columns}
    s["household"] = np.unique(s["household"], return_inverse=True)[1]
    geo = load_geography(pop, list(origins["group"]))
    if geo is None:
        places = Places.create(pop.municipalities, pop.neighbourhoods, len(origins), pop.segregation, rng)
        places.hh_neighbourhood = _place(places, rng, s).astype(np.int32)
    else:
        places = Places.from_geography(geo, pop.neighbourhoods, len(origins), pop.segregation, rng)
        places.hh_neighbourhood = _place(places, rng, s, geo, w, list(origins["group"])).astype(np.int32)
    s["neighbourhood"] = places.hh_neighbourhood[s["household"]]
    s["municipality"] = places.nb_municipality[s["neighbourhood"]]
    people = People(**traits.draw(sc, origins, s, rng, "settled"))
    employed_per_place = None if geo is None else np.bincount(people.municipality[people.employed], minlength=places.n_municipalities)
    work = Workplaces.create(int(people.employed.sum()), pop.workplace_size, places.n_municipalities, rng, employed_per_place)
    work.assign(people, np.flatnonzero(people.employed), pop.workplace_segregation, rng.random((int(people.employed.sum()), 2)))
    density = None if geo is None else geo.org_density(sc.organisations.persons_per_organisation)
    orgs = build_orgs(sc, people, kinds, origins, places.nb_municipality, places.n_municipalities, rng,
                      persons_per_org=density)
    found_boards(people, orgs, rng, since=-sc.burn_in_months - sc.ladder.office_min_months)
    ties = TieStore(len(people))
    initial_ties(sc, people, ties, len(places.nb_municipality), rng)
    return World(people, orgs, ties, origins, kinds, places, work, demo, sk.next_uid)


def _place(places: Places, rng, s: dict[str, np.ndarray], geo: Geography | None = None,
           national_mix: np.ndarray | None = None, groups: list[str] | None = None) -> np.ndarray:
    """Neighbourhood per household: the household's kind is its oldest member's background. With a
    geography, each household first gets its place (:func:`model.geography.assign_places`)."""
    n_hh = int(s["household"].max()) + 1
    order = np.lexsort((-s["age"], s["household"]))
    first = order[np.r_[True, s["household"][order][1:] != s["household"][order][:-1]]]
    bg, origin = np.zeros(n_hh, np.int64), np.zeros(n_hh, np.int64)
    bg[s["household"][first]] = np.where(s["background"][first] == IMMIGRANT, IMMIGRANT, s["background"][first])
    origin[s["household"][first]] = s["origin"][first]
    size = np.bincount(s["household"], minlength=n_hh).astype(float)
    if geo is None:
        return place_households(places, rng, bg, origin, size)
    minority_persons = np.bincount(s["household"], weights=s["background"] != MAJORITY, minlength=n_hh)
    mun = assign_places(geo, rng, bg, origin, size, minority_persons, national_mix, groups)
    return place_households(places, rng, bg, origin, size, mun)


def initial_ties(sc: Scenario, p: People, ties: TieStore, n_neighbourhoods: int, rng) -> None:
    """A few neighbourhood and workplace acquaintances per adult, with homophily; the burn-in grows
    the rest through the tie-formation mechanism."""
    adults = np.flatnonzero(p.age >= 18)
    k = rng.poisson(sc.ties.initial_ties, len(adults))
    src = np.repeat(adults, k)
    if not len(src):
        return
    # candidates: a random person of the same neighbourhood, or of the same workplace if employed
    order = np.argsort(p.neighbourhood, kind="stable")
    counts = np.bincount(p.neighbourhood, minlength=n_neighbourhoods)
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    nb = p.neighbourhood[src]
    dst = order[start[nb] + (rng.random(len(src)) * counts[nb]).astype(int)]
    same = p.origin[src] == p.origin[dst]
    keep = (p.age[dst] >= 18) & (same | (rng.random(len(src)) < sc.ties.homophily))
    ties.add(src[keep], dst[keep], 0.6)
