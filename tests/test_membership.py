"""Mechanism 2: joining, staying and leaving with barriers."""

import numpy as np

from conftest import blank_model, put
from model.mechanisms import barriers
from model.mechanisms.membership import BLOCKED_LEAVE, join, leave_hazard
from model.state import IMMIGRANT, MAJORITY, MEMBER, PARTICIPANT, VOLUNTEER


def test_join_skips_duplicates_members_and_full_people():
    m = blank_model(200, membership={"max_memberships": 2})
    p = m.people
    a, b = 10, 11
    ok = join(m, np.array([a, a, b]), np.array([0, 1, 0]))
    assert ok.tolist() == [True, False, True]          # a appears twice: only the first counts
    assert join(m, np.array([a]), np.array([0])).tolist() == [False]   # already in org 0
    join(m, np.array([a]), np.array([1]))
    assert join(m, np.array([a]), np.array([2])).tolist() == [False]   # both slots used
    assert sorted(p.mem_org[a].tolist()) == [0, 1]


def test_language_gap_raises_barrier_and_leaving():
    m = blank_model(200)
    p = m.people
    org = int(np.argmax(m.orgs.language_demand))
    adults = np.flatnonzero(p.age >= 25)
    p.norwegian[adults] = 1.0
    # the adult whose hazard has most room to rise (not at the cap for other reasons)
    i = int(adults[np.argmin(leave_hazard(m, adults, np.full(len(adults), org), np.full(len(adults), MEMBER)))])
    s_good, _ = barriers.score(m, np.array([i]), np.array([org]), parts=("language",))
    h_good = leave_hazard(m, np.array([i]), np.array([org]), np.array([MEMBER]))
    p.norwegian[i] = 0.1
    s_bad, _ = barriers.score(m, np.array([i]), np.array([org]), parts=("language",))
    h_bad = leave_hazard(m, np.array([i]), np.array([org]), np.array([MEMBER]))
    assert s_bad[0] > s_good[0] == 0.0
    assert h_bad[0] > h_good[0]


def test_newcomers_leave_more_and_youth_by_barriers_not_origin():
    m = blank_model(300)
    p = m.people
    org = int(np.flatnonzero((m.orgs.tradition < 0) & (m.orgs.origin < 0))[0])
    m.orgs.age_profile[org] = 2   # an all-ages organisation (hand-made)
    i = int(np.flatnonzero(p.age >= 30)[0])
    p.background[i], p.years_in_norway[i] = IMMIGRANT, 20.0
    old = leave_hazard(m, np.array([i]), np.array([org]), np.array([MEMBER]))[0]
    p.years_in_norway[i] = 1.0
    new = leave_hazard(m, np.array([i]), np.array([org]), np.array([MEMBER]))[0]
    assert np.isclose(new, old * m.params.membership.newcomer_leave_multiplier)
    # minority youth quit more only through their barriers (issue 13): origin alone changes nothing
    y = int(np.flatnonzero((p.age >= 14) & (p.age < 17))[0])
    p.years_in_norway[y] = 15.0
    p.background[y] = MAJORITY
    maj = leave_hazard(m, np.array([y]), np.array([org]), np.array([PARTICIPANT]))[0]
    p.background[y] = IMMIGRANT
    assert leave_hazard(m, np.array([y]), np.array([org]), np.array([PARTICIPANT]))[0] == maj
    p.norwegian[y] = 0.0          # a language barrier raises it
    assert leave_hazard(m, np.array([y]), np.array([org]), np.array([PARTICIPANT]))[0] > maj


def test_a_young_adult_who_coaches_stays_in_the_childrens_activity():
    m = blank_model(300)
    p = m.people
    org = int(np.flatnonzero((m.orgs.tradition < 0) & (m.orgs.origin < 0))[0])
    m.orgs.age_profile[org] = 1   # a children's activity (hand-made)
    y = int(np.flatnonzero((p.age >= 19) & (p.age < 25) & ~m.has_school_child[p.household])[0])
    assert leave_hazard(m, np.array([y]), np.array([org]), np.array([PARTICIPANT]))[0] >= 0.2
    assert leave_hazard(m, np.array([y]), np.array([org]), np.array([VOLUNTEER]))[0] < 0.2


def test_fee_no_longer_affordable_makes_people_leave_soon():
    m = blank_model(200)
    p = m.people
    i = int(np.flatnonzero(p.age >= 25)[0])
    org = int(np.flatnonzero(m.orgs.fee_adult > 0)[0])
    put(m, i, org, MEMBER)
    p.leisure_budget[i] = 0.0
    h = leave_hazard(m, np.array([i]), np.array([org]), np.array([MEMBER]))[0]
    assert h >= BLOCKED_LEAVE
