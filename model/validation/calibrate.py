"""``dugnad calibrate``: fit the free parameters to the calibrated targets.

Latin-hypercube sampling + approximate Bayesian computation by rejection (settings and parameter
ranges in ``model/data/calibration.toml``, documented there). Each (sample, seed) evaluation is
written atomically to ``OUT/evals/`` as soon as it finishes, so an interrupted calibration resumes
where it stopped when the same command is run again; the design is stored in ``OUT/design.csv``
and must match the settings. The fitted point goes to ``scenarios/calibrated.toml`` (or
``--write``), which ``scenarios/baseline.toml`` extends; ``OUT/summary.json`` holds the distance,
the accepted parameter ranges and the settings.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from model.errors import DugnadError
from model.safe_io import is_finite_number, read_toml_or, short
from model.validation.targets import TARGETS_FILE, load_targets

CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "data" / "calibration.toml"
ROOT = Path(__file__).resolve().parent.parent.parent
# Each setting: (type, lowest, highest). Counts are whole numbers. Bounds (assumptions unless said):
# samples ≤ 100,000 and refine ≤ 10,000 (already days of computing); seeds ≤ 100 because the
# refinement seeds are numbered from 101, so more first-stage seeds would reuse them;
# refine_seeds ≤ 1,000; persons as the scenario allows (population.persons: 20–2,000,000);
# accept_share a share above 0 and at most 1; design_seed a positive 64-bit integer.
SETTINGS = {"samples": (int, 1, 100_000), "seeds": (int, 1, 100), "persons": (int, 20, 2_000_000),
            "accept_share": (float, 0.0, 1.0), "refine": (int, 1, 10_000), "refine_seeds": (int, 1, 1_000),
            "design_seed": (int, 1, 2**63 - 1)}
_OPS = {"gt": (">", lambda x, b: x > b), "ge": ("≥", lambda x, b: x >= b),
        "lt": ("<", lambda x, b: x < b), "le": ("≤", lambda x, b: x <= b)}


class CalibrationError(DugnadError):
    pass


_number = is_finite_number


def _table(data: dict, key: str, path: Path) -> dict:
    v = data.get(key, {})
    if not isinstance(v, dict):
        raise CalibrationError(f"{path}: {key}: must be a table ([{key}]) (got {short(v)})")
    return v


def _check_settings(settings: dict, path: Path) -> dict:
    """Every setting of :data:`SETTINGS` present, of its type (whole numbers for counts; a whole
    float such as 160.0 is taken), finite and within its bounds; no other setting."""
    for k in settings:
        if k not in SETTINGS:
            raise CalibrationError(f"{path}: settings.{k}: unknown setting; allowed: {', '.join(SETTINGS)}")
    out = {}
    for k, (typ, lo, hi) in SETTINGS.items():
        if k not in settings:
            raise CalibrationError(f"{path}: settings.{k}: missing")
        v = settings[k]
        if typ is int:
            ok = _number(v) and float(v).is_integer() and lo <= v <= hi
            rule = f"a whole number from {lo:,} to {hi:,}"
        else:
            ok = _number(v) and lo < v <= hi
            rule = f"a number above {lo:g} and at most {hi:g}"
        if not ok:
            raise CalibrationError(f"{path}: settings.{k}: must be {rule} (got {short(v)})")
        out[k] = typ(v)
    return out


def _field_rule(section: str, field: str):
    """(pydantic field info, [(op, bound), ...]) of scenario parameter ``section.field``, or None
    if there is no such parameter."""
    from model.scenario import Scenario

    sec = Scenario.model_fields.get(section)
    fields = getattr(sec.annotation, "model_fields", {}) if sec is not None else {}
    info = fields.get(field)
    if info is None:
        return None
    ops = [(op, getattr(m, op)) for m in info.metadata for op in _OPS if hasattr(m, op)]
    return info, ops


def _check_range(name: str, rng, path: Path) -> tuple[float, float]:
    """A parameter range: ``section.field`` names a float scenario parameter; the range is two
    finite numbers low < high, both inside what the scenario allows for that parameter."""
    where = f"{path}: parameters.{name}"
    section, _, field = name.partition(".")
    found = _field_rule(section, field)
    if found is None:
        raise CalibrationError(f"{where}: not a scenario parameter (section.field)")
    info, ops = found
    if info.annotation is not float:
        kind = getattr(info.annotation, "__name__", str(info.annotation))
        raise CalibrationError(f"{where}: is of type {kind}; only real-number (float) scenario parameters can be calibrated")
    if not isinstance(rng, list) or len(rng) != 2 or not all(map(_number, rng)) or not rng[0] < rng[1]:
        raise CalibrationError(f"{where}: must be [low, high], two finite numbers with low < high (got {short(rng)})")
    bad = [x for x in rng if not all(_OPS[op][1](x, b) for op, b in ops)]
    if bad:
        allowed = " and ".join(f"{_OPS[op][0]} {b:g}" for op, b in ops)
        raise CalibrationError(f"{where}: range {short(rng)} goes outside what the scenario allows for "
                               f"{name} ({allowed}); got {bad[0]:g}")
    return float(rng[0]), float(rng[1])


def load_spec(path: str | Path = CALIBRATION_FILE) -> tuple[dict, dict[str, tuple[float, float]]]:
    """(settings, parameter ranges) from the calibration file, checked: only the tables
    [settings] (as :func:`_check_settings` allows) and [parameters] (at least one range, each as
    :func:`_check_range` allows). Every error names this file and the setting or parameter."""
    path = Path(path)
    data = read_toml_or(path, CalibrationError)
    other = sorted(set(data) - {"settings", "parameters"})
    if other:
        raise CalibrationError(f"{path}: unknown key(s) {', '.join(other)}; allowed: [settings], [parameters]")
    settings = _check_settings(_table(data, "settings", path), path)
    params = {name: _check_range(name, rng, path) for name, rng in _table(data, "parameters", path).items()}
    if not params:
        raise CalibrationError(f"{path}: [parameters] is empty")
    return settings, params


def design(settings: dict, params: dict) -> pd.DataFrame:
    from scipy.stats import qmc

    lhs = qmc.LatinHypercube(d=len(params), seed=settings["design_seed"]).random(settings["samples"])
    lo = np.array([r[0] for r in params.values()])
    hi = np.array([r[1] for r in params.values()])
    df = pd.DataFrame(lo + lhs * (hi - lo), columns=list(params))
    df.index.name = "sample"
    return df


def overrides_of(point: dict[str, float], persons: int | None) -> dict:
    out: dict = {}
    for name, v in point.items():
        section, field = name.split(".", 1)
        out.setdefault(section, {})[field] = float(v)
    if persons is not None:
        out.setdefault("population", {})["persons"] = persons
    return out


def evaluate(scenario: str, point: dict, persons: int, seed: int, targets_file: str) -> dict:
    """Run the scenario at ``point`` and return every target's value (in a worker process)."""
    from model.model import DugnadModel
    from model.outputs import tables
    from model.scenario import load_scenario
    from model.validation.targets import compute

    sc = load_scenario(scenario, overrides_of(point, persons))
    m = DugnadModel(sc, seed=seed)
    m.run()
    return compute(tables(m), load_targets(targets_file))


