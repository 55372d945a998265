"""``dugnad sensitivity``: global sensitivity analysis of the free parameters with SALib.

Morris elementary-effects screening by default (Morris 1991; Campolongo et al. 2007: ``mu_star``
ranks influence, ``sigma`` flags non-linearity and interactions); Sobol indices on request (Saltelli
2002: first-order ``S1`` and total ``ST``). Parameters and ranges default to the free parameters of
``model/data/calibration.toml``. Each sample point is run with ``seeds`` seeds through the sweep
machinery (Dask, resumable store) and the model output is the seed-averaged indicator at the last
month for one group.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from model.experiments.definition import RunSpec, run_specs_for
from model.experiments.store import Store


def point_specs(scenario: str, points: list[dict], seeds: list[int], months: int | None, persons: int | None,
                burn_in: int | None = None) -> list[list[RunSpec]]:
    """RunSpecs per point (a list of seeds each), every point checked by the scenario loader."""
    return [run_specs_for(scenario, point, seeds, months, persons, burn_in) for point in points]


def sensitivity(scenario: str, out: Path, method: str = "morris", n: int = 6, seeds: int = 2,
                persons: int | None = 2000, months: int | None = 60, indicators: list[str] | None = None,
                group: str = "immigrant_background", params: dict[str, tuple[float, float]] | None = None,
                workers: int | None = None, scheduler: str | None = None, progress: bool = True,
                burn_in: int | None = None) -> pd.DataFrame:
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    from model.experiments.sweep import run_specs
    from model.validation.calibrate import load_spec

    if params is None:
        params = load_spec()[1]
    indicators = indicators or ["participation", "volunteer", "bridging_ties", "youth_participation"]
    problem = {"num_vars": len(params), "names": list(params), "bounds": [list(b) for b in params.values()]}
    if method == "morris":
        X = morris_sample.sample(problem, N=n, num_levels=4, seed=1)
    elif method == "sobol":
        X = sobol_sample.sample(problem, n, calc_second_order=False, seed=1)
    else:
        raise ValueError(f"method must be morris or sobol (got {method!r})")
    points = [dict(zip(problem["names"], map(float, row))) for row in X]
    grouped = point_specs(scenario, points, list(range(1, seeds + 1)), months, persons, burn_in)
    out = Path(out)
    store = Store(out / "store")
    run_specs([s for g in grouped for s in g], store, workers, scheduler, indicators, [group], progress,
              desc=f"sensitivity ({method})")
    ts = store.load("timeseries")
    last = ts[(ts["group"] == group) & ts["indicator"].isin(indicators)]
    last = last[last["month"] == last.groupby("run_id")["month"].transform("max")]
    value = last.set_index(["run_id", "indicator"])["value"]
    rows = []
    for ind in indicators:
        Y = np.array([np.nanmean([value.get((s.run_id, ind), np.nan) for s in g]) for g in grouped])
        ok = ~np.isnan(Y)
        if not ok.all():  # failed runs: SALib needs complete designs; fill with the mean and say so
            Y[~ok] = np.nanmean(Y)
        if method == "morris":
            res = morris_analyze.analyze(problem, X, Y, num_levels=4, seed=1)
            for i, name in enumerate(problem["names"]):
                rows.append({"indicator": ind, "parameter": name, "mu_star": res["mu_star"][i],
                             "mu_star_conf": res["mu_star_conf"][i], "sigma": res["sigma"][i], "missing_runs": int((~ok).sum())})
        else:
            res = sobol_analyze.analyze(problem, Y, calc_second_order=False, seed=1)
            for i, name in enumerate(problem["names"]):
                rows.append({"indicator": ind, "parameter": name, "S1": res["S1"][i], "S1_conf": res["S1_conf"][i],
                             "ST": res["ST"][i], "ST_conf": res["ST_conf"][i], "missing_runs": int((~ok).sum())})
    df = pd.DataFrame(rows)
    key = "mu_star" if method == "morris" else "ST"
    df["rank"] = df.groupby("indicator")[key].rank(ascending=False, method="first").astype(int)
    df = df.sort_values(["indicator", "rank"], ignore_index=True)
    df.to_csv(out / f"sensitivity_{method}.csv", index=False)
    plot(df, method, out / f"sensitivity_{method}.png", group)
    return df


def plot(df: pd.DataFrame, method: str, path: Path, group: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    key, err = ("mu_star", "mu_star_conf") if method == "morris" else ("ST", "ST_conf")
    inds = list(dict.fromkeys(df["indicator"]))
    fig, axes = plt.subplots(1, len(inds), figsize=(4.2 * len(inds), 0.32 * df["parameter"].nunique() + 1.8), sharey=True)
    axes = np.atleast_1d(axes)
    names = sorted(df["parameter"].unique())
    for ax, ind in zip(axes, inds):
        d = df[df["indicator"] == ind].set_index("parameter").reindex(names)
        ax.barh(range(len(names)), d[key], xerr=d[err], color="#4a7ab5", alpha=0.8)
        ax.set_title(f"{ind} ({group.replace('_', ' ')})", fontsize=9)
        ax.set_xlabel(key)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(range(len(names)))
    axes[0].set_yticklabels(names, fontsize=7)
    fig.suptitle(f"Global sensitivity ({method})", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def ranking_text(df: pd.DataFrame, method: str, top: int = 5) -> str:
    key = "mu_star" if method == "morris" else "ST"
    lines = []
    for ind, g in df.groupby("indicator", sort=False):
        lines.append(f"{ind}: " + ", ".join(f"{r.parameter} ({getattr(r, key):.3f})" for r in g.head(top).itertuples()))
    return "\n".join(lines)
