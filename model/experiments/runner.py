"""One run of an experiment, in a worker process: the tidy tables an experiment keeps.

* ``timeseries``: one row per month × group × indicator (long format), including the cumulative
  intervention costs as indicators ``cost_nok`` and ``cost_nok.<intervention>``;
* ``subgroups``: at each horizon month, indicators per subgroup — background, origin region, sex,
  age band, household income group — as counts and shares, so effects can be read by subgroup;
* ``incidence``: per intervention, the NOK received by each subgroup over the run (from the benefit
  log) beside the subgroup's share of the intervention's target population at the end.
"""

from __future__ import annotations

import pickle
import time

import numpy as np
import pandas as pd

from model.experiments.definition import RunSpec

AGE_BANDS = ((0, 6, "0-5"), (6, 13, "6-12"), (13, 20, "13-19"), (20, 67, "20-66"), (67, 200, "67+"))


def income_group(decile: np.ndarray) -> np.ndarray:
    return np.where(decile <= 3, "deciles 1-3", np.where(decile <= 7, "deciles 4-7", "deciles 8-10"))


def dimensions(persons: pd.DataFrame) -> dict[str, np.ndarray]:
    age = persons["age"].to_numpy()
    band = np.full(len(age), "", object)
    for lo, hi, name in AGE_BANDS:
        band[(age >= lo) & (age < hi)] = name
    bg = persons["background"].astype(str).to_numpy()
    return {"all": np.full(len(persons), "all", object), "background": bg,
            "immigrant_background": np.where(bg == "majority", "majority", "immigrant background"),
            "region": persons["region"].to_numpy().astype(object), "sex": persons["sex"].astype(str).to_numpy(),
            "age_band": band, "income": income_group(persons["income_decile"].to_numpy())}


SUBGROUP_INDICATORS = ("persons", "participants", "volunteers", "members", "office_holders", "bridging_ties_total",
                       "participation", "volunteer", "member", "office", "bonding_ties", "bridging_ties", "trust",
                       "norwegian", "employment")


def subgroup_table(persons: pd.DataFrame, month: int) -> pd.DataFrame:
    """Counts and shares per subgroup. Shares of taking part are over all ages in the subgroup
    (the age band dimension separates children, youth and adults); employment over ages 20–66."""
    working = (persons["age"] >= 20) & (persons["age"] < 67)
    d = pd.DataFrame({
        "persons": 1.0, "participants": persons["participant"].astype(float),
        "volunteers": persons["volunteer"].astype(float), "members": persons["member"].astype(float),
        "office_holders": persons["office"].astype(float), "bridging_ties_total": persons["bridging_ties"].astype(float),
        "bonding": persons["bonding_ties"].astype(float), "trust": persons["trust"].astype(float),
        "norwegian": persons["norwegian"].astype(float), "working": working.astype(float),
        "employed_w": (persons["employed"] & working).astype(float)})
    rows = []
    for dim, labels in dimensions(persons).items():
        g = d.groupby(labels, sort=True).sum()
        n = g["persons"]
        out = pd.DataFrame({
            "persons": n, "participants": g["participants"], "volunteers": g["volunteers"], "members": g["members"],
            "office_holders": g["office_holders"], "bridging_ties_total": g["bridging_ties_total"],
            "participation": g["participants"] / n, "volunteer": g["volunteers"] / n, "member": g["members"] / n,
            "office": g["office_holders"] / n, "bonding_ties": g["bonding"] / n,
            "bridging_ties": g["bridging_ties_total"] / n, "trust": g["trust"] / n, "norwegian": g["norwegian"] / n,
            "employment": g["employed_w"] / g["working"].where(g["working"] > 0)})
        long = out.reset_index(names="group").melt(id_vars="group", var_name="indicator", value_name="value")
        long.insert(0, "dimension", dim)
        rows.append(long)
    res = pd.concat(rows, ignore_index=True)
    res.insert(0, "month", month)
    return res


