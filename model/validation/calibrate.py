"""``dugnad calibrate``: fit the free parameters to the calibrated targets by ABC-SMC.

Approximate Bayesian computation by sequential Monte Carlo (Toni et al. 2009; Beaumont et al.
2009) as pyABC implements it (Schälte et al. 2022): a population of parameter sets is drawn from
the priors (the ranges in ``model/data/calibration.toml``), each run once at ``persons`` persons;
every later generation perturbs the accepted sets of the one before and keeps those whose run comes
within the generation's distance threshold (the median distance of the last generation), so the
threshold falls and the sets close in on the targets. The distance is the root mean square of the
calibrated targets' misses in units of their tolerances (0 inside every tolerance). Runs go to a
local Dask cluster, one worker per core. It stops after ``generations`` generations, at
``max_simulations`` runs, or when the threshold reaches ``min_distance``.

Resumable: pyABC stores every finished generation in ``OUT/abc.db`` (SQLite); the same command run
again continues from the last finished generation (the runs of an unfinished one are lost), and
with more ``--generations`` it extends a finished calibration.
The final generation, resampled by weight, is the posterior: ``accepted_samples`` of
``OUT/summary.json``, which ``dugnad compare --posterior`` draws from. The ``refine`` sets of the
final generation closest to the targets are re-run with ``refine_seeds`` seeds each at
``refine_persons`` persons (saved one by one in ``OUT/evals/refine_<persons>/``); the closest becomes
the fitted point, written to ``--write`` (``model/data/calibrated.toml``, which the baseline
extends). The search runs at the cheaper ``persons``; choosing the point at the larger size is what
makes the calibrated targets hold there: minority boys and girls are a few dozen each at 5,000
persons, so a point chosen at 5,000 on three seeds can sit on a target's edge by luck
(docs/demography.md, session 13).

Reproducibility: a parameter set's run has a seed derived from its values (:func:`seed_of`), so any
set's run can be repeated. The sets drawn are not: pyABC draws its proposals in the Dask workers,
from their own generators, and takes runs in the order they finish.

pyABC works on each parameter's position in its range (0 at the low end, 1 at the high end:
:func:`to_values`), not on the values: the ranges span five orders of magnitude (a leave rate of
0.005, a count of 500 immigrants per association), and the perturbation kernel's covariance in
values was so ill-conditioned that scipy treated its narrow directions as singular, gave
proposals density zero and stopped the calibration (docs/demography.md, session 12).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import warnings
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
import pandas as pd

from model.errors import DugnadError
from model.safe_io import is_finite_number, read_toml_or, short
from model.validation.targets import TARGETS_FILE, load_targets

CALIBRATION_FILE = Path(__file__).resolve().parent.parent / "data" / "calibration.toml"
ROOT = Path(__file__).resolve().parent.parent.parent
# Each setting: (type, lowest, highest), both inclusive. Bounds (assumptions): population 4–10,000
# sets a generation (pyABC needs a few to fit its perturbation kernel); generations ≤ 100 and
# max_simulations ≤ 10 million (already weeks of computing); min_distance a distance (0: never stop
# on it); persons as the scenario allows (population.persons: 20–2,000,000); months of record after
# the burn-in ≤ 1,200; refine ≤ 10,000; refine_seeds ≤ 1,000; refine_persons as persons.
SETTINGS = {"population": (int, 4, 10_000), "generations": (int, 1, 100), "max_simulations": (int, 1, 10_000_000),
            "min_distance": (float, 0.0, 100.0), "persons": (int, 20, 2_000_000), "months": (int, 1, 1_200),
            "refine": (int, 1, 10_000), "refine_seeds": (int, 1, 1_000), "refine_persons": (int, 20, 2_000_000),
            "prior_share": (float, 0.0, 0.9)}
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
            ok = _number(v) and lo <= v <= hi
            rule = f"a number from {lo:g} to {hi:g}"
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


def _float_rule(name: str, where: str, use: str) -> list:
    """The bounds ([(op, bound), ...]) of ``section.field``, which must name a real-number scenario
    parameter; ``where`` starts the error message, ``use`` says what the file does with it."""
    section, _, field = name.partition(".")
    found = _field_rule(section, field)
    if found is None:
        raise CalibrationError(f"{where}: not a scenario parameter (section.field)")
    info, ops = found
    if info.annotation is not float:
        kind = getattr(info.annotation, "__name__", str(info.annotation))
        raise CalibrationError(f"{where}: is of type {kind}; only real-number (float) scenario parameters can be {use}")
    return ops


def _check_range(name: str, rng, path: Path) -> tuple[float, float]:
    """A parameter range: ``section.field`` names a float scenario parameter; the range is two
    finite numbers low < high, both inside what the scenario allows for that parameter."""
    where = f"{path}: parameters.{name}"
    ops = _float_rule(name, where, "calibrated")
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
    other = sorted(set(data) - {"settings", "parameters", "fixed"})
    if other:
        raise CalibrationError(f"{path}: unknown key(s) {', '.join(other)}; allowed: [settings], [parameters], [fixed]")
    settings = _check_settings(_table(data, "settings", path), path)
    params = {name: _check_range(name, rng, path) for name, rng in _table(data, "parameters", path).items()}
    if not params:
        raise CalibrationError(f"{path}: [parameters] is empty")
    _fixed_of(data, path)   # checked with the rest, so `dugnad check` finds a bad [fixed] too
    return settings, params


def load_fixed(path: str | Path = CALIBRATION_FILE) -> dict[str, float]:
    """The [fixed] table of the calibration file: parameters held at a value while the others are
    fitted (screened as mattering little for the calibrated targets) and written with the fit. Each
    names a real-number scenario parameter not also in [parameters], with a value the scenario allows."""
    path = Path(path)
    return _fixed_of(read_toml_or(path, CalibrationError), path)


def _fixed_of(data: dict, path: Path) -> dict[str, float]:
    """The checked [fixed] table of the calibration file's parsed ``data`` (:func:`load_fixed`)."""
    fitted = _table(data, "parameters", path)
    out = {}
    for name, v in _table(data, "fixed", path).items():
        if name in fitted:
            raise CalibrationError(f"{path}: fixed.{name}: also in [parameters]; a parameter is either fitted or fixed")
        if not _number(v):
            raise CalibrationError(f"{path}: fixed.{name}: must be a finite number (got {short(v)})")
        _check_value(name, float(v), path)
        out[name] = float(v)
    return out


