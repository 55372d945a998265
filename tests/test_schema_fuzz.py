"""Every scenario the loader accepts runs to the end with sane outputs (issue 10).

Scenarios are generated from the schema itself (``tests/schema_space.py``): every field alone at
its minimum and at its maximum, then random combinations of fields at their edges or inside their
ranges with interventions of every type. Each either is refused by the loader with a
:class:`ScenarioError`, or runs at a tiny size and yields finite, in-range tables: shares in 0–1,
counts ≥ 0, no infinity, and NaN only in indicators of a group with nobody in the denominator.

The random part runs ``DUGNAD_FUZZ_EXAMPLES`` examples (default 100, which keeps the suite within its
five minutes; a nightly run can set e.g. 5000).
"""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from conftest import burned_in
from model.indicators import INDICATORS
from model.model import DugnadModel
from model.outputs import interventions_summary, population_summary, tables
from model.scenario import ScenarioError, scenario_from_dict
from schema_space import (
    INTERVENTION_FIELDS,
    SIZE,
    all_fields,
    edges,
    put,
    run_sized,
    scenario,
    small,
)

EXAMPLES = int(os.environ.get("DUGNAD_FUZZ_EXAMPLES", "100"))
SHARES = [k for k in INDICATORS if k not in ("persons", "bonding_ties", "bridging_ties", "ei_index", "volunteer_hours")]
ADULT_SHARES = ["participation", "member", "volunteer", "office", "informal_help", "trust", "norwegian"]


# ----------------------------------------------------------------------------- output checks

def _finite(df: pd.DataFrame, table: str, allow_nan: tuple = ()) -> None:
    for c in df.columns:
        if df[c].dtype.kind in "fiu":
            x = df[c].to_numpy(float)
            assert not np.isinf(x).any(), f"{table}.{c}: infinite value"
            if c not in allow_nan:
                assert not np.isnan(x).any(), f"{table}.{c}: NaN"


def _within(df: pd.DataFrame, table: str, cols, lo: float, hi: float = np.inf) -> None:
    for c in cols:
        x = df[c].to_numpy(float)
        x = x[~np.isnan(x)]
        assert ((x >= lo - 1e-9) & (x <= hi + 1e-9)).all(), f"{table}.{c}: outside {lo}–{hi}: {x.min()}–{x.max()}"


def check_outputs(m: DugnadModel) -> None:
    """The tables and manifest of a finished run are finite and in range."""
    t = tables(m)
    ts = t["timeseries"]
    _finite(ts, "timeseries", allow_nan=tuple(INDICATORS))
    _within(ts, "timeseries", SHARES, 0, 1)
    _within(ts, "timeseries", ["persons", "bonding_ties", "bridging_ties"] + [c for c in ts if c.startswith("cost_nok")], 0)
    _within(ts, "timeseries", ["ei_index"], -1, 1)
    _within(ts, "timeseries", ["volunteer_hours"], 0, m.params.ladder.max_volunteer_hours)
    assert not ts.filter(like="cost_nok").isna().any().any(), "timeseries: NaN cost"
    everyone = ts[ts.group == "all"]
    assert not everyone[ADULT_SHARES].isna().any().any(), "timeseries: NaN for the whole population"
    p = t["persons"]
    _finite(p, "persons")
    _within(p, "persons", ["norwegian", "trust", "literacy", "health"], 0, 1)
    _within(p, "persons", ["motivation"], 0, np.inf)
    _within(p, "persons", ["age", "years_in_norway", "eq_income", "bonding_ties", "bridging_ties", "organisations"], 0)
    _within(p, "persons", ["work_hours"], 0, 168)
    _within(p, "persons", ["volunteer_hours"], 0, m.params.ladder.max_volunteer_hours)
    o = t["organisations"]
    _finite(o, "organisations")
    _within(o, "organisations", ["language_demand", "commitment", "openness"], 0, 1)
    _within(o, "organisations", ["fee_adult", "fee_child", "participants", "members", "volunteers", "offices"], 0)
    for c in ("participants", "members", "volunteers", "offices"):
        assert (o[f"immigrant_{c}"] <= o[c]).all(), f"organisations.immigrant_{c} above {c}"
    _finite(t["ties"], "ties")
    _within(t["ties"], "ties", ["strength"], 0, 1)
    _finite(t["benefits"], "benefits")
    _within(t["benefits"], "benefits", ["nok"], 0)
    assert (t["memberships"].since_month <= m.month).all()
    # the manifest's model parts (its git and version parts cost a subprocess each)
    json.dumps([interventions_summary(m), population_summary(m)], allow_nan=False)  # raises on NaN or infinity


