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
place; the run's record in ``runs/`` is written last (also by rename). A run counts as done only
when its record exists, and readers only read partitions of runs recorded ``ok``: a crash (even
SIGKILL) between the two leaves an orphan partition that the next sweep deletes before redoing
the run, so the store never holds a partial or duplicated run.

**Reading.** ``load(out, "timeseries")`` gives a pandas DataFrame with the run table's columns
(scenario, seed, parameters) joined in; with DuckDB::

    SELECT * FROM read_parquet('OUT/timeseries/*/*.parquet', hive_partitioning = true)
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

TABLES = ("timeseries", "subgroups", "incidence")


def _atomic_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class Store:
    def __init__(self, out: str | Path):
        self.out = Path(out)
        (self.out / "runs").mkdir(parents=True, exist_ok=True)

    # ---------------------------------------------------------------- state
    def records(self) -> dict[str, dict]:
        out = {}
        for f in (self.out / "runs").glob("*.json"):
            try:
                out[f.stem] = json.loads(f.read_text())
            except (OSError, json.JSONDecodeError):
                continue  # cannot happen with atomic writes; treat as not done
        return out

    def done(self) -> set[str]:
        return set(self.records())

    def clean_orphans(self) -> int:
        """Delete partitions of runs without a record (left by a crash); returns how many."""
        done = self.done()
        n = 0
        for table in TABLES:
            for part in (self.out / table).glob("run_id=*"):
                if part.name.split("=", 1)[1] not in done:
                    shutil.rmtree(part, ignore_errors=True)
                    n += 1
            for tmp in (self.out / table).glob("run_id=*/.*.tmp*"):
                tmp.unlink(missing_ok=True)
        for tmp in (self.out / "runs").glob(".*.tmp*"):  # a record being written when the process died
            tmp.unlink(missing_ok=True)
        return n

    # ---------------------------------------------------------------- writing
    def write_run(self, run_id: str, tables: dict[str, pd.DataFrame], record: dict) -> None:
        import io

        for name, df in tables.items():
            buf = io.BytesIO()
            df.to_parquet(buf, index=False)
            _atomic_bytes(self.out / name / f"run_id={run_id}" / "part.parquet", buf.getvalue())
        self.write_record(run_id, {**record, "status": "ok"})

    def write_record(self, run_id: str, record: dict) -> None:
        record = {"run_id": run_id, "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"), **record}
        _atomic_bytes(self.out / "runs" / f"{run_id}.json", json.dumps(record, default=str).encode())

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