def _check_value(name: str, v: float, path: Path) -> None:
    """A fixed value: ``section.field`` names a float scenario parameter and the value is allowed."""
    where = f"{path}: fixed.{name}"
    ops = _float_rule(name, where, "fixed here")
    if not all(_OPS[op][1](v, b) for op, b in ops):
        allowed = " and ".join(f"{_OPS[op][0]} {b:g}" for op, b in ops)
        raise CalibrationError(f"{where}: {v:g} is outside what the scenario allows ({allowed})")


def overrides_of(point: dict[str, float], persons: int | None, months: int | None = None) -> dict:
    out: dict = {}
    for name, v in point.items():
        section, field = name.split(".", 1)
        out.setdefault(section, {})[field] = float(v)
    if persons is not None:
        out.setdefault("population", {})["persons"] = persons
    if months is not None:
        out["months"] = months
    return out


def seed_of(point: dict[str, float]) -> int:
    """The seed of a parameter set's calibration run, derived from its values: the same set always
    gets the same run."""
    text = json.dumps({k: float(v) for k, v in sorted(point.items())})
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % (2**31 - 1) + 1


def evaluate(scenario: str, point: dict, persons: int, seed: int, targets_file: str, months: int | None = None,
             fixed: dict | None = None) -> dict:
    """Run the scenario at ``point`` (with the ``fixed`` values; burn-in, then ``months`` or the
    scenario's months) and return every target's value, read at the last month."""
    from model.model import DugnadModel
    from model.outputs import tables
    from model.scenario import load_scenario
    from model.validation.targets import compute

    sc = load_scenario(scenario, overrides_of({**(fixed or {}), **point}, persons, months))
    m = DugnadModel(sc, seed=seed)
    m.run()
    return compute(tables(m), load_targets(targets_file))


def to_values(unit, params: dict) -> dict:
    """Parameter values from positions in the ranges (``unit``: 0 = low end, 1 = high end), per
    parameter a number or, for a table of sets, an array."""
    return {p: lo + np.asarray(unit[p], float) * (hi - lo) for p, (lo, hi) in params.items()}


