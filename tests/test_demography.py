"""Demography on hand-made populations: deaths, births, leaving home, couples, migration flows,
the steady state of the skeleton, and bad demographic data files."""

from types import SimpleNamespace

import numpy as np
import pytest

from model.data_files import DataFileError, load_origin_groups
from model.demography import life_course as lc
from model.demography import migration as mig
from model.demography.rates import MAX_AGE, load_fertility, load_life_table, load_rates, stock_median_residence
from model.demography.skeleton import Skeleton, build_skeleton, replicate
from model.demography.society import Demography
from model.mechanisms.demography import finish_education
from model.mechanisms.demography import step as demography_step
from model.model import DugnadModel
from model.scenario import load_scenario
from model.state import DESCENDANT, FEMALE, IMMIGRANT, MAJORITY

ORIGINS = load_origin_groups()
RATES = load_rates(ORIGINS)
PARAMS = SimpleNamespace(leave_home_rate=0.35, leave_home_age=18, partner_rate=0.065, homogamy=0.85,
                         separation_rate=0.012, reunification_share=0.35, arrivals_scale={})


def skeleton(rows: list[dict], seed: int = 1) -> Skeleton:
    """A hand-made population: one dict per person (defaults: majority man of 40 alone)."""
    sk = Skeleton(np.random.default_rng(seed))
    base = dict(background=MAJORITY, origin=0, sex=0, age=40.0, years_in_norway=40.0, reason=0, partner=-1)
    cols = {k: np.array([{**base, **r}[k] for r in rows]) for k in base}
    hh = np.array([r.get("household", i) for i, r in enumerate(rows)])
    sk.n_households = int(hh.max()) + 1
    sk.add(dict(cols, household=hh))
    return sk


def test_everyone_dies_at_the_closing_age_and_few_at_thirty():
    sk = skeleton([{"age": MAX_AGE + 0.5}] * 50 + [{"age": 30.0}] * 50)
    dead = lc.deaths(sk, RATES, 1.0)
    assert set(range(50)) <= set(dead.tolist())
    assert len(dead) < 53


def test_a_widow_is_single_again():
    sk = skeleton([{"age": MAX_AGE + 0.5, "partner": 1}, {"sex": FEMALE, "partner": 0, "household": 0}])
    dead = lc.deaths(sk, RATES, 1.0)
    assert 0 in dead and sk.people.partner[1] == -1


def test_the_life_table_is_reproduced_on_a_large_cohort():
    n = 200_000
    sk = skeleton([{"age": 0.0, "sex": 0}], seed=2)
    sk.people = type(sk.people)(**{k: np.repeat(getattr(sk.people, k), n) for k in sk.people.columns})
    sk.people.uid[:] = np.arange(n)
    sk.people.key[:] = np.arange(n)
    q = load_life_table()[0]
    for age in range(80):
        sk.begin_step()
        sk.remove(lc.deaths(sk, RATES, 1.0))
        lc.age(sk.people, 1.0)
        if age in (39, 59, 79):
            expected = n * np.prod(1 - q[: age + 1])
            assert abs(len(sk.people.age) - expected) < 4 * np.sqrt(expected * (1 - expected / n)) + 1


def test_births_follow_background_rules_and_fertile_ages():
    rows = [
        {"sex": FEMALE, "age": 30.0, "background": IMMIGRANT, "origin": 5, "partner": 1},   # 0: with an immigrant
        {"age": 32.0, "background": IMMIGRANT, "origin": 5, "partner": 0, "household": 0},
        {"sex": FEMALE, "age": 30.0, "background": IMMIGRANT, "origin": 6, "partner": 3},   # 2: with a majority man
        {"age": 32.0, "partner": 2, "household": 2},
        {"sex": FEMALE, "age": 30.0, "background": DESCENDANT, "origin": 7, "partner": 5},  # 4: a descendant
        {"age": 32.0, "background": DESCENDANT, "origin": 7, "partner": 4, "household": 4},
        {"sex": FEMALE, "age": 60.0, "partner": -1},                                         # 6: past fertile ages
    ]
    sk = skeleton(rows)
    born = lc.births(sk, RATES, n_majority=2, n_descendant=1, dt=1 / 12)
    p = sk.people
    assert len(born) == 3
    by_hh = {int(h): (int(b), int(o)) for h, b, o in zip(p.household[born], p.background[born], p.origin[born])}
    assert by_hh[0] == (DESCENDANT, 5)          # two immigrant parents: Norwegian-born to immigrant parents
    assert by_hh[2] == (MAJORITY, 0)            # a Norwegian-born father: the rest of the population
    assert by_hh[4] == (MAJORITY, 7)            # children of descendants count with the rest, keep the group
    assert (p.age[born] < 1 / 12).all() and 6 not in p.household[born]


