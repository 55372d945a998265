"""Mechanism 4: tie formation in foci, triadic closure, decay; linking ties."""

import numpy as np

from conftest import blank_model, put
from model.mechanisms import ties
from model.state import MAJORITY, PARTICIPANT

ONLY_ORGS = {"organisation": 1.0, "neighbourhood": 0.0, "workplace": 0.0, "school": 0.0,
             "school_parents": 0.0, "community": 0.0}


def test_informal_minority_organisation_produces_bonding_not_bridging():
    m = blank_model(400, ties={"meet_rate": ONLY_ORGS, "triadic_rate": 0.0, "form_prob": 1.0})
    o, p = m.orgs, m.people
    org = int(np.flatnonzero(o.origin >= 0)[0])
    o.formal[org] = False
    members = np.flatnonzero(p.origin == o.origin[org])[:15]
    assert len(members) >= 5
    for i in members:
        put(m, int(i), org, PARTICIPANT)
    for _ in range(10):
        m.month += 1  # a new month: new draws
        ties.step(m)
    bond, bridge = m.tie_counts()
    assert bond.sum() > 0
    assert bridge.sum() == 0


def test_mixed_organisation_produces_bridging_unless_homophily_is_total():
    for homophily, expect_bridging in ((1.0, True), (0.0, False)):
        m = blank_model(400, ties={"meet_rate": ONLY_ORGS, "triadic_rate": 0.0, "form_prob": 1.0,
                                   "homophily": homophily, "language_contact": 0.0})
        o, p = m.orgs, m.people
        org = int(np.flatnonzero(~o.minority & (o.tradition < 0))[0])
        maj = np.flatnonzero((p.background == MAJORITY) & (p.age >= 18))[:10]
        imm = np.flatnonzero((p.background != MAJORITY) & (p.age >= 18))[:10]
        for i in np.concatenate([maj, imm]):
            put(m, int(i), org, PARTICIPANT)
        for _ in range(10):
            m.month += 1  # a new month: new draws
            ties.step(m)
        _, bridge = m.tie_counts()
        assert (bridge.sum() > 0) == expect_bridging


def test_triadic_closure_connects_friends_of_friends():
    m = blank_model(200, ties={"meet_rate": {k: 0.0 for k in ONLY_ORGS}, "triadic_rate": 1.0,
                               "form_prob": 1.0, "homophily": 1.0, "language_contact": 0.0, "decay": 0.0})
    m.ties.add(np.array([0, 0]), np.array([1, 2]), 0.9)
    for _ in range(20):
        m.month += 1  # a new month: new draws
        ties.step(m)
    assert m.ties.has(np.array([1]), np.array([2]))[0]


def test_ties_without_meetings_decay_away():
    m = blank_model(200, ties={"meet_rate": {k: 0.0 for k in ONLY_ORGS}, "triadic_rate": 0.0, "decay": 0.2})
    m.ties.add(np.array([0, 3]), np.array([1, 4]), 0.5)
    for _ in range(10):
        m.month += 1  # a new month: new draws
        ties.step(m)
    assert len(m.ties) == 0


def test_linking_ties_form_more_for_majority_organisations():
    m = blank_model(2000, ties={"link_rate": 0.5, "minority_link_factor": 0.0, "link_decay": 0.0})
    o = m.orgs
    o.linked[:] = False
    for _ in range(20):
        m.month += 1
        m.municipalities.do("step")
    assert not o.linked[o.minority].any()
    assert o.linked[~o.minority & o.formal].mean() > 0.9
