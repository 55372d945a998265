"""Issue 13, mechanisms 3 and 4: asked where one spends the day; care for small children."""

import numpy as np

from conftest import blank_model
from model.mechanisms import barriers, employment, language, places, recruitment
from model.state import FEMALE, IMMIGRANT


def test_students_are_young_adults_in_study_not_in_full_work():
    m = blank_model(800)
    p = m.people
    young = np.flatnonzero((p.age >= 19) & (p.age < 25))
    p.education[young], p.work_hours[young], p.employed[young] = 2, 0.0, False
    assert places.students(m)[young].all()
    p.work_hours[young[0]] = m.params.employment.normal_hours   # in full work: not a student
    p.education[young[1]] = 0                                   # no upper secondary ...
    p.age[young[1]] = 21.0
    s = places.students(m)
    assert not s[young[0]] and not s[young[1]]
    p.age[young[1]] = 19.5                                       # ... unless 19: education is set at 20
    assert places.students(m)[young[1]]
    assert not places.students(m)[p.age >= 25].any()


def test_colleagues_and_fellow_students_are_asked_at_their_place():
    m = blank_model(800)
    p = m.people
    workers = np.flatnonzero(p.employed & (p.workplace >= 0))
    asker = workers[0]
    u = np.linspace(0.01, 0.99, 40)
    fellows = recruitment.place_fellow(m, np.full(40, asker), u)
    got = fellows[fellows >= 0]
    assert len(got) and np.all(p.workplace[got] == p.workplace[asker]) and asker not in got
    # a student without work asks at their study place
    studs = np.flatnonzero(places.students(m) & ~p.employed)
    if len(studs) >= 2:
        f = recruitment.place_fellow(m, np.full(40, studs[0]), u)
        f = f[f >= 0]
        assert np.all(places.study_place(m, f) == places.study_place(m, studs[:1])[0])
    # neither employed nor a student: no place (the ask goes to a tie)
    idle = np.flatnonzero(~p.employed & ~places.students(m) & (p.age >= 30))[:5]
    assert np.all(recruitment.place_fellow(m, idle, u[:len(idle)]) == -1)


def test_the_oldest_woman_under_55_cares_for_a_small_child_and_is_busier():
    m = blank_model(800)
    p = m.people
    small = np.flatnonzero(p.age < 6)
    hh = p.household[small[0]]
    women = np.flatnonzero((p.household == hh) & (p.sex == FEMALE) & (p.age >= 18) & (p.age < 55))
    c = barriers.carers(m)
    if len(women):
        assert c[women].sum() == 1 and c[women[np.argmax(p.age[women])]]
    assert not c[p.household == -1].any()
    assert np.all(np.isin(p.household[c], p.household[small]))      # only households with a small child
    who = np.flatnonzero(c)[:3]
    assert np.allclose(barriers.busy_hours(m, who), p.work_hours[who] + m.params.membership.care_hours)


def test_carers_find_work_less_often():
    m = blank_model(800, employment={"carer_job_factor": 0.5})
    p = m.people
    carer = int(np.flatnonzero(barriers.carers(m))[0])
    base = employment.find_probability(m, np.array([carer]))[0]
    m2 = blank_model(800, employment={"carer_job_factor": 1.0})
    assert np.isclose(base, 0.5 * employment.find_probability(m2, np.array([carer]))[0]) or base == 0.5
    assert p.sex[carer] == FEMALE


def test_pupils_learn_dugnad_literacy_at_school():
    m = blank_model(400)
    p = m.people
    pupil = int(np.flatnonzero((p.age >= 8) & (p.age < 16))[0])
    adult = int(np.flatnonzero(p.age >= 30)[0])
    for k in (pupil, adult):
        p.background[k], p.literacy[k] = IMMIGRANT, 0.2
    language.step(m)
    assert p.literacy[pupil] - 0.2 > 5 * (p.literacy[adult] - 0.2) > 0
