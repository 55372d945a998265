"""Teaching: the classroom model, its drawings, the app's components rendered headless (solara),
and the GIF fallback."""

from __future__ import annotations

import numpy as np
import pytest

from model.teaching import ClassroomModel, draw_charts, draw_network, network_graph, sample_people


@pytest.fixture(scope="module")
def classroom():
    return ClassroomModel(persons=600, leisure_card=True, open_recruitment=True, burn_in_months=24)


def test_switches_add_their_interventions_to_the_scenarios_own():
    m = ClassroomModel(scenario_file="leisure_card.toml", persons=500, language_course=True, meeting_places=True,
                       course_seats=90, burn_in_months=6)
    types = {iv.label: iv.params.type for iv in m.interventions}
    assert types == {"leisure_card": "leisure_card", "classroom_course": "language_course",
                     "classroom_meetings": "meeting_places"}
    assert m.interventions[1].params.seats_per_year == 90
    plain = ClassroomModel(persons=500, burn_in_months=6)
    assert plain.interventions == []


def test_population_settings_reach_the_model():
    m = ClassroomModel(persons=800, immigrant_share=0.3, segregation=0.9, burn_in_months=0, seed=4)
    assert m.params.population.persons == 800 and m.params.population.segregation == 0.9
    assert abs((m.people.background == 1).mean() - 0.3) < 0.06
    assert m.seed == 4


def test_network_sample_is_one_neighbourhood_and_readable(classroom):
    people = sample_people(classroom)
    p = classroom.people
    assert 0 < len(people) <= 160 and len(set(p.neighbourhood[people])) == 1
    g = network_graph(classroom, p.uid[people])
    kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    assert kinds <= {"bonding", "bridging", "membership"} and "membership" in kinds
    for a, b, d in g.edges(data=True):
        if d["kind"] in ("bonding", "bridging"):
            ra, rb = classroom.row_of(a[1]), classroom.row_of(b[1])
            same = p.origin[ra] == p.origin[rb]
            assert (d["kind"] == "bonding") == bool(same)


def test_drawings_keep_positions_between_steps(classroom):
    from matplotlib.figure import Figure
    fig = Figure()
    counts = draw_network(classroom, fig.add_subplot())
    assert counts["membership"] > 0
    before = dict(classroom._viz_pos)
    classroom.step()
    draw_network(classroom, fig.add_subplot())
    common = [n for n in before if n in classroom._viz_pos]
    moved = np.mean([np.linalg.norm(before[n] - classroom._viz_pos[n]) for n in common])
    assert common and moved < 0.2  # the picture moves smoothly, it is not re-laid out from scratch
    fig2 = Figure()
    draw_charts(classroom, fig2)
    assert len(fig2.axes) == 4


def status(rc) -> str:
    import ipyvuetify as v
    return " ".join(str(c) for w in rc.find(v.Html).widgets for c in (w.children or []) if isinstance(c, str))


def test_app_dashboard_renders_headless_and_follows_the_model():
    import ipywidgets as widgets
    import solara
    from mesa.visualization.utils import update_counter

    import app

    model = solara.reactive(ClassroomModel(persons=500, burn_in_months=6))
    box, rc = solara.render(app.Dashboard(model), handle_error=False)
    images = rc.find(widgets.Image)
    assert len(images.widgets) == 2
    first = [img.value for img in images.widgets]
    assert "Month 0 " in status(rc)
    model.value.step()
    update_counter.set(update_counter.value + 1)
    after = [img.value for img in rc.find(widgets.Image).widgets]
    assert after != first  # the charts were redrawn
    assert "Month 1 " in status(rc)
    model.value = ClassroomModel(persons=500, burn_in_months=6, leisure_card=True)
    assert "Month 0 " in status(rc) and "classroom_card" in status(rc)
    rc.close()


def test_app_parameters_match_the_model():
    import inspect

    import app
    params = inspect.signature(app.AppModel.__init__).parameters
    assert set(app.MODEL_PARAMS) <= set(params)
    assert "baseline.toml" in app.MODEL_PARAMS["scenario_file"]["values"]


def test_animate_writes_a_gif(tmp_path):
    from PIL import Image

    from model.cli import main
    out = tmp_path / "a.gif"
    assert main(["animate", "scenarios/baseline.toml", "--out", str(out), "--months", "4", "--every", "2",
                 "--persons", "400", "--quiet"]) == 0
    with Image.open(out) as im:
        assert im.n_frames == 3


def test_animate_rejects_bad_output_name(tmp_path, capsys):
    from model.cli import main
    assert main(["animate", "scenarios/baseline.toml", "--out", str(tmp_path / "a.mp4"), "--quiet"]) == 2
    assert "must end in .gif" in capsys.readouterr().err
