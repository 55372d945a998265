#!/usr/bin/env python
"""Speed and memory benchmark for the Dugnad model, against Mesa's own reference example.

Run from the repository root with the project's virtual environment:

    .venv/bin/python benchmarks/bench_speed.py                 # full run (a few minutes)
    .venv/bin/python benchmarks/bench_speed.py --skip-scaling  # only the 10,000-person comparison
    .venv/bin/python benchmarks/bench_speed.py --json results.json

What it measures (see benchmarks/README.md for details):

(a) Dugnad baseline, ``--persons`` persons (default 10,000), ``--burn-in`` burn-in months (120) and
    ``--months`` recorded months (120). Set-up (building the population) is timed separately from
    stepping; stepping = burn-in + recorded months. Cost unit: one *person-month* (one person
    stepped through one month), counted as persons × (burn-in + recorded months).
(b) Mesa's reference example ``mesa.examples.basic.boltzmann_wealth_model`` (BoltzmannWealth with
    BoltzmannScenario(n=10000, width=100, height=100)), stepped ``--mesa-steps`` times (120). Cost
    unit: one *agent-step*. Printed: Dugnad µs/person-month, Mesa µs/agent-step and their ratio
    (target ≤ 1.0).
(c) Peak memory (peak resident set size, ``ru_maxrss``) of each model. Every model runs in its own
    subprocess so the peak belongs to that model alone (target ≤ 1 GB at 10,000 persons).
(d) Scaling: Dugnad at ``--scaling-persons`` (10,000 and 100,000) with a short run
    (``--scaling-burn-in`` 12 + ``--scaling-months`` 12), reporting µs/person-month for each, so one
    can see whether the cost per person-month stays flat (time grows no worse than linearly).

The script is plain Python (no pytest-benchmark). Internally it re-invokes itself with
``--worker ...`` for each measured model; those flags are not meant to be used by hand.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time

MB = 1024 * 1024
TARGET_RATIO = 1.0
TARGET_PEAK_MB = 1024.0
# per-person-month cost at the larger size may exceed the smaller one by this factor before the
# scaling check is called "worse than linear" (timing noise, cache effects)
SCALING_TOLERANCE = 1.25


# ============================================================================ worker side

def _peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (ru_maxrss: KiB on Linux, B on macOS)."""
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / MB if sys.platform == "darwin" else r / 1024


def _current_rss_mb() -> float | None:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MB
    except (OSError, ValueError, IndexError):
        return None


def run_dugnad(persons: int, burn_in: int, months: int, seed: int) -> dict:
    """Build and run the Dugnad baseline; return timings and memory."""
    from model.model import DugnadModel
    from model.scenario import PopulationParams, Scenario

    rss_imports = _peak_rss_mb()
    sc = Scenario(name="bench", seed=seed, population=PopulationParams(persons=persons),
                  months=months, burn_in_months=burn_in)
    gc.collect()
    t0 = time.perf_counter()
    m = DugnadModel(sc)  # builds the population, then runs the burn-in months
    construct_s = time.perf_counter() - t0
    n_start = len(m.people)
    m.run()
    n_end = len(m.people)
    setup_s = m.timings["setup_s"]
    burn_in_s = m.timings["burn_in_s"]
    run_s = m.timings["run_s"]
    step_s = burn_in_s + run_s
    person_months = n_start * (burn_in + months)
    return {
        "model": "dugnad",
        "persons_requested": persons,
        "persons": n_start,
        "persons_at_end": n_end,
        "organisations": len(m.orgs),
        "ties_at_end": len(m.ties),
        "burn_in_months": burn_in,
        "months": months,
        "person_months": person_months,
        "setup_s": setup_s,
        "construct_s": construct_s,  # set-up + burn-in + small extras (observer), wall time
        "burn_in_s": burn_in_s,
        "run_s": run_s,
        "step_s": step_s,
        "us_per_person_month": 1e6 * step_s / person_months if person_months else math.nan,
        "us_per_person_month_burn_in": 1e6 * burn_in_s / (n_start * burn_in) if burn_in else math.nan,
        "us_per_person_month_recorded": 1e6 * run_s / (n_start * months) if months else math.nan,
        "ms_per_month": 1e3 * step_s / (burn_in + months) if burn_in + months else math.nan,
        "rss_after_imports_mb": rss_imports,
        "rss_end_mb": _current_rss_mb(),
        "peak_rss_mb": _peak_rss_mb(),
    }


