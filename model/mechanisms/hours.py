"""Volunteer hours (issue 13, mechanism 7): how much unpaid work each volunteer does this month.

FACTS §2: immigrant volunteers, once active, give more hours than majority volunteers (SSB;
Eimhjellen & Arnesen 2018). That is not set here; it may or may not follow from how the work is
shared. An organisation's activity needs ``ladder.hours_per_participant`` hours of volunteer work a
month for each person taking part in it (any role), shared among its volunteers and office holders
in proportion to their motivation (``people.motivation``, mean 1, the same distribution for everyone;
an office holder carries :data:`OFFICE_SHARE` times a volunteer's part). Motivation also multiplies
saying yes and taking on unpaid work, so those who got past more barriers to volunteer are, on
average, the more motivated (FACTS §2: immigrant volunteers report higher motivation). Nobody gives more than
their time allows: ``ladder.max_volunteer_hours`` a month without paid work, half of it at normal
working hours, and at least a quarter however long the paid hours (FACTS §4.2: lack of time; §4.10:
heavy schedules). It runs after founding and folding, so the hours follow the month's final roles.
So where few volunteers serve many — small and informal organisations — each gives more, and what
nobody has time for is left undone. Hours given to an intervention this month (a mentor, refugee
guide or language-café host, ``levers.programme_hours``; the intervention values exactly these hours)
come first; the organisations' work fills the time that is left. No random draws: the hours follow
from who holds which role.
"""

from __future__ import annotations

import numpy as np

from model.mechanisms import barriers
from model.state import OFFICE, VOLUNTEER

OFFICE_SHARE = 2.0    # an office holder's part of the work relative to a volunteer's (assumption)
MIN_TIME_SHARE = 0.25  # share of the most hours that remains at any amount of paid work (assumption)


def time_cap(model, persons: np.ndarray) -> np.ndarray:
    """Most volunteer hours a month each person can give: all of ``max_volunteer_hours`` without
    paid work or care for a small child, half at normal hours of both together
    (:func:`model.mechanisms.barriers.busy_hours`), at least :data:`MIN_TIME_SHARE` of it."""
    normal = model.params.employment.normal_hours
    share = np.clip(1.0 - 0.5 * barriers.busy_hours(model, persons) / normal, MIN_TIME_SHARE, 1.0)
    return model.params.ladder.max_volunteer_hours * share


def work_shares(model) -> tuple[np.ndarray, np.ndarray]:
    """(person, hours asked of them) for every volunteer or office slot: each organisation's need
    divided among its volunteers and office holders by their part (role × motivation)."""
    p, n_orgs = model.people, len(model.orgs)
    taking_part = p.mem_role > 0
    need = model.params.ladder.hours_per_participant * np.bincount(p.mem_org[taking_part], minlength=n_orgs)
    rows, cols = np.nonzero(p.mem_role >= VOLUNTEER)
    org = p.mem_org[rows, cols]
    part = np.where(p.mem_role[rows, cols] == OFFICE, OFFICE_SHARE, 1.0) * p.motivation[rows]
    parts = np.bincount(org, weights=part, minlength=n_orgs)
    return rows, need[org] * part / np.maximum(parts[org], 1e-12)


def step(model) -> None:
    """Set ``people.volunteer_hours`` for this month (zero for everyone not volunteering)."""
    p = model.people
    rows, asked = work_shares(model)
    asked_total = np.bincount(rows, weights=asked, minlength=len(p))
    programme = model.levers.programme_hours.copy()   # within each person's time when given (Intervention.volunteer_time) ...
    gives = np.flatnonzero(programme > 0)
    programme[gives] = np.minimum(programme[gives], time_cap(model, gives))  # ... and still after this month's job changes
    who = np.flatnonzero(asked_total > 0)
    p.volunteer_hours[:] = programme
    p.volunteer_hours[who] += np.minimum(asked_total[who], np.maximum(0.0, time_cap(model, who) - programme[who]))
