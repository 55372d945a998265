"""Mechanism 2 (issue 13): liking for kinds of activity by age and sex."""

import numpy as np
import pytest

from conftest import blank_model
from model.mechanisms import preferences, recruitment
from model.state import FEMALE, KINDS

SPORT, CULTURE, MINORITY = (KINDS.index(k) for k in ("sport", "culture", "minority"))


def test_weights_by_age_sex_and_kind():
    m = blank_model(400, preferences={"boys": {"sport": 1.0, "culture": 0.2}, "women": {"culture": 0.9}})
    p, o = m.people, m.orgs
    boy = int(np.flatnonzero((p.age < 18) & (p.age >= 6) & (p.sex != FEMALE))[0])
    woman = int(np.flatnonzero((p.age >= 18) & (p.sex == FEMALE))[0])
    sport, culture = (int(np.flatnonzero((o.kind == k) & (o.origin < 0))[0]) for k in (SPORT, CULTURE))
    minority = np.flatnonzero(o.kind == MINORITY)
    w = preferences.weight(m, np.array([boy, boy, woman, woman]), np.array([sport, culture, sport, culture]))
    default = type(m.params.preferences).model_fields
    assert np.allclose(w, [1.0, 0.2, default["women"].default["sport"], 0.9])   # the other kinds keep their defaults
    if len(minority):   # kinds without a preference weigh the group's mean
        boys = {**default["boys"].default, "sport": 1.0, "culture": 0.2}
        assert preferences.weight(m, np.array([boy]), minority[:1])[0] == pytest.approx(np.mean(list(boys.values())))


def test_shipped_weights_have_equal_means_for_each_sex():
    """The weights shape what each sex does, not how much: equal means (else the sex gap is built in)."""
    pp = blank_model(200).params.preferences
    mean = {g: np.mean([getattr(pp, g).get(k, 1.0) for k in ("sport", "culture", "religious", "humanitarian")])
            for g in preferences.GROUPS}
    assert np.isclose(mean["boys"], mean["girls"]) and np.isclose(mean["men"], mean["women"])


def test_nobody_says_yes_to_a_kind_they_do_not_like():
    m = blank_model(400, preferences={g: {"sport": 0.0} for g in preferences.GROUPS},
                    recruitment={"accept_base": 1.0})
    p, o = m.people, m.orgs
    adults = np.flatnonzero(p.age >= 18)[:50]
    sport = np.full(len(adults), int(np.flatnonzero(o.kind == SPORT)[0]))
    p.leisure_budget[:] = 1e6
    assert not recruitment.decide(m, None, adults, sport).any()
