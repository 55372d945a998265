"""Preferences among kinds of activity by age and sex (issue 13, mechanism 2).

FACTS §3 reports the shares of youth in hobby and leisure organisations by sex (Ung i Oslo 2015)
and that sport dominates youth participation (§7: Saupstad, Fjell). Whether a person takes up an
offer — the child's family going ahead, an asked adult saying yes, a self-joiner taking in an
organisation they came across — is multiplied by their liking for its kind: a weight 0–1 by kind
for girls, boys (under 18), women and men (``preferences`` in the scenario). Kinds not listed
(minority associations, volunteer centres) weigh 1. The weights are assumptions; each sex's weights
have the same mean, so they shape *what* people do, not *how much* each sex takes part, and the
shares by kind are an outcome of the weights, the offer nearby and who asks whom.
"""

from __future__ import annotations

import numpy as np

from model.state import FEMALE, KINDS

GROUPS = ("boys", "girls", "men", "women")


def table(model) -> np.ndarray:
    """Weights as a (group, kind) array."""
    pp = model.params.preferences
    out = np.ones((len(GROUPS), len(KINDS)))
    for g, name in enumerate(GROUPS):
        for kind, w in getattr(pp, name).items():
            out[g, KINDS.index(kind)] = w
    return out


def weight(model, persons: np.ndarray, orgs: np.ndarray) -> np.ndarray:
    """Each person's liking for the kind of each organisation, 0–1."""
    p = model.people
    persons = np.asarray(persons, np.int64)
    group = 2 * (p.age[persons] >= 18) + (p.sex[persons] == FEMALE)
    return table(model)[group, model.orgs.kind[np.asarray(orgs, np.int64)]]
