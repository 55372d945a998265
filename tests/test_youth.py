"""Mechanism 6: children's and youth participation with no ethnic term (issue 13, mechanism 1)."""

import numpy as np
import pytest

from conftest import blank_model, put
from model.mechanisms import barriers, youth
from model.state import FEMALE, IMMIGRANT, KINDS, MAJORITY, MEMBER, TRADITIONS

SPORT, CULTURE, RELIGIOUS = (KINDS.index(k) for k in ("sport", "culture", "religious"))


def four_kids(m):
    """A majority boy and girl and an immigrant boy and girl, each in a household of its own."""
    p = m.people
    kids = np.flatnonzero((p.age >= 8) & (p.age < 16))
    households = np.unique(p.household[kids], return_index=True)[1][:4]
    kids = kids[households]
    for k, (bg, sex) in zip(kids, [(MAJORITY, 0), (MAJORITY, FEMALE), (IMMIGRANT, 0), (IMMIGRANT, FEMALE)]):
        p.background[k], p.sex[k] = bg, sex
    return kids


def test_enrolment_chance_does_not_depend_on_origin_or_sex():
    m = blank_model(600)
    m.parent_active = np.zeros(m.n_households, bool)
    kids = four_kids(m)
    m.household_literacy[m.people.household[kids]] = 0.6
    lg = youth.enrol_logit(m, kids)
    assert np.all(lg == lg[0])
    # a parent who takes part raises the chance (primary socialisation), and so does literacy
    m.parent_active[m.people.household[kids[3]]] = True
    m.household_literacy[m.people.household[kids[2]]] = 0.9
    later = youth.enrol_logit(m, kids)
    assert later[3] > lg[3] and later[2] > lg[2] and later[0] == lg[0]


def test_families_no_information_reaches_do_not_try():
    m = blank_model(400, youth={"enrol_rate": 1.0})
    p = m.people
    p.literacy[:] = 0.0
    kids = np.flatnonzero((p.age >= 6) & (p.age < 18))
    for _ in range(3):
        m.month += 1
        youth.step(m)
    assert (p.mem_role[kids] == 0).all()
    m.levers.info[:] = 1.0   # a campaign reaches every household
    m.month += 1
    youth.step(m)
    assert (p.mem_role[kids] > 0).any()


def test_household_information_is_its_best_informed_adult():
    m = blank_model(300)
    p = m.people
    p.literacy[:] = 0.0
    adult = int(np.flatnonzero(p.age >= 18)[0])
    p.literacy[adult] = 1.0
    info = youth.household_information(m)
    assert info[p.household[adult]] == pytest.approx(0.3)
    assert np.count_nonzero(info) == 1


def test_religiously_active_parents_look_to_their_congregation_first():
    m = blank_model(600, youth={"religious_arena": 1.0})
    p, o = m.people, m.orgs
    congregations = np.flatnonzero((o.kind == RELIGIOUS) & o.active & (o.tradition >= 0))
    c = int(congregations[0])
    kids = np.flatnonzero((p.age >= 6) & (p.age < 18) & (p.municipality == o.municipality[c]))[:20]
    hh = np.isin(p.household, p.household[kids])
    p.tradition[hh] = o.tradition[c]
    p.religious[hh & (p.age >= 18)] = True
    found = youth.find_activity(m, kids)
    assert np.all(o.kind[found] == RELIGIOUS) and np.all(o.tradition[found] == o.tradition[c])
    p.religious[hh] = False   # not active: they come across what is near home
    found = youth.find_activity(m, kids)
    assert not np.all(o.kind[found] == RELIGIOUS)


def test_another_groups_association_sends_parents_looking_again():
    m = blank_model(800)
    p, o = m.people, m.orgs
    kids = np.flatnonzero((p.age >= 6) & (p.age < 18))
    foreign = (o.origin >= 0) & ~m.own_group_orgs(np.repeat(kids[:1], len(o)), np.arange(len(o)))
    p.origin[kids] = p.origin[kids[0]]
    p.background[kids] = p.background[kids[0]]
    found = youth.find_activity(m, kids)
    # how often the first look alone lands on another group's association
    u = m.streams.uniform("youth.which", p.key[kids])
    first = m.youth_org_places.seen(p.neighbourhood[kids], p.municipality[kids], m.nb_share(p.neighbourhood[kids]), u)
    seen_foreign = foreign[first[first >= 0]].mean()
    kept_foreign = foreign[found[found >= 0]].mean()
    assert seen_foreign > 0
    assert kept_foreign < seen_foreign


