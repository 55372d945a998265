"""The leisure card (fritidskort): the municipality pays children's participation fees up to a
yearly cap.

FACTS §3: family economy is the main barrier to regular organised leisure (Jacobsen et al. 2021).
§5: the card is universal for children 6–17 but meant for low-participation groups; the challenge
is *information* — families outside organised life hear of it last, and minority youth spread word
through their own networks (Arnesen et al. 2021).

Lever: fees (``levers.fee_covers``). For a child whose household **knows of the card**, the fee
each membership costs the household falls by up to ``yearly_cap_nok`` (the fee barrier and the
budget block of :mod:`model.mechanisms.barriers` then see the lower fee). Whether more children
take part is left to the youth and membership mechanisms.

Households learn of the card through channels, each with its own reach, so take-up is uneven:

* a **school letter** each card year, read with chance ``letter_reach × (parents' best
  Norwegian)²`` (a letter in Norwegian);
* the **municipality's channels**, each month with ``municipal_reach × parents' dugnad literacy``
  (those already in organised life look there);
* **word of mouth** along ties, each month with ``word_of_mouth`` per tie to a household whose
  child uses the card, told to households with children of school age (so it spreads inside each
  group's own networks, and reaches last the families with no one in organised leisure);
* with ``outreach``: letters translated (the Norwegian factor goes) and **minority organisations**
  tell the households of their participants each month with ``outreach_reach``.

Payments: each month a card child in fee-charging activities has 1/12 of the yearly fees paid, up
to what is left of the cap this card year; each payment is a benefit. Cost: payments plus
``admin_nok_per_child_year`` for each child using the card. Simplification: the cap is applied to
each fee when families weigh joining, and to the child's total when paying.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from model.interventions.base import Intervention
from model.schema import NOK, InterventionParams, P, Target


class Params(InterventionParams):
    """Leisure card for children, with its information channels."""

    type: Literal["leisure_card"] = "leisure_card"
    target: Target = P(Target(age_min=6, age_max=17.99), "setting", "children the card is for (FACTS §5: all children 6–17)")
    yearly_cap_nok: float = P(2000.0, "assumption", "fees paid per child per card year, NOK (in the range of Norwegian pilot schemes)", ge=0, le=NOK)
    letter_reach: float = P(0.4, "assumption", "chance a household with fluent parents reads the yearly school letter and registers", ge=0, le=1)
    municipal_reach: float = P(0.03, "assumption", "monthly chance × parents' dugnad literacy of learning of the card from the municipality's channels", ge=0, le=1)
    word_of_mouth: float = P(0.02, "assumption", "monthly chance per tie to a household whose child uses the card", ge=0, le=1)
    outreach: bool = P(False, "assumption", "translated letters and information through minority organisations (FACTS §5; COVID-19 experience §4.12)")
    outreach_reach: float = P(0.15, "assumption", "with outreach: monthly chance a minority organisation tells a participant's household", ge=0, le=1)
    admin_nok_per_child_year: float = P(150.0, "assumption", "administration per child using the card per year, NOK", ge=0, le=NOK)


class LeisureCard(Intervention):
    params_class = Params

    def __init__(self, model, params: Params):
        super().__init__(model, params)
        self.aware = np.zeros(model.n_households, bool)
        self.paid_this_year = np.zeros(len(model.people))
        self.card_child = np.zeros(len(model.people), bool)
        self.learned = {"letter": 0, "municipality": 0, "word_of_mouth": 0, "minority_organisation": 0}

    person_arrays = ("paid_this_year", "card_child")

    def grow_households(self, n_households: int) -> None:
        self.aware = np.concatenate([self.aware, np.zeros(n_households - len(self.aware), bool)])

    def grow(self, n_persons: int) -> None:
        extra = n_persons - len(self.card_child)
        self.paid_this_year = np.concatenate([self.paid_this_year, np.zeros(extra)])
        self.card_child = np.concatenate([self.card_child, np.zeros(extra, bool)])

    def _cover(self, persons: np.ndarray, orgs: np.ndarray, gross: np.ndarray) -> np.ndarray:
        return np.where(self.card_child[persons], np.minimum(gross, self.params.yearly_cap_nok), 0.0)

    def _learn(self, households: np.ndarray, channel: str) -> None:
        new = households[~self.aware[households]]
        new = np.unique(new)
        self.aware[new] = True
        self.learned[channel] += len(new)

    def _inform(self, model) -> None:
        """Households learn of the card. Letters and the municipality's channels draw per
        household (keyed by household id), word of mouth per tie and outreach per membership
        (keyed by the persons)."""
        p, pr, S, L = model.people, self.params, model.streams, self.stream_prefix
        hh_n = model.n_households
        households = np.arange(hh_n)
        adult = p.age >= 18
        best_norw = np.zeros(hh_n)
        np.maximum.at(best_norw, p.household[adult], p.norwegian[adult])
        # families whose row was taken over by newcomers start unaware
        renewed = np.unique(p.household[p.arrived_month == model.month])
        self.aware[renewed] = False
        months_in = model.month - pr.start_month
        if months_in % 12 == 0:
            read = pr.letter_reach * (1.0 if pr.outreach else best_norw ** 2)
            self._learn(np.flatnonzero(S.chance(f"{L}.letter", households, read)), "letter")
        self._learn(np.flatnonzero(S.chance(f"{L}.municipality", households, pr.municipal_reach * model.household_literacy)),
                    "municipality")
        # word of mouth along ties, from households using the card to households with school children
        t = model.ties
        ha, hb = p.household[t.a], p.household[t.b]
        using = np.zeros(hh_n, bool)
        using[p.household[self.paid_this_year > 0]] = True
        listens = model.has_school_child & ~self.aware
        to_b, to_a = using[ha] & listens[hb], using[hb] & listens[ha]
        tell = np.concatenate([hb[to_b], ha[to_a]])
        listener = np.concatenate([t.b[to_b], t.a[to_a]])
        teller = np.concatenate([t.a[to_b], t.b[to_a]])
        self._learn(tell[S.chance(f"{L}.word_of_mouth", p.key[listener], pr.word_of_mouth, p.key[teller])], "word_of_mouth")
        if pr.outreach:
            R = model.roster()
            via = model.orgs.minority[R.org]
            told = R.person[via]
            hear = S.chance(f"{L}.outreach", p.key[told], pr.outreach_reach, model.orgs.key[R.org[via]])
            self._learn(p.household[told[hear]], "minority_organisation")

    def apply(self, model) -> None:
        p, pr = model.people, self.params
        if (model.month - pr.start_month) % 12 == 0:
            self.paid_this_year[:] = 0.0
        self._inform(model)
        self.card_child = pr.target.mask(model) & self.aware[p.household] & (p.age < 18)
        if self.card_child.any():  # a card no child holds lowers no fee
            model.levers.fee_covers.append(self._cover)

    def settle(self, model) -> None:
        """Pay this month's share of the fees of card children in fee-charging activities (fees
        waived by a free trial month are not paid)."""
        p, pr, lv = model.people, self.params, model.levers
        R = model.roster()
        kids = self.card_child[R.person]
        gross = model.orgs.fee_child[R.org[kids]].astype(np.float64)
        trial = lv.trial_months[R.org[kids]]
        in_trial = (trial > 0) & (model.month - p.mem_since[R.person[kids], R.col[kids]] < trial)
        gross = np.where(in_trial, 0.0, gross)
        due = np.bincount(R.person[kids], weights=gross / 12.0, minlength=len(p))
        who = np.flatnonzero(due > 0)
        pay = np.minimum(due[who], np.maximum(0.0, pr.yearly_cap_nok - self.paid_this_year[who]))
        self.paid_this_year[who] += pay
        self.give(who, pay)
        users = who[pay > 0]
        self.spend(len(users) * pr.admin_nok_per_child_year / 12.0)

    def report(self) -> dict:
        return {"households_learned_by_" + k: v for k, v in self.learned.items()}
