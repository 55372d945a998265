"""How long building the population takes, and its peak memory, at a given size.

    /usr/bin/time -v .venv/bin/python benchmarks/build_population.py --persons 700000

Builds the world only (skeleton, spin-up, places, traits, workplaces, organisations, boards,
initial ties: ``model.population.build_world``) and the model around it without the burn-in, and
prints the seconds for each; the peak memory is /usr/bin/time's "Maximum resident set size".
Report the median of several runs on an idle machine.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from model.model import DugnadModel
from model.population import build_world
from model.scenario import load_scenario


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=700_000)
    ap.add_argument("--scenario", default="scenarios/baseline.toml")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    sc = load_scenario(args.scenario, {"population": {"persons": args.persons}})
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        w = build_world(sc, np.random.default_rng(1))
        t1 = time.perf_counter()
        DugnadModel(sc, seed=1, burn_in=False)
        t2 = time.perf_counter()
        print(f"{len(w.people):,} persons, {len(w.orgs):,} organisations: build_world {t1 - t0:.1f} s; "
              f"model set-up without burn-in {t2 - t1:.1f} s", flush=True)


if __name__ == "__main__":
    main()
