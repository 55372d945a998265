"""Youth clubs (fritidsklubber): open, free arenas youth 13–17 go to on their own (FACTS §3, §7;
issue 13, mechanism 1: "arenas some groups use more")."""

import numpy as np
import pandas as pd
import pytest

from conftest import blank_model, put
from model.mechanisms import barriers, youth
from model.mechanisms import organisations as orgmech
from model.scenario import ScenarioError, load_scenario
from model.state import CHILDREN, KINDS, MEMBER, PARTICIPANT
from model.validation import targets

CLUB = KINDS.index("youth_club")


def clubs(m):
    return np.flatnonzero(m.orgs.active & (m.orgs.kind == CLUB))


def teens(m):
    p = m.people
    return np.flatnonzero((p.age >= 13) & (p.age < 18))


def test_no_youth_clubs_unless_asked_for():
    m = blank_model(800, youth={"drop_in_rate": 1.0})
    assert len(clubs(m)) == 0
    youth.drop_in(m)            # nothing to drop in at: nobody joins
    assert (m.people.mem_role > 0).sum() == 0
    on = blank_model(800, organisations={"youth_per_youth_club": 60}, youth={"drop_in_rate": 1.0})
    youth.drop_in(on)           # the same population with clubs: youth do
    assert (on.people.mem_role > 0).sum() > 0


def test_youth_clubs_follow_the_youth_they_serve():
    m = blank_model(3000, organisations={"youth_per_youth_club": 60})
    o = m.orgs
    c = clubs(m)
    assert len(c) == pytest.approx(len(teens(m)) / 60, abs=m.n_municipalities)
    # run by or with the municipality: formal, linked, free, for youth
    assert o.formal[c].all() and o.linked[c].all()
    assert (o.fee_child[c] == 0).all() and (o.age_profile[c] == CHILDREN).all()


def test_only_youth_13_to_17_take_part():
    m = blank_model(1500, organisations={"youth_per_youth_club": 60})
    p = m.people
    c = clubs(m)
    people = np.flatnonzero(p.municipality == m.orgs.municipality[c[0]])[:5]
    p.age[people] = [9, 13, 17.9, 18, 40]
    m.has_school_child[p.household[people]] = True          # parents may join children's activities, not youth clubs
    ok = barriers.age_fits(m, people, np.full(len(people), c[0]))
    assert ok.tolist() == [False, True, True, False, False]


def test_youth_drop_in_on_their_own_without_their_parents():
    m = blank_model(1500, organisations={"youth_per_youth_club": 60}, youth={"drop_in_rate": 1.0})
    p = m.people
    m.parent_active = np.zeros(m.n_households, bool)
    m.household_literacy[:] = 0.0                              # parents outside organised life
    p.leisure_budget[:] = 0.0                                  # and no money for fees
    for month in range(6):
        m.month = month
        m.streams.month = month
        youth.drop_in(m)
    inside = (p.mem_role > 0) & (m.orgs.kind[np.maximum(p.mem_org, 0)] == CLUB)
    who = np.flatnonzero(inside.any(axis=1))
    assert len(who) > 0.2 * len(teens(m))
    assert ((p.age[who] >= 13) & (p.age[who] < 18)).all()
    # a youth club is not what parents enrol a child in, and does not stop them from enrolling one
    assert not youth.in_activity(m)[who].any()


def test_parents_never_enrol_a_child_in_a_youth_club():
    m = blank_model(1500, organisations={"youth_per_youth_club": 60}, youth={"enrol_rate": 1.0})
    p = m.people
    kids = np.flatnonzero((p.age >= 6) & (p.age < 18))
    found = youth.come_across(m, kids, "youth.which")
    assert len(found) and not (m.orgs.kind[found[found >= 0]] == CLUB).any()


