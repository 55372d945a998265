"""Experiment files: scenarios × parameter grid or Latin-hypercube sample × seeds.

```toml
name = "ask_rate_sweep"
scenarios = ["../scenarios/baseline.toml", "../scenarios/open_recruitment.toml"]  # relative to this file
seeds = 5                      # seeds 1..5 (or a list: [1, 2, 7])
months = 60                    # months after burn-in (default: each scenario's)
persons = 3000                 # population (default: each scenario's)
burn_in_months = 120           # default: each scenario's
indicators = ["participation", "volunteer", "bridging_ties"]   # default: all
groups = ["majority", "immigrant_background"]                  # default: all
horizons = [12, 60]            # months at which subgroup tables are kept (default: the last month)

[grid]                         # every combination, applied to every scenario
"recruitment.ask_rate" = [0.15, 0.25]

# or, instead of [grid]:
[sample]                       # Latin hypercube over ranges
n = 20
seed = 1
parameters = { "recruitment.ask_rate" = [0.1, 0.3] }
```

Errors name the file, the field and what is allowed (``ExperimentError``), like scenario files.
The name becomes a folder name (``runs/sweeps/<name>``), so it is a plain name, never a path; the
number of runs (scenarios × points × seeds) is bounded by :data:`MAX_RUNS`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator

from model.errors import DugnadError
from model.indicators import GROUPS, INDICATORS
from model.safe_io import InputError, check_name, format_loc, read_toml, short
from model.schema import Section

MAX_SEED = 2**63 - 1       # seeds go to NumPy and into run records as 64-bit integers
MAX_RUNS = 1_000_000       # scenarios × points × seeds; more is surely a mistake (one run takes seconds)


class ExperimentError(DugnadError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class SampleSpec(Section):
    n: int = Field(..., ge=1, le=100_000, description="number of Latin-hypercube samples")
    seed: int = Field(1, ge=0, le=MAX_SEED, description="seed of the design")
    parameters: dict[str, list[float]] = Field(..., description="parameter → [low, high]")


class Experiment(Section):
    name: str = Field(..., min_length=1, description="name of the experiment")
    description: str = ""
    scenarios: list[str] = Field(..., min_length=1, description="scenario files, relative to the experiment file")
    seeds: int | list[int] = Field(3, description="number of seeds (1..N) or an explicit list")
    months: int | None = Field(None, ge=0, le=1200)
    persons: int | None = Field(None, ge=20, le=2_000_000)
    burn_in_months: int | None = Field(None, ge=0, le=600)
    indicators: list[str] | None = None
    groups: list[str] | None = None
    horizons: list[int] | None = None
    grid: dict[str, list[float | int | bool | str]] | None = None
    sample: SampleSpec | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, v):
        return check_name(v)  # it becomes a folder name: no "/", "..", NUL, or 300 characters

    @field_validator("seeds")
    @classmethod
    def _seeds(cls, v):
        if isinstance(v, int):
            if not 1 <= v <= 100_000:
                raise ValueError(f"must be between 1 and 100000 (got {v})")
        elif not v or any(not 0 <= s <= MAX_SEED for s in v) or len(set(v)) != len(v):
            raise ValueError(f"must be a non-empty list of distinct seeds between 0 and 2**63-1 (got {short(v)})")
        return v

    @field_validator("indicators")
    @classmethod
    def _indicators(cls, v):
        bad = [x for x in v or [] if x not in INDICATORS]
        if bad:
            raise ValueError(f"unknown indicator(s) {', '.join(bad)}; allowed: {', '.join(INDICATORS)}")
        return v

    @field_validator("groups")
    @classmethod
    def _groups(cls, v):
        bad = [x for x in v or [] if x not in GROUPS]
        if bad:
            raise ValueError(f"unknown group(s) {', '.join(bad)}; allowed: {', '.join(GROUPS)}")
        return v

    @field_validator("horizons")
    @classmethod
    def _horizons(cls, v):
        if v is not None and (not v or any(h < 0 for h in v)):
            raise ValueError(f"must be a non-empty list of months ≥ 0 (got {v})")
        return v

    @model_validator(mode="after")
    def _grid_or_sample(self):
        if self.grid is not None and self.sample is not None:
            raise ValueError("give [grid] or [sample], not both")
        for name, values in (self.grid or {}).items():
            if not values:
                raise ValueError(f"grid.{name}: needs at least one value")
        for name, rng in (self.sample.parameters.items() if self.sample else []):
            if len(rng) != 2 or not rng[0] < rng[1]:
                raise ValueError(f"sample.parameters.{name}: must be [low, high] with low < high (got {rng})")
        n = len(self.scenarios) * self.n_points() * len(self.seed_list())
        if n > MAX_RUNS:
            raise ValueError(f"{n:,} runs ({len(self.scenarios)} scenarios × {self.n_points():,} parameter points × "
                             f"{len(self.seed_list())} seeds); at most {MAX_RUNS:,} per experiment: split it up")
        return self

    def n_points(self) -> int:
        """How many parameter points :meth:`points` gives, without building them."""
        if self.grid:
            return math.prod(len(v) for v in self.grid.values())
        return self.sample.n if self.sample else 1

    def seed_list(self) -> list[int]:
        return list(range(1, self.seeds + 1)) if isinstance(self.seeds, int) else list(self.seeds)

    def points(self) -> list[dict]:
        """Parameter points (dotted names → values): the grid's product, the sample, or one empty point."""
        if self.grid:
            names = list(self.grid)
            return [dict(zip(names, combo)) for combo in itertools.product(*(self.grid[n] for n in names))]
        if self.sample:
            from scipy.stats import qmc
            names = list(self.sample.parameters)
            u = qmc.LatinHypercube(d=len(names), seed=self.sample.seed).random(self.sample.n)
            return [{n: self.sample.parameters[n][0] + x * (self.sample.parameters[n][1] - self.sample.parameters[n][0])
                     for n, x in zip(names, row)} for row in u]
        return [{}]


