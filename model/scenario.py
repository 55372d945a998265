"""Scenario files: the typed, validated, frozen configuration of one Dugnad run.

A scenario is a TOML file. It may extend another (``extends = "baseline.toml"``, resolved relative to
the extending file); tables are merged key by key, the extending file winning. Every parameter has
its default here and only here, with a note of where the value comes from: ``data`` (an input file or
a published figure, FACTS.md), ``assumption`` (a stated modelling choice) or ``free`` (to be
calibrated, see issue 4). Unknown keys are rejected.

Errors are raised as :class:`ScenarioError`, one line per problem, naming the file, the line where it
can be found, the field path, the bad value and what is allowed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError, field_validator, model_validator

from model.errors import DugnadError
from model.interventions import CATALOGUE, AnyIntervention
from model.safe_io import NAME_RULE, InputError, check_name, format_loc, name_from_stem, read_toml, short
from model.schema import P, Rate, Scale, Section, Weight
from model.state import FOCI

INTERVENTION_TYPES = tuple(CATALOGUE)
MAX_EXTENDS = 32   # files in one ``extends`` chain (the shipped ones have 3)
MAX_NEIGHBOURHOODS = 10_000


class ScenarioError(DugnadError):
    """A scenario file could not be read or is invalid. ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class PopulationParams(Section):
    """Synthetic population (FACTS §6; origin_groups.csv)."""

    persons: int = P(5000, "assumption", "number of persons at start", ge=20, le=2_000_000)
    immigrant_share: float = P(0.15, "data", "share of persons born abroad to foreign-born parents (Norway 2021: about 15 %, FACTS §6)", ge=0.0, le=0.9)
    descendant_share: float = P(0.04, "data", "share Norwegian-born to immigrant parents (Norway 2021: about 4 %, FACTS §6)", ge=0.0, le=0.5)
    origin_mix: dict[str, Weight] | None = P(None, "data", "weights per origin group; default: share_of_immigrants in origin_groups.csv (indicative, rounded shares from the project's domain notes, e.g. Poland about 100,000 of some 800,000 immigrants, FACTS §6; to be checked against SSB)")
    origin_groups_file: str | None = P(None, "setting", "path to an origin-group CSV (relative to the scenario file); default: the shipped model/data/origin_groups.csv")
    municipalities: int = P(1, "assumption", "number of municipalities (without a geography; leave at 1 with one)", ge=1, le=500)
    neighbourhoods: int = P(12, "assumption", "neighbourhoods in all (spread over municipalities); with a geography each place gets its population share of them, at least one", ge=1, le=MAX_NEIGHBOURHOODS)
    geography: str | None = P(None, "setting", "several municipalities or city districts in one run: the name of a geography in the places file (shipped model/data/places.csv: oslo = Oslo's 15 districts, municipality_types = a large city, a mid-size town and a rural municipality); each place gets its population share of `persons`, its immigrant-background share and origin mix, and its persons per organisation; default: one or more identical municipalities (`municipalities`)")
    places_file: str | None = P(None, "setting", "path to a places CSV (relative to the scenario file) with the columns of model/data/places.csv; default: the shipped file. A file with one geography needs no `geography`")
    segregation: float = P(0.4, "assumption", "residential segregation: 0 = households placed at random, 1 = immigrant households only in their group's cluster of neighbourhoods", ge=0.0, le=1.0)
    workplace_size: float = P(25.0, "assumption", "mean persons per workplace", gt=1.0, le=10_000)
    workplace_segregation: float = P(0.3, "assumption", "chance an immigrant's workplace is drawn among immigrant-heavy workplaces (ethnic niches)", ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _shares(self) -> PopulationParams:
        if self.immigrant_share + self.descendant_share > 0.95 + 1e-9:  # 0.9 + 0.05 is 0.9500000000000001
            raise ValueError(f"immigrant_share + descendant_share must be ≤ 0.95 (got {self.immigrant_share + self.descendant_share:g})")
        return self


class DemographyParams(Section):
    """Births, deaths, the household life course and migration by origin group (docs/demography.md;
    rates in model/data/life_table.csv, fertility.csv and origin_groups.csv)."""

    leave_home_age: float = P(18.0, "assumption", "age from which young adults move out of their parents' household", ge=14, le=40)
    leave_home_rate: float = P(0.35, "assumption", "yearly hazard of moving out from that age (about half have left by 20, nine in ten by 25; Norwegians leave home early, SSB/Eurostat order of magnitude)", ge=0, le=10)
    partner_rate: float = P(0.065, "assumption", "yearly hazard that a single adult aged 20–64 looks for a partner; being found by others about doubles a single's chance (gives about 40% one-person households, as in SSB's household statistics)", ge=0, le=10)
    homogamy: float = P(0.85, "assumption", "chance that an immigrant or descendant looks for a partner within their origin group", ge=0, le=1)
    separation_rate: float = P(0.012, "assumption", "yearly hazard that a couple separates (SSB order of magnitude)", ge=0, le=1)
    reunification_share: float = P(0.35, "assumption", "share of refugees arriving alone who are joined by spouse and children 1–3 years later", ge=0, le=1)
    arrivals_scale: dict[str, Scale] = P({}, "assumption", "per origin group: yearly arrivals as a multiple of those that keep the group at its size (1 = steady; 2 = twice as many, so the group grows)")
    spin_up_years: int = P(60, "assumption", "years of life course run on the bare population before traits are drawn, so households, couples and residence are those the rules produce", ge=0, le=200)
    spin_up_persons: int = P(100_000, "assumption", "the largest population the spin-up settles: a larger one is built from copies of it (each copy's persons keyed apart, so their places, traits and lives are drawn independently), as synthetic populations replicate the households of a sample; the spin-up's cost grows with the population (700,000 persons settled in full take about 11 s of a 19 s build)", ge=1_000, le=2_000_000)


class EconomyParams(Section):
    """Household economy: earnings, equivalised income, low income, leisure budget (FACTS §4.2; Jacobsen et al. 2021)."""

    median_wage: float = P(560_000.0, "assumption", "median yearly earnings of a full-time employee, NOK (the order of SSB's earnings statistics; not a cited figure)", ge=1_000, le=10_000_000)
    wage_sd_log: float = P(0.35, "assumption", "spread of log earnings", ge=0, le=3)
    benefit: float = P(190_000.0, "assumption", "yearly income of an adult without work (benefits), NOK", ge=0, le=10_000_000)
    low_income_line: float = P(0.6, "data", "low-income line as a share of the median equivalised income (the EU-60 definition SSB uses: 60 % of the median)", gt=0, lt=1)
    low_income_years: int = P(3, "data", "persistent low income: mean over this many years below the line (SSB's persistent low income: the mean over 3 years)", ge=1, le=10)
    subsistence: float = P(200_000.0, "assumption", "equivalised yearly income needed before any leisure spending, NOK", ge=0, le=10_000_000)
    leisure_share: float = P(0.04, "free", "share of equivalised income above subsistence a household spends on organised leisure per person", ge=0, le=1)


class OrganisationParams(Section):
    """Organisation landscape (FACTS §1, §6: ~one organisation per 50–55 inhabitants, mostly small)."""

    persons_per_organisation: float = P(55.0, "data", "inhabitants per voluntary organisation (Norway: about one per 50–55, FACTS §6)", gt=5, le=100_000)
    kind_shares: dict[str, Weight] = P(
        {"sport": 0.3375, "culture": 0.405, "religious": 0.10, "humanitarian": 0.1575},
        "assumption", "relative weights of sport, culture, religious and humanitarian organisations, normalised to sum 1 (fractions or percentages alike; sports, leisure and culture dominate). Congregations get their share of all organisations; sport, culture and humanitarian organisations share what minority organisations and congregations leave, in proportion to their weights; volunteer centres (persons_per_volunteer_centre) come on top")
    minority_per_immigrants: float = P(250.0, "assumption", "immigrants of one origin group per minority organisation of that group (at least one for a group present)", gt=1, le=1_000_000)
    board_size: int = P(5, "assumption", "office holders of a formal organisation (informal: 2)", ge=1, le=30)
    openness: float = P(0.1, "free", "chance per asking event that a recruiter asks outside own ties (recruitment openness)", ge=0, le=1)
    linked_share_majority: float = P(0.6, "assumption", "share of formal majority organisations with a linking tie to the municipality at start", ge=0, le=1)
    linked_share_minority: float = P(0.15, "assumption", "same for minority organisations (weakly linked, FACTS §1, §4.5; the review gives no share)", ge=0, le=1)
    informal_share_minority: float = P(0.6, "assumption", "share of minority organisations that are informal (\"often informal\", FACTS §4.5; no share given)", ge=0, le=1)
    informal_share_majority: float = P(0.1, "assumption", "share of majority organisations that are informal", ge=0, le=1)
    size_scale: float = P(1.0, "assumption", "multiplier on every kind's mean_size (model/data/organisation_kinds.csv): the landscape's capacity for members. FACTS §6 gives the count (one organisation per 50–55 inhabitants) and that most have a few dozen members, not how many memberships they hold in all; calibrated (model/data/calibration.toml)", gt=0, le=100)
    size_dispersion: float = P(1.3, "assumption", "spread (log-sd) of an organisation's typical size around its kind's mean_size: lognormal, so most organisations are small (a few dozen) and a few large (FACTS §6)", ge=0, le=3)
    citywide_size: float = P(150.0, "assumption", "organisations whose typical size is at least this many recruit across their municipality — asking anyone there and seen by people from every neighbourhood, in proportion to its population — rather than in their neighbourhood (FACTS §7: people take part mostly near home; a few large clubs, congregations and humanitarian organisations draw from the whole city). With the default sizes about 5% of organisations", ge=1, le=1_000_000)
    youth_per_youth_club: float = P(0.0, "assumption", "youth 13–17 per youth club (fritidsklubb: an open, free leisure arena run by the municipality or voluntary groups) in a municipality, at least one where there are youth; 0: no youth clubs. Youth clubs are key youth arenas in the local studies and youth with parents from Africa use them more (FACTS §3, §7); the count is not in FACTS", ge=0, le=1_000_000)
    persons_per_volunteer_centre: float = P(11_000.0, "assumption", "inhabitants per volunteer centre in a municipality, at least one each (of the order of the roughly 480 centres for 5.4 million inhabitants; the count is not in FACTS and not checked here)", ge=100, le=10_000_000)
    minority_min_group: int = P(30, "assumption", "immigrants of an origin group (in the country at the start, in a municipality when founding) below which the group has no organisation of its own (see pool_small_groups)", ge=1, le=1_000_000)
    minority_min_share: float = P(0.5, "assumption", "with pool_small_groups: the share of one association's worth of immigrant-background persons (minority_per_immigrants) an origin group needs in a municipality for associations of its own (and at least minority_min_group); smaller groups belong with the pooled multicultural ones. A fixed count alone gave every group of 30 its own association, so a 5,000-person run had twice the associations per immigrant of a 20,000-person one (docs/demography.md, Size)", ge=0, le=100)
    pool_small_groups: bool = P(True, "assumption", "a group under the threshold of minority_min_group and minority_min_share in a municipality belongs with the associations of the origin file's pooled group \"Other\" there (in effect multicultural; FACTS §7), so minority associations follow the number of immigrants at any population size; false: such a group has none. The baseline is calibrated with it on (docs/demography.md, Size)")
    one_own_association: bool = P(True, "assumption", "a person joins at most one minority association of their own group (their origin group or, with pool_small_groups, the pooled one); with several per group in a large municipality, multiple memberships made the same capacity reach fewer people. The baseline is calibrated with it on (docs/demography.md, Size)")
    one_congregation: bool = P(True, "assumption", "a person belongs to at most one congregation (one parish, mosque or temple); with several per tradition in a large municipality, religiously active adults held more than one each, so immigrant-background volunteering rose with the run's size (2.7 points between 5,000 and 20,000 persons without this rule). The baseline is calibrated with it on (docs/demography.md, Size)")
    founding: bool = P(True, "assumption", "organisations fold and are founded during the run (model.mechanisms.organisations); false keeps the starting landscape")
    fold_min_members: int = P(2, "assumption", "an organisation is thin while it has fewer active persons than its board size plus this many", ge=0, le=1000)
    fold_months: int = P(12, "assumption", "consecutive thin months after which an organisation folds", ge=1, le=600)
    found_rate: float = P(0.05, "assumption", "monthly chance of founding per missing organisation, where a municipality has fewer sport, culture or humanitarian organisations per inhabitant than the starting landscape, or an origin group fewer of its own than one per minority_per_immigrants", ge=0, le=1)


class RecruitmentParams(Section):
    """Recruitment by asking (Wollebæk, Sætrang & Fladmoe 2015; von Essen et al. 2015; Kassman 2020)."""

    ask_rate: float = P(0.2, "free", "chance per month a member asks someone", ge=0, le=1)
    volunteer_ask_multiplier: float = P(2.5, "assumption", "volunteers and office holders ask this many times more than plain members", ge=0, le=20)
    homophily: float = P(0.5, "free", "relative chance a recruiter goes on to ask a tie of another origin group than a same-origin tie", ge=0, le=1)
    low_status_asked: float = P(0.6, "free", "relative chance a low-status person (low income, low education or no job) is asked", ge=0, le=1)
    accept_base: float = P(0.9, "free", "chance to say yes when asked with no barrier", ge=0, le=1)
    minority_declines_majority: float = P(0.35, "assumption", "extra chance a minority person declines when asked by a majority person (the direction from von Essen et al. 2015, Sweden; the size is not theirs)", ge=0, le=1)
    self_join_rate: float = P(0.04, "free", "chance per month an informed, not-asked person seeks an organisation on their own", ge=0, le=1)
    place_ask: float = P(0.3, "assumption", "share of the asks a member makes through ties that go instead to someone at their workplace or study place, when they have one (colleagues ask colleagues, students ask students; FACTS §2; the share is not measured)", ge=0, le=1)
    spillover: float = P(0.5, "assumption", "people active in an organisation or religiously active are more likely to be asked elsewhere: weight 1 + spillover per arena, relative to 1 + spillover (FACTS §2, §4.11)", ge=0, le=20)


class MembershipParams(Section):
    """Joining and leaving with barriers (Ødegård et al. 2014; Andersen et al. 2013; Enjolras & Wollebæk 2010)."""

    w_language: float = P(4.0, "assumption", "weight of the language gap (the key barrier, FACTS §4.4; large so that it is, the value is not measured)", ge=0, le=20)
    w_time: float = P(1.0, "assumption", "weight of busy hours (paid work and care) × commitment demand", ge=0, le=20)
    care_hours: float = P(15.0, "assumption", "weekly hours the carer of a child under 6 is bound at home, added to paid work in the time barrier and the hours a volunteer can give (FACTS §4.2: lack of time; issue 13: time and care for small children; the carer is the mother, an assumption)", ge=0, le=80)
    w_literacy: float = P(1.5, "assumption", "weight of the dugnad-literacy gap", ge=0, le=20)
    w_health: float = P(1.5, "assumption", "weight of poor health", ge=0, le=20)
    w_fee: float = P(2.0, "assumption", "weight of the fee as a share of the leisure budget (a fee above the budget blocks)", ge=0, le=20)
    w_fit: float = P(2.0, "assumption", "weight of misfit with the organisation's kind (non-religious to a congregation, outsider to a minority group)", ge=0, le=20)
    leave_base: float = P(0.005, "free", "monthly chance of leaving with no barrier", ge=0, le=1)
    newcomer_years: float = P(3.0, "assumption", "residence years below which leaving is more likely (short residence, FACTS §4.2; no threshold given)", ge=0, le=80)
    newcomer_leave_multiplier: float = P(1.8, "assumption", "leaving multiplier for newcomers", ge=1, le=20)
    max_memberships: int = P(4, "assumption", "organisations one person can be in at a time", ge=1, le=12)
    busy_decline: float = P(0.0, "free", "share by which each organisation a person already takes part in lowers their chance of saying yes to one more (time and commitment go to the ones they have: FACTS §4.2 lack of time, §4.3 commitment over time; the share is not measured)", ge=0, lt=1)


class LadderParams(Section):
    """The participation ladder and self-recruiting offices (FACTS §1, §4.1, §4.3)."""

    member_rate: float = P(0.08, "assumption", "monthly chance a participant in a formal organisation becomes a member", ge=0, le=1)
    volunteer_rate: float = P(0.035, "free", "monthly chance a member is asked to do unpaid work and takes it on (no barrier)", ge=0, le=1)
    volunteer_quit: float = P(0.03, "free", "monthly chance a volunteer steps back to member", ge=0, le=1)
    office_term_months: float = P(30.0, "assumption", "mean months an office holder stays in office", gt=1, le=1200)
    office_min_months: int = P(12, "assumption", "months in the organisation before a person can be elected to an office", ge=0, le=240)
    self_recruitment: float = P(0.85, "assumption", "chance a vacant office goes to a tie of a sitting office holder when one exists (offices filled through networks, FACTS §4.1, §4.3; no share given)", ge=0, le=1)
    informal_help_rate: float = P(0.03, "free", "monthly chance of helping a non-kin tie, per unit of network and activity", ge=0, le=1)
    hours_per_participant: float = P(1.0, "assumption", "hours of volunteer work a month an organisation's activity needs for each person taking part in it, shared among its volunteers and office holders (mechanisms/hours.py)", ge=0, le=100)
    motivation_spread: float = P(0.8, "assumption", "spread (sd of the log) of each person's motivation for organisation work, drawn once from a lognormal of mean 1, the same for everyone; it multiplies saying yes, taking on unpaid work and one's part of an organisation's work (FACTS §2: immigrant volunteers report higher motivation and give more hours; mechanisms/hours.py). 0: everyone alike", ge=0, le=3)
    max_volunteer_hours: float = P(30.0, "assumption", "most hours a month a volunteer without paid work gives; paid work halves it at normal hours (mechanisms/hours.py)", ge=0, le=400)


class TieParams(Section):
    """Tie formation in foci (Feld 1981 focus theory; FACTS §1 bonding/bridging; Woolcock 1998 linking)."""

    meet_rate: dict[str, Rate] = P(
        {"organisation": 0.30, "neighbourhood": 0.04, "workplace": 0.20, "school": 0.25, "study": 0.20, "school_parents": 0.04, "community": 0.15},
        "free", "chance per month and focus that a person meets a random other person there; study = students 19–24 of a municipality in the same three-year band (mechanisms/places.py); community = own origin group in the municipality (immigrant background only: kin, diaspora and congregation networks)")
    form_prob: float = P(0.35, "free", "chance a meeting between strangers becomes a tie (same origin group)", ge=0, le=1)
    homophily: float = P(0.45, "free", "relative chance a meeting across origin groups becomes a tie", ge=0, le=1)
    language_contact: float = P(0.6, "assumption", "how much a shared-language gap lowers cross-group tie formation", ge=0, le=1)
    triadic_rate: float = P(0.02, "free", "monthly chance a person introduces two of their ties to each other", ge=0, le=1)
    decay: float = P(0.05, "free", "monthly loss of tie strength when the tie is not refreshed", ge=0, le=1)
    refresh: float = P(0.5, "assumption", "strength a meeting adds to an existing tie (max 1)", ge=0, le=1)
    drop_below: float = P(0.15, "assumption", "a tie whose strength falls below this is gone", ge=0, lt=1)
    initial_ties: float = P(4.0, "assumption", "mean neighbourhood/work ties per adult at start, before burn-in", ge=0, le=50)
    link_rate: float = P(0.01, "free", "monthly chance an unlinked formal organisation gets a linking tie to its municipality (minority: × minority_link_factor)", ge=0, le=1)
    minority_link_factor: float = P(0.3, "assumption", "minority organisations are weakly linked (FACTS §4.5, §4.8; the factor is not measured)", ge=0, le=20)
    link_decay: float = P(0.005, "assumption", "monthly chance a linking tie lapses", ge=0, le=1)


class LanguageParams(Section):
    """Norwegian skill growth (FACTS §4.4)."""

    base_gain: float = P(0.0015, "assumption", "monthly share of the gap to full skill closed by residence alone", ge=0, le=1)
    training_gain: float = P(0.02, "assumption", "extra monthly share closed while in free training (right to training)", ge=0, le=1)
    training_years: float = P(3.0, "assumption", "years of the introduction programme during which training runs (the programme normally lasts two years and can be extended; not in FACTS)", ge=0, le=20)
    practice_gain: float = P(0.005, "assumption", "extra monthly share × (share of ties to other groups + active in a majority organisation)", ge=0, le=1)
    work_gain: float = P(0.002, "assumption", "extra monthly share when employed", ge=0, le=1)
    age_slowdown: float = P(0.012, "assumption", "relative slowdown per year of age above 25", ge=0, le=0.05)


class TrustParams(Section):
    """Generalised trust (Eimhjellen, Bentsen & Wollebæk 2020; Ivarsflaten & Strømsnes 2011)."""

    participation_gain: float = P(0.004, "assumption", "monthly gain toward 1 when active in an organisation", ge=0, le=1)
    bridging_gain: float = P(0.006, "assumption", "monthly gain toward 1 per unit share of bridging ties", ge=0, le=1)
    reversion: float = P(0.01, "assumption", "monthly pull back toward the person's baseline trust", ge=0, le=1)
    exclusion_loss: float = P(0.03, "assumption", "share of generalised trust lost in a month the person was turned down by an organisation they sought to join (experienced discrimination lowers trust, FACTS §4.9; the size is not measured)", ge=0, le=1)
    inequality_weight: float = P(0.3, "assumption", "how far each point of the neighbourhood's share of persistently low-income persons above the whole population's lowers the baseline trust toward which trust reverts (diversity lowers local trust mainly through economic inequality, Ivarsflaten & Strømsnes 2011, FACTS §4.9; the size is not measured)", ge=0, le=5)
    institutional_baseline: float = P(0.7, "assumption", "institutional trust (in the municipality and public bodies) toward which everyone's reverts, the same for immigrants and the majority (institutional trust among immigrants is as high as the population's, FACTS §4.9; the level is not taken from a survey)", ge=0, le=1)
    linking_gain: float = P(0.01, "assumption", "monthly gain of institutional trust toward 1 when active in an organisation with a linking tie to the municipality (linking social capital, Woolcock 1998, FACTS §1)", ge=0, le=1)


class EmploymentParams(Section):
    """Simple employment dynamics (FACTS §1 economic function; Viblemo et al. 2018)."""

    find_base: float = P(0.045, "free", "monthly chance an adult without work finds a job (average profile)", ge=0, le=1)
    w_norwegian: float = P(1.5, "assumption", "log-rate gain per unit of Norwegian (job finding = find_base · exp(...), capped at 0.5)", ge=0, le=20)
    w_bridging: float = P(0.3, "assumption", "log-rate gain per log(1 + bridging ties)", ge=0, le=20)
    w_education: float = P(0.4, "assumption", "log-rate gain per education level", ge=0, le=20)
    carer_job_factor: float = P(0.6, "assumption", "relative chance the carer of a child under 6 finds a job in a month (issue 13: time and care for small children; the size is not measured)", ge=0, le=1)
    loss_rate: float = P(0.008, "assumption", "monthly chance of losing a job", ge=0, le=1)
    labour_migrant_hours: float = P(45.0, "assumption", "weekly work hours of labour migrants (heavy schedules, FACTS §4.2, §4.10; no hours given)", ge=0, le=80)
    normal_hours: float = P(37.5, "data", "standard weekly work hours in Norway (37.5 in most collective agreements; the Working Environment Act allows 40). Earnings are per hour of this week, so at least 1", ge=1, le=80)
    retirement_age: int = P(67, "data", "age leaving the labour force (67, the usual retirement age of Norway's old-age pension; withdrawal is flexible from 62)", ge=50, le=80)


class YouthParams(Section):
    """Children's and youth participation (Ødegård & Fladmoe 2017; Jacobsen et al. 2021)."""

    enrol_rate: float = P(0.05, "free", "monthly chance parents try to enrol a child 6–17 not yet in an activity", ge=0, le=1)
    w_parent_active: float = P(1.0, "assumption", "log-odds gain when a parent is active (primary socialisation, the second big barrier, FACTS §3; the size is not measured)", ge=0, le=20)
    w_parent_literacy: float = P(1.0, "assumption", "log-odds gain per unit of parents' dugnad literacy", ge=0, le=20)
    religious_arena: float = P(0.3, "assumption", "chance that religiously active parents look first for their own congregation's children's and youth activity (FACTS §3: youth with parents from Africa take part more in religious groups; the size is not measured)", ge=0, le=1)
    misfit_religious_girls: float = P(1.0, "assumption", "misfit of sport for girls under 18 of religiously active households, half of it for culture and humanitarian activities and youth clubs, added to the fit barrier (FACTS §3: gender gaps are larger among minority youth, largest in sport; the channel, religious norms about mixed activities and dress, and its size are assumptions)", ge=0, le=20)
    drop_in_rate: float = P(0.05, "assumption", "monthly chance a youth 13–17 looks in at a youth club near home on their own — youth clubs are open, free and need no parents' go-ahead (FACTS §3, §7); only where there are youth clubs (organisations.youth_per_youth_club); the rate is not measured", ge=0, le=1)
    start_age: int = P(6, "data", "first age of organised children's activities (the leisure card is for children 6–17, FACTS §5)", ge=0, le=17)


class PreferenceParams(Section):
    """Liking for kinds of activity by age and sex (model/mechanisms/preferences.py; issue 13)."""

    boys: dict[str, Rate] = P({"sport": 0.9, "culture": 0.7, "religious": 0.6, "humanitarian": 0.5}, "assumption",
                              "boys under 18: relative liking for each kind — which of two activities on offer a child enrolled by the parents picks, and a factor on saying yes when asked or seeking (sport dominates youth participation, FACTS §3, §7; the weights are not measured; the same as girls': Ung i Oslo finds majority boys and girls alike in taking part and in hobby organisations, FACTS §3)")
    girls: dict[str, Rate] = P({"sport": 0.9, "culture": 0.7, "religious": 0.6, "humanitarian": 0.5}, "assumption",
                               "girls under 18: relative liking for each kind, used as the boys' (not measured; the same as boys', see there)")
    men: dict[str, Rate] = P({"sport": 0.9, "culture": 0.8, "religious": 0.7, "humanitarian": 0.7}, "assumption",
                             "men: relative chance of taking up an activity of each kind (not measured; mean equal to women's)")
    women: dict[str, Rate] = P({"sport": 0.6, "culture": 0.8, "religious": 0.8, "humanitarian": 0.9}, "assumption",
                               "women: relative chance of taking up an activity of each kind (not measured; mean equal to men's)")


class MunicipalityParams(Section):
    """Municipalities (FACTS §4.8: municipalities with a voluntary-sector policy cooperate more)."""

    voluntary_policy_share: float = P(0.0, "assumption", "share of municipalities with a voluntary-sector policy, drawn at random (a fractional municipality by chance); doubles the rate of new linking ties (Bråten et al. 2017)", ge=0, le=1)


class Scenario(Section):
    """One Dugnad run: population, organisations and every mechanism's parameters."""

    name: str = P("unnamed", "setting", f"short name of the scenario, used in output folder names ({NAME_RULE}); default: the file name")
    description: str = P("", "setting", "what question the scenario asks")
    seed: int = P(1, "setting", "seed of the model's single random generator", ge=0, le=2**63 - 1)
    months: int = P(120, "setting", "months simulated and recorded after burn-in", ge=0, le=1200)
    burn_in_months: int = P(480, "assumption", "months run before month 0 so that households, memberships and ties reach the steady state the baseline keeps (participation and ties rise steeply for 15–20 years from the empty start and creep until about year 40: after 360 months bridging ties still rose 5 % over the next 30 years, so 480 months start past the creep, docs/demography.md; benchmarks/stationarity.py; the manifest reports a convergence diagnostic)", ge=0, le=600)
    population: PopulationParams = PopulationParams()
    demography: DemographyParams = DemographyParams()
    economy: EconomyParams = EconomyParams()
    organisations: OrganisationParams = OrganisationParams()
    recruitment: RecruitmentParams = RecruitmentParams()
    membership: MembershipParams = MembershipParams()
    ladder: LadderParams = LadderParams()
    ties: TieParams = TieParams()
    language: LanguageParams = LanguageParams()
    trust: TrustParams = TrustParams()
    employment: EmploymentParams = EmploymentParams()
    youth: YouthParams = YouthParams()
    preferences: PreferenceParams = PreferenceParams()
    municipalities: MunicipalityParams = MunicipalityParams()
    interventions: list[AnyIntervention] = P([], "setting", "the policy measures of this scenario, as [[interventions]] tables (see the catalogue below)")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        return check_name(v)




# the organisation kinds that have shares in the landscape and a liking by age and sex
CHOICE_KINDS = ("sport", "culture", "religious", "humanitarian")


def _validate_maps(s: Scenario) -> list[tuple[tuple, str, Any]]:
    """Checks of dict-valued fields that pydantic's types cannot express; returns (loc, msg, value)."""
    out = []
    ks = s.organisations.kind_shares
    for k, v in ks.items():
        if k not in CHOICE_KINDS:
            out.append((("organisations", "kind_shares", k), "unknown or not share-set organisation kind; allowed: sport, culture, religious, humanitarian", v))
        elif v < 0:
            out.append((("organisations", "kind_shares", k), "must be ≥ 0", v))
    if 0 < s.organisations.youth_per_youth_club < 50:
        out.append((("organisations", "youth_per_youth_club"), "0 (no youth clubs) or at least 50 youth per club", s.organisations.youth_per_youth_club))
    if ks and sum(max(0.0, v) for v in ks.values()) <= 0:
        out.append((("organisations", "kind_shares"), "shares must not all be zero", ks))
    for group in PreferenceParams.model_fields:
        for k, v in getattr(s.preferences, group).items():
            if k not in CHOICE_KINDS:
                out.append((("preferences", group, k), "unknown kind with a preference; allowed: sport, culture, religious, humanitarian", v))
            elif not 0 <= v <= 1:
                out.append((("preferences", group, k), "must be between 0 and 1", v))
    for k, v in s.ties.meet_rate.items():
        if k not in FOCI:
            out.append((("ties", "meet_rate", k), f"unknown focus; allowed: {', '.join(FOCI)}", v))
        elif not 0 <= v <= 1:
            out.append((("ties", "meet_rate", k), "must be between 0 and 1", v))
    if s.population.origin_mix is not None:
        for k, v in s.population.origin_mix.items():
            if v < 0:
                out.append((("population", "origin_mix", k), "must be ≥ 0", v))
        if sum(max(0.0, v) for v in s.population.origin_mix.values()) <= 0:
            out.append((("population", "origin_mix"), "weights must not all be zero", s.population.origin_mix))
    return out


def _validate_references(s: Scenario) -> list[tuple[tuple, str, Any]]:
    """Checks that need the whole scenario: intervention names unique, origin groups and regions
    known to the origin-group file, neighbourhood and municipality numbers inside the population."""
    from model.data_files import load_origin_groups

    out = []
    try:
        origins = load_origin_groups(s.population.origin_groups_file)
    except DugnadError as e:
        f = s.population.origin_groups_file
        why = str(e).removeprefix(f"{f}: ")  # the file is shown as the value
        return [(("population", "origin_groups_file"), f"cannot use the origin-group file: {why}", f)]
    groups = list(origins["group"][1:])
    regions = sorted(set(origins["region"][1:]))
    n_mun = s.population.municipalities
    n_nb = max(s.population.neighbourhoods, n_mun)
    geo_problems, layout = _validate_geography(s, list(origins["group"]))
    out += geo_problems
    places: list[str] | None = None
    if layout is not None:
        n_mun, n_nb, places = layout
    if s.population.origin_mix is not None:
        for k in s.population.origin_mix:
            if k not in groups:
                out.append((("population", "origin_mix", k), f"unknown origin group; allowed: {', '.join(groups)}", k))
    for k in s.demography.arrivals_scale:
        if k not in groups:
            out.append((("demography", "arrivals_scale", k), f"unknown origin group; allowed: {', '.join(groups)}", k))
    try:
        from model.demography.rates import load_fertility
        load_fertility(origins)
    except DugnadError as e:
        out.append((("population", "origin_groups_file"), f"the fertility table does not fit this origin-group file: {e}", s.population.origin_groups_file))
    seen: dict[str, int] = {}
    for i, iv in enumerate(s.interventions):
        loc = ("interventions", i)
        if iv.label in seen:
            out.append(((*loc, "name"), f"duplicate intervention name (also interventions[{seen[iv.label]}]); give each a unique `name`", iv.label))
        seen.setdefault(iv.label, i)
        target = getattr(iv, "target", None)
        if target is not None:
            for g in target.origins or []:
                if g not in groups:
                    out.append(((*loc, "target", "origins"), f"unknown origin group; allowed: {', '.join(groups)}", g))
            for r in target.regions or []:
                if r not in regions:
                    out.append(((*loc, "target", "regions"), f"unknown region; allowed: {', '.join(regions)}", r))
            for x in target.neighbourhoods or []:
                if x >= n_nb:
                    out.append(((*loc, "target", "neighbourhoods"), f"no such neighbourhood; allowed: 0–{n_nb - 1}", x))
            for x in target.municipalities or []:
                if x >= n_mun:
                    out.append(((*loc, "target", "municipalities"), f"no such municipality; allowed: 0–{n_mun - 1}", x))
            for x in target.places or []:
                if places is None:
                    out.append(((*loc, "target", "places"), "places are named only in a scenario with a geography (population.geography); use municipalities (numbers) otherwise", x))
                elif x not in places:
                    out.append(((*loc, "target", "places"), f"unknown place; allowed: {', '.join(places)}", x))
        for field in ("neighbourhoods", "drop_in_neighbourhoods"):
            for x in getattr(iv, field, None) or []:
                if x >= n_nb:
                    out.append(((*loc, field), f"no such neighbourhood; allowed: 0–{n_nb - 1}", x))
        if iv.type == "arrivals":
            for g in iv.origins:
                if g not in groups:
                    out.append(((*loc, "origins", g), f"unknown origin group; allowed: {', '.join(groups)}", g))
    return out


def _validate_geography(s: Scenario, groups: list[str]) -> tuple[list[tuple[tuple, str, Any]], tuple[int, int, list[str]] | None]:
    """Problems with the scenario's geography, and (places, neighbourhoods, place names) when it
    has a usable one."""
    from model.data_files import DataFileError
    from model.geography import BACKGROUND_TOLERANCE, load_geography

    pop = s.population
    if pop.geography is None and pop.places_file is None:
        return [], None
    try:
        geo = load_geography(pop, groups)
    except DataFileError as e:
        f = pop.places_file or "model/data/places.csv"
        return [(("population", "places_file"), f"cannot use the places file: {e}", f)], None
    except DugnadError as e:
        return [(("population", "geography"), str(e), pop.geography)], None
    out = []
    if pop.municipalities != 1:
        out.append((("population", "municipalities"), f"a geography sets the municipalities (its {len(geo.places)} places); leave municipalities at 1", pop.municipalities))
    total = pop.immigrant_share + pop.descendant_share
    if abs(total - geo.mean_background_share) > BACKGROUND_TOLERANCE + 1e-9:
        out.append((("population", "immigrant_share"),
                    f"immigrant_share + descendant_share = {total:.3f}, but geography {geo.name!r} has "
                    f"{geo.mean_background_share:.3f} of immigrant background on average; set them to add up to "
                    f"within {BACKGROUND_TOLERANCE} of it", pop.immigrant_share))
    return out, (len(geo.places), int(geo.neighbourhoods(pop.neighbourhoods).sum()), list(geo.places))


# --------------------------------------------------------------------------------------- loading

def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict) and k not in ("origin_mix",):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _read_toml(path: Path) -> tuple[dict, str]:
    try:
        return read_toml(path)
    except InputError as e:
        raise ScenarioError([str(e)]) from None


