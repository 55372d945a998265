"""Reading and checking the shipped input tables (``model/data/``).

A bad data file raises :class:`DataFileError` naming the file, the row and column, and what is allowed.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from model.errors import DugnadError


class DataFileError(DugnadError):
    pass


DATA_DIR = Path(str(resources.files("model") / "data"))

# Religious tradition labels of origin_groups.csv -> (traditions with weights, chance of being
# religiously active). Activity chances are assumptions (FACTS §2: religious activity raises
# volunteering; §4.5: minority organisations mostly religion-based).
RELIGION = {
    "protestant_or_none": ({"protestant": 0.55, "none": 0.45}, 0.12),
    "catholic": ({"catholic": 1.0}, 0.40),
    "muslim": ({"muslim": 1.0}, 0.40),
    "muslim_mostly_secular": ({"muslim": 0.6, "none": 0.4}, 0.12),
    "christian_orthodox_or_muslim": ({"orthodox": 0.6, "muslim": 0.4}, 0.45),
    "buddhist_or_catholic": ({"other": 0.6, "catholic": 0.4}, 0.35),
    "muslim_or_mixed": ({"muslim": 0.7, "none": 0.3}, 0.25),
    "hindu_or_christian": ({"other": 0.6, "catholic": 0.4}, 0.40),
    "mixed": ({"protestant": 0.3, "catholic": 0.2, "muslim": 0.2, "other": 0.1, "none": 0.2}, 0.30),
}
REASON_LABELS = {"none", "labour", "refugee", "family", "mixed", "study"}
ORIGIN_COLUMNS = ["group", "region", "main_reason", "share_of_immigrants", "median_years_in_norway",
                  "share_higher_education", "share_good_norwegian", "employment_rate", "religious_tradition"]
KIND_COLUMNS = ["kind", "fee_adult", "fee_child", "language_demand", "commitment", "children_share",
                "all_ages_share", "mean_size", "openness_multiplier", "source"]


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, comment=None)
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except Exception as e:  # pandas raises many parser error types
        raise DataFileError(f"{path}: cannot be read as CSV ({e})") from None


def _check_columns(df: pd.DataFrame, path: Path, needed: list[str]) -> None:
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise DataFileError(f"{path}: missing column(s) {', '.join(missing)}; needed: {', '.join(needed)}")


def _check_range(df: pd.DataFrame, path: Path, col: str, lo: float, hi: float | None, rows=None) -> None:
    values = pd.to_numeric(df[col], errors="coerce")
    for i, (v, raw) in enumerate(zip(values, df[col])):
        if rows is not None and not rows[i]:
            continue
        bad = pd.isna(v) or v < lo or (hi is not None and v > hi)
        if bad:
            allowed = f"a number from {lo} to {hi}" if hi is not None else f"a number ≥ {lo}"
            raise DataFileError(f"{path}: row {i + 2} ({df['group' if 'group' in df else 'kind'].iloc[i]}), column {col}: must be {allowed} (got {raw!r})")
    df[col] = values


def load_origin_groups(path: str | Path | None = None) -> pd.DataFrame:
    """Origin-group profiles (indicative; verify against SSB before empirical claims).
    Row 0 is the majority (``Norway``); the rest are immigrant origin groups."""
    path = Path(path) if path else DATA_DIR / "origin_groups.csv"
    df = _read_csv(path)
    _check_columns(df, path, ORIGIN_COLUMNS)
    if (df["region"] == "majority").sum() != 1:
        raise DataFileError(f"{path}: column region: exactly one row must be 'majority' (the majority population)")
    df = pd.concat([df[df["region"] == "majority"], df[df["region"] != "majority"]], ignore_index=True)
    imm = (df["region"] != "majority").to_numpy()
    if not imm.any():
        raise DataFileError(f"{path}: needs at least one immigrant origin group besides the majority row")
    if df["group"].duplicated().any():
        raise DataFileError(f"{path}: column group: duplicate name {df['group'][df['group'].duplicated()].iloc[0]!r}")
    _check_range(df, path, "share_of_immigrants", 0, 1, rows=imm)
    _check_range(df, path, "median_years_in_norway", 0, 80, rows=imm)
    for c in ("share_higher_education", "share_good_norwegian", "employment_rate"):
        _check_range(df, path, c, 0, 1)
    for i, r in df.iterrows():
        if r["religious_tradition"] not in RELIGION:
            raise DataFileError(f"{path}: row {i + 2} ({r['group']}), column religious_tradition: unknown {r['religious_tradition']!r}; allowed: {', '.join(RELIGION)}")
        if r["main_reason"] not in REASON_LABELS:
            raise DataFileError(f"{path}: row {i + 2} ({r['group']}), column main_reason: unknown {r['main_reason']!r}; allowed: {', '.join(sorted(REASON_LABELS))}")
    if df.loc[imm, "share_of_immigrants"].sum() <= 0:
        raise DataFileError(f"{path}: column share_of_immigrants: must not be all zero")
    return df


def load_organisation_kinds(path: str | Path | None = None) -> pd.DataFrame:
    """Per-kind organisation profiles (fees, language and commitment demand, age profile, size)."""
    from model.state import KINDS

    path = Path(path) if path else DATA_DIR / "organisation_kinds.csv"
    df = _read_csv(path)
    _check_columns(df, path, KIND_COLUMNS)
    missing = [k for k in KINDS if k not in set(df["kind"])]
    if missing:
        raise DataFileError(f"{path}: column kind: missing kind(s) {', '.join(missing)}; needed: {', '.join(KINDS)}")
    for c, hi in (("fee_adult", None), ("fee_child", None), ("language_demand", 1), ("commitment", 1),
                  ("children_share", 1), ("all_ages_share", 1), ("mean_size", None), ("openness_multiplier", None)):
        _check_range(df, path, c, 0, hi)
    return df.set_index("kind").loc[list(KINDS)].reset_index()
