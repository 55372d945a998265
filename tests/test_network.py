import networkx as nx
import numpy as np

from model.network import TieStore


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
    rng = np.random.default_rng(0)
    out = t.random_neighbour(np.array([0, 1, 2]), rng.random(3))
    assert out.tolist() == [1, 0, -1]
