"""Does the baseline stand still, and does its level depend on the population size?

    .venv/bin/python benchmarks/stationarity.py --persons 20000 --years 30 --seeds 3
    .venv/bin/python benchmarks/stationarity.py --sizes 5000,20000,100000 --years 0 --seeds 8,4,2
    .venv/bin/python benchmarks/stationarity.py --composition --persons 200000 --years 60 --seeds 2

Drift: headline indicators (mean over seeds) at month 0 and every five years after, with the
largest departure from month 0 (percentage points for shares, percent for counts), plus the
population's composition and each origin group's median residence against origin_groups.csv.
Size: the same indicators at month 0 for each size (density per neighbourhood kept, as
``--persons`` does). Composition: the demography alone (the skeleton the builder settles, no
behaviour), cheap enough for populations where small origin groups have hundreds of persons:
each group's median residence against origin_groups.csv every ten years. Prints markdown
tables; takes minutes to hours (20,000 persons × 30 years × 3 seeds ≈ 3 min on 2 cores;
200,000 persons × 60 years, demography only, under a minute).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from model.data_files import load_origin_groups
from model.model import DugnadModel
from model.population import settled_skeleton
from model.scenario import load_scenario
from model.state import IMMIGRANT

SHARES = [("participation", "majority"), ("participation", "immigrant_background"),
          ("volunteer", "majority"), ("volunteer", "immigrant_background"),
          ("office", "majority"), ("office", "immigrant_background"),
          ("informal_help", "majority"), ("informal_help", "immigrant_background"),
          ("youth_participation", "majority"), ("youth_participation", "immigrant_background"),
          ("children_participation", "majority"), ("children_participation", "immigrant_background"),
          ("norwegian", "immigrant"), ("employment", "majority"), ("employment", "immigrant_background")]
LEVELS = [("bonding_ties", "all"), ("bridging_ties", "all")]


def composition(model) -> dict[str, float]:
    p = model.people
    out = {f"share_{b}": float((p.background == i).mean()) for i, b in enumerate(("majority", "immigrant", "descendant"))}
    out["share_under_18"] = float((p.age < 18).mean())
    out["share_67_plus"] = float((p.age >= 67).mean())
    imm = p.background == IMMIGRANT
    for g in range(1, len(model.origins)):
        sel = imm & (p.origin == g)
        out[f"residence:{model.origins.at[g, 'group']}"] = float(np.median(p.years_in_norway[sel])) if sel.any() else np.nan
    return out


def run(scenario, seed: int, months: int, every: int) -> pd.DataFrame:
    m = DugnadModel(scenario, seed)
    rows = []
    for month in range(0, months + 1, every):
        if month:
            m.run(every)
        rows.append({"month": month, **composition(m)})
    ts = m.observer.table()
    wide = {f"{ind}:{grp}": ts[ts.group == grp].set_index("month")[ind] for ind, grp in SHARES + LEVELS}
    ind = pd.DataFrame(wide)
    comp = pd.DataFrame(rows).set_index("month")
    return comp.join(ind, how="left")


def drift(args) -> None:
    sc = load_scenario(args.scenario, {"population": {"persons": args.persons}})
    months = 12 * args.years
    runs = []
    for seed in range(1, int(args.seeds) + 1):
        t0 = time.perf_counter()
        runs.append(run(sc, seed, months, 60))
        print(f"seed {seed}: {time.perf_counter() - t0:.0f} s", flush=True)
    mean = sum(runs) / len(runs)
    print(f"\n## Drift: {args.persons:,} persons, {args.years} years, mean of {int(args.seeds)} seeds\n")
    print(mean.T.round(3).to_string())
    print("\nLargest departure from month 0 (shares: percentage points; ties: % of month 0):")
    for col in mean.columns:
        d = mean[col] - mean[col].iloc[0]
        if col.startswith(("bonding", "bridging")):
            d = 100 * d / mean[col].iloc[0]
        elif not col.startswith("residence"):
            d = 100 * d
        else:
            continue
        print(f"  {col:45s} {d.abs().max():6.2f}")


def sizes(args) -> None:
    out = {}
    ns = [int(x) for x in args.sizes.split(",")]
    seeds = [int(x) for x in str(args.seeds).split(",")]
    seeds = seeds * len(ns) if len(seeds) == 1 else seeds
    if len(seeds) != len(ns):
        raise SystemExit("--seeds: one number, or one per size")
    for n, k in zip(ns, seeds):
        sc = load_scenario(args.scenario, {"population": {"persons": n}})
        runs = pd.concat([run(sc, seed, 12 * args.years, 12 * args.years or 1).iloc[[-1]]
                          for seed in range(1, k + 1)])
        out[f"{n:,} mean"], out[f"{n:,} se"] = runs.mean(), runs.std() / np.sqrt(k)
        print(f"{n:,} persons done ({k} seeds)", flush=True)
    df = pd.DataFrame(out)
    print(f"\n## Size: month {12 * args.years}, mean and standard error over seeds ({', '.join(map(str, seeds))})\n")
    print(df.round(3).to_string())


def skeleton_medians(sc, seed: int, years: int) -> pd.DataFrame:
    origins = load_origin_groups(sc.population.origin_groups_file)
    demo, sk = settled_skeleton(sc, origins, np.random.default_rng(seed))
    rows = {}
    for year in range(years + 1):
        if year % 10 == 0:
            p = sk.people
            imm = p.background == IMMIGRANT
            rows[year] = {g: float(np.median(p.years_in_norway[imm & (p.origin == i)])) for i, g in enumerate(origins["group"]) if i}
        if year < years:
            for _ in range(12):
                demo.advance(sk, lambda: sk.n_households, 1 / 12)
    out = pd.DataFrame(rows)
    out.insert(0, "data", origins.set_index("group")["median_years_in_norway"].iloc[1:])
    return out


def composition_only(args) -> None:
    sc = load_scenario(args.scenario, {"population": {"persons": args.persons}})
    runs = [skeleton_medians(sc, seed, args.years) for seed in range(1, int(args.seeds) + 1)]
    mean = sum(runs) / len(runs)
    years = [c for c in mean.columns if c != "data"]
    print(f"\n## Median residence (years), demography only: {args.persons:,} persons, mean of {int(args.seeds)} seeds\n")
    print(mean.round(1).to_string())
    off = mean[years].div(mean["data"], axis=0) - 1
    print(f"\nLargest departure from the data value, all snapshots: {100 * off.abs().max().max():.0f}% "
          f"({off.abs().max(axis=1).idxmax()}); mean over snapshots per group within "
          f"{100 * off.mean(axis=1).abs().max():.0f}%")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", default="scenarios/baseline.toml")
    ap.add_argument("--persons", type=int, default=20000)
    ap.add_argument("--years", type=int, default=30)
    ap.add_argument("--seeds", default="3", help="seeds (with --sizes: one number, or one per size)")
    ap.add_argument("--sizes", default=None, help="comma-separated sizes: compare levels across sizes instead")
    ap.add_argument("--composition", action="store_true", help="median residence by origin group, demography only")
    args = ap.parse_args()
    if args.composition:
        composition_only(args)
    else:
        sizes(args) if args.sizes else drift(args)


if __name__ == "__main__":
    main()
