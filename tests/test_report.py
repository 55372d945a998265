"""The comparison report (model.experiments.report): first screen, sentences that match the numbers,
power, parameter uncertainty and the assumption flags, on hand-made effect tables."""

from __future__ import annotations

import json

import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.experiments import posterior as post
from model.experiments.report import (GROUPS, HEADLINE, excludes_zero, fmt_effect, fmt_interval, fmt_nok, power,
                                      sentences, write_report)

KEYS = [k for k, *_ in HEADLINE]
WORDS = {w: k for k, _, w, _ in HEADLINE}
SHARE = {k: s for k, _, _, s in HEADLINE}


def frames(effects: dict[tuple[str, str, str], tuple[float, float]], months=(12, 60)):
    """effects[(scenario, subgroup, indicator)] = (difference, half-width) → the effect,
    cost-effectiveness and incidence tables compare writes."""
    rows = []
    for (sc, g, ind), (d, h) in effects.items():
        for m in months:
            rows.append({"scenario": sc, "month": m, "dimension": "background group", "subgroup": g, "indicator": ind,
                         "difference": d, "ci90_lo": d - h, "ci90_hi": d + h, "seeds": 8, "sd": h * math.sqrt(8) / 1.895})
    eff = pd.DataFrame(rows)
    eff = pd.concat([eff, eff.head(2).assign(dimension="income", subgroup="deciles 1-3")], ignore_index=True)
    scen = sorted({k[0] for k in effects})
    ce = pd.DataFrame([{"scenario": sc, "month": 60, "measure": "NOK per extra participant", "cost_nok": 1.2e6,
                        "extra": 30.0, "extra_ci90_lo": 10.0, "extra_ci90_hi": 50.0, "nok_per_unit": 40_123.0,
                        "ci90_lo": 24_000.0, "ci90_hi": 120_000.0, "seeds": 8} for sc in scen])
    inc = pd.DataFrame([{"scenario": sc, "intervention": "x", "type": "leisure_card", "dimension": dim, "group": grp,
                         "nok": nok, "eligible": 10.0, "nok_share": np.nan, "eligible_share": np.nan,
                         "participation_change": 0.01}
                        for sc in scen for dim, grp, nok in (("income", "deciles 1-3", 30.0), ("income", "deciles 4-7", 50.0),
                                                             ("income", "deciles 8-10", 20.0),
                                                             ("background", "majority", 60.0), ("background", "immigrant", 40.0))])
    return eff, ce, inc


def write(tmp_path, effects, **kw):
    eff, ce, inc = frames(effects)
    scen = sorted({k[0] for k in effects})
    plot = tmp_path / "extra.png"
    _png(plot)
    return write_report(tmp_path, "baseline", scen, eff, ce, inc, 8, [12, 60], [plot], **kw)


def _png(path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(2, 1))
    fig.savefig(path)
    plt.close(fig)


