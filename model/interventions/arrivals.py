"""A shock of arrivals, with volunteer mobilisation: the 2015–16 refugee influx or the 2004 EU
enlargement's labour migration.

FACTS §4.12: acute phases. EU enlargement 2004 (labour migration; Caritas centres teach
Norwegian); the refugee influx 2015–16, when established organisations and new social-media
networks mobilised fast, most contributions followed a request, and new volunteers were mostly
highly educated women. FACTS §6 and Norwegian settlement policy: refugees are settled across
municipalities and neighbourhoods.

``persons`` newcomers (in households of the origin mix ``origins``) arrive evenly over
``arrival_months`` months from ``start_month``. Each household settles in a
neighbourhood: with ``dispersal`` anywhere (weighted by population), otherwise in the municipality's
immigrant cluster (the neighbourhoods where others of immigrant background live). They are new
households exactly like those of migration turnover (:func:`model.mechanisms.migration.renew_households`):
no ties, no memberships, little Norwegian, the right to training for refugees and families.

Mobilisation while arrivals last and ``mobilisation_months`` after (``end_month``, if given, ends
arrivals and mobilisation alike; a shock of ``persons = 0`` mobilises nobody): members of humanitarian
organisations and volunteer centres ask ``mobilisation_ask_boost`` times as often — others to join,
and their own members to take on unpaid work (asking is how most contributions start) — and media coverage adds ``media_information`` to what majority adults
know of where to help (``levers.info``). Whether people volunteer, and who, is left to the
recruitment mechanism.

Cost: ``nok_per_arrival`` (0 by default: settlement grants are not civil-society resources).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import field_validator

from model.interventions.base import Intervention
from model.interventions.common import quota
from model.schema import NOK, InterventionParams, P, Weight
from model.state import IMMIGRANT, KINDS, MAJORITY, REASONS

MEAN_HOUSEHOLD = 2.73  # persons per arriving household with the immigrant household mix (population._household_sizes)


class Params(InterventionParams):
    """Newcomers arriving over some months, and the volunteer mobilisation that follows."""

    type: Literal["arrivals"] = "arrivals"
    persons: int = P(300, "assumption", "newcomers arriving in all (approximate: whole households arrive)", ge=0, le=1_000_000)
    arrival_months: int = P(12, "assumption", "months over which they arrive, from start_month", ge=1, le=600)
    origins: dict[str, Weight] = P({"Syria": 0.6, "Eritrea": 0.15, "Afghanistan": 0.15, "Iraq": 0.1}, "assumption",
                                  "origin mix of the newcomers (names from the origin-group file; default: the 2015 refugee influx)")
    reason: Literal["labour", "refugee", "family", "study"] = P("refugee", "setting", "migration reason (sets the right to free Norwegian training)")
    dispersal: float = P(0.7, "assumption", "chance a household is settled anywhere (settlement policy) rather than in the immigrant cluster", ge=0, le=1)
    mobilisation_months: int = P(6, "assumption", "months after the last arrival that mobilisation lasts", ge=0, le=120)
    mobilisation_ask_boost: float = P(3.0, "assumption", "asking multiplier in humanitarian organisations and volunteer centres (FACTS §4.12: most contributions followed a request; the multiplier is not measured)", ge=1, le=20)
    media_information: float = P(0.15, "assumption", "extra information of majority adults about where to help, during mobilisation (0–1)", ge=0, le=1)
    nok_per_arrival: float = P(0.0, "assumption", "cost booked per newcomer, NOK", ge=0, le=NOK)

    @field_validator("origins")
    @classmethod
    def _origins(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise ValueError("must name at least one origin group")
        if any(x < 0 for x in v.values()) or sum(v.values()) <= 0:
            raise ValueError("weights must be ≥ 0 and not all zero")
        return v


MOBILISED_KINDS = (KINDS.index("humanitarian"), KINDS.index("volunteer_centre"))


def _pick(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """An index drawn with chance ``weights`` (summing to 1) for each uniform ``u``."""
    return np.minimum(np.searchsorted(np.cumsum(weights), u, side="right"), len(weights) - 1)


class Arrivals(Intervention):
    params_class = Params

    def __init__(self, model, params: Params):
        super().__init__(model, params)
        names = list(model.origins["group"])
        self.origin_idx = np.array([names.index(g) for g in params.origins])
        w = np.array(list(params.origins.values()), float)
        self.origin_w = w / w.sum()
        self.arrived = 0
        self.last_arrival_month = params.start_month + params.arrival_months - 1

    def active(self, month: int) -> bool:
        # mobilisation goes on for mobilisation_months after the last arrival, unless end_month comes first
        return super().active(month) and month <= self.last_arrival_month + self.params.mobilisation_months

    def apply(self, model) -> None:
        """This month's households arrive (draws keyed by their place in this month's line, 0, 1,
        …), then mobilisation — only in a shock with newcomers (none arriving, none mobilised)."""
        pr, lv, p, S, L = self.params, model.levers, model.people, model.streams, self.stream_prefix
        if pr.persons == 0:
            return
        if model.month <= self.last_arrival_month:
            n_hh = quota(S, f"{L}.households", 12 * pr.persons / MEAN_HOUSEHOLD / pr.arrival_months)
            if n_hh:
                line = np.arange(n_hh)
                origins = self.origin_idx[_pick(self.origin_w, S.uniform(f"{L}.origin", line))]
                rows = model.add_households(origins, self._settle(model, line), REASONS.index(pr.reason))
                self.arrived += len(rows)
                self.spend(len(rows) * pr.nok_per_arrival)
        mobilised = np.isin(model.orgs.kind, MOBILISED_KINDS)
        lv.ask_boost[mobilised] *= pr.mobilisation_ask_boost
        lv.volunteer_ask[mobilised] *= pr.mobilisation_ask_boost
        majority = (p.background == MAJORITY) & (p.age >= 18)
        lv.info[majority] = np.minimum(1.0, lv.info[majority] + pr.media_information)

    def _settle(self, model, line: np.ndarray) -> np.ndarray:
        """A neighbourhood for each arriving household (``line``: their places in line)."""
        p, S, L = model.people, model.streams, self.stream_prefix
        n_nb = len(model.nb_municipality)
        everyone = np.bincount(p.neighbourhood, minlength=n_nb).astype(float) + 1e-9
        immigrant = np.bincount(p.neighbourhood[p.background == IMMIGRANT], minlength=n_nb).astype(float)
        cluster = immigrant ** 2 + 1e-9  # concentrated where others of immigrant background live
        spread = S.chance(f"{L}.dispersed", line, self.params.dispersal)
        u = S.uniform(f"{L}.neighbourhood", line)
        out = np.where(spread, _pick(everyone / everyone.sum(), u), _pick(cluster / cluster.sum(), u))
        return out.astype(np.int32)

    def report(self) -> dict:
        return {"arrived": self.arrived}
