"""Household economy: equivalised income, persistent low income, income deciles and the budget a
household can spend on organised leisure per person.

Earnings: employed adults earn their wage (scaled by work hours); adults without work have the
benefit level. Equivalised with the EU modified OECD scale (1 for the first adult, 0.5 for each
other person 14+, 0.3 per child under 14). **Persistent low income** follows SSB/EU: mean
equivalised income over the last ``low_income_years`` below ``low_income_line`` × the median of
the whole population. Income deciles (1–10) are computed within each municipality. The leisure
budget — ``leisure_share`` of equivalised income above ``subsistence`` — is what fees are compared
with (FACTS §3: family economy is the main barrier to organised leisure; Jacobsen et al. 2021).
"""

from __future__ import annotations

import numpy as np


def step(model) -> None:
    p, ec = model.people, model.params.economy
    n_hh = model.n_households
    adult = p.age >= 18
    earn = np.where(adult, np.where(p.employed, p.wage * p.work_hours / model.params.employment.normal_hours,
                                    ec.benefit), 0.0)
    hh_income = np.bincount(p.household, weights=earn, minlength=n_hh)
    weight = np.where(adult | (p.age >= 14), 0.5, 0.3)
    scale = np.bincount(p.household, weights=weight, minlength=n_hh) + 0.5  # first adult counts 1
    eq = hh_income / np.maximum(scale, 1.0)
    hist = model.income_history
    hist[:, model.months_run % hist.shape[1]] = eq
    filled = min(model.months_run + 1, hist.shape[1])
    mean_eq = hist[:, :filled].mean(axis=1) if filled < hist.shape[1] else hist.mean(axis=1)
    person_mean = mean_eq[p.household]
    line = ec.low_income_line * np.median(person_mean)
    p.low_income = person_mean < line
    p.eq_income = eq[p.household].astype(np.float32)
    dec = np.zeros(len(p), np.int8)
    for m in range(model.n_municipalities):
        sel = p.municipality == m
        if sel.any():
            edges = np.quantile(p.eq_income[sel], np.linspace(0.1, 0.9, 9))
            dec[sel] = 1 + np.searchsorted(edges, p.eq_income[sel], side="right")
    p.income_decile = np.minimum(dec, 10)
    p.leisure_budget = (ec.leisure_share * np.maximum(0.0, p.eq_income - ec.subsistence)).astype(np.float32)
    # family facts used by the youth and barrier mechanisms
    model.household_literacy = np.zeros(n_hh, np.float32)
    np.maximum.at(model.household_literacy, p.household[adult], p.literacy[adult])
    school_child = (p.age >= 6) & (p.age < 18)
    model.has_school_child = np.bincount(p.household[school_child], minlength=n_hh) > 0
