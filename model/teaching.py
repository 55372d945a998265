"""The classroom model and the drawings shared by the live app (``app.py``) and ``dugnad animate``.

``ClassroomModel`` is a :class:`~model.model.DugnadModel` built from a scenario file plus the few
settings a teacher changes live — population size, immigrant share, segregation, and switches for
four interventions with their main dose. The switched-on interventions are added to the scenario's
own list, so a scenario picked from ``scenarios/`` keeps its measures.

The drawings are plain matplotlib (no browser needed), so the same pictures appear in the app, in
the GIF of ``dugnad animate`` and in tests.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np

from model.model import DugnadModel
from model.demography.life_course import rows_of
from model.state import BACKGROUNDS, KINDS, MAJORITY

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
COLOURS = {"majority": "#3b6fb6", "immigrant": "#e08a1e", "descendant": "#3a9a5b"}
TIE_COLOURS = {"bonding": "#b8b8b8", "bridging": "#d62728"}
SAMPLE_SIZE = 160


def scenario_names() -> list[str]:
    return sorted(p.name for p in SCENARIOS.glob("*.toml"))


class ClassroomModel(DugnadModel):
    """A scenario with classroom switches. Every argument is a keyword with a default, as
    Mesa's SolaraViz expects."""

    def __init__(self, scenario_file: str = "baseline.toml", persons: int = 1500, immigrant_share: float = 0.15,
                 segregation: float = 0.4, language_course: bool = False, course_seats: int = 60,
                 leisure_card: bool = False, card_cap: int = 2000, card_outreach: bool = False,
                 open_recruitment: bool = False, open_share: float = 0.3, meeting_places: bool = False,
                 meetings_per_year: int = 4, seed: int = 1, burn_in_months: int = 120):
        from model.scenario import load_scenario

        path = SCENARIOS / scenario_file if not Path(scenario_file).is_absolute() else Path(scenario_file)
        base = load_scenario(path)
        added = []
        if language_course:
            added.append({"type": "language_course", "name": "classroom_course", "seats_per_year": float(course_seats)})
        if leisure_card:
            added.append({"type": "leisure_card", "name": "classroom_card", "yearly_cap_nok": float(card_cap),
                          "outreach": bool(card_outreach)})
        if open_recruitment:
            added.append({"type": "open_recruitment", "name": "classroom_open", "share_of_organisations": float(open_share)})
        if meeting_places:
            added.append({"type": "meeting_places", "name": "classroom_meetings", "meetings_per_year": float(meetings_per_year)})
        own = [iv.model_dump(mode="json", exclude_none=True) for iv in base.interventions]
        sc = load_scenario(path, {
            "population": {"persons": int(persons), "immigrant_share": float(immigrant_share),
                           "segregation": float(segregation)},
            "burn_in_months": int(burn_in_months), "interventions": own + added})
        super().__init__(sc, seed=int(seed))
        self.scenario_file = scenario_file
        self._viz_pos: dict[int, np.ndarray] = {}
        self._viz_sample = self.people.uid[sample_people(self)]  # uids: rows shift as people die or leave


# ----------------------------------------------------------------------------- network view

def sample_people(model, size: int = SAMPLE_SIZE) -> np.ndarray:
    """A readable sample: the adults and youth of the most mixed neighbourhood (the one whose
    immigrant-background share is closest to a half), at most ``size`` of them, fixed for the run."""
    p = model.people
    n_nb = len(model.nb_municipality)
    imm = np.bincount(p.neighbourhood, weights=(p.background != MAJORITY), minlength=n_nb)
    tot = np.bincount(p.neighbourhood, minlength=n_nb)
    share = np.where(tot > 0, imm / np.maximum(tot, 1), 0)
    nb = int(np.argmin(np.abs(share - 0.5)))
    who = np.flatnonzero((p.neighbourhood == nb) & (p.age >= 13))
    if len(who) > size:
        who = np.sort(np.random.default_rng(0).choice(who, size, replace=False))
    return who


