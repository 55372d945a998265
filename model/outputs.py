"""Output tables and the run manifest, written atomically.

A run folder holds ``manifest.json`` and the tables ``timeseries``, ``persons``, ``organisations``,
``memberships``, ``ties`` and ``benefits`` (who received what from each intervention,
:mod:`model.benefits`) as Parquet (default) or CSV. The manifest's ``interventions`` list and the
time series' ``cost_nok`` columns carry each intervention's cumulative cost. Everything is first written to a hidden
temporary folder beside the target, flushed to disk and then renamed into place, so a crash never
leaves a half-written run folder; the hidden leftovers of a killed writer are removed by the next
write to the same folder.

``--force`` replaces only a *run folder* (one whose ``manifest.json`` says it was written by
Dugnad); any other non-empty folder is refused, so a mistyped ``--out`` cannot delete a thesis.
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from model.errors import DugnadError
from model.safe_io import check_writable, clean_stale, clip, fsync_tree, temp_name
from model.state import (
    AGE_PROFILES,
    BACKGROUNDS,
    EDUCATION,
    KINDS,
    MEMBER,
    NEVER,
    OFFICE,
    ROLES,
    SEXES,
    VOLUNTEER,
)

TABLES = ("timeseries", "persons", "organisations", "memberships", "ties", "benefits")


class OutputError(DugnadError):
    pass


def persons_table(model) -> pd.DataFrame:
    p, month = model.people, model.month
    role = p.mem_role.max(axis=1)
    bond, bridge = model.tie_counts()
    origin_names = model.origins["group"].to_numpy()
    region_names = model.origins["region"].to_numpy()
    within = lambda stamp: (stamp != NEVER) & (month - stamp < 12)
    return pd.DataFrame({
        "person_id": p.uid.astype(np.int64),
        "household_id": p.household.astype(np.int64),
        "background": pd.Categorical.from_codes(p.background, BACKGROUNDS),
        "origin": origin_names[p.origin],
        "region": region_names[p.origin],
        "sex": pd.Categorical.from_codes(p.sex, SEXES),
        "age": np.round(p.age, 2).astype(np.float64),
        "years_in_norway": np.round(p.years_in_norway, 2).astype(np.float64),
        "norwegian": p.norwegian.astype(np.float64),
        "education": pd.Categorical.from_codes(p.education, EDUCATION),
        "employed": p.employed.copy(),
        "work_hours": p.work_hours.astype(np.float64),
        "income_decile": p.income_decile.astype(np.int64),
        "low_income": p.low_income.copy(),
        "eq_income": p.eq_income.astype(np.float64),
        "health": p.health.astype(np.float64),
        "religious": p.religious.copy(),
        "right_to_training": p.right_to_training.copy(),
        "trust": p.trust.astype(np.float64),
        "institutional_trust": p.institutional_trust.astype(np.float64),
        "literacy": p.literacy.astype(np.float64),
        "motivation": p.motivation.astype(np.float64),
        "neighbourhood": p.neighbourhood.astype(np.int64),
        "municipality": p.municipality.astype(np.int64),
        "participant": role > 0,
        "member": role >= MEMBER,
        "volunteer": within(p.last_volunteer),
        "volunteer_secular": within(p.last_volunteer_secular),
        "volunteer_hours": p.volunteer_hours.astype(np.float64),
        "office": role == OFFICE,
        "informal_help": within(p.last_help),
        "asked": within(p.last_asked),
        "organisations": (p.mem_role > 0).sum(axis=1).astype(np.int64),
        "arrived_month": np.where(p.arrived_month == NEVER, -1, p.arrived_month).astype(np.int64),
        "bonding_ties": bond.astype(np.int64),
        "bridging_ties": bridge.astype(np.int64),
    })


def organisations_table(model) -> pd.DataFrame:
    """``members`` counts formal members (and above) of formal organisations and everyone taking
    part in informal groups, which keep no membership list."""
    o, p = model.orgs, model.people
    R = model.roster()
    n = len(o)
    imm = p.background != 0
    informal_entry = ~o.formal[R.org]
    memb = (R.role >= MEMBER) | informal_entry

    def count(sel, only_imm=False):
        s = sel & imm[R.person] if only_imm else sel
        return np.bincount(R.org[s], minlength=n).astype(np.int64)

    origin_names = np.append(model.origins["group"].to_numpy(), "")
    return pd.DataFrame({
        "org_id": np.arange(n, dtype=np.int64),
        "kind": np.array(KINDS)[o.kind],
        "minority": o.minority.copy(),
        "formal": o.formal.copy(),
        "origin": origin_names[o.origin],
        "neighbourhood": o.neighbourhood.astype(np.int64),
        "municipality": o.municipality.astype(np.int64),
        "age_profile": np.array(AGE_PROFILES)[o.age_profile],
        "fee_adult": o.fee_adult.astype(np.float64),
        "fee_child": o.fee_child.astype(np.float64),
        "language_demand": o.language_demand.astype(np.float64),
        "commitment": o.commitment.astype(np.float64),
        "board_size": o.board_size.astype(np.int64),
        "openness": o.openness.astype(np.float64),
        "linked": o.linked.copy(),
        "active": o.active.copy(),
        "founded_month": o.founded.astype(np.int64),
        "participants": count(np.ones(len(R), bool)),
        "immigrant_participants": count(np.ones(len(R), bool), True),
        "members": count(memb),
        "immigrant_members": count(memb, True),
        "volunteers": count(R.role >= VOLUNTEER),
        "immigrant_volunteers": count(R.role >= VOLUNTEER, True),
        "offices": count(R.role == OFFICE),
        "immigrant_offices": count(R.role == OFFICE, True),
    })


def memberships_table(model) -> pd.DataFrame:
    R = model.roster()
    p = model.people
    return pd.DataFrame({
        "person_id": p.uid[R.person].astype(np.int64),
        "org_id": R.org.astype(np.int64),
        "role": np.array(ROLES)[R.role],
        "since_month": p.mem_since[R.person, R.col].astype(np.int64),
    }).sort_values(["person_id", "org_id"], ignore_index=True)


def ties_table(model) -> pd.DataFrame:
    """Person–person ties (bonding/bridging) and organisation–municipality linking ties;
    ``a_type``/``b_type`` say which id space ``a`` and ``b`` belong to."""
    t, o = model.ties, model.orgs
    same = t.same_group(model.people.origin)
    linked = np.flatnonzero(o.linked)
    return pd.DataFrame({
        "a": np.concatenate([model.people.uid[t.a], linked]).astype(np.int64),
        "b": np.concatenate([model.people.uid[t.b], o.municipality[linked]]).astype(np.int64),
        "kind": np.concatenate([np.where(same, "bonding", "bridging"), np.full(len(linked), "linking")]),
        "a_type": np.concatenate([np.full(len(t), "person"), np.full(len(linked), "organisation")]),
        "b_type": np.concatenate([np.full(len(t), "person"), np.full(len(linked), "municipality")]),
        "strength": np.concatenate([t.s, np.ones(len(linked))]).astype(np.float64),
    })


def tables(model) -> dict[str, pd.DataFrame]:
    return {"timeseries": model.observer.table(), "persons": persons_table(model),
            "organisations": organisations_table(model), "memberships": memberships_table(model),
            "ties": ties_table(model), "benefits": model.benefits.table()}


# ----------------------------------------------------------------------------- manifest

def git_revision() -> dict:
    root = Path(__file__).resolve().parent.parent
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        if rev.returncode != 0:
            return {"revision": "unknown", "dirty": None}
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, timeout=10)
        return {"revision": rev.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"revision": "unknown", "dirty": None}


def versions() -> dict:
    out = {"python": platform.python_version()}
    for pkg in ("dugnad", "mesa", "numpy", "pandas", "networkx", "pyarrow", "pydantic"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = None
    return out


def population_summary(model) -> dict:
    p = model.people
    imm = p.background != 0
    nb = p.neighbourhood
    n_nb = len(model.nb_municipality)
    a = np.bincount(nb[imm], minlength=n_nb) / max(1, imm.sum())
    b = np.bincount(nb[~imm], minlength=n_nb) / max(1, (~imm).sum())
    return {
        "persons": len(p), "households": int(model.n_households),
        "immigrant_share": float((p.background == 1).mean()),
        "descendant_share": float((p.background == 2).mean()),
        "neighbourhoods": int(n_nb), "municipalities": int(model.n_municipalities),
        "dissimilarity_index": float(0.5 * np.abs(a - b).sum()),
        "organisations": int(model.orgs.active.sum()), "organisations_folded": int((~model.orgs.active).sum()), "workplaces": len(model.workplaces),
    }


def interventions_summary(model) -> list[dict]:
    """Per intervention: what it cost, what persons received, how many it reached, and its own counts."""
    out = []
    for iv in model.interventions:
        pr = iv.params
        out.append({"name": iv.label, "type": pr.type, "start_month": pr.start_month, "end_month": pr.end_month,
                    "cost_nok": round(iv.cost_nok, 2), "benefits_nok": round(iv.benefit_nok, 2),
                    "persons_reached": len(iv.reached), **iv.report()})
    return out


def manifest(model, scenario_file: str | None, extra: dict | None = None) -> dict:
    return {
        "dugnad_manifest": 1,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario_file": scenario_file,
        "scenario": model.params.model_dump(mode="json"),
        "seed": model.seed,
        "months_recorded": int(model.month),
        "burn_in_months": model.params.burn_in_months,
        "versions": versions(),
        "git": git_revision(),
        "command": sys.argv,
        "timings_s": {k: round(v, 4) for k, v in model.timings.items()},
        "burn_in_convergence": getattr(model, "convergence", None),
        "demography_events": dict(getattr(model, "demography_events", {})),
        "mechanism_s": {k: round(v, 4) for k, v in model.mechanism_seconds.items()},
        "population": population_summary(model),
        "interventions": interventions_summary(model),
        **(extra or {}),
    }


# ----------------------------------------------------------------------------- writing

def is_run_folder(path: Path) -> bool:
    """True if ``path`` holds a manifest written by :func:`write_run`."""
    try:
        man = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(man, dict) and "dugnad_manifest" in man


def check_run_folder(out: str | Path, force: bool = False, own_files: frozenset = frozenset()) -> Path:
    """Refuse, before any simulation, an ``out`` that cannot be written or must not be replaced:
    a file, an unwritable place, or a non-empty folder — unless ``force`` and it is ours: it has a
    Dugnad manifest, or holds nothing but ``own_files`` (a folder written by an older version)."""
    out = check_writable(out, "--out")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise OutputError(f"{out}: folder exists and is not empty; choose another --out, or pass --force to replace it "
                              "(only a Dugnad run folder is replaced)")
        if not (is_run_folder(out) or (own_files and {f.name for f in out.iterdir()} <= own_files)):
            raise OutputError(f"{out}: is not a Dugnad output folder (no manifest.json of Dugnad's); only such a folder "
                              "is replaced: choose another --out")
    return out


def write_run(model, out: str | Path, fmt: str = "parquet", scenario_file: str | None = None,
              force: bool = False, extra: dict | None = None) -> Path:
    """Write manifest and tables to ``out`` atomically (temporary folder, fsync, rename). Refuses
    a non-empty folder unless ``force`` and it is a run folder (:func:`check_run_folder`)."""
    if fmt not in ("parquet", "csv"):
        raise OutputError(f"--format: must be parquet or csv (got {fmt!r})")
    out = check_run_folder(out, force)
    clean_stale(out)
    tmp = temp_name(out)
    try:
        tmp.mkdir()
        _write_tables(model, tmp, fmt, scenario_file, extra)
        replace_folder(out, tmp)
    except OSError as e:
        why = e.strerror or str(e)
        raise OutputError(f"{out}: cannot write the run folder ({clip(why, 120)}); nothing was written") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _write_tables(model, folder: Path, fmt: str, scenario_file: str | None, extra: dict | None) -> None:
    counts = {}
    for name, df in tables(model).items():
        counts[name] = len(df)
        if fmt == "parquet":
            df.to_parquet(folder / f"{name}.parquet", index=False)
        else:
            df.to_csv(folder / f"{name}.csv", index=False)
    man = manifest(model, scenario_file, extra)
    man["format"] = fmt
    man["tables"] = counts
    (folder / "manifest.json").write_text(json.dumps(man, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    fsync_tree(folder)


def replace_folder(out: Path, new: Path) -> None:
    """Put the folder ``new`` at ``out``; an existing ``out`` is moved aside first and removed after."""
    if not out.exists():
        new.rename(out)
        return
    old = temp_name(out, "old")
    out.rename(old)
    try:
        new.rename(out)
    except OSError:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def read_table(run_dir: str | Path, name: str) -> pd.DataFrame:
    """Load one table of a run folder, whichever format it was written in."""
    run_dir = Path(run_dir)
    if (run_dir / f"{name}.parquet").exists():
        return pd.read_parquet(run_dir / f"{name}.parquet")
    if (run_dir / f"{name}.csv").exists():
        return pd.read_csv(run_dir / f"{name}.csv")
    raise OutputError(f"{run_dir}: no table {name!r} (expected {name}.parquet or {name}.csv)")