def run_mesa(n: int, width: int, height: int, steps: int, seed: int) -> dict:
    """Build and step Mesa's Boltzmann wealth example; return timings and memory."""
    import mesa
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth

    rss_imports = _peak_rss_mb()
    gc.collect()
    t0 = time.perf_counter()
    m = BoltzmannWealth(BoltzmannScenario(n=n, width=width, height=height, rng=seed))
    setup_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(steps):
        m.step()
    step_s = time.perf_counter() - t0
    agent_steps = n * steps
    return {
        "model": "mesa_boltzmann_wealth",
        "mesa_version": mesa.__version__,
        "agents": n,
        "width": width,
        "height": height,
        "steps": steps,
        "agent_steps": agent_steps,
        "setup_s": setup_s,
        "step_s": step_s,
        "us_per_agent_step": 1e6 * step_s / agent_steps if agent_steps else math.nan,
        "ms_per_step": 1e3 * step_s / steps if steps else math.nan,
        "rss_after_imports_mb": rss_imports,
        "rss_end_mb": _current_rss_mb(),
        "peak_rss_mb": _peak_rss_mb(),
    }


def worker_main(kind: str, params: dict) -> None:
    fn = {"dugnad": run_dugnad, "mesa": run_mesa}[kind]
    res = fn(**params)
    # the parent reads the last line of stdout
    sys.stdout.write("\n" + json.dumps(res) + "\n")
    sys.stdout.flush()


# ============================================================================ parent side

def measure(kind: str, params: dict, in_process: bool, label: str) -> dict:
    """Run one measurement, in a fresh subprocess unless ``in_process``."""
    print(f"  running {label} ...", flush=True)
    t0 = time.perf_counter()
    if in_process:
        res = {"dugnad": run_dugnad, "mesa": run_mesa}[kind](**params)
        res["peak_rss_note"] = "in-process: peak RSS is of the whole benchmark process so far"
    else:
        cmd = [sys.executable, os.path.abspath(__file__), "--worker", kind, "--worker-params", json.dumps(params)]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=None, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"benchmark worker {label!r} failed with exit code {proc.returncode}")
        lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
        res = json.loads(lines[-1])
    res["wall_s"] = time.perf_counter() - t0
    print(f"  done in {res['wall_s']:.1f} s", flush=True)
    return res


