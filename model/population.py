"""The synthetic population: persons in households and neighbourhoods, municipalities, workplaces,
schools and voluntary organisations.

Sources: FACTS §6 (scale, immigrant and descendant shares, one organisation per ~50–55 inhabitants,
small organisations), ``origin_groups.csv`` (per-group migration reason, residence time, education,
Norwegian, employment, religion; indicative), ``organisation_kinds.csv`` (per-kind fees, language and
commitment demand). Everything else here is a stated assumption, named where it is made.

Organisations start with their founding board only; members, volunteers and ties then emerge
from the mechanisms during the burn-in (``Scenario.burn_in_months``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.data_files import RELIGION, load_organisation_kinds, load_origin_groups
from model.errors import DugnadError
from model.network import TieStore
from model.state import (
    ADULTS_ONLY,
    ALL_AGES,
    CHILDREN,
    DESCENDANT,
    IMMIGRANT,
    KINDS,
    MAJORITY,
    NEVER,
    OFFICE,
    REASONS,
    TRADITIONS,
    Orgs,
    People,
)

if TYPE_CHECKING:
    from model.scenario import Scenario

NEIGHBOURHOOD_CLUSTER = 0.3  # share of each municipality's neighbourhoods that form the immigrant cluster (assumption)


@dataclass
class World:
    people: People
    orgs: Orgs
    ties: TieStore
    origins: pd.DataFrame          # row 0 = majority
    kinds: pd.DataFrame            # organisation kind profiles
    hh_neighbourhood: np.ndarray   # per household
    nb_municipality: np.ndarray    # per neighbourhood
    n_municipalities: int
    n_workplaces: int
    workplace_niche: np.ndarray    # per workplace: an immigrant-heavy niche workplace
    wp_municipality: np.ndarray    # per workplace


# ----------------------------------------------------------------------------- households

def _household_sizes(rng, kind: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(adults, children) per household. Shares are assumptions in the range of SSB household
    statistics; immigrant households have more children (refugee and family migration)."""
    if kind == "majority":
        types = rng.choice(4, n, p=[0.38, 0.30, 0.24, 0.08])
        kids_mean = 1.9
    else:
        types = rng.choice(4, n, p=[0.32, 0.18, 0.40, 0.10])
        kids_mean = 2.3
    adults = np.where((types == 0) | (types == 3), 1, 2)
    kids = np.where(types >= 2, 1 + rng.poisson(kids_mean - 1, n), 0)
    return adults, kids


def _truncnorm(rng, mean, sd, lo, hi, n):
    x = rng.normal(mean, sd, n)
    return np.clip(x, lo, hi)


