"""Simple employment dynamics (mechanism 5, third part).

FACTS §1 (the economic function of participation: skills, CV, networks towards jobs) and §5 (NAV
mentor scheme: about half of candidates in work afterwards; Viblemo et al. 2018). Job information
flows through ties into the established labour market (Granovetter 1973): for a person of immigrant
background, bridging ties are those ties. Each month an adult of working age without work finds a
job with ``find_base · exp(w_norwegian·(norwegian-1) + w_bridging·log(1+ties to other groups or, for
the majority, to their own) - w_bridging·log(1+5) + w_education·(education-1))`` (capped at 0.5),
times ``carer_job_factor`` for the carer of a small child (:func:`model.mechanisms.barriers.carers`;
so carers at home also practise Norwegian less at work, FACTS §4.4: language is the most important
factor for women, Enjolras & Wollebæk 2010), and a worker loses the job with ``loss_rate``. At retirement age work ends. Labour migrants work
longer hours (FACTS §4.2, §4.10).
"""

from __future__ import annotations

import numpy as np

from model.mechanisms import barriers
from model.state import IMMIGRANT, MAJORITY, REASONS


def find_probability(model, persons: np.ndarray) -> np.ndarray:
    p, ep = model.people, model.params.employment
    bond, bridge = model.tie_counts()
    contacts = np.where(p.background[persons] == MAJORITY, bond[persons], bridge[persons])
    x = (ep.w_norwegian * (p.norwegian[persons] - 1.0) + ep.w_bridging * (np.log1p(contacts) - np.log1p(5.0))
         + ep.w_education * (p.education[persons] - 1.0))
    care = np.where(barriers.carers(model)[persons], ep.carer_job_factor, 1.0)
    return np.minimum(ep.find_base * np.exp(x) * care * model.levers.job_finding[persons], 0.5)


def step(model) -> None:
    p, ep, S = model.people, model.params.employment, model.streams
    working_age = (p.age >= 20) & (p.age < ep.retirement_age)
    seekers = np.flatnonzero(working_age & ~p.employed)
    found = seekers[S.chance("employment.find", p.key[seekers], find_probability(model, seekers))]
    workers = np.flatnonzero(p.employed)
    lost = workers[S.chance("employment.lose", p.key[workers], ep.loss_rate) | ~working_age[workers]]
    p.employed[lost] = False
    p.work_hours[lost] = 0.0
    p.workplace[lost] = -1
    if len(found):
        p.employed[found] = True
        labour = (p.reason[found] == REASONS.index("labour")) & (p.background[found] == IMMIGRANT)
        p.work_hours[found] = np.where(labour, ep.labour_migrant_hours, ep.normal_hours)
        model.workplaces.assign(p, found, model.params.population.workplace_segregation,
                                S.uniform("employment.workplace", p.key[found][:, None], np.arange(2)))
