"""Recruitment outside closed networks, free trial periods, invitations to help organise, and
(optionally) offices filled outside self-recruiting circles (diversity in boards).

FACTS §4.1: recruitment is asking, through one's own networks; majority members ask people like
themselves; office holders are recruited through networks immigrants are not part of. §4.3:
diversity work needs time, money and skills local clubs lack. §5: organisations and their
volunteers ask people outside their own networks; fill offices outside self-recruiting circles;
targeted information; free low-threshold activities for a period; invite under-represented people
to help organise activities.

A share of the formal organisations of the chosen kinds (drawn once, when the measure starts,
stratified by size: :func:`model.interventions.common.by_size`) takes part. In those organisations:

* ``levers.openness_extra``: askers approach someone outside their own ties (in the
  organisation's neighbourhood) with this much more chance; with ``targeted_share`` of those asks
  aimed at people in the target group (targeted information);
* ``levers.trial_months``: newcomers take part free of charge for the first months;
* ``levers.invite``: members of immigrant background are asked to do unpaid work this many times
  more often;
* with ``open_offices``: vacant offices go to the board's own ties only with ``office_self_recruitment``
  and the board stops preferring people like themselves (``levers.self_recruitment``,
  ``levers.open_board``).

Whether anyone says yes, stays, or climbs the ladder is left to the mechanisms. Cost:
``nok_per_organisation_year`` (training and time for diversity work) per taking-part organisation;
trial fees waived are benefits to the newcomers (paid by the organisation, booked as cost).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from model.interventions.base import Intervention
from model.interventions.common import by_size
from model.roster import groups
from model.schema import NOK, InterventionParams, P, Target
from model.state import KINDS


class Params(InterventionParams):
    """Organisations that ask outside their own networks."""

    type: Literal["open_recruitment"] = "open_recruitment"
    target: Target = P(Target(backgrounds=["immigrant", "descendant"]), "setting",
                       "the under-represented people targeted outside asks aim at (default: immigrant background); invitations to help organise go to members of immigrant background")
    kinds: list[Literal["sport", "culture", "religious", "humanitarian", "volunteer_centre"]] = P(
        ["sport", "culture", "humanitarian", "volunteer_centre"], "assumption", "kinds of (majority) organisations that may take part")
    share_of_organisations: float = P(0.3, "assumption", "share of the formal majority organisations of those kinds that take part", ge=0, le=1)
    extra_openness: float = P(0.25, "assumption", "added chance an ask goes outside the asker's own ties", ge=0, le=1)
    targeted_share: float = P(0.5, "assumption", "share of those outside asks aimed at the target group (targeted information)", ge=0, le=1)
    trial_months: int = P(3, "assumption", "months a newcomer takes part free of charge (0 = no trial)", ge=0, le=24)
    invite: float = P(2.0, "assumption", "multiplier on under-represented members being asked to help organise (1 = no change)", ge=1, le=20)
    open_offices: bool = P(False, "assumption", "fill offices outside self-recruiting networks (board diversity, FACTS §5)")
    office_self_recruitment: float = P(0.3, "assumption", "with open_offices: chance a vacant office still goes to a tie of the board", ge=0, le=1)
    nok_per_organisation_year: float = P(20000.0, "assumption", "cost per taking-part organisation per year (training, coordination), NOK", ge=0, le=NOK)


class OpenRecruitment(Intervention):
    params_class = Params

    def __init__(self, model, params: Params):
        super().__init__(model, params)
        o = model.orgs
        kinds = [KINDS.index(k) for k in params.kinds]
        pool = np.flatnonzero(np.isin(o.kind, kinds) & o.formal & ~o.minority)
        pool = pool[params.target.in_municipality(model, o.municipality[pool])]
        self.pool = pool
        self.orgs = np.empty(0, np.int64)
        self.chosen = False

    def apply(self, model) -> None:
        pr, lv = self.params, model.levers
        if not self.chosen:
            k = int(round(pr.share_of_organisations * len(self.pool)))
            self.orgs = by_size(model.streams, f"{self.stream_prefix}.organisations", self.pool,
                                model.orgs.key[self.pool], model.orgs.size_target[self.pool], k)
            self.chosen = True
        if not len(self.orgs):
            return
        o = self.orgs
        lv.openness_extra[o] += pr.extra_openness
        if pr.targeted_share > 0:
            aim = np.flatnonzero(pr.target.mask(model))
            lv.target_groups = groups(model.people.neighbourhood[aim], aim, len(model.nb_municipality))
            lv.targeted[o] = pr.targeted_share
        lv.trial_months[o] = np.maximum(lv.trial_months[o], pr.trial_months)
        lv.invite[o] *= pr.invite
        if pr.open_offices:
            lv.self_recruitment[o] = pr.office_self_recruitment
            lv.open_board[o] = True
        self.spend(len(o) * pr.nok_per_organisation_year / 12.0)
        if pr.trial_months > 0:
            self._trial_benefits(model)

    def _trial_benefits(self, model) -> None:
        """Newcomers in their free months receive the fee they do not pay."""
        p = model.people
        R = model.roster()
        sel = np.isin(R.org, self.orgs) & (model.month - p.mem_since[R.person, R.col] < self.params.trial_months)
        persons, orgs = R.person[sel].astype(np.int64), R.org[sel].astype(np.int64)
        gross = np.where(p.age[persons] < 18, model.orgs.fee_child[orgs], model.orgs.fee_adult[orgs])
        self.give(persons, gross / 12.0)

    def report(self) -> dict:
        return {"organisations": len(self.orgs)}