def network_graph(model, uids: np.ndarray) -> nx.Graph:
    """Persons of the sample (by uid; those who died or left are gone), their ties among
    themselves, and the organisations they take part in. Person nodes are ("p", uid)."""
    p = model.people
    people = rows_of(p, uids)
    people = people[people >= 0]
    g = nx.Graph()
    inside = np.zeros(len(p), bool)
    inside[people] = True
    for i in people:
        g.add_node(("p", int(p.uid[i])), kind="person", background=BACKGROUNDS[p.background[i]])
    t = model.ties
    sel = inside[t.a] & inside[t.b]
    same = p.origin[t.a[sel]] == p.origin[t.b[sel]]
    for a, b, s in zip(t.a[sel], t.b[sel], same):
        g.add_edge(("p", int(p.uid[a])), ("p", int(p.uid[b])), kind="bonding" if s else "bridging")
    rows, cols = np.nonzero(p.mem_role[people] > 0)
    for r, c in zip(rows, cols):
        o = int(p.mem_org[people[r], c])
        if ("o", o) not in g:
            g.add_node(("o", o), kind="organisation", org_kind=KINDS[model.orgs.kind[o]], minority=bool(model.orgs.minority[o]))
        g.add_edge(("p", int(p.uid[people[r]])), ("o", o), kind="membership", role=int(p.mem_role[people[r], c]))
    return g


def draw_network(model, ax) -> dict:
    """Draw the sampled network on ``ax``; positions are kept on the model so they move smoothly
    from step to step (a few spring-layout iterations from the previous positions)."""
    from matplotlib.collections import LineCollection

    g = network_graph(model, model._viz_sample)
    pos = {n: model._viz_pos[n] for n in g if n in model._viz_pos}
    layout = nx.spring_layout(g, pos=pos or None, iterations=8 if pos else 40, seed=1,
                              k=0.9 / max(1, len(g)) ** 0.5)
    model._viz_pos = layout
    ax.clear()
    edges = {"bonding": [], "bridging": [], "membership": []}
    for a, b, d in g.edges(data=True):
        edges[d["kind"]].append((layout[a], layout[b]))
    for kind, colour, width, style in (("membership", "#d0d0d0", 0.5, "dotted"), ("bonding", TIE_COLOURS["bonding"], 0.9, "solid"),
                                       ("bridging", TIE_COLOURS["bridging"], 1.3, "solid")):
        if edges[kind]:
            ax.add_collection(LineCollection(edges[kind], colors=colour, linewidths=width, linestyles=style, zorder=1))
    persons = [n for n, d in g.nodes(data=True) if d["kind"] == "person"]
    xy = np.array([layout[n] for n in persons]) if persons else np.zeros((0, 2))
    ax.scatter(xy[:, 0], xy[:, 1], s=18, c=[COLOURS[g.nodes[n]["background"]] for n in persons], zorder=3, linewidths=0)
    orgs = [n for n, d in g.nodes(data=True) if d["kind"] == "organisation"]
    if orgs:
        oxy = np.array([layout[n] for n in orgs])
        ax.scatter(oxy[:, 0], oxy[:, 1], s=[25 + 12 * g.degree(n) for n in orgs], marker="s", alpha=0.8, zorder=2,
                   c=["#7a3e9d" if g.nodes[n]["minority"] else "#222222" for n in orgs])
    ax.autoscale_view()
    ax.set_axis_off()
    counts = {k: len(v) for k, v in edges.items()}
    ax.set_title(f"Month {model.month}: {len(persons)} people of one neighbourhood; {counts['bonding']} bonding ties (grey), "
                 f"{counts['bridging']} bridging (red);\nsquares: organisations (purple: minority), dotted: taking part",
                 fontsize=8)
    from matplotlib.lines import Line2D
    ax.legend(handles=[Line2D([], [], marker="o", ls="", color=c, label=k) for k, c in COLOURS.items()],
              loc="lower left", fontsize=7, frameon=False)
    return counts


# ----------------------------------------------------------------------------- charts

def series(model, indicator: str, group: str) -> tuple[np.ndarray, np.ndarray]:
    rows = [r for r in model.observer.rows if r["group"] == group]
    return np.array([r["month"] for r in rows]), np.array([r[indicator] for r in rows], float)


def draw_rungs(model, ax) -> None:
    """The participation ladder now, majority vs immigrant background."""
    last = {r["group"]: r for r in model.observer.rows[-5:]}
    rungs = [("informal_help", "informal help"), ("participation", "took part"), ("member", "member"),
             ("volunteer", "volunteer"), ("office", "office")]
    x = np.arange(len(rungs))
    ax.clear()
    for j, (g, label, colour) in enumerate((("majority", "majority", COLOURS["majority"]),
                                            ("immigrant_background", "immigrant background", COLOURS["immigrant"]))):
        ax.bar(x + (j - 0.5) * 0.38, [last[g][k] for k, _ in rungs], 0.38, label=label, color=colour)
    ax.set_xticks(x, [lbl for _, lbl in rungs], fontsize=7)
    ax.set_ylim(0, 1)
    ax.set_title("Participation ladder now (adults)", fontsize=9)
    ax.legend(fontsize=7)


