"""Founding and folding of organisations (mechanism 8).

McPherson's ecology of affiliation (McPherson 1983; McPherson & Ranger-Moore 1991): organisations
live off the time of the people in them; one that cannot hold enough people dies, and new ones
appear where people with a shared interest or origin are not served. FACTS §6: about one
organisation per 50–55 inhabitants, mostly small local associations; §1, §4.5: minority
organisations by and for an origin group, often informal.

* **Folding.** A sport, culture, humanitarian or minority organisation is *thin* in a month when
  fewer persons are active in it (any role) than its board size plus ``fold_min_members``; after
  ``fold_months`` thin months in a row it folds: its row stays in ``model.orgs`` with
  ``active`` false (inert: nobody can find, join or be asked into it, it has no linking tie and no
  partnerships), and those still in it lose that membership. Congregations (carried by their
  church), volunteer centres and youth clubs (carried by the municipality) do not fold.
* **Founding.** Each month, per municipality, the gap between the landscape's density and the
  organisations there is filled by chance ``found_rate`` per missing organisation:

  - sport, culture and humanitarian organisations, by age profile: for children's activities the
    municipality's children (``youth.start_age``–17) × its number of that kind's children's
    organisations per child at the start, for all-age and adults-only ones its inhabitants × their
    number per inhabitant at the start; minus the active ones there; in a neighbourhood drawn by
    population. Children's places follow the children: with one density per inhabitant, children
    aged 6–12 grew 5 % per inhabitant over 30 years in the same places and majority children's
    participation fell 3 points (docs/demography.md);
  - minority organisations of an origin group with at least ``minority_min_group`` persons of
    immigrant background in the municipality: one per ``minority_per_immigrants`` of them (at least
    one), minus the group's active organisations there; in a neighbourhood drawn by where the group
    lives. With ``pool_small_groups``, groups under half an association's worth there
    (:func:`model.organisations.own_association_min`) count with the pooled group "Other" (in
    effect multicultural; :func:`model.organisations.association_groups`);
  - volunteer centres: one per ``persons_per_volunteer_centre`` inhabitants (at least one);
  - youth clubs: one per ``youth_per_youth_club`` youth 13–17 (at least one where there are youth;
    none when it is 0), where the youth live.

  A new organisation is drawn from its kind's profile like those at the start
  (:func:`model.organisations.found`), with its founding board, and appended to the table (ids are
  never reused, so a folded organisation's history stays its own).

So counts follow the population and sizes stay stationary. ``organisations.founding = false``
keeps the starting landscape (no step runs).
"""

from __future__ import annotations

import numpy as np

from model.organisations import PROFILES, club_youth, found, volunteer_centres
from model.state import CHILDREN, KINDS, MAJORITY, NONE

FOLDING_KINDS = np.array([KINDS.index(k) for k in ("sport", "culture", "humanitarian", "minority")])
DENSITY_KINDS = ("sport", "culture", "humanitarian")
MINORITY = KINDS.index("minority")
VOLUNTEER_CENTRE = KINDS.index("volunteer_centre")
YOUTH_CLUB = KINDS.index("youth_club")
SLOT_SPAN = 1 << 20  # a new organisation's key part: its gap's index × SLOT_SPAN + its slot there


def served(model) -> np.ndarray:
    """Per municipality (rows) and age profile (``PROFILES`` columns), the persons an organisation
    of that profile serves: children ``youth.start_age``–17 for children's activities, all
    inhabitants otherwise."""
    p, n_mun = model.people, model.n_municipalities
    pop = np.bincount(p.municipality, minlength=n_mun).astype(float)
    kids = (p.age >= model.params.youth.start_age) & (p.age < 18)
    children = np.bincount(p.municipality[kids], minlength=n_mun).astype(float)
    return np.stack([children if a == CHILDREN else pop for a in PROFILES], axis=1)


