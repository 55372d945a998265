"""Every scenario file shipped in ``scenarios/``: it loads, its header says what it asks, what
research it draws on and what direction the research expects, and a short small run completes with
sane intervention costs. Together the files use every intervention type of the catalogue."""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

import pytest

from model.interventions import CATALOGUE
from model.model import DugnadModel
from model.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
HEADER_PARTS = ("Question", "Research", "Expected direction")
SMALL_MONTHS = 14
SMALL = {"population": {"persons": 600, "neighbourhoods": 4}, "burn_in_months": 12, "months": SMALL_MONTHS}

ids = [p.stem for p in SCENARIOS]


def header(path: Path) -> str:
    """The comment block at the top of the file (up to the first line that is not a comment)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


def test_scenarios_are_shipped():
    assert len(SCENARIOS) > 1 and (ROOT / "scenarios" / "baseline.toml") in SCENARIOS


@pytest.mark.parametrize("path", SCENARIOS, ids=ids)
def test_loads(path):
    sc = load_scenario(path)
    assert sc.name == path.stem
    assert sc.description.strip()
    if path.name != "baseline.toml":
        with path.open("rb") as f:
            assert tomllib.load(f).get("extends") == "baseline.toml"
        assert sc.interventions, "a scenario other than the baseline should have an intervention"


@pytest.mark.parametrize("path", SCENARIOS, ids=ids)
def test_header_has_question_research_and_expected_direction(path):
    text = header(path)
    where = []
    for part in HEADER_PARTS:
        m = re.search(rf"^# {part}: \S", text, re.MULTILINE)
        assert m, f"{path.name}: the header comment lacks a '# {part}: ...' line"
        where.append(m.start())
    assert where == sorted(where), f"{path.name}: header parts should come in the order {HEADER_PARTS}"


def spends_per_unit(iv) -> bool:
    """Whether the intervention books money for what it does (arrivals cost nothing by default)."""
    pr = iv.params
    return not (pr.type == "arrivals" and pr.nok_per_arrival == 0 and pr.admin_nok_per_year == 0)


@pytest.mark.parametrize("path", SCENARIOS, ids=ids)
def test_short_small_run(path):
    sc = load_scenario(path, SMALL)
    m = DugnadModel(sc)
    m.run()
    ts = m.observer.table()
    assert sorted(ts["month"].unique()) == list(range(SMALL_MONTHS + 1))
    assert len(m.interventions) == len(sc.interventions)
    for iv in m.interventions:
        if iv.params.start_month >= SMALL_MONTHS:
            continue
        assert math.isfinite(iv.cost_nok) and iv.cost_nok >= 0, (iv.label, iv.cost_nok)
        col = ts.groupby("month")[f"cost_nok.{iv.label}"].max()
        assert col.diff().dropna().ge(-1e-6).all(), f"{iv.label}: cumulative cost fell"
        assert col.iloc[-1] == pytest.approx(iv.cost_nok)
        if spends_per_unit(iv):
            assert iv.cost_nok > 0, f"{iv.label} was active from month {iv.params.start_month} but spent nothing"


def test_every_intervention_type_is_in_a_shipped_scenario():
    used = set()
    for path in SCENARIOS:
        used.update(iv.type for iv in load_scenario(path).interventions)
    assert set(CATALOGUE) <= used, f"no shipped scenario uses {sorted(set(CATALOGUE) - used)}"
