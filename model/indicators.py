"""Indicators per (month, group): the model's observer.

Groups: ``all``, ``majority``, ``immigrant``, ``descendant`` and ``immigrant_background``
(immigrant or descendant). Adult indicators are over persons 18+; youth over 13–19 (Ung i Oslo
ages, FACTS §3); children over 6–12.

Why not Mesa's ``DataCollector``: its model reporters give one row per step; Dugnad's table is one
row per (month, group) with vectorised group reductions, which a reporter per group and indicator
would compute many times over.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.state import (
    DESCENDANT,
    FEMALE,
    HOBBY_KINDS,
    IMMIGRANT,
    KINDS,
    MAJORITY,
    MEMBER,
    NEVER,
    OFFICE,
    VOLUNTEER,
)

GROUPS = ("all", "majority", "immigrant", "descendant", "immigrant_background")

INDICATORS = {
    "persons": "persons in the group (all ages)",
    "participation": "adults active in ≥1 organisation in any role (participant or above)",
    "member": "adults who are formal members (or higher) of ≥1 organisation",
    "volunteer": "adults who did unpaid work for an organisation in the last 12 months",
    "office": "adults holding an office (board, leadership)",
    "informal_help": "adults who helped a non-kin tie informally in the last 12 months",
    "asked": "adults asked to join an organisation in the last 12 months",
    "asked_non_volunteers": "adults not volunteering who were asked in the last 12 months",
    "bonding_ties": "mean bonding ties (same origin group) per adult",
    "bridging_ties": "mean bridging ties (other origin group) per adult",
    "ei_index": "(bridging - bonding) / (bridging + bonding) over the group's adults' ties",
    "trust": "mean generalised trust of adults (0–1)",
    "institutional_trust": "mean trust of adults in the municipality and public bodies (0–1)",
    "norwegian": "mean Norwegian skill of adults (0–1)",
    "employment": "share employed among persons from 20 to retirement age",
    "low_income": "share of persons in persistent low income (EU/SSB line)",
    "volunteer_hours": "mean hours of volunteer work this month per adult doing unpaid work now (volunteer or office)",
    "youth_participation": "share of 13–19-year-olds active in ≥1 organisation",
    "youth_boys": "same, boys",
    "youth_girls": "same, girls",
    "youth_hobby": "share of 13–19-year-olds in a hobby or leisure organisation (culture/hobby or youth club)",
    "children_participation": "share of 6–12-year-olds in an organised activity",
    "immigrant_share_members": "immigrant-background share of members (all group only)",
    "immigrant_share_volunteers": "immigrant-background share of current volunteers (all group only)",
    "immigrant_share_offices": "immigrant-background share of office holders (all group only)",
    "linked_orgs": "share of organisations with a linking tie to the municipality (all group only)",
}


def _share(mask: np.ndarray, within: np.ndarray) -> float:
    n = within.sum()
    return float((mask & within).sum() / n) if n else float("nan")


def _mean(x: np.ndarray, within: np.ndarray) -> float:
    return float(x[within].mean()) if within.any() else float("nan")


def group_masks(p) -> dict[str, np.ndarray]:
    bg = p.background
    return {"all": np.ones(len(p), bool), "majority": bg == MAJORITY, "immigrant": bg == IMMIGRANT,
            "descendant": bg == DESCENDANT, "immigrant_background": bg != MAJORITY}


def snapshot(model) -> list[dict]:
    """One dict of indicators per group for the model's current month."""
    p, month = model.people, model.month
    age = p.age
    adult = age >= 18
    youth = (age >= 13) & (age < 20)
    child = (age >= 6) & (age < 13)
    working = (age >= 20) & (age < model.params.employment.retirement_age)
    role = p.mem_role.max(axis=1)
    active = role > 0
    volunteer = (p.last_volunteer != NEVER) & (month - p.last_volunteer < 12)
    helped = (p.last_help != NEVER) & (month - p.last_help < 12)
    asked = (p.last_asked != NEVER) & (month - p.last_asked < 12)
    culture = ((p.mem_role > 0) & np.isin(model.orgs.kind[np.maximum(p.mem_org, 0)], [KINDS.index(k) for k in HOBBY_KINDS])).any(axis=1)
    bond, bridge = model.tie_counts()
    girl = p.sex == FEMALE
    rows = []
    for g, m in group_masks(p).items():
        a = m & adult
        y = m & youth
        nb, nbr = bond[a].sum(), bridge[a].sum()
        row = {
            "month": month, "group": g, "persons": int(m.sum()),
            "participation": _share(active, a), "member": _share(role >= MEMBER, a),
            "volunteer": _share(volunteer, a), "office": _share(role == OFFICE, a),
            "informal_help": _share(helped, a), "asked": _share(asked, a),
            "asked_non_volunteers": _share(asked, a & ~volunteer),
            "bonding_ties": _mean(bond, a), "bridging_ties": _mean(bridge, a),
            "ei_index": float((nbr - nb) / (nbr + nb)) if nbr + nb else float("nan"),
            "trust": _mean(p.trust, a), "institutional_trust": _mean(p.institutional_trust, a),
            "norwegian": _mean(p.norwegian, a),
            "employment": _share(p.employed, m & working), "low_income": _share(p.low_income, m),
            "volunteer_hours": _mean(p.volunteer_hours, a & (role >= VOLUNTEER)),
            "youth_participation": _share(active, y), "youth_boys": _share(active, y & ~girl),
            "youth_girls": _share(active, y & girl), "youth_hobby": _share(culture, y),
            "children_participation": _share(active, m & child),
        }
        rows.append(row)
    imm = p.background != MAJORITY
    R = model.roster()
    memb = R.role >= MEMBER
    vols = R.role >= 3
    offs = R.role == OFFICE
    def share_of_persons(sel):  # each person once, however many organisations they are in
        who = np.unique(R.person[sel])
        return float(imm[who].mean()) if len(who) else float("nan")
    rows[0]["immigrant_share_members"] = share_of_persons(memb)
    rows[0]["immigrant_share_volunteers"] = share_of_persons(vols)
    rows[0]["immigrant_share_offices"] = share_of_persons(offs)
    rows[0]["linked_orgs"] = float(model.orgs.linked[model.orgs.active].mean()) if model.orgs.active.any() else 0.0
    for r in rows[1:]:
        for k in ("immigrant_share_members", "immigrant_share_volunteers", "immigrant_share_offices", "linked_orgs"):
            r[k] = float("nan")
    # money spent so far by the scenario's interventions (same on every group's row)
    costs = model.intervention_costs()
    for r in rows:
        r["cost_nok"] = float(sum(costs.values()))
        for label, nok in costs.items():
            r[f"cost_nok.{label}"] = float(nok)
    return rows


class Observer:
    """Collects :func:`snapshot` each recorded month."""

    def __init__(self, model):
        self.model = model
        self.rows: list[dict] = []

    def collect(self) -> None:
        self.rows.extend(snapshot(self.model))

    def table(self) -> pd.DataFrame:
        """One row per (month, group): the indicators, then ``cost_nok`` (cumulative NOK spent by
        all interventions before the month's snapshot) and ``cost_nok.<intervention>`` per intervention."""
        cost_cols = ["cost_nok", *(f"cost_nok.{iv.label}" for iv in self.model.interventions)]
        df = pd.DataFrame(self.rows, columns=["month", "group", *INDICATORS, *cost_cols])
        df["persons"] = df["persons"].astype("int64")
        return df
