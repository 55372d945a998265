"""Each intervention moves its own levers and only those; outside its months it does nothing;
and the levers do what the research says they do (FACTS §5)."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import burned_in, small_scenario
from model.interventions import CATALOGUE
from model.levers import Levers
from model.mechanisms import barriers
from model.model import DugnadModel
from model.state import IMMIGRANT, MAJORITY, MEMBER, OFFICE, VOLUNTEER

# A strong dose of each intervention, so that one month shows its levers, and the levers (and
# structural columns) each is allowed to move. "required" must move in the first month.
CASES = {
    "language_course": dict(
        params={"seats_per_year": 600, "provider": "organisation",
                "target": {"backgrounds": ["immigrant"], "age_min": 18, "max_norwegian": 0.9}},
        required={"language_gain"}, allowed={"language_gain", "meetings"}),
    "language_cafe": dict(
        params={"join_rate": 1.0, "capacity": 200}, required={"language_gain", "meetings", "programme_hours"},
        allowed={"language_gain", "meetings", "programme_hours"}),
    "leisure_card": dict(params={"letter_reach": 1.0}, required={"fee_covers"}, allowed={"fee_covers"}),
    "open_recruitment": dict(
        params={"share_of_organisations": 1.0, "open_offices": True},
        required={"openness_extra", "targeted", "target_groups", "trial_months", "invite", "self_recruitment", "open_board"},
        allowed={"openness_extra", "targeted", "target_groups", "trial_months", "invite", "self_recruitment", "open_board"}),
    "mentor_programme": dict(
        params={"pairs_per_year": 600, "target": {"backgrounds": ["immigrant"], "age_min": 20, "age_max": 61}},
        required={"meetings", "info", "job_finding", "programme_hours"},
        allowed={"meetings", "info", "job_finding", "programme_hours"}),
    "meeting_places": dict(
        params={"meetings_per_year": 52, "link_chance": 1.0, "drop_in_neighbourhoods": [0], "visit_rate": 1.0},
        required={"meetings", "link_boost", "info"}, allowed={"meetings", "link_boost", "info"}),
    "grants": dict(
        params={"regime": "operating", "apply_rate": 1.0, "application_complexity": 0.0, "guidance": 1.0,
                "formalisation_support": True, "formalisation_rate": 1.0},
        required={"activity", "link_boost"}, allowed={"activity", "link_boost"},
        columns={"orgs.formal", "orgs.board_size", "orgs.openness", "orgs.commitment", "orgs.meet_factor"}),
    "intro_programme_cooperation": dict(
        params={"guides_per_year": 600, "practice_seats": 200,
                "target": {"backgrounds": ["immigrant"], "age_min": 18}},
        required={"meetings", "info", "language_gain", "programme_hours"},
        allowed={"meetings", "info", "language_gain", "programme_hours"}),
    "arrivals": dict(
        params={"persons": 600, "arrival_months": 2}, required={"ask_boost", "volunteer_ask", "info"},
        allowed={"ask_boost", "volunteer_ask", "info"},
        grows=True),
    "information_campaign": dict(
        params={"channel": "both", "general_reach": 1.0, "org_reach": 1.0},
        required={"info"}, allowed={"info"}),
    "area_initiative": dict(
        params={"neighbourhoods": [0, 1, 2], "premises_meet_rate": 1.0},
        required={"literacy_gain", "link_boost", "openness_extra", "ask_boost", "activity", "meetings"},
        allowed={"literacy_gain", "link_boost", "openness_extra", "ask_boost", "activity", "meetings"}),
}


def test_every_intervention_has_a_case():
    assert set(CASES) == set(CATALOGUE)


def build(kind: str, population: int = 900, organisations: dict | None = None, **extra) -> DugnadModel:
    iv = {"type": kind, **CASES[kind]["params"], **extra}
    sc = small_scenario(population, burn_in_months=30, months=6, interventions=[iv], organisations=organisations or {})
    return burned_in(sc, seed=5)


def moved_levers(lv: Levers) -> set[str]:
    moved = set()
    for k, v in {**Levers.PERSON, **Levers.ORG}.items():
        arr = getattr(lv, k)
        neutral = np.isnan(arr) if isinstance(v, float) and np.isnan(v) else arr == v
        if not np.all(neutral):
            moved.add(k)
    if lv.meetings and any(len(m[0]) for m in lv.meetings):
        moved.add("meetings")
    if lv.fee_covers:
        moved.add("fee_covers")
    if lv.target_groups is not None:
        moved.add("target_groups")
    return moved


def snapshot(m):
    cols = {f"people.{c}": getattr(m.people, c).copy() for c in m.people.columns}
    cols.update({f"orgs.{c}": getattr(m.orgs, c).copy() for c in m.orgs.columns})
    return cols


def changed_columns(before, m) -> set[str]:
    out = set()
    for name, old in before.items():
        table, col = name.split(".")
        new = getattr(m.people if table == "people" else m.orgs, col)
        if len(new) != len(old) or not np.array_equal(new, old, equal_nan=True):
            out.add(name)
    return out


@pytest.mark.parametrize("kind", sorted(CASES))
def test_moves_its_levers_and_only_those(kind):
    case = CASES[kind]
    m = build(kind)
    iv = m.interventions[0]
    before = snapshot(m)
    m.levers.reset()
    iv.step(m)
    moved = moved_levers(m.levers)
    assert case["required"] <= moved, f"{kind} did not move {case['required'] - moved}"
    assert moved <= case["allowed"], f"{kind} moved levers it should not: {moved - case['allowed']}"
    changed = changed_columns(before, m)
    if case.get("grows"):
        assert len(m.people) > len(before["people.age"])
    else:
        assert changed <= case.get("columns", set()), f"{kind} changed state columns {changed}"
    assert iv.cost_nok >= 0


@pytest.mark.parametrize("kind", sorted(CASES))
def test_does_nothing_before_start_or_after_end(kind):
    m = build(kind, start_month=3, end_month=4)
    iv = m.interventions[0]
    n0 = len(m.people)
    for month in range(6):  # months 0..5: active only in month 3
        before = snapshot(m)
        m.levers.reset()
        cost_before, benefits_before = iv.cost_nok, len(m.benefits)
        iv.step(m)
        if month != 3:
            assert moved_levers(m.levers) == set(), f"{kind} moved levers in month {month}"
            assert iv.cost_nok == cost_before and len(m.benefits) == benefits_before
            assert changed_columns(before, m) == set()
        m.step()
    if kind == "arrivals":
        assert len(m.people) > n0  # it did act in its month


def test_model_step_resets_levers_each_month():
    m = build("information_campaign", end_month=1)
    m.step()  # month 0: campaign active
    assert m.levers.info.max() > 0
    m.step()  # month 1: over
    assert m.levers.info.max() == 0


# ----------------------------------------------------------------------------- levers at work

def test_language_course_adds_gain_to_enrolled_only_and_heavy_work_drops_out():
    m = build("language_course", provider="municipality", dropout_base=0.0, dropout_heavy_work=1.0)
    iv = m.interventions[0]
    iv.step(m)
    enrolled = iv.enrolled()
    assert len(enrolled) > 0
    gain = m.levers.language_gain
    assert np.all(gain[enrolled] > 0) and np.count_nonzero(gain) == len(enrolled)
    heavy = enrolled[m.people.work_hours[enrolled] > 40]
    light = enrolled[m.people.work_hours[enrolled] <= 40]
    m.month += 1
    iv.step(m)
    still = set(iv.enrolled().tolist())
    assert not (set(heavy.tolist()) & still)         # everyone with heavy hours dropped out
    assert set(light.tolist()) <= still               # no one else did (dropout_base 0)


def test_leisure_card_lowers_the_fee_only_for_children_of_informed_households():
    m = build("leisure_card", letter_reach=1.0, yearly_cap_nok=1500.0)
    iv = m.interventions[0]
    p, o = m.people, m.orgs
    iv.step(m)
    kids = np.flatnonzero((p.age >= 6) & (p.age < 18))
    informed = kids[iv.aware[p.household[kids]]]
    uninformed = kids[~iv.aware[p.household[kids]]]
    assert len(informed) and len(uninformed)
    org = int(np.flatnonzero(o.fee_child > 2000)[0])
    f_in = barriers.fee(m, informed[:5], np.full(5, org))
    f_out = barriers.fee(m, uninformed[:5], np.full(5, org))
    assert np.allclose(f_in, o.fee_child[org] - 1500.0, atol=0.01)
    assert np.allclose(f_out, o.fee_child[org], atol=0.01)
    adults = np.flatnonzero(p.age >= 25)[:5]
    assert np.allclose(barriers.fee(m, adults, np.full(5, org)), o.fee_adult[org], atol=0.01)


def test_leisure_card_letters_miss_families_without_norwegian_unless_outreach():
    def informed_share(outreach):
        m = build("leisure_card", letter_reach=1.0, municipal_reach=0.0, word_of_mouth=0.0, outreach=outreach)
        iv = m.interventions[0]
        iv.step(m)
        p = m.people
        adult = p.age >= 18
        best = np.zeros(m.n_households)
        np.maximum.at(best, p.household[adult], p.norwegian[adult])
        low = np.flatnonzero(best[: len(iv.aware)] < 0.3)
        assert len(low) > 5
        return iv.aware[low].mean()
    assert informed_share(False) < 0.15
    assert informed_share(True) > 0.9


def test_leisure_card_pays_up_to_the_yearly_cap():
    m = build("leisure_card", letter_reach=1.0, yearly_cap_nok=100.0)
    iv = m.interventions[0]
    for _ in range(12):
        m.step()
    assert iv.paid_this_year.max() <= 100.0 + 1e-9
    b = m.benefits.table()
    paid = b.groupby("person_id").nok
    assert (paid.sum() <= 100.0 + 0.005 * paid.count() + 1e-6).all()  # rows are rounded to øre
    assert (b.age < 18).all()


def test_open_recruitment_trial_months_waive_the_fee_then_it_returns():
    m = build("open_recruitment", trial_months=3)
    iv = m.interventions[0]
    iv.step(m)
    org = int(iv.orgs[np.argmax(m.orgs.fee_adult[iv.orgs])])
    p = m.people
    newcomer = int(np.flatnonzero((p.age >= 25) & (p.mem_org < 0).all(axis=1))[0])
    assert barriers.fee(m, np.array([newcomer]), np.array([org]))[0] == 0.0  # trying it out is free
    col = 0
    p.mem_org[newcomer, col], p.mem_role[newcomer, col], p.mem_since[newcomer, col] = org, MEMBER, m.month - 5
    m.memberships_changed()
    assert barriers.fee(m, np.array([newcomer]), np.array([org]))[0] == pytest.approx(m.orgs.fee_adult[org])


def test_open_offices_lets_offices_go_outside_the_board_network():
    """With self-recruitment certain, a vacancy goes to the board's tie; with open offices it can go
    to any member of standing (FACTS §5, diversity in boards)."""
    from conftest import blank_model, put
    from model.mechanisms import ladder

    def tied_share(open_offices: bool) -> float:
        hits = 0
        for trial in range(TRIALS):
            m = blank_model(400, seed=trial, ladder={"self_recruitment": 1.0}, interventions=[
                {"type": "open_recruitment", "share_of_organisations": 1.0, "open_offices": open_offices,
                 "office_self_recruitment": 0.0}])
            m.month = 0
            iv = m.interventions[0]
            iv.step(m)
            org = int(iv.orgs[0])
            m.orgs.board_size[org] = 2
            p = m.people
            adults = np.flatnonzero((p.age >= 25) & (p.age < 60))
            holder, friend, *others = adults[:12].tolist()
            put(m, holder, org, OFFICE)
            for x in [friend, *others]:
                put(m, x, org, MEMBER, since=-100)
            m.ties.add(np.array([holder]), np.array([friend]), 0.8)
            ladder.fill_offices(m)
            hits += int((p.mem_role[friend] == OFFICE).any())
        return hits / TRIALS
    # with open offices the friend is one of eleven members of standing (chance about 1/11 a trial)
    TRIALS = 10
    assert tied_share(False) == 1.0
    assert tied_share(True) < 0.5


def test_mentor_pairs_cross_groups_and_raise_job_finding_for_mentees():
    m = build("mentor_programme", match_quality=1.0, job_leads=1.0)
    iv = m.interventions[0]
    iv.step(m)
    pairs = iv.pairs
    assert len(pairs) > 0
    p = m.people
    assert np.all(p.background[pairs.mentor] == MAJORITY) and np.all(p.background[pairs.mentee] == IMMIGRANT)
    assert np.all(m.levers.job_finding[pairs.mentee] > 1.5)
    others = np.setdiff1d(np.arange(len(p)), pairs.mentee)
    assert np.all(m.levers.job_finding[others] == 1.0)
    # mentors are members or volunteers of organisations
    assert np.all((p.mem_role[pairs.mentor] >= MEMBER).any(axis=1))


def test_meeting_places_link_invited_minority_organisations():
    from model.mechanisms.ties import update_links
    m = build("meeting_places", drop_in_neighbourhoods=[], meetings_per_year=52, link_chance=1.0)
    o = m.orgs
    o.linked[o.minority] = False
    m.links_changed()
    iv = m.interventions[0]
    m.levers.reset()
    iv.step(m)
    boosted = np.flatnonzero(m.levers.link_boost > 1)
    assert len(boosted) and np.all(o.minority[boosted])
    update_links(m, 0, False)
    assert o.linked[boosted].all()
    assert iv.meetings_held > 0


def test_grants_complex_rules_favour_literate_boards_and_guidance_helps_minority_orgs():
    def minority_award_share(complexity, guidance, seeds=6):
        won = minority = 0
        for s in range(seeds):
            sc = small_scenario(1500, burn_in_months=30, months=1, organisations={"informal_share_minority": 0.0},
                                interventions=[{"type": "grants", "apply_rate": 1.0, "application_complexity": complexity,
                                                "guidance": guidance}])
            m = burned_in(sc, seed=20 + s)
            iv = m.interventions[0]
            iv.step(m)
            won += iv.awards
            minority += iv.awards_minority
        return minority / max(won, 1), won
    hard, n_hard = minority_award_share(1.0, 0.0)
    easy, n_easy = minority_award_share(0.0, 1.0)
    assert n_easy > n_hard
    assert easy > hard


def test_project_grants_reach_small_organisations_only_after_payment():
    m = build("grants", regime="project", formalisation_support=False, payment_month=3, reserve_size=10**6)
    iv = m.interventions[0]
    iv.step(m)
    holders = np.flatnonzero(iv.nok_per_year > 0)
    assert len(holders)
    assert np.all(m.levers.activity[holders] == 1.0)  # money not yet paid: nothing to spend
    for _ in range(3):
        m.month += 1
        m.levers.reset()
        iv.step(m)
    assert np.all(m.levers.activity[holders] > 1.0)   # paid in month 3


def test_formalisation_turns_groups_inward():
    iv = {"type": "grants", **CASES["grants"]["params"], "formalisation_support": True, "formalisation_rate": 1.0,
          "inward_turn": 1.0}
    # the starting landscape kept (no folding), so that small informal groups are there to register
    m = DugnadModel(small_scenario(3000, burn_in_months=30, months=6, organisations={"founding": False},
                                   interventions=[iv]), seed=5)
    o = m.orgs
    informal = np.flatnonzero(~o.formal & o.minority & o.active)  # folded groups do not register
    assert len(informal)
    openness_before = o.openness[informal].copy()
    m.interventions[0].step(m)
    assert o.formal[informal].all()
    assert np.all(o.openness[informal] <= openness_before * 1e-6 + 1e-9)
    assert np.all(o.meet_factor[informal] == 2.0)


def test_arrivals_add_newcomers_with_no_ties_or_memberships():
    m = build("arrivals", persons=400, arrival_months=1, dispersal=1.0)
    uid0, hh0 = m.world.next_uid, m.n_households
    iv = m.interventions[0]
    m.step()
    p = m.people
    new = np.flatnonzero((p.uid >= uid0) & (p.arrived_month == 0))  # not this month's births
    assert 250 <= len(new) <= 650
    assert np.all(p.background[new] == IMMIGRANT)
    assert np.all(p.years_in_norway[new] < 1.2)
    assert m.n_households > hh0
    refugees = new[p.age[new] >= 18]
    assert p.right_to_training[refugees].all()
    assert iv.arrived == len(new)
    for _ in range(3):
        m.step()  # the population keeps working after growth
    assert len(m.ties.csr()[0]) == len(p) + 1


def test_information_through_minority_organisations_reaches_people_general_channels_miss():
    def reached(channel):
        # pooled over seeds: minority organisations hold about one place per seven immigrants of a
        # group, so at this size only a few dozen people with weak Norwegian are in reach each run;
        # the starting landscape kept (a group's one small organisation may fold)
        hit = weak_total = 0
        for seed in (1, 2, 3, 5):
            iv = {"type": "information_campaign", **CASES["information_campaign"]["params"], "channel": channel,
                  "general_reach": 0.3, "org_reach": 0.3, "word_of_mouth": 0.3}
            sc = small_scenario(1500, burn_in_months=120, months=6, interventions=[iv], organisations={"founding": False})
            m = burned_in(sc, seed=seed)
            iv = m.interventions[0]
            for _ in range(3):
                m.levers.reset()
                iv.step(m)
                m.month += 1
            p = m.people
            weak = (p.norwegian < 0.4) & (p.age >= 16)
            hit, weak_total = hit + int((iv.until[weak] > 0).sum()), weak_total + int(weak.sum())
        return hit / weak_total
    # the margin depends on how many weak speakers are in minority organisations or tied to their
    # participants (calibrated homophily, landscape): 1.75x after the recalibration of issue 11
    assert reached("minority_organisations") > 1.5 * reached("general")


def test_area_initiative_trains_board_members_of_small_organisations_in_the_area():
    m = build("area_initiative", neighbourhoods=[0, 1, 2], training_months=2)
    iv = m.interventions[0]
    p, o = m.people, m.orgs
    iv.step(m)
    on_course = np.flatnonzero(m.levers.literacy_gain > 0)
    assert len(on_course) == iv.trainees > 0
    for person in on_course:  # office holders of minority or informal organisations in the area
        orgs = p.mem_org[person][p.mem_role[person] == OFFICE]
        assert any((o.minority[x] or not o.formal[x]) and o.neighbourhood[x] in (0, 1, 2) for x in orgs)
    lit_before = p.literacy.copy()
    from model.mechanisms import language
    language.step(m)
    assert np.all(p.literacy[on_course] - lit_before[on_course] >= 0.9 * 0.05 * (1 - lit_before[on_course]))
    for _ in range(2):  # the course ends after training_months
        m.month += 1
        m.levers.reset()
        iv.step(m)
    assert not (m.levers.literacy_gain[on_course] > 0).any()


def test_benefits_record_who_received_what():
    m = build("language_cafe")
    for _ in range(3):
        m.step()
    b = m.benefits.table()
    assert list(b.columns[:4]) == ["person_id", "intervention", "month", "nok"]
    assert len(b) and (b.nok > 0).all() and set(b.intervention) == {"language_cafe"}
    assert (b.background != "majority").all()
    iv = m.interventions[0]
    assert b.nok.sum() == pytest.approx(iv.benefit_nok, abs=0.005 * len(b))   # each row is rounded to øre


def test_costs_in_timeseries_are_cumulative_and_match_the_intervention():
    m = build("mentor_programme")
    m.run(4)
    ts = m.observer.table()
    all_ = ts[ts.group == "all"].set_index("month")
    assert all_["cost_nok"].is_monotonic_increasing
    assert all_["cost_nok"].iloc[-1] == pytest.approx(m.interventions[0].cost_nok)
    assert (all_["cost_nok.mentor_programme"] == all_["cost_nok"]).all()


def test_volunteer_only_cafe_needs_volunteers():
    m = build("language_cafe")
    p = m.people
    # no volunteers anywhere: the café cannot run
    p.mem_role[p.mem_role >= VOLUNTEER] = MEMBER
    m.memberships_changed()
    iv = m.interventions[0]
    iv.step(m)
    assert iv.visits == 0 and not m.levers.meetings


def test_operating_grants_never_spend_more_than_the_yearly_budget():
    m = build("grants", regime="operating", formalisation_support=False, budget_nok_per_year=100_000.0)
    iv = m.interventions[0]
    for month in range(36):
        m.levers.reset()
        iv.step(m)
        running = (iv.until > m.month) & (iv.nok_per_year > 0)
        assert iv.nok_per_year[running].sum() <= 100_000.0 + 1e-6
        m.month += 1
    assert iv.cost_nok == pytest.approx(300_000.0, rel=1e-6) or iv.cost_nok < 300_000.0
    assert iv.cost_nok > 0


def test_organisations_are_chosen_one_per_size_stratum_each_as_likely():
    """common.by_size: one organisation from each of k equal groups by size, so every seed gets
    large and small ones; over many draws each is chosen with chance k/n, as in a simple draw."""
    from model.interventions.common import by_size
    from model.streams import Streams
    n, k = 30, 9
    ids, keys = np.arange(100, 100 + n), np.arange(n) * 7 + 3
    sizes = np.random.default_rng(0).lognormal(3, 1.3, n)
    groups = np.array_split(np.argsort(sizes, kind="stable"), k)
    counts = np.zeros(n)
    for seed in range(1500):
        chosen = by_size(Streams(seed), "x", ids, keys, sizes, k)
        assert len(chosen) == k and (np.diff(chosen) > 0).all()
        pos = chosen - 100
        assert all(len(set(pos) & set(g)) == 1 for g in groups)   # one per stratum
        counts[pos] += 1
    share = counts / 1500
    expected = np.concatenate([np.full(len(g), 1 / len(g)) for g in groups])[np.argsort(np.concatenate(groups))]
    assert np.abs(share - expected).max() < 0.05                  # within sampling error (sd ≤ 0.013)
    assert expected.mean() == pytest.approx(k / n)