def _resolve(path: Path, seen: tuple[Path, ...]) -> tuple[dict, list[tuple[Path, str, dict]]]:
    """Read ``path`` and the chain of files it extends; return merged data and the chain of
    (file, text, data) from the extending file down to the root — for error messages."""
    data, text = _read_toml(path)
    parent = data.pop("extends", None)
    files = [(path, text, data)]
    if parent is None:
        return data, files
    where = f"{path}: {_line(text, ('extends',))}extends"
    if len(seen) + 1 >= MAX_EXTENDS:
        raise ScenarioError([f"{where}: chain of extended files too long (at most {MAX_EXTENDS} files)"])
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError([f"{where}: must be a file name (got {short(parent)})"])
    base_path = path.parent / parent
    try:
        circular = base_path.resolve() in [p.resolve() for p in (*seen, path)]
        is_file, exists = base_path.is_file(), base_path.exists()
    except (OSError, ValueError):  # a NUL byte, a name too long for the file system ...
        raise ScenarioError([f"{where}: not a usable file name (got {short(parent)})"]) from None
    if circular:
        chain = " -> ".join(str(p) for p in (*seen, path, base_path))
        raise ScenarioError([f"{where}: circular inheritance ({chain})"])
    if not is_file:
        raise ScenarioError([f"{where}: {'is not a file' if exists else 'file not found'}: {base_path} (got {short(parent)})"])
    base, base_files = _resolve(base_path, (*seen, path))
    return _merge(base, data), files + base_files


