"""Mechanism 5: language, trust and employment; mechanism 6: children's participation; economy."""

import numpy as np

from conftest import blank_model, put
from model.mechanisms import economy, employment, language, trust, youth
from model.state import FEMALE, IMMIGRANT, MAJORITY, MEMBER, REASONS


def two_immigrants(m):
    p = m.people
    i, j = (int(x) for x in np.flatnonzero((p.age >= 25) & (p.age < 40))[:2])
    for k in (i, j):
        p.background[k], p.norwegian[k], p.years_in_norway[k], p.employed[k] = IMMIGRANT, 0.2, 1.0, False
        p.origin[k] = 1
        p.age[k] = 30.0
    return i, j


def test_refugees_in_training_learn_faster_than_labour_migrants():
    m = blank_model(200)
    p = m.people
    refugee, labour = two_immigrants(m)
    p.reason[refugee], p.right_to_training[refugee] = REASONS.index("refugee"), True
    p.reason[labour], p.right_to_training[labour] = REASONS.index("labour"), False
    maj = int(np.flatnonzero(p.background == MAJORITY)[0])
    before = p.norwegian[maj]
    language.step(m)
    assert p.norwegian[refugee] > p.norwegian[labour] > 0.2
    assert p.norwegian[maj] == before


def test_practice_in_mixed_settings_speeds_language():
    m = blank_model(300)
    p = m.people
    a, b = two_immigrants(m)
    p.right_to_training[[a, b]] = False
    maj = np.flatnonzero((p.background == MAJORITY) & (p.age >= 18))[:5]
    m.ties.add(np.full(5, a), maj, 0.5)
    language.step(m)
    assert p.norwegian[a] > p.norwegian[b]


def test_trust_rises_with_bridging_and_reverts_to_baseline():
    m = blank_model(300, trust={"inequality_weight": 0.0})
    p = m.people
    a, b = two_immigrants(m)
    p.trust[[a, b]] = p.trust0[[a, b]] = 0.5
    maj = np.flatnonzero((p.background == MAJORITY) & (p.age >= 18))[:5]
    m.ties.add(np.full(5, a), maj, 0.5)
    trust.step(m)
    assert p.trust[a] > p.trust[b] == 0.5
    p.trust[b] = 0.9
    trust.step(m)
    assert p.trust[b] < 0.9


def test_being_turned_down_lowers_trust():
    m = blank_model(300, trust={"inequality_weight": 0.0})
    p = m.people
    a, b = two_immigrants(m)
    p.trust[[a, b]] = p.trust0[[a, b]] = 0.5
    p.last_turned_down[a] = m.month
    trust.step(m)
    assert p.trust[a] < 0.5 == p.trust[b]


def test_local_inequality_lowers_the_baseline_trust_reverts_to():
    m = blank_model(300, trust={"inequality_weight": 1.0})
    p = m.people
    a, b = two_immigrants(m)
    p.low_income[:] = False
    p.low_income[p.neighbourhood == p.neighbourhood[a]] = True
    p.trust[[a, b]] = p.trust0[[a, b]] = 0.5
    assert trust.local_inequality(m)[a] > 0
    trust.step(m)
    assert p.trust[a] < 0.5
    if p.neighbourhood[b] != p.neighbourhood[a]:
        assert p.trust[b] > 0.5   # a neighbourhood below the whole population's share: the baseline rises


def test_institutional_trust_is_kept_apart_and_rises_with_linking():
    m = blank_model(300, trust={"inequality_weight": 0.0})
    p, o = m.people, m.orgs
    a, b = two_immigrants(m)
    base = m.params.trust.institutional_baseline
    assert p.institutional_trust[a] == p.institutional_trust[b] == np.float32(base)
    org = int(np.flatnonzero(o.formal & (o.origin < 0))[0])
    o.linked[org] = True
    put(m, a, org, MEMBER)
    p.last_turned_down[b] = m.month     # exclusion touches generalised trust only
    trust.step(m)
    assert p.institutional_trust[a] > base
    assert p.institutional_trust[b] == np.float32(base)


def test_norwegian_and_bridging_ties_raise_job_finding():
    m = blank_model(300)
    p = m.people
    a, b = two_immigrants(m)
    p.norwegian[a] = 0.9
    base = employment.find_probability(m, np.array([a, b]))
    assert base[0] > base[1]
    maj = np.flatnonzero((p.background == MAJORITY) & (p.age >= 18))[:8]
    m.ties.add(np.full(8, b), maj, 0.5)
    m._tie_counts = None
    assert employment.find_probability(m, np.array([b]))[0] > base[1]


def test_employment_step_finds_and_loses_jobs():
    m = blank_model(600, employment={"find_base": 0.5, "loss_rate": 0.0})
    p = m.people
    working_age = (p.age >= 20) & (p.age < 67)
    before = p.employed[working_age].mean()
    employment.step(m)
    assert p.employed[working_age].mean() > before
    assert (p.workplace[p.employed] >= 0).all()


def test_economy_low_income_and_deciles():
    m = blank_model(600)
    p = m.people
    economy.step(m)
    assert set(np.unique(p.income_decile)) <= set(range(1, 11))
    assert p.income_decile.min() == 1 and p.income_decile.max() == 10
    line = m.params.economy.low_income_line * np.median(m.income_history[p.household, : min(m.months_run + 1, 36)].mean(axis=1))
    assert (p.eq_income[p.low_income] < line + 1e-6).all()
    # a household without work has no leisure budget above subsistence
    assert (p.leisure_budget >= 0).all()


def test_child_in_family_that_cannot_pay_is_never_enrolled_in_fee_activity():
    m = blank_model(400, youth={"enrol_rate": 1.0})
    p, o = m.people, m.orgs
    kids = np.flatnonzero((p.age >= 6) & (p.age < 18))
    o.fee_child[:] = 500.0
    p.leisure_budget[:] = 0.0
    for _ in range(5):
        m.month += 1  # a new month: new draws
        youth.step(m)
    assert (p.mem_role[kids] == 0).all()
    p.leisure_budget[:] = 1e5
    youth.step(m)
    assert (p.mem_role[kids] > 0).any()


def test_parent_activity_counts_only_for_the_childs_household():
    m = blank_model(300)
    p = m.people
    adult = int(np.flatnonzero(p.age >= 30)[0])
    org = int(np.flatnonzero(m.orgs.tradition < 0)[0])
    put(m, adult, org, MEMBER)
    youth.step(m)
    assert m.parent_active[p.household[adult]]
    assert m.parent_active.sum() == 1
