"""``dugnad compare BASELINE SCENARIO...``: what each intervention changes, for whom, at what cost.

Paired seeds with common random numbers: every scenario runs with the same seeds as the baseline
and branches from the same burn-in; every draw is keyed by person (organisation, pair) and month
(:mod:`model.streams`), so the difference between a scenario and the baseline with the same seed
is what the intervention changed for the persons it reached and those around them; a scenario
identical to the baseline gives differences of exactly zero.

For each scenario and horizon (months after burn-in):

* **effects**: per indicator and subgroup, the mean paired difference across seeds with a 90%
  confidence interval (t distribution over the seed differences) and the differences' standard
  deviation (for the power figures of the report);
* **cost-effectiveness**: NOK spent up to the horizon per extra participant, per extra volunteer
  and per extra bridging tie (ratio of mean cost to mean effect, 90% bootstrap interval over seeds;
  "–" when the effect's interval includes zero);
* **incidence**: for each intervention, the share of the NOK its resources reached in each
  household-income group, background and origin region, beside that group's share of the
  intervention's target population, and beside the group's change in participation;
* with ``--posterior N``: the headline effects under N parameter sets from the calibration
  (:mod:`model.experiments.posterior`).

Outputs: ``effects.csv``, ``cost_effectiveness.csv``, ``incidence.csv`` (``posterior_effects.csv``),
plots, and the report a policymaker reads in one screen, ``report.html`` and ``report.md``
(:mod:`model.experiments.report`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.experiments.definition import RunSpec, run_specs_for
from model.experiments.store import Store

# (source, indicator, label): timeseries rows by background group; subgroup rows by dimension
KEY_TIMESERIES = [
    ("participation", "took part (adults)"), ("member", "member (adults)"), ("volunteer", "volunteered, 12 m (adults)"),
    ("office", "office holder (adults)"), ("volunteer_hours", "volunteer hours a month (per adult volunteer)"),
    ("bonding_ties", "bonding ties per adult"),
    ("bridging_ties", "bridging ties per adult"), ("ei_index", "E-I index"), ("trust", "trust"),
    ("norwegian", "Norwegian"), ("employment", "employed 20-66"), ("youth_participation", "youth 13-19 taking part"),
    ("children_participation", "children 6-12 taking part"),
    ("immigrant_share_members", "immigrant-background share of members"),
    ("immigrant_share_offices", "immigrant-background share of office holders"),
]
KEY_SUBGROUP = ["participation", "volunteer", "office", "bridging_ties", "norwegian", "employment"]
SUBGROUP_DIMENSIONS = ("background", "region", "sex", "age_band", "income")


@dataclass
class Selection:
    """Some of a store's runs (the seed runs, without the posterior draws), loaded like a store."""
    store: Store
    runs: pd.DataFrame

    def load(self, table: str) -> pd.DataFrame:
        return self.store.load(table, self.runs)


def specs_for(files: list[str], seeds: list[int], months: int | None, persons: int | None,
              horizons: list[int] | None, burn_in: int | None = None) -> list[RunSpec]:
    return [s for f in files for s in run_specs_for(f, {}, seeds, months, persons, burn_in, horizons)]


def _ci(x: np.ndarray, level: float = 0.90) -> tuple[float, float, float]:
    from scipy import stats

    x = x[~np.isnan(x)]
    if len(x) == 0:
        return float("nan"), float("nan"), float("nan")
    m = float(x.mean())
    if len(x) < 2:
        return m, float("nan"), float("nan")
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return m, m - half, m + half


def differences(values: pd.DataFrame, base: str, keys: list[str]):
    """values: columns scenario, seed, *keys, value → for each scenario ≠ base and value of
    ``keys``: (scenario, {key: value}, the differences scenario − base with the same seed)."""
    piv = values.pivot_table(index=[*keys, "seed"], columns="scenario", values="value", aggfunc="first")
    for sc in [c for c in piv.columns if c != base]:
        d = (piv[sc] - piv[base]).rename("d").reset_index()
        for k, g in d.groupby(keys, sort=False):
            yield sc, dict(zip(keys, k if isinstance(k, tuple) else (k,))), g["d"].to_numpy(float)


def paired(values: pd.DataFrame, base: str, keys: list[str]) -> pd.DataFrame:
    """values: columns scenario, seed, *keys, value → per (scenario ≠ base, keys): mean difference,
    its 90% CI, the number of seeds and the standard deviation of the paired differences."""
    rows = []
    for sc, at, x in differences(values, base, keys):
        m, lo, hi = _ci(x)
        n = int(np.isfinite(x).sum())
        rows.append({"scenario": sc, **at, "difference": m, "ci90_lo": lo, "ci90_hi": hi, "seeds": n,
                     "sd": float(np.nanstd(x, ddof=1)) if n >= 2 else float("nan")})
    return pd.DataFrame(rows)


