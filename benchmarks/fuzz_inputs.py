"""Hostile-but-fair input probe: how often does bad input give a traceback or nonsense?

    .venv/bin/python benchmarks/fuzz_inputs.py [--files 2000] [--runs 600] [--seed 1]

1. Mutates the shipped scenario files (values replaced by hostile ones — zero, negative, huge,
   NaN, quoted numbers, booleans, deep nesting, long strings —, lines deleted or doubled, keys
   invented) and runs ``dugnad check`` on each, in this process.
2. Runs (300 persons, 2 + 2 months) every mutated file ``check`` accepted, up to ``--runs``, and
   reads its tables back: a run that exits 0 with an infinite value, a share outside 0–1 or a
   negative count is *nonsense*.
3. Runs a list of bad command-line arguments.

A *traceback* is any exception that escapes ``model.cli.main`` (the command must turn bad input
into one line and exit 2). Prints the counts; exit 1 if any traceback or nonsense was seen.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import re
import sys
import tempfile
import traceback
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from model.cli import main  # noqa: E402

HOSTILE = ["0", "-1", "1e300", "-1e300", "nan", "inf", "1e-300", '"0.5"', "true", "[]", "{}", "1", "0.95",
           "100000000", '""', '"x"', "[" * 40 + "]" * 40, '"' + "a" * 5000 + '"', "2026-01-01", "0.999999",
           "{ sport = 30, culture = 36, religious = 10, humanitarian = 14 }", "[1, 2, 99999]", "1e6", "12.5"]
SM = ["--persons", "300", "--months", "2", "--burn-in", "2", "--quiet"]
BAD_ARGS = [
    ["run"], ["fly"], ["run", "missing.toml"], ["run", "scenarios/baseline.toml", "--persons", "ten"],
    ["run", "scenarios/baseline.toml", "--persons", "-5"], ["run", "scenarios/baseline.toml", "--persons", "100000000"],
    ["run", "scenarios/baseline.toml", "--months", "-1"], ["run", "scenarios/baseline.toml", "--months", "99999"],
    ["run", "scenarios/baseline.toml", "--seed", str(2**70)], ["run", "scenarios/baseline.toml", "--format", "xlsx"],
    ["run", "scenarios/baseline.toml", *SM, "--out", "/proc/x"], ["run", "scenarios/baseline.toml", *SM, "--out", "a" * 300],
    ["run", "scenarios/baseline.toml", *SM, "--out", "bad\x00name"], ["run", "scenarios/baseline.toml", *SM, "--out", "/"],
    ["run", "/dev/zero"], ["run", "/"], ["run", "scenarios"], ["check", "/dev/zero"], ["check", "/proc/self/mem"],
    ["check", "a\x00b.toml"], ["check", "x" * 5000 + ".toml"], ["compare", "scenarios/baseline.toml"],
    ["compare", "scenarios/baseline.toml", "scenarios/baseline.toml", "--seeds", "100000000"],
    ["compare", "scenarios/baseline.toml", "scenarios/baseline.toml", "--horizons", "a,b"],
    ["compare", "scenarios/baseline.toml", "scenarios/baseline.toml", "--horizons", "-3"],
    ["compare", "scenarios/baseline.toml", "scenarios/baseline.toml", "--workers", "0"],
    ["compare", "scenarios/baseline.toml", "scenarios/baseline.toml", "--workers", "1000000"],
    ["compare", "scenarios/baseline.toml", "scenarios/baseline.toml", "--scheduler", "foo", "--seeds", "1"],
    ["compare", "--store", "/nonexistent/store"], ["compare", "--store", "/proc"],
    ["validate", "--seeds", "0"], ["validate", "--seeds", "100000000"], ["validate", "--targets", "/dev/zero"],
    ["validate", "--targets", "missing.toml"], ["validate", "--report", "/proc/x/report.md", "--seeds", "1"],
    ["validate", "missing.toml"], ["calibrate", "--samples", "1"], ["calibrate", "--spec", "/dev/zero"],
    ["calibrate", "--spec", "missing.toml"], ["calibrate", "--write", "/proc/x/c.toml", "--samples", "2"],
    ["sweep", "missing.toml"], ["sweep", "/dev/zero"], ["sweep", "experiments/tiny.toml", "--workers", "0"],
    ["sweep", "experiments/tiny.toml", "--workers", "999999"], ["sweep", "experiments/tiny.toml", "--out", "/proc/x"],
    ["sweep", "experiments/tiny.toml", "--scheduler", "tcp://"], ["sweep", "experiments/tiny.toml", "--scheduler", "http://x"],
    ["sweep", "experiments/tiny.toml", "--scheduler", "tcp://127.0.0.1:1"],
    ["sweep", "experiments/tiny.toml", "--scheduler", "tcp://host:notaport"],
    ["sensitivity", "--method", "fast"], ["sensitivity", "--n", "0"], ["sensitivity", "--indicators", "nope"],
    ["sensitivity", "--group", "martians"], ["sensitivity", "--out", "/proc/x"], ["sensitivity", "--scenario", "missing.toml"],
    ["animate", "scenarios/baseline.toml"], ["animate", "scenarios/baseline.toml", "--out", "/proc/x/a.gif"],
    ["animate", "scenarios/baseline.toml", "--out", "a.gif", "--every", "0"],
    ["animate", "scenarios/baseline.toml", "--out", "a.gif", "--persons", "5"],
    ["animate", "missing.toml", "--out", "a.gif"], ["run", "scenarios/baseline.toml", "--burn-in", "100000"],
]


def mutate(text: str, rnd: random.Random) -> str:
    lines = text.splitlines()
    for _ in range(rnd.randint(1, 4)):
        i = rnd.randrange(len(lines))
        op = rnd.random()
        if op < 0.55 and "=" in lines[i] and not lines[i].lstrip().startswith("#"):
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {rnd.choice(HOSTILE)}"
        elif op < 0.7:
            del lines[i]
        elif op < 0.8:
            lines.insert(i, lines[i])
        elif op < 0.9:
            lines.insert(i, f"{rnd.choice(['x', 'persons', 'homophily', 'a' * 300])} = {rnd.choice(HOSTILE)}")
        else:
            lines.insert(i, rnd.choice(["[population]", "[recruitment]", "[[interventions]]", "[ties]", "[x.y.z]"]))
    return "\n".join(lines) + "\n"


def call(argv: list[str]) -> tuple[int | None, str]:
    """(exit code, '') or (None, traceback text) when an exception escaped main."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            return main(argv), ""
    except SystemExit as e:
        return (e.code if isinstance(e.code, int) else 2), ""
    except BaseException:  # noqa: BLE001 - what the probe counts
        return None, traceback.format_exc(limit=3)


