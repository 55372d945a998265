"""The catalogue of interventions: every policy lever from the research (FACTS §5), one module each.

Each module has a ``Params`` schema (validated with the scenario; ``docs/scenarios.md`` lists every
field) and an :class:`~model.interventions.base.Intervention` subclass whose ``apply(model)`` moves
mechanism levers while the measure is active. A scenario lists interventions as
``[[interventions]]`` tables with ``type = "<name>"``.
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field

from model.interventions import (
    area_initiative,
    arrivals,
    grants,
    information_campaign,
    intro_programme_cooperation,
    language_cafe,
    language_course,
    leisure_card,
    meeting_places,
    mentor_programme,
    open_recruitment,
)
from model.interventions.base import Intervention

CATALOGUE = {
    "language_course": (language_course.Params, language_course.LanguageCourse),
    "language_cafe": (language_cafe.Params, language_cafe.LanguageCafe),
    "leisure_card": (leisure_card.Params, leisure_card.LeisureCard),
    "open_recruitment": (open_recruitment.Params, open_recruitment.OpenRecruitment),
    "mentor_programme": (mentor_programme.Params, mentor_programme.MentorProgramme),
    "meeting_places": (meeting_places.Params, meeting_places.MeetingPlaces),
    "grants": (grants.Params, grants.Grants),
    "intro_programme_cooperation": (intro_programme_cooperation.Params, intro_programme_cooperation.IntroProgrammeCooperation),
    "arrivals": (arrivals.Params, arrivals.Arrivals),
    "information_campaign": (information_campaign.Params, information_campaign.InformationCampaign),
    "area_initiative": (area_initiative.Params, area_initiative.AreaInitiative),
}
MODULES = {name: mod for name, mod in (
    ("language_course", language_course), ("language_cafe", language_cafe), ("leisure_card", leisure_card),
    ("open_recruitment", open_recruitment), ("mentor_programme", mentor_programme),
    ("meeting_places", meeting_places), ("grants", grants),
    ("intro_programme_cooperation", intro_programme_cooperation), ("arrivals", arrivals),
    ("information_campaign", information_campaign), ("area_initiative", area_initiative))}

AnyIntervention = Annotated[Union[tuple(p for p, _ in CATALOGUE.values())], Field(discriminator="type")]  # noqa: UP007


def build_interventions(model, params_list) -> list[Intervention]:
    """The runtime objects for a scenario's ``interventions`` list, in the order given (which is
    the order they act in each month)."""
    return [CATALOGUE[p.type][1](model, p) for p in params_list]
