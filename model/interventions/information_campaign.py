"""Information campaigns about voluntary organisations: through general channels or through
minority organisations.

FACTS §4.2: small networks mean no information; §4.12 (COVID-19, 2020–21): information through
immigrant organisations reached groups that official channels missed; §5: targeted information is
part of recruitment outside closed networks; the leisure-card experience (Arnesen et al. 2021):
families outside organised life hear last.

Each month of the campaign, people in the target hear of it:

* **general** channels (municipal web pages, letters, media in Norwegian): with
  ``general_reach × Norwegian² × (0.5 + 0.5·dugnad literacy)`` — those already at home in
  Norwegian organised life hear first;
* **minority_organisations**: each participant of a minority organisation hears with ``org_reach``
  and passes it on to each of their ties with ``word_of_mouth`` (in their own language).

Lever: for ``memory_months`` after hearing, a person has ``strength`` more information about
organisations (``levers.info``), which raises informed self-joining and the use of the
municipality's channels in :mod:`model.mechanisms.recruitment`. Joining itself is left to the
mechanisms (barriers still apply). Cost: ``nok_per_contact`` per person reached (also their benefit).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from model.interventions.base import Intervention
from model.interventions.common import slots
from model.schema import NOK, InterventionParams, P, Target


class Params(InterventionParams):
    """Information about organisations, through general or minority-organisation channels."""

    type: Literal["information_campaign"] = "information_campaign"
    target: Target = P(Target(age_min=16), "setting", "who the campaign is for (default: everyone 16+)")
    channel: Literal["general", "minority_organisations", "both"] = P("general", "setting", "the channel (FACTS §4.12: minority organisations reached groups official channels missed)")
    general_reach: float = P(0.1, "assumption", "monthly chance a fluent, organisation-literate person hears through general channels", ge=0, le=1)
    org_reach: float = P(0.2, "assumption", "monthly chance a participant of a minority organisation hears there", ge=0, le=1)
    word_of_mouth: float = P(0.1, "assumption", "chance a person who heard through a minority organisation tells each of their ties", ge=0, le=1)
    strength: float = P(0.5, "assumption", "information added while it is remembered (0–1)", ge=0, le=1)
    memory_months: int = P(6, "assumption", "months the information is remembered", ge=1, le=60)
    nok_per_contact: float = P(50.0, "assumption", "cost per person reached, NOK", ge=0, le=NOK)


class InformationCampaign(Intervention):
    params_class = Params

    def __init__(self, model, params: Params):
        super().__init__(model, params)
        self.until = np.full(len(model.people), -1, np.int64)
        self.heard = {"general": 0, "minority_organisations": 0, "word_of_mouth": 0}

    person_arrays = ("until",)

    def grow(self, n_persons: int) -> None:
        self.until = np.concatenate([self.until, np.full(n_persons - len(self.until), -1, np.int64)])

    def _hear(self, model, persons: np.ndarray, channel: str) -> np.ndarray:
        persons = np.unique(persons)
        new = persons[self.until[persons] <= model.month]
        self.until[persons] = model.month + self.params.memory_months
        self.heard[channel] += len(new)
        self.give(new, self.params.nok_per_contact)
        return new

    def apply(self, model) -> None:
        p, pr, S, L = model.people, self.params, model.streams, self.stream_prefix
        self.until[p.arrived_month == model.month] = -1  # newcomers in a taken-over row have not heard
        inside = pr.target.mask(model)
        if pr.channel in ("general", "both"):
            cand = np.flatnonzero(inside)
            chance = pr.general_reach * p.norwegian[cand].astype(float) ** 2 * (0.5 + 0.5 * p.literacy[cand])
            self._hear(model, cand[S.chance(f"{L}.general", p.key[cand], chance)], "general")
        if pr.channel in ("minority_organisations", "both"):
            R = model.roster()
            via = R.person[model.orgs.minority[R.org]].astype(np.int64)
            via = np.unique(via[inside[via]])
            heard = self._hear(model, via[S.chance(f"{L}.organisation", p.key[via], pr.org_reach)], "minority_organisations")
            indptr, nbr = model.ties.csr()
            deg = indptr[heard + 1] - indptr[heard]
            # all ties of those who heard, flattened
            teller = np.repeat(heard, deg)
            told = nbr[np.repeat(indptr[heard], deg) + slots(deg)].astype(np.int64)
            told = told[S.chance(f"{L}.word_of_mouth", p.key[told], pr.word_of_mouth, p.key[teller])]
            self._hear(model, told[inside[told]], "word_of_mouth")
        knows = np.flatnonzero(self.until > model.month)
        model.levers.info[knows] = np.minimum(1.0, model.levers.info[knows] + pr.strength)

    def report(self) -> dict:
        return {"heard_through_" + k: v for k, v in self.heard.items()}
