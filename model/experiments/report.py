"""The comparison report a policymaker reads in one screen (``report.html``, also ``report.md``).

First screen: one row pair per scenario (persons of immigrant background; everyone) with the
outcomes that matter — adults taking part, volunteering and holding office, bridging ties per
adult, youth taking part — each a difference from the baseline with its 90% interval; the NOK per
extra participant, volunteer and bridging tie; who received the money (share to the lowest-income
30 %, deciles 1–3, and to persons of immigrant background); a forest plot of the same effects; and
sentences generated from those numbers. A sentence claims an effect only when its interval
excludes zero. Interventions whose effect sizes are assumptions rather than findings are flagged.

Then the details: the power of the run for each headline effect, parameter uncertainty (with
``--posterior``), every indicator, subgroup and horizon, cost-effectiveness and incidence.
"""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

# (indicator, column label, words in a sentence, is a share)
HEADLINE = [("participation", "took part", "adults taking part", True),
            ("volunteer", "volunteered", "adults volunteering", True),
            ("office", "office", "adults holding an office", True),
            ("bridging_ties", "bridging ties", "bridging ties per adult", False),
            ("youth_participation", "youth", "youth (13–19) taking part", True)]
GROUPS = [("immigrant_background", "immigrant background", "persons of immigrant background"),
          ("all", "everyone", "everyone")]
NOK_MEASURES = ["NOK per extra participant", "NOK per extra volunteer", "NOK per extra bridging tie"]
LOW_INCOME = "deciles 1-3"


# ----------------------------------------------------------------------------- numbers

def fmt_effect(x: float, share: bool, signed: bool = True, keep: bool = False) -> str:
    """Shares as percentage points with one decimal, ties per adult with two (three when small);
    with ``keep``, a value that would round to zero keeps one significant figure (so an interval
    that excludes zero never prints as ending at 0)."""
    if x is None or not np.isfinite(x):
        return "–"
    v = 100 * x if share else x
    digits = 1 if share else (2 if abs(v) >= 0.1 else 3)
    if keep and v != 0 and round(v, digits) == 0:
        digits = -int(math.floor(math.log10(float(f"{abs(v):.1g}"))))
    if round(v, digits) == 0:
        v = 0.0                                        # no "−0.0"
    s = f"{v:+.{digits}f}" if signed else f"{v:.{digits}f}"
    return s.replace("-", "−")


def fmt_interval(lo: float, hi: float, share: bool) -> str:
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return "–"
    keep = excludes_zero(lo, hi)
    return f"{fmt_effect(lo, share, signed=False, keep=keep)} to {fmt_effect(hi, share, signed=False, keep=keep)}"


def fmt_nok(x: float) -> str:
    """NOK to two significant figures, thousands separated: 123,456 → 120,000."""
    if x is None or not np.isfinite(x):
        return "–"
    r = float(f"{x:.2g}")
    return f"{r:,.0f}" if abs(r) >= 10 else f"{r:g}"


def fmt_share(x: float) -> str:
    return "–" if x is None or not np.isfinite(x) else f"{100 * x:.0f} %"


def fmt_seeds(n: float) -> str:
    if n is None or not np.isfinite(n):
        return "–"
    return f"> {MAX_SEEDS:,}" if n > MAX_SEEDS else f"{int(n):,}"


def horizon_words(month: int) -> str:
    years = {12: "one year", 24: "two years", 36: "three years", 48: "four years", 60: "five years",
             120: "ten years"}
    if month in years:
        return years[month]
    return f"{month // 12} years" if month % 12 == 0 else f"{month} months"


def excludes_zero(lo: float, hi: float) -> bool:
    return bool(np.isfinite(lo) and np.isfinite(hi) and (lo > 0 or hi < 0))


# ----------------------------------------------------------------------------- power

MAX_SEEDS = 100_000


