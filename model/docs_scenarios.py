"""Generate ``docs/scenarios.md`` — how to write a scenario, and every field with its default — from
the scenario schema itself, so that the documentation cannot drift from the code.

    python -m model.docs_scenarios           # (re)write docs/scenarios.md
    python -m model.docs_scenarios --check   # exit 1 if docs/scenarios.md is not what would be written

The field tables walk the pydantic models (:class:`model.scenario.Scenario`, its sections,
:class:`model.schema.Target` and the ``Params`` of every intervention in
:data:`model.interventions.CATALOGUE`); each field's meaning and source kind come from its
``P(default, source, doc)`` declaration and each intervention's text from its module docstring.
The output has no dates or other run-dependent content.
"""

from __future__ import annotations

import argparse
import re
import sys
import types
import typing
from pathlib import Path
from typing import Any, Literal, Union

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from model.interventions import CATALOGUE, MODULES
from model.scenario import Scenario
from model.schema import InterventionParams, Target
from model.state import FOCI, KINDS

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "scenarios.md"
COMMAND = "python -m model.docs_scenarios"

# What the keys (and values) of dict-valued fields may be: checked by validators that the field
# types cannot express (model/scenario.py ``_validate_maps`` / ``_validate_references``, the
# interventions' own validators). Keyed by (model class name, field name).
DICT_RULES = {
    ("OrganisationParams", "kind_shares"): "keys: sport, culture, religious, humanitarian; weights 0–1,000,000, not all 0, normalised to sum 1",
    ("TieParams", "meet_rate"): f"keys: {', '.join(FOCI)}; values 0 – 1",
    ("PopulationParams", "origin_mix"): "keys: origin groups of the origin-group file; values ≥ 0, not all 0",
    ("Params", "efficiency"): f"keys: {', '.join(KINDS)}; values 0 – 5",
    ("Params", "origins"): "keys: origin groups of the origin-group file; values ≥ 0, not all 0",
}
# Scalar fields whose allowed values a validator narrows beyond their bounds (model/scenario.py).
SCALAR_RULES = {
    ("OrganisationParams", "youth_per_youth_club"): "0 (no youth clubs) or 50 – 1,000,000",
}
LIST_RULES = {
    "municipalities": "numbers ≥ 0 below `population.municipalities` (with a geography: below its number of places, in file order)",
    "neighbourhoods": "numbers ≥ 0 below `population.neighbourhoods` (with a geography: the places' neighbourhoods, numbered place by place)",
    "drop_in_neighbourhoods": "numbers ≥ 0 below `population.neighbourhoods` (with a geography: numbered place by place)",
    "origins": "names from the `group` column of the origin-group file",
    "regions": "names from the `region` column of the origin-group file",
}


# ------------------------------------------------------------------------------- rendering bits

def type_name(ann: Any) -> str:
    """A field's type as a reader writes it: ``float``, ``dict[str, float]``, ``list[str] | None``,
    literals as ``"a" | "b"``, tables as ``table``."""
    origin = typing.get_origin(ann)
    args = typing.get_args(ann)
    if ann is type(None) or ann is None:
        return "None"
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin is Literal:
        return " | ".join(toml_value(a) for a in args)
    if origin in (Union, types.UnionType):
        return " | ".join(type_name(a) for a in args)
    if origin is list:
        inner = args[0] if args else Any
        if typing.get_origin(inner) is typing.Annotated:
            inner = typing.get_args(inner)[0]
        members = typing.get_args(inner) if typing.get_origin(inner) in (Union, types.UnionType) else (inner,)
        if all(isinstance(a, type) and issubclass(a, BaseModel) for a in members):
            return "list of tables"
        return f"list[{type_name(inner)}]"
    if origin is dict:
        return f"dict[{type_name(args[0])}, {type_name(args[1])}]"
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return "table"
    if isinstance(ann, type):
        return ann.__name__
    return str(ann).replace("typing.", "")


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else toml_value(k)


