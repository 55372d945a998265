"""The result store of an experiment: tidy tables as partitioned Parquet, one partition per run.

Layout of ``OUT/``::

    experiment.json                         the experiment (file, resolved definition, run count)
    runs/<run_id>.json                      one record per finished run: status ok/failed, error, timings
    timeseries/run_id=<run_id>/part.parquet month × group × indicator (long), per run
    subgroups/run_id=<run_id>/part.parquet  horizon × dimension × group × indicator, per run
    incidence/run_id=<run_id>/part.parquet  intervention × dimension × group: NOK and eligible persons

Tables are long (tidy): one row per run × month × group × indicator, so runs of scenarios with
different interventions (different cost columns) sit in one table.

**Atomic and resumable.** A run's tables are each written to a temporary file and renamed into
place (:func:`model.safe_io.write_atomic`); the run's record in ``runs/`` is written last (also by
rename). A run counts as done only when it is recorded ``ok``, and readers only read partitions of
runs recorded ``ok``: a crash (even SIGKILL) between the two leaves an orphan partition that the
next sweep deletes before redoing the run, so the store never holds a partial or duplicated run.
A run recorded ``failed`` is not done: the next sweep retries it, and the new record replaces the
old one by rename. A record file that cannot be parsed (torn by an older version, edited by hand)
counts as missing and is deleted by :meth:`Store.clean_orphans`, so the run is redone.

**Reading.** ``load(out, "timeseries")`` gives a pandas DataFrame with the run table's columns
(scenario, seed, parameters) joined in; with DuckDB::

    SELECT * FROM read_parquet('OUT/timeseries/*/*.parquet', hive_partitioning = true)
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from model.errors import DugnadError
from model.safe_io import clean_stale, write_atomic

TABLES = ("timeseries", "subgroups", "incidence")


class StoreError(DugnadError):
    """A result could not be written (disk full, permissions ...); the message names the store."""


def _read_record(f: Path) -> dict | None:
    """The record in ``f``, or None if it cannot be read or parsed (torn, edited by hand)."""
    try:
        rec = json.loads(f.read_bytes())
    except (OSError, ValueError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None
    return rec if isinstance(rec, dict) else None


def _clean_temp(folder: Path) -> None:
    """Remove leftovers of writes that died: ``.<name>.tmp-<pid>-…`` of writers no longer running
    (:func:`clean_stale` spares a live writer's), and the ``.<name>.tmp<pid>`` of older versions."""
    for tmp in folder.glob(".*.tmp*"):
        m = re.fullmatch(r"\.(.+)\.tmp(-?)\d+.*", tmp.name)
        if m and m.group(2):
            clean_stale(folder / m.group(1))
        elif m:
            tmp.unlink(missing_ok=True)


class Store:
    def __init__(self, out: str | Path):
        self.out = Path(out)
        (self.out / "runs").mkdir(parents=True, exist_ok=True)

    # ---------------------------------------------------------------- state
    def records(self) -> dict[str, dict]:
        """Run id → record, for every record file that can be parsed (others count as missing)."""
        out = {}
        for f in (self.out / "runs").glob("*.json"):
            rec = _read_record(f)
            if rec is not None:
                out[f.stem] = rec
        return out

    def statuses(self) -> dict[str, str | None]:
        """Run id → recorded status (``ok`` or ``failed``), in one pass over the records."""
        return {rid: rec.get("status") for rid, rec in self.records().items()}

    def done(self) -> set[str]:
        """Runs recorded ``ok``: only these are skipped by a sweep and read by :meth:`load`."""
        return {rid for rid, st in self.statuses().items() if st == "ok"}

    def failed(self) -> set[str]:
        """Runs recorded ``failed``: a sweep retries them."""
        return {rid for rid, st in self.statuses().items() if st == "failed"}

    def clean_orphans(self) -> int:
        """Delete what a crash or an older version can leave: partitions of runs not recorded ``ok``
        (a run that died between its tables and its record, or a failed run's), record files that
        cannot be parsed (the run is then redone) and stale temporary files. Returns how many
        partitions were deleted."""
        done = set()
        for f in (self.out / "runs").glob("*.json"):
            rec = _read_record(f)
            if rec is None:
                f.unlink(missing_ok=True)
            elif rec.get("status") == "ok":
                done.add(f.stem)
        _clean_temp(self.out / "runs")
        n = 0
        for table in TABLES:
            for part in (self.out / table).glob("run_id=*"):
                if part.name.split("=", 1)[1] not in done:
                    shutil.rmtree(part, ignore_errors=True)
                    n += 1
                else:
                    _clean_temp(part)
        return n

    # ---------------------------------------------------------------- writing
    def write_run(self, run_id: str, tables: dict[str, pd.DataFrame], record: dict) -> None:
        """Write a run's tables, then its ``ok`` record (which makes the run visible). If writing
        fails, the tables written so far are deleted and :class:`StoreError` is raised."""
        import io

        try:
            for name, df in tables.items():
                buf = io.BytesIO()
                df.to_parquet(buf, index=False)
                write_atomic(self.out / name / f"run_id={run_id}" / "part.parquet", buf.getvalue())
            self._write_record(run_id, {**record, "status": "ok"})
        except OSError as e:
            for name in TABLES:
                shutil.rmtree(self.out / name / f"run_id={run_id}", ignore_errors=True)
            raise self._error(run_id, e) from None

    def write_record(self, run_id: str, record: dict) -> None:
        """Write a run's record by rename (replacing an older one); :class:`StoreError` on failure."""
        try:
            self._write_record(run_id, record)
        except OSError as e:
            raise self._error(run_id, e) from None

    def _write_record(self, run_id: str, record: dict) -> None:
        record = {"run_id": run_id, "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"), **record}
        write_atomic(self.out / "runs" / f"{run_id}.json", json.dumps(record, default=str).encode())

    def _error(self, run_id: str, e: OSError) -> StoreError:
        why = textwrap.shorten(e.strerror or str(e), 120, placeholder="...")
        return StoreError(f"{self.out}: cannot write the result of run {run_id} ({why}); nothing of "
                          "it was kept: fix the cause (e.g. free disk space) and re-run the same command to continue")

    # ---------------------------------------------------------------- reading
    def run_table(self) -> pd.DataFrame:
        recs = list(self.records().values())
        if not recs:
            return pd.DataFrame(columns=["run_id", "scenario", "seed", "status"])
        df = pd.DataFrame(recs)
        params = pd.DataFrame([r.get("params") or {} for r in recs], index=df.index)
        params.columns = [f"param:{c}" for c in params.columns]
        return pd.concat([df.drop(columns=["params"], errors="ignore"), params], axis=1).sort_values(
            ["scenario", "seed", "run_id"], ignore_index=True)

    def load(self, table: str, runs: pd.DataFrame | None = None) -> pd.DataFrame:
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}; allowed: {', '.join(TABLES)}")
        runs = self.run_table() if runs is None else runs
        ok = runs[runs["status"] == "ok"]
        frames = []
        for rid in ok["run_id"]:
            f = self.out / table / f"run_id={rid}" / "part.parquet"
            if f.exists():
                frames.append(pd.read_parquet(f).assign(run_id=rid))
        if not frames:
            return pd.DataFrame()
        keep = [c for c in ok.columns if c in ("run_id", "scenario", "seed") or c.startswith("param:")]
        return pd.concat(frames, ignore_index=True).merge(ok[keep], on="run_id", how="left")


def load(out: str | Path, table: str = "timeseries") -> pd.DataFrame:
    """One table of a sweep store as a pandas DataFrame, with scenario, seed and parameters joined in."""
    return Store(out).load(table)
