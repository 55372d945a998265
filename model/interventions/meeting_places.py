"""Municipal meeting places: arranged meetings between majority and minority organisations, and a
drop-in office in a neighbourhood.

FACTS §4.8: municipalities with a voluntary-sector policy cooperate more; municipalities that meet
organisations where they are and arrange meeting places between majority and minority
organisations build trust (Bråten et al. 2017; the "Stikk-innom" drop-in office at Veitvet;
Ødegård 2010); trust between authorities and minority organisations takes long to build
(Winsvold et al. 2017). §4.5: minority organisations are weakly linked to municipality and local
organisations.

* **Arranged meetings** (``meetings_per_year`` per municipality): the municipality invites
  ``organisations_per_meeting`` organisations, half of them minority organisations. Their office
  holders and volunteers meet across organisations (``levers.meetings``); each invited minority
  organisation gains a linking tie with ``link_chance`` (a lever on the linking step:
  ``levers.link_boost``); each majority–minority pair at the meeting starts cooperating with
  ``partnership_chance``.
* **Joint activities**: cooperating organisations hold a joint activity with ``joint_activity_rate``
  a month, where ``joint_share`` of the smaller organisation's participants each meet someone from
  the other (extra meetings; ties form only through the tie mechanism). Partnerships lapse with
  ``partnership_decay`` a month; joint activities are arranged only while the measure runs.
* **Drop-in office** in ``drop_in_neighbourhoods``: residents visit with ``visit_rate`` a month and
  leave informed about organisations (``levers.info``); organisations in the neighbourhood gain
  linking ties ``drop_in_link_boost`` times faster.

Cost: ``nok_per_meeting``, ``drop_in_nok_per_year`` per office. Meeting costs are benefits of the
persons attending; a visit to the drop-in office is worth ``nok_per_visit``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from model.interventions.base import Intervention
from model.interventions.common import binomial, poisson
from model.schema import NOK, InterventionParams, NeighbourhoodNo, P, Target
from model.state import VOLUNTEER


class Params(InterventionParams):
    """Arranged meetings between organisations and/or a drop-in office."""

    type: Literal["meeting_places"] = "meeting_places"
    target: Target = P(Target(age_min=16), "setting", "who can visit the drop-in office (default: everyone 16+)")
    meetings_per_year: float = P(4.0, "assumption", "arranged meetings per municipality per year (0 = none)", ge=0, le=52)
    organisations_per_meeting: int = P(8, "assumption", "organisations invited to a meeting (half minority when there are enough)", ge=2, le=200)
    people_per_organisation: int = P(2, "assumption", "office holders and volunteers each invited organisation sends", ge=1, le=20)
    link_chance: float = P(0.3, "assumption", "chance an invited minority organisation gains a linking tie to the municipality", ge=0, le=1)
    partnership_chance: float = P(0.15, "assumption", "chance a majority–minority pair at a meeting starts cooperating", ge=0, le=1)
    joint_activity_rate: float = P(0.25, "assumption", "monthly chance cooperating organisations hold a joint activity", ge=0, le=1)
    joint_share: float = P(0.2, "assumption", "share of the smaller organisation's participants meeting someone from the other at a joint activity", ge=0, le=1)
    partnership_decay: float = P(0.02, "assumption", "monthly chance a partnership lapses", ge=0, le=1)
    drop_in_neighbourhoods: list[NeighbourhoodNo] = P([], "setting", "neighbourhoods with a drop-in office (Stikk-innom, Veitvet)")
    visit_rate: float = P(0.02, "assumption", "monthly chance a resident visits the drop-in office", ge=0, le=1)
    visit_information: float = P(0.5, "assumption", "information a visit gives (0–1), for the month of the visit", ge=0, le=1)
    drop_in_link_boost: float = P(3.0, "assumption", "multiplier on linking-tie formation for organisations in a drop-in neighbourhood", ge=1, le=20)
    nok_per_meeting: float = P(15000.0, "assumption", "cost of one arranged meeting, NOK", ge=0, le=NOK)
    drop_in_nok_per_year: float = P(600000.0, "assumption", "yearly cost of one drop-in office (staff, premises), NOK", ge=0, le=NOK)
    nok_per_visit: float = P(200.0, "assumption", "value of one drop-in visit, NOK (benefit)", ge=0, le=NOK)


class MeetingPlaces(Intervention):
    params_class = Params

    def __init__(self, model, params: Params):
        super().__init__(model, params)
        self.meetings_held = 0
        self.partnerships_formed = 0
        self.visits = 0

    def _attendees(self, model, org: int, meeting: int) -> np.ndarray:
        """The office holders and volunteers (or, failing those, any participants) an invited
        organisation sends to the municipality's ``meeting``-th meeting this month."""
        R = model.roster()
        sl = slice(R.indptr[org], R.indptr[org + 1])
        people, roles = R.person[sl].astype(np.int64), R.role[sl]
        top = people[roles >= VOLUNTEER]
        pool = top if len(top) else people
        first = model.streams.order(f"{self.stream_prefix}.attendee", model.people.key[pool], model.orgs.key[org], meeting)
        return pool[first[:self.params.people_per_organisation]]

    def _meeting(self, model, m: int, meeting: int) -> None:
        """The ``meeting``-th arranged meeting of municipality ``m`` this month (the salt of its
        draws; organisations are keyed by ``orgs.key``, attendees by ``people.key``)."""
        o, pr, lv, S, L = model.orgs, self.params, model.levers, model.streams, self.stream_prefix
        mine = np.flatnonzero((o.municipality == m) & o.active)
        minority = mine[o.minority[mine]]
        majority = mine[~o.minority[mine]]
        half = pr.organisations_per_meeting // 2
        mino = minority[S.order(f"{L}.invite", o.key[minority], meeting)[:half]]
        majo = majority[S.order(f"{L}.invite", o.key[majority], meeting)[:pr.organisations_per_meeting - len(mino)]]
        invited = np.concatenate([mino, majo]).astype(np.int64)
        people = [self._attendees(model, int(x), meeting) for x in invited]
        present = np.concatenate(people) if people else np.empty(0, np.int64)
        from_org = np.repeat(invited, [len(x) for x in people])
        if len(present) > 1:
            # everyone talks with a couple of people from other organisations
            i = np.repeat(np.arange(len(present)), 2)
            talk = np.tile([0, 1], len(present))  # each attendee's first and second talk
            j = S.below(f"{L}.talk", model.people.key[present[i]], len(present), o.key[from_org[i]], talk, meeting)
            other = from_org[i] != from_org[j]
            lv.meet(present[i[other]], present[j[other]])
        gain = mino[S.chance(f"{L}.link", o.key[mino], pr.link_chance, meeting)]
        lv.link_boost[gain] *= 1e9  # a linking tie forms this month (see ties.update_links)
        x, y = np.repeat(mino, len(majo)), np.tile(majo, len(mino))  # every majority–minority pair
        starts = S.chance(f"{L}.partnership", o.key[x], pr.partnership_chance, o.key[y], meeting)
        for a, b in zip(x[starts], y[starts]):
            pair = (int(min(a, b)), int(max(a, b)))
            if pair not in model.org_partners:
                model.org_partners.add(pair)
                self.partnerships_formed += 1
        self.spend(pr.nok_per_meeting)
        if len(present):
            self.give(present, pr.nok_per_meeting / len(present), cost=False)
        self.meetings_held += 1

    def _joint_activities(self, model) -> None:
        """Partnerships lapse or hold a joint activity; draws keyed by the pair's organisations."""
        pr, lv, S, L = self.params, model.levers, model.streams, self.stream_prefix
        R, key = model.roster(), model.orgs.key
        place = S.uniform(f"{L}.joint_place", model.people.key[R.person], key[R.org])
        for x, y in sorted(model.org_partners):
            if S.uniform(f"{L}.lapse", key[x], key[y]) < pr.partnership_decay:
                model.org_partners.discard((x, y))
                continue
            if S.uniform(f"{L}.joint_activity", key[x], key[y]) >= pr.joint_activity_rate or R.size[x] == 0 or R.size[y] == 0:
                continue
            small, big = (x, y) if R.size[x] <= R.size[y] else (y, x)
            k = int(binomial(S, f"{L}.joint_size", key[small], R.size[small], pr.joint_share, key[big]))
            if k == 0:
                continue
            n = np.arange(k)
            a = R.person[R.random_member(np.full(k, small), S.uniform(f"{L}.joint_small", np.full(k, key[small]), key[big], n), place)]
            b = R.person[R.random_member(np.full(k, big), S.uniform(f"{L}.joint_big", np.full(k, key[big]), key[small], n), place)]
            lv.meet(a, b)

    def apply(self, model) -> None:
        pr, lv, p, S = self.params, model.levers, model.people, model.streams
        n_meetings = poisson(S, f"{self.stream_prefix}.meetings", np.arange(model.n_municipalities), pr.meetings_per_year / 12.0)
        for m in range(model.n_municipalities):
            for meeting in range(n_meetings[m]):
                self._meeting(model, m, meeting)
        self._joint_activities(model)
        if pr.drop_in_neighbourhoods:
            nbs = [n for n in pr.drop_in_neighbourhoods if n < len(model.nb_municipality)]
            residents = np.flatnonzero(pr.target.mask(model) & np.isin(p.neighbourhood, nbs))
            visit = residents[S.chance(f"{self.stream_prefix}.visit", p.key[residents], pr.visit_rate)]
            lv.info[visit] = np.minimum(1.0, lv.info[visit] + pr.visit_information)
            lv.link_boost[np.isin(model.orgs.neighbourhood, nbs)] *= pr.drop_in_link_boost
            self.spend(len(nbs) * pr.drop_in_nok_per_year / 12.0)
            self.give(visit, pr.nok_per_visit, cost=False)
            self.visits += len(visit)

    def report(self) -> dict:
        return {"meetings": self.meetings_held, "partnerships_formed": self.partnerships_formed,
                "drop_in_visits": self.visits}