def _owner(files: list[tuple[Path, str, dict]], loc: tuple) -> tuple[Path, str] | None:
    """The file (and its text) of an ``extends`` chain (extending file first) whose value is used at
    ``loc``: tables are merged key by key, anything else (values, lists) is replaced by the
    extending file."""
    def get(d: Any, path: tuple) -> tuple[bool, Any]:
        for k in path:
            if (isinstance(d, dict) and k in d) or (isinstance(d, list) and isinstance(k, int) and 0 <= k < len(d)):
                d = d[k]
            else:
                return False, None
        return True, d

    if not files:
        return None
    cands = files
    for depth in range(len(loc)):
        key = loc[: depth + 1]
        setting = [f for f in cands if get(f[2], key)[0]]
        if not setting:
            break
        cands = setting
        if not isinstance(get(setting[0][2], key)[1], dict) or loc[depth] == "origin_mix":
            cands = setting[:1]
            break
    return cands[0][0], cands[0][1]


def _toml_paths(text: str) -> list[tuple[tuple, int]]:
    """(path, line number) of every table header and key in a TOML text; paths carry the index of
    array-of-tables entries, e.g. ``("interventions", 2, "target", "age_min")``."""
    out: list[tuple[tuple, int]] = []
    current: tuple = ()
    arrays: dict[tuple, int] = {}

    def resolve(names: list[str]) -> tuple:
        path: tuple = ()
        for name in names:
            path = (*path, name)
            if path in arrays:
                path = (*path, arrays[path])
        return path

    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        m = re.match(r"^\[\[\s*([^\]]+?)\s*\]\]$", line)
        if m:
            names = [s.strip().strip('"') for s in m.group(1).split(".")]
            parent = resolve(names[:-1])
            key = (*parent, names[-1])
            arrays[key] = arrays.get(key, -1) + 1
            current = (*key, arrays[key])
            out.append((current, n))
            continue
        m = re.match(r"^\[\s*([^\]]+?)\s*\]$", line)
        if m:
            current = resolve([s.strip().strip('"') for s in m.group(1).split(".")])
            out.append((current, n))
            continue
        m = re.match(r'^("?[A-Za-z0-9_\-]+"?(?:\s*\.\s*"?[A-Za-z0-9_\-]+"?)*)\s*=', line)
        if m:
            keys = tuple(s.strip().strip('"') for s in m.group(1).split("."))
            out.append(((*current, *keys), n))
    return out


