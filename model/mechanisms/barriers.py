"""Individual and organisational barriers to taking part, as one score per (person, organisation).

Implements FACTS §4.2 (Ødegård et al. 2014; Andersen et al. 2013): weak economy (fees), poor
Norwegian (the key barrier, §4.4, Enjolras & Wollebæk 2010), lack of time (demanding work), not
knowing the dugnad culture, poor health; and §4.3: organisations that demand commitment and
knowledge of member democracy. Also the fit between a person and the kind of organisation
(congregations of one tradition; minority organisations tied to one origin group).

The score feeds saying yes when asked (``exp(-score)``), leaving (``exp(+score)``) and climbing the
ladder. A fee above what the household can spend on organised leisure **blocks** (FACTS §3: family
economy is the main barrier to organised leisure; Jacobsen et al. 2021).
"""

from __future__ import annotations

import numpy as np

from model.state import CHILDREN, FEMALE, KINDS, MAJORITY, YOUTH_AGE, YOUTH_CLUB_AGES

SPORT = KINDS.index("sport")
YOUTH_CLUB = KINDS.index("youth_club")
CARE_AGE = 6   # children below school age need care at home (assumption: school starts at 6)
SECULAR = [KINDS.index(k) for k in ("sport", "culture", "humanitarian", "youth_club")]


def fee(model, persons: np.ndarray, orgs: np.ndarray) -> np.ndarray:
    """Yearly fee (NOK) the person's household pays for taking part, after what others pay
    (the leisure card, :mod:`model.interventions.leisure_card`) and free trial months
    (:mod:`model.interventions.open_recruitment`): a person not yet in the organisation, or in it
    for fewer than ``levers.trial_months`` months, pays nothing."""
    o, lv = model.orgs, model.levers
    persons = np.asarray(persons, np.int64)
    orgs = np.asarray(orgs, np.int64)
    child = model.people.age[persons] < 18
    gross = np.where(child, o.fee_child[orgs], o.fee_adult[orgs]).astype(np.float64)
    if not len(persons):
        return gross
    trial = lv.trial_months[orgs]
    if trial.any():
        p = model.people
        here = p.mem_org[persons] == orgs[:, None]
        since = np.where(here.any(axis=1), (p.mem_since[persons] * here).sum(axis=1), model.month)
        gross = np.where((trial > 0) & (model.month - since < trial), 0.0, gross)
    if lv.fee_covers:
        gross = gross - lv.fee_cover(persons, orgs, gross)
    return gross


def current_fees(model) -> np.ndarray:
    """Fees already paid per person for their present memberships."""
    p = model.people
    rows, cols = np.nonzero(p.mem_role > 0)
    total = np.zeros(len(p), np.float64)
    if len(rows):
        np.add.at(total, rows, fee(model, rows, p.mem_org[rows, cols]))
    return total


