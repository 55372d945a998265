"""Cooperation between the introduction programme and voluntary organisations: refugee guides and
language practice with volunteers for newly settled refugees.

FACTS §5: introduction-programme cooperation — refugee guide (one-to-one), language practice,
homework help. §4.4: refugees and their families have a right and a duty to free Norwegian training
in the introduction programme; language also grows with practice in mixed settings. §4.5:
newcomers join minority organisations first to build networks and get advice.

* **Refugee guides**: each month ``guides_per_year / 12`` newly settled refugees in the programme
  are paired with a guide for ``guide_months``: an adult of majority background with good
  Norwegian who is a member of a humanitarian organisation or volunteer centre in their
  municipality (those doing unpaid work there come forward first), or failing that of a sport,
  culture or religious organisation. The pair
  meets ``meetings_per_month`` times (``levers.meetings``, affinity ``1 + 3·match_quality``) and the
  refugee learns where organisations are and how they work (``levers.info``).
* **Language practice**: up to ``practice_seats`` participants in the programme practise with
  volunteers each month: ``levers.language_gain`` + ``practice_gain``, and on average one meeting
  with a volunteer every other session.

Cost: ``nok_per_guide_pair_year`` and ``nok_per_practice_seat_month`` (coordination); guides' hours
valued at ``volunteer_hour_nok`` are benefits, not costs.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from model.interventions.base import Intervention
from model.interventions.common import Pairs, draw, meet_random, poisson, quota, volunteers_of
from model.schema import CAPACITY, NOK, InterventionParams, P, Target
from model.state import KINDS

GUIDE_KINDS = tuple(KINDS.index(k) for k in ("humanitarian", "volunteer_centre"))
FALLBACK_KINDS = tuple(KINDS.index(k) for k in ("sport", "culture", "religious"))


class Params(InterventionParams):
    """Refugee guides and language practice for participants of the introduction programme."""

    type: Literal["intro_programme_cooperation"] = "intro_programme_cooperation"
    target: Target = P(Target(backgrounds=["immigrant"], reasons=["refugee", "family"], age_min=18, age_max=55, max_years_in_norway=3),
                       "setting", "newly settled refugees and families in the introduction programme (FACTS §4.4: right and duty to training)")
    guides_per_year: float = P(30.0, "assumption", "new guide pairs per year", ge=0, le=CAPACITY)
    guide_months: int = P(12, "assumption", "months a guide pair runs", ge=1, le=60)
    meetings_per_month: float = P(2.0, "assumption", "guide meetings per month", ge=0, le=30)
    match_quality: float = P(0.5, "assumption", "quality of guide matching (0–1)", ge=0, le=1)
    break_rate: float = P(0.06, "assumption", "monthly breakdown chance of a pair with quality 0", ge=0, le=1)
    information: float = P(0.5, "assumption", "extra information about organisations for guided refugees (0–1)", ge=0, le=1)
    practice_seats: int = P(40, "assumption", "programme participants in volunteer language practice at a time", ge=0, le=CAPACITY)
    practice_sessions_per_month: float = P(4.0, "assumption", "practice sessions per month", ge=0, le=31)
    practice_gain: float = P(0.004, "assumption", "extra monthly share of the Norwegian gap closed by the practice", ge=0, le=0.1)
    volunteer_hour_nok: float = P(300.0, "assumption", "value of a volunteer hour, NOK (benefit, not cost)", ge=0, le=NOK)
    guide_hours_per_month: float = P(5.0, "assumption", "guide hours per pair per month", ge=0, le=200)
    nok_per_guide_pair_year: float = P(8000.0, "assumption", "coordination cost per guide pair per year, NOK", ge=0, le=NOK)
    nok_per_practice_seat_month: float = P(300.0, "assumption", "coordination and premises per practice seat per month, NOK", ge=0, le=NOK)


class IntroProgrammeCooperation(Intervention):
    params_class = Params

    def __init__(self, model, params: Params):
        super().__init__(model, params)
        self.pairs = Pairs(len(model.people))
        self.practice = np.zeros(len(model.people), bool)
        self.guided = 0

    person_arrays = ("practice",)

    def keep(self, mask, remap) -> None:
        super().keep(mask, remap)
        self.pairs.keep(mask, remap)

    def grow(self, n_persons: int) -> None:
        self.pairs.grow(n_persons)
        self.practice = np.concatenate([self.practice, np.zeros(n_persons - len(self.practice), bool)])

    def apply(self, model) -> None:
        p, pr, S, L, lv = model.people, self.params, model.streams, self.stream_prefix, model.levers
        inside = pr.target.mask(model) & p.right_to_training
        # guides
        self.pairs.end(model, f"{L}.guides", pr.break_rate)
        k = quota(S, f"{L}.guide_places", pr.guides_per_year)
        if k:
            cand = np.flatnonzero(inside & ~self.pairs.in_pair() & ~self.pairs.ever)
            chosen = draw(S, f"{L}.guided", cand, p.key[cand], np.ones(len(cand)), k)
            formed = self.pairs.form(model, f"{L}.guides", chosen, GUIDE_KINDS, pr.guide_months, pr.match_quality)
            if formed < len(chosen):
                rest = chosen[~self.pairs.in_pair()[chosen]]
                formed += self.pairs.form(model, f"{L}.fallback_guides", rest, FALLBACK_KINDS, pr.guide_months, pr.match_quality)
            self.guided += formed
        pairs = self.pairs
        if len(pairs):
            n_meet = poisson(S, f"{L}.guide_meetings", p.key[pairs.mentee], pr.meetings_per_month, p.key[pairs.mentor])
            lv.meet(np.repeat(pairs.mentee, n_meet), np.repeat(pairs.mentor, n_meet), np.repeat(1.0 + 3.0 * pairs.quality, n_meet))
            lv.info[pairs.mentee] = np.minimum(1.0, lv.info[pairs.mentee] + pr.information)
            self.spend(len(pairs) * pr.nok_per_guide_pair_year / 12.0)
            self.give(pairs.mentee, self.volunteer_time(pairs.mentor, pr.guide_hours_per_month) * pr.volunteer_hour_nok, cost=False)
        # language practice: seats go to programme participants; they leave when they leave the target
        self.practice &= inside
        room = pr.practice_seats - int(self.practice.sum())
        if room > 0:
            cand = np.flatnonzero(inside & ~self.practice)
            self.practice[draw(S, f"{L}.practice_seat", cand, p.key[cand], np.ones(len(cand)), room)] = True
        who = np.flatnonzero(self.practice)
        if len(who) and pr.practice_sessions_per_month > 0:
            lv.language_gain[who] += pr.practice_gain
            for m in np.unique(p.municipality[who]):
                vols = volunteers_of(model, GUIDE_KINDS, int(m))
                here = who[p.municipality[who] == m]
                if len(vols):
                    n_meet = poisson(S, f"{L}.practice_meetings", p.key[here], pr.practice_sessions_per_month * 0.5)
                    meet_random(model, f"{L}.practice_volunteer", here, n_meet, vols)
            self.spend(len(who) * pr.nok_per_practice_seat_month)
            self.give(who, pr.practice_sessions_per_month * 2.0 * pr.volunteer_hour_nok / 4.0, cost=False)

    def idle(self, model) -> None:
        self.pairs.clear()
        self.practice[:] = False

    def report(self) -> dict:
        return {"guide_pairs_formed": self.guided}
