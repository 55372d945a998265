"""The organisation landscape: heavy-tailed sizes, folding and founding (model.mechanisms.organisations)."""

from __future__ import annotations

import numpy as np

from model.mechanisms import organisations as orgmech
from model.model import DugnadModel
from model.state import KINDS, MEMBER, OFFICE
from tests.conftest import blank_model, put, small_scenario

MINORITY = KINDS.index("minority")


def test_thin_organisation_folds_and_is_inert():
    m = blank_model(300, organisations={"fold_months": 3, "fold_min_members": 2})
    o = m.orgs
    target = int(np.flatnonzero(o.kind == KINDS.index("sport"))[0])
    other = int(np.flatnonzero(o.kind == KINDS.index("culture"))[0])
    put(m, 0, target, OFFICE)                      # one office holder: thin
    for i in range(1, 1 + int(o.board_size[other]) + 3):
        put(m, i, other, MEMBER)                   # enough people: not thin
    o.linked[target] = True
    m.org_partners.add((min(target, other), max(target, other)))
    for _ in range(2):
        orgmech.fold(m)
    assert o.active[target]                        # two thin months are not yet enough
    gone = orgmech.fold(m)
    assert target in gone and not o.active[target] and o.active[other]
    assert not o.linked[target]
    assert not (m.people.mem_org == target).any()  # the last people are out
    assert not m.org_partners
    # inert: nobody finds it any more
    assert target not in m.org_nb_groups[0] and target not in m.youth_org_nb_groups[0]
    assert target not in m.linked_groups()[0]


def _group_without_org(m):
    """An origin group with many persons of immigrant background in municipality 0."""
    p = m.people
    counts = np.bincount(p.origin[(p.background != 0) & (p.municipality == 0)], minlength=len(m.origins))
    counts[0] = 0
    return int(np.argmax(counts)), int(counts.max())


def test_minority_organisation_founded_where_group_is_large_and_unserved():
    m = blank_model(2000, organisations={"found_rate": 1.0, "minority_per_immigrants": 50.0, "minority_min_group": 5})
    g, cnt = _group_without_org(m)
    assert cnt >= 5
    o = m.orgs
    o.active[(o.kind == MINORITY) & (o.origin == g)] = False  # the group's organisations are gone
    m.orgs_changed()
    n0, n_levers = len(o), len(m.levers.ask_boost)
    new = orgmech.found_missing(m)
    o = m.orgs
    mine = new[(o.kind[new] == MINORITY) & (o.origin[new] == g)]
    assert len(mine) >= 1
    assert len(o) > n0 and len(m.levers.ask_boost) == len(o) == n_levers + len(new)
    assert o.active[mine].all() and o.minority[mine].all()
    # the founding board is of the group
    board = np.flatnonzero((m.people.mem_org == mine[0]).any(axis=1))
    assert len(board) and (m.people.origin[board] == g).all()
    assert mine[0] in m.minority_orgs[(int(o.municipality[mine[0]]), g)]
    assert m.roster().size.shape[0] == len(o)


def test_no_founding_or_folding_when_switched_off():
    m = blank_model(1000, organisations={"founding": False, "found_rate": 1.0, "fold_months": 1})
    o = m.orgs
    o.active[o.kind == MINORITY] = False
    n0, active0 = len(o), o.active.copy()
    for _ in range(3):
        m.step()
    assert len(m.orgs) == n0 and (m.orgs.active == active0).all()


def test_size_distribution_is_heavy_tailed():
    m = DugnadModel(small_scenario(6000, burn_in_months=120, population={"neighbourhoods": 6}), seed=5)
    o = m.orgs
    size = m.roster().size[o.active & np.isin(o.kind, [KINDS.index(k) for k in ("sport", "culture", "humanitarian")])]
    med, p90 = np.median(size), np.quantile(size, 0.9)
    assert med < 60                                 # mostly small
    assert p90 > 2.0 * med and size.max() > 3.5 * med  # a few large
    assert np.mean(size) > med                      # right-skewed


def test_same_seed_same_organisations():
    def table(seed):
        m = DugnadModel(small_scenario(800, burn_in_months=24, organisations={"found_rate": 0.5, "fold_months": 2}), seed=seed)
        o = m.orgs
        return {c: getattr(o, c).copy() for c in o.columns}, m.roster().size.copy()
    (a, sa), (b, sb) = table(7), table(7)
    assert a.keys() == b.keys()
    for c in a:
        np.testing.assert_array_equal(a[c], b[c])
    np.testing.assert_array_equal(sa, sb)


def test_volunteer_centres_scale_with_population():
    from model.organisations import volunteer_centres
    from model.scenario import OrganisationParams
    op = OrganisationParams(persons_per_volunteer_centre=10_000.0)
    assert volunteer_centres(op, 500) == 1 and volunteer_centres(op, 30_000) == 3
