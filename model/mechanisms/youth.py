"""Children's and youth participation (mechanism 6).

FACTS §3: family economy is the main barrier to regular organised leisure (Jacobsen et al. 2021);
parents' own participation (primary socialisation) is the second big barrier (Ødegård & Fladmoe
2017); youth with parents from Africa take part about as often as majority youth, more in
religious groups; gender gaps are larger among minority youth, largest in sport. §4.10: children
starting school pull parents into school and leisure life. §5: families outside organised life hear
of what is offered last (Arnesen et al. 2021).

Nothing here depends on a child's origin group. Each month parents of a child (``start_age``–17)
who is in no children's or all-age activity try to enrol the child with ``enrol_rate`` times what
information reaches the household (:func:`household_information`: the parents' dugnad literacy and
active ties, and any information an intervention adds). Religiously active parents look first, with
``religious_arena``, for their own congregation's activity (religious youth groups: the one a
household adult belongs to, else one of their tradition nearby); otherwise the
family comes across two activities in the neighbourhood or city-wide ones (or, failing that, any in
the municipality; one that turns out to be another group's minority association sends them on
looking once more) and the child picks one in proportion to their liking for its kind
(:mod:`model.mechanisms.preferences`), so liking decides the kind, not whether. They go ahead with
the logistic chance
``BASE_LOGIT + w_parent_active·[a parent is active] + w_parent_literacy·(parents' literacy - 0.5)``,
and the child joins unless the fee does not fit the household's leisure budget; the barrier score
(language, health, fee, fit — including sport's misfit for girls of religiously active households,
:func:`model.mechanisms.barriers.fit`) lowers the chance of being taken in. When a child joins, a
parent joins the same organisation as a member with ``PARENT_PULL``, if they may
(:func:`model.mechanisms.recruitment.eligible`: e.g. not into a second congregation). Leaving is in
:mod:`model.mechanisms.membership`.

Youth clubs (fritidsklubber, FACTS §3, §7: open arenas, key for youth in the local studies and used
more by youth with parents from Africa) are not what parents enrol a child in: youth 13–17 look in on
their own (:func:`drop_in`), free and without the parents' go-ahead, so the arena does not depend on
the family's economy or knowledge of organised life.
"""

from __future__ import annotations

import numpy as np

from model.mechanisms import barriers, preferences
from model.mechanisms.membership import join
from model.mechanisms.recruitment import decide, eligible, information, wants_members
from model.roster import weighted_in_group
from model.state import ADULTS_ONLY, MEMBER, PARTICIPANT, YOUTH_CLUB_AGES

PARENT_PULL = 0.2   # chance a parent joins with the child (assumption; FACTS §4.10)
BASE_LOGIT = 0.5    # parents' inclination to enrol when no factor speaks against (assumption)


def in_activity(model) -> np.ndarray:
    """Children in a children's or all-age activity their parents enrolled them in (a youth club,
    where youth go on their own, does not count)."""
    p, o = model.people, model.orgs
    org = np.maximum(p.mem_org, 0)
    return ((p.mem_role > 0) & (o.age_profile[org] != ADULTS_ONLY) & (o.kind[org] != barriers.YOUTH_CLUB)).any(axis=1)


def enrol_logit(model, children: np.ndarray) -> np.ndarray:
    """Log-odds that parents go ahead with an activity they found: their own participation and
    their knowledge of organised life (FACTS §3), the same for every origin group."""
    yp = model.params.youth
    hh = model.people.household[children]
    return (BASE_LOGIT + yp.w_parent_active * model.parent_active[hh]
            + yp.w_parent_literacy * (model.household_literacy[hh] - 0.5))


def household_information(model) -> np.ndarray:
    """What information about organised activities reaches each household: its best-informed
    adult's (:func:`model.mechanisms.recruitment.information`)."""
    p = model.people
    adults = np.flatnonzero(p.age >= 18)
    out = np.zeros(model.n_households)
    np.maximum.at(out, p.household[adults], information(model)[adults])
    return out


