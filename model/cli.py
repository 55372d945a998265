"""The ``dugnad`` command line.

    dugnad run SCENARIO.toml [--seed N] [--persons N] [--months N] [--burn-in N] [--out DIR]
                             [--format parquet|csv] [--force] [--quiet]
    dugnad check SCENARIO.toml... [--show]

Bad input gets a one-line error per problem and exit code 2; no traceback, no output folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from model.errors import DugnadError
from model.scenario import ScenarioError, load_scenario

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse prints usage + message by default)
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _nonneg_int(flag: str, minimum: int = 0):
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
        if v < minimum:
            raise argparse.ArgumentTypeError(f"must be ≥ {minimum} (got {v})")
        return v
    parse.__name__ = flag
    return parse


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="dugnad", description="Dugnad: civil society and integration of immigrants in Norway (agent-based model).")
    sub = ap.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run one scenario and write its output folder")
    run.add_argument("scenario", help="scenario TOML file, e.g. scenarios/baseline.toml")
    run.add_argument("--seed", type=_nonneg_int("seed"), help="random seed (default: the scenario's)")
    run.add_argument("--persons", type=_nonneg_int("persons", 20), help="population size (default: the scenario's)")
    run.add_argument("--months", type=_nonneg_int("months"), help="months to record after burn-in (default: the scenario's)")
    run.add_argument("--burn-in", type=_nonneg_int("burn-in"), dest="burn_in", help="burn-in months before month 0")
    run.add_argument("--out", help="output folder (default: runs/<scenario>-seed<seed>)")
    run.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="table format (default parquet)")
    run.add_argument("--force", action="store_true", help="replace an existing output folder")
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    chk = sub.add_parser("check", help="validate scenario files")
    chk.add_argument("files", nargs="+", help="scenario TOML files")
    chk.add_argument("--show", action="store_true", help="print each resolved scenario as JSON")
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


def cmd_run(args) -> int:
    from tqdm import tqdm

    from model.model import DugnadModel
    from model.outputs import TABLES, write_run
    from model.summary import summary_text

    sc = load_scenario(args.scenario, _overrides(args))
    out = Path(args.out) if args.out else Path("runs") / f"{sc.name}-seed{sc.seed}"
    if out.exists() and (not out.is_dir() or any(out.iterdir())) and not args.force:
        raise DugnadError(f"{out}: folder exists and is not empty; choose another --out or pass --force to replace it")
    total = sc.burn_in_months + sc.months
    t0 = time.perf_counter()
    with tqdm(total=total, desc=f"{sc.name} (seed {sc.seed})", unit="month", disable=args.quiet,
              file=sys.stderr, dynamic_ncols=True) as bar:
        m = DugnadModel(sc, progress=bar.update)
        m.run(progress=bar.update)
    wall = time.perf_counter() - t0
    m.timings["total_s"] = wall
    path = write_run(m, out, args.format, scenario_file=str(args.scenario), force=args.force)
    print(summary_text(m, wall))
    print(f"\nOutput: {path}/  (manifest.json, " + ", ".join(f"{t}.{args.format}" for t in
                                                          TABLES) + ")")
    return 0


def cmd_check(args) -> int:
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


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return cmd_run(args)
        return cmd_check(args)
    except ScenarioError as e:
        for line in e.problems:
            print(line, file=sys.stderr)
        return EXIT_BAD_INPUT
    except DugnadError as e:
        print(f"dugnad: error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("dugnad: interrupted; no output written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
