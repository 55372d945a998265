"""Mechanism: volunteer hours (issue 13, mechanism 7) on hand-made organisations."""

import numpy as np
import pytest

from conftest import blank_model, put
from model.mechanisms import hours
from model.state import MAJORITY, MEMBER, OFFICE, PARTICIPANT, VOLUNTEER


def adults(m, n):
    p = m.people
    who = [int(i) for i in np.flatnonzero((p.background == MAJORITY) & (p.age >= 25))[:n]]
    p.work_hours[who] = 0.0
    return who


def model(**ladder):
    return blank_model(300, ladder={"hours_per_participant": 1.0, "max_volunteer_hours": 30.0, **ladder})


def test_the_work_is_shared_among_volunteers_and_offices():
    m = model()
    org = 0
    vol, office, *served = adults(m, 12)
    put(m, vol, org, VOLUNTEER)
    put(m, office, org, OFFICE)
    for s in served:
        put(m, s, org, PARTICIPANT)
    hours.step(m)
    h = m.people.volunteer_hours
    # 12 taking part → 12 hours; the office holder carries twice a volunteer's part
    assert h[vol] == pytest.approx(4.0) and h[office] == pytest.approx(8.0)
    assert all(h[s] == 0 for s in served)


def test_few_volunteers_serving_many_give_more_hours():
    m = model()
    small, big = 0, 1
    a, b, c, *rest = adults(m, 23)
    put(m, a, small, VOLUNTEER)
    for s in rest[:9]:
        put(m, s, small, MEMBER)
    put(m, b, big, VOLUNTEER)
    put(m, c, big, VOLUNTEER)
    for s in rest[9:20]:
        put(m, s, big, MEMBER)
    hours.step(m)
    h = m.people.volunteer_hours
    assert h[a] == pytest.approx(10.0) and h[b] == pytest.approx(6.5) == h[c]


def test_paid_work_caps_the_hours():
    m = model(hours_per_participant=10.0)
    vol, *served = adults(m, 10)
    put(m, vol, 0, VOLUNTEER)
    for s in served:
        put(m, s, 0, PARTICIPANT)
    hours.step(m)
    assert m.people.volunteer_hours[vol] == pytest.approx(30.0)  # 100 asked, 30 free hours
    m.people.work_hours[vol] = m.params.employment.normal_hours
    hours.step(m)
    assert m.people.volunteer_hours[vol] == pytest.approx(15.0)  # half at normal hours
    m.people.work_hours[vol] = 3 * m.params.employment.normal_hours
    hours.step(m)
    assert m.people.volunteer_hours[vol] == pytest.approx(30.0 * hours.MIN_TIME_SHARE)


def test_nobody_volunteering_means_no_hours_and_stale_hours_are_cleared():
    m = model()
    vol, member = adults(m, 2)
    put(m, vol, 0, VOLUNTEER)
    put(m, member, 0, MEMBER)
    hours.step(m)
    assert m.people.volunteer_hours[vol] > 0
    m.people.mem_role[vol][m.people.mem_org[vol] == 0] = MEMBER
    hours.step(m)
    assert not m.people.volunteer_hours.any()


def test_the_cap_holds_over_several_organisations():
    m = model(hours_per_participant=4.0)
    vol, *served = adults(m, 9)
    put(m, vol, 0, VOLUNTEER)
    put(m, vol, 1, OFFICE)
    for s in served[:4]:
        put(m, s, 0, PARTICIPANT)
    for s in served[4:]:
        put(m, s, 1, PARTICIPANT)
    hours.step(m)
    # asked 5·4 = 20 in each organisation, 40 in all; 30 free hours
    assert m.people.volunteer_hours[vol] == pytest.approx(30.0)


def test_hours_follow_the_months_final_roles():
    from model.mechanisms import ORDER

    names = [n for n, _ in ORDER]
    assert names.index("hours") > max(names.index("ladder"), names.index("organisations"), names.index("membership"))


def test_programme_hours_come_first_and_are_what_the_intervention_values():
    """A mentor's hours (issue 13: interventions' volunteer time valued from the hours mechanism):
    given within the mentor's time, counted in their volunteer_hours before organisations' work."""
    from model.interventions.base import Intervention

    m = blank_model(300)
    p = m.people
    v = int(np.flatnonzero((p.age >= 30) & ~p.employed)[0])
    cap = float(hours.time_cap(m, np.array([v]))[0])
    iv = Intervention.__new__(Intervention)
    iv.model = m
    # v also volunteers in an organisation whose work alone would fill their time
    org = int(np.flatnonzero(m.orgs.active & (m.orgs.municipality == p.municipality[v]))[0])
    put(m, v, org, VOLUNTEER)
    others = np.flatnonzero((p.age >= 18) & (p.municipality == p.municipality[v]))
    for k in others[others != v][:int(4 * cap / m.params.ladder.hours_per_participant)]:
        put(m, int(k), org, PARTICIPANT)
    hours.step(m)
    assert p.volunteer_hours[v] == pytest.approx(cap)          # the organisation's work fills the time ...
    m.levers.programme_hours[v] = 0.0
    given = iv.volunteer_time(np.array([v, v]), np.array([cap * 0.75, cap * 0.75]))
    assert np.allclose(given, [cap * 0.75, cap * 0.25])      # the second ask gets only what time is left
    hours.step(m)
    assert p.volunteer_hours[v] == pytest.approx(cap)          # ... and programme hours come first, nothing on top
    m.levers.programme_hours[v] = cap * 0.5
    hours.step(m)
    assert p.volunteer_hours[v] == pytest.approx(cap)          # the organisation fills the rest


def test_the_more_motivated_take_a_larger_part_of_the_work():
    """FACTS §2: volunteers with more motivation give more hours; the organisation's need is fixed."""
    m = model()
    keen, calm, *served = adults(m, 10)
    m.people.motivation[keen], m.people.motivation[calm] = 3.0, 1.0
    put(m, keen, 0, VOLUNTEER)
    put(m, calm, 0, VOLUNTEER)
    for s in served:
        put(m, s, 0, PARTICIPANT)
    hours.step(m)
    h = m.people.volunteer_hours
    assert h[keen] == pytest.approx(7.5) and h[calm] == pytest.approx(2.5)   # 10 hours shared 3:1