def simulate(unit, scenario: str, persons: int, months: int, targets_file: str, params: dict,
             fixed: dict | None = None) -> dict:
    """pyABC's model: one run of the parameter set at position ``unit`` in the ranges (its seed
    from :func:`seed_of`); the targets' values, plus the seed used."""
    point = {p: float(v) for p, v in to_values(dict(unit), params).items()}
    seed = seed_of(point)
    return {**evaluate(scenario, point, persons, seed, targets_file, months, fixed), "seed": seed}


def distance(values: dict[str, float], targets) -> float:
    """Root mean square of the scaled misses over the calibrated targets."""
    d = [t.distance(values.get(t.id, float("nan"))) for t in targets if t.role == "calibrated"]
    return float(math.sqrt(np.mean(np.square(d)))) if d else float("nan")


@lru_cache(maxsize=4)
def _targets(targets_file: str):
    return load_targets(targets_file)


def abc_distance(x: dict, x0: dict, targets_file: str) -> float:
    """pyABC's distance: :func:`distance` of a run's values (the observed ``x0`` is in the targets)."""
    return distance(x, _targets(targets_file))


def _write_json(path: Path, obj) -> None:
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(json.dumps(obj), encoding="utf-8")
    os.replace(tmp, path)


class _Cluster:
    """A local Dask cluster (one single-threaded worker process per core), started on first use
    and closed on leaving the ``with`` block: a finished calibration read back starts none."""

    def __init__(self, workers: int):
        self.workers, self._client, self._cluster = workers, None, None

    @property
    def client(self):
        if self._client is None:
            from model.experiments.sweep import open_client
            self._client, self._cluster = open_client(self.workers, None)
        return self._client

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def _eval_file(evals: Path, name: str, seed: int) -> Path:
    return evals / f"{name}_seed{seed}.json"


def _evaluate_all(jobs: list[tuple[str, int, dict]], scenario: str, settings: dict, evals: Path, targets_file: str,
                  cluster: _Cluster, desc: str, progress: bool, persons: int) -> None:
    """Run each (name, seed, point) at ``persons`` persons not yet saved, saving each as it finishes."""
    from dask.distributed import as_completed
    from tqdm import tqdm

    todo = [(n, seed, pt) for n, seed, pt in jobs if not _eval_file(evals, n, seed).exists()]
    with tqdm(total=len(jobs), initial=len(jobs) - len(todo), desc=desc, unit="run", disable=not progress,
              file=sys.stderr, dynamic_ncols=True) as bar:
        if not todo:
            return
        evals.mkdir(parents=True, exist_ok=True)
        futs = {cluster.client.submit(evaluate, scenario, pt, persons, seed, targets_file, settings["months"],
                                      settings.get("fixed"), pure=False): (n, seed) for n, seed, pt in todo}
        for f in as_completed(futs):
            n, seed = futs[f]
            _write_json(_eval_file(evals, n, seed), {"name": n, "seed": seed, "values": f.result()})
            bar.update(1)


def _collect(evals: Path, names: list[str], seeds: list[int], targets) -> pd.DataFrame:
    """Per name: the mean of each target over the saved seeds and the distance of that mean."""
    rows = []
    for n in names:
        vals = [json.loads(f.read_text())["values"] for seed in seeds if (f := _eval_file(evals, n, seed)).exists()]
        if vals:
            with warnings.catch_warnings():   # a target with no value in any seed (tiny populations) stays NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = {k: float(np.nanmean([v[k] for v in vals])) for k in vals[0]}
            rows.append({"name": n, "n_seeds": len(vals), "distance": distance(mean, targets), **mean})
    return pd.DataFrame(rows).set_index("name") if rows else pd.DataFrame()


