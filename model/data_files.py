"""Reading and checking the shipped input tables (``model/data/``).

A bad data file raises :class:`DataFileError` naming the file, the row and column, and what is allowed.
"""

from __future__ import annotations

import io
import math
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from model.errors import DugnadError
from model.safe_io import InputError, read_text, short


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
    """The table of a small UTF-8 CSV file (size bounded, byte-order mark dropped by
    :func:`model.safe_io.read_text`); :class:`DataFileError` naming the file on any failure."""
    try:
        text = read_text(path)
    except InputError as e:
        raise DataFileError(str(e)) from None
    try:
        return pd.read_csv(io.StringIO(text), comment=None)
    except Exception as e:  # pandas raises many parser error types
        raise DataFileError(f"{path}: cannot be read as CSV ({short(str(e), 200)})") from None


def _check_columns(df: pd.DataFrame, path: Path, needed: list[str]) -> None:
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise DataFileError(f"{path}: missing column(s) {', '.join(missing)}; needed: {', '.join(needed)}")


def _row_name(df: pd.DataFrame, i: int) -> str:
    """How row ``i`` is named in messages: its line in the file and its group or kind."""
    name = df["place" if "place" in df else "group" if "group" in df else "kind"].iloc[i]
    return f"row {i + 2} ({name})"


def _check_names(df: pd.DataFrame, path: Path, col: str, unique: bool = False, allowed=None) -> None:
    """Every cell of ``col`` is a non-blank name; with ``unique`` no name twice; with ``allowed``
    only those names. Pandas reads an empty cell (and words such as NA) as missing."""
    seen: dict[str, int] = {}
    for i, v in enumerate(df[col]):
        where = f"{path}: row {i + 2}, column {col}"
        if not isinstance(v, str) or not v.strip():
            raise DataFileError(f"{where}: must be a non-empty name (got {short(v)}; empty cells and "
                                "missing-value words such as NA are read as missing)")
        if allowed is not None and v not in allowed:
            raise DataFileError(f"{where}: unknown {short(v)}; allowed: {', '.join(allowed)}")
        if unique and v in seen:
            raise DataFileError(f"{where}: duplicate name {short(v)} (also row {seen[v]}); each {col} once")
        seen[v] = i + 2


def _check_range(df: pd.DataFrame, path: Path, col: str, lo: float, hi: float, rows=None,
                 lo_open: bool = False) -> None:
    """Every cell of ``col`` (of the ``rows`` given, default all) is a finite number from ``lo``
    (above ``lo`` with ``lo_open``) to ``hi``; the column is made numeric."""
    values = pd.to_numeric(df[col], errors="coerce")
    for i, (v, raw) in enumerate(zip(values, df[col])):
        if rows is not None and not rows[i]:
            continue
        ok = (not isinstance(raw, (bool, np.bool_)) and not pd.isna(v) and math.isfinite(v)
              and (v > lo if lo_open else v >= lo) and v <= hi)
        if not ok:
            allowed = f"a number above {lo:,} and at most {hi:,}" if lo_open else f"a number from {lo:,} to {hi:,}"
            raise DataFileError(f"{path}: {_row_name(df, i)}, column {col}: must be {allowed} (got {short(raw)})")
    df[col] = values


