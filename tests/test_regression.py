"""Regression on a small run: the research patterns hold, and the numbers do not drift unnoticed.

If a deliberate model change moves the numbers, regenerate the expected file with
``python tests/test_regression.py --update`` and say why in the commit message.
"""

import json
import sys
from pathlib import Path

import numpy as np

EXPECTED = Path(__file__).with_name("fixtures") / "regression_small_run.json"
KEYS = ["participation", "member", "volunteer", "office", "bonding_ties", "bridging_ties", "trust",
        "norwegian", "employment", "youth_participation"]


def observed(model):
    df = model.observer.table()
    last = df[df["month"] == df["month"].max()].set_index("group")
    return {f"{g}.{k}": round(float(last.loc[g, k]), 10) for g in ("majority", "immigrant_background") for k in KEYS}


def test_research_patterns_hold(small_run):
    obs = observed(small_run)
    assert obs["majority.participation"] > obs["immigrant_background.participation"]
    assert obs["majority.volunteer"] > obs["immigrant_background.volunteer"]
    assert obs["majority.bonding_ties"] > obs["majority.bridging_ties"]
    assert obs["immigrant_background.bridging_ties"] > obs["majority.bridging_ties"]
    # the ladder narrows: each rung is held by fewer adults
    for g in ("majority", "immigrant_background"):
        assert obs[f"{g}.participation"] >= obs[f"{g}.member"] >= obs[f"{g}.office"]


def test_small_run_matches_recorded_numbers(small_run):
    expected = json.loads(EXPECTED.read_text())
    obs = observed(small_run)
    for k, v in expected.items():
        assert np.isclose(obs[k], v, rtol=1e-6, atol=1e-9), f"{k}: {obs[k]} != {v} (recorded)"


if __name__ == "__main__" and "--update" in sys.argv:
    sys.path.insert(0, str(Path(__file__).parent))
    from conftest import small_scenario
    from model.model import DugnadModel
    m = DugnadModel(small_scenario(1000, months=12, burn_in_months=48), seed=11)
    m.run()
    EXPECTED.parent.mkdir(exist_ok=True)
    EXPECTED.write_text(json.dumps(observed(m), indent=1) + "\n")
    print(f"wrote {EXPECTED}")
