"""Building blocks of the scenario schema shared by :mod:`model.scenario` and the interventions.

``P(default, source, doc)`` declares a parameter with its default, the kind of its source —
``data`` (an input file or a published figure, FACTS.md), ``assumption`` (a stated modelling choice)
or ``free`` (to be calibrated) — and a one-line meaning. ``docs/scenarios.md`` is generated from
these declarations (``python -m model.docs_scenarios``), so the documentation cannot drift.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from model.safe_io import NAME_RULE, check_name
from model.state import BACKGROUNDS, REASONS


# Values of dict-valued fields: bounded by their type, so every number a scenario gives has a range.
Rate = Annotated[float, Field(ge=0, le=1)]
Weight = Annotated[float, Field(ge=0, le=1_000_000)]   # relative weights, normalised where used
Efficiency = Annotated[float, Field(ge=0, le=5)]
Scale = Annotated[float, Field(ge=0, le=10)]            # a multiple of a steady flow
NOK = 1_000_000_000       # upper bound of any amount of money in a scenario (one billion NOK)
CAPACITY = 1_000_000      # upper bound of seats, pairs, places and other counts per year
MunicipalityNo = Annotated[int, Field(ge=0, le=499)]       # population.municipalities ≤ 500
NeighbourhoodNo = Annotated[int, Field(ge=0, le=9_999)]    # population.neighbourhoods ≤ 10,000


SOURCE_KINDS = ("data", "assumption", "free", "setting")


def P(default: Any, source: str, doc: str, **kw: Any) -> Any:
    """A parameter with its default, the kind of its source and a one-line meaning. Kinds
    (:data:`SOURCE_KINDS`): "data" only where the meaning names a cited figure and its source;
    "assumption" for a value the research does not give; "free" for calibrated parameters;
    "setting" for a choice of the scenario's author (a file, a place, an option of a measure)."""
    if source not in SOURCE_KINDS:
        raise ValueError(f"source kind {source!r}: one of {', '.join(SOURCE_KINDS)}")
    return Field(default, description=f"{doc} [{source}]", **kw)


class Section(BaseModel):
    # strict: "0.5" is not a number and true is not 1 (TOML has types; a quoted number is a mistake)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


Background = Literal["majority", "immigrant", "descendant"]
Reason = Literal["labour", "refugee", "family", "study"]


class Target(Section):
    """Who an intervention is offered to. Every condition given must hold; an empty target means
    everyone. Origins and regions are names from the origin-group file; places are names from the
    scenario's geography; neighbourhoods and municipalities are numbers from 0."""

    backgrounds: list[Background] | None = P(None, "setting", "backgrounds offered the measure (majority, immigrant, descendant); none = all")
    origins: list[str] | None = P(None, "setting", "origin groups (the `group` column of the origin-group file); none = all")
    regions: list[str] | None = P(None, "setting", "origin regions (the `region` column); none = all")
    reasons: list[Reason] | None = P(None, "setting", "migration reasons (labour, refugee, family, study); none = all")
    age_min: float = P(0.0, "setting", "lowest age", ge=0, le=120)
    age_max: float = P(120.0, "setting", "highest age (inclusive)", ge=0, le=120)
    max_years_in_norway: float | None = P(None, "setting", "only people with at most this many years in Norway", ge=0, le=120)
    max_norwegian: float | None = P(None, "setting", "only people with Norwegian skill at most this (0–1)", ge=0, le=1)
    low_income_only: bool = P(False, "setting", "only people in persistent low income")
    employed: bool | None = P(None, "setting", "only employed (true) or only not employed (false) people")
    municipalities: list[MunicipalityNo] | None = P(None, "setting", "municipality numbers (from 0)")
    neighbourhoods: list[NeighbourhoodNo] | None = P(None, "setting", "neighbourhood numbers (from 0)")
    places: list[str] | None = P(None, "setting", "places of the scenario's geography by name (`population.geography`, e.g. \"Stovner\" in oslo); none = all")

    @model_validator(mode="after")
    def _ages(self) -> Target:
        if self.age_min > self.age_max:
            raise ValueError(f"age_min must be ≤ age_max (got {self.age_min:g} > {self.age_max:g})")
        for name in ("municipalities", "neighbourhoods"):
            v = getattr(self, name)
            if v is not None and any(x < 0 for x in v):
                raise ValueError(f"{name} must be numbers ≥ 0 (got {v})")
        return self

    def mask(self, model) -> np.ndarray:
        """Persons of ``model`` this target covers now."""
        p = model.people
        m = (p.age >= self.age_min) & (p.age <= self.age_max)
        if self.backgrounds is not None:
            m &= np.isin(p.background, [BACKGROUNDS.index(b) for b in self.backgrounds])
        if self.origins is not None:
            names = model.origins["group"].to_numpy()
            m &= np.isin(names[p.origin], self.origins) & (p.background != 0)
        if self.regions is not None:
            names = model.origins["region"].to_numpy()
            m &= np.isin(names[p.origin], self.regions) & (p.background != 0)
        if self.reasons is not None:
            m &= np.isin(p.reason, [REASONS.index(r) for r in self.reasons])
        if self.max_years_in_norway is not None:
            m &= p.years_in_norway <= self.max_years_in_norway
        if self.max_norwegian is not None:
            m &= p.norwegian <= self.max_norwegian
        if self.low_income_only:
            m &= p.low_income
        if self.employed is not None:
            m &= p.employed == self.employed
        m &= self.in_municipality(model, p.municipality)
        if self.neighbourhoods is not None:
            m &= np.isin(p.neighbourhood, self.neighbourhoods)
        return m

    def in_municipality(self, model, municipality: np.ndarray) -> np.ndarray:
        """Which of ``municipality`` (numbers, of persons or organisations) the target's
        ``municipalities`` and ``places`` cover."""
        m = np.ones(len(municipality), bool)
        if self.municipalities is not None:
            m &= np.isin(municipality, self.municipalities)
        if self.places is not None:
            names = list(model.world.places.names)
            m &= np.isin(municipality, [names.index(x) for x in self.places])
        return m


class InterventionParams(Section):
    """Fields every intervention has: when it runs, whom it targets and what it costs."""

    type: str
    name: str | None = P(None, "setting", f"label used in outputs (default: the type); must be unique in the scenario ({NAME_RULE})")
    start_month: int = P(0, "setting", "first month (counted from 0 after burn-in) in which the measure acts", ge=0, le=1200)
    end_month: int | None = P(None, "setting", "month in which the measure stops (exclusive); none = runs to the end", ge=1, le=1200)
    admin_nok_per_year: float = P(0.0, "assumption", "fixed yearly running cost (coordination, administration), NOK", ge=0, le=NOK)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str | None) -> str | None:
        return None if v is None else check_name(v)

    @model_validator(mode="after")
    def _months(self) -> InterventionParams:
        if self.end_month is not None and self.end_month <= self.start_month:
            raise ValueError(f"end_month must be > start_month (got end_month {self.end_month} ≤ start_month {self.start_month})")
        return self

    @property
    def label(self) -> str:
        return self.name or self.type