@dataclass(frozen=True)
class RunSpec:
    """One run of an experiment: everything a worker needs, and a stable id for resuming."""
    scenario_file: str
    scenario_name: str
    scenario_hash: str
    point: tuple            # ((name, value), ...)
    seed: int
    months: int | None
    persons: int | None
    burn_in_months: int | None
    horizons: tuple | None

    @property
    def run_id(self) -> str:
        key = json.dumps([self.scenario_hash, list(self.point), self.seed, self.months, self.persons,
                          self.burn_in_months, list(self.horizons or ())], sort_keys=True, default=str)
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def overrides(self) -> dict:
        out: dict = {}
        for name, v in self.point:
            parts = name.split(".")
            d = out
            for p in parts[:-1]:
                d = d.setdefault(p, {})
            d[parts[-1]] = v
        if self.months is not None:
            out["months"] = self.months
        if self.burn_in_months is not None:
            out["burn_in_months"] = self.burn_in_months
        if self.persons is not None:
            out.setdefault("population", {})["persons"] = self.persons
        return out


def run_specs_for(scenario_file: str | Path, point: dict, seeds: list[int], months: int | None,
                  persons: int | None, burn_in_months: int | None, horizons=None) -> list[RunSpec]:
    """The runs of one scenario at one parameter point, one per seed. The scenario is loaded (and so
    checked, raising ``ScenarioError``) with the point's overrides; its resolved form is hashed into
    the run id, so a changed scenario file never reuses an old result."""
    from model.scenario import load_scenario

    file = str(Path(scenario_file).resolve())
    probe = RunSpec(file, "", "", tuple(sorted(point.items())), 0, months, persons, burn_in_months,
                    tuple(horizons) if horizons else None)
    sc = load_scenario(scenario_file, probe.overrides())
    h = hashlib.sha256(json.dumps(sc.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()[:16]
    return [replace(probe, scenario_name=sc.name, scenario_hash=h, seed=s) for s in seeds]


def load_experiment(path: str | Path) -> tuple[Experiment, list[RunSpec]]:
    """Read, validate and expand an experiment file; every scenario (with every parameter point) is
    checked by the scenario loader, so a bad point fails here, before anything runs."""
    from model.scenario import ScenarioError

    path = Path(path)
    try:
        data, _ = read_toml(path)
    except InputError as e:  # one line naming the file; printed like the other experiment errors
        raise ExperimentError([f"{path}: cannot read: {str(e).removeprefix(f'{path}: ')}"]) from None
    try:
        exp = Experiment.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown field; allowed: " + ", ".join(Experiment.model_fields)
            got = "" if "(got " in msg or not err["loc"] else f" (got {short(err.get('input'))})"
            problems.append(f"{path}: {format_loc(tuple(err['loc'])) or '(file)'}: {msg}{got}")
        raise ExperimentError(problems) from None
    runs, problems = [], []
    points = exp.points()
    for i, rel in enumerate(exp.scenarios):
        file = (path.parent / rel).resolve() if not Path(rel).is_absolute() else Path(rel)
        for point in points:
            try:
                runs += run_specs_for(file, point, exp.seed_list(), exp.months, exp.persons, exp.burn_in_months,
                                      exp.horizons)
            except ScenarioError as e:
                problems += [f"{path}: scenarios[{i}] with {dict(point) or 'no parameters'}: {p}" for p in e.problems]
                break
    if problems:
        raise ExperimentError(problems)
    return exp, runs
