"""Parameter uncertainty for ``dugnad compare --posterior N``.

The calibration (``dugnad calibrate``, ABC-SMC) ends with a generation of parameter sets whose runs
came within its distance threshold of the targets; resampled by weight, they are its accepted
samples, stored in ``model/data/calibration_summary.json``.
They stand for the parameter values the data cannot tell apart. ``compare --posterior N`` runs N of
them (each once, with a seed of its own, the same for every scenario: paired), so each effect is
measured under N plausible parameter sets; the spread of those N effects holds parameter and seed
uncertainty together. With N above the number of accepted samples, samples repeat with new seeds.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from model.errors import DugnadError

SUMMARY = Path(__file__).resolve().parents[1] / "data" / "calibration_summary.json"
FIRST_SEED = 1_000_001  # far from the seed runs' 1..N, so the two kinds of run never share a seed


def accepted_samples(path: Path = SUMMARY) -> list[dict[str, float]]:
    """The calibration's accepted parameter sets (``accepted_samples`` of its summary), each with the
    values the calibration held fixed ([fixed] in model/data/calibration.toml), so that the held ones
    show as held (:func:`held_words`)."""
    try:
        summary = json.loads(Path(path).read_text(encoding="utf-8"))
        samples, fixed = summary.get("accepted_samples"), summary.get("settings", {}).get("fixed", {})
    except (OSError, ValueError) as e:
        raise DugnadError(f"{path}: cannot read the calibration summary ({e}); rerun `dugnad calibrate`") from None
    if not samples:
        raise DugnadError(f"{path}: field accepted_samples is missing or empty; --posterior needs the accepted "
                          "samples of a calibration (rerun `dugnad calibrate --write model/data/calibrated.toml`)")
    return [{**fixed, **s["parameters"]} for s in samples]


def distinct_sets(path: Path = SUMMARY) -> tuple[int, int]:
    """(distinct parameter sets, accepted samples): resampling by weight repeats the sets the weights
    pile onto, and a posterior of a few distinct sets does not stand for the parameters' uncertainty
    (docs/ODD.md §7.15)."""
    samples = accepted_samples(path)
    return len({tuple(sorted(s.items())) for s in samples}), len(samples)


def varied_parameters(samples: list[dict[str, float]]) -> list[str]:
    """The parameters whose values differ between the samples (by more than a relative 1e-4). A
    calibration holds a parameter by giving it a range that narrow (the shipped fit's second stage
    held 14 of 15, docs/ODD.md §7.15): its posterior then says nothing of the held ones' uncertainty."""
    names = sorted({k for s in samples for k in s})
    out = []
    for k in names:
        v = np.array([s.get(k, np.nan) for s in samples], float)
        if np.nanmax(v) - np.nanmin(v) > 1e-4 * max(np.nanmax(np.abs(v)), 1e-12):
            out.append(k)
    return out


def held_words(samples: list[dict[str, float]]) -> str:
    """'' when every parameter varies, else a clause saying which vary and how many were held."""
    names = {k for s in samples for k in s}
    varied = varied_parameters(samples)
    if len(varied) == len(names):
        return ""
    return (f"; it varies only {', '.join(varied) or 'none'} — {len(names) - len(varied)} of {len(names)} "
            "parameters were held at one value in the calibration, so their uncertainty is not in it")


def draws(n: int, path: Path = SUMMARY) -> list[tuple[int, dict[str, float]]]:
    """``n`` (seed, parameter set) pairs: the accepted samples in a fixed shuffled order, cycled."""
    samples = accepted_samples(path)
    order = np.random.default_rng(0).permutation(len(samples))
    return [(FIRST_SEED + j, samples[int(order[j % len(samples)])]) for j in range(n)]


def is_posterior(runs: pd.DataFrame) -> pd.Series:
    """Which runs of a store are posterior draws: those with a seed from ``FIRST_SEED`` on (a
    sweep's parameter points are not: they keep their seeds 1..N)."""
    return runs["seed"].astype("int64") >= FIRST_SEED


def effects(values: pd.DataFrame, base: str, keys: list[str], level: float = 0.90) -> pd.DataFrame:
    """values: columns scenario, seed (one per draw), *keys, value → per (scenario ≠ base, keys): the
    mean paired effect over the draws and its prediction interval mean ± t · sd · √(1 + 1/N) (the
    effect under one more plausible parameter set, with one run's noise), and the share of draws
    with a positive effect."""
    from scipy import stats

    from model.experiments.compare import differences

    rows = []
    for sc, at, x in differences(values, base, keys):
        x = x[np.isfinite(x)]
        n = len(x)
        m = float(x.mean()) if n else float("nan")
        half = float(stats.t.ppf(0.5 + level / 2, n - 1) * x.std(ddof=1) * math.sqrt(1 + 1 / n)) if n >= 2 else float("nan")
        rows.append({"scenario": sc, **at, "post_mean": m, "post_lo": m - half, "post_hi": m + half,
                     "post_positive": float((x > 0).mean()) if n else float("nan"), "post_draws": n})
    return pd.DataFrame(rows)
