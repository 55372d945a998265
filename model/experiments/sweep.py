"""``dugnad sweep``: run an experiment on Dask distributed.

By default an embedded ``LocalCluster`` with one single-threaded worker process per core (no
server to install or start); with ``--scheduler tcp://host:8786`` the same sweep runs on an
existing Dask cluster (the workers need this package installed; results come back to this process,
which alone writes the store, so workers need no shared disk). Runs recorded ``ok`` in the store
are skipped, so re-running the same command after a crash or Ctrl-C runs only the missing ones; a
run that raises is recorded as failed with its error and does not stop the sweep, and the next
sweep retries it. A sweep never reports success while the store holds a failed run of its
experiment.

Bad input fails before any run starts, with one line: an output folder that cannot be written, a
scheduler address that is malformed or does not answer, an ``experiment.json`` of another
experiment (or one that cannot be read).
"""

from __future__ import annotations

import json
import logging
import sys
import textwrap
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit

from model.errors import DugnadError
from model.experiments.definition import ExperimentError, RunSpec, load_experiment
from model.experiments.store import Store
from model.safe_io import check_writable, clean_stale, short, write_atomic

SCHEMES = ("tcp", "tls", "ucx", "inproc")   # Dask's transports; an address without one means tcp
CONNECT_TIMEOUT = "5s"                      # an unreachable scheduler fails this fast


def _task(spec: RunSpec, indicators, groups, state: bytes | None = None) -> dict:
    """Runs in a Dask worker; never raises: a failure comes back as data."""
    from model.experiments.runner import run

    t0 = time.perf_counter()
    try:
        res = run(spec, indicators, groups, state)
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
            "interventions": info.get("interventions"), "assumed": info.get("assumed"), "error": res.get("error"),
            "traceback": res.get("traceback")}


def _why(e: Exception) -> str:
    """An error's reason on one short line (OS errors by their reason, without the file name)."""
    text = (e.strerror if isinstance(e, OSError) and e.strerror else None) or str(e) or type(e).__name__
    return textwrap.shorten(text, 120, placeholder="...")


def _host_port(rest: str) -> tuple[str, int] | None:
    """(host, port) of ``HOST:PORT`` (``[IPv6]:PORT`` too) with a port of 1–65535, else None."""
    try:
        parts = urlsplit(f"//{rest}")
        host, port = parts.hostname, parts.port
    except ValueError:  # a port that is not a number or out of range, a broken [IPv6]
        return None
    if not host or port is None or not 1 <= port <= 65535 or parts.username is not None \
            or parts.path or parts.query or parts.fragment:
        return None
    return host, port


def check_scheduler(address: str) -> str:
    """``address`` if it has the form of a Dask scheduler address (``tcp://HOST:PORT``, also
    ``tls://`` or ``ucx://``, ``inproc://…``, or a bare ``HOST:PORT``, which Dask reads as tcp);
    otherwise :class:`DugnadError` with one line. Dask itself would accept ``foo`` or ``tcp://`` and
    fail later with a traceback, or hang until its timeout."""
    example = "give tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786"
    where = f"--scheduler {short(address)}"
    if not isinstance(address, str) or not address or any(c.isspace() or c == "\0" for c in address):
        raise DugnadError(f"{where}: not a scheduler address; {example}")
    scheme, sep, rest = address.partition("://")
    if not sep:
        scheme, rest = "tcp", address
    if scheme not in SCHEMES:
        raise DugnadError(f"{where}: transport {short(scheme, 20)} is not one of {', '.join(SCHEMES)}; {example}")
    if scheme == "inproc" and not rest:
        raise DugnadError(f"{where}: inproc:// needs the address Dask printed; {example}")
    if scheme != "inproc" and _host_port(rest) is None:
        raise DugnadError(f"{where}: needs a host and a port between 1 and 65535; {example}")
    return address


