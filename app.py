"""Dugnad in the classroom: a live SolaraViz app.

    .venv/bin/solara run app.py            # then open http://localhost:8765

Pick a scenario, set the population, switch interventions on or off, press Reset to build the
model, then Step or ▶. The picture shows one neighbourhood (people coloured by background, bonding
ties grey, bridging ties red, organisations as squares); the charts follow participation, ties and
who holds offices. Lessons that use it: docs/teaching.md.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
import solara  # noqa: E402
from mesa.visualization import SolaraViz  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from model.teaching import ClassroomModel, LiveCharts, active_interventions, draw_network, scenario_names  # noqa: E402

MODEL_PARAMS = {
    "scenario_file": {"type": "Select", "value": "baseline.toml", "values": scenario_names(), "label": "Scenario"},
    "seed": {"type": "InputText", "value": 1, "label": "Seed"},
    "persons": {"type": "SliderInt", "value": 1500, "min": 300, "max": 5000, "step": 100, "label": "Population"},
    "immigrant_share": {"type": "SliderFloat", "value": 0.15, "min": 0.0, "max": 0.5, "step": 0.01, "label": "Immigrant share"},
    "segregation": {"type": "SliderFloat", "value": 0.4, "min": 0.0, "max": 1.0, "step": 0.05, "label": "Residential segregation"},
    "language_course": {"type": "Checkbox", "value": False, "label": "Free language course (labour migrants)"},
    "course_seats": {"type": "SliderInt", "value": 60, "min": 10, "max": 400, "step": 10, "label": "  course seats per year"},
    "leisure_card": {"type": "Checkbox", "value": False, "label": "Leisure card (children 6-17)"},
    "card_cap": {"type": "SliderInt", "value": 2000, "min": 500, "max": 6000, "step": 250, "label": "  card: NOK per child per year"},
    "card_outreach": {"type": "Checkbox", "value": False, "label": "  card: outreach through minority organisations"},
    "open_recruitment": {"type": "Checkbox", "value": False, "label": "Open recruitment in clubs"},
    "open_share": {"type": "SliderFloat", "value": 0.3, "min": 0.05, "max": 1.0, "step": 0.05, "label": "  share of clubs taking part"},
    "meeting_places": {"type": "Checkbox", "value": False, "label": "Municipal meeting places"},
    "meetings_per_year": {"type": "SliderInt", "value": 4, "min": 1, "max": 24, "step": 1, "label": "  arranged meetings per year"},
}


def network_figure(m):
    """One figure per model, redrawn in place each step (creating axes costs more than drawing)."""
    if getattr(m, "_net_fig", None) is None:
        m._net_fig = Figure(figsize=(7.2, 5.6), dpi=80)
        m._net_ax = m._net_fig.add_axes((0.01, 0.01, 0.98, 0.9))
    draw_network(m, m._net_ax)
    return m._net_fig


def charts_figure(m):
    if getattr(m, "_charts", None) is None:
        m._charts = LiveCharts(m, Figure(figsize=(9.6, 6.6), dpi=80))
    else:
        m._charts.update(m)
    return m._charts.fig


@solara.component
def Dashboard(model: solara.Reactive):
    """The network and the four charts, redrawn after every step (Mesa's update counter) and reset."""
    update_counter.get()
    m = model.value
    with solara.Column(style={"padding": "8px"}):
        solara.Text(f"Month {m.month} · seed {m.seed} · {len(m.people):,} persons · scenario {m.scenario_file} · "
                    f"interventions: {active_interventions(m)}", style={"font-size": "1.05em", "font-weight": "500"})
        with solara.Row():
            with solara.Card("Who is tied to whom", style={"width": "42%"}):
                solara.FigureMatplotlib(network_figure(m), format="png", dependencies=[id(m), m.month])
            with solara.Card("Participation, ties, offices, youth", style={"width": "56%"}):
                solara.FigureMatplotlib(charts_figure(m), format="png", dependencies=[id(m), m.month])


def _coerce_seed(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 1


class AppModel(ClassroomModel):
    """The classroom model with a seed typed in a text box."""

    def __init__(self, scenario_file: str = "baseline.toml", persons: int = 1500, immigrant_share: float = 0.15,
                 segregation: float = 0.4, language_course: bool = False, course_seats: int = 60,
                 leisure_card: bool = False, card_cap: int = 2000, card_outreach: bool = False,
                 open_recruitment: bool = False, open_share: float = 0.3, meeting_places: bool = False,
                 meetings_per_year: int = 4, seed: int | str = 1):
        super().__init__(scenario_file, persons, immigrant_share, segregation, language_course, course_seats,
                         leisure_card, card_cap, card_outreach, open_recruitment, open_share, meeting_places,
                         meetings_per_year, _coerce_seed(seed))


model = solara.reactive(AppModel())


@solara.component
def Page():
    # Mesa's SolaraViz gives the controls (step, play, reset) and the parameter panel; the
    # dashboard reads the same reactive model, so Reset with new settings rebuilds what it shows.
    SolaraViz(model, components=[], model_params=MODEL_PARAMS, name="Dugnad — civil society and integration")
    # the controls' drawer is fixed over the page with this solara version: keep the dashboard beside it
    solara.Style(".v-main.solara-content-main { padding-left: 450px !important; }")
    Dashboard(model)


page = Page
