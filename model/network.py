"""The tie store: person–person ties as compact numpy edge arrays, plus organisation–municipality
linking ties.

Ties are undirected, stored once with ``a < b``, kept sorted by the key ``a << 32 | b`` so look-ups
are binary searches. Each tie has a strength in (0, 1]: meetings refresh it, time wears it down, and
it is gone below a threshold (tie decay; Burt 2000). A tie is **bonding** when both ends belong to
the same origin group and **bridging** otherwise (Putnam 2000; FACTS §1). **Linking** ties
(Woolcock 1998) join an organisation to its municipality and live on the organisations table.

ARCHITECTURE.md: the population is *not* put on ``mesa.discrete_space.Network`` (181 s to build at
10,000 nodes); networkx is used only to export and analyse (:meth:`TieStore.to_networkx`).
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from model.roster import lowest_in_segments


def _keys(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a.astype(np.int64) << 32) | b.astype(np.int64)


class TieStore:
    def __init__(self, n_persons: int):
        self.n = n_persons
        self.a = np.empty(0, np.int32)
        self.b = np.empty(0, np.int32)
        self.s = np.empty(0, np.float32)
        self.key = np.empty(0, np.int64)
        self._csr: tuple[np.ndarray, np.ndarray] | None = None
        self.version = 0  # bumped whenever the set of ties changes

    def __len__(self) -> int:
        return len(self.a)

    def grow(self, n_persons: int) -> None:
        self.n = n_persons
        self._csr = None
        self.version += 1

    # ------------------------------------------------------------------ changes
    def add(self, a: np.ndarray, b: np.ndarray, strength: float, refresh: float | None = None) -> int:
        """Form ties a–b with ``strength``; pairs that already have a tie gain ``refresh``
        (default ``strength``) up to 1. Self-pairs are ignored. Returns the number of new ties."""
        a = np.asarray(a, np.int32)
        b = np.asarray(b, np.int32)
        keep = a != b
        a, b = a[keep], b[keep]
        if len(a) == 0:
            return 0
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        k = np.unique(_keys(lo, hi))
        pos = np.searchsorted(self.key, k)
        found = np.zeros(len(k), bool)
        inside = pos < len(self.key)
        found[inside] = self.key[pos[inside]] == k[inside]
        if found.any():
            p = pos[found]
            self.s[p] = np.minimum(1.0, self.s[p] + (strength if refresh is None else refresh))
        new = k[~found]
        if len(new):
            allk = np.concatenate([self.key, new])
            order = np.argsort(allk, kind="stable")
            self.key = allk[order]
            self.a = (self.key >> 32).astype(np.int32)
            self.b = (self.key & 0xFFFFFFFF).astype(np.int32)
            self.s = np.concatenate([self.s, np.full(len(new), strength, np.float32)])[order]
            self._csr = None
            self.version += 1
        return len(new)

    def decay(self, rate: float, drop_below: float) -> int:
        """Wear all ties down by ``rate``; remove those below ``drop_below``. Returns removed count."""
        self.s *= np.float32(1.0 - rate)
        keep = self.s >= drop_below
        removed = int(len(keep) - keep.sum())
        if removed:
            self.a, self.b, self.s, self.key = self.a[keep], self.b[keep], self.s[keep], self.key[keep]
            self._csr = None
            self.version += 1
        return removed

    def keep(self, remap: np.ndarray, n_persons: int) -> None:
        """Persons left (died, emigrated) and the rest were renumbered: ``remap[old row]`` is the new
        row, -1 for those gone. Their ties go; the others keep their order (``remap`` is increasing)."""
        a, b = remap[self.a], remap[self.b]
        keep = (a >= 0) & (b >= 0)
        self.a, self.b, self.s = a[keep].astype(np.int32), b[keep].astype(np.int32), self.s[keep]
        self.key = _keys(self.a, self.b)
        self.n = n_persons
        self._csr = None
        self.version += 1

    # ------------------------------------------------------------------ queries
    def has(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a = np.asarray(a)
        b = np.asarray(b)
        k = _keys(np.minimum(a, b), np.maximum(a, b))
        pos = np.searchsorted(self.key, k)
        out = np.zeros(len(k), bool)
        inside = pos < len(self.key)
        out[inside] = self.key[pos[inside]] == k[inside]
        return out

    def csr(self) -> tuple[np.ndarray, np.ndarray]:
        """(indptr, neighbours): neighbours of person i are ``nbr[indptr[i]:indptr[i+1]]``."""
        if self._csr is None:
            src = np.concatenate([self.a, self.b])
            dst = np.concatenate([self.b, self.a])
            order = np.argsort(src, kind="stable")
            counts = np.bincount(src, minlength=self.n)
            indptr = np.zeros(self.n + 1, np.int64)
            np.cumsum(counts, out=indptr[1:])
            self._csr = (indptr, dst[order].astype(np.int32))
        return self._csr

    def degree(self) -> np.ndarray:
        indptr, _ = self.csr()
        return np.diff(indptr)

    def random_neighbour(self, persons: np.ndarray, draw, key: np.ndarray) -> np.ndarray:
        """One tie of each person (-1 for persons without ties), drawn uniformly and keyed by the
        person and the tie: ``draw(rows, keys)`` gives a uniform per (row of ``persons``, key of the
        neighbour) pair (``Streams.pairs``; ``key`` = ``people.key``), and the neighbour with the
        lowest wins (:func:`model.roster.lowest_in_segments`), so a new or lost tie elsewhere in a
        person's circle moves the choice only if it is the one chosen."""
        indptr, nbr = self.csr()
        persons = np.asarray(persons, np.int64)
        deg = indptr[persons + 1] - indptr[persons]
        out = np.full(len(persons), -1, np.int32)
        has = np.flatnonzero(deg > 0)
        pick = lowest_in_segments(indptr[persons[has]], deg[has], lambda r, i: draw(has[r], key[nbr[i]]))
        out[has] = nbr[pick]
        return out

    def same_group(self, origin: np.ndarray) -> np.ndarray:
        """Per tie: True if bonding (same origin group), False if bridging."""
        return origin[self.a] == origin[self.b]

    def counts_by_kind(self, origin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(bonding, bridging) tie counts per person."""
        same = self.same_group(origin)
        bond = np.bincount(self.a[same], minlength=self.n) + np.bincount(self.b[same], minlength=self.n)
        br = np.bincount(self.a[~same], minlength=self.n) + np.bincount(self.b[~same], minlength=self.n)
        return bond, br

    def to_networkx(self, origin: np.ndarray | None = None) -> nx.Graph:
        """Export as a networkx Graph (edge attributes: strength, kind)."""
        g = nx.Graph()
        g.add_nodes_from(range(self.n))
        kinds = (np.where(self.same_group(origin), "bonding", "bridging") if origin is not None
                 else np.full(len(self.a), "tie"))
        g.add_edges_from((int(x), int(y), {"strength": float(s), "kind": str(k)})
                         for x, y, s, k in zip(self.a, self.b, self.s, kinds))
        return g
