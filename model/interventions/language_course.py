"""Free Norwegian courses ("norskinnsats") for those without the right to free training.

FACTS §4.4, §5: language is the key barrier, decisive for joining majority organisations;
refugees and their families have a right and a duty to free training, **labour migrants (e.g. from
Poland) have none** and must pay or find free courses, hard with heavy work schedules (§4.10).
Courses can be run by the municipality, by a voluntary organisation (Caritas centres taught
Norwegian after 2004, FACTS §4.12) or by an employer at the workplace.

Lever: ``levers.language_gain`` — each enrolled person closes an extra share of their Norwegian gap
every month, ``gain_per_weekly_hour × weekly_hours``. Seats are offered each month
(``seats_per_year / 12``) to people in the target who are not yet enrolled; who signs up depends
on information (dugnad literacy, ``levers.info``) and free time; each person gets one seat. Learners with heavy work weeks drop
out more (``dropout_heavy_work`` above ``heavy_work_hours``), except in employer courses held in
working hours. In courses run by a voluntary organisation, learners also meet its volunteers (a
chance of bridging ties through the ordinary tie mechanism).

Cost: ``nok_per_seat_hour`` for every taught seat-hour, booked as the learner's benefit.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from model.interventions.base import Intervention
from model.interventions.common import (
    HOURS_PER_MONTH_PER_WEEKLY_HOUR,
    draw,
    meet_random,
    poisson,
    quota,
    volunteers_of,
)
from model.schema import CAPACITY, NOK, InterventionParams, P, Target
from model.state import KINDS


class Params(InterventionParams):
    """Free Norwegian course for a target group (default: labour migrants with weak Norwegian)."""

    type: Literal["language_course"] = "language_course"
    target: Target = P(Target(backgrounds=["immigrant"], reasons=["labour"], age_min=18, age_max=66, max_norwegian=0.7),
                       "setting", "who is offered a seat (default: labour migrants 18–66 with Norwegian ≤ 0.7, who have no right to free training)")
    provider: Literal["municipality", "organisation", "employer"] = P("municipality", "setting", "who runs the course (FACTS §5: municipalities, voluntary organisations, employers)")
    seats_per_year: float = P(60.0, "assumption", "new learners enrolled per year (capacity)", ge=0, le=CAPACITY)
    course_months: int = P(10, "assumption", "length of a course in months", ge=1, le=120)
    weekly_hours: float = P(4.0, "assumption", "teaching hours per week", gt=0, le=40)
    gain_per_weekly_hour: float = P(0.0015, "assumption", "extra monthly share of the Norwegian gap closed per weekly teaching hour (introduction programme ≈ 0.02 at ~13 h/week)", ge=0, le=0.1)
    heavy_work_hours: float = P(40.0, "assumption", "weekly work hours above which learners struggle to attend (FACTS §4.2, §4.10)", ge=0, le=80)
    dropout_base: float = P(0.03, "assumption", "monthly chance a learner drops out", ge=0, le=1)
    dropout_heavy_work: float = P(0.15, "assumption", "extra monthly drop-out chance with heavy work hours (not in employer courses)", ge=0, le=1)
    volunteer_meetings: float = P(1.0, "assumption", "meetings per month with the course's volunteers (organisation provider only)", ge=0, le=10)
    nok_per_seat_hour: float = P(120.0, "assumption", "cost of one learner's teaching hour, NOK", ge=0, le=NOK)


class LanguageCourse(Intervention):
    params_class = Params

    def __init__(self, model, params: Params):
        super().__init__(model, params)
        self.until = np.full(len(model.people), -1, np.int64)   # month the course ends, -1 = not enrolled
        self.taken = np.zeros(len(model.people), bool)          # has had a seat (one course each)
        self.enrolled_total = 0
        self.dropouts = 0

    person_arrays = ("until", "taken")

    def grow(self, n_persons: int) -> None:
        self.until = np.concatenate([self.until, np.full(n_persons - len(self.until), -1, np.int64)])
        self.taken = np.concatenate([self.taken, np.zeros(n_persons - len(self.taken), bool)])

    def enrolled(self) -> np.ndarray:
        return np.flatnonzero(self.until > self.model.month)

    def apply(self, model) -> None:
        p, pr, S, L = model.people, self.params, model.streams, self.stream_prefix
        learners = self.enrolled()
        # drop-out, then course completion
        heavy = (p.work_hours[learners] > pr.heavy_work_hours) & (pr.provider != "employer")
        drop = S.chance(f"{L}.dropout", p.key[learners], pr.dropout_base + pr.dropout_heavy_work * heavy)
        self.until[learners[drop]] = -1
        self.dropouts += int(drop.sum())
        # new enrolments: who hears of the course and has time signs up
        renewed = p.arrived_month == model.month  # a row taken over by a newcomer is a new person
        self.taken[renewed] = False
        self.until[renewed] = -1
        free = pr.target.mask(model) & ~self.taken & (p.background != 0)
        if pr.provider == "employer":
            free &= p.employed
        cand = np.flatnonzero(free)
        time_left = np.clip(1.0 - np.maximum(0.0, p.work_hours[cand] - model.params.employment.normal_hours) / 20.0, 0.2, 1.0)
        w = (0.2 + p.literacy[cand] + model.levers.info[cand]) * time_left
        new = draw(S, f"{L}.enrol", cand, p.key[cand], w, quota(S, f"{L}.seats", pr.seats_per_year))
        self.until[new] = model.month + pr.course_months
        self.taken[new] = True
        self.enrolled_total += len(new)
        learners = self.enrolled()
        model.levers.language_gain[learners] += pr.gain_per_weekly_hour * pr.weekly_hours
        self.give(learners, pr.weekly_hours * HOURS_PER_MONTH_PER_WEEKLY_HOUR * pr.nok_per_seat_hour)
        if pr.provider == "organisation" and len(learners) and pr.volunteer_meetings > 0:
            kinds = (KINDS.index("humanitarian"), KINDS.index("volunteer_centre"), KINDS.index("religious"))
            for m in np.unique(p.municipality[learners]):
                vols = volunteers_of(model, kinds, int(m))
                who = learners[p.municipality[learners] == m]
                if len(vols):
                    n_meet = poisson(S, f"{L}.meetings", p.key[who], pr.volunteer_meetings)
                    meet_random(model, f"{L}.volunteer", who, n_meet, vols)

    def idle(self, model) -> None:
        self.until[:] = -1  # the course closes when its funding ends

    def report(self) -> dict:
        return {"enrolled": self.enrolled_total, "dropouts": self.dropouts}
