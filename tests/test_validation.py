"""Calibration targets, validation and calibration (issue 4)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model.cli import main
from model.validation import calibrate as cal
from model.validation.targets import (STATISTICS, Target, TargetsError, compute, ladder_shares, load_targets, logit,
                                      regression_frame)


def person(pid, background="majority", sex="male", age=40, participant=False, volunteer=False, secular=False,
           education="medium", norwegian=1.0, employed=True, religious=False, hours=None):
    hours = (3.0 if background == "majority" else 5.0) * volunteer if hours is None else hours
    return dict(person_id=pid, background=background, sex=sex, age=age, participant=participant, volunteer=volunteer,
                volunteer_secular=secular, education=education, norwegian=norwegian, employed=employed,
                religious=religious, volunteer_hours=float(hours))


@pytest.fixture
def hand_tables():
    """10 majority adults (7 took part, 5 volunteer), 10 immigrant adults (3 took part, 2 volunteer,
    1 secular), 5 descendant adults (2 took part, 1 volunteer); youth: 4 minority boys (3 in, 2 of
    them in a culture org), 2 majority girls (1 in)."""
    rows = []
    for i in range(10):
        rows.append(person(i, participant=i < 7, volunteer=i < 5))
    for i in range(10, 20):
        rows.append(person(i, "immigrant", participant=i < 13, volunteer=i < 12, secular=i == 10))
    for i in range(20, 25):
        rows.append(person(i, "descendant", participant=i < 22, volunteer=i == 20))
    for i in range(25, 29):
        rows.append(person(i, "immigrant", age=15, participant=i < 28))
    for i in range(29, 31):
        rows.append(person(i, "majority", sex="female", age=16, participant=i == 29))
    persons = pd.DataFrame(rows)
    orgs = pd.DataFrame({"org_id": [0, 1, 2], "kind": ["culture", "sport", "minority"], "minority": [False, False, True],
                         "formal": [True, True, False], "linked": [True, False, False]})
    mem = pd.DataFrame({"person_id": [25, 26, 27, 29, 0, 1, 10], "org_id": [0, 0, 1, 1, 1, 1, 2],
                        "role": ["participant", "member", "participant", "participant", "office", "volunteer", "participant"]})
    return {"persons": persons, "memberships": mem, "organisations": orgs}


def test_statistics_on_hand_built_tables(hand_tables):
    t = hand_tables
    S = STATISTICS
    assert S["participation_rest"](t) == pytest.approx(7 / 10)
    assert S["participation_immigrant_background"](t) == pytest.approx((3 + 2) / 15)
    assert S["volunteer_rest"](t) == pytest.approx(5 / 10)
    assert S["volunteer_immigrant_background"](t) == pytest.approx(3 / 15)
    # SSB: immigrants vs everyone else (majority and descendants)
    assert S["volunteer_ratio_immigrants_rest"](t) == pytest.approx((2 / 10) / (6 / 15))
    assert S["secular_volunteering_immigrants"](t) == pytest.approx(1 / 10)
    assert S["youth_minority_boys"](t) == pytest.approx(3 / 4)
    assert S["hobby_minority_boys"](t) == pytest.approx(2 / 4)
    assert S["hobby_majority_girls"](t) == pytest.approx(0 / 2)
    assert S["youth_majority_minus_minority"](t) == pytest.approx(1 / 2 - 3 / 4)
    assert S["minority_minus_majority_linked"](t) == pytest.approx(0.0 - 0.5)


def test_ladder_counts_informal_participants_as_members(hand_tables):
    s = ladder_shares(hand_tables)
    # rung ≥ participant: persons 25,26,27,29,0,1,10 → immigrant background 25,26,27,10 = 4/7
    assert s["participant"] == pytest.approx(4 / 7)
    # ≥ member: 26 (member), 0, 1, 10 (informal group counts as member) → 2/4
    assert s["member"] == pytest.approx(2 / 4)
    assert s["volunteer"] == pytest.approx(0.0) and s["office"] == pytest.approx(0.0)
    assert STATISTICS["ladder_gradient"](hand_tables) == pytest.approx(0.0)


def test_logit_recovers_known_signs():
    rng = np.random.default_rng(0)
    n = 4000
    df = pd.DataFrame({"female": rng.integers(0, 2, n).astype(float), "age10": rng.uniform(2, 6, n),
                       "low_education": rng.integers(0, 2, n).astype(float), "norwegian": rng.uniform(0, 1, n),
                       "employed": rng.integers(0, 2, n).astype(float), "religious": rng.integers(0, 2, n).astype(float)})
    x = -1 - 0.5 * df.female - 0.3 * df.age10 + 2.0 * df.norwegian + 0.6 * df.employed
    df["volunteer"] = (rng.random(n) < 1 / (1 + np.exp(-x))).astype(float)
    df["volunteer_secular"] = df["volunteer"]
    fit = logit(df, "volunteer")
    assert fit.loc["female", "hi"] < 0 and fit.loc["age10", "hi"] < 0
    assert fit.loc["norwegian", "lo"] > 1.5 and fit.loc["employed", "lo"] > 0
    assert fit.loc["low_education", "lo"] < 0 < fit.loc["low_education", "hi"]


def test_regression_frame_keeps_adult_immigrants_only(hand_tables):
    f = regression_frame(hand_tables["persons"])
    assert len(f) == 10 and f["volunteer"].sum() == 2


def test_target_kinds():
    v = Target("a", "", "individual", "value", 0.4, 0.05, "participation_rest", "", "", "calibrated")
    assert v.ok(0.44) and not v.ok(0.46) and v.distance(0.4) == 0.0 and v.distance(0.5) > v.distance(0.46) > 0
    mx = Target("b", "", "individual", "max", 0.5, 0.0, "participation_rest", "", "", "calibrated")
    assert mx.ok(0.49) and not mx.ok(0.51) and mx.distance(0.4) == 0
    sg = Target("c", "", "individual", "sign", -1, 0.0, "coef_female", "", "", "validation")
    assert sg.ok(-0.2) and not sg.ok(0.1) and not sg.ok(float("nan"))


def test_shipped_targets_file_loads_and_covers_facts():
    ts = load_targets()
    ids = {t.id for t in ts}
    assert {"participation_immigrant_background", "participation_rest", "volunteer_ratio_ssb",
            "secular_volunteering_immigrants", "youth_minority_boys", "youth_minority_girls",
            "hobby_majority_girls", "determinant_norwegian"} <= ids
    assert {t.role for t in ts} == {"calibrated", "validation", "cross-check"}
    assert {t.level for t in ts} == {"individual", "youth", "organisation", "municipality"}


@pytest.mark.parametrize("text, expected", [
    ("[[target]]\nid = 'x'\n", "missing field"),
    ("[[target]]\nid='x'\npattern=''\nlevel='individual'\nkind='value'\nvalue=1\nstatistic='nope'\noutput=''\nsource=''\nrole='calibrated'\n",
     "unknown statistic"),
    ("[[target]]\nid='x'\npattern=''\nlevel='individual'\nkind='exact'\nvalue=1\nstatistic='participation_rest'\noutput=''\nsource=''\nrole='calibrated'\n",
     "kind: must be one of"),
    ("nothing = 1\n", r"needs \[\[target\]\]"),
    ("[[target\n", "cannot read"),
])
def test_bad_targets_file(tmp_path, text, expected):
    f = tmp_path / "t.toml"
    f.write_text(text)
    with pytest.raises(TargetsError, match=expected) as e:
        load_targets(f)
    assert str(f) in str(e.value)


def tiny_scenario(tmp_path) -> str:
    f = tmp_path / "tiny.toml"
    f.write_text('name = "tiny"\nmonths = 2\nburn_in_months = 12\n[population]\npersons = 400\nneighbourhoods = 3\n')
    return str(f)


def test_validate_end_to_end_on_a_tiny_population(tmp_path, capsys):
    out = tmp_path / "val"
    report = tmp_path / "VALIDATION.md"
    assert main(["validate", tiny_scenario(tmp_path), "--seeds", "2", "--workers", "2", "--out", str(out),
                 "--report", str(report), "--quiet"]) == 0
    printed = capsys.readouterr().out
    summary = pd.read_csv(out / "validation.csv")
    assert set(summary["target"]) == {t.id for t in load_targets()}
    assert {"model_mean", "model_p05", "model_p95", "within"} <= set(summary.columns)
    for f in ("validation.md", "validation.png", "determinants.csv", "per_seed.csv"):
        assert (out / f).stat().st_size > 0
    assert len(pd.read_csv(out / "per_seed.csv")) == 2
    assert "participation_immigrant_background" in printed
    text = report.read_text()
    assert "## Targets against the model" in text and (tmp_path / "validation.png").exists()


def test_validate_rejects_bad_input_before_running(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "missing.toml"), "--seeds", "1"]) == 2
    with pytest.raises(SystemExit) as e:
        main(["validate", "--seeds", "0"])
    assert e.value.code == 2
    assert "Traceback" not in capsys.readouterr().err
    assert not (Path("runs") / "validation" / "missing").exists()


def tiny_spec(tmp_path, generations: int = 1, held: float = 0.7) -> Path:
    f = tmp_path / f"cal_{generations}_{held}.toml"
    f.write_text(f"[settings]\npopulation = 4\ngenerations = {generations}\nmax_simulations = 50\nmin_distance = 0\n"
                 "persons = 300\nmonths = 2\nrefine = 2\nrefine_seeds = 1\nrefine_persons = 250\nprior_share = 0.3\n[parameters]\n"
                 "\"recruitment.ask_rate\" = [0.1, 0.3]\n\"ladder.volunteer_rate\" = [0.02, 0.05]\n"
                 f"[fixed]\n\"recruitment.spillover\" = {held}\n")
    return f


def quick_scenario(tmp_path) -> str:
    """The tiny scenario with a short demographic spin-up: calibration runs of a few seconds."""
    f = tmp_path / "quick.toml"
    f.write_text('name = "quick"\nmonths = 2\nburn_in_months = 6\n[population]\npersons = 300\nneighbourhoods = 3\n'
                 '[demography]\nspin_up_years = 5\n')
    return str(f)


def test_calibrate_end_to_end_on_a_tiny_budget_and_resumes(tmp_path, monkeypatch):
    scen, spec = quick_scenario(tmp_path), tiny_spec(tmp_path)
    out, fitted = tmp_path / "cal", tmp_path / "fitted.toml"
    s = cal.calibrate(scen, out, fitted, workers=1, spec_file=spec, progress=False)
    assert [g["t"] for g in s["generations"]] == [0] and s["simulations"] >= 4
    assert s["accepted"] == 4 and len(s["accepted_samples"]) == 4
    assert s["generations"][0]["effective_sample_size"] == pytest.approx(4.0)   # the prior sample: equal weights
    assert set(s["fitted"]) == {"recruitment.ask_rate", "ladder.volunteer_rate"}
    posterior = pd.read_csv(out / "posterior.csv", index_col="particle")
    assert s["fitted"] == posterior.loc[s["fitted_sample"], list(s["fitted"])].to_dict()
    r = s["accepted_ranges"]["recruitment.ask_rate"]
    assert 0.1 <= r["min"] <= r["p05"] <= r["p95"] <= r["max"] <= 0.3
    # the two closest sets, one seed each, re-run at refine_persons (250), not at persons (300)
    assert len(list((out / "evals" / "refine_250").glob("*.json"))) == 2
    text = fitted.read_text()
    assert "ask_rate" in text and "[ladder]" in text and "1 seeds at 250 persons" in text
    assert "spillover = 0.7" in text and "# Held fixed" in text       # the held value is written with the fit
    assert s["settings"]["fixed"] == {"recruitment.spillover": 0.7}
    # another held value is another problem: the folder refuses it
    with pytest.raises(cal.CalibrationError, match="fixed values"):
        cal.calibrate(scen, out, fitted, workers=1, spec_file=tiny_spec(tmp_path, held=0.8), progress=False)
    # run again: the finished calibration is read back, nothing is run, the result is the same
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "evals").rglob("*.json")}
    started = []
    monkeypatch.setattr(cal._Cluster, "client", property(lambda self: started.append(1)))
    s2 = cal.calibrate(scen, out, fitted, workers=1, spec_file=spec, progress=False)
    assert s2["fitted"] == s["fitted"] and s2["simulations"] == s["simulations"] and started == []
    assert {p.name: p.stat().st_mtime_ns for p in (out / "evals").rglob("*.json")} == stamps
    monkeypatch.undo()
    # asked for two generations where one is stored (as after an interruption, or to extend a
    # finished calibration), the same folder runs only the second, from the first's threshold
    s3 = cal.calibrate(scen, out, fitted, workers=1, spec_file=tiny_spec(tmp_path, generations=2), progress=False)
    assert [g["t"] for g in s3["generations"]] == [0, 1] and s3["generations"][0] == s["generations"][0]
    import pyabc
    first = pyabc.History(f"sqlite:///{out / 'abc.db'}", _id=1).get_weighted_distances(t=0)["distance"]
    assert first.min() <= s3["generations"][1]["epsilon"] <= first.max()   # pyABC's weighted median of them
    assert s3["simulations"] > s["simulations"]
    # the fitted file is a valid scenario fragment
    from model.scenario import load_scenario
    child = tmp_path / "child.toml"
    child.write_text(f'extends = "{fitted.name}"\nname = "child"\n')
    sc = load_scenario(child)
    assert sc.recruitment.ask_rate == pytest.approx(s3["fitted"]["recruitment.ask_rate"], rel=1e-5)


def test_posterior_resampling_follows_the_weights():
    final = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "weight": [0.0, 0.5, 0.5, 0.0], "distance": [0.1, 0.2, 0.3, 0.4]})
    got = [x["parameters"]["a"] for x in cal._posterior_samples(final, {"a": (0, 5)})]
    assert sorted(got) == [2.0, 2.0, 3.0, 3.0]


def test_pyabc_works_on_positions_in_the_ranges():
    """Ranges five orders of magnitude apart made the kernel's covariance singular to scipy; the
    calibration samples positions 0-1 and maps them to values."""
    params = {"membership.leave_base": (0.002, 0.012), "organisations.minority_per_immigrants": (150.0, 600.0)}
    v = cal.to_values({"membership.leave_base": 0.5, "organisations.minority_per_immigrants": 1.0}, params)
    assert v == {"membership.leave_base": pytest.approx(0.007), "organisations.minority_per_immigrants": 600.0}
    assert cal.to_values({p: 0.0 for p in params}, params) == {p: lo for p, (lo, _) in params.items()}


def test_effective_sample_size():
    assert cal.effective_sample_size([0.25, 0.25, 0.25, 0.25]) == pytest.approx(4.0)
    assert cal.effective_sample_size([2.0, 0.0, 0.0]) == pytest.approx(1.0)
    assert cal.effective_sample_size([0.864, 0.130, 0.002, 0.002, 0.002]) == pytest.approx(1.3, abs=0.05)
    assert cal.effective_sample_size([]) == 0.0


def test_report_says_how_many_sets_the_posterior_rests_on():
    from model.validation.report import _concentration
    spread = {"accepted_samples": [{"sample": i} for i in range(8)], "generations": [{"effective_sample_size": 7.2}]}
    assert "8 distinct sets of its 8" in _concentration(spread) and "7.2" in _concentration(spread)
    assert "Too few" not in _concentration(spread)
    piled = {"accepted_samples": [{"sample": i % 3} for i in range(8)]}   # an older summary: no ESS
    assert "3 distinct sets of its 8" in _concentration(piled) and "Too few" in _concentration(piled)
    assert _concentration({}) == ""
    # the weights decide: 18 distinct of 40 with an effective sample size of 17.9 is a posterior,
    # 5 distinct with 1.4 is not
    ok = {"accepted_samples": [{"sample": i % 18} for i in range(40)], "generations": [{"effective_sample_size": 17.9}]}
    bad = {"accepted_samples": [{"sample": i % 5} for i in range(40)], "generations": [{"effective_sample_size": 1.4}]}
    assert "Too few" not in _concentration(ok) and "Too few" in _concentration(bad)
    held = {**ok, "settings": {"fixed": {"b": 1.0}},
            "accepted_samples": [{"sample": i, "parameters": {"a": float(i)}} for i in range(40)]}
    assert "not a posterior of every parameter" in _concentration(held) and "varies only a" in _concentration(held)


def test_collapsed_weights_give_a_clear_error(tmp_path, monkeypatch):
    """pyABC stops with an AssertionError when a new generation's weights are not finite (its issues
    #614, #623); calibrate says why and what to do instead of a traceback."""
    import pyabc
    scen, spec = quick_scenario(tmp_path), tiny_spec(tmp_path)
    out = tmp_path / "cal"
    cal.calibrate(scen, out, tmp_path / "fitted.toml", workers=1, spec_file=spec, progress=False)

    def collapse(self, *a, **k):
        raise AssertionError("The population total weight nan is not normalized.")
    monkeypatch.setattr(pyabc.ABCSMC, "run", collapse)
    with pytest.raises(cal.CalibrationError, match=r"generation 1 failed.*rerun with --generations 1"):
        cal.calibrate(scen, out, tmp_path / "fitted.toml", workers=1, spec_file=tiny_spec(tmp_path, generations=2),
                      progress=False)


