"""Who is in which organisation, in which role: the membership slots flattened and grouped by
organisation, rebuilt lazily whenever memberships change."""

from __future__ import annotations

import numpy as np

from model.state import People


class Roster:
    """Active membership entries (role ≥ participant) sorted by organisation.

    ``person[i], col[i], org[i], role[i]`` describe entry i; entries of organisation o are
    ``indptr[o]:indptr[o+1]``."""

    def __init__(self, p: People, n_orgs: int):
        rows, cols = np.nonzero(p.mem_role > 0)
        org = p.mem_org[rows, cols]
        order = np.argsort(org, kind="stable")
        self.person = rows[order].astype(np.int32)
        self.col = cols[order].astype(np.int8)
        self.org = org[order]
        self.role = p.mem_role[rows, cols][order]
        self.size = np.bincount(self.org, minlength=n_orgs)
        self.indptr = np.zeros(n_orgs + 1, np.int64)
        np.cumsum(self.size, out=self.indptr[1:])

    def __len__(self) -> int:
        return len(self.person)

    def random_member(self, orgs: np.ndarray, u: np.ndarray, place: np.ndarray) -> np.ndarray:
        """An entry index of each organisation in ``orgs`` (which must be non-empty): the first
        entry at or after the chooser's uniform ``u`` on a circle where each entry sits at its own
        uniform ``place`` (one per entry, drawn for the month; consistent hashing). A newcomer
        takes over only the choosers just before its place, and one who leaves passes them to the
        next: the rest keep their partner whoever joins or leaves. (⌊U · size⌋ moved about half
        the choices of an organisation when one person joined.) Each entry is chosen with chance
        equal to its arc, 1/size on average over months."""
        order = np.lexsort((place, self.org))
        circle = self.org[order] + place[order]            # organisation o's places in [o, o + 1)
        at = np.searchsorted(circle, orgs + u)
        wrap = at >= self.indptr[orgs + 1]
        return order[np.where(wrap, self.indptr[orgs], at)]

    def counts(self, n_orgs: int, min_role: int, mask: np.ndarray | None = None) -> np.ndarray:
        sel = self.role >= min_role
        if mask is not None:
            sel &= mask[self.person]
        return np.bincount(self.org[sel], minlength=n_orgs)


def lowest_in_segments(start: np.ndarray, size: np.ndarray, score) -> np.ndarray:
    """For each row r, the index in ``start[r] : start[r] + size[r]`` (size ≥ 1) with the lowest
    ``score(rows, indices)`` — one uniform per (chooser, candidate) pair from a keyed stream. Each
    candidate is equally likely, and a choice changes only if the chosen one leaves or a newcomer
    scores lower: who else joins or leaves a roster or a circle of friends does not move it. (An
    index drawn as ⌊U · size⌋ moved for about half the choosers whenever one person joined, so an
    intervention that changed a few memberships reshuffled the partners of everyone in those
    organisations: common random numbers for agent–agent choices, as Starsim keys them by pair.)"""
    start, size = np.asarray(start, np.int64), np.asarray(size, np.int64)
    if not len(start):
        return np.empty(0, np.int64)
    first = np.cumsum(size) - size
    row = np.repeat(np.arange(len(start)), size)
    idx = np.arange(int(size.sum())) + np.repeat(start - first, size)
    s = np.asarray(score(row, idx), np.float64)
    hit = np.flatnonzero(s == np.repeat(np.minimum.reduceat(s, first), size))
    r = row[hit]
    one = np.r_[True, r[1:] != r[:-1]]                  # equal scores in a row: the first
    return idx[hit[one]]


