#!/usr/bin/env python
"""Where does a Dugnad month go? Time per mechanism, plus a cProfile of the hottest functions.

    .venv/bin/python benchmarks/profile_step.py                    # 10,000 persons, 60 + 120 months
    .venv/bin/python benchmarks/profile_step.py --persons 100000 --burn-in 12 --months 12
    .venv/bin/python benchmarks/profile_step.py --pstats out.pstats  # keep the raw profile (snakeviz etc.)

Part 1 times each mechanism of ``model.mechanisms.ORDER`` (and the observer) over the burn-in and
the recorded months, without a profiler attached, by wrapping the mechanisms in this process only
(nothing under ``model/`` is changed). Part 2 runs the recorded months again under cProfile on a
fresh model and lists the functions with the most own time (tottime) and the most inclusive time
(cumtime) — the profiler's overhead inflates small Python calls, so read its shares next to part 1.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import time
from collections import defaultdict

import model.model as mm
from model.model import DugnadModel
from model.scenario import PopulationParams, Scenario

# Functions timed individually in part 1 (inclusive wall time, no profiler overhead), named
# "module:attribute"; a target missing from the code being profiled is skipped with a note.
HOT_FUNCTIONS = (
    "model.mechanisms.ladder:promote", "model.mechanisms.ladder:fill_offices",
    "model.mechanisms.ladder:record_volunteering", "model.mechanisms.ladder:informal_help",
    "model.mechanisms.recruitment:ask", "model.mechanisms.recruitment:seek",
    "model.mechanisms.ties:meetings", "model.mechanisms.ties:triads",
    "model.network:TieStore.decay", "model.network:TieStore.add", "model.network:TieStore.has",
    "model.network:TieStore.csr", "model.network:TieStore.counts_by_kind",
    "model.roster:Roster.__init__", "model.mechanisms.barriers:current_fees",
    "model.mechanisms.barriers:score", "model.indicators:snapshot",
)


class MechanismTimer:
    """Wraps each (name, step) of model.model.ORDER so every call is timed."""

    def __init__(self):
        self.t = defaultdict(float)
        self.phase = "burn_in"
        self._orig = mm.ORDER

    def _wrap(self, name, fn):
        def timed(model):
            t0 = time.perf_counter()
            fn(model)
            self.t[(self.phase, name)] += time.perf_counter() - t0
        return timed

    def install(self):
        mm.ORDER = tuple((name, self._wrap(name, fn)) for name, fn in self._orig)

    def uninstall(self):
        mm.ORDER = self._orig

    def wrap_observer(self, m):
        orig = m.observer.collect

        def collect():
            t0 = time.perf_counter()
            orig()
            self.t[(self.phase, "observer")] += time.perf_counter() - t0
        m.observer.collect = collect


class FunctionTimer:
    """Wraps functions/methods named in HOT_FUNCTIONS (module:attr or module:Class.method)."""

    def __init__(self, targets):
        self.t = defaultdict(float)
        self.calls = defaultdict(int)
        self.rebuilds = 0
        self._undo = []
        self.missing = []
        self.targets = targets

    def install(self):
        import importlib
        for target in self.targets:
            mod_name, attr = target.split(":")
            owner = importlib.import_module(mod_name)
            *path, name = attr.split(".")
            for part in path:
                owner = getattr(owner, part, None)
            fn = getattr(owner, name, None) if owner is not None else None
            if fn is None:
                self.missing.append(target)
                continue
            self._undo.append((owner, name, fn))
            setattr(owner, name, self._wrap(attr, fn))

    def _wrap(self, label, fn):
        def timed(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                self.t[label] += time.perf_counter() - t0
                self.calls[label] += 1
        return timed

    def uninstall(self):
        for owner, name, fn in reversed(self._undo):
            setattr(owner, name, fn)
        self._undo = []


def scenario(args) -> Scenario:
    return Scenario(name="profile", seed=args.seed, population=PopulationParams(persons=args.persons),
                    months=args.months, burn_in_months=args.burn_in)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--persons", type=int, default=10_000)
    ap.add_argument("--burn-in", type=int, default=60)
    ap.add_argument("--months", type=int, default=120)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--top", type=int, default=30, help="functions listed per cProfile table")
    ap.add_argument("--pstats", metavar="OUT", help="write the raw cProfile stats to OUT")
    ap.add_argument("--skip-cprofile", action="store_true")
    args = ap.parse_args()

    # ---------------------------------------------------------------- part 1: per mechanism
    timer = MechanismTimer()
    timer.install()
    ftimer = FunctionTimer(HOT_FUNCTIONS)
    try:
        m = DugnadModel(scenario(args))
        timer.wrap_observer(m)
        timer.phase = "recorded"
        ftimer.install()
        m.run()
    finally:
        ftimer.uninstall()
        timer.uninstall()
    n = len(m.people)
    print(f"Dugnad {n:,} persons, {len(m.orgs):,} organisations, {len(m.ties):,} ties at end; "
          f"set-up {m.timings['setup_s']:.2f} s, burn-in {m.timings['burn_in_s']:.2f} s, "
          f"recorded {m.timings['run_s']:.2f} s")
    names = [name for name, _ in mm.ORDER] + ["observer"]
    for phase, months, total in (("burn_in", args.burn_in, m.timings["burn_in_s"]),
                                 ("recorded", args.months, m.timings["run_s"])):
        if not months:
            continue
        print(f"\nPer mechanism, {phase.replace('_', '-')} ({months} months, {total:.2f} s, "
              f"{1e6 * total / (n * months):.2f} µs/person-month)")
        print(f"  {'mechanism':<14} {'total s':>8} {'ms/month':>9} {'µs/p-m':>8} {'share':>7}")
        rows = sorted(((timer.t.get((phase, k), 0.0), k) for k in names), reverse=True)
        for t, k in rows:
            print(f"  {k:<14} {t:8.3f} {1e3 * t / months:9.2f} {1e6 * t / (n * months):8.3f} {100 * t / total:6.1f}%")
        other = total - sum(t for t, _ in rows)
        print(f"  {'(step rest)':<14} {other:8.3f} {1e3 * other / months:9.2f} {1e6 * other / (n * months):8.3f} "
              f"{100 * other / total:6.1f}%")

    total = m.timings["run_s"]
    print("\nSelected functions, recorded months (inclusive wall time; nested entries overlap)")
    print(f"  {'function':<34} {'calls/month':>11} {'ms/month':>9} {'share':>7}")
    for label, t in sorted(ftimer.t.items(), key=lambda kv: -kv[1]):
        print(f"  {label:<34} {ftimer.calls[label] / args.months:11.1f} {1e3 * t / args.months:9.2f} "
              f"{100 * t / total:6.1f}%")
    if ftimer.missing:
        print(f"  (not found, skipped: {', '.join(ftimer.missing)})")

    if args.skip_cprofile:
        return
    # ---------------------------------------------------------------- part 2: cProfile
    m = DugnadModel(scenario(args))
    pr = cProfile.Profile()
    pr.enable()
    m.run()
    pr.disable()
    if args.pstats:
        pr.dump_stats(args.pstats)
    for key in ("tottime", "cumtime"):
        s = io.StringIO()
        st = pstats.Stats(pr, stream=s).strip_dirs().sort_stats(key)
        st.print_stats(args.top)
        print(f"\ncProfile of the {args.months} recorded months, sorted by {key}:")
        text = s.getvalue()
        print(text[text.find("   ncalls"):].rstrip())


if __name__ == "__main__":
    main()
