"""Norwegian skill and dugnad literacy grow (mechanism 5, first part).

FACTS §4.4: language grows with residence time, formal training and practice in mixed settings
(language cafés, majority organisations); refugees and their families have a right and duty to free
training in the introduction programme, labour migrants have none. Adults learn more slowly with
age (assumption). Each month an immigrant closes a share of the gap to full skill:
``base + training·[in training] + practice·(bridging share + [active in a majority organisation])
+ work·[employed]``, times an age factor. ``levers.language_gain`` lets interventions add
courses, cafés and practice on the same lever.

Dugnad literacy (knowing how Norwegian organisations work, FACTS §4.2–4.3) is learnt by doing:
being active in a majority organisation, and at school for pupils 6–18 (school is where children
meet organised leisure and dugnad, FACTS §4.10; descendants aged 16–39 volunteer about as much as
the population of their age, SSB 2016) — both faster when young, with the same age factor as
Norwegian — and slowly with residence; courses in running an organisation add
``levers.literacy_gain`` (area initiatives).
"""

from __future__ import annotations

import numpy as np

from model.state import MAJORITY

LITERACY_BY_DOING = 0.015   # monthly share of the literacy gap closed when active in a majority organisation (assumption)
LITERACY_BY_RESIDENCE = 0.002
LITERACY_AT_SCHOOL = 0.01   # monthly share of the gap a pupil 6–18 closes at a Norwegian school (assumption)


def in_training(model) -> np.ndarray:
    p, lp = model.people, model.params.language
    return p.right_to_training & (p.years_in_norway < lp.training_years) & (p.age >= 16) & (p.age < 56)


def active_in_majority_org(model) -> np.ndarray:
    p = model.people
    org = np.maximum(p.mem_org, 0)
    return ((p.mem_role > 0) & ~model.orgs.minority[org]).any(axis=1)


def step(model) -> None:
    p, lp = model.people, model.params.language
    learner = p.background != MAJORITY
    bond, bridge = model.tie_counts()
    total = bond + bridge
    bridge_share = np.where(total > 0, bridge / np.maximum(total, 1), 0.0)
    majority_org = active_in_majority_org(model)
    rate = (lp.base_gain + lp.training_gain * in_training(model)
            + lp.practice_gain * (bridge_share + majority_org) + lp.work_gain * p.employed
            + model.levers.language_gain)
    age_factor = np.where(p.age < 18, 2.0, np.clip(1.0 - lp.age_slowdown * np.maximum(0.0, p.age - 25), 0.3, 1.0))
    gain = np.where(learner, (1.0 - p.norwegian) * np.minimum(rate * age_factor, 1.0), 0.0)
    p.norwegian += gain.astype(np.float32)
    # stacked levers (two area initiatives at full training_gain) can ask for more than the whole gap
    pupil = (p.age >= 6) & (p.age < 19)
    lit_rate = np.minimum((LITERACY_BY_DOING * majority_org + LITERACY_AT_SCHOOL * pupil) * age_factor
                          + LITERACY_BY_RESIDENCE * learner + model.levers.literacy_gain, 1.0)
    p.literacy += ((1.0 - p.literacy) * lit_rate).astype(np.float32)
    np.minimum(p.literacy, 1.0, out=p.literacy)    # float32 rounding must not step past full skill
    np.minimum(p.norwegian, 1.0, out=p.norwegian)
