"""Generalised and institutional trust (mechanism 5, second part; issue 13, mechanism 6).

FACTS §4.9: volunteering goes with higher generalised trust among immigrants, more so in bridging
organisations (Eimhjellen, Bentsen & Wollebæk 2020); bridging contact builds generalised trust,
bonding strengthens in-group trust (Putnam 2000; FACTS §1). Origin, language, migration reason and
status matter more — they set each person's baseline ``trust0``. Experienced discrimination lowers
trust, and ethnic diversity lowers local trust mainly through economic inequality (Ivarsflaten &
Strømsnes 2011). Institutional trust among immigrants is as high as the population's, and is kept
apart from generalised trust.

Each month, generalised trust ``t``:
``t += participation_gain·active_in_mixed·(1-t) + bridging_gain·bridging_share·(1-t)
- exclusion_loss·[turned down this month]·t - reversion·(t - baseline)``, where activity only in
minority organisations counts half, *turned down* is wanting to join an organisation that did not
take one in (:func:`model.mechanisms.recruitment.seek`), and the baseline is ``trust0`` lowered by
``inequality_weight`` × (the neighbourhood's share of persistently low-income persons − the whole
population's). Trust can fall as well as rise.

Institutional trust ``i``: ``i += linking_gain·[active in an organisation linked to the
municipality]·(1-i) - reversion·(i - institutional_baseline)``, one baseline for everyone.
"""

from __future__ import annotations

import numpy as np

from model.mechanisms.language import active_in_majority_org


def local_inequality(model) -> np.ndarray:
    """Each person's neighbourhood's share of persistently low-income persons minus the whole
    population's."""
    p = model.people
    n_nb = len(model.nb_municipality)
    share = (np.bincount(p.neighbourhood, weights=p.low_income, minlength=n_nb)
             / np.maximum(1, np.bincount(p.neighbourhood, minlength=n_nb)))
    return share[p.neighbourhood] - p.low_income.mean()


def in_linked_org(model) -> np.ndarray:
    p, o = model.people, model.orgs
    org = np.maximum(p.mem_org, 0)
    return ((p.mem_role > 0) & o.linked[org]).any(axis=1)


def step(model) -> None:
    p, tp = model.people, model.params.trust
    active = (p.mem_role > 0).any(axis=1)
    mixed = active_in_majority_org(model)
    participation = np.where(mixed, 1.0, np.where(active, 0.5, 0.0))
    bond, bridge = model.tie_counts()
    total = bond + bridge
    bridge_share = np.where(total > 0, bridge / np.maximum(total, 1), 0.0)
    t = p.trust
    baseline = p.trust0 - tp.inequality_weight * local_inequality(model)
    turned_down = p.last_turned_down == model.month
    d = ((tp.participation_gain * participation + tp.bridging_gain * bridge_share) * (1.0 - t)
         - tp.exclusion_loss * turned_down * t - tp.reversion * (t - baseline))
    p.trust = np.clip(t + d, 0.0, 1.0).astype(np.float32)
    i = p.institutional_trust
    di = tp.linking_gain * in_linked_org(model) * (1.0 - i) - tp.reversion * (i - tp.institutional_baseline)
    p.institutional_trust = np.clip(i + di, 0.0, 1.0).astype(np.float32)