def power(sd: float, n: int, observed: float, level: float = 0.90, target: float = 0.80) -> tuple[float, float]:
    """For a mean of ``n`` paired differences with standard deviation ``sd``: the smallest effect
    a two-sided test at 1 − ``level`` would detect with probability ``target``
    ((t₁₋α/₂ + t_power) · sd / √n, t with n − 1 degrees of freedom), and the number of seeds that
    would detect ``observed`` with that probability (infinite for an observed effect of 0;
    ``MAX_SEEDS`` + 1 when more than ``MAX_SEEDS`` would be needed)."""
    from scipy import stats

    if n < 2 or not np.isfinite(sd):
        return float("nan"), float("nan")
    k = lambda m: stats.t.ppf(0.5 + level / 2, m - 1) + stats.t.ppf(target, m - 1)
    mde = float(k(n) * sd / math.sqrt(n))
    if sd == 0:
        return mde, 2.0 if observed != 0 else float("inf")
    if observed == 0:
        return mde, float("inf")
    z = stats.norm.ppf(0.5 + level / 2) + stats.norm.ppf(target)
    if z * sd > abs(observed) * math.sqrt(MAX_SEEDS):
        return mde, float(MAX_SEEDS + 1)              # printed as "> 100,000"
    m = max(2, int((z * sd / abs(observed)) ** 2))
    while k(m) * sd / math.sqrt(m) > abs(observed):
        m += 1
    return mde, float(m)


# ----------------------------------------------------------------------------- tables

