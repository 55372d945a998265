"""Migration by origin group: who leaves, who arrives and with whom, and who follows later.

- **Emigration**: a household with an immigrant leaves Norway with its oldest immigrant's group's
  yearly hazard (:func:`model.demography.rates.emigration_rates`: EU labour migrants leave far
  more often than the refugee groups of the 1980s–90s; FACTS §4.10 on Poles' closeness to Poland).
- **Arrivals**: each month as many persons of each group arrive as left it by death or emigration,
  so each group keeps its size; a scenario's ``migration.arrivals_scale`` multiplies a group's
  yearly arrivals (its size then moves to a new level). Newcomers arrive as households by
  migration reason (:data:`COMPOSITION`, assumptions in the range of SSB's family statistics).
- **Family reunification** follows refugees: a share of refugees who arrive alone are joined by a
  spouse and children one to three years later (reason "family").

The ``arrivals`` intervention remains the tool for shocks such as the 2015 influx.

Randomness (:mod:`model.streams`): a household leaves by the key of its oldest immigrant. An
arriving household's key is derived from its origin group, the month and its place in the group's
line that month (:meth:`MigrationState.line`); its reason, composition and adults' ages and sexes
are drawn by that key, and each newcomer's key is derived from it and their place in the household.
A reunited family's keys are derived from the refugee's key and the month. So an extra household
or family shifts nobody else's draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scipy.stats import poisson

from model.demography.life_course import ADULT, NO_PARTNER, Population, new_keys, rows_of
from model.state import FEMALE, IMMIGRANT, REASONS

# Household types on arrival by reason: (alone, couple, couple with children) and the share of
# lone newcomers who are men. Assumptions in the range of SSB statistics on newly arrived
# immigrants: labour migrants and students mostly come alone, refugees alone or as families.
COMPOSITION = {
    "labour": ((0.55, 0.20, 0.25), 0.65),
    "refugee": ((0.45, 0.10, 0.45), 0.70),
    "family": ((0.10, 0.40, 0.50), 0.30),
    "study": ((0.85, 0.15, 0.00), 0.50),
}
MIXED_REASONS = {"labour": 0.40, "refugee": 0.25, "family": 0.28, "study": 0.07}  # SSB order of magnitude
MIXED_CODES = np.array([REASONS.index(r) for r in MIXED_REASONS], np.int64)
# share of lone newcomers who are men, per reason code (reasons without a composition: as labour)
MALE_ALONE = np.array([COMPOSITION.get(r, COMPOSITION["labour"])[1] for r in REASONS])
ARRIVAL_AGE = (30.0, 8.0)   # mean, sd of an adult newcomer's age (assumption: most arrive aged 20–40)


@dataclass
class MigrationState:
    """What migration remembers from month to month (owned here, saved with the model)."""

    target: np.ndarray                       # persons per origin row the group is held at (row 0 unused)
    base: np.ndarray                         # the scenario's size per origin row (arrivals scale 1)
    pending_uid: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))   # refugee waiting for family
    pending_due: np.ndarray = field(default_factory=lambda: np.empty(0, np.float64))  # years until they come
    line_month: int | None = None            # the month ``in_line`` counts
    in_line: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # households arrived per origin row

    def line(self, month: int, n_origins: int) -> np.ndarray:
        """Households of each origin row that have arrived so far in ``month`` (the next one's
        place in its group's line; turnover arrives before any intervention's households)."""
        if self.line_month != month:
            self.line_month, self.in_line = month, np.zeros(n_origins, np.int64)
        return self.in_line


def oldest_immigrant(p, n_households: int) -> np.ndarray:
    """Per household, the row of its oldest immigrant (-1 where none)."""
    imm = np.flatnonzero(p.background == IMMIGRANT)
    order = imm[np.lexsort((-p.age[imm], p.household[imm]))]
    first = np.ones(len(order), bool)
    first[1:] = p.household[order][1:] != p.household[order][:-1]
    out = np.full(n_households, -1, np.int64)
    out[p.household[order][first]] = order[first]
    return out


def emigrants(pop: Population, emigration: np.ndarray, n_households: int, dt: float) -> np.ndarray:
    """Rows of everyone in the households that leave Norway this step: a household with an
    immigrant leaves with the hazard of its oldest immigrant's group (a Norwegian-born partner
    and the children go too; drawn by that immigrant's key)."""
    p = pop.people
    ref = oldest_immigrant(p, n_households)
    hh = np.flatnonzero(ref >= 0)
    hazard = emigration[p.origin[ref[hh]]]
    leave = np.zeros(n_households, bool)
    leave[hh[pop.streams.chance("migration.emigrate", p.key[ref[hh]], 1 - np.exp(-hazard * dt))]] = True
    return np.flatnonzero(leave[p.household])