def effects(store: Store, base: str, horizons: list[int]) -> pd.DataFrame:
    ts = store.load("timeseries")
    keys = [k for k, _ in KEY_TIMESERIES]
    t = ts[ts["month"].isin(horizons) & ts["indicator"].isin(keys)]
    overall = paired(t, base, ["month", "group", "indicator"]).rename(columns={"group": "subgroup"})
    overall.insert(2, "dimension", "background group")
    sub = store.load("subgroups")
    s = sub[sub["month"].isin(horizons) & sub["indicator"].isin(KEY_SUBGROUP) & sub["dimension"].isin(SUBGROUP_DIMENSIONS)]
    by = paired(s, base, ["month", "dimension", "group", "indicator"]).rename(columns={"group": "subgroup"})
    return pd.concat([overall, by], ignore_index=True)


def cost_effectiveness(store: Store, base: str, horizons: list[int], boot: int = 2000) -> pd.DataFrame:
    ts = store.load("timeseries")
    cost = ts[(ts["indicator"] == "cost_nok") & (ts["group"] == "all") & ts["month"].isin(horizons)]
    sub = store.load("subgroups")
    counts = sub[(sub["dimension"] == "all") & sub["month"].isin(horizons)
                 & sub["indicator"].isin(["participants", "volunteers", "bridging_ties_total"])]
    rng = np.random.default_rng(0)
    rows = []
    for sc in sorted(set(ts["scenario"]) - {base}):
        for h in horizons:
            c = cost[(cost["scenario"] == sc) & (cost["month"] == h)].set_index("seed")["value"]
            for ind, label, scale in (("participants", "NOK per extra participant", 1.0),
                                      ("volunteers", "NOK per extra volunteer", 1.0),
                                      ("bridging_ties_total", "NOK per extra bridging tie", 0.5)):
                v = counts[(counts["month"] == h) & (counts["indicator"] == ind)]
                a = v[v["scenario"] == sc].set_index("seed")["value"]
                b = v[v["scenario"] == base].set_index("seed")["value"]
                seeds = sorted(set(a.index) & set(b.index) & set(c.index))
                if not seeds:
                    continue
                eff = (a.loc[seeds] - b.loc[seeds]).to_numpy(float) * scale
                cs = c.loc[seeds].to_numpy(float)
                m_eff, lo_eff, hi_eff = _ci(eff)
                ratio = float(cs.mean() / m_eff) if m_eff > 0 else float("nan")
                lo = hi = float("nan")
                if len(seeds) >= 2 and m_eff > 0 and lo_eff > 0:
                    idx = rng.integers(0, len(seeds), (boot, len(seeds)))
                    me = eff[idx].mean(axis=1)
                    r = np.where(me > 0, cs[idx].mean(axis=1) / np.where(me > 0, me, 1), np.nan)
                    lo, hi = np.nanpercentile(r, [5, 95])
                rows.append({"scenario": sc, "month": h, "measure": label, "cost_nok": float(cs.mean()),
                             "extra": m_eff, "extra_ci90_lo": lo_eff, "extra_ci90_hi": hi_eff,
                             "nok_per_unit": ratio if lo_eff > 0 else float("nan"), "ci90_lo": lo, "ci90_hi": hi,
                             "seeds": len(seeds)})
    return pd.DataFrame(rows)


def incidence(store: Store, base: str, eff: pd.DataFrame) -> pd.DataFrame:
    inc = store.load("incidence")
    if inc.empty:
        return pd.DataFrame()
    g = inc.groupby(["scenario", "intervention", "type", "dimension", "group"], as_index=False)[["nok", "eligible"]].sum()
    tot = g.groupby(["scenario", "intervention", "dimension"])[["nok", "eligible"]].transform("sum")
    g["nok_share"] = g["nok"] / tot["nok"].where(tot["nok"] > 0)
    g["eligible_share"] = g["eligible"] / tot["eligible"].where(tot["eligible"] > 0)
    last = eff["month"].max() if len(eff) else None
    part = eff[(eff["month"] == last) & (eff["indicator"] == "participation")
               & eff["dimension"].isin(["background", "region", "income"])]
    part = part.rename(columns={"subgroup": "group", "difference": "participation_change"})[
        ["scenario", "dimension", "group", "participation_change"]]
    return g.merge(part, on=["scenario", "dimension", "group"], how="left")


# ----------------------------------------------------------------------------- plots

