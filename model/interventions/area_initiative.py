"""Area-based initiatives (Groruddalen): organisation training, help for traditional clubs to
recruit in diverse areas, and shared premises — for some years, until the funding ends.

FACTS §5: training new organisations in running an organisation, helping traditional clubs recruit
in diverse areas, shared premises; risk: initiatives fade when funding ends. §7: Veitvet, Oslo —
many ethnic associations, few traditional Norwegian ones; the area initiative set up meeting places
and a drop-in office. §4.3: diversity work needs time, money and skills that local clubs lack.

In the chosen ``neighbourhoods``, while the funding lasts (``start_month`` to ``end_month``):

* **organisation training**: office holders of minority and informal organisations in the area
  take a course in running an organisation for ``training_months``; while on it their dugnad
  literacy (knowledge of member democracy, applications, reporting) closes an extra
  ``training_gain`` of its gap each month (``levers.literacy_gain``, read by the language
  mechanism) — a skill that stays. Organisations with a trained office holder are connected to the
  municipality by the initiative (``levers.link_boost`` × ``link_boost``);
* **recruitment help** for traditional (majority) clubs in the area: ``levers.openness_extra``
  + ``extra_openness`` and ``levers.ask_boost`` × ``ask_boost``;
* **shared premises**: organisations in the area get ``levers.activity`` × ``premises_activity``,
  and each month ``premises_meet_rate`` of their participants meet someone from another
  organisation in the premises (extra meetings).

When the funding ends every lever returns to neutral; only what people learned and the ties and
memberships that formed remain — whether the effect lasts is an output. Cost:
``nok_per_year`` (plus ``nok_per_trainee`` per office holder trained), shared among the persons
active in the area's organisations (benefits).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import field_validator

from model.interventions.base import Intervention
from model.schema import NOK, InterventionParams, NeighbourhoodNo, P
from model.state import OFFICE


class Params(InterventionParams):
    """A neighbourhood programme for organisations, funded for some years."""

    type: Literal["area_initiative"] = "area_initiative"
    neighbourhoods: list[NeighbourhoodNo] = P([0], "setting", "neighbourhood numbers (from 0) the initiative covers")
    organisation_training: bool = P(True, "setting", "train office holders of minority and informal organisations (FACTS §5)")
    training_gain: float = P(0.05, "assumption", "monthly share of an office holder's dugnad-literacy gap closed by the training", ge=0, le=1)
    training_months: int = P(6, "assumption", "months each office holder's course lasts", ge=1, le=60)
    link_boost: float = P(3.0, "assumption", "multiplier on linking-tie formation for trained organisations", ge=1, le=20)
    recruitment_help: bool = P(True, "setting", "help traditional clubs recruit in diverse areas (FACTS §5)")
    extra_openness: float = P(0.2, "assumption", "added chance a club's ask goes outside the asker's ties", ge=0, le=1)
    ask_boost: float = P(1.5, "assumption", "multiplier on asking in helped clubs", ge=1, le=10)
    shared_premises: bool = P(True, "setting", "shared premises for the area's organisations (FACTS §5)")
    premises_activity: float = P(1.3, "assumption", "activity multiplier from having premises", ge=1, le=5)
    premises_meet_rate: float = P(0.05, "assumption", "monthly chance a participant meets someone of another organisation in the premises", ge=0, le=1)
    nok_per_year: float = P(2_000_000.0, "assumption", "programme budget per year, NOK", ge=0, le=NOK)
    nok_per_trainee: float = P(5000.0, "assumption", "course cost per office holder trained, NOK", ge=0, le=NOK)

    @field_validator("neighbourhoods")
    @classmethod
    def _nbs(cls, v: list[int]) -> list[int]:
        if not v:
            raise ValueError("must list at least one neighbourhood")
        if any(x < 0 for x in v):
            raise ValueError(f"neighbourhood numbers must be ≥ 0 (got {v})")
        return v


class AreaInitiative(Intervention):
    params_class = Params

    def __init__(self, model, params: Params):
        super().__init__(model, params)
        o = model.orgs
        self.area_orgs = np.flatnonzero(np.isin(o.neighbourhood, params.neighbourhoods))
        self.course_from = np.full(len(model.people), -1, np.int64)  # month an office holder started the course
        self.trainees = 0

    person_arrays = ("course_from",)

    def grow(self, n_persons: int) -> None:
        self.course_from = np.concatenate([self.course_from, np.full(n_persons - len(self.course_from), -1, np.int64)])

    def apply(self, model) -> None:
        pr, lv, o, p, S, L = self.params, model.levers, model.orgs, model.people, model.streams, self.stream_prefix
        area = self.area_orgs
        if not len(area):
            self.spend(pr.nok_per_year / 12.0)
            return
        R = model.roster()
        in_area = np.isin(R.org, area)
        if pr.organisation_training:
            small = area[o.minority[area] | ~o.formal[area]]
            board = in_area & np.isin(R.org, small) & (R.role == OFFICE)
            self.course_from[p.arrived_month == model.month] = -1  # a row taken over by a newcomer
            leaders = np.unique(R.person[board]).astype(np.int64)
            new = leaders[self.course_from[leaders] < 0]
            self.course_from[new] = model.month
            self.trainees += len(new)
            self.spend(len(new) * pr.nok_per_trainee)
            self.give(new, pr.nok_per_trainee, cost=False)
            on_course = np.flatnonzero((self.course_from >= 0) & (model.month - self.course_from < pr.training_months))
            lv.literacy_gain[on_course] += pr.training_gain
            trained = (self.course_from >= 0)[R.person] & board
            lv.link_boost[np.unique(R.org[trained])] *= pr.link_boost
        if pr.recruitment_help:
            clubs = area[~o.minority[area]]
            lv.openness_extra[clubs] += pr.extra_openness
            lv.ask_boost[clubs] *= pr.ask_boost
        if pr.shared_premises:
            lv.activity[area] *= pr.premises_activity
            # draws per membership entry: keyed by the person, salted with the organisation
            entries = np.flatnonzero(in_area)
            meet = entries[S.chance(f"{L}.premises_meet", p.key[R.person[entries]], pr.premises_meet_rate, o.key[R.org[entries]])]
            if len(meet) and len(area) > 1:
                keys, salt = p.key[R.person[meet]], o.key[R.org[meet]]
                other = area[S.below(f"{L}.premises_org", keys, len(area), salt)]
                ok = (other != R.org[meet]) & (R.size[other] > 0)
                u = S.uniform(f"{L}.premises_partner", keys[ok], salt[ok])
                place = S.uniform(f"{L}.premises_place", p.key[R.person], o.key[R.org])
                lv.meet(R.person[meet[ok]], R.person[R.random_member(other[ok], u, place)])
        active = np.unique(R.person[in_area]).astype(np.int64)
        budget = pr.nok_per_year / 12.0
        self.spend(budget)
        if len(active):
            self.give(active, budget / len(active), cost=False)

    def report(self) -> dict:
        return {"organisations_in_area": len(self.area_orgs), "office_holders_trained": self.trainees}