def defensive_transition(prior_share: float):
    """pyABC's multivariate normal kernel mixed with the prior (uniform on the unit cube of range
    positions): a share ``prior_share`` of the proposals are fresh prior draws. A set's importance
    weight, prior / proposal density, is then at most 1 / prior_share times the smallest, so a few sets
    cannot take all the weight as they do with the kernel alone when 40 sets spread over many
    parameters (defensive importance sampling, Hesterberg 1995; session 15: effective sample size 1.4
    of 40 in 16 dimensions)."""
    import pyabc

    class DefensiveTransition(pyabc.MultivariateNormalTransition):
        def rvs_single(self):
            if np.random.uniform() < prior_share:
                return pyabc.Parameter({k: float(np.random.uniform()) for k in self.X.columns})
            return super().rvs_single()

        def rvs(self, size: int | None = None):
            if size is None:
                return self.rvs_single()
            return pd.DataFrame([dict(self.rvs_single()) for _ in range(size)])

        def pdf(self, x):
            kernel = super().pdf(x)
            arr = (np.array([x[k] for k in self.X.columns], float) if isinstance(x, pyabc.Parameter | pd.Series)
                   else x[self.X.columns].to_numpy(float))
            inside = np.all((arr >= 0) & (arr <= 1), axis=-1)
            return prior_share * inside + (1 - prior_share) * kernel

    return DefensiveTransition()


def _run_abc(scenario: str, settings: dict, params: dict, out: Path, targets_file: str, cluster: _Cluster,
             progress: bool):
    """Run (or continue) the ABC-SMC in ``out/abc.db`` until a stopping rule holds; returns pyABC's
    history. A finished calibration is read back without starting the cluster."""
    import logging

    import pyabc

    db = out / "abc.db"
    url = f"sqlite:///{db.resolve()}"
    if db.exists():
        history = pyabc.History(url, _id=1)
        if _generations_left(history, settings) == 0:
            return history
    logging.getLogger("ABC").setLevel(logging.INFO if progress else logging.WARNING)
    prior = pyabc.Distribution(**{p: pyabc.RV("uniform", 0.0, 1.0) for p in params})   # positions in the ranges
    model = partial(simulate, scenario=str(scenario), persons=settings["persons"], months=settings["months"], params=params,
                    fixed=settings.get("fixed"),
                    targets_file=targets_file)
    # a new calibration's first generation is the prior sample itself (threshold inf, no extra
    # calibration sample); a continued one takes the median distance of its last stored generation
    eps = pyabc.MedianEpsilon(initial_epsilon="from_sample" if db.exists() else np.inf)
    abc = pyabc.ABCSMC(model, prior, partial(abc_distance, targets_file=targets_file),
                       population_size=settings["population"], eps=eps,
                       transitions=defensive_transition(settings["prior_share"]),
                       sampler=pyabc.sampler.DaskDistributedSampler(cluster.client, batch_size=1))
    history = abc.load(url, 1) if db.exists() else abc.new(url, {t.id: t.value for t in _targets(targets_file)})
    with warnings.catch_warnings():   # pyABC compares the first threshold (inf) with the next: inf - inf
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            abc.run(minimum_epsilon=settings["min_distance"], max_nr_populations=_generations_left(history, settings),
                    max_total_nr_simulations=settings["max_simulations"])
        except AssertionError as e:   # pyABC's check that the new generation's weights sum to one
            if "not normalized" not in str(e) and "weight is zero" not in str(e):
                raise
            raise CalibrationError(
                f"{out}: generation {history.max_t + 1} failed: its importance weights are not finite (the proposal "
                f"density of a new set was zero; pyABC issues #614, #623): the perturbation kernel fitted to the last "
                f"stored generation (effective sample size {_generations(history)[-1]['effective_sample_size']:.1f} of "
                f"{settings['population']}) is degenerate. Generations 0–{history.max_t} are kept: rerun with "
                f"--generations {history.max_t + 1} to write the fit from them, or start afresh in a new --out with "
                f"a larger --population") from None
    return history


def _generations_left(history, settings: dict) -> int:
    """Generations still to run: none once ``generations`` are stored, the runs reach
    ``max_simulations`` or the last threshold is at ``min_distance`` (pyABC checks the last two
    only after a generation, so a calibration may overshoot its runs by part of one)."""
    done = history.max_t + 1
    if done == 0:
        return settings["generations"]
    eps = history.get_all_populations()["epsilon"].iloc[-1]
    if history.total_nr_simulations >= settings["max_simulations"] or eps <= settings["min_distance"]:
        return 0
    return max(0, settings["generations"] - done)


