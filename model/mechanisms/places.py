"""Where adults spend their days: workplaces and study places (issue 13, mechanism 3).

FACTS §2: being in paid work raises immigrants' volunteering because people are asked through
workplace ties; younger people volunteer more. Students and young adults meet, and are asked,
through school and study networks (Wollebæk, Sætrang & Fladmoe 2015: most volunteers start after
a request through their own networks). A **student** here is a young adult (``STUDY_AGES``) with at
least upper-secondary education (any 19-year-old, whose education is set at 20) who works less than
half a normal week; students of a
municipality in the same three-year band share a study place. Both kinds of place are foci where
ties form (:mod:`model.mechanisms.ties`) and where members ask people for their organisation
(:mod:`model.mechanisms.recruitment`).
"""

from __future__ import annotations

import numpy as np

from model.roster import groups

STUDY_AGES = (19, 25)   # higher education and vocational study (assumption: the usual ages)


def students(model) -> np.ndarray:
    """Mask of students (see the module docstring)."""
    p = model.people
    lo, hi = STUDY_AGES
    # education is set at 20 for those born in the run (mechanisms/demography.py): a 19-year-old counts
    return ((p.age >= lo) & (p.age < hi) & ((p.education >= 1) | (p.age < 20))
            & (p.work_hours < 0.5 * model.params.employment.normal_hours))


def study_place(model, persons: np.ndarray) -> np.ndarray:
    """Each student's study place: municipality × three-year age band."""
    p = model.people
    band = ((p.age[persons] - STUDY_AGES[0]) // 3).astype(np.int64)
    return p.municipality[persons].astype(np.int64) * n_bands() + band


def n_bands() -> int:
    return -(-(STUDY_AGES[1] - STUDY_AGES[0]) // 3)


def study_groups(model, studying: np.ndarray):
    """Students (mask ``studying``, from :func:`students`) grouped by study place (for drawing a
    fellow student)."""
    who = np.flatnonzero(studying)
    return groups(study_place(model, who), who, model.n_municipalities * n_bands())


def work_groups(model):
    """Employed persons grouped by workplace (for drawing a colleague)."""
    p = model.people
    who = np.flatnonzero(p.employed & (p.workplace >= 0))
    return groups(p.workplace[who].astype(np.int64), who, len(model.workplaces))
