"""How well paired seeds tell an intervention from the baseline: the 90% CI half-width of two
effects issue 12 names, at several seed counts, from one ``dugnad compare`` store.

    .venv/bin/python benchmarks/crn_variance.py [--seeds 16] [--persons 3000] [--months 60] \
        [--at 4,16] [--workers 2] [--out /tmp/crn_variance]

Runs ``dugnad compare`` (the tool policymakers use) with the baseline, the leisure card with
outreach and open recruitment for seeds 1..N, then reads the paired differences at the last month:

* leisure card with outreach → youth participation (13-19), immigrant background;
* open recruitment → participation (adults), immigrant background.

For each seed count k in ``--at`` it prints the mean difference, the 90% CI half-width (t over
seeds, as ``compare`` reports it) and the standard deviation of the paired differences for seeds
1..k, and, when the run has at least two blocks of k seeds, the mean half-width over the disjoint
blocks 1..k, k+1..2k, … (a half-width from 4 seeds is itself very noisy: its standard deviation
is estimated with a relative error of about 40 %; averaging blocks is how to compare two commits
at 4 seeds). Run it on main before and after a change to the random streams and compare the
half-widths at the same seeds and size.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

EFFECTS = (("leisure_card_outreach", "youth_participation", "leisure card with outreach → youth 13-19"),
           ("open_recruitment", "participation", "open recruitment → adults taking part"))


def main() -> None:
    from model.experiments.compare import _ci, compare
    from model.experiments.store import Store

    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=16)
    ap.add_argument("--persons", type=int, default=3000)
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--at", default="4,16", help="seed counts to report, comma-separated")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="/tmp/crn_variance")
    a = ap.parse_args()
    out = Path(a.out)
    t0 = time.perf_counter()
    compare("scenarios/baseline.toml", ["scenarios/leisure_card_outreach.toml", "scenarios/open_recruitment.toml"],
            a.seeds, out, months=a.months, persons=a.persons, horizons=[a.months], workers=a.workers, progress=False)
    wall = time.perf_counter() - t0
    ts = Store(out / "store").load("timeseries")
    ts = ts[(ts["month"] == a.months) & (ts["group"] == "immigrant_background")]
    print(f"{a.persons} persons, {a.months} months, seeds 1..{a.seeds}, {wall:.0f} s wall ({a.workers} workers)")
    print(f"{'effect':44}{'seeds':>6}{'mean':>9}{'half-width':>12}{'sd':>9}{'blocks':>8}{'mean half-width':>17}")
    for scenario, indicator, label in EFFECTS:
        v = ts[ts["indicator"] == indicator].pivot_table(index="seed", columns="scenario", values="value")
        d = (v[scenario] - v["baseline"]).sort_index().to_numpy(float)
        for k in (int(x) for x in a.at.split(",")):
            m, lo, hi = _ci(d[:k])
            blocks = [_ci(d[i:i + k]) for i in range(0, len(d) - k + 1, k)]
            mean_hw = np.mean([(b[2] - b[1]) / 2 for b in blocks])
            more = f"{len(blocks):>8}{mean_hw:>17.4f}" if len(blocks) > 1 else ""
            print(f"{label:44}{k:>6}{m:>9.4f}{(hi - lo) / 2:>12.4f}{np.std(d[:k], ddof=1):>9.4f}{more}")


if __name__ == "__main__":
    main()
