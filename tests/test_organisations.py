"""The organisation landscape: heavy-tailed sizes, folding and founding (model.mechanisms.organisations)."""

from __future__ import annotations

import numpy as np
import pytest

from model.mechanisms import organisations as orgmech
from model.model import DugnadModel
from model.state import KINDS, MEMBER, OFFICE
from tests.conftest import blank_model, put, small_scenario

MINORITY = KINDS.index("minority")


def test_thin_organisation_folds_and_is_inert():
    m = blank_model(300, organisations={"fold_months": 3, "fold_min_members": 2})
    o = m.orgs
    target = int(np.flatnonzero(o.kind == KINDS.index("sport"))[0])
    other = int(np.flatnonzero(o.kind == KINDS.index("culture"))[0])
    put(m, 0, target, OFFICE)                      # one office holder: thin
    for i in range(1, 1 + int(o.board_size[other]) + 3):
        put(m, i, other, MEMBER)                   # enough people: not thin
    o.linked[target] = True
    m.org_partners.add((min(target, other), max(target, other)))
    for _ in range(2):
        orgmech.fold(m)
    assert o.active[target]                        # two thin months are not yet enough
    gone = orgmech.fold(m)
    assert target in gone and not o.active[target] and o.active[other]
    assert not o.linked[target]
    assert not (m.people.mem_org == target).any()  # the last people are out
    assert not m.org_partners
    # inert: nobody finds it any more
    assert target not in m.org_places.anywhere[0] and target not in m.youth_org_places.anywhere[0]
    assert target not in m.linked_groups()[0]


def _group_without_org(m):
    """An origin group with many persons of immigrant background in municipality 0."""
    p = m.people
    counts = np.bincount(p.origin[(p.background != 0) & (p.municipality == 0)], minlength=len(m.origins))
    counts[0] = 0
    return int(np.argmax(counts)), int(counts.max())


def test_minority_organisation_founded_where_group_is_large_and_unserved():
    m = blank_model(2000, organisations={"found_rate": 1.0, "minority_per_immigrants": 50.0, "minority_min_group": 5,
                                                  "minority_min_share": 0.0})
    g, cnt = _group_without_org(m)
    assert cnt >= 5
    o = m.orgs
    o.active[(o.kind == MINORITY) & (o.origin == g)] = False  # the group's organisations are gone
    m.orgs_changed()
    n0, n_levers = len(o), len(m.levers.ask_boost)
    new = orgmech.found_missing(m)
    o = m.orgs
    mine = new[(o.kind[new] == MINORITY) & (o.origin[new] == g)]
    assert len(mine) >= 1
    assert len(o) > n0 and len(m.levers.ask_boost) == len(o) == n_levers + len(new)
    assert o.active[mine].all() and o.minority[mine].all()
    # the founding board is of the group
    board = np.flatnonzero((m.people.mem_org == mine[0]).any(axis=1))
    assert len(board) and (m.people.origin[board] == g).all()
    assert mine[0] in m.minority_orgs[(int(o.municipality[mine[0]]), g)]
    assert m.roster().size.shape[0] == len(o)


def test_no_founding_or_folding_when_switched_off():
    m = blank_model(1000, organisations={"founding": False, "found_rate": 1.0, "fold_months": 1})
    o = m.orgs
    o.active[o.kind == MINORITY] = False
    n0, active0 = len(o), o.active.copy()
    for _ in range(3):
        m.step()
    assert len(m.orgs) == n0 and (m.orgs.active == active0).all()


def test_size_distribution_is_heavy_tailed():
    m = DugnadModel(small_scenario(6000, burn_in_months=120, population={"neighbourhoods": 6}), seed=5)
    o = m.orgs
    size = m.roster().size[o.active & np.isin(o.kind, [KINDS.index(k) for k in ("sport", "culture", "humanitarian")])]
    med, p90 = np.median(size), np.quantile(size, 0.9)
    assert med < 60                                 # mostly small
    assert p90 > 2.0 * med and size.max() > 3.5 * med  # a few large
    assert np.mean(size) > med                      # right-skewed


