"""Column stores for per-person and per-organisation state.

Every mechanism reads and writes these numpy columns in bulk (ARCHITECTURE.md: hot paths vectorised);
the Mesa agents in ``model.agents`` are the readable face over one row each.
"""

from __future__ import annotations

import numpy as np

BACKGROUNDS = ("majority", "immigrant", "descendant")
MAJORITY, IMMIGRANT, DESCENDANT = 0, 1, 2
SEXES = ("male", "female")
EDUCATION = ("low", "medium", "high")
REASONS = ("none", "labour", "refugee", "family", "study")
FEMALE = 1
ROLES = ("none", "participant", "member", "volunteer", "office")
NONE, PARTICIPANT, MEMBER, VOLUNTEER, OFFICE = 0, 1, 2, 3, 4
AGE_PROFILES = ("adults", "children", "all")
ADULTS_ONLY, CHILDREN, ALL_AGES = 0, 1, 2
TRADITIONS = ("protestant", "catholic", "muslim", "orthodox", "other", "none")
NEVER = -10**6  # month stamp meaning "never"
KINDS = ("sport", "culture", "religious", "humanitarian", "minority", "volunteer_centre", "youth_club")
YOUTH_AGE = 13               # youth take part on their own (asked, asking, in children's and all-age activities) from 13
YOUTH_CLUB_AGES = (13, 18)   # youth clubs take part from 13 up to 18 (ungdomsklubber; FACTS §7)
# Ung i Oslo's "hobby and leisure organisations" (FACTS §3): culture/hobby organisations and youth
# clubs — minority boys, the youth clubs' heaviest users, are in that category more than majority
# boys (27 % against 21 %), which culture organisations alone would not give (assumption)
HOBBY_KINDS = ("culture", "youth_club")
FOCI = ("organisation", "neighbourhood", "workplace", "school", "study", "school_parents", "community")


class Columns:
    """A set of equal-length numpy columns with in-place growth (arrivals add rows)."""

    _2d: tuple[str, ...] = ()

    def __init__(self, **cols: np.ndarray):
        n = {len(v) for v in cols.values()}
        if len(n) > 1:
            raise ValueError(f"columns of unequal length: { {k: len(v) for k, v in cols.items()} }")
        self.__dict__.update(cols)
        self._names = tuple(cols)

    def __len__(self) -> int:
        return len(getattr(self, self._names[0])) if self._names else 0

    @property
    def columns(self) -> tuple[str, ...]:
        return self._names

    def extend(self, **cols: np.ndarray) -> np.ndarray:
        """Append rows; returns the indices of the new rows."""
        if set(cols) != set(self._names):
            raise ValueError(f"extend needs exactly the columns {sorted(self._names)}")
        start = len(self)
        for k in self._names:
            old = getattr(self, k)
            setattr(self, k, np.concatenate([old, np.asarray(cols[k], dtype=old.dtype)]))
        return np.arange(start, len(self))

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the rows where ``mask`` is true (deaths, emigration), in their order."""
        for k in self._names:
            setattr(self, k, getattr(self, k)[mask])


class People(Columns):
    """Per-person columns; membership slots are (n, K) arrays: org id, role, month joined."""


class Orgs(Columns):
    """Per-organisation columns."""