def incidence_table(model) -> pd.DataFrame:
    """Per intervention and subgroup: NOK received over the run and the subgroup's share of the
    intervention's target population (at the end of the run)."""
    from model.outputs import persons_table

    b = model.benefits.table()
    persons = persons_table(model)
    dims = dimensions(persons)
    rows = []
    for iv in model.interventions:
        target = getattr(iv.params, "target", None)
        eligible = target.mask(model) if target is not None else np.ones(len(persons), bool)
        mine = b[b["intervention"] == iv.label]
        bdims = {"background": mine["background"].astype(str).to_numpy(), "region": mine["region"].to_numpy(),
                 "income": income_group(mine["income_decile"].to_numpy())}
        for dim, labels in bdims.items():
            nok = pd.Series(mine["nok"].to_numpy(), index=labels).groupby(level=0).sum()
            elig = pd.Series(eligible.astype(float), index=dims[dim]).groupby(level=0).sum()
            groups_ = sorted(set(nok.index) | set(elig.index))
            for g in groups_:
                rows.append({"intervention": iv.label, "type": iv.params.type, "dimension": dim, "group": g,
                             "nok": float(nok.get(g, 0.0)), "eligible": float(elig.get(g, 0.0))})
    cols = ["intervention", "type", "dimension", "group", "nok", "eligible"]
    return pd.DataFrame(rows, columns=cols)


def burn_in(spec: RunSpec) -> bytes:
    """The model of ``spec``'s scenario and seed after its burn-in (month 0), pickled: the state
    every scenario that differs from it only in interventions or recording fields branches from
    (:data:`model.checkpoint.NOT_FINGERPRINTED`)."""
    from model.checkpoint import PICKLE_PROTOCOL
    from model.model import DugnadModel
    from model.scenario import load_scenario

    return pickle.dumps(DugnadModel(load_scenario(spec.scenario_file, spec.overrides()), seed=spec.seed),
                        protocol=PICKLE_PROTOCOL)


def run(spec: RunSpec, indicators: list[str] | None = None, groups: list[str] | None = None,
        state: bytes | None = None) -> dict:
    """Run ``spec``; returns {"tables": {name: DataFrame}, "info": {...}}. With ``state`` (from
    :func:`burn_in` of a spec with the same seed and fingerprint) the run branches from that state
    instead of building and burning in; the tables are the same. Exceptions propagate (the sweep
    records them as a failed run)."""
    from model.checkpoint import start_scenario
    from model.model import DugnadModel
    from model.outputs import persons_table
    from model.scenario import load_scenario

    t0 = time.perf_counter()
    sc = load_scenario(spec.scenario_file, spec.overrides())
    if state is None:
        m = DugnadModel(sc, seed=spec.seed)
    else:
        m = pickle.loads(state)
        start_scenario(m, sc)
    setup = time.perf_counter() - t0
    horizons = sorted(set(spec.horizons or ())) or [sc.months]
    horizons = [h for h in horizons if h <= sc.months] or [sc.months]
    sub = []
    if 0 in horizons:
        sub.append(subgroup_table(persons_table(m), 0))
    for month in range(1, sc.months + 1):
        m.step()
        if month in horizons:
            sub.append(subgroup_table(persons_table(m), month))
    ts = m.observer.table()
    if groups:
        ts = ts[ts["group"].isin(groups)]
    value_cols = [c for c in ts.columns if c not in ("month", "group")]
    if indicators:
        value_cols = [c for c in value_cols if c in indicators or c.startswith("cost_nok")]
    long = ts.melt(id_vars=["month", "group"], value_vars=value_cols, var_name="indicator", value_name="value")
    long["value"] = long["value"].astype(float)
    info = {"setup_s": setup, "run_s": time.perf_counter() - t0 - setup, "persons_end": len(m.people),
            "branched": state is not None,
            "costs": {iv.label: iv.cost_nok for iv in m.interventions},
            "interventions": {iv.label: iv.params.type for iv in m.interventions},
            "assumed": {iv.label: iv.assumed_effect() for iv in m.interventions if iv.assumed_effect()}}
    return {"tables": {"timeseries": long, "subgroups": pd.concat(sub, ignore_index=True),
                       "incidence": incidence_table(m)}, "info": info}