def load_origin_groups(path: str | Path | None = None) -> pd.DataFrame:
    """Origin-group profiles (indicative; verify against SSB before empirical claims).
    Row 0 of the result is the majority (``Norway``); the rest are immigrant origin groups.

    Allowed: ``group`` a unique non-empty name; ``region`` a non-empty name, exactly one row
    ``majority``; ``main_reason`` one of :data:`REASON_LABELS`; ``religious_tradition`` one of
    :data:`RELIGION`; shares and rates finite numbers from 0 to 1; for immigrant rows
    ``share_of_immigrants`` 0–1 (not all zero) and ``median_years_in_norway`` 0–80 (the majority
    row leaves both empty)."""
    path = Path(path) if path else DATA_DIR / "origin_groups.csv"
    df = _read_csv(path)
    _check_columns(df, path, ORIGIN_COLUMNS)
    _check_names(df, path, "group", unique=True)
    _check_names(df, path, "region")
    if (df["region"] == "majority").sum() != 1:
        raise DataFileError(f"{path}: column region: exactly one row must be 'majority' (the majority population)")
    imm = (df["region"] != "majority").to_numpy()
    if not imm.any():
        raise DataFileError(f"{path}: needs at least one immigrant origin group besides the majority row")
    _check_range(df, path, "share_of_immigrants", 0, 1, rows=imm)
    _check_range(df, path, "median_years_in_norway", 0, 80, rows=imm)
    for c in ("share_higher_education", "share_good_norwegian", "employment_rate"):
        _check_range(df, path, c, 0, 1)
    for i, r in df.iterrows():
        if r["religious_tradition"] not in RELIGION:
            raise DataFileError(f"{path}: {_row_name(df, i)}, column religious_tradition: unknown {short(r['religious_tradition'])}; allowed: {', '.join(RELIGION)}")
        if r["main_reason"] not in REASON_LABELS:
            raise DataFileError(f"{path}: {_row_name(df, i)}, column main_reason: unknown {short(r['main_reason'])}; allowed: {', '.join(sorted(REASON_LABELS))}")
    if "tfr" in df:  # optional: total fertility per group (else model/data/fertility.csv)
        _check_range(df, path, "tfr", 0, 10)
    if df.loc[imm, "share_of_immigrants"].sum() <= 0:
        raise DataFileError(f"{path}: column share_of_immigrants: must not be all zero")
    return pd.concat([df[~imm], df[imm]], ignore_index=True)


# Upper bounds of organisation_kinds.csv (assumptions, far above any plausible value): a yearly
# fee above 1,000,000 NOK, a mean size above 10,000 members or an openness multiplier above 10
# (the scenario's openness 0.1 times 10 already reaches the cap of 1) is a typing mistake.
MAX_FEE = 1_000_000
MAX_MEAN_SIZE = 10_000
MAX_OPENNESS_MULTIPLIER = 10


def load_organisation_kinds(path: str | Path | None = None) -> pd.DataFrame:
    """Per-kind organisation profiles (fees, language and commitment demand, age profile, size),
    one row per kind of :data:`model.state.KINDS`, in that order.

    Allowed: ``kind`` each of KINDS exactly once, no other; ``fee_adult``, ``fee_child`` 0 to
    :data:`MAX_FEE` NOK a year; ``language_demand``, ``commitment``, ``children_share``,
    ``all_ages_share`` 0 to 1, with ``children_share + all_ages_share`` ≤ 1; ``mean_size`` above 0
    and at most :data:`MAX_MEAN_SIZE` (the scale of a lognormal); ``openness_multiplier`` 0 to
    :data:`MAX_OPENNESS_MULTIPLIER`. Every number finite."""
    from model.state import KINDS

    path = Path(path) if path else DATA_DIR / "organisation_kinds.csv"
    df = _read_csv(path)
    _check_columns(df, path, KIND_COLUMNS)
    _check_names(df, path, "kind", unique=True, allowed=KINDS)
    missing = [k for k in KINDS if k not in set(df["kind"])]
    if missing:
        raise DataFileError(f"{path}: column kind: missing kind(s) {', '.join(missing)}; needed: {', '.join(KINDS)}")
    for c, hi in (("fee_adult", MAX_FEE), ("fee_child", MAX_FEE), ("language_demand", 1), ("commitment", 1),
                  ("children_share", 1), ("all_ages_share", 1), ("openness_multiplier", MAX_OPENNESS_MULTIPLIER)):
        _check_range(df, path, c, 0, hi)
    _check_range(df, path, "mean_size", 0, MAX_MEAN_SIZE, lo_open=True)
    for i, total in enumerate(df["children_share"] + df["all_ages_share"]):
        if total > 1 + 1e-9:
            raise DataFileError(f"{path}: {_row_name(df, i)}, columns children_share + all_ages_share: "
                                f"must add up to at most 1 (got {total:g}); the rest are adults-only organisations")
    return df.set_index("kind").loc[list(KINDS)].reset_index()


