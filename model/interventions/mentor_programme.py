"""Mentor programmes: one-to-one mentor–mentee pairs.

FACTS §5: mentor programmes work with good selection, mentor–mentee matching, role training and
joint gatherings (Bjørnset & Kindt 2019); in the NAV mentor scheme about half of the candidates
were in work afterwards and one in five candidates were immigrants (Viblemo et al. 2018). §1: the
economic function of participation — networks towards jobs.

Each month ``pairs_per_year / 12`` mentees from the target are matched with a mentor: an adult of
majority background with good Norwegian who is a member or volunteer of a sport, culture,
humanitarian or religious organisation or a volunteer centre in their municipality (volunteers
first). Levers, while a pair lasts (``pair_months``):

* meetings (``levers.meetings``) ``meetings_per_month`` times, with affinity
  ``1 + 3·match_quality``: a bridging tie may form through the ordinary tie mechanism;
* information (``levers.info``): the mentee learns how organisations work and where to go;
* job leads (``levers.job_finding``): ``1 + job_leads × match_quality`` on the mentee's
  job-finding rate (the mentor passes on what they hear);
* ``gatherings_per_year`` joint gatherings where mentees meet other mentors.

Pairs break early with ``break_rate × (1 − quality)``, halved with ``role_training``. Cost:
``nok_per_pair_year`` (coordination, training); the mentor's hours, valued at ``mentor_hour_nok``,
are the mentee's benefit (unpaid, so not a cost).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from model.interventions.base import Intervention
from model.interventions.common import Pairs, draw, poisson, quota
from model.schema import CAPACITY, NOK, InterventionParams, P, Target
from model.state import KINDS


class Params(InterventionParams):
    """One-to-one mentoring of immigrants by members of majority organisations."""

    type: Literal["mentor_programme"] = "mentor_programme"
    target: Target = P(Target(backgrounds=["immigrant"], age_min=20, age_max=61), "setting",
                       "mentees (default: immigrants 20–61; NAV scheme candidates)")
    pairs_per_year: float = P(30.0, "assumption", "new pairs matched per year", ge=0, le=CAPACITY)
    pair_months: int = P(12, "assumption", "months a pair runs", ge=1, le=60)
    meetings_per_month: float = P(2.0, "assumption", "mentor–mentee meetings per month", ge=0, le=30)
    match_quality: float = P(0.6, "assumption", "quality of mentor–mentee matching (0–1): affinity of meetings, fewer breakdowns, better job leads", ge=0, le=1)
    role_training: bool = P(True, "setting", "mentors get role training (a success factor, Bjørnset & Kindt 2019; that it halves breakdowns is an assumption)")
    gatherings_per_year: float = P(4.0, "assumption", "joint gatherings of all pairs per year (at most one a month)", ge=0, le=12)
    break_rate: float = P(0.08, "assumption", "monthly breakdown chance of a pair with quality 0", ge=0, le=1)
    information: float = P(0.5, "assumption", "extra information about organisations for mentees (0–1)", ge=0, le=1)
    job_leads: float = P(1.0, "assumption", "job-finding rate multiplier is 1 + job_leads × quality", ge=0, le=10)
    prefer_not_employed: bool = P(True, "setting", "mentees drawn among those without work first (as in the NAV scheme, FACTS §5)")
    mentor_hours_per_month: float = P(6.0, "assumption", "mentor hours per pair per month", ge=0, le=200)
    mentor_hour_nok: float = P(300.0, "assumption", "value of a mentor hour, NOK (benefit, not cost)", ge=0, le=NOK)
    nok_per_pair_year: float = P(15000.0, "assumption", "coordination and training cost per pair per year, NOK", ge=0, le=NOK)


MENTOR_KINDS = tuple(KINDS.index(k) for k in ("sport", "culture", "humanitarian", "volunteer_centre", "religious"))


class MentorProgramme(Intervention):
    params_class = Params

    def assumed_effect(self) -> str | None:
        return ("what a mentor does for participation, ties and jobs (meetings, information, job leads, break rate) "
                "is assumed: the evaluations describe how programmes work, not the size of their effect "
                "(Bjørnset & Kindt 2019; FACTS §5)")

    def __init__(self, model, params: Params):
        super().__init__(model, params)
        self.pairs = Pairs(len(model.people))
        self.formed = 0

    def keep(self, mask, remap) -> None:
        super().keep(mask, remap)
        self.pairs.keep(mask, remap)

    def grow(self, n_persons: int) -> None:
        self.pairs.grow(n_persons)

    def apply(self, model) -> None:
        p, pr, S, L, lv = model.people, self.params, model.streams, self.stream_prefix, model.levers
        self.pairs.end(model, f"{L}.pairs", pr.break_rate * (0.5 if pr.role_training else 1.0))
        k = quota(S, f"{L}.places", pr.pairs_per_year)
        if k:
            cand = np.flatnonzero(pr.target.mask(model) & ~self.pairs.in_pair() & ~self.pairs.ever)
            w = np.where(~p.employed[cand], 3.0, 1.0) if pr.prefer_not_employed else np.ones(len(cand))
            mentees = draw(S, f"{L}.mentees", cand, p.key[cand], w, k)
            self.formed += self.pairs.form(model, f"{L}.pairs", mentees, MENTOR_KINDS, pr.pair_months, pr.match_quality)
        pairs = self.pairs
        if not len(pairs):
            return
        n_meet = poisson(S, f"{L}.meetings", p.key[pairs.mentee], pr.meetings_per_month, p.key[pairs.mentor])
        lv.meet(np.repeat(pairs.mentee, n_meet), np.repeat(pairs.mentor, n_meet), np.repeat(1.0 + 3.0 * pairs.quality, n_meet))
        lv.info[pairs.mentee] = np.minimum(1.0, lv.info[pairs.mentee] + pr.information)
        lv.job_finding[pairs.mentee] *= 1.0 + pr.job_leads * pairs.quality
        if S.uniform(f"{L}.gathering", 0) < pr.gatherings_per_year / 12.0 and len(pairs) > 1:
            lv.meet(pairs.mentee, pairs.mentor[S.order(f"{L}.gathering_partner", p.key[pairs.mentor])])
        self.spend(len(pairs) * pr.nok_per_pair_year / 12.0)
        # the mentors' hours, as far as their time allows, valued as the mentees' benefit
        self.give(pairs.mentee, self.volunteer_time(pairs.mentor, pr.mentor_hours_per_month) * pr.mentor_hour_nok, cost=False)

    def idle(self, model) -> None:
        self.pairs.clear()

    def report(self) -> dict:
        return {"pairs_formed": self.formed}