def connect(scheduler: str):
    """A client to the scheduler at ``scheduler`` (checked first); :class:`DugnadError` with one
    line if it does not answer within :data:`CONNECT_TIMEOUT`."""
    from dask.distributed import Client

    check_scheduler(scheduler)
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as e:
        raise DugnadError(f"--scheduler {short(scheduler)}: cannot connect ({_why(e)}); "
                          "is the scheduler running and reachable from here?") from None


def open_client(workers: int | None, scheduler: str | None):
    """(client, cluster or None): a client to an existing scheduler, or an embedded LocalCluster."""
    from dask.distributed import Client, LocalCluster

    if scheduler is not None:
        return connect(scheduler), None
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
              indicators=None, groups=None, progress: bool = True, desc: str = "sweep", client=None) -> dict:
    """Run the specs not recorded ``ok`` in ``store`` (missing and failed ones); returns counts:
    ``runs``, ``already_done``, ``retried`` (runs recorded failed before), ``ok`` (ran fine now) and
    ``failed`` (runs of ``specs`` recorded failed in the store at the end, whether they failed now
    or before, so a caller never reports success over a failed run). ``client``: an open client to
    use (and leave open); otherwise one is opened from ``workers``/``scheduler`` and closed at the end."""
    if scheduler is not None:
        check_scheduler(scheduler)
    store.clean_orphans()
    unique = {s.run_id: s for s in specs}
    before = store.statuses()
    todo = [s for rid, s in unique.items() if before.get(rid) != "ok"]
    counts = {"runs": len(unique), "already_done": len(unique) - len(todo),
              "retried": sum(before.get(s.run_id) == "failed" for s in todo), "ok": 0, "failed": 0}
    if not todo:
        return counts
    own = client is None
    cluster = None
    if own:
        client, cluster = open_client(workers, scheduler)
    try:
        counts["ok"] = _run(client, todo, store, indicators, groups, counts, progress, desc)
    finally:
        if own:
            client.close()
            if cluster is not None:
                cluster.close()
    after = store.statuses()  # the store, not this sweep's tally: what it holds is what counts
    counts["failed"] = sum(after.get(rid) == "failed" for rid in unique)
    return counts


def _run(client, todo: list[RunSpec], store: Store, indicators, groups, counts: dict, progress: bool,
         desc: str) -> int:
    """Run ``todo`` on ``client``, writing each result as it comes; returns how many ran ``ok``.
    A failed run's record replaces its earlier one by rename, so the store always says ok or failed."""
    from dask.distributed import as_completed
    from tqdm import tqdm

    ok = failed = 0
    futures = []
    try:
        with tqdm(total=counts["runs"], initial=counts["already_done"], desc=desc, unit="run", disable=not progress,
                  file=sys.stderr, dynamic_ncols=True) as bar:
            futures = _submit(client, todo, indicators, groups)
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
                    ok += 1
                else:
                    store.write_record(spec.run_id, {**rec, "status": "failed"})
                    failed += 1
                bar.set_postfix(failed=failed)
                bar.update(1)
    finally:
        for f in futures:
            f.cancel()
    return ok


def branches(specs: list[RunSpec]) -> list[list[RunSpec]]:
    """``specs`` grouped by what their burn-in depends on (seed and scenario fingerprint,
    :func:`model.checkpoint.fingerprint_fields`): the runs of a group differ only in interventions
    and recording fields, so they can branch from one burn-in. A spec whose scenario cannot be
    loaded (a file gone since the sweep was defined) is a group of its own: its run fails and is
    recorded as such."""
    from model.checkpoint import fingerprint, fingerprint_fields
    from model.errors import DugnadError
    from model.scenario import load_scenario

    out: dict[tuple, list[RunSpec]] = {}
    for s in specs:
        try:
            key = (s.seed, fingerprint(fingerprint_fields(load_scenario(s.scenario_file, s.overrides()))))
        except DugnadError:
            key = ("unloadable", s.run_id)
        out.setdefault(key, []).append(s)
    return list(out.values())


