"""The synthetic population and organisations."""

import numpy as np
import pytest

from conftest import small_scenario
from model.data_files import DataFileError, load_origin_groups
from model.population import build_world
from model.state import KINDS
from model.state import DESCENDANT, IMMIGRANT, MAJORITY, OFFICE, REASONS


@pytest.fixture(scope="module")
def world():
    return build_world(small_scenario(4000, population={"neighbourhoods": 8}), np.random.default_rng(5))


def test_shares_follow_the_scenario(world):
    p = world.people
    assert len(p) >= 4000
    assert abs((p.background == IMMIGRANT).mean() - 0.15) < 0.02
    assert 0.03 < (p.background == DESCENDANT).mean() < 0.09
    # children of descendants count with the majority (SSB) but keep their family's origin group
    heritage = (p.background == MAJORITY) & (p.origin != 0)
    assert heritage.mean() < 0.05 and (p.years_in_norway[heritage] == p.age[heritage]).all()
    assert (p.origin[p.background != MAJORITY] > 0).all()


def test_right_to_training_refugees_and_families_not_labour_migrants(world):
    p = world.people
    imm = p.background == IMMIGRANT
    labour = imm & (p.reason == REASONS.index("labour"))
    refugee = imm & (p.reason == REASONS.index("refugee"))
    assert not p.right_to_training[labour].any()
    assert p.right_to_training[refugee].all()
    assert not p.right_to_training[p.background != IMMIGRANT].any()


def test_households_have_an_adult_and_share_a_neighbourhood(world):
    p = world.people
    n_hh = p.household.max() + 1
    adults = np.bincount(p.household[p.age >= 18], minlength=n_hh)
    assert (adults >= 1).all()
    nb_per_hh = {h: set() for h in range(n_hh)}
    for h, nb in zip(p.household, p.neighbourhood):
        nb_per_hh[h].add(nb)
    assert all(len(s) == 1 for s in nb_per_hh.values())


def test_segregation_concentrates_immigrants():
    def dissimilarity(seg):
        w = build_world(small_scenario(3000, population={"neighbourhoods": 10, "segregation": seg}), np.random.default_rng(2))
        p = w.people
        imm = p.background != MAJORITY
        a = np.bincount(p.neighbourhood[imm], minlength=10) / imm.sum()
        b = np.bincount(p.neighbourhood[~imm], minlength=10) / (~imm).sum()
        return 0.5 * np.abs(a - b).sum()
    assert dissimilarity(1.0) > dissimilarity(0.0) + 0.2


def test_organisations_many_small_of_every_kind_with_boards(world):
    o, p = world.orgs, world.people
    assert abs(len(o) - len(p) / 55) < len(p) / 55 * 0.5
    assert set(np.unique(o.kind)) == set(range(len(KINDS))) - {KINDS.index("youth_club")}   # youth clubs are off by default
    assert (o.origin[o.kind == KINDS.index("minority")] > 0).all()
    assert o.minority[o.kind == KINDS.index("minority")].all()
    boards = np.bincount(p.mem_org[p.mem_role == OFFICE], minlength=len(o))
    assert (boards <= o.board_size).all() and boards.sum() > 0.8 * o.board_size.sum()
    assert o.linked[o.kind == KINDS.index("volunteer_centre")].all()


def test_bad_origin_file_is_named(tmp_path):
    f = tmp_path / "origins.csv"
    f.write_text("group,region,main_reason,share_of_immigrants,median_years_in_norway,share_higher_education,"
                 "share_good_norwegian,employment_rate,religious_tradition\n"
                 "Norway,majority,none,,,0.35,1.0,0.78,protestant_or_none\n"
                 "Poland,EU,labour,0.2,8,1.7,0.25,0.76,catholic\n")
    with pytest.raises(DataFileError, match=r"origins.csv: row 3 \(Poland\), column share_higher_education: must be a number from 0 to 1 \(got 1.7\)"):
        load_origin_groups(f)
    f.write_text("group,region\nNorway,majority\n")
    with pytest.raises(DataFileError, match="missing column"):
        load_origin_groups(f)
