"""Person traits: education, Norwegian, work, wage, health, religion, trust, dugnad literacy.

One place draws them for every new person – the initial population (``settled``: drawn from
``origin_groups.csv``'s profile of the stock), newly arrived immigrants (``newcomer``) and
children born in Norway (``newborn``). Sources: ``origin_groups.csv`` (indicative), FACTS §2 and
§4; values not in a file are assumptions named where they are set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.data_files import RELIGION
from model.state import DESCENDANT, IMMIGRANT, MAJORITY, NEVER, REASONS, TRADITIONS

SIMILAR_REGIONS = ("majority", "Nordic", "Western Europe")  # a civil-society tradition like Norway's
HEALTH_DECLINE = 0.008   # yearly fall of mean health after 40 (assumption)


def draw(sc, origins: pd.DataFrame, s: dict[str, np.ndarray], rng, mode: str,
         tradition: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """All per-person columns for persons with skeleton columns ``s`` (uid, household,
    neighbourhood, municipality, background, origin, sex, age, years_in_norway, reason, partner).
    ``mode``: "settled", "newcomer" or "newborn". ``tradition``: known religious tradition per
    person (-1 = draw one per household by origin group)."""
    n = len(s["age"])
    age = s["age"].astype(np.float32)
    bg = s["background"].astype(np.int8)
    origin = s["origin"].astype(np.int16)
    native_profile = np.where(bg == IMMIGRANT, origin, 0)       # the majority row for anyone born here
    profile = np.where(bg == MAJORITY, 0, origin)                 # descendants keep their parents' group
    oget = lambda col: origins[col].to_numpy(float)[profile]
    is_imm = bg == IMMIGRANT
    similar = np.isin(origins["region"].to_numpy()[native_profile], SIMILAR_REGIONS)
    years = s["years_in_norway"].astype(np.float32)
    reason = s["reason"].astype(np.int8)

    education = _education(rng, bg, age, oget("share_higher_education"))
    norwegian = _norwegian(rng, bg, age, years, oget("share_good_norwegian"), mode)
    employed, work_hours = _work(sc, rng, bg, age, reason, oget("employment_rate"),
                                 float(origins.at[0, "employment_rate"]), mode)
    wage = wage_for(sc, rng, education, is_imm)
    health = np.clip(rng.normal(0.9 - HEALTH_DECLINE * np.maximum(0, age - 40), 0.12), 0.05, 1.0).astype(np.float32)
    trad, religious = _religion(rng, origins, s["household"], origin, bg, tradition)
    trust0 = np.where(bg == MAJORITY, 0.72, np.where(bg == DESCENDANT, 0.64, np.where(similar, 0.70, 0.56)))
    trust0 = np.clip(trust0 + rng.normal(0, 0.12, n), 0.02, 0.98).astype(np.float32)
    literacy = _literacy(rng, bg, age, years, similar, mode)
    spread = sc.ladder.motivation_spread   # drawn after the other traits, which keep their draws
    motivation = rng.lognormal(-0.5 * spread ** 2, spread, n).astype(np.float32)
    K = sc.membership.max_memberships
    return dict(
        uid=s["uid"].astype(np.int64), key=s["key"].astype(np.int64), household=s["household"].astype(np.int32),
        neighbourhood=s["neighbourhood"].astype(np.int32), municipality=s["municipality"].astype(np.int32),
        background=bg, origin=origin, sex=s["sex"].astype(np.int8), age=age, education=education,
        norwegian=norwegian, years_in_norway=years, reason=reason,
        right_to_training=is_imm & np.isin(reason, [REASONS.index("refugee"), REASONS.index("family")]),
        employed=employed, work_hours=work_hours, wage=wage, workplace=np.full(n, -1, np.int32),
        health=health, religious=religious, tradition=trad, trust=trust0.copy(), trust0=trust0,
        institutional_trust=np.full(n, sc.trust.institutional_baseline, np.float32),
        literacy=literacy, motivation=motivation, partner=s["partner"].astype(np.int64),
        last_volunteer=np.full(n, NEVER, np.int32), last_volunteer_secular=np.full(n, NEVER, np.int32),
        last_help=np.full(n, NEVER, np.int32), last_asked=np.full(n, NEVER, np.int32),
        last_turned_down=np.full(n, NEVER, np.int32),
        volunteer_hours=np.zeros(n, np.float64),
        eq_income=np.zeros(n, np.float32), low_income=np.zeros(n, bool), income_decile=np.zeros(n, np.int8),
        leisure_budget=np.zeros(n, np.float32),
        arrived_month=np.full(n, NEVER, np.int32),
        mem_org=np.full((n, K), -1, np.int32), mem_role=np.zeros((n, K), np.int8),
        mem_since=np.zeros((n, K), np.int32),
    )


def wage_for(sc, rng, education: np.ndarray, immigrant: np.ndarray) -> np.ndarray:
    """Yearly full-time earnings by education (×0.8 / 1.0 / 1.3) with an immigrant discount (×0.85)
    and a lognormal spread (assumptions around the SSB median, ``economy.median_wage``)."""
    factor = np.array([0.8, 1.0, 1.3])[education] * np.where(immigrant, 0.85, 1.0)
    return (sc.economy.median_wage * factor * rng.lognormal(0, sc.economy.wage_sd_log, len(education))).astype(np.float32)


def education_for(rng, background: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Adult education: high with the group's share (descendants 0.45, between the majority and
    their parents; SSB order of magnitude), low with an assumed share of the rest."""
    high = np.where(background == DESCENDANT, 0.45, high)
    low = np.where(background == IMMIGRANT, 0.40, 0.25) * (1 - high)
    u = rng.random(len(background))
    return np.where(u < high, 2, np.where(u < high + low, 0, 1)).astype(np.int8)