def test_young_adults_leave_home_and_adults_do_not():
    rows = [{"age": 45.0}, {"age": 20.0, "household": 0}, {"age": 15.0, "household": 0}]
    sk = skeleton(rows)
    left = lc.leave_home(sk, hazard=50.0, min_age=18, dt=1.0)
    p = sk.people
    assert left.tolist() == [1]
    assert p.household[1] != 0 and p.household[2] == 0 and p.household[0] == 0


def test_couples_form_across_sexes_and_move_in_with_the_woman_living_on_her_own():
    rows = [{"age": 30.0}, {"age": 29.0, "sex": FEMALE}, {"age": 3.0, "household": 1}]
    sk = skeleton(rows)
    formed = lc.couples(sk, hazard=100.0, homogamy=0.0, dt=1.0)
    p = sk.people
    assert formed == 1
    assert p.partner[0] == p.uid[1] and p.partner[1] == p.uid[0]
    assert p.household[0] == p.household[1] == p.household[2] == 1


def test_a_lone_seeker_finds_a_single_who_is_not_seeking():
    """Every single of the pool can be found: one seeker is enough (pairing seekers only with each
    other left a lone seeker without a partner, fewer couples the smaller the town)."""
    f = lc._find_partners(seeks=np.array([True, False]), pool=np.zeros(2, np.int64), female=np.array([False, True]),
                          noisy_age=np.array([30.0, 28.0]), turn=np.array([0.5, 0.5]))
    assert f.tolist() == [1, 0]


def test_seekers_take_the_nearest_age_in_their_own_pool_only():
    seeks = np.array([True, True, False, False, False])
    pool = np.array([0, 1, 0, 0, 2])
    female = np.array([False, False, True, True, True])
    f = lc._find_partners(seeks, pool, female, np.array([40.0, 30.0, 25.0, 39.0, 30.0]), np.zeros(5))
    assert f.tolist() == [3, -1, -1, 0, -1]


def test_two_seekers_wanting_one_single_the_lower_turn_wins_and_the_other_takes_the_next():
    seeks = np.array([True, True, False, False])
    female = np.array([False, False, True, True])
    f = lc._find_partners(seeks, np.zeros(4, np.int64), female, np.array([30.0, 31.0, 30.5, 45.0]),
                          turn=np.array([0.9, 0.1, 0.0, 0.0]))
    assert f.tolist() == [3, 2, 1, 0]


def test_men_partner_women_about_two_years_younger():
    ages = np.random.default_rng(3).uniform(20, 64, 2000)
    sk = skeleton([{"age": a, "sex": i % 2} for i, a in enumerate(ages)])
    lc.couples(sk, hazard=0.5, homogamy=0.0, dt=1.0)
    p = sk.people
    men = np.flatnonzero((p.partner >= 0) & (p.sex != FEMALE))
    gap = p.age[men] - p.age[lc.rows_of(p, p.partner[men])]
    assert len(men) > 300 and 1.0 < gap.mean() < 3.0


def test_the_share_of_singles_who_partner_does_not_depend_on_the_population_size():
    """Same hazard, 40 or 4,000 singles: the share who partner in a month agrees (the old pairing of
    seekers among themselves gave about 30 % fewer couples per single in a pool of 40)."""
    def share(n, reps):
        rng = np.random.default_rng(n)
        got = []
        for _ in range(reps):
            female = np.arange(n) % 2 == 1
            f = lc._find_partners(rng.random(n) < 0.1, np.zeros(n, np.int64), female, rng.uniform(20, 65, n),
                                  rng.random(n))
            got.append((f >= 0).mean())
        return np.mean(got)
    small, large = share(40, 2000), share(4000, 20)
    assert abs(small - large) < 0.01 and 0.17 < large < 0.2


def test_separation_moves_the_man_out_and_children_stay():
    rows = [{"age": 40.0, "partner": 1}, {"age": 38.0, "sex": FEMALE, "partner": 0, "household": 0},
            {"age": 8.0, "household": 0}]
    sk = skeleton(rows)
    assert lc.separations(sk, hazard=100.0, dt=1.0) == 1
    p = sk.people
    assert p.household[0] != 0 and p.household[2] == 0 and (p.partner == -1).all()


