"""``dugnad validate``: run a scenario over many seeds and compare the model with every target.

For each seed the scenario runs in full (burn-in, then its months) in a worker process; each
target's statistic is computed from that run's tables (:mod:`model.validation.targets`). The table
gives, per target: the observed pattern, the model mean, the 90% interval across seeds (5th–95th
percentile) and whether the mean is within the target. Determinant signs are checked with a
logistic regression (statsmodels) on the pooled persons tables of all seeds, with 90% confidence
intervals.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from model.outputs import check_run_folder, git_revision, replace_folder, versions
from model.safe_io import clean_stale, fsync_tree, temp_name
from model.validation.targets import REGRESSORS, TARGETS_FILE, load_targets, logit, missing, regression_frame

COEF_NAMES = {"female": "woman", "age10": "age (per 10 years)", "low_education": "low education",
              "norwegian": "Norwegian skill (0–1)", "employed": "in paid work", "religious": "religiously active"}


def run_one(scenario: str, overrides: dict, seed: int, targets_file: str) -> tuple[int, dict, pd.DataFrame]:
    """One full run; returns (seed, target values, regression frame). Runs in a worker process."""
    from model.model import DugnadModel
    from model.outputs import tables
    from model.scenario import load_scenario
    from model.validation.targets import compute

    sc = load_scenario(scenario, overrides)
    m = DugnadModel(sc, seed=seed)
    m.run()
    tabs = tables(m)
    return seed, compute(tabs, load_targets(targets_file)), regression_frame(tabs["persons"])


def process_context():
    """Worker processes start by forkserver where available (fork from a multi-threaded parent can
    deadlock), else spawn."""
    import multiprocessing as mp
    return mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")


def run_seeds(scenario: str, overrides: dict, seeds: list[int], workers: int, targets_file: str = str(TARGETS_FILE),
              progress: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(values: one row per seed and a column per target, pooled regression frame)."""
    from tqdm import tqdm

    rows, frames = {}, []
    with ProcessPoolExecutor(max_workers=workers, mp_context=process_context()) as ex, \
            tqdm(total=len(seeds), desc="validate", unit="run", disable=not progress, file=sys.stderr) as bar:
        futs = [ex.submit(run_one, scenario, overrides, s, targets_file) for s in seeds]
        for f in as_completed(futs):
            seed, values, frame = f.result()
            rows[seed] = values
            frames.append(frame.assign(seed=seed))
            bar.update(1)
    values = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    values.index.name = "seed"
    pooled = pd.concat(frames, ignore_index=True).sort_values(["seed"], kind="stable")
    return values, pooled


def summarise(values: pd.DataFrame, targets_file: str | Path = TARGETS_FILE) -> pd.DataFrame:
    out = []
    for t in load_targets(targets_file):
        x = values[t.id].to_numpy(float)
        x = x[~np.isnan(x)]
        mean = float(x.mean()) if len(x) else float("nan")
        lo, hi = (np.percentile(x, [5, 95]) if len(x) else (float("nan"), float("nan")))
        share_ok = float(np.mean([t.ok(v) for v in x])) if len(x) else 0.0
        out.append({"target": t.id, "level": t.level, "role": t.role, "pattern": t.pattern, "observed": t.describe(),
                    "model_mean": mean, "model_p05": float(lo), "model_p95": float(hi),
                    "within": bool(t.ok(mean)), "seeds_within": share_ok, "source": t.source,
                    **_judging(t)})
    return pd.DataFrame(out)


JUDGING = ("kind", "value", "tolerance", "statistic", "evidence", "built_in")


def _judging(t) -> dict:
    """What :func:`reproduced` needs of a target, kept in the summary so that a summary is judged
    by the targets file it came from."""
    return {"kind": t.kind, "value": t.value, "tolerance": t.tolerance, "statistic": t.statistic,
            "evidence": ("emergent" if t.emergent else "built in") if t.role == "validation" else "",
            "built_in": t.built_in}


def complete(summary: pd.DataFrame, targets_file: str | Path = TARGETS_FILE) -> pd.DataFrame:
    """A summary with the columns of :data:`JUDGING`: as written, or — for a summary written before
    they existed — from the targets file."""
    if all(c in summary for c in JUDGING):
        out = summary.copy()
        out["evidence"] = out["evidence"].fillna("")
        out["built_in"] = out["built_in"].fillna("")
        return out
    by_id = {t.id: t for t in load_targets(targets_file)}
    rows = [_judging(by_id[i]) for i in summary["target"]]
    return summary.drop(columns=[c for c in JUDGING if c in summary]).assign(**pd.DataFrame(rows, index=summary.index))