def nonsense(run_dir: Path) -> str:
    """Why the tables of a finished run are nonsense, or ''."""
    ts = pd.read_parquet(run_dir / "timeseries.parquet")
    num = ts.select_dtypes("number")
    if np.isinf(num.to_numpy(float)).any():
        return "infinite value in timeseries"
    shares = [c for c in num if c not in ("month", "persons", "bonding_ties", "bridging_ties", "ei_index") and not c.startswith("cost")]
    x = num[shares].to_numpy(float)
    if ((x < -1e-9) | (x > 1 + 1e-9)).any():
        return "share outside 0-1"
    for table in ("persons", "organisations", "ties", "benefits"):
        df = pd.read_parquet(run_dir / f"{table}.parquet").select_dtypes("number")
        v = df.to_numpy(float)
        if not np.isfinite(v).all():
            return f"NaN or infinity in {table}"
    if (num[[c for c in num if c.startswith("cost")] + ["persons"]].to_numpy(float) < 0).any():
        return "negative count or cost"
    return ""


def main_probe() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=600)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    corpus = [(f, f.read_text()) for f in sorted((ROOT / "scenarios").glob("*.toml"))]
    tracebacks: dict[str, list[str]] = {"check": [], "run": [], "cli": []}
    accepted, ran, bad = [], 0, []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for i in range(a.files):
            src, text = rnd.choice(corpus)
            f = tmp / f"f{i}.toml"
            f.write_text(re.sub(r'^extends = "', f'extends = "{src.parent}/', mutate(text, rnd), flags=re.M))
            code, tb = call(["check", str(f)])
            if tb:
                tracebacks["check"].append(f"{f.name} (from {src.name}): {tb.splitlines()[-1]}")
            elif code == 0:
                accepted.append(f)
        for f in accepted[: a.runs]:
            out = tmp / f"run-{f.stem}"
            code, tb = call(["run", str(f), *SM, "--out", str(out)])
            ran += 1
            if tb:
                tracebacks["run"].append(f"{f.name}: {tb.splitlines()[-1]}")
            elif code == 0 and (why := nonsense(out)):
                bad.append(f"{f.name}: {why}")
        with contextlib.chdir(ROOT):
            for argv in BAD_ARGS:
                code, tb = call([x if not x.startswith(("scenarios", "experiments")) else str(ROOT / x) for x in argv])
                if tb:
                    tracebacks["cli"].append(f"{' '.join(argv)[:80]}: {tb.splitlines()[-1]}")
    print(f"{a.files} fuzzed scenario files -> {len(tracebacks['check'])} tracebacks in check; {len(accepted)} accepted")
    print(f"{ran} runs of accepted files -> {len(tracebacks['run'])} tracebacks, {len(bad)} exit 0 with nonsense")
    print(f"{len(BAD_ARGS)} bad CLI argument lists -> {len(tracebacks['cli'])} tracebacks")
    for kind, items in tracebacks.items():
        for t in items[:10]:
            print(f"  {kind}: {t}")
    for b in bad[:10]:
        print(f"  nonsense: {b}")
    return 1 if any(tracebacks.values()) or bad else 0


if __name__ == "__main__":
    sys.exit(main_probe())
