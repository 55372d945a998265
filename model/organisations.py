"""The organisation landscape: voluntary organisations of each kind, where they are, their fees,
demands and founding boards.

Sources: FACTS §1, §4.5, §6 (scale: about one organisation per 50–55 inhabitants; minority
organisations by group; congregations by tradition, the majority church and the Catholic church
as majority organisations, Loga 2011), ``organisation_kinds.csv`` (per-kind fees, language and
commitment demand, age profile, size; assumptions stated in the file).

Organisations start with their founding board only; members, volunteers and ties then emerge
from the mechanisms during the burn-in.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.special import ndtri

from model.roster import groups
from model.state import ADULTS_ONLY, ALL_AGES, CHILDREN, KINDS, MAJORITY, OFFICE, TRADITIONS, YOUTH_CLUB_AGES, Orgs, People
from model.streams import derive

if TYPE_CHECKING:
    from model.scenario import Scenario

SIZE_STRATA = 32  # an organisation's size is the midpoint of one of this many quantile strata (assumption)
POOLED_GROUP = "Other"  # the origin file's group for all countries of birth not listed: in effect multicultural


def pooled_index(origins: pd.DataFrame) -> int:
    """Row of :data:`POOLED_GROUP` in the origin-group table, -1 if the file has none."""
    hit = np.flatnonzero(origins["group"].to_numpy() == POOLED_GROUP)
    return int(hit[0]) if len(hit) else -1


def own_association_min(op) -> float:
    """Immigrant-background persons an origin group needs in a municipality for minority
    associations of its own when small groups are pooled: half an association's worth by default
    (``minority_min_share`` × ``minority_per_immigrants``), and at least ``minority_min_group``. A
    threshold that scales with the association's size keeps the number of associations per
    immigrant alike at any population size (docs/demography.md, Size)."""
    return max(float(op.minority_min_group), op.minority_min_share * op.minority_per_immigrants)


def association_groups(p: People, n_mun: int, n_orig: int, min_group: float, pooled: int) -> np.ndarray:
    """Municipality × origin group → the group whose minority associations serve it: its own, or
    ``pooled`` where the group has fewer than ``min_group`` immigrant-background persons in the
    municipality. A group too small for an association of its own belongs with the multicultural
    one (FACTS §7, Møhlenpris: minority associations gathering in a shared cultural centre), so the
    minority associations follow the number of immigrants at any population size: at 5,000
    persons 15–21 % of immigrant-background adults were in groups without one
    (docs/demography.md, Size). The majority (0), and every group when ``pooled`` is -1, keep their own."""
    imm = (p.background != MAJORITY) & (p.origin > 0)
    cnt = np.bincount(p.municipality[imm].astype(np.int64) * n_orig + p.origin[imm],
                      minlength=n_mun * n_orig).reshape(n_mun, n_orig)
    table = np.tile(np.arange(n_orig, dtype=np.int64), (n_mun, 1))
    if pooled >= 0:
        small = cnt < min_group
        small[:, [0, pooled]] = False
        table[small] = pooled
    return table


def build_orgs(sc: Scenario, p: People, kinds: pd.DataFrame, origins: pd.DataFrame, nb_municipality: np.ndarray,
               n_municipalities: int, rng, persons_per_org: np.ndarray | None = None) -> Orgs:
    """The organisation landscape of FACTS §6: about one per ``persons_per_organisation`` inhabitants;
    minority organisations per origin group present, congregations per tradition, the rest sport,
    culture and humanitarian by ``kind_shares``, volunteer centres by population served
    (:func:`volunteer_centres`, in the most populous neighbourhoods of each municipality) and youth
    clubs by the youth they serve (:func:`club_youth`; none unless ``youth_per_youth_club``)."""
    kinds = kinds.set_index("kind")
    op = sc.organisations
    n = len(p)
    n_nb = len(nb_municipality)
    nb_pop = np.bincount(p.neighbourhood, minlength=n_nb).astype(float)
    rows: list[dict] = []
    where: list[np.ndarray] = []  # each placement group's weights over neighbourhoods
    placed: list[float] = []      # and its expected number of organisations

    def add(kind: str, expected: float, weights: np.ndarray, origin: int = -1, tradition: int = -1,
            minority: bool = False) -> None:
        """A placement group of ``expected`` organisations' worth of capacity: at least one
        organisation, sized so that together they hold ``expected`` × the kind's mean size (a group
        of 60 immigrants gets one small association, not one sized for 250, with a board scaled
        down likewise, :func:`org_row`)."""
        count = max(1, round(expected))
        placed.append(expected)
        where.append(weights)
        rows.extend(dict(kind=kind, group=len(where) - 1, origin=origin, tradition=tradition, minority=minority,
                         scale=expected / count) for _ in range(count))

    # geography (model/geography.py): persons per organisation per municipality, else one value
    if persons_per_org is None:
        n_total = max(1, round(n / op.persons_per_organisation))
        nb_org_weight = nb_pop
    else:
        mun_pop = np.bincount(p.municipality, minlength=n_municipalities)
        n_total = max(1, round(float((mun_pop / persons_per_org).sum())))
        nb_org_weight = nb_pop / persons_per_org[nb_municipality]  # denser where fewer persons per organisation
    # minority organisations: per origin group present, by its number of immigrants (FACTS §1, §4.5);
    # with pool_small_groups, a group small in its municipality counts with the pooled group there
    table = association_groups(p, n_municipalities, len(origins), own_association_min(op),
                               pooled_index(origins) if op.pool_small_groups else -1)
    assoc = table[p.municipality, p.origin]
    for o in range(1, len(origins)):
        members = (assoc == o) & (p.background != MAJORITY)
        cnt = int(members.sum())
        if cnt < op.minority_min_group:
            continue
        add("minority", cnt / op.minority_per_immigrants, np.bincount(p.neighbourhood[members], minlength=n_nb).astype(float), origin=o, minority=True)
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
            add("religious", c * per,
                np.bincount(p.neighbourhood[active & (p.tradition == t)], minlength=n_nb).astype(float),
                tradition=t, minority=TRADITIONS[t] not in ("protestant", "catholic"))
    shares = {k: weights[k] for k in ("sport", "culture", "humanitarian") if weights[k] > 0}
    n_rest = max(0, round(n_total - sum(placed)))
    if shares:
        kk = list(shares)
        counts = apportion(n_rest, np.array([shares[k] for k in kk]))
        for kind, c in zip(kk, counts):
            if c:
                add(kind, int(c), nb_org_weight)
    for m in range(n_municipalities):  # volunteer centres by population served, at least one per municipality
        in_m = nb_municipality == m
        add("volunteer_centre", nb_pop[in_m].sum() / op.persons_per_volunteer_centre, np.where(in_m, nb_pop, 0.0))
    if op.youth_per_youth_club > 0:   # youth clubs by the youth they serve (FACTS §3, §7)
        teens = club_youth(p, n_nb)
        for m in range(n_municipalities):
            mine = np.where(nb_municipality == m, teens, 0.0)
            if mine.sum() > 0:
                add("youth_club", mine.sum() / op.youth_per_youth_club, mine)
    in_municipalities(rows, where, nb_municipality, n_municipalities, rng)
    traits = landscape_traits(op, kinds, rows, rng)
    in_neighbourhoods(rows, traits, where, nb_municipality, rng)
    by_kind = kinds.to_dict("index")
    return orgs_from_rows([org_row(op, by_kind, r["kind"], r["nb"], r["municipality"], rng, r["origin"], r["tradition"],
                                   r["minority"], since=-sc.burn_in_months, traits=t) for r, t in zip(rows, traits)])


def in_municipalities(rows: list[dict], where: list[np.ndarray], nb_municipality: np.ndarray, n_mun: int, rng) -> None:
    """Each placement group's organisations shared among municipalities by its weights there
    (:func:`systematic`: counts are the floor or ceiling of their share)."""
    members: dict[int, list[int]] = {}
    for i, r in enumerate(rows):
        members.setdefault(r["group"], []).append(i)
    for g, w in enumerate(where):
        ids = members.get(g, [])
        mun = systematic(rng, len(ids), np.bincount(nb_municipality, weights=w, minlength=n_mun) + 1e-12)
        for i, m in zip(ids, mun):
            rows[i]["municipality"] = int(m)


def in_neighbourhoods(rows: list[dict], traits: list[dict], where: list[np.ndarray], nb_municipality: np.ndarray,
                      rng) -> None:
    """Each placement group's organisations of one age profile in one municipality put in its
    neighbourhoods so that each neighbourhood's capacity follows the group's weights there
    (:func:`balanced_places`): a neighbourhood is not left without clubs for its adults, or given
    the city's largest, by chance."""
    cells: dict[tuple[int, int, int], list[int]] = {}
    for i, (r, t) in enumerate(zip(rows, traits)):
        cells.setdefault((r["group"], r["municipality"], t["profile"]), []).append(i)
    for (g, m, _), ids in cells.items():
        w = np.where(nb_municipality == m, where[g], 0.0)
        if w.sum() <= 0:
            w = (nb_municipality == m).astype(float)
        sizes = np.array([traits[i]["size"] for i in ids])
        for i, nb in zip(ids, balanced_places(sizes, w, rng)):
            rows[i]["nb"] = int(nb)