def congregation_activity(model, kids: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The congregation an adult of the child's household belongs to, else one of the household's
    tradition in their municipality drawn by ``u`` (-1 where there is none)."""
    p = model.people
    R = model.roster()
    in_cong = (model.orgs.tradition[R.org] >= 0) & (p.age[R.person] >= 18)
    own = np.full(model.n_households, -1, np.int64)
    own[p.household[R.person[in_cong]]] = R.org[in_cong]
    out = own[p.household[kids]]
    for i in np.flatnonzero(out < 0):
        opts = model.congregations.get((int(p.municipality[kids[i]]), int(p.tradition[kids[i]])))
        if opts:
            out[i] = opts[min(int(u[i] * len(opts)), len(opts) - 1)]
    return out


def come_across(model, kids: np.ndarray, stream: str) -> np.ndarray:
    """One activity each family comes across in the neighbourhood or city-wide (failing that, any in
    the municipality; -1: none at all), drawn from the named stream."""
    p, S, places = model.people, model.streams, model.youth_org_places
    nb, mun, key = p.neighbourhood[kids], p.municipality[kids], p.key[kids]
    u = S.uniform(stream, key)
    org = places.seen(nb, mun, model.nb_share(nb), u)
    # another group's association is no place for this child: the parents look on once more
    other = org >= 0
    other[other] = (model.orgs.origin[org[other]] >= 0) & ~model.own_group_orgs(kids[other], org[other])
    if other.any():
        again = S.uniform(f"{stream}_again", key[other])
        org[other] = places.seen(nb[other], mun[other], model.nb_share(nb[other]), again)
    none = org < 0
    org[none] = weighted_in_group(places.anywhere, model.orgs.size_target, mun[none], u[none])
    return org


def choose(model, kids: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Of two activities on offer (-1: none), the child picks one with chances in proportion to their
    liking for each kind (:mod:`model.mechanisms.preferences`): liking shapes which kind, not
    whether — one offer, or two liked not at all, are taken as they come."""
    like1 = preferences.weight(model, kids, np.maximum(first, 0)) * (first >= 0)
    like2 = preferences.weight(model, kids, np.maximum(second, 0)) * (second >= 0)
    total = like1 + like2
    u = model.streams.uniform("youth.choose", model.people.key[kids])
    pick2 = np.where(total > 0, u * total >= like1, first < 0)
    return np.where(pick2, second, first)


def find_activity(model, kids: np.ndarray) -> np.ndarray:
    """The activity each family goes for (-1: none in the municipality): the child's choice of two
    they come across, or, for religiously active parents, often their own congregation's."""
    p, S = model.people, model.streams
    key = p.key[kids]
    org = choose(model, kids, come_across(model, kids, "youth.which"), come_across(model, kids, "youth.which_second"))
    # religiously active parents look to their own congregation first (religious youth groups)
    rel = barriers.religious_households(model)[p.household[kids]]
    first = rel & S.chance("youth.congregation_first", key, model.params.youth.religious_arena)
    if first.any():
        own = congregation_activity(model, kids[first], S.uniform("youth.which_congregation", key[first]))
        org[first] = np.where(own >= 0, own, org[first])
    return org


def drop_in(model) -> None:
    """Youth 13–17 look in at a youth club near home on their own (FACTS §3, §7: youth clubs are
    open arenas, free and without the parents' go-ahead): those in none with ``drop_in_rate`` a
    month, at one seen from their neighbourhood (:class:`model.roster.Places`). They stay as the asked do — yes with
    :func:`model.mechanisms.recruitment.decide` (barriers, liking, motivation and the activities
    they already have) — and the club takes them in up to its typical size."""
    o = model.orgs
    if not (o.active & (o.kind == barriers.YOUTH_CLUB)).any():
        return
    p, S = model.people, model.streams
    in_club = ((p.mem_role > 0) & (o.kind[np.maximum(p.mem_org, 0)] == barriers.YOUTH_CLUB)).any(axis=1)
    teens = np.flatnonzero((p.age >= YOUTH_CLUB_AGES[0]) & (p.age < YOUTH_CLUB_AGES[1]) & (p.mem_org < 0).any(axis=1) & ~in_club)
    teens = teens[S.chance("youth.drop_in", p.key[teens], model.params.youth.drop_in_rate)]
    nb = p.neighbourhood[teens]
    club = model.youth_club_places.seen(nb, p.municipality[teens], model.nb_share(nb),
                                        S.uniform("youth.which_club", p.key[teens]))
    ok = club >= 0
    ok[ok] = eligible(model, teens[ok], club[ok])
    teens, club = teens[ok], club[ok]
    taken = S.chance("youth.club_takes_in", p.key[teens], wants_members(model, model.roster())[club], o.key[club])
    yes = decide(model, None, teens, club) & taken
    join(model, teens[yes], club[yes], PARTICIPANT)


def step(model) -> None:
    drop_in(model)
    p, yp, S = model.people, model.params.youth, model.streams
    adult = p.age >= 18
    active = (p.mem_role > 0).any(axis=1)
    model.parent_active = np.bincount(p.household[adult & active], minlength=model.n_households) > 0
    kids = np.flatnonzero((p.age >= yp.start_age) & (p.age < 18) & ~in_activity(model)
                          & (p.mem_org < 0).any(axis=1))
    informed = household_information(model)[p.household[kids]]
    kids = kids[S.chance("youth.try", p.key[kids], yp.enrol_rate * informed)]
    if not len(kids):
        return
    org = find_activity(model, kids)
    ok = org >= 0
    kids, org = kids[ok], org[ok]
    go = S.chance("youth.parents_go_ahead", p.key[kids], 1.0 / (1.0 + np.exp(-enrol_logit(model, kids))))
    kids, org = kids[go], org[go]
    spent = barriers.current_fees(model)[kids]
    s, blocked = barriers.score(model, kids, org, include_fee_in=spent, parts=("language", "health", "fee", "fit", "literacy"))
    # the activity takes children up to about its typical size (recruitment.wants_members)
    yes = ~blocked & S.chance("youth.taken_in", p.key[kids], np.exp(-0.5 * s) * wants_members(model, model.roster())[org])
    joined = join(model, kids[yes], org[yes], PARTICIPANT)
    kids, org = kids[yes][joined], org[yes][joined]
    # a parent comes along (FACTS §4.10)
    pull = S.chance("youth.parent_comes", p.key[kids], PARENT_PULL)
    parents = model.random_adult_in_household(p.household[kids[pull]], S.uniform("youth.which_parent", p.key[kids[pull]]))
    ok = parents >= 0
    ok[ok] = eligible(model, parents[ok], org[pull][ok])   # e.g. not into a second congregation
    join(model, parents[ok], org[pull][ok], MEMBER)
