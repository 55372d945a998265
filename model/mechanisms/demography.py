"""Time passes: everyone ages a month; immigrants' residence time grows (FACTS §4.2: short
residence is a barrier; §4.4: language grows with residence). No births, deaths or moves in the
baseline; arrivals are an intervention (issue 3)."""

from __future__ import annotations


def step(model) -> None:
    p = model.people
    p.age += 1.0 / 12.0
    p.years_in_norway += 1.0 / 12.0