def test_same_seed_same_organisations():
    def table(seed):
        m = DugnadModel(small_scenario(800, burn_in_months=24, organisations={"found_rate": 0.5, "fold_months": 2}), seed=seed)
        o = m.orgs
        return {c: getattr(o, c).copy() for c in o.columns}, m.roster().size.copy()
    (a, sa), (b, sb) = table(7), table(7)
    assert a.keys() == b.keys()
    for c in a:
        np.testing.assert_array_equal(a[c], b[c])
    np.testing.assert_array_equal(sa, sb)


def test_volunteer_centres_scale_with_population():
    from model.organisations import volunteer_centres
    from model.scenario import OrganisationParams
    op = OrganisationParams(persons_per_volunteer_centre=10_000.0)
    assert volunteer_centres(op, 500) == 1 and volunteer_centres(op, 30_000) == 3


def test_systematic_counts_are_floor_or_ceiling_of_shares():
    from model.organisations import systematic
    rng = np.random.default_rng(1)
    for n in (1, 7, 30, 101):
        for _ in range(20):
            shares = rng.random(3)
            counts = np.bincount(systematic(rng, n, list(shares)), minlength=3)
            exact = n * shares / shares.sum()
            assert counts.sum() == n
            assert ((counts == np.floor(exact)) | (counts == np.ceil(exact))).all()


def test_a_kinds_capacity_is_its_mean_size_times_count_at_any_size():
    """Sizes at the quantiles (i + 1/2)/n, rescaled: n organisations average mean_size, with a heavy tail."""
    from model.organisations import size_target
    from model.scenario import OrganisationParams
    op = OrganisationParams(size_dispersion=1.3)
    for n in (1, 3, 30, 600):
        sizes = [size_target(op, 60.0, (i + 0.5) / n, n) for i in range(n)]
        assert np.mean(sizes) == pytest.approx(60.0)
    big = [size_target(op, 60.0, (i + 0.5) / 600, 600) for i in range(600)]
    assert np.median(big) < 30 and max(big) > 10 * np.median(big)


def test_size_scale_multiplies_every_kinds_capacity_and_nothing_else():
    """organisations.size_scale is the landscape's capacity for members: the same organisations,
    each with its typical size times the scale (above the floor of board + 5 every organisation has)."""
    def landscape(scale):
        sc = small_scenario(3000, burn_in_months=0, organisations={"size_scale": scale})
        o = DugnadModel(sc, seed=3, burn_in=False).orgs
        return o.kind.copy(), o.municipality.copy(), o.size_target.astype(float)
    kind, mun, size = landscape(1.0)
    kind2, mun2, size2 = landscape(1.7)
    assert (kind == kind2).all() and (mun == mun2).all()
    above = size >= 20                                   # the floor is at most 10
    assert above.sum() > len(size) / 3
    assert size2[above] == pytest.approx(1.7 * size[above], rel=1e-5)
    assert ((size2 >= size) & (size2 <= 1.7 * size + 1e-3)).all()


def test_starting_capacity_does_not_vary_between_seeds():
    """The landscape's capacity for adults and for children is fixed by the scenario, not by the
    seed: with independent heavy-tailed draws it varied by about ±20% at this size."""
    def capacity(seed):
        m = DugnadModel(small_scenario(3000, burn_in_months=0), seed=seed, burn_in=False)
        o = m.orgs
        child = o.age_profile != 0
        return o.size_target[child].sum(), o.size_target[~child].sum()
    caps = np.array([capacity(s) for s in range(1, 7)])
    assert (caps.std(axis=0) / caps.mean(axis=0) < 0.05).all()


def test_balanced_places_follow_the_weights():
    from model.organisations import balanced_places
    rng = np.random.default_rng(2)
    sizes = rng.lognormal(3, 1.3, 200)
    weights = np.array([1.0, 2.0, 0.0, 1.0])
    nb = balanced_places(sizes, weights, rng)
    cap = np.bincount(nb, weights=sizes, minlength=4)
    assert cap[2] == 0
    np.testing.assert_allclose(cap / cap.sum(), weights / weights.sum(), atol=sizes.max() / sizes.sum())


