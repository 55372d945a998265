"""The ``dugnad`` command line.

    dugnad run SCENARIO.toml [--seed N] [--persons N] [--months N] [--burn-in N] [--out DIR]
                             [--format parquet|csv] [--force] [--quiet]
                             [--save-state FILE | --from-state FILE]
    dugnad check SCENARIO.toml... [--show]
    dugnad validate [SCENARIO.toml] [--seeds N] [--persons N] [--months N] [--workers N] [--out DIR]
                    [--report docs/VALIDATION.md]
    dugnad calibrate [--population N] [--generations N] [--persons N] [--workers N] [--out DIR] [--write FILE]
    dugnad sweep EXPERIMENT.toml [--out DIR] [--workers N] [--scheduler ADDRESS]
    dugnad compare BASELINE.toml SCENARIO.toml... [--seeds N] [--months N] [--persons N] [--horizons 12,60] [--posterior N]
    dugnad sensitivity [--scenario FILE] [--method morris|sobol] [--n N] [--seeds N] [--indicators a,b]
    dugnad animate SCENARIO.toml --out file.gif [--months N] [--every N] [--persons N] [--seed N]

Bad input gets a one-line error per problem and exit code 2; no traceback, no output folder.

Checkpoints (:mod:`model.checkpoint`): ``run --save-state FILE`` also writes the whole model state,
random generators included, after the burn-in (month 0); ``run --from-state FILE`` starts from such
a state instead of building a population and running the burn-in, and writes the same tables as the
uninterrupted run. The scenario may differ from the saved one only in its interventions, months,
name and description (one burn-in, many branches); ``--seed``, ``--persons`` and ``--burn-in``
default to the state's and must agree with it. A state from another code version is refused. State
files are pickles: load only states from your own runs (trusted sources).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from model.errors import DugnadError
from model.experiments.definition import ExperimentError
from model.safe_io import check_writable, name_from_stem, short
from model.scenario import ScenarioError, load_scenario

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse prints usage + message by default)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


MAX_SEEDS = 10_000                     # seeds of one compare, validate or calibrate sample
MAX_PERSONS = 2_000_000                # as population.persons
MAX_SEED = 2**63 - 1                   # as the scenario's seed
MAX_WORKERS = 4 * (os.cpu_count() or 1)


def _nonneg_int(flag: str, minimum: int = 0, maximum: int | None = None):
    """A whole number from ``minimum`` to ``maximum``; bounded so a typo cannot ask for 10^8 seeds."""
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number (got {short(text)})") from None
        if v < minimum or (maximum is not None and v > maximum):
            allowed = f"from {minimum} to {maximum}" if maximum is not None else f"≥ {minimum}"
            raise argparse.ArgumentTypeError(f"must be {allowed} (got {v})")
        return v
    parse.__name__ = flag
    return parse


def _horizons(text: str) -> list[int]:
    try:
        out = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be whole months separated by commas, e.g. 12,60 (got {text!r})") from None
    if not out or any(x < 0 for x in out):
        raise argparse.ArgumentTypeError(f"must be months ≥ 0 separated by commas (got {text!r})")
    return out


def _indicator_list(text: str) -> list[str]:
    from model.indicators import INDICATORS
    out = [x.strip() for x in text.split(",") if x.strip()]
    bad = [x for x in out if x not in INDICATORS]
    if not out or bad:
        raise argparse.ArgumentTypeError(f"unknown indicator(s) {', '.join(bad) or text!r}; allowed: {', '.join(INDICATORS)}")
    return out


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="dugnad", description="Dugnad: civil society and integration of immigrants in Norway (agent-based model).")
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run one scenario and write its output folder")
    run.add_argument("scenario", help="scenario TOML file, e.g. scenarios/baseline.toml")
    run.add_argument("--seed", type=_nonneg_int("seed", 0, MAX_SEED), help="random seed (default: the scenario's)")
    run.add_argument("--persons", type=_nonneg_int("persons", 20, MAX_PERSONS), help="population size (default: the scenario's); neighbourhoods scale with it")
    run.add_argument("--months", type=_nonneg_int("months", 0, 1200), help="months to record after burn-in (default: the scenario's)")
    run.add_argument("--burn-in", type=_nonneg_int("burn-in", 0, 600), dest="burn_in", help="burn-in months before month 0")
    run.add_argument("--out", help="output folder (default: runs/<scenario>-seed<seed>)")
    run.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="table format (default parquet)")
    run.add_argument("--force", action="store_true", help="replace an existing output folder")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    state = run.add_mutually_exclusive_group()
    state.add_argument("--save-state", dest="save_state", metavar="FILE",
                       help="also write the whole model state (random generators included) after the burn-in, at month 0, "
                            "to FILE (replaces an earlier state file, never another file)")
    state.add_argument("--from-state", dest="from_state", metavar="FILE",
                       help="start from a state written by --save-state instead of building the population and running "
                            "the burn-in; the scenario may differ from the saved one only in interventions, months, name "
                            "and description; --seed, --persons and --burn-in default to the state's. State files are "
                            "pickles: load only your own (trusted) ones")
    chk = sub.add_parser("check", help="validate scenario files")
    chk.add_argument("files", nargs="+", help="scenario TOML files")
    chk.add_argument("--show", action="store_true", help="print each resolved scenario as JSON")
    val = sub.add_parser("validate", help="run a scenario over many seeds and compare it with every target")
    val.add_argument("scenario", nargs="?", default="scenarios/baseline.toml", help="scenario (default: the baseline)")
    val.add_argument("--seeds", type=_nonneg_int("seeds", 1, MAX_SEEDS), default=10, help="seeds 1..N (default 10)")
    val.add_argument("--persons", type=_nonneg_int("persons", 20, MAX_PERSONS), help="population size (default: the scenario's); neighbourhoods scale with it")
    val.add_argument("--months", type=_nonneg_int("months", 0, 1200), help="months after burn-in (default: the scenario's)")
    val.add_argument("--workers", type=_nonneg_int("workers", 1, MAX_WORKERS), help="parallel processes (default: cores)")
    val.add_argument("--out", help="output folder (default: runs/validation/<scenario>)")
    val.add_argument("--targets", default=None, help="targets file (default: model/data/targets.toml)")
    val.add_argument("--report", help="also write the validation report (e.g. docs/VALIDATION.md)")
    val.add_argument("--quiet", action="store_true", help="no progress bar")
    cal = sub.add_parser("calibrate", help="fit the free parameters to the calibrated targets (ABC-SMC, pyABC on Dask)")
    cal.add_argument("--scenario", default="scenarios/baseline.toml", help="scenario to calibrate (default: the baseline)")
    cal.add_argument("--population", type=_nonneg_int("population", 4, 10_000), help="parameter sets per generation (default: model/data/calibration.toml)")
    cal.add_argument("--generations", type=_nonneg_int("generations", 1, 100), help="most generations (default: the calibration file's)")
    cal.add_argument("--persons", type=_nonneg_int("persons", 20, MAX_PERSONS), help="population per run (default: the calibration file's)")
    cal.add_argument("--workers", type=_nonneg_int("workers", 1, MAX_WORKERS), help="parallel processes (default: cores)")
    cal.add_argument("--out", default="runs/calibration", help="working folder; run the same command again to resume (default runs/calibration)")
    cal.add_argument("--write", default="model/data/calibrated.toml", help="where the fitted parameters go (default model/data/calibrated.toml)")
    cal.add_argument("--spec", default=None, help="calibration settings file (default model/data/calibration.toml)")
    cal.add_argument("--quiet", action="store_true", help="no progress bar")
    sw = sub.add_parser("sweep", help="run an experiment (scenarios × parameters × seeds) on Dask")
    sw.add_argument("experiment", help="experiment TOML file, e.g. experiments/interventions.toml")
    sw.add_argument("--out", help="result store (default runs/sweeps/<experiment name>); resumable")
    sw.add_argument("--workers", type=_nonneg_int("workers", 1, MAX_WORKERS), help="worker processes of the embedded LocalCluster (default: cores)")
    sw.add_argument("--scheduler", help="address of an existing Dask scheduler, e.g. tcp://host:8786")
    sw.add_argument("--quiet", action="store_true", help="no progress bar")
    cmp_ = sub.add_parser("compare", help="compare interventions with the baseline: effects, cost-effectiveness, incidence")
    cmp_.add_argument("baseline", nargs="?", help="baseline scenario, e.g. scenarios/baseline.toml")
    cmp_.add_argument("scenarios", nargs="*", help="scenarios to compare with it")
    cmp_.add_argument("--store", help="instead of running: compare the scenarios of an existing sweep store")
    cmp_.add_argument("--baseline-name", default="baseline", dest="baseline_name",
                      help="with --store: the baseline's scenario name (default baseline)")
    cmp_.add_argument("--seeds", type=_nonneg_int("seeds", 1, MAX_SEEDS), default=5, help="paired seeds 1..N (default 5)")
    cmp_.add_argument("--months", type=_nonneg_int("months", 1, 1200), help="months after burn-in (default: the baseline's)")
    cmp_.add_argument("--persons", type=_nonneg_int("persons", 20, MAX_PERSONS), help="population size (default: each scenario's)")
    cmp_.add_argument("--burn-in", type=_nonneg_int("burn-in", 0, 600), dest="burn_in", help="burn-in months (default: each scenario's)")
    cmp_.add_argument("--horizons", type=_horizons, help="months to report, comma-separated (default 12,60,120 and the last)")
    cmp_.add_argument("--workers", type=_nonneg_int("workers", 1, MAX_WORKERS), help="worker processes (default: cores)")
    cmp_.add_argument("--scheduler", help="address of an existing Dask scheduler")
    cmp_.add_argument("--posterior", type=_nonneg_int("posterior", 0, MAX_SEEDS), default=0,
                      help="also run N parameter sets from the calibration's accepted samples (paired across "
                           "scenarios) and report intervals with parameter uncertainty (default 0: none)")
    cmp_.add_argument("--out", help="output folder (default runs/compare/<baseline>)")
    cmp_.add_argument("--quiet", action="store_true", help="no progress bar")
    sen = sub.add_parser("sensitivity", help="global sensitivity analysis of the free parameters (SALib)")
    sen.add_argument("--scenario", default="scenarios/baseline.toml", help="scenario (default: the baseline)")
    sen.add_argument("--method", choices=("morris", "sobol"), default="morris", help="Morris screening (default) or Sobol indices")
    sen.add_argument("--n", type=_nonneg_int("n", 1, 100_000), default=6, help="Morris trajectories or Sobol base samples (default 6)")
    sen.add_argument("--seeds", type=_nonneg_int("seeds", 1, MAX_SEEDS), default=2, help="seeds averaged per sample point (default 2)")
    sen.add_argument("--persons", type=_nonneg_int("persons", 20, MAX_PERSONS), default=2000, help="population (default 2000)")
    sen.add_argument("--months", type=_nonneg_int("months", 1, 1200), default=60, help="months after burn-in (default 60)")
    sen.add_argument("--burn-in", type=_nonneg_int("burn-in", 0, 600), dest="burn_in", help="burn-in months (default: the scenario's)")
    sen.add_argument("--indicators", type=_indicator_list, help="comma-separated indicators (default participation,volunteer,bridging_ties,youth_participation)")
    sen.add_argument("--group", default="immigrant_background", choices=("all", "majority", "immigrant", "descendant", "immigrant_background"))
    sen.add_argument("--workers", type=_nonneg_int("workers", 1, MAX_WORKERS), help="worker processes (default: cores)")
    sen.add_argument("--scheduler", help="address of an existing Dask scheduler")
    sen.add_argument("--out", default="runs/sensitivity", help="output folder (default runs/sensitivity); resumable")
    sen.add_argument("--quiet", action="store_true", help="no progress bar")
    ani = sub.add_parser("animate", help="an animated GIF of the network and participation (for rooms without a browser)")
    ani.add_argument("scenario", help="scenario TOML file")
    ani.add_argument("--out", required=True, help="GIF file to write")
    ani.add_argument("--months", type=_nonneg_int("months", 1, 1200), default=60, help="months to show (default 60)")
    ani.add_argument("--every", type=_nonneg_int("every", 1, 1200), default=3, help="months per frame (default 3)")
    ani.add_argument("--persons", type=_nonneg_int("persons", 100, MAX_PERSONS), default=1500, help="population (default 1500)")
    ani.add_argument("--seed", type=_nonneg_int("seed", 0, MAX_SEED), default=1, help="seed (default 1)")
    ani.add_argument("--quiet", action="store_true", help="no progress bar")
    return ap


def _overrides(args) -> dict:
    o: dict = {}
    if args.seed is not None:
        o["seed"] = args.seed
    if args.months is not None:
        o["months"] = args.months
    if args.burn_in is not None:
        o["burn_in_months"] = args.burn_in
    if args.persons is not None:
        o["population"] = {"persons": args.persons}
    return o


def _state_overrides(args, state) -> dict:
    """The command line's overrides; with ``--from-state``, seed, burn-in and persons not given
    are the state's (persons only where it differs from the scenario file's, so that the file's
    neighbourhoods are kept as the saving run kept them)."""
    from model.checkpoint import state_defaults

    o = _overrides(args)
    if state is None:
        return o
    d = state_defaults(state)
    whole = lambda v: isinstance(v, int) and not isinstance(v, bool)  # noqa: E731
    if "seed" not in o:
        o["seed"] = d["seed"]
    if "burn_in_months" not in o and whole(d["burn_in_months"]):
        o["burn_in_months"] = d["burn_in_months"]
    if "population" not in o and whole(d["persons"]) and d["persons"] != load_scenario(args.scenario).population.persons:
        o["population"] = {"persons": d["persons"]}
    return o


def _check_save_state(path: str, out: Path) -> Path:
    """Before the run: ``--save-state`` can be written, is not inside ``--out`` (which is replaced
    as a whole) and does not name an existing file that is not a state file."""
    from model.checkpoint import MAGIC

    if Path(path).resolve().is_relative_to(out.resolve()):
        raise DugnadError(f"--save-state {path}: is inside the --out folder {out}, which is written as a whole; "
                          "put the state elsewhere")
    path = check_writable(path, "--save-state", kind="file")
    if path.exists():
        try:
            with open(path, "rb") as f:
                head = f.read(len(MAGIC))
        except OSError as e:
            raise DugnadError(f"--save-state {path}: cannot read the existing file ({e.strerror or e})") from None
        if head != MAGIC:
            raise DugnadError(f"--save-state {path}: exists and is not a Dugnad state file; choose another name")
    return path


def cmd_run(args) -> int:
    from tqdm import tqdm

    from model.checkpoint import load_model, provenance, read_state, save_state
    from model.model import DugnadModel
    from model.outputs import TABLES, check_run_folder, write_run
    from model.summary import summary_text

    t0 = time.perf_counter()
    state = read_state(args.from_state) if args.from_state else None  # checked before anything runs
    sc = load_scenario(args.scenario, _state_overrides(args, state))
    m = load_model(state, sc) if state else None                      # a bad state: nothing written
    loaded_s = time.perf_counter() - t0
    out = Path(args.out) if args.out else Path("runs") / f"{sc.name}-seed{sc.seed}"
    check_run_folder(out, args.force)  # before the simulation: a bad --out costs nothing
    save_to = _check_save_state(args.save_state, out) if args.save_state else None
    extra = {"from_state": provenance(state)} if state else {}
    total = sc.months + (0 if m else sc.burn_in_months)
    with tqdm(total=total, desc=f"{sc.name} (seed {sc.seed})", unit="month", disable=args.quiet,
              file=sys.stderr, dynamic_ncols=True) as bar:
        if m is None:
            m = DugnadModel(sc, progress=bar.update)
            if save_to:
                t1 = time.perf_counter()
                header = save_state(m, save_to)
                m.timings["save_state_s"] = time.perf_counter() - t1
                extra["saved_state"] = {"file": str(save_to), "payload_sha256": header["payload"]["sha256"],
                                        "code_version": header["code_version"], "month": header["month"]}
        else:
            m.timings["load_state_s"] = loaded_s
        m.run(progress=bar.update)
    wall = time.perf_counter() - t0
    m.timings["total_s"] = wall
    path = write_run(m, out, args.format, scenario_file=str(args.scenario), force=args.force, extra=extra)
    print(summary_text(m, wall))
    conv = m.convergence
    if conv.get("converged") is False:
        print(f"warning: the burn-in ({sc.burn_in_months} months) has not settled: "
              f"{', '.join(conv['not_converged'])} still trend over its last {conv['months']} months "
              "(slopes in manifest.json: burn_in_convergence); consider a longer burn_in_months", file=sys.stderr)
    if save_to:
        print(f"State after the burn-in: {save_to}")
    print(f"\nOutput: {path}/  (manifest.json, " + ", ".join(f"{t}.{args.format}" for t in
                                                          TABLES) + ")")
    return 0


def cmd_check(args) -> int:
    """Validate scenario files, and the shipped data files every run or calibration reads."""
    from model.data_files import load_organisation_kinds
    from model.validation.calibrate import load_spec
    from model.validation.targets import load_targets

    load_organisation_kinds()
    load_targets()
    load_spec()
    problems = 0
    for f in args.files:
        try:
            sc = load_scenario(f)
        except ScenarioError as e:
            for line in e.problems:
                print(line, file=sys.stderr)
            problems += 1
            continue
        print(f"{f}: ok ({sc.name})")
        if args.show:
            print(json.dumps(sc.model_dump(mode="json"), indent=2, ensure_ascii=False))
    return EXIT_BAD_INPUT if problems else 0


def cmd_validate(args) -> int:
    from model.validation.report import write_report
    from model.validation.targets import TARGETS_FILE, load_targets
    from model.validation.validate import text_table, validate

    targets = args.targets or str(TARGETS_FILE)
    load_targets(targets)                        # bad targets file: fail before any run
    sc = load_scenario(args.scenario)            # bad scenario: fail before any run
    out = check_writable(Path(args.out) if args.out else Path("runs") / "validation" / sc.name)
    if args.report:
        check_writable(args.report, "--report", kind="file")
    summary, det = validate(args.scenario, args.seeds, args.persons, args.months, args.workers, out, targets,
                            progress=not args.quiet)
    print(text_table(summary, det))
    ok = summary[summary.role == "calibrated"].within
    print(f"\ncalibrated targets within tolerance: {int(ok.sum())} of {len(ok)}")
    print(f"Output: {out}/  (validation.csv, validation.md, validation.png, determinants.csv, per_seed.csv)")
    if args.report:
        command = "dugnad validate " + " ".join(a for a in sys.argv[2:]) if sys.argv[1:2] == ["validate"] else "dugnad validate"
        cal_dir = Path("runs") / "calibration" / "summary.json"
        write_report(Path(args.report), summary, det, out / "validation.png", command, args.scenario, args.seeds,
                     args.persons, cal_dir if cal_dir.exists() else Path("model/data/calibration_summary.json"),
                     Path("model/data/calibrated.toml"))
        print(f"Report: {args.report}")
    return 0


def cmd_calibrate(args) -> int:
    import shutil

    from model.validation.calibrate import CALIBRATION_FILE, calibrate

    load_scenario(args.scenario)
    check_writable(args.out)
    check_writable(args.write, "--write", kind="file")
    s = calibrate(args.scenario, Path(args.out), Path(args.write), args.workers, args.population, args.generations,
                  args.persons, args.spec or CALIBRATION_FILE, progress=not args.quiet)
    # keep the summary beside the fitted parameters, so the report can cite it without the working folder
    shutil.copyfile(Path(args.out) / "summary.json", Path(args.write).with_name("calibration_summary.json"))
    g = s["generations"][-1]
    print(f"{s['simulations']} runs in {len(s['generations'])} generations; last threshold {g['epsilon'] or float('inf'):.3f}, "
          f"median distance {g['median_distance']:.3f}")
    print(f"fitted (distance {s['distance_fitted']:.3f} over {s['settings']['refine_seeds']} seeds at "
          f"{s['settings']['refine_persons']:,} persons):")
    for k, v in s["fitted"].items():
        r = s["accepted_ranges"][k]
        print(f"  {k:34s} {v:10.4g}   posterior 5–95% {r['p05']:.3g}–{r['p95']:.3g}   prior {r['prior'][0]:g}–{r['prior'][1]:g}")
    ess = g.get("effective_sample_size")
    if ess is not None and ess < s["settings"]["population"] / 4:
        print(f"warning: the final generation's weights are worth {ess:.1f} equally weighted sets of "
              f"{g['accepted']}; the posterior ranges and `compare --posterior` understate the parameters' "
              "uncertainty (more sets per generation: --population)", file=sys.stderr)
    print(f"Written: {args.write}  (working folder {args.out}/)")
    return 0


def cmd_sweep(args) -> int:
    from model.experiments.sweep import sweep

    out, c = sweep(args.experiment, args.out, args.workers, args.scheduler, progress=not args.quiet)
    retried = f" ({c['retried']} earlier failures retried)" if c.get("retried") else ""
    print(f"{c['runs']} runs: {c['already_done']} already in the store, {c['ok']} ran now{retried}, "
          f"{c['failed']} failed ({c['wall_s']:.1f} s)")
    if c["failed"]:
        print(f"{c['failed']} runs are recorded failed with their error (Store('{out}').run_table()); "
              "run the same command again to retry them", file=sys.stderr)
    print(f"Store: {out}/  — load with model.experiments.store.load('{out}', 'timeseries') or DuckDB "
          f"read_parquet('{out}/timeseries/*/*.parquet', hive_partitioning = true)")
    return 1 if c["failed"] else 0


def cmd_compare(args) -> int:
    from model.experiments.compare import compare, compare_store, summary_table

    if args.store:
        if args.baseline or args.scenarios:
            raise DugnadError("compare: give scenario files or --store, not both")
        if args.posterior:
            raise DugnadError("compare: --posterior runs new parameter sets; it cannot be used with --store")
        out = check_writable(Path(args.out) if args.out else Path(args.store) / "compare")
        res = compare_store(Path(args.store), args.baseline_name, out)
        print(summary_table(res))
        print(f"\nReport: {out}/report.html")
        return 0
    if not args.baseline or not args.scenarios:
        raise DugnadError("compare: give a baseline and at least one scenario file (or --store DIR)")
    if args.posterior == 1:
        raise DugnadError(f"--posterior: must be 0 (none) or from 2 to {MAX_SEEDS} (got 1: one parameter set gives no interval)")

    for f in [args.baseline, *args.scenarios]:
        load_scenario(f)  # bad files fail before anything runs
    out = check_writable(Path(args.out) if args.out else Path("runs") / "compare" / name_from_stem(Path(args.baseline).stem))
    out.mkdir(parents=True, exist_ok=True)
    res = compare(args.baseline, args.scenarios, args.seeds, out, args.months, args.persons, args.horizons,
                  args.workers, args.scheduler, progress=not args.quiet, burn_in=args.burn_in, posterior=args.posterior)
    print(summary_table(res))
    print(f"\nReport: {out}/report.html (and report.md, effects.csv, cost_effectiveness.csv, incidence.csv, *.png)")
    return 0


def cmd_sensitivity(args) -> int:
    from model.experiments.sensitivity import ranking_text, sensitivity

    load_scenario(args.scenario)
    out = check_writable(args.out)
    out.mkdir(parents=True, exist_ok=True)
    df = sensitivity(args.scenario, out, args.method, args.n, args.seeds, args.persons, args.months, args.indicators,
                     args.group, None, args.workers, args.scheduler, progress=not args.quiet, burn_in=args.burn_in)
    print(f"Most influential parameters ({args.method}; {args.group}, last month):")
    print(ranking_text(df, args.method))
    print(f"\nOutput: {out}/sensitivity_{args.method}.csv and .png")
    return 0


def cmd_animate(args) -> int:
    from model.animate import animate

    load_scenario(args.scenario)
    check_writable(args.out, kind="file")
    out = animate(args.scenario, Path(args.out), args.months, args.every, args.persons, args.seed, progress=not args.quiet)
    print(f"Written: {out}")
    return 0


COMMANDS = {"run": cmd_run, "check": cmd_check, "validate": cmd_validate, "calibrate": cmd_calibrate,
            "sweep": cmd_sweep, "compare": cmd_compare, "sensitivity": cmd_sensitivity, "animate": cmd_animate}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe (``dugnad ... | head -1``) shows here, not at exit
        return code
    except (ScenarioError, ExperimentError) as e:
        for line in e.problems:
            print(line, file=sys.stderr)
        return EXIT_BAD_INPUT
    except DugnadError as e:
        print(f"dugnad: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("dugnad: interrupted; no output written", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away: stop quietly, as Unix tools do (and keep Python from complaining at exit)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as e:  # a failure while writing that no command foresaw (disk full, ...): one line
        print(f"dugnad: error: {e.filename or ''}{': ' if e.filename else ''}{e.strerror or e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
