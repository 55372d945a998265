"""The space of valid scenario values, read from the schema itself.

Every field of :class:`model.scenario.Scenario` and of every intervention's ``Params`` is found by
walking the pydantic models; numbers get their range from the field's own bounds (``ge``/``gt``/
``le``/``lt``), so a parameter added later is covered without touching the tests. Used by
``tests/test_schema_fuzz.py``.

A few fields set the *size* of a run (persons, months, arrivals); their whole range is checked by
loading, but runs use a small size so a few hundred of them fit in the test budget (``SIZE``).
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass

import annotated_types as at
from hypothesis import strategies as st
from pydantic import BaseModel

from model.data_files import load_origin_groups
from model.interventions import CATALOGUE
from model.scenario import Scenario
from model.state import FOCI, KINDS

ORIGINS = load_origin_groups()
GROUPS = list(ORIGINS["group"][1:])
REGIONS = sorted(set(ORIGINS["region"][1:]))

# Keys of dict-valued fields and the names lists of strings may hold, by field name. A new dict or
# string-list field fails `test_every_field_has_a_finite_range` until it is added here.
DICT_KEYS = {"kind_shares": ["sport", "culture", "religious", "humanitarian"], "meet_rate": list(FOCI),
             "origin_mix": GROUPS, "origins": GROUPS, "efficiency": list(KINDS), "arrivals_scale": GROUPS,
             **{g: ["sport", "culture", "religious", "humanitarian"] for g in ("boys", "girls", "men", "women")}}
STR_LISTS = {"origins": GROUPS, "regions": REGIONS}
FREE_TEXT = {"description"}
NAMES = {"name"}
NOT_GENERATED = {"origin_groups_file", "places_file", "geography", "type", "places"}   # paths and a file's names, place names (need a geography; tested in the loader and geography tests); the tag

# Small values for the fields that set a run's size; their full ranges are checked by loading.
SIZE = {("population", "persons"): (20, 400), ("months",): (0, 3), ("burn_in_months",): (0, 3),
        ("persons",): (0, 200), ("start_month",): (0, 2), ("end_month",): (1, 4),
        ("demography", "spin_up_years"): (0, 3)}


def small() -> dict:
    """The scenario every generated one starts from: a few hundred persons, a few months, and a
    short demographic spin-up (60 years of it were three quarters of a fuzz case's time)."""
    return {"name": "fuzz", "months": 2, "burn_in_months": 2, "population": {"persons": 300},
            "demography": {"spin_up_years": 3}}


@dataclass(frozen=True)
class Field:
    path: tuple[str, ...]          # ("population", "persons"), or ("arrivals", "persons") in an intervention
    kind: str                      # number, bool, literal, name, text, str_list, literal_list, int_list, dict
    ann: typing.Any                # the field's (or its items') annotation
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    integer: bool = False
    optional: bool = False
    choices: tuple = ()


def _bounds(metadata) -> dict:
    out: dict = {}
    for m in metadata:
        if isinstance(m, at.Ge):
            out["lo"] = m.ge
        elif isinstance(m, at.Gt):
            out["lo"], out["lo_open"] = m.gt, True
        elif isinstance(m, at.Le):
            out["hi"] = m.le
        elif isinstance(m, at.Lt):
            out["hi"], out["hi_open"] = m.lt, True
    return out


def _strip(ann):
    """(annotation without None, optional?, metadata of Annotated)."""
    optional = False
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        optional = len(args) < len(typing.get_args(ann))
        ann = args[0] if len(args) == 1 else ann
    meta = []
    if typing.get_origin(ann) is typing.Annotated:
        ann, *meta = typing.get_args(ann)
        meta = [x for m in meta for x in (getattr(m, "metadata", None) or [m])]
    return ann, optional, meta


def _field(path: tuple, ann, metadata) -> Field:
    name = path[-1]
    ann, optional, meta = _strip(ann)
    b = _bounds([*metadata, *meta])
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if ann in (int, float):
        return Field(path, "number", ann, integer=ann is int, optional=optional, **b)
    if ann is bool:
        return Field(path, "bool", ann, optional=optional)
    if origin is typing.Literal:
        return Field(path, "literal", ann, optional=optional, choices=args)
    if ann is str:
        kind = "name" if name in NAMES else "text" if name in FREE_TEXT else "unknown"
        return Field(path, kind, ann, optional=optional)
    if origin is list:
        item, _, imeta = _strip(args[0])
        if typing.get_origin(item) is typing.Literal:
            return Field(path, "literal_list", item, optional=optional, choices=typing.get_args(item))
        if item is str and name in STR_LISTS:
            return Field(path, "str_list", item, optional=optional, choices=tuple(STR_LISTS[name]))
        if item is int:
            return Field(path, "int_list", item, optional=optional, integer=True, **_bounds(imeta))
    if origin is dict and name in DICT_KEYS:
        _, _, vmeta = _strip(args[1])
        return Field(path, "dict", args[1], optional=optional, choices=tuple(DICT_KEYS[name]), **_bounds(vmeta))
    return Field(path, "unknown", ann, optional=optional)


def fields_of(model: type[BaseModel], prefix: tuple = ()) -> list[Field]:
    """Every leaf field of ``model`` (nested sections and targets walked), interventions excluded."""
    out = []
    for name, f in model.model_fields.items():
        if name in NOT_GENERATED or name == "interventions":
            continue
        ann, _, _ = _strip(f.annotation)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out += fields_of(ann, (*prefix, name))
        else:
            out.append(_field((*prefix, name), f.annotation, f.metadata))
    return out


SCENARIO_FIELDS = fields_of(Scenario)
INTERVENTION_FIELDS = {t: fields_of(params) for t, (params, _) in CATALOGUE.items()}


def all_fields() -> list[tuple[str | None, Field]]:
    """(intervention type or None, field) for every field of the schema."""
    return [(None, f) for f in SCENARIO_FIELDS] + [(t, f) for t, fs in INTERVENTION_FIELDS.items() for f in fs]


# ----------------------------------------------------------------------------- values

def edges(f: Field) -> list:
    """The smallest and largest values a number field allows (open bounds approached)."""
    lo, hi = f.lo, f.hi
    if f.integer:
        return [int(lo) + f.lo_open, int(hi) - f.hi_open]
    lo = math.nextafter(lo, math.inf) if f.lo_open else float(lo)
    hi = math.nextafter(hi, -math.inf) if f.hi_open else float(hi)
    return [lo, hi]


def run_sized(f: Field, value, intervention: bool = False):
    """``value`` brought into the small range of a size field (unchanged for other fields)."""
    key = f.path[-1:] if intervention else f.path
    if key not in SIZE or not isinstance(value, (int, float)) or isinstance(value, bool):
        return value
    lo, hi = SIZE[key]
    return type(value)(min(max(value, lo), hi))


def number(f: Field) -> st.SearchStrategy:
    lo_v, hi_v = edges(f)
    inside = st.integers(lo_v, hi_v) if f.integer else st.floats(lo_v, hi_v, allow_nan=False)
    return st.one_of(st.sampled_from([lo_v, hi_v]), inside)


def value(f: Field) -> st.SearchStrategy:
    """Valid values of one field (in range, right type); lists and dicts within their bounds."""
    if f.kind == "number":
        return number(f)
    if f.kind == "bool":
        return st.booleans()
    if f.kind == "literal":
        return st.sampled_from(f.choices)
    if f.kind == "name":
        return st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)
    if f.kind == "text":
        return st.text(max_size=40)
    if f.kind in ("literal_list", "str_list"):
        return st.lists(st.sampled_from(f.choices), min_size=1, max_size=4, unique=True)
    if f.kind == "int_list":
        return st.lists(st.one_of(st.integers(0, 3), st.integers(int(f.lo), int(f.hi))), min_size=1, max_size=3)
    if f.kind == "dict":
        vf = Field(f.path, "number", float, lo=f.lo, hi=f.hi)
        return st.dictionaries(st.sampled_from(f.choices), number(vf), min_size=1, max_size=len(f.choices))
    raise AssertionError(f"no value strategy for {'.'.join(f.path)} ({f.ann})")


