"""How large are the organisations, and how mixed? (issue 11; FACTS §6: about one organisation per
50–55 inhabitants, mostly small associations with a few dozen members, a few large.)

    .venv/bin/dugnad run scenarios/baseline.toml --persons 20000 --months 0 --out /tmp/o20k --force --quiet
    .venv/bin/python benchmarks/organisation_sizes.py /tmp/o20k

Reads ``memberships.parquet``, ``organisations.parquet`` and ``persons.parquet`` of a run folder and
prints, by kind, the number of organisations with anyone active, and the median, 90th percentile and
largest number of persons in any role (participant or above); inhabitants per organisation; and the
share of organisations whose active persons are mostly (≥ ``--threshold``, 60 %) of one origin
group other than Norway (bonding arenas by composition). Organisations folded by
:mod:`model.mechanisms.organisations` (``active`` false) are left out.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd


def measure(out: Path, threshold: float = 0.6) -> tuple[pd.DataFrame, dict]:
    m = pd.read_parquet(out / "memberships.parquet")
    o = pd.read_parquet(out / "organisations.parquet")
    p = pd.read_parquet(out / "persons.parquet", columns=["person_id", "origin"])
    if "active" in o.columns:
        o = o[o["active"]]
    m = m[m["org_id"].isin(o["org_id"])].merge(p, on="person_id", how="left")
    size = m.groupby("org_id").size().reindex(o["org_id"], fill_value=0)
    o = o.assign(size=size.to_numpy())
    # the largest origin group among each organisation's active persons
    share = (m.groupby(["org_id", "origin"]).size() / m.groupby("org_id").size()).rename("share").reset_index()
    top = share.sort_values("share", ascending=False).drop_duplicates("org_id").set_index("org_id")
    o = o.join(top[["origin", "share"]].rename(columns={"origin": "top_origin"}), on="org_id")
    o["bonding_arena"] = (o["share"] >= threshold) & (o["top_origin"] != "Norway") & (o["size"] > 0)
    rows = []
    for kind, g in list(o.groupby("kind")) + [("all", o)]:
        s = g["size"]
        rows.append(dict(kind=kind, organisations=len(g), with_members=int((s > 0).sum()),
                         median=float(s.median()), p90=float(s.quantile(0.9)), max=int(s.max()),
                         bonding_arenas=int(g["bonding_arena"].sum())))
    table = pd.DataFrame(rows).set_index("kind")
    n_persons = len(p)
    s = o["size"]
    summary = dict(persons=n_persons, organisations=len(o), persons_per_organisation=n_persons / max(1, len(o)),
                   share_bonding_arenas=float(o["bonding_arena"].mean()),
                   share_under_50=float((s < 50).mean()), top10pct_share_of_memberships=float(
                       np.sort(s.to_numpy())[::-1][:max(1, len(s) // 10)].sum() / max(1, s.sum())))
    return table, summary


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, nargs="?", default=Path("/tmp/o20k"), help="run output folder")
    ap.add_argument("--threshold", type=float, default=0.6, help="origin share making a bonding arena")
    a = ap.parse_args(argv)
    table, summary = measure(a.out, a.threshold)
    print(table.to_string())
    print()
    for k, v in summary.items():
        print(f"{k}: {v:.3f}" if isinstance(v, float) else f"{k}: {v}")


if __name__ == "__main__":
    main()
