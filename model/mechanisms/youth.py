"""Children's and youth participation (mechanism 6).

FACTS §3: family economy is the main barrier to regular organised leisure (Jacobsen et al. 2021);
parents' own participation (primary socialisation) is the second big barrier, and gender gaps are
larger among minority youth (Ødegård & Fladmoe 2017). §4.10: children starting school pull parents
into school and leisure life.

Each month parents of a child (``start_age``–17) who is in no children's or all-age activity try,
with ``enrol_rate``, to enrol the child in such an activity in the neighbourhood or a city-wide
one (or, failing that, any in the municipality). They go ahead with the logistic chance
``w_parent_active·[a parent is active] + w_parent_literacy·(parents' literacy - 0.5) - penalty(minority, sex)``,
and the child joins unless the fee does not fit the household's leisure budget (barrier score as for
adults). When a child joins, a parent joins the same organisation as a member with ``parent_pull``.
Dropping out (more among minority youth) is in :mod:`model.mechanisms.membership`.
"""

from __future__ import annotations

import numpy as np

from model.mechanisms import barriers
from model.mechanisms.membership import join
from model.mechanisms.recruitment import wants_members
from model.roster import weighted_in_group
from model.state import ADULTS_ONLY, FEMALE, MAJORITY, MEMBER, PARTICIPANT

PARENT_PULL = 0.2   # chance a parent joins with the child (assumption; FACTS §4.10)
BASE_LOGIT = 0.5    # parents' inclination to enrol when no factor speaks against (assumption)


def in_activity(model) -> np.ndarray:
    p = model.people
    org = np.maximum(p.mem_org, 0)
    return ((p.mem_role > 0) & (model.orgs.age_profile[org] != ADULTS_ONLY)).any(axis=1)


def enrol_logit(model, children: np.ndarray) -> np.ndarray:
    p, yp = model.people, model.params.youth
    hh = p.household[children]
    minority = p.background[children] != MAJORITY
    girl = p.sex[children] == FEMALE
    penalty = np.where(minority, np.where(girl, yp.minority_girl_penalty, yp.minority_boy_penalty), 0.0)
    return (BASE_LOGIT + yp.w_parent_active * model.parent_active[hh]
            + yp.w_parent_literacy * (model.household_literacy[hh] - 0.5) - penalty)


def step(model) -> None:
    p, yp, S = model.people, model.params.youth, model.streams
    adult = p.age >= 18
    active = (p.mem_role > 0).any(axis=1)
    model.parent_active = np.bincount(p.household[adult & active], minlength=model.n_households) > 0
    kids = np.flatnonzero((p.age >= yp.start_age) & (p.age < 18) & ~in_activity(model)
                          & (p.mem_org < 0).any(axis=1))
    kids = kids[S.chance("youth.try", p.key[kids], yp.enrol_rate)]
    if not len(kids):
        return
    # an activity seen near home or a city-wide one (else anywhere in the municipality); large ones are seen more
    places, nb = model.youth_org_places, p.neighbourhood[kids]
    u = S.uniform("youth.which", p.key[kids])
    org = places.seen(nb, p.municipality[kids], model.nb_share(nb), u)
    none = org < 0
    org[none] = weighted_in_group(places.anywhere, model.orgs.size_target, p.municipality[kids[none]], u[none])
    ok = org >= 0
    kids, org = kids[ok], org[ok]
    go = S.chance("youth.parents_go_ahead", p.key[kids], 1.0 / (1.0 + np.exp(-enrol_logit(model, kids))))
    kids, org = kids[go], org[go]
    spent = barriers.current_fees(model)[kids]
    s, blocked = barriers.score(model, kids, org, include_fee_in=spent, parts=("language", "health", "fee", "fit", "literacy"))
    # the activity takes children up to about its typical size (recruitment.wants_members)
    yes = ~blocked & S.chance("youth.taken_in", p.key[kids], np.exp(-0.5 * s) * wants_members(model, model.roster())[org])
    joined = join(model, kids[yes], org[yes], PARTICIPANT)
    kids, org = kids[yes][joined], org[yes][joined]
    # a parent comes along (FACTS §4.10)
    pull = S.chance("youth.parent_comes", p.key[kids], PARENT_PULL)
    parents = model.random_adult_in_household(p.household[kids[pull]], S.uniform("youth.which_parent", p.key[kids[pull]]))
    ok = parents >= 0
    join(model, parents[ok], org[pull][ok], MEMBER)
