"""Common random numbers for interventions (:mod:`model.streams`): a scenario and its baseline run
with the same seed differ only where the scenario changed what someone faces. An intervention that
reaches nobody leaves the run exactly as the baseline; one that reaches some leaves everyone
else's draws alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import small_scenario
from model.interventions import CATALOGUE
from model.model import DugnadModel
from model.outputs import persons_table

SEED = 4
# a municipality where no one from Eritrea lives (groups are replenished only by arrivals of the
# same group, so none ever comes): targeting them is how a user's measure reaches nobody
MIX = {"Poland": 0.3, "Syria": 0.25, "Somalia": 0.15, "Other": 0.3}
ABSENT = "Eritrea"


def run(interventions=(), months: int = 6, persons: int = 300, seed: int = SEED) -> DugnadModel:
    sc = small_scenario(persons, burn_in_months=6, months=months, population={"origin_mix": MIX}, interventions=list(interventions))
    m = DugnadModel(sc, seed=seed)
    m.run()
    return m


@pytest.fixture(scope="module")
def baseline() -> DugnadModel:
    m = run()
    names = m.origins["group"].to_numpy()
    assert ABSENT not in set(names[m.people.origin[m.people.background != 0]])
    return m


def reaching_nobody(kind: str) -> dict:
    """Each intervention configured the way a user would so that it reaches no one."""
    nobody = {"target": {"origins": [ABSENT]}}
    return {
        "language_course": nobody,
        "language_cafe": {**nobody, "join_rate": 1.0},
        "leisure_card": {"target": {"origins": [ABSENT], "age_min": 6, "age_max": 17.99}, "letter_reach": 1.0, "outreach": True},
        "open_recruitment": {"share_of_organisations": 0.0},
        "mentor_programme": {**nobody, "pairs_per_year": 600},
        "meeting_places": {"meetings_per_year": 0.0},
        "grants": {"budget_nok_per_year": 0.0},
        "intro_programme_cooperation": {**nobody, "guides_per_year": 600},
        "arrivals": {"persons": 0},
        "information_campaign": {**nobody, "channel": "both", "general_reach": 1.0, "org_reach": 1.0},
        "area_initiative": {"neighbourhoods": [0], "organisation_training": False, "recruitment_help": False,
                            "shared_premises": False, "nok_per_year": 0.0},
    }[kind]


@pytest.mark.parametrize("kind", sorted(CATALOGUE))
def test_intervention_reaching_nobody_gives_identical_tables(kind, baseline):
    m = run([{"type": kind, **reaching_nobody(kind)}])
    iv = m.interventions[0]
    assert not iv.reached and not len(m.benefits.table()), f"{kind} reached someone"
    base = baseline.observer.table()
    cols = [c for c in base.columns if not c.startswith("cost_nok")]  # a fixed cost may be spent on nobody
    pd.testing.assert_frame_equal(m.observer.table()[cols], base[cols], check_exact=True)
    pd.testing.assert_frame_equal(persons_table(m), persons_table(baseline), check_exact=True)


def test_persons_the_leisure_card_does_not_reach_keep_their_draws():
    """In its first month the card lowers the fees of its card children — whether or not they
    are paid anything yet (benefits record payments only) — and so the budget of their whole
    household. Others are not strictly untouched: when someone of a card household joins, stays
    or leaves, the organisation's roster, size and room change for everyone asked in it, climbing
    its ladder in it, or in it when it folds. What common random numbers do guarantee is that no
    one else's draws move — so everyone outside the card households whose memberships differ
    from the baseline shares an organisation with someone of the card households whose
    memberships differ. (With one shared generator one changed draw shifts every later draw, and
    persons all over the model would differ.) The card changes few memberships in one month, so
    several seeds."""
    card = {"type": "leisure_card", "letter_reach": 1.0, "outreach": True, "yearly_cap_nok": 20000}
    changed_in_card_households = 0
    for seed in range(4, 10):
        base, scen = run(months=1, persons=1500, seed=seed), run([card], months=1, persons=1500, seed=seed)
        p, q = base.people, scen.people
        assert np.array_equal(p.uid, q.uid)  # the same persons in the same rows
        card_child = scen.interventions[0].card_child
        assert card_child.any()
        in_card_household = np.isin(q.household, q.household[card_child])
        differs = (p.mem_org != q.mem_org).any(axis=1) | (p.mem_role != q.mem_role).any(axis=1)
        moved = differs & in_card_household
        moved_orgs = np.union1d(p.mem_org[moved], q.mem_org[moved])
        moved_orgs = moved_orgs[moved_orgs >= 0]
        others = np.flatnonzero(differs & ~in_card_household)
        shares = np.isin(p.mem_org[others], moved_orgs).any(axis=1) | np.isin(q.mem_org[others], moved_orgs).any(axis=1)
        assert shares.all(), f"seed {seed}: persons {others[~shares].tolist()} differ without sharing an organisation with a card household"
        changed_in_card_households += int(moved.sum())
    assert changed_in_card_households > 0  # the card did change something
