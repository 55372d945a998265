"""Every parameter's source label is true (issue 13): "data" only with a cited figure, named."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from model.docs_scenarios import split_description
from model.interventions import CATALOGUE
from model.scenario import Scenario
from model.schema import SOURCE_KINDS, InterventionParams, Target

# where a figure labelled "data" may come from; the meaning must name one of them
SOURCES = ("FACTS §", "SSB", "origin_groups.csv", "places.csv", "collective agreements", "pension")

# labelled "data" before issue 13 without a cited figure behind them (the issue names most)
NOT_DATA = ("recruitment.minority_declines_majority", "membership.w_language", "ladder.self_recruitment",
            "organisations.linked_share_minority", "ties.minority_link_factor",
            "employment.labour_migrant_hours", "arrivals.mobilisation_ask_boost",
            "grants.payment_month",
            "youth.w_parent_active", "economy.median_wage")


def _fields(model: type[BaseModel], prefix: str):
    for name, info in model.model_fields.items():
        if info.description and info.description.endswith("]"):
            yield f"{prefix}{name}", info


def all_parameters() -> dict[str, object]:
    """Every declared parameter: the scenario's top level and sections, who an intervention is for
    (``target.``), the fields every intervention has (``intervention.``) and each type's own."""
    out = dict(_fields(Scenario, ""))
    for section, info in Scenario.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            out.update(_fields(ann, f"{section}."))
    out.update(_fields(Target, "target."))
    out.update(_fields(InterventionParams, "intervention."))
    for kind, (params, _) in CATALOGUE.items():
        out.update({n: i for n, i in _fields(params, f"{kind}.") if n.split(".", 1)[1] not in InterventionParams.model_fields})
    return out


PARAMS = all_parameters()


def test_the_parameters_are_found():
    assert len(PARAMS) > 150
    assert set(NOT_DATA) <= set(PARAMS)


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_every_label_is_a_known_kind(name):
    assert split_description(PARAMS[name])[1] in SOURCE_KINDS


@pytest.mark.parametrize("name", sorted(n for n in PARAMS if split_description(PARAMS[n])[1] == "data"))
def test_data_names_its_figure_and_source(name):
    meaning, _ = split_description(PARAMS[name])
    assert re.search(r"\d", meaning), f"{name}: a 'data' parameter names its figure"
    assert any(s in meaning for s in SOURCES), f"{name}: a 'data' parameter names its source ({', '.join(SOURCES)})"


@pytest.mark.parametrize("name", NOT_DATA)
def test_values_without_a_cited_figure_are_not_data(name):
    assert name in PARAMS, name
    assert split_description(PARAMS[name])[1] != "data"


SETTINGS = ("name", "description", "seed", "months", "interventions", "intervention.name", "intervention.start_month",
            "intervention.end_month")


@pytest.mark.parametrize("name", SETTINGS + tuple(n for n in PARAMS if n.startswith("target.")))
def test_run_controls_and_who_a_measure_is_for_are_settings(name):
    assert split_description(PARAMS[name])[1] == "setting"


@pytest.mark.parametrize("kind", sorted(CATALOGUE))
def test_an_interventions_default_target_is_a_setting(kind):
    params = CATALOGUE[kind][0]
    if "target" in params.model_fields:
        assert split_description(params.model_fields["target"])[1] == "setting"


def test_an_unknown_kind_is_refused():
    from model.schema import P

    with pytest.raises(ValueError, match="source kind 'guess'"):
        P(1.0, "guess", "a parameter")