def balanced_places(sizes: np.ndarray, weights: np.ndarray, rng) -> np.ndarray:
    """Neighbourhoods for organisations of ``sizes``: the largest first, each where the capacity
    placed so far falls furthest short of the neighbourhood's share (``weights``) of the capacity
    placed with it; ties broken at random."""
    share = weights / weights.sum()
    placed = np.zeros(len(weights))
    out = np.empty(len(sizes), np.int64)
    total = 0.0
    for i in np.argsort(-sizes, kind="stable"):
        total += sizes[i]
        short = np.where(weights > 0, share * total - placed + 1e-9 * rng.random(len(weights)), -np.inf)
        out[i] = int(np.argmax(short))
        placed[out[i]] += sizes[i]
    return out


def apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` split in proportion to ``weights`` in whole numbers (largest remainders): the mix
    of kinds is the scenario's, not a draw that would add noise between seeds."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    counts[np.argsort(-(exact - counts), kind="stable")[:total - counts.sum()]] += 1
    return counts


PROFILES = (CHILDREN, ALL_AGES, ADULTS_ONLY)  # in the order of organisation_kinds.csv's shares


def systematic(rng, n: int, shares: list[float]) -> np.ndarray:
    """n category indices with the counts of ``shares`` up to rounding (systematic sampling: one
    random start, then equal steps, so each count is the floor or ceiling of n × share, unbiased),
    in random order."""
    points = (np.arange(n) + rng.random()) / n
    cats = np.searchsorted(np.cumsum(shares) / np.sum(shares), points, side="right")
    return rng.permutation(np.minimum(cats, len(shares) - 1))


def landscape_traits(op, kinds: pd.DataFrame, rows: list[dict], rng) -> list[dict]:
    """Formality, age profile, linking tie and size of the starting organisations, spread evenly
    within each cell (a municipality's organisations of one kind; of one origin group for minority
    organisations, of one tradition for congregations) rather than drawn one by one: the kind's
    shares by :func:`systematic` sampling, and the n organisations of one age profile in a cell
    the sizes at quantiles (i + ½)/n (:func:`size_target`), in random order. A small landscape
    is then the large one in miniature: with independent draws, 100 organisations' capacity varied by ±21% between seeds
    (lognormal sizes, spread 1.3), and whether the largest sport club served children or adults
    moved adult participation by several points; at 5,000 persons majority participation had a
    seed sd of 4–6 points against 1 with equal sizes (benchmarks/stationarity.py)."""
    cells: dict[tuple, list[int]] = {}
    for i, r in enumerate(rows):
        cells.setdefault((r["municipality"], r["group"]), []).append(i)
    out: list[dict] = [{} for _ in rows]
    for ids in cells.values():
        kind, minority = rows[ids[0]]["kind"], rows[ids[0]]["minority"]
        n, k = len(ids), kinds.loc[kind]
        informal = systematic(rng, n, [1 - informal_share(op, kind, minority), informal_share(op, kind, minority)])
        profile = systematic(rng, n, list(profile_shares(k)))
        linked = systematic(rng, n, [1 - linked_share(op, kind, minority), linked_share(op, kind, minority)])
        for j, i in enumerate(ids):
            out[i] = dict(informal=bool(informal[j]), profile=PROFILES[profile[j]], linked=bool(linked[j]),
                          scale=min(1.0, rows[i]["scale"]))
        # sizes spread within each age profile, so children's and adults' capacity are fixed too
        for a in PROFILES:
            sub = [i for i in ids if out[i]["profile"] == a]
            for i, q in zip(sub, (rng.permutation(len(sub)) + 0.5) / max(1, len(sub))):
                out[i]["size"] = size_target(op, float(k["mean_size"]), float(q), len(sub)) * rows[i]["scale"]
    return out


def profile_shares(k: pd.Series) -> np.ndarray:
    """A kind's shares of children's, all-ages and adults-only organisations (``PROFILES`` order)."""
    return np.array([k["children_share"], k["all_ages_share"], 1 - k["children_share"] - k["all_ages_share"]])


def informal_share(op, kind: str, minority: bool) -> float:
    if kind in ("volunteer_centre", "youth_club", "religious") and not minority:
        return 0.0
    return op.informal_share_minority if minority else op.informal_share_majority


def linked_share(op, kind: str, minority: bool) -> float:
    if kind in ("volunteer_centre", "youth_club"):   # run or funded by the municipality
        return 1.0
    return op.linked_share_minority if minority else op.linked_share_majority


def founding_traits(model, kind: str, minority: bool, origin: int, municipality: int,
                    capacity: float | None, rng: np.random.Generator, profile: int | None = None) -> dict:
    """The traits of one newly founded organisation. Its age profile (unless ``profile`` is given)
    and formality are those its
    cell (as at the start: municipality, kind, origin group) lacks most against its kind's shares —
    founding refills what folding took away (small informal groups fold more often). Its size is
    the capacity its cell and profile lack (``capacity``, by default the kind's mean size × their
    number with it, minus the active ones' sizes), at most the largest of the kind's sizes: a new organisation takes up the people
    left unserved (McPherson 1983), so the landscape's capacity stays where it started. (A size
    drawn from the distribution instead let one new 300-member organisation move a 5,000-person
    municipality's participation by points.) The linking tie is drawn, since links form and decay
    during the run anyway."""
    o, op = model.orgs, model.params.organisations
    k = model.world.kinds.set_index("kind").loc[kind]
    cell = (o.active & (o.kind == KINDS.index(kind)) & (o.minority == minority) & (o.origin == origin)
            & (o.tradition == -1) & (o.municipality == municipality))
    shares = profile_shares(k)
    have = np.array([np.sum(cell & (o.age_profile == a)) for a in PROFILES])
    n = int(cell.sum()) + 1
    informal = informal_share(op, kind, minority) * n - np.sum(cell & ~o.formal) >= 0.5
    if profile is None:
        profile = PROFILES[int(np.argmax(shares * n - have))]
    same = cell & (o.age_profile == profile)
    m = int(same.sum()) + 1
    mean = float(k["mean_size"])
    lack = (mean * m if capacity is None else capacity) - float(o.size_target[same].sum())
    size = min(lack, size_target(op, mean, 1 - 0.5 / m, m))
    return dict(informal=bool(informal), profile=profile, linked=bool(rng.random() < linked_share(op, kind, minority)),
                size=size, scale=1.0 if capacity is None else min(1.0, capacity / mean))


def volunteer_centres(op, inhabitants: float) -> int:
    """Volunteer centres of a municipality: one per ``persons_per_volunteer_centre`` inhabitants,
    at least one (about 480 centres for 5.5 million inhabitants, FACTS §1)."""
    return max(1, round(inhabitants / op.persons_per_volunteer_centre))


def club_youth(p: People, n_neighbourhoods: int) -> np.ndarray:
    """Youth of youth-club age (``YOUTH_CLUB_AGES``) per neighbourhood: whom youth clubs serve."""
    teen = (p.age >= YOUTH_CLUB_AGES[0]) & (p.age < YOUTH_CLUB_AGES[1])
    return np.bincount(p.neighbourhood[teen], minlength=n_neighbourhoods).astype(float)


def size_target(op, mean_size: float, quantile: float, n: int) -> float:
    """An organisation's typical size: a lognormal with spread ``size_dispersion`` at the midpoint
    of the :data:`SIZE_STRATA` stratum that holds ``quantile``, scaled so that n organisations at the
    quantiles (i + ½)/n average ``mean_size`` of their kind — most are small and a few large (FACTS
    §6), and a kind's capacity per organisation is the same in a small municipality as in a large
    one (without the scaling, 30 organisations would average 0.93 of the mean and 600 organisations
    0.99). The strata fix the shape at every population size: with the quantiles themselves, the
    533 children's clubs of 100,000 persons reached quantile 0.999 of the lognormal and their
    largest was 3.6 times the largest of the 28 at 5,000 persons (docs/demography.md, Size)."""
    return float(mean_size * _spread(op.size_dispersion, quantile) / _mean_spread(op.size_dispersion, n))


@functools.lru_cache(maxsize=1024)
def _mean_spread(sd: float, n: int) -> float:
    """The mean of :func:`_spread` at the quantiles (i + ½)/n (one per cell size, not per organisation)."""
    return float(_spread(sd, (np.arange(n) + 0.5) / n).mean())


def _spread(sd: float, quantile):
    """The lognormal's value (mean 1) at the midpoint of the size stratum holding ``quantile``."""
    mid = (np.minimum(np.floor(np.asarray(quantile) * SIZE_STRATA), SIZE_STRATA - 1) + 0.5) / SIZE_STRATA
    return np.exp(-0.5 * sd * sd + sd * ndtri(mid))


def org_row(op, kinds: dict[str, dict], kind: str, nb: int, municipality: int, rng, origin: int, tradition: int,
            minority: bool, since: int, traits: dict) -> dict:
    """One organisation of ``kind`` in neighbourhood ``nb``, with its ``traits`` (formality, age
    profile, linking tie, size: :func:`landscape_traits`, :func:`founding_traits`);
    fees and demands drawn around its kind's profile (``kinds``: each kind's row as a dict)."""
    k = kinds[kind]
    informal = traits["informal"]
    jitter = rng.lognormal(0, 0.3)
    # a group too small for a whole organisation has a smaller one: board scaled down with it
    board = 2 if informal else max(2, round(op.board_size * traits.get("scale", 1.0)))
    if kind == "youth_club":   # run by the municipality's (or a voluntary group's) staff: no elected board
        board = 0
    row = dict(
        kind=kind, neighbourhood=nb, municipality=municipality, formal=not informal,
        minority=minority, origin=origin, tradition=tradition, age_profile=traits["profile"],
        # informal groups collect no membership fee (assumption)
        fee_adult=0.0 if informal else float(k["fee_adult"]) * jitter,
        fee_child=0.0 if informal else float(k["fee_child"]) * jitter,
        language_demand=float(np.clip(k["language_demand"] + rng.normal(0, 0.08), 0, 1)),
        commitment=float(np.clip(k["commitment"] + rng.normal(0, 0.08), 0, 1)),
        board_size=board,
        openness=min(1.0, op.openness * float(k["openness_multiplier"])),
        linked=traits["linked"], active=True, founded=since, thin_months=0,
    )
    # at least its board and a handful of members (assumption): no organisation aims to fold
    row["size_target"] = max(board + 5.0, traits["size"])
    row["citywide"] = row["size_target"] >= op.citywide_size
    return row


def orgs_from_rows(rows: list[dict]) -> Orgs:
    """The ``Orgs`` columns of a list of :func:`org_row` rows."""
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
        size_target=col("size_target", np.float32), citywide=col("citywide", bool), meet_factor=np.ones(len(df), np.float32),
        active=col("active", bool), founded=col("founded", np.int32), thin_months=col("thin_months", np.int16),
        key=col("key", np.int64) if "key" in df else np.arange(len(df), dtype=np.int64),
    )


def eligible_for_board(p: People, orgs: Orgs, o: int, persons: np.ndarray | None = None) -> np.ndarray:
    """Which adults (all persons, or those in ``persons``) could found or lead organisation ``o``:
    of its group for minority and religious organisations, of its municipality otherwise."""
    sel = slice(None) if persons is None else persons
    ok = (p.age[sel] >= 20) & (p.municipality[sel] == orgs.municipality[o])
    if orgs.origin[o] >= 0:
        ok &= p.origin[sel] == orgs.origin[o]
    if orgs.tradition[o] >= 0:
        ok &= (p.tradition[sel] == orgs.tradition[o]) & p.religious[sel]
    return ok


def found_boards(p: People, orgs: Orgs, rng, since: int, ids: np.ndarray | None = None) -> None:
    """Each organisation (all, or those in ``ids``) starts with its board, drawn from its
    neighbourhood (then municipality) among people with the highest dugnad literacy — the
    self-recruiting core (FACTS §4.3). Candidates come from per-neighbourhood and
    per-(municipality, group) indexes, so the cost grows with the organisations, not with
    organisations × persons."""
    free_slots = (p.mem_org < 0).sum(axis=1)
    adults = np.flatnonzero(p.age >= 20)
    n_nb = int(max(p.neighbourhood.max(initial=0), orgs.neighbourhood.max(initial=0))) + 1
    members, start, size = groups(p.neighbourhood[adults], adults, n_nb)
    wide: dict[tuple[int, int, int], np.ndarray] = {}
    for o in (range(len(orgs)) if ids is None else ids):
        nb = int(orgs.neighbourhood[o])
        near = _eligible(p, orgs, o, members[start[nb]:start[nb] + size[nb]])
        near = near[free_slots[near] > 0]
        if orgs.board_size[o] == 0:
            continue
        if len(near) >= orgs.board_size[o]:
            pool = near
        else:
            key = (int(orgs.municipality[o]), int(orgs.origin[o]), int(orgs.tradition[o]))
            if key not in wide:
                wide[key] = _eligible(p, orgs, o, adults[p.municipality[adults] == key[0]])
            pool = wide[key][free_slots[wide[key]] > 0]
        if not len(pool):
            continue
        w = p.literacy[pool].astype(float) ** 2 + 1e-6
        k = min(int(orgs.board_size[o]), len(pool))
        chosen = rng.choice(pool, k, replace=False, p=w / w.sum())
        for i in chosen:
            slot = int(np.argmax(p.mem_org[i] < 0))
            p.mem_org[i, slot], p.mem_role[i, slot], p.mem_since[i, slot] = o, OFFICE, since
            free_slots[i] -= 1


def _eligible(p: People, orgs: Orgs, o: int, persons: np.ndarray) -> np.ndarray:
    """Those of ``persons`` (adults of 20+, in row order) who could found or lead ``o``."""
    return persons[eligible_for_board(p, orgs, o, persons)]


def found(model, kind: str, neighbourhoods: np.ndarray, origin: int = -1, minority: bool = False,
          capacity: np.ndarray | None = None, profiles: np.ndarray | None = None, slots: np.ndarray | None = None) -> np.ndarray:
    """Found new organisations of ``kind``, one in each of ``neighbourhoods`` (of ``origin`` for
    minority organisations; of the age ``profiles`` given, else the profile their cell lacks; sized to the ``capacity`` their cell should have, :func:`founding_traits`):
    rows appended to ``model.orgs`` with a board drawn as at the start
    (:func:`found_boards`); every per-organisation store grows (``model.orgs_added``). Returns the
    new organisation ids. ``slots`` (default their positions) tell apart organisations of one kind
    and origin founded in one neighbourhood in one month, for their keys."""
    nbs = np.asarray(neighbourhoods, np.int64)
    if not len(nbs):
        return np.empty(0, np.int64)
    kinds = model.world.kinds.set_index("kind").to_dict("index")
    op = model.params.organisations
    # keys from what the organisation is (kind, origin group, place, month): no running count
    slots = np.arange(len(nbs)) if slots is None else np.asarray(slots, np.int64)
    keys = derive("organisation", KINDS.index(kind), origin, nbs, model.month, slots).view(np.int64)
    rng = model.streams.generator("organisations.found", keys)
    rows = []
    for j, nb in enumerate(nbs):
        mun = int(model.nb_municipality[nb])
        traits = founding_traits(model, kind, minority, origin, mun, None if capacity is None else float(capacity[j]), rng,
                                 None if profiles is None else int(profiles[j]))
        rows.append(dict(org_row(op, kinds, kind, int(nb), mun, rng, origin, -1, minority, model.month, traits), key=keys[j]))
    new = orgs_from_rows(rows)
    ids = model.orgs.extend(**{c: getattr(new, c) for c in model.orgs.columns})
    found_boards(model.people, model.orgs, rng, since=model.month, ids=ids)
    model.orgs_added(ids)
    return ids
