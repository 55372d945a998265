"""``dugnad sweep``: run an experiment on Dask distributed.

By default an embedded ``LocalCluster`` with one single-threaded worker process per core (no
server to install or start); with ``--scheduler tcp://host:8786`` the same sweep runs on an
existing Dask cluster (the workers need this package installed; results come back to this process,
which alone writes the store, so workers need no shared disk). Runs already in the store are
skipped, so re-running the same command after a crash or Ctrl-C runs only the missing ones; a run
that raises is recorded as failed with its error and does not stop the sweep.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from pathlib import Path

from model.experiments.definition import RunSpec, load_experiment
from model.experiments.store import Store


def _task(spec: RunSpec, indicators, groups) -> dict:
    """Runs in a Dask worker; never raises: a failure comes back as data."""
    from model.experiments.runner import run

    t0 = time.perf_counter()
    try:
        res = run(spec, indicators, groups)
        res["ok"] = True
    except Exception as e:  # noqa: BLE001 - any failure of one run is recorded, the sweep goes on
        res = {"ok": False, "error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc(limit=8)}
    res["wall_s"] = time.perf_counter() - t0
    return res


def _record(spec: RunSpec, res: dict) -> dict:
    info = res.get("info", {})
    return {"scenario": spec.scenario_name, "scenario_file": spec.scenario_file, "scenario_hash": spec.scenario_hash,
            "seed": spec.seed, "params": dict(spec.point), "months": spec.months, "persons": spec.persons,
            "setup_s": info.get("setup_s"), "run_s": info.get("run_s"), "wall_s": res.get("wall_s"),
            "persons_end": info.get("persons_end"), "costs": info.get("costs"),
            "interventions": info.get("interventions"), "error": res.get("error"),
            "traceback": res.get("traceback")}


def open_client(workers: int | None, scheduler: str | None):
    """(client, cluster or None): a client to an existing scheduler, or an embedded LocalCluster."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler, timeout="20s"), None
    import os

    import dask
    n = workers or os.cpu_count() or 1
    # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536, which makes glibc hand memory back to
    # the system after every large free: the model reallocates its arrays every month and ran 30%
    # slower (measured: 7.6 s instead of 5.9 s for one baseline run). Keep the other settings.
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    # Each task is one long CPU-bound run: the worker's housekeeping (event-loop tick every 20 ms,
    # system and memory monitors, the statistical profiler) competes for the GIL with it. Slower
    # housekeeping took one baseline run in a worker from 7.0 s to 6.0 s (direct: 5.3-5.9 s).
    dask.config.set({"distributed.nanny.pre-spawn-environ": environ, "distributed.worker.profile.enabled": False,
                     "distributed.admin.tick.interval": "1s", "distributed.admin.tick.limit": "30s",
                     "distributed.admin.system-monitor.interval": "5s",
                     "distributed.worker.memory.monitor-interval": "5s"})
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    return Client(cluster), cluster


def run_specs(specs: list[RunSpec], store: Store, workers: int | None = None, scheduler: str | None = None,
              indicators=None, groups=None, progress: bool = True, desc: str = "sweep") -> dict:
    """Run the specs not yet in ``store``; returns counts."""
    from dask.distributed import as_completed
    from tqdm import tqdm

    store.clean_orphans()
    done = store.done()
    unique = {s.run_id: s for s in specs}
    todo = [s for rid, s in unique.items() if rid not in done]
    counts = {"runs": len(unique), "already_done": len(unique) - len(todo), "ok": 0, "failed": 0}
    if not todo:
        return counts
    client, cluster = open_client(workers, scheduler)
    futures = []
    try:
        with tqdm(total=len(unique), initial=counts["already_done"], desc=desc, unit="run", disable=not progress,
                  file=sys.stderr, dynamic_ncols=True) as bar:
            futures = client.map(_task, todo, indicators=indicators, groups=groups, pure=False)
            by_key = {f.key: s for f, s in zip(futures, todo)}
            for fut in as_completed(futures):
                spec = by_key[fut.key]
                try:
                    res = fut.result()
                except Exception as e:  # noqa: BLE001 - a worker died: record it, go on
                    res = {"ok": False, "error": f"{type(e).__name__}: {e}"}
                rec = _record(spec, res)
                if res.get("ok"):
                    store.write_run(spec.run_id, res["tables"], rec)
                    counts["ok"] += 1
                else:
                    store.write_record(spec.run_id, {**rec, "status": "failed"})
                    counts["failed"] += 1
                bar.set_postfix(failed=counts["failed"])
                bar.update(1)
    finally:
        for f in futures:
            f.cancel()
        client.close()
        if cluster is not None:
            cluster.close()
    return counts


def sweep(experiment_file: str | Path, out: str | Path | None = None, workers: int | None = None,
          scheduler: str | None = None, progress: bool = True) -> tuple[Path, dict]:
    exp, specs = load_experiment(experiment_file)
    out = Path(out) if out else Path("runs") / "sweeps" / exp.name
    store = Store(out)
    meta = out / "experiment.json"
    definition = {"file": str(experiment_file), "experiment": exp.model_dump(mode="json"), "runs": len(specs)}
    if meta.exists():
        old = json.loads(meta.read_text())
        if old.get("experiment") != definition["experiment"]:
            from model.experiments.definition import ExperimentError
            raise ExperimentError([f"{out}: holds results of a different experiment definition ({meta}); "
                                   "choose another --out or delete the folder"])
    else:
        meta.write_text(json.dumps(definition, indent=2, default=str))
    t0 = time.perf_counter()
    counts = run_specs(specs, store, workers, scheduler, exp.indicators, exp.groups, progress)
    counts["wall_s"] = time.perf_counter() - t0
    return out, counts
