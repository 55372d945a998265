"""Quick look at each intervention's effect against the baseline, paired seeds.

    .venv/bin/python benchmarks/intervention_effects.py [--persons 3000] [--seeds 4] [--months 60]

Each intervention runs with its default parameters from month 0. Prints, per intervention, the mean
difference from the baseline (same seed → same initial population) at the last month for the
immigrant-background group, with the range across seeds, and the cost. A sanity check of
directions, not a policy comparison (that is ``dugnad compare``, issue 5).
"""

from __future__ import annotations

import argparse
import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

KEYS = ("participation", "volunteer", "office", "bridging_ties", "norwegian", "employment",
        "youth_participation", "children_participation")
EXTRA = {"area_initiative": {"neighbourhoods": [0, 1, 2, 3]}, "meeting_places": {"drop_in_neighbourhoods": [0]},
         "leisure_card_outreach": {"outreach": True}, "board_diversity": {"open_offices": True},
         "grants_operating": {"regime": "operating", "guidance": 1.0, "application_complexity": 0.2},
         "formalisation": {"formalisation_support": True},
         "info_minority_orgs": {"channel": "minority_organisations"}}
TYPES = {"leisure_card_outreach": "leisure_card", "board_diversity": "open_recruitment",
         "grants_operating": "grants", "formalisation": "grants", "info_minority_orgs": "information_campaign"}


def run(args):
    name, seed, persons, months = args
    from model.model import DugnadModel
    from model.scenario import load_scenario
    ivs = [] if name == "baseline" else [{"type": TYPES.get(name, name), **EXTRA.get(name, {})}]
    sc = load_scenario("scenarios/baseline.toml", {"population": {"persons": persons}, "months": months,
                                                   "interventions": ivs})
    m = DugnadModel(sc, seed=seed)
    m.run()
    ts = m.observer.table()
    last = ts[(ts.month == months) & (ts.group == "immigrant_background")].iloc[0]
    allrow = ts[(ts.month == months) & (ts.group == "all")].iloc[0]
    out = {k: float(last[k]) for k in KEYS}
    out["imm_share_offices"] = float(allrow["immigrant_share_offices"])
    out["linked_orgs"] = float(allrow["linked_orgs"])
    out["cost_mnok"] = float(allrow["cost_nok"]) / 1e6
    return name, seed, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=3000)
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args()
    from model.interventions import CATALOGUE
    names = ["baseline", *(a.only or [*CATALOGUE, *EXTRA.keys() - set(CATALOGUE)])]
    jobs = [(n, s, a.persons, a.months) for n in names for s in range(1, a.seeds + 1)]
    with ProcessPoolExecutor(os.cpu_count()) as ex:
        res = list(ex.map(run, jobs))
    by = {(n, s): o for n, s, o in res}
    cols = [*KEYS, "imm_share_offices", "linked_orgs", "cost_mnok"]
    short = {"participation": "part", "volunteer": "vol", "office": "off", "bridging_ties": "bridg", "norwegian": "norw",
             "employment": "empl", "youth_participation": "youth", "children_participation": "child",
             "imm_share_offices": "imm%off", "linked_orgs": "linked", "cost_mnok": "MNOK"}
    print(f"immigrant background, month {a.months}, {a.persons} persons, {a.seeds} paired seeds: mean difference from baseline")
    print(f"{'':28}" + "".join(f"{short[c]:>9}" for c in cols))
    base = {c: np.mean([by['baseline', s][c] for s in range(1, a.seeds + 1)]) for c in cols}
    print(f"{'baseline (level)':28}" + "".join(f"{base[c]:9.3f}" for c in cols))
    for n in names[1:]:
        d = {c: np.array([by[n, s][c] - by['baseline', s][c] for s in range(1, a.seeds + 1)]) for c in cols}
        d["cost_mnok"] = np.array([by[n, s]["cost_mnok"] for s in range(1, a.seeds + 1)])
        print(f"{n:28}" + "".join(f"{d[c].mean():+9.3f}" for c in cols))


if __name__ == "__main__":
    main()