def test_emigration_takes_whole_households_of_immigrants_only():
    rows = [{"background": IMMIGRANT, "origin": 1}, {"age": 10.0, "background": DESCENDANT, "origin": 1, "household": 0},
            {"age": 50.0}]
    sk = skeleton(rows)
    emigration = np.zeros(len(ORIGINS))
    emigration[1] = 1000.0
    assert sorted(mig.emigrants(sk, emigration, sk.n_households, 1.0).tolist()) == [0, 1]


def test_newcomers_arrive_as_households_with_couples_linked():
    sk = skeleton([{}])
    rows = mig.arrive(sk, ORIGINS, RATES.tfr, np.full(200, 5), need=np.full(len(ORIGINS), 1e9))
    p = sk.people
    assert (p.background[rows] == IMMIGRANT).all() and (p.origin[rows] == 5).all()
    partnered = rows[p.partner[rows] >= 0]
    back = lc.rows_of(p, p.partner[partnered])
    assert (p.partner[back] == p.uid[partnered]).all() and (p.household[back] == p.household[partnered]).all()
    assert (p.age[rows][p.age[rows] >= 18] <= 70).all()


def test_emigration_hazard_gives_the_data_median_residence():
    for g in range(1, len(ORIGINS)):
        med = stock_median_residence(RATES.emigration[g], RATES.q_death)
        assert abs(med - ORIGINS.at[g, "median_years_in_norway"]) <= 1.0


@pytest.fixture(scope="module")
def settled():
    w = ORIGINS["share_of_immigrants"].to_numpy(float)[1:]
    w = np.concatenate([[0.0], w / w.sum()])
    n, n_imm, n_desc = 8000, 1200, 320
    demo = Demography.create(RATES, ORIGINS, PARAMS, n - n_imm - n_desc, n_desc, n_imm * w)
    sk = build_skeleton(np.random.default_rng(4), demo, n - n_imm - n_desc, n_desc, w, n_imm, 40)
    return sk, demo


def composition(p):
    imm = p.background == IMMIGRANT
    return np.array([(p.background == DESCENDANT).mean(), imm.mean(), (p.age < 18).mean(), (p.age >= 67).mean(),
                     np.median(p.years_in_norway[imm])])


def test_the_skeleton_stands_still_for_twenty_years(settled):
    """Shares by background and age within 2 points over 20 years; the immigrants' median residence
    within 20 % (the noise of one 8,000-person population is well inside both)."""
    sk, demo = settled
    start = composition(sk.people)
    for _ in range(20 * 12):
        demo.advance(sk, lambda: sk.n_households, 1 / 12)
    end = composition(sk.people)
    assert np.all(np.abs(end[:4] - start[:4]) < 0.02), (start, end)
    assert abs(end[4] / start[4] - 1) < 0.2
    households = np.unique(sk.people.household, return_counts=True)[1]
    assert 0.3 < (households == 1).mean() < 0.5 and 1.8 < households.mean() < 2.6


def test_arrivals_scale_lets_a_group_grow(settled):
    sk, demo = settled
    d = Demography.create(RATES, ORIGINS, PARAMS, demo.target_majority, demo.target_descendant, demo.migration.base.copy())
    d.arrivals_scale[1] = 3.0
    before = int(((sk.people.background == IMMIGRANT) & (sk.people.origin == 1)).sum())
    for _ in range(36):
        d.advance(sk, lambda: sk.n_households, 1 / 12)
    after = int(((sk.people.background == IMMIGRANT) & (sk.people.origin == 1)).sum())
    assert after > 1.2 * before
    for _ in range(40 * 12):   # the group approaches three times its size, no further
        d.advance(sk, lambda: sk.n_households, 1 / 12)
    final = int(((sk.people.background == IMMIGRANT) & (sk.people.origin == 1)).sum())
    assert final < 3.3 * d.migration.base[1]


def test_bad_life_table_and_fertility_files_name_file_and_field(tmp_path):
    f = tmp_path / "life.csv"
    f.write_text("age,q_male,q_female\n0,0.1,0.1\n1,0.1,0.1\n")
    with pytest.raises(DataFileError, match=r"life\.csv: column age: must list every age"):
        load_life_table(f)
    rows = "\n".join(f"{a},0.01,0.01" for a in range(MAX_AGE)) + f"\n{MAX_AGE},0.5,1\n"
    f.write_text("age,q_male,q_female\n" + rows)
    with pytest.raises(DataFileError, match=r"column q_male: must be 1 at age"):
        load_life_table(f)
    g = tmp_path / "fert.csv"
    g.write_text("group,tfr\nNorway,1.5\nPoland,-1\n")
    with pytest.raises(DataFileError, match=r"fert\.csv: row 3 \(Poland\), column tfr: must be a number from 0 to 10"):
        load_fertility(ORIGINS, g)
    g.write_text("group,tfr\nNorway,1.5\n")
    with pytest.raises(DataFileError, match=r"no row for origin group\(s\) Poland"):
        load_fertility(ORIGINS, g)