def test_sport_misfit_follows_religiosity_not_origin():
    m = blank_model(600, youth={"misfit_religious_girls": 2.0})
    p, o = m.people, m.orgs
    kids = four_kids(m)
    sport = np.full(4, int(np.flatnonzero((o.kind == SPORT) & o.active)[0]))
    culture = np.full(4, int(np.flatnonzero((o.kind == CULTURE) & o.active & (o.origin < 0))[0]))
    p.religious[:] = False
    base = barriers.fit(m, kids, sport)[0]
    assert np.all(base == 0)
    p.religious[np.isin(p.household, p.household[kids]) & (p.age >= 18)] = True
    p.tradition[np.isin(p.household, p.household[kids])] = TRADITIONS.index("protestant")
    mis = barriers.fit(m, kids, sport)[0]
    assert mis[0] == mis[2] == 0 and mis[1] == mis[3] == 2.0      # girls only, majority and immigrant alike
    assert np.all(barriers.fit(m, kids, culture)[0][[1, 3]] == 1.0)  # half for other secular activities


def test_a_parent_who_joins_with_the_child_is_a_member():
    m = blank_model(400, youth={"enrol_rate": 1.0})
    p = m.people
    m.levers.info[:] = 1.0
    p.leisure_budget[:] = 1e6
    for _ in range(6):
        m.month += 1
        youth.step(m)
    kids = np.flatnonzero((p.age < 18) & (p.mem_role > 0).any(axis=1))
    assert len(kids)
    # some parent is a member of an organisation their own child takes part in
    pulled = [(p.household[a] == p.household[kids]) & np.isin(p.mem_org[kids], p.mem_org[a][p.mem_role[a] == MEMBER]).any(axis=1)
              for a in np.flatnonzero((p.age >= 18) & (p.mem_role == MEMBER).any(axis=1))]
    assert any(x.any() for x in pulled)


def test_a_pulled_parent_does_not_join_a_second_congregation():
    m = blank_model(600, youth={"religious_arena": 1.0, "enrol_rate": 1.0}, organisations={"one_congregation": True})
    p, o = m.people, m.orgs
    m.levers.info[:] = 1.0
    congregations = np.flatnonzero((o.kind == RELIGIOUS) & o.active & (o.tradition >= 0))
    for a in np.flatnonzero(p.age >= 18):   # every adult already belongs to a congregation of their tradition
        opts = congregations[(o.tradition[congregations] == p.tradition[a]) & (o.municipality[congregations] == p.municipality[a])]
        if len(opts):
            put(m, int(a), int(opts[0]), MEMBER)
    for _ in range(4):
        m.month += 1
        youth.step(m)
    adults = p.age >= 18
    n_congregations = ((p.mem_org >= 0) & (o.tradition[np.maximum(p.mem_org, 0)] >= 0) & (p.mem_role > 0)).sum(axis=1)
    assert n_congregations[adults].max() <= 1


def test_liking_chooses_between_two_offers_and_not_whether():
    """Issue 13, mechanism 2: a child who likes only sport picks the sport club of two offers; a
    child who likes neither still picks one (liking sets the kind, not the level)."""
    m = blank_model(400, preferences={"boys": {"sport": 1.0, "culture": 0.0}})
    p, o = m.people, m.orgs
    boys = np.flatnonzero((p.age >= 8) & (p.age < 16) & (p.sex == 0))[:50]
    sport = int(np.flatnonzero(o.kind == SPORT)[0])
    culture = int(np.flatnonzero(o.kind == CULTURE)[0])
    first, second = np.full(len(boys), culture), np.full(len(boys), sport)
    assert (youth.choose(m, boys, first, second) == sport).all()
    assert (youth.choose(m, boys, second, first) == sport).all()
    # none on offer on one side: the other is taken; none at all: -1
    assert (youth.choose(m, boys, np.full(len(boys), -1), first) == culture).all()
    assert (youth.choose(m, boys, np.full(len(boys), -1), np.full(len(boys), -1)) == -1).all()
    assert (youth.choose(m, boys, first, np.full(len(boys), -1)) == culture).all()
    # two offers liked not at all: taken as they come (the first), not refused
    m0 = blank_model(400, preferences={"boys": {"sport": 0.0, "culture": 0.0}})
    assert (youth.choose(m0, boys, first, second) == culture).all()
    # equal liking: both picked, about half each
    m2 = blank_model(400, preferences={"boys": {"sport": 0.5, "culture": 0.5}})
    picks = youth.choose(m2, boys, first, second)
    assert 0.2 < (picks == sport).mean() < 0.8
