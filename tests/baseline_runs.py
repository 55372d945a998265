"""Full runs of the shipped (calibrated) baseline for the tests that need them: each run's target
values (as in docs/VALIDATION.md) and its headline shares per recorded month. Runs go to worker
processes, several at once, and every test module that needs them shares one set."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from model.model import DugnadModel
from model.outputs import tables
from model.scenario import load_scenario
from model.validation.validate import process_context
from model.validation.targets import compute, load_targets

BASELINE = "scenarios/baseline.toml"
LEVELS = [("participation", "majority"), ("participation", "immigrant_background"),
          ("volunteer", "majority"), ("volunteer", "immigrant_background"),
          ("youth_participation", "majority"), ("norwegian", "immigrant"),
          ("employment", "immigrant_background")]


def full_run(persons: int, seed: int, months: int | None = None) -> tuple[dict, pd.DataFrame]:
    """(target values, headline shares per month) of one run: burn-in, then ``months`` recorded
    months (default: the baseline's)."""
    m = DugnadModel(load_scenario(BASELINE, {"population": {"persons": persons}}), seed=seed)
    m.run(months)
    ts = m.observer.table()
    shares = pd.DataFrame({f"{ind}:{grp}": ts[ts.group == grp].set_index("month")[ind] for ind, grp in LEVELS})
    return compute(tables(m), load_targets()), shares


def full_runs(jobs: list[tuple], workers: int = 2) -> dict[tuple, tuple[dict, pd.DataFrame]]:
    """``full_run`` for each (persons, seed[, months]), largest first so that the workers finish together."""
    order = sorted(jobs, key=lambda j: -j[0])
    with ProcessPoolExecutor(max_workers=workers, mp_context=process_context()) as ex:
        futures = {job: ex.submit(full_run, *job) for job in order}
        return {job: f.result() for job, f in futures.items()}