def _fmt(x: float | None, spec: str = ".2f") -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def _versions() -> dict:
    out = {"python": platform.python_version(), "platform": platform.platform(),
           "machine": platform.machine(), "cpu_count": os.cpu_count()}
    try:
        out["processor"] = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo")
                                 if ln.startswith("model name")), platform.processor())
    except OSError:
        out["processor"] = platform.processor()
    for mod in ("mesa", "numpy", "pandas"):
        try:
            out[mod] = __import__(mod).__version__
        except Exception:  # pragma: no cover - informational only
            out[mod] = None
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--persons", type=int, default=10_000, help="Dugnad persons for the main comparison")
    ap.add_argument("--months", type=int, default=120, help="Dugnad recorded months")
    ap.add_argument("--burn-in", type=int, default=120, help="Dugnad burn-in months (also stepped and timed)")
    ap.add_argument("--seed", type=int, default=1, help="seed for both models")
    ap.add_argument("--mesa-agents", type=int, default=10_000, help="BoltzmannWealth agents")
    ap.add_argument("--mesa-width", type=int, default=100)
    ap.add_argument("--mesa-height", type=int, default=100)
    ap.add_argument("--mesa-steps", type=int, default=120, help="BoltzmannWealth steps")
    ap.add_argument("--skip-mesa", action="store_true", help="do not run the Mesa reference (no ratio)")
    ap.add_argument("--skip-scaling", action="store_true", help="skip the 10k vs 100k scaling check")
    ap.add_argument("--scaling-persons", type=int, nargs="+", default=[10_000, 100_000],
                    help="population sizes for the scaling check")
    ap.add_argument("--scaling-burn-in", type=int, default=12)
    ap.add_argument("--scaling-months", type=int, default=12)
    ap.add_argument("--in-process", action="store_true",
                    help="run every model in this process (faster start; peak RSS then not per model)")
    ap.add_argument("--json", metavar="OUT", help="also write all results as JSON to OUT")
    ap.add_argument("--worker", choices=["dugnad", "mesa"], help=argparse.SUPPRESS)
    ap.add_argument("--worker-params", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        worker_main(args.worker, json.loads(args.worker_params))
        return 0

    env = _versions()
    print(f"Dugnad speed benchmark — Python {env['python']}, Mesa {env['mesa']}, numpy {env['numpy']}, "
          f"{env['processor']} ({env['cpu_count']} CPUs)")
    results: dict = {"started": _dt.datetime.now().isoformat(timespec="seconds"), "environment": env,
                     "targets": {"ratio_max": TARGET_RATIO, "peak_rss_mb_max": TARGET_PEAK_MB}}

    # (a) Dugnad baseline
    print(f"\n(a) Dugnad baseline: {args.persons:,} persons, {args.burn_in} burn-in + {args.months} recorded months")
    d = measure("dugnad", {"persons": args.persons, "burn_in": args.burn_in, "months": args.months,
                           "seed": args.seed}, args.in_process, "dugnad")
    results["dugnad"] = d

    # (b) Mesa reference
    mref = None
    if not args.skip_mesa:
        print(f"\n(b) Mesa reference: BoltzmannWealth n={args.mesa_agents:,} on "
              f"{args.mesa_width}x{args.mesa_height}, {args.mesa_steps} steps")
        mref = measure("mesa", {"n": args.mesa_agents, "width": args.mesa_width, "height": args.mesa_height,
                                "steps": args.mesa_steps, "seed": args.seed}, args.in_process, "mesa")
        results["mesa"] = mref

    # (d) scaling
    scaling = []
    if not args.skip_scaling:
        print(f"\n(d) Scaling: Dugnad at {', '.join(f'{n:,}' for n in args.scaling_persons)} persons, "
              f"{args.scaling_burn_in} burn-in + {args.scaling_months} recorded months")
        for n in args.scaling_persons:
            scaling.append(measure("dugnad", {"persons": n, "burn_in": args.scaling_burn_in,
                                              "months": args.scaling_months, "seed": args.seed},
                                   args.in_process, f"dugnad {n:,}"))
        results["scaling"] = scaling

    # ------------------------------------------------------------------ report
    w = 44
    print("\n" + "=" * 72)
    print(f"(a) Dugnad baseline ({d['persons']:,} persons, {len_str(d)})")
    print(f"  {'set-up (build population)':<{w}} {d['setup_s']:9.2f} s")
    print(f"  {'stepping, burn-in (' + str(d['burn_in_months']) + ' months)':<{w}} {d['burn_in_s']:9.2f} s"
          f"   ({_fmt(d['us_per_person_month_burn_in'])} µs/person-month)")
    print(f"  {'stepping, recorded (' + str(d['months']) + ' months)':<{w}} {d['run_s']:9.2f} s"
          f"   ({_fmt(d['us_per_person_month_recorded'])} µs/person-month)")
    print(f"  {'stepping, total':<{w}} {d['step_s']:9.2f} s   ({d['ms_per_month']:.1f} ms/month)")
    print(f"  {'person-months stepped':<{w}} {d['person_months']:>9,}")
    print(f"  {'cost per person-month':<{w}} {d['us_per_person_month']:9.3f} µs")

    summary: dict = {"dugnad_us_per_person_month": d["us_per_person_month"]}
    if mref:
        ratio = d["us_per_person_month"] / mref["us_per_agent_step"]
        summary.update(mesa_us_per_agent_step=mref["us_per_agent_step"], ratio=ratio,
                       ratio_ok=ratio <= TARGET_RATIO)
        print(f"\n(b) Mesa BoltzmannWealth ({mref['agents']:,} agents, {mref['steps']} steps, Mesa {mref['mesa_version']})")
        print(f"  {'set-up':<{w}} {mref['setup_s']:9.2f} s")
        print(f"  {'stepping':<{w}} {mref['step_s']:9.2f} s   ({mref['ms_per_step']:.1f} ms/step)")
        print(f"  {'agent-steps':<{w}} {mref['agent_steps']:>9,}")
        print(f"  {'cost per agent-step':<{w}} {mref['us_per_agent_step']:9.3f} µs")
        print(f"\n  RATIO  Dugnad µs/person-month ÷ Mesa µs/agent-step = "
              f"{d['us_per_person_month']:.3f} / {mref['us_per_agent_step']:.3f} = {ratio:.3f}"
              f"   (target ≤ {TARGET_RATIO}: {'PASS' if ratio <= TARGET_RATIO else 'FAIL'})")

    print("\n(c) Peak memory (peak RSS of each model's own process"
          + (", NOT per model: --in-process)" if args.in_process else ")"))
    mem_ok = d["peak_rss_mb"] <= TARGET_PEAK_MB
    summary.update(dugnad_peak_rss_mb=d["peak_rss_mb"], memory_ok=mem_ok)
    print(f"  {'Dugnad ' + format(d['persons'], ',') + ' persons':<{w}} {d['peak_rss_mb']:9.1f} MiB"
          f"   (after imports {d['rss_after_imports_mb']:.1f} MiB; target ≤ {TARGET_PEAK_MB:.0f} MiB: "
          f"{'PASS' if mem_ok else 'FAIL'})")
    if mref:
        print(f"  {'Mesa BoltzmannWealth ' + format(mref['agents'], ',') + ' agents':<{w}} {mref['peak_rss_mb']:9.1f} MiB"
              f"   (after imports {mref['rss_after_imports_mb']:.1f} MiB)")
    for s in scaling:
        print(f"  {'Dugnad ' + format(s['persons'], ',') + ' persons (scaling run)':<{w}} {s['peak_rss_mb']:9.1f} MiB")

    if scaling:
        print(f"\n(d) Scaling ({args.scaling_burn_in} burn-in + {args.scaling_months} recorded months)")
        print(f"  {'persons':>10} {'set-up s':>9} {'step s':>8} {'µs/person-month':>16} {'relative':>9}")
        base = scaling[0]
        for s in scaling:
            rel = s["us_per_person_month"] / base["us_per_person_month"]
            print(f"  {s['persons']:>10,} {s['setup_s']:>9.2f} {s['step_s']:>8.2f} "
                  f"{s['us_per_person_month']:>16.3f} {rel:>8.2f}x")
        big = scaling[-1]
        if big is not base:
            size_ratio = big["persons"] / base["persons"]
            time_ratio = big["step_s"] / base["step_s"]
            exponent = math.log(time_ratio) / math.log(size_ratio)
            setup_exp = math.log(big["setup_s"] / base["setup_s"]) / math.log(size_ratio)
            per_unit = big["us_per_person_month"] / base["us_per_person_month"]
            linear_ok = per_unit <= SCALING_TOLERANCE
            summary.update(scaling_exponent=exponent, scaling_per_unit_ratio=per_unit,
                           setup_scaling_exponent=setup_exp, scaling_ok=linear_ok)
            print(f"  stepping time ∝ persons^{exponent:.2f} (1.00 = linear); set-up ∝ persons^{setup_exp:.2f}")
            print(f"  cost per person-month at {big['persons']:,} is {per_unit:.2f}x that at {base['persons']:,}"
                  f" → {'no worse than linear' if linear_ok else 'WORSE than linear'}"
                  f" (tolerance {SCALING_TOLERANCE}x)")
    print("=" * 72)

    results["summary"] = summary
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
        print(f"results written to {args.json}")
    return 0


def len_str(d: dict) -> str:
    return f"{d['burn_in_months']} burn-in + {d['months']} recorded months"


if __name__ == "__main__":
    sys.exit(main())