def fit(model, persons: np.ndarray, orgs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(misfit score, impossible) of each person with the organisation's kind."""
    p, o = model.people, model.orgs
    misfit = np.zeros(len(persons))
    impossible = np.zeros(len(persons), bool)
    trad = o.tradition[orgs]
    rel = trad >= 0
    impossible |= rel & (p.tradition[persons] != trad)
    misfit += rel & ~p.religious[persons]
    # another group's minority association; a group small in its municipality is at home in the
    # pooled multicultural one (model.organisations.association_groups)
    other = (o.origin[orgs] >= 0) & ~model.own_group_orgs(persons, orgs)
    misfit += np.where(other, np.where(p.background[persons] == MAJORITY, 2.5, 1.5), 0.0)
    # mixed secular activities for girls of religiously active households, sport most (FACTS §3:
    # gender gaps larger among minority youth, largest in sport); the same for every origin group,
    # so the gap follows religiosity
    kind = o.kind[orgs]
    secular = np.isin(kind, SECULAR) & (o.origin[orgs] < 0)
    girls = (p.sex[persons] == FEMALE) & (p.age[persons] < 18) & secular
    if girls.any():
        girls[girls] = religious_households(model)[p.household[persons[girls]]]
        misfit += model.params.youth.misfit_religious_girls * girls * np.where(kind == SPORT, 1.0, 0.5)
    return misfit, impossible


def religious_households(model) -> np.ndarray:
    """Households with a religiously active adult."""
    p = model.people
    return np.bincount(p.household[(p.age >= 18) & p.religious], minlength=model.n_households) > 0


def score(model, persons: np.ndarray, orgs: np.ndarray, *, include_fee_in: np.ndarray | None = None,
          parts: tuple[str, ...] = ("language", "time", "literacy", "health", "fee", "fit")
          ) -> tuple[np.ndarray, np.ndarray]:
    """(barrier score ≥ 0, blocked) for each (person, organisation) pair.

    ``include_fee_in``: fees the person already pays (their other memberships); the new fee
    blocks when the sum exceeds the person's leisure budget."""
    p, o, w = model.people, model.orgs, model.params.membership
    persons = np.asarray(persons, np.int64)
    orgs = np.asarray(orgs, np.int64)
    child = p.age[persons] < 18
    s = np.zeros(len(persons))
    blocked = np.zeros(len(persons), bool)
    demand = o.language_demand[orgs] * np.where(child, 0.5, 1.0)  # children's activities are less wordy
    if "language" in parts:
        s += w.w_language * np.maximum(0.0, demand - p.norwegian[persons])
    if "time" in parts:
        s += w.w_time * o.commitment[orgs] * busy_hours(model, persons) / model.params.employment.normal_hours
    if "literacy" in parts:
        lit = np.where(child, model.household_literacy[p.household[persons]], p.literacy[persons])
        s += w.w_literacy * np.maximum(0.0, o.commitment[orgs] - lit)
    if "health" in parts:
        s += w.w_health * (1.0 - p.health[persons])
    if "fee" in parts:
        f = fee(model, persons, orgs)
        budget = p.leisure_budget[persons]
        spent = include_fee_in if include_fee_in is not None else 0.0
        blocked |= (f > 0) & (f + spent > budget)
        s += w.w_fee * np.where(f > 0, np.minimum(1.0, f / np.maximum(budget, 1.0)), 0.0)
    if "fit" in parts:
        m, imp = fit(model, persons, orgs)
        s += w.w_fit * m
        blocked |= imp
    return s, blocked


def busy_hours(model, persons: np.ndarray) -> np.ndarray:
    """Weekly hours each person is bound elsewhere: paid work, plus ``membership.care_hours`` for
    the carer of a child under :data:`CARE_AGE` (FACTS §4.2: lack of time)."""
    p = model.people
    persons = np.asarray(persons, np.int64)
    return p.work_hours[persons] + model.params.membership.care_hours * carers(model)[persons]


def carers(model) -> np.ndarray:
    """Mask of the persons who care for a small child at home: in a household with a child under
    :data:`CARE_AGE`, the oldest woman 18–54 — the mother in a family household (assumption:
    mothers carry most of the care for small children — issue 13's channel for women's lower
    volunteering besides language)."""
    p = model.people
    small = np.bincount(p.household[p.age < CARE_AGE], minlength=model.n_households) > 0
    cand = np.flatnonzero((p.sex == FEMALE) & (p.age >= 18) & (p.age < 55) & small[p.household])
    cand = cand[np.lexsort((-p.age[cand], p.household[cand]))]     # by household, oldest first
    first = np.ones(len(cand), bool)
    first[1:] = p.household[cand[1:]] != p.household[cand[:-1]]
    out = np.zeros(len(p), bool)
    out[cand[first]] = True
    return out


def age_fits(model, persons: np.ndarray, orgs: np.ndarray) -> np.ndarray:
    """Who can take part where: adults in adult and all-age organisations, and in children's
    activities only as parents; youth 13–17 in children's and all-age activities; children
    under 13 only through their parents (``mechanisms.youth``). Youth clubs take youth of
    ``YOUTH_CLUB_AGES`` only (staff run them: no offices)."""
    p, o = model.people, model.orgs
    age = p.age[persons]
    prof = o.age_profile[orgs]
    adult = age >= 18
    youth = (age >= YOUTH_AGE) & ~adult
    is_child_org = prof == CHILDREN
    club = o.kind[orgs] == YOUTH_CLUB
    club_age = (age >= YOUTH_CLUB_AGES[0]) & (age < YOUTH_CLUB_AGES[1])
    return ((adult & ~club & (~is_child_org | model.has_school_child[p.household[persons]]))
            | (youth & (prof != 0) & (~club | club_age)))