def _final_generation(history, params: dict) -> pd.DataFrame:
    """The last generation's particles: one row each, the parameters, ``weight`` and ``distance``."""
    pop = history.get_population_extended(t=history.max_t)
    out = pd.DataFrame(to_values({p: pop[f"par_{p}"] for p in params}, params))
    out["weight"] = pop["w"].to_numpy(float) / pop["w"].sum()
    out["distance"] = pop["distance"].to_numpy(float)
    return out


def _weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    x, w = x[w > 0], w[w > 0]
    order = np.argsort(x)
    mid = (np.cumsum(w[order]) - 0.5 * w[order]) / w.sum()   # each value at the middle of its weight
    return float(np.interp(q, mid, x[order]))


def _posterior_samples(final: pd.DataFrame, params: dict, seed: int = 0) -> list[dict]:
    """The final generation resampled by weight (systematic resampling), as many as it holds: equal
    weights, so ``compare --posterior`` can draw from them uniformly."""
    n = len(final)
    u = (np.random.default_rng(seed).random() + np.arange(n)) / n
    idx = np.minimum(np.searchsorted(np.cumsum(final["weight"].to_numpy()), u), n - 1)
    return [{"sample": int(i), "distance": float(final.loc[i, "distance"]),
             "parameters": {p: float(final.loc[i, p]) for p in params}} for i in idx]


def effective_sample_size(weights) -> float:
    """Kish's effective sample size of importance weights, (Σw)² / Σw²: the number of equally
    weighted sets they are worth. ABC-SMC's weights (prior over proposal density) can pile onto a
    few sets; the posterior is then those few, whatever the number accepted."""
    w = np.asarray(weights, float)
    return float(w.sum() ** 2 / (w ** 2).sum()) if len(w) and (w ** 2).sum() > 0 else 0.0


def _generations(history) -> list[dict]:
    """Per generation: its distance threshold (None for the first: the prior sample, all kept),
    runs, accepted sets, their effective sample size and the median distance of those accepted."""
    pops = history.get_all_populations()
    rows = []
    for r in pops[pops["t"] >= 0].itertuples():
        wd = history.get_weighted_distances(t=int(r.t))
        d = wd["distance"]
        rows.append({"t": int(r.t), "epsilon": float(r.epsilon) if np.isfinite(r.epsilon) else None,
                     "simulations": int(r.samples), "accepted": int(r.particles),
                     "effective_sample_size": effective_sample_size(wd["w"]) if len(wd) else None,
                     "acceptance_rate": float(r.particles / r.samples) if r.samples else None,
                     "median_distance": float(np.nanmedian(d)) if len(d) else None})
    return rows


def calibrate(scenario: str, out: Path, write: Path, workers: int | None = None, population: int | None = None,
              generations: int | None = None, persons: int | None = None, spec_file: str | Path = CALIBRATION_FILE,
              targets_file: str = str(TARGETS_FILE), progress: bool = True) -> dict:
    """Fit (or resume fitting) ``scenario``'s parameters; writes the fitted point to ``write`` and
    the working files and ``summary.json`` to ``out``; returns the summary."""
    settings, params = load_spec(spec_file)
    settings["fixed"] = load_fixed(spec_file)
    for k, v in (("population", population), ("generations", generations), ("persons", persons)):
        if v is not None:
            settings[k] = int(v)
    targets = load_targets(targets_file)
    workers = workers or max(1, os.cpu_count() or 1)
    out = Path(out)
    _claim(out, settings, params, scenario)
    with _Cluster(workers) as cluster:
        history = _run_abc(scenario, settings, params, out, targets_file, cluster, progress)
        final = _final_generation(history, params)
        refined = _refine(final, params, scenario, settings, out / "evals", targets_file, cluster, progress)
    fitted_i = int(refined["particle"].iloc[0])
    summary = {
        "method": "ABC-SMC (pyABC, Dask sampler; adaptive median threshold; kernel mixed with the priors, prior_share), "
                  "the closest sets of the final generation refined with more seeds at refine_persons persons",
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "scenario": str(scenario), "settings": settings, "workers": workers,
        "fitted_sample": fitted_i, "fitted": {p: float(final.loc[fitted_i, p]) for p in params},
        "distance_fitted": float(refined["distance"].iloc[0]), **_progress(history),
        "accepted": len(final), "accepted_ranges": _ranges(final, params),
        # the final generation resampled by weight: the parameter sets `dugnad compare --posterior` draws from
        "accepted_samples": _posterior_samples(final, params),
        "fitted_target_values": {t.id: float(refined[t.id].iloc[0]) for t in targets if t.id in refined},
    }
    final.to_csv(out / "posterior.csv", index_label="particle")
    refined.to_csv(out / "refined.csv")
    _write_json(out / "summary.json", summary)
    write_calibrated(write, {**settings["fixed"], **summary["fitted"]}, summary)
    return summary