def density(model) -> dict[int, np.ndarray]:
    """Sport, culture and humanitarian organisations of each municipality (rows) and age profile
    (columns) per person they serve (:func:`served`) in the starting landscape (which may differ by
    municipality, :mod:`model.geography`), taken at the first step, before any organisation has
    folded."""
    if model.org_density is None:
        o, n_mun = model.orgs, model.n_municipalities
        per = served(model)
        model.org_density = {}
        for k in DENSITY_KINDS:
            n = np.stack([np.bincount(o.municipality[(o.kind == KINDS.index(k)) & o.active & (o.age_profile == a)],
                                      minlength=n_mun) for a in PROFILES], axis=1).astype(float)
            # a municipality with nobody of a profile at the start takes the whole landscape's density
            overall = n.sum(axis=0) / np.maximum(1.0, per.sum(axis=0))
            model.org_density[KINDS.index(k)] = np.where(per > 0, n / np.maximum(per, 1.0), overall)
    return model.org_density


def fold(model) -> np.ndarray:
    """Thin organisations count their months; those thin for ``fold_months`` fold. Returns their ids."""
    o, op = model.orgs, model.params.organisations
    size = model.roster().size
    thin = o.active & np.isin(o.kind, FOLDING_KINDS) & (size < o.board_size.astype(np.int64) + op.fold_min_members)
    o.thin_months[:] = np.where(thin, np.minimum(o.thin_months.astype(np.int64) + 1, np.iinfo(np.int16).max), 0)
    gone = np.flatnonzero(thin & (o.thin_months >= op.fold_months))
    if not len(gone):
        return gone
    o.active[gone] = False
    o.linked[gone] = False
    p = model.people
    left = np.isin(p.mem_org, gone)
    p.mem_org[left] = -1
    p.mem_role[left] = NONE
    dead = set(gone.tolist())
    model.org_partners = {pair for pair in model.org_partners if pair[0] not in dead and pair[1] not in dead}
    model.memberships_changed()
    model.orgs_changed()
    return gone