def groups(keys: np.ndarray, members: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group ``members`` (person indices) by ``keys`` (one per member): returns
    (sorted members, start per group, size per group) for drawing random partners in a focus."""
    order = np.argsort(keys, kind="stable")
    size = np.bincount(keys, minlength=n_groups)
    start = np.zeros(n_groups, np.int64)
    np.cumsum(size[:-1], out=start[1:])
    return members[order], start, size


def random_in_group(grouped: tuple[np.ndarray, np.ndarray, np.ndarray], keys: np.ndarray,
                    u: np.ndarray) -> np.ndarray:
    """For each key, a member of that group drawn uniformly with the uniform ``u`` of that key
    (-1 where the group is empty)."""
    members, start, size = grouped
    out = np.full(len(keys), -1, np.int64)
    ok = size[keys] > 0
    n = size[keys[ok]]
    out[ok] = members[start[keys[ok]] + np.minimum((u[ok] * n).astype(np.int64), n - 1)]
    return out


def weighted_in_group(grouped: tuple[np.ndarray, np.ndarray, np.ndarray], weights: np.ndarray, keys: np.ndarray,
                      u: np.ndarray) -> np.ndarray:
    """For each key, a member of that group drawn with chance proportional to ``weights[member]``
    by the uniform ``u`` of that key (-1 where the group is empty or has no weight)."""
    members, start, size = grouped
    out = np.full(len(keys), -1, np.int64)
    if not len(members):
        return out
    cw = np.cumsum(np.asarray(weights, np.float64)[members])
    lo = np.where(start[keys] > 0, cw[np.maximum(start[keys] - 1, 0)], 0.0)
    hi = np.where(size[keys] > 0, cw[np.minimum(start[keys] + size[keys] - 1, len(cw) - 1)], lo)
    ok = (size[keys] > 0) & (hi > lo)
    x = lo[ok] + u[ok] * (hi[ok] - lo[ok])
    idx = np.searchsorted(cw, x, side="right")
    out[ok] = members[np.clip(idx, start[keys[ok]], start[keys[ok]] + size[keys[ok]] - 1)]
    return out


class Places:
    """Active organisations grouped by where they recruit: local ones by neighbourhood, city-wide
    ones (``orgs.citywide``, the largest) by municipality, and all of them by municipality."""

    def __init__(self, orgs, mask: np.ndarray, n_nb: int, n_mun: int):
        self.weight = orgs.size_target
        local = np.flatnonzero(mask & ~orgs.citywide)
        city = np.flatnonzero(mask & orgs.citywide)
        every = np.flatnonzero(mask)
        self.local = groups(orgs.neighbourhood[local], local, n_nb)
        self.city = groups(orgs.municipality[city], city, n_mun)
        self.anywhere = groups(orgs.municipality[every], every, n_mun)
        self.local_capacity = np.bincount(orgs.neighbourhood[local], weights=self.weight[local], minlength=n_nb)
        self.city_capacity = np.bincount(orgs.municipality[city], weights=self.weight[city], minlength=n_mun)

    def seen(self, nb: np.ndarray, mun: np.ndarray, nb_share: np.ndarray, u: np.ndarray) -> np.ndarray:
        """An organisation seen by each person of neighbourhood ``nb`` in municipality ``mun``:
        drawn in proportion to size among the neighbourhood's local organisations and the
        municipality's city-wide ones, whose capacity counts in each neighbourhood by its share of
        the municipality's inhabitants (``nb_share``); -1 where there is none. One uniform ``u``
        per person decides both the side and the organisation (rescaled within the side)."""
        city = self.city_capacity[mun] * nb_share
        total = city + self.local_capacity[nb]
        x = u * total
        go_city = x < city
        with np.errstate(divide="ignore", invalid="ignore"):
            u_city = np.clip(np.where(city > 0, x / city, 0.0), 0.0, 1.0 - 1e-12)
            u_local = np.clip(np.where(total > city, (x - city) / (total - city), 0.0), 0.0, 1.0 - 1e-12)
        return np.where(go_city, weighted_in_group(self.city, self.weight, mun, u_city),
                        weighted_in_group(self.local, self.weight, nb, u_local))