def put(d: dict, path: tuple, v) -> None:
    for k in path[:-1]:
        d = d.setdefault(k, {})
    d[path[-1]] = v


@st.composite
def intervention(draw, t: str, name: str, months: int) -> dict:
    """One intervention of type ``t``: some of its fields set, timed to act inside ``months``."""
    fs = INTERVENTION_FIELDS[t]
    chosen = draw(st.lists(st.sampled_from(fs), max_size=len(fs), unique=True))
    d = {"type": t}
    for f in chosen:
        put(d, f.path, run_sized(f, draw(value(f)), intervention=True))
    d["name"] = name
    d["start_month"] = draw(st.integers(0, max(0, months - 1)))
    if "end_month" in d:
        d["end_month"] = d["start_month"] + draw(st.integers(1, 3))
    return d


@st.composite
def scenario(draw) -> dict:
    """A scenario table: some fields alone or many combined, at their edges or inside their ranges,
    and up to three interventions of any types; sized to run in a fraction of a second."""
    many = draw(st.booleans())
    chosen = draw(st.lists(st.sampled_from(SCENARIO_FIELDS), min_size=1, max_size=60 if many else 1, unique=True))
    d = small()
    for f in chosen:
        put(d, f.path, run_sized(f, draw(value(f))))
    types_ = draw(st.lists(st.sampled_from(list(CATALOGUE)), max_size=3))
    d["interventions"] = [draw(intervention(t, f"m{i}", max(1, d["months"]))) for i, t in enumerate(types_)]
    return d
