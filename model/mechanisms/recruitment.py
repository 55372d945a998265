"""Recruitment by asking (mechanism 1).

FACTS §4.1: most volunteers start after a concrete request through their own networks, often weak
ties (Wollebæk, Sætrang & Fladmoe 2015); low-status groups are asked less; majority members ask
people like themselves (homophily), so immigrants are asked less; minority people more often decline
when asked by majority people (von Essen et al. 2015); only 15% of non-volunteers had been asked
(Kassman 2020). §2, §4.11: people active in one arena — an organisation or a religious community —
are asked more in others (spillover).

Each month every active member may ask one person: a uniformly drawn tie (most ties are weak
ties) or, with ``place_ask``, someone at the asker's workplace or study place (colleagues ask
colleagues, students ask students: :mod:`model.mechanisms.places`; FACTS §2 — paid work brings
asks as well as taking time, younger people volunteer more), kept with a chance that falls for people of another origin group and for low-status people;
with the organisation's openness the asker instead approaches someone in the neighbourhood outside
their own network (the lever of open recruitment) — anyone in the municipality for the largest
organisations, which recruit city-wide (``organisations.citywide_size``; FACTS §7). A person with no ties is never asked through
ties. The asked person says yes with ``accept_base · exp(-barrier score) · liking for the kind ·
motivation · (1 − busy_decline)^(organisations one is active in)`` (:mod:`model.mechanisms.preferences`;
``people.motivation``, :mod:`model.mechanisms.hours`; time and commitment go to the ones one has, FACTS §4.2–4.3),
lowered when a majority person asks a minority person.

Without being asked, an informed person may also seek an organisation: information comes from ties
who are active (networks carry information, FACTS §4.2), from the municipality's channels for
organisations linked to it (reached in proportion to dugnad literacy), and — for newcomers —
from their own group's minority organisation (the pooled multicultural one where their group is
small locally, ``organisations.pool_small_groups``), where they go first (FACTS §4.5). With
``organisations.one_own_association`` a person belongs to one association of their own group at a
time, and with ``organisations.one_congregation`` to one congregation. Interventions add
information (``levers.info``: campaigns, drop-in offices, mentors), raise asking
(``levers.ask_boost``, ``levers.activity``) and openness (``levers.openness_extra``), and can aim
some outside asks at an under-represented group (``levers.targeted``).
"""

from __future__ import annotations

import numpy as np

from model.mechanisms import barriers, places, preferences
from model.mechanisms.membership import join
from model.roster import random_in_group
from model.state import KINDS, MAJORITY, MEMBER, PARTICIPANT, VOLUNTEER

RELIGIOUS = KINDS.index("religious")
NEWCOMER_MINORITY_FIRST = 0.5  # chance a newcomer's own search goes to their group's organisation (assumption)


def low_status(model, persons: np.ndarray) -> np.ndarray:
    """Low income, low education or (working age) without work."""
    p = model.people
    a = p.age[persons]
    return (p.low_income[persons] | ((p.education[persons] == 0) & (a >= 20))
            | (~p.employed[persons] & (a >= 20) & (a < model.params.employment.retirement_age)))


def wants_members(model, R) -> np.ndarray:
    """How eagerly each organisation looks for people — and takes in those who come on their own
    (:func:`seek`, :mod:`model.mechanisms.youth`): falls off steeply around its typical size
    ``size_target`` (half at the target, a tenth at twice the target)."""
    size = R.size.astype(float)
    return 1.0 / (1.0 + (size / model.orgs.size_target) ** 3)


def decide(model, asker: np.ndarray | None, target: np.ndarray, orgs: np.ndarray) -> np.ndarray:
    """Who says yes (mask), when asked by ``asker`` (None: self-initiated)."""
    p, rp = model.people, model.params.recruitment
    spent = barriers.current_fees(model)[target]
    s, blocked = barriers.score(model, target, orgs, include_fee_in=spent)
    prob = rp.accept_base * np.exp(-s) * preferences.weight(model, target, orgs) * p.motivation[target]
    prob = prob * (1.0 - model.params.membership.busy_decline) ** (p.mem_role[target] > 0).sum(axis=1)
    if asker is not None:
        cross = (p.background[asker] == MAJORITY) & (p.background[target] != MAJORITY)
        prob = np.where(cross, prob * (1.0 - rp.minority_declines_majority), prob)
    # the person's answer to this organisation this month, however they came to it
    return ~blocked & model.streams.chance("recruitment.accept", p.key[target], prob, model.orgs.key[orgs])