def _line(text: str, loc: tuple) -> str:
    """'line N: ' where the field at ``loc`` (or its nearest enclosing key or table) is written in
    the TOML text, or '' if not found."""
    if not text or not loc:
        return ""
    loc = tuple(loc)
    best, best_len = 0, 0
    for path, n in _toml_paths(text):
        k = len(path)
        if k > best_len and loc[:k] == path:
            best, best_len = n, k
    return f"line {best}: " if best else ""


def _strip_tags(loc: tuple) -> tuple:
    """Drop the discriminator tag pydantic puts after a list index (``interventions.2.grants.x``)."""
    out = []
    for i, k in enumerate(loc):
        if i > 0 and isinstance(loc[i - 1], int) and k in INTERVENTION_TYPES and loc[0] == "interventions":
            continue
        out.append(k)
    return tuple(out)




def scenario_from_dict(data: dict, origin: list[tuple[Path, str, dict]] | None = None, name: str = "<scenario>") -> Scenario:
    """Validate a plain dict into a :class:`Scenario`, raising :class:`ScenarioError`. ``origin``:
    the ``extends`` chain as returned by ``_resolve``, to name the file and line of each problem."""
    origin = origin or []

    def where(loc: tuple) -> str:
        f, text = _owner(origin, loc) or (None, "")
        return f"{f or name}: {_line(text, loc)}"

    def problem(loc: tuple, msg: str, value: Any) -> str:
        got = "" if "(got " in msg else f" (got {short(value)})"  # validators that quote the value themselves
        return f"{where(loc)}{format_loc(loc)}: {msg}{got}"

    try:
        s = Scenario.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = _strip_tags(tuple(err["loc"]))
            msg = err["msg"]
            value = err.get("input")
            if err["type"] == "extra_forbidden":
                msg = "unknown field (check the spelling; see docs/scenarios.md for the allowed fields)"
            elif err["type"] in ("union_tag_invalid", "union_tag_not_found"):
                loc = (*loc, "type")
                if err["type"] == "union_tag_invalid" and isinstance(value, dict):
                    value = value.get("type")  # (a table without a type is shown whole)
                msg = ("unknown intervention type" if err["type"] == "union_tag_invalid" else "missing intervention type") \
                    + f"; allowed: {', '.join(INTERVENTION_TYPES)}"
            elif msg.startswith("Value error, "):
                msg = msg[len("Value error, "):]
                # a table-level check about one of its fields ("end_month must be > ..."): point at that field
                m = re.match(r"(\w+) must be", msg)
                if m and isinstance(value, dict) and m.group(1) in value:
                    loc, value = (*loc, m.group(1)), value[m.group(1)]
            problems.append(problem(loc, msg, value))
        raise ScenarioError(problems) from None
    extra = _validate_maps(s) + _validate_references(s)
    if extra:
        raise ScenarioError([problem(loc, msg, v) for loc, msg, v in extra])
    return s


