"""Does the baseline stand still, and does its level depend on the population size?

    .venv/bin/python benchmarks/stationarity.py --persons 20000 --years 30 --seeds 3
    .venv/bin/python benchmarks/stationarity.py --sizes 5000,20000,100000 --years 0 --seeds 8,4,2
    .venv/bin/python benchmarks/stationarity.py --sizes 5000,20000,100000 --years 0 --window 24 --seeds 24,6,6
    .venv/bin/python benchmarks/stationarity.py --composition --persons 200000 --years 60 --seeds 2

Drift: headline indicators (mean over seeds) at month 0 and every five years after, plus the
population's composition and each origin group's median residence against origin_groups.csv; then
each indicator's mean over every recorded year, the largest departure of a later year from year 1
(percentage points for shares, percent for ties) and its standard error over seeds, so that a
departure can be told from seed noise (groups of a few hundred youths move by points).
Size: the same indicators for each size at month 12·``--years`` and as the mean of the ``--window``
months from there (default 12; density per neighbourhood kept, as ``--persons`` does). Composition: the
demography alone (the skeleton the builder settles, no behaviour), cheap enough for populations
where small origin groups have hundreds of persons: each group's median residence against
origin_groups.csv every ten years. Prints markdown
tables; takes minutes to hours (20,000 persons × 30 years × 4 seeds ≈ 8 min with 2 worker
processes; 200,000 persons × 60 years, demography only, under a minute).
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

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
    snapshots = sorted(set(range(0, months + 1, every)) | {months})
    for before, month in zip([0] + snapshots, snapshots):
        m.run(month - before)
        rows.append({"month": month, **composition(m)})
    ts = m.observer.table()
    wide = {f"{ind}:{grp}": ts[ts.group == grp].set_index("month")[ind] for ind, grp in SHARES + LEVELS}
    ind = pd.DataFrame(wide)
    comp = pd.DataFrame(rows).set_index("month")
    # every recorded month (composition only at the snapshots): the yearly means need them all
    return comp.join(ind, how="outer")


def yearly(run_table: pd.DataFrame, years: int) -> pd.DataFrame:
    """The headline indicators' mean over each recorded year (year 1: months 0–11, …): a single
    month of a group of a few hundred persons moves by points from month to month."""
    ind = run_table[[f"{i}:{g}" for i, g in SHARES + LEVELS]]
    year = np.minimum(ind.index // 12, years - 1) + 1
    return ind.groupby(year).mean()


def departures(runs: list[pd.DataFrame], years: int) -> pd.DataFrame:
    """Per indicator: the mean over seeds of each later year minus year 1 (points for shares, % of
    year 1 for ties); the largest of these, and its standard error over seeds."""
    ys = [yearly(r, years) for r in runs]
    rows = {}
    for col in ys[0].columns:
        per_seed = pd.DataFrame({i: y[col] - y[col].iloc[0] for i, y in enumerate(ys)})
        first = np.mean([y[col].iloc[0] for y in ys])
        scale = 100 / first if col.startswith(("bonding", "bridging")) else 100
        mean, se = per_seed.mean(axis=1) * scale, per_seed.std(axis=1) * scale / np.sqrt(len(ys))
        worst = mean.abs().idxmax()
        rows[col] = {"year 1": first, f"year {years}": np.mean([y[col].iloc[-1] for y in ys]),
                     "largest departure": mean[worst], "in year": worst, "se": se[worst],
                     "departure / se": abs(mean[worst]) / se[worst] if se[worst] > 0 else np.nan}
    out = pd.DataFrame(rows).T
    out["in year"] = out["in year"].astype(int)
    return out


def drift(args) -> None:
    sc = load_scenario(args.scenario, {"population": {"persons": args.persons}})
    months = 12 * args.years
    seeds = list(range(args.first_seed, args.first_seed + int(args.seeds)))
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as ex:
        runs = list(ex.map(run, [sc] * len(seeds), seeds, [months] * len(seeds), [60] * len(seeds)))
    print(f"{len(seeds)} seeds in {time.perf_counter() - t0:.0f} s ({args.workers} worker processes)", flush=True)
    mean = sum(runs) / len(runs)
    print(f"\n## Drift: {args.persons:,} persons, {args.years} years, mean of {len(seeds)} seeds\n")
    print(mean.loc[range(0, months + 1, 60)].T.round(3).to_string())
    print("\nLargest departure from month 0, composition (shares: percentage points):")
    for col in mean.columns:
        if col.startswith("share_"):
            print(f"  {col:45s} {100 * (mean[col] - mean[col].iloc[0]).abs().max():6.2f}")
    if args.years >= 2:
        print(f"\nHeadline indicators by recorded year (12-month means): largest departure of a later year from "
              f"year 1 (shares: percentage points; ties: % of year 1), mean over seeds, with its standard error "
              f"over seeds\n")
        print(departures(runs, args.years).round(3).to_string())


def sizes(args) -> None:
    out = {}
    ns = [int(x) for x in args.sizes.split(",")]
    seeds = [int(x) for x in str(args.seeds).split(",")]
    seeds = seeds * len(ns) if len(seeds) == 1 else seeds
    if len(seeds) != len(ns):
        raise SystemExit("--seeds: one number, or one per size")
    start = 12 * args.years
    months = start + args.window - 1  # single months of small groups move by points: average a window
    first = args.first_seed
    jobs = [(n, seed) for n, k in zip(ns, seeds) for seed in range(first, first + k)]
    jobs.sort(key=lambda j: -j[0])  # largest first, so that the workers finish together
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as ex:
        futures = {(n, seed): ex.submit(run, load_scenario(args.scenario, {"population": {"persons": n}}), seed,
                                        months, months) for n, seed in jobs}
        done = {job: f.result() for job, f in futures.items()}
    print(f"{len(jobs)} runs in {time.perf_counter() - t0:.0f} s ({args.workers} worker processes)", flush=True)
    indicators = [f"{i}:{g}" for i, g in SHARES + LEVELS]
    for title, pick in ((f"month {start}", lambda r: r.loc[[start]]),
                        (f"mean of months {start}–{months} (headline indicators)", lambda r: r.loc[start:months, indicators].mean().to_frame().T)):
        out = {}
        for n, k in zip(ns, seeds):
            runs = pd.concat([pick(done[(n, seed)]) for seed in range(first, first + k)])
            out[f"{n:,} mean"], out[f"{n:,} se"] = runs.mean(), runs.std() / np.sqrt(k)
        print(f"\n## Size: {title}, mean and standard error over seeds ({', '.join(map(str, seeds))} seeds from {first})\n")
        print(pd.DataFrame(out).round(3).to_string())


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
    ap.add_argument("--first-seed", type=int, default=1,
                    help="seeds are first-seed, first-seed+1, ...: runs with the same seed share their demographic "
                         "history whatever the behavioural parameters (common random numbers), so two tables with "
                         "the same seeds are not independent evidence")
    ap.add_argument("--sizes", default=None, help="comma-separated sizes: compare levels across sizes instead")
    ap.add_argument("--composition", action="store_true", help="median residence by origin group, demography only")
    ap.add_argument("--workers", type=int, default=2, help="processes running seeds at once")
    ap.add_argument("--window", type=int, default=12, help="with --sizes: months averaged from the start of year --years")
    args = ap.parse_args()
    if args.window < 1:
        ap.error("--window: at least 1 month")
    if args.composition:
        composition_only(args)
    else:
        sizes(args) if args.sizes else drift(args)


if __name__ == "__main__":
    main()