def build_world(sc: Scenario, rng: np.random.Generator) -> World:
    pop = sc.population
    origins = load_origin_groups(pop.origin_groups_file)
    kinds = load_organisation_kinds()
    n_target = pop.persons
    imm_rows = np.arange(1, len(origins))
    if pop.origin_mix is not None:
        unknown = [k for k in pop.origin_mix if k not in set(origins["group"])]
        if unknown:
            raise DugnadError(f"population.origin_mix: unknown origin group(s) {', '.join(unknown)}; "
                              f"allowed: {', '.join(origins['group'][1:])}")
        w = np.array([pop.origin_mix.get(g, 0.0) for g in origins["group"][1:]], float)
    else:
        w = origins["share_of_immigrants"].to_numpy(float)[1:]
    w = w / w.sum()

    cols: dict[str, list] = {k: [] for k in (
        "household", "background", "origin", "sex", "age", "years_in_norway", "reason")}
    hh_kind: list[int] = []
    n_imm = n_desc = n_all = 0
    want_imm = round(n_target * pop.immigrant_share)
    want_desc = round(n_target * pop.descendant_share)
    hh = 0

    def add_household(head_bg: int, origin: int) -> None:
        nonlocal hh, n_imm, n_desc, n_all
        a, k = _household_sizes(rng, "majority" if head_bg == MAJORITY else "immigrant", 1)
        a, k = int(a[0]), int(k[0])
        if head_bg == MAJORITY:
            ages = _truncnorm(rng, 48, 17, 18, 90, a)
            years = ages.copy()
            reason = 0
        elif head_bg == DESCENDANT:
            ages = _truncnorm(rng, 30, 8, 18, 55, a)
            years = ages.copy()
            reason = 0
        else:
            ages = _truncnorm(rng, 40, 11, 18, 80, a)
            med = float(origins.at[origin, "median_years_in_norway"])
            y = float(min(rng.lognormal(np.log(max(med, 0.5)), 0.7), ages.min() - 1))
            years = np.full(a, max(y, 0.1))
            label = origins.at[origin, "main_reason"]
            if label == "mixed":
                reason = int(rng.choice([1, 2, 3, 4], p=[0.40, 0.25, 0.28, 0.07]))
            else:
                reason = REASONS.index(label)
        if k:
            ages = np.maximum(ages, 20 + rng.random(a) * 10) if a else ages
            youngest_parent = ages.min()
            kid_ages = rng.uniform(0, np.minimum(18, youngest_parent - 17), k)
        else:
            kid_ages = np.empty(0)
        sexes = rng.permutation([0, 1])[:a] if a == 2 else rng.integers(0, 2, a)
        for j in range(a):
            cols["household"].append(hh); cols["background"].append(head_bg); cols["origin"].append(origin)
            cols["sex"].append(int(sexes[j])); cols["age"].append(float(ages[j]))
            cols["years_in_norway"].append(float(years[j])); cols["reason"].append(reason)
        for ka in kid_ages:
            if head_bg == IMMIGRANT:
                born_here = ka < years[0]
                bg, yrs = (DESCENDANT, ka) if born_here else (IMMIGRANT, float(rng.uniform(0, years[0])))
            else:
                bg, yrs = head_bg, ka
            cols["household"].append(hh); cols["background"].append(bg); cols["origin"].append(origin)
            cols["sex"].append(int(rng.integers(0, 2))); cols["age"].append(float(ka))
            cols["years_in_norway"].append(float(min(yrs, ka))); cols["reason"].append(reason if bg == IMMIGRANT else 0)
            n_desc += bg == DESCENDANT
            n_imm += bg == IMMIGRANT
        n_imm += a if head_bg == IMMIGRANT else 0
        n_desc += a if head_bg == DESCENDANT else 0
        n_all += a + k
        hh_kind.append(head_bg)
        hh += 1

    while n_imm < want_imm:
        add_household(IMMIGRANT, int(rng.choice(imm_rows, p=w)))
    # adult descendants (Norwegian-born adults of immigrant parents) head households of their own;
    # children born in Norway to immigrant households already count as descendants
    def adult_descendants() -> int:
        return sum(1 for b, a in zip(cols["background"], cols["age"]) if b == DESCENDANT and a >= 18)

    while n_desc < want_desc or adult_descendants() < 0.25 * want_desc:
        add_household(DESCENDANT, int(rng.choice(imm_rows, p=w)))
    while n_all < n_target:
        add_household(MAJORITY, 0)
    n = n_all
    P = {k: np.asarray(v) for k, v in cols.items()}
    hh_kind_a = np.asarray(hh_kind)
    n_hh = hh

    # ------------------------------------------------------------------ places
    n_mun = pop.municipalities
    n_nb = max(pop.neighbourhoods, n_mun)
    nb_mun = np.arange(n_nb) % n_mun
    hh_size = np.bincount(P["household"], minlength=n_hh)
    hh_origin = np.zeros(n_hh, int)
    hh_origin[P["household"]] = P["origin"]
    hh_mun = rng.integers(0, n_mun, n_hh)
    hh_nb = np.full(n_hh, -1)
    capacity = np.full(n_nb, n / n_nb)
    # Immigrant-background households first: with chance `segregation` into their municipality's
    # cluster (origin-specific favourite neighbourhood within it), else anywhere in the municipality.
    cluster = {m: np.flatnonzero(nb_mun == m)[: max(1, round(NEIGHBOURHOOD_CLUSTER * (nb_mun == m).sum()))]
               for m in range(n_mun)}
    favourite = {o: rng.integers(0, 10**6) for o in range(len(origins))}
    for h in rng.permutation(np.flatnonzero(hh_kind_a != MAJORITY)):
        m = hh_mun[h]
        if rng.random() < pop.segregation:
            c = cluster[m]
            nb = c[favourite[hh_origin[h]] % len(c)] if rng.random() < 0.5 else c[rng.integers(len(c))]
        else:
            opts = np.flatnonzero(nb_mun == m)
            nb = opts[rng.integers(len(opts))]
        hh_nb[h] = nb
        capacity[nb] -= hh_size[h]
    for h in rng.permutation(np.flatnonzero(hh_kind_a == MAJORITY)):
        opts = np.flatnonzero(nb_mun == hh_mun[h])
        room = np.maximum(capacity[opts], 0.5)
        nb = opts[rng.choice(len(opts), p=room / room.sum())]
        hh_nb[h] = nb
        capacity[nb] -= hh_size[h]

    person_nb = hh_nb[P["household"]]
    person_mun = nb_mun[person_nb]
    age = P["age"].astype(np.float32)
    bg = P["background"].astype(np.int8)
    origin = P["origin"].astype(np.int16)
    adult = age >= 18
    is_imm = bg == IMMIGRANT

    # ------------------------------------------------------------------ person traits
    oget = lambda col: origins[col].to_numpy(float)[origin]
    high = np.where(bg == DESCENDANT, 0.45, oget("share_higher_education"))
    u = rng.random(n)
    low_share = np.where(bg == MAJORITY, 0.25, np.where(is_imm, 0.40, 0.25)) * (1 - high)
    education = np.where(u < high, 2, np.where(u < high + low_share, 0, 1)).astype(np.int8)
    education[age < 20] = np.where(age[age < 20] < 16, 0, 1)
    good = rng.random(n) < oget("share_good_norwegian")
    norwegian = np.where(good, rng.uniform(0.6, 1.0, n), rng.uniform(0.05, 0.6, n))
    norwegian = np.where(bg == MAJORITY, 1.0, norwegian)
    norwegian = np.where(bg == DESCENDANT, rng.uniform(0.85, 1.0, n), norwegian)
    kid_imm = is_imm & ~adult
    norwegian[kid_imm] = np.maximum(norwegian[kid_imm], np.minimum(1.0, 0.4 + 0.12 * P["years_in_norway"][kid_imm]))
    norwegian = norwegian.astype(np.float32)

    emp_rate = oget("employment_rate")
    # descendants: between their parents' group and the majority (assumption; SSB shows them close to the majority)
    emp_rate = np.where(bg == DESCENDANT, 0.5 * (emp_rate + float(origins.at[0, "employment_rate"])), emp_rate)
    working_age = (age >= 20) & (age < sc.employment.retirement_age)
    employed = working_age & (rng.random(n) < np.clip(emp_rate / 0.92, 0, 1))  # rate given for 15–74
    reason = P["reason"].astype(np.int8)
    labour = reason == REASONS.index("labour")
    work_hours = np.where(employed, np.where(labour & is_imm, sc.employment.labour_migrant_hours,
                                             sc.employment.normal_hours), 0.0).astype(np.float32)
    edu_factor = np.array([0.8, 1.0, 1.3])[education]
    wage = (sc.economy.median_wage * edu_factor * np.where(is_imm, 0.85, 1.0)
            * rng.lognormal(0, sc.economy.wage_sd_log, n)).astype(np.float32)

    health = np.clip(rng.normal(0.9 - 0.008 * np.maximum(0, age - 40), 0.12), 0.05, 1.0).astype(np.float32)

    tradition = np.zeros(n, np.int8)
    religious = np.zeros(n, bool)
    for o, row in origins.iterrows():
        mix, active = RELIGION[row["religious_tradition"]]
        members = np.flatnonzero(origin == o)
        if not len(members):
            continue
        names = list(mix)
        # a household shares one tradition
        hhs = np.unique(P["household"][members])
        pick = rng.choice(len(names), len(hhs), p=np.array(list(mix.values())) / sum(mix.values()))
        hh_trad = dict(zip(hhs, (TRADITIONS.index(names[i]) for i in pick)))
        tradition[members] = [hh_trad[h] for h in P["household"][members]]
        religious[members] = (tradition[members] != TRADITIONS.index("none")) & (rng.random(len(members)) < active)

    region = origins["region"].to_numpy()[origin]
    similar_tradition = np.isin(region, ["majority", "Nordic", "Western Europe"])
    trust0 = np.where(bg == MAJORITY, 0.72, np.where(bg == DESCENDANT, 0.64,
                                                        np.where(similar_tradition, 0.70, 0.56)))
    trust0 = np.clip(trust0 + rng.normal(0, 0.12, n), 0.02, 0.98).astype(np.float32)
    years = P["years_in_norway"].astype(np.float32)
    literacy = np.where(bg == MAJORITY, rng.beta(8, 2, n), np.where(
        bg == DESCENDANT, rng.beta(6, 3, n),
        np.clip(0.12 + 0.45 * np.minimum(1, years / 20) + 0.3 * similar_tradition + rng.normal(0, 0.1, n), 0.02, 0.98)))
    literacy = np.where(age < 13, literacy * 0.5, literacy).astype(np.float32)
    right = is_imm & np.isin(reason, [REASONS.index("refugee"), REASONS.index("family")])

    K = sc.membership.max_memberships
    people = People(
        household=P["household"].astype(np.int32), neighbourhood=person_nb.astype(np.int32),
        municipality=person_mun.astype(np.int32), background=bg, origin=origin,
        sex=P["sex"].astype(np.int8), age=age, education=education, norwegian=norwegian,
        years_in_norway=years, reason=reason, right_to_training=right, employed=employed,
        work_hours=work_hours, wage=wage, workplace=np.full(n, -1, np.int32), health=health,
        religious=religious, tradition=tradition, trust=trust0.copy(), trust0=trust0,
        literacy=literacy, last_volunteer=np.full(n, NEVER, np.int32), last_volunteer_secular=np.full(n, NEVER, np.int32), last_help=np.full(n, NEVER, np.int32), last_asked=np.full(n, NEVER, np.int32),
        eq_income=np.zeros(n, np.float32), low_income=np.zeros(n, bool), income_decile=np.zeros(n, np.int8),
        leisure_budget=np.zeros(n, np.float32), arrived_month=np.full(n, NEVER, np.int32),
        mem_org=np.full((n, K), -1, np.int32), mem_role=np.zeros((n, K), np.int8),
        mem_since=np.zeros((n, K), np.int32),
    )

    # ------------------------------------------------------------------ workplaces
    n_work = max(1, int(employed.sum() / sc.population.workplace_size))
    wp_mun = np.arange(n_work) % n_mun
    niche = np.zeros(n_work, bool)
    niche[rng.permutation(n_work)[: max(1, n_work // 5)]] = True
    world = World(people, None, TieStore(n), origins, kinds, hh_nb.astype(np.int32), nb_mun.astype(np.int32),
                  n_mun, n_work, niche, wp_mun.astype(np.int32))
    assign_workplaces(world, np.flatnonzero(employed), sc, rng)

    world.orgs = _build_orgs(sc, world, rng)
    _found_boards(world, rng, since=-sc.burn_in_months - sc.ladder.office_min_months)
    _initial_ties(sc, world, rng)
    return world


def assign_workplaces(world: World, persons: np.ndarray, sc: Scenario, rng) -> None:
    """Give each of ``persons`` a workplace in their municipality; immigrants with chance
    ``workplace_segregation`` land in an immigrant-heavy niche workplace (assumption)."""
    if not len(persons):
        return
    p = world.people
    niche_pref = (p.background[persons] == IMMIGRANT) & (rng.random(len(persons)) < sc.population.workplace_segregation)
    wps = np.empty(len(persons), np.int32)
    for m in range(world.n_municipalities):
        in_m = p.municipality[persons] == m
        all_wp = np.flatnonzero(world.wp_municipality == m)
        if not len(all_wp):
            all_wp = np.arange(world.n_workplaces)
        niche_wp = all_wp[world.workplace_niche[all_wp]]
        if not len(niche_wp):
            niche_wp = all_wp
        sel = in_m & niche_pref
        wps[sel] = niche_wp[rng.integers(0, len(niche_wp), int(sel.sum()))]
        sel = in_m & ~niche_pref
        wps[sel] = all_wp[rng.integers(0, len(all_wp), int(sel.sum()))]
    p.workplace[persons] = wps


# ----------------------------------------------------------------------------- organisations

def _build_orgs(sc: Scenario, world: World, rng) -> Orgs:
    p, kinds, origins = world.people, world.kinds.set_index("kind"), world.origins
    op = sc.organisations
    n = len(p)
    n_nb = len(world.nb_municipality)
    nb_pop = np.bincount(p.neighbourhood, minlength=n_nb).astype(float)
    rows: list[dict] = []

    def add(kind: str, nb: int, origin: int = -1, tradition: int = -1, minority: bool = False) -> None:
        k = kinds.loc[kind]
        informal = rng.random() < (op.informal_share_minority if minority else op.informal_share_majority)
        if kind in ("volunteer_centre", "religious") and not minority:
            informal = False
        u = rng.random()
        profile = CHILDREN if u < k["children_share"] else (ALL_AGES if u < k["children_share"] + k["all_ages_share"] else ADULTS_ONLY)
        linked = rng.random() < (op.linked_share_minority if minority else op.linked_share_majority)
        if kind == "volunteer_centre":
            linked = True
        jitter = rng.lognormal(0, 0.3)
        rows.append(dict(
            kind=kind, neighbourhood=nb, municipality=int(world.nb_municipality[nb]), formal=not informal,
            minority=minority, origin=origin, tradition=tradition, age_profile=profile,
            # informal groups collect no membership fee (assumption)
            fee_adult=0.0 if informal else float(k["fee_adult"]) * jitter,
            fee_child=0.0 if informal else float(k["fee_child"]) * jitter,
            language_demand=float(np.clip(k["language_demand"] + rng.normal(0, 0.08), 0, 1)),
            commitment=float(np.clip(k["commitment"] + rng.normal(0, 0.08), 0, 1)),
            board_size=op.board_size if not informal else 2,
            openness=min(1.0, op.openness * float(k["openness_multiplier"])),
            linked=linked, size_target=float(k["mean_size"]) * rng.lognormal(0, 0.5),
        ))

    def pick_nb(weights: np.ndarray) -> int:
        return int(rng.choice(n_nb, p=weights / weights.sum()))

    n_total = max(1, round(n / op.persons_per_organisation))
    # minority organisations: per origin group present, by its number of immigrants (FACTS §1, §4.5)
    for o in range(1, len(origins)):
        members = (p.origin == o) & (p.background != MAJORITY)
        cnt = int(members.sum())
        if cnt < 30:
            continue
        k = max(1, round(cnt / op.minority_per_immigrants))
        w_nb = np.bincount(p.neighbourhood[members], minlength=n_nb).astype(float)
        for _ in range(k):
            add("minority", pick_nb(w_nb + 1e-9), origin=o, minority=True)
    # religious congregations per tradition, by religiously active persons; the majority church
    # (protestant) and the Catholic church are majority organisations (Loga 2011), others minority
    weights = {k: op.kind_shares.get(k, 0.0) for k in ("sport", "culture", "religious", "humanitarian")}
    n_rel = round(n_total * weights["religious"] / sum(weights.values()))
    active = p.religious & (p.age >= 18)
    trad_counts = np.bincount(p.tradition[active], minlength=len(TRADITIONS)).astype(float)
    if trad_counts.sum() > 0 and n_rel > 0:
        per = n_rel / trad_counts.sum()
        for t, c in enumerate(trad_counts):
            if c < 10:
                continue
            w_nb = np.bincount(p.neighbourhood[active & (p.tradition == t)], minlength=n_nb).astype(float)
            for _ in range(max(1, round(c * per))):
                add("religious", pick_nb(w_nb + 1e-9), tradition=t,
                    minority=TRADITIONS[t] not in ("protestant", "catholic"))
    shares = {k: weights[k] for k in ("sport", "culture", "humanitarian") if weights[k] > 0}
    n_rest = max(0, n_total - len(rows))
    if shares:
        kk = list(shares)
        counts = rng.multinomial(n_rest, np.array([shares[k] for k in kk]) / sum(shares.values()))
        for kind, c in zip(kk, counts):
            for _ in range(c):
                add(kind, pick_nb(nb_pop + 1e-9))
    for m in range(world.n_municipalities):  # one volunteer centre per municipality
        nbs = np.flatnonzero(world.nb_municipality == m)
        add("volunteer_centre", int(nbs[np.argmax(nb_pop[nbs])]))
    df = pd.DataFrame(rows)
    col = lambda name, dt: np.array(df[name], dtype=dt)
    return Orgs(
        kind=np.array(df["kind"].map(KINDS.index), dtype=np.int8),
        neighbourhood=col("neighbourhood", np.int32), municipality=col("municipality", np.int32),
        formal=col("formal", bool), minority=col("minority", bool),
        origin=col("origin", np.int16), tradition=col("tradition", np.int8),
        age_profile=col("age_profile", np.int8), fee_adult=col("fee_adult", np.float32),
        fee_child=col("fee_child", np.float32), language_demand=col("language_demand", np.float32),
        commitment=col("commitment", np.float32), board_size=col("board_size", np.int16),
        openness=col("openness", np.float32), linked=col("linked", bool),
        size_target=col("size_target", np.float32), meet_factor=np.ones(len(df), np.float32),
    )


def eligible_for_board(p: People, orgs: Orgs, o: int) -> np.ndarray:
    """Adults who could found or lead organisation ``o``: of its group for minority and religious
    organisations, of its municipality otherwise."""
    ok = (p.age >= 20) & (p.municipality == orgs.municipality[o])
    if orgs.origin[o] >= 0:
        ok &= p.origin == orgs.origin[o]
    if orgs.tradition[o] >= 0:
        ok &= (p.tradition == orgs.tradition[o]) & p.religious
    return ok


def _found_boards(world: World, rng, since: int) -> None:
    """Each organisation starts with its board, drawn from its neighbourhood (then municipality)
    among people with the highest dugnad literacy — the self-recruiting core (FACTS §4.3)."""
    p, orgs = world.people, world.orgs
    free_slots = (p.mem_org < 0).sum(axis=1)
    for o in range(len(orgs)):
        ok = eligible_for_board(p, orgs, o) & (free_slots > 0)
        near = ok & (p.neighbourhood == orgs.neighbourhood[o])
        pool = np.flatnonzero(near if near.sum() >= orgs.board_size[o] else ok)
        if not len(pool):
            continue
        w = p.literacy[pool].astype(float) ** 2 + 1e-6
        k = min(int(orgs.board_size[o]), len(pool))
        chosen = rng.choice(pool, k, replace=False, p=w / w.sum())
        for i in chosen:
            slot = int(np.argmax(p.mem_org[i] < 0))
            p.mem_org[i, slot], p.mem_role[i, slot], p.mem_since[i, slot] = o, OFFICE, since
            free_slots[i] -= 1


def _initial_ties(sc: Scenario, world: World, rng) -> None:
    """A few neighbourhood and workplace acquaintances per adult, with homophily; the burn-in grows
    the rest through the tie-formation mechanism."""
    p = world.people
    adults = np.flatnonzero(p.age >= 18)
    k = rng.poisson(sc.ties.initial_ties, len(adults))
    src = np.repeat(adults, k)
    if not len(src):
        return
    # candidates: a random person of the same neighbourhood, or of the same workplace if employed
    order = np.argsort(p.neighbourhood, kind="stable")
    counts = np.bincount(p.neighbourhood, minlength=len(world.nb_municipality))
    start = np.concatenate([[0], np.cumsum(counts)[:-1]])
    nb = p.neighbourhood[src]
    dst = order[start[nb] + (rng.random(len(src)) * counts[nb]).astype(int)]
    same = p.origin[src] == p.origin[dst]
    keep = (p.age[dst] >= 18) & (same | (rng.random(len(src)) < sc.ties.homophily))
    world.ties.add(src[keep], dst[keep], 0.6)


# ----------------------------------------------------------------------------- arrivals

def new_household_rows(world: World, sc: Scenario, rng, origins_of_households: np.ndarray,
                       neighbourhoods: np.ndarray, reason: int, first_household: int) -> dict[str, np.ndarray]:
    """Columns for newly arrived immigrant households (one origin and neighbourhood each), with the
    traits a newcomer does not acquire in Norway (age, sex, education, health, religion, baseline
    trust). Residence, Norwegian, dugnad literacy, work and the right to training are set by
    :func:`model.mechanisms.migration.renew_households`, as for any newly arrived household."""
    origins = world.origins
    K = sc.membership.max_memberships
    hh_ids, ages, sexes = [], [], []
    for j, _ in enumerate(origins_of_households):
        a, k = _household_sizes(rng, "immigrant", 1)
        a, k = int(a[0]), int(k[0])
        adult_ages = _truncnorm(rng, 34, 10, 18, 70, a)
        if k:
            adult_ages = np.maximum(adult_ages, 20 + rng.random(a) * 10)
            kid_ages = rng.uniform(0, np.minimum(18, adult_ages.min() - 17), k)
        else:
            kid_ages = np.empty(0)
        ages.extend(adult_ages.tolist() + kid_ages.tolist())
        sexes.extend((rng.permutation([0, 1])[:a] if a == 2 else rng.integers(0, 2, a)).tolist()
                     + rng.integers(0, 2, k).tolist())
        hh_ids.extend([first_household + j] * (a + k))
    hh = np.asarray(hh_ids, np.int32)
    local = hh - first_household
    origin = np.asarray(origins_of_households, np.int16)[local]
    n = len(hh)
    age = np.asarray(ages, np.float32)
    oget = lambda col: origins[col].to_numpy(float)[origin]
    high = oget("share_higher_education")
    u = rng.random(n)
    education = np.where(u < high, 2, np.where(u < high + 0.4 * (1 - high), 0, 1)).astype(np.int8)
    education[age < 20] = np.where(age[age < 20] < 16, 0, 1)
    tradition = np.zeros(n, np.int8)
    religious = np.zeros(n, bool)
    for o in np.unique(origin):
        mix, active = RELIGION[origins.at[int(o), "religious_tradition"]]
        sel = np.flatnonzero(origin == o)
        hhs, inv = np.unique(hh[sel], return_inverse=True)
        names = list(mix)
        pick = rng.choice(len(names), len(hhs), p=np.array(list(mix.values())) / sum(mix.values()))
        tradition[sel] = np.array([TRADITIONS.index(names[i]) for i in pick], np.int8)[inv]
        religious[sel] = (tradition[sel] != TRADITIONS.index("none")) & (rng.random(len(sel)) < active)
    similar = np.isin(origins["region"].to_numpy()[origin], ["Nordic", "Western Europe"])
    trust0 = np.clip(np.where(similar, 0.70, 0.56) + rng.normal(0, 0.12, n), 0.02, 0.98).astype(np.float32)
    nb = np.asarray(neighbourhoods, np.int32)[local]
    wage = (sc.economy.median_wage * np.array([0.8, 1.0, 1.3])[education] * 0.85
            * rng.lognormal(0, sc.economy.wage_sd_log, n)).astype(np.float32)
    return dict(
        household=hh, neighbourhood=nb, municipality=world.nb_municipality[nb].astype(np.int32),
        background=np.full(n, IMMIGRANT, np.int8), origin=origin, sex=np.asarray(sexes, np.int8), age=age,
        education=education, norwegian=np.zeros(n, np.float32), years_in_norway=np.zeros(n, np.float32),
        reason=np.full(n, reason, np.int8), right_to_training=np.zeros(n, bool), employed=np.zeros(n, bool),
        work_hours=np.zeros(n, np.float32), wage=wage, workplace=np.full(n, -1, np.int32),
        health=np.clip(rng.normal(0.9 - 0.008 * np.maximum(0, age - 40), 0.12), 0.05, 1.0).astype(np.float32),
        religious=religious, tradition=tradition, trust=trust0.copy(), trust0=trust0,
        literacy=np.zeros(n, np.float32), last_volunteer=np.full(n, NEVER, np.int32),
        last_volunteer_secular=np.full(n, NEVER, np.int32),
        last_help=np.full(n, NEVER, np.int32), last_asked=np.full(n, NEVER, np.int32),
        eq_income=np.zeros(n, np.float32), low_income=np.zeros(n, bool), income_decile=np.zeros(n, np.int8),
        leisure_budget=np.zeros(n, np.float32), arrived_month=np.full(n, NEVER, np.int32),
        mem_org=np.full((n, K), -1, np.int32), mem_role=np.zeros((n, K), np.int8),
        mem_since=np.zeros((n, K), np.int32),
    )
