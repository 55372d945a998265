"""Calibration targets (``model/data/targets.toml``) and the statistics that compute them from a
run's output tables (``persons``, ``memberships``, ``organisations``).

Every statistic is a pure function of the tables, so validation works on a finished run folder as
well as on a model in memory, and each can be tested on hand-built tables with known answers.
Definitions follow the surveys: adults are 18+, youth 13–19 (Ung i Oslo), "took part" is any role
(participant and up), "volunteer" is unpaid work in the last 12 months, "immigrant background" is
immigrants and their Norwegian-born children, "immigrants" are those born abroad (SSB).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.errors import DugnadError
from model.safe_io import is_finite_number, read_toml_or, short
from model.state import HOBBY_KINDS

TARGETS_FILE = Path(__file__).resolve().parent.parent / "data" / "targets.toml"
KINDS = ("value", "max", "min", "sign")
ROLES = ("calibrated", "validation", "cross-check")
LEVELS = ("individual", "youth", "organisation", "municipality")
REGRESSORS = ("female", "age10", "low_education", "norwegian", "employed", "religious")


class TargetsError(DugnadError):
    pass


def missing(x) -> bool:
    """Whether a model value is absent: None or NaN of any float type. (A NumPy float32 NaN is not a
    Python ``float``, so an ``isinstance`` check let it through: its distance was NaN, and the
    ABC-SMC threshold computed from such distances was NaN.)"""
    return x is None or math.isnan(float(x))


@dataclass(frozen=True)
class Target:
    id: str
    pattern: str
    level: str
    kind: str
    value: float
    tolerance: float
    statistic: str
    output: str
    source: str
    role: str
    built_in: str = ""   # validation patterns only: why the pattern holds by a mechanism's form ("" = emergent)

    @property
    def emergent(self) -> bool:
        """A validation pattern that is evidence: not held by a mechanism's form (issue 13)."""
        return self.role == "validation" and not self.built_in

    def ok(self, x: float) -> bool:
        """Is the model value ``x`` within the target?"""
        if missing(x):
            return False
        if self.kind == "value":
            return abs(x - self.value) <= self.tolerance + 1e-12
        if self.kind == "max":
            return x <= self.value + self.tolerance + 1e-12
        if self.kind == "min":
            return x >= self.value - self.tolerance - 1e-12
        return np.sign(x) == np.sign(self.value)

    def distance(self, x: float) -> float:
        """Scaled miss (0 inside the target): how far outside, in tolerances (or in units of 0.05
        for one-sided targets with no tolerance)."""
        if missing(x):
            return 10.0
        scale = self.tolerance if self.tolerance > 0 else 0.05
        if self.kind == "value":
            return max(0.0, abs(x - self.value) - self.tolerance) / scale + abs(x - self.value) / scale * 0.1
        if self.kind == "max":
            return max(0.0, x - self.value - self.tolerance) / scale
        if self.kind == "min":
            return max(0.0, self.value - self.tolerance - x) / scale
        return 0.0 if self.ok(x) else 1.0

    def describe(self) -> str:
        if self.kind == "value":
            return f"{self.value:g} ± {self.tolerance:g}"
        if self.kind == "max":
            return f"≤ {self.value + self.tolerance:g}"
        if self.kind == "min":
            return f"≥ {self.value - self.tolerance:g}"
        return "positive" if self.value > 0 else "negative"


TEXT_FIELDS = ("pattern", "output", "source")


_finite = is_finite_number


