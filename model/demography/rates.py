"""Demographic rates: the life table, fertility by origin group, emigration by origin group.

Sources (indicative, each named in its file; verify against Statistics Norway before empirical
claims): ``life_table.csv`` is a Gompertz–Makeham curve set to SSB's period life expectancy at
birth for 2019 (men 81.0, women 84.7 years); ``fertility.csv`` holds total fertility rates by the
mother's country of birth (SSB orders of magnitude, 2015–2022). Emigration hazards follow from
``origin_groups.csv``'s median residence (:func:`emigration_rates`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

from model.data_files import DATA_DIR, DataFileError, _check_columns, _check_names, _check_range, _read_csv

MAX_AGE = 105          # the life table closes here (everyone alive at 105 dies within the year)
FERTILE = (16, 46)     # mothers' ages with births (SSB: almost no births outside 16–45)
MEAN_BIRTH_AGE = 31.0  # SSB: mean age at birth about 31 (2020); the schedule's peak (assumption: normal shape)
SD_BIRTH_AGE = 5.5


@dataclass(frozen=True)
class Rates:
    """Yearly death probability by single year of age and sex, fertility by origin row, yearly
    emigration hazard by origin row."""

    q_death: np.ndarray        # shape (2, MAX_AGE + 1): [sex, age]
    tfr: np.ndarray            # per origin row (row 0 = majority)
    emigration: np.ndarray     # per origin row, yearly hazard of an immigrant household leaving

    def monthly_death(self, age: np.ndarray, sex: np.ndarray, dt: float = 1 / 12) -> np.ndarray:
        """Chance of dying within ``dt`` years at ``age`` (constant hazard within a year of age)."""
        a = np.clip(age.astype(np.int64), 0, MAX_AGE)
        q = self.q_death[sex.astype(np.int64), a]
        return 1.0 - (1.0 - q) ** dt

    def fertility_weight(self, age: np.ndarray, origin_row: np.ndarray) -> np.ndarray:
        """Relative chance of giving birth this month: the group's TFR times a normal age schedule."""
        sched = np.exp(-0.5 * ((age - MEAN_BIRTH_AGE) / SD_BIRTH_AGE) ** 2)
        sched = np.where((age >= FERTILE[0]) & (age < FERTILE[1]), sched, 0.0)
        return sched * self.tfr[origin_row]


def load_life_table(path: str | Path | None = None) -> np.ndarray:
    """``life_table.csv``: columns age (0 to MAX_AGE, each once, in order), q_male, q_female
    (yearly chance of death, 0–1; the last age must be 1)."""
    path = Path(path) if path else DATA_DIR / "life_table.csv"
    df = _read_csv(path)
    _check_columns(df, path, ["age", "q_male", "q_female"])
    _check_range(df, path, "age", 0, MAX_AGE)
    if df["age"].tolist() != list(range(MAX_AGE + 1)):
        raise DataFileError(f"{path}: column age: must list every age from 0 to {MAX_AGE} once, in order")
    for c in ("q_male", "q_female"):
        _check_range(df, path, c, 0, 1)
        if df[c].iloc[-1] != 1:
            raise DataFileError(f"{path}: row {MAX_AGE + 2}, column {c}: must be 1 at age {MAX_AGE} (the table closes)")
    return np.vstack([df["q_male"].to_numpy(float), df["q_female"].to_numpy(float)])


def load_fertility(origins: pd.DataFrame, path: str | Path | None = None) -> np.ndarray:
    """``fertility.csv``: columns group (each origin group of ``origins`` once, including the
    majority row), tfr (0–10 children per woman). Returns the TFR per origin row. An origin-group
    file with a ``tfr`` column of its own (checked when it is loaded) is used instead."""
    if "tfr" in origins:
        return origins["tfr"].to_numpy(float)
    path = Path(path) if path else DATA_DIR / "fertility.csv"
    df = _read_csv(path)
    _check_columns(df, path, ["group", "tfr"])
    _check_names(df, path, "group", unique=True)
    _check_range(df, path, "tfr", 0, 10)
    missing = [g for g in origins["group"] if g not in set(df["group"])]
    if missing:
        raise DataFileError(f"{path}: column group: no row for origin group(s) {', '.join(missing)}; "
                            "every group of the origin-group file needs one (or give the origin-group file a tfr column)")
    return df.set_index("group").loc[list(origins["group"]), "tfr"].to_numpy(float)


def emigration_rates(origins: pd.DataFrame, q_death: np.ndarray) -> np.ndarray:
    """Yearly hazard that an immigrant household of each group leaves Norway, set so that a steady
    inflow of newcomers has the group's median residence (origin_groups.csv) once deaths are
    counted too (:func:`stock_median_residence`). EU labour migrants get 8–10 % a year, the
    1980s–90s refugee groups 2–3 %, as FACTS §4.10 describes. For groups that arrived recently in
    large numbers (Syria, Eritrea) the data median is a young cohort, not a steady flow; the hazard
    that reproduces it (about 17 % and 12 %) stands in for that youth, not for real return rates."""
    med = origins["median_years_in_norway"].to_numpy(float)
    rate = np.zeros(len(origins))
    # groups whose residence is shorter than with nobody leaving; the others get no emigration
    g = np.flatnonzero(np.isfinite(med) & (stock_median_residence(0.0, q_death) > med))
    g = g[g > 0]
    lo, hi = np.zeros(len(g)), np.full(len(g), 3.0)
    for _ in range(40):   # bisection, all groups at once
        mid = 0.5 * (lo + hi)
        longer = stock_median_residence(mid, q_death) > med[g]
        lo, hi = np.where(longer, mid, lo), np.where(longer, hi, mid)
    rate[g] = 0.5 * (lo + hi)
    return rate


# arrival ages: 70 quantiles of N(30, 8) clipped to 18–65 (adults) and 30 children 0–17
ARRIVAL_AGES = np.concatenate([np.clip(norm.ppf(np.linspace(0.01, 0.99, 70), 30, 8), 18, 65),
                               np.linspace(0.5, 17.5, 30)])


def stock_median_residence(rate, q_death: np.ndarray):
    """Median residence of the immigrants present when newcomers (ages :data:`ARRIVAL_AGES`, an
    approximation of the arrival mix) arrive at a steady pace and leave with yearly ``rate`` (a
    number, or an array of rates giving an array of medians)."""
    q = q_death.mean(axis=0)
    lx = np.concatenate([[1.0], np.cumprod(1 - q)])
    t = np.arange(0, MAX_AGE)
    a = ARRIVAL_AGES.astype(int)
    ends = np.minimum(a[:, None] + t[None, :], MAX_AGE + 1)
    staying = (lx[ends] / lx[a][:, None]).mean(axis=0) * np.exp(-np.multiply.outer(np.atleast_1d(rate), t))
    cum = np.cumsum(staying, axis=1)
    med = (cum < 0.5 * cum[:, -1:]).sum(axis=1) + 0.5   # np.searchsorted(cum, half) per row
    return float(med[0]) if np.ndim(rate) == 0 else med


def load_rates(origins: pd.DataFrame) -> Rates:
    q = load_life_table()
    return Rates(q, load_fertility(origins), emigration_rates(origins, q))
