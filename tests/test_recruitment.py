"""Mechanism 1: recruitment by asking."""

import numpy as np

from conftest import blank_model, put
from model.mechanisms import recruitment
from model.state import MAJORITY, MEMBER, NEVER, VOLUNTEER


def adult_org(m):
    """A formal, fee-free-enough majority organisation open to adults."""
    o = m.orgs
    ok = np.flatnonzero(~o.minority & (o.tradition < 0) & (o.age_profile != 1) & o.formal)
    org = int(ok[0])
    o.fee_adult[org] = 0.0
    o.openness[:] = 0.0
    return org


def adults_of(m, background, n, exclude=()):
    p = m.people
    ids = [int(i) for i in np.flatnonzero((p.age >= 25) & (p.age < 60) & (p.background == background)) if i not in exclude]
    return ids[:n]


def test_person_without_ties_is_never_asked():
    m = blank_model(400, recruitment={"ask_rate": 1.0, "self_join_rate": 0.0})
    org = adult_org(m)
    askers = adults_of(m, MAJORITY, 5)
    for a in askers:
        put(m, a, org, VOLUNTEER)
    others = adults_of(m, MAJORITY, 20, exclude=askers)
    isolate, friends = others[0], others[1:]
    m.ties.add(np.repeat(askers, len(friends)), np.tile(friends, len(askers)), 0.5)
    for _ in range(30):
        m.month += 1  # a new month: new draws
        recruitment.ask(m)
    assert m.people.last_asked[isolate] == NEVER
    assert (m.people.mem_org[isolate] < 0).all()
    assert (m.people.last_asked[friends] != NEVER).any()  # the mechanism does ask the connected


def test_recruiters_ask_their_own_group_when_homophily_is_total():
    m = blank_model(600, recruitment={"ask_rate": 1.0, "homophily": 0.0, "accept_base": 0.0})
    org = adult_org(m)
    p = m.people
    native = [i for i in adults_of(m, MAJORITY, 50) if p.origin[i] == 0]   # "same group": same origin
    asker, same = native[0], native[1:4]
    put(m, asker, org, MEMBER)
    other = [int(i) for i in np.flatnonzero((p.background != MAJORITY) & (p.age >= 20))[:3]]
    p.municipality[:] = 0
    m.ties.add(np.full(6, asker), np.array(same + other), 0.5)
    for _ in range(60):
        m.month += 1  # a new month: new draws
        recruitment.ask(m)
    assert (p.last_asked[other] == NEVER).all()
    assert (p.last_asked[same] != NEVER).all()


def test_minority_declines_majority_asker():
    m = blank_model(600, recruitment={"accept_base": 1.0, "minority_declines_majority": 1.0})
    org = adult_org(m)
    p = m.people
    asker = adults_of(m, MAJORITY, 1)[0]
    target = int(np.flatnonzero((p.background != MAJORITY) & (p.age >= 20))[0])
    p.leisure_budget[target] = 1e6
    n = 300
    yes = recruitment.decide(m, np.full(n, asker), np.full(n, target), np.full(n, org))
    assert not yes.any()
    m2 = blank_model(600, recruitment={"accept_base": 1.0, "minority_declines_majority": 0.0})
    org2 = adult_org(m2)
    m2.people.leisure_budget[target] = 1e6
    yes2 = recruitment.decide(m2, np.full(n, asker), np.full(n, target), np.full(n, org2))
    assert yes2.any()


def test_fee_above_budget_blocks_joining():
    m = blank_model(300, recruitment={"accept_base": 1.0})
    org = adult_org(m)
    target = adults_of(m, MAJORITY, 1)[0]
    m.orgs.fee_adult[org] = 2000.0
    m.people.leisure_budget[target] = 1999.0
    def answers():   # one answer a month (a person's answer to one organisation is one draw a month)
        out = []
        for _ in range(40):
            m.month += 1
            out.append(recruitment.decide(m, None, np.array([target]), np.array([org]))[0])
        return np.array(out)
    assert not answers().any()
    m.people.leisure_budget[target] = 50_000.0
    assert answers().any()


def test_low_status_people_are_asked_less():
    m = blank_model(300)
    p = m.people
    a = adults_of(m, MAJORITY, 2)
    p.low_income[a[0]] = True
    p.low_income[a[1]] = False
    p.education[a[1]] = 2
    p.employed[a[1]] = True
    assert recruitment.low_status(m, np.array(a)).tolist() == [True, False]