# ------------------------------------------------------------------------------ geographies

PLACE_COLUMNS = ["geography", "place", "population_share", "immigrant_background_share",
                 "persons_per_organisation"]
MAX_PERSONS_PER_ORGANISATION = 100_000   # as ``organisations.persons_per_organisation``


def load_places(path: str | Path | None = None, groups: list[str] | None = None) -> pd.DataFrame:
    """Place profiles of one or more geographies (indicative; verify against SSB before empirical
    claims): one row per municipality or city district.

    Allowed: ``geography`` and ``place`` non-empty names, each place once per geography;
    ``population_share`` above 0 and at most 1 (relative weights within a geography, normalised);
    ``immigrant_background_share`` (immigrants and Norwegian-born to immigrant parents) 0 to 1;
    ``persons_per_organisation`` above 5 and at most :data:`MAX_PERSONS_PER_ORGANISATION`, or empty
    (the scenario's ``organisations.persons_per_organisation``); optional ``origin_mix``: empty (the
    scenario's origin mix) or ``group:weight`` pairs separated by ``;`` with groups of ``groups``
    (when given) and weights ≥ 0, not all 0. Other columns (``kind``, ``source``, ``note``) are text.
    The result has a parsed ``mix`` column (a dict or None)."""
    path = Path(path) if path else DATA_DIR / "places.csv"
    df = _read_csv(path)
    if df.empty:
        raise DataFileError(f"{path}: has no rows; needs one row per place (columns {', '.join(PLACE_COLUMNS)})")
    _check_columns(df, path, PLACE_COLUMNS)
    _check_names(df, path, "geography")
    _check_names(df, path, "place")
    seen: dict[tuple[str, str], int] = {}
    for i, key in enumerate(zip(df["geography"], df["place"])):
        if key in seen:
            raise DataFileError(f"{path}: row {i + 2}, column place: duplicate place {short(key[1])} in geography "
                                f"{short(key[0])} (also row {seen[key]}); each place once per geography")
        seen[key] = i + 2
    _check_range(df, path, "population_share", 0, 1, lo_open=True)
    _check_range(df, path, "immigrant_background_share", 0, 1)
    given = df["persons_per_organisation"].notna().to_numpy()
    _check_range(df, path, "persons_per_organisation", 5, MAX_PERSONS_PER_ORGANISATION, rows=given, lo_open=True)
    mixes = []
    raw_mix = df["origin_mix"] if "origin_mix" in df else [None] * len(df)
    for i, raw in enumerate(raw_mix):
        mixes.append(_parse_mix(raw, path, df, i, groups))
    df["mix"] = mixes
    return df


def _parse_mix(raw, path: Path, df: pd.DataFrame, i: int, groups: list[str] | None) -> dict[str, float] | None:
    """An ``origin_mix`` cell: None when empty, else {group: weight}."""
    if raw is None or (not isinstance(raw, str) and pd.isna(raw)) or (isinstance(raw, str) and not raw.strip()):
        return None
    where = f"{path}: {_row_name(df, i)}, column origin_mix"
    if not isinstance(raw, str):
        raise DataFileError(f"{where}: must be group:weight pairs separated by ';' (got {short(raw)})")
    out: dict[str, float] = {}
    for part in raw.split(";"):
        name, sep, w = part.partition(":")
        name = name.strip()
        try:
            weight = float(w)
        except ValueError:
            weight = math.nan
        if not sep or not name or not math.isfinite(weight) or weight < 0:
            raise DataFileError(f"{where}: each entry must be group:weight with a weight ≥ 0 (got {short(part)})")
        if groups is not None and name not in groups:
            raise DataFileError(f"{where}: unknown origin group {short(name)}; allowed: {', '.join(groups)}")
        if name in out:
            raise DataFileError(f"{where}: origin group {short(name)} given twice")
        out[name] = weight
    if sum(out.values()) <= 0:
        raise DataFileError(f"{where}: weights must not all be zero (got {short(raw)})")
    return out