def plot_trajectories(store: Store, scenarios: list[str], path: Path, group: str = "immigrant_background") -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ts = store.load("timeseries")
    inds = [("participation", "took part (adults)"), ("volunteer", "volunteered (adults)"),
            ("bridging_ties", "bridging ties per adult"), ("youth_participation", "youth 13-19 taking part")]
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True)
    for ax, (ind, label) in zip(axes.flat, inds):
        d = ts[(ts["indicator"] == ind) & (ts["group"] == group)]
        for sc in scenarios:
            s = d[d["scenario"] == sc].groupby("month")["value"]
            m, lo, hi = s.mean(), s.quantile(0.05), s.quantile(0.95)
            ax.plot(m.index, m.to_numpy(), label=sc, lw=1.6)
            ax.fill_between(m.index, lo.to_numpy(), hi.to_numpy(), alpha=0.15)
        ax.set_title(f"{label} — {group.replace('_', ' ')}", fontsize=9)
        ax.grid(alpha=0.3)
    axes[1, 0].set_xlabel("month")
    axes[1, 1].set_xlabel("month")
    axes[0, 0].legend(fontsize=7)
    fig.suptitle("Trajectories: mean across seeds, band = 5th–95th percentile", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_subgroup_effects(eff: pd.DataFrame, path: Path, indicator: str = "participation") -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    last = eff["month"].max()
    d = eff[(eff["month"] == last) & (eff["indicator"] == indicator) & (eff["dimension"] != "background group")]
    scen = sorted(d["scenario"].unique())
    order = {dim: i for i, dim in enumerate(SUBGROUP_DIMENSIONS)}
    keys = sorted(set(zip(d["dimension"], d["subgroup"])), key=lambda k: (order.get(k[0], 99), str(k[1])))
    pos = {k: i for i, k in enumerate(keys)}
    labels = [f"{a}: {b}" for a, b in keys]
    fig, ax = plt.subplots(figsize=(9, 0.28 * max(len(labels), 1) + 1.6))
    for j, sc in enumerate(scen):
        s = d[d["scenario"] == sc]
        y = np.array([pos[(a, b)] for a, b in zip(s["dimension"], s["subgroup"])], float)
        y = y + (j - (len(scen) - 1) / 2) * 0.8 / max(len(scen), 1)
        ax.errorbar(s["difference"], y, xerr=[(s["difference"] - s["ci90_lo"]).fillna(0), (s["ci90_hi"] - s["difference"]).fillna(0)],
                    fmt="o", ms=3, capsize=2, label=sc)
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_yticks(np.arange(len(labels)))
    ax.set_yticklabels(labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(f"difference from baseline in {indicator} at month {last} (90% CI)")
    ax.legend(fontsize=7)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def compare(baseline: str, scenarios: list[str], seeds: int, out: Path, months: int | None = None,
            persons: int | None = None, horizons: list[int] | None = None, workers: int | None = None,
            scheduler: str | None = None, progress: bool = True, burn_in: int | None = None,
            posterior: int = 0) -> dict:
    """Run the baseline and ``scenarios`` on seeds 1..``seeds`` (and, with ``posterior``, on that
    many parameter sets from the calibration, :mod:`model.experiments.posterior`), then
    :func:`analyse` them into ``out``."""
    from model.experiments import posterior as post
    from model.experiments.sweep import run_specs
    from model.scenario import load_scenario

    out = Path(out)
    files = [baseline, *scenarios]
    base_sc = load_scenario(baseline, {"months": months} if months is not None else None)
    total = base_sc.months
    horizons = sorted({h for h in (horizons or [12, 60, 120]) if h <= total} | {total})
    specs = specs_for(files, list(range(1, seeds + 1)), months, persons, horizons, burn_in)
    names = list(dict.fromkeys(s.scenario_name for s in specs))
    if len(names) != len(files):
        from model.errors import DugnadError
        raise DugnadError("compare: two scenario files have the same name; give each scenario a unique `name`")
    for seed, point in (post.draws(posterior) if posterior else []):
        specs += [s for f in files for s in run_specs_for(f, point, [seed], months, persons, burn_in, horizons)]
    store = Store(out / "store")
    counts = run_specs(specs, store, workers, scheduler, None, None, progress, desc="compare")
    return {"counts": counts, **analyse(store, names, horizons, seeds, out, {s.run_id for s in specs})}


def assumptions(runs: pd.DataFrame) -> dict[str, list[str]]:
    """Per scenario, what its interventions' effect sizes assume (``Intervention.assumed_effect``,
    recorded by each run)."""
    out: dict[str, list[str]] = {}
    if "assumed" not in runs.columns:
        return out
    for sc, a in zip(runs["scenario"], runs["assumed"]):
        for label, text in (a or {}).items():
            note = f"{label}: {text}"
            if note not in out.setdefault(sc, []):
                out[sc].append(note)
    return out


def analyse(store: Store, names: list[str], horizons: list[int], seeds: int, out: Path,
            run_ids: set[str] | None = None) -> dict:
    """Effects, cost-effectiveness and incidence of ``names[1:]`` against ``names[0]`` in ``store``
    (only the runs ``run_ids`` if given: a store reused by an earlier comparison may hold others;
    parameter-uncertainty intervals from its posterior runs, if any); writes the CSV files,
    plots and report into ``out``."""
    from model.experiments import posterior as post
    from model.experiments.report import HEADLINE, write_report

    base = names[0]
    runs = store.run_table()
    runs = runs[(runs["status"] == "ok") & runs["scenario"].isin(names)]
    if run_ids is not None:
        runs = runs[runs["run_id"].isin(run_ids)]
    drawn = post.is_posterior(runs)
    point = Selection(store, runs[~drawn])
    eff = effects(point, base, horizons)
    ce = cost_effectiveness(point, base, horizons)
    inc = incidence(point, base, eff)
    pe = None
    if drawn.any():
        ts = store.load("timeseries", runs[drawn])
        ts = ts[ts["month"].isin(horizons) & ts["indicator"].isin([k for k, *_ in HEADLINE])
                & ts["group"].isin(["immigrant_background", "all"])]
        pe = post.effects(ts, base, ["month", "group", "indicator"]).rename(columns={"group": "subgroup"})
    out.mkdir(parents=True, exist_ok=True)
    eff.to_csv(out / "effects.csv", index=False)
    ce.to_csv(out / "cost_effectiveness.csv", index=False)
    inc.to_csv(out / "incidence.csv", index=False)
    if pe is not None:
        pe.to_csv(out / "posterior_effects.csv", index=False)
    plots = [out / "trajectories.png", out / "effects_by_subgroup.png"]
    plot_trajectories(point, names, plots[0])
    plot_subgroup_effects(eff, plots[1])
    rep = write_report(out, base, names[1:], eff, ce, inc, seeds, horizons, plots, assumptions(runs), pe,
                       int(drawn.groupby(runs["seed"]).any().sum()) if drawn.any() else 0)
    return {"effects": eff, "cost_effectiveness": ce, "incidence": inc, "names": names, "horizons": horizons,
            "posterior": pe, "report": rep}


def compare_store(store_dir: Path, baseline_name: str, out: Path) -> dict:
    """The same comparison from an existing sweep store (``dugnad sweep``): one run per scenario and
    seed is needed (no parameter grid), the baseline given by its scenario name."""
    from model.errors import DugnadError

    store = Store(store_dir)
    runs = store.run_table()
    runs = runs[runs["status"] == "ok"]
    if runs.empty:
        raise DugnadError(f"{store_dir}: no finished runs in this store")
    names = sorted(set(runs["scenario"]))
    if baseline_name not in names:
        raise DugnadError(f"--baseline-name: {baseline_name!r} is not a scenario of {store_dir}; it has: {', '.join(names)}")
    if runs.duplicated(["scenario", "seed"]).any():
        raise DugnadError(f"{store_dir}: several runs per scenario and seed (a parameter grid or sample); "
                          "compare needs one run per scenario and seed")
    horizons = sorted(set(store.load("subgroups")["month"]))
    names = [baseline_name, *[n for n in names if n != baseline_name]]
    from model.experiments.posterior import is_posterior
    seeds = int(runs[~is_posterior(runs)].groupby("scenario")["seed"].nunique().min())
    return analyse(store, names, horizons, seeds, out)


def summary_table(res: dict) -> str:
    """What the report's first screen says, as text: its sentences and the headline effects for
    persons of immigrant background at the last horizon."""
    from model.experiments.report import HEADLINE, fmt_effect, fmt_interval, title

    head, last = res["report"]["headline"], res["horizons"][-1]
    d = head[head["subgroup"] == "immigrant_background"]
    lines = [f"Immigrant background, month {last}: difference from {res['names'][0]} (90% interval; shares in points)",
             f"{'scenario':30}" + "".join(f"{label:>26}" for _, label, _, _ in HEADLINE)]
    for sc in res["names"][1:]:
        row = f"{title(sc)[:29]:30}"
        for ind, _, _, share in HEADLINE:
            r = d[(d["scenario"] == sc) & (d["indicator"] == ind)]
            cell = (f"{fmt_effect(r.difference.iloc[0], share, keep=bool(r.clear.iloc[0]))} "
                    f"({fmt_interval(r.ci90_lo.iloc[0], r.ci90_hi.iloc[0], share)})"
                    if len(r) else "–")
            row += f" {cell:>25}"
        lines.append(row)
    return "\n".join(lines + [""] + res["report"]["sentences"])
