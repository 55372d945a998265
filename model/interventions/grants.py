"""Municipal grants to voluntary organisations, and support to formalise informal groups.

FACTS §4.7 (Aasen et al. 2017; Arnesen 2020; Skutlaberg et al. 2018): short (often one-year)
project grants paid late in the year favour large organisations with reserves; small and minority
organisations struggle with complex rules; sport turns grants into activity better than minority
organisations do; municipal staff who guide applicants help. §4.6, the formalisation paradox
(Takle 2014): grant rules push informal groups to register, which brings support and links, but
turns them into "schools of bureaucracy" — hierarchical, rule-bound, inward (bonding).

**Grant rounds** once per grant year (from ``start_month``): formal organisations apply with
``apply_rate`` (half as often when not linked to the municipality, which is where calls are
announced). An application succeeds with ``ability ** (0.5 + 3·application_complexity)``, where
ability is the board's dugnad literacy raised by ``guidance``. What is left of the municipality's ``budget_nok_per_year`` after
grants still running (multi-year operating grants) is shared among the successful, in proportion
to √participants.

* ``operating`` regime: multi-year (``operating_years``) grants paid monthly.
* ``project`` regime: one-year grants paid in month ``payment_month`` of the grant year;
  organisations with reserves (``reserve_size`` participants or more) can spend from the start of
  the year, the others only once the money arrives.

Lever: what a grant buys is activity — ``levers.activity`` rises by
``efficiency[kind] × (NOK per participant and year) / nok_per_participant_doubling`` (at most
``max_activity_boost``), which means more meetings and more asking in that organisation; and the
grant relationship makes a linking tie ``grantee_link_boost`` times more likely.

**Formalisation support** (``formalisation_support``): each month an informal minority organisation
registers with ``formalisation_rate``: it becomes formal (a board of ``organisations.board_size``,
a membership ladder, eligibility for grants and faster linking), and turns inward by
``inward_turn``: openness × (1 − inward_turn), commitment demand + 0.3·inward_turn, internal
meetings × (1 + inward_turn). These are structural and stay after the measure ends.

Costs: grants paid; ``nok_per_formalisation``. Grants and formalisation advice are shared equally
among the persons active in the receiving organisation that month (benefits).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import field_validator

from model.interventions.base import Intervention
from model.schema import CAPACITY, NOK, Efficiency, InterventionParams, P, Target
from model.state import KINDS, OFFICE

DEFAULT_EFFICIENCY = {"sport": 1.0, "culture": 0.8, "religious": 0.7, "humanitarian": 0.8, "minority": 0.6, "volunteer_centre": 0.8, "youth_club": 0.8}


class Params(InterventionParams):
    """Grant regime for voluntary organisations (and optional formalisation support)."""

    type: Literal["grants"] = "grants"
    target: Target = P(Target(), "setting", "only `municipalities` and `places` are used: where the scheme runs (default: all)")
    regime: Literal["project", "operating"] = P("project", "setting", "one-year project grants paid late, or multi-year operating grants (FACTS §4.7)")
    budget_nok_per_year: float = P(1_500_000.0, "assumption", "grant budget per municipality per year, NOK", ge=0, le=NOK)
    apply_rate: float = P(0.6, "assumption", "chance a formal organisation linked to the municipality applies in a round (unlinked: half)", ge=0, le=1)
    application_complexity: float = P(0.5, "assumption", "complexity of application and reporting rules, 0 (simple) – 1 (complex) (FACTS §4.7)", ge=0, le=1)
    guidance: float = P(0.0, "setting", "municipal staff guiding applicants, 0 (none) – 1 (full) (FACTS §4.7)", ge=0, le=1)
    payment_month: int = P(4, "assumption", "project regime: month of the grant year (0–11) the money is paid (paid late for one-year projects, FACTS §4.7; the review reports funds typically arriving in the second quarter: months 3–5 of a grant year that starts in January, 4 by default)", ge=0, le=11)
    reserve_size: int = P(40, "assumption", "participants from which an organisation has reserves to spend before the grant is paid", ge=0, le=CAPACITY)
    operating_years: int = P(3, "assumption", "operating regime: years a grant runs", ge=1, le=20)
    efficiency: dict[str, Efficiency] = P(DEFAULT_EFFICIENCY, "assumption", "how well each kind turns grants into activity (sport best, minority organisations least; FACTS §4.7)")
    nok_per_participant_doubling: float = P(3000.0, "assumption", "grant per participant and year that doubles an organisation's activity (at efficiency 1), NOK", gt=0, le=NOK)
    max_activity_boost: float = P(1.0, "assumption", "largest rise in activity a grant can buy (1 = doubling)", ge=0, le=5)
    grantee_link_boost: float = P(5.0, "assumption", "multiplier on gaining a linking tie while holding a grant", ge=1, le=20)
    formalisation_support: bool = P(False, "setting", "support informal minority groups to register (FACTS §4.6)")
    formalisation_rate: float = P(0.03, "assumption", "monthly chance a supported informal minority organisation registers", ge=0, le=1)
    inward_turn: float = P(0.5, "assumption", "strength of the bureaucratisation side-effect of registering, 0–1 (Takle 2014)", ge=0, le=1)
    nok_per_formalisation: float = P(10000.0, "assumption", "advice and help per organisation that registers, NOK", ge=0, le=NOK)

    @field_validator("efficiency")
    @classmethod
    def _efficiency(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if k not in KINDS:
                raise ValueError(f"unknown organisation kind {k!r}; allowed: {', '.join(KINDS)}")
            if not 0 <= x <= 5:
                raise ValueError(f"efficiency of {k} must be between 0 and 5 (got {x})")
        return v


class Grants(Intervention):
    params_class = Params

    def assumed_effect(self) -> str | None:
        if not self.params.formalisation_support:
            return None
        return (f"how far registering turns a group inward (inward_turn = {self.params.inward_turn:g}) is assumed: "
                "Takle (2014) describes the turn, no study measures its size (FACTS §4.6)")

    def __init__(self, model, params: Params):
        super().__init__(model, params)
        n = len(model.orgs)
        self.nok_per_year = np.zeros(n)    # current grant per organisation
        self.until = np.full(n, -1, np.int64)
        self.paid_from = np.zeros(n, np.int64)  # month from which the money can be spent
        self.rounds = 0
        self.awards = 0
        self.awards_minority = 0
        self.formalised = 0
        eff = {**DEFAULT_EFFICIENCY, **params.efficiency}
        self.eff = np.array([eff[k] for k in KINDS])[model.orgs.kind]

    def grow_orgs(self, n_orgs: int) -> None:
        k = n_orgs - len(self.nok_per_year)
        self.nok_per_year = np.concatenate([self.nok_per_year, np.zeros(k)])
        self.until = np.concatenate([self.until, np.full(k, -1, np.int64)])
        self.paid_from = np.concatenate([self.paid_from, np.zeros(k, np.int64)])
        eff = {**DEFAULT_EFFICIENCY, **self.params.efficiency}
        self.eff = np.array([eff[k] for k in KINDS])[self.model.orgs.kind]

    def _eligible_here(self, model) -> np.ndarray:
        return self.params.target.in_municipality(model, model.orgs.municipality)

    def _round(self, model) -> None:
        o, pr, p, S, L = model.orgs, self.params, model.people, model.streams, self.stream_prefix
        R = model.roster()
        here = self._eligible_here(model)
        expired = self.until <= model.month
        open_ = here & o.formal & (R.size > 0) & expired
        applies = open_ & S.chance(f"{L}.applies", o.key, pr.apply_rate * np.where(o.linked, 1.0, 0.5))
        # ability: the board's dugnad literacy, raised by guidance
        board = R.role == OFFICE
        lit_sum = np.bincount(R.org[board], weights=p.literacy[R.person[board]], minlength=len(o))
        n_board = np.bincount(R.org[board], minlength=len(o))
        ability = np.where(n_board > 0, lit_sum / np.maximum(n_board, 1), 0.2)
        ability = ability + pr.guidance * (1.0 - ability) * 0.6
        ok = applies & S.chance(f"{L}.succeeds", o.key, ability ** (0.5 + 3.0 * pr.application_complexity))
        years = pr.operating_years if pr.regime == "operating" else 1
        for m in range(model.n_municipalities):
            won = np.flatnonzero(ok & (o.municipality == m))
            # multi-year grants still running keep their share of the yearly budget
            running = (o.municipality == m) & ~expired
            free = max(0.0, pr.budget_nok_per_year - float(self.nok_per_year[running].sum()))
            if not len(won) or free <= 0:
                continue
            w = np.sqrt(R.size[won].astype(float))
            self.nok_per_year[won] = free * w / w.sum()
            self.until[won] = model.month + 12 * years
            if pr.regime == "project":
                late = model.month + pr.payment_month
                self.paid_from[won] = np.where(R.size[won] >= pr.reserve_size, model.month, late)
            else:
                self.paid_from[won] = model.month
            self.awards += len(won)
            self.awards_minority += int(o.minority[won].sum())
        self.rounds += 1

    def _formalise(self, model) -> None:
        o, pr = model.orgs, self.params
        cand = np.flatnonzero(~o.formal & o.minority & o.active & self._eligible_here(model))
        reg = cand[model.streams.chance(f"{self.stream_prefix}.registers", o.key[cand], pr.formalisation_rate)]
        if not len(reg):
            return
        o.formal[reg] = True
        o.board_size[reg] = model.params.organisations.board_size
        o.openness[reg] *= 1.0 - pr.inward_turn
        o.commitment[reg] = np.minimum(1.0, o.commitment[reg] + 0.3 * pr.inward_turn)
        o.meet_factor[reg] *= 1.0 + pr.inward_turn
        self.give_to_org(reg, np.full(len(reg), pr.nok_per_formalisation))
        self.formalised += len(reg)
        model.memberships_changed()

    def apply(self, model) -> None:
        pr, lv = self.params, model.levers
        if (model.month - pr.start_month) % 12 == 0:
            self._round(model)
        if pr.formalisation_support:
            self._formalise(model)
        holding = np.flatnonzero((self.until > model.month) & (self.nok_per_year > 0))
        if not len(holding):
            return
        R = model.roster()
        if pr.regime == "operating":
            pay = self.nok_per_year[holding] / 12.0
        else:
            # everyone is paid late in the grant year; large organisations spend from reserves before
            late = (model.month - pr.start_month) % 12 == pr.payment_month
            pay = self.nok_per_year[holding] if late else np.zeros(len(holding))
        if pay.any():
            self.give_to_org(holding[pay > 0], pay[pay > 0])
        spending = holding[self.paid_from[holding] <= model.month]
        size = np.maximum(R.size[spending], 1)
        boost = np.minimum(pr.max_activity_boost,
                           self.eff[spending] * self.nok_per_year[spending] / size / pr.nok_per_participant_doubling)
        lv.activity[spending] *= 1.0 + boost
        lv.link_boost[holding] *= pr.grantee_link_boost

    def idle(self, model) -> None:
        self.until[:] = -1
        self.nok_per_year[:] = 0.0

    def report(self) -> dict:
        return {"rounds": self.rounds, "awards": self.awards, "awards_to_minority_organisations": self.awards_minority,
                "organisations_formalised": self.formalised}