def load_scenario(path: str | Path, overrides: dict | None = None) -> Scenario:
    """Load, resolve ``extends`` and validate a scenario file. ``overrides`` (nested dict) wins."""
    path = Path(path)
    data, origin = _resolve(path, ())
    pop = data.get("population")
    for key in ("origin_groups_file", "places_file"):  # paths relative to the file that sets them
        pop = data.get("population")
        if isinstance(pop, dict) and isinstance(pop.get(key), str):
            f = pop[key]
            src = (_owner(origin, ("population", key)) or (path, ""))[0]
            if not Path(f).is_absolute():
                data["population"] = {**pop, key: str(Path(src).parent / f)}
    if overrides:
        overrides = _keep_density(data, overrides)
        data = _merge(data, overrides)
    if "name" not in data:
        data["name"] = name_from_stem(path.stem)
    return scenario_from_dict(data, origin, str(path))


def _keep_density(data: dict, overrides: dict) -> dict:
    """An override of ``population.persons`` alone keeps the scenario's persons per neighbourhood:
    neighbourhoods scale with the population. Participation depends on how many people and
    organisations share a neighbourhood, so a smaller copy of a scenario must keep its density to
    keep its patterns (measured: at 1,500 persons in the baseline's 12 neighbourhoods the
    immigrant–majority participation gap vanishes; with 4 it is as in the baseline)."""
    over_pop = overrides.get("population")
    if not isinstance(over_pop, dict) or "persons" not in over_pop or "neighbourhoods" in over_pop:
        return overrides
    pop = data.get("population") if isinstance(data.get("population"), dict) else {}
    defaults = PopulationParams()
    base_persons = pop.get("persons", defaults.persons)
    base_nb = pop.get("neighbourhoods", defaults.neighbourhoods)
    persons = over_pop["persons"]
    if not all(isinstance(x, int) and not isinstance(x, bool) and x > 0 for x in (base_persons, base_nb, persons)):
        return overrides  # let validation report the bad value
    municipalities = pop.get("municipalities", defaults.municipalities)
    municipalities = over_pop.get("municipalities", municipalities)
    named = _named_neighbourhoods(overrides.get("interventions", data.get("interventions")))
    nb = max(int(municipalities) if isinstance(municipalities, int) else 1, named,
             round(base_nb * persons / base_persons))
    if nb > MAX_NEIGHBOURHOODS:
        raise ScenarioError([f"population.persons = {persons} (override): keeping the scenario's "
                             f"{base_persons / base_nb:.0f} persons per neighbourhood needs {nb} neighbourhoods, "
                             f"more than the {MAX_NEIGHBOURHOODS} allowed; give fewer persons"])
    return {**overrides, "population": {**over_pop, "neighbourhoods": nb}}


def _named_neighbourhoods(interventions: Any) -> int:
    """One more than the highest neighbourhood number the interventions name (0 if none): a smaller
    copy of a scenario keeps the neighbourhoods its measures are placed in."""
    out = 0
    for iv in interventions if isinstance(interventions, list) else []:
        if not isinstance(iv, dict):
            continue
        target = iv.get("target") if isinstance(iv.get("target"), dict) else {}
        for numbers in (iv.get("neighbourhoods"), iv.get("drop_in_neighbourhoods"), target.get("neighbourhoods")):
            for x in numbers if isinstance(numbers, list) else []:
                if isinstance(x, int) and not isinstance(x, bool) and 0 <= x < MAX_NEIGHBOURHOODS:
                    out = max(out, x + 1)
    return out