def test_founded_organisation_takes_up_the_capacity_its_cell_lacks():
    m = blank_model(2000, organisations={"size_dispersion": 1.3})
    o = m.orgs
    sport = o.active & (o.kind == KINDS.index("sport")) & ~o.minority
    traits = orgmech_traits(m)
    same = sport & (o.age_profile == traits["profile"])
    big = np.flatnonzero(same)[np.argmax(o.size_target[same])]
    o.active[big] = False                          # the largest folds
    again = orgmech_traits(m)
    assert again["profile"] == o.age_profile[big]  # the profile it left is refilled ...
    assert again["size"] == pytest.approx(float(o.size_target[big]), rel=0.05)  # ... at its size


def orgmech_traits(m):
    from model.organisations import founding_traits
    return founding_traits(m, "sport", False, -1, 0, None, np.random.default_rng(0))


def test_citywide_organisations_are_seen_from_every_neighbourhood():
    m = blank_model(3000, population={"neighbourhoods": 6})
    o = m.orgs
    city = np.flatnonzero(o.active & o.citywide)
    assert len(city) and (o.size_target[city] >= m.params.organisations.citywide_size).all()
    local = o.active & ~o.citywide
    rng = np.random.default_rng(4)
    for nb in range(6):
        keys = np.full(4000, nb)
        seen = m.org_places.seen(keys, np.zeros(4000, np.int64), m.nb_share(keys), rng.random(4000))
        assert (~local[seen] | (o.neighbourhood[seen] == nb)).all()   # local ones only at home
        share_city = o.citywide[seen].mean()
        expect = o.size_target[city].sum() * m.nb_share(np.array([nb]))[0]
        expect /= expect + o.size_target[local & (o.neighbourhood == nb)].sum()
        assert abs(share_city - expect) < 0.04


def test_citywide_organisation_asks_strangers_across_the_municipality():
    from model.mechanisms import recruitment
    m = blank_model(3000, population={"neighbourhoods": 6}, organisations={"openness": 1.0},
                    recruitment={"ask_rate": 1.0, "accept_base": 0.0})
    o = m.orgs
    city = int(np.flatnonzero(o.active & o.citywide)[0])
    members = np.flatnonzero(m.people.age >= 30)[:60]
    for i in members:
        put(m, int(i), city, MEMBER)
    asked_nb = set()
    for _ in range(5):
        m.month += 1
        recruitment.ask(m)
        asked_nb |= set(m.people.neighbourhood[m.people.last_asked == m.month].tolist())
    assert len(asked_nb) == 6