def reasons_for(streams, origins: pd.DataFrame, origin_rows: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """A migration reason per arriving household (``keys``): the group's main reason, or for groups
    of mixed reasons a draw from :data:`MIXED_REASONS`."""
    main = np.array([-1 if x == "mixed" else REASONS.index(x) for x in origins["main_reason"]], np.int64)
    drawn = _pick(streams.uniform("migration.reason", keys), list(MIXED_REASONS.values()))
    return np.where(main[origin_rows] < 0, MIXED_CODES[drawn], main[origin_rows])


def arrive(pop: Population, origins: pd.DataFrame, tfr: np.ndarray, origin_rows: np.ndarray,
           reasons: np.ndarray | None = None, dt: float = 1 / 12, state: MigrationState | None = None,
           reunify_share: float = 0.0, need: np.ndarray | None = None) -> np.ndarray:
    """Households of the given origin groups arrive (one household per entry); returns new rows.
    With ``need`` (persons per origin row), a group's households stop once it has that many
    persons (the last household may overshoot). Refugees who come alone wait for their family
    with chance ``reunify_share``. Households take their places in their group's line for the
    month in the order given (from 0 without a ``state``), which derives their keys."""
    streams = pop.streams
    origin_rows = np.asarray(origin_rows, np.int64)
    before = state.line(streams.month, len(origins)) if state is not None else np.zeros(len(origins), np.int64)
    keys = new_keys("arrival", origin_rows, streams.month, before[origin_rows] + _rank_in_group(origin_rows))
    reasons = reasons_for(streams, origins, origin_rows, keys) if reasons is None else np.asarray(reasons, np.int64)
    kinds, adults, kids = _compositions(streams, keys, reasons, tfr[origin_rows])
    if need is not None:
        keep = _enough(origin_rows, adults + kids, need)
        origin_rows, keys, reasons, kinds, adults, kids = (
            x[keep] for x in (origin_rows, keys, reasons, kinds, adults, kids))
    if state is not None:
        state.in_line = before + np.bincount(origin_rows, minlength=len(before))
    if not len(origin_rows):
        return np.empty(0, np.int64)
    cols, pairs, alone = _members(streams, keys, origin_rows, reasons, kinds, adults, kids)
    cols["household"] = pop.new_households(np.full(len(origin_rows), -1), keys, origin_rows)[cols["household"]]
    cols["years_in_norway"] = (streams.uniform("migration.arrival_time", cols["key"]) * dt).astype(np.float32)
    rows = pop.add(cols)
    p = pop.people
    a, b = rows[pairs[0]], rows[pairs[1]]
    p.partner[a], p.partner[b] = p.uid[b], p.uid[a]
    if state is not None and reunify_share > 0:
        lone_refugee = alone & (cols["reason"] == REASONS.index("refugee"))
        wait = lone_refugee & streams.chance("migration.reunify", cols["key"], reunify_share)
        state.pending_uid = np.concatenate([state.pending_uid, p.uid[rows[wait]]])
        due = 1.0 + 2.0 * streams.uniform("migration.reunify_delay", cols["key"][wait])
        state.pending_due = np.concatenate([state.pending_due, due])
    return rows


def _rank_in_group(groups: np.ndarray) -> np.ndarray:
    """Each entry's place (0, 1, ...) among the entries of its group, in the order given."""
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    start = np.concatenate([[0], np.flatnonzero(g[1:] != g[:-1]) + 1])
    rank = np.empty(len(g), np.int64)
    rank[order] = np.arange(len(g)) - np.repeat(start, np.diff(np.concatenate([start, [len(g)]])))
    return rank


def _pick(u: np.ndarray, shares) -> np.ndarray:
    """Category indices drawn with chances ``shares`` by inversion of the uniforms ``u``."""
    cum = np.cumsum(shares) / np.sum(shares)
    return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)


def _poisson(u: np.ndarray, mean) -> np.ndarray:
    """Poisson counts with ``mean`` by inversion of the uniforms ``u``."""
    return np.maximum(poisson.ppf(u, mean), 0).astype(np.int64)


def _enough(origin_rows: np.ndarray, size: np.ndarray, need: np.ndarray) -> np.ndarray:
    """Households to keep: within each group (in the order given), those that start before the
    group's persons reach ``need``."""
    if not len(origin_rows):
        return np.zeros(0, bool)
    order = np.argsort(origin_rows, kind="stable")
    g, s = origin_rows[order], size[order]
    cum = np.cumsum(s)
    start = np.concatenate([[0], np.flatnonzero(g[1:] != g[:-1]) + 1])
    base = np.repeat(cum[start] - s[start], np.diff(np.concatenate([start, [len(g)]])))
    before = cum - s - base
    keep = np.zeros(len(origin_rows), bool)
    keep[order] = before < need[g]
    return keep


def _compositions(streams, keys, reasons, tfr):
    """(kind 0 alone / 1 couple / 2 family, adults, children) per arriving household (``keys``)."""
    u = streams.uniform("migration.household", keys)
    kinds = np.empty(len(reasons), np.int64)
    for r in np.unique(reasons):
        sel = reasons == r
        shares, _ = COMPOSITION.get(REASONS[r], COMPOSITION["labour"])
        kinds[sel] = _pick(u[sel], shares)
    adults = np.where(kinds == 0, 1, 2)
    more = _poisson(streams.uniform("migration.children", keys), np.maximum(tfr - 1.0, 0.3))
    kids = np.where(kinds == 2, 1 + more, 0)
    return kinds, adults, kids


