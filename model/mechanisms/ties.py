"""Tie formation in foci, triadic closure and decay (mechanism 4), and linking ties.

Ties form where people meet (Feld 1981, focus theory; FACTS mission: organisations, neighbourhood,
work, school, study places — :mod:`model.mechanisms.places`): each month a person meets a random other person in each of their foci with the
focus's meeting rate. A meeting of strangers becomes a tie with ``form_prob``; across origin groups
this is lowered by homophily and by the lack of a shared language. Meeting again refreshes a tie.
Friends of friends meet (triadic closure). Ties not refreshed wear down and vanish.

Each tie is **bonding** (same origin group) or **bridging** (different groups) — Putnam 2000; FACTS
§1. So an informal minority organisation, whose members share an origin group, produces bonding
ties only; mixed organisations and workplaces produce bridging ties (FACTS §4.5, §4.9).

**Linking** ties (Woolcock 1998) join organisations to their municipality: unlinked formal
organisations gain one at ``link_rate`` (minority organisations at ``minority_link_factor`` of it,
FACTS §4.5, §4.8), doubled in municipalities with a voluntary-sector policy (Bråten et al. 2017);
they lapse at ``link_decay``. The step is run by each :class:`~model.agents.Municipality`.

Interventions add meetings (``levers.meetings``: mentor pairs, café visits, joint activities; the
formation chance is multiplied by the meeting's affinity, e.g. a mentor-matching quality), raise
organisations' activity (``levers.activity``: grants, shared premises) and their chance of a linking
tie (``levers.link_boost``: arranged meetings, drop-in offices, grants).
"""

from __future__ import annotations

import numpy as np

from model.mechanisms import places
from model.roster import groups, random_in_group
from model.state import VOLUNTEER

NEW_TIE_STRENGTH = 0.5


def _pairs_in_focus(model, focus: str, members: np.ndarray, keys: np.ndarray, n_groups: int, rate: float):
    """Each member meets, with chance ``rate``, a random other member of the same group (draws of
    the stream ``ties.<focus>``, keyed by the member)."""
    if not len(members) or rate <= 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    g = groups(keys, members, n_groups)
    pk = model.people.key[members]
    meet = model.streams.chance(f"ties.{focus}", pk, rate)
    a = members[meet]
    b = random_in_group(g, keys[meet], model.streams.uniform(f"ties.{focus}_whom", pk[meet]))
    return a, b