def reproduced(summary: pd.DataFrame, det: pd.DataFrame) -> pd.Series:
    """Per target (summary's order): within tolerance; for a determinant's sign also clear of zero
    — the pooled regression's 90% interval on the expected side (a coefficient whose interval
    straddles zero has no sign to speak of, whatever its point estimate); for a "more than" or
    "less than" pattern with no tolerance, strictly beyond its bound."""
    from model.validation.targets import coefficient_of

    summary = complete(summary)
    ci = det.set_index(["outcome", "regressor"])
    out = []
    for r in summary.itertuples():
        ok = bool(r.within)
        where = coefficient_of(r.statistic) if r.kind == "sign" else None
        if ok and where is not None and where in ci.index:
            lo, hi = ci.loc[where, "ci90_lo"], ci.loc[where, "ci90_hi"]
            ok = bool(lo > 0) if r.value > 0 else bool(hi < 0)
        if ok and r.kind in ("min", "max") and r.tolerance == 0:
            ok = bool(r.model_mean > r.value) if r.kind == "min" else bool(r.model_mean < r.value)
        out.append(ok)
    return pd.Series(out, index=summary.index, name="reproduced")


def determinants(pooled: pd.DataFrame) -> pd.DataFrame:
    """Pooled logistic regressions (volunteer; secular volunteering) with 90% intervals."""
    rows = []
    for outcome in ("volunteer", "volunteer_secular"):
        fit = logit(pooled, outcome)
        for name in REGRESSORS:
            c = fit.loc[name]
            rows.append({"outcome": outcome, "regressor": name, "label": COEF_NAMES[name], "coef": c["coef"],
                         "ci90_lo": c["lo"], "ci90_hi": c["hi"]})
    return pd.DataFrame(rows)


def _fmt(x: float, digits: int = 3) -> str:
    return "–" if missing(x) else f"{x:.{digits}f}"


def text_table(summary: pd.DataFrame, det: pd.DataFrame | None = None) -> str:
    """The targets for the terminal; with ``det``, a sign whose interval includes 0 reads "NO (0)"
    and validation patterns say whether they are emergent or built in."""
    summary = complete(summary)
    ok = reproduced(summary, det) if det is not None else summary["within"]
    w = max(len(s) for s in summary["target"]) + 2
    lines = [f"{'target':{w}}{'role':>12}{'evidence':>10}{'observed':>14}{'model':>9}{'90% interval':>18}{'within':>9}"]
    for r, good in zip(summary.itertuples(), ok, strict=True):
        interval = f"{_fmt(r.model_p05)}–{_fmt(r.model_p95)}"
        mark = "yes" if good else ("NO (0)" if r.within else "NO")
        lines.append(f"{r.target:{w}}{r.role:>12}{r.evidence:>10}{r.observed:>14}"
                     f"{_fmt(r.model_mean):>9}{interval:>18}{mark:>9}")
    return "\n".join(lines)