def distance(values: dict[str, float], targets) -> float:
    """Root mean square of the scaled misses over the calibrated targets."""
    d = [t.distance(values.get(t.id, float("nan"))) for t in targets if t.role == "calibrated"]
    return float(math.sqrt(np.mean(np.square(d)))) if d else float("nan")


def process_context():
    """Worker processes start by forkserver where available (fork from a multi-threaded parent can
    deadlock), else spawn."""
    import multiprocessing as mp
    return mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")


def _write_json(path: Path, obj) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(json.dumps(obj), encoding="utf-8")
    os.replace(tmp, path)


def _evaluate_all(jobs: list[tuple[int, int, dict]], scenario: str, persons: int, evals: Path, targets_file: str,
                  workers: int, desc: str, progress: bool) -> None:
    from tqdm import tqdm

    todo = [(s, seed, pt) for s, seed, pt in jobs if not (evals / f"s{s}_seed{seed}.json").exists()]
    done_before = len(jobs) - len(todo)
    with tqdm(total=len(jobs), initial=done_before, desc=desc, unit="run", disable=not progress, file=sys.stderr,
              dynamic_ncols=True) as bar:
        if not todo:
            return
        with ProcessPoolExecutor(max_workers=workers, mp_context=process_context()) as ex:
            futs = {ex.submit(evaluate, scenario, pt, persons, seed, targets_file): (s, seed) for s, seed, pt in todo}
            for f in as_completed(futs):
                s, seed = futs[f]
                _write_json(evals / f"s{s}_seed{seed}.json", {"sample": s, "seed": seed, "values": f.result()})
                bar.update(1)


def _collect(evals: Path, samples: list[int], seeds: list[int], targets) -> pd.DataFrame:
    rows = []
    for s in samples:
        vals = []
        for seed in seeds:
            f = evals / f"s{s}_seed{seed}.json"
            if f.exists():
                vals.append(json.loads(f.read_text())["values"])
        if not vals:
            continue
        mean = {k: float(np.nanmean([v[k] for v in vals])) for k in vals[0]}
        rows.append({"sample": s, "n_seeds": len(vals), "distance": distance(mean, targets), **mean})
    return pd.DataFrame(rows).set_index("sample") if rows else pd.DataFrame()