def _members(streams, keys, origin_rows, reasons, kinds, adults, kids):
    """Skeleton columns of newcomer households (``keys``); returns (cols with local household
    index, partner pairs as local rows, mask of persons who came alone). Member keys come from the
    household's key and the place in it: 0 the first adult, 1 a partner, 2, 3, ... the children."""
    n = len(origin_rows)
    male_alone = MALE_ALONE[reasons]
    first_age = np.clip(streams.normal("migration.age", keys, *ARRIVAL_AGE), ADULT, 65)
    first_sex = np.where(kinds == 0, (streams.uniform("migration.sex", keys) >= male_alone).astype(np.int64), FEMALE)
    second_age = np.clip(first_age + streams.normal("migration.partner_age", keys, 2.0, 3.0), ADULT, 70)
    kid_hh = np.repeat(np.arange(n), kids)
    hh = np.concatenate([np.arange(n), np.flatnonzero(adults == 2), kid_hh])
    place = np.concatenate([np.zeros(n, np.int64), np.ones(int((adults == 2).sum()), np.int64),
                            2 + _rank_in_group(kid_hh)])
    key = new_keys("arrival.member", keys[hh], place)
    kid_key = key[len(hh) - len(kid_hh):]
    youngest = np.minimum(first_age, np.where(adults == 2, second_age, np.inf))
    span = np.minimum(17.99, np.maximum(youngest[kid_hh] - ADULT, 0.5))
    kid_age = streams.uniform("migration.child_age", kid_key) * span
    age = np.concatenate([first_age, second_age[adults == 2], kid_age]).astype(np.float32)
    sex = np.concatenate([first_sex, np.full(int((adults == 2).sum()), 1 - FEMALE),
                          streams.below("migration.child_sex", kid_key, 2)])
    order = np.argsort(hh, kind="stable")
    m = len(hh)
    cols = dict(key=key[order], household=hh[order], background=np.full(m, IMMIGRANT), origin=origin_rows[hh][order],
                sex=sex[order], age=age[order], reason=reasons[hh][order], partner=np.full(m, NO_PARTNER))
    inv = np.empty(m, np.int64)
    inv[order] = np.arange(m)
    couple = np.flatnonzero(adults == 2)
    pairs = (inv[couple], inv[n + np.arange(len(couple))])
    alone = np.zeros(m, bool)
    alone[inv[np.flatnonzero(kinds == 0)]] = True
    return cols, pairs, alone


def reunite(pop: Population, state: MigrationState, tfr: np.ndarray, dt: float) -> np.ndarray:
    """Families whose time has come join their refugee in Norway (a spouse and the children);
    those whose refugee has left, died or found a partner here are dropped. Drawn by the refugee's
    key; the family's keys derive from it, the month and the place in the family (0 the spouse).
    Returns new rows."""
    state.pending_due = state.pending_due - dt
    due = state.pending_due <= 0
    uids = state.pending_uid[due]
    state.pending_uid, state.pending_due = state.pending_uid[~due], state.pending_due[~due]
    p, streams = pop.people, pop.streams
    who = rows_of(p, uids)
    who = who[who >= 0]
    who = who[p.partner[who] == NO_PARTNER]
    if not len(who):
        return np.empty(0, np.int64)
    n = len(who)
    sponsor = p.key[who]
    kids = _poisson(streams.uniform("migration.reunion_children", sponsor), 1.5)
    spouse_age = np.clip(p.age[who] + streams.normal("migration.reunion_spouse_age", sponsor, -2.0, 3.0), ADULT, 70)
    kid_hh = np.repeat(np.arange(n), kids)
    idx = np.concatenate([np.arange(n), kid_hh])
    place = np.concatenate([np.zeros(n, np.int64), 1 + _rank_in_group(kid_hh)])
    key = new_keys("reunion", sponsor[idx], streams.month, place)
    youngest = np.minimum(p.age[who], spouse_age)
    span = np.minimum(17.99, np.maximum(youngest[kid_hh] - ADULT, 0.5))
    kid_age = streams.uniform("migration.child_age", key[n:]) * span
    order = np.argsort(idx, kind="stable")
    m = len(idx)
    rows = pop.add(dict(
        key=key[order], household=p.household[who][idx][order], background=np.full(m, IMMIGRANT),
        origin=p.origin[who][idx][order],
        sex=np.concatenate([1 - p.sex[who], streams.below("migration.child_sex", key[n:], 2)])[order],
        age=np.concatenate([spouse_age, kid_age]).astype(np.float32)[order],
        years_in_norway=(streams.uniform("migration.arrival_time", key[order]) * dt).astype(np.float32),
        reason=np.full(m, REASONS.index("family")), partner=np.full(m, NO_PARTNER)))
    spouse = rows[np.flatnonzero(order < n)]
    p.partner[spouse] = p.uid[who]
    p.partner[who] = p.uid[spouse]
    return rows
