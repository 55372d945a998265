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

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from model.roster import groups
from model.state import ADULTS_ONLY, ALL_AGES, CHILDREN, KINDS, MAJORITY, OFFICE, TRADITIONS, Orgs, People

if TYPE_CHECKING:
    from model.scenario import Scenario


def build_orgs(sc: Scenario, p: People, kinds: pd.DataFrame, origins: pd.DataFrame, nb_municipality: np.ndarray,
               n_municipalities: int, rng, persons_per_org: np.ndarray | None = None) -> Orgs:
    """The organisation landscape of FACTS §6: about one per ``persons_per_organisation`` inhabitants;
    minority organisations per origin group present, congregations per tradition, the rest sport,
    culture and humanitarian by ``kind_shares``, and volunteer centres by population served
    (:func:`volunteer_centres`, in the most populous neighbourhoods of each municipality)."""
    kinds = kinds.set_index("kind")
    op = sc.organisations
    n = len(p)
    n_nb = len(nb_municipality)
    nb_pop = np.bincount(p.neighbourhood, minlength=n_nb).astype(float)
    rows: list[dict] = []

    def add(kind: str, nb: int, origin: int = -1, tradition: int = -1, minority: bool = False) -> None:
        rows.append(org_row(op, kinds, kind, nb, int(nb_municipality[nb]), rng, origin, tradition, minority,
                            since=-sc.burn_in_months))

    def pick_nb(weights: np.ndarray) -> int:
        return int(rng.choice(n_nb, p=weights / weights.sum()))

    # geography (model/geography.py): persons per organisation per municipality, else one value
    if persons_per_org is None:
        n_total = max(1, round(n / op.persons_per_organisation))
        nb_org_weight = nb_pop
    else:
        mun_pop = np.bincount(p.municipality, minlength=n_municipalities)
        n_total = max(1, round(float((mun_pop / persons_per_org).sum())))
        nb_org_weight = nb_pop / persons_per_org[nb_municipality]  # denser where fewer persons per organisation
    # minority organisations: per origin group present, by its number of immigrants (FACTS §1, §4.5)
    for o in range(1, len(origins)):
        members = (p.origin == o) & (p.background != MAJORITY)
        cnt = int(members.sum())
        if cnt < op.minority_min_group:
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
                add(kind, pick_nb(nb_org_weight + 1e-9))
    for m in range(n_municipalities):  # volunteer centres by population served, at least one per municipality
        nbs = np.flatnonzero(nb_municipality == m)
        for nb in nbs[np.argsort(-nb_pop[nbs], kind="stable")][:volunteer_centres(op, nb_pop[nbs].sum())]:
            add("volunteer_centre", int(nb))
    return orgs_from_rows(rows)


def volunteer_centres(op, inhabitants: float) -> int:
    """Volunteer centres of a municipality: one per ``persons_per_volunteer_centre`` inhabitants,
    at least one (about 480 centres for 5.5 million inhabitants, FACTS §1)."""
    return max(1, round(inhabitants / op.persons_per_volunteer_centre))


def size_target(op, mean_size: float, rng) -> float:
    """An organisation's typical size: lognormal with spread ``size_dispersion`` and mean
    ``mean_size`` of its kind, so most are small and a few large (FACTS §6)."""
    sd = op.size_dispersion
    return float(mean_size * rng.lognormal(-0.5 * sd * sd, sd))


def org_row(op, kinds: pd.DataFrame, kind: str, nb: int, municipality: int, rng, origin: int = -1,
            tradition: int = -1, minority: bool = False, since: int = 0) -> dict:
    """One new organisation of ``kind`` in neighbourhood ``nb``: fees, demands, age profile, board
    size, openness and typical size drawn from its kind's profile (``kinds`` indexed by kind)."""
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
    board = op.board_size if not informal else 2
    return dict(
        kind=kind, neighbourhood=nb, municipality=municipality, formal=not informal,
        minority=minority, origin=origin, tradition=tradition, age_profile=profile,
        # informal groups collect no membership fee (assumption)
        fee_adult=0.0 if informal else float(k["fee_adult"]) * jitter,
        fee_child=0.0 if informal else float(k["fee_child"]) * jitter,
        language_demand=float(np.clip(k["language_demand"] + rng.normal(0, 0.08), 0, 1)),
        commitment=float(np.clip(k["commitment"] + rng.normal(0, 0.08), 0, 1)),
        board_size=board,
        openness=min(1.0, op.openness * float(k["openness_multiplier"])),
        # at least its board and a handful of members (assumption): no organisation aims to fold
        linked=linked, size_target=max(board + 5.0, size_target(op, float(k["mean_size"]), rng)),
        active=True, founded=since, thin_months=0,
    )


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
        size_target=col("size_target", np.float32), meet_factor=np.ones(len(df), np.float32),
        active=col("active", bool), founded=col("founded", np.int32), thin_months=col("thin_months", np.int16),
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


def found(model, kind: str, neighbourhoods: np.ndarray, origin: int = -1, minority: bool = False) -> np.ndarray:
    """Found new organisations of ``kind``, one in each of ``neighbourhoods`` (of ``origin`` for
    minority organisations): rows appended to ``model.orgs`` with a board drawn as at the start
    (:func:`found_boards`); every per-organisation store grows (``model.orgs_added``). Returns the
    new organisation ids."""
    nbs = np.asarray(neighbourhoods, np.int64)
    if not len(nbs):
        return np.empty(0, np.int64)
    kinds = model.world.kinds.set_index("kind")
    op = model.params.organisations
    rows = [org_row(op, kinds, kind, int(nb), int(model.nb_municipality[nb]), model.rng, origin, -1, minority,
                    since=model.month) for nb in nbs]
    new = orgs_from_rows(rows)
    ids = model.orgs.extend(**{c: getattr(new, c) for c in model.orgs.columns})
    found_boards(model.people, model.orgs, model.rng, since=model.month, ids=ids)
    model.orgs_added(ids)
    return ids
