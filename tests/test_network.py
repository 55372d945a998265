import networkx as nx
import numpy as np

from model.network import TieStore
from model.streams import Streams


def test_add_refresh_and_no_self_ties():
    t = TieStore(5)
    assert t.add(np.array([0, 1, 2, 3]), np.array([1, 0, 2, 4]), 0.5) == 2  # 0-1 once, 2-2 ignored
    assert len(t) == 2
    assert t.has(np.array([1, 4, 0]), np.array([0, 3, 2])).tolist() == [True, True, False]
    assert t.add(np.array([1]), np.array([0]), 0.5, refresh=0.3) == 0
    assert np.isclose(t.s[0], 0.8)


def test_decay_removes_weak_ties():
    t = TieStore(4)
    t.add(np.array([0]), np.array([1]), 0.5)
    t.add(np.array([2]), np.array([3]), 0.2)
    removed = t.decay(0.1, 0.19)
    assert removed == 1 and t.has(np.array([0]), np.array([1]))[0] and not t.has(np.array([2]), np.array([3]))[0]


def test_bonding_bridging_counts_and_csr():
    t = TieStore(4)
    origin = np.array([0, 0, 1, 1])
    t.add(np.array([0, 0, 2]), np.array([1, 2, 3]), 0.5)
    bond, bridge = t.counts_by_kind(origin)
    assert bond.tolist() == [1, 1, 1, 1]
    assert bridge.tolist() == [1, 0, 1, 0]
    assert t.degree().tolist() == [2, 1, 2, 1]
    g = t.to_networkx(origin)
    assert isinstance(g, nx.Graph) and g.number_of_edges() == 3
    assert g.edges[0, 2]["kind"] == "bridging"


def test_random_neighbour_of_isolate_is_minus_one():
    t = TieStore(3)
    t.add(np.array([0]), np.array([1]), 0.5)
    S = Streams(0)
    out = t.random_neighbour(np.array([0, 1, 2]), lambda r, b: S.uniform("x", r, b), np.arange(3))
    assert out.tolist() == [1, 0, -1]


def test_a_keyed_choice_is_uniform_and_moves_only_when_the_newcomer_wins():
    """lowest_in_segments: each candidate equally likely; a new tie elsewhere in a person's circle
    leaves the choice alone unless the new tie is chosen (common random numbers for partners)."""
    from model.roster import lowest_in_segments
    counts = np.zeros(5)
    for seed in range(4000):
        S = Streams(seed)
        counts[lowest_in_segments(np.array([10]), np.array([5]), lambda r, i: S.uniform("x", r, i))[0] - 10] += 1
    assert np.abs(counts / 4000 - 0.2).max() < 0.03
    moved = 0
    for seed in range(300):
        S = Streams(seed)
        t = TieStore(12)
        t.add(np.zeros(8, np.int64), np.arange(1, 9), 0.5)
        score = lambda r, b: S.uniform("x", np.zeros(len(r), np.int64), b)
        before = t.random_neighbour(np.array([0]), score, np.arange(12))[0]
        t.add(np.array([0]), np.array([11]), 0.5)
        after = t.random_neighbour(np.array([0]), score, np.arange(12))[0]
        assert after == before or after == 11
        moved += after == 11
    assert 10 < moved < 60                           # the newcomer wins about 1 time in 9


def test_an_organisation_partner_stays_when_others_join():
    """Roster.random_member (consistent hashing): each member is chosen 1/size of the time over
    months, and a newcomer takes over only the choices that fall just before its place."""
    from model.roster import Roster
    counts, moved = np.zeros(6), 0
    for month in range(3000):
        S = Streams(1)
        S.month = month
        mem_org = np.full((7, 2), -1, np.int32)
        mem_role = np.zeros((7, 2), np.int8)
        mem_org[:6, 0], mem_role[:6, 0] = 0, 1
        R = Roster(_people(mem_org, mem_role), 1)
        keys = np.arange(7) * 13 + 1
        place = lambda R: S.uniform("place", keys[R.person], np.zeros(len(R), np.int64))
        u = S.uniform("u", np.array([99]))
        before = R.person[R.random_member(np.array([0]), u, place(R))][0]
        counts[before] += 1
        mem_org[6, 0], mem_role[6, 0] = 0, 1            # a seventh member joins
        R2 = Roster(_people(mem_org, mem_role), 1)
        after = R2.person[R2.random_member(np.array([0]), u, place(R2))][0]
        assert after in (before, 6)
        moved += after == 6
    assert np.abs(counts / 3000 - 1 / 6).max() < 0.03
    assert 300 < moved < 560                            # the newcomer's arc: 1/7 on average


def _people(mem_org, mem_role):
    class P:
        pass
    p = P()
    p.mem_org, p.mem_role = mem_org, mem_role
    return p