def toml_value(v: Any) -> str:
    """A default written as it would be in a TOML file (``None`` — not settable in TOML — as ``none``)."""
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, BaseModel):
        return toml_value(v.model_dump(exclude_defaults=True))
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(str(k))} = {toml_value(x)}" for k, x in v.items()) + " }" if v else "{}"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return repr(v)


def _num(x: Any) -> str:
    """A bound as written in the code: ``0`` for ``ge=0`` and ``ge=0.0``, ``0.9`` for ``le=0.9``."""
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def allowed(owner: type[BaseModel], name: str, info: FieldInfo) -> str:
    """Bounds from the field's metadata (``ge``/``gt``/``le``/``lt``) and the rules of dict and list fields."""
    if (owner.__name__, name) in SCALAR_RULES:
        return SCALAR_RULES[owner.__name__, name]
    lo = hi = None
    for m in info.metadata:
        if isinstance(m, Ge):
            lo = f"≥ {_num(m.ge)}"
        elif isinstance(m, Gt):
            lo = f"> {_num(m.gt)}"
        elif isinstance(m, Le):
            hi = f"≤ {_num(m.le)}"
        elif isinstance(m, Lt):
            hi = f"< {_num(m.lt)}"
    if lo and hi and lo.startswith("≥") and hi.startswith("≤"):
        return f"{lo[2:]} – {hi[2:]}"
    parts = [p for p in (lo, hi) if p]
    if not parts:
        rule = DICT_RULES.get((owner.__name__, name))
        if rule and typing.get_origin(_unoptional(info.annotation)) is dict:
            return rule
        if name in LIST_RULES and typing.get_origin(_unoptional(info.annotation)) is list:
            return LIST_RULES[name]
    return ", ".join(parts)