def markdown_table(summary: pd.DataFrame, det: pd.DataFrame | None = None) -> str:
    """The targets as a table; with the pooled determinants ``det``, validation patterns carry
    their evidence (emergent / built in) and a sign counts only clear of zero (:func:`reproduced`)."""
    summary = complete(summary)
    ok = reproduced(summary, det) if det is not None else summary["within"]
    lines = ["| target | level | role | evidence | observed | model mean | 90% interval across seeds | within | source |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r, good in zip(summary.itertuples(), ok, strict=True):
        mark = "yes" if good else ("**no** (interval includes 0)" if r.within else "**no**")
        evidence = r.evidence
        lines.append(f"| {r.pattern} (`{r.target}`) | {r.level} | {r.role} | {evidence} | {r.observed} | "
                     f"{_fmt(r.model_mean)} | {_fmt(r.model_p05)}–{_fmt(r.model_p95)} | {mark} | {r.source} |")
    return "\n".join(lines)


def markdown_determinants(det: pd.DataFrame) -> str:
    lines = ["| outcome | regressor | coefficient | 90% CI | expected sign (SSB) |", "|---|---|---|---|---|"]
    expected = {"female": "−", "age10": "−", "low_education": "−", "norwegian": "+ (strongest)", "employed": "+",
                "religious": "+"}
    for r in det.itertuples():
        if r.outcome == "volunteer_secular" and r.regressor != "religious":
            continue
        lines.append(f"| {r.outcome} | {r.label} | {_fmt(r.coef, 2)} | {_fmt(r.ci90_lo, 2)} to {_fmt(r.ci90_hi, 2)} | "
                     f"{expected[r.regressor]} |")
    return "\n".join(lines)


def figure(summary: pd.DataFrame, targets_file: str | Path, path: Path, title: str) -> None:
    """Model 90% intervals (bars) and means (dots) against each target (value ± tolerance, or bound)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tg = {t.id: t for t in load_targets(targets_file)}
    rows = summary[~summary["target"].str.startswith("determinant_")].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(9, 0.38 * len(rows) + 1.5))
    for i, r in rows.iterrows():
        t = tg[r.target]
        y = len(rows) - 1 - i
        if t.kind == "value":
            ax.fill_betweenx([y - 0.3, y + 0.3], t.value - t.tolerance, t.value + t.tolerance, color="#cfe8cf")
            ax.plot([t.value, t.value], [y - 0.3, y + 0.3], color="green", lw=2)
        else:
            bound = t.value + (t.tolerance if t.kind == "max" else -t.tolerance)
            ax.plot([bound, bound], [y - 0.3, y + 0.3], color="green", lw=2, ls="--")
            ax.annotate("≤" if t.kind == "max" else "≥", (bound, y + 0.32), color="green", ha="center", fontsize=8)
        color = "#1f4e9c" if r.within else "#c0392b"
        ax.plot([r.model_p05, r.model_p95], [y, y], color=color, lw=3, alpha=0.6)
        ax.plot([r.model_mean], [y], "o", color=color)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"{r.target} ({r.role})" for r in rows.iloc[::-1].itertuples()], fontsize=8)
    ax.set_xlabel("share / ratio / difference")
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    from matplotlib.lines import Line2D
    ax.legend(handles=[Line2D([], [], color="green", lw=6, alpha=0.4, label="target ± tolerance"),
                       Line2D([], [], color="#1f4e9c", marker="o", lw=3, label="model mean, 90% interval (within)"),
                       Line2D([], [], color="#c0392b", marker="o", lw=3, label="model (outside)")],
              loc="lower right", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


VALIDATION_FILES = frozenset({"validation.csv", "validation.md", "validation.png", "determinants.csv", "per_seed.csv",
                              "manifest.json"})


def validate(scenario: str, seeds: int, persons: int | None, months: int | None, workers: int | None,
             out: Path, targets_file: str = str(TARGETS_FILE), progress: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run and write ``validation.csv``, ``validation.md``, ``validation.png``, ``determinants.csv``,
    ``per_seed.csv`` and ``manifest.json`` into ``out`` (atomically: a temporary folder swapped into
    place). An existing ``out`` is replaced only if it is a validation folder (checked first)."""
    out = check_run_folder(out, force=True, own_files=VALIDATION_FILES)
    overrides: dict = {}
    if persons is not None:
        overrides["population"] = {"persons": persons}
    if months is not None:
        overrides["months"] = months
    workers = workers or max(1, min(seeds, os.cpu_count() or 1))
    values, pooled = run_seeds(scenario, overrides, list(range(1, seeds + 1)), workers, targets_file, progress)
    summary = summarise(values, targets_file)
    det = determinants(pooled)
    clean_stale(out)
    tmp = temp_name(out)
    tmp.mkdir()
    try:
        summary.assign(reproduced=reproduced(summary, det)).to_csv(tmp / "validation.csv", index=False)
        det.to_csv(tmp / "determinants.csv", index=False)
        values.to_csv(tmp / "per_seed.csv")
        title = f"{Path(scenario).name}: {seeds} seeds" + (f", {persons} persons" if persons else "")
        figure(summary, targets_file, tmp / "validation.png", title)
        (tmp / "validation.md").write_text(
            f"# Validation: {Path(scenario).name}, {seeds} seeds\n\n{markdown_table(summary, det)}\n\n"
            f"## Determinants of immigrants' volunteering (pooled logistic regression)\n\n{markdown_determinants(det)}\n",
            encoding="utf-8")
        (tmp / "manifest.json").write_text(json.dumps(_manifest(scenario, seeds, persons, months, targets_file), indent=2) + "\n",
                                           encoding="utf-8")
        fsync_tree(tmp)
        replace_folder(out, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary, det


def _manifest(scenario: str, seeds: int, persons: int | None, months: int | None, targets_file: str) -> dict:
    return {"dugnad_manifest": 1, "kind": "validation", "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "scenario_file": str(scenario), "seeds": seeds, "persons": persons, "months": months,
            "targets_file": str(targets_file), "versions": versions(), "git": git_revision(), "command": sys.argv}