def meetings(model) -> tuple[np.ndarray, np.ndarray]:
    """All meetings this month, as (a, b) person pairs, over the seven foci."""
    p, tp, S = model.people, model.params.ties, model.streams
    mr = tp.meet_rate
    out_a, out_b = [], []
    # organisations: volunteers and office holders meet more
    R = model.roster()
    if len(R) and mr.get("organisation", 0) > 0:
        rate = (mr["organisation"] * np.where(R.role >= VOLUNTEER, 1.5, 1.0) * model.orgs.meet_factor[R.org]
                * model.levers.activity[R.org])
        pk, okey = p.key[R.person], model.orgs.key[R.org]
        meet = S.chance("ties.organisation", pk, np.minimum(rate, 1.0), okey)
        e = R.random_member(R.org[meet], S.uniform("ties.organisation_whom", pk[meet], okey[meet]),
                            S.uniform("ties.organisation_place", pk, okey))
        out_a.append(R.person[meet].astype(np.int64))
        out_b.append(R.person[e].astype(np.int64))
    age = p.age
    everyone = np.flatnonzero(age >= 6)
    n_nb = len(model.nb_municipality)
    a, b = _pairs_in_focus(model, "neighbourhood", everyone, p.neighbourhood[everyone], n_nb, mr.get("neighbourhood", 0))
    out_a.append(a); out_b.append(b)
    workers = np.flatnonzero(p.employed & (p.workplace >= 0))
    a, b = _pairs_in_focus(model, "workplace", workers, p.workplace[workers], len(model.workplaces), mr.get("workplace", 0))
    out_a.append(a); out_b.append(b)
    pupils = np.flatnonzero((age >= 6) & (age < 19))
    if len(pupils):
        # local school (6–15) by neighbourhood, upper secondary (16–18) by municipality; two-year bands
        upper = age[pupils] >= 16
        school = np.where(upper, n_nb + p.municipality[pupils], p.neighbourhood[pupils])
        key = school * 10 + (age[pupils] // 2).astype(np.int64)
        uniq, inv = np.unique(key, return_inverse=True)
        a, b = _pairs_in_focus(model, "school", pupils, inv, len(uniq), mr.get("school", 0))
        out_a.append(a); out_b.append(b)
    studying = np.flatnonzero(places.students(model))
    a, b = _pairs_in_focus(model, "study", studying, places.study_place(model, studying),
                           model.n_municipalities * places.n_bands(), mr.get("study", 0))
    out_a.append(a); out_b.append(b)
    parents = np.flatnonzero((age >= 18) & model.has_school_child[p.household])
    a, b = _pairs_in_focus(model, "school_parents", parents, p.neighbourhood[parents], n_nb, mr.get("school_parents", 0))
    out_a.append(a); out_b.append(b)
    # own origin group across the municipality: kin, diaspora and congregation networks (bonding)
    minority = np.flatnonzero((p.background != 0) & (age >= 13))
    key = p.municipality[minority].astype(np.int64) * len(model.origins) + p.origin[minority]
    a, b = _pairs_in_focus(model, "community", minority, key, model.n_municipalities * len(model.origins), mr.get("community", 0))
    out_a.append(a); out_b.append(b)
    return np.concatenate(out_a), np.concatenate(out_b)


def triads(model) -> tuple[np.ndarray, np.ndarray]:
    """Friends of friends meet: a person introduces two of their ties to each other."""
    S, tp, key = model.streams, model.params.ties, model.people.key
    cand = np.flatnonzero(model.ties.degree() >= 2)
    who = cand[S.chance("ties.triad", key[cand], tp.triadic_rate)]
    pick = lambda name: model.ties.random_neighbour(who, S.pairs(name, key[who]), key).astype(np.int64)
    return pick("ties.triad_first"), pick("ties.triad_second")


def form_probability(model, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    p, tp = model.people, model.params.ties
    same = p.origin[a] == p.origin[b]
    shared_language = np.minimum(p.norwegian[a], p.norwegian[b])
    cross = tp.homophily * (1.0 - tp.language_contact * (1.0 - shared_language))
    return tp.form_prob * np.where(same, 1.0, cross)


def step(model) -> None:
    tp, key = model.params.ties, model.people.key
    model.ties.decay(tp.decay, tp.drop_below)
    a1, b1 = meetings(model)
    a2, b2 = triads(model)
    # meetings arranged by interventions (mentor pairs, language cafés, joint activities)
    extra = model.levers.meetings
    a = np.concatenate([a1, a2, *(m[0] for m in extra)])
    b = np.concatenate([b1, b2, *(m[1] for m in extra)])
    affinity = np.concatenate([np.ones(len(a1) + len(a2)), *(m[2] for m in extra)])
    ok = (a >= 0) & (b >= 0) & (a != b)
    a, b, affinity = a[ok], b[ok], affinity[ok]
    if not len(a):
        return
    exists = model.ties.has(a, b)
    # a pair's draw is the same whoever of the two met the other, and through whichever focus
    lo, hi = np.minimum(key[a], key[b]), np.maximum(key[a], key[b])
    new_ok = ~exists & model.streams.chance("ties.form", lo, np.minimum(1.0, form_probability(model, a, b) * affinity), hi)
    keep = exists | new_ok
    model.ties.add(a[keep], b[keep], NEW_TIE_STRENGTH, refresh=tp.refresh)


def update_links(model, municipality: int, policy: bool) -> None:
    """Linking ties between the municipality and its formal organisations form and lapse."""
    o, tp, S = model.orgs, model.params.ties, model.streams
    mine = np.flatnonzero((o.municipality == municipality) & o.active)  # folded organisations have no ties
    if not len(mine):
        return
    rate = tp.link_rate * np.where(o.minority[mine], tp.minority_link_factor, 1.0) * (2.0 if policy else 1.0)
    rate = np.where(o.formal[mine], rate, rate * 0.2) * model.levers.link_boost[mine]
    gain = ~o.linked[mine] & S.chance("ties.link_gain", o.key[mine], rate)
    kept = np.isin(o.kind[mine], model.municipal_kinds)   # volunteer centres and youth clubs: the municipality's own
    lose = o.linked[mine] & ~kept & S.chance("ties.link_loss", o.key[mine], tp.link_decay)
    o.linked[mine[gain]] = True
    o.linked[mine[lose]] = False
    if gain.any() or lose.any():
        model.links_changed()
