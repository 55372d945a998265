"""Geography: several municipalities or city districts in one run (model/data/places.csv,
model/geography.py). Households are placed so that each place gets its population share and its
immigrant-background share; bad places files give a clear error naming file, row and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.data_files import DataFileError, load_origin_groups, load_places
from model.geography import load_geography
from model.population import build_world
from model.scenario import ScenarioError, load_scenario, scenario_from_dict
from model.state import MAJORITY

ROOT = Path(__file__).resolve().parent.parent
OSLO = {"geography": "oslo", "immigrant_share": 0.245, "descendant_share": 0.075}
HEADER = "geography,place,population_share,immigrant_background_share,persons_per_organisation,origin_mix\n"


def _world(persons: int, neighbourhoods: int, **pop):
    sc = scenario_from_dict({"population": {"persons": persons, "neighbourhoods": neighbourhoods, **pop},
                             "demography": {"spin_up_years": 20}})
    return sc, build_world(sc, np.random.default_rng(1))


@pytest.fixture(scope="module")
def oslo():
    return _world(20_000, 60, **OSLO)


def test_places_get_their_population_and_immigrant_background_share(oslo):
    sc, w = oslo
    geo = load_geography(sc.population, list(w.origins["group"]))
    p = w.people
    assert len(geo.places) == 15 and w.places.n_municipalities == 15
    pop = np.bincount(p.municipality, minlength=15)
    ib = np.bincount(p.municipality, weights=p.background != MAJORITY, minlength=15)
    np.testing.assert_allclose(pop / len(p), geo.share, atol=0.004)
    np.testing.assert_allclose(ib / pop, geo.background_share, atol=0.03)
    west = [geo.places.index(x) for x in ("Ullern", "Vestre Aker", "Nordre Aker", "Frogner")]
    east = [geo.places.index(x) for x in ("Bjerke", "Grorud", "Stovner", "Alna", "Søndre Nordstrand")]
    assert (ib / pop)[west].max() < 0.2 < 0.44 < (ib / pop)[east].min()


def test_places_are_municipalities_with_their_own_neighbourhoods_and_organisations(oslo):
    sc, w = oslo
    counts = np.bincount(w.places.nb_municipality)
    assert len(counts) == 15 and counts.min() >= 1 and abs(counts.sum() - 60) <= 8
    assert (w.people.municipality == w.places.nb_municipality[w.people.neighbourhood]).all()
    assert set(np.unique(w.orgs.municipality)) == set(range(15))
    assert set(np.unique(w.workplaces.municipality)) == set(range(15))
    # about one organisation per 55 inhabitants in all, as without a geography
    assert 0.8 < len(w.orgs.kind) * 55 / len(w.people) < 1.3


def test_origin_mix_of_a_place_is_followed(oslo):
    sc, w = oslo
    geo = load_geography(sc.population, list(w.origins["group"]))
    p = w.people
    imm = p.background != MAJORITY
    groups = list(w.origins["group"])

    def share(place, group):
        m = imm & (p.municipality == geo.places.index(place))
        return (p.origin[m] == groups.index(group)).mean()

    assert share("Stovner", "Pakistan") > 2 * share("Ullern", "Pakistan")
    assert share("Ullern", "Sweden") > 2 * share("Stovner", "Sweden")


def test_persons_scales_a_geography_proportionally():
    sc, w = _world(4_000, 12, geography="municipality_types", immigrant_share=0.15, descendant_share=0.04)
    pop = np.bincount(w.people.municipality)
    np.testing.assert_allclose(pop / len(w.people), [0.4, 0.4, 0.2], atol=0.01)
    assert list(np.bincount(w.places.nb_municipality)) == [5, 5, 2]   # 12 neighbourhoods by population
    assert w.places.names == ("large city", "mid-size town", "rural municipality")
    # the rural municipality has more organisations per inhabitant (35 against 60 and 50)
    per = pop / np.bincount(w.orgs.municipality, minlength=3)
    assert per[2] < per[0]


def test_without_a_geography_nothing_changes():
    sc = scenario_from_dict({"population": {"persons": 600, "neighbourhoods": 4}, "demography": {"spin_up_years": 5}})
    assert sc.population.geography is None and sc.population.places_file is None
    w = build_world(sc, np.random.default_rng(3))
    assert w.places.names == () and w.places.arrival_weight is None and w.places.n_municipalities == 1


@pytest.mark.parametrize("name", ["oslo", "place_veitvet", "place_mohlenpris", "place_saupstad", "place_fjell"])
def test_shipped_place_scenarios_load(name):
    sc = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    assert sc.name == name and sc.interventions


def test_unknown_geography_names_the_field():
    with pytest.raises(ScenarioError, match=r"population\.geography: unknown geography; allowed: oslo, municipality_types"):
        scenario_from_dict({"population": {"geography": "bergen"}})


def test_scenario_shares_must_fit_the_geography():
    with pytest.raises(ScenarioError, match=r"population\.immigrant_share: .*0\.319"):
        scenario_from_dict({"population": {"geography": "oslo"}})   # the national 0.15 + 0.04


def test_places_file_is_relative_to_the_scenario(tmp_path):
    (tmp_path / "p.csv").write_text(HEADER + "town,North,0.5,0.2,,\ntown,South,0.5,0.2,40,Poland:1\n", encoding="utf-8")
    (tmp_path / "s.toml").write_text('[population]\nplaces_file = "p.csv"\nimmigrant_share = 0.16\n'
                                     'descendant_share = 0.04\npersons = 600\nneighbourhoods = 4\n', encoding="utf-8")
    sc = load_scenario(tmp_path / "s.toml")
    assert Path(sc.population.places_file) == tmp_path / "p.csv"
    geo = load_geography(sc.population)
    assert geo.name == "town" and geo.places == ["North", "South"]
    assert list(geo.org_density(55.0)) == [55.0, 40.0] and geo.mix == [None, {"Poland": 1.0}]


BAD = {
    "missing column": ("geography,place,population_share,persons_per_organisation\nx,A,1,55\n",
                       r"missing column\(s\) immigrant_background_share"),
    "share above 1": (HEADER + "x,A,0.5,1.2,55,\n", r"row 2 \(A\), column immigrant_background_share: must be a number from 0 to 1"),
    "negative share": (HEADER + "x,A,0.5,0.2,55,\nx,B,0.5,-0.1,55,\n", r"row 3 \(B\), column immigrant_background_share"),
    "population zero": (HEADER + "x,A,0,0.2,55,\n", r"row 2 \(A\), column population_share: must be a number above 0"),
    "duplicate place": (HEADER + "x,A,0.5,0.2,55,\nx,A,0.5,0.2,55,\n", r"row 3, column place: duplicate place 'A'"),
    "empty place": (HEADER + "x,,0.5,0.2,55,\n", r"row 2, column place: must be a non-empty name"),
    "no rows": (HEADER, r"has no rows"),
    "empty file": ("", r"p\.csv"),
    "unknown origin": (HEADER + "x,A,0.5,0.2,55,Atlantis:1\n", r"row 2 \(A\), column origin_mix: unknown origin group 'Atlantis'"),
    "bad mix": (HEADER + "x,A,0.5,0.2,55,Poland\n", r"row 2 \(A\), column origin_mix: each entry must be group:weight"),
    "org density": (HEADER + "x,A,0.5,0.2,0,\n", r"row 2 \(A\), column persons_per_organisation"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_places_files_name_file_row_and_column(tmp_path, case):
    text, pattern = BAD[case]
    f = tmp_path / "p.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=pattern) as e:
        load_places(f, ["Norway", "Poland"])
    assert str(f) in str(e.value)
    # and through a scenario: the loader's error naming the field and the file's problem
    with pytest.raises(ScenarioError, match=r"population\.places_file: cannot use the places file") as e:
        scenario_from_dict({"population": {"places_file": str(f)}})


def test_bad_places_file_exits_2_without_traceback(tmp_path, capsys):
    from model.cli import main

    (tmp_path / "p.csv").write_text(HEADER + "x,A,0.5,1.5,55,\n", encoding="utf-8")
    (tmp_path / "s.toml").write_text('[population]\nplaces_file = "p.csv"\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(tmp_path / "s.toml"), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "row 2 (A), column immigrant_background_share" in err and "Traceback" not in err
    assert not out.exists()


def test_shipped_places_file_is_valid():
    df = load_places(groups=list(load_origin_groups()["group"]))
    assert set(df["geography"]) == {"oslo", "municipality_types"}
    assert len(df[df["geography"] == "oslo"]) == 15


def _campaign(places):
    return {"type": "information_campaign", "target": {"places": places}}


def test_an_intervention_can_name_a_place():
    from model.model import DugnadModel
    sc = scenario_from_dict({"population": {"persons": 3000, "neighbourhoods": 30, **OSLO}, "burn_in_months": 0,
                             "months": 1, "interventions": [_campaign(["Stovner", "Frogner"])]})
    m = DugnadModel(sc, 1, burn_in=False)
    names = list(m.world.places.names)
    covered = sc.interventions[0].target.mask(m)
    wanted = np.isin(m.people.municipality, [names.index("Stovner"), names.index("Frogner")])
    assert covered.any() and (covered == wanted).all()


def test_unknown_place_names_the_field_and_the_allowed_places():
    with pytest.raises(ScenarioError, match=r"interventions\[0\]\.target\.places: unknown place; allowed: Gamle Oslo, .*Stovner"):
        scenario_from_dict({"population": OSLO, "interventions": [_campaign(["Stovnr"])]})


def test_places_need_a_geography():
    with pytest.raises(ScenarioError, match=r"interventions\[0\]\.target\.places: places are named only in a scenario with a geography"):
        scenario_from_dict({"interventions": [_campaign(["Stovner"])]})


def test_an_origin_group_is_as_concentrated_at_every_size():
    """A group's favourite area grows with the immigrant cluster (FAVOURITE_SHARE), so the share an
    origin group makes up of the neighbourhoods it favours does not grow with the population: with
    one favourite neighbourhood at any size, at 100,000 persons the largest groups filled whole
    neighbourhoods (immigrant-background share of the most immigrant one 0.38 at 5,000, 0.95 at 20,000)."""
    from model.geography import Places
    rng = np.random.default_rng(3)
    worst = {}
    for n_nb in (12, 240):
        places = Places.create(1, n_nb, 3, 1.0, rng)
        n = 40 * n_nb                                   # households of one large group, the same per neighbourhood
        nb = places.settle(rng, np.full(n, 1), np.full(n, 1))
        worst[n_nb] = np.bincount(nb, minlength=n_nb).max() / (n / n_nb)
    # the busiest neighbourhood holds a similar multiple of the group's mean density (was 1 vs 20 times as many)
    assert worst[240] < 1.5 * worst[12], worst