def test_first_screen_has_the_headline_sentences_and_forest_plot(tmp_path):
    effects = {("card", g, k): (0.03, 0.01) for g, *_ in GROUPS for k in KEYS}
    effects |= {("mentors", g, k): (0.0, 0.02) for g, *_ in GROUPS for k in KEYS}
    rep = write(tmp_path, effects, assumed={"mentors": ["mentors: what a mentor does is assumed"]})
    md = (tmp_path / "report.md").read_text()
    first = md.split("## How sure")[0]
    assert first.startswith("# What the measures do after five years (month 60)")
    for _, label, _, _ in HEADLINE:
        assert label in first
    assert "Card" in first and "Mentors †" in first and "† Mentors: mentors: what a mentor does is assumed" in first
    assert "40,000" in first                        # NOK per extra participant, two significant figures
    assert "30 %" in first and "40 %" in first      # money to deciles 1-3 and to immigrant background
    assert "![forest plot" in first
    assert "cannot tell the effect of Mentors" in rep["sentences"][1] and "rests on an assumption" in rep["sentences"][1]
    html = (tmp_path / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 2 and "class='headline'" in html
    for h in ("## How sure: power of this run", "## Details", "Effects by background group"):
        assert h in md
    assert "| 12 |" in md and "12.000" not in md   # months as integers


CLAIM = re.compile(r"(raises|lowers)|(" + "|".join(re.escape(w) for w in WORDS).replace("(", "(?:", 0)
                   + r") by ([0-9.]+)(?: points)? \((?:90% interval )?([−0-9.]+ to [−0-9.]+)\)")
SEGMENT = re.compile(r"among persons of immigrant background|among everyone|Among everyone")


def claims(sentence: str) -> dict[tuple[str, str], tuple[str, str, str]]:
    """(group, indicator) → (verb, value, interval) as written in ``sentence``."""
    out = {}
    marks = [(m.start(), "immigrant_background" if "immigrant" in m.group() else "all") for m in SEGMENT.finditer(sentence)]
    verb = None
    for m in CLAIM.finditer(sentence):
        if m.group(1):
            verb = m.group(1)
            continue
        group = [g for pos, g in marks if pos < m.start()][-1]
        out[(group, WORDS[m.group(2)])] = (verb, m.group(3), m.group(4))
    return out


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-0.2, 0.2), st.floats(0.0, 0.1)), min_size=len(KEYS) * 2, max_size=len(KEYS) * 2))
def test_sentences_claim_exactly_the_effects_whose_interval_excludes_zero(values):
    effects = {("measure", g, k): v for (g, k), v in zip([(g, k) for g, *_ in GROUPS for k in KEYS], values)}
    eff, ce, inc = frames(effects, months=(60,))
    from model.experiments.report import headline_table, money_shares
    head = headline_table(eff, 60)
    text = sentences(head, money_shares(inc), 60, ["measure"], {})[0]
    said = claims(text)
    clear = {(g, k) for (_, g, k), (d, h) in effects.items() if excludes_zero(d - h, d + h)}
    assert set(said) == clear, text
    for (g, k), (verb, value, interval) in said.items():
        d, h = effects[("measure", g, k)]
        assert verb == ("raises" if d > 0 else "lowers")
        assert value == fmt_effect(abs(d), SHARE[k], False, True)
        assert interval == fmt_interval(d - h, d + h, SHARE[k])
    if not clear:
        assert "cannot tell" in text
    assert "30 % of its money reached the lowest-income 30 %" in text


def test_an_interval_that_excludes_zero_never_prints_zero():
    assert fmt_interval(0.0002, 0.003, True) == "0.02 to 0.3"
    assert fmt_interval(-0.004, -0.0003, True) == "−0.4 to −0.03"
    assert fmt_interval(0.0000996, 0.003, True) == "0.01 to 0.3"
    assert fmt_interval(-0.0000006, 0.00012, False) == "0.000 to 0.000"    # includes zero: plain rounding, no −0
    assert fmt_effect(-0.0004, False, keep=True) == "−0.0004" and fmt_effect(0.0, True) == "+0.0"
    assert fmt_nok(123_456.0) == "120,000" and fmt_nok(float("nan")) == "–" and fmt_nok(7.26) == "7.3"


def test_power_matches_the_t_formula_and_is_consistent():
    from scipy import stats
    mde, need = power(sd=1.0, n=10, observed=0.5)
    assert mde == pytest.approx((stats.t.ppf(0.95, 9) + stats.t.ppf(0.80, 9)) / math.sqrt(10))
    # the seeds needed for an effect the size of this run's detectable one is this run's seeds
    assert power(1.0, 10, mde * 1.0001)[1] == 10
    assert power(1.0, 10, 0.25)[1] > power(1.0, 10, 0.5)[1] > 10
    assert power(1.0, 10, 0.0)[1] == math.inf and math.isnan(power(1.0, 1, 0.5)[0])


def test_power_section_lists_every_headline_effect(tmp_path):
    effects = {("card", g, k): (0.02, 0.01) for g, *_ in GROUPS for k in KEYS}
    rep = write(tmp_path, effects)
    head = rep["headline"]
    assert len(head) == len(KEYS) * len(GROUPS)
    assert head["detectable"].gt(0).all() and head["seeds_needed"].ge(2).all()


def test_posterior_effects_are_a_prediction_interval_over_draws():
    from scipy import stats
    rows = []
    for seed, d in zip((1, 2, 3, 4), (0.01, 0.03, 0.02, 0.06)):
        rows += [{"scenario": "baseline", "seed": seed, "month": 60, "group": "all", "indicator": "participation", "value": 0.5},
                 {"scenario": "card", "seed": seed, "month": 60, "group": "all", "indicator": "participation", "value": 0.5 + d}]
    pe = post.effects(pd.DataFrame(rows), "baseline", ["month", "group", "indicator"])
    x = np.array([0.01, 0.03, 0.02, 0.06])
    half = stats.t.ppf(0.95, 3) * x.std(ddof=1) * math.sqrt(1.25)
    r = pe.iloc[0]
    assert r["post_mean"] == pytest.approx(x.mean()) and r["post_hi"] - r["post_mean"] == pytest.approx(half)
    assert r["post_positive"] == 1.0 and r["post_draws"] == 4