def eligible(model, persons: np.ndarray, orgs: np.ndarray) -> np.ndarray:
    """Who may join: of an age the organisation takes, with a free slot, not in it already, living
    in its municipality, not in another association of their own group
    (``organisations.one_own_association``, :func:`in_own_group_org`) and not in another congregation
    (``organisations.one_congregation``, :func:`in_congregation`)."""
    p = model.people
    ok = (persons >= 0)
    persons = np.where(ok, persons, 0)
    ok &= barriers.age_fits(model, persons, orgs)
    ok &= (p.mem_org[persons] < 0).any(axis=1)
    ok &= ~(p.mem_org[persons] == orgs[:, None]).any(axis=1)
    ok &= p.municipality[persons] == model.orgs.municipality[orgs]
    if model.params.organisations.one_own_association:
        own = np.flatnonzero(ok & model.own_group_orgs(persons, orgs))  # only these need the memberships read
        ok[own] = ~in_own_group_org(model, persons[own])
    if model.params.organisations.one_congregation:
        rel = np.flatnonzero(ok & (model.orgs.kind[orgs] == RELIGIOUS))
        ok[rel] = ~in_congregation(model, persons[rel])
    return ok


def in_congregation(model, persons: np.ndarray) -> np.ndarray:
    """Whether each person already belongs to a congregation. One at a time (one parish, mosque or
    temple): a tradition has one to three congregations in a 5,000-person municipality and seven or
    more at 20,000, and with several to join religiously active adults held more than one each, so
    immigrant-background volunteering rose with the run's size (docs/demography.md, Size; assumption)."""
    mem = model.people.mem_org[persons]
    return ((mem >= 0) & (model.orgs.kind[np.maximum(mem, 0)] == RELIGIOUS)).any(axis=1)


def in_own_group_org(model, persons: np.ndarray) -> np.ndarray:
    """Whether each person is already in a minority association of their own group. One at a
    time: associations recruit through kin and community ties that span the municipality, and with
    several to choose from (a large municipality has two to nine per group) 9 % of
    immigrant-background adults at 100,000 persons were in two or more, so the same capacity
    reached fewer people than at 20,000 (docs/demography.md, Size; assumption)."""
    mem = model.people.mem_org[persons]
    slots = np.repeat(np.asarray(persons), mem.shape[1])
    own = model.own_group_orgs(slots, np.maximum(mem.ravel(), 0)).reshape(mem.shape)
    return (own & (mem >= 0)).any(axis=1)


def ask(model) -> None:
    p, rp, S = model.people, model.params.recruitment, model.streams
    R = model.roster()
    if not len(R):
        return
    formal = model.orgs.formal[R.org]
    age = p.age[R.person]
    can_ask = ((R.role >= MEMBER) | (~formal & (R.role >= PARTICIPANT)) | ((age >= 13) & (age < 18))) & (age >= 13)
    active_count = (p.mem_role > 0).sum(axis=1)
    lv = model.levers
    rate = (rp.ask_rate * np.where(R.role >= VOLUNTEER, rp.volunteer_ask_multiplier, 1.0) * wants_members(model, R)[R.org]
            * lv.ask_boost[R.org] * lv.activity[R.org])
    o = model.orgs
    # draws of one ask are keyed by the asker and the organisation they ask for
    fire = can_ask & S.chance("recruitment.ask", p.key[R.person], rate, o.key[R.org])
    asker = R.person[fire].astype(np.int64)
    org = R.org[fire].astype(np.int64)
    if not len(asker):
        return
    ak, okey = p.key[asker], o.key[org]
    outside = S.chance("recruitment.outside", ak, np.minimum(1.0, o.openness[org] + lv.openness_extra[org]), okey)
    u = S.uniform("recruitment.whom", ak, okey)
    stranger = np.where(o.citywide[org], random_in_group(model.municipality_groups, o.municipality[org], u),
                        random_in_group(model.nb_groups, o.neighbourhood[org], u))
    target = stranger.astype(np.int64)
    inside = np.flatnonzero(~outside)
    target[inside] = model.ties.random_neighbour(asker[inside], S.pairs("recruitment.whom_tie", ak[inside], okey[inside]), p.key)
    # colleagues ask colleagues and students ask students (the places they spend their days)
    at_place = inside[S.chance("recruitment.at_place", ak[inside], rp.place_ask, okey[inside])]
    if len(at_place):
        fellow = place_fellow(model, asker[at_place], u[at_place])
        target[at_place] = np.where(fellow >= 0, fellow, target[at_place])
    # targeted information (open recruitment): some outside asks go to the under-represented group
    if lv.target_groups is not None:
        aim = outside & S.chance("recruitment.aim", ak, lv.targeted[org], okey)
        aimed = random_in_group(lv.target_groups, o.neighbourhood[org[aim]], u[aim])
        target[aim] = np.where(aimed >= 0, aimed, target[aim])
    valid = target >= 0
    t = np.where(valid, target, 0)
    # the recruiter's own choice among ties: people like themselves, not low-status people
    keep = np.where(p.origin[asker] == p.origin[t], 1.0, rp.homophily)
    keep = keep * np.where(low_status(model, t), rp.low_status_asked, 1.0)
    # people already active somewhere (or religiously active) are seen and asked more (FACTS §2, §4.11)
    arenas = active_count[t] + p.religious[t]
    keep = keep * np.minimum(1.0, (1.0 + rp.spillover * arenas) / (1.0 + rp.spillover))
    valid &= outside | S.chance("recruitment.keep", ak, keep, okey)
    valid &= eligible(model, np.where(valid, target, -1), org)
    asker, target, org = asker[valid], target[valid], org[valid]
    model.people.last_asked[target] = model.month
    yes = decide(model, asker, target, org)
    join(model, target[yes], org[yes], PARTICIPANT)


