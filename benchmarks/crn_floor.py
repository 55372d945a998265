"""How far common random numbers could still narrow a paired comparison: the persons an
intervention moves, seed by seed, against the spread of its paired effect.

    .venv/bin/python benchmarks/crn_floor.py [--seeds 16] [--persons 3000] [--months 60] [--workers 2] [--shared-start]

For the two effects of issue 12 (leisure card with outreach → immigrant-background youth 13–19 in
an activity; open recruitment → immigrant-background adults in an activity) each seed is burnt in
once and branched into the baseline and the scenario (as ``dugnad compare`` does); at the last month
the same persons (by key) are compared in the two runs: *up* = in an activity only in the scenario,
*down* = only in the baseline.

Why this bounds what pairing can do: with perfect common random numbers the two runs are identical
for everyone the measure does not move, and the effect is (up − down) / n. Which persons the measure
moves is itself random — a youth whose family got the card joins if her draw falls between her chance
without and with it — so even then the count of movers varies between seeds like a sum of
independent yes/no draws, with a variance of about its mean. The printed *floor* is that standard
deviation, sqrt(mean(up + down)) / n, and *floor (up only)* the same from the movers in the effect's
direction alone; the observed standard deviation of the paired effect cannot fall below the floor
however the random numbers are keyed, only with more persons (n) or more seeds. *down* near zero
means the pairing leaves little noise: the runs part only where the measure acts.

With ``--shared-start`` each scenario is also run paired as it was before common random numbers
(sharing the burnt-in population and nothing after it: the scenario draws from the streams of
another seed from month 0), and the table adds that standard deviation, how much narrower common
random numbers make the effect (*narrower by*) and how much narrower any pairing could make it
(*at most* = that standard deviation over the floor).
"""

from __future__ import annotations

import argparse
import pickle
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

EFFECTS = {"leisure_card_outreach": ("scenarios/leisure_card_outreach.toml", "youth", "leisure card with outreach → youth 13–19"),
           "open_recruitment": ("scenarios/open_recruitment.toml", "adults", "open recruitment → adults in an activity")}


def in_group(model, who: str) -> dict[int, bool]:
    """Key → in an activity, for immigrant-background persons of the indicator's ages
    (``model.indicators.snapshot``: youth 13–19, adults 18+)."""
    from model.state import MAJORITY

    p = model.people
    ages = (p.age >= 13) & (p.age < 20) if who == "youth" else p.age >= 18
    sel = (p.background != MAJORITY) & ages
    return dict(zip(p.key[sel].tolist(), (p.mem_role[sel] > 0).any(axis=1).tolist()))


UNPAIRED_SEED_OFFSET = 1_000_003


def one_seed(effect: str, seed: int, persons: int, months: int, shared_start: bool = False) -> dict:
    from model.checkpoint import start_scenario
    from model.model import DugnadModel
    from model.scenario import load_scenario

    scenario_file, who, _ = EFFECTS[effect]
    over = {"population": {"persons": persons}, "months": months}
    base_sc, sc = load_scenario("scenarios/baseline.toml", over), load_scenario(scenario_file, over)
    state = pickle.dumps(DugnadModel(base_sc, seed))
    base, scen = pickle.loads(state), pickle.loads(state)
    start_scenario(base, base_sc)
    start_scenario(scen, sc)
    base.run(months)
    scen.run(months)
    a, b = in_group(base, who), in_group(scen, who)
    common = a.keys() & b.keys()
    out = {"effect": effect, "seed": seed, "n": len(a), "n_common": len(common),
           "paired_effect": np.mean(list(b.values())) - np.mean(list(a.values())),
           "up": sum(b[k] and not a[k] for k in common), "down": sum(a[k] and not b[k] for k in common)}
    if shared_start:
        # paired as before common random numbers: the scenario shares the burnt-in population and
        # nothing after it (its own draws from month 0)
        from model.streams import Streams

        alone = pickle.loads(state)
        start_scenario(alone, sc)
        alone.streams = Streams(seed + UNPAIRED_SEED_OFFSET)
        alone.month = alone.month  # the new streams draw for the current month
        alone.run(months)
        out["start_only_effect"] = np.mean(list(in_group(alone, who).values())) - np.mean(list(a.values()))
    return out


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for effect, r in runs.groupby("effect", sort=False):
        n2 = (r["n"] ** 2).mean()
        sign = np.sign(r["paired_effect"].mean()) or 1.0
        forward = r["up"] if sign > 0 else r["down"]
        rows.append({"effect": EFFECTS[effect][2], "seeds": len(r), "n (mean)": r["n"].mean(),
                     "mean effect": r["paired_effect"].mean(), "sd of effect": r["paired_effect"].std(),
                     "up (mean)": r["up"].mean(), "down (mean)": r["down"].mean(),
                     "floor": np.sqrt((r["up"] + r["down"]).mean() / n2),
                     "floor (up only)": np.sqrt(forward.mean() / n2)})
        if "start_only_effect" in r:
            rows[-1]["sd, start shared only"] = r["start_only_effect"].std()
    out = pd.DataFrame(rows).set_index("effect")
    out["sd / floor"] = out["sd of effect"] / out["floor"]
    if "sd, start shared only" in out:
        out["narrower by"] = out["sd, start shared only"] / out["sd of effect"]
        out["at most"] = out["sd, start shared only"] / out["floor"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=16)
    ap.add_argument("--persons", type=int, default=3000)
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shared-start", action="store_true",
                    help="also run each scenario paired as before common random numbers (sharing only the "
                         "burnt-in population) and print how much narrower pairing makes the effect, and at most could")
    a = ap.parse_args()
    t0 = time.perf_counter()
    jobs = [(e, s) for e in EFFECTS for s in range(1, a.seeds + 1)]
    with ProcessPoolExecutor(max_workers=a.workers) as ex:
        futures = [ex.submit(one_seed, e, s, a.persons, a.months, a.shared_start) for e, s in jobs]
        runs = pd.DataFrame([f.result() for f in futures])
    print(f"{a.persons} persons, month {a.months}, seeds 1..{a.seeds}, {time.perf_counter() - t0:.0f} s wall "
          f"({a.workers} workers)\n")
    pd.set_option("display.width", 200)
    print(summarise(runs).round(4).to_string())


if __name__ == "__main__":
    main()
