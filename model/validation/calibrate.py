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
import tomllib
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from model.errors import DugnadError
from model.validation.targets import TARGETS_FILE, load_targets

CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "data" / "calibration.toml"
ROOT = Path(__file__).resolve().parent.parent.parent
SETTINGS = {"samples": int, "seeds": int, "persons": int, "accept_share": float, "refine": int,
            "refine_seeds": int, "design_seed": int}


class CalibrationError(DugnadError):
    pass


def load_spec(path: str | Path = CALIBRATION_FILE) -> tuple[dict, dict[str, tuple[float, float]]]:
    """(settings, parameter ranges) from the calibration file, checked."""
    from model.scenario import Scenario

    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CalibrationError(f"{path}: file not found") from None
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise CalibrationError(f"{path}: cannot read ({e})") from None
    settings = dict(data.get("settings", {}))
    for k in settings:
        if k not in SETTINGS:
            raise CalibrationError(f"{path}: settings.{k}: unknown setting; allowed: {', '.join(SETTINGS)}")
    for k, typ in SETTINGS.items():
        if k not in settings:
            raise CalibrationError(f"{path}: settings.{k}: missing")
        if not isinstance(settings[k], (int, float)) or isinstance(settings[k], bool) or settings[k] <= 0:
            raise CalibrationError(f"{path}: settings.{k}: must be a positive number (got {settings[k]!r})")
        settings[k] = typ(settings[k])
    if settings["accept_share"] > 1:
        raise CalibrationError(f"{path}: settings.accept_share: must be ≤ 1 (got {settings['accept_share']})")
    params = {}
    defaults = Scenario().model_dump()
    for name, rng in dict(data.get("parameters", {})).items():
        section, _, field = name.partition(".")
        if section not in defaults or not isinstance(defaults[section], dict) or field not in defaults[section]:
            raise CalibrationError(f"{path}: parameters.{name}: not a scenario parameter (section.field)")
        if (not isinstance(rng, list) or len(rng) != 2 or not all(isinstance(x, (int, float)) for x in rng)
                or not rng[0] < rng[1]):
            raise CalibrationError(f"{path}: parameters.{name}: must be [low, high] with low < high (got {rng!r})")
        params[name] = (float(rng[0]), float(rng[1]))
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
