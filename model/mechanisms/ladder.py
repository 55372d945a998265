"""The participation ladder (mechanism 3): participant → member → volunteer → office holder, and
informal help to non-kin as the lowest rung.

FACTS §1: immigrants participate less the more formal the participation is. §4.1 and §4.3:
volunteer work starts after a request, typically from those already doing it; offices are filled
through the self-recruiting networks of sitting office holders, networks immigrants are seldom part
of. §4.11: people active in one arena also help informally more.

* Participants of a formal organisation become members (informal groups have no membership).
* Members (or participants of informal groups) take on unpaid work when asked; being tied to a
  volunteer or office holder of the same organisation triples the chance. Language, time, dugnad
  literacy and health lower it; the person's motivation (``people.motivation``, mean 1) multiplies
  it. Volunteers step back after a while.
* Office holders serve a term; a vacancy is filled through the board's own networks and long
  membership (FACTS §4.1, §4.3: offices are filled through self-recruiting networks immigrants are
  seldom part of): with chance ``self_recruitment`` by a member tied to a sitting office holder,
  otherwise by any member or volunteer of at least ``office_min_months`` standing. The board turns
  to those it knows: volunteers, and in proportion to the years in the organisation (up to
  ``LONG_STANDING_YEARS``); it prefers people like themselves (weight ``recruitment.homophily`` for
  someone of a group unlike the whole board). Neither Norwegian nor dugnad literacy enters the
  choice: those barriers act on the rungs below (joining, staying, volunteering), so the last
  step of the ladder comes from networks and time, not from a weight's sign.
* Mobilisation (:mod:`model.interventions.arrivals`) asks every member more often to do unpaid
  work (``levers.volunteer_ask``).
* Open recruitment (:mod:`model.interventions.open_recruitment`) moves three levers here: invited
  under-represented members (``levers.invite``), offices filled outside the board's ties
  (``levers.self_recruitment``) and boards that stop preferring their own kind (``levers.open_board``).
"""

from __future__ import annotations

import numpy as np

from model.mechanisms import barriers
from model.state import KINDS, MAJORITY, MEMBER, OFFICE, PARTICIPANT, VOLUNTEER

ASKED_BY_LEADER = 3.0  # multiplier when a tie in the organisation already volunteers (assumption)
LONG_STANDING_YEARS = 10.0  # membership beyond this many years counts no more for an office (assumption)


def _set_role(model, persons, cols, role) -> None:
    model.people.mem_role[persons, cols] = role
    model.memberships_changed()


def promote(model) -> None:
    p, lp, S = model.people, model.params.ladder, model.streams
    R = model.roster()
    if not len(R):
        return
    persons, orgs = R.person.astype(np.int64), R.org.astype(np.int64)
    pk, okey = p.key[persons], model.orgs.key[orgs]   # a membership's draws: its person and organisation
    formal = model.orgs.formal[orgs]
    age = p.age[persons]
    # participant -> member (formal organisations)
    s_lit = np.maximum(0.0, model.orgs.commitment[orgs] - p.literacy[persons])
    up = (R.role == PARTICIPANT) & formal & S.chance("ladder.member", pk, lp.member_rate * np.exp(-s_lit), okey)
    # member (or informal participant) -> volunteer, when asked by those already doing it
    cand = ((R.role == MEMBER) | ((R.role == PARTICIPANT) & ~formal)) & (age >= 15)
    idx = np.flatnonzero(cand)
    vol = np.zeros(len(R), bool)
    if len(idx):
        s, _ = barriers.score(model, persons[idx], orgs[idx], parts=("language", "time", "literacy", "health"))
        tie = model.ties.random_neighbour(persons[idx], S.pairs("ladder.asked_by", pk[idx], okey[idx]), p.key)
        tie_ok = tie >= 0
        t = np.where(tie_ok, tie, 0)
        same_org_leader = tie_ok & ((p.mem_org[t] == orgs[idx][:, None]) & (p.mem_role[t] >= VOLUNTEER)).any(axis=1)
        rate = lp.volunteer_rate * np.exp(-s) * np.where(same_org_leader, ASKED_BY_LEADER, 1.0) * p.motivation[persons[idx]]
        # open recruitment: under-represented members are invited to help organise
        under = p.background[persons[idx]] != MAJORITY
        rate = rate * np.where(under, model.levers.invite[orgs[idx]], 1.0) * model.levers.volunteer_ask[orgs[idx]]
        vol[idx] = S.chance("ladder.volunteer", pk[idx], rate, okey[idx])
    # volunteer -> member (or participant in an informal group)
    down = (R.role == VOLUNTEER) & S.chance("ladder.quit", pk, lp.volunteer_quit, okey)
    if up.any():
        _set_role(model, persons[up], R.col[up], MEMBER)
    if vol.any():
        _set_role(model, persons[vol], R.col[vol], VOLUNTEER)
    if down.any():
        _set_role(model, persons[down], R.col[down], np.where(formal[down], MEMBER, PARTICIPANT))
    # office terms end
    end = (R.role == OFFICE) & S.chance("ladder.term_ends", pk, 1.0 / lp.office_term_months, okey)
    if end.any():
        _set_role(model, persons[end], R.col[end], VOLUNTEER)


