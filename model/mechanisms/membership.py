"""Joining, staying and leaving (mechanism 2).

FACTS §4.2–4.4: the barriers of :mod:`model.mechanisms.barriers` make people leave more often;
short residence (newcomers) drop out more. Minority youth "try organisations about as often, but
quit more" (Ødegård & Fladmoe 2017): here through the same barriers as everyone's (a household
budget the fees no longer fit, language, their parents' dugnad literacy), not an ethnic factor. A fee that no longer fits the household
budget (a lost job) makes people leave soon. Volunteers and office holders are more committed.
"""

from __future__ import annotations

import numpy as np

from model.mechanisms import barriers
from model.state import ADULTS_ONLY, MAJORITY, NONE, PARTICIPANT, VOLUNTEER

LEAVE_SENSITIVITY = 0.6   # how strongly the barrier score raises leaving (assumption)
BLOCKED_LEAVE = 0.25      # monthly chance of leaving when the fee no longer fits the budget (assumption)
COMMITTED_FACTOR = 0.5    # volunteers and office holders leave at half the rate (assumption)


def join(model, persons: np.ndarray, orgs: np.ndarray, role: int = PARTICIPANT) -> np.ndarray:
    """Put each person into the organisation in a free membership slot. Pairs where the person is
    already in the organisation, has no free slot, or appears earlier in the batch are skipped.
    Returns the mask of pairs that joined."""
    p = model.people
    persons = np.asarray(persons, np.int64)
    orgs = np.asarray(orgs, np.int64)
    ok = np.zeros(len(persons), bool)
    if not len(persons):
        return ok
    _, first = np.unique(persons, return_index=True)
    ok[first] = True
    ok &= ~(p.mem_org[persons] == orgs[:, None]).any(axis=1)
    free = p.mem_org[persons] < 0
    ok &= free.any(axis=1)
    idx = np.flatnonzero(ok)
    col = np.argmax(free[idx], axis=1)
    pi = persons[idx]
    p.mem_org[pi, col] = orgs[idx]
    p.mem_role[pi, col] = role
    p.mem_since[pi, col] = model.month
    model.memberships_changed()
    return ok


def leave(model, persons: np.ndarray, cols: np.ndarray) -> None:
    p = model.people
    p.mem_org[persons, cols] = -1
    p.mem_role[persons, cols] = NONE
    model.memberships_changed()


def leave_hazard(model, persons: np.ndarray, orgs: np.ndarray, roles: np.ndarray) -> np.ndarray:
    """Monthly chance that each (person, organisation) membership ends."""
    p, mp = model.people, model.params.membership
    others = barriers.current_fees(model)[persons] - barriers.fee(model, persons, orgs)
    s, blocked = barriers.score(model, persons, orgs, include_fee_in=others)
    h = mp.leave_base * np.exp(LEAVE_SENSITIVITY * s)
    newcomer = (p.background[persons] != MAJORITY) & (p.years_in_norway[persons] < mp.newcomer_years)
    h = np.where(newcomer, h * mp.newcomer_leave_multiplier, h)
    h = np.where(roles >= VOLUNTEER, h * COMMITTED_FACTOR, h)
    h = np.where(blocked, np.maximum(h, BLOCKED_LEAVE), h)
    # out of place by age: an adult whose children have grown out of a children's activity,
    # or a youth turned adult in a children's activity — unless they do its unpaid work (coaches and
    # leaders of children's activities are often parents and young adults who grew up in the club)
    misplaced = ~barriers.age_fits(model, persons, orgs) & (p.age[persons] >= 6) & (roles < VOLUNTEER)
    young_child_ok = (p.age[persons] < 13) & (model.orgs.age_profile[orgs] != ADULTS_ONLY)
    h = np.where(misplaced & ~young_child_ok, np.maximum(h, 0.2), h)
    return np.minimum(h, 1.0)


def step(model) -> None:
    """Each membership ends this month with a hazard rising with its barriers."""
    R = model.roster()
    if not len(R):
        return
    persons, orgs = R.person.astype(np.int64), R.org.astype(np.int64)
    go = model.streams.chance("membership.leave", model.people.key[persons], leave_hazard(model, persons, orgs, R.role),
                              model.orgs.key[orgs])
    if go.any():
        leave(model, persons[go], R.col[go].astype(np.int64))