def _target(row: dict, where: str) -> Target:
    """One [[target]] table, checked field by field. Allowed: ``id`` a non-empty string;
    ``pattern``, ``output``, ``source`` strings; ``level``, ``kind``, ``role`` one of
    :data:`LEVELS`, :data:`KINDS`, :data:`ROLES`; ``statistic`` a name in :data:`STATISTICS`;
    ``value`` a finite number (+1 or −1 for kind ``sign``); ``tolerance`` (default 0) a finite
    number ≥ 0; ``built_in`` (validation targets only) a non-empty string."""
    unknown = set(row) - set(Target.__dataclass_fields__)
    if unknown:
        raise TargetsError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}; allowed: {', '.join(Target.__dataclass_fields__)}")
    missing = [f for f in Target.__dataclass_fields__ if f not in ("tolerance", "built_in") and f not in row]
    if missing:
        named = f" ({row['id']})" if isinstance(row.get("id"), str) else ""
        raise TargetsError(f"{where}{named}: missing field {missing[0]}")
    for field in ("id", *TEXT_FIELDS, "level", "kind", "statistic", "role"):
        if not isinstance(row[field], str):
            raise TargetsError(f"{where}, field {field}: must be a string (got {short(row[field])})")
    if not row["id"].strip():
        raise TargetsError(f"{where}, field id: must not be empty")
    where = f"{where} ({row['id']})"
    for field, allowed in (("kind", KINDS), ("role", ROLES), ("level", LEVELS)):
        if row[field] not in allowed:
            raise TargetsError(f"{where}, field {field}: must be one of {', '.join(allowed)} (got {short(row[field])})")
    if row["statistic"] not in STATISTICS:
        raise TargetsError(f"{where}, field statistic: unknown statistic {short(row['statistic'])}; known: {', '.join(sorted(STATISTICS))}")
    value, tolerance = row["value"], row.get("tolerance", 0.0)
    if not _finite(value):
        raise TargetsError(f"{where}, field value: must be a finite number (got {short(value)})")
    if row["kind"] == "sign" and value not in (1, -1):
        raise TargetsError(f"{where}, field value: must be 1 or -1 for kind sign (got {short(value)})")
    if "built_in" in row:
        if not isinstance(row["built_in"], str) or not row["built_in"].strip():
            raise TargetsError(f"{where}, field built_in: must be a non-empty string saying which mechanism's form holds the pattern (got {short(row['built_in'])})")
        if row["role"] != "validation":
            raise TargetsError(f"{where}, field built_in: only validation targets are marked built in (role is {row['role']})")
    if not _finite(tolerance) or tolerance < 0:
        raise TargetsError(f"{where}, field tolerance: must be a finite number ≥ 0 (got {short(tolerance)})")
    return Target(**{**row, "value": float(value), "tolerance": float(tolerance)})


def load_targets(path: str | Path = TARGETS_FILE) -> list[Target]:
    """Read and check the targets file: only [[target]] tables (at least one), each as
    :func:`_target` allows, ids unique. Errors name the file, the target and the field."""
    path = Path(path)
    data = read_toml_or(path, TargetsError)
    rows = data.get("target")
    if not isinstance(rows, list) or not rows:
        raise TargetsError(f"{path}: needs [[target]] tables")
    other = sorted(set(data) - {"target"})
    if other:
        raise TargetsError(f"{path}: unknown key(s) {', '.join(other)}; only [[target]] tables are allowed")
    out, seen = [], {}
    for i, row in enumerate(rows):
        where = f"{path}: target[{i}]"
        if not isinstance(row, dict):
            raise TargetsError(f"{where}: must be a table")
        t = _target(row, where)
        if t.id in seen:
            raise TargetsError(f"{where}, field id: duplicate id {short(t.id)} (also target[{seen[t.id]}])")
        seen[t.id] = i
        out.append(t)
    return out


# ----------------------------------------------------------------------------- statistics

def _bg(persons: pd.DataFrame) -> pd.Series:
    return persons["background"].astype(str)


def _share(mask: pd.Series, within: pd.Series) -> float:
    n = int(within.sum())
    return float((mask & within).sum() / n) if n else float("nan")


def _adults(t) -> pd.Series:
    return t["persons"]["age"] >= 18


def _youth(t) -> pd.Series:
    a = t["persons"]["age"]
    return (a >= 13) & (a < 20)


def participation_immigrant_background(t) -> float:
    p = t["persons"]
    return _share(p["participant"], _adults(t) & (_bg(p) != "majority"))


def participation_rest(t) -> float:
    p = t["persons"]
    return _share(p["participant"], _adults(t) & (_bg(p) == "majority"))


def volunteer_immigrant_background(t) -> float:
    p = t["persons"]
    return _share(p["volunteer"], _adults(t) & (_bg(p) != "majority"))


def volunteer_rest(t) -> float:
    p = t["persons"]
    return _share(p["volunteer"], _adults(t) & (_bg(p) == "majority"))


def volunteer_ratio_immigrants_rest(t) -> float:
    """SSB: immigrants (born abroad) relative to the rest of the population (majority and descendants)."""
    p = t["persons"]
    imm = _share(p["volunteer"], _adults(t) & (_bg(p) == "immigrant"))
    rest = _share(p["volunteer"], _adults(t) & (_bg(p) != "immigrant"))
    return imm / rest if rest else float("nan")