# ----------------------------------------------------------------------------- growing older

@pytest.fixture(scope="module")
def small_model():
    return DugnadModel(load_scenario("scenarios/baseline.toml", {"population": {"persons": 3000}}), 5, burn_in=False)


def test_at_twenty_the_wage_follows_the_education_drawn():
    """Drawn at birth, a wage would keep a child's education for life and incomes would fall for
    decades as the population renews (the drift found in issue 11)."""
    m = DugnadModel(load_scenario("scenarios/baseline.toml", {"population": {"persons": 3000}}), 6, burn_in=False)
    p = m.people
    rows = np.flatnonzero(p.background == MAJORITY)
    p.education[rows] = 0
    finish_education(m, rows)
    log_wage = np.log(p.wage[rows] / m.params.economy.median_wage)
    mean = {e: log_wage[p.education[rows] == e].mean() for e in (0, 1, 2)}
    assert (p.education[rows] == 2).mean() > 0.2            # education was drawn again, not kept
    assert abs((mean[2] - mean[1]) - np.log(1.3)) < 0.08
    assert abs((mean[0] - mean[1]) - np.log(0.8)) < 0.08


def test_health_declines_after_forty_and_not_before(small_model):
    m = small_model
    p = m.people
    uid, health, age = p.uid.copy(), p.health.copy(), p.age.copy()
    for _ in range(12):
        demography_step(m)
    rows = lc.rows_of(m.people, uid)
    kept = (rows >= 0) & (health > 0.2)
    change = m.people.health[rows[kept]] - health[kept]
    assert np.allclose(change[age[kept] > 41], -0.008, atol=1e-4)
    assert np.allclose(change[age[kept] < 39], 0.0)


def test_copies_of_a_settled_skeleton_are_the_same_make_keyed_apart():
    """skeleton.replicate: a larger population is copies of a settled sample; each copy has its own
    households, uids and keys, and partners stay within their copy."""
    sk = skeleton([dict(sex=0, partner=1, household=0), dict(sex=1, partner=0, household=0),
                   dict(age=8.0, household=0), dict(age=70.0, household=1)])
    sk.people.partner[:2] = sk.people.uid[[1, 0]]
    one = {k: getattr(sk.people, k).copy() for k in sk.people.columns}
    big = replicate(sk, 3)
    p = big.people
    assert len(p) == 12 and big.n_households == 3 * sk.n_households and big.next_uid == 3 * sk.next_uid
    for k in ("age", "sex", "background", "origin"):
        np.testing.assert_array_equal(getattr(p, k), np.tile(one[k], 3))
    np.testing.assert_array_equal(p.key[:4], one["key"])               # the first copy is the sample
    assert len(np.unique(p.key)) == 12 and len(np.unique(p.uid)) == 12
    assert len(np.unique(p.household)) == 6
    row = {int(u): i for i, u in enumerate(p.uid)}
    for i in np.flatnonzero(p.partner >= 0):
        j = row[int(p.partner[i])]
        assert p.partner[j] == p.uid[i] and p.household[j] == p.household[i] and j // 4 == i // 4
    assert replicate(sk, 1) is sk


def test_a_population_larger_than_the_spin_up_is_settled_once_and_lives_apart():
    """Above demography.spin_up_persons the skeleton is copies of one settled sample: the
    composition is the sample's, and the copies are placed and given traits independently."""
    sc = load_scenario("scenarios/baseline.toml", {"population": {"persons": 3000},
                                                   "demography": {"spin_up_years": 5, "spin_up_persons": 1000}})
    m = DugnadModel(sc, seed=3, burn_in=False)
    p = m.people
    third = len(p) // 3
    assert len(p) == 3 * third and len(np.unique(p.key)) == len(p)
    np.testing.assert_array_equal(p.age[:third], p.age[third:2 * third])   # the same make ...
    assert (p.neighbourhood[:third] != p.neighbourhood[third:2 * third]).mean() > 0.5   # ... placed apart
    assert (p.literacy[:third] != p.literacy[third:2 * third]).mean() > 0.9             # ... with their own traits
    m.run(3)