def test_posterior_draws_cycle_the_accepted_samples_with_seeds_of_their_own(tmp_path):
    samples = post.accepted_samples()
    d = post.draws(len(samples) + 2)
    assert [s for s, _ in d] == list(range(post.FIRST_SEED, post.FIRST_SEED + len(samples) + 2))
    assert {tuple(sorted(p.items())) for _, p in d[: len(samples)]} == {tuple(sorted(p.items())) for p in samples}
    assert d == post.draws(len(samples) + 2)
    bad = tmp_path / "summary.json"
    bad.write_text('{"accepted": 8}')
    from model.errors import DugnadError
    with pytest.raises(DugnadError, match="accepted_samples"):
        post.accepted_samples(bad)


def test_distinct_sets_count_repeats_once(tmp_path):
    f = tmp_path / "summary.json"
    sets = [{"a": 1.0, "b": 2.0}, {"b": 2.0, "a": 1.0}, {"a": 1.5, "b": 2.0}]
    f.write_text(json.dumps({"accepted_samples": [{"sample": i, "parameters": p} for i, p in enumerate(sets)]}))
    assert post.distinct_sets(f) == (2, 3)


def test_a_posterior_with_held_parameters_says_which_vary():
    """A calibration holds a parameter with a range of relative width under 1e-4 (the shipped fit's
    second stage): the reports must not pass its posterior off as one of every parameter."""
    held = [{"a": 1.0, "b": 2.0 + i * 1e-7, "c": 0.1 * i} for i in range(4)]
    assert post.varied_parameters(held) == ["c"]
    words = post.held_words(held)
    assert "varies only c" in words and "2 of 3 parameters were held" in words
    assert post.held_words([{"a": 1.0 + i, "c": 0.1 * i} for i in range(1, 4)]) == ""
    from model.validation.report import _concentration
    text = _concentration({"accepted_samples": [{"sample": i, "parameters": p} for i, p in enumerate(held)]})
    assert "holds 4 distinct sets of its 4" in text and "not a posterior of every parameter" in text


def test_interventions_whose_effect_sizes_are_assumed_say_so():
    from model.interventions.grants import Grants, Params as GrantParams
    from model.interventions.mentor_programme import MentorProgramme, Params as MentorParams
    from model.interventions.leisure_card import LeisureCard, Params as CardParams
    assert MentorProgramme.assumed_effect(_obj(MentorParams())) is not None
    assert Grants.assumed_effect(_obj(GrantParams())) is None
    assert "inward_turn" in Grants.assumed_effect(_obj(GrantParams(formalisation_support=True)))
    assert LeisureCard.assumed_effect(_obj(CardParams())) is None


def _obj(params):
    class O:
        pass
    o = O()
    o.params = params
    return o


def test_assumptions_are_collected_per_scenario_from_the_runs():
    from model.experiments.compare import assumptions
    runs = pd.DataFrame({"scenario": ["base", "m", "m"], "assumed": [None, {"mentors": "assumed"}, {"mentors": "assumed"}]})
    assert assumptions(runs) == {"m": ["mentors: assumed"]}


def test_power_says_when_more_seeds_than_anyone_runs_would_be_needed():
    from model.experiments.report import MAX_SEEDS, fmt_seeds
    _, need = power(1.0, 10, 1e-6)
    assert need == MAX_SEEDS + 1 and fmt_seeds(need) == "> 100,000" and fmt_seeds(math.inf) == "–"


def test_posterior_runs_are_told_apart_by_their_seeds():
    runs = pd.DataFrame({"seed": [1, 2, post.FIRST_SEED, post.FIRST_SEED + 3], "param:x": [0.1, 0.1, 0.2, np.nan]})
    assert post.is_posterior(runs).tolist() == [False, False, True, True]


def test_accepted_samples_carry_the_fixed_values_and_say_they_were_held(tmp_path):
    f = tmp_path / "summary.json"
    sets = [{"a": 1.0}, {"a": 1.5}]
    f.write_text(json.dumps({"settings": {"fixed": {"b": 0.3, "a": 9.0}},
                             "accepted_samples": [{"sample": i, "parameters": p} for i, p in enumerate(sets)]}))
    samples = post.accepted_samples(f)
    assert samples == [{"a": 1.0, "b": 0.3}, {"a": 1.5, "b": 0.3}]   # a fitted value wins over a stale fixed one
    assert "varies only a" in post.held_words(samples) and "1 of 2" in post.held_words(samples)
