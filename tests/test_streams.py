"""The keyed random streams (model/streams.py): pure functions of (seed, name, month, key, salt)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from model.streams import Streams, derive


def streams(seed=1, month=5):
    s = Streams(seed)
    s.month = month
    return s


def test_a_keys_draw_does_not_depend_on_the_other_keys_or_their_number():
    s = streams()
    all_ = s.uniform("x", np.arange(1000))
    some = s.uniform("x", np.array([999, 3, 500]))
    assert some.tolist() == [all_[999], all_[3], all_[500]]


def test_draws_differ_by_seed_name_month_and_salt():
    keys = np.arange(200)
    base = streams().uniform("x", keys)
    for other in (streams(seed=2).uniform("x", keys), streams().uniform("y", keys),
                  streams(month=6).uniform("x", keys), streams().uniform("x", keys, 1)):
        assert np.mean(other == base) == 0.0
        assert abs(np.corrcoef(other, base)[0, 1]) < 0.25


def test_the_same_draw_in_a_fresh_object():
    assert streams().uniform("x", np.arange(10)).tolist() == streams().uniform("x", np.arange(10)).tolist()
    assert isinstance(streams().uniform("x", 7), float)


def test_uniforms_are_uniform_and_independent_of_neighbouring_keys():
    u = streams().uniform("x", np.arange(200_000))
    assert stats.kstest(u, "uniform").pvalue > 0.001
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 0.01
    assert u.min() >= 0.0 and u.max() < 1.0


def test_normal_and_below():
    s = streams()
    z = s.normal("z", np.arange(50_000), 2.0, 3.0)
    assert z.mean() == pytest.approx(2.0, abs=0.06) and z.std() == pytest.approx(3.0, rel=0.03)
    k = s.below("k", np.arange(30_000), 3)
    assert set(np.unique(k)) == {0, 1, 2}
    assert np.bincount(k).min() > 9_000


def test_order_keeps_the_relative_order_of_the_remaining_keys():
    s = streams()
    keys = np.arange(50)
    full = keys[s.order("o", keys)]
    fewer = keys[::2]
    assert [k for k in full if k % 2 == 0] == fewer[s.order("o", fewer)].tolist()


def test_weighted_sample_follows_the_weights_and_has_no_repeats():
    w = np.array([1.0, 2.0, 0.0, 7.0])
    hits = np.zeros(4)
    for month in range(4000):
        pick = streams(month=month).weighted_sample("w", np.arange(4), w, 1)
        hits[pick] += 1
    assert hits[2] == 0
    assert hits / hits.sum() == pytest.approx(w / w.sum(), abs=0.03)
    two = streams().weighted_sample("w", np.arange(4), w, 2)
    assert len(set(two.tolist())) == 2 and 2 not in two
    assert len(streams().weighted_sample("w", np.arange(4), w, 9)) == 3


def test_derived_keys_depend_only_on_their_parts():
    a = derive("birth", np.array([10, 11]), 3)
    assert derive("birth", np.array([11]), 3)[0] == a[1]
    assert derive("birth", np.array([10]), 4)[0] != a[0]
    assert derive("arrival", np.array([10]), 3)[0] != a[0]


def test_float_keys_are_refused():
    with pytest.raises(TypeError):
        streams().uniform("x", np.array([0.5]))