def test_weighted_quantiles():
    x, w = np.array([3.0, 1.0, 2.0]), np.array([1.0, 1.0, 1.0])
    assert cal._weighted_quantile(x, w, 0.5) == pytest.approx(2.0)
    assert cal._weighted_quantile(x, np.array([0.0, 1.0, 0.0]), 0.9) == pytest.approx(1.0)


def test_each_parameter_set_has_its_own_seed():
    a, b = {"x": 0.1, "y": 0.2}, {"y": 0.2, "x": 0.1}
    assert cal.seed_of(a) == cal.seed_of(b) and cal.seed_of(a) != cal.seed_of({"x": 0.1, "y": 0.2000001})
    assert 1 <= cal.seed_of(a) < 2**31


def test_calibrate_refuses_a_folder_with_other_settings(tmp_path):
    scen, spec = tiny_scenario(tmp_path), tiny_spec(tmp_path)
    out = tmp_path / "cal"
    out.mkdir()
    (out / "settings.json").write_text(json.dumps({"key": "something-else"}))
    with pytest.raises(cal.CalibrationError, match="holds a calibration of another"):
        cal.calibrate(scen, out, tmp_path / "f.toml", workers=1, spec_file=spec, progress=False)


GOOD_SETTINGS = ("[settings]\npopulation=4\ngenerations=1\nmax_simulations=9\nmin_distance=0\npersons=300\nmonths=2\n"
                 "refine=1\nrefine_seeds=1\nrefine_persons=300\nprior_share=0.3\n")


