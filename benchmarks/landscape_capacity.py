"""How full is the organisation landscape? Capacity against memberships at month 0.

    .venv/bin/python benchmarks/landscape_capacity.py [--persons 5000] [--seed 1] [--size-scale S]

Organisations take people in at 1 / (1 + (size / size_target)³) (model.mechanisms.recruitment.
wants_members), so when they sit above their typical sizes the landscape's capacity, not the
recruitment parameters, sets participation (docs/ODD.md §5.5, "Why the capacity is calibrated").
Prints the typical sizes summed per inhabitant, memberships per inhabitant, how full organisations
are (size / size_target) by age profile, their mean eagerness to take people in, and adult
participation, for the shipped baseline after its burn-in (optionally with another
``organisations.size_scale``).
"""

from __future__ import annotations

import argparse

from model.mechanisms.recruitment import wants_members
from model.model import DugnadModel
from model.scenario import load_scenario
from model.state import ADULTS_ONLY, ALL_AGES, CHILDREN, MAJORITY


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size-scale", type=float, default=None)
    a = ap.parse_args()
    over = {"population": {"persons": a.persons}, "months": 0}
    if a.size_scale is not None:
        over["organisations"] = {"size_scale": a.size_scale}
    m = DugnadModel(load_scenario("scenarios/baseline.toml", over), seed=a.seed)
    p, o, R = m.people, m.orgs, m.roster()
    act, size, target = o.active, R.size.astype(float), o.size_target.astype(float)
    n = len(p)
    print(f"{n:,} persons, {act.sum()} active organisations ({n / act.sum():.1f} persons each), "
          f"size_scale {m.params.organisations.size_scale:g}")
    print(f"typical sizes per inhabitant {target[act].sum() / n:.3f}; memberships per inhabitant {size[act].sum() / n:.3f}")
    eager = wants_members(m, R)
    print(f"organisations take people in at {eager[act].mean():.2f} of an empty one's rate (mean over organisations)")
    for name, prof in (("adults only", ADULTS_ONLY), ("children's", CHILDREN), ("all ages", ALL_AGES)):
        s = act & (o.age_profile == prof)
        print(f"  {name:12} {s.sum():5} organisations, members / typical size {size[s].sum() / target[s].sum():.2f}")
    adult = p.age >= 18
    took_part = (p.mem_role > 0).any(axis=1)
    print(f"adults taking part: {took_part[adult].mean():.3f} (majority {took_part[adult & (p.background == MAJORITY)].mean():.3f})")


if __name__ == "__main__":
    main()
