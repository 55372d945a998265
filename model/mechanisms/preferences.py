"""Preferences among kinds of activity by age and sex (issue 13, mechanism 2).

FACTS §3 reports the shares of youth in hobby and leisure organisations by sex (Ung i Oslo 2015)
and that sport dominates youth participation (§7: Saupstad, Fjell). Each of girls, boys (under 18),
women and men has a liking 0–1 for each kind (``preferences`` in the scenario; a scenario that names
some kinds of a group keeps the defaults for the others). A child whose parents enrol them chooses between
two activities the family came across in proportion to these likings
(:func:`model.mechanisms.youth.choose`), so there the likings set the kind and not how many take
part. Whether anyone asked or seeking on their own takes up an offer — adults, and youth 13–17 asked
by friends or seeking from 16 — is multiplied by the liking. Kinds without a weight (minority
associations, volunteer centres, youth clubs) weigh the group's mean weight, so the weights favour no kind the
mainstream/minority split would turn into an ethnic difference. The weights are assumptions; each
sex's weights have the same mean, so the average weight sets no sex gap — how much each sex takes
part still depends on which kinds are on offer nearby — and the shares by kind are an outcome of the
weights, the offer and who asks whom.
"""

from __future__ import annotations

import numpy as np

from model.state import FEMALE, KINDS

GROUPS = ("boys", "girls", "men", "women")


def table(model) -> np.ndarray:
    """Weights as a (group, kind) array."""
    pp = model.params.preferences
    defaults = type(pp).model_fields
    out = np.ones((len(GROUPS), len(KINDS)))
    for g, name in enumerate(GROUPS):
        weights = {**defaults[name].default, **getattr(pp, name)}
        out[g, :] = np.mean(list(weights.values())) if weights else 1.0
        for kind, w in weights.items():
            out[g, KINDS.index(kind)] = w
    return out


def weight(model, persons: np.ndarray, orgs: np.ndarray) -> np.ndarray:
    """Each person's liking for the kind of each organisation, 0–1."""
    p = model.people
    persons = np.asarray(persons, np.int64)
    group = 2 * (p.age[persons] >= 18) + (p.sex[persons] == FEMALE)
    return table(model)[group, model.orgs.kind[np.asarray(orgs, np.int64)]]