def volunteer_ratio_immigrant_background_rest(t) -> float:
    rest = volunteer_rest(t)
    return volunteer_immigrant_background(t) / rest if rest else float("nan")


def secular_volunteering_immigrants(t) -> float:
    p = t["persons"]
    return _share(p["volunteer_secular"], _adults(t) & (_bg(p) == "immigrant"))


def _youth_share(t, column_mask: pd.Series, minority: bool, sex: str | None) -> float:
    p = t["persons"]
    within = _youth(t) & ((_bg(p) != "majority") if minority else (_bg(p) == "majority"))
    if sex is not None:
        within &= p["sex"].astype(str) == sex
    return _share(column_mask, within)


def youth_minority_boys(t) -> float:
    return _youth_share(t, t["persons"]["participant"], True, "male")


def youth_minority_girls(t) -> float:
    return _youth_share(t, t["persons"]["participant"], True, "female")


def youth_majority_minus_minority(t) -> float:
    p = t["persons"]
    return _youth_share(t, p["participant"], False, None) - _youth_share(t, p["participant"], True, None)


def youth_majority_boys_minus_girls(t) -> float:
    p = t["persons"]
    return _youth_share(t, p["participant"], False, "male") - _youth_share(t, p["participant"], False, "female")


def _in_culture(t) -> pd.Series:
    """Per person: active in a hobby or leisure organisation — a culture/hobby organisation or a
    youth club (:data:`model.state.HOBBY_KINDS`)."""
    m, o = t["memberships"], t["organisations"]
    culture = set(o.loc[o["kind"].isin(HOBBY_KINDS), "org_id"])
    ids = set(m.loc[m["org_id"].isin(culture), "person_id"])
    return t["persons"]["person_id"].isin(ids)


def hobby_minority_boys(t) -> float:
    return _youth_share(t, _in_culture(t), True, "male")


def hobby_minority_girls(t) -> float:
    return _youth_share(t, _in_culture(t), True, "female")


def hobby_majority_boys(t) -> float:
    return _youth_share(t, _in_culture(t), False, "male")


def hobby_majority_girls(t) -> float:
    return _youth_share(t, _in_culture(t), False, "female")


RUNGS = ("participant", "member", "volunteer", "office")


def ladder_shares(t) -> dict[str, float]:
    """Immigrant-background share of the persons on each rung (highest role held now). Informal
    groups keep no membership list, so taking part in one counts as the member rung (as in the
    organisations table)."""
    m, p, o = t["memberships"], t["persons"], t["organisations"]
    imm = p.set_index("person_id")["background"].astype(str) != "majority"
    order = {r: i for i, r in enumerate(RUNGS)}
    informal = m["org_id"].isin(set(o.loc[~o["formal"], "org_id"]))
    rank = m["role"].map(order).where(~informal, np.maximum(m["role"].map(order), order["member"]))
    top = m.assign(rank=rank).groupby("person_id")["rank"].max()
    out = {}
    for i, rung in enumerate(RUNGS):
        who = top.index[top >= i]
        out[rung] = float(imm.loc[who].mean()) if len(who) else float("nan")
    return out


def ladder_gradient(t) -> float:
    s = ladder_shares(t)
    steps = [s[a] - s[b] for a, b in zip(RUNGS, RUNGS[1:])]
    return float(min(steps))


def ladder_office_step(t) -> float:
    """The immigrant-background share of volunteers minus that of office holders (the last rung)."""
    s = ladder_shares(t)
    return float(s["volunteer"] - s["office"])


def volunteer_hours_immigrants_minus_majority(t) -> float:
    """Mean volunteer hours this month of adult immigrants doing unpaid work now, minus the
    majority's (FACTS §2: immigrant volunteers, once active, give more hours)."""
    p = t["persons"]
    now = (p["age"] >= 18) & (p["volunteer_hours"] > 0)
    bg = p["background"].astype(str)
    imm, maj = p.loc[now & (bg == "immigrant"), "volunteer_hours"], p.loc[now & (bg == "majority"), "volunteer_hours"]
    return float(imm.mean() - maj.mean()) if len(imm) and len(maj) else float("nan")


def minority_minus_majority_linked(t) -> float:
    o = t["organisations"]
    return float(o.loc[o["minority"], "linked"].mean() - o.loc[~o["minority"], "linked"].mean())