def draw_lines(model, ax, indicator: str, title: str, groups=("majority", "immigrant_background"), ylim=None) -> None:
    ax.clear()
    for g in groups:
        x, y = series(model, indicator, g)
        ax.plot(x, y, label=g.replace("_", " "), color=COLOURS["majority" if g == "majority" else "immigrant"])
    ax.set_title(title, fontsize=9)
    if ylim:
        ax.set_ylim(*ylim)
    ax.set_xlabel("month", fontsize=7)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)


def draw_ties(model, ax) -> None:
    ax.clear()
    for ind, style in (("bonding_ties", "--"), ("bridging_ties", "-")):
        for g in ("majority", "immigrant_background"):
            x, y = series(model, ind, g)
            ax.plot(x, y, style, color=COLOURS["majority" if g == "majority" else "immigrant"],
                    label=f"{ind.split('_')[0]}, {g.replace('_', ' ')}")
    ax.set_title("Ties per adult: bonding (dashed) and bridging (solid)", fontsize=9)
    ax.set_xlabel("month", fontsize=7)
    ax.legend(fontsize=6)
    ax.grid(alpha=0.3)


def draw_shares(model, ax) -> None:
    ax.clear()
    for ind, label, style in (("immigrant_share_members", "of members", "-"), ("immigrant_share_offices", "of office holders", "--")):
        x, y = series(model, ind, "all")
        ax.plot(x, y, style, color=COLOURS["immigrant"], label=label)
    x, y = series(model, "persons", "immigrant_background")
    _, tot = series(model, "persons", "all")
    ax.plot(x, y / np.maximum(tot, 1), ":", color="grey", label="of persons")
    ax.set_ylim(0, 0.5)
    ax.set_title("Immigrant-background share", fontsize=9)
    ax.set_xlabel("month", fontsize=7)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)


def draw_charts(model, fig) -> None:
    """The four live charts in one figure (updated in place each step by :class:`LiveCharts`)."""
    a = fig.subplots(2, 2)
    draw_rungs(model, a[0, 0])
    draw_ties(model, a[0, 1])
    draw_shares(model, a[1, 0])
    draw_lines(model, a[1, 1], "youth_participation", "Youth 13-19 taking part", ylim=(0, 1))
    fig.subplots_adjust(left=0.07, right=0.98, top=0.94, bottom=0.08, hspace=0.38, wspace=0.22)


def active_interventions(model) -> str:
    return ", ".join(f"{iv.label} (NOK {iv.cost_nok:,.0f})" for iv in model.interventions) or "none"




class LiveCharts:
    """The four charts of :func:`draw_charts`, drawn once and then updated in place (new data for
    the same lines and bars), which keeps a classroom step well under a second."""

    RUNGS = (("informal_help", "informal help"), ("participation", "took part"), ("member", "member"),
             ("volunteer", "volunteer"), ("office", "office"))
    GROUPS = (("majority", COLOURS["majority"]), ("immigrant_background", COLOURS["immigrant"]))

    def __init__(self, model, fig):
        draw_charts(model, fig)
        self.fig = fig
        a = np.asarray(fig.axes).reshape(2, 2)
        self.bars = [c for c in a[0, 0].containers]
        self.ties_ax, self.shares_ax, self.youth_ax = a[0, 1], a[1, 0], a[1, 1]

    def update(self, model) -> None:
        last = {r["group"]: r for r in model.observer.rows[-5:]}
        for container, (g, _) in zip(self.bars, self.GROUPS):
            for bar, (k, _) in zip(container, self.RUNGS):
                bar.set_height(last[g][k])
        lines = iter(self.ties_ax.get_lines())
        for ind in ("bonding_ties", "bridging_ties"):
            for g, _ in self.GROUPS:
                next(lines).set_data(*series(model, ind, g))
        lines = iter(self.shares_ax.get_lines())
        for ind in ("immigrant_share_members", "immigrant_share_offices"):
            next(lines).set_data(*series(model, ind, "all"))
        x, y = series(model, "persons", "immigrant_background")
        _, tot = series(model, "persons", "all")
        next(lines).set_data(x, y / np.maximum(tot, 1))
        for line, (g, _) in zip(self.youth_ax.get_lines(), self.GROUPS):
            line.set_data(*series(model, "youth_participation", g))
        for ax in (self.ties_ax, self.shares_ax, self.youth_ax):
            ax.relim()
            ax.autoscale_view(scalex=True, scaley=ax is self.ties_ax)