def _submit(client, todo: list[RunSpec], indicators, groups) -> list:
    """One future per spec, in ``todo``'s order. A group of two or more runs that can branch
    (:func:`branches`) runs its burn-in once, as a task of its own, and every run of the group
    starts from that state (Dask hands the state from worker to worker)."""
    from model.experiments.runner import burn_in

    futures = {}
    for group in branches(todo):
        state = client.submit(burn_in, group[0], pure=False) if len(group) > 1 else None
        for s in group:
            futures[s.run_id] = client.submit(_task, s, indicators, groups, state, pure=False)
    return [futures[s.run_id] for s in todo]


def _definition_text(experiment_file, exp, specs) -> str:
    """The text of experiment.json, serialised exactly as earlier versions did (so a torn one is a prefix)."""
    definition = {"file": str(experiment_file), "experiment": exp.model_dump(mode="json"), "runs": len(specs)}
    return json.dumps(definition, indent=2, default=str)


def check_definition(out: Path, text: str) -> bool:
    """Whether ``out/experiment.json`` must be written (it is missing, or is a torn copy of
    ``text``); raises :class:`ExperimentError` if it describes another experiment or cannot be read.

    A torn file left by an older version (which wrote it in place) is a prefix of what it was
    writing; if it is a prefix of ``text`` it was this very definition, and that sweep died before
    any run, so rewriting it is safe. Anything else unreadable may guard other results: the user decides."""
    meta = out / "experiment.json"
    clean_stale(meta)
    try:
        raw = meta.read_bytes()
    except FileNotFoundError:
        return True
    except OSError as e:
        raise ExperimentError([f"{meta}: cannot read ({_why(e)}); fix it, or choose "
                               "another --out"]) from None
    try:
        old = json.loads(raw)
    except ValueError:
        old = None
    if not isinstance(old, dict) or not isinstance(old.get("experiment"), dict):
        if text.encode().startswith(raw):
            return True
        raise ExperimentError([f"{meta}: not a valid experiment.json (damaged or edited); restore it, or choose "
                               "another --out (or delete that folder to start over)"])
    if old["experiment"] != json.loads(text)["experiment"]:
        raise ExperimentError([f"{out}: holds results of a different experiment definition ({meta}); "
                               "choose another --out or delete the folder"])
    return False


def sweep(experiment_file: str | Path, out: str | Path | None = None, workers: int | None = None,
          scheduler: str | None = None, progress: bool = True) -> tuple[Path, dict]:
    """Run an experiment into the store ``out`` (default ``runs/sweeps/<name>``); returns (out, counts)
    as :func:`run_specs`, plus ``wall_s``. Everything that can be checked is checked before the
    store is touched: the output folder, the scheduler (connected to first), experiment.json."""
    exp, specs = load_experiment(experiment_file)
    out = Path(out) if out else Path("runs") / "sweeps" / exp.name
    check_writable(out, "--out")
    if out.is_dir() and any(out.iterdir()) and not (out / "experiment.json").exists():
        raise ExperimentError([f"{out}: is not a sweep store (no experiment.json) and is not empty; a sweep adds to "
                               "and cleans its own store only: choose another --out"])
    text = _definition_text(experiment_file, exp, specs)
    write_meta = check_definition(out, text)
    client = connect(scheduler) if scheduler is not None else None
    try:
        store = Store(out)
        if write_meta:
            _write_definition(out / "experiment.json", text)
        t0 = time.perf_counter()
        counts = run_specs(specs, store, workers, scheduler, exp.indicators, exp.groups, progress, client=client)
    finally:
        if client is not None:
            client.close()
    counts["wall_s"] = time.perf_counter() - t0
    return out, counts


def _write_definition(meta: Path, text: str) -> None:
    """Write experiment.json atomically (never torn); one line if it cannot be written."""
    try:
        write_atomic(meta, text)
    except OSError as e:
        raise DugnadError(f"{meta}: cannot write ({_why(e)})") from None