def test_one_congregation_at_a_time():
    """organisations.one_congregation: a member of one congregation may not join a second one
    (one parish, mosque or temple), but may join any other organisation; switched off, they may."""
    for on in (True, False):
        m = blank_model(2000, organisations={"one_congregation": on})
        p, o = m.people, m.orgs
        rel = np.flatnonzero(o.kind == recruitment.RELIGIOUS)
        a, b = int(rel[0]), int(rel[1])
        o.municipality[b], o.tradition[b] = o.municipality[a], o.tradition[a]   # two congregations of one tradition
        person = int(np.flatnonzero((p.age >= 30) & (p.municipality == o.municipality[a]))[0])
        other = int(np.flatnonzero((o.kind != recruitment.RELIGIOUS) & (o.age_profile != 1)
                                   & (o.municipality == o.municipality[a]))[0])
        ask = lambda org: bool(recruitment.eligible(m, np.array([person]), np.array([org]))[0])  # noqa: E731
        assert ask(a) and ask(b)
        put(m, person, a, MEMBER)
        assert ask(b) is not on
        assert ask(other)
        assert recruitment.in_congregation(m, np.array([person])).tolist() == [True]


def test_seekers_an_organisation_does_not_take_in_are_turned_down():
    m = blank_model(400, recruitment={"self_join_rate": 1.0, "accept_base": 1.0})
    p = m.people
    m.levers.info[:] = 1.0
    p.leisure_budget[:] = 1e6
    m.orgs.size_target[:] = 1e-6   # any organisation with a member is far beyond its typical size
    for o in range(len(m.orgs)):
        put(m, int(np.flatnonzero((p.age >= 18) & (p.municipality == m.orgs.municipality[o]))[o % 3]), o, MEMBER)
    before = (p.mem_role > 0).sum()
    m.month += 1
    recruitment.seek(m)
    assert (p.last_turned_down == m.month).any()
    assert (p.mem_role > 0).sum() == before   # nobody was taken in


def test_motivation_multiplies_saying_yes():
    """The same ask is taken up more often by the more motivated (FACTS §2; mechanisms/hours.py)."""
    m = blank_model(600, recruitment={"accept_base": 0.3})
    org = adult_org(m)
    p = m.people
    target = adults_of(m, MAJORITY, 1)[0]
    p.leisure_budget[target] = 1e6
    n = 4000
    counts = {}
    for motivation in (0.0, 1.0, 2.0):
        p.motivation[target] = motivation
        counts[motivation] = 0
        for month in range(n // 100):   # the answer to one organisation is one draw a month
            m.streams.month = month
            counts[motivation] += int(recruitment.decide(m, None, np.array([target]), np.array([org]))[0])
    assert counts[0.0] == 0 and counts[1.0] < counts[2.0]


def test_each_activity_one_has_lowers_yes_to_one_more():
    """membership.busy_decline: time and commitment go to the organisations one is already in
    (FACTS §4.2, §4.3): with 0.5, two activities quarter the chance; with 0, they change nothing."""
    counts = {}
    for decline in (0.0, 0.5):
        m = blank_model(600, recruitment={"accept_base": 0.8}, membership={"busy_decline": decline})
        org = adult_org(m)
        p, o = m.people, m.orgs
        target = adults_of(m, MAJORITY, 1)[0]
        p.leisure_budget[target] = 1e6
        others = [int(i) for i in np.flatnonzero((o.tradition < 0) & ~o.minority & (o.age_profile != 1))
                  if i != org][:2]
        for held in (0, 2):
            if held:
                for other in others:
                    put(m, target, other, MEMBER)
            n = 0
            for month in range(300):   # the answer to one organisation is one draw a month
                m.streams.month = month
                n += int(recruitment.decide(m, None, np.array([target]), np.array([org]))[0])
            counts[decline, held] = n
    assert counts[0.0, 0] == counts[0.0, 2]              # same draws, same answers: no decline
    assert counts[0.5, 0] == counts[0.0, 0]
    assert 0.15 < counts[0.5, 2] / counts[0.5, 0] < 0.35  # about a quarter
