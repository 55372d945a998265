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

from model.state import ADULTS_ONLY, ALL_AGES, CHILDREN, KINDS, MAJORITY, OFFICE, TRADITIONS, Orgs, People

if TYPE_CHECKING:
    from model.scenario import Scenario


def build_orgs(sc: Scenario, p: People, kinds: pd.DataFrame, origins: pd.DataFrame, nb_municipality: np.ndarray,
               n_municipalities: int, rng) -> Orgs:
    """The organisation landscape of FACTS §6: about one per ``persons_per_organisation`` inhabitants;
    minority organisations per origin group present, congregations per tradition, the rest sport,
    culture and humanitarian by ``kind_shares``, and one volunteer centre per municipality."""
    kinds = kinds.set_index("kind")
    op = sc.organisations
    n = len(p)
    n_nb = len(nb_municipality)
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
            kind=kind, neighbourhood=nb, municipality=int(nb_municipality[nb]), formal=not informal,
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
    for m in range(n_municipalities):  # one volunteer centre per municipality
        nbs = np.flatnonzero(nb_municipality == m)
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


def found_boards(p: People, orgs: Orgs, rng, since: int) -> None:
    """Each organisation starts with its board, drawn from its neighbourhood (then municipality)
    among people with the highest dugnad literacy — the self-recruiting core (FACTS §4.3)."""
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