def _unoptional(ann: Any) -> Any:
    if typing.get_origin(ann) in (Union, types.UnionType):
        rest = [a for a in typing.get_args(ann) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return ann


def split_description(info: FieldInfo) -> tuple[str, str]:
    """(meaning, source kind) from a ``P(...)`` description ``"meaning [source]"``."""
    d = info.description or ""
    m = re.fullmatch(r"(.*) \[(data|assumption|free|setting)\]", d, re.DOTALL)
    return (m.group(1), m.group(2)) if m else (d, "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{_cell(text)}`" if text else ""


def field_table(model: type[BaseModel], names: list[str] | None = None, type_default: bool = False) -> list[str]:
    """A Markdown table of ``model``'s fields (all, or ``names``): field, type, default, allowed,
    source, meaning."""
    rows = ["| field | type | default | allowed | source | meaning |", "|---|---|---|---|---|---|"]
    for name, info in model.model_fields.items():
        if names is not None and name not in names:
            continue
        if name == "type" and type_default:
            rows.append(f"| `type` | `str` | {_code(toml_value(info.default))} |  |  | the intervention type (required) |")
            continue
        meaning, source = split_description(info)
        default = "required" if info.default is PydanticUndefined else toml_value(info.default)
        if info.default is None:
            default = "none"
        rows.append(f"| `{name}` | {_code(type_name(info.annotation))} | {_code(default)} | "
                    f"{_cell(allowed(model, name, info))} | {source} | {_cell(meaning)} |")
    return rows


def rst_to_markdown(text: str) -> str:
    """Docstring markup to Markdown: ````x```` → `` `x` ``, ``:func:`~a.b``` → `` `a.b` ``."""
    text = re.sub(r":[a-z]+:`~?([^`]+)`", r"`\1`", text)
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def docstring(obj: Any) -> str:
    import inspect
    return rst_to_markdown(inspect.cleandoc(obj.__doc__ or "")).strip()


# ------------------------------------------------------------------------------- the document

HOWTO = '''\
## How to write a scenario

A scenario is a TOML file. Every parameter has a default (listed below, declared once in
`model/scenario.py`, `model/schema.py` and `model/interventions/`), so a file sets only what it
changes. The usual way is to start from the baseline and extend it. The baseline itself extends
`model/data/calibrated.toml`, the parameters fitted by `dugnad calibrate` (see `docs/VALIDATION.md`),
so for those parameters a scenario extending the baseline gets the calibrated values, not the
defaults listed below:

```toml
# scenarios/card_and_course.toml
extends = "baseline.toml"          # relative to this file
name = "card_and_course"           # set it: otherwise the name "baseline" is inherited
description = "Leisure card with outreach, and an employer course for Polish and Lithuanian workers"

[population]                       # merged key by key with the baseline's [population]
persons = 8000
neighbourhoods = 16

[[interventions]]
type = "leisure_card"
name = "card"
outreach = true
[interventions.target]             # replaces the default target (children 6–17) entirely
age_min = 6
age_max = 17.99
low_income_only = true

[[interventions]]
type = "language_course"
name = "course"
start_month = 12                   # acts in months 12, 13, ..., 59
end_month = 60
provider = "employer"
seats_per_year = 120
[interventions.target]             # no max_norwegian here: the default's limit is gone too
backgrounds = ["immigrant"]
origins = ["Poland", "Lithuania"]
age_min = 18
age_max = 66
```

### Rules

- **Extending.** `extends = "file.toml"` names the parent, relative to the extending file; a
  parent may extend another file in turn (a circle is an error). Tables are merged key by key, and
  the extending file wins: above, `[population]` keeps every baseline value except `persons` and
  `neighbourhoods`. Values that are not tables are replaced whole; so is `population.origin_mix`.
- **A child's `interventions` list replaces the parent's list.** Interventions are not merged or
  appended: to keep a parent's interventions, repeat them in the child.
- **Targets.** A `[interventions.target]` table (or `target = { ... }`) replaces the intervention's
  default target **entirely**: fields not given take the defaults of the `Target` table below (no
  condition), not those of the intervention's default target. `target = {}` means everyone. Every
  condition given must hold.
- **Time.** The model first runs `burn_in_months` months without interventions; months then count
  from 0. `start_month` is the first month a measure acts; `end_month` is **exclusive** (the
  measure stops before it; leave it out to run to the end, `months`). Interventions act each month
  in the order they are listed, before the mechanisms.
- **Names.** Each intervention's `name` (default: its `type`) labels it in the outputs and must be
  unique: two interventions of one type need names.
- **Unknown keys are errors**, at every level: a misspelt field is reported, never ignored.
- **Cross-field checks**: `population.immigrant_share + population.descendant_share ≤ 0.95`;
  `end_month > start_month`; `target.age_min ≤ target.age_max`; origin groups and regions must
  exist in the origin-group file (`population.origin_groups_file`, relative to the file that sets
  it; default the shipped `model/data/origin_groups.csv`); neighbourhood and municipality numbers
  count from 0 and must exist in the population; dict keys are checked as the "allowed" column says.

### Checking a file

    dugnad check scenarios/card_and_course.toml [more.toml ...] [--show]

prints `FILE: ok (NAME)` for each valid file (with `--show`, the fully resolved scenario as JSON,
every default filled in) and exits 0; otherwise it prints one line per problem to stderr and exits
2. All problems of a file are reported at once, each as

    FILE: line N: field.path: what is wrong (got VALUE)

for example, with `start_month = -5` in the example above:

    card_and_course.toml: line 22: interventions[1].start_month: Input should be greater than or equal to 0 (got -5)

`FILE` is the file the bad value was written in (a parent file when the value is inherited).
`dugnad run` checks the same way before it starts.

### What a run reports about interventions

- `manifest.json` → `interventions`: one entry per intervention with `name`, `type`, `start_month`,
  `end_month`, `cost_nok` (all it spent, including `admin_nok_per_year`), `benefits_nok` (the value
  persons received), `persons_reached`, and the intervention's own counts (enrolments, pairs,
  awards ...).
- `timeseries` → `cost_nok`: cumulative NOK spent by all interventions before each month's
  snapshot, and `cost_nok.<name>` per intervention (the same value on every group's row).
- `benefits.parquet`: who received what, one row per person, intervention and month, with columns
  `person_id, intervention, month, nok, household_id, background, origin, region, age,
  income_decile, low_income` (the person's characteristics at the time of receipt). Money to
  organisations (grants, formalisation advice) is shared equally among the persons active in them
  that month; volunteers' time counts as a benefit but not as a cost.
'''


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9_\- ]", "", text.lower()).replace(" ", "-")


def generate() -> str:
    """The full text of ``docs/scenarios.md``."""
    sections = [(n, f.annotation) for n, f in Scenario.model_fields.items()
                if isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)]
    top = [n for n, f in Scenario.model_fields.items() if n not in dict(sections)]
    common = list(InterventionParams.model_fields)

    out = [
        "# Writing scenarios",
        "",
        f"<!-- Generated by `{COMMAND}` from the scenario schema; do not edit by hand. -->",
        "",
        "Every field a scenario file may set, with its default, the allowed values, the kind of its",
        "source and its meaning. Source kinds: **data** (a cited figure: the meaning names it and its",
        "source, FACTS.md or an input file), **assumption** (a value the research does not give: a stated",
        "modelling choice, often the direction from the research with a size of our own), **free** (to be",
        "calibrated), **setting** (a choice of the scenario's author — a file, a place, a provider, an option",
        "of a measure — not a claim about the world).",
        "Numbers labelled *data* are indicative (rounded, or supporting only the direction the research",
        "gives; see `docs/ODD.md` §7.13): check them against the sources before empirical claims.",
        "",
        "Contents: [How to write a scenario](#how-to-write-a-scenario) ·",
        "[Top level](#top-level) · " + " · ".join(f"[`[{n}]`](#{n})" for n, _ in sections) + " ·",
        "[Target](#target-who-an-intervention-is-offered-to) · [Interventions](#interventions): "
        + " · ".join(f"[`{t}`](#{_anchor(t)})" for t in CATALOGUE),
        "",
        HOWTO.rstrip(),
        "",
        "## Scenario settings",
        "",
        "### Top level",
        "",
        docstring(Scenario) + " Besides these fields, a file may have `extends` (see above).",
        "",
        *field_table(Scenario, top),
    ]
    for name, model in sections:
        out += ["", f"### `[{name}]`", "", docstring(model), "", *field_table(model)]
    out += ["", "## Target: who an intervention is offered to", "",
            docstring(Target), "",
            "Written as an `[interventions.target]` table (or `target = { ... }`) in an intervention.",
            "The default target differs by intervention (see each); a target given in a scenario",
            "replaces it entirely.", "", *field_table(Target)]
    out += ["", "## Interventions", "",
            "Each `[[interventions]]` table has a `type` (one of the headings below), the fields every",
            "intervention has, and the fields of its type.", "",
            "### Fields every intervention has", "", docstring(InterventionParams), "",
            *field_table(InterventionParams, [n for n in common if n != "type"])]
    for t, (params, _) in CATALOGUE.items():
        # common fields are listed once above, unless this type gives one a different default or meaning
        base = InterventionParams.model_fields
        own = [n for n, f in params.model_fields.items()
               if n not in base or n == "type" or f.default != base[n].default or f.description != base[n].description]
        out += ["", f"### `{t}`", "", docstring(MODULES[t]), "",
                f"**Parameters** — {docstring(params)} Also: the fields every intervention has.", "",
                *field_table(params, own, type_default=True)]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog=COMMAND, description="Write docs/scenarios.md from the scenario schema.")
    ap.add_argument("--check", action="store_true", help="exit 1 if the file differs from what would be written")
    ap.add_argument("--out", type=Path, default=DOC_PATH, help=f"file to write or check (default {DOC_PATH})")
    args = ap.parse_args(argv)
    text = generate()
    if args.check:
        try:
            current = args.out.read_text(encoding="utf-8")
        except FileNotFoundError:
            current = None
        if current != text:
            print(f"{args.out}: out of date with the scenario schema; run `{COMMAND}` to regenerate it",
                  file=sys.stderr)
            return 1
        print(f"{args.out}: up to date")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