def _education(rng, bg, age, high):
    education = education_for(rng, bg, high)
    young = age < 20
    education[young] = np.where(age[young] < 16, 0, 1)
    return education


def _norwegian(rng, bg, age, years, good_share, mode):
    n = len(bg)
    if mode == "newcomer":   # Scandinavian speakers understand Norwegian, others start near zero
        out = np.where(good_share > 0.9, rng.uniform(0.7, 0.95, n), rng.uniform(0.02, 0.2, n))
    else:
        good = rng.random(n) < good_share
        out = np.where(good, rng.uniform(0.6, 1.0, n), rng.uniform(0.05, 0.6, n))
        kid_imm = (bg == IMMIGRANT) & (age < 18)
        out[kid_imm] = np.maximum(out[kid_imm], np.minimum(1.0, 0.4 + 0.12 * years[kid_imm]))
    out = np.where(bg == MAJORITY, 1.0, out)
    out = np.where(bg == DESCENDANT, rng.uniform(0.85, 1.0, n), out)
    return out.astype(np.float32)


def _work(sc, rng, bg, age, reason, emp_rate, majority_rate, mode):
    """Employment: the group's rate for the stock (given for ages 15–74, hence /0.92); descendants
    between their parents' group and the majority (assumption; SSB shows them close to the
    majority); newcomers: labour migrants come for work (0.9), others find it at half the rate."""
    n = len(bg)
    emp_rate = np.where(bg == DESCENDANT, 0.5 * (emp_rate + majority_rate), emp_rate)
    emp_rate = np.where(bg == MAJORITY, majority_rate, emp_rate)
    labour = (reason == REASONS.index("labour")) & (bg == IMMIGRANT)
    working_age = (age >= 20) & (age < sc.employment.retirement_age)
    if mode == "newcomer":
        chance = np.where(labour, 0.9, 0.5 * emp_rate)
    else:
        chance = np.clip(emp_rate / 0.92, 0, 1)
    employed = working_age & (rng.random(n) < chance)
    hours = np.where(employed, np.where(labour, sc.employment.labour_migrant_hours, sc.employment.normal_hours), 0.0)
    return employed, hours.astype(np.float32)


def _religion(rng, origins, household, origin, bg, known):
    """Each household shares one tradition, drawn by its origin group's mix (RELIGION); persons are
    religiously active with the tradition's chance. ``known`` ≥ 0 keeps a given tradition."""
    n = len(origin)
    profile = np.where(bg == MAJORITY, 0, origin)
    trad = np.full(n, -1, np.int64) if known is None else np.asarray(known, np.int64).copy()
    active_chance = np.zeros(n)
    for o in np.unique(profile):
        mix, active = RELIGION[origins.at[int(o), "religious_tradition"]]
        sel = np.flatnonzero(profile == o)
        active_chance[sel] = active
        todo = sel[trad[sel] < 0]
        if not len(todo):
            continue
        hhs, inv = np.unique(household[todo], return_inverse=True)
        names = list(mix)
        pick = rng.choice(len(names), len(hhs), p=np.array(list(mix.values())) / sum(mix.values()))
        trad[todo] = np.array([TRADITIONS.index(x) for x in names], np.int64)[pick][inv]
    religious = (trad != TRADITIONS.index("none")) & (rng.random(n) < active_chance)
    return trad.astype(np.int8), religious


def _literacy(rng, bg, age, years, similar, mode):
    """Dugnad literacy (knowing how Norwegian organisations work): high for the majority, a little
    lower for descendants, growing with residence for immigrants and higher for those from a
    similar civil-society tradition (assumptions; FACTS §4.2)."""
    n = len(bg)
    if mode == "newcomer":
        imm = 0.12 + 0.3 * similar + rng.normal(0, 0.1, n)
    else:
        imm = 0.12 + 0.45 * np.minimum(1, years / 20) + 0.3 * similar + rng.normal(0, 0.1, n)
    lit = np.where(bg == MAJORITY, rng.beta(8, 2, n), np.where(bg == DESCENDANT, rng.beta(6, 3, n), np.clip(imm, 0.02, 0.98)))
    return np.where(age < 13, lit * 0.5, lit).astype(np.float32)