@pytest.mark.parametrize("text, expected", [
    ("[settings]\npopulation = 4\n", "missing"),
    (GOOD_SETTINGS + "[parameters]\n\"recruitment.nope\" = [0, 1]\n", "not a scenario parameter"),
    (GOOD_SETTINGS + "[parameters]\n\"recruitment.ask_rate\" = [0.3, 0.1]\n", "low < high"),
])
def test_bad_calibration_file(tmp_path, text, expected):
    f = tmp_path / "c.toml"
    f.write_text(text)
    with pytest.raises(cal.CalibrationError, match=expected):
        cal.load_spec(f)


def test_volunteer_hours_of_immigrants_against_the_majority(hand_tables):
    from model.validation.targets import STATISTICS

    assert STATISTICS["volunteer_hours_immigrants_minus_majority"](hand_tables) == pytest.approx(5.0 - 3.0)
    p = hand_tables["persons"]
    p.loc[p["background"] == "immigrant", "volunteer_hours"] = 0.0  # no immigrant volunteering now
    assert np.isnan(STATISTICS["volunteer_hours_immigrants_minus_majority"](hand_tables))


def test_compute_fits_the_regression_once(hand_tables, monkeypatch):
    import model.validation.targets as tg
    calls = []
    real = tg.logit
    monkeypatch.setattr(tg, "logit", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    compute(hand_tables, load_targets())
    assert sorted(calls) == ["volunteer", "volunteer_secular"]


@pytest.mark.parametrize("nan", [float("nan"), np.float64("nan"), np.float32("nan"), None])
def test_a_missing_model_value_is_a_miss_of_any_float_type(nan):
    """A statistic computed from float32 columns can be a NumPy float32 NaN, which is not a Python
    float: it once slipped past the check, gave a NaN distance, and the ABC-SMC threshold of the
    next generation became NaN (pyABC refused to run)."""
    t = next(t for t in load_targets() if t.kind == "value")
    assert t.distance(nan) == 10.0 and not t.ok(nan)
    assert t.distance(np.float32(t.value)) < 1.0 and t.ok(np.float32(t.value))


BASE_TARGET = "[[target]]\nid='x'\npattern=''\nlevel='individual'\nkind='sign'\nvalue=1\nstatistic='coef_employed'\noutput=''\nsource=''\n"


@pytest.mark.parametrize("extra, expected", [
    ("role='calibrated'\nbuilt_in='a penalty'\n", "only validation targets are marked built in"),
    ("role='validation'\nbuilt_in=''\n", "built_in: must be a non-empty string"),
    ("role='validation'\nbuilt_in=1\n", "built_in: must be a non-empty string"),
])
def test_bad_built_in_mark(tmp_path, extra, expected):
    f = tmp_path / "t.toml"
    f.write_text(BASE_TARGET + extra)
    with pytest.raises(TargetsError, match=expected):
        load_targets(f)


def test_shipped_marks_the_patterns_held_by_form():
    ts = {t.id: t for t in load_targets()}
    built = {i for i, t in ts.items() if t.built_in}
    assert {"ladder_gradient", "determinant_norwegian"} <= built
    # issue 13 removed the ethnic youth terms and moved offices to networks and standing
    assert {"youth_majority_above_minority", "youth_majority_sex_gap", "ladder_office_step"}.isdisjoint(built)
    assert all(ts[i].role == "validation" for i in built)
    assert ts["determinant_employed"].emergent and not ts["determinant_norwegian"].emergent
    assert not ts["participation_rest"].emergent  # calibrated targets are neither


def _summary_and_det(coef_lo: float, coef_hi: float):
    import pandas as pd

    from model.validation.validate import summarise
    values = pd.DataFrame({t.id: [0.1, 0.2] for t in load_targets()})
    values["determinant_employed"] = [0.1, 0.3]
    det = pd.DataFrame([{"outcome": "volunteer", "regressor": "employed", "label": "", "coef": 0.2,
                         "ci90_lo": coef_lo, "ci90_hi": coef_hi}])
    return summarise(values), det


def test_a_sign_counts_only_clear_of_zero():
    from model.validation.validate import reproduced

    s, det = _summary_and_det(0.05, 0.35)
    row = s.index[s["target"] == "determinant_employed"][0]
    assert s.loc[row, "within"] and reproduced(s, det)[row]
    s, det = _summary_and_det(-0.05, 0.45)
    assert s.loc[row, "within"] and not reproduced(s, det)[row]


def test_report_counts_emergent_patterns_only(tmp_path):
    from model.validation.report import write_report

    s, det = _summary_and_det(0.05, 0.35)
    fig = tmp_path / "f.png"
    fig.write_bytes(b"png")
    out = tmp_path / "V.md"
    write_report(out, s, det, fig, "dugnad validate x", "x.toml", 2, None, None, tmp_path / "none.toml")
    text = out.read_text()
    ts = load_targets()
    n_emergent = sum(t.emergent for t in ts)
    assert f"of {n_emergent} emergent ones" in text
    assert "### Held by form" in text and "`determinant_norwegian`:" in text


def test_a_more_than_pattern_at_its_bound_is_not_reproduced():
    from model.validation.validate import reproduced

    s, det = _summary_and_det(0.05, 0.35)
    row = s.index[s["target"] == "volunteer_hours_immigrants"][0]
    s.loc[row, ["model_mean", "within"]] = [0.0, True]
    assert not reproduced(s, det)[row]
    s.loc[row, "model_mean"] = 0.4
    assert reproduced(s, det)[row]


def test_a_summary_is_judged_by_its_own_targets_file(tmp_path):
    """A custom targets file's sign target is judged by its own expected sign, not the shipped one's."""
    import pandas as pd

    from model.validation.validate import reproduced, summarise
    f = tmp_path / "t.toml"
    f.write_text(BASE_TARGET.replace("id='x'", "id='determinant_female'").replace("coef_employed", "coef_female")
                 + "role='validation'\n")
    s = summarise(pd.DataFrame({"determinant_female": [0.2, 0.3]}), f)
    det = pd.DataFrame([{"outcome": "volunteer", "regressor": "female", "label": "", "coef": 0.25,
                         "ci90_lo": 0.1, "ci90_hi": 0.45}])
    assert reproduced(s, det).tolist() == [True]   # the shipped file expects a negative sign


def test_defensive_transition_keeps_the_importance_weights_even():
    """The kernel mixed with the prior: its density is at least prior_share inside the unit cube (so
    prior / proposal ≤ 1 / prior_share) and zero outside; a share of the proposals are prior draws."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.uniform(0.45, 0.55, size=(40, 3)), columns=["a", "b", "c"])   # a tight population
    w = np.full(40, 1 / 40)
    tr = cal.defensive_transition(0.3)
    tr.fit(X, w)
    far = pd.DataFrame({"a": [0.01, 0.99, 1.5], "b": [0.02, 0.98, 0.5], "c": [0.03, 0.97, 0.5]})
    dens = tr.pdf(far)
    assert dens[0] >= 0.3 and dens[1] >= 0.3 and dens[2] == pytest.approx(0.0, abs=1e-12)
    plain = cal.defensive_transition(0.0)
    plain.fit(X, w)
    assert plain.pdf(far)[0] < 1e-6          # the kernel alone: weights 1/density explode there
    np.random.seed(1)
    draws = tr.rvs(400)
    outside_core = ((draws < 0.3) | (draws > 0.7)).any(axis=1).mean()
    assert 0.15 < outside_core < 0.35        # about the prior share, less what lands in the core
    single = tr.pdf(pd.Series({"a": 0.5, "b": 0.5, "c": 0.5}))
    assert float(single) > 0.3


def test_every_run_gets_the_fixed_values_and_the_point_wins(monkeypatch):
    import model.scenario

    class Seen(Exception):
        pass

    def fake_load(path, overrides):
        raise Seen(overrides)

    monkeypatch.setattr(model.scenario, "load_scenario", fake_load)
    with pytest.raises(Seen) as e:
        cal.evaluate("x.toml", {"recruitment.ask_rate": 0.2}, 300, 1, "t.toml", 2,
                     {"recruitment.spillover": 0.7, "recruitment.ask_rate": 0.9})
    over = e.value.args[0]
    assert over["recruitment"] == {"spillover": 0.7, "ask_rate": 0.2} and over["population"]["persons"] == 300
    with pytest.raises(Seen) as e:
        cal.simulate({"recruitment.ask_rate": 0.5}, "x.toml", 300, 2, "t.toml", {"recruitment.ask_rate": (0.1, 0.3)},
                     {"recruitment.spillover": 0.7})
    assert e.value.args[0]["recruitment"] == {"spillover": 0.7, "ask_rate": pytest.approx(0.2)}