# ----------------------------------------------------------------------------- determinants

def regression_frame(persons: pd.DataFrame) -> pd.DataFrame:
    """Adult immigrants 18–66 with the regressors of the SSB determinant analyses."""
    p = persons[(persons["background"].astype(str) == "immigrant") & (persons["age"] >= 18) & (persons["age"] < 67)]
    return pd.DataFrame({
        "volunteer": p["volunteer"].astype(float), "volunteer_secular": p["volunteer_secular"].astype(float),
        "female": (p["sex"].astype(str) == "female").astype(float), "age10": p["age"] / 10.0,
        "low_education": (p["education"].astype(str) == "low").astype(float), "norwegian": p["norwegian"].astype(float),
        "employed": p["employed"].astype(float), "religious": p["religious"].astype(float),
    })


def logit(frame: pd.DataFrame, outcome: str, alpha: float = 0.10) -> pd.DataFrame:
    """Logistic regression (statsmodels) of ``outcome`` on the regressors: coefficient and (1−alpha)
    confidence interval per regressor. Regressors without variation are dropped (NaN)."""
    import statsmodels.api as sm

    cols = [c for c in REGRESSORS if frame[c].nunique() > 1]
    out = pd.DataFrame(index=list(REGRESSORS), columns=["coef", "lo", "hi"], dtype=float)
    if frame[outcome].nunique() < 2 or len(frame) < 20:
        return out
    X = sm.add_constant(frame[cols], has_constant="add")
    try:
        with warnings.catch_warnings():  # convergence warnings on tiny samples: the interval says enough
            warnings.simplefilter("ignore")
            res = sm.Logit(frame[outcome], X).fit(disp=0, maxiter=200)
    except Exception:  # noqa: BLE001 - perfect separation and friends: report nothing rather than fail
        return out
    ci = res.conf_int(alpha)
    for c in cols:
        out.loc[c] = [res.params[c], ci.loc[c, 0], ci.loc[c, 1]]
    return out


def _coef(name: str, outcome: str = "volunteer"):
    def stat(t) -> float:
        return float(logit(regression_frame(t["persons"]), outcome).loc[name, "coef"])
    stat.__name__ = f"coef_{name}"
    return stat


STATISTICS = {f.__name__: f for f in (
    participation_immigrant_background, participation_rest, volunteer_immigrant_background, volunteer_rest,
    volunteer_ratio_immigrants_rest, volunteer_ratio_immigrant_background_rest, secular_volunteering_immigrants,
    youth_minority_boys, youth_minority_girls, youth_majority_minus_minority, youth_majority_boys_minus_girls,
    hobby_minority_boys, hobby_minority_girls, hobby_majority_boys, hobby_majority_girls,
    ladder_gradient, ladder_office_step, minority_minus_majority_linked, volunteer_hours_immigrants_minus_majority)}


def coefficient_of(statistic: str) -> tuple[str, str] | None:
    """(outcome, regressor) of a determinant statistic (``coef_…``), else None."""
    if not statistic.startswith("coef_"):
        return None
    outcome = "volunteer_secular" if statistic == "coef_religious_secular" else "volunteer"
    return outcome, {"coef_age": "age10", "coef_religious_secular": "religious"}.get(statistic, statistic[5:])


for _stat in ("coef_female", "coef_age", "coef_low_education", "coef_norwegian", "coef_employed", "coef_religious_secular"):
    _outcome, _regressor = coefficient_of(_stat)
    STATISTICS[_stat] = _coef(_regressor, _outcome)


def compute(tables: dict[str, pd.DataFrame], targets: list[Target]) -> dict[str, float]:
    """Each target's statistic on one run's tables (the regression is fitted once per outcome)."""
    cache: dict[str, float] = {}
    frame = None
    fits: dict[str, pd.DataFrame] = {}
    out = {}
    for t in targets:
        if t.statistic in cache:
            out[t.id] = cache[t.statistic]
            continue
        if t.statistic.startswith("coef_"):
            if frame is None:
                frame = regression_frame(tables["persons"])
            outcome, name = coefficient_of(t.statistic)
            if outcome not in fits:
                fits[outcome] = logit(frame, outcome)
            value = float(fits[outcome].loc[name, "coef"])
        else:
            value = float(STATISTICS[t.statistic](tables))
        cache[t.statistic] = value
        out[t.id] = value
    return out
