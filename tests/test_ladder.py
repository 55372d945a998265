"""Mechanism 3: the participation ladder and self-recruiting offices."""

import numpy as np

from conftest import blank_model, put
from model.mechanisms import ladder
from model.state import MAJORITY, MEMBER, NEVER, OFFICE, PARTICIPANT, VOLUNTEER


def formal_org(m, board=2):
    o = m.orgs
    org = int(np.flatnonzero(o.formal & (o.tradition < 0) & (o.origin < 0))[0])
    o.board_size[org] = board
    return org


def majority_adults(m, n):
    p = m.people
    return [int(i) for i in np.flatnonzero((p.background == MAJORITY) & (p.age >= 25))[:n]]


def test_vacant_office_goes_to_a_tie_of_the_sitting_board():
    for seed in range(5):
        m = blank_model(300, seed=seed, ladder={"self_recruitment": 1.0})
        org = formal_org(m)
        holder, tied, untied = majority_adults(m, 3)
        put(m, holder, org, OFFICE)
        put(m, tied, org, MEMBER)
        put(m, untied, org, VOLUNTEER)      # volunteers are otherwise preferred
        m.ties.add(np.array([holder]), np.array([tied]), 0.5)
        m.month = 50
        ladder.fill_offices(m)
        assert OFFICE in m.people.mem_role[tied]
        assert OFFICE not in m.people.mem_role[untied]


def test_newly_joined_members_are_not_elected():
    m = blank_model(300)
    org = formal_org(m)
    holder, newbie = majority_adults(m, 2)
    put(m, holder, org, OFFICE)
    m.month = 10
    put(m, newbie, org, VOLUNTEER, since=9)
    ladder.fill_offices(m)
    assert OFFICE not in m.people.mem_role[newbie]
    m.month = 9 + m.params.ladder.office_min_months
    ladder.fill_offices(m)
    assert OFFICE in m.people.mem_role[newbie]


def test_participants_become_members_only_in_formal_organisations():
    m = blank_model(300, ladder={"member_rate": 1.0, "volunteer_rate": 0.0})
    o = m.orgs
    formal = formal_org(m)
    informal = int(np.flatnonzero(~o.formal)[0]) if (~o.formal).any() else None
    a, b = majority_adults(m, 2)
    m.people.literacy[[a, b]] = 1.0
    put(m, a, formal, PARTICIPANT)
    if informal is not None:
        put(m, b, informal, PARTICIPANT)
    ladder.promote(m)
    assert MEMBER in m.people.mem_role[a]
    if informal is not None:
        assert MEMBER not in m.people.mem_role[b]


def test_volunteering_is_recorded_for_twelve_months():
    m = blank_model(200)
    org = formal_org(m)
    (a,) = majority_adults(m, 1)
    put(m, a, org, VOLUNTEER)
    m.month = 5
    ladder.record_volunteering(m)
    assert m.people.last_volunteer[a] == 5
    (b,) = [i for i in majority_adults(m, 3) if i != a][:1]
    ladder.record_volunteering(m)
    assert m.people.last_volunteer[b] == NEVER


def test_informal_help_needs_ties():
    m = blank_model(300, ladder={"informal_help_rate": 1.0})
    a, b, c, d, e = majority_adults(m, 5)
    m.ties.add(np.array([a, a, a, a]), np.array([b, c, d, e]), 0.5)
    m.month = 3
    ladder.informal_help(m)
    p = m.people
    assert p.last_help[a] == 3
    isolated = np.flatnonzero(m.ties.degree() == 0)
    assert (p.last_help[isolated] == NEVER).all()


def test_the_board_turns_to_long_standing_members_whatever_their_norwegian():
    """Offices through long membership (issue 13, mechanism 5): of two members unknown to the
    board, the one of ten years' standing is chosen about ten times as often as the one of one
    year's, and Norwegian skill does not enter the choice."""
    long_wins = 0
    for seed in range(40):
        m = blank_model(300, seed=seed, ladder={"self_recruitment": 0.0})
        org = formal_org(m, board=1)
        old, new = majority_adults(m, 2)
        m.month = 200
        put(m, old, org, MEMBER, since=80)   # ten years
        put(m, new, org, MEMBER, since=188)  # one year
        m.people.norwegian[old], m.people.norwegian[new] = 0.1, 1.0
        ladder.fill_offices(m)
        long_wins += OFFICE in m.people.mem_role[old]
    assert long_wins >= 30   # expected 40 × 10/11 ≈ 36


def test_standing_counts_up_to_ten_years():
    m = blank_model(200)
    org = formal_org(m)
    a, b = majority_adults(m, 2)
    m.month = 400
    put(m, a, org, MEMBER, since=394)
    put(m, b, org, MEMBER, since=0)
    cols = np.array([int(np.flatnonzero(m.people.mem_org[x] == org)[0]) for x in (a, b)])
    assert np.allclose(ladder.standing_years(m, np.array([a, b]), cols), [7 / 12, ladder.LONG_STANDING_YEARS])


def test_the_motivated_take_on_unpaid_work_sooner():
    m = blank_model(300, ladder={"member_rate": 0.0, "volunteer_rate": 0.5})
    org = formal_org(m)
    p = m.people
    members = majority_adults(m, 60)
    keen, calm = members[:30], members[30:]
    p.motivation[keen], p.motivation[calm] = 1.9, 0.1
    for person in members:
        put(m, person, org, MEMBER)
    ladder.promote(m)
    role = lambda ids: sum(VOLUNTEER in p.mem_role[i] for i in ids)
    assert role(keen) > role(calm)