def test_childrens_organisations_follow_the_children():
    """Children's places are founded per child (6–17), the others per inhabitant: when the
    municipality has more children and no more inhabitants, only children's organisations are
    founded (docs/demography.md: per inhabitant, children's participation drifted down)."""
    from model.state import ADULTS_ONLY, ALL_AGES, CHILDREN
    m = blank_model(2000, organisations={"found_rate": 1.0})
    orgmech.density(m)
    assert len(orgmech.found_missing(m)) == 0       # the starting landscape has no gaps
    p = m.people
    kids = int(((p.age >= m.params.youth.start_age) & (p.age < 18)).sum())
    adults = np.flatnonzero((p.age >= 30) & (p.age < 60))[: kids // 2]
    p.age[adults] = 10                              # half as many children again, same inhabitants
    n0 = int((m.orgs.active & np.isin(m.orgs.kind, [KINDS.index(k) for k in orgmech.DENSITY_KINDS])
              & (m.orgs.age_profile == CHILDREN)).sum())
    new = []
    for _ in range(12):
        m.month += 1
        new += list(orgmech.found_missing(m))
    o, kinds = m.orgs, [KINDS.index(k) for k in orgmech.DENSITY_KINDS]
    new = np.array(new)[np.isin(m.orgs.kind[new], kinds)]
    assert len(new) >= 3 and (o.age_profile[new] == CHILDREN).all()
    assert not np.isin(o.age_profile[new], [ADULTS_ONLY, ALL_AGES]).any()
    children_orgs = o.active & np.isin(o.kind, kinds) & (o.age_profile == CHILDREN)
    assert children_orgs.sum() == pytest.approx(n0 * (kids + len(adults)) / kids, abs=len(kinds))  # per child restored


def test_founding_keeps_pace_with_the_size_of_the_gap():
    """Each missing organisation is founded with chance found_rate a month, so a gap twenty times
    larger refills twenty times as fast (with one chance per gap, a 100,000-person municipality
    refilled at most one children's club a month and sat far below its landscape)."""
    m = blank_model(300, organisations={"found_rate": 0.05})
    gaps = np.array([0.0, 0.5, 5.0, 100.0, -3.0])
    counts = np.zeros(len(gaps))
    months = 400
    for month in range(months):
        m.month = month
        cells, slots = orgmech._draws(m, "organisations.found_test", gaps)
        counts += np.bincount(cells, minlength=len(gaps))
        assert len(set(zip(cells.tolist(), slots.tolist()))) == len(cells)  # one draw per slot
    per_month = counts / months
    assert per_month[0] == 0 and per_month[4] == 0
    assert per_month[1] == pytest.approx(0.025, abs=0.02)
    assert per_month[2] == pytest.approx(0.25, rel=0.3)
    assert per_month[3] == pytest.approx(5.0, rel=0.1)   # not capped at one a month


def test_size_distribution_has_the_same_shape_at_every_population_size():
    """Sizes come from fixed quantile strata, so 600 organisations of a kind are 30 in miniature
    repeated: the same largest size and the same mean (with the quantiles (i + ½)/n themselves the
    largest of 600 was 3.6 times the largest of 30, and youth participation rose with size)."""
    from model.organisations import size_target
    op = small_scenario(300).organisations
    sizes = {n: np.array([size_target(op, 50.0, (i + 0.5) / n, n) for i in range(n)]) for n in (32, 640)}
    assert sizes[640].max() == pytest.approx(sizes[32].max(), rel=0.01)
    assert sizes[640].mean() == pytest.approx(50.0) and sizes[32].mean() == pytest.approx(50.0)
    assert np.median(sizes[640]) == pytest.approx(np.median(sizes[32]), rel=0.05)
    assert sizes[32].max() > 5 * np.median(sizes[32])     # still heavy-tailed (FACTS §6)


@pytest.mark.parametrize("which", ["smallest", "largest", "six smallest"])
def test_founding_refills_the_sizes_that_folded(which):
    """A new organisation takes the size its cell is shortest of, so folded small clubs are
    replaced by small ones and a folded large one by a large one: the size distribution stays the
    starting one (sized to the capacity its cell lacked, a new club took the room of all the small
    ones that had folded, and at 100,000 persons new clubs were of the largest size)."""
    from model.state import CHILDREN
    m = blank_model(4000, organisations={"found_rate": 1.0})
    orgmech.density(m)
    o = m.orgs
    cell = np.flatnonzero(o.active & (o.kind == KINDS.index("sport")) & (o.age_profile == CHILDREN) & (o.municipality == 0))
    assert len(cell) >= 12
    by_size = cell[np.argsort(o.size_target[cell])]
    gone = {"smallest": by_size[:1], "largest": by_size[-1:], "six smallest": by_size[:6]}[which]
    o.active[gone] = False
    m.orgs_changed()
    new = orgmech.found_missing(m)
    o = m.orgs
    mine = new[(o.kind[new] == KINDS.index("sport")) & (o.age_profile[new] == CHILDREN)]
    assert len(mine) == len(gone)
    # the same sizes, up to the neighbouring size (each new one is sized as one more in the cell)
    assert o.size_target[mine].sum() == pytest.approx(o.size_target[gone].sum(), rel=0.25)
    assert o.size_target[mine].max() < 1.5 * o.size_target[gone].max()
