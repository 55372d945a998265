"""Generalised trust (mechanism 5, second part).

FACTS §4.9: volunteering goes with higher generalised trust among immigrants, more so in bridging
organisations (Eimhjellen, Bentsen & Wollebæk 2020); bridging contact builds generalised trust,
bonding strengthens in-group trust (Putnam 2000; FACTS §1). Origin, language, migration reason and
status matter more — they set each person's baseline ``trust0``, toward which trust reverts.
Each month: ``trust += participation_gain·active_in_mixed·(1-trust) + bridging_gain·bridging_share·(1-trust)
- reversion·(trust - trust0)``; activity only in minority organisations counts half.
"""

from __future__ import annotations

import numpy as np

from model.mechanisms.language import active_in_majority_org


def step(model) -> None:
    p, tp = model.people, model.params.trust
    active = (p.mem_role > 0).any(axis=1)
    mixed = active_in_majority_org(model)
    participation = np.where(mixed, 1.0, np.where(active, 0.5, 0.0))
    bond, bridge = model.tie_counts()
    total = bond + bridge
    bridge_share = np.where(total > 0, bridge / np.maximum(total, 1), 0.0)
    t = p.trust
    d = ((tp.participation_gain * participation + tp.bridging_gain * bridge_share) * (1.0 - t)
         - tp.reversion * (t - p.trust0))
    p.trust = np.clip(t + d, 0.0, 1.0).astype(np.float32)