def _refine(final: pd.DataFrame, params: dict, scenario: str, settings: dict, evals: Path, targets_file: str,
            cluster: _Cluster, progress: bool) -> pd.DataFrame:
    """The ``refine`` sets of the final generation closest to the targets, each run with seeds
    1..``refine_seeds`` at ``refine_persons`` persons: per set (column ``particle``), the mean of
    each target and its distance, closest first."""
    best = final.sort_values("distance").head(settings["refine"])
    names = {f"p{seed_of(best.loc[i, list(params)].to_dict())}": i for i in best.index}
    seeds = list(range(1, settings["refine_seeds"] + 1))
    jobs = [(n, seed, best.loc[i, list(params)].to_dict()) for n, i in names.items() for seed in seeds]
    evals = evals / f"refine_{settings['refine_persons']}"
    _evaluate_all(jobs, scenario, settings, evals, targets_file, cluster, "calibrate: refine", progress,
                  settings["refine_persons"])
    refined = _collect(evals, list(names), seeds, _targets(targets_file))
    refined.insert(0, "particle", [names[n] for n in refined.index])
    return refined.sort_values("distance")


def _progress(history) -> dict:
    gens = _generations(history)
    return {"distance_accept_threshold": gens[-1]["epsilon"], "distance_median_prior": gens[0]["median_distance"],
            "simulations": int(history.total_nr_simulations), "generations": gens}


def _ranges(final: pd.DataFrame, params: dict) -> dict:
    """Per parameter: the final generation's weighted 5th and 95th percentiles, its range and the prior."""
    w = final["weight"].to_numpy()
    return {p: {"p05": _weighted_quantile(final[p].to_numpy(), w, 0.05),
                "p95": _weighted_quantile(final[p].to_numpy(), w, 0.95),
                "min": float(final[p].min()), "max": float(final[p].max()), "prior": list(params[p])} for p in params}


def _claim(out: Path, settings: dict, params: dict, scenario: str) -> None:
    """Create ``out`` for this calibration, or check that it holds one of the same problem: the
    scenario, the parameters and their ranges, persons, months and population. The stopping rules
    and the refinement may change between runs (e.g. more generations continue a finished one)."""
    (out / "evals").mkdir(parents=True, exist_ok=True)
    problem = {k: settings[k] for k in ("persons", "months", "population")} | {"space": "unit"}
    if settings.get("fixed"):
        problem["fixed"] = settings["fixed"]
    key = hashlib.sha256(json.dumps([problem, params, str(scenario)], sort_keys=True).encode()).hexdigest()[:16]
    key_file = out / "settings.json"
    if key_file.exists():
        if json.loads(key_file.read_text()).get("key") != key:
            raise CalibrationError(f"{out}: holds a calibration of another scenario, parameters, fixed values, persons, "
                                   f"months or population ({key_file}); choose another --out or delete the folder to start afresh")
    else:
        _write_json(key_file, {"key": key, "problem": problem, "parameters": params, "scenario": str(scenario)})


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
        f"# Distance (RMS of scaled misses over the calibrated targets): {summary['distance_fitted']:.3f} over "
        f"{summary['settings']['refine_seeds']} seeds at {summary['settings']['refine_persons']:,} persons; {summary['simulations']} runs in {len(summary['generations'])} generations.",
        "# Posterior ranges (5th–95th percentile of the final generation, weighted) are in docs/VALIDATION.md.",
        *([f"# Held fixed, not fitted ([fixed] in model/data/calibration.toml): {', '.join(sorted(summary['settings']['fixed']))}."]
          if summary["settings"].get("fixed") else []),
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