def calibrate(scenario: str, out: Path, write: Path, workers: int | None = None, samples: int | None = None,
              seeds: int | None = None, persons: int | None = None, spec_file: str | Path = CALIBRATION_FILE,
              targets_file: str = str(TARGETS_FILE), progress: bool = True) -> dict:
    settings, params = load_spec(spec_file)
    for k, v in (("samples", samples), ("seeds", seeds), ("persons", persons)):
        if v is not None:
            settings[k] = int(v)
    targets = load_targets(targets_file)
    workers = workers or max(1, os.cpu_count() or 1)
    out = Path(out)
    evals = out / "evals"
    evals.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha256(json.dumps([settings, params, str(scenario)], sort_keys=True).encode()).hexdigest()[:16]
    key_file = out / "settings.json"
    if key_file.exists():
        old = json.loads(key_file.read_text())
        if old.get("key") != key:
            raise CalibrationError(f"{out}: holds a calibration with other settings ({key_file}); "
                                   "choose another --out or delete the folder to start afresh")
    else:
        _write_json(key_file, {"key": key, "settings": settings, "parameters": params, "scenario": str(scenario)})
    des = design(settings, params)
    des.to_csv(out / "design.csv")
    seeds1 = list(range(1, settings["seeds"] + 1))
    jobs = [(int(s), seed, des.loc[s].to_dict()) for s in des.index for seed in seeds1]
    _evaluate_all(jobs, scenario, settings["persons"], evals, targets_file, workers, "calibrate: sample", progress)
    first = _collect(evals, list(des.index), seeds1, targets).sort_values("distance")
    n_accept = max(1, math.ceil(settings["accept_share"] * len(first)))
    accepted = first.head(n_accept)
    # refinement: the best accepted samples with more seeds
    best = list(accepted.index[: settings["refine"]])
    seeds2 = list(range(101, 101 + settings["refine_seeds"]))
    jobs = [(int(s), seed, des.loc[s].to_dict()) for s in best for seed in seeds2]
    _evaluate_all(jobs, scenario, settings["persons"], evals, targets_file, workers, "calibrate: refine", progress)
    refined = _collect(evals, best, seeds1 + seeds2, targets).sort_values("distance")
    fitted_sample = int(refined.index[0])
    fitted = des.loc[fitted_sample].to_dict()
    acc_params = des.loc[accepted.index]
    ranges = {p: {"p05": float(acc_params[p].quantile(0.05)), "p95": float(acc_params[p].quantile(0.95)),
                  "min": float(acc_params[p].min()), "max": float(acc_params[p].max()),
                  "prior": list(params[p])} for p in params}
    summary = {
        "method": "Latin hypercube + ABC rejection (accept the closest accept_share), best accepted refined with more seeds",
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": str(scenario), "settings": settings, "workers": workers,
        "fitted_sample": fitted_sample, "fitted": fitted,
        "distance_fitted": float(refined.loc[fitted_sample, "distance"]),
        "distance_accept_threshold": float(accepted["distance"].max()),
        "distance_best_first_stage": float(first["distance"].min()),
        "distance_median_first_stage": float(first["distance"].median()),
        "accepted": int(n_accept), "accepted_ranges": ranges,
        # the accepted samples themselves: the parameter sets `dugnad compare --posterior` draws from
        "accepted_samples": [{"sample": int(i), "distance": float(accepted.loc[i, "distance"]),
                              "parameters": {p: float(acc_params.loc[i, p]) for p in params}} for i in accepted.index],
        "fitted_target_values": {t.id: float(refined.loc[fitted_sample, t.id]) for t in targets if t.id in refined},
    }
    first.to_csv(out / "samples.csv")
    accepted.join(des).to_csv(out / "accepted.csv")
    refined.to_csv(out / "refined.csv")
    _write_json(out / "summary.json", summary)
    write_calibrated(write, fitted, summary)
    return summary


def write_calibrated(path: Path, fitted: dict, summary: dict) -> None:
    """The fitted parameters as a scenario fragment that baseline.toml extends."""
    by_section: dict[str, dict[str, float]] = {}
    for name, v in fitted.items():
        section, field = name.split(".", 1)
        by_section.setdefault(section, {})[field] = v
    lines = [
        "# Calibrated parameters: written by `dugnad calibrate` — do not edit by hand; rerun it instead.",
        f"# {summary['method']}.",
        f"# Settings: {json.dumps(summary['settings'])}; created {summary['created_utc']}.",
        f"# Distance (RMS of scaled misses over the calibrated targets): {summary['distance_fitted']:.3f}"
        f" (acceptance threshold {summary['distance_accept_threshold']:.3f}).",
        "# Accepted ranges (5th–95th percentile of the accepted samples) are in docs/VALIDATION.md.",
        'name = "calibrated"',
        "",
    ]
    for section in sorted(by_section):
        lines.append(f"[{section}]")
        for field, v in sorted(by_section[section].items()):
            lines.append(f"{field} = {float(v):.6g}")
        lines.append("")
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("\n".join(lines), encoding="utf-8")
    os.replace(tmp, path)
