"""Minority associations of one's own group: groups small in their municipality are served by the
pooled multicultural group's associations (``organisations.pool_small_groups``), and a person
belongs to one association of their own group at a time (``organisations.one_own_association``;
model.organisations.association_groups, model.mechanisms.recruitment.eligible). Both are on by
default and in the calibrated baseline."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from model.mechanisms import barriers, recruitment
from model.mechanisms import organisations as orgmech
from model.organisations import association_groups, own_association_min, pooled_index
from model.state import IMMIGRANT, KINDS, MAJORITY, MEMBER
from tests.conftest import blank_model, put

MINORITY = KINDS.index("minority")
OTHER = 3  # the pooled group of the hand-made table below
ON = {"pool_small_groups": True, "one_own_association": True}


def hand_made(groups_by_municipality: list[dict[int, int]]) -> SimpleNamespace:
    """Persons of immigrant background: ``{origin: count}`` per municipality, plus 5 majority persons each."""
    origin, mun, bg = [], [], []
    for m, counts in enumerate(groups_by_municipality):
        for g, c in counts.items():
            origin += [g] * c
            mun += [m] * c
            bg += [IMMIGRANT] * c
        origin += [0] * 5
        mun += [m] * 5
        bg += [MAJORITY] * 5
    return SimpleNamespace(origin=np.array(origin), municipality=np.array(mun), background=np.array(bg))


def test_groups_under_the_threshold_belong_with_the_pooled_group_in_that_municipality():
    p = hand_made([{1: 40, 2: 10, 3: 5}, {1: 12, 2: 30}])
    table = association_groups(p, n_mun=2, n_orig=4, min_group=30, pooled=OTHER)
    assert table[0].tolist() == [0, 1, OTHER, OTHER]  # group 2 small in municipality 0; the pooled group stays itself
    assert table[1].tolist() == [0, OTHER, 2, OTHER]  # group 1 small in municipality 1 only
    # without a pooled group in the origin file every group keeps its own
    assert (association_groups(p, 2, 4, 30, pooled=-1) == np.arange(4)).all()


def test_the_threshold_is_half_an_associations_worth_and_scales_with_it():
    """A group needs half an association's worth (minority_min_share × minority_per_immigrants) for
    associations of its own, and at least minority_min_group: with 200 immigrants per association,
    a group of 99 is pooled and one of 100 keeps its own; a fixed count alone (share 0) keeps 30."""
    op = lambda **kw: SimpleNamespace(**({"minority_min_group": 30, "minority_min_share": 0.5, "minority_per_immigrants": 200.0} | kw))
    assert own_association_min(op()) == 100.0
    assert own_association_min(op(minority_per_immigrants=500.0)) == 250.0
    assert own_association_min(op(minority_min_share=0.0)) == 30.0
    assert own_association_min(op(minority_min_share=0.1)) == 30.0
    p = hand_made([{1: 99, 2: 100, 3: 5}])
    assert association_groups(p, 1, 4, own_association_min(op()), pooled=OTHER)[0].tolist() == [0, OTHER, 2, OTHER]


def test_the_pooled_group_is_the_origin_files_other():
    m = blank_model(300, organisations=ON)
    assert m.origins["group"].iloc[pooled_index(m.origins)] == "Other"


def _person_and_two_associations(m, group: int) -> tuple[int, int, int]:
    """An adult of ``group`` and two minority associations of ``group`` in their municipality (the
    second made so by relabelling another minority organisation)."""
    p, o = m.people, m.orgs
    person = int(np.flatnonzero((p.origin == group) & (p.background != MAJORITY) & (p.age >= 25))[0])
    mun = p.municipality[person]
    mino = np.flatnonzero((o.kind == MINORITY) & (o.municipality == mun))
    a, b = int(mino[0]), int(mino[1])
    o.origin[[a, b]] = group
    o.age_profile[[a, b]] = 2  # all ages
    m.orgs_changed()
    return person, a, b


def test_one_association_of_ones_own_group_at_a_time():
    m = blank_model(2000, organisations=ON | {"minority_min_group": 1, "minority_min_share": 0.0})
    p, o = m.people, m.orgs
    g = int(np.bincount(p.origin[p.background != MAJORITY], minlength=len(m.origins))[1:].argmax()) + 1
    person, a, b = _person_and_two_associations(m, g)
    sport = int(np.flatnonzero((o.kind == KINDS.index("sport")) & (o.age_profile != 1)
                               & (o.municipality == p.municipality[person]))[0])
    other_group = int(np.flatnonzero((o.kind == MINORITY) & (o.municipality == p.municipality[person])
                                     & (o.origin != g))[0])
    ask = lambda org: bool(recruitment.eligible(m, np.array([person]), np.array([org]))[0])  # noqa: E731
    assert ask(a) and ask(b)
    put(m, person, a, MEMBER)
    assert not ask(b)                          # a second association of the own group: no
    assert ask(sport) and ask(other_group)     # any other organisation: yes
    assert recruitment.in_own_group_org(m, np.array([person])).tolist() == [True]


def test_a_small_groups_members_are_at_home_in_the_pooled_association():
    m = blank_model(2000, organisations=ON | {"minority_min_share": 0.0})  # the threshold is minority_min_group (30)
    p, o = m.people, m.orgs
    other = pooled_index(m.origins)
    imm = (p.background != MAJORITY) & (p.origin > 0)
    counts = np.bincount(p.origin[imm & (p.municipality == 0)], minlength=len(m.origins))
    small = int(np.flatnonzero((counts > 0) & (counts < 30) & (np.arange(len(counts)) != other))[0])
    large = int(np.argmax(np.where(np.arange(len(counts)) == other, 0, counts)))
    assert counts[large] >= 30
    pooled_person = int(np.flatnonzero(imm & (p.origin == small) & (p.municipality == 0))[0])
    own_person = int(np.flatnonzero(imm & (p.origin == large) & (p.municipality == 0))[0])
    assert m.association_group(np.array([pooled_person, own_person])).tolist() == [other, large]
    assoc = int(np.flatnonzero((o.kind == MINORITY) & (o.municipality == 0))[0])
    o.origin[assoc] = other
    misfit, _ = barriers.fit(m, np.array([pooled_person, own_person]), np.array([assoc, assoc]))
    assert misfit.tolist() == [0.0, 1.5]       # the pooled group's association is the small group's own
    # and the small group's own association, should one exist, is its own too
    o.origin[assoc] = small
    assert barriers.fit(m, np.array([pooled_person]), np.array([assoc]))[0].tolist() == [0.0]


def test_founding_counts_small_groups_with_the_pooled_group():
    """The pooled group alone is under the threshold, with the small groups it is over it: it gets
    an association."""
    probe = blank_model(2000)
    p = probe.people
    other = pooled_index(probe.origins)
    imm = (p.background != MAJORITY) & (p.origin > 0) & (p.municipality == 0)
    counts = np.bincount(p.origin[imm], minlength=len(probe.origins))
    ok = [t for t in range(2, 400) if counts[other] < t <= counts[other] + counts[(counts < t) & (np.arange(len(counts)) != other)].sum()]
    assert ok, "no threshold where pooling decides (change the seed)"
    m = blank_model(2000, organisations=ON | {"found_rate": 1.0, "minority_min_group": ok[0], "minority_min_share": 0.0})
    o = m.orgs
    o.active[o.kind == MINORITY] = False
    m.orgs_changed()
    new = orgmech.found_missing(m)
    o = m.orgs
    assert ((o.kind[new] == MINORITY) & (o.origin[new] == other) & (o.municipality[new] == 0)).any()


def test_switched_off_every_group_keeps_its_own_and_a_second_association_is_allowed():
    m = blank_model(2000, organisations={"minority_min_group": 1, "pool_small_groups": False, "one_own_association": False})
    p = m.people
    g = int(np.bincount(p.origin[p.background != MAJORITY], minlength=len(m.origins))[1:].argmax()) + 1
    person, a, b = _person_and_two_associations(m, g)
    put(m, person, a, MEMBER)
    assert recruitment.eligible(m, np.array([person]), np.array([b])).tolist() == [True]
    imm = np.flatnonzero(p.background != MAJORITY)
    assert (m.association_group(imm) == p.origin[imm]).all()