def load_and_run(d: dict) -> bool:
    """True if the scenario ran with sane outputs, False if the loader refused it (an error
    naming the field); anything else fails the test."""
    try:
        sc = scenario_from_dict(d)
    except ScenarioError as e:
        assert e.problems and all(": " in line for line in e.problems)
        return False
    m = burned_in(sc, sc.seed)
    m.run()
    check_outputs(m)
    return True


# ----------------------------------------------------------------------------- the tests

def test_every_field_has_a_finite_range():
    """A field the generator cannot cover (no range, no known keys) fails here: give it bounds."""
    for t, f in all_fields():
        where = f"{t + '.' if t else ''}{'.'.join(f.path)}"
        assert f.kind != "unknown", f"{where}: no value strategy in tests/schema_space.py"
        if f.kind in ("number", "int_list", "dict"):
            assert f.lo is not None and f.hi is not None, f"{where}: needs a lower and an upper bound (ge/le)"
            assert np.isfinite([f.lo, f.hi]).all(), where


EDGE_CASES = [(t, f, i) for t, f in all_fields() if f.kind == "number" for i in (0, 1)]


def _edge_id(case) -> str:
    t, f, i = case
    return f"{t + ':' if t else ''}{'.'.join(f.path)}={'min' if i == 0 else 'max'}"


@pytest.mark.parametrize("case", EDGE_CASES, ids=[_edge_id(c) for c in EDGE_CASES])
def test_each_number_alone_at_its_edge_runs(case):
    t, f, i = case
    d = small()
    v = edges(f)[i]
    if t is None:
        put(d, f.path, run_sized(f, v))
    else:
        iv = {"type": t}
        put(iv, f.path, run_sized(f, v, intervention=True))
        d["interventions"] = [iv]
    accepted = load_and_run(d)
    # alone, an edge value is refused only by a rule that ties it to another field's default
    if not accepted:
        with pytest.raises(ScenarioError) as e:
            scenario_from_dict(d)
        assert any(w in str(e.value) for w in ("must be >", "must be ≤", "age_min")), str(e.value)


def test_size_fields_load_at_their_full_range():
    """The fields that set a run's size are run small above; their full range must still load."""
    for t, f in all_fields():
        key = f.path[-1:] if t else f.path
        if key not in SIZE or f.kind != "number":
            continue
        for v in edges(f):
            d = small()
            if t is None:
                put(d, f.path, v)
            else:
                d["interventions"] = [{"type": t, f.path[-1]: v} | ({"start_month": 0} if f.path[-1] == "end_month" else {})]
            scenario_from_dict(d)   # alone at either end of its range, a size field always loads


STATS = {"ran": 0, "refused": 0}


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenario())
def _random_scenario_runs(d):
    STATS["ran" if load_and_run(d) else "refused"] += 1


def test_random_scenarios_run_or_are_refused():
    STATS.update(ran=0, refused=0)
    _random_scenario_runs()
    print(f"\nschema fuzz: {STATS['ran']} ran, {STATS['refused']} refused by the loader")
    assert STATS["ran"] >= 0.5 * (STATS["ran"] + STATS["refused"]), STATS  # the generator makes mostly valid scenarios


def test_every_intervention_type_is_generated():
    assert set(INTERVENTION_FIELDS) and all(INTERVENTION_FIELDS.values())