def test_a_youth_with_activities_drops_in_less():
    """busy_decline applies at the youth club too: who already has activities looks in and stays less."""
    rates = {}
    for held in (0, 3):
        m = blank_model(1500, organisations={"youth_per_youth_club": 60}, youth={"drop_in_rate": 1.0},
                        membership={"busy_decline": 0.5})
        p, o = m.people, m.orgs
        t = teens(m)
        p.leisure_budget[:] = 1e6
        other = np.flatnonzero((o.kind != CLUB) & (o.tradition < 0) & (o.age_profile == CHILDREN))[:held]
        for k in t:
            for org in other:
                put(m, int(k), int(org), MEMBER)
        youth.drop_in(m)
        rates[held] = ((p.mem_role[t] == PARTICIPANT) & (o.kind[np.maximum(p.mem_org[t], 0)] == CLUB)).any(axis=1).mean()
    assert rates[3] < 0.5 * rates[0]


def test_founding_replaces_a_youth_club_that_closed():
    m = blank_model(2000, organisations={"youth_per_youth_club": 100, "found_rate": 1.0})
    orgmech.density(m)
    c = clubs(m)
    m.orgs.active[c[0]] = False
    new = orgmech.found_missing(m)
    assert (m.orgs.kind[new] == CLUB).sum() == 1
    assert len(clubs(m)) == len(c)


@pytest.mark.parametrize("value", [1, 49.9])
def test_too_few_youth_per_club_is_an_error(value, tmp_path):
    f = tmp_path / "x.toml"
    f.write_text(f'name = "x"\n[organisations]\nyouth_per_youth_club = {value}\n')
    with pytest.raises(ScenarioError, match=r"x.toml.*organisations.youth_per_youth_club.*0 \(no youth clubs\) or at least 50"):
        load_scenario(f)


@pytest.mark.parametrize("value", [0, 50, 600])
def test_no_clubs_or_fifty_youth_or_more_per_club_load(value, tmp_path):
    f = tmp_path / "x.toml"
    f.write_text(f'name = "x"\n[organisations]\nyouth_per_youth_club = {value}\n')
    assert load_scenario(f).organisations.youth_per_youth_club == value


def test_a_youth_is_in_one_youth_club_at_a_time():
    m = blank_model(3000, organisations={"youth_per_youth_club": 50}, youth={"drop_in_rate": 1.0})
    assert len(clubs(m)) >= 2
    p = m.people
    p.leisure_budget[:] = 1e6
    for month in range(24):
        m.month = month
        m.streams.month = month
        youth.drop_in(m)
    n_clubs = ((p.mem_role > 0) & (m.orgs.kind[np.maximum(p.mem_org, 0)] == CLUB)).sum(axis=1)
    assert n_clubs.max() == 1 and (n_clubs == 1).sum() > 0


def test_youth_clubs_have_no_board_and_keep_their_link():
    from model.mechanisms import ties
    from model.state import OFFICE
    m = blank_model(2000, organisations={"youth_per_youth_club": 60}, ties={"link_decay": 1.0})
    c = clubs(m)
    assert (m.orgs.board_size[c] == 0).all()
    assert not (m.people.mem_role == OFFICE)[np.isin(m.people.mem_org, c)].any()
    others = np.flatnonzero(m.orgs.linked & (m.orgs.kind != CLUB) & (m.orgs.kind != KINDS.index("volunteer_centre")))
    for mun in range(m.n_municipalities):
        ties.update_links(m, mun, policy=False)
    assert m.orgs.linked[c].all()
    assert len(others) and not m.orgs.linked[others].any()   # the decay does act on the rest


def test_hobby_share_counts_youth_clubs_and_culture():
    persons = pd.DataFrame({"person_id": [1, 2, 3], "age": [15, 15, 15], "background": ["majority"] * 3,
                            "sex": ["male"] * 3})
    orgs = pd.DataFrame({"org_id": [10, 11, 12], "kind": ["culture", "youth_club", "sport"]})
    mem = pd.DataFrame({"person_id": [1, 2, 3], "org_id": [10, 11, 12], "role": ["participant"] * 3})
    t = {"persons": persons, "organisations": orgs, "memberships": mem}
    assert targets.hobby_majority_boys(t) == pytest.approx(2 / 3)