def fill_offices(model) -> None:
    """Fill at most one vacant office per organisation per month (self-recruitment)."""
    p, lp, S = model.people, model.params.ladder, model.streams
    R = model.roster()
    offices = R.counts(len(model.orgs), OFFICE)
    # who could stand at all (vectorised, so organisations without candidates are skipped)
    formal_entry = model.orgs.formal[R.org]
    standing = (((R.role >= MEMBER) | (~formal_entry & (R.role >= PARTICIPANT))) & (R.role < OFFICE)
                & (p.age[R.person] >= 18) & (model.month - p.mem_since[R.person, R.col] >= lp.office_min_months))
    has_candidates = np.bincount(R.org[standing], minlength=len(model.orgs)) > 0
    vacant = np.flatnonzero((offices < model.orgs.board_size) & has_candidates)
    picks_p, picks_c = [], []
    for o in vacant:
        sl = slice(R.indptr[o], R.indptr[o + 1])
        members, roles, cols, cand = R.person[sl], R.role[sl], R.col[sl], standing[sl]
        c_idx = np.flatnonzero(cand)
        holders = members[roles == OFFICE]
        self_rec = model.levers.self_recruitment[o]
        okey = int(model.orgs.key[o])
        if len(holders) and S.uniform("ladder.self_recruit", okey) < (lp.self_recruitment if np.isnan(self_rec) else self_rec):
            cp = np.repeat(members[c_idx], len(holders))
            hp = np.tile(holders, len(c_idx))
            tied = model.ties.has(cp, hp).reshape(len(c_idx), len(holders)).any(axis=1)
            if tied.any():
                c_idx = c_idx[tied]
        cm = members[c_idx]
        # the sitting board prefers people like themselves (recruiter homophily, FACTS §4.1)
        like_board = ((p.origin[cm][:, None] == p.origin[holders][None, :]).mean(axis=1)
                      if len(holders) and not model.levers.open_board[o] else np.ones(len(cm)))
        w = ((1.0 + 2.0 * (roles[c_idx] == VOLUNTEER)) * standing_years(model, cm, cols[c_idx])
             * model.params.recruitment.homophily ** (1.0 - like_board))
        if not w.sum() > 0:  # homophily 0 and no candidate like the board: the office stays vacant
            continue
        k = c_idx[S.weighted_sample("ladder.office_pick", p.key[cm], w, 1, okey)[0]]
        picks_p.append(members[k])
        picks_c.append(cols[k])
    if picks_p:
        _set_role(model, np.array(picks_p, np.int64), np.array(picks_c, np.int64), OFFICE)


def standing_years(model, persons: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Years each person has been in the organisation of membership slot ``cols``, up to
    ``LONG_STANDING_YEARS``: the board knows, and turns to, its long-standing members."""
    months = model.month - model.people.mem_since[persons, cols]
    return np.clip((months + 1) / 12.0, 0.0, LONG_STANDING_YEARS)   # this month counts: never zero


SECULAR_KINDS = tuple(KINDS.index(k) for k in ("sport", "culture", "humanitarian", "volunteer_centre", "youth_club"))


def record_volunteering(model) -> None:
    """Stamp this month on everyone doing unpaid work now (volunteer = worked in the last 12 months),
    and separately for unpaid work in a *secular* association other than an immigrant
    organisation (the SSB measure, Barstad 2019; FACTS §2)."""
    p, o = model.people, model.orgs
    unpaid = p.mem_role >= VOLUNTEER
    p.last_volunteer[unpaid.any(axis=1)] = model.month
    org = np.maximum(p.mem_org, 0)
    secular = unpaid & np.isin(o.kind[org], SECULAR_KINDS) & ~o.minority[org]
    p.last_volunteer_secular[secular.any(axis=1)] = model.month


def informal_help(model) -> None:
    """Informal help to non-kin, the lowest rung: more likely with more ties and when active
    in organisations (FACTS §1, §4.11)."""
    p, lp = model.people, model.params.ladder
    deg = model.ties.degree()
    active = (p.mem_role > 0).any(axis=1)
    prob = lp.informal_help_rate * np.minimum(1.0, deg / 4.0) * (1.0 + active) * (p.age >= 16)
    p.last_help[model.streams.chance("ladder.informal_help", p.key, prob)] = model.month


def step(model) -> None:
    promote(model)
    fill_offices(model)
    record_volunteering(model)
    informal_help(model)