def headline_table(eff: pd.DataFrame, month: int, post: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per scenario, headline indicator and group (immigrant background, everyone) at ``month``:
    the effect, its 90% interval, the power figures and (with ``post``) the interval that adds
    parameter uncertainty."""
    from model.errors import DugnadError

    if eff.empty:
        raise DugnadError("compare: no paired seed runs of the baseline and a scenario to compare")
    keys = [k for k, *_ in HEADLINE]
    d = eff[(eff["month"] == month) & (eff["dimension"] == "background group")
            & eff["indicator"].isin(keys) & eff["subgroup"].isin([g for g, *_ in GROUPS])].copy()
    pw = [power(sd, int(n), x) for sd, n, x in zip(d["sd"], d["seeds"], d["difference"])]
    d["detectable"] = [a for a, _ in pw]
    d["seeds_needed"] = [b for _, b in pw]
    d["clear"] = [excludes_zero(lo, hi) for lo, hi in zip(d["ci90_lo"], d["ci90_hi"])]
    if post is not None and len(post):
        p = post[post["month"] == month][["scenario", "subgroup", "indicator", "post_lo", "post_hi", "post_draws"]]
        d = d.merge(p, on=["scenario", "subgroup", "indicator"], how="left")
    return d.reset_index(drop=True)


def money_shares(inc: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: the share of all its interventions' NOK received by households in income
    deciles 1–3 and by persons of immigrant background (immigrants and descendants)."""
    rows = []
    if inc is None or inc.empty:
        return pd.DataFrame(columns=["scenario", "low_income", "immigrant_background"])
    for sc, g in inc.groupby("scenario"):
        income, bg = g[g["dimension"] == "income"], g[g["dimension"] == "background"]
        tot_i, tot_b = income["nok"].sum(), bg["nok"].sum()
        rows.append({"scenario": sc,
                     "low_income": income.loc[income["group"] == LOW_INCOME, "nok"].sum() / tot_i if tot_i > 0 else np.nan,
                     "immigrant_background": bg.loc[bg["group"] != "majority", "nok"].sum() / tot_b if tot_b > 0 else np.nan})
    return pd.DataFrame(rows)


def nok_per_unit(ce: pd.DataFrame, scenario: str, month: int, measure: str) -> float:
    r = ce[(ce["scenario"] == scenario) & (ce["month"] == month) & (ce["measure"] == measure)] if len(ce) else ce
    return float(r["nok_per_unit"].iloc[0]) if len(r) else float("nan")


# ----------------------------------------------------------------------------- sentences

def title(scenario: str) -> str:
    return scenario.replace("_", " ").capitalize()


def _clauses(d: pd.DataFrame, unit_of: dict) -> str:
    """'raises A by x points (90% interval a to b), B by … and lowers C by …' for the rows of ``d``."""
    out = []
    for verb, rows in (("raises", d[d["difference"] > 0]), ("lowers", d[d["difference"] < 0])):
        items = []
        for k, r in enumerate(rows.itertuples()):
            w, share = unit_of[r.indicator]
            ci = fmt_interval(r.ci90_lo, r.ci90_hi, share)
            items.append(f"{w} by {fmt_effect(abs(r.difference), share, signed=False, keep=True)}{' points' if share else ''} "
                         f"({'90% interval ' if not out and k == 0 else ''}{ci})")
        if items:
            out.append(f"{verb} " + (", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]))
    return ", and ".join(out)


def sentences(head: pd.DataFrame, money: pd.DataFrame, month: int, scenarios: list[str],
              assumed: dict[str, list[str]]) -> list[str]:
    """Plain sentences generated from the numbers, one paragraph per scenario: the headline effects
    whose 90% interval excludes zero, by group; the money's reach; or that the run cannot tell."""
    out = []
    unit_of = {k: (w, share) for k, _, w, share in HEADLINE}
    order = {k: i for i, (k, *_) in enumerate(HEADLINE)}
    when = horizon_words(month)
    for sc in scenarios:
        d = head[head["scenario"] == sc]
        said = []
        for g, _, who in GROUPS:
            clear = d[(d["subgroup"] == g) & d["clear"]].sort_values("indicator", key=lambda c: c.map(order))
            if len(clear):
                lead = f"After {when}, among {who}, {title(sc)}" if not said else f"Among {who}, it"
                said.append(f"{lead} {_clauses(clear, unit_of)}.")
        if not said:
            ib = d[(d["subgroup"] == "immigrant_background") & (d["indicator"] == "participation")]
            det = (f" (it could have detected ±{fmt_effect(ib['detectable'].iloc[0], True, False)} points in adults "
                   f"of immigrant background taking part)") if len(ib) else ""
            said.append(f"After {when}, the run cannot tell the effect of {title(sc)} on any headline outcome from "
                        f"chance{det}.")
        m = money[money["scenario"] == sc]
        if len(m) and np.isfinite(m["low_income"].iloc[0]):
            said.append(f"{fmt_share(m['low_income'].iloc[0])} of its money reached the lowest-income 30 % of households "
                        f"and {fmt_share(m['immigrant_background'].iloc[0])} persons of immigrant background.")
        if assumed.get(sc):
            said.append("Its effect size rests on an assumption, not a finding (†, below).")
        out.append(" ".join(said))
    return out


# ----------------------------------------------------------------------------- figure

def forest_plot(head: pd.DataFrame, scenarios: list[str], path: Path) -> None:
    """One panel per headline outcome; per scenario the effect for persons of immigrant background
    (filled) and everyone (open) with 90% intervals; shares in percentage points."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(HEADLINE), figsize=(13, 1.1 + 0.45 * max(len(scenarios), 1)), sharey=True)
    y = {sc: i for i, sc in enumerate(scenarios)}
    for ax, (ind, label, _, share) in zip(np.atleast_1d(axes), HEADLINE):
        scale = 100 if share else 1
        for (g, glabel, _), off, face in zip(GROUPS, (-0.13, 0.13), ("C0", "white")):
            d = head[(head["indicator"] == ind) & (head["subgroup"] == g)]
            ys = np.array([y[s] for s in d["scenario"]], float) + off
            x = d["difference"].to_numpy(float) * scale
            err = np.vstack([x - d["ci90_lo"].to_numpy(float) * scale, d["ci90_hi"].to_numpy(float) * scale - x])
            ax.errorbar(x, ys, xerr=np.nan_to_num(err), fmt="o", ms=5, mfc=face, mec="C0", ecolor="C0",
                        capsize=2, lw=1.2, label=glabel)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_title(label + (" (points)" if share else " per adult"), fontsize=11)
        ax.grid(axis="x", alpha=0.3)
        ax.tick_params(labelsize=8)
    first = np.atleast_1d(axes)[0]
    first.set_yticks(range(len(scenarios)))
    first.set_yticklabels([title(s) for s in scenarios], fontsize=9)
    first.invert_yaxis()
    handles, labels = first.get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=9, loc="upper left", ncol=2, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.9), w_pad=0.6)
    fig.savefig(path, dpi=100)
    plt.close(fig)


# ----------------------------------------------------------------------------- document

@dataclass
class Doc:
    """A report as blocks, written both as Markdown and as one self-contained HTML page."""
    folder: Path
    md: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)

    def heading(self, level: int, text: str) -> None:
        self.md += ["#" * level + " " + text, ""]
        self.html.append(f"<h{level}>{html.escape(text)}</h{level}>")

    def para(self, text: str, cls: str = "") -> None:
        self.md += [text, ""]
        self.html.append(f"<p class='{cls}'>{html.escape(text)}</p>" if cls else f"<p>{html.escape(text)}</p>")

    def bullets(self, items: list[str], cls: str = "") -> None:
        self.md += [f"- {t}" for t in items] + [""]
        self.html.append(f"<ul class='{cls}'>" + "".join(f"<li>{html.escape(t)}</li>" for t in items) + "</ul>")

    def table(self, header: list[str], rows: list[list[str]], cls: str = "", html_rows: list[str] | None = None) -> None:
        self.md += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        self.md += ["| " + " | ".join(r) + " |" for r in rows] + [""]
        body = html_rows if html_rows is not None else [
            "<tr>" + "".join(f"<td{'' if _numeric(c) else ' class=txt'}>{html.escape(c)}</td>" for c in r) + "</tr>"
            for r in rows]
        self.html.append(f"<table class='{cls}'><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header)
                         + "</tr></thead><tbody>" + "".join(body) + "</tbody></table>")

    def image(self, path: Path, alt: str) -> None:
        self.md += [f"![{alt}]({path.name})", ""]
        data = base64.b64encode(path.read_bytes()).decode()
        self.html.append(f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{data}'>")

    def raw_html(self, text: str) -> None:
        self.html.append(text)

    def write(self) -> None:
        (self.folder / "report.md").write_text("\n".join(self.md), encoding="utf-8")
        (self.folder / "report.html").write_text(
            f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Dugnad comparison</title>"
            f"<style>{STYLE}</style></head><body>{''.join(self.html)}</body></html>\n", encoding="utf-8")


def _numeric(cell: str) -> bool:
    return cell[:1] in set("0123456789+−-–±>")


STYLE = ("body{font-family:system-ui,sans-serif;max-width:1280px;margin:0.6em auto;padding:0 1em;color:#222;font-size:14px}"
         "h1{font-size:1.35em;margin:0.2em 0}h2{font-size:1.1em;margin:1.2em 0 0.3em}h3{font-size:1em}"
         "p{margin:0.3em 0}.lead{color:#555;font-size:0.9em}"
         "table{border-collapse:collapse;margin:0.4em 0;font-size:0.85em}"
         "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right;vertical-align:top}"
         "th{background:#eef;text-align:center}td.name{text-align:left;font-weight:600}td.grp,td.txt{text-align:left}"
         "table.headline td:nth-child(n+3){white-space:nowrap}table.headline td.name{max-width:11em}"
         "table.headline th{font-size:0.9em;max-width:7.5em}td.up{background:#e3f4e3}td.down{background:#fbe3e3}small{color:#666}"
         "ul.said{margin:0.3em 0;padding-left:1.2em}ul.said li{margin:0.15em 0}"
         "img{max-width:100%}.flag{color:#8a5a00}details{margin:0.5em 0}summary{cursor:pointer;font-weight:600}")


def _cell(r: pd.Series, share: bool) -> tuple[str, str, str]:
    """(markdown text, html text, css class) of one headline effect."""
    eff = fmt_effect(r["difference"], share, keep=bool(r["clear"]))
    ci = fmt_interval(r["ci90_lo"], r["ci90_hi"], share)
    cls = ("up" if r["difference"] > 0 else "down") if r["clear"] else ""
    md = f"{eff} ({ci})"
    h = f"{html.escape(eff)}<br><small>{html.escape(ci)}</small>"
    if "post_lo" in r and np.isfinite(r.get("post_lo", np.nan)):
        p = fmt_interval(r["post_lo"], r["post_hi"], share)
        md += f" [param. {p}]"
        h += f"<br><small>param. {html.escape(p)}</small>"
    return md, h, cls


def posterior_words(posterior: int) -> str:
    from model.experiments.posterior import accepted_samples, distinct_sets, held_words

    k, n = distinct_sets()
    few = " — too few to stand for the parameters' uncertainty" if k < n / 2 else ""
    return (f" 'param.': the interval with parameter uncertainty ({posterior} parameter sets from the calibration's "
            f"posterior, which holds {k} distinct sets of {n}{few}{held_words(accepted_samples())}).")


def first_screen(doc: Doc, base: str, scenarios: list[str], head: pd.DataFrame, ce: pd.DataFrame,
                 money: pd.DataFrame, month: int, seeds: int, assumed: dict[str, list[str]], plot: Path,
                 posterior: int) -> list[str]:
    """The headline table, the sentences, the assumption flags and the forest plot. Returns the sentences."""
    doc.heading(1, f"What the measures do after {horizon_words(month)} (month {month}), against {title(base)}")
    doc.para(f"Difference from the baseline with the same seed (scenario − baseline), mean of {seeds} paired seeds; "
             "below each, its 90% interval. Shares in percentage points; bridging ties per adult. Green or red: the "
             "interval excludes zero; otherwise the run cannot tell the effect from chance. With ten outcomes per "
             "scenario, about one interval in ten excludes zero by chance alone where there is no effect."
             + (posterior_words(posterior) if posterior else ""), cls="lead")
    said = sentences(head, money, month, scenarios, assumed)
    header, rows, hrows = headline_rows(head, ce, money, month, scenarios, assumed)
    doc.table(header, rows, cls="headline", html_rows=hrows)
    doc.bullets(said, cls="said")
    notes = [f"† {title(sc)}: {t}" for sc in scenarios for t in assumed.get(sc, [])]
    if notes:
        doc.bullets(notes, cls="flag")
    doc.image(plot, "forest plot of the headline effects")
    return said


def headline_rows(head: pd.DataFrame, ce: pd.DataFrame, money: pd.DataFrame, month: int, scenarios: list[str],
                  assumed: dict[str, list[str]]) -> tuple[list[str], list[list[str]], list[str]]:
    """The headline table's header, its markdown rows and its html rows: per scenario one row per
    group (``GROUPS``), the money columns spanning them."""
    header = ["scenario", "for"] + [lab for _, lab, _, _ in HEADLINE] + NOK_MEASURES + \
             ["money to lowest-income 30 %", "money to immigrant bg."]
    rows, hrows = [], []
    for sc in scenarios:
        name = title(sc) + (" †" if assumed.get(sc) else "")
        extra = _money_cells(ce, money, sc, month)
        for j, (g, glabel, _) in enumerate(GROUPS):
            cells = [_headline_cell(head, sc, g, ind, share) for ind, _, _, share in HEADLINE]
            rows.append([name if j == 0 else "", glabel] + [md for md, _, _ in cells] + (extra if j == 0 else [""] * len(extra)))
            lead = f"<td class='name' rowspan='{len(GROUPS)}'>{html.escape(name)}</td>" if j == 0 else ""
            tail = "".join(f"<td rowspan='{len(GROUPS)}'>{html.escape(x)}</td>" for x in extra) if j == 0 else ""
            body = "".join(f"<td class='{cls}'>{h}</td>" for _, h, cls in cells)
            hrows.append(f"<tr>{lead}<td class='grp'>{html.escape(glabel)}</td>{body}{tail}</tr>")
    return header, rows, hrows


def _headline_cell(head: pd.DataFrame, sc: str, group: str, ind: str, share: bool) -> tuple[str, str, str]:
    r = head[(head["scenario"] == sc) & (head["subgroup"] == group) & (head["indicator"] == ind)]
    return _cell(r.iloc[0], share) if len(r) else ("–", "–", "")


def _money_cells(ce: pd.DataFrame, money: pd.DataFrame, sc: str, month: int) -> list[str]:
    """NOK per extra unit of each ``NOK_MEASURES``, then the money's shares to the lowest-income 30 %
    and to persons of immigrant background."""
    m = money[money["scenario"] == sc]
    return [fmt_nok(nok_per_unit(ce, sc, month, meas)) for meas in NOK_MEASURES] + \
           [fmt_share(m["low_income"].iloc[0]) if len(m) else "–",
            fmt_share(m["immigrant_background"].iloc[0]) if len(m) else "–"]


def power_section(doc: Doc, head: pd.DataFrame, scenarios: list[str]) -> None:
    doc.heading(2, "How sure: power of this run")
    doc.para("For each headline effect: the smallest effect this number of seeds would detect 80% of the time with a "
             "two-sided test at the 10% level (paired seeds, t distribution), and the seeds needed to detect the effect "
             "observed here as often (– when the observed effect is exactly zero).", cls="lead")
    rows = []
    for sc in scenarios:
        for ind, label, _, share in HEADLINE:
            for g, glabel, _ in GROUPS:
                r = head[(head["scenario"] == sc) & (head["indicator"] == ind) & (head["subgroup"] == g)]
                if not len(r):
                    continue
                r = r.iloc[0]
                rows.append([title(sc), label, glabel, fmt_effect(r["difference"], share), f"{int(r['seeds'])}",
                             "±" + fmt_effect(r["detectable"], share, False), fmt_seeds(r["seeds_needed"])])
    doc.table(["scenario", "outcome", "for", "effect", "seeds", "smallest detectable", "seeds to detect it"], rows)


def _round(x, digits=3) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "–"
    if isinstance(x, (int, np.integer)):
        return f"{int(x):,}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def frame_table(doc: Doc, df: pd.DataFrame, cols: list[tuple[str, str]], digits: int = 3) -> None:
    """A details table: months and counts as integers, other numbers to ``digits`` decimals
    (whole numbers from 100 up)."""
    rows = []
    for r in df.itertuples(index=False):
        row = []
        for c, _ in cols:
            v = getattr(r, c)
            if c in ("month", "seeds", "post_draws"):
                row.append("–" if pd.isna(v) else f"{int(v)}")
            elif isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
                row.append(_round(v, digits))
            else:
                row.append(str(v))
        rows.append(row)
    doc.table([h for _, h in cols], rows)


def details(doc: Doc, eff: pd.DataFrame, ce: pd.DataFrame, inc: pd.DataFrame, post: pd.DataFrame | None,
            horizons: list[int], plots: list[Path]) -> None:
    doc.heading(2, "Details")
    doc.para(f"Horizons: months {', '.join(str(h) for h in horizons)} after the burn-in. Everything below is also in "
             "effects.csv, cost_effectiveness.csv and incidence.csv.", cls="lead")
    if post is not None and len(post):
        doc.heading(3, "Parameter uncertainty")
        doc.para("Each parameter set drawn from the calibration's accepted samples runs once per scenario with one seed "
                 "(paired across scenarios). The interval is a 90% prediction interval of the effect over those runs "
                 "(mean ± t · sd · √(1 + 1/N)): it holds both the parameters' and the seeds' uncertainty.", cls="lead")
        frame_table(doc, post, [("scenario", "scenario"), ("month", "month"), ("subgroup", "group"),
                                ("indicator", "indicator"), ("post_mean", "mean effect"), ("post_lo", "from"),
                                ("post_hi", "to"), ("post_positive", "share of draws > 0"), ("post_draws", "draws")])
    from model.experiments.compare import KEY_TIMESERIES

    named = lambda d: d.assign(indicator=d["indicator"].map(dict(KEY_TIMESERIES)).fillna(d["indicator"]))
    doc.heading(3, "Effects by background group, every indicator and horizon")
    bg = named(eff[eff["dimension"] == "background group"])
    frame_table(doc, bg, [("scenario", "scenario"), ("month", "month"), ("subgroup", "group"), ("indicator", "indicator"),
                          ("difference", "difference"), ("ci90_lo", "90% from"), ("ci90_hi", "90% to"), ("seeds", "seeds")])
    last = max(horizons)
    doc.heading(3, f"Effects by subgroup (month {last})")
    sub = named(eff[(eff["dimension"] != "background group") & (eff["month"] == last)])
    frame_table(doc, sub, [("scenario", "scenario"), ("dimension", "by"), ("subgroup", "group"), ("indicator", "indicator"),
                           ("difference", "difference"), ("ci90_lo", "90% from"), ("ci90_hi", "90% to")])
    if len(ce):
        doc.heading(3, "Cost-effectiveness")
        doc.para("NOK spent up to the horizon divided by the extra persons (or ties) against the baseline; '–' where the "
                 "extra number's interval includes zero (90% bootstrap interval over seeds).", cls="lead")
        frame_table(doc, ce, [("scenario", "scenario"), ("month", "month"), ("measure", "measure"), ("cost_nok", "cost (NOK)"),
                              ("extra", "extra"), ("extra_ci90_lo", "extra from"), ("extra_ci90_hi", "extra to"),
                              ("nok_per_unit", "NOK per unit"), ("ci90_lo", "from"), ("ci90_hi", "to")], 1)
    if inc is not None and len(inc):
        doc.heading(3, "Who the resources reached")
        doc.para("Share of each intervention's NOK received by a group, beside the group's share of the people it "
                 "targets, and the group's change in participation (all ages) at the last horizon.", cls="lead")
        frame_table(doc, inc, [("scenario", "scenario"), ("intervention", "intervention"), ("dimension", "by"),
                               ("group", "group"), ("nok_share", "share of NOK"), ("eligible_share", "share of target group"),
                               ("participation_change", "participation change")])
    for p in plots:
        doc.image(p, p.stem.replace("_", " "))


def write_report(out: Path, base: str, scenarios: list[str], eff: pd.DataFrame, ce: pd.DataFrame, inc: pd.DataFrame,
                 seeds: int, horizons: list[int], plots: list[Path], assumed: dict[str, list[str]] | None = None,
                 post: pd.DataFrame | None = None, posterior: int = 0) -> dict:
    """Write ``report.md`` and ``report.html`` into ``out``; returns the headline table and sentences."""
    month = max(horizons)
    assumed = assumed or {}
    head = headline_table(eff, month, post)
    money = money_shares(inc)
    forest = out / "forest_plot.png"
    forest_plot(head, scenarios, forest)
    doc = Doc(out)
    said = first_screen(doc, base, scenarios, head, ce, money, month, seeds, assumed, forest, posterior)
    power_section(doc, head, scenarios)
    details(doc, eff, ce, inc, post, horizons, plots)
    doc.write()
    return {"headline": head, "sentences": said, "money": money}
