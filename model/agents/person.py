"""A person: background, origin group, household, neighbourhood, skills, roles and ties."""

from __future__ import annotations

import mesa
import numpy as np

from model.state import BACKGROUNDS, EDUCATION, NEVER, ROLES, SEXES


class Person(mesa.Agent):
    """One person, made on demand (``model.person(row)``). Attribute reads go to the person's row
    of ``model.people``, found by uid (rows move when others die or leave)."""

    def __init__(self, model, uid: int):
        super().__init__(model)
        self.uid = int(uid)

    @property
    def idx(self) -> int:
        return self.model.row_of(self.uid)

    def _col(self, name):
        return getattr(self.model.people, name)[self.idx]

    background = property(lambda self: BACKGROUNDS[self._col("background")])
    origin = property(lambda self: str(self.model.origins["group"].iat[self._col("origin")]))
    sex = property(lambda self: SEXES[self._col("sex")])
    age = property(lambda self: float(self._col("age")))
    education = property(lambda self: EDUCATION[self._col("education")])
    norwegian = property(lambda self: float(self._col("norwegian")))
    trust = property(lambda self: float(self._col("trust")))
    literacy = property(lambda self: float(self._col("literacy")))
    motivation = property(lambda self: float(self._col("motivation")))
    employed = property(lambda self: bool(self._col("employed")))
    low_income = property(lambda self: bool(self._col("low_income")))
    household = property(lambda self: int(self._col("household")))
    neighbourhood = property(lambda self: int(self._col("neighbourhood")))

    @property
    def memberships(self) -> list[tuple[int, str]]:
        """(organisation index, role) for each organisation the person is active in."""
        p = self.model.people
        return [(int(o), ROLES[r]) for o, r in zip(p.mem_org[self.idx], p.mem_role[self.idx]) if r > 0]

    @property
    def highest_role(self) -> str:
        return ROLES[int(self.model.people.mem_role[self.idx].max())]

    @property
    def volunteered_last_year(self) -> bool:
        last = self._col("last_volunteer")
        return last != NEVER and self.model.month - last < 12

    @property
    def ties(self) -> np.ndarray:
        indptr, nbr = self.model.ties.csr()
        return nbr[indptr[self.idx]:indptr[self.idx + 1]]

    def __repr__(self) -> str:
        return f"<Person {self.idx} {self.background} {self.origin} {self.sex} {self.age:.0f}y {self.highest_role}>"
