"""Shared fixtures: tiny models built fast, and hand-built situations on top of them."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from model.checkpoint import PICKLE_PROTOCOL, fingerprint, fingerprint_fields, start_scenario
from model.model import DugnadModel
from model.network import TieStore
from model.scenario import scenario_from_dict
from model.state import NEVER


def small_scenario(persons: int = 300, **over):
    data = {"population": {"persons": persons, "neighbourhoods": 3}, "months": 6, "burn_in_months": 6}
    for k, v in over.items():
        if isinstance(v, dict):
            data.setdefault(k, {}).update(v)
        else:
            data[k] = v
    return scenario_from_dict(data)


_BURNED_IN: dict[tuple[str, int], bytes] = {}


def burned_in(scenario, seed: int) -> DugnadModel:
    """``DugnadModel(scenario, seed)``, its burn-in run once per test process for each population
    and seed: tests that give one population many interventions branch from one burn-in, as
    ``dugnad compare`` does (model.checkpoint; test_common_random_numbers proves a branched run
    gives the tables of a fresh one)."""
    key = (fingerprint(fingerprint_fields(scenario)), int(seed))
    if key not in _BURNED_IN:
        bare = scenario.model_copy(update={"interventions": []})
        _BURNED_IN[key] = pickle.dumps(DugnadModel(bare, seed=seed), protocol=PICKLE_PROTOCOL)
    m = pickle.loads(_BURNED_IN[key])
    start_scenario(m, scenario)
    return m


def blank_model(persons: int = 300, seed: int = 3, **over) -> DugnadModel:
    """A model with its population and organisations but no memberships and no ties: a clean
    slate for hand-built situations."""
    m = DugnadModel(small_scenario(persons, **over), seed=seed, burn_in=False)
    p = m.people
    p.mem_org[:] = -1
    p.mem_role[:] = 0
    p.last_asked[:] = NEVER
    p.last_volunteer[:] = NEVER
    p.motivation[:] = 1.0   # everyone equally motivated unless a test says otherwise
    m.ties = TieStore(len(p))
    m.world.ties = m.ties
    m.memberships_changed()
    m._tie_counts = None
    return m


@pytest.fixture
def blank():
    return blank_model()


@pytest.fixture(scope="session")
def small_run():
    m = DugnadModel(small_scenario(1000, months=12, burn_in_months=48), seed=11)
    m.run()
    return m


def put(model, person: int, org: int, role: int, since: int = -100) -> None:
    p = model.people
    col = int(np.argmax(p.mem_org[person] < 0))
    p.mem_org[person, col] = org
    p.mem_role[person, col] = role
    p.mem_since[person, col] = since
    model.memberships_changed()


# Files whose module fixtures run many full baselines: collected first, so that with one file per
# test worker (make test: pytest -n 2 --dist loadfile) they start at once and the many short files
# fill in around them instead of one long file starting last.
SLOW_FIRST = ("test_calibrated_baseline.py", "test_schema_fuzz.py", "test_experiments.py", "test_interventions.py",
              "test_validation.py", "test_common_random_numbers.py", "test_crn_interventions.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(SLOW_FIRST)))