def information(model) -> np.ndarray:
    """What each person knows of organisations they could join, 0–1: from ties who are active
    (networks carry information, FACTS §4.2; three active ties are enough), from their own dugnad
    literacy, and from interventions (``levers.info``)."""
    p = model.people
    n = len(p)
    active = (p.mem_role > 0).any(axis=1)
    indptr, nbr = model.ties.csr()
    active_ties = np.bincount(np.repeat(np.arange(n), np.diff(indptr)), weights=active[nbr], minlength=n)
    return np.minimum(1.0, 0.3 * p.literacy + 0.7 * np.minimum(1.0, active_ties / 3.0) + model.levers.info)


def place_fellow(model, askers: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Someone at each asker's workplace (if employed) or else study place (if a student), drawn
    with ``u``; -1 for askers with neither, or alone there. :mod:`model.mechanisms.places`."""
    p = model.people
    out = np.full(len(askers), -1, np.int64)
    work = p.employed[askers] & (p.workplace[askers] >= 0)
    out[work] = random_in_group(places.work_groups(model), p.workplace[askers[work]].astype(np.int64), u[work])
    studying = places.students(model)
    study = ~work & studying[askers]
    out[study] = random_in_group(places.study_groups(model, studying), places.study_place(model, askers[study]), u[study])
    return np.where(out == askers, -1, out)


def seek(model) -> None:
    """Self-initiated joining by informed people (no one asked)."""
    p, rp, S = model.people, model.params.recruitment, model.streams
    info = information(model)
    free = (p.mem_org < 0).any(axis=1)
    cand = np.flatnonzero(free & (p.age >= 16))
    who = cand[S.chance("recruitment.seek", p.key[cand], rp.self_join_rate * info[cand])]
    if not len(who):
        return
    org = np.full(len(who), -1, np.int64)
    wk = p.key[who]
    u = S.uniform("recruitment.seek_way", wk)
    # 1) through an active tie: one of that tie's organisations
    via = model.ties.random_neighbour(who, S.pairs("recruitment.seek_tie", wk), p.key)
    has_via = (via >= 0) & (u < 0.5)
    org[has_via] = random_slot_org(model, via[has_via], S.uniform("recruitment.seek_slot", wk[has_via]))
    # 2) newcomers: their own group's minority organisation first
    newcomer = (p.background[who] != MAJORITY) & (p.years_in_norway[who] < model.params.membership.newcomer_years)
    first = (org < 0) & newcomer & S.chance("recruitment.seek_own_group", wk, NEWCOMER_MINORITY_FIRST)
    pick = S.uniform("recruitment.seek_own_org", wk)
    rows = np.flatnonzero(first)
    for i, mun, group in zip(rows, p.municipality[who[rows]], model.association_group(who[rows])):
        opts = model.minority_orgs.get((int(mun), int(group)))
        if opts:
            org[i] = opts[min(int(pick[i] * len(opts)), len(opts) - 1)]
    # 3) the municipality's channels (linked organisations), reached by those who know where to look
    rest = org < 0
    channel = rest & S.chance("recruitment.seek_channel", wk, p.literacy[who] + model.levers.info[who])
    linked = model.linked_groups()
    org[channel] = random_in_group(linked, p.municipality[who[channel]], pick[channel])
    # 4) otherwise an organisation seen near home (or a city-wide one); large ones are seen more
    rest = org < 0
    nb = p.neighbourhood[who[rest]]
    org[rest] = model.org_places.seen(nb, p.municipality[who[rest]], model.nb_share(nb), pick[rest])
    ok = eligible(model, np.where(org >= 0, who, -1), np.maximum(org, 0))
    who, org = who[ok], org[ok]
    # an organisation takes in people up to about its typical size (capacity binds for self-joiners too)
    wants = decide(model, None, who, org)
    taken = S.chance("recruitment.taken_in", p.key[who], wants_members(model, model.roster())[org], model.orgs.key[org])
    yes = wants & taken
    p.last_turned_down[who[wants & ~taken]] = model.month   # wanted to join, was not taken in (trust)
    join(model, who[yes], org[yes], PARTICIPANT)


def random_slot_org(model, persons: np.ndarray, u: np.ndarray) -> np.ndarray:
    """One organisation each person is active in, drawn uniformly by ``u`` (-1 if none)."""
    active = model.people.mem_role[persons] > 0
    n = active.sum(axis=1)
    k = np.minimum((u * n).astype(np.int64), np.maximum(n - 1, 0))   # the k-th active slot
    col = np.argmax(np.cumsum(active, axis=1) > k[:, None], axis=1)
    out = model.people.mem_org[persons, col].astype(np.int64)
    out[n == 0] = -1
    return out


def step(model) -> None:
    ask(model)
    seek(model)