def _draws(model, stream: str, gap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The organisations founded this month, one (gap, slot) pair each: every missing organisation
    of a gap — a municipality and age profile, or a municipality and origin group — is founded
    with chance ``found_rate`` (the last, fractional one with ``found_rate`` × its fraction), each
    drawn from ``stream`` by the gap's index and its slot. A gap twenty times larger refills twenty
    times as fast: with one chance per gap and month, a 100,000-person municipality refilled at
    most one children's sport club a month and ended its burn-in with 30 % of them missing
    against 12 % at 5,000 persons (docs/demography.md, Size)."""
    rate = model.params.organisations.found_rate
    gap = np.maximum(np.asarray(gap, float), 0.0)
    slots = np.ceil(gap).astype(np.int64)
    cells = np.repeat(np.arange(len(gap)), slots)
    slot = np.arange(len(cells)) - np.repeat(np.cumsum(slots) - slots, slots)
    hit = model.streams.chance(stream, cells, rate * np.minimum(1.0, gap[cells] - slot), slot)
    return cells[hit], slot[hit]


def _pick_nb(model, stream: str, weights: np.ndarray, municipality: int, *salt: int) -> int:
    """A neighbourhood of ``municipality`` drawn ∝ ``weights``, keyed by the gap's ``salt``
    (its cell and slot, :func:`_draws`), so two organisations founded in one month need not share
    a neighbourhood."""
    w = np.where(model.nb_municipality == municipality, weights + 1e-9, 0.0)
    return int(model.streams.weighted_sample(stream, np.arange(len(w)), w, 1, *salt)[0])


def _mean_size(model, kind: str) -> float:
    kinds = model.world.kinds
    return float(kinds.loc[kinds.kind == kind, "mean_size"].iloc[0])


def found_missing(model) -> np.ndarray:
    """Found organisations where the landscape has gaps (see the module docstring). Returns new ids."""
    p, o, op = model.people, model.orgs, model.params.organisations
    n_mun, n_nb = model.n_municipalities, len(model.nb_municipality)
    mun_pop = np.bincount(p.municipality, minlength=n_mun).astype(float)
    nb_pop = np.bincount(p.neighbourhood, minlength=n_nb).astype(float)
    new: list[np.ndarray] = []
    per = served(model)
    for k, d in density(model).items():
        mine = o.active & (o.kind == k)
        have = np.stack([np.bincount(o.municipality[mine & (o.age_profile == a)], minlength=n_mun)
                         for a in PROFILES], axis=1)
        name = f"organisations.found_{KINDS[k]}"
        cells, slots = _draws(model, name, (per * d - have).ravel())  # cell = municipality × profile
        # one at a time: each new organisation's size is what its cell still lacks (founding_traits)
        for c, j in zip(cells, slots):
            m, prof = divmod(int(c), len(PROFILES))
            new.append(found(model, KINDS[k], np.array([_pick_nb(model, name, nb_pop, m, c, j)]),
                             profiles=np.array([PROFILES[prof]]), slots=np.array([c * SLOT_SPAN + j])))
    have = np.bincount(o.municipality[o.active & (o.kind == VOLUNTEER_CENTRE)], minlength=n_mun)
    want = np.array([volunteer_centres(op, x) for x in mun_pop])
    name = "organisations.found_volunteer_centre"
    for m, j in zip(*_draws(model, name, (want - have).astype(float))):
        new.append(found(model, "volunteer_centre", np.array([_pick_nb(model, name, nb_pop, m, m, j)]), slots=np.array([j]),
                         capacity=np.array([_mean_size(model, "volunteer_centre") * mun_pop[m] / op.persons_per_volunteer_centre])))
    new.extend(missing_youth_clubs(model))
    # minority organisations by (municipality, origin group)
    n_orig = len(model.origins)
    imm = np.flatnonzero((p.background != MAJORITY) & (p.origin > 0))
    group = model.association_group(imm)  # a group small locally counts with the pooled group
    cnt = np.bincount(p.municipality[imm].astype(np.int64) * n_orig + group, minlength=n_mun * n_orig)
    mine = o.active & (o.kind == MINORITY) & (o.origin > 0)
    have = np.bincount(o.municipality[mine].astype(np.int64) * n_orig + o.origin[mine], minlength=n_mun * n_orig)
    want = np.where(cnt >= op.minority_min_group, np.maximum(1.0, cnt / op.minority_per_immigrants), 0.0)
    for key, j in zip(*_draws(model, "organisations.found_minority", want - have)):
        m, g = divmod(int(key), n_orig)
        w_nb = np.bincount(p.neighbourhood[imm[group == g]], minlength=n_nb).astype(float)
        new.append(found(model, "minority", np.array([_pick_nb(model, f"organisations.found_minority_{g}", w_nb, m, m, j)]),
                         origin=g, minority=True, slots=np.array([j]),
                         capacity=np.array([_mean_size(model, "minority") * cnt[key] / op.minority_per_immigrants])))
    return np.concatenate(new) if new else np.empty(0, np.int64)


def missing_youth_clubs(model) -> list[np.ndarray]:
    """New youth clubs where a municipality's youth 13–17 have outgrown its clubs: one per
    ``youth_per_youth_club`` of them, at least one where there are youth (none when that is 0), in a
    neighbourhood drawn by where the youth live."""
    op, o = model.params.organisations, model.orgs
    if op.youth_per_youth_club <= 0:
        return []
    teens = club_youth(model.people, len(model.nb_municipality))
    youth = np.bincount(model.nb_municipality, weights=teens, minlength=model.n_municipalities)
    want = np.where(youth > 0, np.maximum(1.0, np.round(youth / op.youth_per_youth_club)), 0.0)
    have = np.bincount(o.municipality[o.active & (o.kind == YOUTH_CLUB)], minlength=model.n_municipalities)
    name = "organisations.found_youth_club"
    return [found(model, "youth_club", np.array([_pick_nb(model, name, teens, m, m, j)]), slots=np.array([j]),
                  capacity=np.array([_mean_size(model, "youth_club") * youth[m] / op.youth_per_youth_club]))
            for m, j in zip(*_draws(model, name, want - have))]


def step(model) -> None:
    if not model.params.organisations.founding:
        return
    density(model)
    fold(model)
    found_missing(model)
